"""Symmetric scoring on the dev checks of the polarity issue: each pair
scored against its claim and against the claim negated by `stance negate`,
the second's favor and against swapped, the two averaged. Is it worth
offering as an option of `stance run`, and for which model?

    python models/train/symmetric_dev.py --write            # target/sym/{dev,polar-dev,negated-dev,on-topic-none-dev}-neg.csv
    stance eval target/sym/F-neg.csv --model M --precision fp32 --predictions target/sym/NAME-F-neg.pred.csv
    python models/train/symmetric_dev.py NAME               # after polarity_checks.sh NAME:M

The plain predictions are polarity_checks.sh's (target/eval/NAME-F.csv).
Prints, plain and symmetric: the dev mean macro-F1 (over the labels present
per source, as `stance eval`), the share of favor/against dev pairs whose
label swaps when the claim is negated by the held-out wordings
(negation_dev.py), and the share of on-topic no-stance pairs read as a side.
"""
import argparse
import collections
import csv
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

FILES = ["dev", "polar-dev", "negated-dev", "on-topic-none-dev"]
FLIP = {"favor": "against", "against": "favor"}
LABELS = ["favor", "against", "none"]


def write():
    split, out = common.REPO / "target" / "stance-split", common.REPO / "target" / "sym"
    out.mkdir(parents=True, exist_ok=True)
    data = {f: common.read_stance(split / f"{f}.csv") for f in FILES}
    claims = sorted({r["target"].strip() for rows in data.values() for r in rows if r["target"].strip()})
    neg = common.negations(claims)
    for f, rows in data.items():
        with open(out / f"{f}-neg.csv", "w", newline="", encoding="utf-8") as g:
            w = csv.DictWriter(g, fieldnames=["text", "target", "label", "source"])
            w.writeheader()
            for r in rows:
                w.writerow({"text": r["text"], "target": neg[r["target"].strip()],
                            "label": FLIP.get(r["label"], r["label"]), "source": r["source"]})
        print(f"wrote {out / f'{f}-neg.csv'}: {len(rows)} pairs")


def label(p):
    """`stance`'s rule: the most probable, ties to the earlier label."""
    f, a, n = p
    return "favor" if f >= a and f >= n else "against" if a >= n else "none"


def probs(path):
    return [(float(r["favor"]), float(r["against"]), float(r["none"]))
            for r in csv.DictReader(open(path, encoding="utf-8"))]


def symmetric(plain, neg):
    return [((f + a2) / 2, (a + f2) / 2, (n + n2) / 2) for (f, a, n), (f2, a2, n2) in zip(plain, neg)]


def macro_f1(pairs):
    gold = {g for _, g in pairs}
    f1 = []
    for c in LABELS:
        if c not in gold:
            continue
        tp = sum(p == c == g for p, g in pairs)
        fp = sum(p == c != g for p, g in pairs)
        fn = sum(g == c != p for p, g in pairs)
        f1.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * sum(f1) / len(f1)


def report(name):
    split, ev, sym = (common.REPO / "target" / d for d in ("stance-split", "eval", "sym"))
    gold = {f: common.read_stance(split / f"{f}.csv") for f in FILES}
    out = {}
    for kind in ("plain", "symmetric"):
        pred = {}
        for f in FILES:
            p = probs(ev / f"{name}-{f}.csv")
            if kind == "symmetric":
                p = symmetric(p, probs(sym / f"{name}-{f}-neg.pred.csv"))
            pred[f] = [label(x) for x in p]
        by = collections.defaultdict(list)
        for r, p in zip(gold["dev"], pred["dev"]):
            by[r["source"]].append((p, r["label"]))
        per = {s: macro_f1(v) for s, v in sorted(by.items())}
        swapped = sum(1 for a, b in zip(pred["polar-dev"], pred["negated-dev"]) if a in FLIP and b == FLIP[a])
        side = collections.Counter()
        n = collections.Counter()
        for r, p in zip(gold["on-topic-none-dev"], pred["on-topic-none-dev"]):
            n[r["source"]] += 1
            side[r["source"]] += p != "none"
        out[kind] = (per, swapped / len(pred["polar-dev"]), {s: side[s] / n[s] for s in n})
    print(f"| {name} | dev mean | " + " | ".join(out["plain"][0]) + " | negation swap | "
          + " | ".join(f"{s} read as a side" for s in out["plain"][2]) + " |")
    for kind, (per, swap, side) in out.items():
        print(f"| {kind} | {sum(per.values()) / len(per):.1f} | " + " | ".join(f"{v:.1f}" for v in per.values())
              + f" | {100 * swap:.1f}% | " + " | ".join(f"{100 * v:.1f}%" for v in side.values()) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", nargs="?")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.write:
        write()
    if args.name:
        report(args.name)
    if not (args.write or args.name):
        ap.error("give --write, or a NAME whose predictions are in target/eval and target/sym")


if __name__ == "__main__":
    main()
