//! `stance eval`: measure a model on a labelled dataset.
//!
//! ```text
//! stance eval DATASET [--model DIR_OR_HUB_ID] [--target TEXT] [--hypothesis TEMPLATE]
//!             [--format snli|csv|jsonl] [--split NAME] [--out FILE] [--predictions FILE]
//! ```
//!
//! Prints accuracy, macro-F1, per-class precision/recall/F1, the confusion
//! matrix and F_avg (SemEval-2016: mean F1 of favor and against). SNLI
//! JSON lines are scored as NLI; CSV or JSON lines of `text,label[,target]`
//! are scored as stance toward each row's target (or `--target`).
//! Definitions: `stance::eval::stance`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use stance::eval::stance::{open, Dataset, Format, Metrics, NLI_LABELS, STANCE_LABELS};
use stance::pipeline::{DEFAULT_TARGET, DEFAULT_TEMPLATE};
use stance::score::{self, Scorer};

use super::run::ModelArgs;

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled data: SNLI JSON lines, or CSV / JSON lines of text,label[,target].
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Write the metrics as JSON.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write each example's prediction as CSV.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
}

/// How labelled data is read and turned into pairs (`eval` and `train`).
#[derive(Debug, Args)]
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
}

impl DataArgs {
    /// Check the template and target, then load `path`.
    pub fn load(&self, path: &std::path::Path) -> Result<Dataset> {
        score::hypothesis(&self.hypothesis, &self.target)?;
        open(path, self.format, self.split.as_deref())
    }

    /// The hypothesis of each example.
    pub fn hypotheses(&self, data: &Dataset) -> Result<Vec<String>> {
        data.hypotheses(&self.hypothesis, &self.target)
    }
}

pub fn main(args: EvalArgs) -> Result<()> {
    let data = args.data.load(&args.dataset)?;
    let scorer = Scorer::load(&args.model.scorer_options()?)?;
    let hypotheses = args.data.hypotheses(&data)?;
    let pairs: Vec<(&str, &str)> = data
        .examples
        .iter()
        .zip(&hypotheses)
        .map(|(e, h)| (e.text.as_str(), h.as_str()))
        .collect();
    let t0 = std::time::Instant::now();
    let (probs, _) = scorer.score(&pairs)?;
    let secs = t0.elapsed().as_secs_f64();
    let pred: Vec<usize> = probs.iter().map(|p| p.index()).collect();
    let gold: Vec<usize> = data.examples.iter().map(|e| e.label).collect();
    let labels: &[&str] = if data.format == Format::Snli {
        &NLI_LABELS
    } else {
        &STANCE_LABELS
    };
    let metrics = Metrics::compute(labels, &gold, &pred);

    println!(
        "{} with {} ({} scored in {:.1} s{})",
        args.dataset.display(),
        scorer.name(),
        pairs.len(),
        secs,
        if data.dropped > 0 {
            format!(", {} rows without a gold label left out", data.dropped)
        } else {
            String::new()
        }
    );
    print!("{}", metrics.render());

    if let Some(path) = &args.out {
        super::write_atomic(path, serde_json::to_string_pretty(&metrics)?.as_bytes())?;
    }
    if let Some(path) = &args.predictions {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "text",
            "target",
            "gold",
            "predicted",
            "favor",
            "against",
            "none",
        ])?;
        for ((e, h), p) in data.examples.iter().zip(&hypotheses).zip(&probs) {
            w.write_record([
                e.text.as_str(),
                h.as_str(),
                labels[e.label],
                labels[p.index()],
                &format!("{:.6}", p.favor),
                &format!("{:.6}", p.against),
                &format!("{:.6}", p.none),
            ])?;
        }
        super::write_atomic(path, &w.into_inner()?)?;
    }
    Ok(())
}
