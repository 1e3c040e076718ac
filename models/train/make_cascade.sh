#!/usr/bin/env bash
# Ship a fine-tuned cross-encoder as the bundled default, models/minilm-stance-ce:
# a cascade whose relevance gate is the frozen encoder of models/minilm-stance.
#
#   bash models/train/make_cascade.sh [target/train/RUN/final]
#
# 1. the cross-encoder's weights to f16 (prepare_encoder.py), so that candle,
#    ONNX Runtime and PyTorch all compute with the same rounded numbers;
# 2. its ONNX export from those weights, rewritten by
#    scripts/share_onnx_weights.py to read them from model.safetensors (so
#    ONNX Runtime computes exactly what candle does, and models/ stays far
#    under 150 MB); the gate folder gets the same treatment if its
#    model.onnx still carries its own weights;
# 3. cascade.json (format 2): the gate folder, the threshold chosen on the
#    dev split by choose_gate.py (target/stance-split/gate.json), and the
#    context rule: the document threshold chosen on FNC-1 and ARC by
#    choose_doc_gate.py (target/stance-split/doc-gate.json), with short
#    sentences of at most 5 words taking their paragraph's topic and
#    documents of fewer than 5 sentences judged sentence by sentence;
# 4. the model card, licence and notice from models/train/card/cascade/;
# 5. PyTorch's outputs of the shipped folder for the parity test.
# Takes about three minutes on 2 cores after setup.sh, stance_data.py,
# train_stance.py, choose_gate.py and choose_doc_gate.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
CE=${1:-target/train/ce9/final}
VENV=${VENV:-.venv-train}
PY="env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread $VENV/bin/python"
OUT=models/minilm-stance-ce
GATE=models/minilm-stance
WORK=target/ship
rm -rf "$WORK" && mkdir -p "$WORK"

$PY models/train/prepare_encoder.py "$WORK/ce" "$CE"
$PY scripts/export_onnx.py "$WORK/ce"
$PY scripts/share_onnx_weights.py "$WORK/ce"
if [ "$(stat -c %s "$GATE/model.onnx")" -gt 10000000 ]; then
    $PY scripts/share_onnx_weights.py "$GATE"
fi

rm -rf "$OUT" && mkdir -p "$OUT"
cp "$WORK/ce/config.json" "$WORK/ce/model.safetensors" "$GATE/tokenizer.json" \
    "$WORK/ce/model.onnx" "$OUT/"
$PY - "$OUT" <<'PY'
import json, pathlib, sys
g = json.load(open("target/stance-split/gate.json"))
d = json.load(open("target/stance-split/doc-gate.json"))
c = g["chosen"]
cfg = {"format": "stance-cascade/2", "gate": "../minilm-stance", "threshold": c["threshold"],
       "context": {"document": d["document"], "short_words": 5, "min_sentences": 5},
       "chosen_on": {"split": "claim-disjoint dev (models/train/stance_data.py)",
                     "rule": f"highest threshold keeping >= {g['min_recall']} of gold favor/against",
                     "polar_recall": c["polar_recall"], "gated_share": c["gated_share"],
                     "document": {"rule": d["rule"], "train": d["train"], "dev": d["dev_judged"]["fnc1"]}}}
pathlib.Path(sys.argv[1], "cascade.json").write_text(json.dumps(cfg, indent=1) + "\n")
PY
cp models/train/card/cascade/README.md models/train/card/cascade/LICENSE \
    models/train/card/cascade/NOTICE "$OUT/"
$PY models/train/golden.py "$OUT" tests/fixtures/minilm-stance-ce-golden.json
du -sh models/*/ models
