//! The founding article's output against the committed goldens in
//! `tests/fixtures/golden/helsinki-summit/`: `stance run` with the default
//! model in fp32 must write the same tables (sentences, summary, documents
//! and every speaker file). Text, offsets, speakers and counts compare
//! exactly; probabilities and means within [`golden::FP32`], since other
//! CPUs sum in another order (`common/golden.rs` has the rules, thresholds
//! included). A change to the model, attribution or the schema updates
//! them (`STANCE_BLESS=1 cargo test golden`, which also records the CPU and
//! kernels in `blessed.json`) and names the files in CHANGELOG.md.

use std::path::Path;

use crate::common::golden;

#[test]
fn founding_article_output_is_unchanged() {
    golden::check_founding_article(&[], golden::FP32);
}

/// The comparison itself: a number moved beyond the tolerance, a label
/// flipped where the golden's margin is wide, and a changed speaker each
/// fail; a move within the tolerance does not.
#[test]
fn the_golden_comparison_tells_noise_from_change() {
    let gold = golden::founding_dir();
    let dir = tempfile::tempdir().unwrap();
    let copy = |edit: &dyn Fn(&str) -> String| {
        let out = dir.path().join(format!("c{}", rand_name()));
        std::fs::create_dir_all(out.join("speakers")).unwrap();
        for f in golden::files(&gold) {
            let text = std::fs::read_to_string(gold.join(&f)).unwrap();
            let text = if f == Path::new("sentences.csv") {
                edit(&text)
            } else {
                text
            };
            std::fs::write(out.join(&f), text).unwrap();
        }
        golden::compare(&out, &gold, golden::FP32)
    };
    // Row 2 (sentence 0) reads 0.121764,0.876941,0.001295,against.
    let row = |text: &str, from: &str, to: &str| {
        assert!(text.contains(from), "the golden changed: {from}");
        text.replacen(from, to, 1)
    };
    let same = copy(&|t| t.to_string());
    assert!(same.errors.is_empty(), "{:?}", same.errors);
    let noise = copy(&|t| row(t, "0.121764,0.876941", "0.121768,0.876937"));
    assert!(noise.errors.is_empty(), "{:?}", noise.errors);
    assert!(noise.worst > 3e-6, "{}", noise.worst);
    let moved = copy(&|t| row(t, "0.121764,0.876941", "0.121964,0.876741"));
    assert_eq!(moved.errors.len(), 2, "{:?}", moved.errors);
    assert!(
        moved.errors[0].contains("favor is 0.121964"),
        "{:?}",
        moved.errors
    );
    let flipped = copy(&|t| row(t, "0.001295,against", "0.001295,favor"));
    assert!(
        flipped
            .errors
            .iter()
            .any(|e| e.contains("stance favor, golden against")),
        "{:?}",
        flipped.errors
    );
    // A gate ruling that differs is left to the cosine check; an unscored
    // row against a scored one is a plain difference.
    let gated = copy(&|t| {
        row(
            t,
            "0.121764,0.876941,0.001295,against,-0.755177",
            "0.000000,0.000000,1.000000,none,0.000000",
        )
    });
    assert!(gated.errors.is_empty(), "{:?}", gated.errors);
    assert_eq!(gated.gate_flips.len(), 1);
    assert_eq!(gated.gate_flips[0].1, 2);
    let unscored = copy(&|t| row(t, "0.121764,0.876941,0.001295,against,-0.755177", ",,,,"));
    assert!(unscored.gate_flips.is_empty());
    assert!(
        unscored.errors.iter().any(|e| e.contains("favor is ``")),
        "{:?}",
        unscored.errors
    );
    let speaker = copy(&|t| {
        row(
            t,
            "helsinki-summit,0,0,69,Trump,",
            "helsinki-summit,0,0,69,Trumpf,",
        )
    });
    assert!(
        speaker
            .errors
            .iter()
            .any(|e| e.contains("speaker is `Trumpf`")),
        "{:?}",
        speaker.errors
    );
}

fn rand_name() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}
