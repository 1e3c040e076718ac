"""What the Python tests share: comparing rows with the command line's
sentences.csv within the float tolerance the Rust tests use (FP32 in
tests/common/golden.rs), and the archive the Spark and Ray tests score
(bindings/python/test.sh made it with make_archive.py and ran the command
line on it)."""

import csv
import os

import stance

DATA = os.environ.get("STANCE_TEST_DATA", "")
ARCHIVE = os.path.join(DATA, "archive.jsonl")
CLI_ROWS = os.path.join(DATA, "cli-archive", "sentences.csv")

# Probabilities and scores may move in the last digits with the batch a
# pair is scored in (ONNX Runtime pads each batch to its longest pair).
TOLERANCE = 1e-5
NUMBERS = ("favor", "against", "none", "score")


def cell(v):
    """A value as the CSVs write it."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float):
        return f"{v:.6f}"
    return str(v)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def assert_row_matches(got, want, where):
    """One row (a dict of values) against one row of sentences.csv: text
    columns equal, numbers within the tolerance, the label equal unless
    the command line's top two stances are within the tolerance."""
    for col in stance.SENTENCE_COLUMNS:
        g, w = cell(got[col]), want[col]
        if col in NUMBERS and g and w:
            assert abs(float(g) - float(w)) <= TOLERANCE, (where, col, g, w)
        elif col == "stance" and g != w:
            probs = sorted(float(want[c]) for c in ("favor", "against", "none"))
            assert probs[2] - probs[1] <= TOLERANCE, (where, col, g, w)
        else:
            assert g == w, (where, col, g, w)


def assert_same_rows_as_the_command_line(records, cli_rows=CLI_ROWS, min_docs=50):
    """`records`: dicts of the rows, documents in any order but each
    document's rows in order."""
    want, got = {}, {}
    for r in read_csv(cli_rows):
        want.setdefault(r["doc_id"], []).append(r)
    for r in records:
        got.setdefault(r["doc_id"], []).append(r)
    assert len(want) >= min_docs
    assert sorted(got) == sorted(want)
    for doc_id, rows in want.items():
        assert len(got[doc_id]) == len(rows), doc_id
        for i, (g, w) in enumerate(zip(got[doc_id], rows)):
            assert_row_matches(g, w, (doc_id, i))
