//! `stance._stance`: the Rust library as a Python extension. It only
//! converts: every rule lives in the `stance` crate. The Python package
//! (`python/stance/__init__.py`) wraps it with DataFrames, pyarrow and
//! model lookup.
//!
//! Tables cross the boundary as dicts of equal-length lists, one per
//! column, in the column order of the CSV they stand for; probabilities
//! and scores carry the six decimals the CSVs write, so that a table from
//! Python and one from `stance run` hold the same numbers. Errors become
//! `StanceError` with the library's message. Long work runs with the GIL
//! released, on the scorer's own threads.

use std::path::PathBuf;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use stance::attribute::Kind;
use stance::eval::stance::{evaluate, open as open_dataset, Format};
use stance::ingest::{DupIds, InputFormat, Shard};
use stance::pipeline::{documents_from_texts, run_documents, FolderRun, RunOptions};
use stance::report::{
    document_topic_name, parse_document_topic, summarize as summarize_rows, DocumentRow, GroupBy,
    OutputFormat, Row, SummaryRow,
};
use stance::score::{hypothesis, BackendChoice, PrecisionChoice, Scorer, ScorerRequest, Stance};

create_exception!(
    _stance,
    StanceError,
    PyException,
    "An error from stance; its message says what was wrong and what to do."
);

/// Documents a run left out: each one's place and why.
type LeftOut = Vec<(String, String)>;

fn err(e: anyhow::Error) -> PyErr {
    StanceError::new_err(format!("{e:#}"))
}

fn bad(msg: String) -> PyErr {
    StanceError::new_err(msg)
}

/// Probabilities as little-endian f32 bytes, favor, against and none of
/// each pair in turn (NumPy reads them without a copy per value).
fn probs_bytes<'py>(py: Python<'py>, probs: &[stance::score::Probs]) -> Bound<'py, PyBytes> {
    let mut bytes = Vec::with_capacity(probs.len() * 12);
    for p in probs {
        for x in [p.favor, p.against, p.none] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
    PyBytes::new(py, &bytes)
}

/// A probability or score as the CSVs write it: six decimals.
fn six(x: f32) -> f64 {
    (f64::from(x) * 1e6).round() / 1e6
}

fn backend_choice(name: &str) -> PyResult<BackendChoice> {
    match name {
        "auto" => Ok(BackendChoice::Auto),
        "candle" => Ok(BackendChoice::Candle),
        "ort" => Ok(BackendChoice::Ort),
        other => Err(bad(format!(
            "backend `{other}` is unknown: give \"auto\", \"candle\" or \"ort\""
        ))),
    }
}

fn precision_choice(name: &str) -> PyResult<PrecisionChoice> {
    match name {
        "auto" => Ok(PrecisionChoice::Auto),
        "fp32" => Ok(PrecisionChoice::Fp32),
        "bf16" => Ok(PrecisionChoice::Bf16),
        other => Err(bad(format!(
            "precision `{other}` is unknown: give \"auto\", \"fp32\" or \"bf16\""
        ))),
    }
}

/// The model options every entry point takes.
#[allow(clippy::too_many_arguments)]
fn request(
    model: String,
    backend: &str,
    precision: &str,
    threads: Option<usize>,
    batch_size: usize,
    quantized: bool,
    ort_lib: Option<PathBuf>,
) -> PyResult<ScorerRequest> {
    Ok(ScorerRequest {
        model: Some(model),
        backend: backend_choice(backend)?,
        precision: precision_choice(precision)?,
        threads,
        intra_threads: 1,
        batch_size,
        ort_lib,
        quantized,
    })
}

fn load(py: Python<'_>, req: &ScorerRequest) -> PyResult<Scorer> {
    let req = req.clone();
    py.detach(move || req.load()).map_err(err)
}

