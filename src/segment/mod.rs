//! Stage 2: split a document into paragraphs and sentences.
//!
//! Paragraphs are the non-blank lines of the text. Sentences are found by
//! rules tuned for English news: abbreviations such as `U.S.`, `D.C.` and
//! `Mr.`, initials and decimal numbers stay whole, and a closing quote mark
//! stays with the sentence it closes. A quotation that ends in `?` or `!`
//! and is followed by its attribution (`“Where is it?” Trump asked.`) is one
//! sentence.
//!
//! All offsets are byte offsets into the document text; [`CharOffsets`]
//! turns them into the Unicode character offsets written to the CSVs.

pub mod abbreviations;
mod rules;

pub use rules::is_reporting_tail;

use crate::text::is_space;

/// A non-blank line of the document, without its surrounding white space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub index: usize,
    pub start: usize,
    pub end: usize,
}

/// A sentence: a byte range inside one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Position of the sentence in the document, from 0.
    pub index: usize,
    /// Index of the paragraph holding it.
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
}

impl Sentence {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start..self.end]
    }
}

/// The result of segmenting one document.
#[derive(Debug, Clone, Default)]
pub struct Segmented {
    pub paragraphs: Vec<Paragraph>,
    pub sentences: Vec<Sentence>,
}

/// Split `text` into paragraphs and sentences.
pub fn segment(text: &str) -> Segmented {
    let mut out = Segmented::default();
    for (start, end) in paragraph_spans(text) {
        let index = out.paragraphs.len();
        out.paragraphs.push(Paragraph { index, start, end });
        for (s, e) in rules::split_sentences(&text[start..end]) {
            out.sentences.push(Sentence {
                index: out.sentences.len(),
                paragraph: index,
                start: start + s,
                end: start + e,
            });
        }
    }
    out
}

/// Byte ranges of the non-blank lines, trimmed.
fn paragraph_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let trimmed_start = line.len() - line.trim_start_matches(is_space).len();
        let body = line.trim_matches(is_space);
        if !body.is_empty() {
            let s = line_start + trimmed_start;
            spans.push((s, s + body.len()));
        }
        line_start = line_end;
    }
    spans
}

