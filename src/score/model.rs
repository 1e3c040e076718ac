//! Model folders: finding one (a local folder or a Hugging Face hub id),
//! reading its `config.json`, and mapping its labels to stances.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::probs::Stance;

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

impl Weights {
    /// The weights file, whatever its kind.
    pub fn path(&self) -> &Path {
        match self {
            Weights::Safetensors(p) | Weights::Pytorch(p) | Weights::Onnx(p) => p,
        }
    }
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
            bail!("model {spec}: this is a file; give the model's folder, which holds config.json, tokenizer.json and the weights");
        }
        if looks_like_path(spec) {
            bail!("model {spec}: no such folder; give a folder with config.json, tokenizer.json and model.safetensors (or pytorch_model.bin), or a Hugging Face hub id");
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
        let name = onnx_file_name(quantized);
        let dir = self.dir();
        if let Some(p) = [dir.join(name), dir.join("onnx").join(name)]
            .into_iter()
            .find(|p| p.is_file())
        {
            return Ok(p);
        }
        // A hub model: its export is fetched only when asked for.
        if !Path::new(&self.name).is_dir() && !looks_like_path(&self.name) {
            return hub::fetch_file(&self.name, name)
                .or_else(|_| hub::fetch_file(&self.name, &format!("onnx/{name}")));
        }
        Err({
            anyhow::anyhow!(
                "model folder {}: no {name}; ONNX Runtime needs an ONNX export, made with \
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

/// The ONNX file a run reads: `model_int8.onnx` when `quantized`, else
/// `model.onnx`.
pub fn onnx_file_name(quantized: bool) -> &'static str {
    if quantized {
        "model_int8.onnx"
    } else {
        "model.onnx"
    }
}

/// Name of the bundled default model's folder under `models/`.
pub const DEFAULT_MODEL_NAME: &str = "minilm-stance-ce";

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
                 and in the source tree, and STANCE_MODEL_DIR is not set); name a model folder \
                 or a Hugging Face hub id instead"
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
    /// The whole file, for backends that read their own fields from it and
    /// for writing it back with changes.
    #[serde(skip)]
    pub raw: serde_json::Value,
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
    /// Whether `id2label` names favor, against and none: a stance model
    /// (a `stance train` head's encoder, or a stance cross-encoder).
    pub fn is_stance_labelled(&self) -> bool {
        let mut names: Vec<Option<Stance>> = self
            .id2label
            .values()
            .map(|l| Stance::from_name(l))
            .collect();
        names.sort();
        names == Stance::ALL.map(Some)
    }

    /// Whether the config names a sequence-classification architecture
    /// (a cross-encoder), as opposed to a bare encoder.
    pub fn is_classifier(&self) -> bool {
        self.architectures
            .iter()
            .any(|a| a.ends_with("ForSequenceClassification"))
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read it", path.display()))?;
        let raw: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{}: not valid JSON", path.display()))?;
        let mut cfg: ModelConfig = serde_json::from_value(raw.clone())
            .with_context(|| format!("{}: unexpected contents", path.display()))?;
        cfg.raw = raw;
        Ok(cfg)
    }

    /// The longest input the model takes, in tokens.
    pub fn max_tokens(&self) -> usize {
        let pos = self.max_position_embeddings.unwrap_or(512);
        // RoBERTa-style models (and MPNet) reserve two positions for the
        // padding offset.
        let offset = match self.model_type.as_deref() {
            Some("roberta" | "xlm-roberta" | "camembert" | "mpnet") => 2,
            _ => 0,
        };
        (pos - offset.min(pos)).min(512)
    }
}

/// Where each stance's probability is in a cross-encoder's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelMap {
    pub favor: usize,
    pub against: usize,
    pub none: usize,
    pub num_labels: usize,
}

impl LabelMap {
    /// Stance probabilities from one row of logits, renormalised over the
    /// three (models with extra labels keep the sum at 1).
    pub fn probs(&self, logits: &[f32]) -> super::probs::Probs {
        let p = super::probs::softmax(logits);
        let (favor, against, none) = (p[self.favor], p[self.against], p[self.none]);
        let sum = favor + against + none;
        super::probs::Probs {
            favor: favor / sum,
            against: against / sum,
            none: none / sum,
        }
    }

    /// Match `id2label` names to stances, case-insensitively: a stance
    /// model's favor, against and none, or an NLI model's entailment
    /// (favor), contradiction (against) and neutral (none). The order is
    /// never assumed.
    pub fn from_config(cfg: &ModelConfig, config_path: &Path) -> Result<Self> {
        let (mut f, mut a, mut n) = (None, None, None);
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
            let stance = Stance::from_name(&l);
            if l.starts_with("entail") || stance == Some(Stance::Favor) {
                f = Some(id);
            } else if l.starts_with("contradict") || stance == Some(Stance::Against) {
                a = Some(id);
            } else if l.starts_with("neutral") || stance == Some(Stance::None) {
                n = Some(id);
            }
        }
        match (f, a, n) {
            (Some(favor), Some(against), Some(none)) => Ok(LabelMap {
                favor,
                against,
                none,
                num_labels: max_id + 1,
            }),
            _ => {
                let found: Vec<&str> = cfg.id2label.values().map(|s| s.as_str()).collect();
                bail!(
                    "{}: id2label has {:?}, but stance needs a cross-encoder whose labels are \
                     favor, against and none, or an NLI model whose labels include \
                     entailment, contradiction and neutral (in any order and case). Use an NLI \
                     cross-encoder such as cross-encoder/nli-deberta-v3-xsmall, or name the labels \
                     in id2label if the model was trained for NLI or stance",
                    config_path.display(),
                    found
                )
            }
        }
    }
}

