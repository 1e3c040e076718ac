//! Stage 4: score (sentence, target) pairs with an NLI cross-encoder.
//!
//! Each sentence is the premise; each target, turned into a hypothesis by a
//! template, is the hypothesis. The model's entailment, contradiction and
//! neutral probabilities become `favor`, `against` and `none`.
//!
//! Pairs are tokenised, sorted by length, cut into batches padded only to
//! their own longest pair, and the batches run in parallel on a rayon pool
//! of `threads` workers. Results come back in input order whatever the
//! threading.

pub mod backend;
pub mod candle;
pub mod model;
#[cfg(feature = "ort")]
pub mod onnx;

use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

pub use backend::{Backend, Batch, ModelType, Pool};
pub use model::{LabelMap, ModelConfig, ModelFiles};

/// Which inference backend runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackendKind {
    /// Pure-Rust candle on the CPU.
    Candle,
    /// ONNX Runtime (cargo feature `ort`); needs model.onnx in the folder.
    Ort,
}

/// How to load and run a model.
#[derive(Debug, Clone)]
pub struct ScorerOptions {
    /// Local folder or hub id.
    pub model: String,
    pub backend: BackendKind,
    /// Threads in all.
    pub threads: usize,
    /// Threads inside each forward pass; `threads / intra_threads` batches
    /// run side by side.
    pub intra_threads: usize,
    /// Pairs per forward pass.
    pub batch_size: usize,
    /// ONNX Runtime's shared library (else `ORT_DYLIB_PATH`).
    pub ort_lib: Option<std::path::PathBuf>,
    /// Use `model_int8.onnx` instead of `model.onnx`.
    pub quantized: bool,
}

impl ScorerOptions {
    /// Options for `model` with defaults: all cores, one thread per pass,
    /// batches of 8, candle.
    pub fn new(model: impl Into<String>) -> Self {
        ScorerOptions {
            model: model.into(),
            backend: BackendKind::Candle,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            intra_threads: 1,
            batch_size: 8,
            ort_lib: None,
            quantized: false,
        }
    }

    /// Batches in flight at once.
    pub fn workers(&self) -> usize {
        (self.threads / self.intra_threads.max(1)).max(1)
    }
}

/// The three stance probabilities of one pair; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probs {
    pub favor: f32,
    pub against: f32,
    pub none: f32,
}

impl Probs {
    /// favor − against.
    pub fn score(&self) -> f32 {
        self.favor - self.against
    }

    /// The most probable stance.
    pub fn label(&self) -> &'static str {
        if self.favor >= self.against && self.favor >= self.none {
            "favor"
        } else if self.against >= self.none {
            "against"
        } else {
            "none"
        }
    }
}

/// Softmax of one row of logits.
pub fn softmax(logits: &[f32]) -> Vec<f32> {
    let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.into_iter().map(|e| e / sum).collect()
}

/// Turn a target claim into an NLI hypothesis. `{}` in the template stands
/// for the target; a final period is not doubled.
pub fn hypothesis(template: &str, target: &str) -> Result<String> {
    if !template.contains("{}") {
        bail!("--hypothesis `{template}` has no `{{}}` where the target goes; for example `{{}}.`");
    }
    let target = target.trim();
    let (before, after) = template.split_once("{}").unwrap_or((template, ""));
    let target = match after.chars().next() {
        Some(c @ ('.' | '?' | '!')) => target.trim_end_matches(c),
        _ => target,
    };
    Ok(format!("{before}{target}{after}"))
}

/// Timings and sizes of one scoring call, for `bench` and logs.
#[derive(Debug, Clone, Default)]
pub struct ScoreStats {
    pub pairs: usize,
    pub tokens: usize,
    pub padded_tokens: usize,
    pub batches: usize,
    pub tokenize_secs: f64,
    /// Wall time of all forward passes.
    pub forward_secs: f64,
    /// Wall time of each forward pass.
    pub batch_secs: Vec<f64>,
}

