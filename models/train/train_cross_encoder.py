"""Variant 1: fine-tune all-MiniLM-L6-v2 as an NLI cross-encoder on SNLI,
then measure it on SNLI test and on datasets/stance-dev.csv (plain, and with
symmetric hypotheses).

    python models/train/train_cross_encoder.py [--pairs N] [--epochs E] [--out DIR]

The issue asks for all 100k pairs and at least 2 epochs: about 3.5 hours on
2 CPU cores (2 s per batch of 32), minutes on a GPU. --pairs/--epochs run a
reduced version; the model card says which was run.
"""
import argparse
import json
import random
import time

import torch
from transformers import AutoModelForSequenceClassification

import common

ap = argparse.ArgumentParser()
ap.add_argument("--pairs", type=int, default=None, help="first N labelled train pairs (default all)")
ap.add_argument("--epochs", type=int, default=2)
ap.add_argument("--batch-size", type=int, default=32)
ap.add_argument("--lr", type=float, default=3e-5)
ap.add_argument("--out", default=str(common.REPO / "target" / "cross-encoder"))
ap.add_argument("--results", default=str(common.CACHE / "variant1.json"))
args = ap.parse_args()
torch.manual_seed(0)
random.seed(0)
tok, _ = common.load_encoder()
model = AutoModelForSequenceClassification.from_pretrained(
    common.encoder_dir(), num_labels=3,
    id2label=dict(enumerate(common.NLI)), label2id={l: i for i, l in enumerate(common.NLI)})
train = common.read_snli("train", args.pairs)
opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
steps = args.epochs * ((len(train) + args.batch_size - 1) // args.batch_size)
warm = max(1, int(0.1 * steps))  # linear warm-up, then linear decay
sched = torch.optim.lr_scheduler.LambdaLR(
    opt, lambda s: s / warm if s < warm else max(0.0, (steps - s) / (steps - warm)))
t0 = time.time()
step = 0
for epoch in range(args.epochs):
    random.shuffle(train)
    model.train()
    for i in range(0, len(train), args.batch_size):
        b = train[i : i + args.batch_size]
        enc = tok([r[0] for r in b], [r[1] for r in b], padding=True, truncation=True,
                  max_length=128, return_tensors="pt")
        loss = model(**enc, labels=torch.tensor([r[2] for r in b])).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        step += 1
        if step % 100 == 0:
            print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f} s", flush=True)
model.eval()
model.save_pretrained(args.out)
tok.save_pretrained(args.out)


def probs(premises, hyps):
    out = []
    with torch.no_grad():
        for i in range(0, len(premises), 64):
            enc = tok(premises[i : i + 64], hyps[i : i + 64], padding=True, truncation=True,
                      max_length=256, return_tensors="pt")
            out.append(torch.softmax(model(**enc).logits, -1))
    return torch.cat(out)


test = common.read_snli("test")
p = probs([r[0] for r in test], [r[1] for r in test])
snli = common.scores(p.argmax(-1).numpy(), [r[2] for r in test])
dev = common.read_stance(common.REPO / "datasets" / "stance-dev.csv")
gold = [common.STANCE.index(r["label"]) for r in dev]
texts = [r["text"] for r in dev]
h = [r["target"].rstrip(".") + "." for r in dev]
ph = probs(texts, h)
pn = probs(texts, [common.negate(r["target"].rstrip(".")) + "." for r in dev])
sym = torch.stack([ph[:, 0] + pn[:, 1], ph[:, 1] + pn[:, 0], ph[:, 2] + pn[:, 2]], -1)
res = {"pairs": len(train), "epochs": args.epochs, "train_secs": time.time() - t0, "snli_test": snli}
for name, pr in [("plain", ph), ("symmetric", sym)]:
    pred = pr.argmax(-1).numpy()
    for split in ["dev", "test"]:
        idx = [i for i, r in enumerate(dev) if r["split"] == split]
        res[f"{name}_{split}"] = common.scores(pred[idx], [gold[i] for i in idx])
print(json.dumps(res, indent=1))
common.CACHE.mkdir(parents=True, exist_ok=True)
with open(args.results, "w") as f:
    json.dump(res, f, indent=1)
