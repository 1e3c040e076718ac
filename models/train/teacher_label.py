"""The teacher labels the distillation pool with soft probabilities (the
teacher-and-student issue, item 4), once, resumably.

    python models/train/distil_pool.py                     # target/distil/pool.csv
    python models/train/teacher_label.py --model target/train/teacher1/final --name teacher1 [--limit N]

Writes target/distil/NAME.csv: favor, against, none per pool row, in the
pool's order (row i of one is row i of the other). The pool is shuffled,
so the first N rows are a random sample: `--limit` stops there, and a
later run with a larger limit goes on. Rows are appended a chunk at a
time and flushed; a killed run resumes after the last whole row (a cut
line is dropped). Any cross-encoder folder that transformers loads will
do, so the pipeline can be tried with the shipped MiniLM before the
teacher is ready. The student reads the file with `train_stance.py
--soft`.
"""
import argparse
import csv
import os
import pathlib
import sys
import time

import torch

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
import train_stance  # noqa: E402


def done_rows(path):
    """Whole rows already written (header excluded); a cut last line is
    removed from the file."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        path.write_bytes(data)
    return max(0, data.count(b"\n") - 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="a cross-encoder folder (the trained teacher)")
    ap.add_argument("--name", required=True, help="output: target/distil/NAME.csv")
    ap.add_argument("--pool", default=str(common.REPO / "target" / "distil" / "pool.csv"))
    ap.add_argument("--limit", type=int, default=None, help="label the first N pool rows (default: all)")
    ap.add_argument("--chunk", type=int, default=1024)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    pool = list(csv.DictReader(open(args.pool, encoding="utf-8", newline="")))
    end = min(len(pool), args.limit or len(pool))
    out = pathlib.Path(args.pool).parent / f"{args.name}.csv"
    start = done_rows(out)
    if start >= end:
        print(f"{out}: {start} rows already; nothing to do up to {end}")
        return
    model = train_stance.Model("cross", device, init=args.model)
    new = not out.exists() or start == 0
    f = open(out, "a" if not new else "w", newline="", encoding="utf-8")
    w = csv.writer(f)
    if new:
        w.writerow(train_stance.LABELS)
    t0 = time.time()
    for s in range(start, end, args.chunk):
        rows = pool[s: min(end, s + args.chunk)]
        probs = model.predict([(r["text"], train_stance.hyp(r["target"]), 0) for r in rows], args.max_length)
        w.writerows([[f"{p:.6f}" for p in row] for row in probs])
        f.flush()
        os.fsync(f.fileno())
        n = s + len(rows)
        print(f"{n}/{end} rows, {(n - start) / (time.time() - t0):.1f} pairs/s", flush=True)
    f.close()


if __name__ == "__main__":
    main()
