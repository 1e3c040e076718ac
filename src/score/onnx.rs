//! The ONNX Runtime backend (`--backend ort`, cargo feature `ort`).
//!
//! ONNX Runtime is loaded at run time (`load-dynamic`) from a given path,
//! `ORT_DYLIB_PATH`, the `onnxruntime` Python package or the system library
//! folders ([`find_library`] lists them; `pip install onnxruntime==1.31.1`
//! ships `libonnxruntime.so`). The model
//! folder needs `model.onnx` (or `model_int8.onnx` with `--quantized`), as
//! written by `scripts/export_onnx.py`.
//!
//! Several sessions with a few intra-op threads each run batches side by
//! side; `Session::run` needs exclusive access, so each session sits behind
//! its own lock.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use anyhow::{anyhow, bail, Context, Result};
use ndarray::{Array2, Axis};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::Tensor;

use super::backend::{Backend, Batch, ModelType, Pool};

/// ONNX Runtime version whose shared library this build expects.
pub const ORT_VERSION: &str = "1.31.1";

static ENVIRONMENT: OnceLock<std::result::Result<ort::environment::Environment, String>> =
    OnceLock::new();

/// Where to find `libonnxruntime.so`, in this order:
///
/// 1. `lib`, the path the caller was given (the CLI's `--ort-lib`);
/// 2. `$ORT_DYLIB_PATH`;
/// 3. the `onnxruntime` Python package's `capi/` folder, in the
///    environment of `$VIRTUAL_ENV`, of `.venv/` in the current folder, of
///    the interpreters `python3` (first on `PATH`) and `/usr/bin/python3`,
///    and in the user and system site-packages folders
///    (`~/.local/lib/python3.*/site-packages`,
///    `/usr/local/lib/python3.*/{site,dist}-packages`,
///    `/usr/lib/python3/dist-packages`);
/// 4. the usual system library folders (`/usr/local/lib`, `/usr/lib`,
///    `/usr/lib/x86_64-linux-gnu`, `/usr/lib/aarch64-linux-gnu`, `/opt/onnxruntime/lib`).
///
/// A path given in 1 or 2 must exist; the error of a failed search lists
/// every place it looked.
pub fn find_library(lib: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = lib {
        return check_lib(p, "the given ONNX Runtime library");
    }
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        return check_lib(Path::new(&p), "ORT_DYLIB_PATH");
    }
    let mut looked = Vec::new();
    for dir in package_dirs().into_iter().chain(system_dirs()) {
        if let Some(p) = newest_lib(&dir) {
            return Ok(p);
        }
        looked.push(dir.display().to_string());
    }
    bail!(
        "ONNX Runtime {ORT_VERSION}'s shared library was not found (looked in {}). Install it \
         with `pip install onnxruntime=={ORT_VERSION}` (the wheel ships libonnxruntime.so), \
         or download it from the ONNX Runtime releases, then give its path (ORT_DYLIB_PATH)",
        looked.join(", ")
    )
}

fn check_lib(p: &Path, from: &str) -> Result<PathBuf> {
    if p.is_file() {
        Ok(p.to_path_buf())
    } else {
        bail!(
            "{from} {}: no such file; it should point at libonnxruntime.so (from `pip install \
             onnxruntime=={ORT_VERSION}`, in onnxruntime/capi/)",
            p.display()
        )
    }
}

