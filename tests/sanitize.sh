#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer
# (docs/reliability.md, "Sanitizers"): builds build-asan with -DSIAGA_SANITIZE=ON and runs every
# ctest test, then prints pass/fail counts and the number of sanitizer reports. Never run from ctest.
#
#   tests/sanitize.sh [CTEST_ARGS...]      e.g. tests/sanitize.sh -R test_webhooks
#
# Environment: SIAGA_ASAN_BUILD_DIR (default build-asan), SIAGA_ASAN_CXX (default clang++-14; g++
# works too), SIAGA_ASAN_JOBS (build jobs, default 1), SIAGA_ASAN_TEST_JOBS (ctest -j, default 1).
# Every process the tests start (the siaga binary, adapter workers) writes its sanitizer report to
# BUILD/sanitizer-reports/, so a report from a child process is counted even when the test that
# started it passes. Exit status 1 on any failed test or any report.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${SIAGA_ASAN_BUILD_DIR:-build-asan}
CXX_BIN=${SIAGA_ASAN_CXX:-clang++-14}
JOBS=${SIAGA_ASAN_JOBS:-1}
TEST_JOBS=${SIAGA_ASAN_TEST_JOBS:-1}

need=()
pkgs=(cmake make pkg-config liblua5.4-dev libsqlite3-dev catch2 nlohmann-json3-dev libcli11-dev libspdlog-dev
      libfmt-dev libssl-dev libcivetweb-dev libcurl4-openssl-dev)
case $CXX_BIN in
  clang++-14) pkgs+=(clang-14 libclang-rt-14-dev) ;;
  *) pkgs+=(g++) ;;
esac
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

CXX=$CXX_BIN cmake -S . -B "$BUILD" -DSIAGA_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
build_start=$(date +%s)
cmake --build "$BUILD" -j"$JOBS"
build_secs=$(( $(date +%s) - build_start ))

reports="$(pwd)/$BUILD/sanitizer-reports"
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
export LSAN_OPTIONS="log_path=$reports/lsan"
test_start=$(date +%s)
set +e
ctest --test-dir "$BUILD" --output-on-failure -j"$TEST_JOBS" "$@" 2>&1 | tee "$BUILD/sanitize-ctest.log"
rc=${PIPESTATUS[0]}
set -e
test_secs=$(( $(date +%s) - test_start ))

summary=$(grep -E '^[0-9]+% tests passed' "$BUILD/sanitize-ctest.log" | tail -1)
total=$(sed -n 's/.* out of \([0-9]*\).*/\1/p' <<< "$summary")
failed=$(sed -n 's/.*, \([0-9]*\) tests* failed.*/\1/p' <<< "$summary")
n_reports=$(find "$reports" -type f | wc -l)
echo
echo "sanitizers $(date -u +%Y-%m-%dT%H:%MZ): $CXX_BIN -fsanitize=address,undefined, $(nproc) cores"
echo "  build: ${build_secs}s   tests: ${test_secs}s (ctest -j$TEST_JOBS)"
echo "  tests: ${total:-?} run, $(( ${total:-0} - ${failed:-0} )) passed, ${failed:-?} failed"
echo "  sanitizer reports: $n_reports"
for f in "$reports"/*; do
  [ -f "$f" ] || continue
  echo "  --- $f"; grep -m5 -E 'ERROR|runtime error|SUMMARY' "$f" | sed 's/^/    /'
done
[ "$rc" -eq 0 ] && [ "$n_reports" -eq 0 ]