/// The sentence rows as columns: sentences.csv's, the kept metadata, then
/// `document_topic` (documents.csv's ruling, repeated on each row of the
/// document, so that the rows alone rebuild documents.csv).
fn sentence_columns<'py>(
    py: Python<'py>,
    rows: &[Row],
    keep: &[String],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    macro_rules! col {
        ($name:expr, |$r:ident| $e:expr) => {
            d.set_item($name, PyList::new(py, rows.iter().map(|$r: &Row| $e))?)?
        };
    }
    col!("doc_id", |r| r.doc_id.as_str());
    col!("sentence_id", |r| r.sentence_id);
    col!("start", |r| r.start);
    col!("end", |r| r.end);
    col!("speaker", |r| r.speaker.as_str());
    col!("kind", |r| r.kind.as_str());
    col!("mention", |r| r.mention.as_str());
    col!("cue", |r| r.cue.as_str());
    col!("target", |r| r.target.as_str());
    col!(Stance::NAMES[0], |r| r.favor.map(six));
    col!(Stance::NAMES[1], |r| r.against.map(six));
    col!(Stance::NAMES[2], |r| r.none.map(six));
    col!("stance", |r| r.stance.map(Stance::as_str));
    col!("score", |r| r.score.map(six));
    col!("text", |r| r.text.as_str());
    col!("mention_start", |r| r.mention_start);
    col!("mention_end", |r| r.mention_end);
    col!("clause_start", |r| r.clause_start);
    col!("clause_end", |r| r.clause_end);
    col!("nested_speaker", |r| r.nested_speaker.as_str());
    for (i, k) in keep.iter().enumerate() {
        col!(k.as_str(), |r| r.meta.get(i).map_or("", String::as_str));
    }
    col!("document_topic", |r| document_topic_name(r.document_topic));
    Ok(d)
}

/// summary.csv's columns (with `group` third when `groups` is given).
fn summary_columns<'py>(
    py: Python<'py>,
    rows: &[SummaryRow],
    groups: Option<&[String]>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    macro_rules! col {
        ($name:expr, |$r:ident| $e:expr) => {
            d.set_item(
                $name,
                PyList::new(py, rows.iter().map(|$r: &SummaryRow| $e))?,
            )?
        };
    }
    col!("speaker", |r| r.speaker.as_str());
    col!("target", |r| r.target.as_str());
    if let Some(g) = groups {
        d.set_item("group", PyList::new(py, g)?)?;
    }
    col!("sentences", |r| r.sentences);
    col!(Stance::NAMES[0], |r| r.favor);
    col!(Stance::NAMES[1], |r| r.against);
    col!(Stance::NAMES[2], |r| r.none);
    col!("mean_score", |r| six(r.mean_score));
    col!("stance", |r| r.stance.as_str());
    col!("on_topic", |r| r.on_topic);
    col!("on_topic_mean_score", |r| r.on_topic_mean_score.map(six));
    col!("on_topic_ci_low", |r| r.on_topic_ci_low.map(six));
    col!("on_topic_ci_high", |r| r.on_topic_ci_high.map(six));
    col!("documents", |r| r.documents);
    Ok(d)
}

/// documents.csv's columns, then the kept metadata.
fn document_columns<'py>(
    py: Python<'py>,
    rows: &[DocumentRow],
    keep: &[String],
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    macro_rules! col {
        ($name:expr, |$r:ident| $e:expr) => {
            d.set_item(
                $name,
                PyList::new(py, rows.iter().map(|$r: &DocumentRow| $e))?,
            )?
        };
    }
    col!("doc_id", |r| r.doc_id.as_str());
    col!("target", |r| r.target.as_str());
    col!("sentences", |r| r.sentences);
    col!(Stance::NAMES[0], |r| r.favor);
    col!(Stance::NAMES[1], |r| r.against);
    col!(Stance::NAMES[2], |r| r.none);
    col!("mean_score", |r| six(r.mean_score));
    col!("stance", |r| r.stance.as_str());
    col!("on_topic", |r| r.on_topic);
    col!("on_topic_mean_score", |r| r.on_topic_mean_score.map(six));
    col!("file", |r| r.file.as_str());
    col!("line", |r| r.line);
    col!("document_topic", |r| document_topic_name(r.document_topic));
    for (i, k) in keep.iter().enumerate() {
        col!(k.as_str(), |r| r.meta.get(i).map_or("", String::as_str));
    }
    Ok(d)
}

/// One column of a table handed in, as a list; `None` where the column
/// is missing and `required` is false.
fn column_list<'py>(
    cols: &Bound<'py, PyDict>,
    name: &str,
    n: usize,
    required: bool,
) -> PyResult<Option<Bound<'py, PyList>>> {
    let Some(v) = cols.get_item(name)? else {
        if required {
            let have: Vec<String> = cols.keys().iter().map(|k| k.to_string()).collect();
            return Err(bad(format!(
                "the rows have no column `{name}` (they have: {}); give the table Pipeline.run \
                 returned, or sentences.csv read back",
                have.join(", ")
            )));
        }
        return Ok(None);
    };
    let list = v.cast_into::<PyList>()?;
    if list.len() != n {
        return Err(bad(format!(
            "column `{name}` has {} values where the others have {n}",
            list.len()
        )));
    }
    Ok(Some(list))
}