/// `onnxruntime/capi` folders of the Python package, where it may be.
fn package_dirs() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = Vec::new();
    let site = |prefix: &Path| -> Vec<PathBuf> {
        let mut out = Vec::new();
        for lib in ["lib", "lib64"] {
            if let Ok(rd) = std::fs::read_dir(prefix.join(lib)) {
                let mut py: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("python3"))
                    })
                    .collect();
                py.sort();
                for p in py.into_iter().rev() {
                    out.push(p.join("site-packages"));
                    out.push(p.join("dist-packages"));
                }
            }
        }
        out
    };
    if let Some(v) = std::env::var_os("VIRTUAL_ENV") {
        roots.extend(site(Path::new(&v)));
    }
    roots.extend(site(Path::new(".venv")));
    for py in ["python3", "/usr/bin/python3"] {
        if let Some(d) = python_package_dir(py) {
            roots.push(d);
        }
    }
    if let Some(home) = std::env::var_os("HOME") {
        roots.extend(site(&Path::new(&home).join(".local")));
    }
    roots.extend(site(Path::new("/usr/local")));
    roots.push(PathBuf::from("/usr/lib/python3/dist-packages"));
    let mut out: Vec<PathBuf> = Vec::new();
    for r in roots {
        // python_package_dir gives the package folder itself.
        let dir = if r.ends_with("onnxruntime") {
            r.join("capi")
        } else {
            r.join("onnxruntime").join("capi")
        };
        if !out.contains(&dir) {
            out.push(dir);
        }
    }
    out
}

fn system_dirs() -> Vec<PathBuf> {
    [
        "/usr/local/lib",
        "/usr/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/opt/onnxruntime/lib",
    ]
    .iter()
    .map(PathBuf::from)
    .collect()
}

/// The `onnxruntime` package folder as interpreter `py` sees it, found
/// without importing it.
fn python_package_dir(py: &str) -> Option<PathBuf> {
    let out = std::process::Command::new(py)
        .args([
            "-c",
            "import importlib.util, os; s = importlib.util.find_spec('onnxruntime'); \
             print(os.path.dirname(s.origin) if s else '')",
        ])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!dir.is_empty()).then(|| PathBuf::from(dir))
}

/// The newest `libonnxruntime.so*` in `dir`.
fn newest_lib(dir: &Path) -> Option<PathBuf> {
    let mut libs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("libonnxruntime.so"))
        })
        .collect();
    libs.sort();
    libs.pop()
}

fn environment(lib: &Path) -> Result<&'static ort::environment::Environment> {
    ENVIRONMENT
        .get_or_init(|| {
            ort::init_from(lib)
                .map_err(|e| format!("cannot load {}: {e}", lib.display()))?
                .with_name("stance")
                .build()
                .map_err(|e| format!("cannot start ONNX Runtime from {}: {e}", lib.display()))
        })
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// How the ONNX Runtime backend spreads work over threads.
#[derive(Debug, Clone, Copy)]
pub struct OrtLayout {
    /// Sessions that run batches side by side.
    pub sessions: usize,
    /// Intra-op threads of each session.
    pub intra_threads: usize,
}

pub struct OrtBackend {
    sessions: Vec<Mutex<Session>>,
    next: AtomicUsize,
    inputs: Vec<String>,
    output: String,
    model_type: ModelType,
}

impl OrtBackend {
    pub fn load(
        model: &Path,
        lib: Option<&Path>,
        layout: OrtLayout,
        model_type: ModelType,
    ) -> Result<Self> {
        let lib = find_library(lib)?;
        let env = environment(&lib)?;
        let mut sessions = Vec::new();
        for _ in 0..layout.sessions.max(1) {
            let s = Session::builder(env)
                .map_err(|e| anyhow!("ONNX Runtime: {e}"))?
                .with_optimization_level(GraphOptimizationLevel::Level3)
                .map_err(|e| anyhow!("ONNX Runtime: {e}"))?
                .with_intra_threads(layout.intra_threads.max(1))
                .map_err(|e| anyhow!("ONNX Runtime: {e}"))?
                .with_inter_threads(1)
                .map_err(|e| anyhow!("ONNX Runtime: {e}"))?
                .with_intra_op_spinning(layout.intra_threads > 1)
                .map_err(|e| anyhow!("ONNX Runtime: {e}"))?
                .commit_from_file(model)
                .map_err(|e| anyhow!("{}: ONNX Runtime cannot load it: {e}", model.display()))?;
            sessions.push(s);
        }
        let first = &sessions[0];
        let inputs: Vec<String> = first
            .inputs()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        if !inputs.iter().any(|i| i == "input_ids") {
            bail!(
                "{}: the model has no `input_ids` input (it has {inputs:?}); export it with \
                 scripts/export_onnx.py",
                model.display()
            );
        }
        let output = first
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .with_context(|| format!("{}: the model has no outputs", model.display()))?;
        Ok(OrtBackend {
            sessions: sessions.into_iter().map(Mutex::new).collect(),
            next: AtomicUsize::new(0),
            inputs,
            output,
            model_type,
        })
    }

