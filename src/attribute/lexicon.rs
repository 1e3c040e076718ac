//! Word classes of attribution: pronouns, titles and organisation heads,
//! calendar and function words, and the sources of findings.
//!
//! General English news conventions, not names from any particular article.

pub use crate::text::verbs::{cue_strength, CueStrength};

/// Head nouns of documents and surveys that can “show” or “find”.
pub fn is_finding_source(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "poll"
            | "polls"
            | "survey"
            | "surveys"
            | "study"
            | "studies"
            | "report"
            | "reports"
            | "analysis"
            | "data"
            | "research"
            | "figures"
            | "numbers"
            | "records"
            | "documents"
            | "results"
            | "review"
            | "audit"
            | "investigation"
            | "probe"
            | "estimates"
            | "statistics"
            | "evidence"
            | "emails"
            | "memo"
            | "letter"
            | "filing"
            | "filings"
            | "tally"
            | "count"
            | "projections"
            | "models"
            | "index"
    )
}

/// Forms of `to be`, which make a following participle passive
/// (“was told”, “were asked”).
pub fn is_be_verb(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "is" | "are" | "was" | "were" | "be" | "been" | "being" | "get" | "got" | "gets"
    )
}

/// Words that may stand between a speaker and its verb:
/// “Putin *himself* acknowledged”, “the ministry *promptly* retweeted”.
pub fn is_verb_adjunct(word: &str) -> bool {
    let w = word.to_lowercase();
    (w.len() > 3 && w.ends_with("ly") && !matches!(w.as_str(), "italy" | "family" | "rally"))
        || matches!(
            w.as_str(),
            "also"
                | "later"
                | "then"
                | "again"
                | "once"
                | "himself"
                | "herself"
                | "itself"
                | "themselves"
                | "has"
                | "have"
                | "had"
                | "would"
                | "will"
                | "did"
                | "does"
                | "do"
                | "could"
                | "may"
                | "might"
                | "should"
                | "not"
                | "never"
                | "often"
                | "still"
                | "too"
                | "previously"
                | "recently"
                | "soon"
                | "even"
                | "just"
                | "reportedly"
                | "earlier"
                | "first"
                | "once again"
        )
}

/// Personal pronouns that can stand for a speaker.
pub fn pronoun_kind(word: &str) -> Option<PronounKind> {
    match word.to_lowercase().as_str() {
        "he" | "she" => Some(PronounKind::Person),
        "they" => Some(PronounKind::Group),
        "it" => Some(PronounKind::Thing),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PronounKind {
    Person,
    Group,
    Thing,
}

/// Calendar and time words, never speakers (“on Monday saying …”).
pub fn is_calendar_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().trim_end_matches("'s"),
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "january"
            | "february"
            | "march"
            | "april"
            | "may"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "today"
            | "yesterday"
            | "tomorrow"
            | "tonight"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
            | "week"
            | "weekend"
            | "month"
            | "year"
    )
}

/// Head nouns that mark a capitalised phrase as an organisation rather than
/// a person: “U.S. Justice Department”, “Senate Intelligence Committee”.
pub fn is_organisation_head(word: &str) -> bool {
    let w = word.trim_end_matches("'s").trim_end_matches('’');
    (w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '.'))
        || matches!(
            w.to_lowercase().as_str(),
            "department"
                | "ministry"
                | "agency"
                | "agencies"
                | "committee"
                | "commission"
                | "council"
                | "house"
                | "office"
                | "bureau"
                | "service"
                | "services"
                | "party"
                | "campaign"
                | "administration"
                | "court"
                | "senate"
                | "congress"
                | "parliament"
                | "government"
                | "kremlin"
                | "pentagon"
                | "post"
                | "times"
                | "news"
                | "journal"
                | "press"
                | "network"
                | "foundation"
                | "institute"
                | "university"
                | "association"
                | "union"
                | "board"
                | "group"
                | "inc"
                | "corp"
                | "company"
                | "organization"
                | "organisation"
                | "center"
                | "centre"
                | "police"
                | "army"
                | "navy"
                | "reuters"
                | "report"
                | "statement"
                | "ministry's"
                | "team"
                | "coalition"
                | "alliance"
                | "fund"
                | "bank"
                | "embassy"
                | "court's"
                | "poll"
                | "survey"
                | "study"
                | "review"
                | "tribune"
                | "herald"
                | "gazette"
                | "magazine"
                | "channel"
                | "radio"
                | "tv"
                | "television"
        )
}

/// Capitalised words that start a sentence but never a speaker phrase.
pub fn is_function_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "the"
            | "a"
            | "an"
            | "but"
            | "and"
            | "or"
            | "so"
            | "yet"
            | "in"
            | "on"
            | "at"
            | "for"
            | "if"
            | "when"
            | "while"
            | "after"
            | "before"
            | "as"
            | "this"
            | "that"
            | "these"
            | "those"
            | "there"
            | "here"
            | "what"
            | "why"
            | "how"
            | "who"
            | "whom"
            | "which"
            | "where"
            | "of"
            | "to"
            | "by"
            | "with"
            | "from"
            | "during"
            | "about"
            | "i"
            | "we"
            | "you"
            | "me"
            | "us"
            | "my"
            | "our"
            | "your"
            | "his"
            | "her"
            | "their"
            | "its"
            | "him"
            | "them"
            | "it"
            | "one"
            | "some"
            | "many"
            | "most"
            | "all"
            | "no"
            | "not"
            | "yes"
            | "however"
            | "meanwhile"
            | "earlier"
            | "later"
            | "then"
            | "now"
            | "still"
            | "also"
            | "even"
            | "just"
    )
}

/// Prepositions: a noun right after one is its object, not a subject.
pub fn is_preposition(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "in" | "on"
            | "at"
            | "by"
            | "with"
            | "from"
            | "to"
            | "into"
            | "of"
            | "for"
            | "about"
            | "during"
            | "after"
            | "before"
            | "since"
            | "until"
            | "over"
            | "under"
            | "through"
            | "against"
            | "between"
            | "among"
            | "aboard"
            | "near"
            | "following"
    )
}

/// Determiners that open a common-noun speaker phrase: “the report”.
pub fn is_determiner(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "the" | "a" | "an" | "this" | "that" | "its" | "his" | "her" | "their" | "our" | "another"
    )
}

/// Name suffixes that are not surnames.
pub fn is_name_suffix(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Jr" | "Sr" | "II" | "III" | "IV" | "Esq" | "PhD"
    )
}
