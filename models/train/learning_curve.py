"""The learning curve of `stance train` on sources of the dev split, each
treated as a user's own data (issue #31, item 7).

    python3 models/train/learning_curve.py [--stance target/release/stance]
        [--sources fnc1,arc,argkp,perspectrum] [--sizes 50,100,200,400]
        [--seeds 1,2,3] [--methods head,cross-head,cross-head+unlabelled,top-layers]
        [--pickings random,to-label] [--out target/curve]

Per source (rows of target/stance-split/dev.csv, made by stance_data.py):
a seeded shuffle holds out up to 1,000 rows as the test set; the rest is
the pool labels are drawn from. The pool is capped at 3,000 rows. The
shipped default scores the test set once (zero-shot) and the pool once
(its margins: top probability less the second). Then, per seed, size and
way of picking:

- `random`: `size` rows of the pool, by a seeded shuffle;
- `to-label`: of a seeded three-quarters of the pool, the `size` rows
  the default is least sure of (smallest margin, each text once), the
  rule of `stance run --to-label`.

`stance train PICKS --method M` trains on them (`head` with `--gate
off`; `cross-head+unlabelled` is `cross-head` with `--unlabelled POOL`,
the pool's texts without their labels, as a user has a run's
sentences.csv; `top-layers+unlabelled` likewise) and `stance eval TEST`
measures macro-F1 on the held-out rows. A cross-head or top-layers folder
that kept the shipped weights (its refit did not beat them with
confidence) has the default's weights byte for byte, so it gets the
zero-shot figure without measuring again. Results are appended
to OUT/results.jsonl as they come, and a run goes on from there: the whole
curve is hours of CPU. At the end OUT/curve.md holds the table: the
median over seeds, with the range, per source, size and picking, beside
the zero-shot default and the majority class.
"""

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path, rows, cols=("text", "target", "label")):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(cols), extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
    return r


def macro_f1(stance, data, model=None, out=None, predictions=None):
    cmd = [stance, "eval", data, "--out", out]
    if model:
        cmd += ["--model", model]
    if predictions:
        cmd += ["--predictions", predictions]
    run(cmd)
    with open(out) as f:
        return json.load(f)["macro_f1"]


