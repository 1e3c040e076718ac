"""How far a teacher's soft labels of the pool agree with the gold labels
where the pool has them (distil_pool.py's `own` rows: a training text
with its own claim), by source. Rows a gate decided (0, 0, 1) and rows
left unlabelled are skipped.

    python models/train/soft_vs_gold.py [NAME]     # target/distil/NAME.csv, default teacher2g

Where the teacher's argmax is the gold label, its soft row mostly echoes
a gold row the student has anyway; where it is not, the two pull apart.

    python models/train/soft_vs_gold.py NAME --sample 2000 OUT.csv
    stance eval OUT.csv --model STUDENT --precision fp32

With `--sample N OUT.csv` it also writes N of the teacher's soft rows
(any kind, drawn with a fixed seed) as a pair file labelled with the
teacher's argmax. `stance eval` on it tells how closely a model follows
the teacher on rows it was trained on: a student that agrees with its
teacher little more often than its starting point does has not fitted
the soft labels.

    python models/train/soft_vs_gold.py teacher3g --versus teacher2g

With `--versus OTHER` it also compares two teachers' labels of the same
pool rows: how many each leans on, and how often their argmax is the
same, over the rows both teachers themselves labelled.
"""
import argparse
import collections
import csv
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from train_stance import LABELS, argmax_label, teacher_probs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", nargs="?", default="teacher2g")
    ap.add_argument("--sample", nargs=2, metavar=("N", "OUT"), default=None,
                    help="also write N random soft rows, labelled by the teacher's argmax, to OUT")
    ap.add_argument("--seed", type=int, default=5, help="with --sample: the draw's seed")
    ap.add_argument("--versus", default=None, metavar="OTHER",
                    help="also compare with target/distil/OTHER.csv on the rows both labelled")
    args = ap.parse_args()
    split = common.REPO / "target" / "stance-split"
    base = common.REPO / "target" / "distil"
    gold = {(r["text"], r["target"]): r["label"]
            for name in ("train.csv", "new-train.csv") for r in common.read_stance(split / name)}
    pool = list(csv.DictReader(open(base / "pool.csv", encoding="utf-8", newline="")))
    probs = common.read_whole_rows(base / f"{args.name}.csv")
    n, agree, p_gold = collections.Counter(), collections.Counter(), collections.Counter()
    for r, p in zip(pool, probs):
        v = teacher_probs(p, drop_gated=True) if r["kind"] == "own" else None
        g = gold.get((r["text"], r["target"]))
        if v is None or g is None:
            continue
        s = r["source"]
        n[s] += 1
        agree[s] += argmax_label(v) == g
        p_gold[s] += v[LABELS.index(g)]
    print(f"{args.name} on the pool's own rows (the teacher's, not a gate's): source, rows, "
          f"argmax = gold, mean probability of the gold label")
    for s in sorted(n):
        print(f"{s:18} {n[s]:6} {100 * agree[s] / n[s]:5.1f}% {p_gold[s] / n[s]:.2f}")
    t = sum(n.values())
    print(f"{'all':18} {t:6} {100 * sum(agree.values()) / t:5.1f}% {sum(p_gold.values()) / t:.2f}")
    if args.sample:
        write_sample(pool, probs, int(args.sample[0]), args.sample[1], args.seed)
    if args.versus:
        versus(args.name, probs, args.versus, common.read_whole_rows(base / f"{args.versus}.csv"))


def versus(name, probs, other, other_probs):
    """Two teachers' argmax over the pool rows both labelled themselves."""
    counts = {name: collections.Counter(), other: collections.Counter()}
    same = both = 0
    for p, q in zip(probs, other_probs):
        v, w = teacher_probs(p, drop_gated=True), teacher_probs(q, drop_gated=True)
        if v is None or w is None:
            continue
        a, b = argmax_label(v), argmax_label(w)
        counts[name][a] += 1
        counts[other][b] += 1
        both += 1
        same += a == b
    print(f"{both} rows both teachers labelled: argmax the same on {same} ({100 * same / max(both, 1):.1f}%)")
    for n, c in counts.items():
        print(f"{n:12} " + ", ".join(f"{label} {c[label]}" for label in LABELS))


def write_sample(pool, probs, n, out, seed):
    """N of the teacher's own soft rows (not a gate's, not unlabelled) as
    a stance eval pair file: text, target, label (the teacher's argmax),
    source, kind."""
    soft = [(r, v) for r, p in zip(pool, probs) if (v := teacher_probs(p, drop_gated=True)) is not None]
    if n > len(soft):
        sys.exit(f"--sample {n}: only {len(soft)} soft rows")
    rows = random.Random(seed).sample(soft, n)
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "target", "label", "source", "kind"])
        for r, v in rows:
            w.writerow([r["text"], r["target"], argmax_label(v), r["source"], r["kind"]])
    print(f"{out}: {n} of {len(soft)} soft rows, labelled by the teacher's argmax")


if __name__ == "__main__":
    main()