/// A column of text; a missing cell (None) is empty, any other value its
/// `str()`.
fn texts(cols: &Bound<'_, PyDict>, name: &str, n: usize, required: bool) -> PyResult<Vec<String>> {
    let Some(list) = column_list(cols, name, n, required)? else {
        return Ok(vec![String::new(); n]);
    };
    list.iter()
        .map(|x| {
            if x.is_none() {
                Ok(String::new())
            } else {
                Ok(x.str()?.to_string())
            }
        })
        .collect()
}

/// A column of numbers: ints, floats, or their text (a CSV read as
/// strings); None, NaN and the empty string are missing.
fn numbers(
    cols: &Bound<'_, PyDict>,
    name: &str,
    n: usize,
    required: bool,
) -> PyResult<Vec<Option<f64>>> {
    let Some(list) = column_list(cols, name, n, required)? else {
        return Ok(vec![None; n]);
    };
    list.iter()
        .enumerate()
        .map(|(i, x)| {
            if x.is_none() {
                return Ok(None);
            }
            let v = match x.extract::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    let t = x.str()?.to_string();
                    if t.trim().is_empty() {
                        return Ok(None);
                    }
                    t.trim().parse::<f64>().map_err(|_| {
                        bad(format!("row {i}, column `{name}`: `{t}` is not a number"))
                    })?
                }
            };
            Ok((!v.is_nan()).then_some(v))
        })
        .collect()
}

/// Rows back from a dict of columns (what [`sentence_columns`] gives, or
/// sentences.csv read into a DataFrame).
fn rows_from_columns(cols: &Bound<'_, PyDict>, keep: &[String]) -> PyResult<Vec<Row>> {
    let n = match cols.get_item("doc_id")? {
        Some(v) => v.len()?,
        None => 0,
    };
    let text = |name: &str, required: bool| texts(cols, name, n, required);
    let float = |name: &str| -> PyResult<Vec<Option<f32>>> {
        Ok(numbers(cols, name, n, true)?
            .into_iter()
            .map(|x| x.map(|v| v as f32))
            .collect())
    };
    let count = |name: &str| -> PyResult<Vec<Option<usize>>> {
        numbers(cols, name, n, false)?
            .into_iter()
            .enumerate()
            .map(|(i, x)| match x {
                Some(v) if v < 0.0 || v.fract() != 0.0 => Err(bad(format!(
                    "row {i}, column `{name}`: `{v}` is not a count"
                ))),
                Some(v) => Ok(Some(v as usize)),
                None => Ok(None),
            })
            .collect()
    };
    let doc_id = text("doc_id", true)?;
    let speaker = text("speaker", true)?;
    let kind = text("kind", true)?;
    let target = text("target", true)?;
    let (favor, against, none, score) = (
        float(Stance::NAMES[0])?,
        float(Stance::NAMES[1])?,
        float(Stance::NAMES[2])?,
        float("score")?,
    );
    let stance = text("stance", true)?;
    let (sentence_id, start, end) = (count("sentence_id")?, count("start")?, count("end")?);
    let (mention_start, mention_end) = (count("mention_start")?, count("mention_end")?);
    let (clause_start, clause_end) = (count("clause_start")?, count("clause_end")?);
    let (mention, cue, text_col, nested) = (
        text("mention", false)?,
        text("cue", false)?,
        text("text", false)?,
        text("nested_speaker", false)?,
    );
    let topic = text("document_topic", false)?;
    let mut meta_cols = Vec::new();
    for k in keep {
        meta_cols.push(text(k, true)?);
    }
    let mut rows = Vec::with_capacity(n);
    for i in 0..n {
        let kind = Kind::from_name(&kind[i])
            .ok_or_else(|| bad(format!("row {i}: kind `{}` is unknown", kind[i])))?;
        let stance = match stance[i].as_str() {
            "" => None,
            s => Some(
                Stance::from_name(s)
                    .ok_or_else(|| bad(format!("row {i}: stance `{s}` is unknown")))?,
            ),
        };
        let document_topic =
            parse_document_topic(&topic[i]).map_err(|e| bad(format!("row {i}: {e}")))?;
        rows.push(Row {
            doc_id: doc_id[i].clone(),
            sentence_id: sentence_id[i].unwrap_or(0),
            start: start[i].unwrap_or(0),
            end: end[i].unwrap_or(0),
            speaker: speaker[i].clone(),
            kind,
            mention: mention[i].clone(),
            cue: cue[i].clone(),
            target: target[i].clone(),
            favor: favor[i],
            against: against[i],
            none: none[i],
            stance,
            score: score[i],
            text: text_col[i].clone(),
            mention_start: mention_start[i],
            mention_end: mention_end[i],
            clause_start: clause_start[i],
            clause_end: clause_end[i],
            nested_speaker: nested[i].clone(),
            meta: meta_cols.iter().map(|c| c[i].clone()).collect(),
            file: String::new(),
            line: None,
            document_topic,
        });
    }
    Ok(rows)
}

