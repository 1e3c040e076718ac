"""The negation check of the polarity issue, on the dev side of the
claim-disjoint split.

    python models/train/negation_dev.py      # target/stance-split/{polar,negated}-dev.csv
    stance eval target/stance-split/polar-dev.csv --model M --predictions plain.csv
    stance eval target/stance-split/negated-dev.csv --model M --predictions negated.csv
    python models/train/negation_dev.py --consistency plain.csv negated.csv
    python models/train/negation_dev.py --sample 1500   # {polar,negated}-dev-s1500.csv: the same random rows of each

Every favor/against dev pair again, its claim negated by templates that no
training run uses ("It is false that …", "There is no truth to the claim
that …"; `stance negate` and the frames of train_stance.py never write
them) and its gold label swapped; `none` pairs are left out
(`polar-dev.csv` holds the same pairs as they are). With
--consistency: the share of those pairs whose predicted favor/against label
swaps when the claim is negated, and the macro-F1 of each file over its
favor/against gold pairs.
"""
import argparse
import csv
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

HELD_OUT = ["It is false that {c}", "There is no truth to the claim that {c}"]
FLIP = {"favor": "against", "against": "favor"}
# Closed-class first words that lose their capital inside a template.
LOWER = {"the", "a", "an", "this", "that", "these", "those", "there", "it", "we", "they", "some", "most",
         "many", "all", "our", "their", "people", "human", "global", "climate"}


def held_out(claim, rng):
    c = claim.strip().rstrip(".")
    first = c.split()[0] if c.split() else ""
    if first.lower() in LOWER:
        c = c[0].lower() + c[1:]
    return rng.choice(HELD_OUT).format(c=c)


def write():
    split = common.REPO / "target" / "stance-split"
    rows = [r for r in common.read_stance(split / "dev.csv") if r["label"] in FLIP]
    rng = random.Random(5)
    path = split / "negated-dev.csv"
    fields = ["text", "target", "label", "source"]
    with open(path, "w", newline="") as f, open(split / "polar-dev.csv", "w", newline="") as g:
        w, plain = csv.DictWriter(f, fieldnames=fields), csv.DictWriter(g, fieldnames=fields)
        w.writeheader()
        plain.writeheader()
        for r in rows:
            plain.writerow({k: r[k] for k in fields})
            w.writerow({"text": r["text"], "target": held_out(r["target"], rng), "label": FLIP[r["label"]],
                        "source": r["source"]})
    print(f"wrote {path}: {len(rows)} favor/against pairs with held-out negations")


def sample(n):
    """The same seeded random `n` rows of polar-dev.csv and negated-dev.csv,
    in their order, for a check of a slow model (the teacher) in minutes."""
    split = common.REPO / "target" / "stance-split"
    names = ("polar-dev", "negated-dev")
    tables = [common.read_stance(split / f"{name}.csv") for name in names]
    if len(tables[0]) != len(tables[1]) or not tables[0]:
        raise SystemExit("polar-dev.csv and negated-dev.csv differ in length or are empty: run negation_dev.py")
    keep = sorted(random.Random(n).sample(range(len(tables[0])), min(n, len(tables[0]))))
    for name, table in zip(names, tables):
        path = split / f"{name}-s{n}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(table[i] for i in keep)
        print(f"wrote {path}: {len(keep)} rows")


def macro_f1(pairs):
    f = []
    for c in ("favor", "against"):
        tp = sum(1 for p, g in pairs if p == c and g == c)
        fp = sum(1 for p, g in pairs if p == c and g != c)
        fn = sum(1 for p, g in pairs if p != c and g == c)
        f.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return 100 * sum(f) / 2


def consistency(plain_path, negated_path):
    plain = [r for r in common.read_stance(plain_path) if r["gold"] in FLIP]
    neg = common.read_stance(negated_path)
    if len(plain) != len(neg):
        raise SystemExit(f"{plain_path} has {len(plain)} favor/against rows, {negated_path} {len(neg)}: "
                         "score polar-dev.csv and negated-dev.csv")
    swapped = sum(1 for p, n in zip(plain, neg) if p["predicted"] in FLIP and n["predicted"] == FLIP[p["predicted"]])
    print(f"pairs {len(plain)}; predicted label swapped on negation: {100 * swapped / len(plain):.1f}%")
    print(f"macro-F1 (favor/against gold): plain {macro_f1([(r['predicted'], r['gold']) for r in plain]):.1f}, "
          f"negated {macro_f1([(r['predicted'], r['gold']) for r in neg]):.1f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--consistency", nargs=2, metavar=("PLAIN", "NEGATED"),
                    help="two `stance eval --predictions` files: polar-dev.csv's and negated-dev.csv's")
    ap.add_argument("--sample", type=int, metavar="N",
                    help="write the same seeded N rows of both files as {polar,negated}-dev-sN.csv")
    args = ap.parse_args()
    if args.consistency:
        consistency(*args.consistency)
    elif args.sample:
        sample(args.sample)
    else:
        write()


if __name__ == "__main__":
    main()
