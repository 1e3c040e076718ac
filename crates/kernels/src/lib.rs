//! Fused dense-layer (fp32, and bf16 where the CPU has AVX-512 BF16:
//! [`Weight`]), attention and element-wise kernels for stance's candle BERT
//! encoder (`src/score/bert.rs`). They live in their own crate so that the
//! project's debug and test builds compile them optimised, as they do
//! candle's own kernels (see `[profile.dev.package.stance-kernels]`): an
//! unoptimised GELU loop made the tests' model runs several times slower.

/// Runs an `#[inline(always)]` element-wise loop compiled for the widest
/// vectors this CPU has (AVX-512, else AVX2), found at run time; the
/// crate's baseline build is SSE2 only. Only plain IEEE adds, multiplies
/// and divides are in these loops (Rust never fuses them into FMAs), so
/// every width gives the same bits.
macro_rules! wide {
    ($body:ident($($arg:ident: $ty:ty),*)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx512f")]
            unsafe fn avx512($($arg: $ty),*) {
                $body($($arg),*)
            }
            #[target_feature(enable = "avx2")]
            unsafe fn avx2($($arg: $ty),*) {
                $body($($arg),*)
            }
            if std::is_x86_feature_detected!("avx512f") {
                // SAFETY: the CPU has AVX-512F.
                return unsafe { avx512($($arg),*) };
            }
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                return unsafe { avx2($($arg),*) };
            }
        }
        $body($($arg),*)
    }};
}

pub mod amx;
mod packed;
pub use packed::{bf16_available, kernel_tier, packing, to_bf16, Precision, Weight, KQ};

/// `erf(x)` for f32 to within 5e-7: the odd/even rational approximation on
/// [-4, 4] that Eigen and XLA use for float erf (beyond ±4, erf is ±1 in
/// f32). No branches and no calls, so loops over slices vectorise.
#[inline(always)]
pub fn erf(x: f32) -> f32 {
    let x = x.clamp(-4.0, 4.0);
    let x2 = x * x;
    let mut p = -2.726_142_3e-10_f32;
    for c in [
        2.770_681_4e-8,
        -2.101_024e-6,
        -5.692_506_4e-5,
        -7.349_906_3e-4,
        -2.9546e-3,
        -1.609_603_3e-2,
    ] {
        p = p * x2 + c;
    }
    let mut q = -1.456_607_2e-5_f32;
    for c in [-2.133_740_6e-4, -1.682_827e-3, -7.373_329e-3, -1.426_474e-2] {
        q = q * x2 + c;
    }
    x * p / q
}

/// Exact GELU, `x/2 (1 + erf(x/sqrt 2))`, over a slice.
pub fn gelu_erf(xs: &mut [f32]) {
    wide!(gelu_erf_body(xs: &mut [f32]))
}

