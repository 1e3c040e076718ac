//! Quotation spans of a paragraph.
//!
//! Double quotes open and close spans: curly `“ ”`, guillemets, and straight
//! `"` (opening when it starts a word, closing otherwise). Single quotes are
//! treated as nested quotations inside a double-quoted span and do not open
//! spans of their own. A span left open at the end of a paragraph runs to
//! the paragraph's end; when the next paragraph opens with a quote mark, the
//! two spans form one quotation (the news convention for a quote that runs
//! across paragraphs).

/// One quotation inside a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// Byte offset of the opening mark, if there is one.
    pub open: Option<usize>,
    /// Byte offset of the closing mark, if the span is closed.
    pub close: Option<usize>,
    /// Byte range of the quoted words, without the marks.
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
    /// Spans that continue one another across paragraphs share a chain.
    pub chain: usize,
}

impl QuoteSpan {
    pub fn contains(&self, pos: usize) -> bool {
        self.start <= pos && pos < self.end
    }

    pub fn overlaps(&self, start: usize, end: usize) -> bool {
        self.start < end && start < self.end
    }
}

fn opens_straight(prev: Option<char>, next: Option<char>) -> bool {
    let after_gap = prev.is_none_or(|c| {
        crate::text::is_space(c) || matches!(c, '(' | '[' | '—' | '–' | '-' | '/' | ':')
    });
    after_gap && next.is_some_and(|c| !crate::text::is_space(c))
}

/// Length in bytes of the quote mark at byte `at` of `text`.
pub fn mark_len(text: &str, at: usize) -> usize {
    if text[at..].starts_with("''") {
        2
    } else {
        text[at..].chars().next().map_or(1, char::len_utf8)
    }
}

