//! Dense-layer weights prepared once, at load: as they came (fp32, for
//! gemm), or rounded to bfloat16 and packed for the AVX-512 BF16 dot
//! product (`vdpbf16ps`), which multiplies twice as many pairs per cycle
//! as an fp32 FMA on the CPUs that have it.
//!
//! The bf16 product rounds both factors to bfloat16 (8 significant bits,
//! round to nearest even) and sums in fp32: a dense layer's outputs move
//! by about 1% of their size. Whether a model's labels hold under that is
//! for `stance eval` to say; stance offers it as a precision of its own.
//!
//! Layout: panels of [`NR`] output columns; within a panel, for each pair
//! of inputs `(2q, 2q+1)`, the 32 columns' two weights side by side as one
//! 32-bit word each (the low half the even input), zero-padded at the
//! right and bottom. The activations are rounded into the same pairs on
//! each call. The kernel keeps an 8 × 32 tile of sums in sixteen 512-bit
//! registers and broadcasts one activation pair per row per step.
//!
//! Every output element is summed in the same order (over the input pairs
//! in blocks of [`KQ`], each from the first up) whatever the number of rows
//! and wherever its row sits in a tile, so a row's result does not depend
//! on the batch around it, to the bit.

/// Output columns per panel: two registers of 16 fp32 sums.
pub const NR: usize = 32;
/// Rows per kernel call.
const MR: usize = 8;
/// Input pairs per block: a panel's block (`KQ × NR` words, 24 KiB) stays
/// in the level-1 cache while the row tiles of a block of rows pass over
/// it.
pub const KQ: usize = 192;
/// Rows per block: a block's activations stay in the level-2 cache while
/// every panel passes over them.
pub(crate) const MC: usize = 128;

/// The arithmetic of a model's dense layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// fp32 throughout (gemm).
    Fp32,
    /// Weights and activations rounded to bfloat16, sums in fp32
    /// (AVX-512 BF16; see [`bf16_available`]).
    Bf16,
}

/// A linear layer's weight, `n × k` in PyTorch's layout (`out × in`),
/// ready for [`Weight::affine`].
pub struct Weight {
    n: usize,
    k: usize,
    data: Layout,
}

enum Layout {
    /// The weight as given, for gemm.
    Fp32(Vec<f32>),
    /// `ceil(n / NR)` panels of `ceil(k / 2) × NR` bf16 pairs.
    Bf16(Vec<u32>),
    /// The same panels with the pairs padded with zeros to `kpad`, a
    /// multiple of the AMX tile's 16 (see [`crate::amx`]).
    Amx { buf: Vec<u32>, kpad: usize },
}

/// Whether this CPU runs the bf16 kernel (x86-64 with AVX-512F and
/// AVX-512 BF16: AMD Zen 4 and later, Intel Cooper Lake and Sapphire
/// Rapids and later).
pub fn bf16_available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512bf16")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Which kernels run the dense layers at `precision` on this CPU, for
/// logs, benchmarks and the goldens' record of where they were made:
/// `amx-bf16` (the tiles of [`crate::amx`]) or `avx512-bf16` (the bf16
/// kernel), else the widest fp32 path the matrix multiply (gemm) and the
/// element-wise loops take, `avx512`, `avx2-fma` or `baseline`. fp32
/// results differ between these in the last digits.
pub fn kernel_tier(precision: Precision) -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        if precision == Precision::Bf16 && crate::amx::available() {
            return "amx-bf16";
        }
        if precision == Precision::Bf16 && bf16_available() {
            return "avx512-bf16";
        }
        if std::is_x86_feature_detected!("avx512f") {
            return "avx512";
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return "avx2-fma";
        }
    }
    let _ = precision;
    "baseline"
}

/// `x` rounded to bfloat16 (to nearest, ties to even; NaN stays NaN), as
/// its 16 bits.
#[inline]
pub fn to_bf16(x: f32) -> u16 {
    let b = x.to_bits();
    if x.is_nan() {
        return ((b >> 16) | 0x40) as u16;
    }
    ((b + 0x7fff + ((b >> 16) & 1)) >> 16) as u16
}

