"""Average the label probabilities of several `stance eval --predictions`
files of the same dev split, row for row, and write the ensemble's
predictions in the same format (text,target,gold,predicted,favor,against,none),
to weigh an ensemble of models without running them together:

    stance eval target/stance-split/dev.csv --model A --predictions a.csv
    stance eval target/stance-split/dev.csv --model B --predictions b.csv
    python models/train/ensemble_preds.py ab.csv a.csv b.csv
    python models/train/paired_bootstrap.py target/stance-split/dev.csv a.csv ab.csv

An ensemble runs every member on every pair, so it costs as many times the
cross-encoder as it has members.
"""
import argparse
import csv

LABELS = ["favor", "against", "none"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("preds", nargs="+")
    args = ap.parse_args()
    runs = [list(csv.DictReader(open(p, encoding="utf-8"))) for p in args.preds]
    for path, rows in zip(args.preds[1:], runs[1:]):
        if len(rows) != len(runs[0]) or any(
            (r["text"], r["target"]) != (s["text"], s["target"]) for r, s in zip(rows, runs[0])
        ):
            ap.error(f"{path}: not the same pairs as {args.preds[0]}, row for row")
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "target", "gold", "predicted"] + LABELS)
        for rows in zip(*runs):
            p = [sum(float(r[lab]) for r in rows) / len(rows) for lab in LABELS]
            best = max(range(len(LABELS)), key=lambda i: p[i])
            w.writerow([rows[0]["text"], rows[0]["target"], rows[0]["gold"], LABELS[best]]
                       + [f"{x:.6f}" for x in p])


if __name__ == "__main__":
    main()
