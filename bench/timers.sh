#!/usr/bin/env bash
# Timers benchmark: arms N timers (default 1,000,000) through the engine and prints memory,
# restart time and fire lag, as a Markdown table with the targets of DESIGN.md §8.
# Usage: bench/timers.sh [N]    (builds first; the store goes to a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BUILD_DIR=${SIAGA_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target siaga_bench_timers > /dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$BUILD_DIR"/siaga_bench_timers "$N" "$TMP/timers.db" > "$TMP/out.txt"
get() { awk -v k="$1" '$1 == k { print $2 }' "$TMP/out.txt"; }
mkdir -p bench/results
{
  echo "| figure | target | measured |"
  echo "|---|---|---|"
  echo "| armed timers | 1,000,000 | $(get armed_timers) |"
  echo "| arming through the engine (group commits of 1,000 cases) | - | $(get arm_timers_per_second) timers/s ($(get arm_seconds) s) |"
  echo "| store size | - | $(get store_mb) MB |"
  echo "| restart: open store + load due-heap (median of 5, min-max) | < 2000 ms | $(get restart_ms_median) ms ($(get restart_ms_min)-$(get restart_ms_max)) |"
  echo "| due-heap memory | - | $(get heap_mb) MB |"
  echo "| resident set after load | < 200 MB | $(get rss_mb_after_load) MB |"
  echo "| peak resident set | < 200 MB | $(get peak_rss_mb) MB |"
  echo "| fire lag p50 / p99 / max ($(get fired_during_run) timers fired in 6 s) | p99 < 100 ms | $(get fire_lag_ms_p50) / $(get fire_lag_ms_p99) / $(get fire_lag_ms_max) ms |"
} | tee "bench/results/timers-$(date +%Y%m%d-%H%M%S).md"
