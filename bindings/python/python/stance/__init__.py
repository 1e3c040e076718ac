"""stance: who said each sentence of the news, and its stance toward a claim.

The Rust library does all the work (``stance._stance``); this module turns
Python inputs (lists, pandas or polars DataFrames) into its arguments and
its tables into pyarrow Tables.

    >>> import stance
    >>> p = stance.Pipeline()
    >>> rows = p.run(["Putin denied that Russia meddled in the election."])
    >>> rows.to_pandas()[["speaker", "stance", "text"]]

The default model comes from the ``stance-model-default`` package (or the
folder in ``$STANCE_MODEL_DIR``); any model folder or Hugging Face hub id
can be given instead.
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np
import pyarrow as pa

from . import _stance
from ._stance import (
    DEFAULT_TARGET,
    DEFAULT_TEMPLATE,
    DOCUMENT_COLUMNS,
    SENTENCE_COLUMNS,
    SUMMARY_COLUMNS,
    StanceError,
)

__version__ = _stance.__version__

__all__ = [
    "Pipeline",
    "StanceError",
    "run_files",
    "eval",
    "default_model",
    "sentence_schema",
    "shared_pipeline",
    "summarize",
    "DEFAULT_TARGET",
    "DEFAULT_TEMPLATE",
    "SENTENCE_COLUMNS",
    "SUMMARY_COLUMNS",
    "DOCUMENT_COLUMNS",
]


def default_model() -> str:
    """The folder of the default model.

    ``$STANCE_MODEL_DIR`` when set, else the folder the
    ``stance-model-default`` package installed. Never the source tree this
    package was built from.
    """
    env = os.environ.get("STANCE_MODEL_DIR")
    if env:
        if not os.path.isdir(env):
            raise StanceError(f"STANCE_MODEL_DIR={env}: no such folder")
        return env
    try:
        import stance_model_default  # type: ignore[import-not-found]
    except ImportError:
        raise StanceError(
            "the default model is not installed: pip install the stance-model-default wheel "
            "(built beside this one; docs/python.md), set STANCE_MODEL_DIR, or pass "
            "model='FOLDER_OR_HUB_ID'"
        ) from None
    return stance_model_default.path()


def _model(model: Optional[str]) -> str:
    return default_model() if model is None else os.fspath(model)


def _targets(targets: Optional[Iterable[str]]) -> List[str]:
    if targets is None:
        return [DEFAULT_TARGET]
    if isinstance(targets, str):
        return [targets]
    return [str(t) for t in targets]


def _is_frame(obj: Any) -> bool:
    return hasattr(obj, "columns") and (hasattr(obj, "to_dict") or hasattr(obj, "to_dicts"))


def _frame_column(df: Any, name: str, what: str) -> List[Any]:
    """One column of a pandas or polars DataFrame as a list."""
    if name not in list(df.columns):
        raise StanceError(
            f"{what}: the DataFrame has no column `{name}` (it has: {', '.join(map(str, df.columns))})"
        )
    col = df[name]
    return col.to_list() if hasattr(col, "to_list") else list(col)


def _strings(values: Iterable[Any]) -> List[str]:
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append("")
        elif isinstance(v, str):
            out.append(v)
        else:
            out.append(str(v))
    return out


def _columns(rows: Any) -> Dict[str, List[Any]]:
    """A table of rows (pyarrow Table, pandas or polars DataFrame, or a
    dict of columns) as a dict of lists, missing values as None."""
    if isinstance(rows, pa.Table):
        cols = rows.to_pydict()
    elif isinstance(rows, dict):
        cols = {k: list(v) for k, v in rows.items()}
    elif _is_frame(rows):
        cols = {str(c): _frame_column(rows, c, "rows") for c in rows.columns}
    else:
        raise StanceError(
            "rows must be a pyarrow Table, a pandas or polars DataFrame, or a dict of columns "
            f"(got {type(rows).__name__})"
        )
    for name, values in cols.items():
        cols[name] = [None if isinstance(v, float) and v != v else v for v in values]
    return cols


_INT, _FLOAT = pa.int64(), pa.float64()
# Column types by table; every other column (text, labels, kept
# metadata) is a string.
_SENTENCE_TYPES = {
    "sentence_id": _INT,
    "start": _INT,
    "end": _INT,
    "favor": _FLOAT,
    "against": _FLOAT,
    "none": _FLOAT,
    "score": _FLOAT,
    "mention_start": _INT,
    "mention_end": _INT,
    "clause_start": _INT,
    "clause_end": _INT,
}
_SUMMARY_TYPES = {
    "sentences": _INT,
    "favor": _INT,
    "against": _INT,
    "none": _INT,
    "mean_score": _FLOAT,
    "on_topic": _INT,
    "on_topic_mean_score": _FLOAT,
    "on_topic_ci_low": _FLOAT,
    "on_topic_ci_high": _FLOAT,
    "documents": _INT,
    "line": _INT,
}


def sentence_schema(keep: Sequence[str] = ()) -> pa.Schema:
    """The schema of :meth:`Pipeline.run`'s tables with these kept
    columns: ``SENTENCE_COLUMNS``, ``keep``, then ``document_topic``. The
    same whatever the rows hold, so that batches concatenate (Spark, Ray)."""
    names = list(SENTENCE_COLUMNS) + list(keep) + ["document_topic"]
    return pa.schema([(n, _SENTENCE_TYPES.get(n, pa.string())) for n in names])


def _typed(columns: Dict[str, List[Any]], types: Dict[str, pa.DataType]) -> pa.Table:
    schema = pa.schema([(n, types.get(n, pa.string())) for n in columns])
    return pa.table(columns, schema=schema)


def _probs(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<f4").reshape(-1, 3).copy()


class Pipeline:
    """A model loaded once, and the claims to score against.

    Args:
        model: a model folder or Hugging Face hub id; ``None`` is the
            default model (:func:`default_model`).
        targets: the claims (a string or a list); ``None`` is
            ``DEFAULT_TARGET``.
        backend: ``"auto"``, ``"candle"`` or ``"ort"`` (ONNX Runtime, found
            through the ``onnxruntime`` package or ``$ORT_DYLIB_PATH``).
        threads: threads in all (``None``: every core). Batches run side by
            side, one thread each.
        hypothesis: the template that makes a claim a hypothesis; ``{}``
            stands for the claim (``None``: ``DEFAULT_TEMPLATE``).
        batch_size: pairs per forward pass.
        precision: ``"auto"``, ``"fp32"`` or ``"bf16"`` (candle).
        quantized: run ``model_int8.onnx`` (ONNX Runtime).
        ort_lib: ONNX Runtime's shared library.
        cache: (sentence, claim) pairs whose scores a run remembers.
        any_language: score texts that look non-English too.
        min_speaker_confidence: drop attributions the speaker ranker gives
            less than this.
    """

    def __init__(
        self,
        model: Optional[str] = None,
        targets: Optional[Iterable[str]] = None,
        backend: str = "auto",
        threads: Optional[int] = None,
        hypothesis: Optional[str] = None,
        *,
        batch_size: int = 8,
        precision: str = "auto",
        quantized: bool = False,
        ort_lib: Optional[str] = None,
        cache: int = 100_000,
        any_language: bool = False,
        min_speaker_confidence: float = 0.0,
    ) -> None:
        self._inner = _stance.Pipeline(
            _model(model),
            _targets(targets),
            DEFAULT_TEMPLATE if hypothesis is None else hypothesis,
            backend=backend,
            threads=threads,
            batch_size=batch_size,
            precision=precision,
            quantized=quantized,
            ort_lib=None if ort_lib is None else os.fspath(ort_lib),
            cache=cache,
            any_language=any_language,
            min_speaker_confidence=min_speaker_confidence,
        )

    @property
    def targets(self) -> List[str]:
        """The claims every text is scored against."""
        return self._inner.targets

    @property
    def name(self) -> str:
        """The model's name."""
        return self._inner.name

    @property
    def backend(self) -> str:
        """The backend that runs the model, and its arithmetic."""
        return self._inner.backend

    def __repr__(self) -> str:
        return f"stance.Pipeline(model={self.name!r}, backend={self.backend!r}, targets={self.targets!r})"

    def run(
        self,
        texts: Any,
        ids: Optional[Sequence[Any]] = None,
        meta: Optional[Sequence[Sequence[Any]]] = None,
        *,
        text_col: str = "text",
        id_col: Optional[str] = None,
        keep: Optional[Sequence[str]] = None,
    ) -> pa.Table:
        """Find who said each sentence and score it against every claim.

        Args:
            texts: a list of article texts, or a pandas or polars DataFrame
                whose ``text_col`` holds them.
            ids: one id per text (default: its position, from 0); with a
                DataFrame, ``id_col`` names the column instead.
            meta: with a list of texts, one list of values per text for the
                ``keep`` columns.
            keep: names of metadata columns to carry into every row (from
                the DataFrame, or the names of ``meta``'s values).

        Returns:
            a pyarrow Table with the columns of ``sentences.csv``
            (``SENTENCE_COLUMNS``), then the kept columns, then
            ``document_topic``: the relevance gate's ruling on the row's
            document (``on``, ``off`` or empty), as documents.csv has it.
            Documents left out (not English) are named in a warning.
        """
        keep = list(keep or [])
        clash = [k for k in keep if k in SENTENCE_COLUMNS or k == "document_topic"]
        if clash:
            raise StanceError(
                f"keep: `{clash[0]}` is the name of a sentences column; rename it first"
            )
        if _is_frame(texts):
            df = texts
            text_list = _strings(_frame_column(df, text_col, "text_col"))
            if id_col is not None:
                ids = _frame_column(df, id_col, "id_col")
            if meta is not None:
                raise StanceError("meta: with a DataFrame, name its columns in keep instead")
            meta_cols = [_strings(_frame_column(df, k, "keep")) for k in keep]
            meta_rows = [list(r) for r in zip(*meta_cols)] if keep else None
        else:
            if isinstance(texts, str):
                raise StanceError("texts: give a list of texts (or a DataFrame), not one string")
            text_list = list(texts)
            for i, t in enumerate(text_list):
                if not isinstance(t, str):
                    raise StanceError(f"texts[{i}] is a {type(t).__name__}, not a str")
            meta_rows = None
            if meta is not None:
                meta_rows = [_strings(r) for r in meta]
                if len(meta_rows) != len(text_list):
                    raise StanceError(
                        f"{len(meta_rows)} metadata rows for {len(text_list)} texts: give one per text"
                    )
            elif keep:
                raise StanceError("keep: with a list of texts, give their values in meta")
        id_list = None if ids is None else _strings(ids)
        columns, errors = self._inner.run(text_list, id_list, meta_rows, keep)
        if errors:
            shown = "; ".join(f"{place}: {why}" for place, why in errors[:3])
            more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
            warnings.warn(f"stance left out {len(errors)} document(s): {shown}{more}", stacklevel=2)
        return pa.table(columns, schema=sentence_schema(keep))

    def summarize(self, rows: Any, by: str = "speaker", keep: Optional[Sequence[str]] = None) -> pa.Table:
        """Summaries of sentence rows (what :meth:`run` returned, or
        ``sentences.csv`` read back).

        Args:
            rows: a pyarrow Table, a pandas or polars DataFrame, or a dict
                of columns.
            by: ``"speaker"`` for the table of ``summary.csv``,
                ``"document"`` for ``documents.csv``, or a kept column
                (``"FIELD"``, or ``"FIELD:year"``, ``":month"``, ``":day"``
                for a date) for ``summary-by-group.csv``.
            keep: the rows' metadata columns (default: every column after
                sentences.csv's, as :meth:`run` and ``--keep`` put them).
        """
        return summarize(rows, by=by, targets=self.targets, keep=keep)

    def score(self, pairs: Iterable[Tuple[str, str]]) -> np.ndarray:
        """Score bare (sentence, claim) pairs, each claim through the
        hypothesis template: an array of shape (n, 3) holding favor,
        against and none."""
        pairs = list(pairs)
        sentences, claims = [], []
        for i, p in enumerate(pairs):
            if len(p) != 2:
                raise StanceError(f"pairs[{i}] has {len(p)} items, not (sentence, claim)")
            sentences.append(str(p[0]))
            claims.append(str(p[1]))
        return _probs(self._inner.score(sentences, claims))


