"""Score an archive with Spark: one stance.Pipeline per executor's Python
worker, articles in and sentence rows out as Arrow batches
(`mapInArrow`), the rows written as Parquet.

    spark-submit deploy/spark/stance_spark.py ARCHIVE.jsonl OUT_DIR

ARCHIVE is JSON lines with `id` and `text` fields (any Spark reader works:
change `main`). OUT_DIR gets the rows as Parquet, and the summary is
printed. Spark schedules, retries and shuffles; stance scores. Each task
runs on one core (`threads=1`): give executors one task slot per core.
Install both wheels (stance and stance-model-default) on every executor;
docs/python.md says how to build them.
"""

import sys
from typing import Iterator, Optional, Sequence

import pyarrow as pa

import stance

_SPARK_TYPES = {pa.int64(): "long", pa.float64(): "double", pa.string(): "string"}


def spark_schema(keep: Sequence[str] = ()) -> str:
    """The rows' Spark schema as DDL (names backquoted: `end` is a
    keyword), from stance.sentence_schema."""
    return ", ".join(f"`{f.name}` {_SPARK_TYPES[f.type]}" for f in stance.sentence_schema(keep))


def score_batches(
    model: Optional[str] = None,
    targets: Optional[Sequence[str]] = None,
    text_col: str = "text",
    id_col: str = "id",
    keep: Sequence[str] = (),
    threads: int = 1,
):
    """A function for DataFrame.mapInArrow: each batch of articles
    through the worker's Pipeline, rows out as Arrow batches."""
    keep = list(keep)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # One Pipeline per Python worker process (kept by the stance
        # package, not by this function, which Spark ships to each task):
        # the model loads once, however many tasks the worker runs.
        p = stance.shared_pipeline(model=model, targets=targets, threads=threads)
        for batch in batches:
            if batch.num_rows == 0:
                continue
            texts = batch.column(text_col).to_pylist()
            ids = batch.column(id_col).to_pylist()
            meta = [batch.column(k).to_pylist() for k in keep]
            rows = p.run(texts, ids=ids, meta=[list(m) for m in zip(*meta)] if keep else None, keep=keep)
            yield from rows.to_batches()

    return run


def score_archive(articles, **options):
    """The sentence rows of a Spark DataFrame of articles."""
    return articles.mapInArrow(score_batches(**options), schema=spark_schema(options.get("keep", ())))


def main(argv):
    from pyspark.sql import SparkSession

    archive, out = argv[1], argv[2]
    spark = SparkSession.builder.appName("stance").getOrCreate()
    articles = spark.read.json(archive).select("id", "text")
    score_archive(articles).write.mode("overwrite").parquet(out)
    written = spark.read.parquet(out).toPandas()
    docs = written["doc_id"].nunique()
    print(f"{len(written)} rows from {docs} articles in {out}; the ten speakers with most sentences:")
    summary = stance.summarize(written, by="speaker").to_pandas()
    cols = ["speaker", "sentences", "favor", "against", "none", "stance", "on_topic"]
    print(summary[cols].head(10).to_string(index=False))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv)
