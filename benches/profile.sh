#!/usr/bin/env bash
# Where the time goes: `perf record` over `stance bench`, then each sampled
# function (self time) put in an op class, printed as a table and drawn as
# an SVG bar chart.
#
#   benches/profile.sh [BACKEND] [SENTENCES] [OUT_SVG]
#
# BACKEND candle (default) or ort; one thread, batch 8, the default model,
# the founding article's sentences against the default claim. Needs `perf`
# (linux-perf) and target/release/stance. Writes OUT_SVG (default
# docs/profile-BACKEND.svg) and prints the table BENCHMARKS.md quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
BACKEND=${1:-candle}
N=${2:-256}
SVG=${3:-docs/profile-$BACKEND.svg}
STANCE=${STANCE:-target/release/stance}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
perf record -F 999 -g -o "$work/perf.data" -- "$STANCE" bench --backend "$BACKEND" \
    --threads 1 --batch-size 8 --sentences "$N" > "$work/bench.txt" 2> "$work/perf.log"
perf report -i "$work/perf.data" --no-children --sort dso,symbol --stdio 2> /dev/null \
    | grep -E '^ +[0-9.]+%' > "$work/symbols.txt"
python3 benches/profile_classes.py "$work/symbols.txt" "$SVG" "$BACKEND"
grep -E '^(candle|ort) ' "$work/bench.txt" || true
