"""FNC-1 at document level: whole articles against headlines, read from
`documents.csv` the four ways of the competition.

    python models/train/fnc_documents.py [--model DIR] [--pairs 800] [--out DIR]

The dev side of the claim-disjoint split (target/stance-split, made by
stance_data.py) holds FNC-1's headlines by cluster; every (headline, body)
pair of the shared FNC-1 training file whose headline is on that side is
a dev pair. A seeded sample of --pairs of them (the class shares kept)
goes through `stance run --target-field` as a JSON-lines archive, and
each document's row for its own headline is read as:

- `unrelated`: the gate ruled the document off topic (`document_topic`
  `off`); a table without that column (before 0.12.0, or a model without a
  document gate) is read by its sentences: no sentence on topic;
- otherwise `agree`, `disagree` or `discuss` from the document's
  `stance` (favor, against, none).

Prints, and writes to OUT/fnc-documents.json: the competition's weighted
score (relative: 0.25 for telling related from unrelated, 0.75 more for
the right related class, as a share of the best possible), the four-class
macro-F1, each class's F1, the document gate's precision and recall for
`related`, and the majority baseline.
"""
import argparse
import collections
import csv
import json
import pathlib
import random
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

CLASSES = ["agree", "disagree", "discuss", "unrelated"]
READ = {"favor": "agree", "against": "disagree", "none": "discuss"}


def dev_pairs(n, seed):
    shared = common.REPO.parent / "shared" / "data" / "stance" / "fnc1"
    split = common.read_stance(common.REPO / "target" / "stance-split" / "pairs.csv")
    dev_heads = {r["target"] for r in split if r["source"] == "fnc1" and r["split"] == "dev"}
    with open(shared / "train_bodies.csv", encoding="utf-8", newline="") as f:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}
    with open(shared / "train_stances.csv", encoding="utf-8", newline="") as f:
        pairs = [r for r in csv.DictReader(f) if r["Headline"] in dev_heads]
    pairs = random.Random(seed).sample(pairs, min(n, len(pairs)))
    return [{"id": f"fnc-{i}", "headline": r["Headline"], "text": bodies[r["Body ID"]],
             "gold": r["Stance"]} for i, r in enumerate(pairs)]


def read(out_dir, pairs):
    head = {p["id"]: p["headline"] for p in pairs}
    pred = {}
    with open(out_dir / "documents.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["target"] != head.get(r["doc_id"]):
                continue  # the run's default claim
            topic = r.get("document_topic", "")
            if topic == "off" or (topic == "" and int(r["on_topic"]) == 0):
                pred[r["doc_id"]] = "unrelated"
            else:
                pred[r["doc_id"]] = READ[r["stance"]]
    return [pred[p["id"]] for p in pairs]


def metrics(gold, pred):
    best = sum(0.25 if g == "unrelated" else 1.0 for g in gold)
    got = 0.0
    for g, p in zip(gold, pred):
        if (g == "unrelated") == (p == "unrelated"):
            got += 0.25
        if g != "unrelated" and g == p:
            got += 0.75
    f1 = {}
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1[c] = round(100 * 2 * tp / max(2 * tp + fp + fn, 1), 1)
    rel_tp = sum(g != "unrelated" and p != "unrelated" for g, p in zip(gold, pred))
    rel_pred = sum(p != "unrelated" for p in pred)
    rel_gold = sum(g != "unrelated" for g in gold)
    majority = collections.Counter(gold).most_common(1)[0][0]
    maj_pred = [majority] * len(gold)
    return {
        "pairs": len(gold),
        "gold": dict(collections.Counter(gold)),
        "predicted": dict(collections.Counter(pred)),
        "weighted_score": round(100 * got / best, 1),
        "macro_f1": round(sum(f1.values()) / len(f1), 1),
        "f1": f1,
        "related_precision": round(100 * rel_tp / max(rel_pred, 1), 1),
        "related_recall": round(100 * rel_tp / max(rel_gold, 1), 1),
        # Of each related class, the share the gate let through.
        "kept_by_class": {c: round(100 * sum(g == c and p != "unrelated" for g, p in zip(gold, pred))
                                   / max(sum(g == c for g in gold), 1), 1) for c in CLASSES[:3]},
        "majority": {"class": majority,
                     "weighted_score": round(100 * sum(
                         0.25 if g == "unrelated" else 0.0 for g in gold) / best, 1)
                     if majority == "unrelated" else None,
                     "accuracy": round(100 * sum(g == m for g, m in zip(gold, maj_pred)) / len(gold), 1)},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="model folder (default: stance's default)")
    ap.add_argument("--pairs", type=int, default=800)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=str(common.REPO / "target" / "fnc-documents"))
    args = ap.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    pairs = dev_pairs(args.pairs, args.seed)
    archive = out / "fnc-dev.jsonl"
    with open(archive, "w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps({k: p[k] for k in ("id", "headline", "text")}) + "\n")
    cmd = [common.stance_bin(), "run", str(archive), "--id-field", "id",
           "--target-field", "headline", "--out", str(out / "run"), "--overwrite", "--quiet"]
    if args.model:
        cmd += ["--model", args.model]
    subprocess.run(cmd, check=True)
    pred = read(out / "run", pairs)
    m = metrics([p["gold"] for p in pairs], pred)
    m["model"] = args.model or "default"
    m["command"] = " ".join(["python models/train/fnc_documents.py"] + sys.argv[1:])
    (out / "fnc-documents.json").write_text(json.dumps(m, indent=1) + "\n")
    print(json.dumps(m, indent=1))


if __name__ == "__main__":
    main()
