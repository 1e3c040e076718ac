//! Intel AMX (Advanced Matrix Extensions) for the bf16 dense layers: eight
//! tile registers of 16 rows × 64 bytes, and `tdpbf16ps`, which adds a
//! 16 × 32 bf16 tile times a 32 × 16 one (as 16 rows of pairs) into a
//! 16 × 16 fp32 tile in one instruction: Sapphire Rapids and later Xeons.
//!
//! The weights are the bf16 kernel's panels (the `packed` module: per pair
//! of inputs, the panel's 32 columns' pairs side by side), with the pairs
//! padded with zeros to a multiple of 16 so that every tile is whole; a
//! panel's half is a B tile read with a stride of 128 bytes. The
//! activations are rounded into pairs as for the bf16 kernel, padded the
//! same way. Each step keeps a 32 × 32 block of sums in four tiles
//! (`tmm0`–`tmm3`), two A tiles (`tmm4`, `tmm5`: rows 0–15 and 16–31) and
//! two B tiles (`tmm6`, `tmm7`: columns 0–15 and 16–31).
//!
//! The kernel is written once, over `Tiles`: `Amx` runs it on the
//! hardware (`core::arch::asm!`: `ldtilecfg`, `tileloadd`, `tdpbf16ps`,
//! `tilestored`, `tilerelease`), and `Emulated` does what Intel's
//! pseudocode for those instructions does, in plain Rust, so that the
//! packing, the blocking and the edges are tested on every CPU. Before the
//! first use, [`available`] runs both on a small product and keeps AMX only
//! if they agree.
//!
//! As for the bf16 kernel, every output element is summed in the same
//! order (over the pairs in blocks of [`super::KQ`], 16 pairs per
//! instruction) wherever its row sits, so a row's result does not depend
//! on the batch around it.

use std::sync::OnceLock;

/// Rows per step: two A tiles.
pub(crate) const ROWS: usize = 32;
/// Pairs per tile row (64 bytes).
pub(crate) const TQ: usize = 16;
/// Output columns per panel (the bf16 kernel's).
const NR: usize = super::packed::NR;

/// What the kernel asks of a tile engine: the eight tiles it uses, each
/// 16 rows of 64 bytes (the configuration of [`CONFIG`]).
pub(crate) trait Tiles {
    /// Load the tile configuration (once per thread and call).
    ///
    /// # Safety
    /// On [`Amx`], the CPU must have AMX and the process its permission.
    unsafe fn configure(&mut self);
    /// Tile `T` from 16 rows of 64 bytes at `p`, `stride` bytes apart.
    ///
    /// # Safety
    /// The 16 rows must be readable.
    unsafe fn load<const T: u8>(&mut self, p: *const u8, stride: usize);
    /// Tile `T` into 16 rows of 64 bytes at `p`, `stride` bytes apart.
    ///
    /// # Safety
    /// The 16 rows must be writable.
    unsafe fn store<const T: u8>(&mut self, p: *mut u8, stride: usize);
    /// `tile C += tile A · tile B` in bf16 pairs, sums in fp32.
    ///
    /// # Safety
    /// After [`Tiles::configure`].
    unsafe fn dot<const C: u8, const A: u8, const B: u8>(&mut self);
    /// Give the tiles back (`tilerelease`).
    ///
    /// # Safety
    /// After [`Tiles::configure`].
    unsafe fn release(&mut self);
}

/// The tile configuration (palette 1): tiles 0–7 of 16 rows × 64 bytes.
#[repr(C, align(64))]
struct Config([u8; 64]);

static CONFIG: Config = {
    let mut c = [0u8; 64];
    c[0] = 1;
    let mut t = 0;
    while t < 8 {
        // colsb[t] (little-endian u16 at 16 + 2t) and rows[t] (at 48 + t).
        c[16 + 2 * t] = 64;
        c[48 + t] = 16;
        t += 1;
    }
    Config(c)
};

/// The hardware.
pub(crate) struct Amx;

