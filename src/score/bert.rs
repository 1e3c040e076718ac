//! A BERT encoder on candle's CPU tensors, written for batched inference.
//!
//! It computes what Hugging Face's `BertModel` computes (the parity tests
//! hold it to PyTorch to 1e-4), and `MPNetModel` (the teacher of
//! `models/train/teacher.sh`, all-mpnet-base-v2): the same layers under
//! other names, no token types, positions counted from the padding id
//! plus one, and a bias on every head's scores by relative position
//! (32 buckets, [`mpnet_bucket`]) shared by all layers. With less work per
//! token:
//! - the query, key and value projections are one matrix multiply (their
//!   weights stacked at load, the query's pre-scaled by 1/sqrt(head size));
//! - dense layers add their bias and the residual inside the matrix
//!   product (`affine`), and GELU runs in place on its output;
//! - attention reads each head's queries, keys and values from the fused
//!   projection in place and writes its context into the merged output
//!   ([`attention`]), with no split or merge copies; its softmax adds the
//!   padding bias and normalises in one pass per row with a vectorised
//!   exp; layer norm is candle's fused kernel;
//! - GELU's erf is a rational approximation the compiler vectorises
//!   ([`gelu_erf`]); libm's scalar `erff` was 15% of a profile of the
//!   whole model (BENCHMARKS.md, "Where the time goes");
//! - for a classifier, [`Bert::forward_first`] runs the last layer's
//!   attention for the first query, its attention output and its
//!   feed-forward on the first token only.
//!
//! A pair's outputs do not depend on the batch it came in, to the bit
//! (the kernels' tests and the resumed-archive test hold this).

use anyhow::{bail, Context, Result};
use candle_core::{CpuStorage, CustomOp1, CustomOp2, Layout, Module, Shape, Tensor, D};
use candle_nn::{Embedding, LayerNorm, VarBuilder};
use serde::Deserialize;
use stance_kernels::{attention_with_positions, gelu_erf, Precision, Weight};

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
    /// MPNet's buckets of relative position (32); absent for BERT.
    #[serde(default)]
    pub relative_attention_num_buckets: usize,
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

/// A linear layer, its weight (`out × in`) prepared once at load for its
/// precision ([`stance_kernels::Weight`]: kept for gemm in fp32, rounded
/// and packed in bf16), with the bias (and, where given, the residual)
/// added inside the matrix product.
struct Dense {
    w: Weight,
    bias: Vec<f32>,
    out: usize,
}

impl Dense {
    /// From a weight `(out, in)` and a bias `(out)`, for products in
    /// `precision`.
    fn new(weight: &Tensor, bias: &Tensor, precision: Precision) -> candle_core::Result<Self> {
        let (out, inp) = weight.dims2()?;
        if bias.dims() != [out] {
            candle_core::bail!(
                "dense: bias of shape {:?} for a weight of ({out}, {inp})",
                bias.dims()
            );
        }
        Ok(Dense {
            w: Weight::new(weight.flatten_all()?.to_vec1::<f32>()?, out, inp, precision),
            bias: bias.to_vec1::<f32>()?,
            out,
        })
    }

    /// `x · wᵀ + b` for `x` of `(rows, in)`.
    fn forward(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.apply_op1_no_bwd(&Affine {
            dense: self,
            gelu: false,
        })
    }

    /// `gelu(x · wᵀ + b)`, the activation applied in place.
    fn forward_gelu(&self, x: &Tensor) -> candle_core::Result<Tensor> {
        x.apply_op1_no_bwd(&Affine {
            dense: self,
            gelu: true,
        })
    }

    /// `x · wᵀ + b + residual`.
    fn forward_residual(&self, x: &Tensor, residual: &Tensor) -> candle_core::Result<Tensor> {
        x.apply_op2_no_bwd(
            residual,
            &Affine {
                dense: self,
                gelu: false,
            },
        )
    }
}

/// The f32 contents of a contiguous tensor.
fn f32_slice<'a>(
    storage: &'a CpuStorage,
    layout: &Layout,
    what: &str,
) -> candle_core::Result<&'a [f32]> {
    let CpuStorage::F32(data) = storage else {
        candle_core::bail!("{what}: f32 tensors only");
    };
    let Some((start, end)) = layout.contiguous_offsets() else {
        candle_core::bail!("{what}: the input must be contiguous");
    };
    Ok(&data[start..end])
}

