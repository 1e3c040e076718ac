//! Shared by the parity tests: the tiny fixture and its PyTorch goldens.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::path::Path;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Golden {
    pub pairs: Vec<GoldenPair>,
}

#[derive(Deserialize)]
pub struct GoldenPair {
    pub premise: String,
    pub hypothesis: String,
    pub input_ids: Vec<u32>,
    pub logits: Vec<f32>,
}

impl Golden {
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        self.pairs
            .iter()
            .map(|p| (p.premise.as_str(), p.hypothesis.as_str()))
            .collect()
    }
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// The golden logits written by tests/fixtures/make_fixtures.py.
pub fn golden() -> Golden {
    let p = Path::new(&fixture("tiny-bert")).join("golden.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// PyTorch's stance probabilities for the bundled default model, written by
/// models/train/golden.py.
#[derive(Deserialize)]
pub struct HeadGolden {
    pub pairs: Vec<HeadGoldenPair>,
}

#[derive(Deserialize)]
pub struct HeadGoldenPair {
    pub text: String,
    pub hypothesis: String,
    pub cosine: f32,
    pub favor: f32,
    pub against: f32,
    pub none: f32,
}

pub fn default_model() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models/minilm-stance")
        .display()
        .to_string()
}

pub fn head_golden() -> HeadGolden {
    let p = Path::new(&fixture("minilm-stance-golden.json")).to_path_buf();
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Largest difference between the scorer's probabilities and PyTorch's on
/// the default model's golden pairs.
pub fn head_golden_diff(scorer: &stance::score::Scorer) -> f32 {
    let g = head_golden();
    let pairs: Vec<(&str, &str)> = g
        .pairs
        .iter()
        .map(|p| (p.text.as_str(), p.hypothesis.as_str()))
        .collect();
    let (probs, _) = scorer.score(&pairs).unwrap();
    let texts: Vec<&str> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
    let (emb, _) = scorer.embeddings(&texts).unwrap();
    let mut d = 0f32;
    for (i, (p, want)) in probs.iter().zip(&g.pairs).enumerate() {
        let cos: f32 = emb[2 * i]
            .iter()
            .zip(&emb[2 * i + 1])
            .map(|(a, b)| a * b)
            .sum();
        d = d
            .max((p.favor - want.favor).abs())
            .max((p.against - want.against).abs())
            .max((p.none - want.none).abs())
            .max((cos - want.cosine).abs());
    }
    d
}