/// A loaded model and the run's settings. Made once (loading takes a
/// second or two), used for many runs.
#[pyclass(frozen, module = "stance._stance")]
struct Pipeline {
    scorer: Scorer,
    options: RunOptions,
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (model, targets, hypothesis, backend="auto", threads=None, batch_size=8,
        precision="auto", quantized=false, ort_lib=None, cache=100_000, any_language=false,
        min_speaker_confidence=0.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        model: String,
        targets: Vec<String>,
        hypothesis: String,
        backend: &str,
        threads: Option<usize>,
        batch_size: usize,
        precision: &str,
        quantized: bool,
        ort_lib: Option<PathBuf>,
        cache: usize,
        any_language: bool,
        min_speaker_confidence: f32,
    ) -> PyResult<Self> {
        if targets.is_empty() {
            return Err(bad("no targets: give at least one claim".into()));
        }
        for t in &targets {
            stance::score::hypothesis(&hypothesis, t).map_err(|e| err(e.context("hypothesis")))?;
        }
        if !(0.0..=1.0).contains(&min_speaker_confidence) {
            return Err(bad(format!(
                "min_speaker_confidence {min_speaker_confidence} is not a probability from 0 to 1"
            )));
        }
        let req = request(
            model, backend, precision, threads, batch_size, quantized, ort_lib,
        )?;
        let scorer = load(py, &req)?;
        let options = RunOptions {
            targets,
            template: hypothesis,
            cache_pairs: cache,
            any_language,
            attribution: stance::attribute::Options {
                min_speaker_confidence,
                ..Default::default()
            },
            ..RunOptions::default()
        };
        Ok(Pipeline { scorer, options })
    }

    /// The model's name and the backend that runs it.
    #[getter]
    fn name(&self) -> String {
        self.scorer.name().to_string()
    }

    #[getter]
    fn backend(&self) -> String {
        self.scorer.backend_label()
    }

    #[getter]
    fn targets(&self) -> Vec<String> {
        self.options.targets.clone()
    }

    #[getter]
    fn hypothesis(&self) -> String {
        self.options.template.clone()
    }

    /// Run texts through the pipeline: (columns, errors), where errors are
    /// (place, reason) of the documents left out.
    #[pyo3(signature = (texts, ids=None, meta=None, keep=Vec::new()))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        ids: Option<Vec<String>>,
        meta: Option<Vec<Vec<String>>>,
        keep: Vec<String>,
    ) -> PyResult<(Bound<'py, PyDict>, LeftOut)> {
        if let Some(m) = &meta {
            if let Some((i, row)) = m.iter().enumerate().find(|(_, r)| r.len() != keep.len()) {
                return Err(bad(format!(
                    "metadata row {i} has {} values for {} kept columns",
                    row.len(),
                    keep.len()
                )));
            }
        }
        let mut opts = self.options.clone();
        opts.read.fields.keep = keep.clone();
        let (collected, _) = py
            .detach(|| -> anyhow::Result<_> {
                let docs = documents_from_texts(texts, ids, meta)?;
                run_documents(docs, &self.scorer, &opts)
            })
            .map_err(err)?;
        let errors = collected
            .errors
            .into_iter()
            .map(|e| (e.file, e.reason))
            .collect();
        Ok((sentence_columns(py, &collected.rows, &keep)?, errors))
    }

    /// Score bare (sentence, claim) pairs: favor, against and none of each,
    /// as little-endian f32 bytes, three per pair.
    fn score<'py>(
        &self,
        py: Python<'py>,
        sentences: Vec<String>,
        claims: Vec<String>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        if sentences.len() != claims.len() {
            return Err(bad(format!(
                "{} sentences and {} claims: give one claim per sentence",
                sentences.len(),
                claims.len()
            )));
        }
        let hyps: Vec<String> = claims
            .iter()
            .map(|c| hypothesis(&self.options.template, c))
            .collect::<anyhow::Result<_>>()
            .map_err(err)?;
        let probs = py
            .detach(|| {
                let pairs: Vec<(&str, &str)> = sentences
                    .iter()
                    .map(String::as_str)
                    .zip(hyps.iter().map(String::as_str))
                    .collect();
                self.scorer.score(&pairs)
            })
            .map_err(err)?
            .0;
        Ok(probs_bytes(py, &probs))
    }
}

