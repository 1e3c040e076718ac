"""The PyTorch reference for `stance train --method cross-head`'s trainer
(src/score/adapt.rs), written once to tests/fixtures/adapt-parity.json so
that the parity test needs no Python when it runs.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread \
        .venv-train/bin/python models/train/adapt_parity.py

The tiny test model (tests/fixtures/tiny-bert) pools its golden pairs;
eight of them get labels, four are anchors. From the model's own final
layer (its favor, against and none rows), the objective of adapt.rs (mean
cross-entropy on the labels + penalty * squared distance to the start +
the anchors' cross-entropy against the start's probabilities) is
minimised by three steps of Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8, no
weight decay), as candle's AdamW with weight decay 0 does. Recorded: the
pooled features, the objective and its gradient at the start, and the
layer and objective after the steps.
"""
import json
import os

import torch
from transformers import BertForSequenceClassification

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TINY = os.path.join(ROOT, "tests", "fixtures", "tiny-bert")
OUT = os.path.join(ROOT, "tests", "fixtures", "adapt-parity.json")
PENALTY, LR, STEPS = 0.1, 1e-3, 3


def main():
    torch.manual_seed(0)
    golden = json.load(open(os.path.join(TINY, "golden.json")))
    model = BertForSequenceClassification.from_pretrained(TINY).eval()
    pooled = []
    with torch.no_grad():
        for p in golden["pairs"]:
            ids = torch.tensor([p["input_ids"]])
            types = torch.tensor([p["token_type_ids"]])
            out = model.bert(input_ids=ids, token_type_ids=types, attention_mask=torch.ones_like(ids))
            pooled.append(out.pooler_output[0])
    x = torch.stack(pooled).double()
    labelled, anchors = list(range(8)), list(range(8, 12))
    y = torch.tensor([i % 3 for i in labelled])  # favor, against, none in turn
    # id2label: 0 NEUTRAL, 1 Contradiction, 2 entailment: favor is row 2.
    rows = [2, 1, 0]
    w0 = model.classifier.weight.detach().double()[rows].clone()
    b0 = model.classifier.bias.detach().double()[rows].clone()
    xa, xl = x[anchors], x[labelled]
    q = torch.softmax(xa @ w0.T + b0, dim=-1)

    def objective(w, b):
        ce = torch.nn.functional.cross_entropy(xl @ w.T + b, y)
        dist = ((w - w0) ** 2).sum() + ((b - b0) ** 2).sum()
        soft = -(q * torch.log_softmax(xa @ w.T + b, dim=-1)).sum(1).mean()
        return ce + PENALTY * dist + soft

    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    loss0 = objective(w, b)
    loss0.backward()
    grad_w, grad_b = w.grad.clone(), b.grad.clone()
    opt = torch.optim.Adam([w, b], lr=LR, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    for _ in range(STEPS):
        opt.zero_grad()
        objective(w, b).backward()
        opt.step()
    with torch.no_grad():
        loss1 = objective(w, b)
    fixture = {
        "about": "models/train/adapt_parity.py: the PyTorch reference of src/score/adapt.rs on the tiny model",
        "pairs": [[p["premise"], p["hypothesis"]] for p in golden["pairs"]],
        "pooled": x.tolist(),
        "labelled": labelled,
        "labels": y.tolist(),
        "anchors": anchors,
        "penalty": PENALTY,
        "learning_rate": LR,
        "steps": STEPS,
        "start": {"weight": w0.flatten().tolist(), "bias": b0.tolist(), "objective": loss0.item(),
                  "grad_weight": grad_w.flatten().tolist(), "grad_bias": grad_b.tolist()},
        "after": {"weight": w.detach().flatten().tolist(), "bias": b.detach().tolist(), "objective": loss1.item()},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: objective {loss0.item():.6f} -> {loss1.item():.6f}")


if __name__ == "__main__":
    main()