/// Two values as one word of bf16: `lo` in the low half.
#[inline]
pub(crate) fn pair(lo: f32, hi: f32) -> u32 {
    to_bf16(lo) as u32 | (to_bf16(hi) as u32) << 16
}

/// The packing step on its own, for the crate's bf16 and AMX tests
/// (`tests/bf16.rs` and `tests/amx.rs`, harnesses that can show them as
/// ignored): each row of `x` as bf16 pairs, and one pair of values, as the
/// kernel reads them; and the tests' seeded values and their bf16
/// rounding.
#[doc(hidden)]
pub mod packing {
    /// `round_rows` into a new buffer; panics without AVX-512 BF16.
    pub fn round_rows(x: &[f32], k: usize) -> Vec<u32> {
        assert!(super::bf16_available(), "this CPU has no AVX-512 BF16");
        let mut a = vec![0u32; x.len() / k * k.div_ceil(2)];
        // SAFETY: the CPU has AVX-512F and BF16 (checked), and `a` holds
        // `x.len() / k × ceil(k / 2)` words.
        unsafe { super::round_rows(x, k, &mut a, k.div_ceil(2)) };
        a
    }

    /// Two values as one word of bf16 pairs.
    pub fn pair(lo: f32, hi: f32) -> u32 {
        super::pair(lo, hi)
    }

    /// `len` values in [-1, 1) from `seed` (a linear congruential
    /// sequence): the kernels' test data, and AMX's start-up check.
    pub fn values(len: usize, seed: u64) -> Vec<f32> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0
            })
            .collect()
    }

    /// `x` rounded to bfloat16, as fp32.
    pub fn bf16_value(x: f32) -> f32 {
        f32::from_bits((super::to_bf16(x) as u32) << 16)
    }
}

impl Weight {
    /// `w` (`n × k`, row-major) for products in `precision`: kept as it
    /// is for fp32 (no copy), packed for bf16.
    ///
    /// # Panics
    /// When `w` is not `n × k`, either is zero, or `precision` is bf16 on
    /// a CPU without it ([`bf16_available`]).
    pub fn new(w: Vec<f32>, n: usize, k: usize, precision: Precision) -> Self {
        match precision {
            Precision::Fp32 => {
                check_shape(&w, n, k);
                Weight {
                    n,
                    k,
                    data: Layout::Fp32(w),
                }
            }
            Precision::Bf16 => Self::bf16_on(w, n, k, crate::amx::available()),
        }
    }

    /// `w` packed for bf16 products on AMX tiles (`amx`, which needs
    /// [`crate::amx::available`]) or on the AVX-512 BF16 kernel, whichever
    /// [`Weight::new`] would pick: for tests and benchmarks that compare
    /// the two on one machine.
    ///
    /// # Panics
    /// As [`Weight::new`], and when `amx` is asked for where it is not
    /// available.
    #[doc(hidden)]
    pub fn bf16_on(w: Vec<f32>, n: usize, k: usize, amx: bool) -> Self {
        check_shape(&w, n, k);
        assert!(bf16_available(), "weight: this CPU has no AVX-512 BF16");
        let data = if amx {
            assert!(crate::amx::available(), "weight: AMX is not available here");
            let (buf, kpad) = crate::amx::pack(&w, n, k);
            Layout::Amx { buf, kpad }
        } else {
            Layout::Bf16(pack_pairs(&w, n, k, k.div_ceil(2)))
        };
        Weight { n, k, data }
    }

    /// Whether the products run on AMX tiles.
    pub fn on_amx(&self) -> bool {
        matches!(self.data, Layout::Amx { .. })
    }

    /// Output width (`out`).
    pub fn n(&self) -> usize {
        self.n
    }

    /// Input width (`in`).
    pub fn k(&self) -> usize {
        self.k
    }

