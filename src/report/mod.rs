//! Stage 5: write the CSVs.
//!
//! Everything is written into a staging folder inside the output folder
//! and moved into place only when the run succeeds, so a failed run never
//! leaves partial or mixed CSVs behind:
//!
//! - `sentences.csv`: one row per (sentence, target), see [`Row`]
//!   (`sentences.rs`);
//! - `speakers/<slug>.csv`: the same columns, one file per speaker
//!   (`speakers.rs`);
//! - `summary.csv`: one row per (speaker, target), see [`SummaryRow`] and
//!   the [`position`] rule (`summary.rs`);
//! - `documents.csv`: one row per (document, target), see [`DocumentRow`]
//!   (`documents.rs`);
//! - with a [`GroupBy`], `summary-by-group.csv`: one row per (speaker,
//!   target, group), `summary.csv`'s columns with `group` third
//!   (`groups.rs`);
//! - `errors.csv`: the records left out, with where and why
//!   ([`ERROR_COLUMNS`]; only the header when none was).
//!
//! With [`OutputFormat::Parquet`] the same tables are written as `.parquet`
//! files instead (the `parquet` module; cargo feature `parquet`).

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Serialize, Serializer};

use crate::atomic::Staging;

mod documents;
mod groups;
pub mod html;
#[cfg(feature = "parquet")]
pub mod parquet;
mod sentences;
mod speakers;
mod summary;
pub mod svg;
mod tables;
#[cfg(test)]
mod tests;
pub mod to_label;

pub use documents::{document_topic_name, parse_document_topic, DocumentRow, DOCUMENT_COLUMNS};
pub use groups::{DateUnit, GroupBy, GROUP_COLUMNS};
pub use sentences::{Row, SENTENCE_COLUMNS, SENTENCE_COLUMNS_BEFORE_0_5};
pub use speakers::slug;
use speakers::split_by_speaker;
pub use summary::{
    position, Evidence, SummaryRow, ON_TOPIC_NONE_BELOW, POSITION_MIN_SCORE, SUMMARY_COLUMNS,
};
pub use tables::{summarize, Summaries, Tables};

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

fn six<S: Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{x:.6}"))
}

fn six_opt<S: Serializer>(x: &Option<f32>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => s.serialize_str(&format!("{v:.6}")),
        None => s.serialize_str(""),
    }
}

/// A probability or score as sentences.csv holds it (six decimals). The
/// summaries are computed from these, so that recomputing them from the
/// written rows (`stance merge`, a resumed run) gives the same bytes.
fn written(x: f32) -> f64 {
    format!("{x:.6}").parse().unwrap_or(f64::from(x))
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

/// A CSV writer that leaves the header to the caller, so that a file with
/// no rows still has one.
fn headerless(f: File) -> csv::Writer<BufWriter<File>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(BufWriter::new(f))
}

/// Writes one run's output. Dropping it without [`Report::finish`] removes
/// the staging folder and leaves the output folder as it was.
pub struct Report {
    out_dir: PathBuf,
    staging: Staging,
    sentences: Option<csv::Writer<BufWriter<File>>>,
    documents: Option<csv::Writer<BufWriter<File>>>,
    /// With a key, every chunk is checkpointed for resuming.
    run_key: Option<String>,
    errors: Option<csv::Writer<BufWriter<File>>>,
    error_rows: usize,
    /// `manifest.json`'s text, committed after every table.
    manifest: Option<String>,
    /// summary.csv, documents.csv and summary-by-group.csv as the rows
    /// come.
    tables: Summaries,
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
        let tables = Summaries::new(targets, meta, group_by)?;
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
            errors: Some(errors),
            error_rows: 0,
            manifest: None,
            run_key: None,
            tables,
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
            self.tables.count(&row);
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
        self.tables.count(row);
        let done = self.tables.document(row);
        self.write_documents(&done)
    }

    fn write_documents(&mut self, rows: &[DocumentRow]) -> Result<()> {
        let w = self.documents.as_mut().expect("report already finished");
        for r in rows {
            w.serialize(r)
                .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        }
        Ok(())
    }

    fn flush_document(&mut self) -> Result<()> {
        let done = self.tables.end_document();
        self.write_documents(&done)
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
        let summary = self.tables.summary();

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
        if self.tables.grouped() {
            let f = File::create(self.staging.path().join("summary-by-group.csv"))?;
            let mut gw = headerless(f);
            gw.write_record(GROUP_COLUMNS)?;
            for (group, row) in self.tables.by_group(&summary) {
                let mut rec = fields_of(&row)?;
                let mut out = csv::StringRecord::new();
                for (i, f) in rec.iter().enumerate() {
                    if i == 2 {
                        out.push_field(&group);
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
        let names = self.tables.speakers();
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
        if self.tables.grouped() {
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
        if !self.tables.grouped() {
            stale.push(grouped);
        }
        // An earlier run's page shows other rows; `--html` writes this
        // run's after.
        stale.push(html::REPORT_FILE.to_string());
        // Likewise an earlier run's sentences to label; `--to-label` writes
        // this run's after.
        stale.push(to_label::TO_LABEL_FILE.to_string());
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
