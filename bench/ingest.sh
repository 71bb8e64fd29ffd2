#!/usr/bin/env bash
# Webhook ingest through the real HTTP path, side by side with Node-RED (DESIGN.md §8: >= 5,000
# durable case creations/s, p99 < 50 ms; >= 5x a Node-RED flow doing the same durable job and more
# than its no-op flow, in the same run).
#
# Siaga: `siaga serve` on a fresh store, a `webhook:nuclei` token, wrk POSTing to /hooks/nuclei.
# Every request carries a unique ~1 KB Nuclei finding (bench/wrk/ingest.lua), so deduplication
# finds nothing and each request opens a case (adapter in its worker process, route, case, first
# step, deadlines, audit, inbox row; 202 after COMMIT with synchronous=FULL). Cases/s is counted by
# the server (siaga_webhook_cases_total: committed cases), not by wrk. Batch size and queue depth
# come from /metrics (commands / batches; the queue gauge sampled every 50 ms). Then the same
# finding again and again: every request is a duplicate (the dedupe path).
#
# Node-RED (bench/nodered/flows.json), same wrk load, same bodies, same client counts, runs
# interleaved with Siaga's: POST /hook parses the JSON, checks it, and in one SQLite transaction
# (WAL, synchronous=FULL, like Siaga) stores the payload and a case row whose UNIQUE dedupe key
# turns a re-sent finding into an event; answers 202 after COMMIT. POST /hook-noop answers
# without storing anything.
#
# Usage: bench/ingest.sh     env: CLIENTS ("8 32 64"), RUNS (3), DURATION (10s), WARMUP (5s),
#   THREADS (Siaga HTTP threads, default max(CLIENTS) + 16), ADAPTER_WORKERS (2), SERVE_ARGS (more
#   `siaga serve` options), NODERED (1; 0 skips the peer), DEDUPE (1; 0 skips the duplicates run)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
need wrk wrk
need curl curl
need lua5.4 lua5.4
bench_build siaga

CLIENTS=${CLIENTS:-8 32 64}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
max_clients=$(tr ' ' '\n' <<<"$CLIENTS" | sort -n | tail -1)
THREADS=${THREADS:-$((max_clients + 16))}
ADAPTER_WORKERS=${ADAPTER_WORKERS:-2}
NODERED=${NODERED:-1}

WORK=$(mktemp -d /tmp/siaga-bench-ingest.XXXXXX)
SERVER_PID=""
NR_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  stop_pid "$SERVER_PID"
  stop_pid "$NR_PID"
  rm -rf "$WORK" "$SCRIPT_ROWS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DB="$WORK/ingest.db"
TOKEN=$(new_token "$DB" webhook:nuclei bench-feed)
[ -n "$TOKEN" ] || { echo "ingest: could not make a token" >&2; exit 1; }
# shellcheck disable=SC2086
start_siaga "$WORK" "$DB" --rate 0 --threads "$THREADS" --adapter-workers "$ADAPTER_WORKERS" ${SERVE_ARGS:-}
URL="http://127.0.0.1:$PORT/hooks/nuclei"
echo "ingest: siaga serve on port $PORT (HTTP threads $THREADS, adapter workers $ADAPTER_WORKERS); clients $CLIENTS; $RUNS x $DURATION" >&2

# post URL BODY [TOKEN]: one request, the answer on stdout
post() { curl -sS -X POST ${3:+-H "Authorization: Bearer $3"} -H 'Content-Type: application/json' --data-binary "$2" "$1"; }
body=$(BENCH_RUN=check P="$BENCH_DIR/wrk/ingest.lua" lua5.4 -e 'wrk={headers={},format=function(a,b,c,d) return d end} dofile(os.getenv("P")) init() io.write(request())')
# One request first: it must open a case, or the figures would measure something else.
answer=$(post "$URL" "$body" "$TOKEN")
case "$answer" in
  *'"accepted":1'*) ;;
  *) echo "ingest: the check request did not open a case: $answer" >&2; tail -20 "$WORK/server.log" >&2; exit 1 ;;
