"""The real stance data in ../shared/data/stance: a claim-disjoint train/dev
split, and the sentence pairs that FNC-1 and ARC bodies become.

    python models/train/stance_data.py [--shared ../shared/data/stance] [--out target/stance-split]

Writes, under --out:
- `pairs.csv`: every labelled pair, columns text,target,label,group,source,raw,cluster,split;
- `train.csv`, `dev.csv`: the same rows, split by cluster;
- `clusters.json`: which groups were merged into one cluster, and the dev share of each source;
- `new-train.csv`, `new-dev.csv`: the sets added to ../shared later (NEW_FILES: UKP
  argument mining, P-Stance, Nixon-Kennedy), split without moving the split above.

How the split is made (deterministic; no randomness beyond a fixed hash):
1. Every row has a group: the release's `group` column, or for FNC-1 and ARC
   the headline. An FNC-1 headline that is also an Emergent headline joins its
   Emergent claim's group.
2. Groups whose targets say nearly the same thing are merged into one
   cluster (union-find): token Jaccard >= 0.5 over content words, or cosine
   >= 0.80 between the targets' all-MiniLM-L6-v2 embeddings. So a topic that
   recurs across sets (cannabis, school vouchers, cloning) sits on one side.
3. Sources are visited from the fewest clusters to the most; each takes
   clusters for dev, in the order of a hash of the cluster's key, until
   about 12% of its rows are in dev. A cluster is dev for every source.

The split of FILES, FNC-1 and ARC is frozen: the sets of NEW_FILES take no
part in it, so dev.csv stays the dev set every earlier figure was measured
on. A new set's group joins an old cluster when its target says nearly the
same thing as one of that cluster's (the rule of step 2), and takes that
cluster's side (dev if it touches a dev cluster); the other groups are
clusters of their own (joined only by a shared target), and each new
source takes them for dev as in step 3. Their rows go to new-train.csv and new-dev.csv only, reported
separately (`train_stance.py --new-sets` mixes new-train.csv in).

FNC-1 and ARC bodies become sentence pairs: the body is cut into sentences,
and the `k` sentences sharing most content words with the headline carry the
pair's label (agree→favor, disagree→against, discuss→none); an unrelated
pair gives its single best-overlapping sentence as `none`. `raw` keeps the
release's own label, so that `discuss` (on topic, neutral) and `unrelated`
(off topic) can train and measure the relevance gate.
"""
import argparse
import collections
import csv
import hashlib
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEV_SHARE = 0.12
FILES = [
    "emergent-train.csv", "climate-fever.csv", "check-covid-train.csv", "check-covid-dev.csv",
    "perspectrum-train.csv", "perspectrum-dev.csv", "ibm-claim-stance-train.csv",
    "argkp-train.csv", "argkp-dev.csv",
]
NEW_FILES = ["ukp-argmin.csv", "pstance.csv", "nixon-kennedy.csv"]
RAW = {"agree": "favor", "disagree": "against", "discuss": "none", "unrelated": "none"}
STOP = set("""a an the of to in on for and or but is are was were be been being by with at from as
that this these those it its into than then there their they them he she his her we our you your
i me my not no do does did has have had will would should could can may might must shall about
over under after before more most less very also just so such which who whom what when where why
how all any some each other new says said""".split())
WORD = re.compile(r"[a-z0-9]+")
SENT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")


def words(s):
    return {w for w in WORD.findall(s.lower()) if w not in STOP and len(w) > 1}


def sentences(body):
    out = []
    for para in re.split(r"\n\s*", body):
        for s in SENT.split(para.strip()):
            s = " ".join(s.split())
            if len(s) >= 20:
                out.append(s)
    return out


def best_sentences(body, headline, k):
    """The k body sentences sharing most content words with the headline, in body order."""
    sents = sentences(body)
    hw = words(headline)
    scored = sorted(range(len(sents)), key=lambda i: (-len(words(sents[i]) & hw), i))
    return [sents[i] for i in sorted(scored[:k])]


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(shared, k=2):
    rows = []
    for name in FILES:
        for r in read_csv(shared / name):
            rows.append({"text": r["text"], "target": r["target"], "label": r["label"],
                         "group": r["group"], "source": r["source"], "raw": r["label"]})
    emergent_group = {r["text"]: r["group"] for r in rows if r["source"] == "emergent"}
    for src, stances, bodies in [("fnc1", "fnc1/train_stances.csv", "fnc1/train_bodies.csv"),
                                 ("arc", "arc/arc_stances_train.csv", "arc/arc_bodies.csv")]:
        body = {r["Body ID"]: r["articleBody"] for r in read_csv(shared / bodies)}
        for r in read_csv(shared / stances):
            head, raw = r["Headline"], r["Stance"]
            group = emergent_group.get(head, f"{src}-" + hashlib.sha1(head.encode()).hexdigest()[:10])
            for s in best_sentences(body[r["Body ID"]], head, 1 if raw == "unrelated" else k):
                rows.append({"text": s, "target": head, "label": RAW[raw], "group": group,
                             "source": src, "raw": raw})
    return rows