/// Files a model folder of ours may hold besides `config.json`, the
/// tokenizer and the weights: fetched from the hub too when it has them.
pub const EXTRA_FILES: [&str; 2] = [super::head::HEAD_CONFIG, super::head::HEAD_WEIGHTS];

#[cfg(feature = "hub")]
mod hub {
    use super::*;

    const ADVICE: &str = "If this machine is offline, download the model's folder elsewhere \
         (config.json, tokenizer.json, model.safetensors and any stance_head.* files) and give \
         that folder as the model";

    fn offline() -> bool {
        std::env::var("HF_HUB_OFFLINE").is_ok_and(|v| v == "1")
    }

    fn repo(id: &str) -> Result<hf_hub::api::sync::ApiRepo> {
        let api = hf_hub::api::sync::ApiBuilder::from_env()
            .with_progress(false)
            .build()
            .with_context(|| format!("model {id}: cannot set up the Hugging Face hub client"))?;
        Ok(api.model(id.to_string()))
    }

    /// Fetch a model from the Hugging Face hub into the usual cache
    /// (`$HF_HOME/hub`), or take it from the cache when it is there: the
    /// config, tokenizer and weights, and every [`EXTRA_FILES`] the
    /// repository has, so that a published `stance train` head loads as one.
    pub fn fetch(id: &str) -> Result<ModelFiles> {
        let cache = hf_hub::Cache::from_env();
        let cached = cache.model(id.to_string());
        let from_cache = |f: &str| cached.get(f);
        if let (Some(config), Some(tokenizer)) =
            (from_cache("config.json"), from_cache("tokenizer.json"))
        {
            let weights = from_cache("model.safetensors")
                .map(Weights::Safetensors)
                .or_else(|| from_cache("pytorch_model.bin").map(Weights::Pytorch));
            if let Some(weights) = weights {
                let files = ModelFiles {
                    name: id.to_string(),
                    config,
                    tokenizer,
                    weights,
                };
                // A cached bi-encoder stance model whose head was not
                // fetched (by an older stance): get the head now, or say
                // why not. (A stance cross-encoder has no head.)
                let cfg = ModelConfig::read(&files.config)?;
                if cfg.is_stance_labelled()
                    && !cfg.is_classifier()
                    && EXTRA_FILES.iter().any(|f| from_cache(f).is_none())
                {
                    if offline() {
                        bail!("model {id}: its stance head ({}) is not in the Hugging Face cache and HF_HUB_OFFLINE=1. {ADVICE}", EXTRA_FILES.join(", "));
                    }
                    let repo = repo(id)?;
                    for f in EXTRA_FILES {
                        repo.get(f).map_err(|e| {
                            anyhow::anyhow!("model {id}: could not fetch {f} from the Hugging Face hub ({e}). {ADVICE}")
                        })?;
                    }
                }
                return Ok(files);
            }
        }
        if offline() {
            bail!("model {id}: not in the Hugging Face cache and HF_HUB_OFFLINE=1. {ADVICE}");
        }
        let repo = repo(id)?;
        let get = |f: &str| {
            repo.get(f).map_err(|e| {
                anyhow::anyhow!(
                    "model {id}: could not fetch {f} from the Hugging Face hub ({e}). \
                     It is not a local folder either. {ADVICE}"
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
        // Optional files: most repositories have none of them.
        for f in EXTRA_FILES {
            if let Err(e) = repo.get(f) {
                tracing::debug!(model = id, file = f, "not on the hub: {e}");
            }
        }
        Ok(ModelFiles {
            name: id.to_string(),
            config,
            tokenizer,
            weights,
        })
    }

    /// One more file of a hub model (an ONNX export), from the cache or
    /// fetched into it.
    pub fn fetch_file(id: &str, file: &str) -> Result<PathBuf> {
        if let Some(p) = hf_hub::Cache::from_env().model(id.to_string()).get(file) {
            return Ok(p);
        }
        if offline() {
            bail!("model {id}: {file} is not in the Hugging Face cache and HF_HUB_OFFLINE=1");
        }
        repo(id)?.get(file).map_err(|e| {
            anyhow::anyhow!("model {id}: could not fetch {file} from the Hugging Face hub ({e})")
        })
    }
}

#[cfg(not(feature = "hub"))]
mod hub {
    use super::*;

    pub fn fetch(id: &str) -> Result<ModelFiles> {
        bail!("model {id}: no such folder, and this build of stance has no hub support (feature `hub`); give a local model folder")
    }

    pub fn fetch_file(id: &str, file: &str) -> Result<PathBuf> {
        bail!("model {id}: {file} is not there, and this build of stance has no hub support (feature `hub`)")
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
            raw: serde_json::Value::Null,
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
        assert_eq!((m.favor, m.against, m.none), (2, 1, 0));
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
