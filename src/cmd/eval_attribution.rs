//! `stance eval-attribution`: measure speaker attribution on PolNeAR.
//!
//! ```text
//! stance eval-attribution --polnear DIR [--split train|dev|both]
//! ```
//!
//! Reads `DIR/<split>/text/*.txt` and `DIR/<split>/attributions/*.ann` and
//! prints content precision, recall and F1 at 0.3 and 0.8 overlap, and
//! speaker accuracy. Definitions: `stance::eval::attribution`.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};

use stance::eval::attribution::{evaluate, load_split, Evaluation};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Split {
    Train,
    Dev,
    Both,
}

#[derive(Debug, Args)]
pub struct EvalAttributionArgs {
    /// The PolNeAR folder (holding train/ and dev/).
    #[arg(long, value_name = "DIR")]
    pub polnear: PathBuf,
    /// Which split to measure.
    #[arg(long, value_enum, default_value = "dev")]
    pub split: Split,
}

fn print(split: &str, ev: &Evaluation, secs: f64) {
    println!("{split}: {} articles, {:.1} s", ev.articles, secs);
    for (name, c) in [("0.3", &ev.at_30), ("0.8", &ev.at_80)] {
        println!(
            "  content @{name}: P {:.1}  R {:.1}  F1 {:.1}   ({} predicted, {} gold, {} / {} matched)",
            100.0 * c.precision(),
            100.0 * c.recall(),
            100.0 * c.f1(),
            c.predicted,
            c.gold,
            c.predicted_matched,
            c.gold_matched
        );
    }
    println!(
        "  speaker accuracy: {:.1}  ({} / {} matched contents with a source)",
        100.0 * ev.speaker_accuracy(),
        ev.speaker_correct,
        ev.speaker_total
    );
}

pub fn main(args: EvalAttributionArgs) -> Result<()> {
    let splits: &[&str] = match args.split {
        Split::Train => &["train"],
        Split::Dev => &["dev"],
        Split::Both => &["train", "dev"],
    };
    for split in splits {
        let t0 = std::time::Instant::now();
        let articles = load_split(&args.polnear, split)?;
        let ev = evaluate(&articles);
        print(split, &ev, t0.elapsed().as_secs_f64());
    }
    Ok(())
}
