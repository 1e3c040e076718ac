//! Stage 3: decide who says each sentence.
//!
//! For every sentence the attributor finds a reporting verb (the *cue*) and
//! the phrase that names its speaker (the *mention*), in any of the usual
//! news patterns: `“Q,” S said`, `“Q,” said S`, `S said: “Q”`,
//! `S said (that) Q`, `according to S, Q`, `Q, S told reporters`, and
//! participles such as `a report concluding that Q`. Pronouns resolve to the
//! most recent speaker or subject that agrees in number and gender; every
//! form of a person's name folds into the full name the document gives
//! (`Director Dan Coats`, `Coats` → `Dan Coats`), or the surname when it
//! gives none.
//!
//! Quotations are handled as spans that may cover several sentences and run
//! across paragraphs. A quoted sentence with no cue of its own takes the
//! speaker of its quotation; failing that, of the quotation just before it
//! in the same or the previous paragraph, then of the next one in its own
//! paragraph; failing all, its speaker is `unknown`.
//!
//! Bylines, photo captions, credits and trailers are kind `skip`.
//!
//! A learned cue model ([`learned`]) adds the cues the verb lists miss, a
//! learned ranker picks among a sentence's candidates, and a sentence that
//! holds several sources splits into clauses, one attribution each
//! (`clauses`).

mod boilerplate;
pub mod clauses;
mod cues;
pub mod learned;
pub mod lexicon;
mod quotes;
mod speaker;
mod tokens;
mod transcript;

use std::collections::HashMap;

pub use quotes::QuoteSpan;
use speaker::{Entity, NameBook, Np, Salience};
use tokens::Tok;

use crate::segment::{Segmented, Sentence};
use cues::QuoteInfo;

/// The speaker of sentences in the article's own voice.
pub const NARRATOR: &str = "narrator";
/// The speaker of quotations that nothing attributes.
pub const UNKNOWN: &str = "unknown";
/// The speaker of an interview's questions (`Q:`).
pub const INTERVIEWER: &str = "interviewer";
/// The speaker of an interview's answers (`A:`) when the article names no
/// one before them.
pub const INTERVIEWEE: &str = "interviewee";

/// How a sentence relates to its speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Quoted words.
    Direct,
    /// Reported speech without (or with only partial) quotation.
    Indirect,
    /// The article's own voice.
    Narration,
    /// Not part of the story: bylines, captions, credits.
    Skip,
    /// An archive record's title (`--title-field`), scored as a sentence
    /// of its own; its speaker is the narrator unless it names one
    /// (`Trump says …`).
    Headline,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::Indirect => "indirect",
            Kind::Narration => "narration",
            Kind::Skip => "skip",
            Kind::Headline => "headline",
        }
    }

    /// The kind `as_str` names.
    pub fn from_name(s: &str) -> Option<Kind> {
        [
            Kind::Direct,
            Kind::Indirect,
            Kind::Narration,
            Kind::Skip,
            Kind::Headline,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Who says one clause of a sentence: the whole sentence, or, when it
/// holds attributions to different sources (`X said A, while Y insisted
/// B`), the part that one attribution covers. Offsets are byte offsets into
/// the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// The sentence (its index in the document).
    pub sentence: usize,
    /// The clause this attribution covers, cue and content together; the
    /// whole sentence unless the sentence holds several sources.
    pub clause: (usize, usize),
    /// Canonical speaker: a surname, an organisation, [`NARRATOR`],
    /// [`UNKNOWN`], or empty for kind `skip`.
    pub speaker: String,
    pub kind: Kind,
    /// The phrase naming the speaker, as written (`President Trump`, `he`).
    pub mention: Option<(usize, usize)>,
    /// The reporting verb, as written (`said`, `according to`).
    pub cue: Option<(usize, usize)>,
    /// A source the speaker reports in turn: `Y` in `X said Y claimed Z`.
    pub nested_speaker: Option<String>,
}

impl Attribution {
    /// The sentence's own attribution: `speaker` says all of it.
    fn whole(s: &Sentence, speaker: &str, kind: Kind) -> Self {
        Attribution {
            sentence: s.index,
            clause: (s.start, s.end),
            speaker: speaker.to_string(),
            kind,
            mention: None,
            cue: None,
            nested_speaker: None,
        }
    }

    fn narration(s: &Sentence) -> Self {
        Attribution::whole(s, NARRATOR, Kind::Narration)
    }

    fn skip(s: &Sentence) -> Self {
        Attribution::whole(s, "", Kind::Skip)
    }
}

/// Choices of the attributor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Besides the verb lists' and patterns' cues, take the learned cue
    /// model's ([`learned`]) as candidates. On by default; off gives the
    /// rules alone, for comparison.
    pub learned_cues: bool,
    /// Candidate attributions (a cue and its speaker phrase) are ranked by
    /// the learned speaker ranker ([`learned::Model::speakers`]); those it
    /// gives a probability below this are dropped, leaving the sentence to
    /// a surer candidate or to the narrator. 0 drops none: higher trades
    /// recall for right speakers (`README.md`, Attribution).
    pub min_speaker_confidence: f32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            learned_cues: true,
            min_speaker_confidence: 0.0,
        }
    }
}

