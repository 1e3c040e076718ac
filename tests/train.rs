//! `stance train` end to end: a head fitted on written sentences becomes a
//! model folder that `stance run` and `stance eval` read, and bad input
//! fails with errors that say what to do.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

/// `stance run` on the founding article with `model`, into `out`.
fn run_article(model: &Path, out: &Path) -> Output {
    let article = root().join("datasets/helsinki-summit.txt");
    stance_cmd()
        .arg("run")
        .arg(article)
        .arg("--model")
        .arg(model)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Every third row of the bundled training file (all nine claims, all
/// labels), to keep the test quick.
fn small_train(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("datasets/stance-train.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_path(dir.join("train.csv")).unwrap();
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records().map(Result::unwrap).step_by(3) {
        w.write_record(&rec).unwrap();
    }
    w.flush().unwrap();
    dir.join("train.csv")
}

#[test]
fn train_writes_a_model_that_run_and_eval_use() {
    let dir = tempfile::tempdir().unwrap();
    let data = small_train(dir.path());
    let out = dir.path().join("my-model");
    let dev = root().join("datasets/stance-dev.csv");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--dev",
        dev.to_str().unwrap(),
        "--dev-split",
        "dev",
        "--no-onnx",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("dev: accuracy"), "{}", stderr(&o));
    // The default is a cascade: the head is fitted on its gate's encoder.
    assert!(
        stderr(&o).contains("is a cascade; building on its gate encoder"),
        "{}",
        stderr(&o)
    );
    // --no-onnx: the ONNX export is left out, and the log says so.
    assert!(!out.join("model.onnx").exists());
    assert!(stderr(&o).contains("asked not to"), "{}", stderr(&o));
    for f in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "stance_head.json",
        "stance_head.safetensors",
        "README.md",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let head = json(&out.join("stance_head.json"));
    assert_eq!(head["trained_on"]["rows"], 205);
    // 205 written rows over 19 claims beat chance on held-out
    // test sentences by a wide margin.
    let metrics = dir.path().join("m.json");
    let o = stance(&[
        "eval",
        dev.to_str().unwrap(),
        "--split",
        "test",
        "--model",
        out.to_str().unwrap(),
        "--out",
        metrics.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m = json(&metrics);
    assert!(m["accuracy"].as_f64().unwrap() > 0.6, "{m}");
    let run_out = dir.path().join("run");
    let o = run_article(&out, &run_out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(run_out.join("summary.csv").is_file());

    // A second run into the same folder needs --force, and leaves the
    // first model whole when refused.
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(out.join("stance_head.safetensors").is_file());
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--gate",
        "off",
        "--force",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let head = json(&out.join("stance_head.json"));
    assert!(head["relevance_threshold"].is_null());
    // By default the base's ONNX export comes along, for --backend ort.
    assert!(out.join("model.onnx").is_file());
}

#[test]
fn train_refuses_bad_data_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "text,label,target\nRussia meddled.,favor,Russia interfered\nIt rained.,maybe,Russia interfered\n",
    )
    .unwrap();
    let out = dir.path().join("m");
    let o = stance(&[
        "train",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("bad.csv") && e.contains("maybe"), "{e}");
    assert!(!out.exists());
    let snli = dir.path().join("snli_1.0_test.jsonl");
    std::fs::write(&snli, "{}\n").unwrap();
    let o = stance(&[
        "train",
        snli.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(stderr(&o).contains("not SNLI"), "{}", stderr(&o));
    let o = stance(&[
        "train",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--gate",
        "high",
    ]);
    assert!(stderr(&o).contains("--gate high"), "{}", stderr(&o));
}

#[test]
fn a_cross_encoder_base_gives_its_encoder_and_no_logit_export() {
    // The tiny fixture is a sequence classifier with an ONNX export of its
    // logits; the trained folder keeps the encoder and leaves that out.
    let dir = tempfile::tempdir().unwrap();
    let data = small_train(dir.path());
    let out = dir.path().join("tiny-head");
    let tiny = root().join("tests/fixtures/tiny-bert");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        tiny.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not copying model.onnx"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("model.onnx").exists());
    let config = json(&out.join("config.json"));
    assert_eq!(config["architectures"][0], "BertModel");
    assert_eq!(config["id2label"]["1"], "against");
    let run = dir.path().join("run");
    let o = run_article(&out, &run);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Labels of one's own codebook map onto the three stances with
/// `--labels`; without it they are refused with the row and the flag
/// named. One class only, an empty text: refused with the file and line.
/// Repeated rows: trained on, with a warning.
#[test]
fn train_reads_your_label_names_and_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        ("Russia meddled in the election, the report found.", "agree"),
        ("Moscow denied any role in the election.", "disagree"),
        ("The hearing lasted four hours.", "neutral"),
        (
            "Intelligence agencies confirmed the hacking campaign.",
            "agree",
        ),
        (
            "There was no interference at all, the minister said.",
            "disagree",
        ),
        ("The weather in Helsinki was mild.", "neutral"),
    ];
    let mut text = String::from("text,label,target\n");
    for (t, l) in rows.iter().chain(rows.iter().take(1)) {
        text.push_str(&format!(
            "\"{t}\",{l},Russia interfered in the 2016 US election\n"
        ));
    }
    let data = dir.path().join("mine.csv");
    std::fs::write(&data, &text).unwrap();
    let out = dir.path().join("m");
    let train = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "train",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--gate",
            "off",
            "--no-onnx",
            "--force",
        ];
        args.extend_from_slice(extra);
        stance(&args)
    };
    let o = train(&data, &[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("mine.csv, line 2") && e.contains("`agree`") && e.contains("--labels"),
        "{e}"
    );

    let o = train(
        &data,
        &["--labels", "favor=agree,against=disagree,none=neutral"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 rows repeat an earlier row"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("stance_head.json").is_file());

    let o = train(&data, &["--labels", "favor=agree,against=disagree"]);
    let e = stderr(&o);
    assert!(
        e.contains("line 4") && e.contains("none of the --labels names (agree, disagree)"),
        "{e}"
    );

    let one = dir.path().join("one.csv");
    std::fs::write(&one, "text,label\nA.,favor\nB.,favor\n").unwrap();
    let e = stderr(&train(&one, &[]));
    assert!(e.contains("one.csv: every labelled row is `favor`"), "{e}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "text,label\nA.,favor\n  ,against\n").unwrap();
    let e = stderr(&train(&empty, &[]));
    assert!(e.contains("empty.csv, line 3: the text is empty"), "{e}");
}
