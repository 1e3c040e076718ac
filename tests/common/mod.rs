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