    /// The precision of [`Weight::affine`].
    pub fn precision(&self) -> Precision {
        match self.data {
            Layout::Fp32(_) => Precision::Fp32,
            Layout::Bf16(_) | Layout::Amx { .. } => Precision::Bf16,
        }
    }

    /// `x · wᵀ + bias (+ residual)` for `x` of `rows × k`, row-major, as
    /// [`crate::affine`] computes it (in this weight's precision).
    /// `threads` > 1 splits the product over rayon's pool.
    ///
    /// # Panics
    /// When the slices do not fit the weight.
    pub fn affine(
        &self,
        x: &[f32],
        bias: &[f32],
        residual: Option<&[f32]>,
        threads: usize,
    ) -> Vec<f32> {
        let (n, k) = (self.n, self.k);
        assert_eq!(bias.len(), n, "affine: bias is not {n} long");
        assert!(x.len().is_multiple_of(k), "affine: input is not rows × {k}");
        // Each bf16 layout: its packed panels, the pairs per row (padded to
        // whole tiles on AMX) and the rows per kernel step.
        let (packed, stride, step, amx) = match &self.data {
            Layout::Fp32(w) => return crate::affine(x, w, bias, residual, threads),
            Layout::Bf16(buf) => (buf, k.div_ceil(2), MR, false),
            Layout::Amx { buf, kpad } => (buf, *kpad, crate::amx::ROWS, true),
        };
        let rows = x.len() / k;
        let mut dst = crate::bias_rows(rows, bias, residual);
        if rows == 0 {
            return dst;
        }
        // The activations as bf16 pairs, in rows padded to a whole step so
        // that every step runs the same kernel (the padding rows' results
        // are never read, so what they hold does not matter). The buffer
        // is the thread's own, kept between calls; a nested call (rayon
        // may run one while this waits) finds it taken and makes its own.
        let mut a = SCRATCH.take();
        let len = rows.div_ceil(step) * step * stride;
        if a.len() < len {
            a.resize(len, 0);
        }
        // SAFETY: the weight was packed, so the CPU has AVX-512 BF16 (AMX
        // implies it); x is rows × k and a at least rows × stride.
        unsafe { round_rows(x, k, &mut a, stride) };
        let panels = n.div_ceil(NR);
        let threads = threads.clamp(1, panels);
        let per = panels.div_ceil(threads);
        let out = SendPtr(dst.as_mut_ptr());
        let run = |t: usize| {
            let range = t * per..((t + 1) * per).min(panels);
            // SAFETY: the weight was packed, so the CPU has AVX-512 BF16,
            // and for AMX the tiles are granted (each task configures its
            // own thread's); packed is panels × stride × NR, a (rows
            // rounded up to the step) × stride, dst rows × n; each task
            // writes only its own panels' columns.
            unsafe {
                let dst = std::slice::from_raw_parts_mut(out.get(), rows * n);
                let dims = (rows, n, stride);
                if amx {
                    crate::amx::panels(&mut crate::amx::Amx, packed, &a, dst, dims, range);
                } else {
                    bf16_panels(packed, &a, dst, dims, range);
                }
            }
        };
        if threads == 1 {
            run(0);
        } else {
            use rayon::prelude::*;
            (0..threads).into_par_iter().for_each(run);
        }
        SCRATCH.set(a);
        dst
    }
}

/// Panics unless `w` holds `n × k` values, neither zero.
fn check_shape(w: &[f32], n: usize, k: usize) {
    assert!(
        n > 0 && k > 0 && w.len() == n * k,
        "weight: {} values for {n} × {k}",
        w.len()
    );
}

