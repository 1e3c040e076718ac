//! Speaker phrases: finding the noun phrase that goes with a reporting verb,
//! and folding its surface form into a canonical speaker name.

use std::collections::HashMap;

use super::lexicon::{self, Gender, PronounKind};
use super::tokens::{Tok, TokKind};

/// A noun phrase: token indices, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Np {
    pub first: usize,
    pub last: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Person,
    Organisation,
    Group,
}

/// A resolved speaker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    /// A person's gender, when a given name or an honorific states it.
    pub gender: Option<Gender>,
}

fn frame_word<'a>(toks: &'a [Tok], i: usize) -> Option<&'a Tok<'a>> {
    toks.get(i).filter(|t| t.is_frame_word())
}

/// A capitalised word outside quotation marks that can be part of a name:
/// no function word or pronoun.
pub(super) fn is_name_word(t: &Tok) -> bool {
    t.is_frame_word()
        && t.is_capitalised()
        && !lexicon::is_function_word(t.text)
        && lexicon::pronoun_kind(t.text).is_none()
}

/// The phrase that ends right before token `i` (a reporting verb),
/// skipping adverbs and auxiliaries: “Putin *himself* acknowledged”.
pub fn left_np(toks: &[Tok], i: usize) -> Option<Np> {
    let mut j = i.checked_sub(1)?;
    loop {
        // A parenthesis between speaker and verb: `Sen. Chuck Grassley
        // (R-Iowa) said`, `Suu Kyi (70) said`.
        if toks.get(j).is_some_and(|t| t.is_punct(')')) {
            let open = (j.saturating_sub(30)..j)
                .rev()
                .find(|&k| toks[k].is_punct('(') || toks[k].is_punct(')'))?;
            if !toks[open].is_punct('(') {
                return None;
            }
            j = open.checked_sub(1)?;
            continue;
        }
        // (Not a surname: `Theresa May said`.)
        while frame_word(toks, j).is_some_and(|t| {
            lexicon::is_verb_adjunct(t.text)
                && !is_month_surname(j.checked_sub(1).map(|p| &toks[p]), t, toks.get(j + 1))
        }) {
            j = j.checked_sub(1)?;
        }
        // A time phrase between speaker and verb: “Clinton on Tuesday said”.
        if frame_word(toks, j).is_some_and(|t| lexicon::is_calendar_word(t.text))
            && j >= 1
            && frame_word(toks, j - 1).is_some_and(|p| is_time_lead(p.text))
        {
            j = (j - 1).checked_sub(1)?;
            continue;
        }
        // A day after a participle: `the order released Friday said`, `a
        // poll published Tuesday found` (the participle rule below then
        // ends the phrase at its noun).
        if frame_word(toks, j).is_some_and(|t| lexicon::is_calendar_word(t.text))
            && j >= 2
            && frame_word(toks, j - 1)
                .is_some_and(|p| !p.is_capitalised() && p.text.ends_with("ed"))
        {
            return left_np_plain(toks, j);
        }
        // An appositive between dashes: `Ann Kall -- co-editor of a book
        // on debates -- said`, `The transcript–published by the Post–shows`.
        if let Some(open) = dash_appositive_open(toks, j) {
            j = open.checked_sub(1)?;
            continue;
        }
        // An appositive that ends in a quoted title, its comma inside the
        // quotation marks: `Joe Ross, host of “Morning Hour,” said`.
        if after_closing_comma(toks, j + 1) {
            j -= 1;
        }
        // An appositive between commas: “Suu Kyi, 70, said”,
        // “Jack Dorsey, Twitter's chief executive, posted”.
        if toks.get(j).is_some_and(|t| t.is_punct(',')) {
            let comma_before = |j: usize| {
                (j.saturating_sub(40)..j).rev().find(|&k| {
                    let t = &toks[k];
                    t.is_punct(',')
                        || !(t.is_frame_word() || matches!(t.kind, TokKind::Punct(_)) && !t.quoted)
                })
            };
            let mut c = comma_before(j);
            // `retired in Cambridge, Mass., said`: a state after its town
            // (one or two capitalised words, maybe abbreviated; not a
            // party tag like `R-NY`) belongs to the appositive; its comma
            // is not the appositive's start.
            if let Some(k) = c.filter(|&k| {
                (2..=3).contains(&(j - k))
                    && k >= 1
                    && is_name_word(&toks[k - 1])
                    && toks[k + 1..j]
                        .iter()
                        .all(|t| is_name_word(t) && !t.text.contains('-') || t.is_punct('.'))
                    && is_name_word(&toks[k + 1])
            }) {
                if let Some(before) = comma_before(k).filter(|&b| toks[b].is_punct(',')) {
                    c = Some(before);
                }
            }
            // A parenthetical the one-appositive scan cannot cross (commas
            // of its own, or words it stops at) after the phrase that
            // opens the sentence.
            if let Some((np, first_comma)) = parenthetical_subject(toks, j) {
                if c != Some(first_comma) {
                    return Some(np);
                }
            }
            let c = c?;
            // (`…, and the talks collapsed, said …`: a clause of its own
            // after a conjunction is no appositive; `Ann Lee, and Gov. Jay
            // Nixon, said` stays one subject.)
            let conjunction = toks.get(c + 1).is_some_and(|t| {
                t.is_frame_word() && matches!(t.text, "and" | "but" | "or" | "while" | "yet" | "so")
            }) && toks.get(c + 2).is_some_and(|t| !t.is_capitalised());
            if !toks[c].is_punct(',') || conjunction {
                return None;
            }
            // “The chief executive, Dana Park, said”: the name is the
            // speaker when a common noun stands before it (but not in
            // “Rep. Chris Collins, R-NY, says”).
            let common_before =
                c >= 1 && toks[c - 1].is_frame_word() && !toks[c - 1].is_capitalised();
            if let Some(np) = name_as_object(toks, c, j) {
                return Some(np);
            }
            if common_before && c + 1 < j && toks[c + 1..j].iter().all(is_name_word) {
                return Some(Np {
                    first: c + 1,
                    last: j - 1,
                });
            }
            j = c.checked_sub(1)?;
            continue;
        }
        break;
    }
    let t = frame_word(toks, j)?;
    // An object pronoun ends the phrase only as a complement (`a source
    // close to him said`); the caller takes the phrase before it.
    let complement =
        lexicon::is_object_pronoun(t.text) && j >= 1 && matches!(toks[j - 1].text, "to" | "with");
    if lexicon::pronoun_kind(t.text).is_some() || lexicon::is_first_person(t.text) || complement {
        return Some(Np { first: j, last: j });
    }
    // “Smith, who said …”: the relative pronoun stands for the phrase before it.
    if t.text.eq_ignore_ascii_case("who") && j >= 1 {
        let before = if toks[j - 1].is_punct(',') { j - 1 } else { j };
        return left_np_plain(toks, before);
    }
    left_np_plain(toks, j + 1)
}

/// A dash outside quotation marks (`—`, `–`, `―`, or a hyphen standing
/// alone).
pub(super) fn is_dash(t: &Tok) -> bool {
    matches!(t.kind, TokKind::Punct('―' | '—' | '–' | '-')) && !t.quoted
}

/// When token `j` is a dash (`--` counts as one) that closes an appositive
/// opened by a dash of the same kind within a few words before it, with
/// only words and commas between: the first token of the opening dash.
fn dash_appositive_open(toks: &[Tok], j: usize) -> Option<usize> {
    let close = toks.get(j).filter(|t| is_dash(t))?;
    // `--`: both marks close.
    let mut k = j;
    if k >= 1 && toks[k - 1].text == close.text && toks[k - 1].end == toks[k].start {
        k -= 1;
    }
    let open = (k.saturating_sub(40)..k)
        .rev()
        .take_while(|&m| {
            let t = &toks[m];
            t.text == close.text
                || t.is_frame_word() && lexicon::cue_strength(t.text).is_none()
                || t.is_punct(',')
        })
        .find(|&m| toks[m].text == close.text)?;
    // Some words between, and the dash doubled as the closing one is.
    let open = if k < j && open >= 1 && toks[open - 1].text == close.text {
        open - 1
    } else {
        open
    };
    (open + 2 < k).then_some(open)
}

