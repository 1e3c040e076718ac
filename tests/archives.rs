//! `stance run` over archives: JSON lines, CSV and TSV, gzip and zstd,
//! folders, standard input, per-record claims, bad records and duplicate
//! ids. Every input is written by the test; the tiny fixture model scores
//! (what is checked here is reading, not stance).

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use crate::common::*;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

/// `stance run` that must fail; returns stderr, and checks nothing was
/// written.
fn run_err(inputs: &[&Path], out: &Path, extra: &[&str]) -> String {
    let o = run_tiny(inputs, out, extra);
    assert!(!o.status.success());
    assert!(!out.join("sentences.csv").exists());
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    e
}

/// `stance merge OUT SHARDS...`, its output captured.
fn merge(
    out: &Path,
    shards: impl IntoIterator<Item = impl AsRef<std::ffi::OsStr>>,
) -> std::process::Output {
    stance_cmd()
        .arg("merge")
        .arg(out)
        .args(shards)
        .output()
        .unwrap()
}

/// (doc_id, target, text) of every row of sentences.csv.
fn rows(out: &Path) -> Vec<(String, String, String)> {
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    rows.into_iter()
        .map(|r| (r["doc_id"].clone(), r["target"].clone(), r["text"].clone()))
        .collect()
}

fn errors(out: &Path) -> Vec<(String, String, String)> {
    let (header, rows) = read_csv(&out.join("errors.csv"));
    assert_eq!(header, ["file", "line", "reason"]);
    rows.into_iter()
        .map(|r| (r["file"].clone(), r["line"].clone(), r["reason"].clone()))
        .collect()
}

const DEFAULT: &str = "Russia interfered in the 2016 US election";

#[test]
fn gzipped_json_lines_with_nested_text_ids_and_claims() {
    let dir = tempfile::tempdir().unwrap();
    let lines = concat!(
        r#"{"id": "s1", "body": {"text": "Officials said the dam was safe."}, "claims": ["The dam is safe"]}"#,
        "\n",
        r#"{"id": 2, "body": {"text": "Engineers disagreed. They said cracks had spread."}, "claims": "The dam is safe"}"#,
        "\n",
        r#"{"body": {"text": "No id here."}}"#,
        "\n",
    );
    // Two gzip members, as concatenated dumps often are.
    let (first, rest) = lines.split_at(lines.find('\n').unwrap() + 1);
    let mut bytes = gzip(first.as_bytes());
    bytes.extend(gzip(rest.as_bytes()));
    let input = dir.path().join("dump.jsonl.gz");
    std::fs::write(&input, bytes).unwrap();
    let out = dir.path().join("out");
    run_ok(
        &[&input],
        &out,
        &["--text-field", "body.text", "--target-field", "claims"],
    );
    let file = input.display().to_string();
    let want: Vec<(String, String, String)> = [
        ("s1", DEFAULT, "Officials said the dam was safe."),
        ("s1", "The dam is safe", "Officials said the dam was safe."),
        ("2", DEFAULT, "Engineers disagreed."),
        ("2", "The dam is safe", "Engineers disagreed."),
        ("2", DEFAULT, "They said cracks had spread."),
        ("2", "The dam is safe", "They said cracks had spread."),
        (&format!("{file}:3"), DEFAULT, "No id here."),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(rows(&out), want);
    assert!(errors(&out).is_empty());
}

#[test]
fn csv_tsv_and_zstd_in_a_folder_read_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("archive");
    std::fs::create_dir_all(arch.join("2024/05")).unwrap();
    // A quoted newline inside a record, and a BOM before the header.
    std::fs::write(
        arch.join("2024/05/a.csv"),
        "\u{feff}id,text\nc1,\"Officials said the dam was safe.\nEngineers agreed.\"\n",
    )
    .unwrap();
    // Named .dat: the magic bytes say zstd, --glob picks it, and
    // --input-format says what is inside.
    std::fs::write(
        arch.join("b.dat"),
        zstd(b"id\ttext\nt1\tThe mayor said nothing.\n"),
    )
    .unwrap();
    std::fs::write(arch.join("notes.md"), "# not an article").unwrap();
    let out = dir.path().join("out");
    run_ok(&[&arch], &out, &["--glob", "*.csv"]);
    let got = rows(&out);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "c1");
    assert_eq!(got[1].2, "Engineers agreed.");

    let out2 = dir.path().join("out2");
    run_ok(
        &[&arch],
        &out2,
        &["--glob", "*.dat", "--input-format", "tsv"],
    );
    let got = rows(&out2);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        (got[0].0.as_str(), got[0].2.as_str()),
        ("t1", "The mayor said nothing.")
    );

    // Without --glob, .csv and the like are read and notes.md is not.
    let out3 = dir.path().join("out3");
    run_ok(&[&arch], &out3, &[]);
    assert_eq!(rows(&out3).len(), 2);
}

#[test]
fn compressed_json_lines_on_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut child = stance_cmd()
        .args([
            "run",
            "-",
            "--input-format",
            "jsonl",
            "--model",
            &tiny(),
            "--out",
        ])
        .arg(&out)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&gzip(
            b"{\"id\": \"in1\", \"text\": \"Piped in, gzipped.\"}\n",
        ))
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        rows(&out),
        [(
            "in1".to_string(),
            DEFAULT.to_string(),
            "Piped in, gzipped.".to_string()
        )]
    );
}