/// `w` (`n × k`) as `ceil(n / NR)` panels of `kstride × NR` bf16 pairs
/// (`kstride` ≥ `ceil(k / 2)`), zero-padded at the right and bottom.
pub(crate) fn pack_pairs(w: &[f32], n: usize, k: usize, kstride: usize) -> Vec<u32> {
    let mut buf = vec![0u32; n.div_ceil(NR) * kstride * NR];
    for (col, row) in w.chunks_exact(k).enumerate() {
        let panel = &mut buf[col / NR * kstride * NR..];
        for (q, two) in row.chunks(2).enumerate() {
            panel[q * NR + col % NR] = pair(two[0], two.get(1).copied().unwrap_or(0.0));
        }
    }
    buf
}

thread_local! {
    /// Each thread's buffer for a layer's input in bf16 pairs.
    static SCRATCH: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn round_rows(_: &[f32], _: usize, _: &mut [u32], _: usize) {
    unreachable!("bf16 weights are only packed on x86-64")
}

/// Each row of `x` (`k` wide) into `a` as `ceil(k / 2)` bf16 pairs, rows
/// `stride` pairs apart and zeros in the pairs beyond, 32 values per
/// instruction (`vcvtne2ps2bf16`: to nearest, ties to even, as
/// [`to_bf16`]), the tail one pair at a time.
///
/// # Safety
/// The CPU must have AVX-512F and BF16; `stride` ≥ `ceil(k / 2)`; `a`
/// holds at least `x.len() / k × stride` words.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bf16")]
unsafe fn round_rows(x: &[f32], k: usize, a: &mut [u32], stride: usize) {
    use std::arch::x86_64::*;
    let kp = k.div_ceil(2);
    let full = k / 32 * 32;
    for (row, out) in x.chunks_exact(k).zip(a.chunks_exact_mut(stride)) {
        out[kp..].fill(0);
        for i in (0..full).step_by(32) {
            let lo = _mm512_loadu_ps(row.as_ptr().add(i));
            let hi = _mm512_loadu_ps(row.as_ptr().add(i + 16));
            // SAFETY (transmute): __m512bh and __m512i are 64 bytes of bits.
            let v: __m512i = std::mem::transmute(_mm512_cvtne2ps_pbh(hi, lo));
            _mm512_storeu_si512(out.as_mut_ptr().add(i / 2).cast(), v);
        }
        for (two, o) in row[full..].chunks(2).zip(&mut out[full / 2..]) {
            *o = pair(two[0], two.get(1).copied().unwrap_or(0.0));
        }
    }
}

struct SendPtr(*mut f32);
impl SendPtr {
    fn get(&self) -> *mut f32 {
        self.0
    }
}
// SAFETY: shared only with tasks that write disjoint columns.
unsafe impl Sync for SendPtr {}

#[cfg(not(target_arch = "x86_64"))]
unsafe fn bf16_panels(
    _: &[u32],
    _: &[u32],
    _: &mut [f32],
    _: (usize, usize, usize),
    _: std::ops::Range<usize>,
) {
    unreachable!("bf16 weights are only packed on x86-64")
}

/// `dst[rows × n] += a[rows × kp] · panels`, for the panels in `range`.
///
/// # Safety
/// The CPU must have AVX-512F and BF16; `packed` holds `ceil(n / NR)`
/// panels of `kp × NR`; `a` is `ceil(rows / MR) × MR × kp` and `dst`
/// `rows × n`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bf16")]
unsafe fn bf16_panels(
    packed: &[u32],
    a: &[u32],
    dst: &mut [f32],
    (rows, n, kp): (usize, usize, usize),
    range: std::ops::Range<usize>,
) {
    // A tile of fewer than MR rows, or a panel wider than what is left of
    // n, goes through this buffer, so that the kernel is always the same.
    let mut tile = [0.0f32; MR * NR];
    for ic in (0..rows).step_by(MC) {
        let block = ic..(ic + MC).min(rows);
        for qc in (0..kp).step_by(KQ) {
            let kq = KQ.min(kp - qc);
            for j in range.clone() {
                let b = packed.as_ptr().add(j * kp * NR + qc * NR);
                let (c0, cols) = (j * NR, NR.min(n - j * NR));
                for i in block.clone().step_by(MR) {
                    let h = MR.min(rows - i);
                    let ai = a.as_ptr().add(i * kp + qc);
                    if h == MR && cols == NR {
                        bf16_kernel(kq, ai, kp, b, dst.as_mut_ptr().add(i * n + c0), n);
                    } else {
                        for r in 0..h {
                            tile[r * NR..r * NR + cols]
                                .copy_from_slice(&dst[(i + r) * n + c0..][..cols]);
                        }
                        bf16_kernel(kq, ai, kp, b, tile.as_mut_ptr(), NR);
                        for r in 0..h {
                            dst[(i + r) * n + c0..][..cols]
                                .copy_from_slice(&tile[r * NR..r * NR + cols]);
                        }
                    }
                }
            }
        }
    }
}

/// `c[MR × 32] += a[MR × kq] · b[kq × 32]` in bf16 pairs: `a` with row
/// stride `lda` words, `b` packed (32 words per pair), `c` fp32 with row
/// stride `ldc`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bf16")]
#[inline]
unsafe fn bf16_kernel(
    kq: usize,
    a: *const u32,
    lda: usize,
    b: *const u32,
    c: *mut f32,
    ldc: usize,
) {
    use std::arch::x86_64::*;
    let mut acc = [[_mm512_setzero_ps(); 2]; MR];
    for (r, acc) in acc.iter_mut().enumerate() {
        acc[0] = _mm512_loadu_ps(c.add(r * ldc));
        acc[1] = _mm512_loadu_ps(c.add(r * ldc + 16));
    }
    for q in 0..kq {
        // SAFETY (transmutes): __m512i and __m512bh are both 64 bytes of
        // plain bits.
        let b0: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(q * NR).cast()));
        let b1: __m512bh = std::mem::transmute(_mm512_loadu_si512(b.add(q * NR + 16).cast()));
        for (r, acc) in acc.iter_mut().enumerate() {
            let x: __m512bh = std::mem::transmute(_mm512_set1_epi32(*a.add(r * lda + q) as i32));
            acc[0] = _mm512_dpbf16_ps(acc[0], x, b0);
            acc[1] = _mm512_dpbf16_ps(acc[1], x, b1);
        }
    }
    for (r, acc) in acc.iter().enumerate() {
        _mm512_storeu_ps(c.add(r * ldc), acc[0]);
        _mm512_storeu_ps(c.add(r * ldc + 16), acc[1]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::packing::{bf16_value, values};

    #[test]
    fn bf16_rounds_to_nearest_even() {
        assert_eq!(to_bf16(1.0), 0x3f80);
        assert_eq!(to_bf16(-2.0), 0xc000);
        // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to even (1).
        assert_eq!(to_bf16(1.0 + 1.0 / 256.0), 0x3f80);
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: even is up.
        assert_eq!(to_bf16(1.0 + 3.0 / 256.0), 0x3f82);
        assert_eq!(to_bf16(1.0 + 1.0 / 256.0 + 1e-6), 0x3f81);
        assert_eq!(to_bf16(f32::INFINITY), 0x7f80);
        assert!(f32::from_bits((to_bf16(f32::NAN) as u32) << 16).is_nan());
        // Within half a unit of the 8th significant bit everywhere.
        for x in values(10_000, 3) {
            let x = x * 1e3;
            assert!((bf16_value(x) - x).abs() <= x.abs() / 256.0, "{x}");
        }
    }

    #[test]
    fn fp32_weight_is_the_gemm_product() {
        let (rows, n, k) = (7, 40, 33);
        let (x, w, bias) = (values(rows * k, 1), values(n * k, 2), values(n, 3));
        let weight = Weight::new(w.clone(), n, k, Precision::Fp32);
        assert_eq!(weight.precision(), Precision::Fp32);
        assert_eq!(
            weight.affine(&x, &bias, None, 1),
            crate::affine(&x, &w, &bias, None, 1)
        );
    }
}
