//! The phrase after an inverted verb: `“…,” said Sen. Maria Lopez`,
//! `according to the report`.

use super::*;

/// The phrase that starts at token `k`, after an inverted verb:
/// `“…,” said Sen. Maria Lopez`, `according to the report`.
pub fn right_np(toks: &[Tok], k: usize) -> Option<Np> {
    right_np_within(toks, k, 0)
}

/// How many `of` (or `close to`) complements [`right_np`] follows: `some
/// of the heads of the unions` is two; a longer chain stops there, so no
/// phrase, however long, makes it recurse without end.
pub(super) const OF_DEPTH: u8 = 4;

/// [`right_np`], `depth` complements deep.
pub(super) fn right_np_within(toks: &[Tok], k: usize, depth: u8) -> Option<Np> {
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
