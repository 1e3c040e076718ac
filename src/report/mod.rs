//! Stage 5: write the CSVs.
//!
//! Everything is written into a staging folder inside the output folder
//! and moved into place only when the run succeeds, so a failed run never
//! leaves partial or mixed CSVs behind:
//!
//! - `sentences.csv`: one row per (sentence, target), see [`Row`];
//! - `speakers/<slug>.csv`: the same columns, one file per speaker;
//! - `summary.csv`: one row per (speaker, target), see [`SummaryRow`];
//! - `documents.csv`: one row per (document, target), see [`DocumentRow`];
//! - with a [`GroupBy`], `summary-by-group.csv`: one row per (speaker,
//!   target, group), see [`GroupRow`];
//! - `errors.csv`: the records left out, with where and why
//!   ([`ERROR_COLUMNS`]; only the header when none was).
//!
//! With [`OutputFormat::Parquet`] the same tables are written as `.parquet`
//! files instead (see [`parquet`](self::parquet); cargo feature `parquet`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Serialize, Serializer};

use crate::atomic::Staging;

pub mod html;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod svg;

/// A table's rows as text, one record at a time.
pub type Records = Box<dyn Iterator<Item = Result<csv::StringRecord>>>;

/// The header and rows of the table `name` (`sentences`, `summary`, …) in
/// the output folder `dir`, written in `format`.
pub fn read_table(
    dir: &Path,
    name: &str,
    format: OutputFormat,
) -> Result<(csv::StringRecord, Records)> {
    let path = dir.join(format!("{name}.{}", format.ext()));
    match format {
        OutputFormat::Csv => {
            let mut r = csv::Reader::from_path(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?;
            let header = r
                .headers()
                .with_context(|| format!("{}: cannot read", path.display()))?
                .clone();
            let rows = r
                .into_records()
                .map(move |rec| rec.with_context(|| format!("{}: cannot read", path.display())));
            Ok((header, Box::new(rows)))
        }
        #[cfg(feature = "parquet")]
        OutputFormat::Parquet => parquet::records(&path),
        #[cfg(not(feature = "parquet"))]
        OutputFormat::Parquet => {
            format.check_available()?;
            unreachable!("checked above")
        }
    }
}

/// The file format of the output tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum OutputFormat {
    #[default]
    Csv,
    /// Typed columns, Snappy-compressed (cargo feature `parquet`).
    Parquet,
}

impl OutputFormat {
    /// The tables' file extension.
    pub fn ext(self) -> &'static str {
        match self {
            OutputFormat::Csv => "csv",
            OutputFormat::Parquet => "parquet",
        }
    }

    /// The other format's extension, whose files an earlier run may have
    /// left in the output folder.
    fn other(self) -> OutputFormat {
        match self {
            OutputFormat::Csv => OutputFormat::Parquet,
            OutputFormat::Parquet => OutputFormat::Csv,
        }
    }

    /// The format a manifest's settings name (`csv` when they name none:
    /// runs before 0.4.0 wrote only CSV).
    pub fn from_name(name: Option<&str>) -> Result<Self> {
        match name {
            None | Some("csv") => Ok(OutputFormat::Csv),
            Some("parquet") => Ok(OutputFormat::Parquet),
            Some(other) => anyhow::bail!("unknown output format `{other}`"),
        }
    }

    /// Fails when this build cannot write the format.
    pub fn check_available(self) -> Result<()> {
        if self == OutputFormat::Parquet && !cfg!(feature = "parquet") {
            anyhow::bail!(
                "--format parquet: this stance was built without Parquet support; build it with \
                 `cargo install --features parquet` (or `cargo build --release --features parquet`)"
            );
        }
        Ok(())
    }
}

/// The staged CSV tables, which table type each is, when converted.
#[cfg(feature = "parquet")]
const TABLES: [(&str, parquet::Table); 5] = [
    ("sentences", parquet::Table::Sentences),
    ("summary", parquet::Table::Summary),
    ("summary-by-group", parquet::Table::Summary),
    ("documents", parquet::Table::Documents),
    ("errors", parquet::Table::Errors),
];
use crate::attribute::Kind;
use crate::score::Stance;
use crate::stats::GroupedMean;

/// Columns of `sentences.csv` and of each speaker file, in order.
pub const SENTENCE_COLUMNS: [&str; 20] = [
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "speaker",
    "kind",
    "mention",
    "cue",
    "target",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "stance",
    "score",
    "text",
    "mention_start",
    "mention_end",
    "clause_start",
    "clause_end",
    "nested_speaker",
];

/// The stable columns of `sentences.csv` before 0.5.0, which added
/// `clause_start`, `clause_end` and `nested_speaker`: an older table's
/// kept metadata start after these.
pub const SENTENCE_COLUMNS_BEFORE_0_5: usize = 17;

/// Columns of `documents.csv`, in order (the kept metadata follow).
pub const DOCUMENT_COLUMNS: [&str; 12] = [
    "doc_id",
    "target",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
    "on_topic",
    "on_topic_mean_score",
    "file",
    "line",
];

/// Columns of `summary-by-group.csv`: `summary.csv`'s, with `group` third.
pub const GROUP_COLUMNS: [&str; 14] = [
    "speaker",
    "target",
    "group",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
    "on_topic",
    "on_topic_mean_score",
    "on_topic_ci_low",
    "on_topic_ci_high",
    "documents",
];

/// How a date field is cut into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateUnit {
    Year,
    Month,
    Day,
}

/// Summary rows per group of documents: by the value of a kept metadata
/// field, or by a date field cut to a year, month or day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBy {
    /// The field, as named in `--keep` (it is kept).
    pub field: String,
    pub unit: Option<DateUnit>,
}

impl GroupBy {
    /// Parse `FIELD` or `FIELD:year|month|day`.
    pub fn parse(spec: &str) -> Result<Self> {
        let (field, unit) = match spec.rsplit_once(':') {
            Some((f, "year")) => (f, Some(DateUnit::Year)),
            Some((f, "month")) => (f, Some(DateUnit::Month)),
            Some((f, "day")) => (f, Some(DateUnit::Day)),
            Some((_, other)) => anyhow::bail!(
                "--group-by {spec}: `{other}` is not a date unit; use FIELD, FIELD:year, \
                 FIELD:month or FIELD:day"
            ),
            None => (spec, None),
        };
        if field.is_empty() {
            anyhow::bail!("--group-by {spec}: name a field");
        }
        Ok(GroupBy {
            field: field.to_string(),
            unit,
        })
    }

