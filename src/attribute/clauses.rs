//! One sentence, several sources: finding every cue of a sentence with its
//! speaker, and drawing the clauses each one covers.
//!
//! - The cues come from the verb lists and patterns ([`super::cues`]) and,
//!   when enabled, from the learned cue model ([`super::learned`]).
//! - A sentence splits into clauses at `;` and at `, while`, `, but`,
//!   `, whereas`, `, although`, `, and` (outside quotation marks). A clause
//!   with no cue of its own joins the one before it, so a sentence splits
//!   only where another attribution starts: `X said A, while Y insisted B`
//!   gives two, and so does `X said A, and she added B` (two attributions
//!   of one speaker, each scored with its own content).
//! - Within one clause the first cue by preference is the attribution (a
//!   verb of saying, then a trailing `…, she noted`, then the earliest; the
//!   learned model's cues only where the lists found none). Another listed
//!   cue with a different speaker in the same clause is a nested source:
//!   `X said Y claimed Z` is X's, with Y as `nested_speaker`.

use super::cues::{cue_candidates, learned_cue_np, QuoteInfo};
use super::learned::{self, CueModel};
use super::lexicon;
use super::quotes::QuoteSpan;
use super::speaker::{Entity, NameBook, Np, Salience};
use super::tokens::Tok;
use super::{resolve, Attribution, Kind, Options, UNKNOWN};

/// A sentence as the clause finder sees it.
pub(super) struct Sentence<'a> {
    pub(super) doc: &'a str,
    pub(super) toks: &'a [Tok<'a>],
    /// Quotation spans overlapping the sentence.
    pub(super) spans: &'a [QuoteSpan],
    pub(super) info: &'a QuoteInfo,
    pub(super) at: &'a crate::segment::Sentence,
}

/// A cue with its resolved speaker.
struct Found {
    entity: Entity,
    np: Np,
    cue: (usize, usize),
    /// The token where the attribution starts: its speaker or its cue.
    anchor: usize,
    /// From the verb lists (not the learned model).
    listed: bool,
}

/// Conjunctions that, after a comma, may start a clause with a new source.
fn starts_clause(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "while" | "whereas" | "but" | "although" | "though" | "and" | "yet"
    )
}

/// Token indices where a new clause may start.
fn clause_starts(toks: &[Tok]) -> Vec<usize> {
    (1..toks.len())
        .filter(|&b| {
            let (p, t) = (&toks[b - 1], &toks[b]);
            t.is_frame_word()
                && !p.quoted
                && (p.is_punct(';') || (p.is_punct(',') && starts_clause(t.text)))
        })
        .collect()
}

