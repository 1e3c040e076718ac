//! Train the learned cue model (`models/attribution/cues.tsv`) on
//! PolNeAR's train split; dev is never read.
//!
//! `cargo run --release --example train_cue_model -- ../shared/data/polnear models/attribution/cues.tsv`
//!
//! Settings (environment, defaults in `settings`): `EPOCHS`, `L2`, `PRUNE`,
//! `MIN_COUNT`. They were chosen by the held-out word F1 this prints and
//! by the file size, never on dev.
//!
//! The threshold is chosen by two-fold cross-fitting on train: a model fit
//! on one half of the articles scores the other half, and the threshold
//! that maximises word-level F1 over both held-out halves is kept.

use stance::attribute::cue_training_rows;
use stance::attribute::learned::{Fit, Model};
use stance::eval::attribution::load_split;

fn settings() -> Fit {
    let env = |k: &str, d: f32| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    Fit {
        epochs: env("EPOCHS", 4.0) as usize,
        l2: env("L2", 1e-5),
        prune: env("PRUNE", 0.2),
        min_count: env("MIN_COUNT", 5.0) as usize,
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let out = args.get(2).map_or("models/attribution/cues.tsv", |s| s);
    let articles = load_split(root, "train")?;
    let mut per_article = Vec::new();
    for a in &articles {
        // Gold spans are in characters; the tokens count bytes.
        let bytes: Vec<usize> = a
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([a.text.len()])
            .collect();
        let at = |c: usize| bytes[c.min(bytes.len() - 1)];
        let cues: Vec<(usize, usize)> = a
            .gold
            .iter()
            .filter_map(|g| g.cue)
            .map(|(x, y)| (at(x), at(y)))
            .collect();
        let seg = stance::segment::segment(&a.text);
        per_article.push(cue_training_rows(&a.text, &seg, &cues));
    }
    let fold = |k: usize, held: bool| -> Vec<(Vec<String>, bool)> {
        per_article
            .iter()
            .enumerate()
            .filter(|(i, _)| (i % 2 == k) == held)
            .flat_map(|(_, r)| r.iter().cloned())
            .collect()
    };
    // Held-out probabilities from the two folds.
    let mut scored: Vec<(f32, bool)> = Vec::new();
    for k in 0..2 {
        let m = Model::fit(&fold(k, false), &settings());
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
    let fit = settings();
    let all: Vec<(Vec<String>, bool)> = per_article.into_iter().flatten().collect();
    let mut model = Model::fit(&all, &fit);
    model.threshold = best.1;
    let note = format!(
        "PolNeAR train, {} articles, {} words, {} cue words; {fit:?}",
        articles.len(),
        all.len(),
        all.iter().filter(|r| r.1).count()
    );
    std::fs::write(out, model.to_text(&note))?;
    eprintln!(
        "{out}: {} features, threshold {:.2} (held-out word F1 {:.1})",
        model.len(),
        best.1,
        best.0 * 100.0
    );
    Ok(())
}
