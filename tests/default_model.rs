//! The bundled default model (the cascade, models/minilm-stance-ce) through `stance run`
//! with no `--model`: clearly worded sentences written for this test get the
//! stance they plainly take toward the default target.

use std::collections::HashMap;
use std::path::Path;

use crate::common::*;

fn rows(out: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(out.join("sentences.csv")).unwrap();
    r.deserialize().map(|x| x.unwrap()).collect()
}

/// Run the default model on `text` and return each sentence's stance.
/// The model is found from the source tree, as a fresh clone finds it,
/// unless `model_dir` sets STANCE_MODEL_DIR.
fn stances_with(text: &str, extra: &[&str], model_dir: Option<&Path>) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("claims.txt");
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    let mut cmd = stance_cmd();
    cmd.arg("run")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .args(extra);
    match model_dir {
        Some(d) => cmd.env("STANCE_MODEL_DIR", d),
        None => cmd.env_remove("STANCE_MODEL_DIR"),
    };
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    rows(&out)
        .into_iter()
        .map(|r| (r["text"].clone(), r["stance"].clone()))
        .collect()
}

fn stances(text: &str, extra: &[&str]) -> Vec<(String, String)> {
    stances_with(text, extra, None)
}

const CLEAR: &str = "\
Russia interfered in the 2016 US election, the investigators concluded.
Russia did not interfere in the 2016 US election.
The city council approved a new budget for road repairs.
";

fn check(got: &[(String, String)]) {
    let want = ["favor", "against", "none"];
    assert_eq!(got.len(), 3, "{got:?}");
    for ((text, stance), want) in got.iter().zip(want) {
        assert_eq!(stance, want, "`{text}`");
    }
}

#[test]
fn default_model_gets_assertion_denial_and_unrelated_right() {
    check(&stances(CLEAR, &[]));
}

#[test]
fn default_model_is_found_through_stance_model_dir() {
    // An empty folder in STANCE_MODEL_DIR is an error that names it …
    let empty = tempfile::tempdir().unwrap();
    let o = stance_cmd()
        .args(["run", "-", "--out"])
        .arg(empty.path().join("out"))
        .env("STANCE_MODEL_DIR", empty.path())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("config.json"));
    // … and the bundled folder given there works like the default.
    let bundled = default_model();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("claims.txt");
    std::fs::write(&input, CLEAR).unwrap();
    let out = dir.path().join("out");
    let o = stance_cmd()
        .args([
            "run",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("STANCE_MODEL_DIR", &bundled)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check(
        &rows(&out)
            .into_iter()
            .map(|r| (r["text"].clone(), r["stance"].clone()))
            .collect::<Vec<_>>(),
    );
}

#[test]
fn default_model_takes_other_targets() {
    // Climate is a topic of the training data (Climate-FEVER, the written
    // sentences); these sentences are not in it. The card,
    // models/minilm-stance-ce/README.md, gives figures on unseen claims.
    let got = stances(
        "Scientists said burning coal and oil is what is warming the planet.\n\
         The senator said the climate has always changed naturally and people are not to blame.\n\
         The museum reopened its sculpture garden after the storm.\n",
        &["--target", "Climate change is caused by human activity"],
    );
    check(&got);
}

#[test]
fn default_model_takes_the_minimum_wage_claim() {
    // The topic is in the real training data (Perspectrum), not these
    // sentences.
    let got = stances(
        "The minister said the minimum wage must go up to keep pace with rents.\n\
         The senator said raising the minimum wage would destroy jobs and should be rejected.\n\
         The museum reopened its sculpture garden after the storm.\n",
        &["--target", "The minimum wage should be raised"],
    );
    check(&got);
}

#[test]
fn default_model_carries_over_to_a_claim_it_never_saw() {
    // No four-day-week text is in any training data (the shared stance
    // sets' train side, SNLI's sample, datasets/stance-train.csv). Transfer
    // to unseen claims is the model's weak point (its card gives figures
    // on 479 unseen claims), but plainly worded sentences come out right.
    let got = stances(
        "The union leader said companies should move to a four-day work week because staff are more productive.\n\
         The employers group said a four-day work week would hurt output and must be rejected.\n\
         The museum reopened its sculpture garden after the storm.\n",
        &["--target", "Companies should adopt a four-day work week"],
    );
    check(&got);
}
