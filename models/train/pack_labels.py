"""Keep a teacher's soft labels across machines: pack target/distil/NAME.csv
(teacher_label.py's output) into models/train/distil/NAME.csv.gz, which is
small enough to commit, and unpack it again on a machine where the teacher
is gone.

    python models/train/pack_labels.py pack NAME --teacher "what labelled it"
    python models/train/distil_pool.py                # the same pool, rebuilt
    python models/train/pack_labels.py unpack NAME    # target/distil/NAME.csv

The probabilities are rounded to 4 decimals (the gate's 0, 0, 1 stays
exact). NAME.json beside the archive records the row count and a SHA-256
of those pool rows' text and claim, so unpacking onto a pool that came out
different (another stance-split, another seed) stops with a message
instead of pairing labels with the wrong sentences.
"""
import argparse
import csv
import gzip
import hashlib
import io
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402

STORE = HERE / "distil"
WORK = common.REPO / "target" / "distil"


def pool_digest(n):
    """SHA-256 of the first `n` pool rows' text and target."""
    path = WORK / "pool.csv"
    if not path.exists():
        sys.exit(f"{path} is missing: run models/train/distil_pool.py first")
    h = hashlib.sha256()
    rows = 0
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if rows == n:
                break
            h.update(r["text"].encode() + b"\0" + r["target"].encode() + b"\n")
            rows += 1
    if rows < n:
        sys.exit(f"{path} has {rows} rows; the labels cover {n}")
    return h.hexdigest()


def short(x):
    if x == "":  # a row teacher_label.py --sources passed over
        return ""
    s = f"{float(x):.4f}".rstrip("0").rstrip(".")
    return s or "0"


def pack(name, teacher):
    rows = common.read_whole_rows(WORK / f"{name}.csv")
    if not rows:
        sys.exit(f"{WORK / (name + '.csv')}: no labelled rows")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(common.STANCE)
    w.writerows([[short(r[k]) for k in common.STANCE] for r in rows])
    STORE.mkdir(exist_ok=True)
    (STORE / f"{name}.csv.gz").write_bytes(gzip.compress(out.getvalue().encode(), 9, mtime=0))
    meta = {"rows": len(rows), "pool_sha256": pool_digest(len(rows)), "teacher": teacher,
            "pool": "models/train/distil_pool.py, default seed", "decimals": 4}
    (STORE / f"{name}.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {STORE / (name + '.csv.gz')}: {len(rows)} rows")


def unpack(name):
    meta = json.loads((STORE / f"{name}.json").read_text())
    digest = pool_digest(meta["rows"])
    if digest != meta["pool_sha256"]:
        sys.exit(f"target/distil/pool.csv's first {meta['rows']} rows differ from those {name} labelled "
                 f"(SHA-256 {digest[:12]}…, expected {meta['pool_sha256'][:12]}…): rebuild the pool with "
                 "models/train/distil_pool.py's default seed after stance_data.py")
    out = WORK / f"{name}.csv"
    tmp = out.with_suffix(".tmp")
    tmp.write_bytes(gzip.decompress((STORE / f"{name}.csv.gz").read_bytes()))
    tmp.replace(out)
    print(f"wrote {out}: {meta['rows']} rows")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=("pack", "unpack"))
    ap.add_argument("name")
    ap.add_argument("--teacher", default="", help="with pack: what labelled the pool, for the record")
    args = ap.parse_args()
    if args.action == "pack":
        pack(args.name, args.teacher)
    else:
        unpack(args.name)


if __name__ == "__main__":
    main()