/// `An official close to Mr. Obama, Lisa Monroe, said`, `One pastor
/// supporting Mr. Cruz, Dan Whit of Grace Church, said`: the name before
/// the comma at `c` is the object of a preposition or participle inside a
/// common-noun phrase, so a full name set off after it (two or more words,
/// then maybe `of`/`from`/`at`/`in` and more, up to the comma at `j`) is
/// the phrase's appositive, and the speaker.
fn name_as_object(toks: &[Tok], c: usize, j: usize) -> Option<Np> {
    let mut k = c;
    while k > 0 && (is_name_word(&toks[k - 1]) || toks[k - 1].is_punct('.')) {
        k -= 1;
    }
    let governs = k >= 2
        && k < c
        && frame_word(toks, k - 1).is_some_and(|t| {
            !t.is_capitalised() && (lexicon::is_preposition(t.text) || t.text.ends_with("ing"))
        });
    let name_end = (c + 1..j).find(|&e| !is_name_word(&toks[e])).unwrap_or(j);
    let rest_ok = name_end == j
        || toks[name_end].is_frame_word()
            && matches!(toks[name_end].text, "of" | "from" | "at" | "in")
            && toks[name_end + 1..j].iter().all(|t| t.is_frame_word());
    let name = &toks[c + 1..name_end];
    (governs
        && rest_ok
        && name.len() >= 2
        && name
            .iter()
            .all(|t| !t.text.contains('-') && !lexicon::is_organisation_head(t.text)))
    .then_some(Np {
        first: c + 1,
        last: name_end - 1,
    })
}

/// Sentence adverbs that open a sentence before its subject, capitalised
/// there like a name: `Moreover, Sachs, director of …, noted`.
pub(super) fn is_discourse_adverb(word: &str) -> bool {
    matches!(
        word,
        "meanwhile"
            | "however"
            | "moreover"
            | "furthermore"
            | "overall"
            | "instead"
            | "still"
            | "now"
            | "then"
            | "earlier"
            | "later"
            | "yesterday"
            | "today"
            | "here"
            | "there"
            | "indeed"
            | "besides"
            | "also"
            | "again"
            | "thus"
            | "therefore"
            | "nevertheless"
            | "nonetheless"
            | "finally"
            | "first"
            | "second"
            | "third"
            | "otherwise"
            | "similarly"
            | "likewise"
            | "separately"
            | "elsewhere"
            | "afterward"
            | "afterwards"
            | "ultimately"
            | "anyway"
            | "regardless"
    )
}

/// `Sandy Phillips, who lost her daughter in Aurora, Colorado, in July
/// 2012, said`: the phrase that opens the sentence (after `But`, `And`)
/// and ends at its first comma, when everything from there to the comma at
/// `comma` (right before the cue) is a parenthetical: unquoted, with no
/// `;`, `:` or quotation mark. Returns the phrase and its comma.
fn parenthetical_subject(toks: &[Tok], comma: usize) -> Option<(Np, usize)> {
    let start = usize::from(
        toks.first()
            .is_some_and(|t| matches!(t.text, "But" | "And" | "Yet" | "So")),
    );
    parenthetical_subject_from(toks, start, comma).or_else(|| {
        // After a short fronted phrase of time or place and its comma
        // (`Just last week, J. Lee, editor of X, a weekly, wrote`).
        let lead = (start..comma.min(start + 6)).find(|&k| toks[k].is_punct(','))?;
        let fronted = toks[start..lead].iter().all(|t| {
            t.is_frame_word() && lexicon::cue_strength(t.text).is_none() && !t.text.ends_with("ing")
        }) && (start..lead).any(|k| {
            let l = toks[k].text.to_lowercase();
            lexicon::is_calendar_word(&l)
                || lexicon::is_preposition(&l)
                || lexicon::is_verb_adjunct(&l)
                || is_discourse_adverb(&l)
        });
        fronted
            .then(|| parenthetical_subject_from(toks, lead + 1, comma))
            .flatten()
    })
}

/// [`parenthetical_subject`] for a phrase that opens at token `start`.
fn parenthetical_subject_from(toks: &[Tok], start: usize, comma: usize) -> Option<(Np, usize)> {
    let first_comma = (start..comma).find(|&k| toks[k].is_punct(',') && !toks[k].quoted)?;
    // A short title in quotation marks may stand in it (`the co-author of
    // "Going Viral," about …`); a longer quotation is speech.
    let quoted_words = toks[start..comma]
        .iter()
        .filter(|t| t.quoted && t.is_word())
        .count();
    let clean = quoted_words <= 5
        && toks[start..comma]
            .iter()
            .all(|t| t.quoted || !matches!(t.kind, TokKind::Punct(';' | ':' | '"' | '(' | ')')));
    if !clean || first_comma <= start || first_comma + 1 >= comma {
        return None;
    }
    let np = left_np_plain(toks, first_comma).filter(|np| np.first == start)?;
    // Not a fronted adverb or time: `Meanwhile, …`, `Last week, …`.
    let adverbial = (np.first..=np.last).any(|k| {
        let t = &toks[k];
        let l = t.text.to_lowercase();
        lexicon::is_verb_adjunct(&l)
            && !is_month_surname(k.checked_sub(1).map(|p| &toks[p]), t, toks.get(k + 1))
            || is_date_at(toks, k)
            || lexicon::is_function_word(&l) && !lexicon::is_determiner(&l)
            || l.ends_with("ly") && np.first == np.last
            || is_discourse_adverb(&l)
    });
    (!adverbial).then_some((np, first_comma))
}

/// `Mark Ellison, the president of the union, which …, said`: a
/// common-noun phrase set off by commas after a name is that name's
/// appositive, and the name is the speaker.
pub fn appositive_name(toks: &[Tok], np: Np) -> Np {
    // Set off on both sides: `Name, the president of X, said` (not
    // `Privately, some officials think`).
    let set_off = np.first >= 2
        && toks[np.first - 1].is_punct(',')
        && toks.get(np.last + 1).is_some_and(|t| t.is_punct(','));
    if toks[np.first].is_capitalised() || !set_off {
        return np;
    }
    // Not a place or time set before the clause: `In Washington, the
    // spokesman said`.
    let fronted = |name: Np| {
        name.first
            .checked_sub(1)
            .and_then(|p| frame_word(toks, p))
            .is_some_and(|p| lexicon::is_preposition(p.text))
            || (name.first..=name.last).any(|k| is_date_at(toks, k))
    };
    match left_np_plain(toks, np.first - 1) {
        Some(name) if toks[name.first..=name.last].iter().all(is_name_word) && !fronted(name) => {
            name
        }
        _ => np,
    }
}

fn is_time_lead(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "on" | "last" | "this" | "next" | "early" | "late" | "earlier" | "later"
    )
}

pub(super) fn is_quantifier(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "some"
            | "many"
            | "most"
            | "all"
            | "few"
            | "several"
            | "both"
            | "half"
            | "two"
            | "three"
            | "four"
            | "five"
            | "numerous"
            | "other"
            | "others"
            | "more"
    )
}

/// Words that name a share of a group before `of`.
fn is_share(word: &str) -> bool {
    let w = word.to_lowercase();
    is_quantifier(&w)
        || matches!(
            w.as_str(),
            "majority"
                | "minority"
                | "percent"
                | "third"
                | "thirds"
                | "quarter"
                | "quarters"
                | "dozens"
                | "hundreds"
                | "thousands"
                | "millions"
                | "each"
                | "none"
                | "one"
        )
        || w.ends_with("-thirds")
        || w.ends_with("-quarters")
        || w.trim_end_matches('%').chars().all(|c| c.is_ascii_digit())
}

/// `nearly`, `about`, `almost`, `roughly` before a share.
fn is_approximately(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "nearly" | "about" | "almost" | "roughly" | "around" | "over" | "just" | "only" | "some"
    )
}

/// The phrase that ends right before token `end`, with nothing skipped.
pub fn left_np_plain(toks: &[Tok], end: usize) -> Option<Np> {
    left_np_within(toks, end, 0)
}

