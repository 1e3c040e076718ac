//! Words that are no speaker: bare contractions, lone function words and
//! adverbs, spelled numbers, participles and dates that open a sentence,
//! past tenses and modals.

use super::*;

/// A one-word phrase that is a contraction and no pronoun, so no speaker:
/// a negation (`don’t`, `Can't`), an auxiliary after anything but a
/// pronoun (`You’ll`, `who’d`), or `’s` after a function word (`There's`,
/// `That’s`, `Let's`). Names with an apostrophe (`O'Reilly`, `D’Amato`)
/// and possessives (`Trump’s`) are not contractions.
pub(in crate::attribute) fn is_bare_contraction(toks: &[Tok], np: Np) -> bool {
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
pub(super) fn is_lone_group(word: &str) -> bool {
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
pub(in crate::attribute) fn is_lone_non_name(toks: &[Tok], np: Np) -> bool {
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
pub(in crate::attribute) fn names_no_one(toks: &[Tok], np: Np) -> bool {
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
pub(in crate::attribute) fn is_spelled_number(word: &str) -> bool {
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
pub(in crate::attribute) fn is_participle_opener(toks: &[Tok], np: Np) -> bool {
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
pub(super) fn is_month_surname(prev: Option<&Tok>, t: &Tok, next: Option<&Tok>) -> bool {
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
pub(super) fn is_date_at(toks: &[Tok], k: usize) -> bool {
    lexicon::is_calendar_word(toks[k].text)
        && !is_month_surname(
            k.checked_sub(1).map(|p| &toks[p]),
            &toks[k],
            toks.get(k + 1),
        )
}

/// A word that reads as a past tense or participle (`made` is listed;
/// `attempted`, `released`), not a noun in -ed (`bed`, `seed`, `hundred`).
pub(super) fn is_past_tense_like(word: &str) -> bool {
    let w = word.to_lowercase();
    (w.len() > 4 && w.ends_with("ed") && !w.ends_with("eed") && w != "hundred")
        || matches!(
            w.as_str(),
            "made" | "took" | "gave" | "got" | "went" | "came" | "saw" | "held" | "won" | "ran"
        )
}

/// Modal and auxiliary verbs (`cannot`, `would`, `has`).
pub(super) fn is_modal(word: &str) -> bool {
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
pub(super) fn opens_with_common_word(toks: &[Tok]) -> bool {
    common_opener(toks, 0) || is_discourse_adverb(&toks[0].text.to_lowercase())
}

/// A common word that opens sentences capitalised: a past participle
/// before a preposition or question word (`Asked whether`, `Pressed on`,
/// `Burdened by`; not a name such as `Jared` or `Ahmed`), or an adverb,
/// quantifier or adjective of time.
pub(super) fn common_opener(toks: &[Tok], i: usize) -> bool {
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
