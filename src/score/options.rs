//! How to load and run a model: which one, which backend, how many threads
//! and how large the batches.

use std::path::PathBuf;

/// Which inference backend runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum BackendKind {
    /// Pure-Rust candle on the CPU.
    Candle,
    /// ONNX Runtime (cargo feature `ort`); needs model.onnx in the folder.
    Ort,
}

/// Every core this process may use: the default thread count everywhere.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How to load and run a model.
#[derive(Debug, Clone)]
pub struct ScorerOptions {
    /// Local folder or hub id.
    pub model: String,
    pub backend: BackendKind,
    /// Threads in all.
    pub threads: usize,
    /// Threads inside each forward pass; `threads / intra_threads` batches
    /// run side by side.
    pub intra_threads: usize,
    /// Pairs per forward pass.
    pub batch_size: usize,
    /// ONNX Runtime's shared library (else found as [`super::onnx`] says).
    pub ort_lib: Option<PathBuf>,
    /// Use `model_int8.onnx` instead of `model.onnx`.
    pub quantized: bool,
}

impl ScorerOptions {
    /// Options for `model` with defaults: all cores, one thread per pass,
    /// batches of 8, candle.
    pub fn new(model: impl Into<String>) -> Self {
        ScorerOptions {
            model: model.into(),
            backend: BackendKind::Candle,
            threads: default_threads(),
            intra_threads: 1,
            batch_size: 8,
            ort_lib: None,
            quantized: false,
        }
    }

    /// Batches in flight at once.
    pub fn workers(&self) -> usize {
        (self.threads / self.intra_threads.max(1)).max(1)
    }
}
