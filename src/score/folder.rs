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

/// An empty staging folder beside `out` (`.NAME.stance-tmp`), where a
/// model folder is built before it is moved to `out` whole.
fn stage_beside(out: &Path) -> Result<Staging> {
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
    Staging::new(parent, &format!(".{name}.stance-tmp"))
}

/// Write the model folder `out`: `base`'s encoder (with the tensors of
/// `patches` replaced in place, for a tuned encoder) with `head` and the
/// card text. An existing folder at `out` is replaced only once the new
/// one is complete.
pub fn write_head_model(
    out: &Path,
    base: &ModelFiles,
    head: &StanceHead,
    patches: &[Patch],
    card: &str,
    opts: FolderOptions,
) -> Result<Written> {
    let staging = stage_beside(out)?;
    let tmp = staging.path();
    let patched = !patches.is_empty();
    if patched {
        write_patched(tmp, base, patches)?;
    }
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
        if !(patched && f == "model.safetensors") {
            copy(f)?;
        }
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
        } else if patched && !reads_shared_weights(&src.join(f))? {
            written.onnx_left_out.push((
                f.to_string(),
                "its weights are inside it, so it would still run the encoder as shipped",
            ));
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

/// Where a cascade's gate goes inside a folder [`write_cross_model`]
/// writes: the folder carries its gate, so it works wherever it is moved.
pub const GATE_DIR: &str = "gate";

/// The gate of a cascade being written: its folder and its settings.
pub struct GateParts {
    pub dir: std::path::PathBuf,
    pub config: super::cascade::CascadeConfig,
}

/// A tensor to overwrite in a checkpoint: its name, its values (f32,
/// row-major) and its shape, which must be the checkpoint's.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub name: String,
    pub values: Vec<f32>,
    pub shape: Vec<usize>,
}

/// `bytes` of a safetensors file with `layer`'s tensors
/// (`classifier.weight`, `classifier.bias`) overwritten in place
/// ([`patch_tensors`]).
pub fn patch_classifier(
    bytes: &[u8],
    layer: &super::adapt::Layer,
    origin: &Path,
) -> Result<Vec<u8>> {
    patch_tensors(bytes, &layer.patches(), origin)
}

