#!/usr/bin/env bash
# One command per reliability and security suite (docs/reliability.md). Builds what is missing,
# runs the suite's tests, and prints each test binary's summary line.
#   tests/reliability/suite.sh hostile-scripts | hostile-http | storage | crash [ROUNDS] [SEED]
#                              | fuzz [SECONDS] [TARGET...] | sanitize [CTEST_ARGS...] | all-fast
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${SIAGA_BUILD_DIR:-build}
suite=${1:-}
shift || true

failed=0
# run BINARY [CATCH_ARGS...]: one Catch2 binary, its summary line kept.
run() {
  local binary=$1
  shift
  local out
  if out=$("$BUILD_DIR/$binary" "$@" 2>&1); then
    printf '  %-14s %-34s %s\n' "$binary" "$*" "$(grep -E 'All tests passed|test cases:' <<<"$out" | tail -n 1)"
  else
    failed=1
    printf '%s\n' "$out" | tail -n 40
    printf '  %-14s %-34s FAILED\n' "$binary" "$*"
  fi
}

hostile_scripts() {
  echo "hostile scripts (one test per trick, for sop/ load, procedure hooks, webhooks/, scripts/):"
  run test_lua "[hostile]"
  run test_runner "[hostile]"
  run test_reports "[hostile]"
  run test_e2e "[hostile][lua]"
}
hostile_http() {
  echo "hostile HTTP (the real server):"
  run test_e2e "[hostile][http]"
  run test_e2e "http: bad webhook requests get their status and change nothing"
  run test_e2e "http: a sender over the rate limit gets 429 with Retry-After"
}
storage() {
  echo "storage faults, full disk, locked store, backup and restore:"
  run test_faults
  run test_e2e "[storage]"
}

case "$suite" in
  hostile-scripts | hostile-http | storage | all-fast)
    ./siaga.sh build > /dev/null
    case "$suite" in
      hostile-scripts) hostile_scripts ;;
      hostile-http) hostile_http ;;
      storage) storage ;;
      all-fast) hostile_scripts; hostile_http; storage ;;
    esac
    exit $failed ;;
  crash) exec tests/reliability/crash.sh "$@" ;;
  fuzz) exec tests/fuzz/run.sh "$@" ;;
  sanitize) exec tests/sanitize.sh "$@" ;;
  *)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2 ;;
esac
