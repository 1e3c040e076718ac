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

/// `--precision auto` on a CPU with AVX-512 BF16 runs bf16: the founding
/// article must keep fp32's labels (every sentence's stance, every
/// speaker's counts and position), with probabilities near fp32's. The
/// golden files are fp32's.
#[test]
fn founding_article_in_bf16_keeps_the_fp32_labels() {
    if !crate::common::bf16_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = stance_cmd()
        .env_remove("STANCE_PRECISION")
        .args(["run", &article(), "--out", out.to_str().unwrap()])
        .env_remove("STANCE_MODEL_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("scoring with candle-bf16)"),
        "{}",
        stderr(&o)
    );
    let golden = root().join("tests/fixtures/golden/helsinki-summit");
    let same = |file: &str, labels: &[&str], numbers: &[&str]| {
        let (_, got) = read_csv(&out.join(file));
        let (_, want) = read_csv(&golden.join(file));
        assert_eq!(got.len(), want.len(), "{file}: rows");
        let mut worst = 0f64;
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            for c in labels {
                assert_eq!(g[*c], w[*c], "{file} row {}: {c}", i + 1);
            }
            for c in numbers {
                if let (Ok(a), Ok(b)) = (g[*c].parse::<f64>(), w[*c].parse::<f64>()) {
                    worst = worst.max((a - b).abs());
                }
            }
        }
        assert!(worst < 0.06, "{file}: bf16 moved a number by {worst}");
        worst
    };
    let s = same(
        "sentences.csv",
        &["sentence_id", "speaker", "target", "stance"],
        &["favor", "against", "none", "score"],
    );
    let t = same(
        "summary.csv",
        &[
            "speaker",
            "target",
            "sentences",
            "favor",
            "against",
            "none",
            "stance",
            "on_topic",
        ],
        &["mean_score", "on_topic_mean_score"],
    );
    eprintln!("bf16 against fp32: sentences {s:.4}, summary {t:.4}");
}