/// Attribute every sentence of a segmented document. Returns at least one
/// attribution per sentence, in order of sentence, then of clause.
pub fn attribute(doc: &str, seg: &Segmented) -> Vec<Attribution> {
    attribute_with(doc, seg, &Options::default())
}

/// [`attribute`] with a choice of [`Options`].
pub fn attribute_with(doc: &str, seg: &Segmented, opts: &Options) -> Vec<Attribution> {
    attribute_inner(doc, seg, opts, None)
}

/// Training rows for the speaker ranker: every candidate attribution the
/// attributor weighs, with its features and the byte spans of its mention
/// and cue (labelled by the caller against gold spans).
pub fn ranker_training_rows(doc: &str, seg: &Segmented) -> Vec<clauses::RankerRow> {
    let mut rows = Vec::new();
    let opts = Options::default();
    attribute_inner(doc, seg, &opts, Some(&mut rows));
    rows
}

fn attribute_inner(
    doc: &str,
    seg: &Segmented,
    opts: &Options,
    mut collect: Option<&mut Vec<clauses::RankerRow>>,
) -> Vec<Attribution> {
    let para_texts: Vec<&str> = seg
        .paragraphs
        .iter()
        .map(|p| &doc[p.start..p.end])
        .collect();
    let skip = boilerplate::skip_paragraphs(&para_texts);
    let spans_by_para = quote_spans(doc, seg, &para_texts);
    let turns = transcript::turns(
        &seg.paragraphs
            .iter()
            .map(|p| (p.start, para_texts[p.index]))
            .collect::<Vec<_>>(),
    );
    let mut interviewee: Option<Entity> = None;

    // Pass 1: each sentence's own cues and speakers.
    let mut names = NameBook::default();
    let mut salience = Salience::default();
    let mut own: Vec<Vec<Attribution>> = Vec::with_capacity(seg.sentences.len());
    let mut quoted: Vec<QuoteInfo> = Vec::with_capacity(seg.sentences.len());
    // Sentences that open with a credit line (`- Sen. Tom Hale.`), read
    // here, where their tokens are at hand, for pass 2.
    let mut credits: Vec<bool> = Vec::with_capacity(seg.sentences.len());
    for s in &seg.sentences {
        let spans = overlapping(&spans_by_para[s.paragraph], s.start, s.end);
        let toks = tokens::tokenize(doc, s.start, s.end, spans);
        let info = QuoteInfo::of(&toks, spans, s.start, s.end);
        credits
            .push(toks.first().is_some_and(speaker::is_dash) && cues::credit_line(&toks).is_some());
        if skip[s.paragraph] {
            own.push(vec![Attribution::skip(s)]);
            quoted.push(info);
            continue;
        }
        let found = clauses::sentence_attributions(
            &clauses::Sentence {
                doc,
                toks: &toks,
                spans,
                info: &info,
                at: s,
            },
            &mut names,
            &salience,
            opts,
            collect.as_deref_mut(),
        );
        // The sentence's subject is a pronoun's likely antecedent, unless
        // it names no one (`Like others …`, `Thirteen months passed`).
        if let Some(subj) =
            speaker::subject_np(&toks).filter(|&np| !speaker::names_no_one(&toks, np))
        {
            if let Some(e) = names.canonical(&toks, subj, doc) {
                salience.push(e);
            }
        }
        if let Some(turn) = &turns[s.paragraph] {
            let who = match &turn.speaker {
                transcript::Speaker::Named(tag) => {
                    Some(canonical_in(tag, &mut names).unwrap_or(Entity {
                        name: tag.clone(),
                        kind: speaker::EntityKind::Person,
                        gender: None,
                    }))
                }
                transcript::Speaker::Interviewer => None,
                transcript::Speaker::Interviewee => Some(
                    interviewee
                        .get_or_insert_with(|| {
                            salience.latest_named_person().cloned().unwrap_or(Entity {
                                name: INTERVIEWEE.to_string(),
                                kind: speaker::EntityKind::Person,
                                gender: None,
                            })
                        })
                        .clone(),
                ),
            };
            let who = who.map_or_else(|| INTERVIEWER.to_string(), |e| e.name);
            own.push(vec![turn_attribution(s, turn, who, found)]);
            quoted.push(info);
            continue;
        }
        own.push(
            found
                .into_iter()
                .map(|(entity, att)| {
                    if entity.name != UNKNOWN {
                        salience.push(entity);
                    }
                    att
                })
                .collect(),
        );
        quoted.push(info);
    }

    // Pass 2: quotations without a cue of their own.
    let mut chain_speaker: HashMap<usize, Attribution> = HashMap::new();
    for (i, s) in seg.sentences.iter().enumerate() {
        // A credit line of its own (`- Sen. Tom Hale.`) right after a
        // closing quotation mark, in its paragraph or at the end of the one
        // before, credits that quotation.
        let credit_line = credits[i]
            && own[i]
                .first()
                .and_then(|a| a.cue)
                .is_some_and(|(c, _)| c == s.start);
        let credited = credit_line
            .then(|| {
                let before = |p: usize| {
                    spans_by_para[p]
                        .iter()
                        .rev()
                        .find_map(|sp| sp.close.filter(|&c| c < s.start).map(|c| (sp.chain, c)))
                };
                before(s.paragraph).or_else(|| s.paragraph.checked_sub(1).and_then(before))
            })
            .flatten()
            .filter(|&(_, c)| {
                doc[c..s.start]
                    .chars()
                    .skip(1)
                    .all(|ch| !ch.is_alphanumeric())
            })
            .map(|(chain, _)| chain);
        if let Some(chain) = credited {
            chain_speaker
                .entry(chain)
                .or_insert_with(|| own[i][0].clone());
        }
        for att in own[i].iter().filter(|a| a.kind != Kind::Skip) {
            let (start, end) = att.clause;
            for sp in overlapping(&spans_by_para[s.paragraph], start, end) {
                chain_speaker.entry(sp.chain).or_insert_with(|| att.clone());
            }
            // `Trump said:` closing a paragraph introduces the quotation
            // that opens the next one.
            let next_first = spans_by_para.get(s.paragraph + 1).and_then(|n| n.first());
            let ends_paragraph = seg.paragraphs[s.paragraph].end == end;
            if let (true, true, Some(sp)) = (ends_paragraph, doc[..end].ends_with(':'), next_first)
            {
                if sp.open == Some(seg.paragraphs[s.paragraph + 1].start) {
                    chain_speaker.entry(sp.chain).or_insert_with(|| att.clone());
                }
            }
        }
        // The credit line itself says nothing: it is a credit, as under a
        // photo. A dash and a name after no quotation (`— Yes.` in a
        // dialogue) credit nothing.
        if credit_line {
            own[i] = vec![if credited.is_some() {
                Attribution::skip(s)
            } else {
                Attribution::narration(s)
            }];
        }
    }
    let mut out = Vec::with_capacity(seg.sentences.len());
    for (i, s) in seg.sentences.iter().enumerate() {
        if !own[i].is_empty() {
            out.append(&mut own[i]);
            continue;
        }
        let info = &quoted[i];
        if !info.has_quote {
            out.push(Attribution::narration(s));
            continue;
        }
        let spans = &spans_by_para[s.paragraph];
        let in_chain = overlapping(spans, s.start, s.end)
            .iter()
            .find_map(|sp| chain_speaker.get(&sp.chain));
        let inherited = in_chain.or_else(|| {
            if info.ratio < 0.5 {
                return None;
            }
            // The nearest earlier quotations (a bounded look back keeps long
            // paragraphs linear).
            let before = |p: usize| {
                let ps = &spans_by_para[p];
                ps[..ps.partition_point(|sp| sp.end <= s.start)]
                    .iter()
                    .rev()
                    .take(LOOK_AROUND)
                    .find_map(|sp| chain_speaker.get(&sp.chain))
            };
            before(s.paragraph)
                .or_else(|| s.paragraph.checked_sub(1).and_then(before))
                .or_else(|| {
                    spans[spans.partition_point(|sp| sp.start < s.end)..]
                        .iter()
                        .take(LOOK_AROUND)
                        .find_map(|sp| chain_speaker.get(&sp.chain))
                })
        });
        match inherited {
            Some(a) => out.push(Attribution {
                kind: Kind::Direct,
                sentence: s.index,
                clause: (s.start, s.end),
                ..a.clone()
            }),
            None if info.ratio >= 0.5 => out.push(Attribution::whole(s, UNKNOWN, Kind::Direct)),
            None => out.push(Attribution::narration(s)),
        }
    }
    out
}

