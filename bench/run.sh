#!/usr/bin/env bash
# Every benchmark, one after the other; each prints its table (about 30 minutes in all).
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
echo "== server CPU per interaction on a real server (one student)"
python bench/rerun_cost.py
echo
echo "== load: 100 students on one server, one move a second and one every 5 s"
python bench/load.py
echo
echo "== the QR moment: 300 students open the page within 10 s, one server"
python bench/load.py --qr 300 --within 10 --no-assets
python bench/load.py --qr 300 --within 10
echo
echo "== replicas behind nginx: capacity, sticky routing, failover; the QR moment through nginx"
python bench/replicas.py
python bench/replicas.py --qr 300 --within 10
echo
echo "== compute time of the learning and compare views' numbers"
python bench/views.py
echo
echo "== in front of a class: formulas, projector, phone, contrast, ten classes (headless Chromium)"
python bench/flawless.py
