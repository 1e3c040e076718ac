#!/usr/bin/env python3
"""Score the same pairs as `stance bench` with ONNX Runtime's own Python API.

    stance bench --model M --sentences 512 --write-pairs /tmp/pairs.jsonl
    .venv-train/bin/python benches/baseline_ort.py M /tmp/pairs.jsonl --threads 1 --batch-size 8

The other baseline a user would pick instead of stance: the model folder's
model.onnx (and, for a cascade, its gate's) in an `onnxruntime`
InferenceSession with `--threads` intra-op threads, tokenised by Hugging
Face's fast tokenizer. It scores as benches/baseline_torch.py does: pairs
sorted by token length and padded per batch; a cascade's gate embeds each
distinct text once and only pairs whose cosine reaches the threshold go
to the cross-encoder. --part K/N scores the K-th of N even slices, so
that N single-threaded processes can share the pairs. One JSON line out.
"""
import json
import os
import time

import numpy as np
import onnxruntime as ort
from transformers import AutoTokenizer
from transformers.utils import logging as hf_logging

from baseline_args import args_and_pairs, distinct_texts


def session(path, threads):
    o = ort.SessionOptions()
    o.intra_op_num_threads = threads
    o.inter_op_num_threads = 1
    o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, o, providers=["CPUExecutionProvider"])


def feed(tok, encs):
    b = tok.pad(encs, return_tensors="np")
    f = {"input_ids": b["input_ids"].astype(np.int64),
         "attention_mask": b["attention_mask"].astype(np.int64)}
    f["token_type_ids"] = b.get("token_type_ids", np.zeros_like(b["input_ids"])).astype(np.int64)
    return f


def main():
    args, pairs = args_and_pairs()
    hf_logging.set_verbosity_error()
    tok = AutoTokenizer.from_pretrained(args.model)
    if args.variant == "bf16":
        raise SystemExit("baseline_ort.py: --variant bf16 is PyTorch's (baseline_torch.py)")
    name = "model_int8.onnx" if args.variant == "int8" else "model.onnx"
    model = session(os.path.join(args.model, name), args.threads)
    gate = None
    cascade_file = os.path.join(args.model, "cascade.json")
    if os.path.exists(cascade_file):
        c = json.load(open(cascade_file))
        gdir = os.path.join(args.model, c["gate"])
        gate = (session(os.path.join(gdir, "model.onnx"), args.threads),
                AutoTokenizer.from_pretrained(gdir), c["threshold"])
    bs = args.batch_size

    def gate_pairs(ps):
        gsess, gtok, threshold = gate
        texts, genc, order = distinct_texts(ps, gtok)
        emb = {}
        for j in range(0, len(order), bs):
            b = order[j:j + bs]
            f = feed(gtok, [genc[i] for i in b])
            h = gsess.run(["last_hidden_state"], f)[0]
            m = f["attention_mask"][..., None].astype(np.float32)
            e = (h * m).sum(1) / m.sum(1)
            e /= np.linalg.norm(e, axis=1, keepdims=True)
            for i, row in zip(b, e):
                emb[texts[i]] = row
        return [p for p in ps if float(emb[p["premise"]] @ emb[p["hypothesis"]]) >= threshold]

    def run(ps):
        kept = gate_pairs(ps) if gate else ps
        enc = [tok(p["premise"], p["hypothesis"], truncation=True, max_length=512) for p in kept]
        order = sorted(range(len(enc)), key=lambda i: len(enc[i]["input_ids"]))
        for j in range(0, len(order), bs):
            model.run(["logits"], feed(tok, [enc[i] for i in order[j:j + bs]]))

    run(pairs[:32])  # warm-up
    t = time.perf_counter()
    run(pairs)
    secs = time.perf_counter() - t
    print(json.dumps({"engine": "onnxruntime-python", "onnxruntime": ort.__version__,
                      "threads": args.threads, "part": args.part, "secs": secs,
                      "batch_size": bs, "pairs": len(pairs), "pairs_per_sec": len(pairs) / secs}))


if __name__ == "__main__":
    main()