/// How deep [`left_np_within`] looks past participles: two rules recurse,
/// and unbounded they would branch on `… met in … interviewed in …`.
const PARTICIPLE_DEPTH: u8 = 2;

/// How deep [`left_np_within`] goes at all (age groups, verbs before the
/// phrase and participles together).
const MAX_DEPTH: u8 = 8;

fn left_np_within(toks: &[Tok], end: usize, depth: u8) -> Option<Np> {
    // (Every rule that reads further left calls this again one deeper; a
    // chain of them in a pathological sentence stops here.)
    if depth > MAX_DEPTH {
        return None;
    }
    let j = end.checked_sub(1)?;
    let t = frame_word(toks, j)?;
    if lexicon::pronoun_kind(t.text).is_some() || lexicon::is_first_person(t.text) {
        return Some(Np { first: j, last: j });
    }
    if t.text.starts_with(|c: char| c.is_ascii_digit()) {
        // An age group: `voters under 30 say`, `those over 65 said`.
        let age = j >= 2
            && frame_word(toks, j - 1).is_some_and(|p| matches!(p.text, "over" | "under"))
            && frame_word(toks, j - 2).is_some_and(|h| {
                h.text.eq_ignore_ascii_case("those") || lexicon::pronoun_kind(h.text).is_none()
            });
        if age {
            let group = if toks[j - 2].text.eq_ignore_ascii_case("those") {
                Some(Np {
                    first: j - 2,
                    last: j - 2,
                })
            } else {
                left_np_within(toks, j - 1, depth + 1)
            };
            if let Some(g) = group.filter(|g| g.last + 2 == j) {
                return Some(Np {
                    first: g.first,
                    last: j,
                });
            }
        }
        // A share in figures, as `85 percent` is: `In Ohio, 85% of …`.
        if t.text.ends_with('%') {
            let b = before_approximation(toks, j);
            if opens_count(toks, b) {
                return Some(Np { first: b, last: j });
            }
        }
        return counted_subject(toks, j, j);
    }
    // A quantifier alone as a clause's subject, right before the verb:
    // `Most believe …`, `Some said …`, `Others say …`.
    let lone_group = is_lone_group(t.text)
        && (at_clause_start(toks, j)
            || j >= 1
                && frame_word(toks, j - 1)
                    .is_some_and(|p| matches!(p.text.to_lowercase().as_str(), "after" | "before")));
    if lone_group {
        return Some(Np { first: j, last: j });
    }
    if lexicon::is_function_word(t.text)
        || lexicon::is_be_verb(t.text)
        || lexicon::cue_strength(t.text).is_some()
        || !t.text.chars().any(|c| c.is_alphabetic())
    {
        return None;
    }
    // A participle after its noun (`a new poll released this week found`)
    // modifies it: the phrase ends at the noun.
    if t.text.ends_with("ed") && !t.is_capitalised() && j >= 2 && depth < PARTICIPLE_DEPTH {
        if let Some(np) = left_np_within(toks, j, depth + 1).filter(|np| np.last + 1 == j) {
            if lexicon::is_determiner(toks[np.first].text) || is_quantifier(toks[np.first].text) {
                return Some(np);
            }
        }
    }
    if is_name_word(t) {
        let mut a = j;
        loop {
            // (Not a word capitalised only because it opens the sentence:
            // `Maybe Trump will …`, `Only Smith said`.)
            let opener = a == 1 && opens_with_common_word(toks);
            if a >= 1 && is_name_word(&toks[a - 1]) && !opener {
                a -= 1;
            } else if a >= 2
                && frame_word(toks, a - 1)
                    .is_some_and(|p| !p.is_capitalised() && is_surname_particle(p.text))
                && is_name_word(&toks[a - 2])
            {
                // `Bill de Blasio`.
                a -= 2;
            } else if a >= 2
                && frame_word(toks, a - 1).is_some_and(|p| p.text == "of")
                && is_name_word(&toks[a - 2])
            {
                a -= 2;
            } else {
                break;
            }
        }
        if a >= 1 && frame_word(toks, a - 1).is_some_and(|p| p.text.eq_ignore_ascii_case("the")) {
            a -= 1;
        }
        let a = coordinated_start(toks, a).unwrap_or(a);
        return Some(Np { first: a, last: j });
    }
    // A past-tense verb or a modal is no phrase's head: in `Cruz made an
    // unprompted call` the phrase before the cue `call` is the verb's
    // subject, `Cruz`; `This cannot be …` has none.
    if !t.is_capitalised() && (is_past_tense_like(t.text) || is_modal(t.text)) {
        return left_np_within(toks, j, PARTICIPLE_DEPTH.max(depth) + 1)
            .filter(|np| np.last + 1 == j && is_name_word(&toks[np.last]));
    }
    // A common-noun phrase, up to its determiner: “the Russian foreign ministry”.
    let mut a = j;
    let mut steps = 0;
    let mut extended_of = false;
    while a >= 1 && steps < 7 {
        let Some(p) = frame_word(toks, a - 1) else {
            break;
        };
        if lexicon::is_determiner(p.text)
            || is_quantifier(p.text)
            || p.text.eq_ignore_ascii_case("one")
        {
            a -= 1;
            // “the head of the agency”
            if !extended_of
                && a >= 2
                && frame_word(toks, a - 1).is_some_and(|o| o.text == "of")
                && frame_word(toks, a - 2).is_some_and(|h| !lexicon::is_function_word(h.text))
            {
                a -= 2;
                extended_of = true;
                continue;
            }
            return Some(Np { first: a, last: j });
        }
        // `the mayor's chief of staff`: a person's role with an `of`
        // complement that has no determiner of its own.
        if !extended_of
            && p.text == "of"
            && a >= 2
            && frame_word(toks, a - 2)
                .is_some_and(|r| PERSON_ROLES.contains(&r.text.to_lowercase().as_str()))
        {
            a -= 2;
            steps += 2;
            extended_of = true;
            continue;
        }
        // `the April survey`, `Tuesday's report`: a date that modifies the
        // noun, with its determiner before it.
        if lexicon::is_calendar_word(p.text)
            && p.is_capitalised()
            && a >= 2
            && frame_word(toks, a - 2).is_some_and(|d| lexicon::is_determiner(d.text))
        {
            a -= 1;
            steps += 1;
            continue;
        }
        if lexicon::is_function_word(p.text)
            || lexicon::pronoun_kind(p.text).is_some()
            || lexicon::is_calendar_word(p.text)
            || lexicon::is_preposition(p.text)
            || lexicon::is_be_verb(p.text)
            || lexicon::cue_strength(p.text).is_some()
        {
            break;
        }
        a -= 1;
        steps += 1;
    }
    // A count of a group: `Six in 10 Democratic voters`, `four out of 10
    // voters`.
    if is_count(toks[a].text) && ratio_start(toks, a).is_some() {
        if let Some(np) = counted_subject(toks, a, j) {
            return Some(np);
        }
    }
    // A share of a group: `nearly half of respondents`, `most of the
    // voters`, `two-thirds of Republicans`.
    if a >= 2
        && frame_word(toks, a - 1).is_some_and(|o| o.text == "of")
        && frame_word(toks, a - 2).is_some_and(|q| is_share(q.text))
    {
        a -= 2;
        extended_of = true;
        // `20 percent of voters`, `3 million of them`.
        if a >= 1
            && matches!(
                toks[a].text.to_lowercase().as_str(),
                "percent" | "hundred" | "thousand" | "million" | "dozen"
            )
            && frame_word(toks, a - 1)
                .is_some_and(|n| n.text.chars().next().is_some_and(|c| c.is_ascii_digit()))
        {
            a -= 1;
        }
        // `a third of`, `the majority of`.
        if a >= 1
            && frame_word(toks, a - 1).is_some_and(|d| matches!(d.text, "a" | "A" | "the" | "The"))
        {
            a -= 1;
        }
        a = before_approximation(toks, a);
    }
    // A participle with its complement after the noun (`veterans
    // interviewed at rallies this week said`): the phrase ends at the noun.
    if a >= 3
        && depth < PARTICIPLE_DEPTH
        && frame_word(toks, a - 1).is_some_and(|p| lexicon::is_preposition(p.text))
        && frame_word(toks, a - 2).is_some_and(|v| {
            v.text.ends_with("ed")
                && !v.is_capitalised()
                && lexicon::cue_strength(v.text).is_none()
                && !lexicon::is_function_word(v.text)
        })
    {
        if let Some(np) = left_np_within(toks, a - 2, depth + 1) {
            if lexicon::is_determiner(toks[np.first].text) || is_quantifier(toks[np.first].text) {
                return Some(np);
            }
        }
    }
    // A bare plural or name-headed phrase at the start of a clause: “Officials said”.
    // (`Critics of the measure said`: the head, `of`, and a determined
    // complement.)
    // A count may also follow a quotation closed by its comma (`… to
    // lead,” 71 percent of residents said`); a bare phrase there is more
    // often a name and its verb (`“…,” Okafor shot back`).
    let counted = is_count(toks[a].text) || is_quantifier(toks[a].text);
    let possessive = possessive_name_head(toks, a, j);
    // (`“…,” Obama's former campaign strategist said`.)
    let starts = at_clause_start(toks, a)
        || (counted || possessive) && after_closing_comma(toks, a)
        || counted && after_comparison(toks, a);
    (starts && (j - a <= 2 || extended_of || possessive)).then_some(Np { first: a, last: j })
}

