#!/usr/bin/env bash
# The long crash run: many rounds of load, kill -9 at a random moment, restart with the clock
# moved on; then every acknowledged webhook and action must be in the store, nothing processed
# twice, every due timer fired once, integrity_check ok (docs/reliability.md).
#   tests/reliability/crash.sh [ROUNDS=100] [SEED]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-100}
seed=${2:-$RANDOM}
BUILD_DIR=${SIAGA_BUILD_DIR:-build}
./siaga.sh build > /dev/null
echo "crash harness: $rounds rounds, seed $seed"
"$BUILD_DIR"/siaga_crash_harness --rounds "$rounds" --seed "$seed" --min-ms 100 --max-ms 2000 | tail -n 4
