//! Interview transcripts: paragraphs that open with their speaker's tag in
//! capitals and a colon (`TAPPER: Do you think …`, `JAKE TAPPER:`,
//! `"PENCE: Well, …`, `Q:` / `A:`). Every sentence of such a turn is the
//! tagged speaker's, and so are the untagged paragraphs that continue it
//! before the next tag (`Specifically I’ve heard …`), but not stage
//! directions (`(CROSSTALK)`, `(END VIDEO CLIP.)`).
//!
//! A document is read as a transcript only when at least two paragraphs
//! open with a tag and the tags name at least two speakers, so that a lone
//! `UPDATE:` or a capitalised kicker is not taken for one.

use super::lexicon;

/// Who speaks a turn, as its tag gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Speaker {
    /// A name in capitals, title-cased: `JAKE TAPPER` → `Jake Tapper`.
    Named(String),
    /// `Q:` or `QUESTION:`.
    Interviewer,
    /// `A:` or `ANSWER:`.
    Interviewee,
}

/// A paragraph's turn: its speaker, and the byte spans of the tag and of
/// its colon (the cue). A continuing paragraph carries its turn's tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Turn {
    pub(super) speaker: Speaker,
    pub(super) tag: (usize, usize),
    pub(super) colon: (usize, usize),
}

/// The longest tag looked for, in characters (`LT. GEN. H.R. MCMASTER:`
/// fits).
const MAX_TAG_CHARS: usize = 48;

/// How many untagged paragraphs may continue a turn before the next tag.
const MAX_CONTINUATION: usize = 3;

/// The turn of every paragraph (`None` outside a transcript), given each
/// paragraph's start offset and text.
pub(super) fn turns(paragraphs: &[(usize, &str)]) -> Vec<Option<Turn>> {
    let tagged: Vec<Option<Turn>> = paragraphs
        .iter()
        .map(|&(start, text)| tag_of(start, text))
        .collect();
    let mut distinct: Vec<&Speaker> = Vec::new();
    for s in tagged.iter().flatten().map(|t| &t.speaker) {
        if !distinct.contains(&s) {
            distinct.push(s);
        }
    }
    if distinct.len() < 2 {
        return vec![None; paragraphs.len()];
    }
    let mut out = tagged.clone();
    let mut current: Option<&Turn> = None;
    for (p, tag) in tagged.iter().enumerate() {
        if let Some(t) = tag {
            current = Some(t);
            continue;
        }
        let Some(turn) = current else { continue };
        let text = paragraphs[p].1.trim();
        let next_tag = tagged[p + 1..]
            .iter()
            .take(MAX_CONTINUATION)
            .position(Option::is_some);
        if is_stage_direction(text) {
            continue;
        }
        match next_tag {
            Some(_) => out[p] = Some(turn.clone()),
            None => current = None,
        }
    }
    out
}

/// The tag that opens a paragraph, if it has one: an optional opening
/// quotation mark, one to four words in capitals, a colon and then text.
fn tag_of(start: usize, text: &str) -> Option<Turn> {
    let lead = text.len() - text.trim_start_matches([' ', '"', '“', '\'']).len();
    let rest = &text[lead..];
    // A tag is a few words: look no further than its longest form.
    let colon = rest
        .char_indices()
        .take(MAX_TAG_CHARS)
        .find(|&(_, c)| c == ':')?
        .0;
    let tag = &rest[..colon];
    let after = &rest[colon + 1..];
    if !after.starts_with(' ') || after.trim().is_empty() {
        return None;
    }
    let words: Vec<&str> = tag.split(' ').collect();
    let word_ok = |w: &str| {
        w.chars().any(char::is_alphabetic)
            && w.chars()
                .all(|c| c.is_uppercase() || matches!(c, '.' | '\'' | '’' | '-'))
    };
    if !(1..=4).contains(&words.len()) || !words.iter().all(|w| word_ok(w)) {
        return None;
    }
    // `UPDATE:`, `EDITOR'S NOTE:`: labels, not speakers.
    if words.iter().any(|w| lexicon::is_section_label(w)) {
        return None;
    }
    let speaker = match words[..] {
        [w] => match lexicon::interview_tag(w) {
            Some(true) => Speaker::Interviewer,
            Some(false) => Speaker::Interviewee,
            None => Speaker::Named(title_case(tag)),
        },
        _ => Speaker::Named(title_case(tag)),
    };
    let at = start + lead;
    Some(Turn {
        speaker,
        tag: (at, at + colon),
        colon: (at + colon, at + colon + 1),
    })
}