/// Does token `a` follow `compared with` or `compared to`? In `…,
/// compared with 23 percent who said …` the count there is a subject of
/// its own.
pub(super) fn after_comparison(toks: &[Tok], a: usize) -> bool {
    a >= 2
        && frame_word(toks, a - 1).is_some_and(|w| matches!(w.text, "with" | "to"))
        && frame_word(toks, a - 2).is_some_and(|w| w.text == "compared")
}

/// Does token `a` follow a quotation closed by its comma (`…,” 71 percent`)?
pub(super) fn after_closing_comma(toks: &[Tok], a: usize) -> bool {
    a >= 2 && toks[a - 1].kind == TokKind::CloseQuote && toks[a - 2].is_punct(',')
}

/// Does token `a` follow a comma, or a comma and the quotation mark it
/// closes (`…, said X`, `…,” said X`)?
pub(super) fn after_comma(toks: &[Tok], a: usize) -> bool {
    a >= 1 && toks[a - 1].is_punct(',') || after_closing_comma(toks, a)
}

/// `Donald Trump’s campaign manager`, `Sen. Ann Lee's press secretary`: a
/// name in the possessive, then at most three plain lower-case words, the
/// last the head. Such a phrase may be longer than a bare phrase.
fn possessive_name_head(toks: &[Tok], a: usize, j: usize) -> bool {
    let Some(p) = (a..j).find(|&k| toks[k].is_possessive()) else {
        return false;
    };
    toks[a..=p].iter().all(is_name_word)
        && (1..=3).contains(&(j - p))
        && toks[p + 1..=j].iter().all(|t| {
            t.is_frame_word()
                && t.text.chars().all(|c| c.is_lowercase() || c == '-')
                && !lexicon::is_function_word(t.text)
        })
}

/// Two names joined by `and` that open a clause speak together:
/// `Grassley and Leahy said`, `In a letter, Sen. Ana Ruiz and Rep. Tom
/// Hale wrote`. The first token of the pair, given the second name's
/// first token `a`; none after a verb (`… met Putin and Trump said`).
fn coordinated_start(toks: &[Tok], a: usize) -> Option<usize> {
    let and = a.checked_sub(1)?;
    if !frame_word(toks, and).is_some_and(|t| matches!(t.text, "and" | "&")) {
        return None;
    }
    let end = and.checked_sub(1)?;
    if !is_name_word(&toks[end]) {
        return None;
    }
    let mut s = end;
    while s >= 1 && is_name_word(&toks[s - 1]) && !(s == 1 && opens_with_common_word(toks)) {
        s -= 1;
    }
    at_clause_start(toks, s).then_some(s)
}

/// Does a clause start at token `a` (the sentence's start, after a comma,
/// semicolon or colon, or after a conjunction or `why`/`where`/`when`/
/// `how`)?
fn at_clause_start(toks: &[Tok], a: usize) -> bool {
    a == 0
        || toks[a - 1].is_punct(',')
        || toks[a - 1].is_punct(';')
        || toks[a - 1].is_punct(':')
        || matches!(
            toks[a - 1].text.to_lowercase().as_str(),
            "but"
                | "and"
                | "yet"
                | "so"
                | "while"
                | "because"
                | "although"
                | "though"
                | "that"
                | "why"
                | "where"
                | "when"
                | "how"
        )
}

/// The first count of a ratio whose second count is at `a`: `six` in
/// `six in 10`, `four` in `four out of 10`.
fn ratio_start(toks: &[Tok], a: usize) -> Option<usize> {
    let word = |k: usize, w: &str| frame_word(toks, k).is_some_and(|t| t.text == w);
    if a >= 2 && word(a - 1, "in") && is_count(toks[a - 2].text) {
        return Some(a - 2);
    }
    (a >= 3 && word(a - 1, "of") && word(a - 2, "out") && is_count(toks[a - 3].text)).then(|| a - 3)
}

/// A number, as a figure or a word up to ten: the counts of `6 in 10`,
/// `one in five`.
fn is_count(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        || matches!(
            word.to_lowercase().as_str(),
            "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten"
        )
}

/// The first token of an approximation before `a` (`more than`, `at
/// least`, `as many as`, `nearly`), or `a` when there is none.
fn before_approximation(toks: &[Tok], a: usize) -> usize {
    let low = |k: usize| frame_word(toks, k).map(|t| t.text.to_lowercase());
    let is =
        |k: Option<usize>, w: &[&str]| k.and_then(low).is_some_and(|t| w.contains(&t.as_str()));
    let two_words = is(a.checked_sub(1), &["than"])
        && is(a.checked_sub(2), &["more", "fewer", "less"])
        || is(a.checked_sub(1), &["least"]) && is(a.checked_sub(2), &["at"]);
    if two_words {
        a - 2
    } else if is(a.checked_sub(1), &["as"])
        && is(a.checked_sub(2), &["many", "much"])
        && is(a.checked_sub(3), &["as"])
    {
        a - 3
    } else if a >= 1 && frame_word(toks, a - 1).is_some_and(|d| is_approximately(d.text)) {
        a - 1
    } else {
        a
    }
}

/// A counted group as a subject, the count at `count` and the phrase
/// ending at `last`: `6 in 10 voters`, `more than 4 in 10`, `at least
/// 21,000`. A bare number needs an approximation or a ratio, and the
/// phrase must open its clause, so that a year or a figure is not taken
/// for a source.
fn counted_subject(toks: &[Tok], count: usize, last: usize) -> Option<Np> {
    let mut a = count;
    let ratio = ratio_start(toks, a);
    if let Some(r) = ratio {
        a = r;
    }
    let ratio = ratio.is_some();
    let b = before_approximation(toks, a);
    ((ratio || b < a) && opens_count(toks, b)).then_some(Np { first: b, last })
}

/// Can a count starting at `b` be a subject there: at a clause's start,
/// after a quotation closed by its comma, or after `compared with`?
fn opens_count(toks: &[Tok], b: usize) -> bool {
    at_clause_start(toks, b) || after_closing_comma(toks, b) || after_comparison(toks, b)
}

/// The phrase that starts at token `k`, after an inverted verb:
/// `“…,” said Sen. Maria Lopez`, `according to the report`.
pub fn right_np(toks: &[Tok], k: usize) -> Option<Np> {
    right_np_within(toks, k, 0)
}

/// How many `of` (or `close to`) complements [`right_np`] follows: `some
/// of the heads of the unions` is two; a longer chain stops there, so no
/// phrase, however long, makes it recurse without end.
const OF_DEPTH: u8 = 4;

