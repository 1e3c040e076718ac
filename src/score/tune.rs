//! Fine-tuning an encoder's top layers on a user's labels: a
//! cross-encoder's (`stance train --method top-layers`) or a sentence
//! encoder's (`--method setfit`).
//!
//! The encoder's lower layers stay frozen: each (sentence, claim) pair
//! goes through them once, with the fast kernels of [`super::bert`]
//! ([`super::Scorer::pair_states`]), and their token states are kept. The
//! top `k` layers, the pooler and the classifier are rebuilt here as
//! candle [`Var`]s from ops that carry gradients (the fast kernels have no
//! backward pass, and candle-nn's fused layer norm silently stops
//! gradients, so layer norm is [`candle_nn::ops::layer_norm_slow`]), and
//! trained by [`Adam`] on the labels' mean cross-entropy. The guards
//! against forgetting are those of [`super::adapt`]: a penalty on the
//! squared distance to the shipped weights, and, with unlabelled pairs of
//! the user's own data, a term that holds the model's answers there. The
//! optimiser's state is plain tensors, so a checkpoint resumes a run
//! exactly ([`Top::state`], [`Top::restore`]).
//!
//! The last trained layer of a classifier computes its attention for the
//! first token only (the classifier reads nothing else), as
//! [`super::bert::Bert`]'s `forward_first` does. A sentence encoder's top
//! layers ([`Top::encoder`], `stance train --method setfit`) give
//! mean-pooled, unit-length embeddings instead, trained on SetFit's
//! contrastive objective ([`Top::contrastive_loss`]).

use std::collections::HashMap;

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var, D};

use super::bert::Config as BertConfig;
use super::folder::Patch;
use super::model::LabelMap;

/// Weight of the anchors' term beside the labels' mean cross-entropy (as
/// in [`super::adapt::ANCHOR_WEIGHT`]).
pub const ANCHOR_WEIGHT: f64 = super::adapt::ANCHOR_WEIGHT;

#[derive(Debug, Clone, Copy)]
enum Act {
    GeluErf,
    GeluTanh,
    Relu,
}

/// The trained top of a BERT encoder: its last `k` layers, and for a
/// `BertForSequenceClassification` its pooler and classifier too, with the
/// shipped values beside them for the penalty.
pub struct Top {
    names: Vec<String>,
    index: HashMap<String, usize>,
    vars: Vec<Var>,
    init: Vec<Tensor>,
    /// Tensors the trained layers read but do not train (the keys' biases).
    frozen: HashMap<String, Tensor>,
    /// A classifier (pooler and classifier trained too) or an encoder.
    classifier: bool,
    first: usize,
    depth: usize,
    heads: usize,
    eps: f64,
    act: Act,
    prefix: String,
}

/// A padded batch of pair states: `(n, m, hidden)` and the mask `(n, m)`
/// (1 at a token, 0 at padding).
pub struct Padded {
    pub x: Tensor,
    pub mask: Tensor,
}

impl Padded {
    /// Pad `states` (each `tokens × hidden`, row-major) to the longest.
    pub fn new(states: &[&[f32]], hidden: usize) -> Result<Self> {
        let n = states.len();
        let m = states.iter().map(|s| s.len() / hidden).max().unwrap_or(0);
        if n == 0 || m == 0 {
            bail!("an empty batch of pair states");
        }
        let mut x = vec![0f32; n * m * hidden];
        let mut mask = vec![0f32; n * m];
        for (i, s) in states.iter().enumerate() {
            if s.len() % hidden != 0 {
                bail!(
                    "pair states of {} floats, not a multiple of {hidden}",
                    s.len()
                );
            }
            x[i * m * hidden..i * m * hidden + s.len()].copy_from_slice(s);
            mask[i * m..i * m + s.len() / hidden].fill(1.0);
        }
        Ok(Padded {
            x: Tensor::from_vec(x, (n, m, hidden), &Device::Cpu)?,
            mask: Tensor::from_vec(mask, (n, m), &Device::Cpu)?,
        })
    }
}

const KEY: &str = "attention.self.key";

