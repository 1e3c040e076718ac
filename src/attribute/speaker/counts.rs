//! Counted groups and where a subject may open: `6 in 10 voters`, `at
//! least 21,000`, `…, compared with 23 percent who said`, two names joined
//! by `and`, and the clause-position tests they share.

use super::*;

/// Does token `a` follow `compared with` or `compared to`? In `…,
/// compared with 23 percent who said …` the count there is a subject of
/// its own.
pub(in crate::attribute) fn after_comparison(toks: &[Tok], a: usize) -> bool {
    a >= 2
        && frame_word(toks, a - 1).is_some_and(|w| matches!(w.text, "with" | "to"))
        && frame_word(toks, a - 2).is_some_and(|w| w.text == "compared")
}

/// Does token `a` follow a quotation closed by its comma (`…,” 71 percent`)?
pub(in crate::attribute) fn after_closing_comma(toks: &[Tok], a: usize) -> bool {
    a >= 2 && toks[a - 1].kind == TokKind::CloseQuote && toks[a - 2].is_punct(',')
}

/// Does token `a` follow a comma, or a comma and the quotation mark it
/// closes (`…, said X`, `…,” said X`)?
pub(in crate::attribute) fn after_comma(toks: &[Tok], a: usize) -> bool {
    a >= 1 && toks[a - 1].is_punct(',') || after_closing_comma(toks, a)
}

/// `Donald Trump’s campaign manager`, `Sen. Ann Lee's press secretary`: a
/// name in the possessive, then at most three plain lower-case words, the
/// last the head. Such a phrase may be longer than a bare phrase.
pub(super) fn possessive_name_head(toks: &[Tok], a: usize, j: usize) -> bool {
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
pub(super) fn coordinated_start(toks: &[Tok], a: usize) -> Option<usize> {
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
pub(super) fn at_clause_start(toks: &[Tok], a: usize) -> bool {
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
pub(super) fn ratio_start(toks: &[Tok], a: usize) -> Option<usize> {
    let word = |k: usize, w: &str| frame_word(toks, k).is_some_and(|t| t.text == w);
    if a >= 2 && word(a - 1, "in") && is_count(toks[a - 2].text) {
        return Some(a - 2);
    }
    (a >= 3 && word(a - 1, "of") && word(a - 2, "out") && is_count(toks[a - 3].text)).then(|| a - 3)
}

/// A number, as a figure or a word up to ten: the counts of `6 in 10`,
/// `one in five`.
pub(super) fn is_count(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        || matches!(
            word.to_lowercase().as_str(),
            "one" | "two" | "three" | "four" | "five" | "six" | "seven" | "eight" | "nine" | "ten"
        )
}

/// The first token of an approximation before `a` (`more than`, `at
/// least`, `as many as`, `nearly`), or `a` when there is none.
pub(super) fn before_approximation(toks: &[Tok], a: usize) -> usize {
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
pub(super) fn counted_subject(toks: &[Tok], count: usize, last: usize) -> Option<Np> {
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
pub(super) fn opens_count(toks: &[Tok], b: usize) -> bool {
    at_clause_start(toks, b) || after_closing_comma(toks, b) || after_comparison(toks, b)
}
