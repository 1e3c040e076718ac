"""The dev set's errors by pattern (the polarity issue's error list): how
often rows of reported speech, denial, doubt, findings, negation and
questions are wrong, and how, beside rows with none of these.

    python models/train/error_patterns.py target/eval/ce9-dev.csv [target/eval/M-dev.csv ...]
        [--examples 5]

Each file is `stance eval --predictions` output on
target/stance-split/dev.csv (text, target, gold, predicted, ...). A row
takes every pattern whose words it has (a row can have several; `plain`
is a row with none). Per pattern and model: the rows, their error rate,
and the errors split into polarity flips (favor read as against or the
reverse), missed sides (favor or against read as none) and false sides
(none read as favor or against). With --examples N, N flipped rows of
each pattern of the first file are printed, to read.
"""
import argparse
import collections
import csv
import random
import re

PATTERNS = {
    "reported": r"\b(said|says|say|told|tells|claims?|claimed|according to|reported(ly)?|alleg\w*|insist\w*|"
                r"argu\w*|stated?|assert\w*|believes?|believed|thinks?|thought)\b",
    "denial": r"\b(den(y|ies|ied|ial|ials)|reject\w*|dismiss\w*|refut\w*|disput\w*|debunk\w*|dispel\w*|"
              r"contradict\w*)\b",
    "doubt": r"\b(doubt\w*|no evidence|unfounded|baseless|myths?|hoax\w*|false(ly)?|untrue|skeptic\w*|"
             r"sceptic\w*|questionable)\b",
    "finding": r"\b(conclu\w*|found that|finds that|confirm\w*|shows? that|showed that|shown that|"
               r"evidence (that|of)|prove[sdn]?|demonstrat\w*)\b",
    "negation": r"(\b(not|no|never|nobody|none|neither|nor|nothing)\b|n't\b|n\u2019t\b)",
    "question": r"\?",
}
SIDES = {"favor", "against"}


def kinds(text):
    found = [k for k, p in PATTERNS.items() if re.search(p, text, re.IGNORECASE)]
    return found or ["plain"]


def error_kind(gold, pred):
    if gold == pred:
        return None
    if gold in SIDES and pred in SIDES:
        return "flip"
    if gold in SIDES:
        return "missed"
    return "false-side"


def table(path):
    rows = list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    n = collections.Counter()
    err = collections.defaultdict(collections.Counter)
    for r in rows:
        e = error_kind(r["gold"], r["predicted"])
        for k in kinds(r["text"]):
            n[k] += 1
            if e:
                err[k][e] += 1
                err[k]["all"] += 1
    return rows, n, err


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("predictions", nargs="+")
    ap.add_argument("--examples", type=int, default=0)
    args = ap.parse_args()
    print("| pattern | model | rows | error rate | flips | missed sides | false sides |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    tables = [(p, *table(p)) for p in args.predictions]
    for k in [*PATTERNS, "plain"]:
        for path, _, n, err in tables:
            if not n[k]:
                continue
            e = err[k]
            print(f"| {k} | {path.rsplit('/', 1)[-1]} | {n[k]} | {100 * e['all'] / n[k]:.1f}% | "
                  f"{100 * e['flip'] / n[k]:.1f}% | {100 * e['missed'] / n[k]:.1f}% | "
                  f"{100 * e['false-side'] / n[k]:.1f}% |")
    if args.examples:
        rows = tables[0][1]
        rng = random.Random(3)
        for k in [*PATTERNS, "plain"]:
            flips = [r for r in rows if error_kind(r["gold"], r["predicted"]) == "flip" and k in kinds(r["text"])]
            print(f"\n## {k}: {len(flips)} flips")
            for r in rng.sample(flips, min(args.examples, len(flips))):
                print(f"- gold {r['gold']}, read {r['predicted']}: {r['text'][:200]!r} | claim: {r['target'][:100]!r}")


if __name__ == "__main__":
    main()
