"""Throughput of Pipeline.run against `stance run`, side by side.

    python bindings/python/bench.py [--stance target/release/stance] [--threads 2] [--rounds 5]

Input: 512 sentences of datasets/stance-dev.csv and stance-train.csv, as
64 articles of 8 one-sentence paragraphs (an archive for the command
line, a list for Python). Each round times, in turn:

- `stance run ARCHIVE` (512 sentences) and `stance run ONE` (one
  sentence): the difference is the command's time for the 512 sentences
  without starting the process and loading the model, which a Pipeline
  does once;
- `Pipeline.run(texts)` on the same 512 sentences, with the model loaded
  before.

Both run candle in fp32 with the same threads. Prints the medians and the
ratio of Python's throughput to the command line's.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import stance


def sentences(root, n):
    out = []
    for name in ("stance-dev.csv", "stance-train.csv"):
        with open(os.path.join(root, "datasets", name), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["text"] not in out:
                    out.append(r["text"])
    if len(out) < n:
        sys.exit(f"only {len(out)} distinct sentences")
    return out[:n]


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", ".."))
    ap.add_argument("--stance", default=os.path.join(root, "target", "release", "stance"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()

    sents = sentences(root, 512)
    texts = ["\n\n".join(sents[i : i + 8]) + "\n" for i in range(0, 512, 8)]
    tmp = tempfile.mkdtemp()
    archive = os.path.join(tmp, "bench.jsonl")
    with open(archive, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": t}) + "\n")
    one = os.path.join(tmp, "one.txt")
    with open(one, "w", encoding="utf-8") as f:
        f.write(sents[0] + "\n")

    flags = ["--threads", str(a.threads), "--backend", "candle", "--precision", "fp32", "--quiet", "--overwrite", "--cache", "0"]

    def cli(path):
        t = time.perf_counter()
        subprocess.run([a.stance, "run", path, "--out", os.path.join(tmp, "out")] + flags, check=True)
        return time.perf_counter() - t

    p = stance.Pipeline(threads=a.threads, backend="candle", precision="fp32", cache=0)
    rows = p.run(texts[:2])  # warm up
    cli(one)
    net, py = [], []
    for _ in range(a.rounds):
        full = cli(archive)
        fixed = cli(one)
        net.append(full - fixed)
        t = time.perf_counter()
        rows = p.run(texts)
        py.append(time.perf_counter() - t)
    n = rows.num_rows
    cli_s, py_s = statistics.median(net), statistics.median(py)
    print(f"{n} rows ({len(sents)} sentences, {len(texts)} articles), {a.threads} threads, candle fp32, {a.rounds} rounds")
    print(f"stance run (minus process start and model load): {cli_s:.2f} s, {n / cli_s:.0f} sentences/s")
    print(f"Pipeline.run:                                   {py_s:.2f} s, {n / py_s:.0f} sentences/s")
    print(f"Python / command line throughput: {cli_s / py_s:.3f}")
    print("per round (net cli, python):", [(round(c, 2), round(q, 2)) for c, q in zip(net, py)])


if __name__ == "__main__":
    main()
