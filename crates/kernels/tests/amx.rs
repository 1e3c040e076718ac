//! The AMX kernel on the hardware. The tests need a CPU with AMX whose
//! Linux grants the tile state: elsewhere each shows as `ignored` with the
//! reason, and `STANCE_REQUIRE_AMX=1` (set by `.ci/run` where
//! `/proc/cpuinfo` lists `amx_bf16`) turns that into a failure. The tile
//! kernel's logic (packing, blocking, edges) is tested on every CPU
//! against its emulation, in the crate's own tests.

use libtest_mimic::{Arguments, Failed, Trial};
use stance_kernels::packing::{bf16_value, values};
use stance_kernels::{amx, kernel_tier, Precision, Weight, KQ};

/// Tiles and the AVX-512 BF16 kernel compute the same product of the
/// same rounded factors; both are held to the exact sum.
fn amx_weight_multiplies_the_rounded_factors_as_the_bf16_kernel_does() {
    for (rows, n, k) in [
        (1, 1, 1),
        (13, 45, 31),
        (33, 64, 2 * KQ * 2 + 7),
        (64, 384, 384),
        (200, 96, 1536),
    ] {
        let (x, w, bias) = (values(rows * k, 4), values(n * k, 5), values(n, 6));
        let residual = values(rows * n, 7);
        let tiles = Weight::bf16_on(w.clone(), n, k, true);
        let avx = Weight::bf16_on(w.clone(), n, k, false);
        assert!(tiles.on_amx() && !avx.on_amx());
        assert_eq!(tiles.precision(), Precision::Bf16);
        for res in [None, Some(residual.as_slice())] {
            for threads in [1, 2] {
                let got = tiles.affine(&x, &bias, res, threads);
                let other = avx.affine(&x, &bias, res, threads);
                for r in 0..rows {
                    for c in 0..n {
                        let mut want = bias[c] as f64 + res.map_or(0.0, |v| v[r * n + c] as f64);
                        for i in 0..k {
                            want +=
                                bf16_value(x[r * k + i]) as f64 * bf16_value(w[c * k + i]) as f64;
                        }
                        let tol = 1e-5 * (1.0 + k as f64).sqrt() * 4.0;
                        let (g, o) = (got[r * n + c] as f64, other[r * n + c] as f64);
                        assert!(
                            (g - want).abs() < tol && (o - want).abs() < tol,
                            "{rows}×{k}·{k}×{n} at ({r}, {c}): AMX {g}, AVX-512 {o}, exact {want}"
                        );
                    }
                }
            }
        }
    }
}

fn amx_rows_come_out_the_same_in_any_batch_and_thread_count() {
    let (n, k) = (70, 400);
    let (w, bias) = (values(n * k, 8), values(n, 9));
    let weight = Weight::bf16_on(w, n, k, true);
    let x = values(300 * k, 10);
    let all = weight.affine(&x, &bias, None, 1);
    for rows in 1..=70 {
        for start in [0, 3, 131] {
            let got = weight.affine(&x[start * k..(start + rows) * k], &bias, None, 1);
            assert_eq!(
                got,
                all[start * n..(start + rows) * n],
                "{rows} rows from {start}"
            );
        }
    }
    assert_eq!(weight.affine(&x, &bias, None, 2), all);
    assert_eq!(weight.affine(&x, &bias, None, 3), all);
}

fn bf16_weights_go_to_amx_and_the_tier_says_so() {
    let weight = Weight::new(values(64, 1), 8, 8, Precision::Bf16);
    assert!(weight.on_amx());
    assert_eq!(kernel_tier(Precision::Bf16), "amx-bf16");
    assert_ne!(kernel_tier(Precision::Fp32), "amx-bf16");
}

fn main() {
    let args = Arguments::from_args();
    let required = std::env::var("STANCE_REQUIRE_AMX").is_ok_and(|v| v == "1");
    let tests: [(&str, fn()); 3] = [
        (
            "amx_weight_multiplies_the_rounded_factors_as_the_bf16_kernel_does",
            amx_weight_multiplies_the_rounded_factors_as_the_bf16_kernel_does,
        ),
        (
            "amx_rows_come_out_the_same_in_any_batch_and_thread_count",
            amx_rows_come_out_the_same_in_any_batch_and_thread_count,
        ),
        (
            "bf16_weights_go_to_amx_and_the_tier_says_so",
            bf16_weights_go_to_amx_and_the_tier_says_so,
        ),
    ];
    let status = amx::status();
    let trials = tests
        .into_iter()
        .map(|(name, f)| match (status, required) {
            (Ok(()), _) => Trial::test(name, move || {
                std::panic::catch_unwind(f).map_err(|e| {
                    Failed::from(
                        e.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panicked".into()),
                    )
                })
            }),
            (Err(why), true) => Trial::test(name, move || {
                Err(Failed::from(format!(
                    "STANCE_REQUIRE_AMX=1 but AMX is not used here: {why}"
                )))
            }),
            (Err(why), false) => Trial::test(name, || Ok(()))
                .with_kind(format!("no AMX ({why}); STANCE_REQUIRE_AMX=1 to require"))
                .with_ignored_flag(true),
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