/// [`right_np`], `depth` complements deep.
fn right_np_within(toks: &[Tok], k: usize, depth: u8) -> Option<Np> {
    let mut b = k;
    let first = frame_word(toks, b)?;
    if lexicon::pronoun_kind(first.text).is_some() {
        return Some(Np { first: b, last: b });
    }
    // `by some of his rivals`, `by many of the delegates`: a share of a
    // group reaches to the group's end.
    if (is_quantifier(first.text) || first.text.eq_ignore_ascii_case("one"))
        && frame_word(toks, b + 1).is_some_and(|o| o.text == "of")
    {
        if let Some(group) = (depth < OF_DEPTH)
            .then(|| right_np_within(toks, b + 2, depth + 1))
            .flatten()
        {
            return Some(Np {
                first: b,
                last: group.last,
            });
        }
    }
    // `said the spokesman`, `said one New Hampshire Democrat`, `said two
    // Republican aides`.
    let determined = lexicon::is_determiner(first.text)
        || is_quantifier(first.text)
        || first.text.eq_ignore_ascii_case("one");
    if determined {
        b += 1;
        // A superlative: `according to the most recent data`.
        let superlative = frame_word(toks, b)
            .is_some_and(|t| t.text.eq_ignore_ascii_case("most") || t.text == "least")
            && frame_word(toks, b + 1).is_some_and(|n| {
                !lexicon::is_function_word(n.text) && !lexicon::is_preposition(n.text)
            });
        if superlative {
            b += 1;
        }
    }
    let start = b;
    let mut seen_name = false;
    while let Some(t) = frame_word(toks, b) {
        if b - start >= 8 {
            break;
        }
        // After a determiner, names can be the modifiers of a common noun
        // that heads the phrase: `the White House spokesman`.
        let noun_after_names = determined
            && seen_name
            && !t.is_capitalised()
            && !t.text.ends_with("ly")
            && !t.text.ends_with("ing")
            && !lexicon::is_calendar_word(t.text);
        // A day or month ends the phrase (`according to a report Tuesday
        // from …`), and so does a participle after its noun (`a poll
        // released Friday`).
        let participle = b > start && t.text.ends_with("ed") && !t.is_capitalised();
        // …but a day that modifies the noun after its determiner does not:
        // `said a Wednesday editorial in The Register`.
        let date_modifier = determined
            && b == start
            && frame_word(toks, b + 1).is_some_and(|n| {
                !n.is_capitalised()
                    && !lexicon::is_function_word(n.text)
                    && !lexicon::is_preposition(n.text)
                    && lexicon::cue_strength(n.text).is_none()
            });
        // `by the union last week`: a time phrase ends it too.
        let time_phrase = b > start
            && matches!(t.text, "last" | "this" | "next" | "on")
            && frame_word(toks, b + 1).is_some_and(|n| lexicon::is_calendar_word(n.text));
        if (lexicon::is_calendar_word(t.text) && !date_modifier) || participle || time_phrase {
            break;
        }
        // A role between names, or a role and `and` before them: `said GOP
        // strategist Charlie Black`, `said lobbyist and strategist Ann Roe`.
        let plain = |t: &Tok| {
            !t.is_capitalised()
                && !lexicon::is_function_word(t.text)
                && !lexicon::is_preposition(t.text)
                && !lexicon::is_be_verb(t.text)
                && lexicon::cue_strength(t.text).is_none()
                && !lexicon::is_verb_adjunct(t.text)
        };
        let role_before_name = plain(t) && frame_word(toks, b + 1).is_some_and(is_name_word);
        let roles_joined = !seen_name
            && b > start
            && t.text == "and"
            && frame_word(toks, b + 1).is_some_and(plain)
            && frame_word(toks, b + 2).is_some_and(is_name_word);
        if is_name_word(t) {
            seen_name = true;
        } else if roles_joined || seen_name && role_before_name {
            // the phrase goes on
        } else if (seen_name && !noun_after_names)
            || lexicon::is_function_word(t.text)
            || lexicon::is_preposition(t.text)
            || lexicon::is_be_verb(t.text)
            || lexicon::cue_strength(t.text).is_some()
            || lexicon::is_verb_adjunct(t.text)
        {
            break;
        }
        b += 1;
    }
    if b == start {
        return None;
    }
    // `a person familiar with the talks`, `people close to the mayor`,
    // `early results of exit polls`.
    let adjective = frame_word(toks, b - 1)
        .is_some_and(|t| matches!(t.text.to_lowercase().as_str(), "familiar" | "close"));
    let linked = frame_word(toks, b).is_some_and(|t| matches!(t.text, "with" | "to"));
    let of = !seen_name && frame_word(toks, b).is_some_and(|t| t.text == "of");
    if (adjective && linked) || of {
        if let Some(rest) = (depth < OF_DEPTH)
            .then(|| right_np_within(toks, b + 1, depth + 1))
            .flatten()
        {
            return Some(Np {
                first: k,
                last: rest.last,
            });
        }
    }
    Some(Np {
        first: k,
        last: b - 1,
    })
}

/// The subject that opens the sentence and runs up to the verb at `cue`
/// through modifiers the phrase rules stop at: `Some delegates at the
/// convention in Denver said`, `Most of the candidates said`, `People
/// briefed on the talks say`. The phrase is its head part, up to the first
/// preposition other than `of`, a participle, or `familiar`/`close`
/// (`Some delegates`, `Most of the candidates`, `People`). None when the
/// words before the verb hold punctuation, a conjunction, a relative or
/// `that`, a verb of saying, or a form of `be`, or when the sentence does not
/// open with a determiner, quantifier, number or capitalised noun.
pub fn opening_subject(toks: &[Tok], cue: usize) -> Option<Np> {
    if !(2..=18).contains(&cue) {
        return None;
    }
    let words = &toks[..cue];
    let first = words.first()?;
    let opens = first.is_frame_word()
        && (lexicon::is_determiner(first.text)
            || is_quantifier(first.text)
            || is_count(first.text)
            || first.is_capitalised()
                && !lexicon::is_function_word(first.text)
                && !lexicon::is_preposition(first.text)
                && lexicon::pronoun_kind(first.text).is_none()
                && !opens_with_common_word(toks));
    let plain = words.iter().all(|t| {
        let l = t.text.to_lowercase();
        t.is_frame_word()
            && !lexicon::is_be_verb(&l)
            && !is_modal(&l)
            && !lexicon::is_verb_adjunct(&l)
            && !matches!(
                l.as_str(),
                "met" | "made" | "took" | "gave" | "got" | "went" | "came" | "won"
            )
            && lexicon::cue_strength(&l).is_none()
            && !matches!(
                l.as_str(),
                "and" | "or" | "but" | "that" | "who" | "which" | "whose" | "whom" | "as"
            )
            && lexicon::pronoun_kind(&l).is_none()
    });
    if !opens || !plain {
        return None;
    }
    let mut last = 0;
    while last + 1 < cue {
        let t = &toks[last + 1];
        let l = t.text.to_lowercase();
        // `One in four voters`: a ratio's `in` is no modifier.
        let ratio = l == "in"
            && is_count(toks[last].text)
            && toks.get(last + 2).is_some_and(|n| is_count(n.text));
        let stop = (lexicon::is_preposition(&l) && l != "of" && !ratio)
            || matches!(l.as_str(), "familiar" | "close")
            || !t.is_capitalised() && (l.ends_with("ed") || l.ends_with("ing")) && l.len() > 4;
        if stop {
            break;
        }
        last += 1;
    }
    // The head part must end in a word that can head a phrase.
    (!lexicon::is_function_word(toks[last].text)).then_some(Np { first: 0, last })
}

