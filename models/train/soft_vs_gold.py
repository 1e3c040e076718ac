"""How far a teacher's soft labels of the pool agree with the gold labels
where the pool has them (distil_pool.py's `own` rows: a training text
with its own claim), by source. Rows a gate decided (0, 0, 1) and rows
left unlabelled are skipped.

    python models/train/soft_vs_gold.py [NAME]     # target/distil/NAME.csv, default teacher2g

Where the teacher's argmax is the gold label, its soft row mostly echoes
a gold row the student has anyway; where it is not, the two pull apart.
"""
import argparse
import collections
import csv
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from train_stance import GATED, LABELS, teacher_probs  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", nargs="?", default="teacher2g")
    args = ap.parse_args()
    split = common.REPO / "target" / "stance-split"
    base = common.REPO / "target" / "distil"
    gold = {(r["text"], r["target"]): r["label"]
            for name in ("train.csv", "new-train.csv") for r in common.read_stance(split / name)}
    pool = list(csv.DictReader(open(base / "pool.csv", encoding="utf-8", newline="")))
    probs = common.read_whole_rows(base / f"{args.name}.csv")
    n, agree, p_gold = collections.Counter(), collections.Counter(), collections.Counter()
    for r, p in zip(pool, probs):
        v = teacher_probs(p) if r["kind"] == "own" else None
        g = gold.get((r["text"], r["target"]))
        if v in (None, GATED) or g is None:
            continue
        s = r["source"]
        n[s] += 1
        agree[s] += LABELS[v.index(max(v))] == g
        p_gold[s] += v[LABELS.index(g)]
    print(f"{args.name} on the pool's own rows (the teacher's, not a gate's): source, rows, "
          f"argmax = gold, mean probability of the gold label")
    for s in sorted(n):
        print(f"{s:18} {n[s]:6} {100 * agree[s] / n[s]:5.1f}% {p_gold[s] / n[s]:.2f}")
    t = sum(n.values())
    print(f"{'all':18} {t:6} {100 * sum(agree.values()) / t:5.1f}% {sum(p_gold.values()) / t:.2f}")


if __name__ == "__main__":
    main()
