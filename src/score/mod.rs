//! Stage 4: score (sentence, target) pairs for stance.
//!
//! Each sentence is the premise; each target, turned into a hypothesis by a
//! template, is the hypothesis. Two kinds of model do this:
//!
//! - a cross-encoder reads each pair together; an NLI model's entailment,
//!   contradiction and neutral probabilities become `favor`, `against` and
//!   `none` ([`model::LabelMap`]);
//! - a bi-encoder with a stance head ([`head`]) embeds every distinct
//!   sentence and hypothesis once and classifies the pair from the two
//!   embeddings. The bundled default model is of this kind.
//!
//! The parts, in the order a pair meets them: [`options`] (what to load and
//! how to run it), [`model`] (finding a model folder and reading its
//! config), [`tokenize`], [`batching`] (sort by length, cut, pad), a
//! [`Backend`] ([`candle`], or `onnx` with the `ort` feature), then
//! [`probs`] (softmax, the three stances) or the [`head`]. [`folder`] writes
//! model folders. [`Scorer`], here, drives them: batches run in parallel on
//! a rayon pool of `threads` workers, and results come back in input order
//! whatever the threading.

pub mod adapt;
pub mod backend;
pub mod batching;
pub mod bert;
pub mod candle;
pub mod cascade;
pub mod folder;
pub mod head;
pub mod model;
pub mod negate;
#[cfg(feature = "ort")]
pub mod onnx;
pub mod options;
pub mod probs;
pub mod tokenize;
pub mod tune;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use tokenize::Tokens;
use tokenizers::Tokenizer;

pub use backend::{Backend, ModelType, Pool};
pub use batching::Batch;
pub use head::StanceHead;
pub use model::{LabelMap, ModelConfig, ModelFiles};
pub use options::{
    auto_backend, bf16_available, default_threads, kernel_tier, pin_layer_threads, BackendChoice,
    BackendKind, Precision, PrecisionChoice, ScorerOptions, ScorerRequest,
};
pub use probs::{softmax, Probs, Stance};
pub use tokenize::{hypothesis, load_tokenizer};

/// How a model turns its outputs into stances.
#[derive(Debug, Clone)]
pub enum Mode {
    /// NLI cross-encoder: one forward pass per pair, labels from id2label.
    CrossEncoder(LabelMap),
    /// Bi-encoder: one pass per distinct text, then the stance head.
    BiEncoder(StanceHead),
    /// A relevance gate (a bi-encoder's cosine similarity) in front of a
    /// cross-encoder: pairs below `threshold` are `none`, the rest go to
    /// the cross-encoder ([`cascade`]). With a `context` rule, the gate
    /// also reads each sentence's paragraph and document where the pairs
    /// come with their places ([`Scorer::score_placed`]).
    Cascade {
        labels: LabelMap,
        threshold: f32,
        context: Option<cascade::ContextRule>,
    },
    /// A bare encoder loaded for its embeddings (`stance train`); it
    /// cannot score stance until a head is trained on it.
    Embedder,
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
    /// Pairs a relevance gate ruled off-topic (no stance model ran on them).
    pub gated: usize,
}

impl ScoreStats {
    /// Add another call's counts and timings, each batch's included.
    pub fn add(&mut self, o: &ScoreStats) {
        self.add_totals(o);
        self.batch_secs.extend_from_slice(&o.batch_secs);
    }

