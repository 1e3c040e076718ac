//! tract against stance's own backends, head to head: the same batches of
//! (sentence, claim) pairs through the same cross-encoder, every engine in
//! turn, rounds alternating, in one process.
//!
//!     benches/tract/run.sh [MODEL_DIR] [SENTENCES] [ROUNDS] [THREADS]
//!
//! Engines: tract (the folder's `model.onnx`, fp32, optimised for a
//! symbolic batch and length), candle fp32 and bf16 (stance's default
//! path), and ONNX Runtime (fp32) when its library is found. Each runs at
//! THREADS threads: candle on a rayon pool of that size, ONNX Runtime with
//! that many intra-op threads, tract with its own multithread executor.
//! Before timing, every engine's logits are checked against candle fp32's.
//! Prints pairs per second, the median over rounds, and the ratio to
//! candle fp32.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use stance::score::backend::{Backend, ModelType};
use stance::score::batching::{plan, Batch};
use stance::score::candle::CandleBackend;
use stance::score::onnx::{OrtBackend, OrtLayout};
use stance::score::tokenize::{encode_all, load_tokenizer};
use stance::score::{bf16_available, ModelConfig, ModelFiles, Precision};
use tract_onnx::prelude::*;

type Plan = TypedRunnableModel;

/// tract's optimised plan of an exported BERT classifier.
struct Tract {
    plan: Arc<Plan>,
    inputs: Vec<String>,
    pool: tract_linalg::multithread::Executor,
}

impl Tract {
    fn load(onnx: &std::path::Path, threads: usize) -> Result<Self> {
        let mut model = tract_onnx::onnx()
            .model_for_path(onnx)
            .map_err(|e| anyhow!("{}: tract cannot read it: {e:?}", onnx.display()))?;
        let (b, s) = (model.sym("B"), model.sym("S"));
        let inputs: Vec<String> = model
            .input_outlets()
            .map_err(|e| anyhow!("{e:?}"))?
            .iter()
            .map(|o| model.node(o.node).name.clone())
            .collect();
        for i in 0..inputs.len() {
            model = model
                .with_input_fact(
                    i,
                    InferenceFact::dt_shape(i64::datum_type(), tvec!(b.to_dim(), s.to_dim())),
                )
                .map_err(|e| anyhow!("{e:?}"))?;
        }
        let plan = model
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .map_err(|e| anyhow!("{}: tract cannot optimise it: {e:?}", onnx.display()))?;
        Ok(Tract {
            plan,
            inputs,
            pool: tract_linalg::multithread::Executor::multithread(threads),
        })
    }

    fn predict(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        let (n, m) = (batch.len(), batch.max_length as usize);
        let (ids, types, mask) = batch.padded(0);
        let as_tensor = |v: &[u32]| -> Result<TValue> {
            let a = tract_ndarray::Array2::from_shape_vec(
                (n, m),
                v.iter().map(|&x| x as i64).collect(),
            )?;
            Ok(Tensor::from(a).into_tvalue())
        };
        let mut values = TVec::new();
        for name in &self.inputs {
            values.push(match name.as_str() {
                "input_ids" => as_tensor(&ids)?,
                "attention_mask" => as_tensor(&mask)?,
                "token_type_ids" => as_tensor(&types)?,
                other => return Err(anyhow!("unexpected model input {other}")),
            });
        }
        let out = tract_linalg::multithread::multithread_tract_scope(self.pool.clone(), || {
            self.plan.run(values)
        })
        .map_err(|e| anyhow!("tract: {e:?}"))?;
        let logits = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| anyhow!("{e:?}"))?;
        Ok(logits
            .outer_iter()
            .map(|r| r.iter().copied().collect())
            .collect())
    }
}

enum Engine {
    Tract(Tract),
    Stance(Box<dyn Backend>),
}

impl Engine {
    fn predict(&self, b: &Batch) -> Result<Vec<Vec<f32>>> {
        match self {
            Engine::Tract(t) => t.predict(b),
            Engine::Stance(s) => s.predict(b),
        }
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().map_or("models/minilm-stance-ce", |s| s));
    let pairs: usize = args.get(1).map_or(Ok(256), |s| s.parse())?;
    let rounds: usize = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let threads: usize = args.get(3).map_or(Ok(2), |s| s.parse())?;
    let batch_size = 8;

