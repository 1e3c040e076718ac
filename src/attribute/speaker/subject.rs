//! The sentence's own subject: the one that opens it and runs to the verb
//! (`Some delegates at the convention said`), or a capitalised name after
//! fronted adverbials (`In the run-up to the vote, Smith warned`).

use super::*;

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
