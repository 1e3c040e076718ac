"""The Python package against the command line, from installed wheels.

bindings/python/test.sh runs these from a folder outside the checkout,
after the command line has run the same inputs into $STANCE_TEST_DATA:

- cli/: ``stance run helsinki-summit.txt --out cli``;
- cli-eval.json: ``stance eval stance-dev.csv --out cli-eval.json``.
"""

import csv
import json
import os
import sys
import sysconfig
import threading
import time

import numpy as np
import pyarrow as pa
import pytest

import stance

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import archive  # noqa: E402

DATA = os.environ.get("STANCE_TEST_DATA", "")
CHECKOUT = os.environ.get("STANCE_CHECKOUT", "")

needs_data = pytest.mark.skipif(
    not DATA and not os.environ.get("STANCE_REQUIRE_PYTHON_DATA"),
    reason="STANCE_TEST_DATA is not set (bindings/python/test.sh sets it)",
)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def cell(v):
    """A value as the CSVs write it."""
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6f}"
    return str(v)


@pytest.fixture(scope="module")
def pipeline():
    return stance.Pipeline(threads=2)


@pytest.fixture(scope="module")
def article():
    with open(os.path.join(DATA, "helsinki-summit.txt"), encoding="utf-8") as f:
        return f.read()


@pytest.fixture(scope="module")
def rows(pipeline, article):
    return pipeline.run([article], ids=["helsinki-summit"])


def test_the_model_comes_from_the_installed_package():
    path = stance.default_model()
    site = sysconfig.get_paths()["purelib"]
    assert os.path.realpath(path).startswith(os.path.realpath(site) + os.sep), (path, site)
    if CHECKOUT:
        models = os.path.realpath(os.path.join(CHECKOUT, "models"))
        assert not os.path.realpath(path).startswith(models + os.sep)
    assert os.path.isfile(os.path.join(path, "config.json"))
    # The cascade's gate resolves beside it.
    gate = json.load(open(os.path.join(path, "cascade.json")))["gate"]
    assert os.path.isfile(os.path.join(path, gate, "config.json"))


@needs_data
def test_run_reproduces_the_command_line_on_the_founding_article(rows):
    cli = os.path.join(DATA, "cli", "sentences.csv")
    assert rows.num_rows == len(read_csv(cli)) > 40
    assert rows.column_names == stance.SENTENCE_COLUMNS + ["document_topic"]
    mine = rows.to_pylist()
    # Same text, speakers and labels; numbers within the Rust tests'
    # tolerance (in one process they are equal to the last digit).
    archive.assert_same_rows_as_the_command_line(mine, cli, min_docs=1)
    speakers = {r["speaker"] for r in mine}
    assert {"Trump", "Putin", "narrator"} <= speakers
    assert set(rows.column("document_topic").to_pylist()) <= {"on", "off", ""}


@needs_data
def test_summaries_are_the_command_lines(pipeline, rows):
    cli = read_csv(os.path.join(DATA, "cli", "summary.csv"))
    summary = pipeline.summarize(rows)
    assert summary.column_names == stance.SUMMARY_COLUMNS
    assert [{k: cell(v) for k, v in r.items()} for r in summary.to_pylist()] == cli
    # The same from pandas, as a notebook would pass it back.
    again = pipeline.summarize(rows.to_pandas())
    assert again.equals(summary)
    # And from sentences.csv read back, typed or as text.
    pd = pytest.importorskip("pandas")
    path = os.path.join(DATA, "cli", "sentences.csv")
    for df in (pd.read_csv(path), pd.read_csv(path, dtype=str, keep_default_na=False)):
        assert stance.summarize(df).equals(summary)
    # documents.csv: rows do not carry their input's file and line, so
    # those two are empty; the rest is the command line's.
    docs = pipeline.summarize(rows, by="document").to_pylist()
    cli_docs = read_csv(os.path.join(DATA, "cli", "documents.csv"))
    assert len(docs) == len(cli_docs) == 1
    for col in stance.DOCUMENT_COLUMNS:
        if col not in ("file", "line"):
            assert cell(docs[0][col]) == cli_docs[0][col], col
    assert docs[0]["file"] == "" and docs[0]["line"] is None


def test_a_dataframe_runs_with_ids_and_kept_columns(pipeline, article):
    pd = pytest.importorskip("pandas")
    second = (
        "Senators said on Tuesday that Russia interfered in the 2016 US election.\n\n"
        '"We have no doubt about it," said Senator Jane Moore.\n'
    )
    df = pd.DataFrame(
        {
            "body": [article, second, second.replace("Tuesday", "Friday")],
            "url": ["a", "b", "c"],
            "desk": ["world", "politics", "world"],
        }
    )
    rows = pipeline.run(df, text_col="body", id_col="url", keep=["desk"])
    assert rows.column_names[-2:] == ["desk", "document_topic"]
    got = rows.to_pandas()
    assert list(dict.fromkeys(got["doc_id"])) == ["a", "b", "c"]
    assert set(got.loc[got["doc_id"] == "b", "desk"]) == {"politics"}
    by_desk = pipeline.summarize(rows, by="desk").to_pandas()
    assert set(by_desk["group"]) == {"world", "politics"}
    total = pipeline.summarize(rows).to_pandas()
    for _, s in total.iterrows():
        part = by_desk[(by_desk.speaker == s.speaker) & (by_desk.target == s.target)]
        assert part["sentences"].sum() == s["sentences"]
    # A list of texts with its metadata gives the same rows.
    again = pipeline.run(list(df["body"]), ids=list(df["url"]), meta=[[d] for d in df["desk"]], keep=["desk"])
    assert again.equals(rows)


