//! What a run was: `DIR/manifest.json`, written with every output.
//!
//! It names every input (path, size, SHA-256), every setting that changes
//! the output, the model's files (SHA-256) and the backend actually used,
//! and the shard. Two runs with the same [`Manifest::key`] give the same
//! output; resuming and merging rely on it.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ingest::Source;

/// The manifest's format.
pub const MANIFEST_FORMAT: &str = "stance-run/1";
/// Its file name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// One input as it was when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// As given on the command line (or found in a folder given there);
    /// `-` for standard input.
    pub path: String,
    /// Bytes on disk; none for standard input.
    pub size: Option<u64>,
    /// SHA-256 of the bytes on disk; none for standard input.
    pub sha256: Option<String>,
}

/// One file of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFile {
    /// The folder it is in, and its name there.
    pub folder: String,
    pub name: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The stance version that wrote it.
    pub stance: String,
    /// Every option that changes the output, as JSON.
    pub settings: serde_json::Value,
    pub inputs: Vec<InputFile>,
    pub model: Vec<ModelFile>,
    /// `candle` or `ort`.
    pub backend: String,
    /// What ran the dense layers (`amx-bf16`, `avx512-bf16`, `avx512`,
    /// `avx2-fma`, `baseline` or `onnxruntime`), for people reading the
    /// file; not in the key, as it changes only the last digits. Empty in
    /// manifests of stance before 0.16.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kernel: String,
    /// `K/N`, when the run is one shard.
    pub shard: Option<String>,
    /// SHA-256 over settings, inputs, model and backend (not the shard):
    /// runs with the same key come from the same inputs and settings.
    pub key: String,
    /// Whether every output table was written.
    pub finished: bool,
    /// Counts of the run, for people reading the file.
    #[serde(default)]
    pub counts: serde_json::Value,
}

/// SHA-256 of a file, streamed.
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Describe the inputs: sizes and content hashes.
pub fn describe_inputs(sources: &[Source]) -> Result<Vec<InputFile>> {
    sources
        .iter()
        .map(|s| match s {
            Source::Stdin => Ok(InputFile {
                path: "-".into(),
                size: None,
                sha256: None,
            }),
            Source::File(p) => Ok(InputFile {
                path: p.display().to_string(),
                size: Some(
                    std::fs::metadata(p)
                        .with_context(|| format!("{}: cannot read", p.display()))?
                        .len(),
                ),
                sha256: Some(file_sha256(p)?),
            }),
        })
        .collect()
}

/// Describe the model: every file of its folders (the gate's too), by
/// name and content hash; READMEs and licences are left out, as they
/// change no score.
pub fn describe_model(dirs: &[std::path::PathBuf]) -> Result<Vec<ModelFile>> {
    let mut out = Vec::new();
    for dir in dirs {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .with_context(|| format!("{}: cannot list", dir.display()))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !matches!(n.as_str(), "README.md" | "LICENSE" | "NOTICE"))
            .collect();
        names.sort();
        for name in names {
            out.push(ModelFile {
                folder: dir.display().to_string(),
                sha256: file_sha256(&dir.join(&name))?,
                name,
            });
        }
    }
    Ok(out)
}

impl Manifest {
    pub fn new(
        settings: serde_json::Value,
        inputs: Vec<InputFile>,
        model: Vec<ModelFile>,
        backend: &str,
        shard: Option<String>,
    ) -> Self {
        let canonical = serde_json::json!({
            "settings": settings,
            "inputs": inputs,
            "model": model.iter().map(|m| (&m.name, &m.sha256)).collect::<Vec<_>>(),
            "backend": backend,
        });
        let key = hex(&Sha256::digest(canonical.to_string().as_bytes()));
        Manifest {
            format: MANIFEST_FORMAT.into(),
            stance: env!("CARGO_PKG_VERSION").into(),
            settings,
            inputs,
            model,
            backend: backend.into(),
            kernel: String::new(),
            shard,
            key,
            finished: false,
            counts: serde_json::Value::Null,
        }
    }

    /// Read `dir/manifest.json`, if there is one.
    pub fn read(dir: &Path) -> Result<Option<Self>> {
        let path = dir.join(MANIFEST_FILE);
        if !path.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let m: Manifest = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a stance run manifest", path.display()))?;
        if m.format != MANIFEST_FORMAT {
            anyhow::bail!(
                "{}: format `{}`; this stance reads `{MANIFEST_FORMAT}`",
                path.display(),
                m.format
            );
        }
        Ok(Some(m))
    }

    /// The manifest as its file holds it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest serialises") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_follows_inputs_settings_and_model_but_not_the_shard() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "One story.").unwrap();
        let inputs = describe_inputs(&[Source::File(a.clone())]).unwrap();
        assert_eq!(inputs[0].size, Some(10));
        // sha256sum of the same bytes.
        assert_eq!(
            inputs[0].sha256.as_deref(),
            Some("0a6e46740a00c6f9a3659ca9539c66661f7c73fbd5ea1f9aa24619a36889e3be")
        );
        let m = |settings: serde_json::Value, shard: Option<&str>| {
            Manifest::new(
                settings,
                inputs.clone(),
                Vec::new(),
                "candle",
                shard.map(String::from),
            )
        };
        let base = m(serde_json::json!({"targets": ["A"]}), None);
        assert_eq!(
            base.key,
            m(serde_json::json!({"targets": ["A"]}), Some("1/2")).key
        );
        assert_ne!(base.key, m(serde_json::json!({"targets": ["B"]}), None).key);
        std::fs::write(&a, "One story!").unwrap();
        let changed = describe_inputs(&[Source::File(a)]).unwrap();
        let other = Manifest::new(
            serde_json::json!({"targets": ["A"]}),
            changed,
            Vec::new(),
            "candle",
            None,
        );
        assert_ne!(base.key, other.key);
        // It reads back as written.
        std::fs::write(dir.path().join(MANIFEST_FILE), base.to_json()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(base));
    }
}
