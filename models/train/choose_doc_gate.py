"""Choose the document gate of a cascade (cascade.json format 2,
`context.document`) on FNC-1 and ARC, and measure it.

    python models/train/choose_doc_gate.py [--gate models/minilm-stance] [--train-pairs 3000]

Both sets pair a headline (the claim) with a whole article body and say
whether the body is `unrelated` to it or related (agrees, disagrees,
discusses). The gate's document feature is the one `stance` computes
(src/score/cascade.rs): the highest cosine similarity between the claim
and any sentence of the body, with the bundled all-MiniLM-L6-v2 encoder
(models/minilm-stance), each sentence embedded once. Other features were
tried on FNC-1 (the cosine of the mean embedding, the mean of the top two,
a logistic regression on all three): none told related from unrelated
better than the highest sentence alone, so the rule stays one number.

As in `stance`, a body of fewer than --min-sentences sentences is not
judged as a document (it counts as kept: related), and the threshold is
fitted on the bodies it judges. It is fitted on FNC-1 (--fit), whose
bodies are news articles, the documents the gate is for; ARC's are reader
comments from a debate site, most of them short: it is reported, and
fitting on both (--fit fnc1,arc) gives 0.41 instead of 0.47 (more
documents kept, more off-topic ones among them; the model card has both
on a real archive). Pairs are split as target/stance-split splits their headlines
(by cluster, stance_data.py): the threshold is the one with the best F1
for `related` over a seeded sample of --train-pairs train pairs of each
set, and the dev pairs (all of them) report its precision and recall,
and how many of them were judged. Writes target/stance-split/doc-gate.json
(and each pair's feature to doc-gate-pairs.json, which a second run with
other settings reads instead of embedding again).
"""
import argparse
import json
import pathlib
import random
import sys

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from stance_data import read_csv, sentences  # noqa: E402
from train_stance import hyp  # noqa: E402

SETS = {"fnc1": ("fnc1/train_stances.csv", "fnc1/train_bodies.csv"),
        "arc": ("arc/arc_stances_train.csv", "arc/arc_bodies.csv")}


def pairs_of(shared, split_rows, name, train_pairs, rnd):
    stances, bodies = SETS[name]
    dev_heads = {r["target"] for r in split_rows if r["source"] == name and r["split"] == "dev"}
    body = {r["Body ID"]: r["articleBody"] for r in read_csv(shared / bodies)}
    rows = read_csv(shared / stances)
    dev = [r for r in rows if r["Headline"] in dev_heads]
    train = [r for r in rows if r["Headline"] not in dev_heads]
    train = rnd.sample(train, min(train_pairs, len(train)))
    out = []
    for split, part in [("train", train), ("dev", dev)]:
        for r in part:
            out.append({"set": name, "split": split, "claim": hyp(r["Headline"]),
                        "body": body[r["Body ID"]], "related": r["Stance"] != "unrelated"})
    return out


MIN_SENTENCES = 5


def prf(rows, t):
    kept = [r["n"] < MIN_SENTENCES or r["max"] >= t for r in rows]
    tp = sum(r["related"] and k for r, k in zip(rows, kept))
    fp = sum(not r["related"] and k for r, k in zip(rows, kept))
    fn = sum(r["related"] and not k for r, k in zip(rows, kept))
    return {"f1": round(2 * tp / max(2 * tp + fp + fn, 1), 4),
            "precision": round(tp / max(tp + fp, 1), 4),
            "recall": round(tp / max(tp + fn, 1), 4),
            "pairs": len(rows), "related": sum(r["related"] for r in rows),
            "judged": sum(r["n"] >= MIN_SENTENCES for r in rows)}


def features(args, split_dir):
    """Each pair's set, split, label, body sentence count and highest
    sentence cosine with its claim."""
    shared = common.REPO.parent / "shared" / "data" / "stance"
    split_rows = read_csv(split_dir / "pairs.csv")
    rnd = random.Random(args.seed)
    rows = []
    for name in SETS:
        rows += pairs_of(shared, split_rows, name, args.train_pairs, rnd)
    sents = {}
    for r in rows:
        if r["body"] not in sents:
            sents[r["body"]] = sentences(r["body"]) or [" ".join(r["body"].split())[:500]]
    texts = sorted({s for v in sents.values() for s in v} | {r["claim"] for r in rows})
    print(f"{len(rows)} pairs, {len(sents)} bodies, {len(texts)} texts to embed", flush=True)
    tok, model = common.load_encoder(args.gate)
    model.float()
    emb = common.embed(tok, model, texts, max_length=256)
    index = {t: i for i, t in enumerate(texts)}
    out = []
    for r in rows:
        e = emb[[index[s] for s in sents[r["body"]]]]
        out.append({"set": r["set"], "split": r["split"], "related": r["related"],
                    "n": len(sents[r["body"]]),
                    "max": round(float((e @ emb[index[r["claim"]]]).max()), 6)})
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate", default=str(common.REPO / "models" / "minilm-stance"))
    ap.add_argument("--split", default=str(common.REPO / "target" / "stance-split"))
    ap.add_argument("--train-pairs", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--min-sentences", type=int, default=MIN_SENTENCES)
    ap.add_argument("--fit", default="fnc1", help="comma-separated sets to fit on (fnc1, arc)")
    args = ap.parse_args()
    globals()["MIN_SENTENCES"] = args.min_sentences
    split_dir = pathlib.Path(args.split)
    cached = split_dir / "doc-gate-pairs.json"
    key = {"gate": pathlib.Path(args.gate).resolve().name, "train_pairs": args.train_pairs,
           "seed": args.seed}
    if cached.exists() and json.loads(cached.read_text())["key"] == key:
        rows = json.loads(cached.read_text())["rows"]
    else:
        rows = features(args, split_dir)
        cached.write_text(json.dumps({"key": key, "rows": rows}))
    # The threshold only decides the bodies it judges: fit it on those.
    fit = args.fit.split(",")
    judged = [r for r in rows if r["n"] >= MIN_SENTENCES]
    train = [r for r in judged if r["split"] == "train" and r["set"] in fit]
    grid = [round(0.01 * k, 2) for k in range(10, 81)]
    table = [{"threshold": t, **prf(train, t)} for t in grid]
    best = max(table, key=lambda x: (x["f1"], -x["threshold"]))
    t = best["threshold"]
    dev = [r for r in rows if r["split"] == "dev"]
    report = {
        "document": t,
        "rule": f"best F1 for related over the judged train pairs of {'+'.join(fit)}",
        "min_sentences": MIN_SENTENCES,
        "encoder": pathlib.Path(args.gate).name,
        "train": prf(train, t),
        "dev_judged": {name: prf([r for r in dev if r["set"] == name and r["n"] >= MIN_SENTENCES], t)
                       for name in SETS},
        "dev": {name: prf([r for r in dev if r["set"] == name], t) for name in SETS},
        "dev_all": prf(dev, t),
        "table": table[::5],
        "command": " ".join(["python models/train/choose_doc_gate.py"] + sys.argv[1:]),
    }
    out = split_dir / "doc-gate.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "table"}, indent=1))


if __name__ == "__main__":
    torch.set_num_threads(2)
    main()
