//! One sentence, several sources: finding every cue of a sentence with its
//! speaker, and drawing the clauses each one covers.
//!
//! - The cues come from the verb lists and patterns (`cues`) and,
//!   when enabled, from the learned cue model ([`super::learned`]).
//! - A sentence splits into clauses at `;`, at `, while`, `, but`,
//!   `, whereas`, `, although`, `, and`, at a conjunction followed by a
//!   subject pronoun (`… as he urged …`), at `, who` and `, which`
//!   (`…, Lopez, who said …`), at `, compared with` (a poll's `…,
//!   compared with 23 percent who said …`), at `and`, `but` or `while`
//!   before another verb of saying's speaker (`… and Clinton said`), and
//!   after a fronted subordinate clause (`While X said A, he said B`,
//!   `Despite what he wrote …, Cross said …`), outside quotation marks.
//!   A clause with no cue of its own joins the one before it, so a
//!   sentence splits only where another attribution starts: `X said A, while Y insisted B`
//!   gives two, and so does `X said A, and she added B` (two attributions
//!   of one speaker, each scored with its own content).
//! - Every candidate (a cue and its speaker phrase) gets a probability from
//!   the learned speaker ranker ([`super::learned::Model::speakers`]);
//!   candidates below `--min-speaker-confidence` are dropped.
//! - Within one clause, a cue inside the content of a listed cue before it
//!   (`X said that … he wants`) is never the clause's own; among the rest
//!   the ranker's most probable wins. Another listed cue with a different
//!   speaker in the same clause is a nested source: `X said Y claimed Z` is
//!   X's, with Y as `nested_speaker`.

use super::cues::{self, cue_candidates, learned_cue_np, QuoteInfo};
use super::learned::{self, Model};
use super::lexicon;
use super::quotes::QuoteSpan;
use super::speaker::{self, Entity, NameBook, Np, Salience};
use super::tokens::{Tok, TokKind};
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
    /// The cue model's probability that the cue word is a cue.
    cue_p: f32,
    /// The speaker ranker's probability that this is a true attribution.
    rank: f32,
    /// `according to`, a headline `Name:` or a named poll after `in`: the
    /// source is named outright.
    according: bool,
}

/// A candidate attribution as the speaker ranker is trained on it: its
/// features, and the byte spans of its mention (the speaker phrase, or the
/// `who` standing for it) and cue.
pub type RankerRow = (Vec<String>, (usize, usize), (usize, usize));

