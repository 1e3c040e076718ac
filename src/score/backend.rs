//! The interface every inference backend implements: candle, ONNX
//! Runtime, or one of your own. Backends see only [`Batch`]es of token ids;
//! tokenisation and batching happen before them ([`super::tokenize`],
//! [`super::batching`]).

use anyhow::Result;

pub use super::batching::Batch;

/// How sentence embeddings are pooled from token states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool {
    Cls,
    Mean,
}

/// What a model computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    /// A cross-encoder with a sequence-classification head: logits per
    /// (premise, hypothesis) pair.
    Classifier,
    /// A bi-encoder: one embedding per sequence.
    Embedding(Pool),
}

/// An inference backend: candle, ONNX Runtime, …
pub trait Backend: Send + Sync {
    fn model_type(&self) -> ModelType;

    /// Classifier logits, one row per sequence of the batch.
    fn predict(&self, batch: &Batch) -> Result<Vec<Vec<f32>>>;

    /// Pooled embeddings, one row per sequence of the batch.
    fn embed(&self, batch: &Batch) -> Result<Vec<Vec<f32>>>;

    /// A classifier's input: the pooled pair representation its final
    /// linear layer reads, one row per sequence (what `stance train
    /// --method cross-head` fits a new layer on). Backends that run the
    /// whole graph in one piece (ONNX Runtime) do not give it.
    fn features(&self, _batch: &Batch) -> Result<Vec<Vec<f32>>> {
        anyhow::bail!("this backend gives logits, not the classifier's input; use --backend candle")
    }

    /// A classifier's token states after its embeddings and first `layers`
    /// layers: per sequence, its real tokens' rows (`tokens × hidden`,
    /// row-major, no padding). The frozen input of layers being fine-tuned
    /// (`stance train --method top-layers`).
    fn lower_states(&self, _batch: &Batch, _layers: usize) -> Result<Vec<Vec<f32>>> {
        anyhow::bail!("this backend runs the whole graph at once; use --backend candle")
    }

    /// Whether the backend runs its own intra-op threads (ONNX Runtime), so
    /// the scorer's pool needs only one thread per batch in flight. Backends
    /// that parallelise on the caller's rayon pool (candle) return false
    /// and get a pool of all `--threads`.
    fn owns_threads(&self) -> bool {
        false
    }
}
