//! `report.html`: `stance run --html` and `stance report DIR`. What a
//! browser makes of the page is checked in `optional.rs` (it needs
//! Chromium); here, the page's content against the tables, escaping of
//! hostile text, self-containment and the size budget.

use std::path::Path;

use crate::common::*;

fn html_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("report.html")).unwrap()
}

/// Escape as the page does, to find a table's text in it.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

#[test]
fn the_founding_articles_page_shows_every_speakers_counts_and_rebuilds_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let said = run_ok(&[Path::new(&article())], &out, &["--html"]);
    assert!(said.contains("report.html"));
    let html = html_of(&out);
    let (_, summary) = read_csv(&out.join("summary.csv"));
    assert!(summary.len() >= 3);
    for r in &summary {
        let row = format!(
            "<td><bdi>{}</bdi></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&r["speaker"]),
            r["sentences"],
            r["favor"],
            r["against"],
            r["none"],
            r["on_topic"]
        );
        assert!(html.contains(&row), "no table row {row}");
        assert!(
            html.contains(&format!(
                "<g class=\"bar\" data-speaker=\"{}\"",
                esc(&r["speaker"])
            )),
            "no bar for {}",
            r["speaker"]
        );
    }
    assert_eq!(html.matches("<g class=\"bar\"").count(), summary.len());
    assert!(html.contains("Russia interfered in the 2016 US election"));
    // Self-contained: nothing to fetch when opened.
    for needle in ["<link", "src=", "@import", "url("] {
        assert!(!html.contains(needle), "the page loads something: {needle}");
    }
    assert_eq!(
        html.matches("http").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    // `stance report` rebuilds the same page from the folder.
    std::fs::remove_file(out.join("report.html")).unwrap();
    let o = stance(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(html_of(&out), html);
    // A later run without --html leaves no page describing other rows.
    run_ok(&[Path::new(&article())], &out, &[]);
    assert!(!out.join("report.html").exists());
}

#[test]
fn hostile_text_is_escaped_and_isolated() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.txt");
    std::fs::write(
        &input,
        "“<script>alert('pwned')</script> is \u{202E}safe\u{202C},” said Mayor Dan O'Hara.\n\n\
         Officials said the <b>plan</b> & its \"costs\" were fine.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let claim = "<img src=x onerror=alert(1)> works";
    run_ok(&[&input], &out, &["--target", claim, "--html"]);
    let html = html_of(&out);
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>plan"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; works"));
    assert!(html.contains("&lt;script&gt;alert("));
    // A right-to-left override stays inside its own isolated text.
    let mut seen = 0;
    for (at, _) in html.match_indices('\u{202E}') {
        let before = &html[..at];
        let open = before.rfind("<bdi").expect("inside a <bdi>");
        assert!(before.rfind("</bdi>").is_none_or(|close| close < open));
        seen += 1;
    }
    assert!(seen > 0, "the sentence with the mark is quoted");
}

#[test]
fn ten_thousand_documents_and_two_thousand_speakers_stay_under_five_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let target = "Tariffs raise prices";
    let speakers: Vec<String> = (0..2000).map(|i| format!("Speaker Number {i}")).collect();
    let mut summary = csv::Writer::from_path(out.join("summary.csv")).unwrap();
    summary
        .write_record(stance::report::SUMMARY_COLUMNS)
        .unwrap();
    for (i, s) in speakers.iter().enumerate() {
        let n = 60 - i / 40;
        summary
            .write_record([
                s.as_str(),
                target,
                &n.to_string(),
                &(n / 2).to_string(),
                &(n / 4).to_string(),
                &(n - n / 2 - n / 4).to_string(),
                "0.100000",
                "favor",
                &(n / 2).to_string(),
                "0.300000",
                "0.100000",
                "0.500000",
                "5",
            ])
            .unwrap();
    }
    summary.flush().unwrap();
    // Written in the layout before 0.5.0 (no clause columns), which
    // `stance report` still reads.
    let mut sentences = csv::Writer::from_path(out.join("sentences.csv")).unwrap();
    sentences
        .write_record(
            &stance::report::SENTENCE_COLUMNS[..stance::report::SENTENCE_COLUMNS_BEFORE_0_5],
        )
        .unwrap();
    let text = "The minister said that tariffs on steel would raise the prices of cars, \
                appliances and houses within the year, according to the ministry's own study.";
    for d in 0..10_000 {
        for k in 0..8 {
            let s = &speakers[(d * 8 + k) % 2000];
            let score = ((d * 7 + k * 13) % 200) as f32 / 100.0 - 1.0;
            let (favor, against) = if score > 0.0 {
                (score, 0.0)
            } else {
                (0.0, -score)
            };
            let stance = if score > 0.0 { "favor" } else { "against" };
            sentences
                .write_record([
                    &format!("doc-{d}"),
                    &k.to_string(),
                    "0",
                    "10",
                    s,
                    "indirect",
                    s,
                    "said",
                    target,
                    &format!("{favor:.6}"),
                    &format!("{against:.6}"),
                    &format!("{:.6}", 1.0 - favor - against),
                    stance,
                    &format!("{score:.6}"),
                    text,
                    "",
                    "",
                ])
                .unwrap();
        }
    }
    sentences.flush().unwrap();
    let o = stance(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = html_of(out);
    let size = html.len();
    assert!(size <= 5_000_000, "report.html is {size} bytes");
    assert_eq!(
        html.matches("<tr").count(),
        2001,
        "every speaker in the table"
    );
    assert_eq!(
        html.matches("<g class=\"bar\"").count(),
        stance::report::html::TOP_SPEAKERS
    );
    assert!(html.contains("10000 documents, 80000 sentences, 2000 speakers"));
}

#[test]
fn a_folder_without_tables_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = stance(&["report", dir.path().to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains("no sentences.csv or sentences.parquet; give the output folder of `stance run`"),
        "{e}"
    );
}

#[test]
fn a_table_that_is_not_stances_names_the_file_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sentences.csv"), "a,b\n1,2\n").unwrap();
    std::fs::write(dir.path().join("summary.csv"), "speaker,target\nAnn,x\n").unwrap();
    let o = stance(&["report", dir.path().to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "{}/summary.csv: no `sentences` column; is it a stance output?",
            dir.path().display()
        )),
        "{e}"
    );
}
