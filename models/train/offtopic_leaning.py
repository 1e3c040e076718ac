"""Off-topic leaning in a run over a real archive: how many of the rows that
lean favor or against have nothing to do with the claim.

    stance run ../shared/data/polnear/dev/text --out target/polnear-dev
    python models/train/offtopic_leaning.py target/polnear-dev [--sample 50] [--seed 50]

The keyword proxy: a leaning row is off topic when neither its sentence
nor the sentences just before and after it in its document holds a word
of KEYWORDS (written for the default claim, Russian interference in the
2016 election; give --keywords for another claim). It overcounts a little
(a sentence can be about the claim without these words) and undercounts
(a sentence can name Russia and be about something else), so a random
sample of the leaning rows is also written, with their neighbours, to
OUT_DIR/leaning-sample.csv for reading by hand: fill its `on_topic`
column with y or n.
"""
import argparse
import collections
import csv
import json
import pathlib
import random
import re

KEYWORDS = ("russia", "putin", "kremlin", "moscow", "hack", "intelligence", "interfer",
            "meddl", "cyber", "wikileaks")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run", help="a `stance run` output folder")
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=50)
    ap.add_argument("--keywords", default=",".join(KEYWORDS),
                    help="comma-separated word beginnings, lower case")
    args = ap.parse_args()
    run = pathlib.Path(args.run)
    words = [k.strip() for k in args.keywords.split(",") if k.strip()]
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")", re.I)
    with open(run / "sentences.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    text = {}
    for r in rows:
        text[(r["doc_id"], int(r["sentence_id"]))] = r["text"]
    leaning = [r for r in rows if r["stance"] in ("favor", "against")]

    def near(r):
        d, i = r["doc_id"], int(r["sentence_id"])
        return " ".join(text.get((d, j), "") for j in (i - 1, i, i + 1))

    off = [r for r in leaning if not pattern.search(near(r))]
    scored = sum(1 for r in rows if r["stance"])
    out = {
        "run": str(run),
        "rows": len(rows),
        "scored_rows": scored,
        "leaning": len(leaning),
        "leaning_by_stance": dict(collections.Counter(r["stance"] for r in leaning)),
        "off_topic_by_keyword": len(off),
        "off_topic_share": round(len(off) / max(len(leaning), 1), 3),
        "documents_with_leaning": len({r["doc_id"] for r in leaning}),
    }
    sample = random.Random(args.seed).sample(leaning, min(args.sample, len(leaning)))
    with open(run / "leaning-sample.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["doc_id", "sentence_id", "stance", "score", "keyword_near", "before",
                    "text", "after", "on_topic"])
        for r in sample:
            d, i = r["doc_id"], int(r["sentence_id"])
            w.writerow([d, i, r["stance"], r["score"], bool(pattern.search(near(r))),
                        text.get((d, i - 1), ""), r["text"], text.get((d, i + 1), ""), ""])
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