_SHARED: Dict[Any, Pipeline] = {}
_SHARED_LOCK = threading.Lock()


def shared_pipeline(
    model: Optional[str] = None,
    targets: Optional[Iterable[str]] = None,
    backend: str = "auto",
    threads: Optional[int] = None,
    hypothesis: Optional[str] = None,
    **options: Any,
) -> Pipeline:
    """One :class:`Pipeline` per process for these arguments, made on the
    first call and returned after: for Spark and Ray workers, which run
    many tasks in one process and should load the model once."""
    key = (model, tuple(_targets(targets)), backend, threads, hypothesis, tuple(sorted(options.items())))
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = Pipeline(model, targets, backend, threads, hypothesis, **options)
        return _SHARED[key]


def summarize(
    rows: Any,
    by: str = "speaker",
    targets: Optional[Iterable[str]] = None,
    keep: Optional[Sequence[str]] = None,
) -> pa.Table:
    """:meth:`Pipeline.summarize` without a model; ``targets`` orders the
    summary (default: the order the rows name them)."""
    cols = _columns(rows)
    if keep is None:
        # The columns after sentences.csv's, as run() and `--keep` put them.
        keep = [c for c in cols if c not in SENTENCE_COLUMNS and c != "document_topic"]
    keep = list(keep)
    if targets is None:
        targets = list(dict.fromkeys(cols.get("target", [])))
    group = None
    if by not in ("speaker", "document"):
        group = by
        field = by.split(":", 1)[0]
        if field not in keep:
            if field in cols:
                keep = keep + [field]
            else:
                raise StanceError(
                    f"by={by!r}: give \"speaker\", \"document\", or a metadata column of the rows "
                    f"(they have: {', '.join(cols)})"
                )
    summary, documents, by_group = _stance.summarize(cols, _targets(targets), keep, group)
    if by == "speaker":
        return _typed(summary, _SUMMARY_TYPES)
    if by == "document":
        return _typed(documents, _SUMMARY_TYPES)
    return _typed(by_group, _SUMMARY_TYPES)


