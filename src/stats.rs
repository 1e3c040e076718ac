//! Small statistics shared by the report and the evaluations: a seeded
//! generator, percentiles, and bootstrap intervals over groups.

/// A small deterministic generator (SplitMix64), so that the same data
/// gives the same intervals on every machine and run.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The `p` quantile (0..=1) of sorted values, by the nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Above this many groups, [`pooled_mean_ci`] uses the normal
/// approximation instead of resampling (whose cost grows with rounds ×
/// groups, too slow for archive-sized speakers such as the narrator).
pub const BOOTSTRAP_MAX_GROUPS: usize = 2000;

/// 95% interval of a pooled mean (sum of sums / sum of counts), resampling
/// whole groups: each group is (sum of values, number of values). Up to
/// [`BOOTSTRAP_MAX_GROUPS`] groups it is a bootstrap of `rounds` rounds;
/// beyond, the normal approximation of the same group-resampling variance
/// (the ratio estimator's). `None` with fewer than two groups, where
/// resampling says nothing.
pub fn pooled_mean_ci(groups: &[(f64, usize)], rounds: usize, seed: u64) -> Option<(f64, f64)> {
    if groups.len() < 2 || rounds == 0 {
        return None;
    }
    if groups.len() > BOOTSTRAP_MAX_GROUPS {
        return normal_ci(groups);
    }
    let mut rng = SplitMix::new(seed);
    let mut means = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let (mut sum, mut n) = (0.0, 0usize);
        for _ in 0..groups.len() {
            let (s, k) = groups[rng.below(groups.len())];
            sum += s;
            n += k;
        }
        if n > 0 {
            means.push(sum / n as f64);
        }
    }
    means.sort_by(f64::total_cmp);
    Some((percentile(&means, 0.025), percentile(&means, 0.975)))
}

/// The normal approximation of [`pooled_mean_ci`]'s group-resampling
/// variance (the ratio estimator's); `None` with fewer than two groups.
pub fn normal_ci(groups: &[(f64, usize)]) -> Option<(f64, f64)> {
    if groups.len() < 2 {
        return None;
    }
    let g = groups.len() as f64;
    let total: usize = groups.iter().map(|x| x.1).sum();
    if total == 0 {
        return None;
    }
    let mean = groups.iter().map(|x| x.0).sum::<f64>() / total as f64;
    let per_group = total as f64 / g;
    let var = groups
        .iter()
        .map(|&(s, n)| ((s - mean * n as f64) / per_group).powi(2))
        .sum::<f64>()
        / (g * (g - 1.0));
    let half = 1.96 * var.sqrt();
    Some((mean - half, mean + half))
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (two-sided
/// 95%): a table up to 30, then the Cornish–Fisher expansion (within 1e-4
/// of the exact value there).
pub fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
        2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739,
        2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => TABLE[df - 1],
        _ => {
            let (z, v) = (1.959_964, df as f64);
            let z3 = z * z * z;
            z + (z3 + z) / (4.0 * v) + (5.0 * z3 * z * z + 16.0 * z3 + 3.0 * z) / (96.0 * v * v)
        }
    }
}

/// A pooled mean (sum of sums / sum of counts) over groups of values that
/// arrive one group at a time, and its 95% interval with the groups (a
/// speaker's documents) as clusters, in constant memory: six sums, however
/// many groups. Groups without values are not counted.
///
/// The interval is the ratio estimator's cluster-robust one: variance
/// Σ(sᵢ − m·nᵢ)² / (n̄² · g(g − 1)), the same variance a bootstrap over
/// groups estimates, with Student's t at g − 1 degrees of freedom, which
/// keeps its width honest with few documents (where a percentile bootstrap
/// is too narrow). `None` with fewer than two groups.
#[derive(Debug, Clone, Default)]
pub struct GroupedMean {
    /// g, Σs, Σn, Σs², Σsn, Σn² over every group.
    moments: [f64; 6],
}

impl GroupedMean {
    pub fn push(&mut self, sum: f64, n: usize) {
        if n == 0 {
            return;
        }
        let nf = n as f64;
        let m = &mut self.moments;
        m[0] += 1.0;
        m[1] += sum;
        m[2] += nf;
        m[3] += sum * sum;
        m[4] += sum * nf;
        m[5] += nf * nf;
    }

    /// Groups pushed (with at least one value).
    pub fn groups(&self) -> usize {
        self.moments[0] as usize
    }

    /// Values over all groups.
    pub fn count(&self) -> usize {
        self.moments[2] as usize
    }

