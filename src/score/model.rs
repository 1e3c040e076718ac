//! Model folders: finding one (a local folder or a Hugging Face hub id),
//! reading its `config.json`, and mapping its labels to stances.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// The files of a Hugging Face style model folder.
#[derive(Debug, Clone)]
pub struct ModelFiles {
    /// The folder, or the hub id it was fetched for.
    pub name: String,
    pub config: PathBuf,
    pub tokenizer: PathBuf,
    pub weights: Weights,
}

#[derive(Debug, Clone)]
pub enum Weights {
    Safetensors(PathBuf),
    Pytorch(PathBuf),
    Onnx(PathBuf),
}

impl ModelFiles {
    /// Find a model: `spec` is a local folder, or else a hub id such as
    /// `cross-encoder/nli-deberta-v3-xsmall`.
    pub fn locate(spec: &str) -> Result<Self> {
        let path = Path::new(spec);
        if path.is_dir() {
            return Self::from_dir(path);
        }
        if path.exists() {
            bail!("--model {spec}: this is a file; give the model's folder, which holds config.json, tokenizer.json and the weights");
        }
        if looks_like_path(spec) {
            bail!("--model {spec}: no such folder; give a folder with config.json, tokenizer.json and model.safetensors (or pytorch_model.bin), or a Hugging Face hub id");
        }
        hub::fetch(spec)
    }

    /// A local model folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let need = |f: &str| -> Result<PathBuf> {
            let p = dir.join(f);
            if p.is_file() {
                Ok(p)
            } else {
                bail!(
                    "model folder {}: {f} is missing; a model folder needs config.json, tokenizer.json and model.safetensors (or pytorch_model.bin)",
                    dir.display()
                )
            }
        };
        let config = need("config.json")?;
        let tokenizer = need("tokenizer.json")?;
        let weights = if dir.join("model.safetensors").is_file() {
            Weights::Safetensors(dir.join("model.safetensors"))
        } else if dir.join("pytorch_model.bin").is_file() {
            Weights::Pytorch(dir.join("pytorch_model.bin"))
        } else if dir.join("model.onnx").is_file() {
            Weights::Onnx(dir.join("model.onnx"))
        } else {
            bail!(
                "model folder {}: no weights; it needs model.safetensors or pytorch_model.bin",
                dir.display()
            )
        };
        Ok(ModelFiles {
            name: dir.display().to_string(),
            config,
            tokenizer,
            weights,
        })
    }

    /// The ONNX export in the model's folder: `model.onnx`, or
    /// `model_int8.onnx` when `quantized` (also looked for under `onnx/`).
    pub fn onnx(&self, quantized: bool) -> Result<PathBuf> {
        let name = if quantized {
            "model_int8.onnx"
        } else {
            "model.onnx"
        };
        let dir = self.dir();
        [dir.join(name), dir.join("onnx").join(name)]
            .into_iter()
            .find(|p| p.is_file())
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "model folder {}: no {name}; --backend ort needs an ONNX export, made with \
                     `scripts/export_onnx.py {}`{}",
                    dir.display(),
                    dir.display(),
                    if quantized {
                        " and then scripts/quantize_onnx.py"
                    } else {
                        ""
                    }
                )
            })
    }

    pub fn dir(&self) -> &Path {
        self.config.parent().unwrap_or(Path::new("."))
    }
}

/// Name of the bundled default model's folder under `models/`.
pub const DEFAULT_MODEL_NAME: &str = "minilm-stance";

/// Find the bundled default model: `$STANCE_MODEL_DIR`, else
/// `models/<DEFAULT_MODEL_NAME>` beside the binary (or up to three folders
/// above it, which covers `target/release/stance` in a checkout), else in
/// the source tree the binary was built from.
pub fn default_model_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("STANCE_MODEL_DIR") {
        let dir = PathBuf::from(dir);
        if dir.is_dir() {
            return Ok(dir);
        }
        bail!("STANCE_MODEL_DIR={}: no such folder", dir.display());
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            candidates.push(d.join("models").join(DEFAULT_MODEL_NAME));
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    candidates.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(DEFAULT_MODEL_NAME),
    );
    candidates
        .into_iter()
        .find(|c| c.join("config.json").is_file())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no default model found (looked for models/{DEFAULT_MODEL_NAME} beside the binary \
                 and in the source tree, and STANCE_MODEL_DIR is not set); pass --model with a \
                 model folder or a Hugging Face hub id"
            )
        })
}