    let files = ModelFiles::from_dir(&dir)?;
    let config = ModelConfig::read(&files.config)?;
    let tokenizer = load_tokenizer(&files.tokenizer, config.max_tokens())?;
    // The pairs `stance bench --write-pairs` writes (the founding
    // article's sentences, repeated, against the default claim): the same
    // pairs as benches/compare.sh.
    let file = std::env::var("PAIRS_FILE").context("PAIRS_FILE: run benches/tract/run.sh")?;
    let mut items: Vec<(String, String)> = Vec::new();
    for line in std::fs::read_to_string(&file)?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let field = |k: &str| {
            v[k].as_str()
                .map(str::to_string)
                .context("a pair lacks a field")
        };
        items.push((field("premise")?, field("hypothesis")?));
    }
    items.truncate(pairs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let tokens =
        pool.install(|| encode_all(&tokenizer, &items, |(s, c)| (s.clone(), c.clone())))?;
    let batches: Vec<Batch> = plan(&tokens, batch_size)
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let n_pairs: usize = batches.iter().map(Batch::len).sum();
    let mean_len = tokens.iter().map(|t| t.len()).sum::<usize>() as f64 / tokens.len() as f64;
    println!(
        "{} pairs (mean {mean_len:.1} tokens), batches of {batch_size}, {threads} thread(s), {rounds} rounds",
        n_pairs
    );

    let mut engines: Vec<(String, Engine)> = Vec::new();
    let candle = |p| -> Result<Engine> {
        Ok(Engine::Stance(Box::new(CandleBackend::load(
            &files,
            &config,
            ModelType::Classifier,
            p,
        )?)))
    };
    engines.push(("candle fp32".into(), candle(Precision::Fp32)?));
    if bf16_available() {
        engines.push(("candle bf16".into(), candle(Precision::Bf16)?));
    }
    let onnx = dir.join("model.onnx");
    let t0 = Instant::now();
    engines.push((
        "tract fp32".into(),
        Engine::Tract(Tract::load(&onnx, threads)?),
    ));
    println!(
        "tract: loaded and optimised in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    match OrtBackend::load(
        &onnx,
        None,
        OrtLayout {
            sessions: 1,
            intra_threads: threads,
        },
        ModelType::Classifier,
    ) {
        Ok(o) => engines.push(("ONNX Runtime fp32".into(), Engine::Stance(Box::new(o)))),
        Err(e) => println!("ONNX Runtime left out: {e}"),
    }

    // Same answers first: logits within 1e-3 of candle fp32's (bf16: 0.05).
    let reference = pool.install(|| engines[0].1.predict(&batches[0]))?;
    for (name, e) in &engines[1..] {
        let got = pool.install(|| e.predict(&batches[0]))?;
        let worst = reference
            .iter()
            .flatten()
            .zip(got.iter().flatten())
            .map(|(a, b)| (a - b).abs())
            .fold(0f32, f32::max);
        println!("{name}: largest logit difference from candle fp32 {worst:.2e}");
        let limit = if name.contains("bf16") { 0.05 } else { 1e-3 };
        if worst > limit {
            return Err(anyhow!("{name} disagrees with candle fp32 by {worst}"));
        }
    }

    let mut secs: Vec<Vec<f64>> = vec![Vec::new(); engines.len()];
    for _ in 0..rounds {
        for (k, (_, e)) in engines.iter().enumerate() {
            let t = Instant::now();
            pool.install(|| -> Result<()> {
                for b in &batches {
                    std::hint::black_box(e.predict(b)?);
                }
                Ok(())
            })?;
            secs[k].push(t.elapsed().as_secs_f64());
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let base = n_pairs as f64 / median(&mut secs[0].clone());
    println!("| engine | pairs/s | × candle fp32 |");
    println!("| --- | --- | --- |");
    for (k, (name, _)) in engines.iter().enumerate() {
        let rate = n_pairs as f64 / median(&mut secs[k]);
        println!("| {name} | {rate:.0} | {:.2} |", rate / base);
    }
    Ok(())
}