#[cfg(target_arch = "x86_64")]
impl Tiles for Amx {
    #[inline(always)]
    unsafe fn configure(&mut self) {
        std::arch::asm!("ldtilecfg [{c}]", c = in(reg) CONFIG.0.as_ptr(), options(nostack, readonly));
    }
    #[inline(always)]
    unsafe fn load<const T: u8>(&mut self, p: *const u8, stride: usize) {
        std::arch::asm!(
            "tileloadd tmm{t}, [{p} + {s}*1]",
            t = const T,
            p = in(reg) p,
            s = in(reg) stride,
            options(nostack, readonly)
        );
    }
    #[inline(always)]
    unsafe fn store<const T: u8>(&mut self, p: *mut u8, stride: usize) {
        std::arch::asm!(
            "tilestored [{p} + {s}*1], tmm{t}",
            t = const T,
            p = in(reg) p,
            s = in(reg) stride,
            options(nostack)
        );
    }
    #[inline(always)]
    unsafe fn dot<const C: u8, const A: u8, const B: u8>(&mut self) {
        std::arch::asm!(
            "tdpbf16ps tmm{c}, tmm{a}, tmm{b}",
            c = const C,
            a = const A,
            b = const B,
            options(nostack, nomem, preserves_flags)
        );
    }
    #[inline(always)]
    unsafe fn release(&mut self) {
        std::arch::asm!("tilerelease", options(nostack, nomem, preserves_flags));
    }
}

#[cfg(not(target_arch = "x86_64"))]
impl Tiles for Amx {
    unsafe fn configure(&mut self) {
        unreachable!("AMX is x86-64 only")
    }
    unsafe fn load<const T: u8>(&mut self, _: *const u8, _: usize) {
        unreachable!("AMX is x86-64 only")
    }
    unsafe fn store<const T: u8>(&mut self, _: *mut u8, _: usize) {
        unreachable!("AMX is x86-64 only")
    }
    unsafe fn dot<const C: u8, const A: u8, const B: u8>(&mut self) {
        unreachable!("AMX is x86-64 only")
    }
    unsafe fn release(&mut self) {
        unreachable!("AMX is x86-64 only")
    }
}

/// The tiles in memory, doing what Intel's pseudocode of the instructions
/// does: `tdpbf16ps` adds, per output row and then per pair, the even
/// product and then the odd one into the fp32 sum (bf16 products are exact
/// in fp32, so each add is the only rounding). Denormals are not flushed,
/// as the hardware does; the kernel's values are far from them.
pub(crate) struct Emulated {
    tiles: Box<[[[u8; 64]; 16]; 8]>,
}

impl Emulated {
    pub(crate) fn new() -> Self {
        Emulated {
            tiles: Box::new([[[0; 64]; 16]; 8]),
        }
    }

    fn word(&self, t: u8, row: usize, i: usize) -> u32 {
        u32::from_le_bytes(
            self.tiles[t as usize][row][4 * i..4 * i + 4]
                .try_into()
                .unwrap(),
        )
    }
}

/// The high or low bf16 of a pair, as fp32.
fn half(word: u32, high: bool) -> f32 {
    f32::from_bits(if high { word & 0xffff_0000 } else { word << 16 })
}

impl Tiles for Emulated {
    unsafe fn configure(&mut self) {}
    unsafe fn load<const T: u8>(&mut self, p: *const u8, stride: usize) {
        for (r, row) in self.tiles[T as usize].iter_mut().enumerate() {
            std::ptr::copy_nonoverlapping(p.add(r * stride), row.as_mut_ptr(), 64);
        }
    }
    unsafe fn store<const T: u8>(&mut self, p: *mut u8, stride: usize) {
        for (r, row) in self.tiles[T as usize].iter().enumerate() {
            std::ptr::copy_nonoverlapping(row.as_ptr(), p.add(r * stride), 64);
        }
    }
    unsafe fn dot<const C: u8, const A: u8, const B: u8>(&mut self) {
        for m in 0..16 {
            let mut sums: [f32; 16] = std::array::from_fn(|n| f32::from_bits(self.word(C, m, n)));
            for k in 0..TQ {
                let a = self.word(A, m, k);
                for (n, s) in sums.iter_mut().enumerate() {
                    let b = self.word(B, k, n);
                    *s += half(a, false) * half(b, false);
                    *s += half(a, true) * half(b, true);
                }
            }
            for (n, s) in sums.iter().enumerate() {
                self.tiles[C as usize][m][4 * n..4 * n + 4]
                    .copy_from_slice(&s.to_bits().to_le_bytes());
            }
        }
    }
    unsafe fn release(&mut self) {}
}

