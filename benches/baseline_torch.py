#!/usr/bin/env python3
"""Score the same pairs as `stance bench` with Hugging Face transformers on PyTorch.

    stance bench --model M --sentences 512 --write-pairs /tmp/pairs.jsonl
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv/bin/python benches/baseline_torch.py M /tmp/pairs.jsonl --threads 1 --batch-size 8

Uses the reference setup (Debian python3-torch 1.13, transformers 4.30.2,
OpenBLAS pthread build). Pairs are sorted by token length and padded per
batch exactly as stance does, so the comparison is of the inference
engines, not of batching strategies. Prints one JSON line per setting.

A model folder with a stance head (stance_head.json, such as the bundled
default) is run as stance runs it: each distinct text embedded once (mean
pooling, unit length), then the linear head over [u, v, |u-v|, u*v].
"""
import argparse
import json
import time

from transformers.utils import logging as hf_logging

import os

import torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("pairs")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args()

    hf_logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    tok = AutoTokenizer.from_pretrained(args.model)
    with open(args.pairs, encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f if line.strip()]
    bi_encoder = os.path.exists(os.path.join(args.model, "stance_head.json"))
    if bi_encoder:
        from safetensors.torch import load_file

        model = AutoModel.from_pretrained(args.model, torch_dtype=torch.float32).eval()
        head = load_file(os.path.join(args.model, "stance_head.safetensors"))
        texts = sorted({t for p in pairs for t in (p["premise"], p["hypothesis"])})
        enc = [tok(t, truncation=True, max_length=512) for t in texts]
    else:
        model = AutoModelForSequenceClassification.from_pretrained(args.model).eval()
        enc = [tok(p["premise"], p["hypothesis"], truncation=True, max_length=512) for p in pairs]
    order = sorted(range(len(enc)), key=lambda i: len(enc[i]["input_ids"]))
    batches = [order[i:i + args.batch_size] for i in range(0, len(order), args.batch_size)]

    def run(bs):
        with torch.inference_mode():
            emb = {}
            for b in bs:
                feats = tok.pad([enc[i] for i in b], return_tensors="pt")
                out = model(**feats)
                if bi_encoder:
                    m = feats["attention_mask"].unsqueeze(-1).float()
                    e = (out.last_hidden_state * m).sum(1) / m.sum(1)
                    for i, row in zip(b, torch.nn.functional.normalize(e, dim=-1)):
                        emb[texts[i]] = row
            if bi_encoder and len(emb) == len(texts):
                u = torch.stack([emb[p["premise"]] for p in pairs])
                v = torch.stack([emb[p["hypothesis"]] for p in pairs])
                x = torch.cat([u, v, (u - v).abs(), u * v], -1)
                torch.softmax(x @ head["weight"].float().T + head["bias"].float(), -1)

    run(batches[: max(1, 32 // args.batch_size)])  # warm-up
    t = time.perf_counter()
    run(batches)
    secs = time.perf_counter() - t
    print(json.dumps({
        "engine": "pytorch",
        "torch": torch.__version__,
        "threads": args.threads,
        "batch_size": args.batch_size,
        "pairs": len(pairs),
        "pairs_per_sec": len(pairs) / secs,
    }))


if __name__ == "__main__":
    main()