def test_bad_input_raises_with_the_place_named(pipeline):
    pd = pytest.importorskip("pandas")
    with pytest.raises(stance.StanceError, match=r"texts\[1\] \(id 1\) is empty"):
        pipeline.run(["A sentence.", "   "])
    with pytest.raises(stance.StanceError, match="no column `body`.*it has: text"):
        pipeline.run(pd.DataFrame({"text": ["A sentence."]}), text_col="body")
    with pytest.raises(stance.StanceError, match=r"texts\[0\] \(id 0\) is empty"):
        pipeline.run(pd.DataFrame({"text": [None, "A sentence."]}))
    with pytest.raises(stance.StanceError, match="not one string"):
        pipeline.run("A sentence.")
    with pytest.raises(stance.StanceError, match="cannot load --model /no/such/model"):
        stance.Pipeline(model="/no/such/model")
    with pytest.raises(stance.StanceError, match="backend `gpu` is unknown"):
        stance.Pipeline(backend="gpu")
    with pytest.raises(stance.StanceError, match="hypothesis"):
        stance.Pipeline(hypothesis="no placeholder")
    with pytest.raises(stance.StanceError, match="no column `speaker`"):
        pipeline.summarize({"doc_id": ["a"]})


def test_score_gives_favor_against_none_per_pair(pipeline):
    claim = stance.DEFAULT_TARGET
    p = pipeline.score(
        [
            ("Russia interfered in the 2016 US election, the intelligence agencies concluded.", claim),
            ("Russia did not interfere in the 2016 US election in any way.", claim),
            ("The hearing lasted four hours and drew a large crowd.", claim),
        ]
    )
    assert p.shape == (3, 3) and p.dtype == np.float32
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-4)
    assert p[0].argmax() == 0
    assert p[2].argmax() == 2
    assert pipeline.score([]).shape == (0, 3)


def test_the_gil_is_released_while_rust_works(pipeline, article):
    ticks = [0]
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    start = time.time()
    pipeline.run([article] * 3)
    secs = time.time() - start
    stop.set()
    t.join()
    # Held throughout, the GIL would let the counter tick only between
    # the calls; released, it ticks all along (about once a millisecond).
    assert ticks[0] > 0.2 * secs * 1000, (ticks[0], secs)


@needs_data
def test_run_files_writes_what_the_command_line_writes(tmp_path):
    done = stance.run_files(os.path.join(DATA, "helsinki-summit.txt"), tmp_path / "out", threads=2)
    assert done["documents"] == 1 and done["left_out"] == 0
    assert "Putin" in done["speakers"]
    for table in ("sentences.csv", "summary.csv"):
        with open(tmp_path / "out" / table, "rb") as a, open(os.path.join(DATA, "cli", table), "rb") as b:
            assert a.read() == b.read(), table
    assert done["to_label"] is None
    again = stance.run_files(
        os.path.join(DATA, "helsinki-summit.txt"), tmp_path / "out", threads=2, to_label=5
    )
    assert again["to_label"] == 5
    labels = read_csv(tmp_path / "out" / "to-label.csv")
    assert len(labels) == 5 and all(r["label"] == "" for r in labels)
    with pytest.raises(stance.StanceError, match="no-such-file.txt"):
        stance.run_files(tmp_path / "no-such-file.txt", tmp_path / "out2")
    with pytest.raises(stance.StanceError, match="dup_ids `twice` is unknown"):
        stance.run_files(os.path.join(DATA, "helsinki-summit.txt"), tmp_path / "out3", dup_ids="twice")


@needs_data
def test_eval_gives_what_the_command_line_writes():
    path = os.path.join(DATA, "stance-dev.csv")
    got = stance.eval(path, threads=2)
    cli = json.load(open(os.path.join(DATA, "cli-eval.json")))
    assert got["probs"].shape == (sum(map(sum, cli["confusion"])), 3)
    assert got["confusion"] == cli["confusion"]
    assert got["accuracy"] == pytest.approx(cli["accuracy"], abs=1e-9)
    assert "by_source" in got or "by_source" not in cli


def test_two_threads_share_a_pipeline(pipeline, article):
    texts = [article, article.replace("Helsinki", "Vienna")]
    alone = [pipeline.run([t]) for t in texts]
    got = [None, None]

    def work(i):
        got[i] = pipeline.run([texts[i]])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(alone, got):
        assert b is not None and b.equals(a)


def test_a_polars_frame_runs_too(pipeline, article):
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"text": [article], "id": ["helsinki-summit"], "desk": ["world"]})
    rows = pipeline.run(df, id_col="id", keep=["desk"])
    again = pipeline.run([article], ids=["helsinki-summit"], meta=[["world"]], keep=["desk"])
    assert rows.equals(again)
    assert pipeline.summarize(pl.from_arrow(rows)).equals(pipeline.summarize(rows))


def test_tables_keep_their_types_whatever_the_rows_hold(pipeline):
    rows = pipeline.run(["The hearing lasted four hours."])
    assert rows.schema == stance.sentence_schema()
    assert rows.schema.field("mention_start").type == pa.int64()
    empty = pipeline.run([])
    assert empty.num_rows == 0 and empty.schema == stance.sentence_schema()
    summary = pipeline.summarize(empty)
    assert summary.num_rows == 0 and summary.schema.field("sentences").type == pa.int64()


def test_a_shared_pipeline_is_made_once_per_process():
    a = stance.shared_pipeline(threads=1)
    assert stance.shared_pipeline(threads=1) is a
    assert stance.shared_pipeline(threads=1, targets=["Tariffs raise prices"]) is not a