/// A hub id is `owner/name`; anything else, or an `owner/name` whose owner
/// is a local folder (`models/minilm-stance`), is meant as a path.
fn looks_like_path(spec: &str) -> bool {
    spec.starts_with('.')
        || spec.starts_with('/')
        || spec.starts_with('~')
        || spec.contains('\\')
        || spec.matches('/').count() != 1
        || spec
            .split('/')
            .next()
            .is_some_and(|owner| Path::new(owner).is_dir())
}

/// The parts of `config.json` that stance reads.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelConfig {
    #[serde(default)]
    pub model_type: Option<String>,
    #[serde(default)]
    pub architectures: Vec<String>,
    #[serde(default)]
    pub id2label: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub max_position_embeddings: Option<usize>,
    #[serde(default)]
    pub hidden_size: Option<usize>,
    #[serde(default)]
    pub num_hidden_layers: Option<usize>,
    #[serde(default)]
    pub intermediate_size: Option<usize>,
}

impl ModelConfig {
    /// Multiply-adds × 2 of one forward pass over a sequence of `len`
    /// tokens: the dense layers plus attention scores and mixing. `None`
    /// when the config lacks the sizes.
    pub fn flops(&self, len: f64) -> Option<f64> {
        let h = self.hidden_size? as f64;
        let l = self.num_hidden_layers? as f64;
        let i = self.intermediate_size? as f64;
        let dense = 2.0 * (4.0 * h * h + 2.0 * h * i);
        let attention = 2.0 * 2.0 * len * h;
        Some(l * len * (dense + attention))
    }
}

impl ModelConfig {
    pub fn read(path: &Path) -> Result<(Self, serde_json::Value)> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read it", path.display()))?;
        let raw: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: not valid JSON", path.display()))?;
        let cfg: ModelConfig = serde_json::from_value(raw.clone())
            .with_context(|| format!("{}: unexpected contents", path.display()))?;
        Ok((cfg, raw))
    }

    /// The longest input the model takes, in tokens.
    pub fn max_tokens(&self) -> usize {
        let pos = self.max_position_embeddings.unwrap_or(512);
        // RoBERTa-style models reserve two positions for the padding offset.
        let offset = match self.model_type.as_deref() {
            Some("roberta" | "xlm-roberta" | "camembert") => 2,
            _ => 0,
        };
        (pos - offset.min(pos)).min(512)
    }
}

/// Where each stance's probability is in the model's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelMap {
    pub entailment: usize,
    pub contradiction: usize,
    pub neutral: usize,
    pub num_labels: usize,
}

impl LabelMap {
    /// Stance probabilities from one row of NLI logits: entailment is
    /// favor, contradiction against, neutral none, renormalised over the
    /// three (models with extra labels keep the sum at 1).
    pub fn probs(&self, logits: &[f32]) -> super::Probs {
        let p = super::softmax(logits);
        let (favor, against, none) = (p[self.entailment], p[self.contradiction], p[self.neutral]);
        let sum = favor + against + none;
        super::Probs {
            favor: favor / sum,
            against: against / sum,
            none: none / sum,
        }
    }

    /// Match `id2label` names to NLI labels, case-insensitively. The order
    /// is never assumed.
    pub fn from_config(cfg: &ModelConfig, config_path: &Path) -> Result<Self> {
        let (mut e, mut c, mut n) = (None, None, None);
        let mut max_id = 0usize;
        for (id, label) in &cfg.id2label {
            let id: usize = id.parse().with_context(|| {
                format!(
                    "{}: id2label key `{id}` is not a number",
                    config_path.display()
                )
            })?;
            max_id = max_id.max(id);
            let l = label.trim().to_lowercase();
            if l.starts_with("entail") {
                e = Some(id);
            } else if l.starts_with("contradict") {
                c = Some(id);
            } else if l.starts_with("neutral") {
                n = Some(id);
            }
        }
        match (e, c, n) {
            (Some(entailment), Some(contradiction), Some(neutral)) => Ok(LabelMap {
                entailment,
                contradiction,
                neutral,
                num_labels: max_id + 1,
            }),
            _ => {
                let found: Vec<&str> = cfg.id2label.values().map(|s| s.as_str()).collect();
                bail!(
                    "{}: id2label has {:?}, but stance needs an NLI model whose labels include \
                     entailment, contradiction and neutral (in any order and case). Use an NLI \
                     cross-encoder such as cross-encoder/nli-deberta-v3-xsmall, or add the labels \
                     to id2label if the model was trained for NLI",
                    config_path.display(),
                    found
                )
            }
        }
    }
}

