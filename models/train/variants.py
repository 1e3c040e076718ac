"""Variants 2-4 on frozen all-MiniLM-L6-v2 embeddings, measured on SNLI test
and on datasets/stance-dev.csv (thresholds chosen on its dev split, scores
reported on both splits). Needs embed_snli.py's cache.

    python models/train/variants.py

2  NLI head: linear layer on [u, v, |u-v|, u*v], trained on SNLI train;
   entailment -> favor, contradiction -> against, neutral -> none.
3  2 with symmetric hypotheses (target and "It is not true that target"),
   favor = E(h) + C(not h), against = C(h) + E(not h), and a relevance gate
   (cosine below a threshold -> none).
4  Few-shot stance head on the same features, trained on
   datasets/stance-train.csv (what `stance train` does), alone and gated;
   4c adds all SNLI train pairs at weight 0.05 (entailment as favor,
   contradiction as against, neutral as none).
Writes target/train-cache/variants.json and prints a Markdown table.
"""
import json

import numpy as np
import torch

import common

torch.manual_seed(0)
tok, enc = common.load_encoder()


def fit(x, y, epochs, lr=1e-2, wd=1e-3, batch=None, weight=None):
    """Multinomial logistic regression from zero, AdamW (as `stance train`);
    `weight` weighs each example's loss (full batch only)."""
    layer = torch.nn.Linear(x.shape[1], 3)
    torch.nn.init.zeros_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    opt = torch.optim.AdamW(layer.parameters(), lr=lr, weight_decay=wd)
    for _ in range(epochs):
        order = torch.randperm(len(y)) if batch else torch.arange(len(y))
        for s in range(0, len(y), batch or len(y)):
            i = order[s : s + (batch or len(y))]
            loss = torch.nn.functional.cross_entropy(layer(x[i]), y[i], reduction="none")
            loss = (loss * weight).sum() / weight.sum() if weight is not None else loss.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return layer


def stance_set(path):
    rows = common.read_stance(path)
    hyp = [r["target"].rstrip(".") + "." for r in rows]
    neg = [common.negate(r["target"].rstrip(".")) + "." for r in rows]
    return {
        "rows": rows,
        "u": common.embed(tok, enc, [r["text"] for r in rows]),
        "v": common.embed(tok, enc, hyp),
        "vn": common.embed(tok, enc, neg),
        "y": torch.tensor([common.STANCE.index(r["label"]) for r in rows]),
        "split": np.array([r.get("split", "") for r in rows]),
    }


dev = stance_set(common.REPO / "datasets" / "stance-dev.csv")
train = stance_set(common.REPO / "datasets" / "stance-train.csv")
snli_tr = torch.load(common.CACHE / "snli-train.pt")
snli_te = torch.load(common.CACHE / "snli-test.pt")

results = {}


def record(name, snli_acc, probs, gate=None):
    cos = (dev["u"] * dev["v"]).sum(-1)
    pred = probs.argmax(-1).clone()
    if gate is not None:
        pred[cos < gate] = 2
    r = {"snli_test_accuracy": snli_acc, "gate": gate}
    for split in ["dev", "test"]:
        m = dev["split"] == split
        r[split] = common.scores(pred[m].numpy(), dev["y"][m].numpy())
    mw = np.array([x["target"].startswith("The minimum wage") for x in dev["rows"]])
    r["unseen_claim_all"] = common.scores(pred[mw].numpy(), dev["y"][mw].numpy())
    results[name] = r


def calibrate(probs):
    """The gate with the best dev macro-F1 (None if no gate is better)."""
    cos = (dev["u"] * dev["v"]).sum(-1)
    m = dev["split"] == "dev"
    best = (common.scores(probs.argmax(-1)[m].numpy(), dev["y"][m].numpy())["macro_f1"], None)
    for t in np.arange(0.05, 0.61, 0.05):
        pred = probs.argmax(-1).clone()
        pred[cos < t] = 2
        f = common.scores(pred[m].numpy(), dev["y"][m].numpy())["macro_f1"]
        if f > best[0] + 1e-9:
            best = (f, round(float(t), 2))
    return best[1]


# Variant 2: NLI head on SNLI.
nli = fit(common.features(snli_tr["u"], snli_tr["v"]), snli_tr["y"], epochs=8, lr=1e-3, batch=256)
with torch.no_grad():
    snli_acc = float((nli(common.features(snli_te["u"], snli_te["v"])).argmax(-1) == snli_te["y"]).float().mean())
    ph = torch.softmax(nli(common.features(dev["u"], dev["v"])), -1)
    pn = torch.softmax(nli(common.features(dev["u"], dev["vn"])), -1)
record("2 NLI head (SNLI)", snli_acc, ph)
sym = torch.stack([ph[:, 0] + pn[:, 1], ph[:, 1] + pn[:, 0], ph[:, 2] + pn[:, 2]], -1) / 2
record("3a NLI head, symmetric", snli_acc, sym)
record("3b NLI head, symmetric, gate", snli_acc, sym, calibrate(sym))

# Variant 4: few-shot stance head on stance-train.csv.
head = fit(common.features(train["u"], train["v"]), train["y"], epochs=300)
with torch.no_grad():
    snli_acc4 = float((head(common.features(snli_te["u"], snli_te["v"])).argmax(-1) == snli_te["y"]).float().mean())
    p4 = torch.softmax(head(common.features(dev["u"], dev["v"])), -1)
record("4a stance head (stance-train)", snli_acc4, p4)
record("4b stance head, gate", snli_acc4, p4, calibrate(p4))
x = torch.cat([common.features(train["u"], train["v"]), common.features(snli_tr["u"], snli_tr["v"])])
y = torch.cat([train["y"], snli_tr["y"]])
w = torch.cat([torch.ones(len(train["y"])), torch.full((len(snli_tr["y"]),), 0.05)])
head_c = fit(x, y, epochs=300, weight=w)
with torch.no_grad():
    snli_acc4c = float((head_c(common.features(snli_te["u"], snli_te["v"])).argmax(-1) == snli_te["y"]).float().mean())
    p4c = torch.softmax(head_c(common.features(dev["u"], dev["v"])), -1)
record("4c stance head + SNLI (w 0.05)", snli_acc4c, p4c)
record("4c stance head + SNLI, gate", snli_acc4c, p4c, calibrate(p4c))

common.CACHE.mkdir(parents=True, exist_ok=True)
with open(common.CACHE / "variants.json", "w") as f:
    json.dump(results, f, indent=1)
print("| variant | SNLI test acc | gate | dev acc | dev F_avg | test acc | test F_avg | unseen claim F_avg |")
print("|---|---|---|---|---|---|---|---|")
for name, r in results.items():
    print(f"| {name} | {100 * r['snli_test_accuracy']:.1f} | {r['gate'] or '-'} | "
          f"{100 * r['dev']['accuracy']:.1f} | {100 * r['dev']['f_avg']:.1f} | "
          f"{100 * r['test']['accuracy']:.1f} | {100 * r['test']['f_avg']:.1f} | "
          f"{100 * r['unseen_claim_all']['f_avg']:.1f} |")
