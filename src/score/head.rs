//! Bi-encoder stance heads: a linear classifier on sentence embeddings.
//!
//! The sentence `u` and the target `v` are embedded separately (mean
//! pooled, unit length), and a linear layer over the Sentence-BERT pair
//! features `[u, v, |u − v|, u ∗ v]` gives one logit per stance. Each
//! sentence and each target is encoded once, whatever the number of pairs,
//! which is what makes this path cheap over archives and many targets.
//!
//! A folder holds such a model when it has [`HEAD_CONFIG`] and
//! [`HEAD_WEIGHTS`] beside the encoder's `config.json`, `tokenizer.json`
//! and weights. `stance train` writes them; so does
//! `models/train/make_default.sh` for the bundled default.
//!
//! An optional relevance gate sends pairs whose cosine similarity falls
//! below a threshold to `none`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor};
use candle_nn::{Module, Optimizer, VarBuilder, VarMap};
use serde::{Deserialize, Serialize};

use super::probs::{softmax, Probs, Stance};

/// The head's description, next to the encoder's `config.json`.
pub const HEAD_CONFIG: &str = "stance_head.json";
/// The head's weights (`weight` \[labels, 4·hidden\], `bias` \[labels\]).
pub const HEAD_WEIGHTS: &str = "stance_head.safetensors";
/// The only head format so far.
pub const HEAD_FORMAT: &str = "stance-head/1";

/// What `stance_head.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct HeadConfig {
    /// [`HEAD_FORMAT`].
    pub format: String,
    /// The head's outputs in order; favor, against and none in any order.
    pub labels: Vec<String>,
    /// Embedding size of the encoder.
    pub hidden_size: usize,
    /// Pairs whose cosine similarity is below this are `none`.
    #[serde(default)]
    pub relevance_threshold: Option<f32>,
    /// Free-form provenance: data, epochs, scores.
    #[serde(default)]
    pub trained_on: Option<serde_json::Value>,
}

/// A loaded stance head.
#[derive(Debug, Clone)]
pub struct StanceHead {
    pub config: HeadConfig,
    /// Row-major [labels, 4·hidden].
    weight: Vec<f32>,
    bias: Vec<f32>,
    /// Positions of favor, against and none among the outputs.
    order: [usize; 3],
}

fn label_order(labels: &[String], origin: &str) -> Result<[usize; 3]> {
    let find = |name: &str| {
        labels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(name))
            .with_context(|| {
                format!("{origin}: labels {labels:?} lack `{name}`; a stance head needs favor, against and none")
            })
    };
    if labels.len() != 3 {
        bail!("{origin}: a stance head has exactly the labels favor, against and none, not {labels:?}");
    }
    let [f, a, n] = Stance::NAMES;
    Ok([find(f)?, find(a)?, find(n)?])
}

impl StanceHead {
    /// Whether `dir` holds a stance head.
    pub fn present(dir: &Path) -> bool {
        dir.join(HEAD_CONFIG).is_file()
    }

