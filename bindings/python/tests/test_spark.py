"""The Spark example in local mode: articles in a Spark DataFrame, one
Pipeline per Python worker, rows back equal to a run in this process."""

import os
import shutil
import sys

import pytest

import stance

REQUIRED = os.environ.get("STANCE_REQUIRE_SPARK") == "1"
if not REQUIRED:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java (java is not on PATH)", allow_module_level=True)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples"))

import spark_stance  # noqa: E402

ARTICLES = [
    (
        "senate",
        "Senators said on Tuesday that Russia interfered in the 2016 US election "
        "through hacking and propaganda.\n\n"
        '"We have no doubt about it," said Senator Jane Moore. The Kremlin has '
        "denied any role in the election.\n",
    ),
    (
        "carbon",
        "Economists said a carbon tax would cut emissions faster than any other policy. "
        "Critics disagreed.\n\nThe proposal would charge fuel importers forty dollars a ton.\n",
    ),
    (
        "summit",
        "The two leaders met in Helsinki for four hours.\n\n"
        '"There was no collusion," the president told reporters after the meeting.\n',
    ),
]


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    s = (
        SparkSession.builder.master("local[2]")
        .appName("stance-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield s
    s.stop()


def test_spark_local_mode_scores_like_a_local_run(spark):
    df = spark.createDataFrame(ARTICLES, ["id", "text"]).repartition(2)
    rows = spark_stance.score_archive(df).toPandas()
    local = stance.Pipeline(threads=1).run([t for _, t in ARTICLES], ids=[i for i, _ in ARTICLES])
    local = local.to_pandas()
    key = ["doc_id", "sentence_id", "speaker", "target"]
    got = rows.sort_values(key).reset_index(drop=True)
    want = local.sort_values(key).reset_index(drop=True)
    assert len(got) == len(want) > 5
    assert list(got.columns) == list(want.columns)
    assert (got["stance"].fillna("") == want["stance"].fillna("")).all()
    assert ((got["score"] - want["score"]).abs().fillna(0) < 1e-6).all()
    summary = stance.summarize(got).to_pandas()
    assert "Jane Moore" in set(summary["speaker"])
