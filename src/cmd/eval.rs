//! `stance eval`: measure a model on a labelled dataset.
//!
//! ```text
//! stance eval DATASET [--model DIR_OR_HUB_ID] [--target TEXT] [--hypothesis TEMPLATE]
//!             [--format snli|csv|jsonl] [--split NAME] [--labels MAP] [--out FILE] [--predictions FILE]
//! ```
//!
//! Prints accuracy, macro-F1, per-class precision/recall/F1, the confusion
//! matrix and F_avg (SemEval-2016: mean F1 of favor and against). SNLI
//! JSON lines are scored as NLI; CSV or JSON lines of `text,label[,target]`
//! are scored as stance toward each row's target (or `--target`). Data with
//! a `source` column is also reported per source, beside each source's
//! majority-class baseline, with the mean over sources and a bootstrap
//! interval over claims (the `group` column).
//! Definitions: `stance::eval::stance`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use stance::eval::stance::{evaluate, Format, NLI_LABELS, STANCE_LABELS};
use stance::score::Stance;

use super::args::{DataArgs, ModelArgs, ScaleArgs};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Labelled data: SNLI JSON lines, or CSV / JSON lines of text,label[,target].
    #[arg(value_name = "DATASET")]
    pub dataset: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub scale: ScaleArgs,
    #[command(flatten)]
    pub data: DataArgs,
    /// Write the metrics as JSON.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write each example's prediction as CSV.
    #[arg(long, value_name = "FILE")]
    pub predictions: Option<PathBuf>,
}

pub fn main(args: EvalArgs) -> Result<()> {
    let data = args.data.load(&args.dataset)?;
    let scorer = args.scale.load(&args.model)?;
    let hypotheses = args.data.hypotheses(&data)?;
    let ev = evaluate(&data, &hypotheses, &scorer)?;
    let labels: &[&str] = if data.format == Format::Snli {
        &NLI_LABELS
    } else {
        &STANCE_LABELS
    };
    println!(
        "{} with {} ({} scored in {:.1} s{})",
        args.dataset.display(),
        scorer.name(),
        data.examples.len(),
        ev.secs,
        if data.dropped > 0 {
            format!(", {} rows without a gold label left out", data.dropped)
        } else {
            String::new()
        }
    );
    print!("{}", ev.metrics.render());
    if let Some(r) = &ev.by_source {
        println!("by source (macro-F1 over the labels each source has):");
        print!("{}", r.render());
    }

    if let Some(path) = &args.out {
        let json = ev.to_json()?;
        stance::atomic::write_file(path, serde_json::to_string_pretty(&json)?.as_bytes())?;
    }
    if let Some(path) = &args.predictions {
        let mut w = csv::Writer::from_writer(Vec::new());
        let [favor, against, none] = Stance::NAMES;
        w.write_record(["text", "target", "gold", "predicted", favor, against, none])?;
        for ((e, h), p) in data.examples.iter().zip(&hypotheses).zip(&ev.probs) {
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
        stance::atomic::write_file(path, &w.into_inner()?)?;
    }
    Ok(())
}