/// summary.csv, documents.csv and (with `group_by`) summary-by-group.csv
/// from sentence rows, as three dicts of columns (the last empty without
/// a group).
#[pyfunction]
#[pyo3(signature = (columns, targets, keep=Vec::new(), group_by=None))]
fn summarize<'py>(
    py: Python<'py>,
    columns: Bound<'py, PyDict>,
    targets: Vec<String>,
    keep: Vec<String>,
    group_by: Option<String>,
) -> PyResult<(Bound<'py, PyDict>, Bound<'py, PyDict>, Bound<'py, PyDict>)> {
    let rows = rows_from_columns(&columns, &keep)?;
    let group = group_by
        .as_deref()
        .map(GroupBy::parse)
        .transpose()
        .map_err(err)?;
    let t = summarize_rows(&rows, &targets, &keep, group).map_err(err)?;
    let (groups, by_group): (Vec<String>, Vec<SummaryRow>) = t.by_group.into_iter().unzip();
    Ok((
        summary_columns(py, &t.summary, None)?,
        document_columns(py, &t.documents, &keep)?,
        summary_columns(py, &by_group, Some(&groups))?,
    ))
}

/// `stance eval`: the metrics as JSON text, and each example's
/// probabilities as little-endian f32 bytes.
#[pyfunction]
#[pyo3(signature = (path, model, target, hypothesis, format=None, split=None, backend="auto",
    threads=None, batch_size=8, precision="auto", quantized=false, ort_lib=None))]
#[allow(clippy::too_many_arguments)]
fn eval<'py>(
    py: Python<'py>,
    path: PathBuf,
    model: String,
    target: String,
    hypothesis: String,
    format: Option<String>,
    split: Option<String>,
    backend: &str,
    threads: Option<usize>,
    batch_size: usize,
    precision: &str,
    quantized: bool,
    ort_lib: Option<PathBuf>,
) -> PyResult<(String, Bound<'py, PyBytes>)> {
    let format = match format.as_deref() {
        None => None,
        Some("snli") => Some(Format::Snli),
        Some("csv") => Some(Format::Csv),
        Some("jsonl") => Some(Format::Jsonl),
        Some(other) => {
            return Err(bad(format!(
                "format `{other}` is unknown: give \"snli\", \"csv\" or \"jsonl\""
            )))
        }
    };
    let req = request(
        model, backend, precision, threads, batch_size, quantized, ort_lib,
    )?;
    let (json, probs) = py
        .detach(|| -> anyhow::Result<_> {
            let data = open_dataset(&path, format, split.as_deref())?;
            let hyps = data.hypotheses(&hypothesis, &target)?;
            let scorer = req.load()?;
            let ev = evaluate(&data, &hyps, &scorer)?;
            Ok((ev.to_json()?.to_string(), ev.probs))
        })
        .map_err(err)?;
    Ok((json, probs_bytes(py, &probs)))
}

/// `stance run` into a folder: what it did, as JSON text.
#[pyfunction]
#[pyo3(signature = (paths, out, model, targets, hypothesis, backend="auto", threads=None,
    batch_size=8, precision="auto", quantized=false, ort_lib=None, glob=Vec::new(),
    input_format=None, text_field="text".to_string(), id_field="id".to_string(),
    title_field=None, target_field=None, keep=Vec::new(), group_by=None, dup_ids="error",
    skip_bad=false, any_language=false, shard=None, cache=100_000, format="csv", html=false,
    overwrite=false, min_speaker_confidence=0.0, chunk_docs=64, to_label=None))]
