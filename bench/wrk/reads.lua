-- wrk script for the reads benchmark (bench/reads.sh): GET a case list page or a random case's
-- detail, with an admin bearer token.
-- Environment: BENCH_TOKEN, BENCH_MODE ("list": the query as given; "page": the query plus
-- after=<random id>, a page deep in the list; "detail": /api/cases/<random id>), BENCH_CASES (ids
-- 1..N), BENCH_QUERY (the list's query string, default "limit=50"). Prints one "RESULT" line.
local token = os.getenv("BENCH_TOKEN") or ""
local mode = os.getenv("BENCH_MODE") or "list"
local cases = tonumber(os.getenv("BENCH_CASES") or "1") or 1
local query = os.getenv("BENCH_QUERY") or "limit=50"

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. token
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  if mode == "detail" then
    return wrk.format("GET", "/api/cases/" .. math.random(1, cases))
  end
  if mode == "page" then
    return wrk.format("GET", "/api/cases?" .. query .. "&after=" .. math.random(0, math.max(0, cases - 50)))
  end
  return wrk.format("GET", "/api/cases?" .. query)
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
