#!/usr/bin/env bash
# Installs what the tests and benchmarks need: requirements-dev.txt, the system's Chromium
# for the browser tests (Playwright's own browser download is not used), and the system's nginx
# for the deploy test and bench/replicas.py (they run their own nginx on a free 127.0.0.1 port).
# Sourced by scripts/test.sh and bench/run.sh.
set -euo pipefail

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

have_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ] && return 0
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1
}
have_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
}
missing=()
have_chromium || missing+=(chromium)
have_nginx || missing+=(nginx)
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing ${missing[*]} for the tests (apt-get install)…"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
    if [[ " ${missing[*]} " == *" nginx "* ]]; then
      # The package may start a system nginx on port 80; the tests never use it: stop what we started.
      $sudo service nginx stop >/dev/null 2>&1 || true
    fi
  else
    echo "The tests need ${missing[*]}: install them (Chromium: or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi
