# Shared helpers of the bench/ scripts. Sourced, not run.
# shellcheck shell=bash
#
# Every figure script appends its rows to $BENCH_ROWS (one tab-separated line a row:
# figure, target, median, min, max, ratio, note) when bench/run drives it, and prints them as a
# Markdown table when run alone. Benchmarks print figures; they never fail because of a figure.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
BUILD_DIR=${SIAGA_BUILD_DIR:-$REPO_DIR/build}
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$REPO_DIR/$BUILD_DIR" ;; esac
JOBS=${SIAGA_JOBS:-$(nproc)}
RESULTS_DIR="$REPO_DIR/bench/results"
mkdir -p "$RESULTS_DIR"

# need CMD DEBIAN_PACKAGE: installs the package when the command is missing (as root), or stops
# with a clear message.
need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "bench: '$1' is missing; installing the Debian package $2" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y "$2" >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; } || true
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y "$2" >/dev/null 2>&1 || true
  fi
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "bench: '$1' is still missing: run  apt-get update && apt-get install -y $2" >&2
  exit 1
}

# bench_build TARGET...: configures and builds the targets, unless SIAGA_NO_BUILD=1 (bench/run
# builds once for all scripts).
bench_build() {
  [ "${SIAGA_NO_BUILD:-0}" = 1 ] && return 0
  [ -f "$BUILD_DIR/CMakeCache.txt" ] || cmake -S "$REPO_DIR" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  local t
  for t in "$@"; do cmake --build "$BUILD_DIR" -j"$JOBS" --target "$t" >/dev/null; done
}

# stats: numbers on stdin, one a line -> "median min max" (median of an even count: the mean of
# the two middle values).
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "NA NA NA"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s %s %s\n", f(m), f(v[1]), f(v[NR]) }
    function f(x) { return (x >= 100 || x <= -100) ? sprintf("%.0f", x) : sprintf("%.3g", x) }'
}

# kv KEY "RESULT a=1 b=2": the value of KEY
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -1; }
# field KEY FILE: the value of a "key value" line
field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# Ratios as printed in the table: how many times the target the figure is, so that >= 1 means
# the target is met. at_least MEDIAN TARGET (throughput), below MEDIAN TARGET (latency, memory).
# Rounded down, so that a missed target never prints as 1.00x.
at_least() { awk -v m="$1" -v t="$2" 'BEGIN { if (m == "NA" || t == 0) print "NA"; else printf "%.2fx\n", int(m / t * 100) / 100 }'; }
below() { awk -v m="$1" -v t="$2" 'BEGIN { if (m == "NA") print "NA"; else if (m <= 0) print "inf"; else printf "%.2fx\n", int(t / m * 100) / 100 }'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "NA"; else printf "%.2fx\n", int(a / b * 100) / 100 }'; }

# row FIGURE TARGET MEDIAN MIN MAX RATIO [NOTE]: one line of the results table.
row() {
  local line
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" "$3" "$4" "$5" "$6" "${7:-}")
  [ -n "${BENCH_ROWS:-}" ] && printf '%s\n' "$line" >>"$BENCH_ROWS"
  printf '%s\n' "$line" >>"$SCRIPT_ROWS"
}

# table FILE: the rows as a Markdown table
table() {
  echo "| figure | target | median | min | max | ratio | note |"
  echo "|---|---|---|---|---|---|---|"
  awk -F '\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7 }' "$1"
}

