"""deploy/spark/stance_spark.py in local mode: an archive of 61 documents
as a Spark DataFrame, scored with mapInArrow, one Pipeline per Python
worker, rows equal to the command line's on the same archive."""

import os
import shutil
import sys

import pytest

REQUIRED = os.environ.get("STANCE_REQUIRE_SPARK") == "1"
if not REQUIRED:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java (java is not on PATH)", allow_module_level=True)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# deploy/ of the checkout, or the copy test.sh makes beside these tests.
DEPLOY = os.environ.get("STANCE_DEPLOY") or os.path.join(HERE, "..", "..", "..", "deploy")
sys.path.insert(0, os.path.join(DEPLOY, "spark"))

import archive  # noqa: E402
import stance_spark  # noqa: E402

import stance  # noqa: E402


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


def test_spark_scores_an_archive_as_the_command_line_does(spark, tmp_path):
    articles = spark.read.json(archive.ARCHIVE).select("id", "text").repartition(4)
    out = str(tmp_path / "rows")
    stance_spark.score_archive(articles).write.parquet(out)
    written = spark.read.parquet(out)
    assert written.columns == list(stance.SENTENCE_COLUMNS) + ["document_topic"]
    archive.assert_same_rows_as_the_command_line(r.asDict() for r in written.collect())