/// `dst[rows × n] += a[rows × kpad] · panels`, for the panels in `range`,
/// on the tile engine `t`.
///
/// # Safety
/// `t` must be usable on this thread (see [`Tiles`]); `packed` holds
/// `ceil(n / NR)` panels of `kpad × NR` words, `kpad` a multiple of
/// [`TQ`]; `a` is `ceil(rows / ROWS) × ROWS × kpad` and `dst` `rows × n`.
pub(crate) unsafe fn panels<T: Tiles>(
    t: &mut T,
    packed: &[u32],
    a: &[u32],
    dst: &mut [f32],
    (rows, n, kpad): (usize, usize, usize),
    range: std::ops::Range<usize>,
) {
    use super::packed::{KQ, MC};
    debug_assert!(kpad.is_multiple_of(TQ) && KQ.is_multiple_of(TQ) && MC.is_multiple_of(ROWS));
    debug_assert!(a.len() >= rows.div_ceil(ROWS) * ROWS * kpad && dst.len() >= rows * n);
    // A block of fewer than ROWS rows, or a panel wider than what is left
    // of n, goes through this buffer, so that the step is always the same.
    let mut tile = vec![0.0f32; ROWS * NR];
    t.configure();
    for ic in (0..rows).step_by(MC) {
        let block = ic..(ic + MC).min(rows);
        for qc in (0..kpad).step_by(KQ) {
            let kq = KQ.min(kpad - qc);
            for j in range.clone() {
                let b = packed.as_ptr().add(j * kpad * NR + qc * NR);
                let (c0, cols) = (j * NR, NR.min(n - j * NR));
                for i in block.clone().step_by(ROWS) {
                    let h = ROWS.min(rows - i);
                    let ai = a.as_ptr().add(i * kpad + qc);
                    if h == ROWS && cols == NR {
                        step(t, kq, ai, kpad, b, dst.as_mut_ptr().add(i * n + c0), n);
                    } else {
                        for r in 0..h {
                            tile[r * NR..r * NR + cols]
                                .copy_from_slice(&dst[(i + r) * n + c0..][..cols]);
                        }
                        step(t, kq, ai, kpad, b, tile.as_mut_ptr(), NR);
                        for r in 0..h {
                            dst[(i + r) * n + c0..][..cols]
                                .copy_from_slice(&tile[r * NR..r * NR + cols]);
                        }
                    }
                }
            }
        }
    }
    t.release();
}

/// `c[ROWS × NR] += a[ROWS × kq] · b[kq × NR]` in bf16 pairs: `a` with row
/// stride `lda` words, `b` a panel's block (NR words per pair), `c` fp32
/// with row stride `ldc`; `kq` a multiple of [`TQ`].
#[inline(always)]
unsafe fn step<T: Tiles>(
    t: &mut T,
    kq: usize,
    a: *const u32,
    lda: usize,
    b: *const u32,
    c: *mut f32,
    ldc: usize,
) {
    let (sa, sb, sc) = (4 * lda, 4 * NR, 4 * ldc);
    t.load::<0>(c.cast(), sc);
    t.load::<1>(c.add(16).cast(), sc);
    t.load::<2>(c.add(16 * ldc).cast(), sc);
    t.load::<3>(c.add(16 * ldc + 16).cast(), sc);
    for q in (0..kq).step_by(TQ) {
        t.load::<4>(a.add(q).cast(), sa);
        t.load::<5>(a.add(16 * lda + q).cast(), sa);
        t.load::<6>(b.add(q * NR).cast(), sb);
        t.load::<7>(b.add(q * NR + 16).cast(), sb);
        t.dot::<0, 4, 6>();
        t.dot::<1, 4, 7>();
        t.dot::<2, 5, 6>();
        t.dot::<3, 5, 7>();
    }
    t.store::<0>(c.cast(), sc);
    t.store::<1>(c.add(16).cast(), sc);
    t.store::<2>(c.add(16 * ldc).cast(), sc);
    t.store::<3>(c.add(16 * ldc + 16).cast(), sc);
}

/// Whether the bf16 dense layers run on AMX here, or why not.
pub fn status() -> Result<(), &'static str> {
    static STATUS: OnceLock<Result<(), &'static str>> = OnceLock::new();
    *STATUS.get_or_init(detect)
}

/// Whether the bf16 dense layers run on AMX (see [`status`]).
pub fn available() -> bool {
    status().is_ok()
}

