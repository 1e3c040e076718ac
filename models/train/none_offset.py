"""Could a bias toward `none` alone meet the polarity issue's bar for
on-topic sentences without a side (at most 25% read as favor or against)
without costing the dev mean? From prediction files already written by
polarity_checks.sh, no model run:

    python3 models/train/none_offset.py ce9

For each offset d, `none`'s probability is multiplied by e^d (d added to
its logit) before the argmax; prints the dev mean macro-F1 over the 8
sources (as stance eval computes it) and the share of UKP no-argument and
FNC-1 discuss sentences read as favor or against.
"""
import collections
import csv
import math
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
LABELS = ("favor", "against", "none")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def predict(p, d):
    s = {k: float(p[k]) for k in LABELS}
    s["none"] *= math.exp(d)
    return max(LABELS, key=s.get)


def macro_f1(pairs):
    f = []
    for c in sorted({g for _, g in pairs}):
        tp = sum(1 for p, g in pairs if p == c and g == c)
        fp = sum(1 for p, g in pairs if p == c and g != c)
        fn = sum(1 for p, g in pairs if p != c and g == c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f) / len(f)


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "ce9"
    split, ev = REPO / "target" / "stance-split", REPO / "target" / "eval"
    dev, dev_p = read(split / "dev.csv"), read(ev / f"{name}-dev.csv")
    on, on_p = read(split / "on-topic-none-dev.csv"), read(ev / f"{name}-on-topic-none-dev.csv")
    if len(dev) != len(dev_p) or len(on) != len(on_p):
        sys.exit("the prediction files do not match the split: run polarity_checks.sh again")
    print("| offset | dev mean | UKP no-argument read as a side | FNC-1 discuss read as a side |")
    print("| --- | --- | --- | --- |")
    for d in (0, 0.5, 1.0, 1.5, 2.0, 3.0):
        by = collections.defaultdict(list)
        for r, p in zip(dev, dev_p):
            by[r["source"]].append((predict(p, d), r["label"]))
        mean = 100 * sum(macro_f1(v) for v in by.values()) / len(by)
        n, side = collections.Counter(), collections.Counter()
        for r, p in zip(on, on_p):
            n[r["source"]] += 1
            side[r["source"]] += predict(p, d) != "none"
        print(f"| {d} | {mean:.1f} | {100 * side['ukp-no-argument'] / n['ukp-no-argument']:.1f}% "
              f"| {100 * side['fnc1-discuss'] / n['fnc1-discuss']:.1f}% |")


if __name__ == "__main__":
    main()
