//! The segmenter and the attributor never panic, and always return exact,
//! in-bounds offsets, whatever the input: random Unicode, unbalanced and
//! mixed quote marks, very long paragraphs.

use proptest::prelude::*;
use stance::attribute::attribute;
use stance::segment::{segment, CharOffsets};

fn check(text: &str) {
    let seg = segment(text);
    let atts = attribute(text, &seg);
    assert_eq!(atts.len(), seg.sentences.len());
    let co = CharOffsets::new(text);
    let mut last_end = 0;
    for (s, a) in seg.sentences.iter().zip(&atts) {
        assert!(s.start < s.end && s.end <= text.len());
        assert!(s.start >= last_end, "sentences overlap");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        last_end = s.end;
        assert!(co.to_char(s.start) < co.to_char(s.end));
        for (x, y) in a.mention.into_iter().chain(a.cue) {
            assert!(x < y && y <= text.len());
            assert!(text.is_char_boundary(x) && text.is_char_boundary(y));
        }
    }
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
    check("");
    check("\u{feff}");
    check("..?!…“”");
}