fn layer_parts() -> [&'static str; 8] {
    [
        "attention.self.query",
        KEY,
        "attention.self.value",
        "attention.output.dense",
        "attention.output.LayerNorm",
        "intermediate.dense",
        "output.dense",
        "output.LayerNorm",
    ]
}

impl Top {
    /// The top `layers` layers, pooler and classifier of the
    /// sequence-classification checkpoint `tensors` (any float dtype;
    /// trained in f32).
    pub fn new(
        tensors: &HashMap<String, Tensor>,
        config: &BertConfig,
        model_type: Option<&str>,
        layers: usize,
    ) -> Result<Self> {
        Self::build(tensors, config, model_type, layers, true)
    }

    /// The top `layers` layers of a sentence encoder (mean-pooled, unit
    /// length: [`Top::embeddings`]).
    pub fn encoder(
        tensors: &HashMap<String, Tensor>,
        config: &BertConfig,
        model_type: Option<&str>,
        layers: usize,
    ) -> Result<Self> {
        Self::build(tensors, config, model_type, layers, false)
    }

    fn build(
        tensors: &HashMap<String, Tensor>,
        config: &BertConfig,
        model_type: Option<&str>,
        layers: usize,
        classifier: bool,
    ) -> Result<Self> {
        let depth = config.num_hidden_layers;
        if layers > depth {
            bail!("the encoder has {depth} layers; it cannot fine-tune {layers}");
        }
        let act = match config.hidden_act.as_str() {
            "gelu" => Act::GeluErf,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Act::GeluTanh,
            "relu" => Act::Relu,
            other => bail!("hidden_act `{other}` cannot be fine-tuned"),
        };
        let mut prefixes = vec![String::new(), "bert.".to_string()];
        prefixes.extend(model_type.map(|t| format!("{t}.")));
        let prefix = prefixes
            .into_iter()
            .find(|p| tensors.contains_key(&format!("{p}embeddings.word_embeddings.weight")))
            .context("no tensor embeddings.word_embeddings.weight: not a BERT checkpoint")?;
        let first = depth - layers;
        let mut names = Vec::new();
        for i in first..depth {
            for part in layer_parts() {
                for end in ["weight", "bias"] {
                    // The key's bias adds the same amount to every score
                    // of a query, which softmax ignores: its gradient is
                    // zero but for rounding, which Adam would turn into
                    // steps of a full learning rate. It stays frozen.
                    if part == KEY && end == "bias" {
                        continue;
                    }
                    names.push(format!("{prefix}encoder.layer.{i}.{part}.{end}"));
                }
            }
        }
        if classifier {
            for part in [format!("{prefix}pooler.dense"), "classifier".to_string()] {
                for end in ["weight", "bias"] {
                    names.push(format!("{part}.{end}"));
                }
            }
        }
        let mut vars = Vec::with_capacity(names.len());
        let mut init = Vec::with_capacity(names.len());
        for name in &names {
            let t = tensors
                .get(name)
                .with_context(|| format!("no tensor `{name}` in the checkpoint"))?
                .to_dtype(DType::F32)?;
            vars.push(Var::from_tensor(&t)?);
            init.push(t);
        }
        let mut frozen = HashMap::new();
        for i in first..depth {
            let name = format!("{prefix}encoder.layer.{i}.{KEY}.bias");
            let t = tensors
                .get(&name)
                .with_context(|| format!("no tensor `{name}` in the checkpoint"))?
                .to_dtype(DType::F32)?;
            frozen.insert(name, t);
        }
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        let hidden = config.hidden_size;
        if config.num_attention_heads == 0 || !hidden.is_multiple_of(config.num_attention_heads) {
            bail!("hidden_size {hidden} is not a multiple of the heads");
        }
        Ok(Top {
            names,
            index,
            vars,
            init,
            frozen,
            classifier,
            first,
            depth,
            heads: config.num_attention_heads,
            eps: config.layer_norm_eps,
            act,
            prefix,
        })
    }

    /// Layers below the trained ones: what the frozen states come from.
    pub fn frozen_layers(&self) -> usize {
        self.first
    }