/// Features of a candidate attribution for the speaker ranker: where the
/// list or model found the cue and how sure it was, what the speaker phrase
/// looks like, and where it stands relative to the cue.
fn ranker_features(
    toks: &[Tok],
    q: learned::QuotedWords,
    f: &Found,
    cue_tok: usize,
    order: usize,
) -> Vec<String> {
    let (np, listed, cue_p) = (f.np, f.listed, f.cue_p);
    let low = |i: usize| toks[i].text.to_lowercase();
    let head = &toks[np.last];
    let first = &toks[np.first];
    let shape = |t: &Tok| {
        if lexicon::pronoun_kind(t.text).is_some() {
            "pron".to_string()
        } else if t.is_capitalised() {
            "Cap".to_string()
        } else if lexicon::is_determiner(t.text) {
            low_word(t)
        } else {
            "low".to_string()
        }
    };
    let before = np
        .first
        .checked_sub(1)
        .map_or("^".to_string(), |i| token_shape(&toks[i]));
    let after_np = toks.get(np.last + 1).map_or("$".to_string(), token_shape);
    let gap = if np.first > cue_tok {
        -((np.first - cue_tok) as isize)
    } else {
        (cue_tok - np.last) as isize
    };
    let gap = gap.clamp(-4, 6);
    let len = (np.last - np.first + 1).min(6);
    let strength = match lexicon::cue_strength(&low(cue_tok)) {
        Some(lexicon::CueStrength::Speech) => "speech",
        Some(lexicon::CueStrength::QuoteOnly) => "quote-only",
        Some(lexicon::CueStrength::Attitude) => "attitude",
        Some(lexicon::CueStrength::Finding) => "finding",
        None => "none",
    };
    let quoted = q.first.is_some();
    let cue_after_quote = q.first.is_some_and(|f| f < cue_tok);
    let has_of = toks[np.first..=np.last].iter().any(|t| t.text == "of");
    let relative = np.last + 1 < toks.len()
        && toks[np.last + 1..cue_tok.max(np.last + 1)]
            .iter()
            .any(|t| matches!(t.text, "who" | "which" | "that"));
    let src = if listed { "list" } else { "model" };
    vec![
        format!("src,cue={src},{}", low(cue_tok)),
        format!("src,gap={src},{gap}"),
        format!("quotes={}{}", quoted as u8, cue_after_quote as u8),
        format!("of={has_of}"),
        format!("relative={relative}"),
        format!(
            "head_word,cue={},{}",
            head.bare().to_lowercase(),
            low(cue_tok)
        ),
        format!("src={src}"),
        format!("order={}", order.min(3)),
        format!("cue_p={}", (cue_p * 10.0) as u8),
        format!("cue={}", low(cue_tok)),
        format!("strength={strength}"),
        format!("first={}", shape(first)),
        format!("head={}", shape(head)),
        format!("head_word={}", head.bare().to_lowercase()),
        format!("len={len}"),
        format!("gap={gap}"),
        format!("before={before}"),
        format!("after={after_np}"),
        format!("start={}", np.first == 0),
        format!("gap,strength={gap},{strength}"),
        format!("first,head={},{}", shape(first), shape(head)),
        format!("before,first={before},{}", shape(first)),
    ]
}

fn low_word(t: &Tok) -> String {
    t.text.to_lowercase()
}

/// A token as the ranker sees its neighbours: punctuation and function
/// words as themselves, other words by shape.
fn token_shape(t: &Tok) -> String {
    match t.kind {
        super::tokens::TokKind::Word if t.quoted => "qw".into(),
        super::tokens::TokKind::Word
            if lexicon::is_function_word(t.text)
                || lexicon::is_preposition(t.text)
                || lexicon::pronoun_kind(t.text).is_some() =>
        {
            low_word(t)
        }
        super::tokens::TokKind::Word if t.is_capitalised() => "Cap".into(),
        super::tokens::TokKind::Word => "low".into(),
        super::tokens::TokKind::OpenQuote => "<q".into(),
        super::tokens::TokKind::CloseQuote => ">q".into(),
        super::tokens::TokKind::Punct(c) => c.to_string(),
    }
}

/// The end (its comma) of a fronted question clause: `Asked whether …,`,
/// `Pressed on …,`, `Questioned about …,`.
fn question_opener(toks: &[Tok]) -> Option<usize> {
    let first = toks.first()?;
    if first.quoted
        || !matches!(
            first.text,
            "Asked" | "Pressed" | "Questioned" | "Challenged"
        )
    {
        return None;
    }
    // The clause ends at its first comma outside quotation marks, or at a
    // comma that closes a quotation (`Asked whether she “has the
    // judgment,” 71 percent said …`).
    (0..toks.len()).find(|&k| {
        toks[k].is_punct(',')
            && (!toks[k].quoted
                || toks
                    .get(k + 1)
                    .is_some_and(|n| n.kind == TokKind::CloseQuote))
    })
}

/// A source set off from the content it attributes: a speech verb as an
/// aside ([`set_off_speech`]) or `…, according to Y` after a comma (or a
/// comma and a closing quote). It attributes the whole sentence.
fn is_aside(toks: &[Tok], f: &Found, cue: usize) -> bool {
    // (A named poll after `in`, the one source named outright at `in`, is
    // set off wherever it stands.)
    set_off_speech(toks, f.np, cue, f.listed)
        || f.according
            && (speaker::after_comma(toks, cue) || toks[cue].text.eq_ignore_ascii_case("in"))
}