#[cfg(feature = "hub")]
mod hub {
    use super::*;

    const FILES: [&str; 2] = ["config.json", "tokenizer.json"];

    /// Fetch a model from the Hugging Face hub into the usual cache
    /// (`$HF_HOME/hub`), or take it from the cache when it is there.
    pub fn fetch(id: &str) -> Result<ModelFiles> {
        let cache = hf_hub::Cache::from_env();
        let cached = cache.model(id.to_string());
        let from_cache = |f: &str| cached.get(f);
        if let (Some(config), Some(tokenizer)) = (from_cache(FILES[0]), from_cache(FILES[1])) {
            let weights = from_cache("model.safetensors")
                .map(Weights::Safetensors)
                .or_else(|| from_cache("pytorch_model.bin").map(Weights::Pytorch));
            if let Some(weights) = weights {
                return Ok(ModelFiles {
                    name: id.to_string(),
                    config,
                    tokenizer,
                    weights,
                });
            }
        }
        let offline = std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| v == "1");
        let advice = "If this machine is offline, download the model's folder elsewhere \
             (config.json, tokenizer.json and model.safetensors) and pass it with \
             --model /path/to/folder";
        if offline {
            bail!("--model {id}: not in the Hugging Face cache and HF_HUB_OFFLINE=1. {advice}");
        }
        let api = hf_hub::api::sync::ApiBuilder::from_env()
            .with_progress(false)
            .build()
            .with_context(|| format!("--model {id}: cannot set up the Hugging Face hub client"))?;
        let repo = api.model(id.to_string());
        let get = |f: &str| {
            repo.get(f).map_err(|e| {
                anyhow::anyhow!(
                    "--model {id}: could not fetch {f} from the Hugging Face hub ({e}). \
                     It is not a local folder either. {advice}"
                )
            })
        };
        let config = get("config.json")?;
        let tokenizer = get("tokenizer.json")?;
        let weights = match get("model.safetensors") {
            Ok(p) => Weights::Safetensors(p),
            Err(first) => get("pytorch_model.bin")
                .map(Weights::Pytorch)
                .map_err(|_| first)?,
        };
        Ok(ModelFiles {
            name: id.to_string(),
            config,
            tokenizer,
            weights,
        })
    }
}

#[cfg(not(feature = "hub"))]
mod hub {
    use super::*;

    pub fn fetch(id: &str) -> Result<ModelFiles> {
        bail!("--model {id}: no such folder, and this build of stance has no hub support (feature `hub`); pass a local model folder")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(labels: &[(&str, &str)]) -> ModelConfig {
        ModelConfig {
            model_type: Some("bert".into()),
            architectures: vec![],
            id2label: labels
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            max_position_embeddings: Some(512),
            hidden_size: None,
            num_hidden_layers: None,
            intermediate_size: None,
        }
    }

    #[test]
    fn labels_match_by_name_in_any_order_and_case() {
        let m = LabelMap::from_config(
            &cfg(&[
                ("0", "NEUTRAL"),
                ("1", "Contradiction"),
                ("2", "entailment"),
            ]),
            Path::new("c.json"),
        )
        .unwrap();
        assert_eq!((m.entailment, m.contradiction, m.neutral), (2, 1, 0));
    }

    #[test]
    fn labels_that_are_not_nli_are_refused() {
        let err = LabelMap::from_config(
            &cfg(&[("0", "LABEL_0"), ("1", "LABEL_1")]),
            Path::new("c.json"),
        )
        .unwrap_err();
        assert!(err
            .to_string()
            .contains("entailment, contradiction and neutral"));
    }

    #[test]
    fn paths_and_hub_ids() {
        let dir = tempfile::tempdir().unwrap();
        let owner = dir.path().join("models");
        std::fs::create_dir(&owner).unwrap();
        assert!(looks_like_path("./x"));
        assert!(looks_like_path("/abs/model"));
        assert!(looks_like_path("a/b/c"));
        assert!(looks_like_path("plain"));
        assert!(!looks_like_path("cross-encoder/nli-deberta-v3-xsmall"));
        let err = ModelFiles::locate(&format!("{}/nope", owner.display())).unwrap_err();
        assert!(err.to_string().contains("no such folder"), "{err}");
    }

    #[test]
    fn missing_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.json"), "{}").unwrap();
        let err = ModelFiles::from_dir(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains("tokenizer.json is missing"),
            "{err}"
        );
    }
}
