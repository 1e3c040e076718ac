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
minilm-stance) is run as stance runs it: each distinct text embedded once
(mean pooling, unit length), then the linear head over [u, v, |u-v|,
u*v]. A cascade (cascade.json, such as the bundled default) too: its gate
embeds each distinct text once with the gate folder's encoder, and only
pairs whose cosine reaches the threshold go to the cross-encoder.

--part K/N scores the K-th of N even, contiguous slices of the pairs, so
that N single-threaded processes can share them as a practitioner would
run PyTorch on N cores (benches/compare.sh starts them together, with
OPENBLAS_NUM_THREADS=1 and OMP_NUM_THREADS=1).
"""
import contextlib
import json
import os
import time

import torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer
from transformers.utils import logging as hf_logging

from baseline_args import args_and_pairs, distinct_texts


def main():
    args, pairs = args_and_pairs()
    hf_logging.set_verbosity_error()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.variant == "int8":
        raise SystemExit("baseline_torch.py: --variant int8 is ONNX Runtime's (baseline_ort.py)")
    # bf16: every op autocast supports runs in bfloat16, as a practitioner
    # would try it on a CPU with bf16 (torch's oneDNN path); for the whole
    # process.
    amp = contextlib.ExitStack()
    if args.variant == "bf16":
        amp.enter_context(torch.autocast("cpu", dtype=torch.bfloat16))
    tok = AutoTokenizer.from_pretrained(args.model)
    bi_encoder = os.path.exists(os.path.join(args.model, "stance_head.json"))
    cascade_file = os.path.join(args.model, "cascade.json")
    gate = None
    if os.path.exists(cascade_file):
        c = json.load(open(cascade_file))
        gate_dir = os.path.join(args.model, c["gate"])
        gate = (AutoModel.from_pretrained(gate_dir, torch_dtype=torch.float32).eval(),
                AutoTokenizer.from_pretrained(gate_dir), c["threshold"])
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

    def gate_pairs(ps):
        """The pairs the cascade's gate lets through (distinct texts embedded once)."""
        gmodel, gtok, threshold = gate
        texts, genc, gorder = distinct_texts(ps, gtok)
        emb = {}
        with torch.inference_mode():
            for j in range(0, len(gorder), args.batch_size):
                b = gorder[j:j + args.batch_size]
                feats = gtok.pad([genc[i] for i in b], return_tensors="pt")
                out = gmodel(**feats)
                m = feats["attention_mask"].unsqueeze(-1).float()
                e = torch.nn.functional.normalize((out.last_hidden_state * m).sum(1) / m.sum(1), dim=-1)
                for i, row in zip(b, e):
                    emb[texts[i]] = row
        return [p for p in ps if float(emb[p["premise"]] @ emb[p["hypothesis"]]) >= threshold]

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

    def run_cascade(ps):
        kept = gate_pairs(ps)
        kenc = [tok(p["premise"], p["hypothesis"], truncation=True, max_length=512) for p in kept]
        korder = sorted(range(len(kenc)), key=lambda i: len(kenc[i]["input_ids"]))
        with torch.inference_mode():
            for j in range(0, len(korder), args.batch_size):
                feats = tok.pad([kenc[i] for i in korder[j:j + args.batch_size]], return_tensors="pt")
                model(**feats)

    if gate is not None:
        run_cascade(pairs[:32])  # warm-up
        t = time.perf_counter()
        run_cascade(pairs)
        secs = time.perf_counter() - t
    else:
        run(batches[: max(1, 32 // args.batch_size)])  # warm-up
        t = time.perf_counter()
        run(batches)
        secs = time.perf_counter() - t
    print(json.dumps({
        "engine": "pytorch",
        "torch": torch.__version__,
        "threads": args.threads,
        "part": args.part,
        "secs": secs,
        "batch_size": args.batch_size,
        "pairs": len(pairs),
        "pairs_per_sec": len(pairs) / secs,
    }))


if __name__ == "__main__":
    main()
