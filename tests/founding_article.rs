//! Segmentation and attribution on the founding article
//! (`datasets/helsinki-summit.txt`). The article is a test, never a
//! template: no rule in `src/` names anything in it.

use stance::attribute::{attribute, Kind, NARRATOR};
use stance::segment::segment;

fn article() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/helsinki-summit.txt"
    ))
    .unwrap()
}

/// (sentence, speaker, kind, mention)
fn attributed() -> Vec<(String, String, Kind, String)> {
    let text = article();
    let seg = segment(&text);
    let atts = attribute(&text, &seg);
    seg.sentences
        .iter()
        .zip(atts)
        .map(|(s, a)| {
            let mention = a
                .mention
                .map_or(String::new(), |(x, y)| text[x..y].to_string());
            (s.text(&text).to_string(), a.speaker, a.kind, mention)
        })
        .collect()
}

fn speaker_of(rows: &[(String, String, Kind, String)], starts: &str) -> String {
    let hits: Vec<_> = rows.iter().filter(|r| r.0.starts_with(starts)).collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one sentence starting with {starts:?}"
    );
    hits[0].1.clone()
}

#[test]
fn sentences_are_split_like_news() {
    let rows = attributed();
    let texts: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(texts.contains(&"“Where is the server?” Trump asked."));
    assert!(texts.contains(&"“Yes, I did,” he said."));
    assert!(texts.iter().any(|t| t
        .starts_with("On Monday, the U.S. Justice Department announced")
        && t.ends_with(
            "Washington, D.C., with conspiracy to act as an agent of the Russian government."
        )));
    // Every sentence ends at a terminator or closing quote, or is a line
    // without one (headline, caption, credit).
    for t in &texts {
        assert!(!t.starts_with(' ') && !t.ends_with(' '), "{t:?}");
    }
}

#[test]
fn every_quoted_sentence_has_the_right_speaker() {
    let rows = attributed();
    let expect = [
        ("“I don’t see any reason", "Trump"),
        ("“President Putin was extremely strong", "Trump"),
        ("“Yes, I did,”", "Putin"),
        ("“Because he talked about", "Putin"),
        ("Trump said the pair “spent", "Trump"),
        ("“The Russian state has never interfered", "Putin"),
        ("“Any specific material", "Putin"),
        ("Putin’s goals, the report said", "the report"),
        ("Trump said that while he has “great confidence”", "Trump"),
        ("“Where is the server?”", "Trump"),
        ("“What is the serving saying?”", "Trump"),
        ("“What happened to the servers", "Trump"),
        ("“Where are those servers?”", "Trump"),
        ("“Where are Hillary Clinton’s emails", "Trump"),
        ("“I think in Russia", "Trump"),
        ("I think it’s a disgrace", "Trump"),
        ("“The role of the intelligence community", "Coats"),
        ("“We have been clear", "Coats"),
        (
            "During the summit, Putin said he would “look into”",
            "Putin",
        ),
        ("Trump called it “an incredible offer.”", "Trump"),
        ("During their meeting, Putin said", "Putin"),
        ("“The fact that President Putin and I", "Trump"),
        ("“It can’t.”", "Trump"),
        ("This time, though, Trump called it", "Trump"),
        (
            "Prior to their one-on-one sitdown, Trump expressed",
            "Trump",
        ),
        ("“I think we have great opportunities", "Trump"),
        ("“Our relationship with Russia has NEVER", "Trump"),
        (
            "The Russian foreign ministry promptly retweeted",
            "Russian foreign ministry",
        ),
        ("“As I said today", "Trump"),
        ("“However, I also recognize", "Trump"),
    ];
    for (start, who) in expect {
        assert_eq!(speaker_of(&rows, start), who, "sentence {start:?}");
    }
    // And no quoted sentence is left to the narrator or to `unknown`.
    for (text, speaker, kind, _) in &rows {
        if text.contains('“') && *kind != Kind::Skip {
            assert!(
                speaker != NARRATOR && speaker != "unknown",
                "{text:?} -> {speaker}"
            );
        }
    }
}

#[test]
fn reported_speech_has_the_subject_as_speaker() {
    let rows = attributed();
    for (start, who, kind) in [
        ("But Putin himself acknowledged", "Putin", Kind::Indirect),
        (
            "Putin told reporters that Trump raised",
            "Putin",
            Kind::Indirect,
        ),
        (
            "President Trump emerged from his historic summit",
            "Trump",
            Kind::Indirect,
        ),
    ] {
        let r = rows.iter().find(|r| r.0.starts_with(start)).unwrap();
        assert_eq!((r.1.as_str(), r.2), (who, kind), "{start:?}");
    }
    let he = rows
        .iter()
        .find(|r| r.0.starts_with("“Yes, I did,”"))
        .unwrap();
    assert_eq!(he.3, "he");
}

#[test]
fn boilerplate_is_skipped_and_no_junk_speakers() {
    let rows = attributed();
    for start in [
        "·Senior Writer",
        "(Photo: Kevin Lamarque/Reuters)",
        "Photo: Alexander Zemlianichenko/AP",
        "Additional reporting by",
        "More coverage of the Trump-Putin summit",
    ] {
        let r = rows.iter().find(|r| r.0.starts_with(start)).unwrap();
        assert_eq!(r.2, Kind::Skip, "{start:?}");
    }
    let speakers: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.2 != Kind::Skip)
        .map(|r| r.1.as_str())
        .collect();
    for must in [
        "Trump",
        "Putin",
        "Coats",
        "the report",
        "Russian foreign ministry",
        NARRATOR,
    ] {
        assert!(speakers.contains(must), "missing {must}: {speakers:?}");
    }
    for junk in [
        "Photo",
        "Senior Writer",
        "Writer",
        "Reuters",
        "AP",
        "unknown",
        "Monday",
    ] {
        assert!(
            !speakers.contains(junk),
            "junk speaker {junk}: {speakers:?}"
        );
    }
}
