//! `stance bench`: every setting measured and written as JSON.

use crate::common::*;

#[test]
fn bench_prints_every_setting_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let o = stance(&[
        "bench",
        "--model",
        &tiny(),
        "--threads",
        "1,2",
        "--batch-size",
        "1,4",
        "--sentences",
        "40",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("40 pairs (40 sentences from the founding article, repeated × 1 target(s))"),
        "{out}"
    );
    assert!(out.contains("stages: segment"), "{out}");
    assert!(out.contains("limit:"), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let settings = v["settings"].as_array().unwrap();
    assert_eq!(settings.len(), 4);
    for s in settings {
        assert_eq!(s["pairs"], 40);
        assert!(s["pairs_per_sec"].as_f64().unwrap() > 0.0);
        assert!(
            s["padded_tokens_per_sec"].as_f64().unwrap() >= s["tokens_per_sec"].as_f64().unwrap()
        );
        assert!(s["p95_batch_ms"].as_f64().unwrap() >= s["p50_batch_ms"].as_f64().unwrap());
    }
    assert_eq!(v["stages"]["sentences"], 40);

    let pairs = dir.path().join("pairs.jsonl");
    let o = stance(&[
        "bench",
        "--model",
        &tiny(),
        "--sentences",
        "12",
        "--write-pairs",
        pairs.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&pairs)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    assert_eq!(
        lines[0]["hypothesis"],
        "Russia interfered in the 2016 US election."
    );
}

#[test]
fn bench_pairs_every_sentence_with_every_target_and_counts_the_gated() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("b.json");
    let model = default_model();
    let o = stance(&[
        "bench",
        "--model",
        &model,
        "--threads",
        "1",
        "--batch-size",
        "4,8",
        "--sentences",
        "20",
        "--target",
        "Russia interfered in the 2016 US election",
        "--target",
        "The minimum wage should be raised",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let s = &v["settings"][0];
    assert_eq!(s["pairs"], 40);
    // The cascade's gate rules most of the founding article off the
    // minimum wage, so those pairs never reach the cross-encoder.
    let gated = s["gated_pairs"].as_u64().unwrap();
    assert!((15..40).contains(&gated), "{gated} of 40 pairs gated");
    let out = stdout(&o);
    assert!(out.contains(&format!("gate: {gated} of 40 pairs ruled off-topic")));
    // The table's rows (two settings) follow its header without a break;
    // the gate's line comes after them.
    let lines: Vec<&str> = out.lines().collect();
    let header = lines.iter().position(|l| l.starts_with("backend")).unwrap();
    let gate = lines.iter().position(|l| l.starts_with("gate:")).unwrap();
    assert_eq!(gate, header + 3, "{out}");
}