#[test]
fn bad_records_stop_the_run_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"{\"id\": \"ok1\", \"text\": \"A good record.\"}\n");
    bytes.extend_from_slice(b"{\"id\": \"cut\", \"text\": \"no end\n");
    bytes.extend_from_slice(b"{\"id\": \"num\", \"text\": 42}\n");
    bytes.extend_from_slice(b"{\"id\": \"lat\", \"text\": \"Caf\xe9.\"}\n");
    bytes.extend_from_slice(b"{\"id\": \"none\"}\n");
    bytes.extend_from_slice(b"{\"id\": \"ok2\", \"text\": \"Another good one.\"}\n");
    std::fs::write(&input, bytes).unwrap();
    let file = input.display().to_string();

    let out = dir.path().join("strict");
    let e = run_err(&[&input], &out, &[]);
    assert!(
        e.contains(&format!(
            "{file}:2: invalid JSON: EOF while parsing a string at line 1 column 29; give \
             --skip-bad to list such records in errors.csv and go on"
        )),
        "{e}"
    );

    let out = dir.path().join("skipping");
    let e = run_ok(&[&input], &out, &["--skip-bad"]);
    assert!(
        e.contains("6 records read, 2 scored, 4 left out (0 not English"),
        "{e}"
    );
    let ids: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["ok1", "ok2"]);
    let want: Vec<(String, String, String)> = [
        (
            "2",
            "invalid JSON: EOF while parsing a string at line 1 column 29",
        ),
        ("3", "`text` is a number, not a string"),
        ("4", "not valid UTF-8 at byte 27 of the line"),
        (
            "5",
            "no `text` field (choose the text field with --text-field)",
        ),
    ]
    .iter()
    .map(|(l, r)| (file.clone(), l.to_string(), r.to_string()))
    .collect();
    assert_eq!(errors(&out), want);
}

#[test]
fn duplicate_ids_are_an_error_or_renamed_or_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, "{\"id\": \"x\", \"text\": \"First copy.\"}\n").unwrap();
    std::fs::write(&b, "id,text\ny,Other story.\nx,Recrawled copy.\n").unwrap();
    let (fa, fb) = (a.display().to_string(), b.display().to_string());

    let e = run_err(&[&a, &b], &dir.path().join("o1"), &[]);
    assert!(
        e.contains(&format!(
            "{fb}:3: document id `x` is already used by {fa}:1; give --dup-ids suffix to rename \
             the later one, or --dup-ids skip to keep only the first"
        )),
        "{e}"
    );

    let out = dir.path().join("o2");
    run_ok(&[&a, &b], &out, &["--dup-ids", "suffix"]);
    let ids: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["x", "y", "x#2"]);

    let out = dir.path().join("o3");
    run_ok(&[&a, &b], &out, &["--dup-ids", "skip"]);
    let ids: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["x", "y"]);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1);
    assert_eq!((errs[0].0.as_str(), errs[0].1.as_str()), (fb.as_str(), "3"));
    assert!(
        errs[0].2.contains(&format!("already used by {fa}:1")),
        "{errs:?}"
    );

    // Two text files with one name in different folders: the same rule.
    let d1 = dir.path().join("d1");
    let d2 = dir.path().join("d2");
    std::fs::create_dir_all(&d1).unwrap();
    std::fs::create_dir_all(&d2).unwrap();
    std::fs::write(d1.join("story.txt"), "One.").unwrap();
    std::fs::write(d2.join("story.txt.gz"), gzip(b"Two.")).unwrap();
    let e = run_err(&[&d1, &d2], &dir.path().join("o4"), &[]);
    assert!(e.contains("document id `story` is already used by"), "{e}");
}

#[test]
fn a_bad_text_file_in_a_folder_is_skipped_with_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("texts");
    std::fs::create_dir_all(&arch).unwrap();
    std::fs::write(arch.join("a.txt"), "A fine story.").unwrap();
    std::fs::write(arch.join("b.txt"), " \n").unwrap();
    let out = dir.path().join("out");
    let e = run_err(&[&arch], &out, &[]);
    assert!(e.contains("b.txt: the file is empty"), "{e}");
    run_ok(&[&arch], &out, &["--skip-bad"]);
    assert_eq!(rows(&out).len(), 1);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].0.ends_with("b.txt") && errs[0].1.is_empty(),
        "{errs:?}"
    );
}

/// A PDF or a program among the inputs is named as what it looks like,
/// with how to leave it out, not as text in the wrong encoding; in a
/// folder, --skip-bad lists it and goes on; a binary file named as an
/// archive is caught the same way.
#[test]
fn binary_files_are_named_as_binary() {
    let dir = tempfile::tempdir().unwrap();
    let arch = dir.path().join("texts");
    std::fs::create_dir_all(&arch).unwrap();
    std::fs::write(arch.join("a.txt"), "A fine story.").unwrap();
    std::fs::write(
        arch.join("scan.txt"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    )
    .unwrap();
    let out = dir.path().join("out");
    let e = run_err(&[&arch], &out, &[]);
    assert!(
        e.contains("scan.txt: this looks like a PDF document, not text"),
        "{e}"
    );
    assert!(e.contains("--skip-bad") && e.contains("--glob"), "{e}");
    assert!(!e.contains("iconv"), "{e}");
    run_ok(&[&arch], &out, &["--skip-bad"]);
    assert_eq!(rows(&out).len(), 1);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1);
    assert!(errs[0].0.ends_with("scan.txt"), "{errs:?}");

    let elf = dir.path().join("tool.jsonl");
    std::fs::write(&elf, b"\x7fELF\x02\x01\x01\x00\x00\x00").unwrap();
    let e = run_err(&[&elf], &dir.path().join("o2"), &[]);
    assert!(
        e.contains("tool.jsonl: this looks like an ELF executable"),
        "{e}"
    );
    // Text in another encoding still gets the encoding advice.
    let latin = dir.path().join("latin.txt");
    std::fs::write(&latin, b"He said \x93no\x94.").unwrap();
    let e = run_err(&[&latin], &dir.path().join("o3"), &[]);
    assert!(e.contains("not valid UTF-8") && e.contains("iconv"), "{e}");
}