    /// Load the head of the model folder `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let cfg_path = dir.join(HEAD_CONFIG);
        let text = std::fs::read_to_string(&cfg_path)
            .with_context(|| format!("{}: cannot read", cfg_path.display()))?;
        let config: HeadConfig = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a stance head description", cfg_path.display()))?;
        if config.format != HEAD_FORMAT {
            bail!(
                "{}: format `{}` is unknown; this stance reads `{HEAD_FORMAT}`",
                cfg_path.display(),
                config.format
            );
        }
        let w_path = dir.join(HEAD_WEIGHTS);
        let tensors = candle_core::safetensors::load(&w_path, &Device::Cpu).with_context(|| {
            format!(
                "{}: cannot read the head's weights (written by `stance train`)",
                w_path.display()
            )
        })?;
        let get = |name: &str| -> Result<Tensor> {
            tensors
                .get(name)
                .with_context(|| format!("{}: no tensor `{name}`", w_path.display()))?
                .to_dtype(DType::F32)
                .map_err(Into::into)
        };
        let (weight, bias) = (get("weight")?, get("bias")?);
        let n = config.labels.len();
        if weight.dims() != [n, 4 * config.hidden_size] || bias.dims() != [n] {
            bail!(
                "{}: weight {:?} and bias {:?} do not fit {n} labels over 4 × {} features",
                w_path.display(),
                weight.dims(),
                bias.dims(),
                config.hidden_size
            );
        }
        Self::from_parts(
            config,
            weight.flatten_all()?.to_vec1()?,
            bias.to_vec1()?,
            &cfg_path.display().to_string(),
        )
    }

    fn from_parts(
        config: HeadConfig,
        weight: Vec<f32>,
        bias: Vec<f32>,
        origin: &str,
    ) -> Result<Self> {
        let order = label_order(&config.labels, origin)?;
        Ok(StanceHead {
            config,
            weight,
            bias,
            order,
        })
    }

    /// Write `stance_head.json` and `stance_head.safetensors` into `dir`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        let n = self.config.labels.len();
        let weight = Tensor::from_vec(
            self.weight.clone(),
            (n, 4 * self.config.hidden_size),
            &Device::Cpu,
        )?;
        let bias = Tensor::from_vec(self.bias.clone(), n, &Device::Cpu)?;
        let path = dir.join(HEAD_WEIGHTS);
        candle_core::safetensors::save(
            &std::collections::HashMap::from([
                ("weight".to_string(), weight),
                ("bias".to_string(), bias),
            ]),
            &path,
        )
        .with_context(|| format!("{}: cannot write", path.display()))?;
        let path = dir.join(HEAD_CONFIG);
        std::fs::write(&path, serde_json::to_string_pretty(&self.config)? + "\n")
            .with_context(|| format!("{}: cannot write", path.display()))?;
        Ok(())
    }

    /// Stance probabilities of sentence embedding `u` toward target
    /// embedding `v`; both unit length, as [`normalize`] leaves them.
    pub fn probs(&self, u: &[f32], v: &[f32]) -> Probs {
        let h = self.config.hidden_size;
        let cos = cosine(u, v);
        if self.config.relevance_threshold.is_some_and(|t| cos < t) {
            return Probs::OFF_TOPIC;
        }
        let logits: Vec<f32> = self
            .bias
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let w = &self.weight[k * 4 * h..(k + 1) * 4 * h];
                let mut s = *b;
                for i in 0..h {
                    s += w[i] * u[i]
                        + w[h + i] * v[i]
                        + w[2 * h + i] * (u[i] - v[i]).abs()
                        + w[3 * h + i] * u[i] * v[i];
                }
                s
            })
            .collect();
        let p = softmax(&logits);
        Probs {
            favor: p[self.order[0]],
            against: p[self.order[1]],
            none: p[self.order[2]],
        }
    }
}

/// Cosine similarity of two unit-length vectors (as [`normalize`] leaves
/// them): their dot product.
pub fn cosine(u: &[f32], v: &[f32]) -> f32 {
    u.iter().zip(v).map(|(a, b)| a * b).sum()
}

