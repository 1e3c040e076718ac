//! `stance merge`: combine the output folders of a sharded run.
//!
//! ```text
//! stance merge OUT SHARD_DIR... [--to-label N]
//! ```
//!
//! Each SHARD_DIR is a finished `stance run --shard K/N` of the same inputs
//! and settings (the same manifest key), every shard 1..N exactly once, in
//! any order. The rows come out in the order a single run would write
//! them (input order), and `summary.csv`, `summary-by-group.csv`,
//! `documents.csv` and the speaker files are computed again from the rows,
//! never by averaging averages: the output is the single run's, byte for
//! byte. The shards' format (`--format` of their run) is the output's.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use stance::ingest::Shard;
use stance::manifest::Manifest;
use stance::report::{GroupBy, OutputFormat, Records, Report, Row};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The merged output folder.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// The shards' output folders.
    #[arg(required = true, value_name = "SHARD_DIR")]
    pub shards: Vec<PathBuf>,
    /// Also write OUT/to-label.csv from the merged rows (as `stance run
    /// --to-label N` does).
    #[arg(long, value_name = "N")]
    pub to_label: Option<usize>,
}

/// Open `dir`'s table `name` (`documents`, …) in `format`.
fn table(dir: &Path, name: &str, format: OutputFormat) -> Result<Records> {
    Ok(stance::report::read_table(dir, name, format)?.1)
}

/// One shard's documents and rows, read in step.
struct Cursor {
    docs: std::iter::Peekable<Records>,
    /// The column of documents.csv with the gate's ruling on the document
    /// (absent in tables from before 0.12.0).
    topic_col: Option<usize>,
    rows: std::iter::Peekable<Records>,
    /// Stable columns of the shard's sentences table (fewer in a shard
    /// written before 0.5.0).
    stable: usize,
    /// The next document.
    next: Option<Doc>,
    dir: PathBuf,
    format: OutputFormat,
}

/// A document of documents.csv: its id, where it came from, and the
/// gate's ruling on it for each target.
#[derive(Debug, Clone)]
struct Doc {
    id: String,
    file: String,
    line: Option<u64>,
    topic: HashMap<String, Option<bool>>,
}

impl Cursor {
    fn open(dir: &Path, format: OutputFormat) -> Result<Self> {
        let (header, rows) = stance::report::read_table(dir, "sentences", format)?;
        let (doc_header, docs) = stance::report::read_table(dir, "documents", format)?;
        let mut c = Cursor {
            docs: docs.peekable(),
            topic_col: doc_header.iter().position(|h| h == "document_topic"),
            rows: rows.peekable(),
            stable: Row::stable_columns(&header),
            next: None,
            dir: dir.to_path_buf(),
            format,
        };
        c.advance()?;
        Ok(c)
    }

    /// Move to the next document of documents.csv (one row per target).
    fn advance(&mut self) -> Result<()> {
        let where_ = || format!("{}/documents.{}", self.dir.display(), self.format.ext());
        let Some(rec) = self.docs.next() else {
            self.next = None;
            return Ok(());
        };
        let rec = rec?;
        let line = match rec.get(11) {
            Some("") | None => None,
            Some(l) => Some(
                l.parse()
                    .with_context(|| format!("{}: line `{l}` is not a number", where_()))?,
            ),
        };
        let mut doc = Doc {
            id: rec[0].to_string(),
            file: rec.get(10).unwrap_or_default().to_string(),
            line,
            topic: HashMap::new(),
        };
        let topic = |rec: &csv::StringRecord| -> Result<Option<bool>> {
            let Some(i) = self.topic_col else {
                return Ok(None);
            };
            stance::report::parse_document_topic(rec.get(i).unwrap_or_default())
                .map_err(|e| anyhow::anyhow!("{}: {e}", where_()))
        };
        doc.topic.insert(rec[1].to_string(), topic(&rec)?);
        while let Some(r) = self
            .docs
            .next_if(|r| r.as_ref().is_ok_and(|r| r[0] == *doc.id))
        {
            let r = r?;
            doc.topic.insert(r[1].to_string(), topic(&r)?);
        }
        self.next = Some(doc);
        Ok(())
    }
}

