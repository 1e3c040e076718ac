//! `stance run` end to end, on temporary folders: the three tables, several
//! targets and standard input, threading, bad input, and the hub.

use std::path::Path;
use std::process::Stdio;

use crate::common::*;

const SENTENCE_HEADER: &str = "doc_id,sentence_id,start,end,speaker,kind,mention,cue,target,favor,against,none,stance,score,text,mention_start,mention_end,clause_start,clause_end,nested_speaker";

#[test]
fn run_writes_sentences_speakers_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = stance(&[
        "run",
        &article(),
        "--model",
        &tiny(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));

    let (headers, rows) = read_csv(&out.join("sentences.csv"));
    assert_eq!(headers.join(","), SENTENCE_HEADER);
    assert!(rows.len() > 40);
    let text = std::fs::read_to_string(article()).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for r in &rows {
        assert_eq!(r["doc_id"], "helsinki-summit");
        // Offsets are characters into the document, end exclusive.
        let (s, e): (usize, usize) = (r["start"].parse().unwrap(), r["end"].parse().unwrap());
        assert_eq!(chars[s..e].iter().collect::<String>(), r["text"]);
        if !r["mention"].is_empty() {
            let (ms, me): (usize, usize) = (
                r["mention_start"].parse().unwrap(),
                r["mention_end"].parse().unwrap(),
            );
            assert_eq!(chars[ms..me].iter().collect::<String>(), r["mention"]);
        }
        // The clause lies inside its sentence.
        let (cs, ce): (usize, usize) = (
            r["clause_start"].parse().unwrap(),
            r["clause_end"].parse().unwrap(),
        );
        assert!(s <= cs && cs < ce && ce <= e, "{r:?}");
        assert!(["direct", "indirect", "narration", "skip"].contains(&r["kind"].as_str()));
        // A skip row (byline, credit) is not scored: empty stance cells.
        if r["kind"] == "skip" {
            for c in ["favor", "against", "none", "stance", "score"] {
                assert_eq!(r[c], "", "{c}: {r:?}");
            }
            continue;
        }
        let p: Vec<f64> = ["favor", "against", "none"]
            .iter()
            .map(|k| r[*k].parse().unwrap())
            .collect();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-4, "{r:?}");
        let score: f64 = r["score"].parse().unwrap();
        assert!((score - (p[0] - p[1])).abs() < 2e-6);
        let best = ["favor", "against", "none"][(0..3)
            .max_by(|&a, &b| p[a].partial_cmp(&p[b]).unwrap())
            .unwrap()];
        assert_eq!(r["stance"], best);
    }
    assert!(
        rows.iter().any(|r| r["kind"] == "skip"),
        "the byline is skip"
    );
    // Sentence ids run in document order, each sentence at least once.
    let mut ids: Vec<usize> = rows
        .iter()
        .map(|r| r["sentence_id"].parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] <= w[1]));
    ids.dedup();
    assert_eq!(ids, (0..ids.len()).collect::<Vec<_>>());

    // Summary: one row per speaker, skip rows excluded, counts add up.
    let (sh, summary) = read_csv(&out.join("summary.csv"));
    assert_eq!(
        sh.join(","),
        "speaker,target,sentences,favor,against,none,mean_score,stance,\
         on_topic,on_topic_mean_score,on_topic_ci_low,on_topic_ci_high,documents"
    );
    for r in &summary {
        let on: usize = r["on_topic"].parse().unwrap();
        assert!(on <= r["sentences"].parse().unwrap());
        // A position needs on-topic evidence.
        if on == 0 {
            assert_eq!(r["stance"], "none", "{r:?}");
            assert_eq!(r["on_topic_mean_score"], "");
        }
        // One article: no interval over documents.
        assert_eq!(
            (r["documents"].as_str(), r["on_topic_ci_low"].as_str()),
            ("1", "")
        );
    }
    let non_skip = rows.iter().filter(|r| r["kind"] != "skip").count();
    let total: usize = summary
        .iter()
        .map(|r| r["sentences"].parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, non_skip);
    for s in &summary {
        let n: usize = s["sentences"].parse().unwrap();
        let by_label: usize = ["favor", "against", "none"]
            .iter()
            .map(|k| s[*k].parse::<usize>().unwrap())
            .sum();
        assert_eq!(n, by_label);
        // Its speaker file holds exactly its rows.
        let slug = stance::report::slug(&s["speaker"]);
        let (fh, frows) = read_csv(&out.join("speakers").join(format!("{slug}.csv")));
        assert_eq!(fh.join(","), SENTENCE_HEADER);
        assert_eq!(frows.len(), n, "{}", s["speaker"]);
        assert!(frows.iter().all(|r| r["speaker"] == s["speaker"]));
    }
    let names: Vec<&str> = summary.iter().map(|r| r["speaker"].as_str()).collect();
    for who in ["Trump", "Putin", "Dan Coats", "narrator"] {
        assert!(names.contains(&who), "{names:?}");
    }
    let files = std::fs::read_dir(out.join("speakers")).unwrap().count();
    assert_eq!(files, summary.len());
    // Nothing else is left in the output folder.
    let mut left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            "documents.csv",
            "errors.csv",
            "manifest.json",
            "sentences.csv",
            "speakers",
            "summary.csv"
        ]
    );
    // Nothing was left out.
    assert_eq!(
        std::fs::read_to_string(out.join("errors.csv")).unwrap(),
        "file,line,reason\n"
    );
}

