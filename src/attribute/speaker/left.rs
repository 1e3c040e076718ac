//! The phrase before a reporting verb: `Putin *himself* acknowledged`,
//! appositives (`Mark Ellison, the president of the union, said`),
//! parenthetical subjects, dashes, shares and quantifiers.

use super::*;

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
pub(in crate::attribute) fn is_dash(t: &Tok) -> bool {
    matches!(t.kind, TokKind::Punct('―' | '—' | '–' | '-')) && !t.quoted
}

/// When token `j` is a dash (`--` counts as one) that closes an appositive
/// opened by a dash of the same kind within a few words before it, with
/// only words and commas between: the first token of the opening dash.
pub(super) fn dash_appositive_open(toks: &[Tok], j: usize) -> Option<usize> {
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
pub(super) fn name_as_object(toks: &[Tok], c: usize, j: usize) -> Option<Np> {
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
pub(in crate::attribute) fn is_discourse_adverb(word: &str) -> bool {
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
pub(super) fn parenthetical_subject(toks: &[Tok], comma: usize) -> Option<(Np, usize)> {
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
pub(super) fn parenthetical_subject_from(
    toks: &[Tok],
    start: usize,
    comma: usize,
) -> Option<(Np, usize)> {
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

pub(super) fn is_time_lead(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "on" | "last" | "this" | "next" | "early" | "late" | "earlier" | "later"
    )
}

pub(in crate::attribute) fn is_quantifier(word: &str) -> bool {
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
pub(super) fn is_share(word: &str) -> bool {
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
pub(super) fn is_approximately(word: &str) -> bool {
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
pub(super) const PARTICIPLE_DEPTH: u8 = 2;

/// How deep [`left_np_within`] goes at all (age groups, verbs before the
/// phrase and participles together).
pub(super) const MAX_DEPTH: u8 = 8;

pub(super) fn left_np_within(toks: &[Tok], end: usize, depth: u8) -> Option<Np> {
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