#[inline(always)]
fn gelu_erf_body(xs: &mut [f32]) {
    for v in xs {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

/// `e^x` for f32 to about 1.5e-7 relative, and exactly 0 below -87 (where
/// f32's `exp` is at most 1.6e-38): a power of two times a degree-6
/// polynomial on [-ln 2/2, ln 2/2], in plain arithmetic (rounding by the
/// 1.5·2²³ trick), so that loops over slices vectorise on any x86-64.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    const ROUND: f32 = 12_582_912.0; // 1.5 * 2^23
    let xc = x.clamp(-87.0, 88.0);
    let k = (xc * std::f32::consts::LOG2_E + ROUND) - ROUND;
    let r = xc - k * 0.693_145_75 - k * 1.428_606_8e-6;
    let mut p = 1.0 / 720.0;
    for c in [1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0] {
        p = p * r + c;
    }
    let scale = f32::from_bits(((k as i32 + 127) << 23) as u32);
    if x < -87.0 {
        0.0
    } else {
        p * scale
    }
}

/// Attention weights: for each row of `m` scores, add the row of `bias` of
/// its batch element (0 at a token, a huge negative number at padding),
/// then softmax, in place. `scores` holds, per batch element, `per_bias`
/// rows (heads × query positions); `bias` one row of `m` per element.
/// One pass per row instead of candle's add, max, exp, sum and divide.
///
/// # Panics
/// When the sizes do not fit.
pub fn softmax_with_bias(scores: &mut [f32], bias: &[f32], m: usize, per_bias: usize) {
    assert!(m > 0 && per_bias > 0, "softmax: empty rows");
    assert_eq!(
        scores.len(),
        bias.len() / m * per_bias * m,
        "softmax: {} scores for {} bias rows of {m}",
        scores.len(),
        bias.len() / m
    );
    wide!(softmax_with_bias_body(scores: &mut [f32], bias: &[f32], m: usize, per_bias: usize))
}

#[inline(always)]
fn softmax_with_bias_body(scores: &mut [f32], bias: &[f32], m: usize, per_bias: usize) {
    for (group, b) in scores
        .chunks_exact_mut(per_bias * m)
        .zip(bias.chunks_exact(m))
    {
        for row in group.chunks_exact_mut(m) {
            for (v, &b) in row.iter_mut().zip(b) {
                *v += b;
            }
            let max = lanes(row, f32::NEG_INFINITY, f32::max);
            for v in row.iter_mut() {
                *v = exp(*v - max);
            }
            let inv = 1.0 / lanes(row, 0.0, |a, b| a + b);
            for v in row.iter_mut() {
                *v *= inv;
            }
        }
    }
}

/// Reduce `xs` with `f` in eight interleaved lanes (element `i` into lane
/// `i % 8`, the lanes then in order), which vectorises where one running
/// value would not. Trailing zeros (padding) leave a sum unchanged to the
/// bit, so a row sums alike whatever it is padded to.
#[inline(always)]
fn lanes(xs: &[f32], init: f32, f: impl Fn(f32, f32) -> f32) -> f32 {
    let mut acc = [init; 8];
    let mut chunks = xs.chunks_exact(8);
    for c in &mut chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a = f(*a, x);
        }
    }
    for (a, &x) in acc.iter_mut().zip(chunks.remainder()) {
        *a = f(*a, x);
    }
    acc.into_iter().fold(init, f)
}

/// A row-major `dst (rows × n) = lhs (rows × k) · rhs (k × n)`, or `+=`
/// when `accumulate`: the one way this crate calls gemm. `dst` and `lhs`
/// have column stride 1 and the given row strides; `rhs` has the given row
/// and column strides (so a transposed matrix needs no copy).
///
/// # Safety
/// Every element the strides reach, `rows × n` of `dst`, `rows × k` of
/// `lhs` and `k × n` of `rhs`, must lie inside its allocation, and `dst`
/// must not overlap the factors.
unsafe fn matmul(
    (rows, n, k): (usize, usize, usize),
    (dst, dst_rs): (*mut f32, usize),
    accumulate: bool,
    (lhs, lhs_rs): (*const f32, usize),
    (rhs, rhs_rs, rhs_cs): (*const f32, usize, usize),
    parallelism: gemm::Parallelism,
) {
    // gemm computes dst = alpha·dst + beta·lhs·rhs, reading dst only when
    // asked to.
    gemm::gemm(
        rows,
        n,
        k,
        dst,
        1,
        dst_rs as isize,
        accumulate,
        lhs,
        1,
        lhs_rs as isize,
        rhs,
        rhs_cs as isize,
        rhs_rs as isize,
        if accumulate { 1.0 } else { 0.0 },
        1.0,
        false,
        false,
        false,
        parallelism,
    );
}