/// A sentence of a transcript's turn: the turn's speaker says all of it.
/// A first-person cue of its own (`I think …`) names that speaker in the
/// sentence, so it stays the mention; anyone else the sentence quotes
/// (`Trump says we should …`) is the nested speaker.
fn turn_attribution(
    s: &Sentence,
    turn: &transcript::Turn,
    who: String,
    found: Vec<(Entity, Attribution)>,
) -> Attribution {
    let first_person = found
        .iter()
        .map(|(_, a)| a)
        .find(|a| a.speaker == NARRATOR && a.mention.is_some());
    let nested = found
        .iter()
        .map(|(e, _)| &e.name)
        .find(|n| *n != NARRATOR && *n != UNKNOWN && **n != who)
        .cloned();
    Attribution {
        sentence: s.index,
        clause: (s.start, s.end),
        speaker: who,
        kind: Kind::Direct,
        mention: first_person.map_or(Some(turn.tag), |a| a.mention),
        cue: first_person.map_or(Some(turn.colon), |a| a.cue),
        nested_speaker: nested,
    }
}

/// Fold a phrase read on its own (a transcript's tag) with the names the
/// document has given so far. `None` for a lone pronoun.
fn canonical_in(phrase: &str, names: &mut NameBook) -> Option<Entity> {
    let toks = tokens::tokenize(phrase, 0, phrase.len(), &[]);
    let words: Vec<usize> = (0..toks.len()).filter(|&i| toks[i].is_word()).collect();
    let (&first, &last) = (words.first()?, words.last()?);
    if first == last && lexicon::pronoun_kind(toks[first].text).is_some() {
        return None;
    }
    names.canonical(&toks, Np { first, last }, phrase)
}

