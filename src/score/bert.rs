//! A BERT encoder on candle's CPU tensors, written for batched inference.
//!
//! It computes what Hugging Face's `BertModel` computes (the parity tests
//! hold it to PyTorch to 1e-4), with less work per token:
//! - the query, key and value projections are one matrix multiply (their
//!   weights stacked at load, the query's pre-scaled by 1/sqrt(head size));
//! - softmax and layer norm are candle's fused kernels;
//! - GELU's erf is a rational approximation the compiler vectorises
//!   ([`gelu_erf`]); libm's scalar `erff` was 15% of a profile of the
//!   whole model (BENCHMARKS.md, "Where the time goes").

use anyhow::{bail, Context, Result};
use candle_core::{CpuStorage, CustomOp1, Layout, Module, Shape, Tensor, D};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder};
use serde::Deserialize;
use stance_kernels::gelu_erf;

/// The fields of a BERT `config.json` the encoder needs.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    #[serde(default = "default_type_vocab")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
    #[serde(default)]
    pub pad_token_id: usize,
    #[serde(default = "default_position")]
    pub position_embedding_type: String,
}

fn default_act() -> String {
    "gelu".into()
}
fn default_type_vocab() -> usize {
    2
}
fn default_eps() -> f64 {
    1e-12
}
fn default_position() -> String {
    "absolute".into()
}

#[derive(Clone, Copy)]
enum Act {
    /// Exact GELU, `x/2 (1 + erf(x/sqrt 2))`: BERT's `gelu`.
    GeluErf,
    /// The tanh approximation: `gelu_new`, `gelu_pytorch_tanh`.
    GeluTanh,
    Relu,
}

struct Layer {
    qkv: Linear,
    attn_out: Linear,
    attn_norm: LayerNorm,
    up: Linear,
    down: Linear,
    out_norm: LayerNorm,
}

/// The encoder: embeddings and the transformer layers (no pooler).
pub struct Bert {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    act: Act,
}

fn linear(vb: &VarBuilder, inp: usize, out: usize) -> candle_core::Result<Linear> {
    Ok(Linear::new(
        vb.get((out, inp), "weight")?,
        Some(vb.get(out, "bias")?),
    ))
}

fn layer_norm(vb: &VarBuilder, size: usize, eps: f64) -> candle_core::Result<LayerNorm> {
    // Old checkpoints name the parameters gamma and beta.
    let (w, b) = match (vb.get(size, "weight"), vb.get(size, "bias")) {
        (Ok(w), Ok(b)) => (w, b),
        _ => (vb.get(size, "gamma")?, vb.get(size, "beta")?),
    };
    Ok(LayerNorm::new(w, b, eps))
}

impl Bert {
    /// Load from a checkpoint whose encoder sits at the root, under `bert.`,
    /// or under the config's `model_type`.
    pub fn load(vb: VarBuilder, config: &Config, model_type: Option<&str>) -> Result<Self> {
        let h = config.hidden_size;
        if config.num_attention_heads == 0 || !h.is_multiple_of(config.num_attention_heads) {
            bail!(
                "hidden_size {h} is not a multiple of num_attention_heads {}",
                config.num_attention_heads
            );
        }
        if config.position_embedding_type != "absolute" {
            bail!(
                "position_embedding_type `{}` is not supported by the candle backend (absolute only)",
                config.position_embedding_type
            );
        }
        let act = match config.hidden_act.as_str() {
            "gelu" => Act::GeluErf,
            "gelu_new" | "gelu_pytorch_tanh" | "gelu_fast" => Act::GeluTanh,
            "relu" => Act::Relu,
            other => bail!("hidden_act `{other}` is not supported by the candle backend"),
        };
        let mut prefixes = vec![String::new(), "bert.".to_string()];
        if let Some(t) = model_type {
            prefixes.push(format!("{t}."));
        }
        let root = prefixes
            .iter()
            .find(|p| vb.contains_tensor(&format!("{p}embeddings.word_embeddings.weight")))
            .with_context(|| {
                "no tensor embeddings.word_embeddings.weight (nor under bert.): not a BERT checkpoint"
            })?;
        let vb = if root.is_empty() {
            vb
        } else {
            vb.pp(root.trim_end_matches('.'))
        };
        let e = vb.pp("embeddings");
        let emb = |name: &str, n: usize| -> candle_core::Result<Embedding> {
            Ok(Embedding::new(e.pp(name).get((n, h), "weight")?, h))
        };
        let word = emb("word_embeddings", config.vocab_size)?;
        let position = emb("position_embeddings", config.max_position_embeddings)?;
        let token_type = emb("token_type_embeddings", config.type_vocab_size)?;
        let embed_norm = layer_norm(&e.pp("LayerNorm"), h, config.layer_norm_eps)?;
        let head_size = h / config.num_attention_heads;
        let scale = 1.0 / (head_size as f64).sqrt();
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let a = l.pp("attention");
            let s = a.pp("self");
            let q = linear(&s.pp("query"), h, h)?;
            let k = linear(&s.pp("key"), h, h)?;
            let v = linear(&s.pp("value"), h, h)?;
            let bias = |x: &Linear| x.bias().expect("loaded with a bias").clone();
            let w = Tensor::cat(
                &[
                    (q.weight() * scale)?,
                    k.weight().clone(),
                    v.weight().clone(),
                ],
                0,
            )?;
            let b = Tensor::cat(&[(bias(&q) * scale)?, bias(&k), bias(&v)], 0)?;
            layers.push(Layer {
                qkv: Linear::new(w, Some(b)),
                attn_out: linear(&a.pp("output.dense"), h, h)?,
                attn_norm: layer_norm(&a.pp("output.LayerNorm"), h, config.layer_norm_eps)?,
                up: linear(&l.pp("intermediate.dense"), h, config.intermediate_size)?,
                down: linear(&l.pp("output.dense"), config.intermediate_size, h)?,
                out_norm: layer_norm(&l.pp("output.LayerNorm"), h, config.layer_norm_eps)?,
            });
        }
        Ok(Bert {
            word,
            position,
            token_type,
            embed_norm,
            layers,
            heads: config.num_attention_heads,
            act,
        })
    }

    /// Hidden states `(batch, length, hidden)` for `ids`, `types` and
    /// `mask` (1 for a token, 0 for padding), all `(batch, length)` u32.
    pub fn forward(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (n, m) = ids.dims2()?;
        let positions = Tensor::arange(0u32, m as u32, ids.device())?;
        let x = self
            .word
            .forward(ids)?
            .add(&self.token_type.forward(types)?)?
            .broadcast_add(&self.position.forward(&positions)?)?;
        let h = x.dim(D::Minus1)?;
        let mut x = self.embed_norm.forward(&x.reshape((n * m, h))?)?;
        // 0 where a token is, the most negative float at padding (as
        // transformers does), broadcast over heads and query positions.
        let bias = ((mask.to_dtype(candle_core::DType::F32)? - 1.0)? * f64::from(f32::MAX))?
            .reshape((n, 1, 1, m))?;
        let d = h / self.heads;
        for l in &self.layers {
            let qkv = l
                .qkv
                .forward(&x)?
                .reshape((n, m, 3, self.heads, d))?
                .permute((2, 0, 3, 1, 4))?
                .contiguous()?;
            let (q, k, v) = (qkv.get(0)?, qkv.get(1)?, qkv.get(2)?);
            let scores = q.matmul(&k.t()?)?.broadcast_add(&bias)?;
            let probs = candle_nn::ops::softmax_last_dim(&scores)?;
            let ctx = probs
                .matmul(&v)?
                .transpose(1, 2)?
                .contiguous()?
                .reshape((n * m, h))?;
            x = l.attn_norm.forward(&(l.attn_out.forward(&ctx)? + &x)?)?;
            let up = l.up.forward(&x)?;
            let up = match self.act {
                Act::GeluErf => up.apply_op1_no_bwd(&GeluErf)?,
                Act::GeluTanh => up.gelu()?,
                Act::Relu => up.relu()?,
            };
            x = l.out_norm.forward(&(l.down.forward(&up)? + &x)?)?;
        }
        Ok(x.reshape((n, m, h))?)
    }
}

