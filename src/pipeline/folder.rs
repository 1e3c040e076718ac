//! A whole run into an output folder, as `stance run` does it: inputs
//! checked, the manifest written, an unfinished run of the same inputs and
//! settings resumed, the tables committed whole. The command line and the
//! Python package's `run_files` are both this.

use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use anyhow::{bail, Context, Result};

use super::{run, RunOptions, RunStats};
use crate::ingest::{self, Selection, Source};
use crate::manifest::{describe_inputs, describe_model, Manifest};
use crate::progress::{self, Counters, Progress};
use crate::report::{html, to_label, Checkpoint, GroupBy, OutputFormat, Report, Written};
use crate::score::Scorer;

/// What to run, and where to.
#[derive(Debug, Clone)]
pub struct FolderRun {
    /// Files, folders (read recursively) or `-` for standard input.
    pub inputs: Vec<PathBuf>,
    /// Which files of a folder to read (default: every format stance reads).
    pub glob: Vec<String>,
    pub out: PathBuf,
    /// Targets, template, fields, shard and the rest. `read.fields.keep`
    /// gains the group field when it is not there.
    pub options: RunOptions,
    /// `FIELD` or `FIELD:year|month|day`: also summary-by-group.
    pub group_by: Option<String>,
    pub format: OutputFormat,
    /// Also write report.html.
    pub html: bool,
    /// Discard an unfinished run of other inputs or settings in `out`.
    pub overwrite: bool,
    /// Whether the model runs `model_int8.onnx` (recorded in the manifest).
    pub quantized: bool,
    /// Also write to-label.csv: this many sentences to label
    /// ([`crate::report::to_label`]).
    pub to_label: Option<usize>,
}

/// What a finished folder run did.
#[derive(Debug, Clone)]
pub struct FolderOutcome {
    pub stats: RunStats,
    pub written: Written,
    /// The options the run used (with its shard and any resume).
    pub options: RunOptions,
    /// Rows written to to-label.csv, when asked for.
    pub to_label: Option<usize>,
}

/// A folder run with its settings and inputs checked, no model needed
/// yet: [`FolderRun::check`].
pub struct Checked<'a> {
    job: &'a FolderRun,
    sources: Vec<Source>,
    /// The options, with the group field among the kept ones.
    options: RunOptions,
    group_by: Option<GroupBy>,
}

/// A folder run with its inputs checked and its output folder opened,
/// ready to score: [`FolderRun::open`], then [`Opened::run`].
pub struct Opened {
    sources: Vec<Source>,
    options: RunOptions,
    report: Report,
    manifest: Manifest,
    html: bool,
    to_label: Option<usize>,
    format: OutputFormat,
    out: PathBuf,
    /// Records an unfinished run had done, when this one goes on from it.
    pub resumed_after: Option<usize>,
}

impl FolderRun {
    /// Options for `inputs` into `out`, with defaults for the rest.
    pub fn new(inputs: Vec<PathBuf>, out: PathBuf) -> Self {
        FolderRun {
            inputs,
            glob: Vec::new(),
            out,
            options: RunOptions::default(),
            group_by: None,
            format: OutputFormat::Csv,
            html: false,
            overwrite: false,
            quantized: false,
            to_label: None,
        }
    }

    /// Check the settings and that every input exists, without a model
    /// and before the output folder is touched: [`Checked::open`] goes on
    /// once the model is loaded.
    pub fn check(&self) -> Result<Checked<'_>> {
        self.format.check_available()?;
        let group_by = self.group_by.as_deref().map(GroupBy::parse).transpose()?;
        let mut opts = self.options.clone();
        if let Some(g) = &group_by {
            if !opts.read.fields.keep.contains(&g.field) {
                opts.read.fields.keep.push(g.field.clone());
            }
        }
        for t in &opts.targets {
            crate::score::hypothesis(&opts.template, t).context("--hypothesis")?;
        }
        let sources = ingest::expand(
            &self.inputs,
            &Selection {
                globs: self.glob.clone(),
            },
        )?;
        Ok(Checked {
            job: self,
            sources,
            options: opts,
            group_by,
        })
    }

    /// [`FolderRun::check`], then [`Checked::open`].
    pub fn open(&self, scorer: &Scorer) -> Result<Opened> {
        self.check()?.open(scorer)
    }

    /// [`FolderRun::open`], then [`Opened::run`] without progress.
    pub fn run(&self, scorer: &Scorer) -> Result<FolderOutcome> {
        self.open(scorer)?
            .run(scorer, progress::Mode::Quiet, Arc::default())
    }
}

