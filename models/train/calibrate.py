"""Per-label logit offsets for a stance model, chosen on the dev split.

    stance eval target/stance-split/dev.csv --model DIR --predictions target/pred.csv
    python models/train/calibrate.py target/stance-split/dev.csv target/pred.csv

Adds offsets b (favor, against; none fixed at 0) to the log-probabilities
and takes the argmax, searching a grid for the best mean over sources of
macro-F1 (the figure `stance eval` reports). To show the offsets carry over
to unseen claims, it first chooses them on one half of the claim clusters
and scores the other half, both ways round; only then on all of dev.
Pairs the gate ruled off-topic (none = 1) stay none.
"""
import collections
import csv
import hashlib
import math
import sys

LABELS = ["favor", "against", "none"]
GRID = [x / 10 for x in range(-15, 16)]


def macro_f1(pairs):
    gold = {g for _, g in pairs}
    f = []
    for c in gold:
        tp = sum(1 for p, g in pairs if p == c and g == c)
        fp = sum(1 for p, g in pairs if p == c and g != c)
        fn = sum(1 for p, g in pairs if p != c and g == c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


def score(rows, b):
    by = collections.defaultdict(list)
    for r in rows:
        z = [math.log(max(p, 1e-12)) + o for p, o in zip(r["p"], (b[0], b[1], 0.0))]
        by[r["source"]].append((LABELS[z.index(max(z))], r["gold"]))
    return sum(macro_f1(v) for v in by.values()) / len(by)


def choose(rows):
    best = max(((score(rows, (bf, ba)), -abs(bf) - abs(ba), (bf, ba)) for bf in GRID for ba in GRID))
    return best[2], best[0]


def main():
    dev, pred = sys.argv[1], sys.argv[2]
    drows = list(csv.DictReader(open(dev, newline="")))
    prows = list(csv.DictReader(open(pred, newline="")))
    if len(drows) != len(prows):
        raise SystemExit(f"{dev} has {len(drows)} rows, {pred} {len(prows)}: not the same data")
    rows = []
    for d, p in zip(drows, prows):
        if d["text"] != p["text"]:
            raise SystemExit(f"{pred}: rows are not in {dev}'s order")
        rows.append({"source": d["source"], "gold": d["label"], "cluster": d.get("cluster", d["group"]),
                     "p": [float(p[l]) for l in LABELS]})
    half = [[r for r in rows if (hashlib.sha1(r["cluster"].encode()).digest()[0] & 1) == k] for k in (0, 1)]
    for k in (0, 1):
        b, fit = choose(half[k])
        other = half[1 - k]
        print(f"chosen on half {k}: offsets favor {b[0]:+.1f}, against {b[1]:+.1f} "
              f"(fit {100 * fit:.1f}); on half {1 - k}: {100 * score(other, (0, 0)):.1f} -> "
              f"{100 * score(other, b):.1f}")
    b, fit = choose(rows)
    print(f"all of dev: offsets favor {b[0]:+.1f}, against {b[1]:+.1f}: "
          f"{100 * score(rows, (0, 0)):.1f} -> {100 * fit:.1f}")


if __name__ == "__main__":
    main()
