"""Score an archive with Ray Data: `map_batches` with a callable class, so
that each actor loads one stance.Pipeline and runs batches of articles
through it.

    python deploy/ray/stance_ray.py ARCHIVE.jsonl OUT_DIR

ARCHIVE is JSON lines with `id` and `text` fields; OUT_DIR gets the
sentence rows as Parquet, and the summary is printed. Each actor uses one
core (`threads=1`, `num_cpus=1`); Ray runs as many as the cluster has
cores. Install both wheels (stance and stance-model-default) on every
node; docs/python.md says how to build them.
"""

import sys
from typing import Optional, Sequence

import pyarrow as pa

import stance


class ScoreArticles:
    """Loads the model once per actor; called with a pyarrow Table of
    articles, returns their sentence rows."""

    def __init__(
        self,
        model: Optional[str] = None,
        targets: Optional[Sequence[str]] = None,
        text_col: str = "text",
        id_col: str = "id",
        threads: int = 1,
    ):
        self.pipeline = stance.Pipeline(model=model, targets=targets, threads=threads)
        self.text_col, self.id_col = text_col, id_col

    def __call__(self, batch: pa.Table) -> pa.Table:
        if batch.num_rows == 0:
            return stance.sentence_schema().empty_table()
        texts = batch.column(self.text_col).to_pylist()
        ids = [str(i) for i in batch.column(self.id_col).to_pylist()]
        return self.pipeline.run(texts, ids=ids)


def score_archive(articles, actors: int = 2, batch_size: int = 16, **options):
    """The sentence rows of a Ray Dataset of articles: up to `actors`
    actors of one CPU each (the pool starts with one and grows while CPUs
    are free, so reading is never starved of a CPU), `batch_size` articles
    a call (each article's rows stay together)."""
    import ray.data

    return articles.map_batches(
        ScoreArticles,
        fn_constructor_kwargs=options,
        batch_format="pyarrow",
        batch_size=batch_size,
        compute=ray.data.ActorPoolStrategy(min_size=1, max_size=actors),
        num_cpus=1,
    )


def main(argv):
    import ray

    archive, out = argv[1], argv[2]
    ray.init()
    rows = score_archive(ray.data.read_json(archive))
    rows.write_parquet(out)
    written = ray.data.read_parquet(out).to_pandas()
    print(f"{len(written)} rows from {written['doc_id'].nunique()} articles in {out}")
    summary = stance.summarize(written, by="speaker").to_pandas()
    cols = ["speaker", "sentences", "favor", "against", "none", "stance", "on_topic"]
    print(summary[cols].head(10).to_string(index=False))


if __name__ == "__main__":
    main(sys.argv)
