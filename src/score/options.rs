//! How to load and run a model: which one, which backend, how many threads
//! and how large the batches.

use std::path::{Path, PathBuf};

use super::model::onnx_file_name;

pub use stance_kernels::{bf16_available, kernel_tier, Precision};

/// Which inference backend runs the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum BackendKind {
    /// Pure-Rust candle on the CPU.
    Candle,
    /// ONNX Runtime (cargo feature `ort`); needs model.onnx in the folder.
    Ort,
}

/// The backend for `--backend auto`: ONNX Runtime when this build has it,
/// its library is found ([`super::onnx::find_library`]: `ort_lib`,
/// `ORT_DYLIB_PATH`, the onnxruntime Python package, the usual system
/// places) and the model folder (and a cascade's gate folder) has the ONNX
/// file it would run; candle otherwise. Measured on the shipped default
/// (BENCHMARKS.md), ONNX Runtime scores pairs about 1.2× as fast as candle
/// in fp32, but candle in bf16 beats both, so the command line takes that
/// first where the CPU has it (`--precision`) and asks this only
/// otherwise. Returns the choice, the library found (so that loading need
/// not search again), and why, for the log.
pub fn auto_backend(
    model: &str,
    ort_lib: Option<&Path>,
    quantized: bool,
) -> (BackendKind, Option<PathBuf>, String) {
    let onnx = onnx_file_name(quantized);
    let dir = Path::new(model);
    if !dir.is_dir() {
        return (
            BackendKind::Candle,
            None,
            format!("{model} is not a local folder (hub models run on candle)"),
        );
    }
    // The first folder lacking the file it would run, and that file.
    let mut missing = (!dir.join(onnx).is_file()).then(|| (dir.to_path_buf(), onnx));
    if let Ok(text) = std::fs::read_to_string(dir.join("cascade.json")) {
        if let Some(gate) = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["gate"].as_str().map(|g| dir.join(g)))
        {
            // A quantised cascade's gate may run fp32 (gate_quantized).
            let name = onnx_file_name(gate_quantized(&gate, quantized));
            if missing.is_none() && !gate.join(name).is_file() {
                missing = Some((gate, name));
            }
        }
    }
    if let Some((folder, file)) = missing {
        return (
            BackendKind::Candle,
            None,
            format!("{} has no {file}", folder.display()),
        );
    }
    #[cfg(feature = "ort")]
    {
        match super::onnx::find_library(ort_lib) {
            Ok(lib) => {
                let why = format!("ONNX Runtime found at {}", lib.display());
                (BackendKind::Ort, Some(lib), why)
            }
            Err(_) => (
                BackendKind::Candle,
                None,
                "ONNX Runtime's library was not found (see docs/backends.md, \"ONNX Runtime backend\")"
                    .to_string(),
            ),
        }
    }
    #[cfg(not(feature = "ort"))]
    {
        let _ = ort_lib;
        (
            BackendKind::Candle,
            None,
            "this build has no ONNX Runtime backend (cargo feature `ort`)".to_string(),
        )
    }
}

/// Whether a cascade's gate runs int8 under `--quantized`: only when its
/// folder has `model_int8.onnx`. The gate is the cheap half of a cascade
/// and the shipped default's int8 was checked with an fp32 gate
/// (BENCHMARKS.md), so a gate without an int8 file runs `model.onnx`.
pub fn gate_quantized(gate_dir: &Path, quantized: bool) -> bool {
    quantized
        && [gate_dir.to_path_buf(), gate_dir.join("onnx")]
            .iter()
            .any(|d| d.join(onnx_file_name(true)).is_file())
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
    /// The candle backend's dense-layer arithmetic (ONNX Runtime: fp32,
    /// or int8 with `quantized`).
    pub precision: Precision,
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
            precision: Precision::Fp32,
        }
    }

    /// Batches in flight at once.
    pub fn workers(&self) -> usize {
        (self.threads / self.intra_threads.max(1)).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_falls_back_to_candle_and_says_why() {
        let (kind, _, why) = auto_backend("someone/some-model", None, false);
        assert_eq!(kind, BackendKind::Candle);
        assert!(why.contains("not a local folder"), "{why}");

        let dir = tempfile::tempdir().unwrap();
        let (kind, _, why) = auto_backend(dir.path().to_str().unwrap(), None, false);
        assert_eq!(kind, BackendKind::Candle);
        assert_eq!(why, format!("{} has no model.onnx", dir.path().display()));

        // A cascade whose gate lacks its ONNX file: candle, naming the gate.
        std::fs::write(dir.path().join("model.onnx"), b"").unwrap();
        std::fs::create_dir(dir.path().join("gate")).unwrap();
        std::fs::write(dir.path().join("cascade.json"), r#"{"gate": "gate"}"#).unwrap();
        let (kind, _, why) = auto_backend(dir.path().to_str().unwrap(), None, false);
        assert_eq!(kind, BackendKind::Candle);
        assert!(why.ends_with("gate has no model.onnx"), "{why}");
        // Quantised, the cascade needs its own int8 file; the gate without
        // one runs fp32, so the gate's fp32 file is what is missing.
        let (_, _, why) = auto_backend(dir.path().to_str().unwrap(), None, true);
        assert_eq!(
            why,
            format!("{} has no model_int8.onnx", dir.path().display())
        );
        std::fs::write(dir.path().join("model_int8.onnx"), b"").unwrap();
        let (_, _, why) = auto_backend(dir.path().to_str().unwrap(), None, true);
        assert!(why.ends_with("gate has no model.onnx"), "{why}");
        std::fs::write(dir.path().join("gate/model_int8.onnx"), b"").unwrap();
        assert!(gate_quantized(&dir.path().join("gate"), true));
        assert!(!gate_quantized(&dir.path().join("gate"), false));
        std::fs::remove_file(dir.path().join("gate/model_int8.onnx")).unwrap();
        assert!(!gate_quantized(&dir.path().join("gate"), true));

        // Every file there, but no library where one is named.
        std::fs::write(dir.path().join("gate/model.onnx"), b"").unwrap();
        let (kind, _, why) = auto_backend(
            dir.path().to_str().unwrap(),
            Some(Path::new("/no/such/libonnxruntime.so")),
            false,
        );
        assert_eq!(kind, BackendKind::Candle);
        if cfg!(feature = "ort") {
            assert!(why.contains("library was not found"), "{why}");
        } else {
            assert!(why.contains("cargo feature `ort`"), "{why}");
        }
    }
}
