#!/usr/bin/env bash
# Reload under load (DESIGN.md §8: a changed procedure is live < 200 ms after the file is written;
# 0 failed requests while reloading under load). Starts `siaga serve` on a scratch copy of sop/,
# posts webhooks from 4 clients and edits a procedure 100 times (siaga_bench_reload).
# Usage: bench/reload.sh      env: EDITS (100), CLIENTS (4)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
bench_build siaga siaga_bench_reload
WORK=$(mktemp -d /tmp/siaga-bench-reload.XXXXXX)
SERVER_PID=""
trap 'stop_pid "$SERVER_PID"; rm -rf "$WORK"; rm -f "$SCRIPT_ROWS"' EXIT
trap 'exit 130' INT TERM
cp -r "$REPO_DIR/sop" "$WORK/sop"
export SOP_DIR="$WORK/sop"
admin=$(new_token "$WORK/siaga.db" admin bench)
feed=$(new_token "$WORK/siaga.db" webhook:nuclei bench-feed)
start_siaga "$WORK" "$WORK/siaga.db" --rate 0
echo "reload: siaga serve on port $PORT; ${EDITS:-100} edits, ${CLIENTS:-4} clients posting webhooks" >&2
"$BUILD_DIR"/siaga_bench_reload "http://127.0.0.1:$PORT" "$admin" "$feed" \
  "$WORK/sop/trenggalek/layanan-insiden.lua" trenggalek/layanan-insiden "${EDITS:-100}" "${CLIENTS:-4}" >"$WORK/out.txt"
cat "$WORK/out.txt" >&2
get() { field "$1" "$WORK/out.txt"; }
row "reload: file write to live (ms; median, min, max of $(get reload_edits) edits)" "< 200" "$(get reload_live_ms_median)" \
  "$(get reload_live_ms_min)" "$(get reload_live_ms_max)" "$(below "$(get reload_live_ms_max)" 200)" \
  "p95 $(get reload_live_ms_p95) ms; edits never seen live: $(get reload_missed); server reloads: $(grep -c 'reload (' "$WORK/server.log" || true); ratio on the max"
row "reload: failed webhooks while reloading" "0" "$(get webhooks_failed)" "" "" "$([ "$(get webhooks_failed)" = 0 ] && echo met || echo 'not met')" \
  "of $(get webhooks_during_reloads) sent by ${CLIENTS:-4} clients"
peak=$(peak_rss_mb "$SERVER_PID")
row "reload: server peak resident set (MB)" "< 200" "$peak" "" "" "$(below "$peak" 200)" ""
finish_table reload
