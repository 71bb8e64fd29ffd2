-- wrk script for the webhook ingest benchmark (bench/ingest.sh, bench/nodered.sh).
-- POSTs one Nuclei finding as a JSON line of about 1 KB. Each request's finding is unique
-- (run prefix, wrk thread, counter in the matched-at URL, hence in Siaga's dedupe key), so every
-- request opens a new case; with BENCH_REPEAT=1 every request sends the same finding, so after the
-- first all are duplicates (the dedupe path).
-- Environment: BENCH_TOKEN (bearer token, optional), BENCH_RUN (a prefix unique to the run),
-- BENCH_REPEAT (1: the same body every time). Prints one "RESULT k=v ..." line at the end.
local token = os.getenv("BENCH_TOKEN") or ""
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local repeat_body = os.getenv("BENCH_REPEAT") == "1"

local threads = {}
local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid or 0
  wrk.method = "POST"
  -- JSON: one finding is one JSON line, and Node-RED parses only application/json bodies
  wrk.headers["Content-Type"] = "application/json"
  if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
end

local desc = string.rep("Remote code execution in example-lib via crafted header. ", 6)

local function body(n)
  local matched = string.format("https://web-%d.bench.invalid/%s/t%d/%d", n % 97, run, thread_id, n)
  local line = string.format(
    '{"template-id":"bench-rce-%d","info":{"name":"Example RCE via crafted header","severity":"high",' ..
    '"tags":["rce","internet-facing"],"description":"%s","classification":{"cve-id":["cve-2024-12345"],' ..
    '"cvss-score":8.1}},"type":"http","host":"web-%d.bench.invalid","ip":"198.51.100.23","port":"443",' ..
    '"matched-at":"%s","timestamp":"2026-11-30T09:41:27+07:00","pad":"',
    n % 13, desc, n % 97, matched)
  return line .. string.rep("x", math.max(0, 1022 - #line)) .. '"}'
end

local fixed = body(0)

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, repeat_body and fixed or body(counter))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f reqs=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, summary.requests,
    e.connect, e.read, e.write, e.status, e.timeout))
end