    /// Add another call's counts and total timings, not each batch's (a run
    /// over an archive keeps its memory flat).
    pub fn add_totals(&mut self, o: &ScoreStats) {
        self.pairs += o.pairs;
        self.sequences += o.sequences;
        self.tokens += o.tokens;
        self.padded_tokens += o.padded_tokens;
        self.batches += o.batches;
        self.tokenize_secs += o.tokenize_secs;
        self.forward_secs += o.forward_secs;
        self.gated += o.gated;
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
    /// A cascade's gate: the bi-encoder whose embeddings decide relevance.
    gate: Option<Box<Scorer>>,
    /// Counts sequences through the model as they go, for progress reports.
    progress: Option<Arc<AtomicU64>>,
    /// The folder it was loaded from (none when assembled from parts).
    dir: Option<std::path::PathBuf>,
    backend_kind: BackendKind,
    precision: Precision,
}

impl Scorer {
    /// Load a model folder or hub id: a cascade if the folder holds
    /// `cascade.json`, a bi-encoder if it holds a stance head, else a
    /// cross-encoder (stance or NLI labels).
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
        let config = ModelConfig::read(&files.config)?;
        let mut gate = None;
        let mode = if embedder {
            Mode::Embedder
        } else if cascade::CascadeConfig::present(files.dir()) {
            let (cfg, gate_dir) = cascade::CascadeConfig::load(files.dir())?;
            let gate_opts = ScorerOptions {
                model: gate_dir.display().to_string(),
                quantized: options::gate_quantized(&gate_dir, opts.quantized),
                ..opts.clone()
            };
            if opts.quantized && !gate_opts.quantized {
                tracing::info!(
                    "gate {}: no model_int8.onnx, so the gate runs model.onnx (fp32)",
                    gate_dir.display()
                );
            }
            gate = Some(Box::new(
                Self::load_embedder(&gate_opts)
                    .with_context(|| format!("{}: cannot load its gate", files.name))?,
            ));
            Mode::Cascade {
                labels: LabelMap::from_config(&config, &files.config)?,
                threshold: cfg.threshold,
                context: cfg.context,
            }
        } else if StanceHead::present(files.dir()) {
            Mode::BiEncoder(StanceHead::load(files.dir())?)
        } else {
            Mode::CrossEncoder(LabelMap::from_config(&config, &files.config)?)
        };
        let model_type = match mode {
            Mode::CrossEncoder(_) | Mode::Cascade { .. } => ModelType::Classifier,
            Mode::BiEncoder(_) | Mode::Embedder => ModelType::Embedding(Pool::Mean),
        };
        let backend: Arc<dyn Backend> = match opts.backend {
            BackendKind::Candle => Arc::new(candle::CandleBackend::load(
                &files,
                &config,
                model_type,
                opts.precision,
            )?),
            #[cfg(feature = "ort")]
            BackendKind::Ort if opts.precision != Precision::Fp32 => bail!(
                "ONNX Runtime runs the model's ONNX file in fp32 (or int8 with --quantized); \
                 bf16 is a precision of the candle backend"
            ),
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
        let dir = files.dir().to_path_buf();
        let mut scorer = Self::new(backend, tokenizer, mode, opts, files.name)?;
        scorer.gate = gate;
        scorer.dir = Some(dir);
        scorer.backend_kind = opts.backend;
        scorer.precision = opts.precision;
        Ok(scorer)
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
            bail!("the batch size must be at least 1");
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
        if !matches!(mode, Mode::CrossEncoder(_) | Mode::Cascade { .. })
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
            gate: None,
            progress: None,
            dir: None,
            backend_kind: BackendKind::Candle,
            precision: Precision::Fp32,
        })
    }

    /// The model folders whose files decide the scores: the model's, and
    /// its gate's for a cascade.
    pub fn model_dirs(&self) -> Vec<std::path::PathBuf> {
        let mut dirs: Vec<_> = self.dir.iter().cloned().collect();
        if let Some(g) = &self.gate {
            dirs.extend(g.model_dirs());
        }
        dirs
    }

    /// The engine it runs on.
    pub fn backend_kind(&self) -> BackendKind {
        self.backend_kind
    }

    /// The arithmetic of its dense layers.
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The engine and its arithmetic, as runs record them: `candle`,
    /// `candle-bf16` or `ort` (`--quantized` is a setting of its own).
    /// fp32 adds nothing, so the records of earlier runs still match.
    pub fn backend_label(&self) -> String {
        let kind = format!("{:?}", self.backend_kind).to_lowercase();
        match self.precision {
            Precision::Fp32 => kind,
            Precision::Bf16 => format!("{kind}-bf16"),
        }
    }

    /// What runs the dense layers: [`kernel_tier`] at this precision for
    /// candle (`amx-bf16`, `avx512-bf16`, …), `onnxruntime` for ort.
    pub fn kernel(&self) -> &'static str {
        match self.backend_kind {
            BackendKind::Candle => kernel_tier(self.precision),
            BackendKind::Ort => "onnxruntime",
        }
    }

    /// Count every sequence (a pair, or a text to embed) into `counter` as
    /// soon as its batch is through the model, gate included: a long
    /// document shows progress before it is done.
    pub fn set_progress(&mut self, counter: Arc<AtomicU64>) {
        if let Some(g) = &mut self.gate {
            g.set_progress(counter.clone());
        }
        self.progress = Some(counter);
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
        let (Mode::CrossEncoder(labels) | Mode::Cascade { labels, .. }) = &self.mode else {
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

    /// A cross-encoder's pooled representation of each (premise,
    /// hypothesis) pair, the input of its final linear layer, in input
    /// order (the candle backend only).
    pub fn pair_features(&self, pairs: &[(&str, &str)]) -> Result<Vec<Vec<f32>>> {
        if !matches!(self.mode, Mode::CrossEncoder(_) | Mode::Cascade { .. }) {
            bail!(
                "{} is a bi-encoder; only a cross-encoder has pair features",
                self.name
            );
        }
        let mut stats = ScoreStats::default();
        let encodings = self.tokenize(pairs, |&(p, h)| (p, h))?;
        self.run(&encodings, &mut stats, |b| self.backend.features(b))
    }

    /// A cross-encoder's token states of each (premise, hypothesis) pair
    /// after its embeddings and first `layers` layers, in input order: per
    /// pair, `tokens × hidden` floats row-major (the candle backend only).
    /// What layers above are fine-tuned on ([`tune`]).
    pub fn pair_states(&self, pairs: &[(&str, &str)], layers: usize) -> Result<Vec<Vec<f32>>> {
        if !matches!(self.mode, Mode::CrossEncoder(_) | Mode::Cascade { .. }) {
            bail!(
                "{} is a bi-encoder; only a cross-encoder has pair states",
                self.name
            );
        }
        let mut stats = ScoreStats::default();
        let encodings = self.tokenize(pairs, |&(p, h)| (p, h))?;
        self.run(&encodings, &mut stats, |b| {
            self.backend.lower_states(b, layers)
        })
    }

    /// An encoder's token states of each text after its embeddings and
    /// first `layers` layers, in input order: per text, `tokens × hidden`
    /// floats row-major (the candle backend only). What its layers above
    /// are fine-tuned on ([`tune`]).
    pub fn text_states(&self, texts: &[&str], layers: usize) -> Result<Vec<Vec<f32>>> {
        let mut stats = ScoreStats::default();
        let encodings = self.tokenize(texts, |&t| t)?;
        self.run(&encodings, &mut stats, |b| {
            self.backend.lower_states(b, layers)
        })
    }

    /// Unit-length sentence embeddings of `texts`, in input order (for
    /// bi-encoders; a cross-encoder gives its CLS state). A text that
    /// recurs is encoded once.
    pub fn embeddings(&self, texts: &[&str]) -> Result<(Vec<Vec<f32>>, ScoreStats)> {
        if let Some(gate) = &self.gate {
            return gate.embeddings(texts);
        }
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

    /// Embed the premises and hypotheses of `pairs`, each distinct text
    /// once: row `rows[2 i]` is pair `i`'s premise, `rows[2 i + 1]` its
    /// hypothesis.
    fn pair_embeddings(
        &self,
        pairs: &[(&str, &str)],
    ) -> Result<(Vec<Vec<f32>>, Vec<usize>, ScoreStats)> {
        let texts: Vec<&str> = pairs.iter().flat_map(|&(p, h)| [p, h]).collect();
        self.distinct_embeddings(&texts)
    }

    /// Tokenise `items` on the scorer's pool; `input` makes each one's
    /// single text or text pair.
    fn tokenize<'s, T: Sync, I>(
        &self,
        items: &[T],
        input: impl Fn(&T) -> I + Sync,
    ) -> Result<Vec<Tokens>>
    where
        I: Into<tokenizers::EncodeInput<'s>>,
    {
        let input = &input;
        self.pool
            .install(|| tokenize::encode_all(&self.tokenizer, items, input))
    }

    /// Sort `encodings` by length, batch them, run `forward` on each batch
    /// in parallel, and return its rows in input order.
    fn run(
        &self,
        encodings: &[Tokens],
        stats: &mut ScoreStats,
        forward: impl Fn(&Batch) -> Result<Vec<Vec<f32>>> + Sync,
    ) -> Result<Vec<Vec<f32>>> {
        if encodings.is_empty() {
            return Ok(Vec::new());
        }
        let batches = batching::plan(encodings, self.batch_size);
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
                    let r = forward(b).map(|r| (r, t.elapsed().as_secs_f64()));
                    if let Some(p) = &self.progress {
                        p.fetch_add(b.len() as u64, Ordering::Relaxed);
                    }
                    r
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

    /// Stance probabilities for (premise, hypothesis) pairs, in input order,
    /// each pair judged on its own (a cascade's gate reads the sentence
    /// alone).
    pub fn score(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Probs>, ScoreStats)> {
        let (probs, _, stats) = self.score_placed(pairs, None)?;
        Ok((probs, stats))
    }

    /// Stance probabilities for pairs whose sentences sit in documents:
    /// with `places`, a cascade whose gate has a context rule judges each
    /// sentence with its paragraph and document ([`cascade::decide`]). Also
    /// returns, for each pair, whether the gate found its document on topic
    /// for its claim (`None` where it did not judge documents).
    pub fn score_placed(
        &self,
        pairs: &[(&str, &str)],
        places: Option<&[cascade::Place]>,
    ) -> Result<(Vec<Probs>, Vec<Option<bool>>, ScoreStats)> {
        let Some((cos, mut stats)) = self.gate_cosines(pairs)? else {
            let (probs, stats) = self.stance(pairs)?;
            return Ok((probs, vec![None; pairs.len()], stats));
        };
        let verdicts = self.decide(pairs, &cos, places);
        let kept: Vec<usize> = (0..pairs.len()).filter(|&i| verdicts.kept[i]).collect();
        let kept_pairs: Vec<(&str, &str)> = kept.iter().map(|&i| pairs[i]).collect();
        let (scored, st) = self.stance(&kept_pairs)?;
        stats.add(&st);
        stats.pairs = pairs.len();
        stats.gated = pairs.len() - kept.len();
        let mut probs = vec![Probs::OFF_TOPIC; pairs.len()];
        for (&i, p) in kept.iter().zip(scored) {
            probs[i] = p;
        }
        Ok((probs, verdicts.document, stats))
    }

    /// A cascade's gate cosines for `pairs` (each distinct text embedded
    /// once); `None` for a model without a gate.
    pub fn gate_cosines(&self, pairs: &[(&str, &str)]) -> Result<Option<(Vec<f32>, ScoreStats)>> {
        if !matches!(self.mode, Mode::Cascade { .. }) {
            return Ok(None);
        }
        let gate = self
            .gate
            .as_ref()
            .context("a cascade was assembled without its gate")?;
        let (emb, rows, stats) = gate.pair_embeddings(pairs)?;
        let cos = rows
            .chunks(2)
            .map(|r| head::cosine(&emb[r[0]], &emb[r[1]]))
            .collect();
        Ok(Some((cos, stats)))
    }

    /// A cascade gate's ruling on pairs from their [`Self::gate_cosines`]:
    /// everything kept for a model without a gate.
    pub fn decide(
        &self,
        pairs: &[(&str, &str)],
        cos: &[f32],
        places: Option<&[cascade::Place]>,
    ) -> cascade::Verdicts {
        match &self.mode {
            Mode::Cascade {
                threshold, context, ..
            } => cascade::decide(*threshold, context.as_ref(), pairs, cos, places),
            _ => cascade::Verdicts {
                kept: vec![true; pairs.len()],
                document: vec![None; pairs.len()],
            },
        }
    }

    /// Stance probabilities from the stance model itself, past any gate: a
    /// cascade's cross-encoder scores every pair given.
    pub fn stance(&self, pairs: &[(&str, &str)]) -> Result<(Vec<Probs>, ScoreStats)> {
        match &self.mode {
            Mode::CrossEncoder(labels) | Mode::Cascade { labels, .. } => {
                let (logits, stats) = self.logits(pairs)?;
                Ok((logits.iter().map(|row| labels.probs(row)).collect(), stats))
            }
            Mode::BiEncoder(head) => {
                // Each distinct text is embedded once: the target of a whole
                // article, and any sentence that recurs.
                let (emb, rows, mut stats) = self.pair_embeddings(pairs)?;
                stats.pairs = pairs.len();
                let probs: Vec<Probs> = rows
                    .chunks(2)
                    .map(|r| head.probs(&emb[r[0]], &emb[r[1]]))
                    .collect();
                stats.gated = probs.iter().filter(|p| **p == Probs::OFF_TOPIC).count();
                Ok((probs, stats))
            }
            Mode::Embedder => bail!(
                "{} was loaded as a bare encoder; train a stance head on it with `stance train`",
                self.name
            ),
        }
    }
}