/// The closing message names every file the run left, so a newcomer
/// learns of documents.csv, errors.csv, manifest.json and the report; and
/// errors.csv is there even when nothing was left out (resume reads it).
#[test]
fn the_final_message_names_every_file_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let input = dir.path().join("news.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"date\": \"2024-01-02\", \"text\": \"Lee said tariffs raise prices.\"}\n\
         {\"id\": \"b\", \"text\": \"\"}\n",
    )
    .unwrap();
    let log = run_ok(
        &[&input],
        &out,
        &["--html", "--group-by", "date:year", "--skip-bad"],
    );
    let line = log
        .lines()
        .find(|l| l.starts_with("stance: wrote "))
        .unwrap_or_else(|| panic!("no closing line: {log}"));
    let mut found = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let name = e.unwrap().file_name().into_string().unwrap();
        if name.starts_with('.') {
            continue;
        }
        let shown = if name == "speakers" {
            "speakers/".into()
        } else {
            name.clone()
        };
        assert!(line.contains(&shown), "{name} is not named: {line}");
        found += 1;
    }
    assert_eq!(found, 8, "{line}");
    assert!(line.contains("errors.csv (1 left out)"), "{line}");
    let (_, errors) = read_csv(&out.join("errors.csv"));
    assert_eq!(errors.len(), 1);

    let out2 = dir.path().join("out2");
    let log = run_ok(&[Path::new(&article())], &out2, &[]);
    assert!(
        log.contains("errors.csv (empty: nothing left out)"),
        "{log}"
    );
    assert!(out2.join("errors.csv").is_file());
    assert!(!log.contains("report.html"), "{log}");
}

#[test]
fn several_targets_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let mut child = stance_cmd()
        .args([
            "run",
            "-",
            "--model",
            &tiny(),
            "--out",
            out.to_str().unwrap(),
            "--target",
            "Russia interfered in the 2016 US election",
            "--target",
            "The minimum wage should be raised",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("“Wages are too low,” Mayor Ann Ruiz said. The council will vote.\n".as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["doc_id"], "stdin");
    assert_eq!(rows[0]["speaker"], "Ann Ruiz");
    assert_eq!(rows[1]["speaker"], "Ann Ruiz");
    assert_eq!(rows[1]["target"], "The minimum wage should be raised");
    assert_eq!(rows[2]["speaker"], "narrator");
    let (_, summary) = read_csv(&out.join("summary.csv"));
    assert_eq!(summary.len(), 4);
}

#[test]
fn output_does_not_depend_on_threads_or_batch_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (threads, batch) in [("1", "1"), ("2", "8"), ("2", "3")] {
        let out = dir.path().join(format!("o{threads}-{batch}"));
        let o = stance(&[
            "run",
            &article(),
            "--model",
            &tiny(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--batch-size",
            batch,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        outputs.push(std::fs::read_to_string(out.join("sentences.csv")).unwrap());
    }
    // Same rows in the same order; probabilities agree to the printed precision
    // up to float reordering in padded batches.
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(l.as_bytes());
                let rec = r.records().next().unwrap().unwrap();
                format!("{}|{}|{}|{}", &rec[0], &rec[1], &rec[4], &rec[12])
            })
            .collect()
    };
    assert_eq!(strip(&outputs[0]), strip(&outputs[1]));
    assert_eq!(strip(&outputs[0]), strip(&outputs[2]));
}

