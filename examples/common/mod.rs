//! What the two attribution trainers (`train_cue_model`,
//! `train_speaker_ranker`) share after building their rows: cross-fit,
//! report the held-out sweep, write the model with a note on its data.

use stance::attribute::learned::{cross_fit, Fit};

/// Fit on `per_article` rows (threshold by two-fold cross-fitting), print
/// the held-out precision, recall and F1 at every threshold, write the
/// model to `out` with the header "PolNeAR train, N articles, {rows}; FIT",
/// where `rows(all, positives)` names the row counts, and print a summary
/// naming the held-out figure `f1_name`.
pub fn fit_and_write(
    per_article: &[Vec<(Vec<String>, bool)>],
    fit: &Fit,
    out: &str,
    rows: impl Fn(usize, usize) -> String,
    f1_name: &str,
) -> anyhow::Result<()> {
    let (model, sweep) = cross_fit(per_article, fit);
    for h in &sweep {
        eprintln!(
            "threshold {:.2}: P {:.1} R {:.1} F1 {:.1}",
            h.threshold,
            h.precision * 100.0,
            h.recall * 100.0,
            h.f1 * 100.0
        );
    }
    let all = per_article.iter().map(Vec::len).sum::<usize>();
    let positives = per_article.iter().flatten().filter(|r| r.1).count();
    let note = format!(
        "PolNeAR train, {} articles, {}; {fit:?}",
        per_article.len(),
        rows(all, positives)
    );
    std::fs::write(out, model.to_text(&note))?;
    let best = sweep.iter().map(|h| h.f1).fold(0.0, f64::max);
    eprintln!(
        "{out}: {} features, threshold {:.2} ({f1_name} {:.1})",
        model.len(),
        model.threshold,
        best * 100.0
    );
    Ok(())
}