/// `…, they say, the world could …` and `…, Gilbert said.`: a listed
/// speech verb (or a finding verb of a report, poll or the like) whose
/// speaker follows a comma and which is followed (after
/// adverbs and a time phrase) by a comma or the sentence's end. Such an
/// aside attributes everything around it, whatever other cue words the
/// sentence holds.
fn set_off_speech(toks: &[Tok], np: Np, cue: usize, listed: bool) -> bool {
    let is_speech = |t: &Tok| lexicon::cue_strength(t.text) == Some(lexicon::CueStrength::Speech);
    // `…, records show.`: a finding verb of a report, poll or the like is
    // such an aside too.
    let speech = match lexicon::cue_strength(toks[cue].text) {
        Some(lexicon::CueStrength::Speech) => true,
        Some(lexicon::CueStrength::Finding) => lexicon::is_finding_source(toks[np.last].text),
        _ => false,
    };
    // The phrase may follow the comma after words that describe it:
    // `…, Democratic vice presidential candidate Tim Kaine insisted`.
    let mut b = np.first;
    while b > 0
        && np.first - b < 6
        && toks[b - 1].is_frame_word()
        && (!lexicon::is_function_word(toks[b - 1].text) || toks[b - 1].text == "and")
        && lexicon::cue_strength(toks[b - 1].text).is_none()
    {
        b -= 1;
    }
    // `…, said Dante Scala, a professor.`: the verb after a comma (or a
    // comma and a closing quote) with its speaker after it, which ends the
    // sentence or is followed by a comma.
    if listed && speech && np.first > cue {
        // (The phrase may go on in a phrase of its own to the sentence's
        // end: `…, said one source in the room.`)
        let rest = &toks[np.last + 1..];
        let described = rest.first().is_some_and(|t| {
            t.is_frame_word() && lexicon::is_preposition(t.text) && t.text != "that"
        }) && rest.len() <= 10
            && rest.iter().all(|t| {
                t.is_frame_word() && !t.text.eq_ignore_ascii_case("that") && !is_speech(t)
                    || matches!(t.kind, TokKind::Punct('-' | '\'' | '’' | '.' | '!' | '?'))
            });
        return speaker::after_comma(toks, cue)
            && (described
                || rest
                    .first()
                    .is_none_or(|t| matches!(t.kind, TokKind::Punct(',' | '.' | '!' | '?'))));
    }
    if !listed || !speech || np.last >= cue || !speaker::after_comma(toks, b) {
        return false;
    }
    let mut k = cue + 1;
    // `…, officials told POLITICO.`, `told reporters`: a verb of telling
    // takes its listener first.
    if matches!(
        toks[cue].text.to_lowercase().as_str(),
        "told" | "tells" | "tell"
    ) {
        let listener = |t: &Tok| {
            t.is_frame_word()
                && (t.is_capitalised() || {
                    let l = t.text.to_lowercase();
                    lexicon::is_object_pronoun(&l)
                        || matches!(l.as_str(), "reporters" | "journalists" | "the" | "a")
                })
        };
        let n = toks[k..].iter().take(5).take_while(|t| listener(t)).count();
        k += n;
    }
    while toks.get(k).is_some_and(|t| {
        t.kind == TokKind::Word
            && (lexicon::is_verb_adjunct(t.text)
                || lexicon::is_calendar_word(t.text)
                || matches!(
                    t.text.to_lowercase().as_str(),
                    "last" | "this" | "on" | "in" | "a" | "an" | "statement" | "interview"
                ))
    }) {
        k += 1;
    }
    // A closing phrase of circumstance, to the sentence's end: `…, Kaine
    // insisted Thursday during a tour of morning news shows.` It holds no
    // verb of saying, no `that` and no quotation, so nothing is reported
    // in it (`shows` there is a noun, so only verbs of saying count).
    let named = toks[np.first..=np.last]
        .iter()
        .any(|t| t.is_capitalised() || lexicon::pronoun_kind(t.text).is_some());
    // (Its preposition may be one the words skipped above took: `said on
    // the same call`.)
    let circumstance_at = |t: &Tok| {
        t.is_frame_word()
            && matches!(
                t.text,
                "during" | "at" | "in" | "on" | "after" | "before" | "from" | "following"
            )
    };
    // …and it opens a phrase of its own (`on the same call`, `on CNN`),
    // not a complement (`insisted on getting …`).
    let from = (cue + 1..k)
        .find(|&p| circumstance_at(&toks[p]))
        .filter(|&p| {
            toks.get(p + 1).is_some_and(|n| {
                n.is_frame_word()
                    && (lexicon::is_determiner(n.text)
                        || lexicon::is_calendar_word(n.text)
                        || n.is_capitalised() && !n.text.contains(['\'', '’']))
            })
        })
        .unwrap_or(k);
    let circumstance = named
        && toks.get(from).is_some_and(circumstance_at)
        && toks[from..].iter().all(|t| {
            t.is_frame_word() && !t.text.eq_ignore_ascii_case("that") && !is_speech(t)
                || matches!(t.kind, TokKind::Punct('-' | '\'' | '’' | '.' | '!' | '?'))
        });
    // A phrase of circumstance up to the aside's closing comma: `…, she
    // said in a telephone interview, that …`.
    let p = cue + 1;
    let to_comma = named
        && toks.get(p).is_some_and(|t| {
            t.is_frame_word() && matches!(t.text, "in" | "at" | "on" | "during" | "after" | "from")
        })
        && (p..toks.len().min(p + 8))
            .find(|&c| !toks[c].is_frame_word())
            .is_some_and(|c| {
                toks[c].is_punct(',')
                    && toks[p..c]
                        .iter()
                        .all(|t| !t.text.eq_ignore_ascii_case("that") && !is_speech(t))
            });
    circumstance
        || to_comma
        || toks
            .get(k)
            .is_none_or(|t| matches!(t.kind, TokKind::Punct(',' | '.' | '!' | '?')))
}