/// Converts byte offsets of one text into character offsets.
pub struct CharOffsets {
    /// Byte offset at which each character starts.
    starts: Vec<usize>,
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        CharOffsets {
            starts: text.char_indices().map(|(i, _)| i).collect(),
            len: text.len(),
        }
    }

    /// Character offset of a byte offset that lies on a character boundary
    /// (or at the end of the text).
    pub fn to_char(&self, byte: usize) -> usize {
        if byte >= self.len {
            return self.starts.len();
        }
        match self.starts.binary_search(&byte) {
            Ok(i) | Err(i) => i,
        }
    }

    /// Byte offset of a character offset (the text's length at or past its
    /// end).
    pub fn to_byte(&self, char: usize) -> usize {
        self.starts.get(char).copied().unwrap_or(self.len)
    }

    /// [`CharOffsets::to_byte`] of both ends of a span.
    pub fn span_to_bytes(&self, (start, end): (usize, usize)) -> (usize, usize) {
        (self.to_byte(start), self.to_byte(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_and_byte_offsets_convert_both_ways() {
        let text = "Aé“b”";
        let o = CharOffsets::new(text);
        for (c, b) in [(0, 0), (1, 1), (2, 3), (3, 6), (4, 7), (5, 10)] {
            assert_eq!(o.to_byte(c), b, "char {c}");
            assert_eq!(o.to_char(b), c, "byte {b}");
        }
        assert_eq!(o.to_byte(99), text.len());
        assert_eq!(o.span_to_bytes((1, 4)), (1, 7));
    }

    fn sents(text: &str) -> Vec<&str> {
        segment(text)
            .sentences
            .iter()
            .map(|s| s.text(text))
            .collect()
    }

    #[test]
    fn keeps_abbreviations_and_numbers_whole() {
        let t = "Mr. Smith moved to Washington, D.C., in 2015. He paid $3.5 million for a house on St. James Place.";
        assert_eq!(
            sents(t),
            vec![
                "Mr. Smith moved to Washington, D.C., in 2015.",
                "He paid $3.5 million for a house on St. James Place."
            ]
        );
        let t = "The U.S. Justice Department and J. Edgar Hoover were named. No. 5 was not.";
        assert_eq!(
            sents(t),
            vec![
                "The U.S. Justice Department and J. Edgar Hoover were named.",
                "No. 5 was not."
            ]
        );
    }

    #[test]
    fn a_title_after_a_quotation_mark_turned_the_wrong_way_stays_whole() {
        let t = "”Mr. Lee spoke first. He left early.”";
        assert_eq!(sents(t), vec!["”Mr. Lee spoke first.", "He left early.”"]);
    }

    #[test]
    fn splits_after_abbreviation_that_ends_a_sentence() {
        let t = "The company moved its headquarters to the U.S. The move cost jobs.";
        assert_eq!(
            sents(t),
            vec![
                "The company moved its headquarters to the U.S.",
                "The move cost jobs."
            ]
        );
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        let t = "“We will win,” she said. “Nobody can stop us.” The crowd cheered.";
        assert_eq!(
            sents(t),
            vec![
                "“We will win,” she said.",
                "“Nobody can stop us.”",
                "The crowd cheered."
            ]
        );
    }

    #[test]
    fn exclamation_in_quotes_with_an_appositive_attribution_is_one_sentence() {
        assert_eq!(
            sents("“We cannot argue with that!” Mike Ortiz, the head of the group, wrote on Friday with a picture of the banner. “Nobody can.”"),
            vec![
                "“We cannot argue with that!” Mike Ortiz, the head of the group, wrote on Friday with a picture of the banner.",
                "“Nobody can.”"
            ]
        );
        // After a period inside the quotation, a new sentence.
        assert_eq!(
            sents("He called it “arbitrary.” Josh Ortiz, a party official, warned that it would hurt."),
            vec!["He called it “arbitrary.”", "Josh Ortiz, a party official, warned that it would hurt."]
        );
        // A new sentence with an appositive but no verb of saying after it.
        assert_eq!(
            sents("“We won!” Mike Ortiz, the head of the group, went home early."),
            vec![
                "“We won!”",
                "Mike Ortiz, the head of the group, went home early."
            ]
        );
    }

    #[test]
    fn question_in_quotes_with_attribution_is_one_sentence() {
        assert_eq!(
            sents("“Where is the server?” Trump asked. “What is it saying?”"),
            vec![
                "“Where is the server?” Trump asked.",
                "“What is it saying?”"
            ]
        );
        assert_eq!(
            sents("\"Is that fair?\" asked Sen. Maria Lopez. Nobody answered."),
            vec![
                "\"Is that fair?\" asked Sen. Maria Lopez.",
                "Nobody answered."
            ]
        );
        assert_eq!(
            sents("“Why now?” he wondered aloud, and left."),
            vec!["“Why now?” he wondered aloud, and left."]
        );
        // After `?` or `!` the attribution may run on; after a period it
        // stays short, and a long clause after it is a sentence of its own.
        assert_eq!(
            sents("\"Will you change?\" Lee asked reporters rhetorically during a news conference late last month. \"No.\""),
            vec![
                "\"Will you change?\" Lee asked reporters rhetorically during a news conference late last month.",
                "\"No.\""
            ]
        );
        assert_eq!(
            sents("“We are done.” Lee said on Monday that the party would regroup over the summer in Ohio."),
            vec![
                "“We are done.”",
                "Lee said on Monday that the party would regroup over the summer in Ohio."
            ]
        );
        // A short clause after the quotation that opens a quotation of its
        // own is a new sentence; one that goes on after a comma is not.
        assert_eq!(
            sents("Ms. Dole called the plan “reckless.” Sen. Ray Ames called it “overdue.”"),
            vec![
                "Ms. Dole called the plan “reckless.”",
                "Sen. Ray Ames called it “overdue.”"
            ]
        );
        assert_eq!(
            sents("“We are done.” Lee said, “and we are glad.”"),
            vec!["“We are done.” Lee said, “and we are glad.”"]
        );
        assert_eq!(
            sents("\"We are done.\" Lee said, \"yes\" to the deal, and left."),
            vec!["\"We are done.\" Lee said, \"yes\" to the deal, and left."]
        );
        // A state or party tag's period before a comma ends nothing.
        assert_eq!(
            sents("“What a week!” Rep. Ann Lowe, R-Pa., said of the convention."),
            vec!["“What a week!” Rep. Ann Lowe, R-Pa., said of the convention."]
        );
    }

    #[test]
    fn paragraphs_are_lines_and_offsets_are_exact() {
        let t = "Headline here\r\n\r\n  First para. Second sentence!\nLast one";
        let seg = segment(t);
        assert_eq!(seg.paragraphs.len(), 3);
        let texts: Vec<&str> = seg.sentences.iter().map(|s| s.text(t)).collect();
        assert_eq!(
            texts,
            vec![
                "Headline here",
                "First para.",
                "Second sentence!",
                "Last one"
            ]
        );
        assert_eq!(seg.sentences[2].paragraph, 1);
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let t = "“Ça va,” dit-il. Très bien.";
        let seg = segment(t);
        let co = CharOffsets::new(t);
        let second = &seg.sentences[1];
        assert_eq!(second.text(t), "Très bien.");
        let (s, e) = (co.to_char(second.start), co.to_char(second.end));
        let chars: Vec<char> = t.chars().collect();
        assert_eq!(chars[s..e].iter().collect::<String>(), "Très bien.");
    }

    #[test]
    fn quote_followed_by_a_long_sentence_with_a_cue_splits() {
        assert_eq!(
            sents(
                "He cited “fraud.” Her goals, the memo said, were to “win the state at any cost.”"
            ),
            vec![
                "He cited “fraud.”",
                "Her goals, the memo said, were to “win the state at any cost.”"
            ]
        );
    }

    #[test]
    fn ellipsis_and_lowercase_continuation_do_not_split() {
        assert_eq!(
            sents("He paused... and then went on. Done."),
            vec!["He paused... and then went on.", "Done."]
        );
    }

    #[test]
    fn months_and_times() {
        assert_eq!(
            sents("The vote was held on Nov. 8 at 7 a.m. local time. Results came late."),
            vec![
                "The vote was held on Nov. 8 at 7 a.m. local time.",
                "Results came late."
            ]
        );
    }
}
