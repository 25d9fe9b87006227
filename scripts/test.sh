#!/usr/bin/env bash
# Installs what the tests need, then runs them all: ruff, mypy --strict on core/,
# and pytest (core, components, the app through AppTest, and the browser tests).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/core -q`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== ruff"
python -m ruff check .
echo "== mypy --strict core"
python -m mypy --strict core
echo "== pytest"
python -m pytest "$@"
