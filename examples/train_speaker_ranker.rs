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

use stance::attribute::learned::{Fit, Model};
use stance::attribute::ranker_training_rows;
use stance::eval::attribution::load_split;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let out = args.get(2).map_or("models/attribution/speakers.tsv", |s| s);
    let env = |k: &str, d: f32| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let fit = Fit {
        epochs: env("EPOCHS", 6.0) as usize,
        l2: env("L2", 1e-5),
        prune: env("PRUNE", 0.05),
        min_count: env("MIN_COUNT", 3.0) as usize,
    };
    let articles = load_split(root, "train")?;
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    let mut per_article: Vec<Vec<(Vec<String>, bool)>> = Vec::new();
    for a in &articles {
        let bytes: Vec<usize> = a
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([a.text.len()])
            .collect();
        let at = |c: usize| bytes[c.min(bytes.len() - 1)];
        let gold: Vec<((usize, usize), (usize, usize))> = a
            .gold
            .iter()
            .filter_map(|g| Some((g.source?, g.cue?)))
            .map(|(s, c)| ((at(s.0), at(s.1)), (at(c.0), at(c.1))))
            .collect();
        let seg = stance::segment::segment(&a.text);
        per_article.push(
            ranker_training_rows(&a.text, &seg)
                .into_iter()
                .map(|(f, np, cue)| {
                    let right = gold
                        .iter()
                        .any(|&(s, c)| overlaps(np, s) && overlaps(cue, c));
                    (f, right)
                })
                .collect(),
        );
    }
    let fold = |k: usize, held: bool| -> Vec<(Vec<String>, bool)> {
        per_article
            .iter()
            .enumerate()
            .filter(|(i, _)| (i % 2 == k) == held)
            .flat_map(|(_, r)| r.iter().cloned())
            .collect()
    };
    let mut scored: Vec<(f32, bool)> = Vec::new();
    for k in 0..2 {
        let m = Model::fit(&fold(k, false), &fit);
        scored.extend(fold(k, true).iter().map(|(f, y)| (m.probability(f), *y)));
    }
    let positives = scored.iter().filter(|s| s.1).count();
    let mut best = (0.0f64, 0.5f32);
    for step in 1..20 {
        let th = step as f32 * 0.05;
        let tp = scored.iter().filter(|s| s.1 && s.0 >= th).count();
        let pp = scored.iter().filter(|s| s.0 >= th).count();
        let (p, r) = (tp as f64 / pp.max(1) as f64, tp as f64 / positives as f64);
        let f1 = 2.0 * p * r / (p + r).max(1e-9);
        eprintln!(
            "threshold {th:.2}: P {:.1} R {:.1} F1 {:.1}",
            p * 100.0,
            r * 100.0,
            f1 * 100.0
        );
        if f1 > best.0 {
            best = (f1, th);
        }
    }
    let all: Vec<(Vec<String>, bool)> = per_article.into_iter().flatten().collect();
    let mut model = Model::fit(&all, &fit);
    model.threshold = best.1;
    let note = format!(
        "PolNeAR train, {} articles, {} candidates, {} right; {fit:?}",
        articles.len(),
        all.len(),
        all.iter().filter(|r| r.1).count()
    );
    std::fs::write(out, model.to_text(&note))?;
    eprintln!(
        "{out}: {} features, threshold {:.2} (held-out F1 {:.1})",
        model.len(),
        best.1,
        best.0 * 100.0
    );
    Ok(())
}
