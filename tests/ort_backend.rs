//! The ONNX Runtime backend (cargo feature `ort`): the fp32 ONNX export of
//! the tiny fixture must give PyTorch's golden logits, and candle's, to
//! 1e-4.
//!
//! ONNX Runtime's library is found through ORT_DYLIB_PATH or the
//! `onnxruntime` Python package. Without it these tests say so and pass,
//! unless STANCE_REQUIRE_ORT=1 (as `.ci/run` sets), where they fail.
#![cfg(feature = "ort")]

mod common;

use std::path::Path;

use common::golden;
use stance::score::{BackendKind, Scorer, ScorerOptions};

fn fixture() -> String {
    common::fixture("tiny-bert")
}

/// Whether ONNX Runtime can be found; panics when CI requires it.
fn ort_available() -> bool {
    match stance::score::onnx::find_library(None) {
        Ok(_) => true,
        Err(e) => {
            if std::env::var("STANCE_REQUIRE_ORT").is_ok_and(|v| v == "1") {
                panic!("STANCE_REQUIRE_ORT=1 but: {e}");
            }
            eprintln!("skipping the ONNX Runtime tests: {e}");
            false
        }
    }
}

fn logits(backend: BackendKind, threads: usize, intra: usize, batch: usize) -> Vec<Vec<f32>> {
    let g = golden();
    let scorer = Scorer::load(&ScorerOptions {
        backend,
        threads,
        intra_threads: intra,
        batch_size: batch,
        ..ScorerOptions::new(fixture())
    })
    .unwrap();
    let pairs = g.pairs();
    let (l, _) = scorer.logits(&pairs).unwrap();
    assert_eq!(l.len(), g.pairs.len());
    l
}

fn max_diff(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
    a.iter()
        .zip(b)
        .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
        .fold(0.0, f32::max)
}

#[test]
fn onnx_logits_match_pytorch_and_candle() {
    if !ort_available() {
        return;
    }
    let want: Vec<Vec<f32>> = golden().pairs.into_iter().map(|p| p.logits).collect();
    let ort = logits(BackendKind::Ort, 1, 1, 4);
    let d = max_diff(&ort, &want);
    assert!(d < 1e-4, "max |ort - torch| = {d}");
    let candle = logits(BackendKind::Candle, 1, 1, 4);
    let d = max_diff(&ort, &candle);
    assert!(d < 1e-4, "max |ort - candle| = {d}");
}

#[test]
fn session_layouts_agree() {
    if !ort_available() {
        return;
    }
    let one = logits(BackendKind::Ort, 1, 1, 12);
    let two_sessions = logits(BackendKind::Ort, 2, 1, 3);
    let two_threads = logits(BackendKind::Ort, 2, 2, 5);
    assert!(max_diff(&one, &two_sessions) < 1e-5);
    assert!(max_diff(&one, &two_threads) < 1e-5);
}

#[test]
fn missing_onnx_file_says_how_to_export() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::copy(Path::new(&fixture()).join(f), dir.path().join(f)).unwrap();
    }
    let err = Scorer::load(&ScorerOptions {
        backend: BackendKind::Ort,
        ..ScorerOptions::new(dir.path().display().to_string())
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("scripts/export_onnx.py"), "{err}");
    let err = Scorer::load(&ScorerOptions {
        backend: BackendKind::Ort,
        quantized: true,
        ..ScorerOptions::new(fixture())
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("model_int8.onnx"), "{err}");
}

#[test]
fn wrong_library_path_is_named() {
    let err = Scorer::load(&ScorerOptions {
        backend: BackendKind::Ort,
        ort_lib: Some("/no/such/libonnxruntime.so".into()),
        ..ScorerOptions::new(fixture())
    })
    .err()
    .unwrap();
    assert!(
        err.to_string().contains("/no/such/libonnxruntime.so"),
        "{err}"
    );
}

fn default_scorer(backend: BackendKind, quantized: bool) -> Scorer {
    Scorer::load(&ScorerOptions {
        backend,
        quantized,
        threads: 2,
        ..ScorerOptions::new(common::default_model())
    })
    .unwrap()
}

#[test]
fn default_model_onnx_matches_pytorch() {
    if !ort_available() {
        return;
    }
    let d = common::head_golden_diff(&default_scorer(BackendKind::Ort, false));
    assert!(d < 1e-4, "max |ort - torch| = {d}");
}

#[test]
fn backends_agree_on_the_founding_article() {
    if !ort_available() {
        return;
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/helsinki-summit.txt"),
    )
    .unwrap();
    let seg = stance::segment::segment(&text);
    let hyp = stance::score::hypothesis(
        stance::pipeline::DEFAULT_TEMPLATE,
        stance::pipeline::DEFAULT_TARGET,
    )
    .unwrap();
    let pairs: Vec<(&str, &str)> = seg
        .sentences
        .iter()
        .map(|s| (s.text(&text), hyp.as_str()))
        .collect();
    assert!(pairs.len() > 40);
    let (candle, _) = default_scorer(BackendKind::Candle, false)
        .score(&pairs)
        .unwrap();
    let (ort, _) = default_scorer(BackendKind::Ort, false)
        .score(&pairs)
        .unwrap();
    // fp32 ONNX: every label the same, probabilities to 1e-4.
    for ((c, o), (s, _)) in candle.iter().zip(&ort).zip(&pairs) {
        assert_eq!(c.label(), o.label(), "`{s}`: {c:?} vs {o:?}");
        assert!((c.favor - o.favor).abs() < 1e-4 && (c.against - o.against).abs() < 1e-4);
    }
}
