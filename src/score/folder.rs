//! Writing model folders: an encoder with a stance head, as `stance train`
//! makes them and [`super::Scorer::load`] reads them.
//!
//! A folder holds the base encoder's `config.json` (with the stance labels
//! in `id2label`), its tokenizer and weights, any ONNX exports of the
//! encoder, `LICENSE`/`NOTICE` when the base has them, the head
//! ([`super::head::HEAD_CONFIG`], [`super::head::HEAD_WEIGHTS`]) and a
//! `README.md` card. It is built in a staging folder beside its final
//! place and swapped in whole.

use std::path::Path;

use anyhow::{Context, Result};

use super::head::StanceHead;
use super::model::{ModelConfig, ModelFiles};
use super::probs::Stance;
use crate::atomic::Staging;

/// Files copied from the base model's folder when it has them.
pub const COPIED_FILES: [&str; 5] = [
    "tokenizer.json",
    "model.safetensors",
    "pytorch_model.bin",
    "LICENSE",
    "NOTICE",
];
/// The encoder's ONNX exports, copied unless asked not to.
pub const ONNX_FILES: [&str; 2] = ["model.onnx", "model_int8.onnx"];

/// What to put in the folder besides the head.
#[derive(Debug, Clone, Copy)]
pub struct FolderOptions {
    /// Copy the base's ONNX exports (needed for ONNX Runtime; large).
    pub copy_onnx: bool,
}

/// What [`write_head_model`] did with the ONNX exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// ONNX files of the base that were left out, with why.
    pub onnx_left_out: Vec<(String, &'static str)>,
}

/// The base's `config.json` turned into the head model's: stance labels,
/// and a classifier base's architecture reset to its bare encoder.
pub fn head_model_config(base: &ModelConfig) -> serde_json::Value {
    let mut config = base.raw.clone();
    if let Some(obj) = config.as_object_mut() {
        if base.is_classifier() {
            obj.insert("architectures".into(), serde_json::json!(["BertModel"]));
        }
        let id2label: serde_json::Map<String, serde_json::Value> = Stance::ALL
            .iter()
            .map(|s| (s.index().to_string(), s.as_str().into()))
            .collect();
        let label2id: serde_json::Map<String, serde_json::Value> = Stance::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), s.index().into()))
            .collect();
        obj.insert("id2label".into(), id2label.into());
        obj.insert("label2id".into(), label2id.into());
    }
    config
}

/// Write the model folder `out`: `base`'s encoder with `head` and the card
/// text. An existing folder at `out` is replaced only once the new one is
/// complete.
pub fn write_head_model(
    out: &Path,
    base: &ModelFiles,
    head: &StanceHead,
    card: &str,
    opts: FolderOptions,
) -> Result<Written> {
    let name = out
        .file_name()
        .with_context(|| format!("{}: a model folder needs a name", out.display()))?
        .to_string_lossy()
        .to_string();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("{}: cannot create", parent.display()))?;
    let staging = Staging::new(parent, &format!(".{name}.stance-tmp"))?;
    let tmp = staging.path();

    let config = ModelConfig::read(&base.config)?;
    std::fs::write(
        tmp.join("config.json"),
        serde_json::to_string_pretty(&head_model_config(&config))? + "\n",
    )?;
    let src = base.dir();
    let copy = |f: &str| -> Result<()> {
        let from = src.join(f);
        if from.is_file() {
            std::fs::copy(&from, tmp.join(f)).with_context(|| {
                format!("cannot copy {} into {}", from.display(), tmp.display())
            })?;
        }
        Ok(())
    };
    for f in COPIED_FILES {
        copy(f)?;
    }
    let mut written = Written::default();
    for f in ONNX_FILES {
        if !src.join(f).is_file() {
            continue;
        }
        // A cross-encoder's export gives logits, not token states.
        if config.is_classifier() {
            written.onnx_left_out.push((
                f.to_string(),
                "it is a classifier's export, not the encoder's",
            ));
        } else if !opts.copy_onnx {
            written.onnx_left_out.push((f.to_string(), "asked not to"));
        } else {
            copy(f)?;
        }
    }
    head.save(tmp)?;
    std::fs::write(tmp.join("README.md"), card)
        .with_context(|| format!("{}: cannot write", tmp.display()))?;
    staging.commit_dir(None, out)?;
    Ok(written)
}
