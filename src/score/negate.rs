//! Negating a claim, for scoring a sentence against a claim and its
//! negation (symmetric scoring) and for training on negated claims
//! (`stance negate`, which the training scripts call).
//!
//! By grammar where the claim allows it: `not` after its first auxiliary,
//! copula or modal (`Climate change is caused by …` → `… is not caused by
//! …`; `… should be raised` → `… should not be raised`), or `did not` and
//! the base form before a past tense (`Russia interfered in …` → `Russia
//! did not interfere in …`); an already negated auxiliary loses its `not`.
//! Base forms are checked against a word list (the bundled tokenizer's
//! whole words), so an unknown form is never made up. Anything else (a
//! present tense, a motion such as `Ban cosmetics testing`, a question)
//! takes the template `It is not true that …`.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result};

/// How a claim was negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    Grammar,
    Template,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Grammar => "grammar",
            How::Template => "template",
        }
    }
}

/// Auxiliaries, copulas and modals that take `not` after them.
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "am", "has", "have", "had", "can", "could", "will", "would",
    "shall", "should", "may", "might", "must", "does", "do", "did", "ought",
];

/// Words before which an `-ed` word is an adjective or participle of a
/// noun phrase (`the leaked documents`), not the verb.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "my",
    "your", "some", "many", "most", "all", "no", "every", "each", "any", "of", "by", "for", "with",
    "in", "on", "at", "to", "from", "and", "or",
];

/// Words that open a clause inside the subject or before the main clause
/// (`The schematic which appeared …`, `After the attacks grounded …`): a
/// verb after them may not be the claim's own, so the template is used.
const CLAUSE_OPENERS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "where", "when", "whether", "if", "because", "while",
    "although", "though", "after", "before", "since", "until", "unless", "once", "as",
];

/// Closed-class words that lose their capital inside the template
/// (`The minimum wage …` → `It is not true that the minimum wage …`);
/// anything else (a name) keeps it.
const LOWER_IN_TEMPLATE: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "there", "it", "its", "we", "they",
    "people", "some", "most", "many", "all", "no", "more", "less", "human", "global", "climate",
    "social", "our", "their", "every", "each", "any",
];

/// Common irregular past tenses and their base forms.
const IRREGULAR_PAST: &[(&str, &str)] = &[
    ("became", "become"),
    ("began", "begin"),
    ("bought", "buy"),
    ("brought", "bring"),
    ("built", "build"),
    ("caught", "catch"),
    ("chose", "choose"),
    ("came", "come"),
    ("drew", "draw"),
    ("drove", "drive"),
    ("fell", "fall"),
    ("felt", "feel"),
    ("fought", "fight"),
    ("found", "find"),
    ("gave", "give"),
    ("got", "get"),
    ("grew", "grow"),
    ("held", "hold"),
    ("hid", "hide"),
    ("kept", "keep"),
    ("knew", "know"),
    ("led", "lead"),
    ("left", "leave"),
    ("lost", "lose"),
    ("made", "make"),
    ("meant", "mean"),
    ("met", "meet"),
    ("paid", "pay"),
    ("ran", "run"),
    ("rose", "rise"),
    ("said", "say"),
    ("saw", "see"),
    ("sold", "sell"),
    ("sent", "send"),
    ("shot", "shoot"),
    ("spent", "spend"),
    ("stole", "steal"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("taught", "teach"),
    ("thought", "think"),
    ("told", "tell"),
    ("took", "take"),
    ("understood", "understand"),
    ("went", "go"),
    ("won", "win"),
    ("wrote", "write"),
];

/// Negates claims; knows which words are English words.
#[derive(Debug, Clone)]
pub struct Negator {
    words: HashSet<String>,
}

/// A word split from its leading and trailing punctuation.
fn parts(token: &str) -> (&str, &str, &str) {
    let start = token
        .find(|c: char| c.is_alphanumeric())
        .unwrap_or(token.len());
    let end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |i| {
            i + token[i..].chars().next().map_or(1, char::len_utf8)
        });
    (&token[..start], &token[start..end], &token[end..])
}