fn detect() -> Result<(), &'static str> {
    if std::env::var_os("STANCE_NO_AMX").is_some_and(|v| v == "1") {
        return Err("turned off by STANCE_NO_AMX=1");
    }
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        use std::arch::x86_64::{__cpuid, __cpuid_count};
        if !super::packed::bf16_available() {
            return Err("this CPU has no AVX-512 BF16, which rounds the activations");
        }
        let (leaf1, leaf7) = (__cpuid(1), __cpuid_count(7, 0));
        let (tile, bf16) = (leaf7.edx >> 24 & 1 == 1, leaf7.edx >> 22 & 1 == 1);
        if !(tile && bf16) {
            return Err("the CPU has no AMX-TILE and AMX-BF16 (CPUID leaf 7)");
        }
        if leaf1.ecx >> 27 & 1 == 0 {
            return Err("the OS has not enabled XSAVE (OSXSAVE)");
        }
        // SAFETY: OSXSAVE is set, so xgetbv is allowed.
        let xcr0 = unsafe { xgetbv0() };
        if xcr0 >> 17 & 3 != 3 {
            return Err("the OS does not save the tile state (XCR0 bits 17 and 18)");
        }
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        if !cpuinfo.split_whitespace().any(|w| w == "amx_bf16") {
            return Err("/proc/cpuinfo does not list amx_bf16");
        }
        // Linux hands out the tile data state only on request, per process:
        // arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA).
        const SYS_ARCH_PRCTL: usize = 158;
        const ARCH_REQ_XCOMP_PERM: usize = 0x1023;
        const XFEATURE_XTILEDATA: usize = 18;
        let ret: isize;
        // SAFETY: the syscall takes two integers and touches no memory of
        // ours; rcx and r11 are clobbered by `syscall`.
        unsafe {
            std::arch::asm!(
                "syscall",
                inlateout("rax") SYS_ARCH_PRCTL as isize => ret,
                in("rdi") ARCH_REQ_XCOMP_PERM,
                in("rsi") XFEATURE_XTILEDATA,
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack)
            );
        }
        if ret != 0 {
            return Err("Linux refused the tile state (arch_prctl ARCH_REQ_XCOMP_PERM)");
        }
        if !self_check() {
            return Err("the AMX kernel disagreed with its emulation on a test product");
        }
        Ok(())
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        Err("AMX is used on x86-64 Linux only")
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "xsave")]
unsafe fn xgetbv0() -> u64 {
    std::arch::x86_64::_xgetbv(0)
}

/// A product of awkward size on the hardware and on the emulation: the
/// same sums in the same order, so they agree to rounding.
#[cfg(target_arch = "x86_64")]
fn self_check() -> bool {
    let (rows, n, k) = (37, 45, 70);
    let (x, w) = (
        crate::packing::values(rows * k, 1),
        crate::packing::values(n * k, 2),
    );
    let (packed, kpad) = pack(&w, n, k);
    let a = round_rows(&x, k, kpad);
    let mut hw = vec![0.5f32; rows * n];
    let mut emu = hw.clone();
    let panels_n = n.div_ceil(NR);
    // SAFETY: AMX is detected and granted; the buffers have the sizes
    // `panels` asks for.
    unsafe {
        panels(&mut Amx, &packed, &a, &mut hw, (rows, n, kpad), 0..panels_n);
        panels(
            &mut Emulated::new(),
            &packed,
            &a,
            &mut emu,
            (rows, n, kpad),
            0..panels_n,
        );
    }
    hw.iter()
        .zip(&emu)
        .all(|(h, e)| (h - e).abs() <= 1e-4 * (1.0 + e.abs()))
}

/// `w` (`n × k`) as panels of `kpad × NR` bf16 pairs, `kpad` the pairs
/// rounded up to a multiple of [`TQ`], zeros beyond.
pub(crate) fn pack(w: &[f32], n: usize, k: usize) -> (Vec<u32>, usize) {
    let kpad = k.div_ceil(2).div_ceil(TQ) * TQ;
    (super::packed::pack_pairs(w, n, k, kpad), kpad)
}

