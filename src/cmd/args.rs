//! Options shared by several subcommands. No command owns them: each
//! flattens the groups it needs, and library errors about their values are
//! given the flag's name here.
//!
//! - [`ModelArgs`]: which model and how it runs (run, eval, train, bench);
//! - [`ScaleArgs`]: one thread count and batch size (run, eval, train;
//!   bench takes lists instead);
//! - [`DataArgs`]: how labelled data becomes pairs (eval, train).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use stance::eval::stance::{open_with, Dataset, Format, LabelNames};
use stance::pipeline::{DEFAULT_TARGET, DEFAULT_TEMPLATE};
use stance::score::{self, BackendChoice, PrecisionChoice, Scorer, ScorerOptions, ScorerRequest};

/// Which model to load and how to run it.
#[derive(Debug, Clone, Args)]
pub struct ModelArgs {
    /// Model folder or Hugging Face hub id [default: the bundled model].
    #[arg(long, short, value_name = "DIR_OR_HUB_ID")]
    pub model: Option<String>,
    /// Inference backend: `auto` runs ONNX Runtime when this build has it
    /// (`--features ort`), its library is found and the model has its ONNX
    /// file, else candle (pure Rust). Also from $STANCE_BACKEND.
    #[arg(long, value_enum, default_value = "auto", env = "STANCE_BACKEND")]
    pub backend: BackendChoice,
    /// Threads inside each forward pass; threads / intra-threads batches
    /// run side by side.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub intra_threads: usize,
    /// ONNX Runtime shared library for `--backend ort` [default:
    /// $ORT_DYLIB_PATH, else the places docs/backends.md lists].
    #[arg(long, value_name = "PATH")]
    pub ort_lib: Option<PathBuf>,
    /// With `--backend ort`, run model_int8.onnx instead of model.onnx.
    #[arg(long)]
    pub quantized: bool,
    /// Arithmetic of the candle backend's dense layers: `auto` is bf16
    /// where the CPU has AVX-512 BF16 (about 1.8× as fast, the same dev-set
    /// figures; docs/backends.md, "Precision"), else fp32. ONNX Runtime runs fp32.
    /// Also from $STANCE_PRECISION.
    #[arg(long, value_enum, default_value = "auto", env = "STANCE_PRECISION")]
    pub precision: PrecisionChoice,
}

/// How much runs at once.
#[derive(Debug, Clone, Args)]
pub struct ScaleArgs {
    /// Threads in all [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Sentence pairs per forward pass.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub batch_size: usize,
}

impl ModelArgs {
    /// What these flags ask for, with `threads` in all (default: every
    /// core) and batches of `batch_size`.
    pub fn request(&self, threads: Option<usize>, batch_size: usize) -> ScorerRequest {
        ScorerRequest {
            model: self.model.clone(),
            backend: self.backend,
            precision: self.precision,
            threads,
            intra_threads: self.intra_threads,
            batch_size,
            ort_lib: self.ort_lib.clone(),
            quantized: self.quantized,
        }
    }

    /// Scorer options for `threads` in all (default: every core) and
    /// batches of `batch_size`; the flags' values are checked here.
    pub fn scorer_options(
        &self,
        threads: Option<usize>,
        batch_size: usize,
    ) -> Result<ScorerOptions> {
        self.request(threads, batch_size).resolve()
    }

    /// What a failure to load the model is reported under: the flag's
    /// value, or the bundled model.
    pub fn load_context(&self) -> String {
        self.request(None, 1).load_context()
    }
}

impl ScaleArgs {
    /// Load the model of `model` at this scale.
    pub fn load(&self, model: &ModelArgs) -> Result<Scorer> {
        model.request(self.threads, self.batch_size).load()
    }
}

/// How labelled data is read and turned into pairs.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Target for rows that name none.
    #[arg(long, short, value_name = "TEXT", default_value = DEFAULT_TARGET)]
    pub target: String,
    /// Template turning a target into the hypothesis; `{}` is the target.
    /// A trained head expects the template it was trained with.
    #[arg(long, value_name = "TEMPLATE", default_value = DEFAULT_TEMPLATE)]
    pub hypothesis: String,
    /// Dataset format [default: from the file name].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Use only the rows whose `split` column has this value (dev, test).
    #[arg(long, value_name = "NAME")]
    pub split: Option<String>,
    /// Your own label names: `favor=agree,against=disagree,none=neutral`
    /// (several for one stance with `|`); default: favor, against, none
    /// and their usual spellings.
    #[arg(long, value_name = "MAP")]
    pub labels: Option<String>,
}

impl DataArgs {
    /// Check the template and target, then load `path`.
    pub fn load(&self, path: &Path) -> Result<Dataset> {
        check_template(&self.hypothesis, std::slice::from_ref(&self.target))?;
        if self.format.is_none() && Format::guess(path).is_none() {
            bail!(
                "{}: cannot tell the format from the name; pass --format snli, csv or jsonl",
                path.display()
            );
        }
        open_with(
            path,
            self.format,
            self.split.as_deref(),
            &self.label_names()?,
        )
    }

    /// `--labels`, parsed (empty without it).
    pub fn label_names(&self) -> Result<LabelNames> {
        self.labels
            .as_deref()
            .map(LabelNames::parse)
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// The hypothesis of each example.
    pub fn hypotheses(&self, data: &Dataset) -> Result<Vec<String>> {
        data.hypotheses(&self.hypothesis, &self.target)
            .context("--hypothesis")
    }
}

/// Check that `--hypothesis` makes a hypothesis of every target.
pub fn check_template(template: &str, targets: &[String]) -> Result<()> {
    for t in targets {
        score::hypothesis(template, t).context("--hypothesis")?;
    }
    Ok(())
}

/// A probability from 0 to 1, for `--min-speaker-confidence`.
pub fn confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("`{s}` is not a probability from 0 to 1")),
    }
}