/// `rows` copies of `bias`, plus `residual` (`rows × n`) where given: the
/// destination a dense layer's product accumulates into.
///
/// # Panics
/// When the residual is not `rows × n`.
fn bias_rows(rows: usize, bias: &[f32], residual: Option<&[f32]>) -> Vec<f32> {
    let n = bias.len();
    let mut dst = Vec::with_capacity(rows * n);
    match residual {
        Some(r) => {
            assert_eq!(r.len(), rows * n, "affine: residual is not {rows} × {n}");
            for row in r.chunks_exact(n) {
                dst.extend(row.iter().zip(bias).map(|(a, b)| a + b));
            }
        }
        None => (0..rows).for_each(|_| dst.extend_from_slice(bias)),
    }
    dst
}

/// The fewest rows [`affine`] hands to gemm.
pub const AFFINE_MIN_ROWS: usize = 3;

/// A dense layer with its additions fused into the matrix product:
/// `x · wᵀ + bias (+ residual)`, for `x` of `rows × k` and `w` of `n × k`
/// (PyTorch's layout of a linear layer's weight), both row-major. The destination starts as the bias (plus the residual)
/// and the product accumulates into it, so neither addition takes a pass
/// of its own. `threads` > 1 splits the product over rayon's pool.
///
/// # Panics
/// When the slices do not have the sizes above.
pub fn affine(
    x: &[f32],
    w: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    threads: usize,
) -> Vec<f32> {
    let n = bias.len();
    assert!(
        n > 0 && w.len().is_multiple_of(n),
        "affine: weight is not {n} × k"
    );
    let k = w.len() / n;
    assert!(
        k > 0 && x.len().is_multiple_of(k),
        "affine: input is not rows × {k}"
    );
    let rows = x.len() / k;
    if rows > 0 && rows < AFFINE_MIN_ROWS {
        let mut padded = x.to_vec();
        padded.resize(AFFINE_MIN_ROWS * k, 0.0);
        let res = residual.map(|r| {
            let mut r = r.to_vec();
            r.resize(AFFINE_MIN_ROWS * n, 0.0);
            r
        });
        let mut out = affine(&padded, w, bias, res.as_deref(), threads);
        out.truncate(rows * n);
        return out;
    }
    let mut dst = bias_rows(rows, bias, residual);
    let parallelism = if threads > 1 {
        gemm::Parallelism::Rayon(threads)
    } else {
        gemm::Parallelism::None
    };
    // SAFETY: the sizes are checked above; dst is rows × n and x rows × k,
    // row-major; the right-hand factor wᵀ is k × n with row stride 1 and
    // column stride k.
    unsafe {
        matmul(
            (rows, n, k),
            (dst.as_mut_ptr(), n),
            true,
            (x.as_ptr(), k),
            (w.as_ptr(), 1, k),
            parallelism,
        );
    }
    dst
}

/// The fewest query rows [`attention`] hands to gemm (see [`AFFINE_MIN_ROWS`]).
const ATTENTION_MIN_ROWS: usize = 3;

/// Multi-head self-attention read straight out of the fused projection.
/// `qkv` is `n × m` tokens by `3 × hidden` (each token's query, key and
/// value, each `heads × d`, the query already scaled by 1/sqrt(d)); `bias`
/// is `n × m` (0 at a token, a huge negative number at padding). Returns
/// the context of the first `queries` positions of every batch element,
/// `n × queries × hidden`, heads side by side as BERT concatenates them.
///
/// Each head's two products are gemm calls on strided views of `qkv` and
/// of the output, so neither the split into heads nor their merge is a
/// copy. Fewer than three query rows go through gemm as three (its
/// rounding differs otherwise), so `queries = 1` gives the first row of
/// `queries = m` to the bit. `threads` > 1 splits the batch over rayon's
/// pool.
///
/// # Panics
/// When the sizes do not fit.
pub fn attention(
    qkv: &[f32],
    bias: &[f32],
    n: usize,
    heads: usize,
    queries: usize,
    threads: usize,
) -> Vec<f32> {
    attention_with_positions(qkv, bias, None, n, heads, queries, threads)
}