esac

if [ "$NODERED" = 1 ] && [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 20 ]; then
  row "ingest: Node-RED side by side" "-" "NA" "" "" "-" "not measured: better-sqlite3 12 needs Node >= 20 (node: $(node --version 2>/dev/null || echo missing))"
  NODERED=0
fi
if [ "$NODERED" = 1 ] && ! nodered_install; then
  row "ingest: Node-RED side by side" "-" "NA" "" "" "-" "not measured: npm install of node-red failed ($NR_DIR/install.log)"
  NODERED=0
fi
if [ "$NODERED" = 1 ]; then
  nodered_start "$WORK"
  NR_URL="http://127.0.0.1:$NR_PORT/hook"
  NR_NOOP="http://127.0.0.1:$NR_PORT/hook-noop"
  answer=$(post "$NR_URL" "$body")
  case "$answer" in *'"accepted":1'*) ;; *) echo "ingest: Node-RED's check request failed: $answer" >&2; tail -20 "$WORK/nodered.log" >&2; exit 1 ;; esac
  answer=$(post "$NR_NOOP" "$body")
  case "$answer" in *'"ok":true'*) ;; *) echo "ingest: Node-RED's no-op check failed: $answer" >&2; exit 1 ;; esac
  echo "ingest: Node-RED $NR_VERSION (node $(node --version)) on port $NR_PORT" >&2
fi

# sample_queue FILE: the engine queue gauge every 50 ms until killed
sample_queue() {
  while true; do
    metric siaga_engine_queued_commands "$PORT" >>"$1" || true
    sleep 0.05
  done
}
sum_metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v re="$1" '$0 ~ re { s += $2 } END { print s + 0 }'; }

# run_wrk URL CLIENTS REPEAT [TOKEN]: one wrk run; prints its RESULT line plus ok_per_s (2xx/s)
run_wrk() {
  local out
  out=$(BENCH_TOKEN=${4:-} BENCH_RUN="r$RANDOM$RANDOM" BENCH_REPEAT=$3 \
    wrk -t2 -c"$2" -d"$DURATION" --timeout 10s -s "$BENCH_DIR/wrk/ingest.lua" "$1" | grep '^RESULT')
  awk -v out="$out" 'BEGIN { n = split(out, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%s ok_per_s=%.1f\n", out, (v["reqs"] > 0 ? v["rps"] * (v["reqs"] - v["err_status"]) / v["reqs"] : 0) }'
}

# siaga_run CLIENTS REPEAT: one measured run against Siaga, with the server's counters over it
siaga_run() {
  local clients=$1 repeat=$2 c0 b0 k0 d0 c1 b1 k1 d1 t0 t1 cpu0 cpu1 out qmax qmean
  c0=$(metric siaga_engine_commands_total "$PORT"); b0=$(metric siaga_engine_batches_total "$PORT")
  k0=$(sum_metric '^siaga_webhook_cases_total'); d0=$(sum_metric '^siaga_webhook_payloads_total.*outcome="processed"')
  : >"$WORK/queue"
  sample_queue "$WORK/queue" &
  SAMPLER_PID=$!
  cpu0=$(cpu_seconds "$SERVER_PID")
  t0=$(date +%s%N)
  out=$(run_wrk "$URL" "$clients" "$repeat" "$TOKEN")
  t1=$(date +%s%N)
  cpu1=$(cpu_seconds "$SERVER_PID")
  kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""
  c1=$(metric siaga_engine_commands_total "$PORT"); b1=$(metric siaga_engine_batches_total "$PORT")
  k1=$(sum_metric '^siaga_webhook_cases_total'); d1=$(sum_metric '^siaga_webhook_payloads_total.*outcome="processed"')
  read -r qmax qmean < <(awk '{ if ($1 > m) m = $1; s += $1; n++ } END { printf "%d %.1f\n", m, (n ? s / n : 0) }' "$WORK/queue")
  # the counters are read just before and after wrk: its run time plus a few ms
  awk -v out="$out" -v c0="$c0" -v c1="$c1" -v b0="$b0" -v b1="$b1" -v k0="$k0" -v k1="$k1" -v d0="$d0" -v d1="$d1" \
    -v t0="$t0" -v t1="$t1" -v cpu0="$cpu0" -v cpu1="$cpu1" -v qmax="$qmax" -v qmean="$qmean" 'BEGIN {
      secs = (t1 - t0) / 1e9
      printf "%s cases_per_s=%.1f payloads_per_s=%.1f batch_mean=%.1f batches=%d queue_max=%d queue_mean=%s cpu_us_per_req=%.0f\n",
        out, (k1 - k0) / secs, (d1 - d0) / secs, (b1 > b0 ? (c1 - c0) / (b1 - b0) : 0), b1 - b0, qmax, qmean,
        (d1 > d0 ? (cpu1 - cpu0) * 1e6 / (d1 - d0) : 0) }'
}

