//! candle's 8-bit (and 4-bit) quantized matrix multiply against its f32
//! one, at the shapes of the default model's dense layers (a batch of 8
//! pairs of 60 tokens = 480 rows): time per product, the ratio, and the
//! largest absolute difference from f32 on random inputs. One thread:
//! `RAYON_NUM_THREADS=1 cargo run --release --example quantized_matmul`.
//! BENCHMARKS.md ("candle's quantized matmul") has its output.

use std::time::Instant;

use candle_core::quantized::{GgmlDType, QMatMul, QTensor};
use candle_core::{Device, Module, Tensor};

fn main() -> candle_core::Result<()> {
    let dev = Device::Cpu;
    // (rows, in, out): feed-forward up and down, attention's fused q/k/v.
    for (rows, k, n) in [(480, 384, 1536), (480, 1536, 384), (480, 384, 1152)] {
        let x = Tensor::randn(0f32, 1., (rows, k), &dev)?;
        let w = Tensor::randn(0f32, 0.05, (n, k), &dev)?;
        let f32_mm = QMatMul::Tensor(w.clone());
        let time = |m: &QMatMul| -> candle_core::Result<f64> {
            m.forward(&x)?;
            let t = Instant::now();
            for _ in 0..20 {
                m.forward(&x)?;
            }
            Ok(t.elapsed().as_secs_f64() / 20.0)
        };
        let base = time(&f32_mm)?;
        let want = f32_mm.forward(&x)?;
        print!(
            "{rows}x{k}x{n}: f32 {:.2} ms ({:.1} GFLOP/s)",
            base * 1e3,
            2.0 * (rows * k * n) as f64 / base / 1e9
        );
        for dtype in [GgmlDType::Q8_0, GgmlDType::Q4_0] {
            let q = QMatMul::from_qtensor(QTensor::quantize(&w, dtype)?)?;
            let t = time(&q)?;
            let err = (q.forward(&x)? - &want)?
                .abs()?
                .max_all()?
                .to_scalar::<f32>()?;
            print!(
                "  {dtype:?} {:.2} ms (x{:.2} the f32 speed, max |diff| {err:.3})",
                t * 1e3,
                base / t
            );
        }
        println!();
    }
    Ok(())
}