/// The grammatical subject of a sentence when it is a capitalised name,
/// after fronted adverbials: “In the run-up to the vote, *Smith* warned …”.
pub fn subject_np(toks: &[Tok]) -> Option<Np> {
    let mut i = 0;
    let limit = toks.len().min(20);
    while i < limit {
        let t = &toks[i];
        if !t.is_frame_word() {
            if t.is_punct(',') {
                i += 1;
                continue;
            }
            return None;
        }
        let l = t.text.to_lowercase();
        // A participial opener: “Recognizing this, Rubio …”.
        let participle_opener = i == 0 && l.ends_with("ing") && l.len() > 4;
        // A word capitalised only because it opens the sentence, before a
        // comma: `Asked whether …, X said`, `Ever since she …, X`, `Last
        // month, X`, `Burdened by mistrust, X`.
        let opener = i == 0 && common_opener(toks, i);
        // A time phrase: `Eight years ago,`, `Two days later,`, `Eight
        // years after backing Obama,`.
        let units = toks.get(i + 1).is_some_and(|u| {
            u.is_frame_word()
                && matches!(
                    u.text.to_lowercase().as_str(),
                    "years" | "months" | "weeks" | "days" | "hours" | "minutes" | "decades"
                )
        }) && (is_spelled_number(t.text)
            || t.text.starts_with(|c: char| c.is_ascii_digit()));
        let time_phrase = units
            || toks[i..limit]
                .iter()
                .position(|t| t.is_punct(','))
                .is_some_and(|c| {
                    (2..=5).contains(&c)
                        && matches!(
                            toks[i + c - 1].text.to_lowercase().as_str(),
                            "ago" | "later" | "earlier"
                        )
                });
        let fronted = participle_opener
            || opener
            || time_phrase
            || lexicon::is_preposition(&l)
            || (lexicon::is_function_word(&l) && !lexicon::is_determiner(&l))
            || (l.ends_with("ly") && !t.is_capitalised())
            || l == "though";
        if !fronted {
            break;
        }
        let conj = matches!(l.as_str(), "but" | "and" | "yet" | "so" | "still");
        if conj {
            i += 1;
            continue;
        }
        // Skip to after the next comma, if the adverbial ends with one.
        match toks[i..limit].iter().position(|t| t.is_punct(',')) {
            Some(c) => i += c + 1,
            None => return None,
        }
    }
    if i >= toks.len() || !is_name_word(&toks[i]) {
        return None;
    }
    let a = i;
    let mut b = i;
    while b + 1 < toks.len() && is_name_word(&toks[b + 1]) {
        b += 1;
    }
    // A subject is followed by its verb (or an adverb before it).
    let next = frame_word(toks, b + 1)?;
    (!next.is_capitalised()).then_some(Np { first: a, last: b })
}

/// A one-word phrase that is a contraction and no pronoun, so no speaker:
/// a negation (`don’t`, `Can't`), an auxiliary after anything but a
/// pronoun (`You’ll`, `who’d`), or `’s` after a function word (`There's`,
/// `That’s`, `Let's`). Names with an apostrophe (`O'Reilly`, `D’Amato`)
/// and possessives (`Trump’s`) are not contractions.
pub(super) fn is_bare_contraction(toks: &[Tok], np: Np) -> bool {
    if np.first != np.last {
        return false;
    }
    let low = toks[np.first].text.to_lowercase().replace('’', "'");
    let Some((base, tail)) = low.split_once('\'') else {
        return false;
    };
    matches!(tail, "t" | "ll" | "ve" | "re" | "m" | "d")
        || (tail == "s"
            && (lexicon::is_function_word(base)
                || matches!(base, "there" | "here" | "let" | "what" | "who")))
}

/// Quantifiers that stand alone for a group of people as a subject:
/// `Most believe …`, `Some said …`, `Others say …`.
fn is_lone_group(word: &str) -> bool {
    [
        "some", "many", "most", "few", "several", "others", "half", "one", "another",
    ]
    .iter()
    .any(|w| word.eq_ignore_ascii_case(w))
}

/// A one-word phrase that names no one: a lowercase `-ing` or `-ly` word
/// or closed-class word (`raising`, `always`, `whose`), or a capitalised
/// preposition, conjunction or sentence adverb (`Despite`, `Amid`,
/// `Perhaps`). Lowercase nouns (`critics`, `police`) and names stay.
pub(super) fn is_lone_non_name(toks: &[Tok], np: Np) -> bool {
    if np.first != np.last {
        return false;
    }
    let t = &toks[np.first];
    let low = t.bare().to_lowercase();
    if is_lone_group(&low) {
        return false;
    }
    let closed = lexicon::is_function_word(&low)
        || lexicon::is_preposition(&low)
        || is_discourse_adverb(&low)
        || matches!(
            low.as_str(),
            "very"
                | "well"
                | "always"
                | "also"
                | "even"
                | "just"
                | "never"
                | "often"
                | "perhaps"
                | "please"
                | "whose"
                | "any"
                | "given"
                | "whatever"
                | "nonetheless"
                | "nevertheless"
                | "wow"
                | "despite"
                | "beyond"
                | "amid"
                | "without"
                | "like"
                | "unlike"
                | "contrary"
                | "lest"
                | "rather"
        );
    if t.is_capitalised() {
        return closed;
    }
    closed || low.len() > 4 && (low.ends_with("ing") || low.ends_with("ly"))
}

/// A one-word phrase that can stand for no person or group a pronoun
/// refers back to: a [`is_lone_non_name`] word, a contraction, or a
/// number that opens the sentence (`Thirteen months passed …`).
pub(super) fn names_no_one(toks: &[Tok], np: Np) -> bool {
    np.first == np.last
        && (is_lone_non_name(toks, np)
            || is_bare_contraction(toks, np)
            || is_count(toks[np.first].text)
            || is_spelled_number(toks[np.first].text)
            || matches!(
                toks[np.first].text.to_lowercase().as_str(),
                "dozens" | "hundreds" | "thousands" | "little"
            ))
}

/// A number in words, hyphenated or not: `Thirteen`, `Sixty-seven`.
pub(super) fn is_spelled_number(word: &str) -> bool {
    word.to_lowercase().split('-').all(|part| {
        matches!(
            part,
            "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "eleven"
                | "twelve"
                | "thirteen"
                | "fourteen"
                | "fifteen"
                | "sixteen"
                | "seventeen"
                | "eighteen"
                | "nineteen"
                | "twenty"
                | "thirty"
                | "forty"
                | "fifty"
                | "sixty"
                | "seventy"
                | "eighty"
                | "ninety"
                | "hundred"
        )
    })
}

/// A phrase that starts with a participle or adverb opening the sentence,
/// before its particle, preposition, object's determiner, an -ing word or
/// a colon (`Rattling off pledges …, the mayor promised`, `Based on …`,
/// `Having announced …`, `Initially a Democrat, …`, `Revealed: …`): a
/// fronted clause, not a speaker. Names in -ing, -ed or -ly before a noun
/// or a verb (`Beijing officials`, `Ahmed said`, `Kelly wrote`) are kept.
pub(super) fn is_participle_opener(toks: &[Tok], np: Np) -> bool {
    let t = &toks[np.first];
    let low = t.text.to_lowercase();
    let opens = toks[..np.first].iter().all(|t| !t.is_word());
    let shape = low.ends_with("ing") || low.ends_with("ed") || low.ends_with("ly");
    let next = toks.get(np.first + 1);
    // `Having announced …`, `Being a Democrat, …`: auxiliaries, never names.
    let auxiliary = matches!(low.as_str(), "having" | "being");
    opens
        && t.is_capitalised()
        && (auxiliary
            || low.len() > 5
                && shape
                && (next.is_some_and(|n| n.is_punct(':'))
                    || next.filter(|n| n.is_frame_word()).is_some_and(|n| {
                        let l = n.text.to_lowercase();
                        !n.is_capitalised()
                            && (lexicon::is_preposition(&l)
                                || lexicon::is_determiner(&l)
                                || l.ends_with("ing") && l.len() > 4
                                || matches!(
                                    l.as_str(),
                                    "off"
                                        | "up"
                                        | "out"
                                        | "down"
                                        | "back"
                                        | "his"
                                        | "her"
                                        | "their"
                                        | "its"
                                ))
                    })))
}

/// A month that is a surname after a given name (`Theresa May`, `Robert
/// April`), not a date: capitalised, right after a capitalised name word
/// that is not itself a date word, and not before a day's number.
fn is_month_surname(prev: Option<&Tok>, t: &Tok, next: Option<&Tok>) -> bool {
    matches!(t.text, "May" | "April" | "June" | "August")
        && prev.is_some_and(|p| {
            p.is_frame_word()
                && p.is_capitalised()
                && !lexicon::is_calendar_word(p.text)
                && !lexicon::is_function_word(p.text)
                && !lexicon::is_preposition(p.text)
        })
        && !next.is_some_and(|n| n.text.starts_with(|c: char| c.is_ascii_digit()))
}

