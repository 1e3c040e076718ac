"""Is one model's mean-over-sources macro-F1 on the dev split really higher
than another's? A paired bootstrap over claims: each round resamples every
source's claims (with replacement), scores both models' predictions on the
same resample, and keeps the difference.

    stance eval target/stance-split/dev.csv --model A --predictions a.csv
    stance eval target/stance-split/dev.csv --model B --predictions b.csv
    python models/train/paired_bootstrap.py target/stance-split/dev.csv a.csv b.csv [--rounds 1000]

Prints both means, the mean difference B - A with its 95% interval, and the
share of rounds where B is not better.
"""
import argparse
import collections
import csv
import random


def predictions_of(path, dev, dev_path):
    """The `predicted` column of `stance eval --predictions` output at
    `path`, checked to be on `dev` (the rows of the pair file at
    `dev_path`) row for row; ValueError otherwise."""
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    if len(rows) != len(dev) or any(r["text"] != d["text"] for r, d in zip(rows, dev)):
        raise ValueError(f"{path}: not the predictions of {dev_path}, row for row")
    return [r["predicted"] for r in rows]


def macro_f1(idx, gold, pred):
    labels = sorted({gold[i] for i in idx})
    f = []
    for lab in labels:
        tp = sum(1 for i in idx if pred[i] == lab and gold[i] == lab)
        fp = sum(1 for i in idx if pred[i] == lab and gold[i] != lab)
        fn = sum(1 for i in idx if pred[i] != lab and gold[i] == lab)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dev")
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    dev = list(csv.DictReader(open(args.dev, encoding="utf-8")))
    try:
        preds = [predictions_of(path, dev, args.dev) for path in (args.a, args.b)]
    except ValueError as e:
        ap.error(str(e))
    gold = [d["label"] for d in dev]
    claims = collections.defaultdict(lambda: collections.defaultdict(list))
    for i, d in enumerate(dev):
        claims[d["source"]][d["target"]].append(i)

    def mean(pred, sample):
        return 100 * sum(macro_f1(idx, gold, pred) for idx in sample.values()) / len(sample)

    full = {s: [i for c in cl.values() for i in c] for s, cl in claims.items()}
    print(f"A {mean(preds[0], full):.2f}  B {mean(preds[1], full):.2f}  (mean over {len(full)} sources)")
    rng = random.Random(args.seed)
    diffs = []
    for _ in range(args.rounds):
        sample = {}
        for s, cl in claims.items():
            keys = list(cl)
            sample[s] = [i for k in (rng.choice(keys) for _ in keys) for i in cl[k]]
        diffs.append(mean(preds[1], sample) - mean(preds[0], sample))
    diffs.sort()
    lo, hi = diffs[int(0.025 * len(diffs))], diffs[int(0.975 * len(diffs)) - 1]
    worse = sum(d <= 0 for d in diffs) / len(diffs)
    print(f"B - A: {sum(diffs) / len(diffs):+.2f} [{lo:+.2f}, {hi:+.2f}] (95%, {args.rounds} rounds over claims); "
          f"B not better in {100 * worse:.1f}% of rounds")


if __name__ == "__main__":
    main()