class Union:
    def __init__(self):
        self.p = {}

    def find(self, x):
        self.p.setdefault(x, x)
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def join(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def similar_pairs(names, use_embeddings):
    """Index pairs (i, j), i < j, of targets that say nearly the same thing:
    token Jaccard >= 0.5 over content words, or embedding cosine >= 0.80."""
    out = []
    ws = [words(t) for t in names]
    index = collections.defaultdict(list)
    for i, w in enumerate(ws):
        for x in w:
            index[x].append(i)
    for i, w in enumerate(ws):
        seen = set()
        for x in w:
            for j in index[x]:
                if j > i and j not in seen:
                    seen.add(j)
                    inter = len(w & ws[j])
                    if inter >= 2 and inter / len(w | ws[j]) >= 0.5:
                        out.append((i, j))
    if use_embeddings:
        sys.path.insert(0, str(HERE))
        import common
        tok, model = common.load_encoder()
        e = common.embed(tok, model, names, max_length=128)
        for s in range(0, len(names), 512):
            sim = e[s:s + 512] @ e.T
            for i, j in (sim >= 0.80).nonzero().tolist():
                if s + i < j:
                    out.append((s + i, j))
    return out


def load_new(shared):
    rows = []
    for name in NEW_FILES:
        if not (shared / name).exists():
            print(f"note: {shared / name} is missing; new-*.csv leave it out")
            continue
        for r in read_csv(shared / name):
            rows.append({"text": r["text"], "target": r["target"], "label": r["label"],
                         "group": r["group"], "source": r["source"].split("-")[0]
                         if r["source"].startswith(("ukp", "pstance")) else r["source"],
                         "raw": r["label"]})
    return rows


def split_new(old, new, use_embeddings=True):
    """Route the new sets' rows to train or dev without moving `old`'s split
    (see the module's docstring). Returns the dev share of each new source."""
    old_side = {}
    for r in old:
        old_side.setdefault(r["target"], set()).add((r["cluster"], r["split"]))
    old_names = sorted(old_side)
    new_groups = sorted({r["group"] for r in new})
    new_targets = collections.defaultdict(set)
    for r in new:
        new_targets[r["group"]].add(r["target"])
    names = old_names + sorted({t for ts in new_targets.values() for t in ts})
    pos = {t: i for i, t in enumerate(names)}
    near = collections.defaultdict(set)
    for i, j in similar_pairs(names, use_embeddings):
        near[i].add(j)
        near[j].add(i)
    uf = Union()
    inherited = {}
    for g in new_groups:
        uf.find(g)
        sides = set()
        for t in new_targets[g]:
            for j in near[pos[t]]:
                if j < len(old_names):
                    sides |= old_side[names[j]]
        if sides:
            # Dev wins: a topic dev has seen stays unseen by training.
            inherited[g] = min(sides, key=lambda cs: (cs[1] != "dev", cs[0]))
    # Among themselves, new groups are their sets' own topics: they join
    # only where they share a target text. (Nixon-Kennedy's five topics
    # share 33 passages, so they are one cluster: train only.)
    by_target = {}
    for g in new_groups:
        for t in new_targets[g]:
            if t in by_target:
                uf.join(by_target[t], g)
            by_target[t] = g
    for r in new:
        g = r["group"]
        if g in inherited:
            r["cluster"], r["split"] = inherited[g]
        else:
            r["cluster"] = "new:" + uf.find(g)
    fresh = [r for r in new if r["group"] not in inherited]
    dev = dev_clusters(fresh, keep_single=True)
    for r in fresh:
        r["split"] = "dev" if r["cluster"] in dev else "train"
    share = {}
    for s in sorted({r["source"] for r in new}):
        mine = [r for r in new if r["source"] == s]
        share[s] = round(sum(r["split"] == "dev" for r in mine) / len(mine), 3)
    return share, inherited


def cluster(rows, use_embeddings=True):
    uf = Union()
    targets = {}  # target text -> group
    for r in rows:
        uf.find(r["group"])
        g = targets.setdefault(r["target"], r["group"])
        uf.join(g, r["group"])  # one target text in two groups: one cluster
    names = sorted(targets)
    for i, j in similar_pairs(names, use_embeddings):
        uf.join(targets[names[i]], targets[names[j]])
    return {g: uf.find(g) for g in uf.p}


def dev_clusters(rows, keep_single=False):
    """Step 3: sources from the fewest clusters to the most, each taking
    clusters for dev in a fixed hash order until about DEV_SHARE of its rows
    are dev. With keep_single, a source of one cluster gives none."""
    by_source = collections.defaultdict(collections.Counter)
    for r in rows:
        by_source[r["source"]][r["cluster"]] += 1
    key = lambda c: hashlib.sha1(c.encode()).hexdigest()
    dev = set()
    for src in sorted(by_source, key=lambda s: (len(by_source[s]), s)):
        counts = by_source[src]
        if keep_single and len(counts) < 2:
            continue
        total = sum(counts.values())
        have = sum(n for c, n in counts.items() if c in dev)
        for c in sorted(counts, key=key):
            if have >= DEV_SHARE * total:
                break
            if c not in dev:
                dev.add(c)
                have += counts[c]
    return dev


def split(rows, clusters):
    for r in rows:
        r["cluster"] = clusters[r["group"]]
    dev = dev_clusters(rows)
    by_source = collections.defaultdict(collections.Counter)
    for r in rows:
        by_source[r["source"]][r["cluster"]] += 1
    for r in rows:
        r["split"] = "dev" if r["cluster"] in dev else "train"
    share = {s: round(sum(n for c, n in by_source[s].items() if c in dev) / sum(by_source[s].values()), 3)
             for s in sorted(by_source)}
    return dev, share


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(REPO.parent / "shared" / "data" / "stance"))
    ap.add_argument("--out", default=str(REPO / "target" / "stance-split"))
    ap.add_argument("--no-embeddings", action="store_true", help="cluster by words only")
    args = ap.parse_args()
    rows = load(pathlib.Path(args.shared))
    clusters = cluster(rows, not args.no_embeddings)
    dev, share = split(rows, clusters)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cols = ["text", "target", "label", "group", "source", "raw", "cluster", "split"]
    for name, keep in [("pairs", None), ("train", "train"), ("dev", "dev")]:
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, cols)
            w.writeheader()
            w.writerows(r for r in rows if keep is None or r["split"] == keep)
    members = collections.defaultdict(set)
    for g, c in clusters.items():
        members[c].add(g)
    sizes = collections.Counter(r["cluster"] for r in rows)
    info = {"dev_share": share, "clusters": len(members), "dev_clusters": len(dev),
            "largest": [(c, n, len(members[c])) for c, n in sizes.most_common(10)],
            "merged": {c: sorted(m) for c, m in members.items() if len(m) > 1}}
    new = load_new(pathlib.Path(args.shared))
    if new:
        new_share, inherited = split_new(rows, new, not args.no_embeddings)
        for name, keep in [("new-train", "train"), ("new-dev", "dev")]:
            with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                w = csv.DictWriter(f, cols)
                w.writeheader()
                w.writerows(r for r in new if r["split"] == keep)
        info["new_sets"] = {"dev_share": new_share, "joined_old_clusters": inherited,
                            "dev_groups": sorted({r["group"] for r in new if r["split"] == "dev"})}
        counts = collections.Counter((r["source"], r["split"], r["label"]) for r in new)
        for s in sorted(new_share):
            print("new", s, new_share[s], {sp: {l: counts[(s, sp, l)] for l in ["favor", "against", "none"]}
                                          for sp in ["train", "dev"]})
    (out / "clusters.json").write_text(json.dumps(info, indent=1))
    counts = collections.Counter((r["source"], r["split"], r["label"]) for r in rows)
    for s in sorted(share):
        print(s, share[s], {sp: {l: counts[(s, sp, l)] for l in ["favor", "against", "none"]}
                            for sp in ["train", "dev"]})
    print("clusters", len(members), "dev", len(dev), "largest", info["largest"][:5])


if __name__ == "__main__":
    main()