impl Negator {
    /// A negator whose word list is `words` (lower case).
    pub fn from_words(words: impl IntoIterator<Item = String>) -> Self {
        Negator {
            words: words.into_iter().collect(),
        }
    }

    /// A negator whose word list is a tokenizer's whole-word vocabulary
    /// (`tokenizer.json` of a BERT-family model: its entries without
    /// `##`).
    pub fn from_tokenizer(path: &Path) -> Result<Self> {
        let tok = tokenizers::Tokenizer::from_file(path)
            .map_err(|e| anyhow::anyhow!("{}: not a tokenizer: {e}", path.display()))?;
        let words = tok
            .get_vocab(false)
            .into_keys()
            .filter(|w| !w.starts_with("##") && w.chars().all(|c| c.is_ascii_lowercase()))
            .collect::<Vec<_>>();
        Ok(Self::from_words(words))
    }

    /// A negator with the bundled default model's vocabulary.
    pub fn bundled() -> Result<Self> {
        let dir = super::model::default_model_dir()?;
        Self::from_tokenizer(&dir.join("tokenizer.json"))
            .with_context(|| format!("{}: cannot read its tokenizer", dir.display()))
    }

    fn is_word(&self, w: &str) -> bool {
        self.words.contains(w)
    }

    /// The negated claim, and how it was made.
    pub fn negate(&self, claim: &str) -> (String, How) {
        match self.by_grammar(claim) {
            Some(n) => (n, How::Grammar),
            None => (by_template(claim), How::Template),
        }
    }

