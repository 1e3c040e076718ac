//! Parity with the Python reference: the tiny BERT cross-encoder built by
//! `tests/fixtures/make_fixtures.py`, and the tiny MPNet of
//! `make_mpnet_fixture.py`, must give PyTorch's logits (and token ids) to
//! 1e-4 through candle.

use std::path::Path;

use crate::common::{
    as_pairs, bi_model, bi_scorer, default_model, default_scorer, fixture, golden,
    head_golden_diff, GoldenPair,
};
use stance::score::{Scorer, ScorerOptions};

fn check(model: &str, threads: usize, batch_size: usize) {
    check_logits(model, &golden().pairs, threads, batch_size);
}

/// `model`'s logits for the golden pairs are PyTorch's, to 1e-4.
fn check_logits(model: &str, golden: &[GoldenPair], threads: usize, batch_size: usize) {
    let scorer = Scorer::load(&ScorerOptions {
        threads,
        batch_size,
        ..ScorerOptions::new(fixture(model))
    })
    .unwrap();
    let (logits, stats) = scorer.logits(&as_pairs(golden)).unwrap();
    assert_eq!(stats.pairs, golden.len());
    assert_eq!(logits.len(), golden.len());
    let mut max_diff = 0f32;
    for (got, want) in logits.iter().zip(golden) {
        assert_eq!(got.len(), want.logits.len());
        for (a, b) in got.iter().zip(&want.logits) {
            max_diff = max_diff.max((a - b).abs());
        }
    }
    assert!(
        max_diff < 1e-4,
        "{model}, {threads} threads, batches of {batch_size}: max |candle - torch| = {max_diff}"
    );
}

/// `model`'s tokenizer gives Python's token ids for the golden pairs.
fn check_tokens(model: &str, golden: &[GoldenPair]) {
    let tok = stance::score::load_tokenizer(&Path::new(&fixture(model)).join("tokenizer.json"), 64)
        .unwrap();
    for p in golden {
        let enc = tok
            .encode((p.premise.as_str(), p.hypothesis.as_str()), true)
            .unwrap();
        assert_eq!(enc.get_ids(), p.input_ids.as_slice(), "{}", p.premise);
    }
}

/// The tiny MPNet of `tests/fixtures/make_mpnet_fixture.py`: the
/// teacher's architecture.
#[derive(serde::Deserialize)]
struct MpnetGolden {
    pairs: Vec<GoldenPair>,
    buckets: Buckets,
}

#[derive(serde::Deserialize)]
struct Buckets {
    from: i64,
    of: Vec<usize>,
}

