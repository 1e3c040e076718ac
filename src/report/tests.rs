//! The report's unit tests: the tables as written, their counts and the
//! position rule.

use super::*;
use crate::attribute::Kind;
use crate::score::Stance;

/// A run killed while its tables were being moved into place left a
/// checkpoint but not the staged tables it counts bytes of: going on
/// from it would fail, so the next run starts afresh.
#[test]
fn a_checkpoint_without_its_staged_tables_is_not_gone_on_from() {
    let dir = tempfile::tempdir().unwrap();
    let partial = dir.path().join(PARTIAL_DIR);
    std::fs::create_dir_all(&partial).unwrap();
    let cp = Checkpoint {
        key: "k".into(),
        records_read: 3,
        lengths: [10, 10, 10],
        counts: serde_json::json!({}),
    };
    std::fs::write(
        partial.join(CHECKPOINT_FILE),
        serde_json::to_string(&cp).unwrap(),
    )
    .unwrap();
    for t in ["documents.csv", "errors.csv"] {
        std::fs::write(partial.join(t), "x").unwrap();
    }
    assert_eq!(Checkpoint::find(dir.path()).unwrap(), None);
    std::fs::write(partial.join("sentences.csv"), "x").unwrap();
    assert_eq!(Checkpoint::find(dir.path()).unwrap(), Some(cp));
}

#[test]
fn slugs() {
    assert_eq!(slug("Russian foreign ministry"), "russian-foreign-ministry");
    assert_eq!(slug("the report"), "the-report");
    assert_eq!(slug("U.S. Justice Department"), "u-s-justice-department");
    assert_eq!(slug("O’Rourke"), "o-rourke");
    assert_eq!(slug("..."), "speaker");
}

fn row(speaker: &str, kind: Kind, favor: f32, against: f32) -> Row {
    Row {
        doc_id: "d".into(),
        sentence_id: 0,
        start: 0,
        end: 1,
        speaker: speaker.into(),
        kind,
        mention: String::new(),
        cue: String::new(),
        target: "t".into(),
        favor: Some(favor),
        against: Some(against),
        none: Some(1.0 - favor - against),
        stance: Some(
            crate::score::Probs {
                favor,
                against,
                none: 1.0 - favor - against,
            }
            .stance(),
        ),
        score: Some(favor - against),
        text: "x".into(),
        mention_start: None,
        mention_end: None,
        clause_start: Some(0),
        clause_end: Some(1),
        nested_speaker: String::new(),
        meta: Vec::new(),
        file: "f.jsonl".into(),
        line: Some(1),
        document_topic: None,
    }
}

#[test]
fn document_rows_take_their_stance_from_on_topic_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
    // The gate's ruling on each document: on, none (not judged), off.
    let topic = |id: &str| match id {
        "d1" => Some(true),
        "d3" => Some(false),
        _ => None,
    };
    let mut doc = |id: &str, rows: &[(Kind, f32, f32)]| {
        for &(kind, favor, against) in rows {
            let mut x = row("Ann", kind, favor, against);
            x.doc_id = id.into();
            // A skip row is not scored, so it carries no ruling.
            x.document_topic = topic(id).filter(|_| kind != Kind::Skip);
            r.write(&x).unwrap();
        }
    };
    // Two on-topic favor sentences, one off topic, one skipped.
    doc(
        "d1",
        &[
            (Kind::Direct, 0.8, 0.1),
            (Kind::Direct, 0.7, 0.2),
            (Kind::Narration, 0.0, 0.0),
            (Kind::Skip, 0.0, 0.9),
        ],
    );
    // Mixed: on-topic mean within 0.1 of zero.
    doc("d2", &[(Kind::Direct, 0.6, 0.3), (Kind::Direct, 0.3, 0.6)]);
    // Only off-topic sentences.
    doc("d3", &[(Kind::Narration, 0.1, 0.1)]);
    // Only skipped sentences: still listed, with nothing counted.
    doc("d4", &[(Kind::Skip, 0.0, 0.9)]);
    r.finish().unwrap();
    let mut rd = csv::Reader::from_path(dir.path().join("documents.csv")).unwrap();
    let got: Vec<Vec<String>> = rd
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let want = [
        [
            "d1", "t", "3", "2", "0", "1", "0.400000", "favor", "2", "0.600000", "f.jsonl", "1",
            "on",
        ],
        [
            "d2", "t", "2", "1", "1", "0", "0.000000", "none", "2", "0.000000", "f.jsonl", "1", "",
        ],
        [
            "d3", "t", "1", "0", "0", "1", "0.000000", "none", "0", "", "f.jsonl", "1", "off",
        ],
        [
            "d4", "t", "0", "0", "0", "0", "0.000000", "none", "0", "", "f.jsonl", "1", "",
        ],
    ];
    assert_eq!(got, want);
}

