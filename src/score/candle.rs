//! The candle backend: pure-Rust inference on the CPU.
//!
//! Supports BERT-family encoders (BERT, MiniLM) and MPNet as sequence
//! classifiers (`BertForSequenceClassification`: encoder, pooler, linear
//! head; `MPNetForSequenceClassification`: encoder, then `classifier.dense`,
//! tanh and `classifier.out_proj` on the first token, the same computation
//! under other names) and as mean- or CLS-pooled embedders. Other
//! architectures are matched in [`CandleBackend::load`] and get a clear
//! error until they are added.

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, D};
use candle_nn::{Linear, Module, VarBuilder};

use super::backend::{Backend, Batch, ModelType, Pool};
use super::bert::{Bert, Config as BertConfig};
use super::model::{ModelConfig, ModelFiles, Weights};
use super::Precision;

enum Head {
    /// `bert.pooler.dense` + tanh, then `classifier` (MPNet:
    /// `classifier.dense` + tanh, then `classifier.out_proj`).
    Classifier {
        pooler: Linear,
        classifier: Linear,
    },
    Embedding(Pool),
}

pub struct CandleBackend {
    bert: Bert,
    head: Head,
    pad_id: u32,
    device: Device,
}

impl CandleBackend {
    /// Load a model folder. `model_type` says which head to build.
    pub fn load(
        files: &ModelFiles,
        model_config: &ModelConfig,
        model_type: ModelType,
        precision: Precision,
    ) -> Result<Self> {
        let mpnet = match model_config.model_type.as_deref().unwrap_or("bert") {
            "bert" => false,
            "mpnet" => true,
            other => bail!(
                "{}: model_type `{other}` is not supported by the candle backend yet (it runs \
                 BERT-family encoders such as BERT and MiniLM, and MPNet); export the model to \
                 ONNX and use the ONNX Runtime backend",
                files.config.display()
            ),
        };
        let config: BertConfig = serde_json::from_value(model_config.raw.clone())
            .with_context(|| format!("{}: not a BERT config", files.config.display()))?;
        let device = Device::Cpu;
        let vb = match &files.weights {
            Weights::Safetensors(p) => {
                // SAFETY: the file is memory-mapped read-only; stance does not
                // modify model files while it runs.
                unsafe { VarBuilder::from_mmaped_safetensors(&[p], DType::F32, &device) }
                    .with_context(|| format!("{}: cannot read the weights", p.display()))?
            }
            Weights::Pytorch(p) => VarBuilder::from_pth(p, DType::F32, &device)
                .with_context(|| format!("{}: cannot read the weights", p.display()))?,
            Weights::Onnx(p) => bail!(
                "{}: the candle backend reads safetensors or pytorch_model.bin; for an ONNX-only \
                 folder use the ONNX Runtime backend",
                p.display()
            ),
        };
        let bert = Bert::load(
            vb.clone(),
            &config,
            model_config.model_type.as_deref(),
            precision,
        )
        .with_context(|| format!("{}: the weights do not fit a BERT encoder", files.name))?;
        let head = match model_type {
            ModelType::Classifier => {
                let labels = model_config.id2label.len();
                let h = config.hidden_size;
                let (pooler, classifier) = if mpnet {
                    ("classifier.dense", "classifier.out_proj")
                } else {
                    ("bert.pooler.dense", "classifier")
                };
                let pooler = candle_nn::linear(h, h, vb.pp(pooler))
                    .or_else(|e| {
                        if mpnet {
                            Err(e)
                        } else {
                            candle_nn::linear(h, h, vb.pp("pooler.dense"))
                        }
                    })
                    .with_context(|| {
                        format!("{}: no pooler weights ({pooler}); is this a sequence-classification model?", files.name)
                    })?;
                let classifier = candle_nn::linear(h, labels, vb.pp(classifier)).with_context(|| {
                    format!("{}: no classifier head with {labels} labels ({classifier}.weight); is this a cross-encoder?", files.name)
                })?;
                Head::Classifier { pooler, classifier }
            }
            ModelType::Embedding(pool) => Head::Embedding(pool),
        };
        Ok(CandleBackend {
            bert,
            head,
            pad_id: config.pad_token_id as u32,
            device,
        })
    }

    /// The batch as `(ids, types, mask)` tensors, each `(batch, length)`.
    fn inputs(&self, batch: &Batch) -> Result<(Tensor, Tensor, Tensor)> {
        let (n, m) = (batch.len(), batch.max_length as usize);
        let (ids, types, mask) = batch.padded(self.pad_id);
        Ok((
            Tensor::from_vec(ids, (n, m), &self.device)?,
            Tensor::from_vec(types, (n, m), &self.device)?,
            Tensor::from_vec(mask, (n, m), &self.device)?,
        ))
    }
}

impl CandleBackend {
    /// A classifier's pooled pair representation `(batch, hidden)`, the
    /// input of its final layer (`None` for an empty batch).
    fn pooled(&self, batch: &Batch) -> Result<Option<Tensor>> {
        let Head::Classifier { pooler, .. } = &self.head else {
            bail!("this model is an embedder, not a classifier");
        };
        if batch.is_empty() {
            return Ok(None);
        }
        let (ids, types, mask) = self.inputs(batch)?;
        let cls = self.bert.forward_first(&ids, &types, &mask)?;
        Ok(Some(pooler.forward(&cls)?.tanh()?))
    }
}

fn rows(t: &Tensor) -> Result<Vec<Vec<f32>>> {
    Ok(t.to_dtype(DType::F32)?.to_vec2::<f32>()?)
}

impl Backend for CandleBackend {
    fn model_type(&self) -> ModelType {
        match self.head {
            Head::Classifier { .. } => ModelType::Classifier,
            Head::Embedding(p) => ModelType::Embedding(p),
        }
    }

    fn predict(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        let Head::Classifier { classifier, .. } = &self.head else {
            bail!("this model is an embedder, not a classifier");
        };
        match self.pooled(batch)? {
            Some(pooled) => rows(&classifier.forward(&pooled)?),
            None => Ok(Vec::new()),
        }
    }

    fn features(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        match self.pooled(batch)? {
            Some(pooled) => rows(&pooled),
            None => Ok(Vec::new()),
        }
    }

    fn lower_states(&self, batch: &Batch, layers: usize) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, types, mask) = self.inputs(batch)?;
        let states = self.bert.forward_lower(&ids, &types, &mask, layers)?;
        let (_, m, h) = states.dims3()?;
        let flat = states.flatten_all()?.to_vec1::<f32>()?;
        Ok(batch
            .cumulative_seq_lengths
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let len = (w[1] - w[0]) as usize;
                flat[i * m * h..(i * m + len) * h].to_vec()
            })
            .collect())
    }

    fn embed(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (ids, types, mask) = self.inputs(batch)?;
        let pool = match self.head {
            Head::Embedding(p) => p,
            Head::Classifier { .. } => Pool::Cls,
        };
        let pooled = match pool {
            Pool::Cls => self.bert.forward_first(&ids, &types, &mask)?,
            Pool::Mean => {
                let hidden = self.bert.forward(&ids, &types, &mask)?;
                let mask = mask.to_dtype(DType::F32)?.unsqueeze(D::Minus1)?;
                let summed = hidden.broadcast_mul(&mask)?.sum(1)?;
                let counts = mask.sum(1)?.clamp(1e-9, f32::MAX as f64)?;
                summed.broadcast_div(&counts)?
            }
        };
        rows(&pooled)
    }
}
