//! The dense layer in bf16 ([`Weight`] with [`Precision::Bf16`]) against
//! gemm's fp32 at the model's shapes, one thread, alternating rounds, each
//! over twelve weights used in turn as twelve layers are (together they do
//! not fit the cache):
//!
//! ```sh
//! cargo run --release -p stance-kernels --example bf16_matmul [ROWS] [ROUNDS]
//! ```
use stance_kernels::{affine, bf16_available, Precision, Weight};
use std::time::Instant;

fn main() {
    if !bf16_available() {
        eprintln!("this CPU has no AVX-512 BF16");
        std::process::exit(1);
    }
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().map_or(280, |a| a.parse().expect("ROWS"));
    let rounds: usize = args.next().map_or(5, |a| a.parse().expect("ROUNDS"));
    let mut seed = 1u32;
    let mut rand = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f32 / u32::MAX as f32 - 0.5
    };
    println!("{rows} rows; GFLOP/s, medians of {rounds} alternating rounds");
    println!("  k  ->    n   fp32 (gemm)   bf16   ratio   max |bf16 - fp32|");
    for (k, n) in [(384, 1152), (384, 384), (384, 1536), (1536, 384)] {
        let x: Vec<f32> = (0..rows * k).map(|_| rand()).collect();
        let ws: Vec<Vec<f32>> = (0..12)
            .map(|_| (0..n * k).map(|_| rand()).collect())
            .collect();
        let bias: Vec<f32> = (0..n).map(|_| rand()).collect();
        let packed: Vec<Weight> = ws
            .iter()
            .map(|w| Weight::new(w.clone(), n, k, Precision::Bf16))
            .collect();
        let err = affine(&x, &ws[0], &bias, None, 1)
            .iter()
            .zip(packed[0].affine(&x, &bias, None, 1))
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max);
        let reps = (2e10 / (2.0 * (rows * k * n) as f64)).ceil() as usize;
        let flop = 2.0 * (rows * k * n * reps) as f64;
        let (mut fp32, mut bf16) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            for r in 0..reps {
                std::hint::black_box(affine(&x, &ws[r % 12], &bias, None, 1));
            }
            fp32.push(flop / t.elapsed().as_secs_f64() / 1e9);
            let t = Instant::now();
            for r in 0..reps {
                std::hint::black_box(packed[r % 12].affine(&x, &bias, None, 1));
            }
            bf16.push(flop / t.elapsed().as_secs_f64() / 1e9);
        }
        fp32.sort_by(f64::total_cmp);
        bf16.sort_by(f64::total_cmp);
        let (a, b) = (fp32[rounds / 2], bf16[rounds / 2]);
        println!(
            "{k:>5} -> {n:<5} {a:10.1} {b:8.1}   {:.2}×   {err:.1e}",
            b / a
        );
    }
}