    /// A document's group from the field's value: the value itself, or
    /// for a date (`2024-05-01`, `2024-05-01T12:00Z`, `20240501…`) its
    /// year, month (`2024-05`) or day. A value that is no such date is its
    /// own group, as written; a missing one is the empty group.
    pub fn group(&self, value: &str) -> String {
        let Some(unit) = self.unit else {
            return value.to_string();
        };
        let v = value.trim();
        let digits = |s: &str| s.len() >= 2 && s.bytes().all(|b| b.is_ascii_digit());
        let (y, m, d) = if v.len() >= 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-' {
            (&v[0..4], &v[5..7], &v[8..10])
        } else if v.len() >= 8 && v.is_char_boundary(8) && digits(&v[..8]) {
            (&v[0..4], &v[4..6], &v[6..8])
        } else if v.len() == 7 && v.as_bytes()[4] == b'-' {
            (&v[0..4], &v[5..7], "")
        } else {
            return v.to_string();
        };
        if !(digits(y) && y.len() == 4 && digits(m) && (d.is_empty() || digits(d))) {
            return v.to_string();
        }
        match unit {
            DateUnit::Year => y.to_string(),
            DateUnit::Month => format!("{y}-{m}"),
            DateUnit::Day if !d.is_empty() => format!("{y}-{m}-{d}"),
            DateUnit::Day => v.to_string(),
        }
    }
}

/// A serialisable row as the fields csv would write.
fn fields_of<T: Serialize>(row: &T) -> Result<csv::StringRecord> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.serialize(row)?;
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    Ok(r.records().next().transpose()?.unwrap_or_default())
}

/// Where a run in progress writes its tables, inside the output folder.
/// A killed run leaves it for the next run of the same inputs and
/// settings to go on from.
pub const PARTIAL_DIR: &str = ".stance-partial";
/// The last checkpoint, in [`PARTIAL_DIR`].
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// How far a run got: written (atomically) after every chunk.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// The run's manifest key: only the same inputs and settings go on.
    pub key: String,
    /// Input records done (scored or left out).
    pub records_read: usize,
    /// Bytes of sentences.csv, documents.csv and errors.csv then.
    pub lengths: [u64; 3],
    /// The run's counts then.
    pub counts: serde_json::Value,
}

impl Checkpoint {
    /// The checkpoint an unfinished run left in `out_dir`, if any. A run
    /// stopped while its tables were being put in place (or converted to
    /// Parquet) has no staged tables left to go on from: it starts afresh.
    pub fn find(out_dir: &Path) -> Result<Option<Self>> {
        let partial = out_dir.join(PARTIAL_DIR);
        let path = partial.join(CHECKPOINT_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        if ["sentences.csv", "documents.csv", "errors.csv"]
            .iter()
            .any(|t| !partial.join(t).is_file())
        {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        serde_json::from_str(&text)
            .map(Some)
            .with_context(|| format!("{}: not a checkpoint; remove the folder", path.display()))
    }
}

/// Columns of `errors.csv`: the input, the line of the record (empty for a
/// whole file) and the reason it was left out.
pub const ERROR_COLUMNS: [&str; 3] = ["file", "line", "reason"];

/// Columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 13] = [
    "speaker",
    "target",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
    "on_topic",
    "on_topic_mean_score",
    "on_topic_ci_low",
    "on_topic_ci_high",
    "documents",
];

/// A sentence is on topic when its `none` probability is below this (a pair
/// a relevance gate ruled off-topic has `none` = 1).
pub const ON_TOPIC_NONE_BELOW: f32 = 0.5;
/// A speaker's position needs an on-topic mean score at least this far
/// from zero; closer is `none` (mixed or neutral).
pub const POSITION_MIN_SCORE: f64 = 0.1;

/// A speaker's position on a target from their on-topic sentences: `none`
/// without any, or when the mean score of those sentences is within
/// [`POSITION_MIN_SCORE`] of zero, or when the interval over documents
/// (when there are two or more; see [`GroupedMean`]) includes zero; else
/// the sign of the mean.
pub fn position(on_topic: usize, mean: f64, ci: Option<(f64, f64)>) -> Stance {
    if on_topic == 0 || mean.abs() < POSITION_MIN_SCORE {
        return Stance::None;
    }
    match ci {
        Some((lo, hi)) if lo <= 0.0 && hi >= 0.0 => Stance::None,
        _ if mean > 0.0 => Stance::Favor,
        _ => Stance::Against,
    }
}

fn six<S: Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{x:.6}"))
}

/// A probability or score as sentences.csv holds it (six decimals). The
/// summaries are computed from these, so that recomputing them from the
/// written rows (`stance merge`, a resumed run) gives the same bytes.
fn written(x: f32) -> f64 {
    format!("{x:.6}").parse().unwrap_or(f64::from(x))
}

/// One row of `sentences.csv`. Offsets are in Unicode characters into the
/// document text, end exclusive.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub doc_id: String,
    pub sentence_id: usize,
    pub start: usize,
    pub end: usize,
    pub speaker: String,
    pub kind: Kind,
    pub mention: String,
    pub cue: String,
    pub target: String,
    #[serde(serialize_with = "six")]
    pub favor: f32,
    #[serde(serialize_with = "six")]
    pub against: f32,
    #[serde(serialize_with = "six")]
    pub none: f32,
    pub stance: Stance,
    #[serde(serialize_with = "six")]
    pub score: f32,
    pub text: String,
    pub mention_start: Option<usize>,
    pub mention_end: Option<usize>,
    /// The clause this row's attribution covers, in characters: the
    /// sentence's span unless it holds several sources. Empty in tables
    /// from before 0.5.0.
    pub clause_start: Option<usize>,
    pub clause_end: Option<usize>,
    /// A source the speaker reports in turn (`X said Y claimed Z`: Y).
    pub nested_speaker: String,
    /// The document's kept metadata (`--keep`), one column each.
    pub meta: Vec<String>,
    /// The input the document came from, and its line in an archive (in
    /// documents.csv, not in this table).
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub line: Option<u64>,
}

impl Row {
    /// How many stable columns a `sentences` table with this header has
    /// before its kept metadata: all of [`SENTENCE_COLUMNS`], or the 17 of
    /// a table written before 0.5.0.
    pub fn stable_columns(header: &csv::StringRecord) -> usize {
        let new = SENTENCE_COLUMNS.len();
        if header.len() >= new && header.iter().zip(SENTENCE_COLUMNS).all(|(h, c)| h == c) {
            new
        } else {
            SENTENCE_COLUMNS_BEFORE_0_5
        }
    }

