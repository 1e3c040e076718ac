//! criterion benches for the hot functions: segmentation, attribution,
//! tokenisation plus batching, one forward pass (fp32, and bf16 where the
//! CPU has it) and one dense layer in each precision.
//!
//!     cargo bench --features bench --bench hot_paths
//!
//! The forward pass uses the tiny test fixture unless STANCE_BENCH_MODEL
//! names a model folder (for example target/bench-model, built by
//! benches/make_bench_model.py).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use stance::score::{Batch, Precision, Scorer, ScorerOptions};

fn article() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/datasets/helsinki-summit.txt"
    ))
    .unwrap()
}

fn model() -> String {
    std::env::var("STANCE_BENCH_MODEL").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tiny-bert").to_string()
    })
}

fn stages(c: &mut Criterion) {
    let text = article();
    c.bench_function("segment founding article", |b| {
        b.iter(|| stance::segment::segment(black_box(&text)))
    });
    let seg = stance::segment::segment(&text);
    c.bench_function("attribute founding article", |b| {
        b.iter(|| stance::attribute::attribute(black_box(&text), black_box(&seg)))
    });

    let m = model();
    let files = stance::score::ModelFiles::locate(&m).unwrap();
    let config = stance::score::ModelConfig::read(&files.config).unwrap();
    let tok = stance::score::load_tokenizer(&files.tokenizer, config.max_tokens()).unwrap();
    let sentences: Vec<&str> = seg.sentences.iter().map(|s| s.text(&text)).collect();
    let hyp = "Russia interfered in the 2016 US election.";
    c.bench_function("tokenise and batch founding article", |b| {
        b.iter(|| {
            let mut encs: Vec<_> = sentences
                .iter()
                .map(|s| tok.encode((*s, hyp), true).unwrap())
                .collect();
            encs.sort_by_key(|e| e.get_ids().len());
            let batches: Vec<Batch> = encs
                .chunks(8)
                .map(|ch| {
                    let mut b = Batch::new();
                    for e in ch {
                        b.push(e.get_ids(), e.get_type_ids());
                    }
                    b
                })
                .collect();
            black_box(batches)
        })
    });

    let scorer = Scorer::load(&ScorerOptions {
        threads: 1,
        ..ScorerOptions::new(m)
    })
    .unwrap();
    let pairs: Vec<(&str, &str)> = sentences.iter().take(8).map(|s| (*s, hyp)).collect();
    c.bench_function("forward pass, batch of 8 pairs", |b| {
        b.iter(|| scorer.logits(black_box(&pairs)).unwrap())
    });
    if stance::score::bf16_available() {
        let bf16 = Scorer::load(&ScorerOptions {
            threads: 1,
            precision: Precision::Bf16,
            ..ScorerOptions::new(model())
        })
        .unwrap();
        c.bench_function("forward pass, batch of 8 pairs, bf16", |b| {
            b.iter(|| bf16.logits(black_box(&pairs)).unwrap())
        });
    }

    // One dense layer of MiniLM's feed-forward (280 rows: 8 pairs of 35
    // tokens), fp32 (gemm) and, where the CPU has it, bf16.
    let (rows, k, n) = (280, 384, 1536);
    let x: Vec<f32> = (0..rows * k)
        .map(|i| (i % 13) as f32 / 13.0 - 0.5)
        .collect();
    let w: Vec<f32> = (0..n * k).map(|i| (i % 11) as f32 / 11.0 - 0.5).collect();
    let bias = vec![0.1f32; n];
    let mut precisions = vec![Precision::Fp32];
    if stance::score::bf16_available() {
        precisions.push(Precision::Bf16);
    }
    for p in precisions {
        let weight = stance_kernels::Weight::new(w.clone(), n, k, p);
        c.bench_function(&format!("dense 280×384 · 384×1536, {p:?}"), |b| {
            b.iter(|| weight.affine(black_box(&x), &bias, None, 1))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