/// Conjunctions that, after a comma, may start a clause with a new source.
fn starts_clause(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "while" | "whereas" | "but" | "although" | "though" | "and" | "yet"
    )
}

/// A subject pronoun, alone or contracted with its verb (`he’s`).
fn is_subject_pronoun(word: &str) -> bool {
    matches!(
        lexicon::without_contraction(&word.to_lowercase()),
        "he" | "she" | "they" | "we" | "i"
    )
}

/// Token indices where a new clause may start: at `;`, at a conjunction
/// after a comma, and at a conjunction whose clause opens with a subject
/// pronoun (`… as he urges …`, `… — and he’s hoping …`), comma or not,
/// unless it follows `that`; at `, who` and `, which`; at `, compared
/// with`; at a conjunction before a verb of saying's speaker; and where
/// the main clause starts after a fronted subordinate clause.
fn clause_starts(toks: &[Tok]) -> Vec<usize> {
    let main = fronted_main_clause(toks);
    (1..toks.len())
        .filter(|&b| {
            if Some(b) == main {
                return true;
            }
            if toks[b - 1].is_punct(',') && !toks[b].quoted && is_relative_pronoun(toks[b].text) {
                return true;
            }
            let (p, t) = (&toks[b - 1], &toks[b]);
            let pronoun_clause = matches!(
                t.text.to_lowercase().as_str(),
                "as" | "because" | "and" | "but" | "while" | "since" | "although" | "though" | "after" | "when"
            ) && toks
                .get(b + 1)
                .is_some_and(|n| n.is_frame_word() && is_subject_pronoun(n.text))
                // `said that while he …` opens the reported clause.
                && !p.text.eq_ignore_ascii_case("that");
            t.is_frame_word()
                && !p.quoted
                && (p.is_punct(';')
                    || (p.is_punct(',') && starts_clause(t.text))
                    || (p.is_punct(',') && speaker::after_comparison(toks, b + 2))
                    || pronoun_clause
                    || speech_clause_after_conjunction(toks, b)
                    || named_subordinate_source(toks, b))
        })
        .collect()
}