    /// The base form of a past tense (`interfered` → `interfere`,
    /// `planned` → `plan`, `carried` → `carry`), if the word list knows it.
    pub fn past_base(&self, past: &str) -> Option<String> {
        let low = past.to_lowercase();
        if let Some((_, base)) = IRREGULAR_PAST.iter().find(|(p, _)| *p == low) {
            return Some(base.to_string());
        }
        let stem = low.strip_suffix("ed")?;
        if stem.len() < 2 {
            return None;
        }
        let mut candidates = Vec::new();
        if let Some(y) = low.strip_suffix("ied").filter(|s| s.len() >= 2) {
            candidates.push(format!("{y}y"));
        }
        candidates.push(format!("{stem}e"));
        candidates.push(stem.to_string());
        let b = stem.as_bytes();
        if b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2] {
            candidates.push(stem[..stem.len() - 1].to_string());
        }
        candidates.into_iter().find(|c| self.is_word(c))
    }

    /// The claim negated by grammar, when its shape allows (see the
    /// module); `None` otherwise.
    pub fn by_grammar(&self, claim: &str) -> Option<String> {
        let tokens: Vec<&str> = claim.split_whitespace().collect();
        if tokens.len() < 2 {
            return None;
        }
        let lower: Vec<String> = tokens.iter().map(|t| parts(t).1.to_lowercase()).collect();
        // A question or a motion opens with its verb: no subject before it.
        if AUXILIARIES.contains(&lower[0].as_str()) || claim.trim_end().ends_with('?') {
            return None;
        }
        // A claim that opens with a quotation mark or bracket is a quotation
        // or a title: its verb may be the quoted clause's.
        if !parts(tokens[0]).0.is_empty() {
            return None;
        }
        // A claim that opens with a negative (`Nobody …`, `No …`) is left to
        // the template: a second `not` would make a double negation. So is
        // one that opens with a subordinate clause (`After …`).
        if is_negative(&lower[0]) || CLAUSE_OPENERS.contains(&lower[0].as_str()) {
            return None;
        }
        let mut out: Vec<String> = tokens.iter().map(|t| t.to_string()).collect();
        // A negative after position `i` (`is complicated and not due to …`)
        // would survive the negation: the template reads more plainly.
        let negative_after = |i: usize| {
            lower[i + 1..]
                .iter()
                .any(|w| is_negative(w) || w.ends_with("n't") || w.ends_with("n\u{2019}t"))
        };
        for i in 1..tokens.len() {
            let (pre, word, post) = parts(tokens[i]);
            let w = lower[i].as_str();
            // Punctuation or a clause opener before the verb: the subject is
            // no plain phrase (an aside, a quotation, a relative clause), so
            // the verb found after it may not be the claim's own.
            let (_, _, prev_post) = parts(tokens[i - 1]);
            if !pre.is_empty()
                || prev_post
                    .chars()
                    .any(|c| !matches!(c, '.' | '\'' | '\u{2019}'))
                || CLAUSE_OPENERS.contains(&w)
            {
                return None;
            }
            // `didn't`, `isn't`, `cannot`: take the negation away.
            let contracted = w
                .strip_suffix("n't")
                .or_else(|| w.strip_suffix("n\u{2019}t"))
                .or_else(|| w.strip_suffix("nt"));
            if let Some(aux) = contracted {
                let aux = match aux {
                    "wo" => "will",
                    "ca" => "can",
                    "sha" => "shall",
                    a => a,
                };
                if AUXILIARIES.contains(&aux) && post.is_empty() {
                    out[i] = format!("{pre}{}", keep_case(word, aux));
                    return Some(out.join(" "));
                }
            }
            if w == "cannot" {
                out[i] = format!("{pre}{}{post}", keep_case(word, "can"));
                return Some(out.join(" "));
            }
            if AUXILIARIES.contains(&w) {
                if !post.is_empty() {
                    return None;
                }
                let next = lower.get(i + 1).map(String::as_str);
                if next == Some("not") {
                    if negative_after(i + 1) {
                        return None;
                    }
                    out.remove(i + 1);
                    return Some(out.join(" "));
                }
                if next == Some("never") || next == Some("no") {
                    return None;
                }
                // `has` as a main verb (`Russia has a plan`) is no auxiliary.
                if matches!(w, "has" | "have" | "had") && !next.is_some_and(is_participle) {
                    return None;
                }
                if negative_after(i) {
                    return None;
                }
                if w == "can" {
                    out[i] = format!("{pre}{}", keep_case(word, "cannot"));
                } else {
                    out.insert(i + 1, "not".to_string());
                }
                return Some(out.join(" "));
            }
            if is_negative(w) {
                return None;
            }
            // A past tense after the subject: `did not` and its base form.
            // Not after a determiner or an -ing word (`the leaked files`,
            // `models projecting expected cases`), nor before `by` (`levels
            // published by X are …`): those are adjectives and participles.
            let past = w.ends_with("ed") || IRREGULAR_PAST.iter().any(|(p, _)| *p == w);
            let modifier = DETERMINERS.contains(&lower[i - 1].as_str())
                || lower[i - 1].ends_with("ing")
                || lower.get(i + 1).is_some_and(|n| n == "by");
            // `A virus found in pangolins was …`: a participle and its
            // phrase, then the verb.
            let reduced_relative = lower.get(i + 1).is_some_and(|n| is_preposition(n))
                && lower[i + 1..]
                    .iter()
                    .any(|w| AUXILIARIES.contains(&w.as_str()));
            if past && !modifier && !reduced_relative && word == w {
                if negative_after(i) {
                    return None;
                }
                let base = self.past_base(w)?;
                out[i] = format!("{pre}did not {base}{post}");
                return Some(out.join(" "));
            }
        }
        None
    }
}

/// Wordings of "not C" around a whole claim, for training on negated
/// claims in many forms (`stance negate --every-form`). The first is
/// [`Negator::negate`]'s template. None of them says "false"
/// or "truth": the negation check of the training scripts
/// (`models/train/negation_dev.py`) holds those wordings out, to see
/// whether a model learned negation or these words.
pub const FORMS: &[&str] = &[
    "It is not true that {}",
    "It is not the case that {}",
    "It is wrong to say that {}",
    "It is incorrect that {}",
    "It is a myth that {}",
    "The claim that {} is mistaken",
    "The idea that {} does not hold up",
    "Nothing supports the view that {}",
];

/// `It is not true that` and the claim, its first word in lower case when
/// that is a closed-class word (`The …` → `the …`), a final period kept.
pub fn by_template(claim: &str) -> String {
    by_form(claim, 0)
}

