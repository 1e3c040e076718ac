"""The unlabelled pool of the distillation (the teacher-and-student issue,
item 4): (sentence, claim) pairs for the teacher to label with soft
probabilities, from material with no test split in it.

    python models/train/distil_pool.py [--out target/distil/pool.csv] [--seed 41]

- PolNeAR *train* articles (`../shared/data/polnear/train/text`), split
  into sentences: each with the default claim and with two claims drawn
  from the train split. News sentences against our own claim are what
  the tool reads most, and where the shipped model leans off topic.
- The train split's texts (`target/stance-split/train.csv`, the FNC-1
  and ARC bodies' sentences, Perspectrum, ArgKP, ...) and the new sets'
  train rows (`new-train.csv`: UKP, P-Stance, Nixon-Kennedy), each with
  its own claim, with another claim of its cluster (same topic, another
  proposition: where "mentions" and "supports" part) and with a claim of
  another cluster.

Nothing from the dev side (dev.csv, new-dev.csv, PolNeAR dev) enters the
pool: the student is chosen on dev, and PolNeAR dev is the off-topic
check. Columns: text, target, kind (`own`, `cluster`, `random`,
`default`), source. Pairs are unique; the order is shuffled by `--seed`.
"""
import argparse
import collections
import csv
import pathlib
import random
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

DEFAULT_CLAIM = "Russia interfered in the 2016 US election"
# A sentence ends at . ! or ? (and a closing quote), before a space and a
# capital or an opening quote. Good enough for a pool; stance's own
# segmenter is in Rust.
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019]))\s+(?=[\"'\u201c\u2018(]?[A-Z])")


def sentences(text):
    out = []
    for para in re.split(r"\n\s*\n", text):
        for s in SENTENCE_END.split(" ".join(para.split())):
            if 5 <= len(s.split()) <= 80:
                out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(common.REPO / "target" / "distil" / "pool.csv"))
    ap.add_argument("--polnear", default=str(common.REPO.parent / "shared" / "data" / "polnear" / "train" / "text"))
    ap.add_argument("--seed", type=int, default=41)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    split = common.REPO / "target" / "stance-split"
    rows = common.read_stance(split / "train.csv") + common.read_stance(split / "new-train.csv")
    dev_texts = {r["text"] for name in ("dev.csv", "new-dev.csv") for r in common.read_stance(split / name)}
    rows = [r for r in rows if r["text"] not in dev_texts]
    by_cluster = collections.defaultdict(set)
    for r in rows:
        by_cluster[r["cluster"]].add(r["target"])
    by_cluster = {c: sorted(t) for c, t in by_cluster.items()}
    clusters = sorted(by_cluster)
    claims = sorted({r["target"] for r in rows})

    def other_cluster_claim(cluster):
        c = rng.choice(clusters)
        while c == cluster and len(clusters) > 1:
            c = rng.choice(clusters)
        return rng.choice(by_cluster[c])

    pairs = {}

    def add(text, target, kind, source):
        pairs.setdefault((text, target), (kind, source))

    for r in rows:
        add(r["text"], r["target"], "own", r["source"])
        others = [t for t in by_cluster[r["cluster"]] if t != r["target"]]
        if others:
            add(r["text"], rng.choice(others), "cluster", r["source"])
        add(r["text"], other_cluster_claim(r["cluster"]), "random", r["source"])
    polnear = sorted(pathlib.Path(args.polnear).glob("*.txt"))
    if not polnear:
        raise SystemExit(f"{args.polnear}: no PolNeAR train articles (*.txt); give --polnear DIR")
    n_sent = 0
    for path in polnear:
        for s in sentences(path.read_text(encoding="utf-8", errors="replace")):
            n_sent += 1
            add(s, DEFAULT_CLAIM, "default", "polnear-train")
            for t in rng.sample(claims, 2):
                add(s, t, "random", "polnear-train")
    out = [(t, c, k, s) for (t, c), (k, s) in pairs.items()]
    rng.shuffle(out)
    path = pathlib.Path(args.out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "target", "kind", "source"])
        w.writerows(out)
    tmp.replace(path)
    kinds = collections.Counter(k for _, _, k, _ in out)
    print(f"wrote {path}: {len(out)} pairs ({dict(sorted(kinds.items()))}); "
          f"{len(polnear)} PolNeAR train articles, {n_sent} sentences")


if __name__ == "__main__":
    main()