    /// Read a row back from a `sentences.csv` record with `stable` stable
    /// columns ([`Row::stable_columns`]; the metadata columns after them go
    /// to `meta`); `file` and `line` are the document's, from documents.csv.
    pub fn from_record(
        rec: &csv::StringRecord,
        stable: usize,
        file: &str,
        line: Option<u64>,
    ) -> std::result::Result<Row, String> {
        if rec.len() < stable {
            return Err(format!(
                "{} columns where sentences.csv has at least {stable}",
                rec.len(),
            ));
        }
        let num = |i: usize| -> std::result::Result<usize, String> {
            rec[i]
                .parse()
                .map_err(|_| format!("{} `{}` is not a number", SENTENCE_COLUMNS[i], &rec[i]))
        };
        let prob = |i: usize| -> std::result::Result<f32, String> {
            rec[i]
                .parse()
                .map_err(|_| format!("{} `{}` is not a number", SENTENCE_COLUMNS[i], &rec[i]))
        };
        let opt = |i: usize| -> std::result::Result<Option<usize>, String> {
            if rec[i].is_empty() {
                Ok(None)
            } else {
                num(i).map(Some)
            }
        };
        Ok(Row {
            doc_id: rec[0].to_string(),
            sentence_id: num(1)?,
            start: num(2)?,
            end: num(3)?,
            speaker: rec[4].to_string(),
            kind: Kind::from_name(&rec[5])
                .ok_or_else(|| format!("kind `{}` is unknown", &rec[5]))?,
            mention: rec[6].to_string(),
            cue: rec[7].to_string(),
            target: rec[8].to_string(),
            favor: prob(9)?,
            against: prob(10)?,
            none: prob(11)?,
            stance: Stance::from_name(&rec[12])
                .ok_or_else(|| format!("stance `{}` is unknown", &rec[12]))?,
            score: prob(13)?,
            text: rec[14].to_string(),
            mention_start: opt(15)?,
            mention_end: opt(16)?,
            clause_start: if stable > 17 { opt(17)? } else { None },
            clause_end: if stable > 18 { opt(18)? } else { None },
            nested_speaker: if stable > 19 {
                rec[19].to_string()
            } else {
                String::new()
            },
            meta: rec.iter().skip(stable).map(String::from).collect(),
            file: file.to_string(),
            line,
        })
    }
}

/// One row of `documents.csv`: a document's non-skipped sentences for one
/// target. `stance` is the document's [`position`] (there is no interval:
/// one document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRow {
    pub doc_id: String,
    pub target: String,
    pub sentences: usize,
    pub favor: usize,
    pub against: usize,
    pub none: usize,
    #[serde(serialize_with = "six")]
    pub mean_score: f32,
    pub stance: Stance,
    pub on_topic: usize,
    #[serde(serialize_with = "six_opt")]
    pub on_topic_mean_score: Option<f32>,
    pub file: String,
    pub line: Option<u64>,
    pub meta: Vec<String>,
}

/// A document's counts for one target, while its rows stream by.
#[derive(Debug, Clone, Default)]
struct DocAgg {
    sentences: usize,
    counts: [usize; 3],
    score_sum: f64,
    on_topic: usize,
    on_topic_sum: f64,
}

impl DocAgg {
    fn add(&mut self, row: &Row) {
        if row.kind == Kind::Skip {
            return;
        }
        self.sentences += 1;
        self.counts[row.stance.index()] += 1;
        self.score_sum += written(row.score);
        if written(row.none) < ON_TOPIC_NONE_BELOW as f64 {
            self.on_topic += 1;
            self.on_topic_sum += written(row.score);
        }
    }

    fn row(&self, doc: &CurrentDoc, target: &str) -> DocumentRow {
        let on_mean = (self.on_topic > 0).then(|| self.on_topic_sum / self.on_topic as f64);
        DocumentRow {
            doc_id: doc.doc_id.clone(),
            target: target.to_string(),
            sentences: self.sentences,
            favor: self.counts[0],
            against: self.counts[1],
            none: self.counts[2],
            mean_score: (self.score_sum / self.sentences.max(1) as f64) as f32,
            stance: position(self.on_topic, on_mean.unwrap_or(0.0), None),
            on_topic: self.on_topic,
            on_topic_mean_score: on_mean.map(|m| m as f32),
            file: doc.file.clone(),
            line: doc.line,
            meta: doc.meta.clone(),
        }
    }
}

/// The document whose rows are being written: its id, metadata, and
/// counts per target in the order targets first appear.
#[derive(Debug, Default)]
struct CurrentDoc {
    doc_id: String,
    file: String,
    line: Option<u64>,
    meta: Vec<String>,
    targets: Vec<(String, DocAgg)>,
}

/// One row of `summary.csv`: a speaker's sentences for one target.
/// `favor`, `against` and `none` count sentences by their stance label;
/// `mean_score` is the mean of favor − against over all of them; `stance`
/// is the speaker's [`position`], from the `on_topic` sentences only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub speaker: String,
    pub target: String,
    pub sentences: usize,
    pub favor: usize,
    pub against: usize,
    pub none: usize,
    #[serde(serialize_with = "six")]
    pub mean_score: f32,
    pub stance: Stance,
    /// Sentences whose `none` is below [`ON_TOPIC_NONE_BELOW`].
    pub on_topic: usize,
    /// Mean score of the on-topic sentences; empty without any.
    #[serde(serialize_with = "six_opt")]
    pub on_topic_mean_score: Option<f32>,
    /// 95% interval of `on_topic_mean_score` with documents as clusters
    /// (syndicated copies repeat quotes; see [`GroupedMean`]); empty with
    /// fewer than two documents.
    #[serde(serialize_with = "six_opt")]
    pub on_topic_ci_low: Option<f32>,
    #[serde(serialize_with = "six_opt")]
    pub on_topic_ci_high: Option<f32>,
    /// Documents the speaker's sentences come from.
    pub documents: usize,
}

fn six_opt<S: Serializer>(x: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_str(&format!("{v:.6}")),
        None => s.serialize_str(""),
    }
}

