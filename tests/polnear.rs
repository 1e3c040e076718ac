//! `stance eval-attribution` on the PolNeAR dev split, read from
//! `../shared/data/polnear` beside the checkout (research data, never
//! committed). Guards the figures in the README against regressions.

use std::path::PathBuf;
use std::process::Command;

fn polnear() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/polnear");
    p.join("dev").is_dir().then_some(p)
}

#[test]
fn dev_split_scores_at_least_the_recorded_figures() {
    let Some(root) = polnear() else {
        eprintln!("PolNeAR not found beside the checkout; this test needs ../shared/data/polnear");
        return;
    };
    let t0 = std::time::Instant::now();
    let articles = stance::eval::attribution::load_split(&root, "dev").unwrap();
    assert_eq!(articles.len(), 84);
    let ev = stance::eval::attribution::evaluate(&articles);
    // Well under the one-minute budget, even in a debug build.
    assert!(t0.elapsed().as_secs() < 60);
    // README figures (dev): F1 75.2 at 0.3, 74.6 at 0.8, speaker 81.2.
    assert!(ev.at_30.f1() > 0.74, "F1@0.3 {}", ev.at_30.f1());
    assert!(ev.at_80.f1() > 0.735, "F1@0.8 {}", ev.at_80.f1());
    assert!(
        ev.speaker_accuracy() > 0.80,
        "speaker {}",
        ev.speaker_accuracy()
    );
    assert!(ev.at_30.precision() > 0.94);
}

#[test]
fn cli_prints_the_figures() {
    let Some(root) = polnear() else { return };
    let o = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args([
            "eval-attribution",
            "--polnear",
            root.to_str().unwrap(),
            "--split",
            "dev",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("dev: 84 articles"), "{out}");
    assert!(out.contains("content @0.3: P"), "{out}");
    assert!(out.contains("content @0.8: P"), "{out}");
    assert!(out.contains("speaker accuracy:"), "{out}");
}

#[test]
fn missing_polnear_folder_is_a_clear_error() {
    let o = Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(["eval-attribution", "--polnear", "/no/such/polnear"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("/no/such/polnear") && e.contains("dev/text"),
        "{e}"
    );
}
