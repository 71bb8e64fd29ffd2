#!/usr/bin/env bash
# Reads with N cases stored (DESIGN.md §8: case list and case detail < 10 ms p99 with 1,000,000
# cases). Serves a copy of the store of bench/reports.sh (bench/results/reports-N.db, filled once
# through the engine's write path; the copy keeps the kept store untouched by the server's
# migration, its published procedures and its timers) and drives the REST API with wrk and an
# admin token: the first page of GET /api/cases?limit=50 (ordered by id), a page at a random
# place (after=<random id>), the open cases (status=open), and GET /api/cases/{random id} (the
# case with its steps, decisions, timers, evidence and history). Also the server's resident set
# with the N cases and their armed timers.
# Usage: bench/reads.sh [N]    env: CLIENTS ("4 16"), RUNS (3), DURATION (10s)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
N=${1:-1000000}
CLIENTS=${CLIENTS:-4 16}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
need wrk wrk
need curl curl
bench_build siaga siaga_bench_fill_cases
STORE=$(ensure_store "$N")

WORK=$(mktemp -d /tmp/siaga-bench-reads.XXXXXX)
SERVER_PID=""
trap 'stop_pid "$SERVER_PID"; rm -rf "$WORK"; rm -f "$SCRIPT_ROWS"' EXIT
trap 'exit 130' INT TERM
echo "reads: copying $STORE ($(du -m "$STORE" | cut -f1) MB)" >&2
cp --reflink=auto "$STORE" "$WORK/reads.db"
# The store's cases were opened from January 2025; the server runs at the instant the reports are
# judged (2026-01-01), so the deadlines of the open cases that fell due before it fire at start,
# and the measurement waits for that to finish.
ADMIN=$("$BUILD_DIR/siaga" --db "$WORK/reads.db" --now 2026-01-01T00:00 --json token create --user bench --role admin |
  sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
t0=$(date +%s%N)
SIAGA_NOW=2026-01-01T00:00 start_siaga "$WORK" "$WORK/reads.db" --rate 0 --threads 64
wait_http "http://127.0.0.1:$PORT/healthz" 600
start_ms=$((($(date +%s%N) - t0) / 1000000))
fired=0
for _ in $(seq 600); do  # at most 5 minutes
  now_fired=$(metric siaga_timers_fired_total "$PORT")
  [ "$now_fired" = "$fired" ] && [ "$(metric siaga_engine_queued_commands "$PORT")" = 0 ] && break
  fired=$now_fired
  sleep 0.5
done
echo "reads: $fired overdue timers fired at start; $(metric siaga_timers_pending "$PORT") armed" >&2
cases=$(field cases "$STORE.filled")
echo "reads: siaga serve on port $PORT after ${start_ms} ms; case ids 1..$cases" >&2
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$PORT/api/cases/$cases")
[ "$code" = 200 ] || { echo "reads: GET /api/cases/$cases answered $code" >&2; exit 1; }

ms() { awk '{ printf "%.2f\n", $1 / 1000 }'; }
col() { while read -r line; do kv "$2" "$line"; done <"$1"; }
n=0
# measure NAME MODE QUERY CLIENTS
measure() {
  local f="$WORK/runs-$n" i out
  n=$((n + 1))
  : >"$f"
  for i in $(seq "$RUNS"); do
    out=$(BENCH_TOKEN=$ADMIN BENCH_MODE=$2 BENCH_QUERY=$3 BENCH_CASES=$cases \
      wrk -t2 -c"$4" -d"$DURATION" --timeout 10s -s "$BENCH_DIR/wrk/reads.lua" "http://127.0.0.1:$PORT" | grep '^RESULT')
    echo "reads $1 c=$4 run $i: $out" >&2
    echo "$out" >>"$f"
  done
  local m lo hi p50 rps
  read -r m lo hi < <(col "$f" p99_us | ms | stats)
  read -r p50 _ _ < <(col "$f" p50_us | ms | stats)
  read -r rps _ _ < <(col "$f" rps | stats)
  row "reads: $1 p99 (ms), $N cases, $4 clients" "< 10" "$m" "$lo" "$hi" "$(below "$m" 10)" \
    "p50 median $p50 ms; $rps requests/s; non-2xx $(col "$f" err_status | awk '{ s += $1 } END { print s + 0 }')"
}
# warm the page cache and the read connections
BENCH_TOKEN=$ADMIN BENCH_MODE=detail BENCH_CASES=$cases wrk -t2 -c4 -d3s -s "$BENCH_DIR/wrk/reads.lua" "http://127.0.0.1:$PORT" >/dev/null
for c in $CLIENTS; do
  measure "case list, first page (GET /api/cases?limit=50)" list "limit=50" "$c"
  measure "case list, a page at a random place (after=ID)" page "limit=50" "$c"
  measure "open cases (GET /api/cases?status=open&limit=50)" list "status=open&limit=50" "$c"
  measure "case detail (GET /api/cases/{random id})" detail "" "$c"
done
rss=$(rss_mb "$SERVER_PID")
peak=$(peak_rss_mb "$SERVER_PID")
row "reads: server resident set with $N cases, $(metric siaga_timers_pending "$PORT") armed timers (MB)" "< 200" "$rss" "" "" "$(below "$rss" 200)" \
  "peak $peak MB; start to first answer ${start_ms} ms (the copy's migration included)"
finish_table reads
