//! Word tokens of a sentence, each knowing whether it lies inside quotation
//! marks.

use super::quotes::QuoteSpan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    Word,
    Punct(char),
    OpenQuote,
    CloseQuote,
}

#[derive(Debug, Clone)]
pub struct Tok<'a> {
    pub text: &'a str,
    /// Byte offsets into the document.
    pub start: usize,
    pub end: usize,
    pub kind: TokKind,
    /// Inside a quotation (the quote marks themselves are not).
    pub quoted: bool,
}

impl Tok<'_> {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }

    /// A word outside quotation marks.
    pub fn is_frame_word(&self) -> bool {
        self.kind == TokKind::Word && !self.quoted
    }

    pub fn is_capitalised(&self) -> bool {
        self.is_word() && self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokKind::Punct(c)
    }

    /// Does the word end in a possessive `'s` (`Trump’s`)?
    pub fn is_possessive(&self) -> bool {
        self.bare().len() < self.text.len()
    }

    /// The word without a possessive ending.
    pub fn bare(&self) -> &str {
        self.text
            .strip_suffix("'s")
            .or_else(|| self.text.strip_suffix("’s"))
            .unwrap_or(self.text)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Characters allowed inside a word when letters follow: `U.S`, `don't`,
/// `one-on-one`, `Trump’s`.
fn is_joiner(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&')
}

/// A slash between names, as pollsters and papers are joined:
/// `CNN/ORC`, `YouGov/Economist`, `New York Times/CBS News`.
fn names_joined(chars: &[(usize, char)], j: usize) -> bool {
    chars[j].1 == '/'
        && j >= 1
        && chars[j - 1].1.is_alphanumeric()
        && chars.get(j + 1).is_some_and(|c| c.1.is_uppercase())
}

/// A comma inside a number (`4,000`): a digit before it and exactly three
/// digits after.
fn thousands_separator(chars: &[(usize, char)], j: usize) -> bool {
    let digit = |k: usize| chars.get(k).is_some_and(|c| c.1.is_ascii_digit());
    chars[j].1 == ','
        && j > 0
        && digit(j - 1)
        && digit(j + 1)
        && digit(j + 2)
        && digit(j + 3)
        && !digit(j + 4)
}

/// Tokenise `doc[start..end]`. `spans` are the quotation spans of the
/// paragraph holding the sentence.
pub fn tokenize<'a>(doc: &'a str, start: usize, end: usize, spans: &[QuoteSpan]) -> Vec<Tok<'a>> {
    let text = &doc[start..end];
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if crate::text::is_space(c) {
            i += 1;
            continue;
        }
        let abs = start + b;
        if is_word_char(c) {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if is_word_char(cj) {
                    j += 1;
                } else if (is_joiner(cj) && j + 1 < chars.len() && is_word_char(chars[j + 1].1))
                    || thousands_separator(&chars, j)
                    || names_joined(&chars, j)
                {
                    j += 2;
                } else {
                    break;
                }
            }
            // A share in figures: `85%`.
            if chars.get(j).is_some_and(|c| c.1 == '%') && chars[j - 1].1.is_ascii_digit() {
                j += 1;
            }
            // A plural possessive: `teachers' union`.
            if j + 1 < chars.len()
                && matches!(chars[j].1, '\'' | '’')
                && chars[j - 1].1 == 's'
                && crate::text::is_space(chars[j + 1].1)
                && chars.get(j + 2).is_some_and(|c| c.1.is_lowercase())
            {
                j += 1;
            }
            // Keep the final period of an abbreviation with inner periods: `U.S.`
            let mut e = if j < chars.len() {
                chars[j].0
            } else {
                text.len()
            };
            let abbreviation = text[b..e].contains('.')
                || crate::segment::abbreviations::is_title_abbreviation(&text[b..e])
                || (e - b == 1 && c.is_uppercase())
                || matches!(&text[b..e], "Jr" | "Sr");
            if j < chars.len() && chars[j].1 == '.' && abbreviation {
                e += 1;
                j += 1;
            }
            toks.push(Tok {
                text: &text[b..e],
                start: abs,
                end: start + e,
                kind: TokKind::Word,
                quoted: false,
            });
            i = j;
            continue;
        }
        let mut e = b + c.len_utf8();
        // A mark that opens or closes a quotation span is what the span
        // makes it, a curly one turned the wrong way too (`“It's
        // unusual,“ said …`); other curly marks keep their own direction.
        let quote_mark = matches!(c, '“' | '”' | '«' | '»' | '"' | '\'' | '‘' | '’');
        let at = |pick: fn(&QuoteSpan) -> Option<usize>| {
            quote_mark && spans.iter().any(|s| pick(s) == Some(abs))
        };
        let (is_open, is_close) = (at(|s| s.open), at(|s| s.close));
        if is_open || is_close {
            e = b + super::quotes::mark_len(text, b);
        }
        let kind = match c {
            _ if is_close => TokKind::CloseQuote,
            _ if is_open => TokKind::OpenQuote,
            '“' | '«' => TokKind::OpenQuote,
            '”' | '»' => TokKind::CloseQuote,
            _ => TokKind::Punct(c),
        };
        toks.push(Tok {
            text: &text[b..e],
            start: abs,
            end: start + e,
            kind,
            quoted: false,
        });
        i += text[b..e].chars().count();
    }
    for t in &mut toks {
        if matches!(t.kind, TokKind::OpenQuote | TokKind::CloseQuote) {
            continue;
        }
        t.quoted = spans.iter().any(|s| s.contains(t.start));
    }
    toks
}
