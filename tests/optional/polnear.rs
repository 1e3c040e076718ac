//! PolNeAR dev through attribution: the figures docs/attribution.md
//! reports, and a hash of every attribution, so that a refactoring that
//! changes any of them is caught. It needs the shared research data beside
//! the checkout (`../shared/data/polnear`, never committed): without it the
//! test shows as ignored, and `STANCE_REQUIRE_POLNEAR=1` (set by `.ci/run`
//! where the data is) makes that a failure.

use sha2::{Digest, Sha256};
use stance::ingest::Document;
use stance::pipeline::analyse;

use crate::common::polnear;

/// Why the PolNeAR test cannot run here, if it cannot.
pub fn missing() -> Option<String> {
    polnear()
        .is_none()
        .then(|| "no PolNeAR beside the checkout (../shared/data/polnear/dev)".to_string())
}

/// The SHA-256 of every attribution `stance` makes on PolNeAR dev, one line
/// per sentence: document, character span, speaker, kind, mention, cue and
/// mention span. Recorded before the house-keeping refactor; a change of
/// attribution rules updates it (run with STANCE_BLESS=1 to print the new
/// value) and says so in its commit.
const POLNEAR_DEV_ATTRIBUTIONS_SHA256: &str =
    "33b988c5ffbf745ea0835144646a404d922a4170f4db96c8d478b4615cd3713a";

pub fn polnear_dev_figures_and_attributions() {
    let root = polnear().expect("checked by missing()");
    let articles = stance::eval::attribution::load_split(&root, "dev").unwrap();
    assert_eq!(articles.len(), 84);
    let mut ev = stance::eval::attribution::Evaluation::default();
    let mut dump = String::new();
    for art in &articles {
        let a = analyse(Document::new(art.name.clone(), art.text.clone()));
        let pred = stance::eval::attribution::predicted(&a);
        stance::eval::attribution::evaluate_article(&art.text, &pred, &art.gold, &mut ev);
        for k in 0..a.attributions.len() {
            let r = a.row(k, "", None);
            dump += &format!(
                "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:?}\t{:?}\n",
                r.doc_id,
                r.start,
                r.end,
                r.speaker,
                r.kind.as_str(),
                r.mention,
                r.cue,
                r.mention_start,
                r.mention_end
            );
        }
    }
    let hash = format!("{:x}", Sha256::digest(dump.as_bytes()));
    if std::env::var("STANCE_BLESS").is_ok_and(|v| v == "1") {
        eprintln!("PolNeAR dev attributions: {hash}");
    } else {
        assert_eq!(
            hash, POLNEAR_DEV_ATTRIBUTIONS_SHA256,
            "attribution on PolNeAR dev changed; if that is intended, rerun with STANCE_BLESS=1 and update the constant"
        );
    }
    // docs/attribution.md figures (dev): F1 85.9 at 0.3, 84.9 at 0.8, speaker 88.2,
    // precision 89.8.
    assert!(ev.at_30.f1() > 0.84, "F1@0.3 {}", ev.at_30.f1());
    assert!(ev.at_80.f1() > 0.83, "F1@0.8 {}", ev.at_80.f1());
    assert!(
        ev.speaker_accuracy() > 0.83,
        "speaker {}",
        ev.speaker_accuracy()
    );
    assert!(ev.at_30.precision() > 0.89);
}
