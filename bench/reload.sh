#!/usr/bin/env bash
# Reload under load (issue 6; design target: live < 200 ms after the file is written, 0 failed
# requests while reloading). Starts `siaga serve` on a scratch copy of sop/, posts webhooks from
# 4 clients and edits a procedure 100 times. Prints figures; never fails on them.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${SIAGA_BUILD_DIR:-build}
cmake --build "$BUILD_DIR" -j2 --target siaga siaga_bench_reload > /dev/null
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r sop "$work/sop"
siaga="$BUILD_DIR/siaga --db $work/siaga.db --sop $work/sop --webhooks webhooks"
admin=$($siaga --json token create --user bench --role admin | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
feed=$($siaga --json token create --user bench-feed --role webhook:nuclei | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
$siaga serve --listen 127.0.0.1:0 --port-file "$work/port" --rate 0 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
port=$(cat "$work/port")
echo "# reload under load: $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$BUILD_DIR"/siaga_bench_reload "http://127.0.0.1:$port" "$admin" "$feed" \
  "$work/sop/trenggalek/layanan-insiden.lua" trenggalek/layanan-insiden "${EDITS:-100}" "${CLIENTS:-4}"
grep -c 'reload (' "$work/server.log" | sed 's/^/server_reloads /'
