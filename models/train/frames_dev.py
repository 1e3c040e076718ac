"""The contrast-frame check of the polarity issue, on the dev side of the
claim-disjoint split.

    python models/train/frames_dev.py      # target/stance-split/frames-dev.csv
    stance eval target/stance-split/frames-dev.csv --model M

Dev claims (no training run saw them) inside the frames of
train_stance.py's FRAME_FAMILIES, labelled by the frame: `frames-trained`
rows use the families `--contrast-frames` trains on, `frames-heldout` the
third no run ever uses (double negation, belief at one remove). A model
that learned polarity scores the held-out families about as well as the
trained ones; one that learned the frames' words does not.
"""
import csv
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
import train_stance as ts  # noqa: E402


def main():
    split = common.REPO / "target" / "stance-split"
    rows = common.read_stance(split / "dev.csv")
    rng = random.Random(9)
    trained = set(ts.FRAME_FAMILIES) - ts.HELD_OUT_FAMILIES
    out = (ts.framed_claims(rows, trained, 1500, rng, "frames-trained")
           + ts.framed_claims(rows, ts.HELD_OUT_FAMILIES, 1500, rng, "frames-heldout"))
    path = split / "frames-dev.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "target", "label", "source"])
        w.writeheader()
        for r in out:
            w.writerow({k: r[k] for k in ("text", "target", "label", "source")})
    print(f"wrote {path}: {len(out)} pairs")


if __name__ == "__main__":
    main()
