//! Element-wise kernels for stance's candle BERT encoder
//! (`src/score/bert.rs`). They live in their own crate so that the
//! project's debug and test builds compile them optimised, as they do
//! candle's own kernels (see `[profile.dev.package.stance-kernels]`): an
//! unoptimised GELU loop made the tests' model runs several times slower.

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
    for v in xs {
        *v = 0.5 * *v * (1.0 + erf(*v * std::f32::consts::FRAC_1_SQRT_2));
    }
}

