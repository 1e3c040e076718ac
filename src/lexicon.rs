//! Word lists shared by the segment and attribute stages.
//!
//! These are general English news conventions (reporting verbs, titles,
//! abbreviations, calendar words), not names from any particular article.

/// How a reporting verb may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CueStrength {
    /// A verb of saying that attributes content on its own, with or without
    /// quotation marks: `said`, `told`, `tweeted`, `acknowledged` …
    Speech,
    /// A verb that attributes only when quoted words are near it:
    /// `continued`, `called` (“called it ‘a disgrace’”), `described` …
    QuoteOnly,
    /// A verb that states a position (`supports`, `opposed`, `wants`,
    /// `accused`): reported as indirect speech when a named speaker, a
    /// pronoun or a determiner phrase stands right before it.
    Attitude,
    /// `shows`, `found`: a finding, attributed only to reports, polls and
    /// studies.
    Finding,
}

/// Reporting verbs in the forms that work as verbs in news text. Nouns that
/// share a spelling (`claims`, `notes`, `tweets`, `reports`) are left out.
const SPEECH_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "saying",
    "tell",
    "tells",
    "told",
    "telling",
    "ask",
    "asks",
    "asked",
    "asking",
    "add",
    "adds",
    "added",
    "adding",
    "tweet",
    "tweeted",
    "tweeting",
    "retweeted",
    "retweeting",
    "write",
    "writes",
    "wrote",
    "writing",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "acknowledging",
    "argue",
    "argues",
    "argued",
    "arguing",
    "claimed",
    "claiming",
    "deny",
    "denies",
    "denied",
    "denying",
    "insist",
    "insists",
    "insisted",
    "insisting",
    "warn",
    "warns",
    "warned",
    "noted",
    "noting",
    "explain",
    "explains",
    "explained",
    "explaining",
    "stated",
    "announce",
    "announces",
    "announced",
    "announcing",
    "declare",
    "declares",
    "declared",
    "declaring",
    "reported",
    "suggest",
    "suggests",
    "suggested",
    "suggesting",
    "conclude",
    "concludes",
    "concluded",
    "concluding",
    "admit",
    "admits",
    "admitted",
    "admitting",
    "confirm",
    "confirms",
    "confirmed",
    "confirming",
    "recall",
    "recalls",
    "recalled",
    "recalling",
    "remarked",
    "reply",
    "replies",
    "replied",
    "replying",
    "respond",
    "responds",
    "responded",
    "responding",
    "answered",
    "emphasized",
    "emphasised",
    "stressed",
    "predicted",
    "predicts",
    "promised",
    "vowed",
    "vows",
    "alleged",
    "alleges",
    "alleging",
    "assert",
    "asserts",
    "asserted",
    "asserting",
    "contend",
    "contends",
    "contended",
    "testified",
    "testifies",
    "complained",
    "complains",
    "urged",
    "urges",
    "joked",
    "quipped",
    "shouted",
    "yelled",
    "wondered",
    "mused",
    "boasted",
    "bragged",
    "countered",
    "conceded",
    "concedes",
    "observed",
    "cautioned",
    "pointed",
    "revealed",
    "disclosed",
    "blasted",
    "slammed",
    "believe",
    "believed",
    "think",
    "thought",
    "feel",
    "feels",
    "felt",
    "fear",
    "fears",
    "feared",
    "hope",
    "hopes",
    "hoped",
    "worry",
    "worries",
    "worried",
    "expects",
    "doubt",
    "doubts",
    "doubted",
    "touted",
    "estimated",
    "believes",
    "thinks",
];

/// Verbs that introduce quoted words but are not verbs of saying on their
/// own.
const QUOTE_ONLY_VERBS: &[&str] = &[
    "put",
    "continue",
    "continues",
    "continued",
    "call",
    "calls",
    "called",
    "calling",
    "describe",
    "describes",
    "described",
    "describing",
    "dubbed",
    "labeled",
    "labelled",
    "termed",
    "expressed",
    "expressing",
    "pledged",
    "posted",
    "posting",
    "messaged",
    "began",
    "finished",
    "offered",
    "praised",
    "criticized",
    "criticised",
    "characterized",
    "characterised",
    "referred",
];

