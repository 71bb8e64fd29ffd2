#!/usr/bin/env bash
# n8n, the second peer of the ingest benchmark: tries to install n8n from the npm registry into a
# scratch folder, within a time limit, once (the outcome is kept in the folder; N8N_RETRY=1 tries
# again). On this project's machines (Debian 12, Node 20) it has never installed: n8n 2.x needs
# Node >= 24, and 1.x did not finish within the limit (thousands of packages, several of them
# declaring Node >= 22). The script says so in the table rather than printing a figure; a flow for
# n8n's webhook node is written only once an install succeeds somewhere it can be measured.
# Usage: bench/n8n.sh     env: N8N_VERSION (1.88.0), N8N_DIR (/tmp/siaga-bench-n8n),
#                              N8N_INSTALL_TIMEOUT (600 s), N8N_RETRY (0)
set -euo pipefail
source "$(dirname "$(readlink -f "$0")")/lib.sh"
N8N_VERSION=${N8N_VERSION:-1.88.0}
N8N_DIR=${N8N_DIR:-/tmp/siaga-bench-n8n}
LIMIT=${N8N_INSTALL_TIMEOUT:-600}
need node nodejs
need npm npm
mkdir -p "$N8N_DIR"
outcome="$N8N_DIR/outcome-$N8N_VERSION"
if [ ! -f "$outcome" ] || [ "${N8N_RETRY:-0}" = 1 ]; then
  # xlsx is pinned to the registry's release: n8n 1.x fetches it from a CDN that may be unreachable.
  echo '{"name":"siaga-bench-n8n","private":true,"overrides":{"xlsx":"0.18.5"}}' >"$N8N_DIR/package.json"
  echo "n8n: installing n8n@$N8N_VERSION into $N8N_DIR (at most $LIMIT s)" >&2
  t0=$(date +%s)
  set +e
  (cd "$N8N_DIR" && timeout "$LIMIT" npm install --no-audit --no-fund "n8n@$N8N_VERSION" >install.log 2>&1)
  rc=$?
  set -e
  secs=$(($(date +%s) - t0))
  if [ "$rc" = 0 ]; then
    echo "installed in $secs s on node $(node --version)" >"$outcome"
  elif [ "$rc" = 124 ]; then
    echo "npm install did not finish within $LIMIT s (node $(node --version)); stopped" >"$outcome"
  else
    echo "npm install failed after $secs s (exit $rc, node $(node --version)): $(grep -m1 'npm error' "$N8N_DIR/install.log" | cut -c1-160)" >"$outcome"
  fi
fi
why=$(cat "$outcome")
case "$why" in
  installed*) row "ingest: n8n webhook node" "-" "NA" "" "" "-" "n8n@$N8N_VERSION $why, but no flow is written for it yet: not measured" ;;
  *) row "ingest: n8n webhook node" "-" "NA" "" "" "-" "not measured: n8n@$N8N_VERSION $why (n8n 2.x needs Node >= 24)" ;;
esac
finish_table n8n
