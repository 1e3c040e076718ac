"""How far a student's dev predictions moved from where it started
towards its teacher: the pairs on which it changes the base model's
label, and of the pairs the teacher gets right and the base model wrong,
how many the student gets right.

    python models/train/follows_teacher.py target/eval/ce9-dev.csv \
        target/eval/teacher3g-dev.csv target/eval/ds4-dev.csv

Each file is `stance eval --predictions` output on the same pair file
(target/stance-split/dev.csv by default, `--gold` to change it), row for
row.
"""
import argparse
import collections
import csv

from paired_bootstrap import predictions_of


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base")
    ap.add_argument("teacher")
    ap.add_argument("student")
    ap.add_argument("--gold", default="target/stance-split/dev.csv")
    args = ap.parse_args()
    with open(args.gold, encoding="utf-8", newline="") as f:
        dev = list(csv.DictReader(f))
    try:
        base, teacher, student = (predictions_of(p, dev, args.gold)
                                  for p in (args.base, args.teacher, args.student))
    except ValueError as e:
        ap.error(str(e))
    gold = [d["label"] for d in dev]
    n = len(gold)
    print(f"{n} pairs")
    for name, p in (("teacher", teacher), ("student", student)):
        moved = sum(a != b for a, b in zip(base, p))
        print(f"{name} changes the base model's label on {moved} ({100 * moved / n:.1f}%)")
    cells = collections.Counter()
    for g, b, t, s in zip(gold, base, teacher, student):
        cells[b == g, t == g] += 1
        cells[b == g, t == g, "student"] += s == g
    for b_ok, t_ok, what in ((False, True, "the teacher right, the base model wrong"),
                             (True, False, "the base model right, the teacher wrong"),
                             (False, False, "both wrong"), (True, True, "both right")):
        k = cells[b_ok, t_ok]
        s = cells[b_ok, t_ok, "student"]
        print(f"{what}: {k} pairs, the student right on {s} ({100 * s / max(k, 1):.1f}%)")


if __name__ == "__main__":
    main()
