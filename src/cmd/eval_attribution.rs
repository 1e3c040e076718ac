//! `stance eval-attribution`: measure speaker attribution on PolNeAR.
//!
//! ```text
//! stance eval-attribution --polnear DIR [--split train|dev|both] [--errors FILE]
//!                         [--no-learned-cues] [--min-speaker-confidence P]
//! ```
//!
//! Reads `DIR/<split>/text/*.txt` and `DIR/<split>/attributions/*.ann` and
//! prints content precision, recall and F1 at 0.3 and 0.8 overlap, the
//! same at every overlap from 0.1 to 1.0, speaker accuracy, and recall and
//! speaker accuracy per category of gold attribution. `--errors` writes
//! every miss, wrong speaker and unmatched prediction as CSV, by category.
//! Definitions: `stance::eval::attribution`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use stance::eval::attribution::{evaluate, load_split, Counts, ErrorRow, Evaluation};

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
    /// Write every error (a gold content missed, a wrong speaker, a
    /// prediction matching no gold content) to this CSV, grouped by
    /// category, with the text of each.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,
    /// Leave out the learned cue model: the verb lists and patterns alone,
    /// to see what the model adds.
    #[arg(long)]
    pub no_learned_cues: bool,
    /// Drop candidate attributions the speaker ranker gives a probability
    /// below this, as `stance run --min-speaker-confidence` does.
    #[arg(long, value_name = "P", default_value_t = 0.0, value_parser = super::args::confidence)]
    pub min_speaker_confidence: f64,
}

fn print(split: &str, ev: &Evaluation, secs: f64) {
    println!("{split}: {} articles, {:.1} s", ev.articles, secs);
    println!(
        "  attribution alone: {} sentences in {:.2} s, {:.0} sentences/s (one thread)",
        ev.sentences,
        ev.attribute_secs,
        ev.sentences as f64 / ev.attribute_secs.max(1e-9)
    );
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
    println!(
        "  overlap:   {}",
        (1..=10)
            .map(|i| format!("{:>6.1}", i as f64 / 10.0))
            .collect::<String>()
    );
    for (name, f) in [
        ("P", Counts::precision as fn(&Counts) -> f64),
        ("R", Counts::recall),
        ("F1", Counts::f1),
    ] {
        let row: String = ev
            .curve
            .iter()
            .map(|c| format!("{:>6.1}", 100.0 * f(c)))
            .collect();
        println!("  {name:<9}{row}");
    }
    println!("  by category of gold attribution (recall @0.3, speaker accuracy):");
    let mut cats: Vec<_> = ev.by_category.iter().collect();
    cats.sort_by_key(|(_, c)| std::cmp::Reverse(c.gold));
    for (name, c) in cats {
        println!(
            "    {name:<28} {:>5} gold  R {:>5.1}  speaker {:>5.1} ({} / {})",
            c.gold,
            pct(c.matched, c.gold),
            pct(c.speaker_correct, c.speaker_total),
            c.speaker_correct,
            c.speaker_total
        );
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

pub fn main(args: EvalAttributionArgs) -> Result<()> {
    let splits: &[&str] = match args.split {
        Split::Train => &["train"],
        Split::Dev => &["dev"],
        Split::Both => &["train", "dev"],
    };
    let mut errors: Vec<(&str, ErrorRow)> = Vec::new();
    for split in splits {
        let t0 = std::time::Instant::now();
        let articles = load_split(&args.polnear, split)?;
        let opts = stance::attribute::Options {
            learned_cues: !args.no_learned_cues,
            min_speaker_confidence: args.min_speaker_confidence as f32,
        };
        let ev = evaluate(&articles, &opts);
        print(split, &ev, t0.elapsed().as_secs_f64());
        errors.extend(ev.errors.into_iter().map(|e| (*split, e)));
    }
    if let Some(path) = &args.errors {
        // By category, then kind of error; reading order within.
        errors.sort_by_key(|(split, e)| (*split, e.category, e.error));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "split",
            "article",
            "error",
            "category",
            "gold_source",
            "gold_cue",
            "gold_content",
            "predicted_speaker",
            "predicted_sentence",
            "predicted_mention",
            "predicted_cue",
        ])?;
        for (split, e) in &errors {
            w.write_record([
                split,
                e.article.as_str(),
                e.error,
                e.category,
                &e.gold_source,
                &e.gold_cue,
                &e.gold_content,
                &e.predicted_speaker,
                &e.predicted_sentence,
                &e.predicted_mention,
                &e.predicted_cue,
            ])?;
        }
        let bytes = w.into_inner().context("writing the errors")?;
        stance::atomic::write_file(path, &bytes)?;
        eprintln!(
            "stance: {} errors written to {}",
            errors.len(),
            path.display()
        );
    }
    Ok(())
}