impl ScoreStats {
    /// Add another call's counts and timings.
    pub fn add(&mut self, o: &ScoreStats) {
        self.pairs += o.pairs;
        self.tokens += o.tokens;
        self.padded_tokens += o.padded_tokens;
        self.batches += o.batches;
        self.tokenize_secs += o.tokenize_secs;
        self.forward_secs += o.forward_secs;
        self.batch_secs.extend_from_slice(&o.batch_secs);
    }
}

/// A loaded model, ready to score pairs.
pub struct Scorer {
    backend: Arc<dyn Backend>,
    tokenizer: Tokenizer,
    labels: LabelMap,
    batch_size: usize,
    pool: rayon::ThreadPool,
    name: String,
}

impl Scorer {
    pub fn load(opts: &ScorerOptions) -> Result<Self> {
        let files = ModelFiles::locate(&opts.model)?;
        let (config, raw) = ModelConfig::read(&files.config)?;
        let labels = LabelMap::from_config(&config, &files.config)?;
        let backend: Arc<dyn Backend> = match opts.backend {
            BackendKind::Candle => Arc::new(candle::CandleBackend::load(
                &files,
                &raw,
                ModelType::Classifier,
            )?),
            #[cfg(feature = "ort")]
            BackendKind::Ort => Arc::new(onnx::OrtBackend::load(
                &files.onnx(opts.quantized)?,
                opts.ort_lib.as_deref(),
                onnx::OrtLayout {
                    sessions: opts.workers(),
                    intra_threads: opts.intra_threads,
                },
                ModelType::Classifier,
            )?),
            #[cfg(not(feature = "ort"))]
            BackendKind::Ort => bail!(
                "this stance was built without the ONNX Runtime backend; rebuild it with \
                 `cargo build --release --features ort`"
            ),
        };
        let tokenizer = load_tokenizer(&files.tokenizer, config.max_tokens())?;
        Self::new(backend, tokenizer, labels, opts, files.name)
    }

