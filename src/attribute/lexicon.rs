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
/// A capitalised word in -ly is a name (`Megyn Kelly asked`), not an
/// adverb.
pub fn is_verb_adjunct(word: &str) -> bool {
    let w = word.to_lowercase();
    (w.len() > 3
        && w.ends_with("ly")
        && !word.starts_with(char::is_uppercase)
        && !matches!(
            w.as_str(),
            // Nouns and adjectives that end in -ly.
            "italy"
                | "family"
                | "rally"
                | "ally"
                | "assembly"
                | "supply"
                | "tally"
                | "reply"
                | "july"
                | "anomaly"
                | "monopoly"
                | "early"
                | "likely"
                | "daily"
                | "weekly"
                | "monthly"
                | "quarterly"
                | "yearly"
                | "elderly"
                | "costly"
                | "deadly"
                | "friendly"
                | "holy"
        ))
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
    match without_contraction(&word.to_lowercase()) {
        "he" | "she" => Some(PronounKind::Person),
        "they" => Some(PronounKind::Group),
        "it" => Some(PronounKind::Thing),
        _ => None,
    }
}

/// A word without a contracted auxiliary: `he’s` (`he has said`),
/// `she'd`, `they’ll`, `I'm` → the pronoun (everything before the first
/// apostrophe, straight or curly).
pub fn without_contraction(word: &str) -> &str {
    word.split(['\'', '’']).next().unwrap_or(word)
}

/// An object pronoun, as written (`him`, `us`; not the country `US`).
pub fn is_object_pronoun(word: &str) -> bool {
    matches!(word, "him" | "her" | "them" | "me" | "us")
}

/// `I` and `we` (also contracted: `I'm`, `we’ve`) outside quotation marks:
/// the writer speaking.
pub fn is_first_person(word: &str) -> bool {
    matches!(without_contraction(word), "I" | "we" | "We")
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
            | "whether"
            | "because"
            | "although"
            | "though"
            | "unless"
            | "whereas"
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
        "the"
            | "a"
            | "an"
            | "this"
            | "that"
            | "its"
            | "his"
            | "her"
            | "their"
            | "our"
            | "my"
            | "your"
            | "another"
    )
}

/// Name suffixes that are not surnames.
pub fn is_name_suffix(word: &str) -> bool {
    matches!(
        word.trim_end_matches('.'),
        "Jr" | "Sr" | "II" | "III" | "IV" | "Esq" | "PhD"
    )
}

/// A person's grammatical gender, as a pronoun would agree with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

/// The gender of a third-person pronoun (`he`, `she`).
pub fn pronoun_gender(word: &str) -> Option<Gender> {
    match without_contraction(&word.to_lowercase()) {
        "he" => Some(Gender::Male),
        "she" => Some(Gender::Female),
        _ => None,
    }
}

/// The gender an honorific states: `Mr.`, `Mrs.`, `Ms.`, `Miss`, `Sir`,
/// `Dame`, `Lord`, `Lady`.
pub fn honorific_gender(word: &str) -> Option<Gender> {
    match word.trim_end_matches('.') {
        "Mr" | "Sir" | "Lord" | "Messrs" => Some(Gender::Male),
        "Mrs" | "Ms" | "Miss" | "Dame" | "Lady" | "Mmes" => Some(Gender::Female),
        _ => None,
    }
}

/// A label that opens a paragraph with a colon without naming a speaker:
/// `UPDATE:`, `Editor's note:`, `WATCH:`, `Why:`.
pub fn is_section_label(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "note"
            | "update"
            | "updated"
            | "editor"
            | "editor's"
            | "editor’s"
            | "related"
            | "watch"
            | "read"
            | "photo"
            | "photos"
            | "video"
            | "source"
            | "sources"
            | "credit"
            | "image"
            | "caption"
            | "correction"
            | "clarification"
            | "warning"
            | "breaking"
            | "exclusive"
            | "opinion"
            | "analysis"
            | "review"
            | "transcript"
            | "listen"
            | "see"
            | "more"
            | "also"
            | "example"
            | "here"
            | "why"
            | "what"
            | "notice"
    )
}

/// The two sides of an interview's tags: `Q:` and `QUESTION:` ask, `A:`
/// and `ANSWER:` answer. `Some(true)` for the question.
pub fn interview_tag(word: &str) -> Option<bool> {
    match word.to_lowercase().as_str() {
        "q" | "question" => Some(true),
        "a" | "answer" => Some(false),
        _ => None,
    }
}