#[test]
fn kept_metadata_follows_every_row_and_documents_csv_counts_each_document() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "a", "text": "Officials said the dam was safe. Engineers disagreed.", "date": "2024-05-01", "src": {"outlet": "Herald"}}"#,
            "\n",
            r#"{"id": "b", "text": "Nobody commented.", "date": 20240602}"#,
            "\n",
        ),
    )
    .unwrap();
    let text = dir.path().join("plain.txt");
    std::fs::write(&text, "A plain article.").unwrap();
    let out = dir.path().join("out");
    run_ok(
        &[&input, &text],
        &out,
        &["--keep", "date,src.outlet", "--target", "The dam is safe"],
    );
    let (header, rows) = read_csv(&out.join("sentences.csv"));
    let n = stance::report::SENTENCE_COLUMNS.len();
    assert_eq!(&header[..n], &stance::report::SENTENCE_COLUMNS[..]);
    assert_eq!(&header[n..], ["date", "src.outlet"]);
    let meta: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["doc_id"].as_str(),
                r["date"].as_str(),
                r["src.outlet"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        meta,
        [
            ("a", "2024-05-01", "Herald"),
            ("a", "2024-05-01", "Herald"),
            ("b", "20240602", ""),
            ("plain", "", ""),
        ]
    );
    // The speaker files carry the same columns.
    for f in std::fs::read_dir(out.join("speakers")).unwrap() {
        let (h, _) = read_csv(&f.unwrap().path());
        assert_eq!(h, header);
    }

    let (dh, docs) = read_csv(&out.join("documents.csv"));
    assert_eq!(&dh[..13], &stance::report::DOCUMENT_COLUMNS[..]);
    assert_eq!(&dh[13..], ["date", "src.outlet"]);
    let ids: Vec<&str> = docs.iter().map(|d| d["doc_id"].as_str()).collect();
    assert_eq!(ids, ["a", "b", "plain"]);
    // Each document row sums up its sentence rows.
    for d in &docs {
        let mine: Vec<_> = rows.iter().filter(|r| r["doc_id"] == d["doc_id"]).collect();
        assert_eq!(d["sentences"], mine.len().to_string());
        for label in ["favor", "against", "none"] {
            let n = mine.iter().filter(|r| r["stance"] == label).count();
            assert_eq!(d[label], n.to_string(), "{label} of {}", d["doc_id"]);
        }
        let mean: f64 = mine
            .iter()
            .map(|r| r["score"].parse::<f64>().unwrap())
            .sum::<f64>()
            / mine.len() as f64;
        assert!((d["mean_score"].parse::<f64>().unwrap() - mean).abs() < 1e-5);
        assert_eq!(d["target"], "The dam is safe");
    }
    assert_eq!(docs[0]["date"], "2024-05-01");
    assert_eq!(docs[2]["date"], "");
    // Where each came from: the archive's lines, and the text file whole.
    let place =
        |d: &std::collections::HashMap<String, String>| (d["file"].clone(), d["line"].clone());
    assert_eq!(place(&docs[0]), (input.display().to_string(), "1".into()));
    assert_eq!(place(&docs[1]), (input.display().to_string(), "2".into()));
    assert_eq!(place(&docs[2]), (text.display().to_string(), String::new()));
}

#[test]
fn a_title_is_one_headline_sentence_before_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    std::fs::write(
        &input,
        "id,title,text\n\
         h1,Dam holds. Town relieved.,Officials said the dam was safe.\n\
         h2,,No title here.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&[&input], &out, &["--title-field", "title"]);
    let (_, rows) = read_csv(&out.join("sentences.csv"));
    let got: Vec<(&str, &str, &str, &str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["doc_id"].as_str(),
                r["sentence_id"].as_str(),
                r["kind"].as_str(),
                r["start"].as_str(),
                r["end"].as_str(),
                r["text"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "h1",
                "0",
                "headline",
                "0",
                "25",
                "Dam holds. Town relieved."
            ),
            (
                "h1",
                "1",
                "indirect",
                "27",
                "59",
                "Officials said the dam was safe."
            ),
            ("h2", "0", "narration", "0", "14", "No title here."),
        ]
    );
    assert_eq!(rows[0]["speaker"], "narrator");
}

