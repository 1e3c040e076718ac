//! `stance run`: score articles and write per-speaker stance CSVs.
//!
//! ```text
//! stance run [INPUT]... --out DIR [--target TEXT]... [--hypothesis TEMPLATE]
//!            [--glob PATTERN]... [--input-format text|jsonl|csv|tsv]
//!            [--text-field F] [--id-field F] [--title-field F] [--target-field F]
//!            [--keep F,F...] [--group-by F[:year|month|day]]
//!            [--dup-ids error|suffix|skip] [--skip-bad] [--any-language]
//!            [--min-speaker-confidence P] [--cache PAIRS]
//!            [--shard K/N] [--overwrite] [--chunk-docs N] [--quiet] [--log-every SECS]
//!            [--format csv|parquet] [--html] [--to-label N]
//!            [--model DIR_OR_HUB_ID] [--backend auto|candle|ort] [--threads N]
//!            [--intra-threads N] [--batch-size N] [--ort-lib PATH] [--quantized]
//!            [--precision auto|fp32|bf16]
//! ```
//!
//! Each INPUT is a plain-text article (paragraphs separated by newlines),
//! an archive of articles (JSON lines, CSV or TSV, one record each), a
//! folder (read recursively), or `-` for standard input; gzip and zstd are
//! read wherever found. Writes `DIR/sentences.csv`,
//! `DIR/speakers/<speaker>.csv`, `DIR/summary.csv`, `DIR/documents.csv` and
//! `DIR/errors.csv` (`.parquet` files instead with `--format parquet`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use clap::Args;

use stance::ingest::{DupIds, Fields, InputFormat, ReadOptions, Shard};
use stance::pipeline::{FolderOutcome, FolderRun, RunOptions, DEFAULT_TARGET, DEFAULT_TEMPLATE};
use stance::report::OutputFormat;

use super::args::{ModelArgs, ScaleArgs};
use stance::progress::{self, Counters};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Articles: text files, archives (.jsonl, .csv, .tsv; gzip or zstd
    /// too), folders (read recursively), or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Which files of a folder to read (repeatable); default: every .txt,
    /// .jsonl, .ndjson, .json, .csv and .tsv file, compressed or not.
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,
    /// Read every input in this format (default: stdin is text, a file's
    /// name says its format).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// The field (JSON; a dotted path reaches nested ones) or column
    /// (CSV) holding an archive record's text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    /// The field or column holding a record's id; a record without one is
    /// FILE:LINE.
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// The field or column holding a record's title: scored as a sentence
    /// of its own, of kind `headline`, before the text.
    #[arg(long, value_name = "FIELD")]
    pub title_field: Option<String>,
    /// Fields or columns to carry into every output row (comma-separated),
    /// as extra columns after the stable ones.
    #[arg(long, value_name = "FIELDS", value_delimiter = ',')]
    pub keep: Vec<String>,
    /// Also write summary-by-group.csv: summary rows per value of this
    /// field (kept as with --keep), or per year, month or day of a date
    /// field (`date:month`).
    #[arg(long, value_name = "FIELD[:UNIT]")]
    pub group_by: Option<String>,
    /// The field or column holding a record's own claims (a string or a
    /// list of strings; in CSV a JSON list), scored besides --target.
    #[arg(long, value_name = "FIELD")]
    pub target_field: Option<String>,
    /// Two documents with the same id: stop (error), rename the later ones
    /// ID#2… (suffix), or keep the first and list the rest in errors.csv
    /// (skip).
    #[arg(long, value_enum, value_name = "POLICY", default_value = "error")]
    pub dup_ids: DupIds,
    /// Score only shard K of N (`2/8`): the documents whose id hashes to
    /// K, the same split whatever order the inputs are listed in. Without
    /// it, SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or
    /// JOB_COMPLETION_INDEX with STANCE_SHARDS, choose the shard (0-based
    /// indices, as those schedulers count).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Score documents that look non-English too; by default they are
    /// listed in errors.csv and left out (the default model reads English).
    #[arg(long)]
    pub any_language: bool,
    /// Remember the scores of this many (sentence, claim) pairs, least
    /// recently used out, so that boilerplate repeated across an archive is
    /// scored once; 0 scores every pair.
    #[arg(long, value_name = "PAIRS", default_value_t = 100_000)]
    pub cache: usize,
    /// Drop candidate attributions the speaker ranker gives a probability
    /// below this (0 to 1), leaving their sentences to a surer speaker or
    /// the narrator: fewer sentences attributed, more of them to the right
    /// speaker (PolNeAR dev figures in docs/attribution.md). 0 drops none.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::args::confidence)]
    pub min_speaker_confidence: f64,
    /// Discard an unfinished run of other inputs or settings in --out
    /// (one of the same inputs and settings is resumed without it).
    #[arg(long)]
    pub overwrite: bool,
    /// Documents read and scored together, and checkpointed after.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub chunk_docs: usize,
    /// Show no progress and no closing summary (errors still show).
    #[arg(long, short)]
    pub quiet: bool,
    /// Without a terminal, log a progress line this often (seconds).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub log_every: u64,
    /// List bad records (invalid JSON, a missing or mistyped field, invalid
    /// UTF-8) in errors.csv and go on, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad: bool,
    /// Output folder (created if needed).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// File format of the output tables: CSV, or Parquet with typed
    /// columns (a build with the `parquet` feature).
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "csv")]
    pub format: OutputFormat,
    /// Also write DIR/report.html: who stands where, with the evidence,
    /// on one self-contained page (`stance report DIR` rebuilds it).
    #[arg(long)]
    pub html: bool,
    /// Also write DIR/to-label.csv: the N on-topic sentences the model is
    /// least sure of, spread across documents and speakers, with an empty
    /// `label` column for `stance train` (and a labelling view in
    /// report.html with --html).
    #[arg(long, value_name = "N")]
    pub to_label: Option<usize>,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub scale: ScaleArgs,
    /// Claim to score each sentence against; repeat for several.
    #[arg(long = "target", short, value_name = "TEXT", default_value = DEFAULT_TARGET)]
    pub targets: Vec<String>,
    /// Template turning a target into the NLI hypothesis; `{}` is the target.
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    pub hypothesis: String,
}