/// Words that stand before a name as a title or role, never as a first
/// name: honorifics, offices and ranks (`President`, `Sen.`, `Chancellor`).
pub fn is_title_word(word: &str) -> bool {
    let w = word.trim_end_matches('.');
    crate::segment::abbreviations::is_title_abbreviation(w)
        || honorific_gender(w).is_some()
        || matches!(
            w.to_lowercase().as_str(),
            "president"
                | "vice"
                | "senator"
                | "representative"
                | "congressman"
                | "congresswoman"
                | "governor"
                | "mayor"
                | "secretary"
                | "minister"
                | "prime"
                | "chancellor"
                | "premier"
                | "ambassador"
                | "director"
                | "chairman"
                | "chairwoman"
                | "chair"
                | "speaker"
                | "leader"
                | "judge"
                | "justice"
                | "attorney"
                | "general"
                | "former"
                | "candidate"
                | "nominee"
                | "king"
                | "queen"
                | "prince"
                | "princess"
                | "pope"
                | "father"
                | "sister"
                | "brother"
                | "bishop"
                | "rabbi"
                | "imam"
                | "professor"
                | "doctor"
                | "coach"
                | "officer"
                | "sheriff"
                | "commissioner"
                | "councillor"
                | "councilman"
                | "councilwoman"
                | "spokesman"
                | "spokeswoman"
                | "chief"
                | "executive"
                | "deputy"
                | "acting"
                | "first"
                | "lady"
                | "sir"
                | "dame"
                | "lord"
        )
}

/// The gender usually borne by a common English given name; `None` for
/// names not listed or borne by both.
pub fn first_name_gender(word: &str) -> Option<Gender> {
    const MALE: &[&str] = &[
        "aaron",
        "adam",
        "alan",
        "albert",
        "alexander",
        "andrew",
        "anthony",
        "arthur",
        "barack",
        "ben",
        "benjamin",
        "bill",
        "bob",
        "brad",
        "brian",
        "bruce",
        "carl",
        "charles",
        "chris",
        "christopher",
        "chuck",
        "craig",
        "dan",
        "daniel",
        "david",
        "dennis",
        "donald",
        "doug",
        "douglas",
        "ed",
        "edward",
        "eric",
        "frank",
        "fred",
        "gary",
        "george",
        "gerald",
        "greg",
        "gregory",
        "harold",
        "harry",
        "henry",
        "howard",
        "ian",
        "jack",
        "jacob",
        "james",
        "jason",
        "jeff",
        "jeffrey",
        "jeremy",
        "jerry",
        "jim",
        "joe",
        "john",
        "jon",
        "jonathan",
        "joseph",
        "josh",
        "joshua",
        "justin",
        "keith",
        "ken",
        "kenneth",
        "kevin",
        "larry",
        "lawrence",
        "mark",
        "martin",
        "matt",
        "matthew",
        "michael",
        "mike",
        "nathan",
        "nicholas",
        "patrick",
        "paul",
        "peter",
        "philip",
        "ralph",
        "randy",
        "ray",
        "raymond",
        "richard",
        "rick",
        "rob",
        "robert",
        "roger",
        "ron",
        "ronald",
        "russell",
        "ryan",
        "sam",
        "samuel",
        "scott",
        "sean",
        "sergei",
        "stephen",
        "steve",
        "steven",
        "ted",
        "terry",
        "thomas",
        "tim",
        "timothy",
        "todd",
        "tom",
        "tony",
        "walter",
        "wayne",
        "william",
        "willie",
    ];
    const FEMALE: &[&str] = &[
        "alice",
        "amanda",
        "amy",
        "angela",
        "ann",
        "anna",
        "anne",
        "barbara",
        "betty",
        "betsy",
        "beth",
        "brenda",
        "carol",
        "caroline",
        "catherine",
        "chelsea",
        "christina",
        "christine",
        "claire",
        "cynthia",
        "deborah",
        "debbie",
        "diana",
        "diane",
        "donna",
        "dorothy",
        "elizabeth",
        "ellen",
        "emily",
        "emma",
        "evelyn",
        "frances",
        "hannah",
        "heather",
        "helen",
        "hillary",
        "hope",
        "jane",
        "janet",
        "janice",
        "jean",
        "jennifer",
        "jessica",
        "jill",
        "joan",
        "joyce",
        "judith",
        "julia",
        "julie",
        "karen",
        "kate",
        "katherine",
        "kathleen",
        "kathy",
        "kimberly",
        "laura",
        "lauren",
        "linda",
        "lisa",
        "lori",
        "maria",
        "marie",
        "marilyn",
        "martha",
        "mary",
        "megan",
        "melissa",
        "michelle",
        "nancy",
        "nicole",
        "olivia",
        "pamela",
        "patricia",
        "rachel",
        "rebecca",
        "ruth",
        "sandra",
        "sara",
        "sarah",
        "sharon",
        "shirley",
        "stephanie",
        "susan",
        "teresa",
        "theresa",
        "virginia",
        "wendy",
    ];
    let w = word.to_lowercase();
    if MALE.contains(&w.as_str()) {
        Some(Gender::Male)
    } else if FEMALE.contains(&w.as_str()) {
        Some(Gender::Female)
    } else {
        None
    }
}
