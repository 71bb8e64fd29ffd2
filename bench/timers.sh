#!/usr/bin/env bash
# Timers (DESIGN.md §8: 1,000,000 pending deadlines; fire lag p99 < 100 ms; restart with 1M timers
# < 2 s; resident set < 200 MB). siaga_bench_timers arms N timers (default 1,000,000) through the
# engine's write path, then measures restart time (open the store and load the due-heap, 5 times),
# heap memory, resident set and the fire lag of the timers that fall due during a 6-second run of
# the loop. The store goes to a temporary folder.
# Usage: bench/timers.sh [N]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
N=${1:-1000000}
bench_build siaga_bench_timers
WORK=$(mktemp -d /tmp/siaga-bench-timers.XXXXXX)
trap 'rm -rf "$WORK"; rm -f "$SCRIPT_ROWS"' EXIT
trap 'exit 130' INT TERM
"$BUILD_DIR"/siaga_bench_timers "$N" "$WORK/timers.db" >"$WORK/out.txt"
cat "$WORK/out.txt" >&2
get() { field "$1" "$WORK/out.txt"; }
row "timers: armed through the engine (group commits of 1,000 cases)" "$N" "$(get armed_timers)" "" "" "-" \
  "$(get arm_timers_per_second) timers/s ($(get arm_seconds) s); store $(get store_mb) MB"
row "timers: restart with $(get armed_timers) timers, open store + load due-heap (ms; 5 runs)" "< 2000" "$(get restart_ms_median)" \
  "$(get restart_ms_min)" "$(get restart_ms_max)" "$(below "$(get restart_ms_median)" 2000)" ""
row "timers: fire lag p99 (ms; $(get fired_during_run) timers fired in 6 s)" "< 100" "$(get fire_lag_ms_p99)" "" "" \
  "$(below "$(get fire_lag_ms_p99)" 100)" "p50 $(get fire_lag_ms_p50) ms, max $(get fire_lag_ms_max) ms"
row "timers: resident set with $(get armed_timers) timers loaded (MB)" "< 200" "$(get rss_mb_after_load)" "" "" \
  "$(below "$(get rss_mb_after_load)" 200)" "due-heap $(get heap_mb) MB; peak of the whole run $(get peak_rss_mb) MB"
finish_table timers
