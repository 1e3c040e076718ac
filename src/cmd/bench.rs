//! `stance bench`: measure throughput of the real pipeline.
//!
//! ```text
//! stance bench [--model DIR] [--backend auto|candle|ort] [--precision auto|fp32|bf16]
//!              [--threads 1,2] [--intra-threads 1]
//!              [--batch-size 1,8,32] [--sentences N] [--target TEXT]... [--polnear DIR]
//!              [--json FILE]
//! ```
//!
//! Builds a corpus from the founding article repeated (or PolNeAR texts
//! with `--polnear`), times segmentation, attribution and tokenisation on
//! their own, then for each threads × batch-size setting runs a warm-up
//! and a timed scoring pass and prints pairs/s, tokens/s (real and padded),
//! p50/p95 batch latency and peak RSS. It closes with throughput on short
//! and long pairs and the arithmetic limit: the model's FLOPs per pair
//! against this machine's measured matrix-multiply rate.
//!
//! Every sentence is paired with every `--target` (the default claim
//! unless given), so `--sentences 512 --target A --target B --target C`
//! scores 1,536 pairs.
//!
//! With a bi-encoder (a folder with a stance head) each pair costs one
//! sentence encoding (the target is encoded once), and with a cascade (the
//! default) the gate embeds each sentence once and the cross-encoder reads
//! only the pairs it lets through. For both, repeated copies of the article
//! get a ` (k)` suffix so that they are not deduplicated away.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Args;
use serde::Serialize;

use stance::ingest::Document;
use stance::pipeline::{DEFAULT_TARGET, DEFAULT_TEMPLATE};
use stance::score::{self, ModelConfig, ModelFiles, Precision, Scorer, ScorerOptions};

use super::args::ModelArgs;

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Thread counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    pub threads: Vec<usize>,
    /// Batch sizes to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    pub batch_size: Vec<usize>,
    /// Sentences to score per setting.
    #[arg(long, default_value_t = 512)]
    pub sentences: usize,
    /// Claims to pair every sentence with; repeat for several (default: the
    /// default claim).
    #[arg(long, value_name = "TEXT")]
    pub target: Vec<String>,
    /// Use PolNeAR texts (DIR/{dev,train}/text) instead of the founding article.
    #[arg(long, value_name = "DIR")]
    pub polnear: Option<PathBuf>,
    /// Also write the results as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Write the pairs as JSON lines {"premise", "hypothesis"} and exit (for
    /// benches/baseline_torch.py, so both score the same pairs).
    #[arg(long, value_name = "FILE")]
    pub write_pairs: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
struct Setting {
    backend: String,
    threads: usize,
    intra_threads: usize,
    batch_size: usize,
    pairs: usize,
    /// Pairs a cascade's gate ruled off-topic (they skip the cross-encoder).
    gated_pairs: usize,
    pairs_per_sec: f64,
    tokens_per_sec: f64,
    padded_tokens_per_sec: f64,
    p50_batch_ms: f64,
    p95_batch_ms: f64,
    peak_rss_mb: f64,
}

#[derive(Debug, Serialize)]
struct Stages {
    documents: usize,
    sentences: usize,
    segment_secs: f64,
    attribute_secs: f64,
    tokenize_secs: f64,
    forward_secs: f64,
}

#[derive(Debug, Serialize)]
struct ByLength {
    label: String,
    mean_tokens: f64,
    pairs_per_sec: f64,
}

#[derive(Debug, Serialize)]
struct Limit {
    gemm_gflops_per_thread: f64,
    mean_tokens: f64,
    gflop_per_pair: f64,
    best_pairs_per_sec: f64,
    best_threads: usize,
    achieved_gflops: f64,
    bound_pairs_per_sec: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    model: String,
    corpus: String,
    stages: Stages,
    settings: Vec<Setting>,
    by_length: Vec<ByLength>,
    limit: Option<Limit>,
}

fn founding_article() -> Result<Document> {
    let candidates = [
        PathBuf::from("datasets/helsinki-summit.txt"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/helsinki-summit.txt"),
    ];
    let p = candidates.iter().find(|p| p.is_file()).context(
        "datasets/helsinki-summit.txt not found; run from the repository or pass --polnear",
    )?;
    Ok(Document::new(
        "helsinki-summit",
        std::fs::read_to_string(p)?,
    ))
}

fn polnear_docs(root: &Path) -> Result<Vec<Document>> {
    let mut docs = Vec::new();
    for split in ["dev", "train"] {
        let dir = root.join(split).join("text");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p)?;
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            docs.push(Document::new(id, text));
        }
    }
    if docs.is_empty() {
        bail!(
            "{}: no PolNeAR texts under dev/text or train/text",
            root.display()
        );
    }
    Ok(docs)
}