# nr_run URL CLIENTS REPEAT: one measured run against Node-RED, with its CPU time
nr_run() {
  local cpu0 cpu1 out
  cpu0=$(cpu_seconds "$NR_PID")
  out=$(run_wrk "$1" "$2" "$3")
  cpu1=$(cpu_seconds "$NR_PID")
  awk -v out="$out" -v cpu0="$cpu0" -v cpu1="$cpu1" 'BEGIN { n = split(out, f, " "); for (i = 2; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
    printf "%s cpu_us_per_req=%.0f\n", out, (v["reqs"] > 0 ? (cpu1 - cpu0) * 1e6 / v["reqs"] : 0) }'
}

# col FILE KEY: the KEY values of a file of run lines
col() { while read -r line; do kv "$2" "$line"; done <"$1"; }
ms() { awk '{ printf "%.2f\n", $1 / 1000 }'; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }

# Warm-up: Siaga's adapter workers and page cache, Node-RED's JIT.
wrk -t2 -c8 -d"$WARMUP" -s "$BENCH_DIR/wrk/ingest.lua" -H "Authorization: Bearer $TOKEN" "$URL" >/dev/null 2>&1 || true
if [ "$NODERED" = 1 ]; then
  wrk -t2 -c8 -d"$WARMUP" -s "$BENCH_DIR/wrk/ingest.lua" "$NR_URL" >/dev/null 2>&1 || true
  wrk -t2 -c8 -d"$WARMUP" -s "$BENCH_DIR/wrk/ingest.lua" "$NR_NOOP" >/dev/null 2>&1 || true
fi