/// Every attribution of the sentence, in clause order; empty when it has
/// no cue with a speaker.
pub(super) fn sentence_attributions(
    s: &Sentence,
    names: &mut NameBook,
    salience: &Salience,
    opts: &Options,
) -> Vec<(Entity, Attribution)> {
    let toks = s.toks;
    let tok_at = |byte: usize| toks.iter().position(|t| t.start == byte).unwrap_or(0);
    let mut found: Vec<Found> = Vec::new();
    let mut candidates = cue_candidates(toks, s.info);
    // Prefer verbs of saying over positions, then a trailing attribution
    // (`…, she noted.`), then the earliest.
    candidates.sort_by_key(|c| (std::cmp::Reverse((c.speech, c.trailing)), c.cue.0));
    for c in candidates {
        if let Some(entity) = resolve(toks, c.np, s.doc, names, salience) {
            found.push(Found {
                anchor: c.np.first.min(tok_at(c.cue.0)),
                entity,
                np: c.np,
                cue: c.cue,
                listed: true,
            });
        }
    }
    if opts.learned_cues {
        let model = CueModel::shipped();
        let mut scored: Vec<(usize, f32)> = learned::candidate_words(toks)
            .filter(|&i| {
                !found
                    .iter()
                    .any(|f| f.cue.0 <= toks[i].start && toks[i].end <= f.cue.1)
            })
            .map(|i| (i, model.probability(&learned::features(toks, i))))
            .filter(|&(_, p)| p >= model.threshold)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (i, _) in scored {
            let Some(np) = learned_cue_np(toks, i) else {
                continue;
            };
            if let Some(entity) = resolve(toks, np, s.doc, names, salience) {
                found.push(Found {
                    anchor: np.first.min(i),
                    entity,
                    np,
                    cue: (toks[i].start, toks[i].end),
                    listed: false,
                });
            }
        }
    }
    if found.is_empty() {
        return Vec::new();
    }

    // Clauses: the first found of each (listed before learned, in order of
    // preference); a clause with none joins the one before it.
    let starts = clause_starts(toks);
    let clause_of = |f: &Found| starts.partition_point(|&b| b <= f.anchor);
    let mut clauses: Vec<(usize, Vec<&Found>)> = Vec::new();
    for k in 0..=starts.len() {
        let mut here: Vec<&Found> = found.iter().filter(|f| clause_of(f) == k).collect();
        // Listed cues first, then the learned ones, each in found order.
        here.sort_by_key(|f| !f.listed);
        let first_tok = if k == 0 { 0 } else { starts[k - 1] };
        match clauses.last_mut() {
            Some((_, prev)) if here.is_empty() => prev.extend(here),
            _ => clauses.push((first_tok, here)),
        }
    }
    // A leading clause with no cue belongs to the next.
    if clauses.len() > 1 && clauses[0].1.is_empty() {
        clauses.remove(0);
        clauses[0].0 = 0;
    }

    let is_pronoun = |f: &Found| {
        f.np.first == f.np.last && lexicon::pronoun_kind(toks[f.np.first].text).is_some()
    };
    let mut out: Vec<(Entity, Attribution)> = Vec::with_capacity(clauses.len());
    for (k, (first_tok, here)) in clauses.iter().enumerate() {
        let Some(f) = here.first() else { continue };
        // `X said A, but he added B`: a pronoun after an earlier clause of
        // the sentence stands for that clause's speaker when it can.
        let entity = match (out.last(), lexicon::pronoun_kind(toks[f.np.first].text)) {
            (Some((prev, _)), Some(pk)) if is_pronoun(f) && Salience::fits(pk, prev) => {
                prev.clone()
            }
            _ => f.entity.clone(),
        };
        let start = if k == 0 {
            s.at.start
        } else {
            toks[*first_tok].start
        };
        let end = match clauses.get(k + 1) {
            Some((next, _)) => toks[*next].start,
            None => s.at.end,
        };
        let end = start + s.doc[start..end].trim_end().len();
        let last_tok = clauses.get(k + 1).map_or(toks.len(), |(n, _)| *n);
        let info = if clauses.len() == 1 {
            None
        } else {
            Some(QuoteInfo::of(
                &toks[*first_tok..last_tok],
                s.spans,
                start,
                end,
            ))
        };
        let info = info.as_ref().unwrap_or(s.info);
        let kind =
            if info.has_quote && (info.starts_quoted || info.colon_intro || info.ratio >= 0.5) {
                Kind::Direct
            } else {
                Kind::Indirect
            };
        // A pronoun inside the content (`X said he …`) is the speaker
        // again, not a nested source.
        let nested = here
            .iter()
            .skip(1)
            .find(|g| {
                g.listed
                    && !is_pronoun(g)
                    && g.entity.name != entity.name
                    && g.entity.name != UNKNOWN
            })
            .map(|g| g.entity.name.clone());
        out.push((
            entity.clone(),
            Attribution {
                sentence: s.at.index,
                clause: (start, end),
                speaker: entity.name.clone(),
                kind,
                mention: Some((toks[f.np.first].start, toks[f.np.last].end)),
                cue: Some(f.cue),
                nested_speaker: nested,
            },
        ));
    }
    out
}