/// The claim inside wording `form` of [`FORMS`] (taken modulo their
/// number), its first word in lower case when that is a closed-class word;
/// a final period or question mark moves to the end of the sentence.
pub fn by_form(claim: &str, form: usize) -> String {
    let c = claim.trim();
    let (c, end) = match c.char_indices().last() {
        Some((i, p @ ('.' | '?' | '!'))) => (c[..i].trim_end(), p.to_string()),
        _ => (c, String::new()),
    };
    let first = c.split_whitespace().next().unwrap_or("");
    let body = if LOWER_IN_TEMPLATE.contains(&first.to_lowercase().as_str()) {
        let mut ch = c.chars();
        ch.next()
            .map(|f| f.to_lowercase().collect::<String>() + ch.as_str())
            .unwrap_or_default()
    } else {
        c.to_string()
    };
    FORMS[form % FORMS.len()].replace("{}", &body) + &end
}

/// `word`'s case carried onto `replacement` (`Did` → `Did`, `did` → `did`).
fn keep_case(word: &str, replacement: &str) -> String {
    if word.chars().next().is_some_and(char::is_uppercase) {
        let mut ch = replacement.chars();
        ch.next()
            .map(|f| f.to_uppercase().collect::<String>() + ch.as_str())
            .unwrap_or_default()
    } else {
        replacement.to_string()
    }
}

/// Prepositions that open a participle's phrase (`found in`, `sold to`).
fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "in" | "on"
            | "at"
            | "by"
            | "from"
            | "with"
            | "for"
            | "near"
            | "during"
            | "under"
            | "to"
            | "into"
            | "across"
            | "over"
    )
}

/// A word that negates what follows it.
fn is_negative(w: &str) -> bool {
    matches!(
        w,
        "not" | "never" | "no" | "nobody" | "nothing" | "none" | "neither" | "nor"
    )
}

