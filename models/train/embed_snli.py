"""Cache frozen all-MiniLM-L6-v2 embeddings of SNLI (train subset and test),
for the NLI head of variant 2. Writes target/train-cache/snli-{split}.pt.

    python models/train/embed_snli.py [--train-limit N]
"""
import argparse
import time

import torch

import common

ap = argparse.ArgumentParser()
ap.add_argument("--train-limit", type=int, default=None, help="first N labelled train pairs")
args = ap.parse_args()
common.CACHE.mkdir(parents=True, exist_ok=True)
tok, model = common.load_encoder()
for split, limit in [("test", None), ("train", args.train_limit)]:
    rows = common.read_snli(split, limit)
    sents = sorted({s for r in rows for s in r[:2]})
    t0 = time.time()
    emb = common.embed(tok, model, sents, batch_size=128)
    index = {s: i for i, s in enumerate(sents)}
    u = emb[[index[r[0]] for r in rows]]
    v = emb[[index[r[1]] for r in rows]]
    y = torch.tensor([r[2] for r in rows])
    torch.save({"u": u, "v": v, "y": y}, common.CACHE / f"snli-{split}.pt")
    print(f"{split}: {len(rows)} pairs, {len(sents)} sentences, {time.time() - t0:.0f} s", flush=True)
