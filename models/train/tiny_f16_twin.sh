#!/usr/bin/env bash
# The f16 twin of the tiny test model (tests/fixtures/tiny-bert-f16): its
# weights, slightly perturbed and rounded to f16, stored as the bundled
# models store theirs,
# with an ONNX export that reads them from model.safetensors by offset
# (scripts/share_onnx_weights.py). tiny-bert's own export carries its
# weights inline, so a folder `stance train` patches would not change what
# ONNX Runtime runs; the twin lets the optional tests check that the ONNX
# path of a fine-tuned folder runs the new weights.
#
#   bash models/train/tiny_f16_twin.sh
#
# Needs the training venv (models/train/setup.sh: torch, transformers
# 4.30.2, onnx 1.17.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-"env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread .venv-train/bin/python"}
src=tests/fixtures/tiny-bert
out=tests/fixtures/tiny-bert-f16
rm -rf "$out"
mkdir -p "$out"
cp "$src/config.json" "$src/tokenizer.json" "$out/"
$PY - "$src" "$out" <<'EOF'
import sys
from safetensors.torch import load_file, save_file
src, out = sys.argv[1:]
import torch
# Float weights only: the position_ids buffer is rebuilt at load, and
# share_onnx_weights.py shares f16 tensors only. tiny-bert's biases and
# layer norms start equal (zeros, ones), and the ONNX exporter merges
# equal initializers into one, which would read a single tensor's bytes
# for all of them: seeded noise makes every tensor its own.
torch.manual_seed(0)
tensors = {k: (v + 0.02 * torch.randn_like(v)).half()
           for k, v in load_file(f"{src}/model.safetensors").items() if v.is_floating_point()}
save_file(tensors, f"{out}/model.safetensors", metadata={"format": "pt"})
EOF
chmod 644 "$out/model.safetensors"
$PY scripts/export_onnx.py "$out"
$PY scripts/share_onnx_weights.py "$out"
ls -l "$out"