#[allow(clippy::too_many_arguments)]
fn run_files(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    out: PathBuf,
    model: String,
    targets: Vec<String>,
    hypothesis: String,
    backend: &str,
    threads: Option<usize>,
    batch_size: usize,
    precision: &str,
    quantized: bool,
    ort_lib: Option<PathBuf>,
    glob: Vec<String>,
    input_format: Option<String>,
    text_field: String,
    id_field: String,
    title_field: Option<String>,
    target_field: Option<String>,
    keep: Vec<String>,
    group_by: Option<String>,
    dup_ids: &str,
    skip_bad: bool,
    any_language: bool,
    shard: Option<String>,
    cache: usize,
    format: &str,
    html: bool,
    overwrite: bool,
    min_speaker_confidence: f32,
    chunk_docs: usize,
    to_label: Option<usize>,
) -> PyResult<String> {
    let input_format = match input_format.as_deref() {
        None => None,
        Some("text") => Some(InputFormat::Text),
        Some("jsonl") => Some(InputFormat::Jsonl),
        Some("csv") => Some(InputFormat::Csv),
        Some("tsv") => Some(InputFormat::Tsv),
        Some(other) => {
            return Err(bad(format!(
                "input_format `{other}` is unknown: give \"text\", \"jsonl\", \"csv\" or \"tsv\""
            )))
        }
    };
    let dup_ids = match dup_ids {
        "error" => DupIds::Error,
        "suffix" => DupIds::Suffix,
        "skip" => DupIds::Skip,
        other => {
            return Err(bad(format!(
                "dup_ids `{other}` is unknown: give \"error\", \"suffix\" or \"skip\""
            )))
        }
    };
    if !(0.0..=1.0).contains(&min_speaker_confidence) {
        return Err(bad(format!(
            "min_speaker_confidence {min_speaker_confidence} is not a probability from 0 to 1"
        )));
    }
    let format = OutputFormat::from_name(Some(format)).map_err(err)?;
    let shard = Shard::choose(shard.as_deref(), |_| None).map_err(|e| bad(e.to_string()))?;
    let req = request(
        model, backend, precision, threads, batch_size, quantized, ort_lib,
    )?;
    let mut job = FolderRun::new(paths, out);
    job.glob = glob;
    job.group_by = group_by;
    job.format = format;
    job.html = html;
    job.overwrite = overwrite;
    job.quantized = quantized;
    job.to_label = to_label;
    job.options = RunOptions {
        targets,
        template: hypothesis,
        chunk_docs: chunk_docs.max(1),
        dup_ids,
        skip_bad,
        any_language,
        shard,
        cache_pairs: cache,
        attribution: stance::attribute::Options {
            min_speaker_confidence,
            ..Default::default()
        },
        ..RunOptions::default()
    };
    job.options.read.input_format = input_format;
    job.options.read.fields.text = text_field;
    job.options.read.fields.id = id_field;
    job.options.read.fields.title = title_field;
    job.options.read.fields.targets = target_field;
    job.options.read.fields.keep = keep;
    let done = py
        .detach(|| -> anyhow::Result<_> {
            // Settings and inputs are checked before the model loads.
            let checked = job.check()?;
            let scorer = req.load()?;
            checked
                .open(&scorer)?
                .run(&scorer, stance::progress::Mode::Quiet, Default::default())
        })
        .map_err(err)?;
    let s = &done.stats;
    Ok(serde_json::json!({
        "out": job.out,
        "records_read": s.read,
        "documents": s.documents,
        "sentences": s.sentences,
        "rows": done.written.rows,
        "left_out": done.written.errors,
        "not_english": s.not_english,
        "other_shards": s.other_shards,
        "cached_pairs": s.cached_pairs,
        "speakers": done.written.speakers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "to_label": done.to_label,
    })
    .to_string())
}

#[pymodule]
fn _stance(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // One thread per layer (the command line's default), unless
    // RAYON_NUM_THREADS says otherwise: batches run side by side on the
    // scorer's own threads. Set at import, before any scorer thread.
    stance::score::pin_layer_threads(1);
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_TARGET", stance::pipeline::DEFAULT_TARGET)?;
    m.add("DEFAULT_TEMPLATE", stance::pipeline::DEFAULT_TEMPLATE)?;
    m.add(
        "SENTENCE_COLUMNS",
        stance::report::SENTENCE_COLUMNS.to_vec(),
    )?;
    m.add("SUMMARY_COLUMNS", stance::report::SUMMARY_COLUMNS.to_vec())?;
    m.add(
        "DOCUMENT_COLUMNS",
        stance::report::DOCUMENT_COLUMNS.to_vec(),
    )?;
    m.add_class::<Pipeline>()?;
    m.add_function(wrap_pyfunction!(summarize, m)?)?;
    m.add_function(wrap_pyfunction!(eval, m)?)?;
    m.add_function(wrap_pyfunction!(run_files, m)?)?;
    Ok(())
}