/// Each row of `x` (`k` wide) as `kpad` bf16 pairs (zeros beyond `k`), in
/// rows padded to a multiple of [`ROWS`] (zeros), one value at a time.
pub(crate) fn round_rows(x: &[f32], k: usize, kpad: usize) -> Vec<u32> {
    let rows = x.len() / k;
    let mut a = vec![0u32; rows.div_ceil(ROWS) * ROWS * kpad];
    for (row, out) in x.chunks_exact(k).zip(a.chunks_exact_mut(kpad)) {
        for (two, o) in row.chunks(2).zip(out.iter_mut()) {
            *o = super::packed::pair(two[0], two.get(1).copied().unwrap_or(0.0));
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::packing::{bf16_value, values as test_values};

    /// The emulated kernel against a plain loop over the rounded factors,
    /// on shapes that are not multiples of anything: rows against the
    /// 32-row step and the 128-row block, n against the 32-column panel,
    /// k against the 16-pair tile and the 192-pair block. It tests the
    /// packing, the blocking and the edges that the hardware runs too.
    #[test]
    fn the_tile_kernel_multiplies_the_rounded_factors_at_odd_shapes() {
        for (rows, n, k) in [
            (1, 1, 1),
            (31, 33, 31),
            (32, 32, 32),
            (33, 64, 33),
            (130, 17, 2 * 2 * super::super::packed::KQ + 9),
            (5, 70, 400),
        ] {
            let (x, w) = (test_values(rows * k, 4), test_values(n * k, 5));
            let start = test_values(rows * n, 6);
            let (packed, kpad) = pack(&w, n, k);
            assert!(kpad.is_multiple_of(TQ) && kpad >= k.div_ceil(2));
            let a = round_rows(&x, k, kpad);
            for threads in [1, 2] {
                let mut got = start.clone();
                let panels_n = n.div_ceil(NR);
                let per = panels_n.div_ceil(threads);
                for t in 0..threads {
                    let range = t * per..((t + 1) * per).min(panels_n);
                    // SAFETY: the buffers have the sizes `panels` asks for.
                    unsafe {
                        panels(
                            &mut Emulated::new(),
                            &packed,
                            &a,
                            &mut got,
                            (rows, n, kpad),
                            range,
                        )
                    };
                }
                for r in 0..rows {
                    for c in 0..n {
                        let mut want = start[r * n + c] as f64;
                        for i in 0..k {
                            want +=
                                bf16_value(x[r * k + i]) as f64 * bf16_value(w[c * k + i]) as f64;
                        }
                        let tol = 1e-5 * (1.0 + k as f64).sqrt() * 4.0;
                        assert!(
                            (got[r * n + c] as f64 - want).abs() < tol,
                            "{rows}×{k}·{k}×{n} at ({r}, {c}), {threads} threads: {} vs {want}",
                            got[r * n + c]
                        );
                    }
                }
            }
        }
    }

    /// A row's sums do not depend on the rows around it: resume and merge
    /// rely on it.
    #[test]
    fn a_row_comes_out_the_same_in_any_batch() {
        let (n, k) = (40, 100);
        let (packed, kpad) = pack(&test_values(n * k, 8), n, k);
        let x = test_values(80 * k, 9);
        let run = |x: &[f32]| {
            let rows = x.len() / k;
            let a = round_rows(x, k, kpad);
            let mut out = vec![0.25f32; rows * n];
            // SAFETY: the buffers have the sizes `panels` asks for.
            unsafe {
                panels(
                    &mut Emulated::new(),
                    &packed,
                    &a,
                    &mut out,
                    (rows, n, kpad),
                    0..n.div_ceil(NR),
                )
            };
            out
        };
        let all = run(&x);
        for (rows, start) in [(1, 0), (3, 17), (33, 40), (16, 64)] {
            assert_eq!(
                run(&x[start * k..(start + rows) * k]),
                all[start * n..(start + rows) * n]
            );
        }
    }

    #[test]
    fn the_configuration_is_palette_one_with_eight_whole_tiles() {
        assert_eq!(CONFIG.0[0], 1);
        for t in 0..8 {
            assert_eq!(
                u16::from_le_bytes([CONFIG.0[16 + 2 * t], CONFIG.0[17 + 2 * t]]),
                64
            );
            assert_eq!(CONFIG.0[48 + t], 16);
        }
        assert!(CONFIG.0[8..16].iter().all(|&b| b == 0));
        assert!(CONFIG.0[32..48].iter().all(|&b| b == 0));
        assert!(CONFIG.0[56..].iter().all(|&b| b == 0));
    }

    #[test]
    fn status_names_a_reason_or_runs() {
        match status() {
            Ok(()) => assert!(available()),
            Err(why) => assert!(!why.is_empty() && !available()),
        }
    }
}