/// Documents (repeated as needed) holding at least `n` sentences.
fn corpus(polnear: Option<&Path>, n: usize) -> Result<(String, Vec<Document>)> {
    let (name, base) = match polnear {
        Some(p) => (
            format!("PolNeAR texts from {}", p.display()),
            polnear_docs(p)?,
        ),
        None => (
            "the founding article, repeated".to_string(),
            vec![founding_article()?],
        ),
    };
    let mut docs = Vec::new();
    let mut count = 0;
    'outer: loop {
        for d in &base {
            count += stance::segment::segment(&d.text).sentences.len();
            let mut d = d.clone();
            d.doc_id = format!("{}-{}", d.doc_id, docs.len());
            docs.push(d);
            if count >= n {
                break 'outer;
            }
        }
    }
    Ok((name, docs))
}

/// Reset the kernel's peak-RSS mark (Linux), so each setting reports its own.
fn reset_peak_rss() {
    std::fs::write("/proc/self/clear_refs", "5").ok();
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Single-thread matrix-multiply rate, in GFLOP/s, at the shape of a
/// MiniLM feed-forward layer: candle's fp32 product, or the bf16 dense
/// kernel where the model runs in bf16 (on AMX tiles where the CPU has
/// them, as the model's layers do).
fn gemm_gflops(precision: Precision) -> Result<f64> {
    use candle_core::{Device, Tensor};
    let (m, k, n) = (256usize, 384usize, 1536usize);
    if precision == Precision::Bf16 {
        let x: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 - 3.0).collect();
        let w: Vec<f32> = (0..n * k).map(|i| (i % 5) as f32 - 2.0).collect();
        let w = stance_kernels::Weight::new(w, n, k, precision);
        let bias = vec![0.0f32; n];
        let reps = 40;
        w.affine(&x, &bias, None, 1);
        let t = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(w.affine(&x, &bias, None, 1));
        }
        return Ok(2.0 * (m * k * n * reps) as f64 / t.elapsed().as_secs_f64() / 1e9);
    }
    let a = Tensor::randn(0f32, 1.0, (m, k), &Device::Cpu)?;
    let b = Tensor::randn(0f32, 1.0, (k, n), &Device::Cpu)?;
    a.matmul(&b)?;
    let reps = 20;
    let t = Instant::now();
    for _ in 0..reps {
        a.matmul(&b)?;
    }
    Ok(2.0 * (m * k * n * reps) as f64 / t.elapsed().as_secs_f64() / 1e9)
}

/// Load, warm up and time one setting. Returns the timed pass's stats too.
fn measure(
    opts: &ScorerOptions,
    pairs: &[(&str, &str)],
) -> Result<(Scorer, Setting, score::ScoreStats)> {
    let scorer = Scorer::load(opts)?;
    let warm = &pairs[..pairs.len().min(4 * opts.batch_size.max(8))];
    scorer.score(warm)?;
    reset_peak_rss();
    let t = Instant::now();
    let (_, st) = scorer.score(pairs)?;
    let secs = t.elapsed().as_secs_f64();
    let mut lat = st.batch_secs.clone();
    lat.sort_by(f64::total_cmp);
    let setting = Setting {
        backend: scorer.backend_label(),
        threads: opts.threads,
        intra_threads: opts.intra_threads,
        batch_size: opts.batch_size,
        pairs: pairs.len(),
        gated_pairs: st.gated,
        pairs_per_sec: pairs.len() as f64 / secs,
        tokens_per_sec: st.tokens as f64 / secs,
        padded_tokens_per_sec: st.padded_tokens as f64 / secs,
        p50_batch_ms: 1e3 * stance::stats::percentile(&lat, 0.5),
        p95_batch_ms: 1e3 * stance::stats::percentile(&lat, 0.95),
        peak_rss_mb: peak_rss_mb(),
    };
    Ok((scorer, setting, st))
}

