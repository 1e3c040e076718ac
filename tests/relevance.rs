//! The default cascade's relevance gate with its document context
//! (cascade.json format 2): a document that never comes near the claim is
//! off topic, sentence by sentence and in `documents.csv`; a short sentence
//! takes its paragraph's topic; the pair cache never changes what comes
//! out; shards merge with the ruling; a format 1 cascade still reads the
//! sentence alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::common::*;

const CARBON: &str = "A carbon tax would cut emissions";
const DEFAULT_CLAIM: &str = stance::pipeline::DEFAULT_TARGET;

/// Two articles written for this test: one on foreign meddling in an
/// election, one on a carbon tax. Both hold the short sentence "Critics
/// disagreed." after a sentence on their own topic, in one paragraph.
fn articles(dir: &Path) -> (PathBuf, PathBuf) {
    let meddling = "Senators said on Tuesday that Russia interfered in the 2016 US election \
                    through hacking and propaganda. Critics disagreed.\n\n\
                    The committee's report describes how Russian intelligence officers stole \
                    emails from party officials and released them online.\n\n\
                    The Kremlin has denied any role in the election.\n\n\
                    The hearing lasted four hours and drew a large crowd.\n\n\
                    Lawmakers plan to question the heads of two social media companies next \
                    month.\n";
    let carbon = "Economists said a carbon tax would cut emissions faster than any other \
                  policy. Critics disagreed.\n\n\
                  The proposal would charge fuel importers forty dollars a ton and return the \
                  money to households as a dividend.\n\n\
                  Farm groups worry that diesel prices would rise before the dividend arrives.\n\n\
                  The governor's office did not answer questions about the bill on Friday.\n\n\
                  A vote in the state senate is expected before the summer recess.\n";
    let a = dir.join("meddling.txt");
    let b = dir.join("carbon.txt");
    std::fs::write(&a, meddling).unwrap();
    std::fs::write(&b, carbon).unwrap();
    (a, b)
}

/// Run `stance run`; its standard error.
fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> String {
    let mut cmd = stance_cmd();
    cmd.arg("run")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra);
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

type Rows = Vec<HashMap<String, String>>;

fn tables(out: &Path) -> (Rows, Rows) {
    (
        read_csv(&out.join("sentences.csv")).1,
        read_csv(&out.join("documents.csv")).1,
    )
}

fn doc<'a>(docs: &'a Rows, id: &str, target: &str) -> &'a HashMap<String, String> {
    docs.iter()
        .find(|d| d["doc_id"] == id && d["target"] == target)
        .unwrap_or_else(|| panic!("no documents.csv row for {id}, {target}: {docs:?}"))
}

/// The gate's ruling: probabilities exactly 0, 0, 1.
fn gated(r: &HashMap<String, String>) -> bool {
    r["favor"] == "0.000000" && r["against"] == "0.000000" && r["none"] == "1.000000"
}

#[test]
fn an_article_far_from_the_claim_is_off_topic_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = articles(dir.path());
    let out = dir.path().join("out");
    run(
        &[&a, &b],
        &out,
        &["--target", DEFAULT_CLAIM, "--target", CARBON],
    );
    let (rows, docs) = tables(&out);

    // Each article is on topic for its own claim and off topic for the
    // other's.
    assert_eq!(
        doc(&docs, "meddling", DEFAULT_CLAIM)["document_topic"],
        "on"
    );
    assert_eq!(doc(&docs, "carbon", DEFAULT_CLAIM)["document_topic"], "off");
    assert_eq!(doc(&docs, "carbon", CARBON)["document_topic"], "on");
    assert_eq!(doc(&docs, "meddling", CARBON)["document_topic"], "off");
    // Off topic, every sentence of it: no stance, no on-topic count.
    for (id, target) in [("carbon", DEFAULT_CLAIM), ("meddling", CARBON)] {
        let mine: Vec<_> = rows
            .iter()
            .filter(|r| r["doc_id"] == id && r["target"] == target)
            .collect();
        assert!(mine.len() >= 5);
        assert!(mine.iter().all(|r| gated(r)), "{mine:?}");
        let d = doc(&docs, id, target);
        assert_eq!(
            (d["on_topic"].as_str(), d["stance"].as_str()),
            ("0", "none")
        );
    }
    // "Critics disagreed." leans on the sentence before it: in each
    // article it is read against that article's claim.
    for (id, target) in [("meddling", DEFAULT_CLAIM), ("carbon", CARBON)] {
        let r = rows
            .iter()
            .find(|r| {
                r["doc_id"] == id && r["target"] == target && r["text"] == "Critics disagreed."
            })
            .unwrap();
        assert!(!gated(r), "{r:?}");
    }
    // The claim's own sentence is read, and leans toward it.
    let first = rows
        .iter()
        .find(|r| r["doc_id"] == "meddling" && r["target"] == DEFAULT_CLAIM)
        .unwrap();
    assert_eq!(first["stance"], "favor", "{first:?}");
}

