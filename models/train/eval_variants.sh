#!/usr/bin/env bash
# Measure the stance-model variants on the claim-disjoint dev split, all with
# `stance eval` (the Rust scorer users run), into target/stance-eval/.
#
#   bash models/train/eval_variants.sh [CROSS_ENCODER_DIR]
#
# (a0) the shipped bi-encoder head, as it is;
# (a)  the same design retrained by `stance train` on the real train split
#      (a fixed sample of 20,000 pairs, the gate chosen on a dev sample);
# (c)  the fine-tuned cross-encoder (default target/train/ce1/final);
# (d)  (c) behind the relevance gate of target/stance-split/gate.json.
# Needs target/stance-split (stance_data.py) and a release build.
set -euo pipefail
cd "$(dirname "$0")/../.."
CE=${1:-target/train/ce1/final}
SPLIT=target/stance-split
OUT=target/stance-eval
mkdir -p "$OUT"
STANCE=target/release/stance
[ -x "$STANCE" ] || cargo build --release
PY="env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread ${VENV:-.venv-train}/bin/python"

eval_one() { # name model
    "$STANCE" eval "$SPLIT/dev.csv" --model "$2" --out "$OUT/$1.json" \
        --predictions "$OUT/$1-predictions.csv" | tee "$OUT/$1.txt"
}

eval_one a0-shipped-head models/minilm-stance

if [ ! -f "$OUT/a-head/stance_head.json" ]; then
    $PY - <<'PY'
import csv, random
def sample(src, dst, n, seed):
    rows = list(csv.DictReader(open(src, encoding="utf-8")))
    random.Random(seed).shuffle(rows)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["text", "target", "label"], extrasaction="ignore")
        w.writeheader()
        w.writerows(rows[:n])
sample("target/stance-split/train.csv", "target/stance-eval/a-train.csv", 20000, 0)
sample("target/stance-split/dev.csv", "target/stance-eval/a-gate-dev.csv", 3000, 1)
PY
    "$STANCE" train "$OUT/a-train.csv" --dev "$OUT/a-gate-dev.csv" --out "$OUT/a-head" \
        --no-onnx --force
fi
eval_one a-retrained-head "$OUT/a-head"

if [ -d "$CE" ]; then
    eval_one c-cross-encoder "$CE"
    if [ -f "$SPLIT/gate.json" ]; then
        T=$($PY -c "import json; print(json.load(open('$SPLIT/gate.json'))['chosen']['threshold'])")
        D="$OUT/d-cascade"
        rm -rf "$D" && mkdir -p "$D"
        for f in config.json tokenizer.json model.safetensors; do ln -sf "$PWD/$CE/$f" "$D/$f"; done
        printf '{"format": "stance-cascade/1", "gate": "%s", "threshold": %s}\n' \
            "$PWD/models/minilm-stance" "$T" > "$D/cascade.json"
        eval_one d-cascade "$D"
    fi
fi
grep -h "mean over" "$OUT"/*.txt