#[test]
fn group_by_month_gives_summary_rows_per_speaker_target_and_month() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("g.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "1", "date": "2024-05-01", "text": "“The dam is safe,” engineer Rosa Diaz said."}"#,
            "\n",
            r#"{"id": "2", "date": "2024-05-20T08:00:00Z", "text": "“It will hold,” Rosa Diaz said."}"#,
            "\n",
            r#"{"id": "3", "date": "20240603", "text": "“Cracks are spreading,” Rosa Diaz said."}"#,
            "\n",
            r#"{"id": "4", "text": "“No comment,” Rosa Diaz said."}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&[&input], &out, &["--group-by", "date:month"]);
    // The date is kept, so rows show it.
    let (header, _) = read_csv(&out.join("sentences.csv"));
    assert_eq!(header.last().map(String::as_str), Some("date"));
    let (gh, groups) = read_csv(&out.join("summary-by-group.csv"));
    assert_eq!(gh, stance::report::GROUP_COLUMNS);
    let got: Vec<(&str, &str, &str)> = groups
        .iter()
        .map(|r| {
            (
                r["speaker"].as_str(),
                r["group"].as_str(),
                r["sentences"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Rosa Diaz", "", "1"),
            ("Rosa Diaz", "2024-05", "2"),
            ("Rosa Diaz", "2024-06", "1")
        ]
    );
    // The groups add up to the speaker's summary row.
    let (_, summary) = read_csv(&out.join("summary.csv"));
    let diaz = summary
        .iter()
        .find(|r| r["speaker"] == "Rosa Diaz")
        .unwrap();
    assert_eq!(diaz["sentences"], "4");
    assert_eq!(diaz["documents"], "4");

    // A later run without --group-by leaves no stale groups behind.
    run_ok(&[&input], &out, &[]);
    assert!(!out.join("summary-by-group.csv").exists());
}

#[test]
fn quiet_runs_say_nothing_but_errors() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jsonl");
    std::fs::write(&input, "{\"text\": \"Officials said so.\"}\nnot json\n").unwrap();
    let out = dir.path().join("out");
    let e = run_ok(&[&input], &out, &["--quiet", "--skip-bad"]);
    assert_eq!(e, "");
    let e = run_err(&[&input], &dir.path().join("out2"), &["--quiet"]);
    assert!(e.contains("a.jsonl:2: invalid JSON"), "{e}");
}

#[test]
fn repeated_sentences_are_scored_once_and_come_out_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("syndicated.jsonl");
    let story = "“The dam is safe,” engineer Rosa Diaz said. Sign up for our newsletter.";
    let mut lines = String::new();
    for i in 0..6 {
        lines.push_str(&format!(
            "{{\"id\": \"{i}\", \"text\": \"{} Story {i} is new.\"}}\n",
            story.replace('"', "\\\"")
        ));
    }
    std::fs::write(&input, lines).unwrap();
    let cached = dir.path().join("cached");
    let e = run_ok(&[&input], &cached, &[]);
    // Two of each story's three sentences repeat in the five later copies.
    assert!(
        e.contains("10 of 18 pairs were repeats, not scored again"),
        "{e}"
    );
    let plain = dir.path().join("plain");
    let e = run_ok(&[&input], &plain, &["--cache", "0"]);
    assert!(!e.contains("repeats"), "{e}");
    let read = |d: &Path| std::fs::read_to_string(d.join("sentences.csv")).unwrap();
    assert_eq!(read(&cached), read(&plain));
}

#[test]
fn non_english_documents_are_listed_and_left_out_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.csv");
    // The German text holds commas: quote it.
    std::fs::write(
        &input,
        "id,text\n\
         en,Officials said on Monday that the dam was safe and engineers agreed with them.\n\
         de,\"Die Regierung erklärte am Montag, dass der Damm sicher sei, und die Ingenieure stimmten zu.\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let e = run_ok(&[&input], &out, &[]);
    assert!(
        e.contains("2 records read, 1 scored, 1 left out (1 not English"),
        "{e}"
    );
    let ids: Vec<String> = rows(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["en"]);
    let errs = errors(&out);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].1, "3");
    assert!(
        errs[0].2.starts_with("the text looks German (deu"),
        "{errs:?}"
    );

    let all = dir.path().join("all");
    run_ok(&[&input], &all, &["--any-language"]);
    let ids: Vec<String> = rows(&all).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["en", "de"]);
}

#[test]
fn three_shards_score_every_document_once() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("many.jsonl");
    let mut lines = String::new();
    for i in 0..30 {
        lines.push_str(&format!(
            "{{\"id\": \"doc-{i}\", \"text\": \"Officials said report {i} was accurate.\"}}\n"
        ));
        if i % 10 == 3 {
            lines.push_str("{broken\n");
        }
    }
    std::fs::write(&input, lines).unwrap();
    let whole = dir.path().join("whole");
    run_ok(&[&input], &whole, &["--skip-bad"]);
    let all = rows(&whole);
    assert_eq!(all.len(), 30);
    let mut union = Vec::new();
    let mut errs = Vec::new();
    for k in 1..=3 {
        let out = dir.path().join(format!("shard{k}"));
        let e = run_ok(
            &[&input],
            &out,
            &["--skip-bad", "--shard", &format!("{k}/3")],
        );
        assert!(e.contains(&format!("shard {k}/3: ")), "{e}");
        let mine = rows(&out);
        assert!(
            !mine.is_empty() && mine.len() < 30,
            "shard {k}: {}",
            mine.len()
        );
        // A shard's rows keep the single run's order.
        let positions: Vec<usize> = mine
            .iter()
            .map(|r| all.iter().position(|a| a == r).unwrap())
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        union.extend(mine);
        errs.extend(errors(&out));
    }
    union.sort();
    let mut want = all.clone();
    want.sort();
    assert_eq!(union, want);
    // Each bad record is listed by exactly one shard.
    let mut want_errs = errors(&whole);
    errs.sort();
    want_errs.sort();
    assert_eq!(errs, want_errs);

    // The same split through a Slurm array's variables.
    let out = dir.path().join("slurm");
    let o = stance_cmd()
        .args([
            "run",
            input.to_str().unwrap(),
            "--skip-bad",
            "--model",
            &tiny(),
            "--out",
        ])
        .arg(&out)
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .env("SLURM_ARRAY_TASK_MIN", "0")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(rows(&out), rows(&dir.path().join("shard2")));
}

