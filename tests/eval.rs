//! `stance eval`: metrics and predictions for labelled CSV, and errors that
//! name the file and line.

use crate::common::*;

#[test]
fn eval_reports_metrics_for_a_csv() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("mine.csv");
    std::fs::write(
        &data,
        "text,label,target\n\
         \"Investigators found that Moscow ran the hacking operation.\",favor,\n\
         \"The minister said his country never meddled in any foreign vote.\",against,\n\
         \"The council approved a new bus route on Tuesday.\",none,\n\
         \"Wages must go up now, the union said.\",favor,The minimum wage should be raised\n",
    )
    .unwrap();
    let json = dir.path().join("metrics.json");
    let preds = dir.path().join("preds.csv");
    let o = stance(&[
        "eval",
        data.to_str().unwrap(),
        "--model",
        &tiny(),
        "--out",
        json.to_str().unwrap(),
        "--predictions",
        preds.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("4 examples: accuracy"), "{out}");
    assert!(
        out.contains("confusion (rows gold, columns predicted)"),
        "{out}"
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let confusion: Vec<Vec<u64>> = serde_json::from_value(m["confusion"].clone()).unwrap();
    assert_eq!(confusion.iter().flatten().sum::<u64>(), 4);
    assert_eq!(confusion[0].iter().sum::<u64>(), 2, "two favor rows");
    let (_, rows) = read_csv(&preds);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3]["target"], "The minimum wage should be raised.");
    assert_eq!(
        rows[0]["target"],
        "Russia interfered in the 2016 US election."
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "text,label\nSure.,yes\n").unwrap();
    let o = stance(&["eval", bad.to_str().unwrap(), "--model", &tiny()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}

#[test]
fn a_missing_file_is_named_as_missing() {
    let o = stance(&["eval", "/no/such/labels.csv", "--model", &tiny()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("/no/such/labels.csv: no such file"), "{e}");
    assert!(!e.contains("UTF-8"), "{e}");
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"text,label\nCaf\xe9 owners agree.,favor\n").unwrap();
    let o = stance(&["eval", latin1.to_str().unwrap(), "--model", &tiny()]);
    assert!(
        stderr(&o).contains("not valid UTF-8 at byte 14 (line 2)"),
        "{}",
        stderr(&o)
    );
    let odd = dir.path().join("labels.txt");
    std::fs::write(&odd, "text,label\n").unwrap();
    let o = stance(&["eval", odd.to_str().unwrap(), "--model", &tiny()]);
    assert!(stderr(&o).contains("pass --format"), "{}", stderr(&o));
}