fn assert_fails_cleanly(args: &[&str], out: &Path, needle: &str) {
    let o = stance(args);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains(needle), "stderr lacks {needle:?}: {e}");
    assert!(!e.contains("panicked"), "{e}");
    assert!(!out.join("sentences.csv").exists());
    assert!(!out.join("summary.csv").exists());
}

#[test]
fn bad_inputs_fail_with_clear_errors_and_no_partial_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();

    let model_dir = tiny();
    // `stance run INPUTS --model tiny --out OUT` must fail with `needle`.
    let inputs_fail = |inputs: &[&str], needle: &str| {
        let mut args = vec!["run"];
        args.extend_from_slice(inputs);
        args.extend_from_slice(&["--model", &model_dir, "--out", o]);
        assert_fails_cleanly(&args, &out, needle);
    };
    inputs_fail(&["/no/such/article.txt"], "/no/such/article.txt");

    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"Caf\xe9 owners said so.\n").unwrap();
    let bad = bad.to_str().unwrap();
    inputs_fail(&[bad], "not valid UTF-8 at byte 3 (line 1)");

    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "\n  \n").unwrap();
    inputs_fail(&[empty.to_str().unwrap()], "empty.txt: the file is empty");

    // A bad file after a good one: nothing is written either.
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Officials said the dam was safe.\n").unwrap();
    inputs_fail(&[good.to_str().unwrap(), bad], "latin1.txt");
    assert!(
        !out.exists(),
        "the output folder was created by the failed run and must be gone"
    );

    // Model folder missing files, then a config.json without NLI labels.
    let model = dir.path().join("model");
    std::fs::create_dir(&model).unwrap();
    let copy_fixture = |name: &str| {
        std::fs::copy(Path::new(&tiny()).join(name), model.join(name)).unwrap();
    };
    let fails_with_model = |needle: &str| {
        let args = [
            "run",
            good.to_str().unwrap(),
            "--model",
            model.to_str().unwrap(),
            "--out",
            o,
        ];
        assert_fails_cleanly(&args, &out, needle);
    };
    copy_fixture("config.json");
    fails_with_model("tokenizer.json is missing");
    copy_fixture("tokenizer.json");
    fails_with_model("no weights");
    copy_fixture("model.safetensors");
    let cfg = std::fs::read_to_string(model.join("config.json")).unwrap();
    let cfg = cfg
        .replace("\"NEUTRAL\"", "\"LABEL_0\"")
        .replace("\"Contradiction\"", "\"LABEL_1\"")
        .replace("\"entailment\"", "\"LABEL_2\"");
    std::fs::write(model.join("config.json"), cfg).unwrap();
    fails_with_model("entailment, contradiction and neutral");

    // A template without a slot.
    assert_fails_cleanly(
        &[
            "run",
            good.to_str().unwrap(),
            "--model",
            &tiny(),
            "--out",
            o,
            "--hypothesis",
            "nothing",
        ],
        &out,
        "--hypothesis",
    );
}

#[test]
fn failed_run_keeps_earlier_results_intact() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "“The dam is safe,” engineer Rosa Diaz said.\n").unwrap();
    let o = stance(&[
        "run",
        good.to_str().unwrap(),
        "--model",
        &tiny(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = std::fs::read_to_string(out.join("sentences.csv")).unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, b"\xff\xfe").unwrap();
    let o = stance(&[
        "run",
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
        "--model",
        &tiny(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("sentences.csv")).unwrap(),
        before
    );
    assert!(out.join("speakers/rosa-diaz.csv").is_file());
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".stance")), "{names:?}");
}

