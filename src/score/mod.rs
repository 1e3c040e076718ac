//! Stage 4: score (sentence, target) pairs for stance.
//!
//! Each sentence is the premise; each target, turned into a hypothesis by a
//! template, is the hypothesis. Two kinds of model do this:
//!
//! - an NLI cross-encoder reads each pair together, and its entailment,
//!   contradiction and neutral probabilities become `favor`, `against` and
//!   `none`;
//! - a bi-encoder with a stance head ([`head`]) embeds every distinct
//!   sentence and hypothesis once and classifies the pair from the two
//!   embeddings. The bundled default model is of this kind.
//!
//! Sequences are tokenised, sorted by length, cut into batches padded only
//! to their own longest sequence, and the batches run in parallel on a
//! rayon pool of `threads` workers. Results come back in input order
//! whatever the threading.

pub mod backend;
pub mod candle;
pub mod head;
pub mod model;
#[cfg(feature = "ort")]
pub mod onnx;

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

pub use backend::{Backend, Batch, ModelType, Pool};
pub use head::StanceHead;
pub use model::{LabelMap, ModelConfig, ModelFiles};

/// How a model turns its outputs into stances.
#[derive(Debug, Clone)]
pub enum Mode {
    /// NLI cross-encoder: one forward pass per pair, labels from id2label.
    CrossEncoder(LabelMap),
    /// Bi-encoder: one pass per distinct text, then the stance head.
    BiEncoder(StanceHead),
    /// A bare encoder loaded for its embeddings (`stance train`); it
    /// cannot score stance until a head is trained on it.
    Embedder,
}

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