pub fn main(args: MergeArgs) -> Result<()> {
    let mut shards: Vec<(PathBuf, Manifest, Shard)> = Vec::new();
    for dir in &args.shards {
        let m = Manifest::read(dir)?.with_context(|| {
            format!(
                "{}: no manifest.json; give the output folders of `stance run --shard K/N`",
                dir.display()
            )
        })?;
        if !m.finished {
            bail!(
                "{}: that run did not finish; run its shard again",
                dir.display()
            );
        }
        let shard = m
            .shard
            .as_deref()
            .with_context(|| {
                format!(
                    "{}: not a shard (it was run without --shard)",
                    dir.display()
                )
            })
            .and_then(|s| Shard::parse(s).map_err(anyhow::Error::msg))?;
        shards.push((dir.clone(), m, shard));
    }
    let (first_dir, first, first_shard) = &shards[0];
    let n = first_shard.n;
    for (dir, m, s) in &shards[1..] {
        if m.key != first.key && m.backend != first.backend {
            bail!(
                "{} ran on {} but {} on {}: the shards of one run must score alike. On a cluster \
                 whose CPUs differ (bf16 on some), give every shard the same --backend and \
                 --precision (for example --precision fp32) and rerun the odd ones",
                first_dir.display(),
                first.backend,
                dir.display(),
                m.backend
            );
        }
        if m.key != first.key {
            bail!(
                "{} and {} come from different inputs, settings or models (their manifest keys \
                 differ); merge only the shards of one run",
                first_dir.display(),
                dir.display()
            );
        }
        if s.n != n {
            bail!(
                "{} is shard {s} but {} is shard {first_shard}: all shards must split in the same \
                 number of parts",
                dir.display(),
                first_dir.display()
            );
        }
    }
    let mut seen: HashMap<u64, &Path> = HashMap::new();
    for (dir, _, s) in &shards {
        if let Some(other) = seen.insert(s.k, dir) {
            bail!(
                "shard {s} is given twice: {} and {}",
                other.display(),
                dir.display()
            );
        }
    }
    if let Some(k) = (1..=n).find(|k| !seen.contains_key(k)) {
        bail!("shard {k}/{n} is missing; give all {n} shard folders");
    }

    // Settings the tables depend on, from the manifest.
    let settings = &first.settings;
    let strings = |key: &str| -> Vec<String> {
        settings[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let targets = strings("targets");
    let keep = strings("keep");
    let group_by = settings["group_by"]
        .as_str()
        .map(GroupBy::parse)
        .transpose()?;
    let order: HashMap<&str, usize> = first
        .inputs
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let place = |file: &str, line: Option<u64>| {
        (
            order.get(file).copied().unwrap_or(usize::MAX),
            line.unwrap_or(0),
        )
    };

    let format = OutputFormat::from_name(settings["format"].as_str())?;
    format.check_available()?;
    let mut report = Report::grouped(&args.out, &targets, &keep, group_by)?;
    report.set_format(format)?;
    let mut cursors: Vec<Cursor> = shards
        .iter()
        .map(|(dir, _, _)| Cursor::open(dir, format))
        .collect::<Result<_>>()?;
    let mut heap = BinaryHeap::new();
    for (i, c) in cursors.iter().enumerate() {
        if let Some(d) = &c.next {
            heap.push(Reverse((place(&d.file, d.line), i)));
        }
    }
    let mut rows = 0usize;
    while let Some(Reverse((_, i))) = heap.pop() {
        let c = &mut cursors[i];
        let doc = c.next.take().expect("on the heap");
        while let Some(rec) = c
            .rows
            .next_if(|r| r.as_ref().is_ok_and(|r| r[0] == *doc.id))
        {
            let rec = rec.expect("checked above");
            let mut row = Row::from_record(&rec, c.stable, &doc.file, doc.line).map_err(|e| {
                anyhow::anyhow!("{}/sentences.{}: {e}", c.dir.display(), format.ext())
            })?;
            row.document_topic = doc.topic.get(&row.target).copied().flatten();
            report.write(&row)?;
            rows += 1;
        }
        c.advance()?;
        if let Some(d) = &c.next {
            heap.push(Reverse((place(&d.file, d.line), i)));
        }
    }
    for c in &mut cursors {
        if let Some(rec) = c.rows.next() {
            let rec = rec?;
            bail!(
                "{}/sentences.{ext}: rows of `{}` have no document in documents.{ext}",
                c.dir.display(),
                &rec[0],
                ext = format.ext()
            );
        }
    }

    // Left-out records, in reading order.
    let mut errors: Vec<((usize, u64), csv::StringRecord)> = Vec::new();
    for (dir, _, _) in &shards {
        for rec in table(dir, "errors", format)? {
            let rec = rec?;
            let line = rec.get(1).and_then(|l| l.parse().ok());
            errors.push((place(&rec[0], line), rec));
        }
    }
    errors.sort_by_key(|e| e.0);
    for (_, rec) in &errors {
        let line = rec.get(1).and_then(|l| l.parse().ok());
        report.error(&rec[0], line, rec.get(2).unwrap_or_default())?;
    }

    let mut manifest = first.clone();
    manifest.shard = None;
    let sum = |key: &str| -> u64 {
        shards
            .iter()
            .map(|(_, m, _)| m.counts[key].as_u64().unwrap_or(0))
            .sum()
    };
    manifest.counts = serde_json::json!({
        "records_read": first.counts["records_read"],
        "documents": sum("documents"),
        "sentences": sum("sentences"),
        "rows": sum("rows"),
        "left_out": sum("left_out"),
        "merged_from": shards.iter().map(|(d, _, _)| d.display().to_string()).collect::<Vec<_>>(),
    });
    report.set_manifest(manifest.to_json());
    let written = report.finish()?;
    if let Some(k) = args.to_label {
        let n = stance::report::to_label::write(&args.out, format, k)?;
        eprintln!(
            "stance: {n} sentences to label in {}/to-label.csv",
            args.out.display()
        );
    }
    eprintln!(
        "stance: merged {n} shards: {rows} rows, {} speakers, {} records left out; wrote {}",
        written.speakers.len(),
        written.errors,
        args.out.display()
    );
    Ok(())
}
