//! Parity with the Python reference: the tiny BERT cross-encoder built by
//! `tests/fixtures/make_fixtures.py` must give PyTorch's logits (and token
//! ids) to 1e-4 through candle.

use std::path::Path;

use crate::common::{default_scorer, fixture, golden, head_golden_diff};
use stance::score::{Scorer, ScorerOptions};

fn check(model: &str, threads: usize, batch_size: usize) {
    let g = golden();
    let scorer = Scorer::load(&ScorerOptions {
        threads,
        batch_size,
        ..ScorerOptions::new(fixture(model))
    })
    .unwrap();
    let pairs = g.pairs();
    let (logits, stats) = scorer.logits(&pairs).unwrap();
    assert_eq!(stats.pairs, g.pairs.len());
    assert_eq!(logits.len(), g.pairs.len());
    let mut max_diff = 0f32;
    for (got, want) in logits.iter().zip(&g.pairs) {
        assert_eq!(got.len(), want.logits.len());
        for (a, b) in got.iter().zip(&want.logits) {
            max_diff = max_diff.max((a - b).abs());
        }
    }
    assert!(max_diff < 1e-4, "max |candle - torch| = {max_diff}");
}

#[test]
fn tokenizer_matches_python() {
    let g = golden();
    let tok =
        stance::score::load_tokenizer(&Path::new(&fixture("tiny-bert")).join("tokenizer.json"), 64)
            .unwrap();
    for p in &g.pairs {
        let enc = tok
            .encode((p.premise.as_str(), p.hypothesis.as_str()), true)
            .unwrap();
        assert_eq!(enc.get_ids(), p.input_ids.as_slice(), "{}", p.premise);
    }
}

#[test]
fn safetensors_logits_match_pytorch() {
    check("tiny-bert", 1, 4);
}

#[test]
fn pytorch_bin_logits_match_pytorch() {
    check("tiny-bert-pth", 1, 12);
}

#[test]
fn threading_and_batching_do_not_change_results() {
    check("tiny-bert", 2, 1);
    check("tiny-bert", 2, 5);
}

#[test]
fn label_order_comes_from_config() {
    // The fixture's id2label is NEUTRAL, Contradiction, entailment.
    let scorer = Scorer::load(&ScorerOptions {
        threads: 1,
        ..ScorerOptions::new(fixture("tiny-bert"))
    })
    .unwrap();
    let stance::score::Mode::CrossEncoder(l) = scorer.mode() else {
        panic!("the fixture is a cross-encoder");
    };
    assert_eq!((l.none, l.against, l.favor), (0, 1, 2));
    let g = golden();
    let pairs = g.pairs();
    let (probs, _) = scorer.score(&pairs).unwrap();
    for (p, want) in probs.iter().zip(&g.pairs) {
        let sm = stance::score::softmax(&want.logits);
        assert!((p.favor - sm[2]).abs() < 1e-4);
        assert!((p.against - sm[1]).abs() < 1e-4);
        assert!((p.none - sm[0]).abs() < 1e-4);
        assert!((p.favor + p.against + p.none - 1.0).abs() < 1e-5);
    }
}

#[test]
fn default_model_matches_pytorch() {
    // The bundled bi-encoder: f16 weights widened to f32, mean pooling, the
    // linear stance head and the relevance gate, against
    // models/train/golden.py.
    let scorer = default_scorer();
    assert!(matches!(scorer.mode(), stance::score::Mode::BiEncoder(_)));
    let d = head_golden_diff(scorer);
    assert!(d < 1e-4, "max |candle - torch| = {d}");
}