#[test]
fn the_manifest_names_inputs_settings_and_model_and_its_key_follows_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"1\", \"text\": \"Officials said so.\"}\n",
    )
    .unwrap();
    let manifest = |out: &Path| json(&out.join("manifest.json"));
    let o1 = dir.path().join("o1");
    run_ok(&[&input], &o1, &[]);
    let m = manifest(&o1);
    assert_eq!(m["format"], "stance-run/1");
    assert_eq!(m["finished"], true);
    assert_eq!(m["inputs"][0]["path"], input.display().to_string());
    assert_eq!(m["inputs"][0]["size"], 42);
    assert_eq!(m["backend"], "candle");
    let names: Vec<&str> = m["model"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"model.safetensors"), "{names:?}");
    assert_eq!(m["counts"]["documents"], 1);

    // Same inputs and settings: same key, whatever the shard or threads.
    let o2 = dir.path().join("o2");
    run_ok(&[&input], &o2, &["--threads", "1", "--shard", "1/1"]);
    assert_eq!(manifest(&o2)["key"], m["key"]);
    // Another claim, or changed input bytes: another key.
    let o3 = dir.path().join("o3");
    run_ok(&[&input], &o3, &["--target", "Something else"]);
    assert_ne!(manifest(&o3)["key"], m["key"]);
    std::fs::write(
        &input,
        "{\"id\": \"1\", \"text\": \"Officials said no.\"}\n",
    )
    .unwrap();
    let o4 = dir.path().join("o4");
    run_ok(&[&input], &o4, &[]);
    assert_ne!(manifest(&o4)["key"], m["key"]);
}

