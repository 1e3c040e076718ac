//! Paragraphs that are not part of the story: bylines, photo captions and
//! credits, reporting credits and "more coverage" trailers. Their sentences
//! get kind `skip`.

fn words(p: &str) -> usize {
    p.split_whitespace().count()
}

fn lower_starts_with_any(p: &str, prefixes: &[&str]) -> bool {
    let l = p
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    prefixes.iter().any(|x| l.starts_with(x))
}

/// A photo or video credit, or a caption carrying one.
pub fn is_credit(p: &str) -> bool {
    let l = p.to_lowercase();
    if lower_starts_with_any(
        p,
        &[
            "photo:",
            "photos:",
            "photo by ",
            "photograph:",
            "photograph by ",
            "image:",
            "images:",
            "credit:",
            "video:",
            "file photo",
            "pictured:",
            "caption:",
        ],
    ) {
        return true;
    }
    if [
        "(photo:",
        "(photo by",
        "(photos:",
        "(ap photo",
        "(reuters photo",
        "(image:",
        "(credit:",
        "(getty",
        "getty images)",
        "/ap)",
        "/reuters)",
        "/afp)",
        "/getty images",
        "(file photo",
    ]
    .iter()
    .any(|m| l.contains(m))
    {
        return true;
    }
    // A short line ending in an agency credit: `Jane Doe/AP`.
    let last = p.split_whitespace().last().unwrap_or("");
    words(p) <= 8
        && !ends_sentence(p)
        && last.contains('/')
        && last
            .rsplit('/')
            .next()
            .is_some_and(|a| a.chars().next().is_some_and(|c| c.is_uppercase()))
}

/// A byline: `By Jane Doe`, `·Senior Writer`, `Jane Doe, Staff Reporter`.
pub fn is_byline(p: &str) -> bool {
    let t = p.trim();
    if words(t) > 8 {
        return false;
    }
    if t.starts_with(['·', '•', '|', '—']) && !ends_sentence(t) {
        return true;
    }
    if let Some(rest) = t.strip_prefix("By ").or_else(|| t.strip_prefix("BY ")) {
        return rest.chars().next().is_some_and(|c| c.is_uppercase()) && !ends_sentence(t);
    }
    let l = t.to_lowercase();
    [
        "writer",
        "correspondent",
        "reporter",
        "editor",
        "columnist",
        "contributor",
        "staff",
        "bureau chief",
        "producer",
        "news service",
        "associated press",
    ]
    .iter()
    .any(|j| l.trim_end_matches(['.', ' ']).ends_with(j))
        && !t.contains('“')
        && !t.contains('"')
}

/// Reporting credits and link trailers at the end of an article.
pub fn is_trailer(p: &str) -> bool {
    words(p) <= 25
        && lower_starts_with_any(
            p,
            &[
                "additional reporting by",
                "reporting by",
                "editing by",
                "writing by",
                "compiled by",
                "contributing:",
                "contributed to this report",
                "more coverage",
                "more from",
                "read more",
                "related:",
                "related coverage",
                "see also",
                "click here",
                "follow us",
                "follow @",
                "sign up",
                "subscribe",
                "this story has been updated",
                "this article has been updated",
                "copyright",
                "all rights reserved",
                "watch:",
                "advertisement",
            ],
        )
        || p.trim().starts_with('©')
        || p.to_lowercase().contains("contributed to this report")
}

pub fn ends_sentence(p: &str) -> bool {
    p.trim_end()
        .trim_end_matches(['”', '"', '’', '\'', ')'])
        .ends_with(['.', '?', '!', '…', ':'])
}

/// Which paragraphs are boilerplate. A short title line without final
/// punctuation that sits right above a credit is its caption title.
pub fn skip_paragraphs(paragraphs: &[&str]) -> Vec<bool> {
    let mut skip: Vec<bool> = paragraphs
        .iter()
        .map(|p| is_credit(p) || is_byline(p) || is_trailer(p))
        .collect();
    for i in 1..paragraphs.len() {
        let p = paragraphs[i - 1];
        if !skip[i - 1] && is_credit(paragraphs[i]) && words(p) <= 12 && !ends_sentence(p) {
            skip[i - 1] = true;
        }
    }
    skip
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_and_captions() {
        assert!(is_credit("Photo: Jane Roe/AP"));
        assert!(is_credit(
            "The mayor greets voters in Ohio. (Photo: John Smith/Reuters)"
        ));
        assert!(is_credit("Ann Lee/Getty Images"));
        assert!(!is_credit("The photo showed the mayor with voters."));
        let paras = [
            "Officials met on Tuesday.",
            "The Mayor and the Governor",
            "Photo: Sam Poe/AP",
            "The talks went on.",
        ];
        assert_eq!(skip_paragraphs(&paras), vec![false, true, true, false]);
    }

    #[test]
    fn bylines_and_trailers() {
        assert!(is_byline("By Maria Gonzalez"));
        assert!(is_byline("·Political Correspondent"));
        assert!(is_byline("Tom Reyes, Staff Writer"));
        assert!(!is_byline("By the end of the day, the vote was over."));
        assert!(is_trailer("Additional reporting by Lena Park."));
        assert!(is_trailer(
            "More coverage of the election from Example News:"
        ));
        assert!(!is_trailer("More voters turned out than expected."));
    }
}
