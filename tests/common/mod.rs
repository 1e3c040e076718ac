//! What the test modules share: running the `stance` binary, the fixtures
//! and their PyTorch goldens, and the default model loaded once.
// Each test module uses a different part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde::Deserialize;
use stance::score::{Scorer, ScorerOptions};

pub mod golden;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_stance");

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `stance ARGS`, with its output captured.
pub fn stance(args: &[&str]) -> Output {
    stance_cmd().args(args).output().unwrap()
}

/// `stance run INPUTS --model tiny --out OUT EXTRA`, its output captured.
pub fn run_tiny(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    stance_cmd()
        .arg("run")
        .args(inputs)
        .args(["--model", &tiny(), "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// [`run_tiny`]; panics unless it succeeds, and returns stderr.
pub fn run_ok(inputs: &[&Path], out: &Path, extra: &[&str]) -> String {
    let o = run_tiny(inputs, out, extra);
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o)
}

/// A `stance` command to add arguments and environment to. It runs on
/// candle in fp32 unless a test asks otherwise: `--backend auto` would pick
/// ONNX Runtime wherever its library is installed (as in CI), `--precision
/// auto` bf16 wherever the CPU has it, and the golden outputs and most
/// checks are fp32 candle's, the same on every CPU. The automatic choices
/// are tested with `STANCE_BACKEND` and `STANCE_PRECISION` removed.
pub fn stance_cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env("STANCE_BACKEND", "candle");
    c.env("STANCE_PRECISION", "fp32");
    c
}

/// What the command wrote to standard error.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What the command wrote to standard output.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The founding article's path.
pub fn article() -> String {
    root()
        .join("datasets/helsinki-summit.txt")
        .display()
        .to_string()
}

/// The founding article's text.
pub fn article_text() -> String {
    std::fs::read_to_string(article()).unwrap()
}

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// The tiny BERT cross-encoder fixture.
pub fn tiny() -> String {
    fixture("tiny-bert")
}

/// The bundled default model's folder: the cascade.
pub fn default_model() -> String {
    root().join("models/minilm-stance-ce").display().to_string()
}

/// The bundled bi-encoder with its stance head: the default's gate, and
/// the default before 0.3.
pub fn bi_model() -> String {
    root().join("models/minilm-stance").display().to_string()
}

/// The default model on candle with two threads, loaded once for all the
/// in-process tests of this binary.
pub fn default_scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        Scorer::load(&ScorerOptions {
            threads: 2,
            ..ScorerOptions::new(default_model())
        })
        .unwrap()
    })
}

/// The bundled bi-encoder on candle, loaded once.
pub fn bi_scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| {
        Scorer::load(&ScorerOptions {
            threads: 2,
            ..ScorerOptions::new(bi_model())
        })
        .unwrap()
    })
}

/// A CSV file's header and rows (as column → value maps).
pub fn read_csv(p: &Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect();
    (headers, rows)
}

/// A JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The golden logits written by tests/fixtures/make_fixtures.py.
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
        as_pairs(&self.pairs)
    }
}

/// The (premise, hypothesis) of golden pairs, as the scorer takes them.
pub fn as_pairs(golden: &[GoldenPair]) -> Vec<(&str, &str)> {
    golden
        .iter()
        .map(|p| (p.premise.as_str(), p.hypothesis.as_str()))
        .collect()
}

pub fn golden() -> Golden {
    let p = Path::new(&fixture("tiny-bert")).join("golden.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// PyTorch's stance probabilities and gate cosines for a bundled model,
/// written by models/train/golden.py.
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

/// The golden file of a bundled model folder (`models/NAME`):
/// `tests/fixtures/NAME-golden.json`.
pub fn head_golden(model: &str) -> HeadGolden {
    let name = Path::new(model).file_name().unwrap().to_string_lossy();
    let p = Path::new(&fixture(&format!("{name}-golden.json"))).to_path_buf();
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Largest difference between the scorer's probabilities and gate cosines
/// and PyTorch's on the golden pairs of the bundled model `model`.
pub fn head_golden_diff(scorer: &Scorer, model: &str) -> f32 {
    let g = head_golden(model);
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
        let cos = stance::score::head::cosine(&emb[2 * i], &emb[2 * i + 1]);
        d = d
            .max((p.favor - want.favor).abs())
            .max((p.against - want.against).abs())
            .max((p.none - want.none).abs())
            .max((cos - want.cosine).abs());
    }
    d
}

/// The shared PolNeAR data beside the checkout (research data, never
/// committed), if it is there.
pub fn polnear() -> Option<PathBuf> {
    let p = root().join("../shared/data/polnear");
    p.join("dev").is_dir().then_some(p)
}
