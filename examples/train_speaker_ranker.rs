//! Train the speaker ranker (`models/attribution/speakers.tsv`) on
//! PolNeAR's train split; dev is never read.
//!
//! `cargo run --release --example train_speaker_ranker -- ../shared/data/polnear models/attribution/speakers.tsv`
//!
//! Every candidate attribution the attributor weighs (a cue from the verb
//! lists or the cue model, with its speaker phrase) is a training row,
//! labelled true when its mention overlaps a gold Source whose Cue
//! overlaps its cue. The threshold below which a candidate is dropped is
//! chosen by two-fold cross-fitting on train, maximising F1 over candidates.

mod common;

use stance::attribute::learned::Fit;
use stance::attribute::ranker_training_rows;
use stance::eval::attribution::load_split;
use stance::segment::CharOffsets;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let out = args.get(2).map_or("models/attribution/speakers.tsv", |s| s);
    // Full-batch, so that a refit after a rule change moves only what the
    // change moved (stochastic steps reshuffle with every added row).
    let fit = Fit {
        epochs: 600,
        l2: 3e-4,
        prune: 0.05,
        min_count: 3,
        batch: true,
    }
    .from_env();
    let articles = load_split(root, "train")?;
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    let per_article: Vec<Vec<(Vec<String>, bool)>> = articles
        .iter()
        .map(|a| {
            // Gold spans are in characters; the tokens count bytes.
            let offsets = CharOffsets::new(&a.text);
            let gold: Vec<((usize, usize), (usize, usize))> = a
                .gold
                .iter()
                .filter_map(|g| Some((g.source?, g.cue?)))
                .map(|(s, c)| (offsets.span_to_bytes(s), offsets.span_to_bytes(c)))
                .collect();
            ranker_training_rows(&a.text, &stance::segment::segment(&a.text))
                .into_iter()
                .map(|(f, mention, cue)| {
                    let right = gold
                        .iter()
                        .any(|&(s, c)| overlaps(mention, s) && overlaps(cue, c));
                    (f, right)
                })
                .collect()
        })
        .collect();
    common::fit_and_write(
        &per_article,
        &fit,
        out,
        |rows, positives| format!("{rows} candidates, {positives} right"),
        "held-out F1",
    )
}