/// `bytes` of a safetensors file with the `patches`' tensors overwritten
/// in place, each in its own dtype. The header, and so every other
/// tensor's offset, stays byte for byte as it was: an ONNX graph that
/// reads its weights from the file by absolute offset (the shipped
/// models' `model.onnx`) reads the new values.
pub fn patch_tensors(bytes: &[u8], patches: &[Patch], origin: &Path) -> Result<Vec<u8>> {
    let bad = || format!("{}: not a safetensors file", origin.display());
    let n = u64::from_le_bytes(bytes.get(..8).with_context(bad)?.try_into()?) as usize;
    let start = n.checked_add(8).with_context(bad)?;
    let header: serde_json::Value =
        serde_json::from_slice(bytes.get(8..start).with_context(bad)?).with_context(bad)?;
    let mut out = bytes.to_vec();
    for Patch {
        name,
        values,
        shape,
    } in patches
    {
        let meta = header
            .get(name)
            .with_context(|| format!("{}: no tensor `{name}`", origin.display()))?;
        let dtype = meta["dtype"].as_str().unwrap_or_default();
        let numbers = |key: &str| -> Vec<usize> {
            meta[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|d| d.as_u64())
                        .map(|d| d as usize)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (dims, offsets) = (numbers("shape"), numbers("data_offsets"));
        if &dims != shape || offsets.len() != 2 || values.len() != shape.iter().product::<usize>() {
            anyhow::bail!(
                "{}: `{name}` has shape {dims:?}; the new tensor is {shape:?} ({} values)",
                origin.display(),
                values.len()
            );
        }
        let encoded: Vec<u8> = match dtype {
            "F32" => values.iter().flat_map(|v| v.to_le_bytes()).collect(),
            "F16" => values
                .iter()
                .flat_map(|&v| half::f16::from_f32(v).to_le_bytes())
                .collect(),
            "BF16" => values
                .iter()
                .flat_map(|&v| half::bf16::from_f32(v).to_le_bytes())
                .collect(),
            other => anyhow::bail!(
                "{}: `{name}` is {other}; stance writes F32, F16 or BF16 tensors",
                origin.display()
            ),
        };
        let span = start
            .checked_add(offsets[0])
            .zip(start.checked_add(offsets[1]))
            .filter(|&(b, e)| e >= b && e - b == encoded.len() && e <= out.len());
        let Some((begin, end)) = span else {
            anyhow::bail!(
                "{}: `{name}`'s offsets do not fit its shape",
                origin.display()
            );
        };
        out[begin..end].copy_from_slice(&encoded);
    }
    Ok(out)
}

/// `base`'s `model.safetensors` with `patches` written into it
/// ([`patch_tensors`]), as `dir/model.safetensors`.
fn write_patched(dir: &Path, base: &ModelFiles, patches: &[Patch]) -> Result<()> {
    let super::model::Weights::Safetensors(weights) = &base.weights else {
        anyhow::bail!(
            "{}: training needs the weights as model.safetensors; convert them \
             (scripts/export_onnx.py's venv has safetensors) and try again",
            base.name
        );
    };
    let bytes =
        std::fs::read(weights).with_context(|| format!("{}: cannot read", weights.display()))?;
    std::fs::write(
        dir.join("model.safetensors"),
        patch_tensors(&bytes, patches, weights)?,
    )
    .with_context(|| format!("{}: cannot write", dir.display()))
}

/// Whether the ONNX graph at `path` reads its weights from the
/// `model.safetensors` beside it (as `scripts/share_onnx_weights.py` makes
/// the shipped exports do) rather than carrying them: only then does it
/// see a refitted layer. ONNX names an external file by its `location`,
/// stored as plain text in the graph.
pub fn reads_shared_weights(path: &Path) -> Result<bool> {
    let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    Ok(bytes.windows(17).any(|w| w == b"model.safetensors"))
}

/// Write the model folder `out`: the cross-encoder of `base` with the
/// tensors of `patches` replaced (its final layer, or its top layers),
/// every other file as it was (ONNX exports too unless `copy_onnx` is off:
/// they read the patched weights), and, for a
/// cascade, its gate copied into [`GATE_DIR`] with a `cascade.json` that
/// names it there, and `texts` (file name, contents: the card, the
/// provenance). An existing folder at `out` is replaced only once the new
/// one is complete.
pub fn write_cross_model(
    out: &Path,
    base: &ModelFiles,
    patches: &[Patch],
    gate: Option<GateParts>,
    texts: &[(&str, String)],
    opts: FolderOptions,
) -> Result<Written> {
    let staging = stage_beside(out)?;
    let tmp = staging.path();
    write_patched(tmp, base, patches)?;
    for (from, f) in [
        (&base.config, "config.json"),
        (&base.tokenizer, "tokenizer.json"),
    ] {
        std::fs::copy(from, tmp.join(f))
            .with_context(|| format!("cannot copy {} into {}", from.display(), tmp.display()))?;
    }
    let src = base.dir();
    let mut written = Written::default();
    for f in ["LICENSE", "NOTICE"].into_iter().chain(ONNX_FILES) {
        let from = src.join(f);
        if !from.is_file() {
            continue;
        }
        if ONNX_FILES.contains(&f) {
            if !opts.copy_onnx {
                written.onnx_left_out.push((f.to_string(), "asked not to"));
                continue;
            }
            if !reads_shared_weights(&from)? {
                written.onnx_left_out.push((
                    f.to_string(),
                    "its weights are inside it, so it would still run the old layer",
                ));
                continue;
            }
        }
        std::fs::copy(&from, tmp.join(f))
            .with_context(|| format!("cannot copy {} into {}", from.display(), tmp.display()))?;
    }
    if let Some(g) = gate {
        let to = tmp.join(GATE_DIR);
        std::fs::create_dir_all(&to)?;
        for entry in std::fs::read_dir(&g.dir)
            .with_context(|| format!("{}: cannot read the gate", g.dir.display()))?
        {
            let p = entry?.path();
            let Some(f) = p.file_name() else { continue };
            if !p.is_file() || (ONNX_FILES.iter().any(|o| f == *o) && !opts.copy_onnx) {
                continue;
            }
            std::fs::copy(&p, to.join(f))
                .with_context(|| format!("cannot copy {} into {}", p.display(), to.display()))?;
        }
        let mut config = g.config;
        config.gate = GATE_DIR.to_string();
        crate::atomic::write_file(
            &tmp.join(super::cascade::CASCADE_CONFIG),
            (serde_json::to_string_pretty(&config)? + "\n").as_bytes(),
        )?;
    }
    for (name, text) in texts {
        std::fs::write(tmp.join(name), text)
            .with_context(|| format!("{}: cannot write", tmp.display()))?;
    }
    staging.commit_dir(None, out)?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::adapt::Layer;

    fn file(header: &str, data: usize) -> Vec<u8> {
        let mut b = (header.len() as u64).to_le_bytes().to_vec();
        b.extend_from_slice(header.as_bytes());
        b.extend(std::iter::repeat_n(0u8, data));
        b
    }

    const GOOD: &str = r#"{"classifier.weight":{"dtype":"F16","shape":[3,2],"data_offsets":[0,12]},"classifier.bias":{"dtype":"F32","shape":[3],"data_offsets":[12,24]},"other":{"dtype":"F32","shape":[1],"data_offsets":[24,28]}}"#;

    fn layer() -> Layer {
        Layer {
            weight: vec![1.0, -2.0, 0.5, 0.25, 3.0, -1.0],
            bias: vec![0.1, 0.2, 0.3],
            hidden: 2,
        }
    }

    #[test]
    fn the_layer_is_written_in_place_in_its_own_dtype() {
        let mut before = file(GOOD, 28);
        let n = 8 + GOOD.len();
        before[n + 24..n + 28].copy_from_slice(&7.5f32.to_le_bytes());
        let after = patch_classifier(&before, &layer(), Path::new("m")).unwrap();
        assert_eq!(after.len(), before.len());
        assert_eq!(after[..n], before[..n], "the header is kept byte for byte");
        assert_eq!(after[n + 24..], before[n + 24..], "other tensors are kept");
        let w: Vec<f32> = after[n..n + 12]
            .chunks(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect();
        assert_eq!(w, layer().weight);
        let b: Vec<f32> = after[n + 12..n + 24]
            .chunks(4)
            .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        assert_eq!(b, layer().bias);
    }

    #[test]
    fn a_bad_file_is_an_error_that_names_it_not_a_panic() {
        let cases = [
            file(GOOD, 20),
            file(&GOOD.replace("[12,24]", "[24,12]"), 28),
            file(&GOOD.replace("[3,2]", "[2,3]"), 28),
            file(&GOOD.replace("F16", "I8"), 28),
            file("{not json", 0),
            vec![255; 8],
            vec![1, 2, 3],
        ];
        for bytes in cases {
            let err = patch_classifier(&bytes, &layer(), Path::new("some/model.safetensors"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("some/model.safetensors"), "{err}");
        }
    }
}