/// Scale `v` to unit length (left alone if it is all zeros).
pub fn normalize(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Settings of [`train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Full-batch AdamW steps.
    pub epochs: usize,
    pub learning_rate: f64,
    pub weight_decay: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 300,
            learning_rate: 1e-2,
            weight_decay: 1e-3,
        }
    }
}

/// The pair features of the head, in the order of its weight columns.
fn features(u: &[f32], v: &[f32], out: &mut Vec<f32>) {
    out.extend_from_slice(u);
    out.extend_from_slice(v);
    out.extend(u.iter().zip(v).map(|(a, b)| (a - b).abs()));
    out.extend(u.iter().zip(v).map(|(a, b)| a * b));
}

/// Fit a head (multinomial logistic regression, full-batch AdamW with
/// weight decay, from zero) to unit-length embeddings `u` of sentences and `v` of
/// their targets, with gold labels `y` (0 favor, 1 against, 2 none).
pub fn train(
    u: &[Vec<f32>],
    v: &[Vec<f32>],
    y: &[usize],
    opts: &TrainOptions,
) -> Result<StanceHead> {
    let n = y.len();
    if n == 0 || u.len() != n || v.len() != n {
        bail!("no examples to train on");
    }
    let h = u[0].len();
    let dev = Device::Cpu;
    let mut x = Vec::with_capacity(n * 4 * h);
    for (a, b) in u.iter().zip(v) {
        features(a, b, &mut x);
    }
    let x = Tensor::from_vec(x, (n, 4 * h), &dev)?;
    let y = Tensor::from_vec(y.iter().map(|&l| l as u32).collect::<Vec<_>>(), n, &dev)?;
    let vars = VarMap::new();
    let vb = VarBuilder::from_varmap(&vars, DType::F32, &dev);
    // Zero start: the loss is convex, and the result is the same every run.
    let zero = candle_nn::Init::Const(0.0);
    let layer = candle_nn::Linear::new(
        vb.get_with_hints((3, 4 * h), "weight", zero)?,
        Some(vb.get_with_hints(3, "bias", zero)?),
    );
    let mut opt = candle_nn::AdamW::new(
        vars.all_vars(),
        candle_nn::ParamsAdamW {
            lr: opts.learning_rate,
            weight_decay: opts.weight_decay,
            ..Default::default()
        },
    )?;
    for _ in 0..opts.epochs {
        let logits = layer.forward(&x)?;
        let loss = candle_nn::loss::cross_entropy(&logits, &y)?;
        opt.backward_step(&loss)?;
    }
    let weight = layer.weight().flatten_all()?.to_vec1::<f32>()?;
    let bias = layer
        .bias()
        .context("the linear layer has no bias")?
        .to_vec1::<f32>()?;
    let config = HeadConfig {
        format: HEAD_FORMAT.to_string(),
        labels: Stance::NAMES.map(String::from).to_vec(),
        hidden_size: h,
        relevance_threshold: None,
        trained_on: None,
    };
    StanceHead::from_parts(config, weight, bias, "stance train")
}

/// Accuracy of the head's labels against `y` (used to report training fit).
pub fn accuracy(head: &StanceHead, u: &[Vec<f32>], v: &[Vec<f32>], y: &[usize]) -> f64 {
    let right = u
        .iter()
        .zip(v)
        .zip(y)
        .filter(|((a, b), &l)| {
            let p = head.probs(a, b);
            Stance::from_index(l) == Some(p.stance())
        })
        .count();
    right as f64 / y.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(mut v: Vec<f32>) -> Vec<f32> {
        normalize(&mut v);
        v
    }

    /// Targets along one axis; favor sentences lean toward the target,
    /// against ones away, none ones are orthogonal.
    fn toy() -> (Vec<Vec<f32>>, Vec<Vec<f32>>, Vec<usize>) {
        let (mut u, mut v, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for k in 0..12 {
            let e = 0.05 * k as f32;
            let t = unit(vec![1.0, 0.0, 0.0, e]);
            for (label, s) in [
                (0, vec![0.9, 0.4, 0.0, e]),
                (1, vec![0.9, -0.4, 0.0, e]),
                (2, vec![0.0, 0.0, 1.0, e]),
            ] {
                u.push(unit(s));
                v.push(t.clone());
                y.push(label);
            }
        }
        (u, v, y)
    }

    #[test]
    fn training_fits_a_separable_set_and_is_repeatable() {
        let (u, v, y) = toy();
        let opts = TrainOptions::default();
        let h = train(&u, &v, &y, &opts).unwrap();
        assert_eq!(accuracy(&h, &u, &v, &y), 1.0);
        let again = train(&u, &v, &y, &opts).unwrap();
        assert_eq!(h.weight, again.weight);
        let p = h.probs(&u[0], &v[0]);
        assert!((p.favor + p.against + p.none - 1.0).abs() < 1e-5);
    }

    #[test]
    fn save_and_load_give_the_same_head_and_the_gate_applies() {
        let (u, v, y) = toy();
        let mut h = train(&u, &v, &y, &TrainOptions::default()).unwrap();
        h.config.relevance_threshold = Some(0.5);
        let dir = tempfile::tempdir().unwrap();
        h.save(dir.path()).unwrap();
        assert!(StanceHead::present(dir.path()));
        let back = StanceHead::load(dir.path()).unwrap();
        assert_eq!(back.config, h.config);
        assert_eq!(back.weight, h.weight);
        // The `none` example is orthogonal to its target: gated.
        let p = back.probs(&u[2], &v[2]);
        assert_eq!((p.favor, p.against, p.none), (0.0, 0.0, 1.0));
        // A favor example is above the threshold: the head decides.
        assert_eq!(back.probs(&u[0], &v[0]).label(), "favor");
    }

    #[test]
    fn cosine_of_unit_vectors() {
        assert!((cosine(&[0.6, 0.8], &[0.6, 0.8]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 1.0]).abs() < 1e-6);
    }

    #[test]
    fn bad_head_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(HEAD_CONFIG),
            r#"{"format": "stance-head/1", "labels": ["pro", "con", "none"], "hidden_size": 4}"#,
        )
        .unwrap();
        let err = StanceHead::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(HEAD_WEIGHTS), "{err}");
        let (u, v, y) = toy();
        let h = train(&u, &v, &y, &TrainOptions::default()).unwrap();
        h.save(dir.path()).unwrap();
        std::fs::write(
            dir.path().join(HEAD_CONFIG),
            r#"{"format": "stance-head/1", "labels": ["pro", "con", "none"], "hidden_size": 4}"#,
        )
        .unwrap();
        let err = format!("{:#}", StanceHead::load(dir.path()).unwrap_err());
        assert!(err.contains("favor"), "{err}");
        std::fs::write(
            dir.path().join(HEAD_CONFIG),
            r#"{"format": "stance-head/9", "labels": ["favor", "against", "none"], "hidden_size": 4}"#,
        )
        .unwrap();
        let err = StanceHead::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("stance-head/9"), "{err}");
    }
}