/// `… asked for a photo and Clinton said, “…”`, `21 percent said “not
/// likely” and 14 percent said …`: a conjunction after a lower-case word
/// or a closing quotation mark, then the speaker phrase of a verb of
/// saying, starts a clause with its own speaker without a comma. (After a
/// name, `Grassley and Leahy said` is one subject of two; in `the union
/// and its members said` the part before `and` has no cue, so it joins
/// the clause after it again.)
fn speech_clause_after_conjunction(toks: &[Tok], b: usize) -> bool {
    let (p, t) = (&toks[b - 1], &toks[b]);
    let after_word = p.is_frame_word()
        && !p.is_capitalised()
        && !lexicon::is_function_word(p.text)
        && !lexicon::is_preposition(p.text);
    if !(matches!(t.text, "and" | "but" | "while") && (after_word || p.kind == TokKind::CloseQuote))
    {
        return false;
    }
    let verb = (b + 2..toks.len().min(b + 8))
        .take_while(|&k| toks[k].is_frame_word() && !toks[k].quoted)
        .find(|&k| lexicon::cue_strength(toks[k].text) == Some(lexicon::CueStrength::Speech));
    verb.is_some_and(|v| speaker::left_np(toks, v).is_some_and(|np| np.first == b + 1))
}

/// `… a “disgrace” after Clinton attacked …`, `… since the senator
/// cited …`: a subordinator whose clause opens with the speaker phrase of
/// a listed verb starts a clause with its own source.
fn named_subordinate_source(toks: &[Tok], b: usize) -> bool {
    let (p, t) = (&toks[b - 1], &toks[b]);
    if !matches!(
        t.text,
        "after" | "when" | "as" | "since" | "because" | "while" | "although" | "though"
    ) || p.text.eq_ignore_ascii_case("that")
    {
        return false;
    }
    let verb = (b + 2..toks.len().min(b + 8))
        .take_while(|&k| toks[k].is_frame_word() && !toks[k].quoted)
        .find(|&k| lexicon::cue_strength(toks[k].text) == Some(lexicon::CueStrength::Speech));
    verb.is_some_and(|v| speaker::left_np(toks, v).is_some_and(|np| np.first == b + 1))
}

/// Where a fronted subordinator may stand: the sentence's first token, or
/// the first after a sentence adverb and its comma (`Interestingly, after
/// …`), or after words of time before `after`, `before` or `when` (`Not
/// long after …`, `Two hours after …`, `Shortly before …`, `Ever since …`).
fn subordinator_lead(toks: &[Tok]) -> usize {
    // After a conjunction that opens the sentence (`But even as …`; one
    // only, so that a run of them costs nothing).
    let conj = toks
        .first()
        .is_some_and(|t| t.is_frame_word() && matches!(t.text, "But" | "And" | "Yet"))
        && toks.get(1).is_some_and(|t| t.is_frame_word());
    if conj {
        let rest = lead_after_conjunction(&toks[1..]);
        // `But even as …`: `even` before a subordinator.
        let even = rest == 0 && toks[1].text.eq_ignore_ascii_case("even");
        return 1 + rest + usize::from(even);
    }
    lead_after_conjunction(toks)
}

/// [`subordinator_lead`] once a conjunction that opens the sentence is
/// passed.
fn lead_after_conjunction(toks: &[Tok]) -> usize {
    let adverb = toks.first().is_some_and(|t| {
        t.is_frame_word() && {
            let l = t.text.to_lowercase();
            l.ends_with("ly") || speaker::is_discourse_adverb(&l)
        }
    }) && toks.get(1).is_some_and(|t| t.is_punct(','));
    if adverb {
        return 2;
    }
    let timing = |t: &Tok| {
        t.is_frame_word()
            && (speaker::is_spelled_number(t.text)
                || t.text.starts_with(|c: char| c.is_ascii_digit())
                || matches!(
                    t.text.to_lowercase().as_str(),
                    "not"
                        | "long"
                        | "shortly"
                        | "soon"
                        | "just"
                        | "right"
                        | "ever"
                        | "only"
                        | "even"
                        | "a"
                        | "an"
                        | "few"
                        | "moments"
                        | "minutes"
                        | "hours"
                        | "days"
                        | "weeks"
                        | "months"
                        | "years"
                        | "day"
                        | "week"
                        | "month"
                        | "year"
                ))
    };
    let n = toks.iter().take(3).take_while(|t| timing(t)).count();
    let before_when = toks.get(n).is_some_and(|t| {
        t.is_frame_word() && matches!(t.text, "after" | "before" | "when" | "since")
    });
    if n > 0 && before_when {
        n
    } else {
        0
    }
}