/// Find the quotation spans of paragraph `doc[start..end]`.
/// `chain` is the next free chain id; it is advanced for each new chain.
pub fn paragraph_spans(
    doc: &str,
    start: usize,
    end: usize,
    paragraph: usize,
    continues_open: bool,
    chain: &mut usize,
) -> Vec<QuoteSpan> {
    let text = &doc[start..end];
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut spans = Vec::new();
    let mut open: Option<usize> = None; // index into chars
    let mut first_span = true;
    let mut new_span = |open_at: Option<usize>,
                        close_at: Option<usize>,
                        content_start: usize,
                        content_end: usize,
                        first: bool| {
        let id = if first && continues_open && open_at.is_some_and(|o| o == start) {
            chain.saturating_sub(1)
        } else {
            *chain += 1;
            *chain - 1
        };
        QuoteSpan {
            open: open_at,
            close: close_at,
            start: content_start,
            end: content_end,
            paragraph,
            chain: id,
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        let prev = if i > 0 { Some(chars[i - 1].1) } else { None };
        // Two apostrophes stand for a double quote in some news wires: ''Yes.''
        // Three in a row inside a quotation close a single quote and then
        // the double one (`the word 'old-school,''' said`): the first is
        // the single quote's.
        let doubled = c == '\''
            && chars.get(i + 1).is_some_and(|x| x.1 == '\'')
            && !(open.is_some() && chars.get(i + 2).is_some_and(|x| x.1 == '\''));
        let width = if doubled { 2 } else { 1 };
        let next = chars.get(i + width).map(|x| x.1);
        let straight = c == '"' || doubled;
        // A curly mark turned the wrong way is read by where it stands:
        // `“It's unusual,“ said Noble` closes (it hangs on the word before
        // it, with a space or the end after), and `he said ”Yes.”` opens.
        let attached_before = prev.is_some_and(|p| !p.is_whitespace());
        let spaced_after = next.is_none_or(char::is_whitespace);
        let is_open = match c {
            '“' => !(open.is_some() && attached_before && spaced_after),
            '«' => true,
            '”' => open.is_none() && !attached_before && next.is_some_and(char::is_alphanumeric),
            _ if straight => open.is_none() && opens_straight(prev, next),
            _ => false,
        };
        let is_close = matches!(c, '”' | '»')
            || straight
            || c == '“' && open.is_some() && attached_before && spaced_after;
        let at = i;
        i += width;
        if open.is_none() && is_open {
            open = Some(at);
        } else if let (Some(o), true) = (open, is_close) {
            let ob = chars[o].0;
            spans.push(new_span(
                Some(start + ob),
                Some(start + b),
                start + ob + mark_len(text, ob),
                start + b,
                first_span,
            ));
            first_span = false;
            open = None;
        }
    }
    if let Some(o) = open {
        let ob = chars[o].0;
        spans.push(new_span(
            Some(start + ob),
            None,
            start + ob + mark_len(text, ob),
            end,
            first_span,
        ));
    }
    if spans.is_empty() {
        if let Some((ob, cb)) = single_quoted_tail(text) {
            spans.push(new_span(
                Some(start + ob),
                Some(start + cb),
                start + ob + mark_len(text, ob),
                start + cb,
                true,
            ));
        }
    }
    spans
}

/// A headline's quotation in single quotes, which runs from the opening
/// mark after a colon to the paragraph's end
/// (`Ruiz: ‘We Will Win.’`, `Reyes on the Bill: 'It Will Pass.'`). Byte
/// offsets of the two marks. Elsewhere single quotes are apostrophes too
/// often to open spans.
fn single_quoted_tail(text: &str) -> Option<(usize, usize)> {
    let body = text.trim_end().trim_end_matches(['.', '!', '?']);
    let close = body.char_indices().next_back()?;
    if !matches!(close.1, '’' | '\'') {
        return None;
    }
    // The first single quote right after a colon (`Trump's aide: 'We …'`).
    let open = text.match_indices(':').find_map(|(i, _)| {
        let gap = text[i + 1..].len() - text[i + 1..].trim_start().len();
        let at = i + 1 + gap;
        let c = text[at..].chars().next()?;
        matches!(c, '‘' | '\'').then_some((at, c))
    })?;
    let after = text[open.0 + open.1.len_utf8()..].chars().next();
    let inner = body[..close.0].chars().next_back();
    (open.0 < close.0
        && after.is_some_and(char::is_alphanumeric)
        && inner.is_some_and(|c| !c.is_whitespace()))
    .then_some((open.0, close.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curly_and_straight_spans() {
        let t = "“Yes,” he said, and added \"no.\"";
        let mut chain = 0;
        let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
        assert_eq!(spans.len(), 2);
        assert_eq!(&t[spans[0].start..spans[0].end], "Yes,");
        assert_eq!(&t[spans[1].start..spans[1].end], "no.");
        assert_ne!(spans[0].chain, spans[1].chain);
    }

    #[test]
    fn open_span_runs_to_paragraph_end_and_chains() {
        let t = "“First part of the quote.\n“Second part,” she said.";
        let mut chain = 0;
        let nl = t.find('\n').unwrap();
        let p1 = paragraph_spans(t, 0, nl, 0, false, &mut chain);
        assert_eq!(p1[0].close, None);
        assert_eq!(p1[0].end, nl);
        let p2 = paragraph_spans(t, nl + 1, t.len(), 1, true, &mut chain);
        assert_eq!(p2[0].chain, p1[0].chain);
    }

    #[test]
    fn curly_marks_turned_the_wrong_way_still_pair() {
        let t = "“It's unusual,“ said Ana Ruiz, a lawyer. “It's hard to do.”";
        let mut chain = 0;
        let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
        assert_eq!(spans.len(), 2, "{spans:?}");
        assert_eq!(&t[spans[0].start..spans[0].end], "It's unusual,");
        assert_eq!(&t[spans[1].start..spans[1].end], "It's hard to do.");
        let t = "The mayor said ”We will rebuild.” Then she left.";
        let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
        assert_eq!(spans.len(), 1, "{spans:?}");
        assert_eq!(&t[spans[0].start..spans[0].end], "We will rebuild.");
    }

    #[test]
    fn doubled_apostrophes_quote() {
        let t = "''We will win,'' she said, and Trump's aides agreed.";
        let mut chain = 0;
        let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
        assert_eq!(spans.len(), 1);
        assert_eq!(&t[spans[0].start..spans[0].end], "We will win,");
    }

    #[test]
    fn a_headline_s_single_quoted_tail_is_a_span() {
        let mut chain = 0;
        for (t, quoted) in [
            (
                "Ana Ruiz: ‘I’m Young and I Back Lane!’",
                "I’m Young and I Back Lane!",
            ),
            ("Reyes on the Bill: 'It Will Pass.'", "It Will Pass."),
            ("Lane's aide: 'We Will Win.'", "We Will Win."),
        ] {
            let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
            assert_eq!(spans.len(), 1, "{t}: {spans:?}");
            assert_eq!(&t[spans[0].start..spans[0].end], quoted);
        }
        // Apostrophes elsewhere open nothing, nor does a paragraph all in
        // single quotes (a pull quote or a section's title).
        for t in [
            "'All Bets Are Off.'",
            "The voters’ choice was the mayors’",
            "Ruiz said the farmers' union backs the candidates'",
        ] {
            assert!(paragraph_spans(t, 0, t.len(), 0, false, &mut chain).is_empty());
        }
    }

    #[test]
    fn single_quotes_nest_without_splitting() {
        let t = "“As I said, ‘I have confidence,’” she wrote.";
        let mut chain = 0;
        let spans = paragraph_spans(t, 0, t.len(), 0, false, &mut chain);
        assert_eq!(spans.len(), 1);
        assert!(t[spans[0].start..spans[0].end].ends_with("confidence,’"));
    }
}