/// A word that reads as a past participle after `has`/`have`/`had`.
fn is_participle(w: &str) -> bool {
    w.ends_with("ed")
        || w.ends_with("en")
        || w.ends_with("wn")
        || matches!(
            w,
            "been"
                | "had"
                | "made"
                | "done"
                | "gone"
                | "got"
                | "led"
                | "left"
                | "lost"
                | "paid"
                | "said"
                | "sent"
                | "spent"
                | "built"
                | "brought"
                | "bought"
                | "caught"
                | "held"
                | "kept"
                | "found"
                | "met"
                | "won"
                | "become"
                | "begun"
                | "run"
                | "put"
                | "set"
                | "cut"
                | "hit"
                | "let"
                | "meant"
                | "taught"
                | "thought"
                | "told"
                | "understood"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn negator() -> Negator {
        Negator::from_words(
            [
                "interfere",
                "enter",
                "hope",
                "hop",
                "hack",
                "plan",
                "rig",
                "carry",
                "carrie",
                "die",
                "cause",
                "show",
                "lie",
                "raise",
                "fill",
                "want",
                "state",
            ]
            .map(String::from),
        )
    }

    #[test]
    fn claims_are_negated_by_grammar_where_they_allow() {
        let n = negator();
        for (claim, want) in [
            (
                "Russia interfered in the 2016 US election",
                "Russia did not interfere in the 2016 US election",
            ),
            (
                "Climate change is caused by human activity.",
                "Climate change is not caused by human activity.",
            ),
            (
                "The minimum wage should be raised",
                "The minimum wage should not be raised",
            ),
            (
                "Hackers entered the network.",
                "Hackers did not enter the network.",
            ),
            ("The team planned a coup", "The team did not plan a coup"),
            (
                "Officials hoped for peace",
                "Officials did not hope for peace",
            ),
            (
                "The firm carried the risk",
                "The firm did not carry the risk",
            ),
            (
                "The leaked files showed fraud",
                "The leaked files did not show fraud",
            ),
            ("Moscow stole the emails", "Moscow did not steal the emails"),
            ("Vaccines can cause autism", "Vaccines cannot cause autism"),
            ("Iran has built a bomb", "Iran has not built a bomb"),
            // Negated claims lose their negation.
            (
                "Russia did not interfere in the election",
                "Russia did interfere in the election",
            ),
            ("Russia didn't interfere", "Russia did interfere"),
            ("Russia didn\u{2019}t interfere", "Russia did interfere"),
            ("Trade wars cannot be won", "Trade wars can be won"),
            (
                "A virus found in bats was identical to it",
                "A virus found in bats was not identical to it",
            ),
        ] {
            assert_eq!(n.by_grammar(claim).as_deref(), Some(want), "{claim}");
            assert_eq!(n.negate(claim).1, How::Grammar, "{claim}");
        }
    }

    #[test]
    fn other_claims_take_the_template() {
        let n = negator();
        for (claim, want) in [
            (
                "Ban cosmetics testing on animals",
                "It is not true that Ban cosmetics testing on animals",
            ),
            (
                "The minimum wage raises unemployment",
                "It is not true that the minimum wage raises unemployment",
            ),
            (
                "Is climate change real?",
                "It is not true that Is climate change real?",
            ),
            ("Russia has a plan", "It is not true that Russia has a plan"),
            // A base form the word list does not know is never made up.
            (
                "Aliens abducted the mayor",
                "It is not true that Aliens abducted the mayor",
            ),
            (
                "Nobody interfered in the vote",
                "It is not true that Nobody interfered in the vote",
            ),
            (
                "The glacier is shrinking and not growing",
                "It is not true that the glacier is shrinking and not growing",
            ),
            (
                "After the attacks grounded flights, temperatures rose",
                "It is not true that After the attacks grounded flights, temperatures rose",
            ),
            (
                "The schematic, which appeared in 1990, is wrong",
                "It is not true that the schematic, which appeared in 1990, is wrong",
            ),
        ] {
            assert_eq!(
                n.negate(claim),
                (want.to_string(), How::Template),
                "{claim}"
            );
        }
    }

    #[test]
    fn every_form_wraps_the_whole_claim_and_ends_it_once() {
        assert_eq!(
            by_form("The ice is melting.", 0),
            by_template("The ice is melting.")
        );
        assert_eq!(
            by_form("The ice is melting.", 5),
            "The claim that the ice is melting is mistaken."
        );
        assert_eq!(
            by_form("Russia interfered", 7 + FORMS.len()),
            "Nothing supports the view that Russia interfered"
        );
        for (i, form) in FORMS.iter().enumerate() {
            let out = by_form("The ice is melting.", i);
            assert!(out.contains("the ice is melting"), "{out}");
            assert_eq!(out.matches('.').count(), 1, "{out}");
            assert!(out.ends_with('.'), "{out}");
            // The negation check holds these words out of every form.
            let lower = form.to_lowercase();
            assert!(
                !lower.contains("false") && !lower.contains("truth"),
                "{form}"
            );
        }
    }

    #[test]
    fn past_tenses_find_their_base_form_in_the_word_list() {
        let n = negator();
        for (past, base) in [
            ("interfered", "interfere"),
            ("entered", "enter"),
            ("hoped", "hope"),
            ("hacked", "hack"),
            ("planned", "plan"),
            ("rigged", "rig"),
            ("carried", "carry"),
            ("died", "die"),
            ("filled", "fill"),
            ("wanted", "want"),
            ("stated", "state"),
            ("told", "tell"),
        ] {
            assert_eq!(n.past_base(past).as_deref(), Some(base), "{past}");
        }
        assert_eq!(n.past_base("abducted"), None);
        assert_eq!(n.past_base("red"), None);
    }

    #[test]
    fn the_bundled_vocabulary_negates_the_default_claim() {
        let n = Negator::bundled().unwrap();
        assert_eq!(
            n.negate("Russia interfered in the 2016 US election"),
            (
                "Russia did not interfere in the 2016 US election".to_string(),
                How::Grammar
            )
        );
        for (past, base) in [("hacked", "hack"), ("rigged", "rig"), ("denied", "deny")] {
            assert_eq!(n.past_base(past).as_deref(), Some(base), "{past}");
        }
    }
}