/// `--backend auto` (the default) without ONNX Runtime: candle, with the
/// reason in the log, and the backend used in the manifest and the
/// closing line.
#[test]
fn backend_auto_without_onnx_runtime_runs_candle_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // fp32 (stance_cmd's): in bf16, auto takes candle before looking for
    // ONNX Runtime (the next test).
    let o = stance_cmd()
        .env_remove("STANCE_BACKEND")
        .env("ORT_DYLIB_PATH", "/no/such/libonnxruntime.so")
        .args(["-v", "run", &article(), "--model", &tiny(), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("--backend auto chose Candle: "), "{e}");
    if cfg!(feature = "ort") {
        assert!(e.contains("ONNX Runtime's library was not found"), "{e}");
    } else {
        assert!(
            e.contains("no ONNX Runtime backend (cargo feature `ort`)"),
            "{e}"
        );
    }
    assert!(e.contains("pairs/s scoring with candle)"), "{e}");
    let manifest = json(&out.join("manifest.json"));
    assert_eq!(manifest["backend"], "candle");
    // The dense layers' kernel, for people reading it (fp32 here).
    let kernel = manifest["kernel"].as_str().unwrap();
    assert!(
        ["avx512", "avx2-fma", "baseline"].contains(&kernel),
        "{kernel}"
    );
    // STANCE_BACKEND chooses too, as --backend does.
    let o = stance_cmd()
        .env("STANCE_BACKEND", "nonsense")
        .args(["run", &article(), "--model", &tiny(), "--out"])
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("nonsense"), "{}", stderr(&o));
}

/// The defaults, `--backend auto --precision auto`, on a CPU with AVX-512
/// BF16: candle in bf16 (faster than ONNX Runtime in fp32), said in the
/// log, the closing line and the manifest; elsewhere fp32. An explicit
/// bf16 that cannot run is an error that says what to do.
#[test]
fn precision_auto_takes_bf16_where_the_cpu_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = stance_cmd()
        .env_remove("STANCE_BACKEND")
        .env_remove("STANCE_PRECISION")
        .args(["-v", "run", &article(), "--model", &tiny(), "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    let backend = json(&out.join("manifest.json"))["backend"].clone();
    if stance::score::bf16_available() {
        assert!(
            e.contains("--backend auto chose Candle: this CPU has AVX-512 BF16"),
            "{e}"
        );
        assert!(e.contains("--precision auto chose bf16"), "{e}");
        assert!(e.contains("pairs/s scoring with candle-bf16)"), "{e}");
        assert_eq!(backend, "candle-bf16");
    } else {
        assert!(!e.contains("bf16"), "{e}");
        assert_ne!(backend, "candle-bf16");
    }
    // bf16 is candle's: with ONNX Runtime asked for, it is refused.
    let o = stance_cmd()
        .args([
            "run",
            &article(),
            "--model",
            &tiny(),
            "--backend",
            "ort",
            "--precision",
            "bf16",
        ])
        .arg("--out")
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("--precision bf16 is for the candle backend"),
        "{}",
        stderr(&o)
    );
    // Asked for explicitly, it runs where it can and says why not elsewhere.
    let o = stance_cmd()
        .args([
            "run",
            &article(),
            "--model",
            &tiny(),
            "--precision",
            "bf16",
            "--out",
        ])
        .arg(dir.path().join("out3"))
        .output()
        .unwrap();
    if stance::score::bf16_available() {
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            json(&dir.path().join("out3/manifest.json"))["backend"],
            "candle-bf16"
        );
    } else {
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("use --precision fp32"),
            "{}",
            stderr(&o)
        );
    }
}

/// A sentence with two sources gives two rows, each with its own speaker,
/// its own clause, and a stance scored on that clause.
#[test]
fn a_sentence_with_two_sources_gives_two_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("two.txt");
    let text = "The harbour reopened on Monday.\n\n\
                Port officials said the new dam was safe, while engineer Lena Sorensen \
                insisted that the dam was unsafe.";
    std::fs::write(&input, text).unwrap();
    let out = dir.path().join("out");
    run_ok(&[&input], &out, &["--target", "The dam is safe"]);
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    let second: Vec<_> = rows.iter().filter(|r| r["sentence_id"] == "1").collect();
    assert_eq!(second.len(), 2, "{rows:?}");
    let chars: Vec<char> = text.chars().collect();
    let clause = |r: &std::collections::HashMap<String, String>| -> String {
        let (a, b): (usize, usize) = (
            r["clause_start"].parse().unwrap(),
            r["clause_end"].parse().unwrap(),
        );
        chars[a..b].iter().collect()
    };
    assert_eq!(second[0]["speaker"], "Port officials");
    assert_eq!(
        clause(second[0]),
        "Port officials said the new dam was safe,"
    );
    assert_eq!(second[1]["speaker"], "Lena Sorensen");
    assert_eq!(
        clause(second[1]),
        "while engineer Lena Sorensen insisted that the dam was unsafe."
    );
    // Both rows carry the whole sentence as text, and each its own score.
    assert_eq!(second[0]["text"], second[1]["text"]);
    assert_ne!(second[0]["favor"], second[1]["favor"]);
    // Each speaker has its own file and summary row.
    assert!(out.join("speakers/lena-sorensen.csv").exists());
    assert!(out.join("speakers/port-officials.csv").exists());
}

