#!/usr/bin/env bash
# Reports (DESIGN.md §8: SLA compliance over 1,000,000 cases < 2 s). Fills a store with N cases
# (default 1,000,000) through the engine's write path, once: the store is kept in bench/results/
# and reused by later runs (and by bench/reads.sh). Then runs `siaga report sla-compliance` RUNS
# times (default 5) as a user would, the whole process included: median, min, max, peak RSS.
# Usage: bench/reports.sh [N]
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
N=${1:-1000000}
RUNS=${RUNS:-5}
need python3 python3
need /usr/bin/time time
bench_build siaga siaga_bench_fill_cases
STORE=$(ensure_store "$N")
fill() { field "$1" "$STORE.filled"; }
# A store filled by an older siaga is migrated once by a writing command (the report opens it
# read-only and refuses an old schema); the migration adds indexes (~1 min for 1,000,000 cases).
if ! "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 report sla-compliance --format json --output /dev/null 2>/dev/null; then
  echo "reports: migrating $STORE to this siaga's schema (once)" >&2
  "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 case list --limit 1 >/dev/null
fi
WORK=$(mktemp -d /tmp/siaga-bench-reports.XXXXXX)
trap 'rm -rf "$WORK"; rm -f "$SCRIPT_ROWS"' EXIT
trap 'exit 130' INT TERM
run() {
  "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 report sla-compliance --format json --output "$WORK/sla.json" 2>"$WORK/err.txt"
}
ms=()
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  run || { cat "$WORK/err.txt" >&2; exit 1; }
  end=$(date +%s%N)
  ms+=($(((end - start) / 1000000)))
done
read -r median lo hi < <(printf '%s\n' "${ms[@]}" | stats)
rss_kb=$({ /usr/bin/time -f '%M' "$BUILD_DIR"/siaga --db "$STORE" --now 2026-01-01T00:00 report sla-compliance --format json --output "$WORK/sla.json" 2>&1 >/dev/null; } | tail -1)
judged=$(python3 -c "import json,sys; d=json.load(open('$WORK/sla.json')); print([f['value'] for f in d['summary'] if f['label']=='Langkah dinilai'][0])")
row "reports: store of $(fill cases) cases filled through the engine (cases/s)" "-" "$(fill cases_per_second)" "" "" "-" \
  "once, kept in bench/results/: $(fill fill_seconds) s, $(fill commands) commands, $(du -m "$STORE" | cut -f1) MB"
row "reports: siaga report sla-compliance over $(fill cases) cases, whole process (ms; $RUNS runs)" "< 2000" "$median" "$lo" "$hi" \
  "$(below "$median" 2000)" "$judged step visits judged; runs in order: ${ms[*]}"
row "reports: peak resident set of one report run (MB)" "-" "$((rss_kb / 1024))" "" "" "-" ""
finish_table reports
