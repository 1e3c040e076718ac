//! Train the learned cue model (`models/attribution/cues.tsv`) on
//! PolNeAR's train split; dev is never read.
//!
//! `cargo run --release --example train_cue_model -- ../shared/data/polnear models/attribution/cues.tsv`
//!
//! Settings (environment, defaults in `main`): `EPOCHS`, `L2`, `PRUNE`,
//! `MIN_COUNT`. They were chosen by the held-out word F1 this prints and
//! by the file size, never on dev.
//!
//! The threshold is chosen by two-fold cross-fitting on train: a model fit
//! on one half of the articles scores the other half, and the threshold
//! that maximises word-level F1 over both held-out halves is kept.

mod common;

use stance::attribute::cue_training_rows;
use stance::attribute::learned::Fit;
use stance::eval::attribution::load_split;
use stance::segment::CharOffsets;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let out = args.get(2).map_or("models/attribution/cues.tsv", |s| s);
    let fit = Fit {
        epochs: 4,
        l2: 1e-5,
        prune: 0.2,
        min_count: 5,
        batch: false,
    }
    .from_env();
    let articles = load_split(root, "train")?;
    let per_article: Vec<Vec<(Vec<String>, bool)>> = articles
        .iter()
        .map(|a| {
            // Gold spans are in characters; the tokens count bytes.
            let offsets = CharOffsets::new(&a.text);
            let cues: Vec<(usize, usize)> = a
                .gold
                .iter()
                .filter_map(|g| g.cue)
                .map(|c| offsets.span_to_bytes(c))
                .collect();
            cue_training_rows(&a.text, &stance::segment::segment(&a.text), &cues)
        })
        .collect();
    common::fit_and_write(
        &per_article,
        &fit,
        out,
        |rows, positives| format!("{rows} words, {positives} cue words"),
        "held-out word F1",
    )
}
