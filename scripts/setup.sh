#!/usr/bin/env bash
# Installs what the tests and benchmarks need: requirements-dev.txt, and the system's Chromium
# for the browser tests (Playwright's own browser download is not used). Sourced by
# scripts/test.sh and bench/run.sh.
set -euo pipefail

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

have_chromium() {
  [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ] && return 0
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || command -v google-chrome >/dev/null 2>&1
}
if ! have_chromium; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing Chromium for the browser tests (apt-get install chromium)…"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Chromium or Chrome: install it, or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi
