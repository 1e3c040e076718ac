//! Splitting an archive across machines: shard K of N takes the documents
//! whose id hashes to K, whatever order the inputs are listed in, so N
//! jobs that each read every input score each document exactly once.

use sha2::{Digest, Sha256};

/// Shard `k` (1-based) of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// Parse `K/N` (1 ≤ K ≤ N).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let bad = || format!("--shard {spec}: write it K/N with 1 ≤ K ≤ N, as in 2/8");
        let (k, n) = spec.split_once('/').ok_or_else(bad)?;
        let k: u64 = k.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Shard `index` (0-based, as `SLURM_ARRAY_TASK_ID` or
    /// `JOB_COMPLETION_INDEX` count) of `n`.
    pub fn from_index(index: u64, n: u64) -> Result<Self, String> {
        if n == 0 || index >= n {
            return Err(format!(
                "shard index {index} is not below the shard count {n}"
            ));
        }
        Ok(Shard { k: index + 1, n })
    }

    /// The shard to run: `flag` (`--shard K/N`), else a Slurm array task
    /// (`SLURM_ARRAY_TASK_ID` of `SLURM_ARRAY_TASK_COUNT`, counted from
    /// `SLURM_ARRAY_TASK_MIN`), else a Kubernetes Indexed Job
    /// (`JOB_COMPLETION_INDEX` of `STANCE_SHARDS`); none without any of
    /// them. `env` reads a variable.
    pub fn choose(
        flag: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, String> {
        if let Some(spec) = flag {
            return Shard::parse(spec).map(Some);
        }
        let num = |name: &str| -> Result<Option<u64>, String> {
            env(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("{name}={v}: not a whole number"))
                })
                .transpose()
        };
        let need = |var: &str, count: &str| {
            format!("{var} is set but {count} is not: set {count} to the number of shards")
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let n = num("SLURM_ARRAY_TASK_COUNT")?
                .ok_or_else(|| need("SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"))?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}")
            })?;
            return Shard::from_index(index, n).map(Some);
        }
        if let Some(i) = num("JOB_COMPLETION_INDEX")? {
            let n = num("STANCE_SHARDS")?
                .ok_or_else(|| need("JOB_COMPLETION_INDEX", "STANCE_SHARDS"))?;
            return Shard::from_index(i, n).map(Some);
        }
        Ok(None)
    }

    /// Whether `key` (a document id, or `FILE:LINE` for a record that has
    /// none usable) belongs to this shard: the first 8 bytes of its
    /// SHA-256, modulo N. Stable across machines, versions and runs.
    pub fn owns(&self, key: &str) -> bool {
        let h = Sha256::digest(key.as_bytes());
        let v = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
        v % self.n == self.k - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_exactly_one_shard_and_shards_are_even() {
        let n = 4;
        let shards: Vec<Shard> = (1..=n).map(|k| Shard { k, n }).collect();
        let mut sizes = [0usize; 4];
        for i in 0..4000 {
            let key = format!("article-{i}");
            let owners: Vec<usize> = (0..4).filter(|&s| shards[s].owns(&key)).collect();
            assert_eq!(owners.len(), 1, "{key}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&s| (900..1100).contains(&s)), "{sizes:?}");
        // Fixed forever (checked against Python's hashlib): a change here
        // would move documents between the shards of runs already made.
        let owner = |key: &str, n: u64| (1..=n).find(|&k| Shard { k, n }.owns(key));
        assert_eq!(owner("doc-1", 3), Some(2));
        assert_eq!(owner("a", 8), Some(3));
        assert_eq!(owner("story-42", 8), Some(4));
    }

    #[test]
    fn schedulers_choose_the_shard_through_their_variables() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Shard::choose(None, env(&[])), Ok(None));
        // A Slurm array --array=1-8: task 1 is the first shard.
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ]);
        assert_eq!(Shard::choose(None, slurm), Ok(Some(Shard { k: 3, n: 8 })));
        // --shard wins over the environment.
        assert_eq!(
            Shard::choose(Some("1/2"), slurm),
            Ok(Some(Shard { k: 1, n: 2 }))
        );
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0"), ("STANCE_SHARDS", "4")]);
        assert_eq!(Shard::choose(None, k8s), Ok(Some(Shard { k: 1, n: 4 })));
        let e = Shard::choose(None, env(&[("JOB_COMPLETION_INDEX", "2")])).unwrap_err();
        assert!(e.contains("set STANCE_SHARDS"), "{e}");
        let e = Shard::choose(
            None,
            env(&[("JOB_COMPLETION_INDEX", "4"), ("STANCE_SHARDS", "4")]),
        )
        .unwrap_err();
        assert!(e.contains("not below the shard count 4"), "{e}");
    }

    #[test]
    fn specs() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { k: 2, n: 8 }));
        assert!(Shard::parse("0/8").is_err());
        assert!(Shard::parse("9/8").is_err());
        assert!(Shard::parse("2").is_err());
        assert_eq!(Shard::from_index(0, 3), Ok(Shard { k: 1, n: 3 }));
        assert!(Shard::from_index(3, 3).is_err());
    }
}