/// Every file of an output folder, by path below it, with its bytes
/// (manifest.json aside: it names the shards).
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let rel = e.strip_prefix(dir).unwrap().display().to_string();
        if rel != "manifest.json" {
            out.push((rel, std::fs::read_to_string(&e).unwrap()));
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn three_shards_merged_give_the_single_runs_output() {
    let dir = tempfile::tempdir().unwrap();
    // Two inputs, so that input order spans files; metadata, a group, a
    // bad record, a duplicate, quotes with speakers.
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.csv");
    let mut lines = String::new();
    for i in 0..12 {
        lines.push_str(&format!(
            "{{\"id\": \"a{i}\", \"date\": \"2024-0{}-01\", \"text\": \"“Report {i} is accurate,” engineer Rosa Diaz said. Officials disagreed.\"}}\n",
            1 + i % 3
        ));
        if i == 5 {
            lines.push_str("{broken\n{\"id\": \"a1\", \"text\": \"A recrawl.\"}\n");
        }
    }
    std::fs::write(&a, lines).unwrap();
    let mut csv_text = String::from("id,date,text\n");
    for i in 0..8 {
        csv_text.push_str(&format!(
            "b{i},2024-02-0{},Mayor Lee said bridge {i} was safe.\n",
            1 + i % 5
        ));
    }
    std::fs::write(&b, csv_text).unwrap();
    let flags = [
        "--skip-bad",
        "--dup-ids",
        "skip",
        "--keep",
        "date",
        "--group-by",
        "date:month",
    ];
    let whole = dir.path().join("whole");
    run_ok(&[&a, &b], &whole, &flags);
    let mut shard_dirs = Vec::new();
    for k in [3, 1, 2] {
        let out = dir.path().join(format!("s{k}"));
        let mut f = flags.to_vec();
        let spec = format!("{k}/3");
        f.extend(["--shard", spec.as_str()]);
        run_ok(&[&a, &b], &out, &f);
        shard_dirs.push(out);
    }
    let merged = dir.path().join("merged");
    let o = merge(&merged, &shard_dirs);
    assert!(o.status.success(), "{}", stderr(&o));
    let want = tree(&whole);
    assert!(want.iter().any(|(p, _)| p == "summary-by-group.csv"));
    assert_eq!(tree(&merged), want);
    let m = json(&merged.join("manifest.json"));
    assert_eq!(m["key"], json(&whole.join("manifest.json"))["key"]);
    assert!(m["shard"].is_null());

    // A missing shard, a shard twice, or another run's shard: refused.
    let merge_err = |dirs: &[&Path]| {
        let o = merge(&dir.path().join("bad"), dirs);
        assert!(!o.status.success());
        stderr(&o)
    };
    let e = merge_err(&[&shard_dirs[0], &shard_dirs[1]]);
    assert!(e.contains("shard 2/3 is missing"), "{e}");
    let e = merge_err(&[&shard_dirs[0], &shard_dirs[1], &shard_dirs[1]]);
    assert!(e.contains("shard 1/3 is given twice"), "{e}");
    let other = dir.path().join("other");
    let mut f = flags.to_vec();
    f.extend(["--shard", "2/3", "--target", "Bridges are safe"]);
    run_ok(&[&a, &b], &other, &f);
    let e = merge_err(&[&shard_dirs[0], &shard_dirs[1], &other]);
    assert!(e.contains("manifest keys differ"), "{e}");
    // A shard scored in bf16 (a node whose CPU has it) among fp32 ones:
    // refused, saying which engines and what to do.
    if stance::score::bf16_available() {
        let bf16 = dir.path().join("bf16");
        let mut f = flags.to_vec();
        f.extend(["--shard", "2/3", "--precision", "bf16"]);
        run_ok(&[&a, &b], &bf16, &f);
        let e = merge_err(&[&shard_dirs[0], &shard_dirs[1], &bf16]);
        assert!(
            e.contains("on candle-bf16") && e.contains("--precision"),
            "{e}"
        );
    }
    let e = merge_err(&[&whole]);
    assert!(e.contains("not a shard"), "{e}");
    assert!(!dir.path().join("bad").join("sentences.csv").exists());
}

#[test]
fn the_slurm_example_shards_through_the_array_variables_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(&archive).unwrap();
    let mut lines = String::new();
    for i in 0..9 {
        lines.push_str(&format!(
            "{{\"id\": \"n{i}\", \"title\": \"Story {i}\", \"outlet\": \"Herald\", \"text\": \"Officials said plan {i} would work.\"}}\n"
        ));
    }
    std::fs::write(archive.join("day.jsonl"), lines).unwrap();
    let out = dir.path().join("out");
    for task in 1..=3 {
        let o = std::process::Command::new("bash")
            .arg(root().join("deploy/slurm.sh"))
            .arg(&archive)
            .arg(&out)
            .env("STANCE", BIN)
            .env("STANCE_BACKEND", "candle")
            .env("STANCE_PRECISION", "fp32")
            .env("STANCE_MODEL_DIR", tiny())
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .env("SLURM_CPUS_PER_TASK", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = dir.path().join("merged");
    let o = merge(&merged, (1..=3).map(|t| out.join(format!("shard-{t}"))));
    assert!(o.status.success(), "{}", stderr(&o));
    let whole = dir.path().join("whole");
    let o = stance_cmd()
        .args([
            "run",
            archive.to_str().unwrap(),
            "--out",
            whole.to_str().unwrap(),
        ])
        .args([
            "--threads",
            "1",
            "--keep",
            "date,outlet,url",
            "--title-field",
            "title",
        ])
        .args(["--skip-bad", "--dup-ids", "skip", "--log-every", "60"])
        .env("STANCE_MODEL_DIR", tiny())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tree(&merged), tree(&whole));
    assert_eq!(rows(&whole).len(), 18, "a title and a sentence per story");
}

#[test]
fn a_run_killed_at_random_points_goes_on_and_ends_as_if_never_killed() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("kill.jsonl");
    let mut lines = String::new();
    for i in 0..150 {
        lines.push_str(&format!(
            "{{\"id\": \"k{i}\", \"date\": \"2024-0{}-02\", \"text\": \"“Plan {i} will work,” engineer Rosa Diaz said. Officials disagreed about plan {i}. The mayor said nothing.\"}}\n",
            1 + i % 4
        ));
        if i % 40 == 7 {
            lines.push_str("{not json\n");
        }
    }
    std::fs::write(&input, lines).unwrap();
    let flags = [
        "--skip-bad",
        "--keep",
        "date",
        "--group-by",
        "date:month",
        "--chunk-docs",
        "4",
        "--quiet",
    ];
    let cmd = |out: &Path| {
        let mut c = stance_cmd();
        c.arg("run")
            .arg(&input)
            .args(["--model", &tiny(), "--out"])
            .arg(out)
            .args(flags);
        c
    };
    let whole = dir.path().join("whole");
    let t0 = std::time::Instant::now();
    assert!(cmd(&whole).status().unwrap().success());
    let full = t0.elapsed().as_millis() as u64;

    let mut rng = stance::stats::SplitMix::new(2024);
    // Kill, go on, kill again… until a run finishes. Timing varies between
    // machines: an attempt whose kills all missed is made again afresh.
    let (mut out, mut kills, mut resumed_from_checkpoint, mut finished) =
        (dir.path().to_path_buf(), 0, 0, false);
    for attempt in 0..3 {
        out = dir.path().join(format!("killed-{attempt}"));
        (kills, resumed_from_checkpoint, finished) = (0, 0, false);
        for _ in 0..40 {
            let had_checkpoint = out.join(".stance-partial/checkpoint.json").exists();
            let mut child = cmd(&out).spawn().unwrap();
            // Somewhere in the first half of an uninterrupted run's time
            // (each run goes on from where the last stopped, so it has
            // less to do).
            let wait = full / 20 + rng.below((full / 2).max(1) as usize) as u64;
            std::thread::sleep(Duration::from_millis(wait));
            match child.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success());
                    finished = true;
                    resumed_from_checkpoint += usize::from(had_checkpoint);
                    break;
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    kills += 1;
                    resumed_from_checkpoint += usize::from(had_checkpoint);
                }
            }
        }
        if finished && kills >= 2 && resumed_from_checkpoint >= 1 {
            break;
        }
    }
    assert!(finished, "the run never finished");
    assert!(kills >= 2, "only {kills} kills landed mid-run");
    assert!(
        resumed_from_checkpoint >= 1,
        "no run went on from a checkpoint"
    );
    assert_eq!(tree(&out), tree(&whole));
    assert_eq!(
        json(&out.join("manifest.json")),
        json(&whole.join("manifest.json"))
    );
    assert!(
        !out.join(".stance-partial").exists(),
        "the finished run left its partial folder"
    );

    // Different settings do not go on from another run's checkpoint.
    let other = dir.path().join("other");
    let mut child = cmd(&other).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(full / 2));
    child.kill().unwrap();
    child.wait().unwrap();
    if other.join(".stance-partial/checkpoint.json").exists() {
        let o = run_tiny(
            &[&input],
            &other,
            &["--skip-bad", "--target", "Something else"],
        );
        assert!(!o.status.success());
        assert!(
            stderr(&o).contains("unfinished run of other inputs or settings"),
            "{}",
            stderr(&o)
        );
        let o = run_tiny(
            &[&input],
            &other,
            &["--skip-bad", "--target", "Something else", "--overwrite"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

#[test]
fn a_run_that_fails_after_a_checkpoint_keeps_it_and_says_how_to_start_again() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("late-bad.jsonl");
    let mut lines = String::new();
    for i in 0..20 {
        lines.push_str(&format!(
            "{{\"id\": \"g{i}\", \"text\": \"Officials said item {i} was fine.\"}}\n"
        ));
    }
    lines.push_str("{broken\n");
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("out");
    let e = run_err(&[&input], &out, &["--chunk-docs", "4"]);
    assert!(e.contains("late-bad.jsonl:21: invalid JSON"), "{e}");
    // Five chunks were done and checkpointed before the bad record.
    let cp = json(&out.join(".stance-partial/checkpoint.json"));
    assert_eq!(cp["records_read"], 20);
    // Skipping bad records is another setting: that run is told what to do.
    let e = run_err(&[&input], &out, &["--chunk-docs", "4", "--skip-bad"]);
    assert!(e.contains("give --overwrite to discard it"), "{e}");
    run_ok(
        &[&input],
        &out,
        &["--chunk-docs", "4", "--skip-bad", "--overwrite"],
    );
    assert_eq!(rows(&out).len(), 20);
    assert_eq!(errors(&out).len(), 1);
    assert!(!out.join(".stance-partial").exists());
}

/// Every table of an output folder as text records (header first), by
/// path without its extension: CSV read as it is, Parquet through
/// `stance::report::parquet::records`.
#[cfg(feature = "parquet")]
fn tables(dir: &Path) -> Vec<(String, Vec<csv::StringRecord>)> {
    let mut out = Vec::new();
    for p in walk(dir) {
        let rel = p.strip_prefix(dir).unwrap().with_extension("");
        let records: Vec<csv::StringRecord> = match p.extension().and_then(|x| x.to_str()) {
            Some("csv") => {
                let mut r = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_path(&p)
                    .unwrap();
                r.records().map(|r| r.unwrap()).collect()
            }
            Some("parquet") => {
                let (header, rows) = stance::report::parquet::records(&p).unwrap();
                std::iter::once(header)
                    .chain(rows.map(|r| r.unwrap()))
                    .collect()
            }
            _ => continue,
        };
        out.push((rel.display().to_string(), records));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_tables_hold_what_the_csv_tables_hold_and_shards_merge() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    let mut lines = String::new();
    for i in 0..9 {
        lines.push_str(&format!(
            "{{\"id\": \"n{i}\", \"outlet\": \"Daily {}\", \"date\": \"2023-0{}-12\", \"text\": \"“Tariff {i} will raise prices,” economist Ana Ruiz said. The minister said it would not.\"}}\n",
            i % 2,
            1 + i % 3
        ));
    }
    lines.push_str("{\"id\": \"n9\", \"text\": 7}\n");
    std::fs::write(&input, lines).unwrap();
    let flags = ["--skip-bad", "--keep", "outlet", "--group-by", "date:month"];
    let as_csv = dir.path().join("csv");
    run_ok(&[&input], &as_csv, &flags);
    let as_parquet = dir.path().join("parquet");
    let mut f = flags.to_vec();
    f.extend(["--format", "parquet"]);
    let said = run_ok(&[&input], &as_parquet, &f);
    assert!(said.contains("sentences.parquet"), "{said}");

    let want = tables(&as_csv);
    let names: Vec<&str> = want.iter().map(|(n, _)| n.as_str()).collect();
    for table in [
        "sentences",
        "summary",
        "summary-by-group",
        "documents",
        "errors",
    ] {
        assert!(names.contains(&table), "{names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("speakers/")),
        "{names:?}"
    );
    assert_eq!(want.iter().find(|(n, _)| n == "errors").unwrap().1.len(), 2);
    assert_eq!(tables(&as_parquet), want);
    assert!(walk(&as_parquet)
        .iter()
        .all(|p| p.extension().is_none_or(|x| x != "csv")));

    // Shards written as Parquet merge into Parquet, the single run's.
    let mut shard_dirs = Vec::new();
    for k in [2, 1] {
        let out = dir.path().join(format!("s{k}"));
        let spec = format!("{k}/2");
        let mut g = f.clone();
        g.extend(["--shard", spec.as_str()]);
        run_ok(&[&input], &out, &g);
        shard_dirs.push(out);
    }
    let merged = dir.path().join("merged");
    let o = merge(&merged, &shard_dirs);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(tables(&merged), want);

    // A CSV run into the Parquet folder leaves no Parquet table behind.
    run_ok(&[&input], &as_parquet, &flags);
    assert_eq!(tables(&as_parquet), want);
    assert!(!as_parquet.join("sentences.parquet").exists());
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(
        &input,
        "The minister said tariffs would not raise prices.\n",
    )
    .unwrap();
    let e = run_err(&[&input], &dir.path().join("out"), &["--format", "parquet"]);
    assert!(e.contains("built without Parquet support"), "{e}");
    assert!(e.contains("--features parquet"), "{e}");
}

#[test]
fn an_unwritable_out_is_a_clear_error_and_keeps_the_last_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(
        &input,
        "The minister said tariffs would not raise prices.\n",
    )
    .unwrap();
    // A folder that cannot be made: its parent is a file.
    let file = dir.path().join("file");
    std::fs::write(&file, "not a folder").unwrap();
    let e = run_err(&[&input], &file.join("out"), &[]);
    assert!(
        e.contains("out: cannot create the output folder: Not a directory"),
        "{e}"
    );
    // A finished run, then one that cannot stage its tables (tests may run
    // as root, which writes through permissions, so the staging folder's
    // place is taken by a file): the error names it, and the finished
    // run's tables are untouched.
    let out = dir.path().join("out");
    run_ok(&[&input], &out, &[]);
    let before = tree(&out);
    std::fs::write(out.join(".stance-partial"), "in the way").unwrap();
    let o = run_tiny(&[&input], &out, &[]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains(".stance-partial: cannot clear it"), "{e}");
    std::fs::remove_file(out.join(".stance-partial")).unwrap();
    assert_eq!(tree(&out), before);
}

/// Shards written before 0.5.0 (no clause columns, kept metadata from
/// column 18) still merge: their metadata stays under its own header and
/// the clause columns are empty.
#[test]
fn shards_in_the_layout_before_0_5_still_merge() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "a", "text": "Officials said the dam was safe.", "date": "2024-05-01"}"#,
            "\n",
            r#"{"id": "b", "text": "Engineers said it was not.", "date": "2024-05-02"}"#,
            "\n",
        ),
    )
    .unwrap();
    let old = stance::report::SENTENCE_COLUMNS_BEFORE_0_5;
    let mut shards = Vec::new();
    for k in 1..=2 {
        let out = dir.path().join(format!("s{k}"));
        run_ok(
            &[&input],
            &out,
            &["--keep", "date", "--shard", &format!("{k}/2")],
        );
        // Rewrite sentences.csv as 0.4.0 wrote it.
        let path = out.join("sentences.csv");
        let mut r = csv::Reader::from_path(&path).unwrap();
        let header = r.headers().unwrap().clone();
        let recs: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        let mut w = csv::Writer::from_path(&path).unwrap();
        let drop = |rec: &csv::StringRecord| -> Vec<String> {
            rec.iter()
                .enumerate()
                .filter(|(i, _)| *i < old || *i >= stance::report::SENTENCE_COLUMNS.len())
                .map(|(_, v)| v.to_string())
                .collect()
        };
        w.write_record(drop(&header)).unwrap();
        for rec in &recs {
            w.write_record(drop(rec)).unwrap();
        }
        w.flush().unwrap();
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    let o = merge(&merged, &shards);
    assert!(o.status.success(), "{}", stderr(&o));
    let (header, rows) = read_csv(&merged.join("sentences.csv"));
    assert_eq!(header.last().map(String::as_str), Some("date"));
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["doc_id"].as_str(),
                r["date"].as_str(),
                r["clause_start"].as_str(),
            )
        })
        .collect();
    assert_eq!(got, [("a", "2024-05-01", ""), ("b", "2024-05-02", "")]);
}

