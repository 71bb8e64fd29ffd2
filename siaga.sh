#!/usr/bin/env bash
# The two set-up commands of the README, for a fresh Debian 12 machine:
#   ./siaga.sh run    installs what is missing, builds, checks sop/ and runs the main job
#   ./siaga.sh test   installs what is missing, builds and runs every test
set -euo pipefail
cd "$(dirname "$0")"

# Why each package is here: docs/architecture.md, "Dependencies".
PACKAGES=(cmake g++ make pkg-config liblua5.4-dev libsqlite3-dev catch2 nlohmann-json3-dev
          libcli11-dev libspdlog-dev libfmt-dev libssl-dev libcivetweb-dev libcurl4-openssl-dev)
BUILD_DIR=${SIAGA_BUILD_DIR:-build}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  apt_install "" "${missing[@]}"
}

# apt_install WHY PACKAGE...: installs the packages given (none: nothing to do), as root or via sudo.
apt_install() {
  local why=$1
  shift
  (($#)) || return 0
  echo "siaga.sh: installing $*${why:+ ($why)}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

# The browser tests (tests/browser): Debian's chromium driven by playwright-core (pinned in
# tests/browser/package-lock.json; no browser download), on Node.js from Debian (or any node >= 18).
install_browser_test_packages() {
  local missing=()
  command -v node > /dev/null || missing+=(nodejs)
  command -v npm > /dev/null || missing+=(npm)
  dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed" || missing+=(chromium)
  apt_install "browser tests" "${missing[@]}"
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

build() {
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
  cmake --build "$BUILD_DIR" -j"$(nproc)"
}

case "${1:-}" in
  run)
    install_packages
    build
    "$BUILD_DIR"/siaga lint sop/ --quiet
    db=${SIAGA_DB:-data/siaga.db}
    mkdir -p data
    # A new store gets the demo cases (every seed procedure walked end to end) to look at.
    [ -f "$db" ] || "$BUILD_DIR"/siaga --db "$db" demo
    # An admin token for the first start, kept readable by this user only.
    if [ ! -s data/admin.token ]; then
      (umask 077 && "$BUILD_DIR"/siaga --db "$db" --json token create --user admin --role admin \
          --note "made by siaga.sh run" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p' > data/admin.token)
    fi
    echo "siaga.sh: admin token in data/admin.token; dashboard: http://${SIAGA_LISTEN:-127.0.0.1:8080}/ ; try:"
    echo "  curl -H \"Authorization: Bearer \$(cat data/admin.token)\" http://${SIAGA_LISTEN:-127.0.0.1:8080}/api/cases"
    exec "$BUILD_DIR"/siaga --db "$db" serve --listen "${SIAGA_LISTEN:-127.0.0.1:8080}"
    ;;
  build)  # for the scripts under bench/ and tests/reliability/
    install_packages
    build
    ;;
  test)
    install_packages
    install_browser_test_packages
    build
    # Here the browser test must run: a missing browser fails it instead of skipping it.
    SIAGA_BROWSER_REQUIRED=1 ctest --test-dir "$BUILD_DIR" --output-on-failure -j2
    ;;
  *)
    echo "usage: $0 run|test|build" >&2
    exit 2
    ;;
esac