/// A date or time word at `k`, unless it is a surname ([`is_month_surname`]).
fn is_date_at(toks: &[Tok], k: usize) -> bool {
    lexicon::is_calendar_word(toks[k].text)
        && !is_month_surname(
            k.checked_sub(1).map(|p| &toks[p]),
            &toks[k],
            toks.get(k + 1),
        )
}

/// A word that reads as a past tense or participle (`made` is listed;
/// `attempted`, `released`), not a noun in -ed (`bed`, `seed`, `hundred`).
fn is_past_tense_like(word: &str) -> bool {
    let w = word.to_lowercase();
    (w.len() > 4 && w.ends_with("ed") && !w.ends_with("eed") && w != "hundred")
        || matches!(
            w.as_str(),
            "made" | "took" | "gave" | "got" | "went" | "came" | "saw" | "held" | "won" | "ran"
        )
}

/// Modal and auxiliary verbs (`cannot`, `would`, `has`).
fn is_modal(word: &str) -> bool {
    matches!(
        word.to_lowercase().replace('’', "'").as_str(),
        "can"
            | "cannot"
            | "can't"
            | "could"
            | "couldn't"
            | "will"
            | "won't"
            | "would"
            | "wouldn't"
            | "should"
            | "shouldn't"
            | "may"
            | "might"
            | "must"
            | "has"
            | "have"
            | "had"
            | "hasn't"
            | "haven't"
            | "hadn't"
            | "does"
            | "did"
            | "doesn't"
            | "didn't"
    )
}

/// Is the sentence's first word capitalised only because it opens it (a
/// [`common_opener`] or a sentence adverb: `Maybe`, `However`)?
fn opens_with_common_word(toks: &[Tok]) -> bool {
    common_opener(toks, 0) || is_discourse_adverb(&toks[0].text.to_lowercase())
}

/// A common word that opens sentences capitalised: a past participle
/// before a preposition or question word (`Asked whether`, `Pressed on`,
/// `Burdened by`; not a name such as `Jared` or `Ahmed`), or an adverb,
/// quantifier or adjective of time.
fn common_opener(toks: &[Tok], i: usize) -> bool {
    let w = toks[i].text.to_lowercase();
    let participle = w.ends_with("ed")
        && w.len() > 4
        && frame_word(toks, i + 1).is_some_and(|n| {
            !n.is_capitalised()
                && (lexicon::is_preposition(n.text)
                    || matches!(n.text, "whether" | "if" | "what" | "why" | "how" | "when"))
        });
    participle
        || matches!(
            w.as_str(),
            "ever"
                // Prepositions that open a phrase before the subject
                // (`Beyond the footage, the affidavit …`) but that
                // `lexicon::is_preposition` leaves out, since they also
                // follow nouns in subjects (`voters across the state`).
                | "beyond"
                | "despite"
                | "amid"
                | "without"
                | "within"
                | "across"
                | "throughout"
                | "besides"
                | "alongside"
                | "maybe"
                | "last"
                | "next"
                | "even"
                | "only"
                | "just"
                | "now"
                | "then"
                | "still"
                | "also"
                | "meanwhile"
                | "however"
                | "here"
                | "there"
                | "today"
                | "yesterday"
                | "earlier"
                | "later"
                | "instead"
                | "indeed"
                | "perhaps"
                | "once"
                | "again"
                | "already"
                | "soon"
                | "finally"
                | "first"
                | "many"
                | "most"
                | "some"
                | "few"
                | "several"
                | "both"
                | "each"
                | "every"
                | "all"
                | "such"
                | "other"
                | "another"
                | "more"
                | "much"
                | "never"
                | "always"
                | "often"
                | "sometimes"
                | "outside"
                | "inside"
        )
}

/// Per-document memory of names, so that every surface form of one person
/// folds into one speaker: a full name (`Dan Coats`, given name and
/// surname, titles and middle names dropped) once seen stands for later
/// mentions of its surname (`Coats`, `Director Coats`) and given name
/// (`Dan`); a person named only by surname stays that surname.
#[derive(Debug, Default)]
pub struct NameBook {
    /// Surname or given name, lowercased (`de blasio` for `De Blasio`) →
    /// the full name most recently seen with it.
    full: HashMap<String, String>,
    /// Full name → gender, from its given name or an honorific.
    genders: HashMap<String, Gender>,
}

const PERSON_ROLES: &[&str] = &[
    "president",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "senator",
    "minister",
    "secretary",
    "director",
    "lawyer",
    "attorney",
    "aide",
    "adviser",
    "advisor",
    "leader",
    "chairman",
    "chairwoman",
    "candidate",
    "nominee",
    "governor",
    "mayor",
    "ambassador",
    "judge",
    "analyst",
    "expert",
    "source",
    "man",
    "woman",
    "professor",
    "economist",
    "author",
    "writer",
    "chief",
    "head",
];

/// Kinds of people named in the plural as a group, beside
/// [`PERSON_ROLES`]: voters, critics, party members. Their plurals take
/// `s` (`officials`, `Democrats`).
const PEOPLE: &[&str] = &[
    "critic",
    "supporter",
    "opponent",
    "voter",
    "resident",
    "activist",
    "lawmaker",
    "legislator",
    "observer",
    "republican",
    "democrat",
    "american",
    "conservative",
    "liberal",
    "progressive",
    "independent",
    "worker",
    "member",
    "student",
    "protester",
    "protestor",
    "investigator",
    "prosecutor",
    "officer",
    "researcher",
    "scientist",
    "pollster",
    "strategist",
    "operative",
    "delegate",
    "donor",
    "parent",
    "veteran",
    "immigrant",
    "citizen",
    "historian",
    "diplomat",
    "insider",
    "organizer",
    "organiser",
    "evangelical",
];

/// Is this lower-case word the plural of a role or kind of people
/// (`officials`, `critics`, `democrats`)?
fn is_people_plural(low: &str) -> bool {
    low.strip_suffix('s')
        .is_some_and(|one| PERSON_ROLES.contains(&one) || PEOPLE.contains(&one))
}

impl NameBook {
    /// Can this capitalised word before a surname be a given name? Not a
    /// title or role (`Sen.`, `Reporter`), a word of another class
    /// capitalised by a headline or the sentence's start (`Since`,
    /// `Says`, `Is`), or the surname of someone the article has
    /// already named (`Clinton` in a headline's `Clinton Iowa`) unless it
    /// is also a common given name.
    fn can_be_given_name(&self, t: &Tok) -> bool {
        let low = t.bare().to_lowercase();
        let known_surname = self
            .full
            .get(&low)
            .and_then(|full| full.strip_suffix(t.bare()))
            .is_some_and(|given| given.ends_with(' '));
        !lexicon::is_title_word(t.text)
            && !PERSON_ROLES.contains(&low.as_str())
            && !lexicon::is_function_word(&low)
            && !lexicon::is_preposition(&low)
            && !is_discourse_adverb(&low)
            && !lexicon::is_be_verb(&low)
            && !matches!(
                low.as_str(),
                "had" | "has" | "made" | "says" | "whatever" | "without" | "alongside"
            )
            && !(known_surname && lexicon::first_name_gender(t.bare()).is_none())
    }