# machine: one line naming the machine
machine() {
  local cpu kernel
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  kernel=$(uname -r)
  echo "$(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $kernel, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

# wait_file FILE [SECONDS]: until FILE is non-empty
wait_file() {
  local i=0 t=${2:-30}
  while [ ! -s "$1" ]; do
    sleep 0.05
    i=$((i + 1))
    if [ "$i" -gt $((t * 20)) ]; then echo "bench: $1 did not appear within ${t}s" >&2; return 1; fi
  done
  return 0
}

# wait_http URL [SECONDS]: until the URL answers at all
wait_http() {
  local i=0 t=${2:-60}
  until curl -s -o /dev/null "$1"; do
    sleep 0.1
    i=$((i + 1))
    if [ "$i" -gt $((t * 10)) ]; then echo "bench: $1 did not answer within ${t}s" >&2; return 1; fi
  done
  return 0
}

# stop_pid PID: SIGTERM, up to 20 s, then SIGKILL. Only ever a process the script started.
stop_pid() {
  local pid=$1 i=0
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null || true
}

# rss_mb PID / peak_rss_mb PID: resident set now / at its peak (VmHWM), in MB
rss_mb() { awk '/^VmRSS/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo NA; }
peak_rss_mb() { awk '/^VmHWM/ { printf "%.1f\n", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo NA; }
# cpu_seconds PID: user + system CPU time so far
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# start_siaga WORK_DIR DB [serve options...]: starts `siaga serve` on a free port with the repo's
# sop/ and webhooks/ (or $SOP_DIR, $WEBHOOKS_DIR; $SIAGA_NOW: the clock's start); sets SERVER_PID and PORT.
start_siaga() {
  local work=$1 db=$2
  shift 2
  rm -f "$work/port"
  "$BUILD_DIR/siaga" --db "$db" --sop "${SOP_DIR:-$REPO_DIR/sop}" --webhooks "${WEBHOOKS_DIR:-$REPO_DIR/webhooks}" \
    ${SIAGA_NOW:+--now "$SIAGA_NOW"} serve --listen 127.0.0.1:0 --port-file "$work/port" --scripts "$REPO_DIR/scripts" "$@" >>"$work/server.log" 2>&1 &
  SERVER_PID=$!
  wait_file "$work/port" 600 || { tail -20 "$work/server.log" >&2; return 1; }
  PORT=$(cat "$work/port")
}

# token DB ROLE USER: a new API token
new_token() {
  "$BUILD_DIR/siaga" --db "$1" --sop "${SOP_DIR:-$REPO_DIR/sop}" --webhooks "${WEBHOOKS_DIR:-$REPO_DIR/webhooks}" --json \
    token create --user "$3" --role "$2" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# metric NAME PORT: a value from /metrics
metric() { curl -s "http://127.0.0.1:$2/metrics" | awk -v n="$1" '$1 == n { print $2; exit }'; }

# Rows of this script, for its own table at the end.
SCRIPT_ROWS=$(mktemp)
finish_table() {
  local name=$1
  if [ -z "${BENCH_ROWS:-}" ]; then
    { echo "# $name: $(machine), $(date -u +%Y-%m-%dT%H:%MZ)"; table "$SCRIPT_ROWS"; } | tee "$RESULTS_DIR/$name-$(date +%Y%m%d-%H%M%S).md"
  fi
  rm -f "$SCRIPT_ROWS"
}

# free_port FROM: the first port from FROM on that nothing listens on
free_port() {
  local p=$1
  while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
  echo "$p"
}

# ---- Node-RED, the peer (installed from the npm registry into a scratch folder, never the repo) ---
# 4.1.x is the newest line whose engines accept Node 20 (5.x needs Node >= 22.9); better-sqlite3 12
# (13 crashes on Node 20) is its durable store, as a function node would use it.
NR_VERSION=${NR_VERSION:-4.1.8}
NR_SQLITE_VERSION=${NR_SQLITE_VERSION:-12}
NR_DIR=${NR_DIR:-/tmp/siaga-bench-nodered}

nodered_install() {
  need node nodejs
  need npm npm
  mkdir -p "$NR_DIR"
  local have
  have=$(node -p "try{require('$NR_DIR/node_modules/node-red/package.json').version}catch(e){''}")
  if [ "$have" = "$NR_VERSION" ] && node -e "require('$NR_DIR/node_modules/better-sqlite3')" 2>/dev/null; then return 0; fi
  [ -f "$NR_DIR/package.json" ] || echo '{"name":"siaga-bench-nodered","private":true}' >"$NR_DIR/package.json"
  echo "bench: installing node-red@$NR_VERSION and better-sqlite3@$NR_SQLITE_VERSION into $NR_DIR (once)" >&2
  local t0
  t0=$(date +%s)
  (cd "$NR_DIR" && npm install --no-audit --no-fund "node-red@$NR_VERSION" "better-sqlite3@$NR_SQLITE_VERSION" >install.log 2>&1) ||
    { tail -20 "$NR_DIR/install.log" >&2; echo "bench: npm install of node-red failed (log: $NR_DIR/install.log)" >&2; return 1; }
  echo "bench: installed in $(($(date +%s) - t0)) s" >&2
}

# nodered_start WORK_DIR: starts Node-RED with bench/nodered/flows.json on a free port; sets NR_PID
# and NR_PORT. Its SQLite file is WORK_DIR/nodered.db.
nodered_start() {
  local work=$1 userdir=$1/nodered
  mkdir -p "$userdir"
  cp "$BENCH_DIR/nodered/flows.json" "$userdir/flows.json"
  NR_PORT=$(free_port 18081)
  BENCH_NR_PORT=$NR_PORT BENCH_NR_USERDIR=$userdir BENCH_NR_DB=$work/nodered.db \
    BENCH_NR_SQLITE_MODULE=$NR_DIR/node_modules/better-sqlite3 \
    node "$NR_DIR/node_modules/node-red/red.js" --userDir "$userdir" --settings "$BENCH_DIR/nodered/settings.js" \
    >"$work/nodered.log" 2>&1 &
  NR_PID=$!
  wait_http "http://127.0.0.1:$NR_PORT/admin/" 120 || { tail -20 "$work/nodered.log" >&2; return 1; }
}

# ensure_store N: prints the path of bench/results/reports-N.db, a store of N cases filled once
# through the engine's write path by siaga_bench_fill_cases (1,000,000 take ~31 min here) and kept
# for later runs (reads.sh, reports.sh). The fill's figures are in reports-N.db.filled.
ensure_store() {
  local n=$1 store="$RESULTS_DIR/reports-$1.db"
  if [ ! -f "$store.filled" ]; then
    rm -f "$store" "$store-wal" "$store-shm"
    echo "bench: filling $store with $n cases through the engine (once; later runs reuse it)" >&2
    "$BUILD_DIR/siaga_bench_fill_cases" "$n" "$store" >"$store.fill.tmp"
    mv "$store.fill.tmp" "$store.filled"
  fi
  echo "$store"
}