/// Subordinators that open a fronted clause: `While X said A, he …`.
fn fronted_subordinator(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "while"
            | "whereas"
            | "despite"
            | "given"
            | "amid"
            | "unlike"
            | "although"
            | "though"
            | "as"
            | "because"
            | "since"
            | "when"
            | "after"
            | "before"
            | "if"
            | "unless"
            | "once"
    )
}

/// In a sentence that opens with a subordinate clause, the first word
/// after its first comma outside quotes: in `While the mayor said A, she
/// said B` (or `Although the union said A, the company argued B`) the main
/// clause starts there, and splits off only if both parts hold a cue.
fn fronted_main_clause(toks: &[Tok]) -> Option<usize> {
    // The subordinator may follow a sentence adverb and its comma
    // (`Interestingly, after …`) or words of time (`Not long after …`,
    // `Two hours after …`).
    let lead = subordinator_lead(toks);
    let first = toks.get(lead)?;
    // `Despite what he wrote …, Cross said …`, `In what he called a
    // “rant,” Obama took …`: a preposition with a clause of its own.
    let free_relative = toks
        .get(lead + 1)
        .is_some_and(|w| w.is_frame_word() && matches!(w.text, "what" | "how"))
        && lexicon::is_preposition(first.text);
    if first.quoted
        || !first.is_frame_word()
        || !(fronted_subordinator(first.text) || free_relative)
    {
        return None;
    }
    // After its first comma outside quotation marks, or one that closes a
    // quotation (`… a “rant,” Obama …`).
    let after = cues::after_first_comma(toks, lead)?;
    let next = toks.get(after)?;
    (next.is_frame_word() && !next.quoted).then_some(after)
}

