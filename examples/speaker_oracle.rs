//! Where wrong speakers come from: for every gold attribution on PolNeAR
//! whose content `eval-attribution` matches with a wrong speaker, is the
//! gold Source among the candidates the attributor weighed for that row
//! (a candidate whose mention overlaps the Source and whose cue lies in the
//! row)? If so, did the ranker prefer another candidate, or did it rank the
//! right one higher and a fixed rule (nesting, `according to`, a clause
//! split) take the other?
//!
//! `cargo run --release --example speaker_oracle -- ../shared/data/polnear train`
//!
//! Speaker matching is `eval-attribution`'s: mention overlap, or the same
//! canonical name (a surname alone matching a full name).

use stance::attribute::learned::Model;
use stance::attribute::ranker_training_rows;
use stance::eval::attribution::{evaluate_article, load_split, predicted, Evaluation};
use stance::ingest::Document;
use stance::pipeline::analyse;
use stance::segment::{segment, CharOffsets};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let split = args.get(2).map_or("train", |s| s);
    let ranker = Model::speakers();
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    let (mut wrong, mut ranked_lower, mut ruled_out) = (0usize, 0usize, 0usize);
    let mut cue_other_phrase = 0usize;
    for article in load_split(root, split)? {
        let analysed = analyse(Document::new("", article.text.as_str()));
        let pred = predicted(&analysed);
        // The evaluator's own verdicts, one article at a time.
        let mut ev = Evaluation::default();
        evaluate_article(&article.text, &pred, &article.gold, &mut ev);
        let offsets = CharOffsets::new(&article.text);
        let candidates = ranker_training_rows(&article.text, &segment(&article.text));
        for e in ev.errors.iter().filter(|e| e.error == "wrong speaker") {
            wrong += 1;
            // The gold attribution and the row the error is about.
            let Some(g) = article.gold.iter().find(|g| {
                g.source_text.as_deref() == Some(e.gold_source.as_str())
                    && cut(&article.text, g.content) == e.gold_content
            }) else {
                continue;
            };
            let Some(row) = pred
                .iter()
                .find(|p| cut(&article.text, p.span) == e.predicted_sentence)
            else {
                continue;
            };
            let (Some(source), row_bytes) = (g.source, offsets.span_to_bytes(row.span)) else {
                continue;
            };
            let source = offsets.span_to_bytes(source);
            let best = |pick: &dyn Fn((usize, usize)) -> bool| {
                candidates
                    .iter()
                    .filter(|(_, mention, cue)| pick(*mention) && overlaps(*cue, row_bytes))
                    .map(|(f, _, _)| ranker.probability(f))
                    .fold(None, |m: Option<f32>, p| Some(m.map_or(p, |m| m.max(p))))
            };
            let Some(right) = best(&|m| overlaps(m, source)) else {
                // Not a candidate: was the gold cue found, with another
                // phrase as its speaker, or not found at all?
                let cue_found = g.cue.map(|c| offsets.span_to_bytes(c)).is_some_and(|c| {
                    candidates
                        .iter()
                        .any(|(_, _, cue)| overlaps(*cue, c) && overlaps(*cue, row_bytes))
                });
                if cue_found {
                    cue_other_phrase += 1;
                }
                continue;
            };
            let chosen = row
                .mention
                .map(|m| offsets.span_to_bytes(m))
                .and_then(|m| best(&|c| overlaps(c, m)))
                .unwrap_or(0.0);
            if right > chosen {
                ruled_out += 1;
            } else {
                ranked_lower += 1;
            }
        }
    }
    println!(
        "{split}: {wrong} wrong speakers; the gold Source is a candidate of the row in {} \
         (ranked below the one taken: {ranked_lower}; ranked above it, but a rule took the other: \
         {ruled_out}); not a candidate: {} (its gold cue is a candidate's cue, with another \
         phrase as speaker: {cue_other_phrase}; its gold cue is no candidate's: {})",
        ranked_lower + ruled_out,
        wrong - ranked_lower - ruled_out,
        wrong - ranked_lower - ruled_out - cue_other_phrase
    );
    Ok(())
}

fn cut(text: &str, (start, end): (usize, usize)) -> String {
    text.chars().skip(start).take(end - start).collect()
}