    /// Fold a phrase into a speaker. `None` when it cannot be a speaker
    /// (a date, a bare function word).
    pub fn canonical(&mut self, toks: &[Tok], np: Np, doc: &str) -> Option<Entity> {
        // The name is what comes before a parenthesis or comma: `Sen. Chuck
        // Grassley (R-Iowa)`, `Rep. Chris Collins, R-NY`, `Dan Gerstein,
        // director of …`.
        if let Some(k) =
            (np.first + 1..=np.last).find(|&k| matches!(toks[k].kind, TokKind::Punct('(' | ',')))
        {
            return self.canonical(
                toks,
                Np {
                    first: np.first,
                    last: k - 1,
                },
                doc,
            );
        }
        // `Grassley and Leahy`: each name folds on its own; together they
        // are a group.
        let and = (np.first + 1..np.last).find(|&k| {
            toks[k].is_frame_word()
                && matches!(toks[k].text, "and" | "&")
                && is_name_word(&toks[k - 1])
                && is_name_word(&toks[k + 1])
        });
        if let Some(k) = and {
            let left = self.canonical(
                toks,
                Np {
                    first: np.first,
                    last: k - 1,
                },
                doc,
            )?;
            let right = self.canonical(
                toks,
                Np {
                    first: k + 1,
                    last: np.last,
                },
                doc,
            )?;
            return Some(Entity {
                name: format!("{} and {}", left.name, right.name),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        let words: Vec<&Tok> = toks[np.first..=np.last]
            .iter()
            .filter(|t| t.kind == TokKind::Word)
            .collect();
        let (det, rest): (Option<&Tok>, &[&Tok]) = match words.split_first() {
            Some((d, r)) if lexicon::is_determiner(d.text) && !r.is_empty() => (Some(d), r),
            _ => (None, &words[..]),
        };
        let head = *rest.last()?;
        // A counted group: `more than 4 in 10`, `at least 21,000`, `a
        // third of independents` (the phrase as written).
        let counted = head.text.starts_with(|c: char| c.is_ascii_digit()) && words.len() > 1
            || det.is_some() && rest.len() > 1 && is_share(rest[0].text);
        if counted {
            return Some(Entity {
                name: doc[words[0].start..head.end].to_string(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        // `Most believe …`: a quantifier alone is the group it counts.
        if words.len() == 1 && is_lone_group(head.text) {
            return Some(Entity {
                name: head.text.to_lowercase(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        let surname = rest.len() > 1 && is_month_surname(Some(rest[rest.len() - 2]), head, None);
        if lexicon::is_calendar_word(head.text) && !surname
            || lexicon::is_function_word(head.text)
            || !head.text.chars().any(|c| c.is_alphabetic())
        {
            return None;
        }
        let span_text = &doc[rest[0].start..head.end];
        let head_lower = head.bare().to_lowercase();
        // `one New Hampshire Democrat`, `two Republican aides`: counted
        // people described, not named.
        if det.is_none()
            && rest.len() > 1
            && (is_quantifier(rest[0].text) || rest[0].text.eq_ignore_ascii_case("one"))
        {
            let plural = head_lower.ends_with('s') && !head_lower.ends_with("ss");
            return Some(Entity {
                name: span_text.to_string(),
                kind: if plural {
                    EntityKind::Group
                } else {
                    EntityKind::Person
                },
                gender: None,
            });
        }
        if !head.is_capitalised() {
            let kind = if PERSON_ROLES.contains(&head_lower.as_str()) {
                EntityKind::Person
            } else if head_lower.ends_with('s') && !head_lower.ends_with("ss") {
                EntityKind::Group
            } else {
                EntityKind::Organisation
            };
            let has_name = rest
                .iter()
                .any(|t| t.is_capitalised() && !lexicon::is_calendar_word(t.text));
            // The writer's own (`my father`, `our team`) stay theirs.
            let name = match det {
                Some(d) if matches!(d.text.to_lowercase().as_str(), "my" | "our") => {
                    format!("{} {span_text}", d.text.to_lowercase())
                }
                Some(_) if !has_name => format!("the {span_text}"),
                _ => span_text.to_string(),
            };
            return Some(Entity {
                name,
                kind,
                gender: None,
            });
        }
        // A plural of people capitalised by its place or as a party
        // (`Officials said`, `Critics say`, `Democrats argue`) is a group:
        // no `he` or `she` stands for it.
        if rest.len() == 1 && is_people_plural(&head_lower) {
            return Some(Entity {
                name: span_text.to_string(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        if lexicon::is_organisation_head(head.text)
            || rest.len() > 1
                && rest.iter().any(|t| t.text == "of")
                && lexicon::is_organisation_head(rest[0].text)
        {
            return Some(Entity {
                name: span_text.to_string(),
                kind: EntityKind::Organisation,
                gender: None,
            });
        }
        // A person: the surname is the last word that is not a suffix.
        let p = rest
            .iter()
            .rposition(|t| !lexicon::is_name_suffix(t.text))
            .unwrap_or(rest.len() - 1);
        // A particle belongs to the surname: `Jason Van Dyke`, `Ursula von
        // der Leyen`.
        let last = p;
        let mut p = p;
        while p > 0 && is_surname_particle(rest[p - 1].text) {
            p -= 1;
        }
        let surname = rest[p..last]
            .iter()
            .map(|t| t.text)
            .chain([rest[last].bare()])
            .collect::<Vec<_>>()
            .join(" ");
        // Given names: the name words before the surname, back to a title.
        let mut g = p;
        while g > 0 && rest[g - 1].is_capitalised() && self.can_be_given_name(rest[g - 1]) {
            g -= 1;
        }
        // The end of a title is no given name: `Secretary of State Clinton`.
        if g < p && g > 0 && rest[g - 1].text == "of" {
            g += 1;
        }
        // A capitalised role before a known given name is no name:
        // `Actress Diane Ortiz`, `Rancher Paul Dunn`.
        if g + 1 < p
            && lexicon::first_name_gender(rest[g].bare()).is_none()
            && lexicon::first_name_gender(rest[g + 1].bare()).is_some()
        {
            g += 1;
        }
        let honorific = rest[..g]
            .iter()
            .find_map(|t| lexicon::honorific_gender(t.text));
        let name = if g < p {
            let given = rest[g].bare();
            let full = format!("{given} {surname}");
            self.full.insert(surname.to_lowercase(), full.clone());
            self.full.insert(given.to_lowercase(), full.clone());
            if let Some(gender) = lexicon::first_name_gender(given).or(honorific) {
                self.genders.insert(full.clone(), gender);
            }
            full
        } else {
            // After a title (`Mr. Paulson`) the word is a surname: it folds
            // into a full name that ends in it, never into one it begins
            // (`Paulson Enhanced`, a fund).
            let key = surname.to_lowercase();
            let name = self
                .full
                .get(&key)
                .filter(|full| g == 0 || full.to_lowercase().ends_with(&format!(" {key}")))
                .cloned()
                .unwrap_or(surname);
            if let Some(gender) = honorific {
                self.genders.entry(name.clone()).or_insert(gender);
            }
            name
        };
        Some(Entity {
            gender: self.genders.get(&name).copied(),
            name,
            kind: EntityKind::Person,
        })
    }
}

/// Words that join a surname before its last word: `Van Dyke`, `de
/// Blasio`, `von der Leyen`.
fn is_surname_particle(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "van" | "von" | "de" | "der" | "del" | "della" | "di" | "da" | "du" | "la" | "le"
    )
}

/// Recently mentioned speakers and subjects, most recent last.
#[derive(Debug, Default)]
pub struct Salience {
    recent: Vec<Entity>,
}

impl Salience {
    pub fn push(&mut self, e: Entity) {
        self.recent.retain(|x| x.name != e.name);
        self.recent.push(e);
    }

    /// The most recent person named in full (given name and surname).
    pub fn latest_named_person(&self) -> Option<&Entity> {
        self.recent
            .iter()
            .rev()
            .find(|e| e.kind == EntityKind::Person && e.name.contains(' '))
    }

    /// The most recent entity that a pronoun of this kind (and gender, for
    /// `he` and `she`) can stand for.
    pub fn resolve(&self, p: PronounKind, gender: Option<Gender>) -> Option<&Entity> {
        self.recent
            .iter()
            .rev()
            .find(|e| Salience::fits(p, gender, e))
    }

    /// Can a pronoun of this kind and gender stand for `e`? A person of
    /// unknown gender agrees with either.
    pub fn fits(p: PronounKind, gender: Option<Gender>, e: &Entity) -> bool {
        if e.name == super::NARRATOR {
            return false;
        }
        match p {
            PronounKind::Person => {
                e.kind == EntityKind::Person
                    && (gender.is_none() || e.gender.is_none() || e.gender == gender)
            }
            PronounKind::Group => e.kind != EntityKind::Person,
            PronounKind::Thing => e.kind == EntityKind::Organisation,
        }
    }
}
