//! Cascades: a cheap relevance gate in front of a cross-encoder.
//!
//! A cross-encoder reads every (sentence, claim) pair together, which is
//! accurate but costs one forward pass per pair. Most sentences of an
//! archive say nothing about a given claim. A cascade first embeds every
//! distinct sentence and claim once with a bi-encoder (the gate), rules a
//! pair off-topic when their cosine similarity is below a threshold, and
//! sends only the rest to the cross-encoder.
//!
//! A cross-encoder folder becomes a cascade with [`CASCADE_CONFIG`]:
//!
//! ```json
//! {"format": "stance-cascade/1", "gate": "../minilm-stance", "threshold": 0.2}
//! ```
//!
//! `gate` is a model folder (relative to this one) whose encoder gives the
//! embeddings; its own stance head, if any, is not used.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The cascade's description, beside the cross-encoder's `config.json`.
pub const CASCADE_CONFIG: &str = "cascade.json";
/// The only cascade format so far.
pub const CASCADE_FORMAT: &str = "stance-cascade/1";

/// What `cascade.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CascadeConfig {
    /// [`CASCADE_FORMAT`].
    pub format: String,
    /// The gate's model folder, relative to the cascade's folder.
    pub gate: String,
    /// Pairs whose cosine similarity is below this are `none` without
    /// running the cross-encoder.
    pub threshold: f32,
    /// Free-form provenance: how the threshold was chosen.
    #[serde(default)]
    pub chosen_on: Option<serde_json::Value>,
}

impl CascadeConfig {
    /// Whether `dir` holds a cascade.
    pub fn present(dir: &Path) -> bool {
        dir.join(CASCADE_CONFIG).is_file()
    }

    /// Read `dir/cascade.json`; the gate folder must exist.
    pub fn load(dir: &Path) -> Result<(Self, PathBuf)> {
        let path = dir.join(CASCADE_CONFIG);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let cfg: CascadeConfig = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a cascade description", path.display()))?;
        if cfg.format != CASCADE_FORMAT {
            bail!(
                "{}: format `{}` is unknown; this stance reads `{CASCADE_FORMAT}`",
                path.display(),
                cfg.format
            );
        }
        if !(-1.0..=1.0).contains(&cfg.threshold) {
            bail!(
                "{}: threshold {} is not a cosine similarity between -1 and 1",
                path.display(),
                cfg.threshold
            );
        }
        let gate = dir.join(&cfg.gate);
        if !gate.join("config.json").is_file() {
            bail!(
                "{}: its gate `{}` is not a model folder ({} has no config.json); keep the gate \
                 folder beside this one",
                path.display(),
                cfg.gate,
                gate.display()
            );
        }
        Ok((cfg, gate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_checked_and_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let ce = dir.path().join("ce");
        let gate = dir.path().join("gate");
        std::fs::create_dir_all(&ce).unwrap();
        std::fs::create_dir_all(&gate).unwrap();
        assert!(!CascadeConfig::present(&ce));
        let write = |json: &str| std::fs::write(ce.join(CASCADE_CONFIG), json).unwrap();
        write(r#"{"format": "stance-cascade/1", "gate": "../gate", "threshold": 0.2}"#);
        assert!(CascadeConfig::present(&ce));
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("no config.json"), "{err}");
        std::fs::write(gate.join("config.json"), "{}").unwrap();
        let (cfg, path) = CascadeConfig::load(&ce).unwrap();
        assert_eq!(cfg.threshold, 0.2);
        assert_eq!(path, ce.join("../gate"));
        write(r#"{"format": "stance-cascade/1", "gate": "../gate", "threshold": 3}"#);
        assert!(CascadeConfig::load(&ce).is_err());
        write(r#"{"format": "stance-cascade/7", "gate": "../gate", "threshold": 0.1}"#);
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("stance-cascade/7"), "{err}");
    }
}
