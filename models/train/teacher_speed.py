"""Training speed of the teacher (all-mpnet-base-v2 as a cross-encoder) on
this machine's CPU, for a few ways of making a step cheaper: freezing the
lowest K encoder layers (`train_stance.py --freeze-layers K`) and cutting
pairs to L tokens (`--max-length L`). Each setting runs the same 12 batches
of 16 real training pairs (length-sorted as train_stance.py batches them)
through forward, backward and an AdamW step, and prints pairs/s; the first
setting runs again at the end, so drift on a noisy machine shows.

    $PY models/train/teacher_speed.py                 # needs fetch_mpnet.sh and stance_data.py
    $PY models/train/teacher_speed.py --settings 0:96,6:64
"""
import argparse
import random
import time

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

import common
import train_stance


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--settings", default="0:96,6:96,0:64,6:64,9:96,0:96",
                    help="comma-separated FROZEN_LAYERS:MAX_LENGTH")
    ap.add_argument("--batches", type=int, default=12)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows = common.read_stance(common.REPO / "target" / "stance-split" / "train.csv")
    random.Random(1).shuffle(rows)
    pairs = [(r["text"], train_stance.hyp(r["target"])) for r in rows[:16 * 40]]
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    batches = [order[i:i + 16] for i in range(0, len(order), 16)]
    random.Random(0).shuffle(batches)
    src = common.mpnet_dir()
    tok = AutoTokenizer.from_pretrained(src)
    for setting in args.settings.split(","):
        k, length = (int(x) for x in setting.split(":"))
        torch.manual_seed(0)
        net = AutoModelForSequenceClassification.from_pretrained(src, num_labels=3)
        if k:
            train_stance.freeze_lower(net, k)
        opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=1e-5)
        net.train()
        n, t0 = 0, time.time()
        for b in batches[:args.batches]:
            enc = tok([pairs[i][0] for i in b], [pairs[i][1] for i in b], padding=True, truncation=True,
                      max_length=length, return_tensors="pt")
            loss = torch.nn.functional.cross_entropy(net(**enc).logits, torch.zeros(len(b), dtype=torch.long))
            opt.zero_grad()
            loss.backward()
            opt.step()
            n += len(b)
        print(f"frozen layers {k}, max length {length}: {n / (time.time() - t0):.2f} pairs/s", flush=True)


if __name__ == "__main__":
    main()
