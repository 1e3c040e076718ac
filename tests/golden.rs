//! The founding article's output, byte for byte: `stance run` with the
//! default model and settings must write exactly the committed CSVs in
//! `tests/fixtures/golden/helsinki-summit/`. A change to the model,
//! attribution or the schema updates them (run with STANCE_BLESS=1 to
//! rewrite them) and says why in its commit.

use std::path::{Path, PathBuf};

use crate::common::*;

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![PathBuf::from("sentences.csv"), PathBuf::from("summary.csv")];
    let mut speakers: Vec<PathBuf> = std::fs::read_dir(dir.join("speakers"))
        .unwrap()
        .map(|e| PathBuf::from("speakers").join(e.unwrap().file_name()))
        .collect();
    speakers.sort();
    out.extend(speakers);
    out
}

#[test]
fn founding_article_output_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = stance_cmd()
        .args(["run", &article(), "--out", out.to_str().unwrap()])
        .env_remove("STANCE_MODEL_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let golden = root().join("tests/fixtures/golden/helsinki-summit");
    if std::env::var("STANCE_BLESS").is_ok_and(|v| v == "1") {
        std::fs::remove_dir_all(&golden).ok();
        std::fs::create_dir_all(golden.join("speakers")).unwrap();
        for f in files(&out) {
            std::fs::copy(out.join(&f), golden.join(&f)).unwrap();
        }
        eprintln!("rewrote {}", golden.display());
        return;
    }
    assert_eq!(files(&out), files(&golden), "the speaker files differ");
    for f in files(&golden) {
        let want = std::fs::read_to_string(golden.join(&f)).unwrap();
        let got = std::fs::read_to_string(out.join(&f)).unwrap();
        if got != want {
            let first = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(want.lines().count()));
            panic!(
                "{} differs from the golden first at line {}:\n got: {}\nwant: {}",
                f.display(),
                first + 1,
                got.lines().nth(first).unwrap_or("(end)"),
                want.lines().nth(first).unwrap_or("(end)")
            );
        }
    }
}