fn mpnet_golden() -> MpnetGolden {
    let p = Path::new(&fixture("tiny-mpnet")).join("golden.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn mpnet_logits_match_pytorch_in_any_batch() {
    let g = mpnet_golden();
    check_tokens("tiny-mpnet", &g.pairs);
    // The longest pair reaches the logarithmic buckets (distance 8 on).
    assert!(g.pairs.iter().any(|p| p.input_ids.len() > 40));
    for (threads, batch_size) in [(1, 12), (1, 1), (2, 5)] {
        check_logits("tiny-mpnet", &g.pairs, threads, batch_size);
    }
}

#[test]
fn mpnet_buckets_match_pytorch() {
    let g = mpnet_golden();
    assert_eq!(g.buckets.of.len(), 1201);
    for (i, &want) in g.buckets.of.iter().enumerate() {
        let r = g.buckets.from + i as i64;
        assert_eq!(
            stance::score::bert::mpnet_bucket(r, 32),
            want,
            "relative position {r}"
        );
    }
}

#[test]
fn mpnet_labels_are_read_by_name() {
    // The fixture's id2label is none, favor, against: its probabilities
    // must come out in stance's order whatever the model's.
    let g = mpnet_golden();
    let scorer = Scorer::load(&ScorerOptions {
        threads: 1,
        ..ScorerOptions::new(fixture("tiny-mpnet"))
    })
    .unwrap();
    let (probs, _) = scorer
        .score(&[(g.pairs[0].premise.as_str(), g.pairs[0].hypothesis.as_str())])
        .unwrap();
    let [none, favor, against] = stance::score::softmax(&g.pairs[0].logits)[..] else {
        panic!("three logits");
    };
    let p = &probs[0];
    assert!((p.favor - favor).abs() < 1e-4, "{p:?}");
    assert!((p.against - against).abs() < 1e-4, "{p:?}");
    assert!((p.none - none).abs() < 1e-4, "{p:?}");
}

#[test]
fn tokenizer_matches_python() {
    check_tokens("tiny-bert", &golden().pairs);
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
    // The bundled cascade: the gate's cosines from the frozen encoder, the
    // fine-tuned cross-encoder's softmax on the pairs it lets through (f16
    // weights widened to f32 on both sides), against models/train/golden.py.
    let scorer = default_scorer();
    assert!(matches!(scorer.mode(), stance::score::Mode::Cascade { .. }));
    let d = head_golden_diff(scorer, &default_model());
    assert!(d < 1e-4, "max |candle - torch| = {d}");
}

#[test]
fn bi_encoder_model_matches_pytorch() {
    // The bundled bi-encoder: mean pooling, the linear stance head and its
    // relevance gate.
    let scorer = bi_scorer();
    assert!(matches!(scorer.mode(), stance::score::Mode::BiEncoder(_)));
    let d = head_golden_diff(scorer, &bi_model());
    assert!(d < 1e-4, "max |candle - torch| = {d}");
}

/// A cascade folder over the tiny cross-encoder, gated by the same tiny
/// encoder's embeddings, at `threshold`.
fn tiny_cascade(dir: &Path, threshold: f32) -> String {
    let ce = dir.join("ce");
    std::fs::create_dir_all(&ce).unwrap();
    for f in ["config.json", "tokenizer.json", "model.safetensors"] {
        std::fs::copy(Path::new(&fixture("tiny-bert")).join(f), ce.join(f)).unwrap();
    }
    std::fs::write(
        ce.join("cascade.json"),
        format!(
            r#"{{"format": "stance-cascade/1", "gate": "{}", "threshold": {threshold}}}"#,
            fixture("tiny-bert")
        ),
    )
    .unwrap();
    ce.display().to_string()
}

#[test]
fn cascade_scores_kept_pairs_like_the_cross_encoder_and_gates_the_rest() {
    let g = golden();
    let pairs = g.pairs();
    let plain = Scorer::load(&ScorerOptions::new(fixture("tiny-bert"))).unwrap();
    let (want, _) = plain.score(&pairs).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // A gate that keeps everything changes nothing.
    let open = Scorer::load(&ScorerOptions::new(tiny_cascade(dir.path(), -1.0))).unwrap();
    assert!(matches!(open.mode(), stance::score::Mode::Cascade { .. }));
    let (got, stats) = open.score(&pairs).unwrap();
    assert_eq!(stats.gated, 0);
    for (a, b) in got.iter().zip(&want) {
        assert!((a.favor - b.favor).abs() < 1e-6 && (a.none - b.none).abs() < 1e-6);
    }

    // A gate at the median cosine: the pairs below it are `none` for
    // certain, the others keep the cross-encoder's probabilities.
    let texts: Vec<&str> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    let (emb, _) = open.embeddings(&texts).unwrap();
    let cos: Vec<f32> = (0..pairs.len())
        .map(|i| stance::score::head::cosine(&emb[2 * i], &emb[2 * i + 1]))
        .collect();
    let mut sorted = cos.clone();
    sorted.sort_by(f32::total_cmp);
    let t = sorted[sorted.len() / 2];
    let half = Scorer::load(&ScorerOptions::new(tiny_cascade(&dir.path().join("b"), t))).unwrap();
    let (got, stats) = half.score(&pairs).unwrap();
    let below = cos.iter().filter(|&&c| c < t).count();
    assert!(below > 0 && below < pairs.len());
    assert_eq!(stats.gated, below);
    assert_eq!(stats.pairs, pairs.len());
    for ((p, w), c) in got.iter().zip(&want).zip(&cos) {
        if *c < t {
            assert_eq!(*p, stance::score::Probs::OFF_TOPIC);
        } else {
            assert!((p.favor - w.favor).abs() < 1e-6 && (p.against - w.against).abs() < 1e-6);
        }
    }
}