/// A speaker's rows for one target (and group), in bounded memory: rows
/// come document by document, so each document's on-topic sum is complete
/// when the next document starts.
#[derive(Debug, Default, Clone)]
struct Agg {
    sentences: usize,
    counts: [usize; 3],
    /// Σ score as written, the sum `on_topic` also keeps, so that the two
    /// means agree where every sentence is on topic.
    score_sum: f64,
    documents: usize,
    /// The current document's number and (on-topic score sum, count).
    current: Option<(u64, f64, usize)>,
    /// Finished documents' on-topic (sum, count).
    on_topic: GroupedMean,
}

impl Agg {
    fn add(&mut self, row: &Row, doc: u64) {
        self.sentences += 1;
        self.counts[row.stance.index()] += 1;
        self.score_sum += written(row.score);
        match &mut self.current {
            Some((d, _, _)) if *d == doc => {}
            _ => {
                if let Some((_, s, n)) = self.current.take() {
                    self.on_topic.push(s, n);
                }
                self.documents += 1;
                self.current = Some((doc, 0.0, 0));
            }
        }
        if written(row.none) < ON_TOPIC_NONE_BELOW as f64 {
            let c = self.current.as_mut().expect("set above");
            c.1 += written(row.score);
            c.2 += 1;
        }
    }

    fn summary(&self, speaker: &str, target: &str) -> SummaryRow {
        let mut on = self.on_topic.clone();
        if let Some((_, s, n)) = self.current {
            on.push(s, n);
        }
        let on_mean = on.mean();
        let ci = on.ci();
        SummaryRow {
            speaker: speaker.to_string(),
            target: target.to_string(),
            sentences: self.sentences,
            favor: self.counts[0],
            against: self.counts[1],
            none: self.counts[2],
            mean_score: (self.score_sum / self.sentences.max(1) as f64) as f32,
            stance: position(on.count(), on_mean.unwrap_or(0.0), ci),
            on_topic: on.count(),
            on_topic_mean_score: on_mean.map(|m| m as f32),
            on_topic_ci_low: ci.map(|c| c.0 as f32),
            on_topic_ci_high: ci.map(|c| c.1 as f32),
            documents: self.documents,
        }
    }
}

/// A CSV writer that leaves the header to the caller, so that a file with
/// no rows still has one.
fn headerless(f: File) -> csv::Writer<BufWriter<File>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(BufWriter::new(f))
}

/// Turn a speaker name into a file name: `Russian foreign ministry` →
/// `russian-foreign-ministry`.
pub fn slug(speaker: &str) -> String {
    let mut s = String::new();
    for c in speaker.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    let s: String = s.chars().take(80).collect();
    if s.is_empty() {
        "speaker".to_string()
    } else {
        s
    }
}

/// Writes one run's output. Dropping it without [`Report::finish`] removes
/// the staging folder and leaves the output folder as it was.
pub struct Report {
    out_dir: PathBuf,
    staging: Staging,
    sentences: Option<csv::Writer<BufWriter<File>>>,
    documents: Option<csv::Writer<BufWriter<File>>>,
    current: Option<CurrentDoc>,
    /// Number of the document whose rows are being written, and its id.
    doc_seq: u64,
    last_doc: Option<String>,
    /// With a key, every chunk is checkpointed for resuming.
    run_key: Option<String>,
    errors: Option<csv::Writer<BufWriter<File>>>,
    error_rows: usize,
    /// `manifest.json`'s text, committed after every table.
    manifest: Option<String>,
    agg: BTreeMap<(String, String), Agg>,
    /// With a [`GroupBy`]: its field's position among the kept metadata,
    /// and the rows per (speaker, target, group).
    group_by: Option<(GroupBy, usize)>,
    group_agg: BTreeMap<(String, String, String), Agg>,
    targets: Vec<String>,
    rows: usize,
    done: bool,
    /// The output folder did not exist before this run.
    created_out_dir: bool,
    format: OutputFormat,
}

/// What a finished run wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub rows: usize,
    /// Rows of `errors.csv`.
    pub errors: usize,
    pub speakers: Vec<(String, PathBuf)>,
    pub summary: Vec<SummaryRow>,
}

impl Report {
    /// Start a report in `out_dir` (created if needed). `targets` fixes the
    /// order of summary rows.
    pub fn create(out_dir: &Path, targets: &[String]) -> Result<Self> {
        Self::with_metadata(out_dir, targets, &[])
    }

    /// [`Report::create`], with a column per kept metadata field (named
    /// `meta`) after the stable columns of sentences.csv, the speaker files
    /// and documents.csv.
    pub fn with_metadata(out_dir: &Path, targets: &[String], meta: &[String]) -> Result<Self> {
        Self::grouped(out_dir, targets, meta, None)
    }

    /// [`Report::with_metadata`], and summary rows per group of documents
    /// (`summary-by-group.csv`); the group's field must be among `meta`.
    pub fn grouped(
        out_dir: &Path,
        targets: &[String],
        meta: &[String],
        group_by: Option<GroupBy>,
    ) -> Result<Self> {
        Self::open(out_dir, targets, meta, group_by, None)
    }

    /// [`Report::grouped`], going on from the last checkpoint of a run
    /// that was killed (see [`Checkpoint`]): the tables are cut back to
    /// what the checkpoint saw, and the summaries are rebuilt from the rows
    /// kept.
    pub fn resume(
        out_dir: &Path,
        targets: &[String],
        meta: &[String],
        group_by: Option<GroupBy>,
        from: &Checkpoint,
    ) -> Result<Self> {
        Self::open(out_dir, targets, meta, group_by, Some(from))
    }

