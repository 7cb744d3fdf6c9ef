#!/usr/bin/env bash
# The official SDK against `dialsim serve`: installs alibabacloud-dyvmsapi20170525 in a
# virtual environment (target/sdk-venv, kept between runs), starts a manual-clock server on a
# port the system picks, runs examples/sdk_quickstart.py against it (the script asserts on
# every answer), and stops the server with SIGTERM. Usage: scripts/sdk-example.sh [DIALSIM]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-target/release/dialsim}"
venv=target/sdk-venv

if ! "$venv/bin/python" -c "import alibabacloud_dyvmsapi20170525" > /dev/null 2>&1; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" > /dev/null 2>&1; then
    # Debian's python3 ships venv separately.
    SUDO=""
    if [ "$(id -u)" != 0 ] && command -v sudo > /dev/null 2>&1; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q "alibabacloud-dyvmsapi20170525==5.3.0"
fi

# start_server: a manual-clock server on a free port; sets $pid and $addr.
start_server() {
  out="$(mktemp)"
  "$bin" serve --clock manual --listen 127.0.0.1:0 > "$out" &
  pid=$!
  addr=""
  for _ in $(seq 1 100); do
    addr="$(sed -n 's/^listening on //p' "$out")"
    [ -n "$addr" ] && break
    sleep 0.1
  done
  rm -f "$out"
  if [ -z "$addr" ]; then
    echo "sdk-example: dialsim serve did not start" >&2
    exit 1
  fi
}
trap 'kill "$pid" 2> /dev/null || true' EXIT

start_server
timeout 300 "$venv/bin/python" examples/sdk_quickstart.py "$addr"
kill -TERM "$pid"
wait "$pid"
echo "sdk-example: dialsim serve stopped cleanly"

# And with nothing but curl and openssl.
start_server
timeout 120 examples/curl_quickstart.sh "$addr" > /dev/null
kill -TERM "$pid"
wait "$pid"
echo "curl_quickstart.sh: ok"