for clients in $CLIENTS; do
  S="$WORK/siaga-$clients" N="$WORK/nr-$clients" Z="$WORK/noop-$clients" R="$WORK/ratio-$clients" Q="$WORK/ratio-noop-$clients"
  : >"$S"; : >"$N"; : >"$Z"; : >"$R"; : >"$Q"
  for i in $(seq "$RUNS"); do
    line=$(siaga_run "$clients" 0)
    echo "ingest siaga c=$clients run $i: $line" >&2
    echo "$line" >>"$S"
    if [ "$NODERED" = 1 ]; then
      nline=$(nr_run "$NR_URL" "$clients" 0)
      echo "ingest node-red durable c=$clients run $i: $nline" >&2
      echo "$nline" >>"$N"
      zline=$(nr_run "$NR_NOOP" "$clients" 0)
      echo "ingest node-red no-op c=$clients run $i: $zline" >&2
      echo "$zline" >>"$Z"
      times "$(kv cases_per_s "$line")" "$(kv ok_per_s "$nline")" | tr -d x >>"$R"
      times "$(kv cases_per_s "$line")" "$(kv ok_per_s "$zline")" | tr -d x >>"$Q"
    fi
  done
  read -r m lo hi < <(col "$S" cases_per_s | stats)
  read -r wm _ _ < <(col "$S" rps | stats)
  row "ingest: Siaga durable cases/s, $clients clients" ">= 5000" "$m" "$lo" "$hi" "$(at_least "$m" 5000)" \
    "answers/s (wrk) median $wm; non-2xx $(col "$S" err_status | sum), timeouts $(col "$S" err_timeout | sum)"
  read -r m lo hi < <(col "$S" p99_us | ms | stats)
  read -r p50 _ _ < <(col "$S" p50_us | ms | stats)
  row "ingest: Siaga latency p99 (ms), $clients clients" "< 50" "$m" "$lo" "$hi" "$(below "$m" 50)" "p50 median $p50 ms"
  read -r m lo hi < <(col "$S" batch_mean | stats)
  read -r qm qlo qhi < <(col "$S" queue_max | stats)
  read -r qa _ _ < <(col "$S" queue_mean | stats)
  read -r cpu _ _ < <(col "$S" cpu_us_per_req | stats)
  row "ingest: Siaga commands per group commit (mean), $clients clients" "-" "$m" "$lo" "$hi" "-" \
    "queue depth: max $qm ($qlo-$qhi), mean $qa; server CPU $cpu µs a request"
  if [ "$NODERED" = 1 ]; then
    read -r m lo hi < <(col "$N" ok_per_s | stats)
    read -r p99 _ _ < <(col "$N" p99_us | ms | stats)
    read -r cpu _ _ < <(col "$N" cpu_us_per_req | stats)
    row "ingest: Node-RED durable flow, 202/s, $clients clients" "-" "$m" "$lo" "$hi" "-" \
      "p99 median $p99 ms; CPU $cpu µs a request; non-2xx $(col "$N" err_status | sum), timeouts $(col "$N" err_timeout | sum)"
    read -r m lo hi < <(col "$Z" ok_per_s | stats)
    read -r p99 _ _ < <(col "$Z" p99_us | ms | stats)
    row "ingest: Node-RED no-op flow, answers/s, $clients clients" "-" "$m" "$lo" "$hi" "-" "p99 median $p99 ms"
    read -r m lo hi < <(stats <"$R")
    row "ingest: Siaga ÷ Node-RED durable flow, $clients clients (paired runs)" ">= 5x" "${m}x" "${lo}x" "${hi}x" "$(at_least "$m" 5)" ""
    read -r m lo hi < <(stats <"$Q")
    row "ingest: Siaga ÷ Node-RED no-op flow, $clients clients (paired runs)" "> 1x" "${m}x" "${lo}x" "${hi}x" "$(at_least "$m" 1)" ""
  fi
done

if [ "${DEDUPE:-1}" = 1 ]; then
  # The dedupe path: one finding sent again and again by 32 clients; every request after the first
  # adds a duplicate_received event to the existing case and stores the payload.
  D="$WORK/dupes"
  : >"$D"
  for i in $(seq "$RUNS"); do
    line=$(siaga_run 32 1)
    echo "ingest siaga duplicates run $i: $line" >&2
    echo "$line" >>"$D"
  done
  read -r m lo hi < <(col "$D" payloads_per_s | stats)
  read -r p99 _ _ < <(col "$D" p99_us | ms | stats)
  row "ingest: Siaga duplicate findings/s (dedupe path), 32 clients" "-" "$m" "$lo" "$hi" "-" \
    "p99 median $p99 ms; cases opened during these runs: $(col "$D" cases_per_s | sum)/s summed"
fi

peak=$(peak_rss_mb "$SERVER_PID")
row "ingest: Siaga peak resident set (MB)" "< 200" "$peak" "" "" "$(below "$peak" 200)" \
  "server process only (adapter workers apart); $(metric siaga_engine_commands_total "$PORT") commands applied"
if [ "$NODERED" = 1 ]; then
  nrpeak=$(peak_rss_mb "$NR_PID")
  stored=$(node -e "const D=require('$NR_DIR/node_modules/better-sqlite3'); const d=new D('$WORK/nodered.db',{readonly:true}); console.log(d.prepare('SELECT COUNT(*) n FROM cases').get().n)" 2>/dev/null || echo NA)
  row "ingest: Node-RED peak resident set (MB)" "-" "$nrpeak" "" "" "-" "cases in its store: $stored"
fi
finish_table ingest