    /// The pooled mean; `None` without values.
    pub fn mean(&self) -> Option<f64> {
        (self.moments[2] > 0.0).then(|| self.moments[1] / self.moments[2])
    }

    /// The 95% interval of the pooled mean (see the type).
    pub fn ci(&self) -> Option<(f64, f64)> {
        let [g, ss, sn, ss2, ssn, sn2] = self.moments;
        if g < 2.0 {
            return None;
        }
        // Σ (s − m·n)² = Σs² − 2m Σsn + m² Σn².
        let mean = ss / sn;
        let per_group = sn / g;
        let dev = (ss2 - 2.0 * mean * ssn + mean * mean * sn2).max(0.0);
        let var = dev / (per_group * per_group) / (g * (g - 1.0));
        let half = t975(g as usize - 1) * var.sqrt();
        Some((mean - half, mean + half))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_means_give_the_cluster_interval_of_all_groups() {
        let mut rng = SplitMix::new(11);
        for n_groups in [1, 2, 5, 40, 5000] {
            let mut acc = GroupedMean::default();
            let mut all = Vec::new();
            for i in 0..n_groups {
                let n = 1 + rng.below(4);
                let s = (rng.below(2001) as f64 - 1000.0) / 1000.0 * n as f64;
                acc.push(s, n);
                all.push((s, n));
                // Empty groups are left out.
                if i % 7 == 0 {
                    acc.push(0.0, 0);
                }
            }
            assert_eq!(acc.groups(), n_groups);
            let total: usize = all.iter().map(|g| g.1).sum();
            let mean = all.iter().map(|g| g.0).sum::<f64>() / total as f64;
            assert!((acc.mean().unwrap() - mean).abs() < 1e-9);
            // The same variance computed from all groups at once, widened by t.
            match (acc.ci(), normal_ci(&all)) {
                (None, None) => assert_eq!(n_groups, 1),
                (Some(a), Some(b)) => {
                    let widen = t975(n_groups - 1) / 1.96;
                    let want = (mean - (mean - b.0) * widen, mean + (b.1 - mean) * widen);
                    assert!(
                        (a.0 - want.0).abs() < 1e-9 && (a.1 - want.1).abs() < 1e-9,
                        "{a:?} {want:?}"
                    );
                    assert!(a.0 <= mean && mean <= a.1);
                }
                other => panic!("{n_groups} groups: {other:?}"),
            }
        }
    }

    #[test]
    fn t_quantiles_join_the_table_to_the_expansion_and_the_normal() {
        assert_eq!(t975(1), 12.7062);
        assert!((t975(31) - 2.0395).abs() < 1e-3, "{}", t975(31));
        assert!((t975(120) - 1.9799).abs() < 1e-3, "{}", t975(120));
        assert!((t975(1_000_000) - 1.96).abs() < 1e-3);
        assert!((1..200).all(|d| t975(d) > t975(d + 1)), "decreasing");
    }

    #[test]
    fn few_documents_give_a_wide_interval() {
        // Two documents that disagree: the interval spans zero widely.
        let mut acc = GroupedMean::default();
        acc.push(0.8, 1);
        acc.push(-0.2, 1);
        let (lo, hi) = acc.ci().unwrap();
        assert!(lo < -2.0 && hi > 2.0, "{lo} {hi}");
        // Identical documents: no spread.
        let mut same = GroupedMean::default();
        same.push(0.85, 1);
        same.push(0.85, 1);
        let (lo, hi) = same.ci().unwrap();
        assert!((lo - 0.85).abs() < 1e-12 && (hi - 0.85).abs() < 1e-12);
    }

    #[test]
    fn intervals_cover_the_mean_and_need_two_groups() {
        assert!(pooled_mean_ci(&[(3.0, 3)], 100, 1).is_none());
        let groups = [(0.9, 1), (0.7, 1), (0.8, 1), (-0.1, 1)];
        let (lo, hi) = pooled_mean_ci(&groups, 500, 7).unwrap();
        let mean = 2.3 / 4.0;
        assert!(lo <= mean && mean <= hi, "{lo} {mean} {hi}");
        assert!(lo >= -0.1 && hi <= 0.9);
        // Same seed, same interval.
        assert_eq!(pooled_mean_ci(&groups, 500, 7), Some((lo, hi)));
        // Identical groups: no spread.
        assert_eq!(
            pooled_mean_ci(&[(1.0, 2), (1.0, 2)], 50, 3),
            Some((0.5, 0.5))
        );
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 0.5), 2.0);
    }
}