def majority_f1(test):
    """Macro-F1 of always answering the commonest label, over the labels
    the test set has (what stance eval reports as the majority)."""
    counts = Counter(r["label"] for r in test)
    top = counts.most_common(1)[0][0]
    n = len(test)
    p = counts[top] / n
    f1_top = 2 * p / (1 + p)
    return f1_top / len(counts)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stance", default=os.path.join(ROOT, "target", "release", "stance"))
    ap.add_argument("--data", default=os.path.join(ROOT, "target", "stance-split", "dev.csv"))
    ap.add_argument("--sources", default="fnc1,arc,argkp,perspectrum")
    ap.add_argument("--sizes", default="50,100,200,400")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--methods", default="head")
    ap.add_argument("--pickings", default="random,to-label")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "curve"))
    ap.add_argument("--table-only", action="store_true",
                    help="write OUT/curve.md from the results so far, running nothing")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    results_path = os.path.join(a.out, "results.jsonl")
    done = {}
    if os.path.exists(results_path):
        for line in open(results_path):
            r = json.loads(line)
            done[r["key"]] = r

    def record(r):
        done[r["key"]] = r
        with open(results_path, "a") as f:
            f.write(json.dumps(r) + "\n")

    if a.table_only:
        table(a, done)
        return
    rows = read(a.data)
    sizes = [int(s) for s in a.sizes.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    for source in a.sources.split(","):
        mine = [r for r in rows if r["source"] == source]
        random.Random(0).shuffle(mine)
        n_test = min(1000, len(mine) // 2)
        test, pool = mine[:n_test], mine[n_test:][:3000]
        sdir = os.path.join(a.out, source)
        os.makedirs(sdir, exist_ok=True)
        test_csv, pool_csv = os.path.join(sdir, "test.csv"), os.path.join(sdir, "pool.csv")
        write(test_csv, test)
        write(pool_csv, pool)
        key = f"{source}/zero-shot"
        if key not in done:
            f1 = macro_f1(a.stance, test_csv, out=os.path.join(sdir, "zero.json"))
            record({"key": key, "source": source, "macro_f1": f1, "majority": majority_f1(test), "test": len(test), "pool": len(pool)})
        preds = os.path.join(sdir, "pool-predictions.csv")
        if not os.path.exists(preds):
            macro_f1(a.stance, pool_csv, out=os.path.join(sdir, "pool.json"), predictions=preds + ".part")
            os.replace(preds + ".part", preds)
        margins = []
        for p in read(preds):
            probs = sorted(float(p[k]) for k in ("favor", "against", "none"))
            margins.append(probs[2] - probs[1])
        for seed in seeds:
            for size in sizes:
                for picking in a.pickings.split(","):
                    for method in a.methods.split(","):
                        key = f"{source}/{method}/{picking}/{size}/{seed}"
                        if key in done:
                            continue
                        rng = random.Random(seed)
                        idx = list(range(len(pool)))
                        rng.shuffle(idx)
                        if picking == "random":
                            picked = idx[:size]
                        else:
                            part = sorted(idx[: (3 * len(idx)) // 4], key=lambda i: (margins[i], i))
                            seen, picked = set(), []
                            for i in part:
                                t = (pool[i]["text"], pool[i]["target"])
                                if t not in seen:
                                    seen.add(t)
                                    picked.append(i)
                                if len(picked) == size:
                                    break
                        picks = [pool[i] for i in picked]
                        labels = Counter(r["label"] for r in picks)
                        result = {"key": key, "source": source, "method": method, "picking": picking, "size": size, "seed": seed, "labels": dict(labels)}
                        if len(labels) < 2:
                            result["macro_f1"] = None
                            record(result)
                            continue
                        # One folder per method, so that runs of two
                        # methods can go side by side.
                        wdir = os.path.join(sdir, f"run-{method}")
                        train_csv = os.path.join(sdir, f"picks-{method}.csv")
                        write(train_csv, picks)
                        # `cross-head+unlabelled`: cross-head held to the
                        # default's answers on the pool's unlabelled texts
                        # (what a user has: the run's sentences.csv).
                        base_method = method.split("+")[0]
                        cmd = [a.stance, "train", train_csv, "--out", wdir, "--force", "--no-onnx", "--method", base_method]
                        if method.endswith("+unlabelled"):
                            cmd += ["--unlabelled", pool_csv]
                        if method in ("head", "setfit"):
                            # Without --dev, head's gate is off anyway; a
                            # cross-head folder keeps the default's gate.
                            cmd += ["--gate", "off"]
                        run(cmd)
                        trained = os.path.join(wdir, "trained.json")
                        info = json.load(open(trained)) if os.path.exists(trained) else {}
                        if (base_method == "cross-head" and info["penalty"] is None) or (
                            base_method == "top-layers" and info["used"] == "shipped"
                        ):
                            # The refit (or fine-tuning) did not beat the
                            # shipped model with confidence, so the folder's
                            # weights are the default's byte for byte: its
                            # figure is the zero-shot one, no need to
                            # measure again.
                            result["macro_f1"] = done[f"{source}/zero-shot"]["macro_f1"]
                            result["kept_shipped"] = True
                        else:
                            result["macro_f1"] = macro_f1(a.stance, test_csv, model=wdir, out=os.path.join(sdir, f"run-{method}.json"))
                        record(result)
                        print(key, round(result["macro_f1"], 4), flush=True)
    table(a, done)


def table(a, done):
    sizes = [int(s) for s in a.sizes.split(",")]
    sources = a.sources.split(",")
    lines = [
        "| source | test rows | majority | zero-shot | picking | " + " | ".join(f"{s} labels" for s in sizes) + " |",
        "| --- | --- | --- | --- | --- | " + " | ".join("---" for _ in sizes) + " |",
    ]
    means = {}
    for source in sources:
        z = done.get(f"{source}/zero-shot")
        if not z:
            continue
        for method in a.methods.split(","):
            for picking in ("random", "to-label"):
                cells = []
                for size in sizes:
                    vals = [r["macro_f1"] for r in done.values() if r.get("source") == source and r.get("method") == method and r.get("picking") == picking and r.get("size") == size and r.get("macro_f1") is not None]
                    if not vals:
                        cells.append("")
                        continue
                    med = statistics.median(vals)
                    means.setdefault((method, picking, size), []).append(med)
                    rng = f" [{100 * min(vals):.1f}–{100 * max(vals):.1f}]" if len(vals) > 1 else " (1 seed)"
                    cells.append(f"{100 * med:.1f}{rng}")
                lines.append(f"| {source} | {z['test']} | {100 * z['majority']:.1f} | {100 * z['macro_f1']:.1f} | {method}, {picking} | " + " | ".join(cells) + " |")
    zs = [done[f"{s}/zero-shot"]["macro_f1"] for s in sources if f"{s}/zero-shot" in done]
    maj = [done[f"{s}/zero-shot"]["majority"] for s in sources if f"{s}/zero-shot" in done]
    for method in a.methods.split(","):
        for picking in ("random", "to-label"):
            cells = []
            for size in sizes:
                v = means.get((method, picking, size), [])
                cells.append(f"{100 * statistics.mean(v):.1f}" if len(v) == len(zs) and v else "")
            if zs:
                lines.append(f"| **mean** | | {100 * statistics.mean(maj):.1f} | {100 * statistics.mean(zs):.1f} | {method}, {picking} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(a.out, "curve.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