/// Multi-head attention from the fused projection `(n × m, 3 × hidden)`
/// and the padding bias `(n, m)` to the context of the first `queries`
/// positions, `(n × queries, hidden)`
/// ([`stance_kernels::attention`]), with MPNet's position bias
/// (`heads × m × m`) where there is one.
struct Attention<'a> {
    heads: usize,
    queries: usize,
    positions: Option<&'a [f32]>,
}

impl CustomOp2 for Attention<'_> {
    fn name(&self) -> &'static str {
        "attention"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let (&[tokens, width], &[n, m]) = (l1.dims(), l2.dims()) else {
            candle_core::bail!("attention: qkv {:?}, bias {:?}", l1.dims(), l2.dims());
        };
        if tokens != n * m || width % (3 * self.heads) != 0 || self.queries > m {
            candle_core::bail!(
                "attention: qkv {:?} for bias {:?}, {} heads, {} queries",
                l1.dims(),
                l2.dims(),
                self.heads,
                self.queries
            );
        }
        let out = attention_with_positions(
            f32_slice(s1, l1, "attention")?,
            f32_slice(s2, l2, "attention")?,
            self.positions,
            n,
            self.heads,
            self.queries,
            candle_core::utils::get_num_threads(),
        );
        Ok((
            CpuStorage::F32(out),
            Shape::from((n * self.queries, width / 3)),
        ))
    }
}

struct Affine<'a> {
    dense: &'a Dense,
    gelu: bool,
}

impl Affine<'_> {
    fn run(&self, x: &[f32], residual: Option<&[f32]>) -> (CpuStorage, Shape) {
        let d = self.dense;
        let mut out =
            d.w.affine(x, &d.bias, residual, candle_core::utils::get_num_threads());
        if self.gelu {
            gelu_erf(&mut out);
        }
        let rows = out.len() / d.out;
        (CpuStorage::F32(out), Shape::from((rows, d.out)))
    }

    fn check(&self, layout: &Layout) -> candle_core::Result<()> {
        let inp = self.dense.w.k();
        match layout.dims() {
            [_, k] if *k == inp => Ok(()),
            dims => candle_core::bail!("dense: input of shape {dims:?}, expected (rows, {inp})"),
        }
    }
}

impl CustomOp1 for Affine<'_> {
    fn name(&self) -> &'static str {
        "dense-affine"
    }

    fn cpu_fwd(&self, s: &CpuStorage, l: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        self.check(l)?;
        Ok(self.run(f32_slice(s, l, "dense")?, None))
    }
}

impl CustomOp2 for Affine<'_> {
    fn name(&self) -> &'static str {
        "dense-affine-residual"
    }

    fn cpu_fwd(
        &self,
        s1: &CpuStorage,
        l1: &Layout,
        s2: &CpuStorage,
        l2: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        self.check(l1)?;
        if l2.dims() != [l1.dims()[0], self.dense.out] {
            candle_core::bail!(
                "dense: residual of shape {:?}, expected ({}, {})",
                l2.dims(),
                l1.dims()[0],
                self.dense.out
            );
        }
        Ok(self.run(
            f32_slice(s1, l1, "dense")?,
            Some(f32_slice(s2, l2, "dense")?),
        ))
    }
}

struct Layer {
    qkv: Dense,
    attn_out: Dense,
    attn_norm: LayerNorm,
    up: Dense,
    down: Dense,
    out_norm: LayerNorm,
}

/// The encoder: embeddings and the transformer layers (no pooler).
pub struct Bert {
    word: Embedding,
    position: Embedding,
    /// BERT's; MPNet has none.
    token_type: Option<Embedding>,
    /// The first token's position id: 0 for BERT, the padding id plus one
    /// for MPNet (as RoBERTa counts).
    first_position: u32,
    /// MPNet's relative position bias, `(buckets, heads)`.
    relative: Option<Vec<f32>>,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    act: Act,
}

