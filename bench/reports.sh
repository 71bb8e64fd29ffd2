#!/usr/bin/env bash
# Reports benchmark (DESIGN.md §8: SLA compliance over 1,000,000 cases < 2 s). Fills a store with N
# cases (default 1,000,000) through the engine's write path, once: the store is kept in
# bench/results/ and reused by later runs. Then runs `siaga report sla-compliance` RUNS times
# (default 5) as a user would, the whole process included, and prints median, min and max.
# Usage: bench/reports.sh [N]     (SIAGA_BUILD_DIR, SIAGA_JOBS: where and how wide to build)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${RUNS:-5}
BUILD_DIR=${SIAGA_BUILD_DIR:-build}
JOBS=${SIAGA_JOBS:-$(nproc)}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD_DIR" -j"$JOBS" --target siaga siaga_bench_fill_cases > /dev/null
mkdir -p bench/results
STORE=bench/results/reports-$N.db
if [ ! -f "$STORE.filled" ]; then
  rm -f "$STORE" "$STORE-wal" "$STORE-shm"
  echo "filling $STORE with $N cases (once; later runs reuse it)" >&2
  "$BUILD_DIR"/siaga_bench_fill_cases "$N" "$STORE" > "$STORE.fill.tmp"
  mv "$STORE.fill.tmp" "$STORE.filled"
fi
fill() { awk -v k="$1" '$1 == k { print $2 }' "$STORE.filled"; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
run() {
  "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 report sla-compliance --format json --output "$TMP/sla.json" 2> "$TMP/err.txt"
}
ms=()
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  run || { cat "$TMP/err.txt" >&2; exit 1; }
  end=$(date +%s%N)
  ms+=($(( (end - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${ms[@]}" | sort -n))
median=${sorted[$(( ${#sorted[@]} / 2 ))]}
rss_kb=$( { /usr/bin/time -f '%M' "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 report sla-compliance --format json --output "$TMP/sla.json" 2>&1 >/dev/null; } | tail -1)
judged=$(python3 -c "import json,sys; d=json.load(open('$TMP/sla.json')); print([f['value'] for f in d['summary'] if f['label']=='Langkah dinilai'][0])")
store_mb=$(du -m "$STORE" | cut -f1)
{
  echo "| figure | target | measured |"
  echo "|---|---|---|"
  echo "| cases in the store | 1,000,000 | $(fill cases) ($(fill work_step_visits) work-step visits, $store_mb MB) |"
  echo "| filling through the engine (group commits of ~1,000 commands) | - | $(fill cases_per_second) cases/s ($(fill fill_seconds) s, $(fill commands) commands) |"
  echo "| \`siaga report sla-compliance\`, whole process (median of $RUNS, min-max) | < 2000 ms | $median ms (${sorted[0]}-${sorted[-1]}) |"
  echo "| step visits judged by that run | - | $judged |"
  echo "| peak resident set of one run | - | $(( rss_kb / 1024 )) MB |"
  echo "| runs, in order (ms) | - | ${ms[*]} |"
} | tee "bench/results/reports-$(date +%Y%m%d-%H%M%S).md"