/// Quotation spans of every paragraph, chained across paragraphs.
fn quote_spans(doc: &str, seg: &Segmented, para_texts: &[&str]) -> Vec<Vec<QuoteSpan>> {
    let mut chain = 0usize;
    let mut spans_by_para: Vec<Vec<QuoteSpan>> = Vec::with_capacity(seg.paragraphs.len());
    let mut prev_open = false;
    for p in &seg.paragraphs {
        let text = para_texts[p.index];
        let continues = prev_open && (text.starts_with(['“', '"', '«']) || text.starts_with("''"));
        let spans = quotes::paragraph_spans(doc, p.start, p.end, p.index, continues, &mut chain);
        prev_open = spans.last().is_some_and(|s| s.close.is_none());
        spans_by_para.push(spans);
    }
    spans_by_para
}

/// Training rows for the learned cue model ([`learned`]): the features of
/// every word outside quotation marks, labelled by whether it lies in one of
/// `cues` (byte spans of gold cues in `doc`).
pub fn cue_training_rows(
    doc: &str,
    seg: &Segmented,
    cues: &[(usize, usize)],
) -> Vec<(Vec<String>, bool)> {
    let para_texts: Vec<&str> = seg
        .paragraphs
        .iter()
        .map(|p| &doc[p.start..p.end])
        .collect();
    let spans_by_para = quote_spans(doc, seg, &para_texts);
    let mut rows = Vec::new();
    for s in &seg.sentences {
        let spans = overlapping(&spans_by_para[s.paragraph], s.start, s.end);
        let toks = tokens::tokenize(doc, s.start, s.end, spans);
        let q = learned::QuotedWords::of(&toks);
        for i in learned::candidate_words(&toks) {
            let t = &toks[i];
            let is_cue = cues.iter().any(|&(a, b)| t.start < b && a < t.end);
            rows.push((learned::features(&toks, i, q), is_cue));
        }
    }
    rows
}