#[test]
fn dates_group_by_year_month_or_day() {
    let g = |spec: &str, v: &str| GroupBy::parse(spec).unwrap().group(v);
    assert_eq!(g("date:month", "2024-05-01"), "2024-05");
    assert_eq!(g("date:month", "2024-05-01T12:00:00Z"), "2024-05");
    assert_eq!(g("date:month", "20240501123000"), "2024-05");
    assert_eq!(g("date:year", "2024-05"), "2024");
    assert_eq!(g("date:day", "2024-05-01 08:00"), "2024-05-01");
    assert_eq!(g("date:month", "May 2024"), "May 2024");
    assert_eq!(g("date:month", ""), "");
    assert_eq!(g("outlet", "Herald"), "Herald");
    assert_eq!(g("a:b:month", "2024-05-01"), "2024-05");
    assert!(GroupBy::parse("date:week").is_err());
}

#[test]
fn summary_counts_and_means_skip_excluded() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
    r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
    r.write(&row("Ann", Kind::Direct, 0.2, 0.7)).unwrap();
    r.write(&row("Ann", Kind::Indirect, 0.6, 0.3)).unwrap();
    r.write(&row("", Kind::Skip, 0.9, 0.0)).unwrap();
    let w = r.finish().unwrap();
    assert_eq!(w.rows, 4);
    assert_eq!(w.summary.len(), 1);
    let s = &w.summary[0];
    assert_eq!((s.sentences, s.favor, s.against, s.none), (3, 2, 1, 0));
    // mean favor 0.5333, mean against 0.3667
    assert!((s.mean_score - (1.6 - 1.1) / 3.0).abs() < 1e-5);
    assert_eq!(s.stance, Stance::Favor);
    assert!(dir.path().join("speakers/ann.csv").is_file());
    assert!(!dir.path().join("speakers/speaker.csv").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !leftovers.iter().any(|n| n.starts_with(".stance-")),
        "{leftovers:?}"
    );
}

/// Where every sentence is on topic, `mean_score` and
/// `on_topic_mean_score` are one mean of one column: they were computed
/// from the rounded favor and against on one side and the rounded
/// score on the other, and differed in the sixth decimal.
#[test]
fn all_on_topic_speakers_have_one_mean() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
    // 0.8000006 and 0.1000004 round to 0.800001 and 0.100000, their
    // difference 0.7000002 to 0.700000.
    for _ in 0..3 {
        r.write(&row("Ann", Kind::Direct, 0.800_000_6, 0.100_000_4))
            .unwrap();
    }
    r.write(&row("Ann", Kind::Direct, 0.05, 0.9)).unwrap();
    let w = r.finish().unwrap();
    let s = &w.summary[0];
    assert_eq!(s.on_topic, s.sentences);
    assert_eq!(Some(s.mean_score), s.on_topic_mean_score);
    let text = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    let cells: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(cells[6], cells[9], "{text}");
}