/// `(CROSSTALK)`, `[END VIDEO CLIP]`, `….`: no one's words.
fn is_stage_direction(text: &str) -> bool {
    let t = text
        .trim_matches(['"', '“', '”', ' '])
        .trim_end_matches('.');
    t.starts_with(['(', '[']) || t.ends_with([')', ']']) || !t.chars().any(char::is_alphanumeric)
}

/// `JAKE TAPPER` → `Jake Tapper`, `O’ROURKE` → `O’rourke` (the name book
/// folds the form with the full name the article gives).
fn title_case(tag: &str) -> String {
    tag.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(doc: &[&str]) -> Vec<Option<Speaker>> {
        let mut at = 0;
        let paras: Vec<(usize, &str)> = doc
            .iter()
            .map(|t| {
                let p = (at, *t);
                at += t.len() + 2;
                p
            })
            .collect();
        turns(&paras)
            .into_iter()
            .map(|t| t.map(|t| t.speaker))
            .collect()
    }

    fn named(s: &str) -> Option<Speaker> {
        Some(Speaker::Named(s.to_string()))
    }

    #[test]
    fn tagged_paragraphs_and_their_continuations_are_turns() {
        let got = speakers(&[
            "The senator spoke to the host on Sunday.",
            "MARIA HOLT: Will you back the bill?",
            "\"REYES: I will. The farmers need it.",
            "And the ports need it too.",
            "(CROSSTALK)",
            "HOLT: Thank you, senator.",
            "Follow the show on Twitter.",
        ]);
        assert_eq!(
            got,
            vec![
                None,
                named("Maria Holt"),
                named("Reyes"),
                named("Reyes"),
                None,
                named("Holt"),
                None
            ]
        );
    }

    #[test]
    fn questions_and_answers_are_interviewer_and_interviewee() {
        let got = speakers(&["Q: How did it go?", "A: Badly, at first.", "Q: And now?"]);
        assert_eq!(
            got,
            vec![
                Some(Speaker::Interviewer),
                Some(Speaker::Interviewee),
                Some(Speaker::Interviewer)
            ]
        );
    }

    #[test]
    fn a_lone_tag_or_labels_make_no_transcript() {
        // One speaker's tag, twice: a kicker style, not an exchange.
        let one = speakers(&["REYES: I will.", "Some narration.", "REYES: Again."]);
        assert!(one.iter().all(Option::is_none));
        // Section labels are not speakers.
        let labels = speakers(&[
            "UPDATE: The vote moved.",
            "EDITOR'S NOTE: This story was corrected.",
            "BREAKING NEWS: The count resumed.",
        ]);
        assert!(labels.iter().all(Option::is_none));
        // Mixed case or a long run of capitals is no tag.
        let mixed = speakers(&["Reyes: I will.", "Holt: Thanks."]);
        assert!(mixed.iter().all(Option::is_none));
    }

    #[test]
    fn a_turn_does_not_run_on_into_narration_past_the_last_tag() {
        let got = speakers(&[
            "HOLT: Thanks.",
            "REYES: Glad to be here.",
            "The interview has been edited.",
            "It ran on Sunday.",
        ]);
        assert_eq!(got, vec![named("Holt"), named("Reyes"), None, None]);
    }
}
