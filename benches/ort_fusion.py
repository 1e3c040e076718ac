#!/usr/bin/env python3
"""Does ONNX Runtime's offline transformer optimiser (fused Attention,
SkipLayerNormalization, BiasGelu, EmbedLayerNormalization) make the default
cross-encoder faster on CPU? Times the shipped model.onnx, a plain fp32
export, and the optimiser's output of that export, on the same pairs, one
intra-op thread, batch 8, pairs sorted by length; three alternating rounds.

    stance bench --model models/minilm-stance-ce --sentences 256 --write-pairs /tmp/pairs.jsonl
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \\
        .venv-train/bin/python benches/ort_fusion.py models/minilm-stance-ce /tmp/pairs.jsonl

Prints pairs/s per graph (median) and each graph's largest logit
difference from the shipped one. BENCHMARKS.md quotes it.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort
from onnxruntime.transformers import optimizer
from transformers import AutoTokenizer
from transformers.utils import logging as hf_logging


def main():
    model_dir, pairs_path = sys.argv[1], sys.argv[2]
    hf_logging.set_verbosity_error()
    cfg = json.load(open(os.path.join(model_dir, "config.json")))
    tok = AutoTokenizer.from_pretrained(model_dir)
    pairs = [json.loads(line) for line in open(pairs_path, encoding="utf-8") if line.strip()]
    encs = [tok(p["premise"], p["hypothesis"], truncation=True, max_length=512) for p in pairs]
    order = sorted(range(len(encs)), key=lambda i: len(encs[i]["input_ids"]))
    batches = []
    for s in range(0, len(order), 8):
        b = tok.pad([encs[i] for i in order[s:s + 8]], return_tensors="np")
        batches.append({k: b[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")})
    work = tempfile.mkdtemp()
    plain = os.path.join(work, "model.onnx")
    subprocess.run([sys.executable, "scripts/export_onnx.py", model_dir, "--out", plain], check=True,
                   stdout=subprocess.DEVNULL)
    fused = os.path.join(work, "fused.onnx")
    opt = optimizer.optimize_model(plain, model_type="bert", num_heads=cfg["num_attention_heads"],
                                   hidden_size=cfg["hidden_size"], opt_level=0)
    print("fused:", {k: v for k, v in opt.get_fused_operator_statistics().items() if v})
    opt.save_model_to_file(fused)
    graphs = {"shipped model.onnx": os.path.join(model_dir, "model.onnx"), "fp32 export": plain,
              "fp32 export, fused": fused}

    def session(path):
        o = ort.SessionOptions()
        o.intra_op_num_threads = 1
        o.inter_op_num_threads = 1
        o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])

    sessions = {k: session(p) for k, p in graphs.items()}
    logits = {k: np.concatenate([s.run(None, b)[0] for b in batches]) for k, s in sessions.items()}
    rates = {k: [] for k in graphs}
    for _ in range(3):
        for k, s in sessions.items():
            t = time.perf_counter()
            for b in batches:
                s.run(None, b)
            rates[k].append(len(pairs) / (time.perf_counter() - t))
    base = logits["shipped model.onnx"]
    for k in graphs:
        diff = float(np.abs(logits[k] - base).max())
        print(f"{k:22s} {statistics.median(rates[k]):7.1f} pairs/s   max |logit diff| {diff:.1e}")


if __name__ == "__main__":
    main()