/// MPNet's bucket of relative position `key − query`
/// (`MPNetEncoder.relative_position_bucket`, bidirectional, 32 buckets,
/// distances up to 128): exact up to 7 either way, then logarithmic,
/// computed in f32 as PyTorch does.
pub fn mpnet_bucket(relative: i64, buckets: usize) -> usize {
    const MAX_DISTANCE: f32 = 128.0;
    let half = (buckets / 2) as i64;
    let n = -relative;
    let mut bucket = if n < 0 { half } else { 0 };
    let n = n.abs();
    let exact = half / 2;
    bucket += if n < exact {
        n
    } else {
        let far = (n as f32 / exact as f32).ln() / (MAX_DISTANCE / exact as f32).ln()
            * (half - exact) as f32;
        (exact + far as i64).min(half - 1)
    };
    bucket as usize
}

/// A linear layer's weight `(out, inp)` and bias `(out)`.
fn weight_bias(vb: &VarBuilder, inp: usize, out: usize) -> candle_core::Result<(Tensor, Tensor)> {
    Ok((vb.get((out, inp), "weight")?, vb.get(out, "bias")?))
}

fn dense(
    vb: &VarBuilder,
    inp: usize,
    out: usize,
    precision: Precision,
) -> candle_core::Result<Dense> {
    let (w, b) = weight_bias(vb, inp, out)?;
    Dense::new(&w, &b, precision)
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
    /// or under the config's `model_type`, its dense layers to run in
    /// `precision` (bf16 fails on a CPU without it:
    /// [`stance_kernels::bf16_available`]).
    pub fn load(
        vb: VarBuilder,
        config: &Config,
        model_type: Option<&str>,
        precision: Precision,
    ) -> Result<Self> {
        if precision == Precision::Bf16 && !stance_kernels::bf16_available() {
            bail!("bf16 needs a CPU with AVX-512 BF16, which this one lacks; use fp32");
        }
        let h = config.hidden_size;
        if config.num_attention_heads == 0 || !h.is_multiple_of(config.num_attention_heads) {
            bail!(
                "hidden_size {h} is not a multiple of num_attention_heads {}",
                config.num_attention_heads
            );
        }
        let mpnet = model_type == Some("mpnet");
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
        let token_type = if mpnet {
            None
        } else {
            Some(emb("token_type_embeddings", config.type_vocab_size)?)
        };
        let embed_norm = layer_norm(&e.pp("LayerNorm"), h, config.layer_norm_eps)?;
        let relative = if mpnet {
            let buckets = match config.relative_attention_num_buckets {
                0 => 32,
                b => b,
            };
            let table = vb
                .pp("encoder.relative_attention_bias")
                .get((buckets, config.num_attention_heads), "weight")?;
            Some(table.flatten_all()?.to_vec1::<f32>()?)
        } else {
            None
        };
        let head_size = h / config.num_attention_heads;
        let scale = 1.0 / (head_size as f64).sqrt();
        let mut layers = Vec::with_capacity(config.num_hidden_layers);
        for i in 0..config.num_hidden_layers {
            let l = vb.pp(format!("encoder.layer.{i}"));
            let a = l.pp("attention");
            // BERT: attention.self.{query,key,value}, attention.output.dense
            // and .LayerNorm; MPNet: attention.attn.{q,k,v,o}, attention.LayerNorm.
            let (s, names, out, norm) = if mpnet {
                (
                    a.pp("attn"),
                    ["q", "k", "v"],
                    a.pp("attn.o"),
                    a.pp("LayerNorm"),
                )
            } else {
                (
                    a.pp("self"),
                    ["query", "key", "value"],
                    a.pp("output.dense"),
                    a.pp("output.LayerNorm"),
                )
            };
            let (qw, qb) = weight_bias(&s.pp(names[0]), h, h)?;
            let (kw, kb) = weight_bias(&s.pp(names[1]), h, h)?;
            let (vw, v_bias) = weight_bias(&s.pp(names[2]), h, h)?;
            let w = Tensor::cat(&[(qw * scale)?, kw, vw], 0)?;
            let b = Tensor::cat(&[(qb * scale)?, kb, v_bias], 0)?;
            layers.push(Layer {
                qkv: Dense::new(&w, &b, precision)?,
                attn_out: dense(&out, h, h, precision)?,
                attn_norm: layer_norm(&norm, h, config.layer_norm_eps)?,
                up: dense(
                    &l.pp("intermediate.dense"),
                    h,
                    config.intermediate_size,
                    precision,
                )?,
                down: dense(
                    &l.pp("output.dense"),
                    config.intermediate_size,
                    h,
                    precision,
                )?,
                out_norm: layer_norm(&l.pp("output.LayerNorm"), h, config.layer_norm_eps)?,
            });
        }
        Ok(Bert {
            word,
            position,
            token_type,
            first_position: if mpnet {
                config.pad_token_id as u32 + 1
            } else {
                0
            },
            relative,
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
        let h = self.run(ids, types, mask, false, self.layers.len())?;
        Ok(h.reshape((n, m, h.dim(D::Minus1)?))?)
    }

    /// The first token's hidden state `(batch, hidden)`, as `forward`
    /// gives it, for a classifier that reads only that token. The last
    /// layer's attention, attention output and feed-forward run for that
    /// token alone (its keys and values still come from every token),
    /// which saves about three quarters of the last layer's work.
    pub fn forward_first(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        self.run(ids, types, mask, true, self.layers.len())
    }

    /// Hidden states `(batch, length, hidden)` after the embeddings and
    /// the first `layers` layers only: the frozen part below layers that
    /// are being fine-tuned ([`crate::score::tune`]), run once with the
    /// fast kernels.
    pub fn forward_lower(
        &self,
        ids: &Tensor,
        types: &Tensor,
        mask: &Tensor,
        layers: usize,
    ) -> Result<Tensor> {
        if layers > self.layers.len() {
            bail!("the encoder has {} layers, not {layers}", self.layers.len());
        }
        let (n, m) = ids.dims2()?;
        let h = self.run(ids, types, mask, false, layers)?;
        Ok(h.reshape((n, m, h.dim(D::Minus1)?))?)
    }

    /// Layers in the encoder.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    fn run(
        &self,
        ids: &Tensor,
        types: &Tensor,
        mask: &Tensor,
        first_only: bool,
        upto: usize,
    ) -> Result<Tensor> {
        let (n, m) = ids.dims2()?;
        let first = self.first_position;
        let positions = Tensor::arange(first, first + m as u32, ids.device())?;
        let mut x = self.word.forward(ids)?;
        if let Some(token_type) = &self.token_type {
            x = x.add(&token_type.forward(types)?)?;
        }
        let x = x.broadcast_add(&self.position.forward(&positions)?)?;
        let h = x.dim(D::Minus1)?;
        let relative = self.relative.as_ref().map(|table| {
            let heads = self.heads;
            let buckets = table.len() / heads;
            // The bucket depends on the distance j − i alone: one per
            // distance, from −(m − 1) to m − 1.
            let by_distance: Vec<usize> = (0..2 * m.max(1) - 1)
                .map(|d| mpnet_bucket(d as i64 - (m as i64 - 1), buckets))
                .collect();
            let mut p = vec![0.0f32; heads * m * m];
            for i in 0..m {
                for j in 0..m {
                    let b = by_distance[j + m - 1 - i];
                    for (hd, v) in table[b * heads..(b + 1) * heads].iter().enumerate() {
                        p[(hd * m + i) * m + j] = *v;
                    }
                }
            }
            p
        });
        let mut x = self.embed_norm.forward(&x.reshape((n * m, h))?)?;
        // 0 where a token is, the most negative float at padding (as
        // transformers does), added to every head's and query's scores.
        let bias = ((mask.to_dtype(candle_core::DType::F32)? - 1.0)? * f64::from(f32::MAX))?;
        let last = self.layers.len().saturating_sub(1);
        for (i, l) in self.layers.iter().enumerate().take(upto) {
            // Heads are read from the fused projection in place; the
            // last layer of a classifier needs the first query only.
            let queries = if first_only && i == last { 1 } else { m };
            let ctx = l.qkv.forward(&x)?.apply_op2_no_bwd(
                &bias,
                &Attention {
                    heads: self.heads,
                    queries,
                    positions: relative.as_deref(),
                },
            )?;
            if queries == 1 {
                x = x.reshape((n, m, h))?.narrow(1, 0, 1)?.reshape((n, h))?;
            }
            x = l
                .attn_norm
                .forward(&l.attn_out.forward_residual(&ctx, &x)?)?;
            let up = match self.act {
                Act::GeluErf => l.up.forward_gelu(&x)?,
                Act::GeluTanh => l.up.forward(&x)?.gelu()?,
                Act::Relu => l.up.forward(&x)?.relu()?,
            };
            x = l.out_norm.forward(&l.down.forward_residual(&up, &x)?)?;
        }
        if first_only && self.layers.is_empty() {
            x = x.reshape((n, m, h))?.narrow(1, 0, 1)?.reshape((n, h))?;
        }
        Ok(x)
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
    }

    #[test]
    fn dense_fuses_bias_residual_and_gelu_as_candle_computes_them() {
        let dev = candle_core::Device::Cpu;
        let (rows, inp, out) = (9, 24, 40);
        let fill = |n: usize, seed: usize| -> Vec<f32> {
            (0..n)
                .map(|i| ((i * 7919 + seed * 104_729) % 997) as f32 / 498.5 - 1.0)
                .collect()
        };
        let w = Tensor::from_vec(fill(out * inp, 1), (out, inp), &dev).unwrap();
        let b = Tensor::from_vec(fill(out, 2), out, &dev).unwrap();
        let x = Tensor::from_vec(fill(rows * inp, 3), (rows, inp), &dev).unwrap();
        let r = Tensor::from_vec(fill(rows * out, 4), (rows, out), &dev).unwrap();
        let dense = Dense::new(&w, &b, Precision::Fp32).unwrap();
        let linear = candle_nn::Linear::new(w, Some(b));
        let plain = linear.forward(&x).unwrap();
        let close = |a: &Tensor, b: &Tensor| {
            let d = (a - b).unwrap().abs().unwrap().max_all().unwrap();
            let d = d.to_scalar::<f32>().unwrap();
            assert!(d < 1e-5, "max difference {d}");
        };
        close(&dense.forward(&x).unwrap(), &plain);
        close(&dense.forward_gelu(&x).unwrap(), &plain.gelu_erf().unwrap());
        close(
            &dense.forward_residual(&x, &r).unwrap(),
            &(&plain + &r).unwrap(),
        );
        assert!(
            dense.forward(&x.t().unwrap()).is_err(),
            "a wrongly shaped input is an error"
        );
    }

    #[test]
    fn forward_first_is_the_first_row_of_forward() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny-bert");
        let config: Config =
            serde_json::from_str(&std::fs::read_to_string(dir.join("config.json")).unwrap())
                .unwrap();
        let dev = candle_core::Device::Cpu;
        // SAFETY: a test fixture nobody writes to while the test runs.
        let vb = unsafe {
            VarBuilder::from_mmaped_safetensors(
                &[dir.join("model.safetensors")],
                candle_core::DType::F32,
                &dev,
            )
        }
        .unwrap();
        let mut precisions = vec![Precision::Fp32];
        if stance_kernels::bf16_available() {
            precisions.push(Precision::Bf16);
        }
        for precision in precisions {
            let bert = Bert::load(vb.clone(), &config, Some("bert"), precision).unwrap();
            // Three pairs of different lengths, padded to the longest.
            let ids: Vec<u32> = vec![
                101, 7, 8, 9, 102, 10, 11, 102, //
                101, 12, 102, 13, 102, 0, 0, 0, //
                101, 14, 15, 102, 16, 17, 18, 102,
            ];
            let types: Vec<u32> = vec![
                0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
            ];
            let mask: Vec<u32> = ids.iter().map(|&t| u32::from(t != 0)).collect();
            let t = |v: Vec<u32>| Tensor::from_vec(v, (3, 8), &dev).unwrap();
            let (ids, types, mask) = (t(ids), t(types), t(mask));
            let all = bert.forward(&ids, &types, &mask).unwrap();
            let first = bert.forward_first(&ids, &types, &mask).unwrap();
            assert_eq!(first.dims(), [3, config.hidden_size]);
            let want = all.narrow(1, 0, 1).unwrap().squeeze(1).unwrap();
            let d = (first - want).unwrap().abs().unwrap().max_all().unwrap();
            let d = d.to_scalar::<f32>().unwrap();
            assert!(d < 1e-6, "{precision:?}: max difference {d}");
        }
    }
}
