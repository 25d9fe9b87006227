#!/usr/bin/env bash
# Every benchmark, one after the other; each prints its table (about 8 minutes in all).
# The load test starts its own server; nothing else should run on the machine meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "== accuracy: relative error against 50-digit mpmath"
python bench/accuracy.py
echo
echo "== server time per interaction (AppTest)"
python bench/rerun.py
echo
echo "== in the browser (headless Chromium)"
python bench/browser.py
echo
echo "== load: concurrent sessions on one server"
python bench/load.py
echo
echo "== compute time of the learning and compare views' numbers"
python bench/views.py
