//! `stance run`: score articles and write per-speaker stance CSVs.
//!
//! ```text
//! stance run [INPUT]... --out DIR [--target TEXT]... [--hypothesis TEMPLATE]
//!            [--model DIR_OR_HUB_ID] [--backend candle|ort] [--threads N]
//!            [--intra-threads N] [--batch-size N] [--ort-lib PATH] [--quantized]
//! ```
//!
//! Each INPUT is a plain-text article (paragraphs separated by newlines), a
//! folder of `.txt` articles, or `-` for standard input. Writes
//! `DIR/sentences.csv`, `DIR/speakers/<speaker>.csv` and `DIR/summary.csv`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use stance::pipeline::{self, RunOptions, DEFAULT_TARGET, DEFAULT_TEMPLATE};
use stance::report::Report;

use super::args::{check_template, ModelArgs, ScaleArgs};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Articles: text files, folders of .txt files, or `-` for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output folder (created if needed).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
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
    // Check every input before loading the model or touching the output.
    let sources = stance::ingest::expand(&args.inputs)?;
    let opts = RunOptions {
        targets: args.targets.clone(),
        template: args.hypothesis.clone(),
        ..RunOptions::default()
    };
    check_template(&opts.template, &opts.targets)?;
    let scorer = args.scale.load(&args.model)?;
    tracing::info!(model = scorer.name(), "model loaded");

    let bar = indicatif::ProgressBar::new(sources.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} articles {elapsed}")
            .expect("valid template"),
    );
    if sources.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut report = Report::create(&args.out, &opts.targets)?;
    let stats = pipeline::run(&sources, &scorer, &opts, &mut report, |n| {
        bar.set_position(n as u64)
    })?;
    bar.finish_and_clear();
    let written = report.finish()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "stance: {} sentences from {} article(s), {} rows against {} target(s), {} speakers; {:.1} s ({:.0} pairs/s scoring)",
        stats.sentences,
        stats.documents,
        written.rows,
        opts.targets.len(),
        written.speakers.len(),
        secs,
        stats.score.pairs as f64 / stats.score.forward_secs.max(1e-9),
    );
    let out = args.out.display();
    eprintln!("stance: wrote {out}/sentences.csv, {out}/summary.csv and {out}/speakers/");
    Ok(())
}