/// Every attribution of the sentence, in clause order; empty when it has
/// no cue with a speaker.
pub(super) fn sentence_attributions(
    s: &Sentence,
    names: &mut NameBook,
    salience: &Salience,
    opts: &Options,
    mut collect: Option<&mut Vec<RankerRow>>,
) -> Vec<(Entity, Attribution)> {
    let toks = s.toks;
    let q = learned::QuotedWords::of(toks);
    // Tokens are in order: a binary search keeps huge sentences linear.
    let tok_at = |byte: usize| toks.partition_point(|t| t.start < byte);
    let mut found: Vec<Found> = Vec::new();
    let mut candidates = cue_candidates(toks, s.info);
    // Prefer verbs of saying over positions, then a trailing attribution
    // (`…, she noted.`), then the earliest.
    candidates.sort_by_key(|c| (std::cmp::Reverse((c.speech, c.trailing)), c.cue.0));
    let cues = Model::cues();
    for c in candidates {
        if let Some(entity) = resolve(toks, c.np, s.doc, names, salience) {
            let cue_tok = tok_at(c.cue.0);
            found.push(Found {
                cue_p: cues.probability(&learned::features(toks, cue_tok, q)),
                anchor: relative_anchor(toks, c.np, cue_tok).unwrap_or(c.np.first.min(cue_tok)),
                entity,
                np: c.np,
                cue: c.cue,
                listed: true,
                rank: 0.0,
                according: c.np.first > cue_tok
                    && (toks[cue_tok].text.eq_ignore_ascii_case("according")
                        || toks[cue_tok].text.eq_ignore_ascii_case("in")),
            });
        }
    }
    if opts.learned_cues {
        let mut listed: Vec<(usize, usize)> = found.iter().map(|f| f.cue).collect();
        listed.sort_unstable();
        let in_listed_cue = |t: &Tok| {
            let k = listed.partition_point(|c| c.0 <= t.start);
            k > 0 && t.end <= listed[k - 1].1
        };
        let mut scored: Vec<(usize, f32)> = learned::candidate_words(toks)
            .filter(|&i| !in_listed_cue(&toks[i]))
            .map(|i| (i, cues.probability(&learned::features(toks, i, q))))
            .filter(|&(_, p)| p >= cues.threshold)
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (i, cue_p) in scored {
            let Some(np) = learned_cue_np(toks, i) else {
                continue;
            };
            // `X appeared to …`: the cue is `appeared to`, from the verb.
            let from = if toks[i].text.eq_ignore_ascii_case("to") && np.last + 2 == i {
                np.last + 1
            } else {
                i
            };
            if let Some(entity) = resolve(toks, np, s.doc, names, salience) {
                found.push(Found {
                    cue_p,
                    anchor: relative_anchor(toks, np, i).unwrap_or(np.first.min(i)),
                    entity,
                    np,
                    cue: (toks[from].start, toks[i].end),
                    listed: false,
                    rank: 0.0,
                    according: false,
                });
            }
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let ranker = Model::speakers();
    for (order, f) in found.iter_mut().enumerate() {
        let feats = ranker_features(toks, q, f, tok_at(f.cue.0), order);
        f.rank = ranker.probability(&feats);
        if let Some(rows) = collect.as_deref_mut() {
            rows.push((feats, mention_of(toks, f.np, tok_at(f.cue.0)), f.cue));
        }
    }
    found.retain(|f| f.rank >= opts.min_speaker_confidence);
    // A listed aside that closes the sentence (`A, but B, according to
    // Z.`, `…, Z said.`) attributes all of it: a cue only the learned model
    // found before it (`Foreign nationals are …`) is no source of its own.
    let closing_aside = found
        .iter()
        .filter(|f| f.listed)
        .max_by_key(|f| f.cue.0)
        .filter(|f| found.iter().all(|g| g.cue.0 <= f.cue.0) && is_aside(toks, f, tok_at(f.cue.0)))
        .map(|f| f.cue.0);
    if let Some(at) = closing_aside {
        found.retain(|f| f.listed || f.cue.0 > at);
    }
    if found.is_empty() {
        return Vec::new();
    }

    // Clauses, each with its candidates in order (the first is its
    // attribution); a clause with none joins the one before it.
    let starts = clause_starts(toks);
    let mut buckets: Vec<Vec<&Found>> = vec![Vec::new(); starts.len() + 1];
    for f in &found {
        buckets[starts.partition_point(|&b| b <= f.anchor)].push(f);
    }
    // `Asked whether she believed …, Clinton said …`: cues inside a fronted
    // question clause belong to the question, not to the sentence.
    let opener = question_opener(toks);
    let mut clauses: Vec<(usize, Vec<&Found>)> = Vec::new();
    for (k, here) in buckets.into_iter().enumerate() {
        // A cue inside the content of a listed cue whose speaker comes
        // first (`X said that … he wants`) is nested, never the clause's
        // own; `according to` and a speech verb set off by commas come
        // first; among the rest, the ranker's most probable (a stable
        // sort: ties keep the lists' order).
        let earliest = here
            .iter()
            .filter(|g| g.listed && g.np.last < tok_at(g.cue.0))
            .map(|g| tok_at(g.cue.0))
            .min();
        // `X, who …, said`: a listed cue right after a relative clause on
        // its speaker; cues inside that clause describe X, and are not the
        // sentence's attribution.
        let relatives: Vec<(usize, usize)> = here
            .iter()
            .filter(|g| g.listed)
            .filter_map(|g| {
                let cue = tok_at(g.cue.0);
                let rel = relative_anchor(toks, g.np, cue)
                    .filter(|&r| toks[r].text.eq_ignore_ascii_case("who"))?;
                let comma = closes_relative(toks, rel, cue)?;
                Some((rel, comma))
            })
            .collect();
        let governed = |f: &Found| {
            earliest.is_some_and(|c| c < f.anchor)
                || opener.is_some_and(|e| tok_at(f.cue.0) < e)
                || relatives
                    .iter()
                    .any(|&(rel, comma)| rel < f.anchor && tok_at(f.cue.0) < comma)
        };
        let keys: Vec<(bool, bool, f32)> = here
            .iter()
            .map(|f| {
                let set_off = is_aside(toks, f, tok_at(f.cue.0));
                (governed(f) && !set_off, !(f.according || set_off), f.rank)
            })
            .collect();
        let mut order: Vec<usize> = (0..here.len()).collect();
        order.sort_by(|&a, &b| {
            (keys[a].0, keys[a].1)
                .cmp(&(keys[b].0, keys[b].1))
                .then(keys[b].2.total_cmp(&keys[a].2))
        });
        let here: Vec<&Found> = order.into_iter().map(|i| here[i]).collect();
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
            (Some((prev, _)), Some(pk))
                if is_pronoun(f)
                    && Salience::fits(pk, lexicon::pronoun_gender(toks[f.np.first].text), prev) =>
            {
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
        // A nested source lies inside the content of a speaker named before
        // its cue (in `“…,” said X, a lawyer, who called it …` the later cue
        // is X again), and is not a pronoun (`X said he …` is X again).
        // `Y wrote …, according to Z`: Z's, with Y nested.
        let f_cue = tok_at(f.cue.0);
        let aside = f.according && is_aside(toks, f, f_cue);
        let nested = here
            .iter()
            .skip(1)
            .filter(|_| aside || f.np.last < f_cue)
            .find(|g| {
                (if aside {
                    g.anchor < f.anchor
                } else {
                    g.anchor > f_cue
                }) && g.listed
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
                mention: Some(mention_of(toks, f.np, f_cue)),
                cue: Some(f.cue),
                nested_speaker: nested,
            },
        ));
    }
    out
}

/// The word right after a speaker phrase (past one comma), when it comes
/// before the cue: the `who` of `Smith, who said …`.
fn word_after_phrase(toks: &[Tok], np: Np, cue: usize) -> Option<usize> {
    let mut k = np.last + 1;
    if toks.get(k).is_some_and(|t| t.is_punct(',')) {
        k += 1;
    }
    toks.get(k)
        .is_some_and(|t| k < cue && t.is_frame_word())
        .then_some(k)
}

fn is_relative_pronoun(word: &str) -> bool {
    word.eq_ignore_ascii_case("who") || word.eq_ignore_ascii_case("which")
}

/// `X, who said …`: the relative pronoun's token, where the clause it opens
/// starts.
fn relative_anchor(toks: &[Tok], np: Np, cue: usize) -> Option<usize> {
    word_after_phrase(toks, np, cue).filter(|&k| is_relative_pronoun(toks[k].text))
}

/// The comma that closes the relative clause opening at `rel` right before
/// the verb at `cue` (past auxiliaries and adverbs): `X, who …, has said`.
fn closes_relative(toks: &[Tok], rel: usize, cue: usize) -> Option<usize> {
    let mut k = cue;
    while k > rel + 1 && toks[k - 1].is_frame_word() && lexicon::is_verb_adjunct(toks[k - 1].text) {
        k -= 1;
    }
    (k > rel + 2 && toks[k - 1].is_punct(',') && !toks[k - 1].quoted).then_some(k - 1)
}

/// The words that name a speaker at its cue: the phrase itself, or, in
/// `Smith, who said …`, the relative pronoun that stands for it there (as
/// `he` does in `he said`; the speaker is still Smith).
fn mention_of(toks: &[Tok], np: Np, cue: usize) -> (usize, usize) {
    match word_after_phrase(toks, np, cue).map(|k| &toks[k]) {
        Some(t) if t.text.eq_ignore_ascii_case("who") => (t.start, t.end),
        _ => (toks[np.first].start, toks[np.last].end),
    }
}