/// How many quotations before or after a sentence are searched for a
/// speaker to inherit.
const LOOK_AROUND: usize = 32;

/// The spans of a paragraph (sorted, disjoint) that overlap `start..end`.
fn overlapping(spans: &[QuoteSpan], start: usize, end: usize) -> &[QuoteSpan] {
    let lo = spans.partition_point(|sp| sp.end <= start);
    let hi = spans.partition_point(|sp| sp.start < end);
    &spans[lo..hi.max(lo)]
}

/// Turn a phrase into a speaker, resolving pronouns.
pub(super) fn resolve(
    toks: &[Tok],
    np: Np,
    doc: &str,
    names: &mut NameBook,
    salience: &Salience,
) -> Option<Entity> {
    if np.first == np.last {
        // `I believe …`, `We asked …` outside quotation marks: the writer.
        if lexicon::is_first_person(toks[np.first].text) && toks[np.first].is_frame_word() {
            return Some(Entity {
                name: NARRATOR.to_string(),
                kind: speaker::EntityKind::Person,
                gender: None,
            });
        }
        if let Some(pk) = lexicon::pronoun_kind(toks[np.first].text) {
            let gender = lexicon::pronoun_gender(toks[np.first].text);
            // A later clause's pronoun stands first for the sentence's
            // own subject when it agrees: `Marta Ruiz campaigned in Ohio
            // as she argued …`.
            let subject = speaker::subject_np(toks)
                .filter(|subj| subj.last < np.first && subj.first != np.first)
                .filter(|&subj| !is_no_speaker(toks, subj))
                .and_then(|subj| names.canonical(toks, subj, doc))
                .filter(|e| Salience::fits(pk, gender, e));
            return Some(
                subject
                    .or_else(|| salience.resolve(pk, gender).cloned())
                    .unwrap_or_else(|| Entity {
                        name: UNKNOWN.to_string(),
                        kind: speaker::EntityKind::Person,
                        gender,
                    }),
            );
        }
    }
    // Pronouns, `I’m` and `we’ve` are taken above; any other contraction
    // (`There's`, `don’t`) is no speaker.
    if is_no_speaker(toks, np) {
        return None;
    }
    // An adverb is no part of the phrase before its verb: `the encounter
    // apparently`.
    let mut np = np;
    while np.last > np.first
        && toks[np.last].is_frame_word()
        && !toks[np.last].is_capitalised()
        && toks[np.last].text.ends_with("ly")
        && lexicon::is_verb_adjunct(toks[np.last].text)
    {
        np.last -= 1;
    }
    names.canonical(toks, np, doc)
}

/// Phrases that name no one: a bare contraction (`There's`), a fronted
/// participle (`Given …`), a lone function word or adverb (`Since`).
fn is_no_speaker(toks: &[Tok], np: speaker::Np) -> bool {
    speaker::is_bare_contraction(toks, np)
        || speaker::is_participle_opener(toks, np)
        || speaker::is_lone_non_name(toks, np)
}

/// The canonical speaker name of a phrase read on its own, as the
/// attributor would fold it (`President Donald Trump` → `Donald Trump`,
/// `The Russian foreign ministry` → `Russian foreign ministry`). `None` for
/// pronouns and phrases that cannot be speakers.
pub fn canonical_speaker(phrase: &str) -> Option<String> {
    canonical_in(phrase, &mut NameBook::default()).map(|e| e.name)
}

#[cfg(test)]
mod tests;
