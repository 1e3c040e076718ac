"""A check set of reported speech on the dev side of the claim-disjoint split.

    python models/train/reported_dev.py      # target/stance-split/reported-dev.csv

The same generic frames `train_stance.py --reported` trains on ("critics
denied that T."), put around short dev texts whose claims no training run
saw: 2,000 pairs, half asserting (label kept) and half denying (favor and
against swapped). It measures whether a model follows the frame or only the
content; `stance eval target/stance-split/reported-dev.csv --model DIR`.
"""
import csv
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
import train_stance  # noqa: E402


def main():
    split = common.REPO / "target" / "stance-split"
    rows = common.read_stance(split / "dev.csv")
    out = train_stance.reported(rows, 2000, random.Random(7))
    path = split / "reported-dev.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "target", "label", "source"])
        w.writeheader()
        for r in out:
            frame = "deny" if r["frame"] == "deny" else "assert"
            w.writerow({"text": r["text"], "target": r["target"], "label": r["label"],
                        "source": f"reported-{frame}"})
    print(f"wrote {path}: {len(out)} pairs")


if __name__ == "__main__":
    main()
