#!/usr/bin/env bash
# Installs what the tests need, then runs them all: ruff, mypy --strict on core/,
# and pytest (core, components, the app through AppTest, and the browser tests).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/core -q`.
set -euo pipefail
cd "$(dirname "$0")/.."

python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# The browser tests drive the system's Chromium; Playwright's own browser download is not used.
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

echo "== ruff"
python -m ruff check .
echo "== mypy --strict core"
python -m mypy --strict core
echo "== pytest"
python -m pytest "$@"