/// Across documents speakers fold only by the same name: a document that
/// names `Rosa Diaz` and one that says only `Diaz` (maybe another Diaz)
/// give two speakers, while two documents naming `Rosa Diaz` give one.
#[test]
fn speakers_fold_across_documents_only_by_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"id": "1", "text": "“The dam is safe,” engineer Rosa Diaz said."}"#,
            "\n",
            r#"{"id": "2", "text": "“It will hold,” Rosa Diaz said. Later Diaz said it again."}"#,
            "\n",
            r#"{"id": "3", "text": "“Cracks are spreading,” Diaz said."}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&[&input], &out, &["--target", "The dam is safe"]);
    let (_, summary) = read_csv(&out.join("summary.csv"));
    let got: Vec<(&str, &str, &str)> = summary
        .iter()
        .map(|r| {
            (
                r["speaker"].as_str(),
                r["sentences"].as_str(),
                r["documents"].as_str(),
            )
        })
        .collect();
    assert_eq!(got, [("Rosa Diaz", "3", "2"), ("Diaz", "1", "1")]);
}

/// A disk that fills mid-run (simulated with a file-size limit: writes
/// past it fail with "File too large", as they would with "No space left
/// on device") is a clear error naming the file; the last finished run's
/// tables stay as they were, the checkpoint stays, and the same command,
/// with room again, goes on to the same tables as an uninterrupted run.
#[test]
fn a_full_disk_mid_run_is_a_clear_error_and_the_same_command_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("news.jsonl");
    let mut lines = String::new();
    for i in 0..300 {
        lines.push_str(&format!(
            "{{\"id\": \"n{i}\", \"text\": \"Engineer Rosa Diaz said dam {i} was safe. Officials said the river was rising.\"}}\n"
        ));
    }
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("out");
    // A small finished run first.
    let small = dir.path().join("small.txt");
    std::fs::write(
        &small,
        "The minister said tariffs would not raise prices.\n",
    )
    .unwrap();
    run_ok(&[&small], &out, &[]);
    let before = tree(&out);
    // Then a run whose tables outgrow a 32 KB limit on any one file.
    let args = ["--chunk-docs", "16"];
    let o = std::process::Command::new("bash")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"")
        .arg(BIN)
        .env("STANCE_BACKEND", "candle")
        .env("STANCE_PRECISION", "fp32")
        .arg("run")
        .arg(&input)
        .args(["--model", &tiny(), "--out"])
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(!e.contains("panicked"), "{e}");
    assert!(
        e.contains(".stance-partial/sentences.csv: cannot write: File too large"),
        "{e}"
    );
    assert!(out.join(".stance-partial/checkpoint.json").is_file());
    let mut kept = tree(&out);
    kept.retain(|(name, _)| !name.starts_with(".stance-partial"));
    assert_eq!(kept, before);
    // With room again, the same command goes on and ends where an
    // uninterrupted run does.
    let said = run_ok(&[&input], &out, &args);
    assert!(said.contains("going on with the unfinished run"), "{said}");
    let whole = dir.path().join("whole");
    run_ok(&[&input], &whole, &args);
    assert_eq!(tree(&out), tree(&whole));
}