#[test]
fn the_pair_cache_never_changes_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = articles(dir.path());
    // The same sentence is on topic in one article and off in the other,
    // and documents go one at a time, so the cache meets it in both.
    let args = [
        "--target",
        DEFAULT_CLAIM,
        "--target",
        CARBON,
        "--chunk-docs",
        "1",
    ];
    let cached = dir.path().join("cached");
    let plain = dir.path().join("plain");
    let said = run(
        &[&a, &b, &a],
        &cached,
        &[&args[..], &["--dup-ids", "suffix"]].concat(),
    );
    run(
        &[&a, &b, &a],
        &plain,
        &[&args[..], &["--dup-ids", "suffix", "--cache", "0"]].concat(),
    );
    for t in ["sentences.csv", "documents.csv", "summary.csv"] {
        assert_eq!(
            std::fs::read_to_string(cached.join(t)).unwrap(),
            std::fs::read_to_string(plain.join(t)).unwrap(),
            "{t}"
        );
    }
    // The third document is the first again: its pairs were remembered.
    assert!(said.contains("were repeats, not scored again"), "{said}");
}

#[test]
fn a_format_1_cascade_reads_each_sentence_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = articles(dir.path());
    // The default cascade with its context rule taken out.
    let v1 = dir.path().join("ce-v1");
    std::fs::create_dir(&v1).unwrap();
    let ce = root().join("models/minilm-stance-ce");
    for f in std::fs::read_dir(&ce).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap() != "cascade.json" {
            std::fs::copy(&f, v1.join(f.file_name().unwrap())).unwrap();
        }
    }
    let cfg = json(&ce.join("cascade.json"));
    std::fs::write(
        v1.join("cascade.json"),
        serde_json::json!({
            "format": "stance-cascade/1",
            "gate": root().join("models/minilm-stance"),
            "threshold": cfg["threshold"],
        })
        .to_string(),
    )
    .unwrap();
    let out = dir.path().join("out");
    run(&[&a, &b], &out, &["--model", v1.to_str().unwrap()]);
    let (rows, docs) = tables(&out);
    assert!(
        docs.iter().all(|d| d["document_topic"].is_empty()),
        "{docs:?}"
    );
    // Without its paragraph, the short sentence is judged alone; with
    // the default, the carbon article is off topic as a whole.
    let out2 = dir.path().join("out2");
    run(&[&a, &b], &out2, &[]);
    let (rows2, _) = tables(&out2);
    assert_eq!(rows.len(), rows2.len());
    let kept = |rs: &Rows| rs.iter().filter(|r| !gated(r)).count();
    assert!(
        kept(&rows) > kept(&rows2),
        "{} vs {}",
        kept(&rows),
        kept(&rows2)
    );
}

#[test]
fn shards_merge_with_the_gates_ruling_on_each_document() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = articles(dir.path());
    let args = ["--target", DEFAULT_CLAIM, "--target", CARBON];
    let whole = dir.path().join("whole");
    run(&[&a, &b], &whole, &args);
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = dir.path().join(format!("s{k}"));
        let spec = format!("{k}/2");
        run(&[&a, &b], &out, &[&args[..], &["--shard", &spec]].concat());
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    let o = stance_cmd()
        .arg("merge")
        .arg(&merged)
        .args(&shards)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let docs = std::fs::read_to_string(merged.join("documents.csv")).unwrap();
    assert_eq!(
        docs,
        std::fs::read_to_string(whole.join("documents.csv")).unwrap()
    );
    assert!(docs.contains(",on\n") && docs.contains(",off\n"), "{docs}");
}
