//! Abbreviations and sentence starters: when a period ends a sentence.
//!
//! General English news conventions (titles, months, `U.S.`), not words
//! from any particular article.

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
