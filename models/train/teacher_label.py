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

With `--stance BIN` the chunks go through `stance eval --predictions`
(candle, which runs MPNet since 0.17.0) instead of PyTorch: on an AMD
EPYC core pair the teacher labels about 1.5 times as fast that way (the
figures and their command are in models/train/README.md). The
probabilities agree with PyTorch's to about 1e-6 in fp32 where the pair
fits --max-length; stance cuts pairs at the model's 512 tokens instead.

With `--sources a,b` only rows of those pool sources are labelled; the
others get an empty line, so that row i still labels pool row i, and the
student skips them. It aims the teacher where it leads the shipped model
(models/train/README.md has the per-source figures), for example after
an unfiltered prefix: `--sources perspectrum,argkp --limit 290732` goes
on from where the last run stopped. Empty rows stay empty: a later run
only appends.

With `--like NAME` only the rows that target/distil/NAME.csv labelled
and its gate left to the teacher are labelled (not empty, not exactly
0, 0, 1); the rest get empty lines. A new teacher behind the same gate
then labels what a student with `--soft-drop-gated` reads, in one run,
without the gate's rows: `--like teacher2g`.
"""
import argparse
import csv
import os
import pathlib
import subprocess
import sys
import tempfile
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


def stance_predict(stance, model, rows, threads, precision):
    """The probabilities of `rows` from `stance eval --predictions`, in
    their order, each in train_stance.LABELS' order (read by column
    name); stance builds the hypothesis `{claim}.` as train_stance.hyp
    does."""
    with tempfile.TemporaryDirectory() as tmp:
        data, pred = os.path.join(tmp, "chunk.csv"), os.path.join(tmp, "pred.csv")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "target", "label"])
            w.writerows([[r["text"], r["target"], "none"] for r in rows])
        cmd = [stance, "eval", data, "--model", model, "--threads", str(threads), "--precision", precision,
               "--predictions", pred, "--out", os.path.join(tmp, "metrics.json")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
        out = list(csv.DictReader(open(pred, encoding="utf-8", newline="")))
    if len(out) != len(rows):
        sys.exit(f"stance eval gave {len(out)} predictions for {len(rows)} rows")
    return [[float(p[k]) for k in train_stance.LABELS] for p in out]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="a cross-encoder folder (the trained teacher)")
    ap.add_argument("--name", required=True, help="output: target/distil/NAME.csv")
    ap.add_argument("--pool", default=str(common.REPO / "target" / "distil" / "pool.csv"))
    ap.add_argument("--limit", type=int, default=None, help="label the first N pool rows (default: all)")
    ap.add_argument("--chunk", type=int, default=1024)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--stance", default=None,
                    help="a stance binary: label through `stance eval` (candle) instead of PyTorch")
    ap.add_argument("--precision", default="fp32", help="with --stance: fp32 (default) or bf16")
    ap.add_argument("--sources", default=None, metavar="A,B",
                    help="label only pool rows of these sources (the pool's source column); "
                         "the rest get empty lines")
    ap.add_argument("--like", default=None, metavar="NAME",
                    help="label only the rows that target/distil/NAME.csv labelled and no gate decided "
                         "(not 0, 0, 1); the rest get empty lines")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    pool = list(csv.DictReader(open(args.pool, encoding="utf-8", newline="")))
    end = min(len(pool), args.limit or len(pool))
    wanted = None
    if args.sources:
        wanted = set(args.sources.split(","))
        unknown = wanted - {r["source"] for r in pool}
        if unknown:
            sys.exit(f"--sources: {', '.join(sorted(unknown))} not in {args.pool}'s source column")
    out = pathlib.Path(args.pool).parent / f"{args.name}.csv"
    like = None
    if args.like:
        like_path = pathlib.Path(args.pool).parent / f"{args.like}.csv"
        if like_path == out:
            sys.exit(f"--like {args.like}: that is the file being written; name another")
        if not like_path.exists():
            sys.exit(f"--like {args.like}: {like_path} is missing (label the pool with --name {args.like}, "
                     f"or unpack it with pack_labels.py unpack {args.like})")
        like = [train_stance.teacher_probs(r, drop_gated=True) is not None
                for r in common.read_whole_rows(like_path)]
        if len(like) < end:
            print(f"--like {args.like}: it has {len(like)} rows, so rows past those are left empty", flush=True)
    start = done_rows(out)
    if start >= end:
        print(f"{out}: {start} rows already; nothing to do up to {end}")
        return
    model = None if args.stance else train_stance.Model("cross", device, init=args.model)
    new = not out.exists() or start == 0
    f = open(out, "a" if not new else "w", newline="", encoding="utf-8")
    w = csv.writer(f)
    if new:
        w.writerow(train_stance.LABELS)
    t0 = time.time()
    scored = 0
    for s in range(start, end, args.chunk):
        chunk = pool[s: min(end, s + args.chunk)]
        keep = [(wanted is None or r["source"] in wanted) and (like is None or (i < len(like) and like[i]))
                for i, r in enumerate(chunk, s)]
        rows = [r for r, k in zip(chunk, keep) if k]
        if not rows:
            probs = []
        elif args.stance:
            probs = stance_predict(args.stance, args.model, rows, args.threads, args.precision)
        else:
            probs = model.predict([(r["text"], train_stance.hyp(r["target"]), 0) for r in rows], args.max_length)
        it = iter(probs)
        w.writerows([[f"{p:.6f}" for p in next(it)] if k else ["", "", ""] for k in keep])
        f.flush()
        os.fsync(f.fileno())
        n = s + len(chunk)
        scored += len(rows)
        print(f"{n}/{end} rows, {scored / (time.time() - t0):.1f} pairs/s labelled", flush=True)
    f.close()


if __name__ == "__main__":
    main()