impl Checked<'_> {
    /// Open the output folder: afresh, or going on from an unfinished run
    /// of the same inputs, settings and shard.
    pub fn open(self, scorer: &Scorer) -> Result<Opened> {
        let Checked {
            job: this,
            sources,
            options: mut opts,
            group_by,
        } = self;
        let fields = &opts.read.fields;
        // What this run is, for resuming and merging and for people
        // reading it.
        let mut manifest = Manifest::new(
            serde_json::json!({
                "targets": opts.targets,
                "hypothesis": opts.template,
                "glob": this.glob,
                "input_format": opts.read.input_format.map(|f| format!("{f:?}").to_lowercase()),
                "text_field": fields.text,
                "id_field": fields.id,
                "title_field": fields.title,
                "target_field": fields.targets,
                "keep": fields.keep,
                "group_by": this.group_by,
                "dup_ids": format!("{:?}", opts.dup_ids).to_lowercase(),
                "skip_bad": opts.skip_bad,
                "any_language": opts.any_language,
                // As given (a flag's 0.3, not the f32 0.30000001…).
                "min_speaker_confidence":
                    (f64::from(opts.attribution.min_speaker_confidence) * 1e6).round() / 1e6,
                "quantized": this.quantized,
                "format": this.format.ext(),
            }),
            describe_inputs(&sources)?,
            describe_model(&scorer.model_dirs())?,
            &scorer.backend_label(),
            opts.shard.map(|s| s.to_string()),
        );
        manifest.kernel = scorer.kernel().into();
        // A killed run of the same inputs, settings and shard goes on from
        // its last checkpoint; standard input cannot be read again, so a
        // run reading it starts afresh.
        let run_key = format!(
            "{}/{}",
            manifest.key,
            opts.shard.map_or("all".to_string(), |s| s.to_string())
        );
        let resumable = !sources.iter().any(|s| matches!(s, Source::Stdin));
        let keep = opts.read.fields.keep.clone();
        let mut resumed_after = None;
        let mut report = match Checkpoint::find(&this.out)? {
            Some(cp) if cp.key == run_key && resumable && !this.overwrite => {
                resumed_after = Some(cp.records_read);
                opts.resume = Some((cp.records_read, cp.counts.clone()));
                Report::resume(&this.out, &opts.targets, &keep, group_by, &cp)?
            }
            Some(_) if !this.overwrite => bail!(
                "{}: holds an unfinished run of other inputs or settings; give --overwrite to \
                 discard it, or choose another --out",
                this.out.display()
            ),
            _ => Report::grouped(&this.out, &opts.targets, &keep, group_by)?,
        };
        report.set_format(this.format)?;
        if resumable {
            report.set_run_key(run_key);
        }
        Ok(Opened {
            sources,
            options: opts,
            report,
            manifest,
            html: this.html,
            to_label: this.to_label,
            format: this.format,
            out: this.out.clone(),
            resumed_after,
        })
    }
}

impl Opened {
    /// Score everything, showing progress in `mode` from `counters` (give
    /// the scorer `counters.sequences` with [`Scorer::set_progress`] for
    /// its pairs to show), and commit the tables (and report.html, and the
    /// manifest) into the output folder.
    pub fn run(
        mut self,
        scorer: &Scorer,
        mode: progress::Mode,
        counters: Arc<Counters>,
    ) -> Result<FolderOutcome> {
        self.options.read.bytes_read = counters.bytes.clone();
        let progress = Progress::start(mode, counters.clone(), ingest::input_bytes(&self.sources));
        let stats = run(
            &self.sources,
            scorer,
            &self.options,
            &mut self.report,
            |s| {
                counters
                    .documents
                    .store(s.documents as u64, Ordering::Relaxed);
                counters
                    .sentences
                    .store(s.sentences as u64, Ordering::Relaxed);
                let read = counters.bytes.load(Ordering::Relaxed);
                counters.bytes_done.store(read, Ordering::Relaxed);
            },
        )?;
        progress.finish();
        self.manifest.finished = true;
        self.manifest.counts = serde_json::json!({
            "records_read": stats.read,
            "documents": stats.documents,
            "sentences": stats.sentences,
            "rows": stats.rows,
            "left_out": stats.skipped,
            "other_shards": stats.other_shards,
        });
        self.report.set_manifest(self.manifest.to_json());
        let written = self.report.finish()?;
        let format = self.format;
        let to_label = self
            .to_label
            .map(|n| to_label::write(&self.out, format, n))
            .transpose()?;
        if self.html {
            html::write(&self.out)?;
        }
        Ok(FolderOutcome {
            stats,
            written,
            options: self.options,
            to_label,
        })
    }
}