    /// Assemble a scorer from parts (for custom backends and tests).
    pub fn new(
        backend: Arc<dyn Backend>,
        tokenizer: Tokenizer,
        labels: LabelMap,
        opts: &ScorerOptions,
        name: String,
    ) -> Result<Self> {
        if opts.batch_size == 0 {
            bail!("--batch-size must be at least 1");
        }
        // candle's matrix products split --intra-threads ways on this same
        // pool, so it gets every thread; ONNX Runtime brings its own.
        let pool_threads = if backend.owns_threads() {
            opts.workers()
        } else {
            opts.threads.max(1)
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(pool_threads)
            .thread_name(|i| format!("stance-score-{i}"))
            .build()
            .context("cannot start the scoring threads")?;
        Ok(Scorer {
            backend,
            tokenizer,
            labels,
            batch_size: opts.batch_size,
            pool,
            name,
        })
    }

    /// Run `f` on the scorer's thread pool (so that other stages use the
    /// same `--threads`).
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        self.pool.install(f)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn labels(&self) -> LabelMap {
        self.labels
    }

    /// Raw logits for (premise, hypothesis) pairs, in input order.
    pub fn logits(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Vec<f32>>, ScoreStats)> {
        let mut stats = ScoreStats {
            pairs: pairs.len(),
            ..Default::default()
        };
        if pairs.is_empty() {
            return Ok((Vec::new(), stats));
        }
        let t0 = std::time::Instant::now();
        let encodings = self.pool.install(|| {
            pairs
                .par_iter()
                .map(|&(p, h)| {
                    self.tokenizer
                        .encode((p, h), true)
                        .map_err(|e| anyhow!("cannot tokenise `{p}`: {e}"))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        stats.tokenize_secs = t0.elapsed().as_secs_f64();

        // Sort by length so that each batch pads little.
        let mut order: Vec<usize> = (0..pairs.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());
        let batches: Vec<(Vec<usize>, Batch)> = order
            .chunks(self.batch_size)
            .map(|idx| {
                let mut b = Batch::new();
                for &i in idx {
                    b.push(encodings[i].get_ids(), encodings[i].get_type_ids());
                }
                (idx.to_vec(), b)
            })
            .collect();
        stats.batches = batches.len();
        stats.tokens = batches.iter().map(|(_, b)| b.tokens()).sum();
        stats.padded_tokens = batches.iter().map(|(_, b)| b.padded_tokens()).sum();

        let t1 = std::time::Instant::now();
        let timed = self.pool.install(|| {
            batches
                .par_iter()
                .map(|(_, b)| {
                    let t = std::time::Instant::now();
                    self.backend
                        .predict(b)
                        .map(|r| (r, t.elapsed().as_secs_f64()))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        stats.forward_secs = t1.elapsed().as_secs_f64();
        let (results, secs): (Vec<_>, Vec<_>) = timed.into_iter().unzip();
        stats.batch_secs = secs;

        let mut out = vec![Vec::new(); pairs.len()];
        for ((idx, _), rows) in batches.iter().zip(results) {
            if rows.len() != idx.len() {
                bail!(
                    "the backend returned {} rows for {} pairs",
                    rows.len(),
                    idx.len()
                );
            }
            for (&i, row) in idx.iter().zip(rows) {
                if row.len() != self.labels.num_labels {
                    bail!(
                        "the model gave {} logits per pair, but its config names {} labels",
                        row.len(),
                        self.labels.num_labels
                    );
                }
                out[i] = row;
            }
        }
        Ok((out, stats))
    }

    /// Stance probabilities for (premise, hypothesis) pairs, in input order.
    pub fn score(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Probs>, ScoreStats)> {
        let (logits, stats) = self.logits(pairs)?;
        let probs = logits
            .iter()
            .map(|row| {
                let p = softmax(row);
                let (favor, against, none) = (
                    p[self.labels.entailment],
                    p[self.labels.contradiction],
                    p[self.labels.neutral],
                );
                // Renormalise over the three stance labels (models with
                // extra labels keep the sum at 1).
                let sum = favor + against + none;
                Probs {
                    favor: favor / sum,
                    against: against / sum,
                    none: none / sum,
                }
            })
            .collect();
        Ok((probs, stats))
    }
}

/// Load `tokenizer.json`, truncating pairs longest-first to `max_tokens`
/// and without padding (batches pad themselves).
pub fn load_tokenizer(path: &std::path::Path, max_tokens: usize) -> Result<Tokenizer> {
    let mut tok = Tokenizer::from_file(path)
        .map_err(|e| anyhow!("{}: cannot load the tokenizer: {e}", path.display()))?;
    tok.with_truncation(Some(TruncationParams {
        max_length: max_tokens,
        strategy: TruncationStrategy::LongestFirst,
        stride: 0,
        direction: TruncationDirection::Right,
    }))
    .map_err(|e| anyhow!("{}: cannot set truncation: {e}", path.display()))?;
    tok.with_padding(None);
    Ok(tok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypothesis_template() {
        assert_eq!(
            hypothesis("{}.", "Russia interfered in the 2016 US election").unwrap(),
            "Russia interfered in the 2016 US election."
        );
        assert_eq!(
            hypothesis("{}.", "Taxes should rise.").unwrap(),
            "Taxes should rise."
        );
        assert_eq!(
            hypothesis("This text says that {}.", "taxes should rise").unwrap(),
            "This text says that taxes should rise."
        );
        assert!(hypothesis("no slot", "x").is_err());
    }

    #[test]
    fn softmax_sums_to_one_and_labels_pick_the_largest() {
        let p = softmax(&[1.0, 2.0, 3.0]);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(p[2] > p[1] && p[1] > p[0]);
        let probs = Probs {
            favor: 0.2,
            against: 0.5,
            none: 0.3,
        };
        assert_eq!(probs.label(), "against");
        assert!((probs.score() + 0.3).abs() < 1e-6);
    }
}
