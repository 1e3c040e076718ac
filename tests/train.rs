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
        "--method",
        "head",
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
        "--method",
        "head",
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
        "--method",
        "head",
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
fn an_mpnet_base_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let data = small_train(dir.path());
    let out = dir.path().join("mpnet-head");
    let tiny = root().join("tests/fixtures/tiny-mpnet");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        tiny.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("MPNet") && e.contains("train_stance.py --base mpnet"),
        "{e}"
    );
    assert!(!out.exists());
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
        "--method",
        "head",
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
            "--method",
            "head",
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

/// Every other row of [`small_train`] (103 rows, every claim), for the
/// methods that train encoder layers.
fn smaller_train(dir: &Path) -> PathBuf {
    let mut r = csv::Reader::from_path(small_train(dir)).unwrap();
    let out = dir.join("smaller.csv");
    let mut w = csv::Writer::from_path(&out).unwrap();
    w.write_record(r.headers().unwrap()).unwrap();
    for rec in r.records().map(Result::unwrap).step_by(2) {
        w.write_record(&rec).unwrap();
    }
    w.flush().unwrap();
    out
}

/// `path` (a labelled CSV) with favor and against swapped: a codebook that
/// reads every claim the other way round.
fn flipped(path: &Path, out: &Path) -> PathBuf {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    let label = headers.iter().position(|h| h == "label").unwrap();
    let mut w = csv::Writer::from_path(out).unwrap();
    w.write_record(&headers).unwrap();
    for rec in r.records().map(Result::unwrap) {
        let row: Vec<&str> = rec
            .iter()
            .enumerate()
            .map(|(i, v)| match (i == label, v) {
                (true, "favor") => "against",
                (true, "against") => "favor",
                _ => v,
            })
            .collect();
        w.write_record(&row).unwrap();
    }
    w.flush().unwrap();
    out.to_path_buf()
}

/// The safetensors header (length prefix and JSON) of `path`, and the
/// byte range of `name`'s data.
fn header_and_range(path: &Path, name: &str) -> (Vec<u8>, std::ops::Range<usize>) {
    let bytes = std::fs::read(path).unwrap();
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + n]).unwrap();
    let o = &header[name]["data_offsets"];
    let (a, b) = (
        o[0].as_u64().unwrap() as usize,
        o[1].as_u64().unwrap() as usize,
    );
    (bytes[..8 + n].to_vec(), 8 + n + a..8 + n + b)
}