/// `--min-speaker-confidence` trades attributed sentences for surer
/// speakers, is recorded in the manifest, and must be a probability.
#[test]
fn min_speaker_confidence_leaves_doubtful_sentences_to_the_narrator() {
    let dir = tempfile::tempdir().unwrap();
    let narrated = |p: &str| -> usize {
        let out = dir.path().join(format!("out-{p}"));
        run_ok(
            &[Path::new(&article())],
            &out,
            &["--min-speaker-confidence", p],
        );
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(
            m["settings"]["min_speaker_confidence"].as_f64(),
            Some(p.parse().unwrap())
        );
        let (_, rows) = read_csv(&out.join("sentences.csv"));
        rows.iter().filter(|r| r["speaker"] == "narrator").count()
    };
    let (all, strict) = (narrated("0"), narrated("0.9"));
    assert!(strict > all, "narrator rows: {all} at 0, {strict} at 0.9");
    let o = stance(&[
        "run",
        &article(),
        "--model",
        &tiny(),
        "--min-speaker-confidence",
        "1.5",
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("`1.5` is not a probability from 0 to 1"),
        "{}",
        stderr(&o)
    );
}

/// `--to-label N`: the N on-topic sentences the model is least sure of,
/// smallest margin first, each text once, with an empty label column;
/// gone when a later run does not ask for it; the same from merged shards
/// as from one run.
#[test]
fn to_label_lists_the_least_sure_on_topic_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = run_ok(&[Path::new(&article())], &out, &["--to-label", "8"]);
    assert!(err.contains("to-label.csv"), "{err}");
    let (header, rows) = read_csv(&out.join("to-label.csv"));
    assert_eq!(header, stance::report::to_label::TO_LABEL_COLUMNS);
    assert_eq!(rows.len(), 8);
    let (_, sentences) = read_csv(&out.join("sentences.csv"));
    let mut margins = Vec::new();
    let mut texts = std::collections::HashSet::new();
    for r in &rows {
        assert_eq!(r["label"], "");
        assert!(texts.insert(r["text"].clone()), "twice: {}", r["text"]);
        let s = sentences
            .iter()
            .find(|s| s["doc_id"] == r["doc_id"] && s["sentence_id"] == r["sentence_id"])
            .expect("a row of sentences.csv");
        assert_eq!(s["text"], r["text"]);
        assert!(
            s["none"].parse::<f32>().unwrap() < 0.5,
            "off topic: {}",
            r["text"]
        );
        let mut p: Vec<f32> = ["favor", "against", "none"]
            .iter()
            .map(|c| s[*c].parse().unwrap())
            .collect();
        p.sort_by(|a, b| b.total_cmp(a));
        let m: f32 = r["margin"].parse().unwrap();
        assert!((m - (p[0] - p[1])).abs() < 2e-6, "{m} {p:?}");
        margins.push(m);
    }
    assert!(margins.windows(2).all(|w| w[0] <= w[1]), "{margins:?}");
    let speakers: std::collections::HashSet<&str> =
        rows.iter().map(|r| r["speaker"].as_str()).collect();
    assert!(speakers.len() >= 3, "{speakers:?}");
    let single = std::fs::read(out.join("to-label.csv")).unwrap();

    // Shards merged give the single run's file.
    let shards: Vec<_> = (1..=2)
        .map(|k| dir.path().join(format!("shard{k}")))
        .collect();
    for (k, s) in shards.iter().enumerate() {
        run_ok(
            &[Path::new(&article())],
            s,
            &["--shard", &format!("{}/2", k + 1)],
        );
    }
    let merged = dir.path().join("merged");
    let o = stance(&[
        "merge",
        merged.to_str().unwrap(),
        shards[0].to_str().unwrap(),
        shards[1].to_str().unwrap(),
        "--to-label",
        "8",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(merged.join("to-label.csv")).unwrap(), single);

    // A later run without the flag leaves no stale list behind.
    run_ok(&[Path::new(&article())], &out, &[]);
    assert!(!out.join("to-label.csv").exists());
}