/// Verbs that state a speaker's position.
const ATTITUDE_VERBS: &[&str] = &[
    "support",
    "supports",
    "supported",
    "oppose",
    "opposes",
    "opposed",
    "endorse",
    "endorses",
    "endorsed",
    "backs",
    "backed",
    "praise",
    "praises",
    "criticize",
    "criticizes",
    "criticise",
    "criticises",
    "accuse",
    "accuses",
    "accused",
    "defend",
    "defends",
    "defended",
    "reject",
    "rejects",
    "rejected",
    "dismiss",
    "dismisses",
    "dismissed",
    "agree",
    "agrees",
    "agreed",
    "disagree",
    "disagrees",
    "disagreed",
    "propose",
    "proposes",
    "proposed",
    "want",
    "wants",
    "wanted",
    "plans",
    "planned",
    "seek",
    "seeks",
    "sought",
    "blame",
    "blames",
    "blamed",
    "demands",
    "demanded",
    "questions",
    "questioned",
    "challenges",
    "challenged",
    "pledges",
    "promises",
    "refuse",
    "refuses",
    "refused",
    "condemn",
    "condemns",
    "condemned",
    "denounce",
    "denounces",
    "denounced",
    "welcomes",
    "welcomed",
    "applaud",
    "applauded",
    "attacked",
    "mock",
    "mocked",
    "recommend",
    "recommends",
    "recommended",
    "favors",
    "favored",
    "favours",
    "prefer",
    "prefers",
    "preferred",
    "cites",
    "cited",
    "citing",
    "acknowledge",
    "understand",
    "understands",
    "know",
    "knows",
    "knew",
    "see",
    "sees",
    "saw",
    "views",
    "viewed",
    "consider",
    "considers",
    "considered",
    "indicated",
    "indicates",
    "signaled",
    "signalled",
    "hinted",
    "implied",
    "insisted",
];

/// Verbs of findings, attributed to reports, polls and studies.
const FINDING_VERBS: &[&str] = &[
    "show", "shows", "showed", "shown", "showing", "find", "finds", "found", "suggest", "suggests",
    "indicate", "reveal", "reveals", "revealed",
];

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

/// Is `word` (any case) a reporting verb, and of which kind?
pub fn cue_strength(word: &str) -> Option<CueStrength> {
    let lower = word.to_lowercase();
    if SPEECH_VERBS.contains(&lower.as_str()) {
        Some(CueStrength::Speech)
    } else if QUOTE_ONLY_VERBS.contains(&lower.as_str()) {
        Some(CueStrength::QuoteOnly)
    } else if ATTITUDE_VERBS.contains(&lower.as_str()) {
        Some(CueStrength::Attitude)
    } else if FINDING_VERBS.contains(&lower.as_str()) {
        Some(CueStrength::Finding)
    } else {
        None
    }
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

/// Words that start a new sentence after an abbreviation such as `U.S.`
/// (“… moved to the U.S. The move …”).
pub fn is_sentence_starter(word: &str) -> bool {
    matches!(
        word,
        "The"
            | "A"
            | "An"
            | "He"
            | "She"
            | "It"
            | "They"
            | "We"
            | "I"
            | "You"
            | "This"
            | "That"
            | "These"
            | "Those"
            | "But"
            | "And"
            | "Or"
            | "So"
            | "Yet"
            | "In"
            | "On"
            | "At"
            | "For"
            | "If"
            | "When"
            | "While"
            | "After"
            | "Before"
            | "As"
            | "His"
            | "Her"
            | "Their"
            | "Its"
            | "Our"
            | "There"
            | "Here"
            | "What"
            | "Why"
            | "How"
            | "Who"
            | "Where"
            | "Some"
            | "Many"
            | "Most"
            | "Now"
            | "Still"
            | "Meanwhile"
            | "However"
            | "Earlier"
            | "Later"
            | "Then"
    )
}

/// Abbreviations that never end a sentence: they come before a name.
pub fn is_title_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Prof"
            | "Sen"
            | "Sens"
            | "Rep"
            | "Reps"
            | "Gov"
            | "Gen"
            | "Lt"
            | "Col"
            | "Capt"
            | "Cpt"
            | "Sgt"
            | "Adm"
            | "Rev"
            | "Hon"
            | "St"
            | "Mt"
            | "Ft"
            | "Pres"
            | "Supt"
            | "Det"
            | "Maj"
            | "Cmdr"
            | "Atty"
            | "Insp"
            | "Messrs"
            | "Gens"
            | "Amb"
    )
}

/// Abbreviations that usually sit inside a sentence but may end one.
pub fn is_soft_abbreviation(word: &str) -> bool {
    word.contains('.')
        || matches!(
            word,
            "Inc"
                | "Corp"
                | "Co"
                | "Ltd"
                | "Jr"
                | "Sr"
                | "etc"
                | "Bros"
                | "Ave"
                | "Blvd"
                | "approx"
                | "Univ"
                | "Dept"
                | "Govt"
                | "Assn"
        )
}

/// Abbreviations that precede a number: `Nov. 8`, `No. 5`.
pub fn is_numbered_abbreviation(word: &str) -> bool {
    matches!(
        word,
        "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Sept"
            | "Oct"
            | "Nov"
            | "Dec"
            | "No"
            | "Nos"
            | "Vol"
            | "Art"
            | "Fig"
            | "pp"
            | "p"
            | "ch"
    )
}

/// Abbreviations that never end a sentence whatever follows.
pub fn is_fixed_abbreviation(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "vs" | "v" | "cf" | "ca" | "viz"
    )
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
