//! Sentence boundary rules for one paragraph.

use super::abbreviations;
use crate::text::is_space;
use crate::text::verbs::cue_strength;

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '?' | '!' | '…')
}

/// Characters that close a sentence after its terminator: quotes, brackets.
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '’' | '"' | '\'' | ')' | ']' | '»' | '›')
}

fn is_opener(c: char) -> bool {
    matches!(c, '“' | '‘' | '"' | '\'' | '(' | '[' | '«' | '‹')
}

/// Byte ranges (relative to `p`) of the sentences of paragraph `p`.
pub(crate) fn split_sentences(p: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { p.len() };
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    while i < n {
        if !is_terminator(chars[i].1) {
            i += 1;
            continue;
        }
        let first = i;
        let mut j = i + 1;
        while j < n && is_terminator(chars[j].1) {
            j += 1;
        }
        let terminators = j - first;
        let closers_from = j;
        while j < n && is_closer(chars[j].1) {
            j += 1;
        }
        let closed_quote = j > closers_from;
        if j >= n || !is_space(chars[j].1) {
            i = j.max(i + 1);
            continue;
        }
        let mut k = j;
        while k < n && is_space(chars[k].1) {
            k += 1;
        }
        if k >= n {
            break;
        }
        let ctx = Boundary {
            word: word_before(p, &chars, first),
            terminator: chars[first].1,
            terminators,
            closed_quote,
            rest: &p[chars[k].0..],
        };
        if ctx.splits() {
            let end = byte_at(j);
            if end > start {
                out.push((start, end));
            }
            start = chars[k].0;
        }
        i = k;
    }
    let tail = p[start..].trim_end_matches(is_space);
    if !tail.is_empty() {
        out.push((start, start + tail.len()));
    }
    out
}

/// The word that a terminator ends, without leading quotes or brackets.
fn word_before<'a>(p: &'a str, chars: &[(usize, char)], term: usize) -> &'a str {
    let end = chars[term].0;
    let mut s = term;
    // (A closing curly mark may open a quotation too: `”Mr. Lee …`.)
    while s > 0 && !is_space(chars[s - 1].1) && !is_opener(chars[s - 1].1) && chars[s - 1].1 != '”'
    {
        s -= 1;
    }
    &p[chars.get(s).map_or(end, |c| c.0)..end]
}

struct Boundary<'a> {
    word: &'a str,
    terminator: char,
    terminators: usize,
    closed_quote: bool,
    rest: &'a str,
}

impl Boundary<'_> {
    fn splits(&self) -> bool {
        let next = self.rest.chars().next().unwrap_or(' ');
        if next.is_lowercase() {
            return false;
        }
        let next_word = first_word(self.rest);
        if self.closed_quote {
            // “Where is it?” Trump asked.  /  “Done.” said Smith.  /  “We
            // won!” Ana Ruiz, the mayor, said. (After a period inside the
            // quotation, `Name, appositive, verb` starts a new sentence.)
            // A question or exclamation cannot end in a comma, so its
            // attribution may run longer: `“Is that fair?” Trump asked
            // reporters rhetorically during a news conference last month.`
            let tail_words = if self.terminator == '.' { 10 } else { 20 };
            // `“unhinged.” Sen. Rubio called it “outlandish.”`: a clause that
            // opens a quotation of its own (not one it continues after a
            // comma or colon) is a new sentence.
            let clause = reporting_clause(self.rest);
            if opens_own_quotation(clause) {
                return true;
            }
            return !(reporting_tail_within(self.rest, tail_words)
                || self.terminator != '.' && is_appositive_tail(clause));
        }
        if self.terminator == '.' && self.terminators == 1 {
            let w = self.word;
            if w.is_empty() {
                return true;
            }
            if abbreviations::is_title_abbreviation(w) || abbreviations::is_fixed_abbreviation(w) {
                return false;
            }
            let mut cs = w.chars();
            if let (Some(c), None) = (cs.next(), cs.next()) {
                // An initial: “J. Edgar Hoover”.
                if c.is_uppercase() {
                    return false;
                }
            }
            if abbreviations::is_numbered_abbreviation(w) && next.is_ascii_digit() {
                return false;
            }
            if abbreviations::is_soft_abbreviation(w) {
                return abbreviations::is_sentence_starter(next_word) || is_opening_quote(next);
            }
        }
        true
    }
}

/// Does `clause` open a quotation after a word (`called it “…`), rather
/// than after a comma or colon that continues the one before (`said, “…`)?
/// (A straight mark opens only after a space: `"yes"` closes after `s`.)
fn opens_own_quotation(clause: &str) -> bool {
    clause.char_indices().any(|(i, c)| {
        let before = &clause[..i];
        let opening = c == '“' || c == '"' && before.ends_with(|p: char| is_space(p));
        opening
            && before
                .trim_end_matches(|c: char| is_space(c))
                .chars()
                .next_back()
                .is_some_and(|p| p.is_alphanumeric())
    })
}

fn is_opening_quote(c: char) -> bool {
    matches!(c, '“' | '"' | '‘' | '«')
}

fn first_word(s: &str) -> &str {
    let s = s.trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Does `rest` (text right after a closing quote) begin with a short
/// attribution such as `Trump asked.`, `he said.` or `said Sen. Lopez.`?
pub fn is_reporting_tail(rest: &str) -> bool {
    reporting_tail_within(rest, 10)
}

/// [`is_reporting_tail`] for a clause of at most `max_words` words.
fn reporting_tail_within(rest: &str, max_words: usize) -> bool {
    let words: Vec<&str> = reporting_clause(rest)
        .split(|c: char| is_space(c) || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > max_words {
        return false;
    }
    words.iter().take(5).any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        cue_strength(w).is_some()
    }) && !words.iter().any(|w| w.eq_ignore_ascii_case("that"))
}

/// `rest` up to the end of its first clause (`?`, `!`, or a period that
/// does not end an abbreviation or an initial).
fn reporting_clause(rest: &str) -> &str {
    let clause_end = rest
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '?' | '!')
                || (c == '.' && !rest[i + 1..].starts_with(',') && {
                    // A period inside an abbreviation does not end the
                    // clause, nor does one before a comma (`R-Pa.,`).
                    let before = &rest[..i];
                    let w = before
                        .rsplit(|c: char| is_space(c))
                        .next()
                        .unwrap_or("")
                        .trim_start_matches(|c: char| !c.is_alphanumeric());
                    !(abbreviations::is_title_abbreviation(w)
                        || w.chars().count() == 1
                        || w.contains('.'))
                })
        })
        .map_or(rest.len(), |(i, _)| i);
    &rest[..clause_end]
}

/// `Mike Ortiz, the head of the group, wrote on Friday …`: a name of up to
/// four capitalised words, an appositive of up to eight words between
/// commas, then a verb of saying (after at most one adverb), however long
/// the clause runs after it.
fn is_appositive_tail(clause: &str) -> bool {
    let parts: Vec<&str> = clause.splitn(3, ',').collect();
    let [name, appositive, after] = parts[..] else {
        return false;
    };
    let words = |s: &str| -> Vec<String> {
        s.split(is_space)
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
            .filter(|w| !w.is_empty())
            .collect()
    };
    let (name, appositive, after) = (words(name), words(appositive), words(after));
    (1..=4).contains(&name.len())
        && name
            .iter()
            .all(|w| w.starts_with(|c: char| c.is_uppercase()))
        && (1..=8).contains(&appositive.len())
        && after.iter().take(2).any(|w| cue_strength(w).is_some())
}