/// [`attention`] with a bias on each head's scores by query and key
/// position, shared by the batch: `positions` is `heads × m × m` (head,
/// query, key), added to the scores before the padding bias, as MPNet adds
/// its relative position bias. A row's outputs still do not depend on its
/// batch as long as `positions` depends on the positions only.
///
/// # Panics
/// When the sizes do not fit.
pub fn attention_with_positions(
    qkv: &[f32],
    bias: &[f32],
    positions: Option<&[f32]>,
    n: usize,
    heads: usize,
    queries: usize,
    threads: usize,
) -> Vec<f32> {
    assert!(n > 0 && heads > 0, "attention: empty batch");
    assert!(
        bias.len().is_multiple_of(n),
        "attention: bias is not {n} × m"
    );
    let m = bias.len() / n;
    assert!(
        m > 0 && queries > 0 && queries <= m,
        "attention: {queries} of {m} queries"
    );
    assert!(
        qkv.len().is_multiple_of(n * m) && (qkv.len() / (n * m)).is_multiple_of(3 * heads),
        "attention: qkv is not {n} × {m} × 3 × {heads} × d"
    );
    if let Some(p) = positions {
        assert_eq!(
            p.len(),
            heads * m * m,
            "attention: position bias is not {heads} × {m} × {m}"
        );
    }
    let width = qkv.len() / (n * m);
    let hidden = width / 3;
    let d = hidden / heads;
    let rows = queries.max(ATTENTION_MIN_ROWS).min(m);
    let mut out = vec![0.0f32; n * queries * hidden];
    let one = |b: usize, out: &mut [f32]| {
        let x = &qkv[b * m * width..(b + 1) * m * width];
        let bias = &bias[b * m..(b + 1) * m];
        let mut scores = vec![0.0f32; rows * m];
        let mut keys = vec![0.0f32; d * m];
        let mut ctx = vec![0.0f32; if rows > queries { rows * d } else { 0 }];
        for h in 0..heads {
            let (q, k, v) = (h * d, hidden + h * d, 2 * hidden + h * d);
            // Keysᵀ, d × m, copied out: gemm reading them transposed in
            // place rounds differently as m changes, so a pair's scores
            // would depend on its batch's padded length.
            for (j, t) in x.chunks_exact(width).enumerate() {
                for (c, &val) in t[k..k + d].iter().enumerate() {
                    keys[c * m + j] = val;
                }
            }
            // SAFETY: scores is rows × m, row-major. The query rows are
            // x[i * width + q + c] (i < rows ≤ m, c < d), so row stride
            // width; keys is d × m, row-major.
            unsafe {
                matmul(
                    (rows, m, d),
                    (scores.as_mut_ptr(), m),
                    false,
                    (x.as_ptr().add(q), width),
                    (keys.as_ptr(), m, 1),
                    gemm::Parallelism::None,
                );
            }
            if let Some(p) = positions {
                for (row, p) in scores
                    .chunks_exact_mut(m)
                    .zip(p[h * m * m..].chunks_exact(m))
                {
                    for (s, &p) in row.iter_mut().zip(p) {
                        *s += p;
                    }
                }
            }
            softmax_with_bias(&mut scores, bias, m, rows);
            // The context goes straight to this head's columns of the
            // output (row stride hidden), or through `ctx` when gemm ran
            // more rows than were asked for.
            let (dst, dst_rs) = if ctx.is_empty() {
                (out[h * d..].as_mut_ptr(), hidden)
            } else {
                (ctx.as_mut_ptr(), d)
            };
            // SAFETY: the weights are rows × m, row-major; the values are
            // m × d at x[j * width + v + c]; dst has rows rows of d
            // columns at stride dst_rs inside its buffer.
            unsafe {
                matmul(
                    (rows, d, m),
                    (dst, dst_rs),
                    false,
                    (scores.as_ptr(), m),
                    (x.as_ptr().add(v), width, 1),
                    gemm::Parallelism::None,
                );
            }
            if !ctx.is_empty() {
                for (i, row) in ctx.chunks_exact(d).take(queries).enumerate() {
                    out[i * hidden + h * d..i * hidden + (h + 1) * d].copy_from_slice(row);
                }
            }
        }
    };
    let chunk = queries * hidden;
    if threads > 1 {
        use rayon::prelude::*;
        out.par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(b, o)| one(b, o));
    } else {
        out.chunks_mut(chunk)
            .enumerate()
            .for_each(|(b, o)| one(b, o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affine_matches_the_naive_product() {
        let (rows, k, n) = (5, 7, 3);
        let x: Vec<f32> = (0..rows * k)
            .map(|i| ((i * 37 % 11) as f32 - 5.0) / 4.0)
            .collect();
        let w: Vec<f32> = (0..n * k)
            .map(|i| ((i * 13 % 7) as f32 - 3.0) / 2.0)
            .collect();
        let bias = [0.5, -1.0, 2.0];
        let res: Vec<f32> = (0..rows * n).map(|i| i as f32 / 10.0).collect();
        for residual in [None, Some(res.as_slice())] {
            let got = affine(&x, &w, &bias, residual, 1);
            assert_eq!(got.len(), rows * n);
            for r in 0..rows {
                for c in 0..n {
                    let mut want = bias[c] + residual.map_or(0.0, |v| v[r * n + c]);
                    for i in 0..k {
                        want += x[r * k + i] * w[c * k + i];
                    }
                    assert!(
                        (got[r * n + c] - want).abs() < 1e-5,
                        "({r}, {c}): {} vs {want}",
                        got[r * n + c]
                    );
                }
            }
        }
    }

    #[test]
    fn exp_matches_the_library_exp() {
        let mut worst = 0.0f64;
        for i in -87_000..=88_000 {
            let x = i as f32 / 1000.0;
            let want = (x as f64).exp();
            worst = worst.max(((exp(x) as f64) - want).abs() / want);
        }
        assert!(worst < 3e-7, "max relative error {worst}");
        assert_eq!(exp(-88.0), 0.0);
        assert_eq!(exp(-f32::MAX), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn softmax_with_bias_matches_its_definition_and_zeroes_padding() {
        let (m, per) = (5, 6);
        let mut scores: Vec<f32> = (0..2 * per * m)
            .map(|i| ((i * 37 % 23) as f32 - 11.0) / 3.0)
            .collect();
        let want: Vec<f32> = scores.clone();
        let mut bias = vec![0.0f32; 2 * m];
        bias[m + 3] = -f32::MAX; // the second element's fourth token is padding
        bias[m + 4] = -f32::MAX;
        softmax_with_bias(&mut scores, &bias, m, per);
        for (r, (got, raw)) in scores.chunks(m).zip(want.chunks(m)).enumerate() {
            let b = &bias[(r / per) * m..(r / per + 1) * m];
            let xs: Vec<f64> = raw
                .iter()
                .zip(b)
                .map(|(&x, &b)| x as f64 + b as f64)
                .collect();
            let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = xs.iter().map(|x| (x - max).exp()).sum();
            for (g, x) in got.iter().zip(&xs) {
                assert!(
                    (*g as f64 - (x - max).exp() / total).abs() < 1e-6,
                    "row {r}: {got:?}"
                );
            }
            if r >= per {
                assert_eq!(&got[3..], &[0.0, 0.0], "padding gets no weight");
            }
        }
        // Padded further, a row's weights stay the same to the bit.
        let raw: Vec<f32> = (0..11).map(|i| (i as f32 * 0.37).sin() * 4.0).collect();
        let mut short = raw.clone();
        softmax_with_bias(&mut short, &[0.0; 11], 11, 1);
        for extra in [1, 5, 13, 29] {
            let mut long = raw.clone();
            long.resize(11 + extra, 0.0);
            let mut bias = vec![0.0; 11];
            bias.resize(11 + extra, -f32::MAX);
            softmax_with_bias(&mut long, &bias, 11 + extra, 1);
            assert_eq!(&long[..11], &short[..], "padded by {extra}");
        }
    }

    #[test]
    fn a_row_comes_out_the_same_in_any_batch() {
        // The shapes of MiniLM's layers: in 384 or 1536, out 384 to 1536.
        for (k, n) in [(384, 96), (384, 1536), (1536, 384)] {
            let x: Vec<f32> = (0..40 * k)
                .map(|i| (i * 7919 % 1009) as f32 / 504.5 - 1.0)
                .collect();
            let w: Vec<f32> = (0..n * k)
                .map(|i| ((i * 104_729 % 997) as f32 / 498.5 - 1.0) / 20.0)
                .collect();
            let bias = vec![0.25; n];
            let res: Vec<f32> = (0..40 * n).map(|i| (i % 13) as f32 / 7.0).collect();
            let all = affine(&x, &w, &bias, Some(&res), 1);
            for rows in 1..40 {
                let part = affine(&x[..rows * k], &w, &bias, Some(&res[..rows * n]), 1);
                assert_eq!(part, all[..rows * n], "{rows} rows, in {k}, out {n}");
            }
        }
    }

    /// Attention as BERT writes it, in f64, for `n` elements of `m` tokens.
    fn attention_ref(qkv: &[f32], bias: &[f32], n: usize, heads: usize) -> Vec<f32> {
        attention_ref_positions(qkv, bias, None, n, heads)
    }

    fn attention_ref_positions(
        qkv: &[f32],
        bias: &[f32],
        positions: Option<&[f32]>,
        n: usize,
        heads: usize,
    ) -> Vec<f32> {
        let m = bias.len() / n;
        let pos = |h: usize, i: usize, j: usize| {
            positions.map_or(0.0, |p| f64::from(p[(h * m + i) * m + j]))
        };
        let width = qkv.len() / (n * m);
        let (hidden, d) = (width / 3, width / 3 / heads);
        let mut out = vec![0.0f32; n * m * hidden];
        for b in 0..n {
            let at = |j: usize, c: usize| f64::from(qkv[(b * m + j) * width + c]);
            for h in 0..heads {
                for i in 0..m {
                    let s: Vec<f64> = (0..m)
                        .map(|j| {
                            (0..d)
                                .map(|c| at(i, h * d + c) * at(j, hidden + h * d + c))
                                .sum::<f64>()
                                + pos(h, i, j)
                                + f64::from(bias[b * m + j])
                        })
                        .collect();
                    let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let e: Vec<f64> = s.iter().map(|v| (v - max).exp()).collect();
                    let z: f64 = e.iter().sum();
                    for c in 0..d {
                        let v: f64 = (0..m)
                            .map(|j| e[j] / z * at(j, 2 * hidden + h * d + c))
                            .sum();
                        out[(b * m + i) * hidden + h * d + c] = v as f32;
                    }
                }
            }
        }
        out
    }

    fn qkv_for(n: usize, m: usize, width: usize, salt: usize) -> Vec<f32> {
        (0..n * m * width)
            .map(|i| ((i * 7919 + salt) % 1013) as f32 / 506.5 - 1.0)
            .collect()
    }

    #[test]
    fn attention_matches_its_definition() {
        let (n, m, heads, d) = (3, 7, 4, 8);
        let qkv = qkv_for(n, m, 3 * heads * d, 1);
        // The second element is padded after 4 tokens.
        let mut bias = vec![0.0f32; n * m];
        bias[m + 4..2 * m].fill(-f32::MAX);
        let want = attention_ref(&qkv, &bias, n, heads);
        for threads in [1, 2] {
            let got = attention(&qkv, &bias, n, heads, m, threads);
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() < 1e-5,
                    "{threads} threads, at {i}: {a} against {b}"
                );
            }
        }
        // The first query alone is the first row, to the bit.
        let all = attention(&qkv, &bias, n, heads, m, 1);
        let first = attention(&qkv, &bias, n, heads, 1, 1);
        let hidden = heads * d;
        for b in 0..n {
            assert_eq!(
                first[b * hidden..(b + 1) * hidden],
                all[b * m * hidden..][..hidden]
            );
        }
    }

    /// A bias by relative position, as MPNet's: `table[j - i + m - 1]`
    /// per head.
    fn relative(heads: usize, m: usize) -> Vec<f32> {
        let mut p = vec![0.0f32; heads * m * m];
        for h in 0..heads {
            for i in 0..m {
                for j in 0..m {
                    let r = j as f32 - i as f32;
                    p[(h * m + i) * m + j] = (r * 0.37 + h as f32).sin() * 2.0;
                }
            }
        }
        p
    }

    #[test]
    fn attention_adds_the_position_bias_per_head() {
        let (n, m, heads, d) = (2, 6, 3, 4);
        let qkv = qkv_for(n, m, 3 * heads * d, 3);
        let mut bias = vec![0.0f32; n * m];
        bias[m + 3..].fill(-f32::MAX);
        let p = relative(heads, m);
        let want = attention_ref_positions(&qkv, &bias, Some(&p), n, heads);
        let plain = attention_ref(&qkv, &bias, n, heads);
        assert!(
            want.iter().zip(&plain).any(|(a, b)| (a - b).abs() > 1e-2),
            "the bias must change the context"
        );
        for threads in [1, 2] {
            let got = attention_with_positions(&qkv, &bias, Some(&p), n, heads, m, threads);
            for (i, (a, b)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (a - b).abs() < 1e-5,
                    "{threads} threads, at {i}: {a} against {b}"
                );
            }
        }
        // Padding a pair further changes nothing when the bias depends on
        // relative positions only; nor does asking for the first query.
        let alone = attention_with_positions(
            &qkv[..m * 3 * heads * d],
            &[0.0; 6],
            Some(&p),
            1,
            heads,
            m,
            1,
        );
        let long_m = 11;
        let mut long = qkv[..m * 3 * heads * d].to_vec();
        long.extend(qkv_for(1, long_m - m, 3 * heads * d, 9));
        let mut pad = vec![0.0f32; m];
        pad.resize(long_m, -f32::MAX);
        let got = attention_with_positions(
            &long,
            &pad,
            Some(&relative(heads, long_m)),
            1,
            heads,
            long_m,
            1,
        );
        assert_eq!(got[..m * heads * d], alone[..]);
        let first =
            attention_with_positions(&long, &pad, Some(&relative(heads, long_m)), 1, heads, 1, 1);
        assert_eq!(first[..], alone[..heads * d]);
    }

    #[test]
    fn attention_is_the_same_whatever_the_padding() {
        // MiniLM's shape: 12 heads of 32. One element of 9 tokens, then
        // padded to longer batches' lengths.
        let (heads, d, m) = (12, 32, 9);
        let width = 3 * heads * d;
        let hidden = heads * d;
        let qkv = qkv_for(1, m, width, 5);
        let alone = attention(&qkv, &[0.0; 9], 1, heads, m, 1);
        for padded in 10..=80 {
            let mut long = qkv.clone();
            long.extend(qkv_for(1, padded - m, width, 11));
            let mut bias = vec![0.0f32; m];
            bias.resize(padded, -f32::MAX);
            let got = attention(&long, &bias, 1, heads, padded, 1);
            assert_eq!(got[..m * hidden], alone[..], "padded to {padded}");
            let first = attention(&long, &bias, 1, heads, 1, 1);
            assert_eq!(
                first[..],
                alone[..hidden],
                "first query, padded to {padded}"
            );
        }
    }
}
