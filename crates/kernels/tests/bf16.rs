//! The bf16 kernel's tests. They need AVX-512 BF16: on a CPU without it
//! each shows as `ignored` with the reason, and `STANCE_REQUIRE_BF16=1`
//! (set by `.ci/run` where `/proc/cpuinfo` lists `avx512_bf16`) turns that
//! into a failure.

use libtest_mimic::{Arguments, Failed, Trial};
use stance_kernels::packing::{bf16_value, pair, round_rows, values};
use stance_kernels::{bf16_available, Precision, Weight, KQ};

fn rows_round_to_bf16_pairs_as_to_bf16_does() {
    for k in [1, 31, 32, 33, 64, 77, 384] {
        let x: Vec<f32> = values(3 * k, k as u64).iter().map(|v| v * 1e3).collect();
        let kp = k.div_ceil(2);
        let got = round_rows(&x, k);
        assert_eq!(got.len(), 3 * kp);
        for (r, row) in x.chunks(k).enumerate() {
            for q in 0..kp {
                let hi = row.get(2 * q + 1).copied().unwrap_or(0.0);
                assert_eq!(
                    got[r * kp + q],
                    pair(row[2 * q], hi),
                    "k {k}, row {r}, pair {q}"
                );
            }
        }
    }
}

/// The bf16 product is the exact product of the rounded factors, up to
/// fp32 summation: it checks the packing (odd k, n not a multiple of the
/// panel width, rows not a multiple of the tile, k longer than a block)
/// and the kernel.
fn bf16_weight_multiplies_the_rounded_factors() {
    for (rows, n, k) in [
        (1, 1, 1),
        (13, 45, 31),
        (9, 64, 2 * KQ * 2 + 7),
        (17, 33, 384),
    ] {
        let (x, w, bias) = (values(rows * k, 4), values(n * k, 5), values(n, 6));
        let residual = values(rows * n, 7);
        let weight = Weight::new(w.clone(), n, k, Precision::Bf16);
        assert_eq!(weight.precision(), Precision::Bf16);
        for res in [None, Some(residual.as_slice())] {
            let got = weight.affine(&x, &bias, res, 1);
            assert_eq!(got.len(), rows * n);
            for r in 0..rows {
                for c in 0..n {
                    let mut want = bias[c] as f64 + res.map_or(0.0, |v| v[r * n + c] as f64);
                    for i in 0..k {
                        want += bf16_value(x[r * k + i]) as f64 * bf16_value(w[c * k + i]) as f64;
                    }
                    let tol = 1e-5 * (1.0 + k as f64).sqrt() * 4.0;
                    assert!(
                        (got[r * n + c] as f64 - want).abs() < tol,
                        "{rows}×{k}·{k}×{n} at ({r}, {c}): {} vs {want}",
                        got[r * n + c]
                    );
                }
            }
        }
    }
}

fn bf16_rows_come_out_the_same_in_any_batch_and_thread_count() {
    let (n, k) = (70, 400);
    let (w, bias) = (values(n * k, 8), values(n, 9));
    let weight = Weight::new(w, n, k, Precision::Bf16);
    let x = values(300 * k, 10);
    let all = weight.affine(&x, &bias, None, 1);
    // Any number of rows, starting anywhere: the same bits per row.
    for rows in 1..=40 {
        for start in [0, 3, 131] {
            let got = weight.affine(&x[start * k..(start + rows) * k], &bias, None, 1);
            assert_eq!(
                got,
                all[start * n..(start + rows) * n],
                "{rows} rows from {start}"
            );
        }
    }
    assert_eq!(weight.affine(&x, &bias, None, 3), all);
}

fn main() {
    let args = Arguments::from_args();
    let required = std::env::var("STANCE_REQUIRE_BF16").is_ok_and(|v| v == "1");
    let tests: [(&str, fn()); 3] = [
        (
            "rows_round_to_bf16_pairs_as_to_bf16_does",
            rows_round_to_bf16_pairs_as_to_bf16_does,
        ),
        (
            "bf16_weight_multiplies_the_rounded_factors",
            bf16_weight_multiplies_the_rounded_factors,
        ),
        (
            "bf16_rows_come_out_the_same_in_any_batch_and_thread_count",
            bf16_rows_come_out_the_same_in_any_batch_and_thread_count,
        ),
    ];
    let trials = tests
        .into_iter()
        .map(|(name, f)| match (bf16_available(), required) {
            (true, _) => Trial::test(name, move || {
                std::panic::catch_unwind(f).map_err(|e| {
                    Failed::from(
                        e.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                            .unwrap_or_else(|| "panicked".into()),
                    )
                })
            }),
            (false, true) => Trial::test(name, || {
                Err(Failed::from(
                    "STANCE_REQUIRE_BF16=1 but this CPU's AVX-512 BF16 was not detected",
                ))
            }),
            (false, false) => Trial::test(name, || Ok(()))
                .with_kind("no AVX-512 BF16; STANCE_REQUIRE_BF16=1 to require")
                .with_ignored_flag(true),
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