    fn open(
        out_dir: &Path,
        targets: &[String],
        meta: &[String],
        group_by: Option<GroupBy>,
        resume: Option<&Checkpoint>,
    ) -> Result<Self> {
        let group_by = match group_by {
            None => None,
            Some(g) => {
                let Some(i) = meta.iter().position(|m| *m == g.field) else {
                    anyhow::bail!(
                        "--group-by {}: the field must be kept too (--keep {})",
                        g.field,
                        g.field
                    );
                };
                Some((g, i))
            }
        };
        let created_out_dir = !out_dir.exists();
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("{}: cannot create the output folder", out_dir.display()))?;
        // Staging folders of runs killed under stance 0.2 (named by their
        // process) can never be resumed: clear them.
        if let Ok(entries) = std::fs::read_dir(out_dir) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(".stance-staging-")
                {
                    std::fs::remove_dir_all(e.path()).ok();
                }
            }
        }
        let staging = match resume {
            Some(_) => Staging::reuse(out_dir, PARTIAL_DIR)?,
            None => Staging::new(out_dir, PARTIAL_DIR)?,
        };
        let table = |name: &str,
                     header: Vec<&str>,
                     keep: Option<u64>|
         -> Result<csv::Writer<BufWriter<File>>> {
            let path = staging.path().join(name);
            let cannot = || format!("{}: cannot write", path.display());
            match keep {
                // Cut back to the checkpoint: a killed run may have written
                // past it.
                Some(len) => {
                    let f = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .with_context(cannot)?;
                    f.set_len(len).with_context(cannot)?;
                    let f = std::fs::OpenOptions::new()
                        .append(true)
                        .open(&path)
                        .with_context(cannot)?;
                    Ok(headerless(f))
                }
                None => {
                    let mut w = headerless(File::create(&path).with_context(cannot)?);
                    w.write_record(header)?;
                    Ok(w)
                }
            }
        };
        let with_meta = |cols: &[&'static str]| -> Vec<&str> {
            cols.iter()
                .copied()
                .chain(meta.iter().map(String::as_str))
                .collect()
        };
        let lengths = resume.map(|c| c.lengths);
        let w = table(
            "sentences.csv",
            with_meta(&SENTENCE_COLUMNS),
            lengths.map(|l| l[0]),
        )?;
        let documents = table(
            "documents.csv",
            with_meta(&DOCUMENT_COLUMNS),
            lengths.map(|l| l[1]),
        )?;
        let errors = table("errors.csv", ERROR_COLUMNS.to_vec(), lengths.map(|l| l[2]))?;
        let mut report = Report {
            out_dir: out_dir.to_path_buf(),
            staging,
            sentences: Some(w),
            documents: Some(documents),
            current: None,
            doc_seq: 0,
            last_doc: None,
            errors: Some(errors),
            error_rows: 0,
            manifest: None,
            run_key: None,
            agg: BTreeMap::new(),
            group_by,
            group_agg: BTreeMap::new(),
            targets: targets.to_vec(),
            rows: 0,
            done: false,
            created_out_dir,
            format: OutputFormat::Csv,
        };
        if resume.is_some() {
            report.rebuild()?;
        }
        Ok(report)
    }

    /// Count the rows already written (a resumed run's) into the summaries.
    fn rebuild(&mut self) -> Result<()> {
        let path = self.staging.path().join("sentences.csv");
        let mut r = csv::Reader::from_path(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let stable = Row::stable_columns(
            r.headers()
                .with_context(|| format!("{}: cannot read", path.display()))?,
        );
        for (i, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
            let row = Row::from_record(&rec, stable, "", None)
                .map_err(|e| anyhow::anyhow!("{}: row {}: {e}", path.display(), i + 2))?;
            self.rows += 1;
            self.next_document(&row.doc_id);
            self.aggregate(&row);
        }
        let errors = self.staging.path().join("errors.csv");
        self.error_rows = csv::Reader::from_path(&errors)
            .with_context(|| format!("{}: cannot read", errors.display()))?
            .records()
            .count();
        Ok(())
    }

    /// Make what was written so far durable, and record how far the run
    /// got: `records_read` input records are done, and `counts` are the
    /// run's counts then. A run killed after this goes on from here.
    pub fn checkpoint(&mut self, records_read: usize, counts: serde_json::Value) -> Result<()> {
        let Some(key) = self.run_key.clone() else {
            return Ok(());
        };
        self.flush_document()?;
        let mut lengths = [0u64; 3];
        for (i, (name, w)) in [
            ("sentences.csv", &mut self.sentences),
            ("documents.csv", &mut self.documents),
            ("errors.csv", &mut self.errors),
        ]
        .into_iter()
        .enumerate()
        {
            let path = self.staging.path().join(name);
            let w = w.as_mut().expect("report already finished");
            w.flush()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            let f = w.get_ref().get_ref();
            f.sync_data()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            lengths[i] = f.metadata()?.len();
        }
        let cp = Checkpoint {
            key,
            records_read,
            lengths,
            counts,
        };
        crate::atomic::write_file(
            &self.staging.path().join(CHECKPOINT_FILE),
            (serde_json::to_string_pretty(&cp)? + "\n").as_bytes(),
        )
    }

    /// Write the finished tables in `format` (staged as CSV whatever it is).
    pub fn set_format(&mut self, format: OutputFormat) -> Result<()> {
        format.check_available()?;
        self.format = format;
        Ok(())
    }

    /// Checkpoint after every chunk, for resuming, as the run `key`.
    pub fn set_run_key(&mut self, key: String) {
        self.run_key = Some(key);
    }

    /// Append one row.
    pub fn write(&mut self, row: &Row) -> Result<()> {
        let w = self.sentences.as_mut().expect("report already finished");
        w.serialize(row)
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        self.rows += 1;
        self.next_document(&row.doc_id);
        self.add_to_document(row)?;
        self.aggregate(row);
        Ok(())
    }

    /// Number the documents as their rows come.
    fn next_document(&mut self, doc_id: &str) {
        if self.last_doc.as_deref() != Some(doc_id) {
            if self.last_doc.is_some() {
                self.doc_seq += 1;
            }
            self.last_doc = Some(doc_id.to_string());
        }
    }

    /// Count `row` into the summaries.
    fn aggregate(&mut self, row: &Row) {
        if row.kind != Kind::Skip {
            let doc = self.doc_seq;
            let key = (row.speaker.clone(), row.target.clone());
            self.agg.entry(key).or_default().add(row, doc);
            if let Some((g, i)) = &self.group_by {
                let group = g.group(row.meta.get(*i).map_or("", String::as_str));
                let key = (row.speaker.clone(), row.target.clone(), group);
                self.group_agg.entry(key).or_default().add(row, doc);
            }
        }
    }

    /// Count `row` in its document's row of documents.csv, writing the
    /// previous document's rows when a new document starts.
    fn add_to_document(&mut self, row: &Row) -> Result<()> {
        if self
            .current
            .as_ref()
            .is_some_and(|c| c.doc_id != row.doc_id)
        {
            self.flush_document()?;
        }
        let cur = self.current.get_or_insert_with(|| CurrentDoc {
            doc_id: row.doc_id.clone(),
            file: row.file.clone(),
            line: row.line,
            meta: row.meta.clone(),
            targets: Vec::new(),
        });
        match cur.targets.iter_mut().find(|(t, _)| *t == row.target) {
            Some((_, agg)) => agg.add(row),
            None => {
                let mut agg = DocAgg::default();
                agg.add(row);
                cur.targets.push((row.target.clone(), agg));
            }
        }
        Ok(())
    }

    fn flush_document(&mut self) -> Result<()> {
        let Some(cur) = self.current.take() else {
            return Ok(());
        };
        let w = self.documents.as_mut().expect("report already finished");
        for (target, agg) in &cur.targets {
            w.serialize(agg.row(&cur, target))
                .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        }
        Ok(())
    }

    /// Write `text` as `manifest.json` when the run finishes, after every
    /// table is in place (so a manifest saying `finished` never describes
    /// a half-written folder).
    pub fn set_manifest(&mut self, text: String) {
        self.manifest = Some(text);
    }

    /// Record an input or record left out, in `errors.csv`.
    pub fn error(&mut self, file: &str, line: Option<u64>, reason: &str) -> Result<()> {
        let w = self.errors.as_mut().expect("report already finished");
        w.write_record([
            file,
            &line.map(|l| l.to_string()).unwrap_or_default(),
            reason,
        ])
        .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        self.error_rows += 1;
        Ok(())
    }

    fn summary(&self) -> Vec<SummaryRow> {
        let target_rank: HashMap<&str, usize> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut per_speaker: HashMap<&str, usize> = HashMap::new();
        for ((s, _), a) in &self.agg {
            *per_speaker.entry(s.as_str()).or_default() += a.sentences;
        }
        let mut rows: Vec<SummaryRow> = self
            .agg
            .iter()
            .map(|((speaker, target), a)| a.summary(speaker, target))
            .collect();
        rows.sort_by(|a, b| {
            per_speaker[b.speaker.as_str()]
                .cmp(&per_speaker[a.speaker.as_str()])
                .then_with(|| a.speaker.cmp(&b.speaker))
                .then_with(|| {
                    let ra = target_rank
                        .get(a.target.as_str())
                        .copied()
                        .unwrap_or(usize::MAX);
                    let rb = target_rank
                        .get(b.target.as_str())
                        .copied()
                        .unwrap_or(usize::MAX);
                    ra.cmp(&rb)
                })
        });
        rows
    }

    /// Write the speaker files and the summary, then move everything into
    /// the output folder.
    pub fn finish(mut self) -> Result<Written> {
        let mut w = self.sentences.take().expect("report already finished");
        w.flush()
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        drop(w);
        self.flush_document()?;
        let mut d = self.documents.take().expect("report already finished");
        d.flush()
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        drop(d);
        let mut e = self.errors.take().expect("report already finished");
        e.flush()
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        drop(e);
        let summary = self.summary();

        // Summary.
        {
            let f = File::create(self.staging.path().join("summary.csv"))?;
            let mut sw = headerless(f);
            sw.write_record(SUMMARY_COLUMNS)?;
            for r in &summary {
                sw.serialize(r)?;
            }
            sw.flush()?;
        }

        // Per group: speakers and targets in summary.csv's order, groups
        // ascending.
        if self.group_by.is_some() {
            let rank: HashMap<(&str, &str), usize> = summary
                .iter()
                .enumerate()
                .map(|(i, r)| ((r.speaker.as_str(), r.target.as_str()), i))
                .collect();
            let mut keys: Vec<&(String, String, String)> = self.group_agg.keys().collect();
            keys.sort_by_key(|(s, t, g)| (rank.get(&(s.as_str(), t.as_str())), g.as_str()));
            let f = File::create(self.staging.path().join("summary-by-group.csv"))?;
            let mut gw = headerless(f);
            gw.write_record(GROUP_COLUMNS)?;
            for key in keys {
                let (speaker, target, group) = key;
                let row = self.group_agg[key].summary(speaker, target);
                let mut rec = fields_of(&row)?;
                let mut out = csv::StringRecord::new();
                for (i, f) in rec.iter().enumerate() {
                    if i == 2 {
                        out.push_field(group);
                    }
                    out.push_field(f);
                }
                rec.clear();
                gw.write_record(&out)?;
            }
            gw.flush()?;
        }

        // Speaker files: a slug per speaker, unique even when two names
        // fold to the same slug.
        let speakers_dir = self.staging.path().join("speakers");
        std::fs::create_dir_all(&speakers_dir)?;
        let mut names: Vec<&str> = self.agg.keys().map(|(s, _)| s.as_str()).collect();
        names.dedup();
        let mut used = HashSet::new();
        let mut slugs: HashMap<String, String> = HashMap::new();
        for name in names {
            let base = slug(name);
            let mut s = base.clone();
            let mut k = 2;
            while !used.insert(s.clone()) {
                s = format!("{base}-{k}");
                k += 1;
            }
            slugs.insert(name.to_string(), s);
        }
        split_by_speaker(
            &self.staging.path().join("sentences.csv"),
            &speakers_dir,
            &slugs,
        )?;

        let ext = self.format.ext();
        #[cfg(feature = "parquet")]
        if self.format == OutputFormat::Parquet {
            self.convert_to_parquet(&speakers_dir)?;
        }

        // Move into place: the speaker folder whole, then each file.
        let target_speakers = self.out_dir.join("speakers");
        self.staging
            .commit_dir(Some("speakers"), &target_speakers)?;
        for table in ["sentences", "summary", "documents", "errors"] {
            let f = format!("{table}.{ext}");
            self.staging.commit_file(&f, &self.out_dir.join(&f))?;
        }
        let grouped = format!("summary-by-group.{ext}");
        if self.group_by.is_some() {
            self.staging
                .commit_file(&grouped, &self.out_dir.join(&grouped))?;
        }
        // An earlier run's tables in the other format, or its groups, would
        // not match these rows.
        let other = self.format.other().ext();
        let mut stale: Vec<String> = ["sentences", "summary", "documents", "errors"]
            .iter()
            .map(|t| format!("{t}.{other}"))
            .collect();
        stale.push(format!("summary-by-group.{other}"));
        if self.group_by.is_none() {
            stale.push(grouped);
        }
        // An earlier run's page shows other rows; `--html` writes this
        // run's after.
        stale.push(html::REPORT_FILE.to_string());
        for name in stale {
            let path = self.out_dir.join(name);
            if path.exists() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("{}: cannot remove", path.display()))?;
            }
        }
        let manifest = self.out_dir.join(crate::manifest::MANIFEST_FILE);
        match &self.manifest {
            Some(text) => {
                std::fs::write(self.staging.path().join("manifest.json"), text)?;
                self.staging.commit_file("manifest.json", &manifest)?;
            }
            // An earlier run's manifest would describe other rows.
            None if manifest.exists() => std::fs::remove_file(&manifest)
                .with_context(|| format!("{}: cannot remove", manifest.display()))?,
            None => {}
        }
        self.done = true;
        let mut speakers: Vec<(String, PathBuf)> = slugs
            .into_iter()
            .map(|(n, s)| (n, target_speakers.join(format!("{s}.{ext}"))))
            .collect();
        speakers.sort();
        Ok(Written {
            rows: self.rows,
            errors: self.error_rows,
            speakers,
            summary,
        })
    }
}

