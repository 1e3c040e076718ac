//! Segmentation and attribution: the founding article sentence by sentence
//! and inputs that must never panic. PolNeAR dev (figures, and a hash of
//! every attribution) is in `optional/polnear.rs`: it needs the shared data.
//!
//! The founding article is a test, never a template: no rule in `src/`
//! names anything in it.

use proptest::prelude::*;
use stance::attribute::{Kind, NARRATOR};
use stance::ingest::Document;
use stance::pipeline::analyse;

use crate::common::*;

// --- The founding article ---------------------------------------------------

/// (clause, speaker, kind, mention) of every attribution
fn attributed() -> Vec<(String, String, Kind, String)> {
    let a = analyse(Document::new("helsinki-summit", article_text()));
    (0..a.attributions.len())
        .map(|k| {
            let att = &a.attributions[k];
            let mention = att
                .mention
                .map_or(String::new(), |(x, y)| a.doc.text[x..y].to_string());
            (
                a.clause_text(k).to_string(),
                att.speaker.clone(),
                att.kind,
                mention,
            )
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
        ("“The role of the intelligence community", "Dan Coats"),
        ("“We have been clear", "Dan Coats"),
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
        "Dan Coats",
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

// --- Never panic ------------------------------------------------------------

fn check(text: &str) {
    let an = analyse(Document::new("random", text));
    let mut last_end = 0;
    for (i, s) in an.sentences.iter().enumerate() {
        assert!(s.start < s.end && s.end <= text.len());
        assert!(s.start >= last_end, "sentences overlap");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        last_end = s.end;
        let (cs, ce) = an.char_span(i);
        assert!(cs < ce);
    }
    // Every sentence has at least one attribution; the clauses of one
    // sentence are in order, disjoint, and inside it.
    let mut clause_end = 0;
    let mut next_sentence = 0;
    for a in &an.attributions {
        let s = &an.sentences[a.sentence];
        assert!(a.sentence <= next_sentence, "a sentence was skipped");
        if a.sentence == next_sentence {
            next_sentence += 1;
            clause_end = s.start;
        }
        let (x, y) = a.clause;
        assert!(
            s.start <= x && x < y && y <= s.end,
            "clause outside its sentence"
        );
        assert!(x >= clause_end, "clauses overlap");
        assert!(text.is_char_boundary(x) && text.is_char_boundary(y));
        clause_end = y;
        for (x, y) in a.mention.into_iter().chain(a.cue) {
            assert!(x < y && y <= text.len());
            assert!(text.is_char_boundary(x) && text.is_char_boundary(y));
        }
    }
    assert_eq!(
        next_sentence,
        an.sentences.len(),
        "a sentence has no attribution"
    );
}

/// Pieces that news text is made of, including every quote mark the rules
/// look at, so that random strings hit the interesting paths.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("''".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("'".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just("? ".to_string()),
        Just(": ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(" said ".to_string()),
        Just(" according to ".to_string()),
        Just("he ".to_string()),
        Just("Mr. ".to_string()),
        Just("U.S. ".to_string()),
        Just("Photo: ".to_string()),
        Just("By ".to_string()),
        Just("Ann Lee ".to_string()),
        Just("the report ".to_string()),
        Just(" who ".to_string()),
        Just(" and ".to_string()),
        "[A-Za-z]{1,8} ",
        "\\PC{1,4}",
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_unicode_never_panics(s in "\\PC{0,400}") {
        check(&s);
    }

    #[test]
    fn news_like_fragments_never_panic(s in newsish()) {
        check(&s);
    }
}

#[test]
fn very_long_paragraphs_and_unbalanced_quotes() {
    let long = "word ".repeat(200_000);
    check(&long);
    let quotes = "“".repeat(5000) + &"”".repeat(3000) + &"\"".repeat(4001);
    check(&quotes);
    let sentences = "“It is,” he said. ".repeat(20_000);
    let t0 = std::time::Instant::now();
    check(&sentences);
    // Linear, not quadratic: 20,000 sentences take well under a few seconds
    // even in a debug build.
    assert!(t0.elapsed().as_secs() < 30);
    // One endless sentence full of cues, quotes and clause breaks: the cue
    // model, the ranker and the clause finder stay linear in its length.
    let endless =
        "Lee said that Kim argued “it is done”, while the council insisted ".repeat(2_000);
    let t0 = std::time::Instant::now();
    check(&endless);
    assert!(t0.elapsed().as_secs() < 30, "{:?}", t0.elapsed());
    check("");
    check("\u{feff}");
    check("..?!…“”");
}

/// `stance eval-attribution` on a one-article PolNeAR-shaped folder made
/// here (the figures on the real data are checked in-process above).
#[test]
fn eval_attribution_cli_prints_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let text = "The mayor said the bridge would reopen on Monday. Traffic was light.";
    for sub in ["dev/text", "dev/attributions"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    std::fs::write(dir.path().join("dev/text/a.txt"), text).unwrap();
    std::fs::write(
        dir.path().join("dev/attributions/a_1.ann"),
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 48\tthe bridge would reopen on Monday\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\n",
    )
    .unwrap();
    let o = stance(&[
        "eval-attribution",
        "--polnear",
        dir.path().to_str().unwrap(),
        "--split",
        "dev",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("dev: 1 articles"), "{out}");
    assert!(
        out.contains("content @0.3: P 100.0  R 100.0  F1 100.0"),
        "{out}"
    );
    assert!(out.contains("speaker accuracy: 100.0"), "{out}");
    // The curve: recall at each overlap from 0.1 to 1.0.
    let r: Vec<&str> = out
        .lines()
        .find(|l| l.starts_with("  R "))
        .expect("a recall row")
        .split_whitespace()
        .skip(1)
        .collect();
    assert_eq!(r, ["100.0"; 10], "{out}");
    assert!(
        out.contains("    other cue                        1 gold  R 100.0  speaker 100.0 (1 / 1)"),
        "{out}"
    );

    // A second gold attribution without a source, which the rules miss:
    // listed in --errors with its category and text.
    std::fs::write(
        dir.path().join("dev/attributions/a_1.ann"),
        "T1\tSource 0 9\tThe mayor\nT2\tCue 10 14\tsaid\nT3\tContent 15 48\tthe bridge would reopen on Monday\nE1\tAttribution:T2 Content:T3 Cue:T2 Source:T1\nT4\tContent 50 67\tTraffic was light\nE2\tAttribution:T4 Content:T4\n",
    )
    .unwrap();
    let errors = dir.path().join("errors.csv");
    let o = stance(&[
        "eval-attribution",
        "--polnear",
        dir.path().to_str().unwrap(),
        "--split",
        "dev",
        "--errors",
        errors.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("    no source                        1 gold  R   0.0"),
        "{}",
        stdout(&o)
    );
    let (header, rows) = read_csv(&errors);
    assert_eq!(header[..4], ["split", "article", "error", "category"]);
    // Columns are appended, never reordered.
    assert_eq!(
        header[header.len() - 2..],
        ["predicted_mention", "predicted_cue"]
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0]["error"].as_str(),
            rows[0]["category"].as_str(),
            rows[0]["gold_content"].as_str()
        ),
        ("missed", "no source", "Traffic was light")
    );
    assert_eq!(rows[0]["article"], "a");
}

#[test]
fn missing_polnear_folder_is_a_clear_error() {
    let o = stance(&["eval-attribution", "--polnear", "/no/such/polnear"]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("/no/such/polnear") && e.contains("dev/text"),
        "{e}"
    );
}