/// The position rule (docs/output.md): the evidence must agree with
/// itself.
#[test]
fn positions_need_evidence_that_agrees() {
    let e = |favor, against, mean, ci| Evidence {
        favor,
        against,
        mean,
        ci,
    };
    assert_eq!(position(e(0, 0, 0.0, None)), Stance::None);
    assert_eq!(position(e(1, 0, 0.8, None)), Stance::Favor);
    assert_eq!(position(e(0, 3, -0.3, None)), Stance::Against);
    // A mean near zero is mixed or neutral.
    assert_eq!(position(e(3, 0, 0.05, None)), Stance::None);
    // 6 favor, 5 against and a mean of -0.04 (the counts and the mean
    // disagree, and the mean is near zero) is none; so are counts and a
    // clear mean of opposite signs.
    assert_eq!(position(e(6, 5, -0.04, None)), Stance::None);
    assert_eq!(position(e(5, 6, 0.3, None)), Stance::None);
    assert_eq!(position(e(2, 3, -0.3, None)), Stance::Against);
    // One on-topic sentence labelled none leans neither way, whatever its
    // score.
    assert_eq!(position(e(0, 0, 0.23, None)), Stance::None);
    // As many each way is none.
    assert_eq!(position(e(1, 1, -0.36, None)), Stance::None);
    // With several documents, the interval must lie on the mean's side.
    assert_eq!(position(e(9, 1, 0.3, Some((-0.1, 0.6)))), Stance::None);
    assert_eq!(position(e(9, 1, 0.3, Some((0.1, 0.5)))), Stance::Favor);
    assert_eq!(position(e(1, 9, -0.3, Some((-0.5, 0.01)))), Stance::None);
    assert_eq!(position(e(1, 9, -0.3, Some((-0.5, -0.1)))), Stance::Against);

    // Off-topic sentences (none ≥ 0.5) do not dilute the position:
    // Bo says two clearly against things among many unrelated ones.
    let dir = tempfile::tempdir().unwrap();
    let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
    for _ in 0..8 {
        r.write(&row("Bo", Kind::Direct, 0.0, 0.0)).unwrap();
    }
    r.write(&row("Bo", Kind::Direct, 0.05, 0.9)).unwrap();
    r.write(&row("Bo", Kind::Indirect, 0.1, 0.8)).unwrap();
    let mut other = row("Cy", Kind::Direct, 0.9, 0.05);
    other.doc_id = "d1".into();
    r.write(&other).unwrap();
    other.doc_id = "d2".into();
    r.write(&other).unwrap();
    let w = r.finish().unwrap();
    let bo = w.summary.iter().find(|s| s.speaker == "Bo").unwrap();
    assert_eq!((bo.sentences, bo.none, bo.on_topic), (10, 8, 2));
    assert_eq!(bo.stance, Stance::Against);
    assert!((bo.on_topic_mean_score.unwrap() + 0.775).abs() < 1e-6);
    assert!(bo.mean_score > -0.2, "the all-sentence mean is diluted");
    assert_eq!((bo.documents, bo.on_topic_ci_low), (1, None));
    let cy = w.summary.iter().find(|s| s.speaker == "Cy").unwrap();
    assert_eq!((cy.documents, cy.stance), (2, Stance::Favor));
    assert!((cy.on_topic_ci_low.unwrap() - 0.85).abs() < 1e-6);
    let text = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    assert_eq!(text.lines().next().unwrap(), SUMMARY_COLUMNS.join(","));
}

/// A skip row (a byline, a credit) is not scored: its stance cells are
/// empty, and it counts in no summary or document row.
#[test]
fn unscored_skip_rows_have_empty_stance_cells_and_count_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
    r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
    let mut skip = row("", Kind::Skip, 0.0, 0.0);
    (skip.favor, skip.against, skip.none, skip.stance, skip.score) = (None, None, None, None, None);
    r.write(&skip).unwrap();
    let w = r.finish().unwrap();
    assert_eq!(w.rows, 2);
    assert_eq!(w.summary.len(), 1);
    assert_eq!(w.summary[0].sentences, 1);
    let (header, rows) = {
        let mut rd = csv::Reader::from_path(dir.path().join("sentences.csv")).unwrap();
        let h = rd.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
        (h, rows)
    };
    for col in ["favor", "against", "none", "stance", "score"] {
        let i = header.iter().position(|h| h == col).unwrap();
        assert_eq!(&rows[1][i], "", "{col}");
        assert_ne!(&rows[0][i], "", "{col}");
    }
    // Read back (merge, resume), the row is unscored again.
    let back = Row::from_record(&rows[1], SENTENCE_COLUMNS.len(), "", None).unwrap();
    assert!(back.probs().is_none() && back.stance.is_none() && !back.counts());
    let (_, docs) = {
        let mut rd = csv::Reader::from_path(dir.path().join("documents.csv")).unwrap();
        let h = rd.headers().unwrap().clone();
        (h, rd.records().map(|r| r.unwrap()).collect::<Vec<_>>())
    };
    assert_eq!(&docs[0][2], "1", "documents.csv counts the scored row only");
}

#[test]
fn dropped_report_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut r = Report::create(dir.path(), &[]).unwrap();
        r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let fresh = dir.path().join("new-out");
    drop(Report::create(&fresh, &[]).unwrap());
    assert!(!fresh.exists());
}
