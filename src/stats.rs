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
        return Some((mean - half, mean + half));
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

#[cfg(test)]
mod tests {
    use super::*;

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
