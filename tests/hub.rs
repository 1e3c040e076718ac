//! Models given as Hugging Face hub ids, from a local mirror of the hub's
//! cache layout (`$HF_HOME/hub/models--OWNER--NAME/{refs,snapshots}`), with
//! HF_HUB_OFFLINE=1: no network is needed or touched.

use std::path::Path;

use crate::common::*;

/// Mirror `files` of `src` into a hub cache under `hf_home` as `id`,
/// linked the way the hub client stores them.
fn mirror(hf_home: &Path, id: &str, src: &Path, files: &[&str]) {
    let repo = hf_home
        .join("hub")
        .join(format!("models--{}", id.replace('/', "--")));
    let rev = "0123456789abcdef0123456789abcdef01234567";
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), rev).unwrap();
    let snap = repo.join("snapshots").join(rev);
    std::fs::create_dir_all(&snap).unwrap();
    for f in files {
        std::os::unix::fs::symlink(src.join(f), snap.join(f)).unwrap();
    }
}

#[test]
fn a_stance_head_published_on_the_hub_loads_as_a_head() {
    let dir = tempfile::tempdir().unwrap();
    let hf = dir.path().join("hf");
    mirror(
        &hf,
        "example-org/minilm-stance",
        Path::new(&bi_model()),
        &[
            "config.json",
            "tokenizer.json",
            "model.safetensors",
            "stance_head.json",
            "stance_head.safetensors",
        ],
    );
    let out = dir.path().join("out");
    let o = stance_cmd()
        .args([
            "run",
            &article(),
            "--model",
            "example-org/minilm-stance",
            "--out",
            out.to_str().unwrap(),
        ])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", &hf)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // The same rows as the bundled folder gives: the head and its gate
    // were found.
    let local = dir.path().join("local");
    let o = stance_cmd()
        .args(["run", &article(), "--model", &bi_model(), "--out"])
        .arg(&local)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let read = |d: &Path| std::fs::read_to_string(d.join("sentences.csv")).unwrap();
    assert_eq!(read(&out), read(&local));
}

#[test]
fn a_cached_stance_model_without_its_head_is_an_error_not_a_cross_encoder() {
    let dir = tempfile::tempdir().unwrap();
    let hf = dir.path().join("hf");
    mirror(
        &hf,
        "example-org/headless",
        Path::new(&bi_model()),
        &["config.json", "tokenizer.json", "model.safetensors"],
    );
    let o = stance_cmd()
        .args([
            "run",
            &article(),
            "--model",
            "example-org/headless",
            "--out",
            dir.path().join("out").to_str().unwrap(),
        ])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", &hf)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("stance_head.json"), "{e}");
}

#[test]
fn unreachable_hub_model_says_how_to_use_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Officials said the dam was safe.\n").unwrap();
    let o = stance_cmd()
        .args([
            "run",
            good.to_str().unwrap(),
            "--model",
            "example-org/no-such-model",
            "--out",
            dir.path().join("o").to_str().unwrap(),
        ])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_HOME", dir.path().join("hf"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("--model example-org/no-such-model"), "{e}");
    assert!(e.contains("HF_HUB_OFFLINE=1"), "{e}");
    assert!(e.contains("give that folder as the model"), "{e}");
}