    /// The trained tensors' checkpoint names, in a fixed order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn vars(&self) -> &[Var] {
        &self.vars
    }

    fn get(&self, name: &str) -> &Tensor {
        self.vars[self.index[name]].as_tensor()
    }

    fn linear(&self, x: &Tensor, name: &str) -> Result<Tensor> {
        let w = self.get(&format!("{name}.weight"));
        let b = match self.index.get(&format!("{name}.bias")) {
            Some(&i) => self.vars[i].as_tensor(),
            None => &self.frozen[&format!("{name}.bias")],
        };
        Ok(x.broadcast_matmul(&w.t()?)?.broadcast_add(b)?)
    }

    fn norm(&self, x: &Tensor, name: &str) -> Result<Tensor> {
        Ok(candle_nn::ops::layer_norm_slow(
            x,
            self.get(&format!("{name}.weight")),
            self.get(&format!("{name}.bias")),
            self.eps as f32,
        )?)
    }

    fn layer(&self, i: usize, x: &Tensor, bias: &Tensor, first_only: bool) -> Result<Tensor> {
        let (n, m, h) = x.dims3()?;
        let (heads, d) = (self.heads, h / self.heads);
        let p = format!("{}encoder.layer.{i}.", self.prefix);
        let xq = if first_only {
            x.narrow(1, 0, 1)?
        } else {
            x.clone()
        };
        let mq = xq.dim(1)?;
        let split = |t: Tensor, len: usize| -> Result<Tensor> {
            Ok(t.reshape((n, len, heads, d))?
                .transpose(1, 2)?
                .contiguous()?)
        };
        let q = split(self.linear(&xq, &format!("{p}attention.self.query"))?, mq)?;
        let k = split(self.linear(x, &format!("{p}attention.self.key"))?, m)?;
        let v = split(self.linear(x, &format!("{p}attention.self.value"))?, m)?;
        let scores =
            (q.matmul(&k.t()?.contiguous()?)? * (1.0 / (d as f64).sqrt()))?.broadcast_add(bias)?;
        let max = scores.max_keepdim(D::Minus1)?.detach();
        let e = scores.broadcast_sub(&max)?.exp()?;
        let probs = e.broadcast_div(&e.sum_keepdim(D::Minus1)?)?;
        let ctx = probs
            .matmul(&v)?
            .transpose(1, 2)?
            .contiguous()?
            .reshape((n, mq, h))?;
        let a = self.norm(
            &(self.linear(&ctx, &format!("{p}attention.output.dense"))? + &xq)?,
            &format!("{p}attention.output.LayerNorm"),
        )?;
        let up = self.linear(&a, &format!("{p}intermediate.dense"))?;
        let up = match self.act {
            Act::GeluErf => up.gelu_erf()?,
            Act::GeluTanh => up.gelu()?,
            Act::Relu => up.relu()?,
        };
        self.norm(
            &(self.linear(&up, &format!("{p}output.dense"))? + a)?,
            &format!("{p}output.LayerNorm"),
        )
    }

    /// The trained layers' output for a padded batch, every token or
    /// (`first_only`) the first.
    fn hidden(&self, batch: &Padded, first_only: bool) -> Result<Tensor> {
        let (n, m, _) = batch.x.dims3()?;
        // 0 at a token, the most negative float at padding, as the fast
        // encoder and transformers add it.
        let bias = ((&batch.mask - 1.0)? * f64::from(f32::MAX))?.reshape((n, 1, 1, m))?;
        let mut x = batch.x.clone();
        for i in self.first..self.depth {
            x = self.layer(i, &x, &bias, first_only && i + 1 == self.depth)?;
        }
        Ok(x)
    }

    /// Unit-length mean-pooled embeddings `(n, hidden)` of a batch (an
    /// encoder).
    pub fn embeddings(&self, batch: &Padded) -> Result<Tensor> {
        let x = self.hidden(batch, false)?;
        let mask = batch.mask.unsqueeze(2)?;
        let summed = x.broadcast_mul(&mask)?.sum(1)?;
        let mean = summed.broadcast_div(&mask.sum(1)?)?;
        let norm = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
        Ok(mean.broadcast_div(&norm)?)
    }

    /// SetFit's objective (Tunstall et al. 2022) over every pair of a
    /// batch: the mean squared difference between the two embeddings'
    /// cosine and 1 for the same label, 0 for different ones, plus
    /// `penalty` · [`Top::distance`].
    pub fn contrastive_loss(
        &self,
        batch: &Padded,
        labels: &[usize],
        penalty: f64,
    ) -> Result<Tensor> {
        let n = labels.len();
        if n < 2 {
            bail!("a contrastive batch needs two sentences or more");
        }
        let e = self.embeddings(batch)?;
        let cos = e.matmul(&e.t()?)?;
        let mut target = vec![0f32; n * n];
        let mut off = vec![0f32; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    off[i * n + j] = 1.0;
                    target[i * n + j] = f32::from(u8::from(labels[i] == labels[j]));
                }
            }
        }
        let target = Tensor::from_vec(target, (n, n), &Device::Cpu)?;
        let off = Tensor::from_vec(off, (n, n), &Device::Cpu)?;
        let mse = ((cos - target)?.sqr()? * off)?.sum_all()? / (n * (n - 1)) as f64;
        Ok((mse? + (self.distance()? * penalty)?)?)
    }

    /// Logits `(n, labels)` of a padded batch of frozen states (a
    /// classifier).
    pub fn logits(&self, batch: &Padded) -> Result<Tensor> {
        if !self.classifier {
            bail!("an encoder has no logits");
        }
        let x = self.hidden(batch, true)?;
        let cls = x.narrow(1, 0, 1)?.squeeze(1)?;
        let pooled = self
            .linear(&cls, &format!("{}pooler.dense", self.prefix))?
            .tanh()?;
        self.linear(&pooled, "classifier")
    }

    /// Set the trained tensors back to the shipped ones.
    pub fn reset(&self) -> Result<()> {
        for (v, t0) in self.vars.iter().zip(&self.init) {
            v.set(t0)?;
        }
        Ok(())
    }

    /// Squared distance of the trained tensors to the shipped ones.
    pub fn distance(&self) -> Result<Tensor> {
        let mut sum = Tensor::zeros((), DType::F32, &Device::Cpu)?;
        for (v, t0) in self.vars.iter().zip(&self.init) {
            sum = (sum + (v.as_tensor() - t0)?.sqr()?.sum_all()?)?;
        }
        Ok(sum)
    }

    /// The objective: mean cross-entropy of `batch` against `labels`
    /// (checkpoint label indices), `penalty` · [`Top::distance`], and
    /// with anchors, [`ANCHOR_WEIGHT`] times the cross-entropy of the
    /// model's probabilities on them against `target` (the shipped
    /// model's).
    pub fn loss(
        &self,
        batch: &Padded,
        labels: &[u32],
        penalty: f64,
        anchors: Option<(&Padded, &Tensor)>,
    ) -> Result<Tensor> {
        let y = Tensor::new(labels, &Device::Cpu)?;
        let ce = candle_nn::loss::cross_entropy(&self.logits(batch)?, &y)?;
        let mut loss = (ce + (self.distance()? * penalty)?)?;
        if let Some((a, target)) = anchors {
            let lp = candle_nn::ops::log_softmax(&self.logits(a)?, D::Minus1)?;
            let soft = (target * lp)?.sum(1)?.mean(0)?.neg()?;
            loss = (loss + (soft * ANCHOR_WEIGHT)?)?;
        }
        Ok(loss)
    }

    /// Stance probabilities `(n, labels)` of a batch, without gradients.
    pub fn probs(&self, batch: &Padded) -> Result<Tensor> {
        Ok(candle_nn::ops::softmax_last_dim(
            &self.logits(batch)?.detach(),
        )?)
    }

    /// The stance index (0 favor, 1 against, 2 none) of each pair.
    pub fn predict(&self, states: &[&[f32]], hidden: usize, map: &LabelMap) -> Result<Vec<usize>> {
        let mut out = Vec::with_capacity(states.len());
        for chunk in states.chunks(32) {
            let logits = self
                .logits(&Padded::new(chunk, hidden)?)?
                .to_vec2::<f32>()?;
            out.extend(logits.iter().map(|l| map.probs(l).index()));
        }
        Ok(out)
    }

    /// The trained tensors as they are now, to write into the checkpoint
    /// ([`super::folder::write_cross_model`]).
    pub fn values(&self) -> Result<Vec<Patch>> {
        self.names
            .iter()
            .zip(&self.vars)
            .map(|(n, v)| {
                let t = v.as_tensor();
                Ok(Patch {
                    name: n.clone(),
                    values: t.flatten_all()?.to_vec1()?,
                    shape: t.dims().to_vec(),
                })
            })
            .collect()
    }

    /// The trained tensors and `adam`'s state, to save.
    pub fn state(&self, adam: &Adam) -> HashMap<String, Tensor> {
        let mut out = HashMap::new();
        for (i, (n, v)) in self.names.iter().zip(&self.vars).enumerate() {
            out.insert(format!("var.{n}"), v.as_tensor().clone());
            out.insert(format!("m.{n}"), adam.m[i].clone());
            out.insert(format!("v.{n}"), adam.v[i].clone());
        }
        out
    }

    /// Set the trained tensors (and `adam`'s moments, when given) from a
    /// saved [`Top::state`].
    pub fn restore(&self, saved: &HashMap<String, Tensor>, adam: Option<&mut Adam>) -> Result<()> {
        let get = |key: String, like: &Tensor| -> Result<Tensor> {
            let t = saved
                .get(&key)
                .with_context(|| format!("the checkpoint has no `{key}`"))?;
            if t.dims() != like.dims() {
                bail!("`{key}` has shape {:?}, not {:?}", t.dims(), like.dims());
            }
            Ok(t.to_dtype(DType::F32)?)
        };
        for (n, v) in self.names.iter().zip(&self.vars) {
            v.set(&get(format!("var.{n}"), v.as_tensor())?)?;
        }
        if let Some(adam) = adam {
            for (i, n) in self.names.iter().enumerate() {
                adam.m[i] = get(format!("m.{n}"), &self.init[i])?;
                adam.v[i] = get(format!("v.{n}"), &self.init[i])?;
            }
        }
        Ok(())
    }
}