#[cfg(feature = "parquet")]
impl Report {
    /// Replace every staged CSV table, speaker files included, by its
    /// Parquet twin.
    fn convert_to_parquet(&self, speakers_dir: &Path) -> Result<()> {
        let convert = |csv_path: &Path, table: parquet::Table| -> Result<()> {
            parquet::convert(csv_path, table, &csv_path.with_extension("parquet"))?;
            std::fs::remove_file(csv_path)
                .with_context(|| format!("{}: cannot remove", csv_path.display()))
        };
        for (name, table) in TABLES {
            let path = self.staging.path().join(format!("{name}.csv"));
            if path.exists() {
                convert(&path, table)?;
            }
        }
        let entries = std::fs::read_dir(speakers_dir)
            .with_context(|| format!("{}: cannot list", speakers_dir.display()))?;
        for e in entries {
            let path = e?.path();
            if path.extension().is_some_and(|x| x == "csv") {
                convert(&path, parquet::Table::Sentences)?;
            }
        }
        Ok(())
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if !self.done {
            self.sentences.take();
            self.documents.take();
            self.errors.take();
            // A run that failed after a checkpoint (disk full, a bad
            // record) keeps it: the same command goes on from there once
            // the cause is fixed, and other inputs are told about it.
            if self.staging.path().join(CHECKPOINT_FILE).is_file() {
                self.staging.keep();
                return;
            }
            // The staging folder would remove itself, but only after this;
            // the output folder must be empty by then to go too.
            std::fs::remove_dir_all(self.staging.path()).ok();
            if self.created_out_dir {
                // Only removes it if it is still empty.
                std::fs::remove_dir(&self.out_dir).ok();
            }
        }
    }
}

