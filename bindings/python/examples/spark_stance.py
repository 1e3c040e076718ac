"""Score an archive with Spark: one stance.Pipeline per Python worker,
one batch of articles at a time, rows back as a Spark DataFrame.

    spark-submit bindings/python/examples/spark_stance.py ARCHIVE.jsonl OUT_DIR

ARCHIVE is JSON lines with `id` and `text` fields (any Spark reader
works: change `read_articles`). OUT_DIR gets the sentence rows as Parquet
and prints the summary. Spark schedules, retries and shuffles; stance
scores. Each task uses one core (`threads=1`); give executors as many
task slots as cores.
"""

import sys
from typing import Iterator, Optional, Sequence

import pandas as pd

import stance

# sentences.csv's columns and their Spark types, then document_topic.
_TYPES = {
    "sentence_id": "long",
    "start": "long",
    "end": "long",
    "favor": "double",
    "against": "double",
    "none": "double",
    "score": "double",
    "mention_start": "long",
    "mention_end": "long",
    "clause_start": "long",
    "clause_end": "long",
}


def schema(keep: Sequence[str] = ()) -> str:
    """The rows' Spark schema, as DDL (backquoted: `end` is a keyword)."""
    cols = list(stance.SENTENCE_COLUMNS) + list(keep) + ["document_topic"]
    return ", ".join(f"`{c}` {_TYPES.get(c, 'string')}" for c in cols)


def score_batches(
    model: Optional[str] = None,
    targets: Optional[Sequence[str]] = None,
    text_col: str = "text",
    id_col: str = "id",
    keep: Sequence[str] = (),
    threads: int = 1,
):
    """A function for DataFrame.mapInPandas: loads the model once per
    Python worker and runs each batch of articles through it."""
    pipelines = {}

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        key = (model, tuple(targets or ()), threads)
        if key not in pipelines:
            pipelines[key] = stance.Pipeline(model=model, targets=targets, threads=threads)
        p = pipelines[key]
        for df in batches:
            if len(df) == 0:
                continue
            yield p.run(df, text_col=text_col, id_col=id_col, keep=list(keep)).to_pandas()

    return run


def score_archive(articles, **options):
    """Sentence rows of a Spark DataFrame of articles."""
    keep = options.get("keep", ())
    return articles.mapInPandas(score_batches(**options), schema=schema(keep))


def main(argv):
    from pyspark.sql import SparkSession

    archive, out = argv[1], argv[2]
    spark = SparkSession.builder.appName("stance").getOrCreate()
    articles = spark.read.json(archive).select("id", "text")
    rows = score_archive(articles)
    rows.write.mode("overwrite").parquet(out)
    written = spark.read.parquet(out).toPandas()
    docs = written["doc_id"].nunique()
    print(f"{len(written)} rows from {docs} articles in {out}; the ten speakers with most sentences:")
    summary = stance.summarize(written, by="speaker").to_pandas()
    cols = ["speaker", "sentences", "favor", "against", "none", "stance", "on_topic"]
    print(summary[cols].head(10).to_string(index=False))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv)