/// Adam as PyTorch's `torch.optim.Adam` computes it (no weight decay),
/// its moments kept as tensors so that a checkpoint can hold them.
pub struct Adam {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub t: usize,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
}

impl Adam {
    pub fn new(vars: &[Var], lr: f64) -> Result<Self> {
        let zeros = vars
            .iter()
            .map(|v| v.as_tensor().zeros_like())
            .collect::<candle_core::Result<Vec<_>>>()?;
        Ok(Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            t: 0,
            m: zeros.clone(),
            v: zeros,
        })
    }

    /// One step down `loss`'s gradient.
    pub fn step(&mut self, vars: &[Var], loss: &Tensor) -> Result<()> {
        let grads = loss.backward()?;
        self.t += 1;
        let c1 = 1.0 - self.beta1.powi(self.t as i32);
        let c2 = 1.0 - self.beta2.powi(self.t as i32);
        for (i, var) in vars.iter().enumerate() {
            let Some(g) = grads.get(var.as_tensor()) else {
                continue;
            };
            self.m[i] = ((&self.m[i] * self.beta1)? + (g * (1.0 - self.beta1))?)?;
            self.v[i] = ((&self.v[i] * self.beta2)? + (g.sqr()? * (1.0 - self.beta2))?)?;
            let denom = ((&self.v[i] / c2)?.sqrt()? + self.eps)?;
            let update = ((&self.m[i] / c1)? / denom)?;
            var.set(&(var.as_tensor() - (update * self.lr)?)?)?;
        }
        Ok(())
    }
}

/// The gradient of `loss` for each of `vars` (zeros where it has none).
pub fn gradients(vars: &[Var], loss: &Tensor) -> Result<Vec<Vec<f32>>> {
    let grads = loss.backward()?;
    vars.iter()
        .map(|v| {
            Ok(match grads.get(v.as_tensor()) {
                Some(g) => g.flatten_all()?.to_vec1()?,
                None => vec![0.0; v.as_tensor().elem_count()],
            })
        })
        .collect()
}