/// The stance labels, in the order of [`Probs::index`].
pub const STANCES: [&str; 3] = ["favor", "against", "none"];

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
        STANCES[self.index()]
    }

    /// Index of the most probable stance in [`STANCES`] (ties go to the
    /// earlier one).
    pub fn index(&self) -> usize {
        if self.favor >= self.against && self.favor >= self.none {
            0
        } else if self.against >= self.none {
            1
        } else {
            2
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
    /// Sequences through the encoder: one per pair for a cross-encoder, one
    /// per distinct text for a bi-encoder.
    pub sequences: usize,
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
        self.sequences += o.sequences;
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
    mode: Mode,
    batch_size: usize,
    pool: rayon::ThreadPool,
    name: String,
}

impl Scorer {
    /// Load a model folder or hub id: a bi-encoder if the folder holds a
    /// stance head, else an NLI cross-encoder.
    pub fn load(opts: &ScorerOptions) -> Result<Self> {
        Self::load_as(opts, false)
    }

    /// Load any BERT-family encoder for its mean-pooled embeddings (the
    /// base of `stance train`), ignoring its head if it has one.
    pub fn load_embedder(opts: &ScorerOptions) -> Result<Self> {
        Self::load_as(opts, true)
    }

    fn load_as(opts: &ScorerOptions, embedder: bool) -> Result<Self> {
        let files = ModelFiles::locate(&opts.model)?;
        let (config, raw) = ModelConfig::read(&files.config)?;
        let mode = if embedder {
            Mode::Embedder
        } else if StanceHead::present(files.dir()) {
            Mode::BiEncoder(StanceHead::load(files.dir())?)
        } else {
            Mode::CrossEncoder(LabelMap::from_config(&config, &files.config)?)
        };
        let model_type = match mode {
            Mode::CrossEncoder(_) => ModelType::Classifier,
            Mode::BiEncoder(_) | Mode::Embedder => ModelType::Embedding(Pool::Mean),
        };
        let backend: Arc<dyn Backend> = match opts.backend {
            BackendKind::Candle => Arc::new(candle::CandleBackend::load(&files, &raw, model_type)?),
            #[cfg(feature = "ort")]
            BackendKind::Ort => Arc::new(onnx::OrtBackend::load(
                &files.onnx(opts.quantized)?,
                opts.ort_lib.as_deref(),
                onnx::OrtLayout {
                    sessions: opts.workers(),
                    intra_threads: opts.intra_threads,
                },
                model_type,
            )?),
            #[cfg(not(feature = "ort"))]
            BackendKind::Ort => bail!(
                "this stance was built without the ONNX Runtime backend; rebuild it with \
                 `cargo build --release --features ort`"
            ),
        };
        let tokenizer = load_tokenizer(&files.tokenizer, config.max_tokens())?;
        Self::new(backend, tokenizer, mode, opts, files.name)
    }

    /// Assemble a scorer from parts (for custom backends and tests).
    pub fn new(
        backend: Arc<dyn Backend>,
        tokenizer: Tokenizer,
        mode: Mode,
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
        if !matches!(mode, Mode::CrossEncoder(_))
            && !matches!(backend.model_type(), ModelType::Embedding(_))
        {
            bail!("a stance head needs the backend to load the model as an embedder");
        }
        Ok(Scorer {
            backend,
            tokenizer,
            mode,
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

    /// How the model's outputs become stances.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// Raw logits of a cross-encoder for (premise, hypothesis) pairs, in
    /// input order.
    pub fn logits(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Vec<f32>>, ScoreStats)> {
        let Mode::CrossEncoder(labels) = &self.mode else {
            bail!(
                "{} is a bi-encoder with a stance head; it gives embeddings, not pair logits",
                self.name
            );
        };
        let mut stats = ScoreStats {
            pairs: pairs.len(),
            ..Default::default()
        };
        let t0 = std::time::Instant::now();
        let encodings = self.tokenize(pairs, |&(p, h)| (p, h))?;
        stats.tokenize_secs = t0.elapsed().as_secs_f64();
        let out = self.run(&encodings, &mut stats, |b| self.backend.predict(b))?;
        if let Some(row) = out.iter().find(|r| r.len() != labels.num_labels) {
            bail!(
                "the model gave {} logits per pair, but its config names {} labels",
                row.len(),
                labels.num_labels
            );
        }
        Ok((out, stats))
    }

    /// Unit-length sentence embeddings of `texts`, in input order (for
    /// bi-encoders; a cross-encoder gives its CLS state). A text that
    /// recurs is encoded once.
    pub fn embeddings(&self, texts: &[&str]) -> Result<(Vec<Vec<f32>>, ScoreStats)> {
        let (distinct, rows, stats) = self.distinct_embeddings(texts)?;
        Ok((rows.iter().map(|&r| distinct[r].clone()).collect(), stats))
    }

    /// Embed each distinct text of `texts` once: the embeddings, and for
    /// each input text the row of its embedding.
    fn distinct_embeddings(
        &self,
        texts: &[&str],
    ) -> Result<(Vec<Vec<f32>>, Vec<usize>, ScoreStats)> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<&str> = Vec::new();
        let rows = texts
            .iter()
            .map(|&t| {
                *index.entry(t).or_insert_with(|| {
                    distinct.push(t);
                    distinct.len() - 1
                })
            })
            .collect();
        let mut stats = ScoreStats::default();
        let t0 = std::time::Instant::now();
        let encodings = self.tokenize(&distinct, |&t| t)?;
        stats.tokenize_secs = t0.elapsed().as_secs_f64();
        let mut out = self.run(&encodings, &mut stats, |b| self.backend.embed(b))?;
        out.iter_mut().for_each(|v| head::normalize(v));
        Ok((out, rows, stats))
    }

    /// Tokenise `items` in parallel; `input` makes each one's single text
    /// or text pair. An error names the text (built only then).
    fn tokenize<'s, T: Sync, I>(
        &self,
        items: &[T],
        input: impl Fn(&T) -> I + Sync,
    ) -> Result<Vec<Encoding>>
    where
        I: Into<tokenizers::EncodeInput<'s>>,
    {
        self.pool.install(|| {
            items
                .par_iter()
                .map(|item| {
                    self.tokenizer.encode(input(item), true).map_err(|e| {
                        let text = match input(item).into() {
                            tokenizers::EncodeInput::Single(s) => format!("{s:?}"),
                            tokenizers::EncodeInput::Dual(a, _) => format!("{a:?}"),
                        };
                        anyhow!("cannot tokenise {text}: {e}")
                    })
                })
                .collect()
        })
    }

    /// Sort `encodings` by length, batch them, run `forward` on each batch
    /// in parallel, and return its rows in input order.
    fn run(
        &self,
        encodings: &[Encoding],
        stats: &mut ScoreStats,
        forward: impl Fn(&Batch) -> Result<Vec<Vec<f32>>> + Sync,
    ) -> Result<Vec<Vec<f32>>> {
        if encodings.is_empty() {
            return Ok(Vec::new());
        }
        // Sort by length so that each batch pads little.
        let mut order: Vec<usize> = (0..encodings.len()).collect();
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
        stats.sequences += encodings.len();
        stats.batches += batches.len();
        stats.tokens += batches.iter().map(|(_, b)| b.tokens()).sum::<usize>();
        stats.padded_tokens += batches
            .iter()
            .map(|(_, b)| b.padded_tokens())
            .sum::<usize>();

        let t1 = std::time::Instant::now();
        let timed = self.pool.install(|| {
            batches
                .par_iter()
                .map(|(_, b)| {
                    let t = std::time::Instant::now();
                    forward(b).map(|r| (r, t.elapsed().as_secs_f64()))
                })
                .collect::<Result<Vec<_>>>()
        })?;
        stats.forward_secs += t1.elapsed().as_secs_f64();
        let mut out = vec![Vec::new(); encodings.len()];
        for ((idx, _), (rows, secs)) in batches.iter().zip(timed) {
            stats.batch_secs.push(secs);
            if rows.len() != idx.len() {
                bail!(
                    "the backend returned {} rows for {} sequences",
                    rows.len(),
                    idx.len()
                );
            }
            for (&i, row) in idx.iter().zip(rows) {
                out[i] = row;
            }
        }
        Ok(out)
    }

    /// Stance probabilities for (premise, hypothesis) pairs, in input order.
    pub fn score(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Probs>, ScoreStats)> {
        match &self.mode {
            Mode::CrossEncoder(labels) => {
                let (logits, stats) = self.logits(pairs)?;
                Ok((logits.iter().map(|row| labels.probs(row)).collect(), stats))
            }
            Mode::BiEncoder(head) => {
                // Each distinct text is embedded once: the target of a whole
                // article, and any sentence that recurs.
                let texts: Vec<&str> = pairs.iter().flat_map(|&(p, h)| [p, h]).collect();
                let (emb, rows, mut stats) = self.distinct_embeddings(&texts)?;
                stats.pairs = pairs.len();
                let probs = rows
                    .chunks(2)
                    .map(|r| head.probs(&emb[r[0]], &emb[r[1]]))
                    .collect();
                Ok((probs, stats))
            }
            Mode::Embedder => bail!(
                "{} was loaded as a bare encoder; train a stance head on it with `stance train`",
                self.name
            ),
        }
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