/// The default method on the bundled cascade refits the cross-encoder's
/// final layer: a codebook that reads favor and against the other way
/// round is learned, every other byte of the weights and the header stay
/// as shipped (so the shared ONNX graph reads the new layer), and the
/// folder carries its gate, so it works wherever it is moved.
#[test]
fn cross_head_learns_your_codebook_and_keeps_the_rest_of_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = flipped(&small_train(dir.path()), &dir.path().join("flipped.csv"));
    let dev = flipped(
        &root().join("datasets/stance-dev.csv"),
        &dir.path().join("flipped-dev.csv"),
    );
    let out = dir.path().join("mine");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--method",
        "cross-head",
        "--dev",
        dev.to_str().unwrap(),
        "--dev-split",
        "dev",
    ]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("refitting the final layer"), "{e}");
    assert!(e.contains("labels held aside: macro-F1"), "{e}");
    let t = json(&out.join("trained.json"));
    assert_eq!(t["method"], "cross-head");
    assert_eq!(t["rows"], 205);
    assert!(t["penalty"].is_number(), "{t}");
    let (before, after) = (
        t["aside_macro_f1_before"].as_f64().unwrap(),
        t["aside_macro_f1_after"].as_f64().unwrap(),
    );
    // Before: only `none` is right.
    assert!(before < 0.5 && after > 0.7, "{t}");
    let (before, after) = (
        t["dev_macro_f1_before"].as_f64().unwrap(),
        t["dev_macro_f1_after"].as_f64().unwrap(),
    );
    assert!(before < 0.5 && after > 0.7, "{t}");
    assert!(
        json(&out.join("README.md").with_file_name("trained.json"))["command"]
            .as_str()
            .unwrap()
            .contains("train")
    );

    // The weights: the header byte-identical, and only the layer changed.
    let shipped = root().join("models/minilm-stance-ce/model.safetensors");
    let mine = out.join("model.safetensors");
    let (h0, w) = header_and_range(&shipped, "classifier.weight");
    let (h1, _) = header_and_range(&mine, "classifier.weight");
    let (_, b) = header_and_range(&shipped, "classifier.bias");
    assert_eq!(h0, h1, "the header must be written exactly as shipped");
    let (a0, a1) = (
        std::fs::read(&shipped).unwrap(),
        std::fs::read(&mine).unwrap(),
    );
    assert_eq!(a0.len(), a1.len());
    let changed: Vec<usize> = (0..a0.len()).filter(|&i| a0[i] != a1[i]).collect();
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|i| w.contains(i) || b.contains(i)),
        "bytes outside the final layer changed"
    );
    assert!(out.join("model.onnx").is_file());
    assert_eq!(json(&out.join("cascade.json"))["gate"], "gate");
    assert!(out.join("gate/stance_head.json").is_file());

    // Moved elsewhere, it still finds its gate; eval and run read it.
    let moved = dir.path().join("elsewhere/deeper/mine");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&out, &moved).unwrap();
    let metrics = dir.path().join("m.json");
    let o = stance(&[
        "eval",
        dev.to_str().unwrap(),
        "--split",
        "test",
        "--model",
        moved.to_str().unwrap(),
        "--out",
        metrics.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let held_out = json(&metrics)["macro_f1"].as_f64().unwrap();
    assert!(held_out > 0.6, "flipped test split: macro-F1 {held_out}");
    let run = dir.path().join("run");
    let o = run_article(&moved, &run);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(run.join("summary.csv").is_file());
}

/// `--method auto` (the default) on a cross-encoder fine-tunes its top
/// layers from 200 labels and refits its final layer below, and says so.
#[test]
fn the_default_method_follows_the_learning_curve() {
    let dir = tempfile::tempdir().unwrap();
    let many = small_train(dir.path());
    let few = smaller_train(dir.path());
    for (data, rows, method) in [(&many, 205, "top-layers"), (&few, 103, "cross-head")] {
        let out = dir.path().join(method);
        let o = stance(&[
            "train",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--model",
            &tiny(),
            "--epochs",
            "1",
        ]);
        let e = stderr(&o);
        assert!(o.status.success(), "{e}");
        assert!(
            e.contains(&format!(
                "stance: {rows} labels: --method {method} (the default"
            )),
            "{e}"
        );
        let t = json(&out.join("trained.json"));
        assert_eq!(t["method"], method, "{t}");
        assert_eq!(t["rows"], rows, "{t}");
    }
}

/// A bi-encoder has no cross-encoder layer to refit: --method cross-head
/// says what to use instead. A cross-encoder whose ONNX export carries
/// its own weights (the tiny fixture) gets a folder without it.
#[test]
fn cross_head_needs_a_cross_encoder_and_leaves_out_an_onnx_that_would_not_see_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = small_train(dir.path());
    let out = dir.path().join("m");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        &bi_model(),
        "--method",
        "cross-head",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("use --method head"), "{}", stderr(&o));
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--method",
        "head",
        "--unlabelled",
        data.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--method head does not use it"),
        "{}",
        stderr(&o)
    );

    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        &tiny(),
        "--method",
        "cross-head",
    ]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(
        e.contains("not copying model.onnx (its weights are inside it"),
        "{e}"
    );
    assert!(!out.join("model.onnx").exists());
    assert!(!out.join("cascade.json").exists());
    assert_eq!(json(&out.join("trained.json"))["method"], "cross-head");
    let o = run_article(&out, &dir.path().join("run"));
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The loop of docs/models.md on the example that ships: a run lists the
/// sentences to label, they are labelled (here from the example's own
/// labels), `stance train` refits the default on them held by the run's
/// sentences, and the next run reads the new model.
#[test]
fn the_labelling_loop_that_ships_runs_end_to_end() {
    let claim = "The city should build the tram line";
    let articles = root().join("datasets/own-labels/articles");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = stance_cmd()
        .arg("run")
        .arg(&articles)
        .args(["--target", claim, "--to-label", "20", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let gold: std::collections::HashMap<String, String> =
        read_csv(&root().join("datasets/own-labels/labels.csv"))
            .1
            .into_iter()
            .map(|r| (r["text"].clone(), r["label"].clone()))
            .collect();
    let mut r = csv::Reader::from_path(out.join("to-label.csv")).unwrap();
    let headers = r.headers().unwrap().clone();
    let label = headers.iter().position(|h| h == "label").unwrap();
    let text = headers.iter().position(|h| h == "text").unwrap();
    let labelled = dir.path().join("labels.csv");
    let mut w = csv::Writer::from_path(&labelled).unwrap();
    w.write_record(&headers).unwrap();
    let mut n = 0;
    for rec in r.records().map(Result::unwrap) {
        let mut row: Vec<String> = rec.iter().map(String::from).collect();
        row[label] = gold[&row[text]].clone();
        w.write_record(&row).unwrap();
        n += 1;
    }
    w.flush().unwrap();
    assert_eq!(n, 20);

    let model = dir.path().join("my-model");
    let train = |extra: &[&str]| {
        let mut args = vec![
            "train",
            labelled.to_str().unwrap(),
            "--out",
            model.to_str().unwrap(),
            "--force",
        ];
        args.extend_from_slice(extra);
        stance(&args)
    };
    let o = train(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("looks like a run's to-label.csv"),
        "{}",
        stderr(&o)
    );
    let sentences = out.join("sentences.csv");
    let o = train(&["--unlabelled", sentences.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(!e.contains("looks like a run's to-label.csv"), "{e}");
    // The first training's features are on disk beside the folder: only
    // the unlabelled pairs go through the model this time (and a killed
    // run goes on from what it had).
    assert!(
        e.contains("training pairs: 20 of 20 pairs known from")
            && e.contains(".my-model.stance-features"),
        "{e}"
    );
    // The 20 labelled sentences are fitted to their labels; the run's 37
    // other rows (the on-topic ones among them) hold the refit.
    assert!(e.contains("37 unlabelled pairs"), "{e}");
    let t = json(&model.join("trained.json"));
    assert_eq!(t["rows"], 20);
    assert!(t["unlabelled"].as_str().unwrap().ends_with("sentences.csv"));

    let again = dir.path().join("out2");
    let o = stance_cmd()
        .arg("run")
        .arg(&articles)
        .args(["--target", claim, "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        read_csv(&again.join("sentences.csv")).1.len(),
        read_csv(&sentences).1.len()
    );
}

/// `--method top-layers` fine-tunes the cross-encoder's top layers: a
/// codebook that reads favor and against the other way round is learned
/// (the cross-validation finds it better with confidence), only the
/// trained tensors' bytes change (the header and the keys' biases stay as
/// shipped), and a run killed during the cross-validation goes on from its
/// last pass with the same command, to the same weights byte for byte.
#[test]
fn top_layers_learn_your_codebook_and_resume_after_a_kill() {
    let dir = tempfile::tempdir().unwrap();
    let data = flipped(&smaller_train(dir.path()), &dir.path().join("flipped.csv"));
    let args = |out: &Path| -> Vec<String> {
        [
            "train",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--method",
            "top-layers",
            "--layers",
            "1",
            "--epochs",
            "1",
            "--learning-rate",
            "2e-3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let whole = dir.path().join("whole");
    let a = args(&whole);
    let o = stance(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("fine-tuning the top 1 of 6 layers"), "{e}");
    assert!(
        e.contains("5-fold cross-validation of up to 1 pass,"),
        "{e}"
    );
    let t = json(&whole.join("trained.json"));
    assert_eq!(t["method"], "top-layers");
    assert_eq!(t["used"], "tuned", "{t}");
    let cv = &t["cross_validated"];
    let best = cv["macro_f1_after_pass"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_f64().unwrap())
        .fold(0.0, f64::max);
    // The shipped model reads the flipped codebook backwards.
    assert!(
        cv["shipped_macro_f1"].as_f64().unwrap() < 0.45 && best > 0.55,
        "{t}"
    );
    assert!(
        t["aside_macro_f1_after"].as_f64().unwrap() > t["aside_macro_f1_before"].as_f64().unwrap(),
        "{t}"
    );
    assert!(
        !dir.path().join(".whole.stance-tune").exists(),
        "the checkpoint is removed once the folder is written"
    );

    // The weights: the header as shipped, and only layer 5, the pooler
    // and the classifier changed (not layer 5's key bias).
    let shipped = root().join("models/minilm-stance-ce/model.safetensors");
    let mine = whole.join("model.safetensors");
    let (h0, _) = header_and_range(&shipped, "classifier.weight");
    let (h1, _) = header_and_range(&mine, "classifier.weight");
    assert_eq!(h0, h1, "the header must be written exactly as shipped");
    let header: serde_json::Value = serde_json::from_slice(&h0[8..]).unwrap();
    let trained: Vec<std::ops::Range<usize>> = header
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| {
            (k.starts_with("bert.encoder.layer.5.") && !k.ends_with("attention.self.key.bias"))
                || k.starts_with("bert.pooler.")
                || k.starts_with("classifier.")
        })
        .map(|k| header_and_range(&shipped, k).1)
        .collect();
    assert_eq!(trained.len(), 19);
    let (a0, a1) = (
        std::fs::read(&shipped).unwrap(),
        std::fs::read(&mine).unwrap(),
    );
    assert_eq!(a0.len(), a1.len());
    let changed: Vec<usize> = (0..a0.len()).filter(|&i| a0[i] != a1[i]).collect();
    assert!(changed.len() > 1000, "{} bytes changed", changed.len());
    assert!(
        changed
            .iter()
            .all(|i| trained.iter().any(|r| r.contains(i))),
        "bytes outside the trained tensors changed"
    );
    assert!(whole.join("model.onnx").is_file());
    assert!(whole.join("gate/stance_head.json").is_file());

    // Killed once the first fold is done, then the same command again.
    let killed = dir.path().join("killed");
    let state = dir.path().join(".killed.stance-tune/state.json");
    let a = args(&killed);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stance"))
        .args(&a)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    loop {
        let stage = std::fs::read_to_string(&state)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .and_then(|v| v["stage"].as_u64());
        if stage.is_some_and(|s| s >= 1) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it could be killed"
        );
        assert!(t0.elapsed().as_secs() < 300, "no checkpoint written");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!killed.exists(), "a killed run writes no folder");
    let o = stance(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("resuming from"), "{e}");
    assert!(
        std::fs::read(killed.join("model.safetensors")).unwrap() == a1,
        "the resumed run's weights differ from the uninterrupted run's"
    );

    // Wrong uses say what to do.
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--method",
        "top-layers",
        "--layers",
        "7",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("the encoder has 6 layers; it cannot fine-tune 7"),
        "{}",
        stderr(&o)
    );
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--layers",
        "1",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--layers is for --method top-layers"),
        "{}",
        stderr(&o)
    );
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--model",
        &bi_model(),
        "--method",
        "top-layers",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("use --method head"), "{}", stderr(&o));
}

/// `--method setfit` tunes the gate encoder's top layer contrastively,
/// then fits `head`'s head on it: the folder is a head model whose
/// encoder differs from the shipped one only in that layer (the header as
/// shipped, so its ONNX export, which reads `model.safetensors`, comes
/// along), and `run` reads it.
#[test]
fn setfit_tunes_the_encoder_it_ships() {
    let dir = tempfile::tempdir().unwrap();
    let data = smaller_train(dir.path());
    let out = dir.path().join("sf");
    let o = stance(&[
        "train",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--method",
        "setfit",
        "--layers",
        "1",
        "--epochs",
        "2",
    ]);
    let e = stderr(&o);
    assert!(o.status.success(), "{e}");
    assert!(e.contains("tuning the top 1 of 6 layers"), "{e}");
    assert!(e.contains("held aside, a head on the tuned encoder"), "{e}");
    let head = json(&out.join("stance_head.json"));
    let t = &head["trained_on"];
    assert_eq!(t["method"], "setfit", "{head}");
    let losses = t["setfit"]["contrastive_loss_by_pass"].as_array().unwrap();
    assert_eq!(losses.len(), 2);
    assert!(
        losses[1].as_f64().unwrap() < losses[0].as_f64().unwrap(),
        "{t}"
    );
    assert!(!dir.path().join(".sf.stance-setfit").exists());

    let shipped = root().join("models/minilm-stance/model.safetensors");
    let mine = out.join("model.safetensors");
    let (h0, _) = header_and_range(&shipped, "encoder.layer.5.output.dense.weight");
    let (h1, _) = header_and_range(&mine, "encoder.layer.5.output.dense.weight");
    assert_eq!(h0, h1, "the header must be written exactly as shipped");
    let header: serde_json::Value = serde_json::from_slice(&h0[8..]).unwrap();
    let tuned: Vec<std::ops::Range<usize>> = header
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.starts_with("encoder.layer.5.") && !k.ends_with("attention.self.key.bias"))
        .map(|k| header_and_range(&shipped, k).1)
        .collect();
    assert_eq!(tuned.len(), 15);
    let (a0, a1) = (
        std::fs::read(&shipped).unwrap(),
        std::fs::read(&mine).unwrap(),
    );
    let changed: Vec<usize> = (0..a0.len()).filter(|&i| a0[i] != a1[i]).collect();
    assert!(changed.len() > 1000, "{} bytes changed", changed.len());
    assert!(
        changed.iter().all(|i| tuned.iter().any(|r| r.contains(i))),
        "bytes outside the tuned layer changed"
    );
    assert!(out.join("model.onnx").is_file());

    let o = run_article(&out, &dir.path().join("run"));
    assert!(o.status.success(), "{}", stderr(&o));
}