struct GeluErf;

impl CustomOp1 for GeluErf {
    fn name(&self) -> &'static str {
        "gelu-erf-rational"
    }

    fn cpu_fwd(
        &self,
        storage: &CpuStorage,
        layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let CpuStorage::F32(data) = storage else {
            candle_core::bail!("gelu: f32 tensors only");
        };
        let Some((start, end)) = layout.contiguous_offsets() else {
            candle_core::bail!("gelu: the input must be contiguous");
        };
        let mut out = data[start..end].to_vec();
        gelu_erf(&mut out);
        Ok((CpuStorage::F32(out), layout.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stance_kernels::erf;

    /// The reference: erf by its Maclaurin series (exact to f64 rounding
    /// for |x| <= 3) and by its continued fraction's asymptotic beyond.
    fn erf_ref(x: f64) -> f64 {
        if x.abs() > 3.0 {
            // erfc(x) ~ exp(-x^2)/(x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)):
            // below 1e-5 here, well inside the tolerance.
            let e = (-x * x).exp() / (x.abs() * std::f64::consts::PI.sqrt())
                * (1.0 - 1.0 / (2.0 * x * x) + 3.0 / (4.0 * x.powi(4)));
            return x.signum() * (1.0 - e);
        }
        let mut term = x;
        let mut sum = x;
        for n in 1..200 {
            term *= -x * x / n as f64;
            sum += term / (2 * n + 1) as f64;
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    }

    #[test]
    fn erf_matches_the_series_everywhere() {
        let mut worst = 0.0f64;
        for i in -6000..=6000 {
            let x = i as f64 / 1000.0;
            worst = worst.max((erf(x as f32) as f64 - erf_ref(x)).abs());
        }
        assert!(worst < 1e-6, "max |erf error| {worst}");
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erf(10.0), erf(4.0));
        assert!((erf(1.0) as f64 - 0.842_700_792_949_715).abs() < 1e-6);
    }

    #[test]
    fn gelu_matches_its_definition_and_candle() {
        let xs: Vec<f32> = (-800..=800).map(|i| i as f32 / 100.0).collect();
        let mut ours = xs.clone();
        gelu_erf(&mut ours);
        let t = Tensor::new(xs.as_slice(), &candle_core::Device::Cpu).unwrap();
        let candle: Vec<f32> = t.gelu_erf().unwrap().to_vec1().unwrap();
        for ((x, a), b) in xs.iter().zip(&ours).zip(&candle) {
            assert!((a - b).abs() < 2e-6, "gelu({x}): {a} vs candle {b}");
        }
        let op: Vec<f32> = t.apply_op1_no_bwd(&GeluErf).unwrap().to_vec1().unwrap();
        assert_eq!(op, ours);
    }
}
