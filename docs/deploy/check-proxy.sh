#!/bin/sh
# check-proxy.sh SIAGA_BINARY
#
# Tests docs/deploy/nginx-siaga.conf for real: builds a throw-away set-up in a temp dir (a
# self-signed certificate, a fresh store with an admin token and a wazuh webhook secret), starts
# `siaga serve --trust-proxy` on a free loopback port and nginx with this repository's
# nginx-siaga.conf (only paths and ports changed), then checks through HTTPS what
# docs/deployment.md promises. Prints PASS or FAIL per check; exits 1 if any check failed, 2 if
# the set-up itself failed. Everything it started is stopped at the end.
#
# Needs nginx (Debian: nginx-light or nginx), openssl and curl. Runs as root or as a normal user.
# Environment: HTTPS_PORT (default 18443) and HTTP_PORT (default 18080) for nginx's test
# listeners; KEEP_TMP=1 keeps the temp dir (it is always kept when a check fails).
set -u

SIAGA=${1:?usage: check-proxy.sh SIAGA_BINARY}
case $SIAGA in /*) ;; *) SIAGA=$(pwd)/$SIAGA ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CONF=$HERE/nginx-siaga.conf
HTTPS_PORT=${HTTPS_PORT:-18443}
HTTP_PORT=${HTTP_PORT:-18080}
NAME=siaga.example.go.id

for tool in nginx openssl curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check-proxy: $tool is not installed (apt-get install nginx-light openssl curl)" >&2; exit 2; }
done
[ -x "$SIAGA" ] || { echo "check-proxy: $SIAGA is not an executable" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/siaga-proxy.XXXXXX")
mkdir -p "$T/log" "$T/tmp"
SIAGA_PID=
NGINX_PID=
FAILED=0

cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
  [ -n "$SIAGA_PID" ] && kill -TERM "$SIAGA_PID" 2>/dev/null && wait "$SIAGA_PID" 2>/dev/null
  if [ "$FAILED" -ne 0 ] || [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "check-proxy: logs and configuration kept in $T"
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

die() { echo "check-proxy: $*" >&2; FAILED=1; exit 2; }

check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "PASS  $1"
  else
    echo "FAIL  $1 (expected $2, got $3)"
    FAILED=1
  fi
}

S() { "$SIAGA" --db "$T/s.db" --sop "$ROOT/sop" --webhooks "$ROOT/webhooks" "$@"; }

# --- set-up -------------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$NAME" -addext "subjectAltName=DNS:$NAME" \
  -keyout "$T/key.pem" -out "$T/cert.pem" 2>"$T/log/openssl.log" || die "openssl req failed (see $T/log/openssl.log)"

TOKEN=$(S --json token create --user ops --role admin --note check-proxy | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "siaga token create failed"
SECRET=$(S hook secret wazuh 2>/dev/null)
[ -n "$SECRET" ] || die "siaga hook secret wazuh failed"

"$SIAGA" --db "$T/s.db" --sop "$ROOT/sop" --webhooks "$ROOT/webhooks" serve --listen 127.0.0.1:0 --port-file "$T/port" --trust-proxy >"$T/log/siaga.log" 2>&1 &
SIAGA_PID=$!
i=0
while [ ! -s "$T/port" ]; do
  i=$((i + 1))
  [ $i -le 150 ] || die "siaga serve did not start (see $T/log/siaga.log)"
  kill -0 "$SIAGA_PID" 2>/dev/null || die "siaga serve exited (see $T/log/siaga.log)"
  sleep 0.1
done
PORT=$(cat "$T/port")

# The shipped site file with test paths and ports; nothing else is changed.
sed -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$PORT;#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" \
    -e "/listen \[::\]:/d" \
    -e "s#/etc/ssl/siaga/fullchain.pem#$T/cert.pem#" \
    -e "s#/etc/ssl/siaga/privkey.pem#$T/key.pem#" \
    -e "s#/var/log/nginx/#$T/log/#g" \
    "$CONF" >"$T/siaga.conf"
USER_LINE=
[ "$(id -u)" = 0 ] && USER_LINE="user $(id -un) $(id -gn);"
cat >"$T/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
daemon off;
pid $T/nginx.pid;
error_log $T/log/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log $T/log/access.log;
  client_body_temp_path $T/tmp/body;
  proxy_temp_path $T/tmp/proxy;
  fastcgi_temp_path $T/tmp/fastcgi;
  uwsgi_temp_path $T/tmp/uwsgi;
  scgi_temp_path $T/tmp/scgi;
  include $T/siaga.conf;
}
EOF

if nginx -t -q -e "$T/log/error.log" -c "$T/nginx.conf" -p "$T/" >"$T/log/nginx-t.log" 2>&1; then
  check "nginx -t accepts nginx-siaga.conf" ok ok
else
  check "nginx -t accepts nginx-siaga.conf" ok "errors (see $T/log/nginx-t.log)"
  exit 1
fi
nginx -e "$T/log/error.log" -c "$T/nginx.conf" -p "$T/" >"$T/log/nginx.out" 2>&1 &
NGINX_PID=$!
i=0
until curl -s -o /dev/null --cacert "$T/cert.pem" --resolve "$NAME:$HTTPS_PORT:127.0.0.1" "https://$NAME:$HTTPS_PORT/healthz"; do
  i=$((i + 1))
  [ $i -le 50 ] || die "nginx did not start on 127.0.0.1:$HTTPS_PORT (see $T/log/error.log)"
  kill -0 "$NGINX_PID" 2>/dev/null || die "nginx exited (see $T/log/error.log, $T/log/nginx.out)"
  sleep 0.1
done

# --- checks -------------------------------------------------------------------------------------
B=https://$NAME:$HTTPS_PORT
C() { curl -sS --cacert "$T/cert.pem" --resolve "$NAME:$HTTPS_PORT:127.0.0.1" "$@"; }
code() { C -o "$T/body" -w '%{http_code}' "$@"; }
signed() {  # signed FILE URL [curl options]: POST with the wazuh secret's X-Siaga-Signature
  file=$1 url=$2; shift 2
  ts=$(date +%s)
  sig=$( { printf '%s.' "$ts"; cat "$file"; } | openssl dgst -sha256 -hmac "$SECRET" | awk '{print $NF}')
  curl -sS -o "$T/body" -w '%{http_code}' -X POST "$url" -H 'Content-Type: application/json' \
    -H "X-Siaga-Timestamp: $ts" -H "X-Siaga-Signature: sha256=$sig" --data-binary @"$file" "$@"
}
has() { grep -q "$1" "$T/body" && echo yes || echo no; }

check "GET /healthz through HTTPS: 200" 200 "$(code "$B/healthz")"
check "  ... and the store and engine are ok" yes "$(has '"status":"ok"')"
check "GET /api/sops with the admin token: 200" 200 "$(code -H "Authorization: Bearer $TOKEN" "$B/api/sops")"
check "GET /api/sops without a token: 401" 401 "$(code "$B/api/sops")"
check "TLS 1.2 is accepted" 200 "$(code --tlsv1.2 --tls-max 1.2 "$B/healthz")"
check "TLS 1.3 is accepted" 200 "$(code --tlsv1.3 "$B/healthz")"
check "plain HTTP redirects to HTTPS: 301" 301 "$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/healthz" -H "Host: $NAME")"
check "GET /metrics from 127.0.0.1 (allowed): 200" 200 "$(code "$B/metrics")"

WAZUH=$ROOT/tests/data/webhooks/wazuh.json
TLS_OPTS="--cacert $T/cert.pem --resolve $NAME:$HTTPS_PORT:127.0.0.1"
check "signed webhook POST /hooks/wazuh: 202" 202 "$(signed "$WAZUH" "$B/hooks/wazuh" $TLS_OPTS)"
check "  ... answered after commit (state processed)" yes "$(has '"state":"processed"')"

# X-Forwarded-For: a client's own header must not reach Siaga (nginx overwrites it), while Siaga
# does use the header (--trust-proxy) when it comes straight from the proxy's side.
check "  ... again with a client's own X-Forwarded-For: 202" 202 \
  "$(signed "$WAZUH" "$B/hooks/wazuh" $TLS_OPTS -H 'X-Forwarded-For: 203.0.113.9')"
check "  ... and straight to siaga with X-Forwarded-For: 202" 202 \
  "$(signed "$WAZUH" "http://127.0.0.1:$PORT/hooks/wazuh" -H 'X-Forwarded-For: 198.51.100.7')"
S --json inbox list --state processed >"$T/inbox.json"
check "a client's X-Forwarded-For is overwritten by nginx" no "$(grep -q '203.0.113.9' "$T/inbox.json" && echo yes || echo no)"
check "siaga --trust-proxy takes the sender from X-Forwarded-For" yes "$(grep -q '198.51.100.7' "$T/inbox.json" && echo yes || echo no)"

head -c 2000000 /dev/zero | tr '\0' 'x' >"$T/2mb.bin"
check "2 MB body: 413" 413 "$(code -X POST -H 'Content-Type: application/json' --data-binary @"$T/2mb.bin" "$B/hooks/wazuh")"
check "  ... from nginx (client_max_body_size), in Siaga's error format" yes "$(has '"code":"payload_too_large","message":"the body is over the proxy limit"')"
check "2 MB chunked body: 413" 413 "$(code -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$T/2mb.bin" "$B/hooks/wazuh")"
head -c 900000 /dev/zero | tr '\0' 'x' >"$T/900k.bin"
check "900 kB body reaches Siaga (its 401: unsigned)" 401 "$(code -X POST -H 'Content-Type: text/csv' --data-binary @"$T/900k.bin" "$B/hooks/wazuh")"
check "  ... answered by Siaga, not nginx" yes "$(has 'X-Siaga-Timestamp')"

check "GET /api/cases?limit=1&after=0: 200" 200 "$(code -H "Authorization: Bearer $TOKEN" "$B/api/cases?limit=1&after=0")"
sleep 0.2  # the access log line is written after the response
check "access log has the request" yes "$(grep -q 'GET /api/cases HTTP' "$T/log/siaga.access.log" && echo yes || echo no)"
check "access log has no query strings" no "$(grep -q 'limit=' "$T/log/siaga.access.log" && echo yes || echo no)"

# Siaga stopped: nginx answers for it, in its format, with Retry-After.
kill -TERM "$SIAGA_PID" && wait "$SIAGA_PID"
SIAGA_PID=
check "Siaga stopped: 503 from nginx" 503 "$(C -D "$T/headers" -o "$T/body" -w '%{http_code}' "$B/api/sops")"
check "  ... in Siaga's error format, with Retry-After" yes \
  "$(grep -q '"code":"unavailable"' "$T/body" && grep -qi '^Retry-After: 5' "$T/headers" && echo yes || echo no)"

echo "nginx $(nginx -v 2>&1 | sed 's#.*nginx/##'), $("$SIAGA" --version 2>/dev/null | head -n 1), $(date -u +%Y-%m-%dT%H:%MZ)"
[ "$FAILED" -eq 0 ] || exit 1
exit 0