pub fn main(args: BenchArgs) -> Result<()> {
    let base = args.model.scorer_options(
        args.threads.first().copied(),
        args.batch_size.first().copied().unwrap_or(8),
    )?;
    let (corpus_name, docs) = corpus(args.polnear.as_deref(), args.sentences.max(1))?;
    let targets = if args.target.is_empty() {
        vec![DEFAULT_TARGET.to_string()]
    } else {
        args.target.clone()
    };
    let hypotheses = targets
        .iter()
        .map(|t| score::hypothesis(DEFAULT_TEMPLATE, t))
        .collect::<Result<Vec<_>>>()?;

    // Non-model stages on their own.
    let mut segment_secs = 0.0;
    let mut attribute_secs = 0.0;
    let analysed: Vec<_> = docs
        .into_iter()
        .map(|d| {
            let (a, t) = stance::pipeline::analyse_timed(d);
            segment_secs += t.segment.as_secs_f64();
            attribute_secs += t.attribute.as_secs_f64();
            a
        })
        .collect();
    let sentences: Vec<&str> = analysed
        .iter()
        .flat_map(|a| (0..a.sentences.len()).map(move |i| a.text(i)))
        .take(args.sentences.max(1))
        .collect();
    // A bi-encoder or a cascade's gate embeds each distinct text once, so
    // the repeated article's copies are told apart (a real archive's
    // sentences are distinct too); a cross-encoder scores every pair anyway.
    let files = ModelFiles::locate(&base.model);
    let embeds = files.as_ref().is_ok_and(|f| {
        stance::score::StanceHead::present(f.dir())
            || stance::score::cascade::CascadeConfig::present(f.dir())
    });
    let mut seen = std::collections::HashMap::<&str, usize>::new();
    let sentences: Vec<String> = sentences
        .iter()
        .map(|&s| {
            let k = seen.entry(s).or_insert(0);
            *k += 1;
            if embeds && *k > 1 {
                format!("{s} ({k})")
            } else {
                s.to_string()
            }
        })
        .collect();
    let pairs: Vec<(&str, &str)> = hypotheses
        .iter()
        .flat_map(|h| sentences.iter().map(move |s| (s.as_str(), h.as_str())))
        .collect();
    if let Some(path) = &args.write_pairs {
        let mut text = String::new();
        for (p, h) in &pairs {
            text.push_str(&serde_json::json!({"premise": p, "hypothesis": h}).to_string());
            text.push('\n');
        }
        std::fs::write(path, text).with_context(|| format!("{}: cannot write", path.display()))?;
        eprintln!("wrote {} pairs to {}", pairs.len(), path.display());
        return Ok(());
    }

    println!(
        "stance bench: {} pairs ({} sentences from {corpus_name} × {} target(s)); model {}",
        pairs.len(),
        sentences.len(),
        targets.len(),
        base.model
    );
    println!(
        "{:<7} {:>7} {:>5} {:>5} {:>9} {:>10} {:>11} {:>8} {:>8} {:>9}",
        "backend",
        "threads",
        "intra",
        "batch",
        "pairs/s",
        "tokens/s",
        "padded t/s",
        "p50 ms",
        "p95 ms",
        "peak MB"
    );
    let mut settings = Vec::new();
    let mut stage_tok = 0.0;
    let mut stage_fwd = 0.0;
    let mut mean_tokens = 0.0;
    let mut last_scorer = None;
    let mut gated = None;
    for &threads in &args.threads {
        for &batch in &args.batch_size {
            let opts = ScorerOptions {
                threads: threads.max(1),
                batch_size: batch.max(1),
                ..base.clone()
            };
            let (scorer, s, st) =
                measure(&opts, &pairs).with_context(|| args.model.load_context())?;
            println!(
                "{:<7} {:>7} {:>5} {:>5} {:>9.1} {:>10.0} {:>11.0} {:>8.1} {:>8.1} {:>9.0}",
                s.backend,
                s.threads,
                s.intra_threads,
                s.batch_size,
                s.pairs_per_sec,
                s.tokens_per_sec,
                s.padded_tokens_per_sec,
                s.p50_batch_ms,
                s.p95_batch_ms,
                s.peak_rss_mb
            );
            // Stage timings and token counts come from the first setting's
            // timed pass; the pairs are the same in every setting.
            if last_scorer.is_none() {
                gated = (s.gated_pairs > 0).then_some((s.gated_pairs, s.pairs));
                stage_tok = st.tokenize_secs;
                stage_fwd = st.forward_secs;
                mean_tokens = st.tokens as f64 / pairs.len() as f64;
            }
            settings.push(s);
            last_scorer = Some(scorer);
        }
    }

    // After the table, not inside it: the same pairs are gated in every
    // setting.
    if let Some((gated, pairs)) = gated {
        println!("gate: {gated} of {pairs} pairs ruled off-topic before the cross-encoder");
    }
    let total = segment_secs + attribute_secs + stage_tok + stage_fwd;
    println!(
        "stages: segment {:.1} ms ({:.1}%), attribute {:.1} ms ({:.1}%), tokenise {:.1} ms ({:.1}%), model {:.0} ms ({:.1}%)",
        1e3 * segment_secs, 100.0 * segment_secs / total,
        1e3 * attribute_secs, 100.0 * attribute_secs / total,
        1e3 * stage_tok, 100.0 * stage_tok / total,
        1e3 * stage_fwd, 100.0 * stage_fwd / total,
    );

    // Short against long pairs, on the last scorer.
    let mut by_length = Vec::new();
    if let Some(scorer) = &last_scorer {
        let mut with_len: Vec<(usize, (&str, &str))> = pairs
            .iter()
            .map(|p| (p.0.split_whitespace().count(), *p))
            .collect();
        with_len.sort_by_key(|x| x.0);
        let third = (with_len.len() / 3).max(1);
        for (label, slice) in [
            ("shortest third", &with_len[..third]),
            ("longest third", &with_len[with_len.len() - third..]),
        ] {
            let ps: Vec<(&str, &str)> = slice.iter().map(|x| x.1).collect();
            let t = Instant::now();
            let (_, st) = scorer.score(&ps)?;
            let secs = t.elapsed().as_secs_f64();
            let row = ByLength {
                label: label.to_string(),
                mean_tokens: st.tokens as f64 / ps.len() as f64,
                pairs_per_sec: ps.len() as f64 / secs,
            };
            println!(
                "{}: {:.1} tokens per pair, {:.1} pairs/s",
                row.label, row.mean_tokens, row.pairs_per_sec
            );
            by_length.push(row);
        }
    }

    // The arithmetic limit.
    let files = files?;
    let config = ModelConfig::read(&files.config)?;
    let limit = match (
        config.flops(mean_tokens),
        settings
            .iter()
            .max_by(|a, b| a.pairs_per_sec.total_cmp(&b.pairs_per_sec)),
    ) {
        (Some(flops), Some(best)) if mean_tokens > 0.0 => {
            let gemm = gemm_gflops(base.precision)?;
            let l = Limit {
                gemm_gflops_per_thread: gemm,
                mean_tokens,
                gflop_per_pair: flops / 1e9,
                best_pairs_per_sec: best.pairs_per_sec,
                best_threads: best.threads,
                achieved_gflops: best.pairs_per_sec * flops / 1e9,
                bound_pairs_per_sec: gemm * 1e9 * best.threads as f64 / flops,
            };
            println!(
                "limit: {:.3} GFLOP per pair at {:.1} tokens; GEMM ({}, {}) {:.1} GFLOP/s per thread; best {:.1} pairs/s on {} threads = {:.1} GFLOP/s, {:.0}% of the {:.0} pairs/s bound",
                l.gflop_per_pair, l.mean_tokens, format!("{:?}", base.precision).to_lowercase(), score::kernel_tier(base.precision), l.gemm_gflops_per_thread, l.best_pairs_per_sec,
                l.best_threads, l.achieved_gflops, 100.0 * l.best_pairs_per_sec / l.bound_pairs_per_sec,
                l.bound_pairs_per_sec
            );
            Some(l)
        }
        _ => None,
    };

    if let Some(path) = &args.json {
        let report = Report {
            model: base.model.clone(),
            corpus: corpus_name,
            stages: Stages {
                documents: analysed.len(),
                sentences: pairs.len(),
                segment_secs,
                attribute_secs,
                tokenize_secs: stage_tok,
                forward_secs: stage_fwd,
            },
            settings,
            by_length,
            limit,
        };
        stance::atomic::write_file(path, serde_json::to_string_pretty(&report)?.as_bytes())?;
    }
    Ok(())
}