    /// Run a batch on a free session; returns the first output as
    /// (shape, data).
    fn run(&self, batch: &Batch) -> Result<(Vec<usize>, Vec<f32>)> {
        let (n, m) = (batch.len(), batch.max_length as usize);
        let (ids, types, mask) = batch.padded(0);
        let to_i64 = |v: Vec<u32>| -> Result<Array2<i64>> {
            Ok(Array2::from_shape_vec(
                (n, m),
                v.into_iter().map(i64::from).collect(),
            )?)
        };
        let mut feeds: Vec<(String, Tensor<i64>)> = Vec::new();
        for name in &self.inputs {
            let arr = match name.as_str() {
                "input_ids" => to_i64(ids.clone())?,
                "attention_mask" => to_i64(mask.clone())?,
                "token_type_ids" => to_i64(types.clone())?,
                other => bail!("the model wants an input `{other}` that stance does not know"),
            };
            feeds.push((name.clone(), Tensor::from_array(arr)?));
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let k = self.sessions.len();
        let mut guard = (0..k)
            .find_map(|o| self.sessions[(start + o) % k].try_lock().ok())
            .map_or_else(|| self.sessions[start % k].lock(), Ok)
            .map_err(|_| anyhow!("an ONNX Runtime session panicked earlier"))?;
        let outputs = guard
            .run(feeds)
            .map_err(|e| anyhow!("ONNX Runtime failed on a batch: {e}"))?;
        let (shape, data) = outputs[self.output.as_str()]
            .try_extract_tensor::<f32>()
            .map_err(|e| anyhow!("unexpected output `{}`: {e}", self.output))?;
        let shape: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
        Ok((shape, data.to_vec()))
    }
}

impl Backend for OrtBackend {
    fn model_type(&self) -> ModelType {
        self.model_type
    }

    fn owns_threads(&self) -> bool {
        true
    }

    fn predict(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (shape, data) = self.run(batch)?;
        if shape.len() != 2 || shape[0] != batch.len() {
            bail!(
                "the model's output `{}` has shape {shape:?}; a classifier gives [batch, labels]",
                self.output
            );
        }
        Ok(data.chunks(shape[1]).map(<[f32]>::to_vec).collect())
    }

    fn embed(&self, batch: &Batch) -> Result<Vec<Vec<f32>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let (shape, data) = self.run(batch)?;
        if shape.len() != 3 {
            bail!("the model's output `{}` has shape {shape:?}; an encoder gives [batch, sequence, hidden]", self.output);
        }
        let hidden = ndarray::Array3::from_shape_vec((shape[0], shape[1], shape[2]), data)?;
        let pool = match self.model_type {
            ModelType::Embedding(p) => p,
            ModelType::Classifier => Pool::Cls,
        };
        let mut out = Vec::with_capacity(batch.len());
        for (i, seq) in hidden.axis_iter(Axis(0)).enumerate() {
            let len =
                (batch.cumulative_seq_lengths[i + 1] - batch.cumulative_seq_lengths[i]) as usize;
            let v = match pool {
                Pool::Cls => seq.row(0).to_vec(),
                Pool::Mean => seq
                    .slice(ndarray::s![..len.max(1), ..])
                    .mean_axis(Axis(0))
                    .map(|a| a.to_vec())
                    .unwrap_or_default(),
            };
            out.push(v);
        }
        Ok(out)
    }
}
