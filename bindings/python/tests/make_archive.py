"""Write the archive the Spark and Ray tests score: JSON lines of `id` and
`text`, from material that ships with the project. The founding article,
then 60 articles of six paragraphs each, one sentence of
datasets/stance-dev.csv or stance-train.csv per paragraph, in file order.

    python make_archive.py DATASETS_DIR OUT.jsonl
"""

import csv
import json
import os
import sys


def main(datasets, out):
    with open(os.path.join(datasets, "helsinki-summit.txt"), encoding="utf-8") as f:
        docs = [("helsinki-summit", f.read())]
    seen, sents = set(), []
    for name in ("stance-dev.csv", "stance-train.csv"):
        with open(os.path.join(datasets, name), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                if r["text"] not in seen:
                    seen.add(r["text"])
                    sents.append(r["text"])
    for i in range(60):
        docs.append((f"made-{i:02d}", "\n\n".join(sents[6 * i : 6 * i + 6]) + "\n"))
    with open(out, "w", encoding="utf-8") as f:
        for doc_id, text in docs:
            f.write(json.dumps({"id": doc_id, "text": text}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
