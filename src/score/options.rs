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
/// its library is found (`onnx::find_library`: `ort_lib`,
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
            Err(e) => {
                // A library named by ORT_DYLIB_PATH that is not there is
                // a mistake worth seeing, not a quiet fall back to candle
                // (a relative path breaks as soon as a script changes
                // folder).
                if std::env::var_os("ORT_DYLIB_PATH").is_some() {
                    tracing::warn!("--backend auto runs candle: {e:#}");
                }
                (
                    BackendKind::Candle,
                    None,
                    "ONNX Runtime's library was not found (see docs/backends.md, \"ONNX Runtime backend\")"
                        .to_string(),
                )
            }
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

/// Give each forward pass `intra` threads, unless `RAYON_NUM_THREADS` says
/// otherwise already. stance runs whole batches side by side (measured
/// faster on CPU than splitting each product), and candle's matrix
/// products size their own split from `RAYON_NUM_THREADS`: unset, every
/// layer would spread over all cores inside the scorer's pool. The command
/// line calls this first thing; a library user (the Python package) calls
/// it before loading a model. Returns the count in force.
pub fn pin_layer_threads(intra: usize) -> usize {
    match std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        Some(n) if n > 0 => n,
        _ => {
            let n = intra.max(1);
            // Read by candle on every product; written once, before the
            // scorer's threads exist.
            std::env::set_var("RAYON_NUM_THREADS", n.to_string());
            n
        }
    }
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
    /// ONNX Runtime's shared library (else found as the `onnx` module says).
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

/// A requested backend: one by name, or the fastest one available here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum BackendChoice {
    /// ONNX Runtime when its library and the model's ONNX file are there,
    /// else candle.
    #[default]
    Auto,
    Candle,
    Ort,
}

/// A requested arithmetic for the candle backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum PrecisionChoice {
    /// bf16 on candle where the CPU has AVX-512 BF16, else fp32.
    #[default]
    Auto,
    Fp32,
    Bf16,
}

/// What a user asks for (the command line's model flags, or the Python
/// package's arguments), before it is resolved against this machine into
/// [`ScorerOptions`] by [`ScorerRequest::resolve`].
#[derive(Debug, Clone)]
pub struct ScorerRequest {
    /// Model folder or hub id; `None` is the bundled default
    /// ([`super::model::default_model_dir`]).
    pub model: Option<String>,
    pub backend: BackendChoice,
    pub precision: PrecisionChoice,
    /// Threads in all; `None` is every core.
    pub threads: Option<usize>,
    pub intra_threads: usize,
    pub batch_size: usize,
    pub ort_lib: Option<PathBuf>,
    pub quantized: bool,
}

impl Default for ScorerRequest {
    fn default() -> Self {
        ScorerRequest {
            model: None,
            backend: BackendChoice::Auto,
            precision: PrecisionChoice::Auto,
            threads: None,
            intra_threads: 1,
            batch_size: 8,
            ort_lib: None,
            quantized: false,
        }
    }
}

impl ScorerRequest {
    /// The model folder or hub id: the one named, else the bundled default.
    pub fn model_spec(&self) -> anyhow::Result<String> {
        match &self.model {
            Some(m) => Ok(m.clone()),
            None => Ok(super::model::default_model_dir()?.display().to_string()),
        }
    }

    /// The options to load with: sizes checked, `auto` resolved. Auto takes
    /// candle in bf16 where the CPU has AVX-512 BF16 (it beats ONNX
    /// Runtime's fp32: 2.2× against 1.3× PyTorch's best in BENCHMARKS.md),
    /// else [`auto_backend`].
    pub fn resolve(&self) -> anyhow::Result<ScorerOptions> {
        use anyhow::bail;
        if self.intra_threads == 0 {
            bail!("--intra-threads (threads per forward pass) must be at least 1");
        }
        if self.batch_size == 0 {
            bail!("--batch-size must be at least 1");
        }
        if self.threads == Some(0) {
            bail!("--threads must be at least 1");
        }
        let model = self.model_spec()?;
        let bf16 = bf16_available();
        let (backend, ort_lib) = match self.backend {
            BackendChoice::Candle => (BackendKind::Candle, self.ort_lib.clone()),
            BackendChoice::Ort => (BackendKind::Ort, self.ort_lib.clone()),
            BackendChoice::Auto
                if self.precision != PrecisionChoice::Fp32 && !self.quantized && bf16 =>
            {
                tracing::info!(
                    "--backend auto chose Candle: this CPU has AVX-512 BF16, and candle in bf16 \
                     outruns ONNX Runtime in fp32 (--precision fp32 to prefer ONNX Runtime)"
                );
                (BackendKind::Candle, self.ort_lib.clone())
            }
            BackendChoice::Auto => {
                let (kind, lib, why) =
                    auto_backend(&model, self.ort_lib.as_deref(), self.quantized);
                tracing::info!("--backend auto chose {kind:?}: {why}");
                // The library found is the one to load: no second search.
                (kind, lib.or_else(|| self.ort_lib.clone()))
            }
        };
        let precision = match (self.precision, backend) {
            (PrecisionChoice::Fp32, _) => Precision::Fp32,
            (PrecisionChoice::Auto, BackendKind::Candle) if bf16 => {
                tracing::info!(
                    "--precision auto chose bf16: this CPU has AVX-512 BF16 (dense layers on {})",
                    kernel_tier(Precision::Bf16)
                );
                Precision::Bf16
            }
            (PrecisionChoice::Auto, _) => Precision::Fp32,
            (PrecisionChoice::Bf16, BackendKind::Ort) => bail!(
                "--precision bf16 is for the candle backend; ONNX Runtime runs fp32 (or int8 with \
                 --quantized). Use --backend candle, or --precision fp32"
            ),
            (PrecisionChoice::Bf16, BackendKind::Candle) if !bf16 => bail!(
                "--precision bf16 needs a CPU with AVX-512 BF16 (AMD Zen 4, Intel Sapphire Rapids \
                 or later), which this one lacks; use --precision fp32"
            ),
            (PrecisionChoice::Bf16, BackendKind::Candle) => Precision::Bf16,
        };
        Ok(ScorerOptions {
            backend,
            threads: self.threads.unwrap_or_else(default_threads),
            intra_threads: self.intra_threads,
            batch_size: self.batch_size,
            ort_lib,
            quantized: self.quantized,
            precision,
            ..ScorerOptions::new(model)
        })
    }

    /// What a failure to load the model is reported under: the model
    /// named, or the bundled one.
    pub fn load_context(&self) -> String {
        match &self.model {
            Some(m) => format!("cannot load --model {m}"),
            None => "cannot load the bundled default model".to_string(),
        }
    }

    /// Resolve, then load.
    pub fn load(&self) -> anyhow::Result<super::Scorer> {
        use anyhow::Context;
        super::Scorer::load(&self.resolve()?).with_context(|| self.load_context())
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
