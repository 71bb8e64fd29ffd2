#!/usr/bin/env bash
# Long fuzzing runs (docs/reliability.md, "Fuzzing"): builds build-fuzz with clang (libFuzzer,
# ASan, UBSan), runs each target for SECONDS_PER_TARGET (default 300) one after another, and
# prints a table of executions, speed, coverage and crashes. Never run from ctest.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Environment: SIAGA_FUZZ_BUILD_DIR (default build-fuzz), SIAGA_FUZZ_JOBS (build jobs, default 1),
# FUZZ_ARGS (extra libFuzzer flags). The growing corpus stays in BUILD/corpus/TARGET between
# runs; a crash is written to BUILD/artifacts/TARGET/ (copy it to tests/fuzz/regressions/TARGET/
# once fixed). Exit status 1 when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_TARGET=${1:-300}
shift || true
ALL_TARGETS=(time_standard payload intake adapter procedure_loader notification_book routes json_body calendar_book)
TARGETS=("${@:-${ALL_TARGETS[@]}}")
[ $# -eq 0 ] && TARGETS=("${ALL_TARGETS[@]}")
BUILD=${SIAGA_FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${SIAGA_FUZZ_JOBS:-1}

# clang-14 and its runtime libraries (libFuzzer, ASan, UBSan) from Debian, plus the engine's own
# build dependencies (siaga.sh).
need=()
for p in clang-14 libclang-rt-14-dev llvm-14 cmake make pkg-config liblua5.4-dev libsqlite3-dev catch2 \
         nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev libcivetweb-dev libcurl4-openssl-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD" -DSIAGA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]/#/fuzz_}"

# Seeds, rebuilt every run from the files they come from (not kept twice in git).
adapters=($(cd webhooks && ls *.lua | grep -v '^routes.lua$' | sed 's/\.lua$//' | LC_ALL=C sort))
seed() {  # seed TARGET PREFIX_BYTE|- FILE...
  local t=$1 prefix=$2; shift 2
  local dir="$BUILD/seeds/$t"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local out="$dir/$(echo "$f" | tr '/' '_')"
    if [ "$prefix" = - ]; then cp "$f" "$out"; else { printf "\\$(printf %03o "$prefix")"; cat "$f"; } > "$out"; fi
  done
}
rm -rf "$BUILD/seeds"
for t in "${ALL_TARGETS[@]}"; do mkdir -p "$BUILD/seeds/$t" "$BUILD/corpus/$t" "$BUILD/artifacts/$t"; done
S=tests/data/webhooks
seed time_standard - tests/fuzz/seeds/time_standard/*
seed payload 0 $S/*.json $S/bad/*.json
seed payload 1 $S/*.jsonl $S/bad/*.jsonl
seed payload 2 $S/*.csv $S/bad/*.csv
seed intake - tests/fuzz/seeds/intake/* $S/*.json
for i in "${!adapters[@]}"; do
  seed adapter "$i" $S/"${adapters[$i]}".* $S/bad/"${adapters[$i]}"-*
done
seed procedure_loader - $(find sop -name '*.lua' | sort)
seed notification_book - sop/notifikasi/*.lua
seed routes - webhooks/routes.lua tests/fuzz/seeds/routes/*
seed json_body - tests/fuzz/seeds/json_body/* $S/*.json
seed calendar_book 0 sop/kalender/*.lua
seed calendar_book 1 sop/instansi/*.lua
for t in "${ALL_TARGETS[@]}"; do
  for f in tests/fuzz/regressions/$t/*; do [ -f "$f" ] && cp "$f" "$BUILD/seeds/$t/regression_$(basename "$f")"; done
done

dict_for() {
  case $1 in
    payload|intake|adapter|json_body) echo tests/fuzz/json.dict ;;
    procedure_loader|notification_book|routes|calendar_book) echo tests/fuzz/lua.dict ;;
    *) echo "" ;;
  esac
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
rows=()
for t in "${TARGETS[@]}"; do
  dict=$(dict_for "$t")
  log="$BUILD/fuzz_$t.log"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s (log: $log)"
  start=$(date +%s)
  set +e
  "$BUILD/fuzz_$t" "$BUILD/corpus/$t" "$BUILD/seeds/$t" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$t/" ${dict:+-dict=$dict} ${FUZZ_ARGS:-} > "$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  new=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  cov=$(grep -o "cov: [0-9]*" "$log" | tail -1 | cut -d" " -f2 || true)
  secs=$(( $(date +%s) - start ))
  crashes=$(find "$BUILD/artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
            -newer "$BUILD/seeds/$t" | wc -l)
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    status=1
    echo "   fuzz_$t stopped with status $rc; artifacts:"; ls "$BUILD/artifacts/$t" | sed 's/^/     /'
    grep -m3 -E 'ERROR: |runtime error|fuzz property failed|==[0-9]+==' "$log" | sed 's/^/     /' || true
  fi
  rows+=("$(printf '%-26s %8s %12s %8s %8s %8s %8s' "fuzz_$t" "${secs:--}" "${execs:--}" "${speed:--}" "${cov:--}" "${new:--}" "$crashes")")
done

echo
echo "fuzzing $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(uname -m), ${SECONDS_PER_TARGET}s per target"
printf '%-26s %8s %12s %8s %8s %8s %8s\n' target seconds executions exec/s cov new_units crashes
for r in "${rows[@]}"; do echo "$r"; done
exit $status