pub fn main(args: RunArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let job = FolderRun {
        inputs: args.inputs.clone(),
        glob: args.glob.clone(),
        out: args.out.clone(),
        options: RunOptions {
            targets: args.targets.clone(),
            template: args.hypothesis.clone(),
            read: ReadOptions {
                fields: Fields {
                    text: args.text_field.clone(),
                    id: args.id_field.clone(),
                    targets: args.target_field.clone(),
                    keep: args.keep.clone(),
                    title: args.title_field.clone(),
                },
                input_format: args.input_format,
                ..ReadOptions::default()
            },
            dup_ids: args.dup_ids,
            skip_bad: args.skip_bad,
            cache_pairs: args.cache,
            any_language: args.any_language,
            shard: Shard::choose(args.shard.as_deref(), |v| std::env::var(v).ok())
                .map_err(anyhow::Error::msg)?,
            chunk_docs: args.chunk_docs.max(1),
            attribution: stance::attribute::Options {
                min_speaker_confidence: args.min_speaker_confidence as f32,
                ..Default::default()
            },
            ..RunOptions::default()
        },
        group_by: args.group_by.clone(),
        format: args.format,
        html: args.html,
        overwrite: args.overwrite,
        quantized: args.model.quantized,
        to_label: args.to_label,
    };
    // Settings and inputs are checked before the model loads.
    let checked = job.check()?;
    let counters = Arc::new(Counters::default());
    let mut scorer = args.scale.load(&args.model)?;
    scorer.set_progress(counters.sequences.clone());
    tracing::info!(model = scorer.name(), "model loaded");
    let opened = checked.open(&scorer)?;
    if let (Some(done), false) = (opened.resumed_after, args.quiet) {
        eprintln!(
            "stance: going on with the unfinished run in {} after {done} records",
            args.out.display(),
        );
    }
    let mode = progress::Mode::choose(args.quiet, Duration::from_secs(args.log_every.max(1)));
    let FolderOutcome {
        stats,
        written,
        options: opts,
        ..
    } = opened.run(&scorer, mode, counters)?;
    if args.quiet {
        return Ok(());
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stance: {} sentences from {} article(s), {} rows against {} target(s), {} speakers; {:.1} s ({:.0} pairs/s scoring with {})",
        stats.sentences,
        stats.documents,
        written.rows,
        stats.targets,
        written.speakers.len(),
        secs,
        stats.score.pairs as f64 / stats.score.forward_secs.max(1e-9),
        scorer.backend_label(),
    );
    if let Some(s) = opts.shard {
        eprintln!(
            "stance: shard {s}: {} of {} records are this shard's",
            stats.read - stats.other_shards,
            stats.read
        );
    }
    if stats.cached_pairs > 0 {
        eprintln!(
            "stance: {} of {} pairs were repeats, not scored again",
            stats.cached_pairs, written.rows
        );
    }
    if stats.skipped > 0 {
        eprintln!(
            "stance: {} records read, {} scored, {} left out ({} not English; listed in {}/errors.{})",
            stats.read,
            stats.documents,
            stats.skipped,
            stats.not_english,
            args.out.display(),
            args.format.ext()
        );
    }
    eprintln!(
        "stance: wrote {}",
        written_files(&args.out, args.format.ext(), written.errors)
    );
    Ok(())
}

/// What a finished run left in `out`, in the order the output schema
/// lists the tables: every file that is there, the speaker files counted,
/// and whether `errors.csv` (always written: a resumed or merged run reads
/// it) is empty.
pub fn written_files(out: &std::path::Path, ext: &str, errors: usize) -> String {
    let mut names = Vec::new();
    for table in [
        "sentences",
        "summary",
        "documents",
        "summary-by-group",
        "errors",
    ] {
        let name = format!("{table}.{ext}");
        if out.join(&name).is_file() {
            names.push(match (table, errors) {
                ("errors", 0) => format!("{name} (empty: nothing left out)"),
                ("errors", n) => format!("{name} ({n} left out)"),
                _ => name,
            });
        }
    }
    let speakers = std::fs::read_dir(out.join("speakers"))
        .map(|d| d.filter(|e| e.is_ok()).count())
        .unwrap_or(0);
    names.push(format!(
        "speakers/ ({speakers} file{})",
        if speakers == 1 { "" } else { "s" }
    ));
    for extra in ["to-label.csv", "report.html", "manifest.json"] {
        if out.join(extra).is_file() {
            names.push(extra.to_string());
        }
    }
    format!("{}/: {}", out.display(), names.join(", "))
}