def _options(model: Optional[str], targets: Optional[Iterable[str]], hypothesis: Optional[str]):
    return _model(model), _targets(targets), DEFAULT_TEMPLATE if hypothesis is None else hypothesis


def run_files(
    paths: Any,
    out: str,
    *,
    model: Optional[str] = None,
    targets: Optional[Iterable[str]] = None,
    hypothesis: Optional[str] = None,
    **options: Any,
) -> Dict[str, Any]:
    """``stance run PATHS --out OUT``: the same folder of tables.

    ``paths`` is a path or a list of files and folders. Options take the
    command's flags with underscores: ``backend``, ``threads``,
    ``batch_size``, ``glob``, ``input_format``, ``text_field``,
    ``id_field``, ``title_field``, ``target_field``, ``keep``,
    ``group_by``, ``dup_ids``, ``skip_bad``, ``any_language``, ``shard``,
    ``cache``, ``format`` (``"csv"`` or ``"parquet"``), ``html``,
    ``overwrite``, ``min_speaker_confidence``, ``precision``,
    ``quantized``, ``ort_lib``, ``to_label`` (N: also write
    ``to-label.csv``). Returns what the run did: counts and speakers.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [os.fspath(p) for p in paths]
    for key in ("glob", "keep"):
        if isinstance(options.get(key), str):
            options[key] = [options[key]]
    if "ort_lib" in options and options["ort_lib"] is not None:
        options["ort_lib"] = os.fspath(options["ort_lib"])
    m, t, h = _options(model, targets, hypothesis)
    try:
        done = _stance.run_files(paths, os.fspath(out), m, t, h, **options)
    except TypeError as e:
        raise StanceError(f"run_files: {e}") from None
    return json.loads(done)


def eval(
    path: str,
    *,
    model: Optional[str] = None,
    target: Optional[str] = None,
    hypothesis: Optional[str] = None,
    **options: Any,
) -> Dict[str, Any]:
    """``stance eval PATH``: the metrics it prints, as a dict (what
    ``--out`` writes), with each example's probabilities under
    ``"probs"`` (an array of shape (n, 3)). Options: ``format``,
    ``split``, ``backend``, ``threads``, ``batch_size``, ``precision``,
    ``quantized``, ``ort_lib``."""
    m = _model(model)
    try:
        text, raw = _stance.eval(
            os.fspath(path),
            m,
            DEFAULT_TARGET if target is None else target,
            DEFAULT_TEMPLATE if hypothesis is None else hypothesis,
            **options,
        )
    except TypeError as e:
        raise StanceError(f"eval: {e}") from None
    metrics = json.loads(text)
    metrics["probs"] = _probs(raw)
    return metrics