/// Copy the rows of `sentences` into one file per speaker, holding at most
/// a few hundred files open at once (archives can have many speakers).
fn split_by_speaker(sentences: &Path, dir: &Path, slugs: &HashMap<String, String>) -> Result<()> {
    const OPEN_AT_ONCE: usize = 256;
    let speaker_col = SENTENCE_COLUMNS
        .iter()
        .position(|c| *c == "speaker")
        .unwrap();
    let mut all: Vec<(&String, &String)> = slugs.iter().collect();
    all.sort();
    for group in all.chunks(OPEN_AT_ONCE) {
        let mut writers: HashMap<&str, csv::Writer<BufWriter<File>>> = HashMap::new();
        let mut r = csv::Reader::from_path(sentences)?;
        let header = r.byte_headers()?.clone();
        for (name, slug) in group {
            let f = File::create(dir.join(format!("{slug}.csv")))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_byte_record(&header)?;
            writers.insert(name.as_str(), w);
        }
        for rec in r.records() {
            let rec = rec?;
            if let Some(w) = writers.get_mut(&rec[speaker_col]) {
                w.write_record(&rec)?;
            }
        }
        for (_, mut w) in writers {
            w.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run killed while its tables were being moved into place left a
    /// checkpoint but not the staged tables it counts bytes of: going on
    /// from it would fail, so the next run starts afresh.
    #[test]
    fn a_checkpoint_without_its_staged_tables_is_not_gone_on_from() {
        let dir = tempfile::tempdir().unwrap();
        let partial = dir.path().join(PARTIAL_DIR);
        std::fs::create_dir_all(&partial).unwrap();
        let cp = Checkpoint {
            key: "k".into(),
            records_read: 3,
            lengths: [10, 10, 10],
            counts: serde_json::json!({}),
        };
        std::fs::write(
            partial.join(CHECKPOINT_FILE),
            serde_json::to_string(&cp).unwrap(),
        )
        .unwrap();
        for t in ["documents.csv", "errors.csv"] {
            std::fs::write(partial.join(t), "x").unwrap();
        }
        assert_eq!(Checkpoint::find(dir.path()).unwrap(), None);
        std::fs::write(partial.join("sentences.csv"), "x").unwrap();
        assert_eq!(Checkpoint::find(dir.path()).unwrap(), Some(cp));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Russian foreign ministry"), "russian-foreign-ministry");
        assert_eq!(slug("the report"), "the-report");
        assert_eq!(slug("U.S. Justice Department"), "u-s-justice-department");
        assert_eq!(slug("O’Rourke"), "o-rourke");
        assert_eq!(slug("..."), "speaker");
    }

    fn row(speaker: &str, kind: Kind, favor: f32, against: f32) -> Row {
        Row {
            doc_id: "d".into(),
            sentence_id: 0,
            start: 0,
            end: 1,
            speaker: speaker.into(),
            kind,
            mention: String::new(),
            cue: String::new(),
            target: "t".into(),
            favor,
            against,
            none: 1.0 - favor - against,
            stance: crate::score::Probs {
                favor,
                against,
                none: 1.0 - favor - against,
            }
            .stance(),
            score: favor - against,
            text: "x".into(),
            mention_start: None,
            mention_end: None,
            clause_start: Some(0),
            clause_end: Some(1),
            nested_speaker: String::new(),
            meta: Vec::new(),
            file: "f.jsonl".into(),
            line: Some(1),
        }
    }

    #[test]
    fn document_rows_take_their_stance_from_on_topic_sentences() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
        let mut doc = |id: &str, rows: &[(Kind, f32, f32)]| {
            for &(kind, favor, against) in rows {
                let mut x = row("Ann", kind, favor, against);
                x.doc_id = id.into();
                r.write(&x).unwrap();
            }
        };
        // Two on-topic favor sentences, one off topic, one skipped.
        doc(
            "d1",
            &[
                (Kind::Direct, 0.8, 0.1),
                (Kind::Direct, 0.7, 0.2),
                (Kind::Narration, 0.0, 0.0),
                (Kind::Skip, 0.0, 0.9),
            ],
        );
        // Mixed: on-topic mean within 0.1 of zero.
        doc("d2", &[(Kind::Direct, 0.6, 0.3), (Kind::Direct, 0.3, 0.6)]);
        // Only off-topic sentences.
        doc("d3", &[(Kind::Narration, 0.1, 0.1)]);
        // Only skipped sentences: still listed, with nothing counted.
        doc("d4", &[(Kind::Skip, 0.0, 0.9)]);
        r.finish().unwrap();
        let mut rd = csv::Reader::from_path(dir.path().join("documents.csv")).unwrap();
        let got: Vec<Vec<String>> = rd
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        let want = [
            [
                "d1", "t", "3", "2", "0", "1", "0.400000", "favor", "2", "0.600000", "f.jsonl", "1",
            ],
            [
                "d2", "t", "2", "1", "1", "0", "0.000000", "none", "2", "0.000000", "f.jsonl", "1",
            ],
            [
                "d3", "t", "1", "0", "0", "1", "0.000000", "none", "0", "", "f.jsonl", "1",
            ],
            [
                "d4", "t", "0", "0", "0", "0", "0.000000", "none", "0", "", "f.jsonl", "1",
            ],
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn dates_group_by_year_month_or_day() {
        let g = |spec: &str, v: &str| GroupBy::parse(spec).unwrap().group(v);
        assert_eq!(g("date:month", "2024-05-01"), "2024-05");
        assert_eq!(g("date:month", "2024-05-01T12:00:00Z"), "2024-05");
        assert_eq!(g("date:month", "20240501123000"), "2024-05");
        assert_eq!(g("date:year", "2024-05"), "2024");
        assert_eq!(g("date:day", "2024-05-01 08:00"), "2024-05-01");
        assert_eq!(g("date:month", "May 2024"), "May 2024");
        assert_eq!(g("date:month", ""), "");
        assert_eq!(g("outlet", "Herald"), "Herald");
        assert_eq!(g("a:b:month", "2024-05-01"), "2024-05");
        assert!(GroupBy::parse("date:week").is_err());
    }

    #[test]
    fn summary_counts_and_means_skip_excluded() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
        r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
        r.write(&row("Ann", Kind::Direct, 0.2, 0.7)).unwrap();
        r.write(&row("Ann", Kind::Indirect, 0.6, 0.3)).unwrap();
        r.write(&row("", Kind::Skip, 0.9, 0.0)).unwrap();
        let w = r.finish().unwrap();
        assert_eq!(w.rows, 4);
        assert_eq!(w.summary.len(), 1);
        let s = &w.summary[0];
        assert_eq!((s.sentences, s.favor, s.against, s.none), (3, 2, 1, 0));
        // mean favor 0.5333, mean against 0.3667
        assert!((s.mean_score - (1.6 - 1.1) / 3.0).abs() < 1e-5);
        assert_eq!(s.stance, Stance::Favor);
        assert!(dir.path().join("speakers/ann.csv").is_file());
        assert!(!dir.path().join("speakers/speaker.csv").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !leftovers.iter().any(|n| n.starts_with(".stance-")),
            "{leftovers:?}"
        );
    }

    /// Where every sentence is on topic, `mean_score` and
    /// `on_topic_mean_score` are one mean of one column: they were computed
    /// from the rounded favor and against on one side and the rounded
    /// score on the other, and differed in the sixth decimal.
    #[test]
    fn all_on_topic_speakers_have_one_mean() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
        // 0.8000006 and 0.1000004 round to 0.800001 and 0.100000, their
        // difference 0.7000002 to 0.700000.
        for _ in 0..3 {
            r.write(&row("Ann", Kind::Direct, 0.800_000_6, 0.100_000_4))
                .unwrap();
        }
        r.write(&row("Ann", Kind::Direct, 0.05, 0.9)).unwrap();
        let w = r.finish().unwrap();
        let s = &w.summary[0];
        assert_eq!(s.on_topic, s.sentences);
        assert_eq!(Some(s.mean_score), s.on_topic_mean_score);
        let text = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
        let cells: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(cells[6], cells[9], "{text}");
    }

    #[test]
    fn positions_come_from_on_topic_sentences() {
        assert_eq!(position(0, 0.0, None), Stance::None);
        assert_eq!(position(1, 0.8, None), Stance::Favor);
        assert_eq!(position(3, -0.3, None), Stance::Against);
        assert_eq!(position(3, 0.05, None), Stance::None);
        // An interval over documents that includes zero is too little.
        assert_eq!(position(9, 0.3, Some((-0.1, 0.6))), Stance::None);
        assert_eq!(position(9, 0.3, Some((0.1, 0.5))), Stance::Favor);

        // Off-topic sentences (none ≥ 0.5) do not dilute the position:
        // Bo says two clearly against things among many unrelated ones.
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
        for _ in 0..8 {
            r.write(&row("Bo", Kind::Direct, 0.0, 0.0)).unwrap();
        }
        r.write(&row("Bo", Kind::Direct, 0.05, 0.9)).unwrap();
        r.write(&row("Bo", Kind::Indirect, 0.1, 0.8)).unwrap();
        let mut other = row("Cy", Kind::Direct, 0.9, 0.05);
        other.doc_id = "d1".into();
        r.write(&other).unwrap();
        other.doc_id = "d2".into();
        r.write(&other).unwrap();
        let w = r.finish().unwrap();
        let bo = w.summary.iter().find(|s| s.speaker == "Bo").unwrap();
        assert_eq!((bo.sentences, bo.none, bo.on_topic), (10, 8, 2));
        assert_eq!(bo.stance, Stance::Against);
        assert!((bo.on_topic_mean_score.unwrap() + 0.775).abs() < 1e-6);
        assert!(bo.mean_score > -0.2, "the all-sentence mean is diluted");
        assert_eq!((bo.documents, bo.on_topic_ci_low), (1, None));
        let cy = w.summary.iter().find(|s| s.speaker == "Cy").unwrap();
        assert_eq!((cy.documents, cy.stance), (2, Stance::Favor));
        assert!((cy.on_topic_ci_low.unwrap() - 0.85).abs() < 1e-6);
        let text = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
        assert_eq!(text.lines().next().unwrap(), SUMMARY_COLUMNS.join(","));
    }

    #[test]
    fn dropped_report_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut r = Report::create(dir.path(), &[]).unwrap();
            r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let fresh = dir.path().join("new-out");
        drop(Report::create(&fresh, &[]).unwrap());
        assert!(!fresh.exists());
    }
}
