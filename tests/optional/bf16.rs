//! bf16 scoring, where the CPU has AVX-512 BF16 (`STANCE_REQUIRE_BF16=1`,
//! set by `.ci/run` where `/proc/cpuinfo` lists `avx512_bf16`, turns a
//! missing one into a failure).

use stance::score::{Precision, Scorer, ScorerOptions};

use crate::common::golden;
use crate::common::{default_model, fixture, golden as tiny_golden, head_golden_diff};

/// Why the bf16 tests cannot run here, if they cannot.
pub fn missing() -> Option<String> {
    (!stance::score::bf16_available()).then(|| "this CPU has no AVX-512 BF16".to_string())
}

/// `--precision auto` on a CPU with AVX-512 BF16 runs bf16: the founding
/// article keeps fp32's labels wherever the golden's margin exceeds bf16's
/// tolerance, with probabilities near fp32's. The golden files are fp32's.
pub fn founding_article_in_bf16_keeps_the_fp32_labels() {
    let log = golden::check_founding_article(&[("STANCE_PRECISION", None)], golden::BF16);
    assert!(log.contains("scoring with candle-bf16)"), "{log}");
}

/// bf16 against PyTorch's fp32: near, not equal. Rounding weights and
/// activations to 8 significant bits moves the tiny fixture's logits and
/// the default model's probabilities by a few thousandths; a wrong kernel
/// moves them by whole units.
pub fn bf16_stays_near_pytorch() {
    let g = tiny_golden();
    let scorer = Scorer::load(&ScorerOptions {
        threads: 1,
        precision: Precision::Bf16,
        ..ScorerOptions::new(fixture("tiny-bert"))
    })
    .unwrap();
    assert_eq!(scorer.backend_label(), "candle-bf16");
    let (logits, _) = scorer.logits(&g.pairs()).unwrap();
    let mut max_diff = 0f32;
    for (got, want) in logits.iter().zip(&g.pairs) {
        for (a, b) in got.iter().zip(&want.logits) {
            max_diff = max_diff.max((a - b).abs());
        }
    }
    eprintln!("tiny-bert bf16: max |candle - torch| = {max_diff}");
    assert!(max_diff > 0.0, "bf16 gave fp32's exact logits: did it run?");
    assert!(max_diff < 2e-3, "max |candle bf16 - torch| = {max_diff}");
    let model = default_model();
    let scorer = Scorer::load(&ScorerOptions {
        threads: 2,
        precision: Precision::Bf16,
        ..ScorerOptions::new(model.clone())
    })
    .unwrap();
    let d = head_golden_diff(&scorer, &model);
    eprintln!("default model bf16: max probability / cosine difference {d}");
    assert!(
        d < 0.05,
        "default model in bf16: max |candle - torch| = {d}"
    );
}
