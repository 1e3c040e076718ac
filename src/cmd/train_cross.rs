//! `stance train --method cross-head`: refit a cross-encoder's final layer
//! on the user's labels (the default for the bundled model). See
//! [`stance::score::adapt`] for the method and `train.rs` for the usage.

use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use stance::eval::stance::{Dataset, Metrics, STANCE_LABELS};
use stance::score::adapt::{self, Adapted, Examples, FitOptions, Layer};
use stance::score::cascade::CascadeConfig;
use stance::score::folder::{self, FolderOptions, GateParts};
use stance::score::model::{LabelMap, Weights};
use stance::score::options::{BackendKind, ScorerOptions};
use stance::score::{Mode, ModelFiles, Precision, Scorer};

use super::train::{one_line, TrainArgs};

/// Pairs per progress step.
const CHUNK: usize = 32;
/// Most unlabelled pairs read (a seeded sample of a larger file).
const MAX_UNLABELLED: usize = 1000;

/// Whether `path` is a CSV with a `margin` column, as `to-label.csv` has.
pub(super) fn picked_where_unsure(path: &Path) -> bool {
    csv::Reader::from_path(path)
        .ok()
        .and_then(|mut r| r.headers().ok().map(|h| h.iter().any(|c| c == "margin")))
        .unwrap_or(false)
}

/// The (text, hypothesis) pairs of `--unlabelled`: rows with a text, the
/// run's `skip` rows (an empty `stance` where the column exists) left out,
/// a seeded sample of at most [`MAX_UNLABELLED`].
pub(super) fn read_unlabelled(path: &Path, args: &TrainArgs) -> Result<Vec<(String, String)>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let headers = r
        .headers()
        .with_context(|| format!("{}: cannot read its header", path.display()))?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let text = col("text").with_context(|| {
        format!(
            "{}: --unlabelled needs a CSV with a `text` column (a run's sentences.csv has one)",
            path.display()
        )
    })?;
    let (target, stance) = (col("target"), col("stance"));
    let mut pairs = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.with_context(|| format!("{}, row {}", path.display(), i + 2))?;
        let t = rec.get(text).unwrap_or("").trim();
        if t.is_empty() || stance.is_some_and(|s| rec.get(s).unwrap_or("").is_empty()) {
            continue;
        }
        let claim = target
            .and_then(|c| rec.get(c))
            .filter(|c| !c.trim().is_empty())
            .unwrap_or(&args.rows.target);
        let hyp = stance::score::hypothesis(&args.rows.hypothesis, claim)
            .with_context(|| format!("{}, row {}: --hypothesis", path.display(), i + 2))?;
        pairs.push((t.to_string(), hyp));
    }
    if pairs.len() > MAX_UNLABELLED {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        pairs.shuffle(&mut rand::rngs::StdRng::seed_from_u64(11));
        pairs.truncate(MAX_UNLABELLED);
    }
    Ok(pairs)
}

/// A cross-encoder (or cascade) opened for training on its own arithmetic.
pub(super) struct Cross {
    pub scorer: Scorer,
    pub map: LabelMap,
    /// The gate's threshold, if pairs are gated.
    pub threshold: Option<f32>,
    pub weights: std::path::PathBuf,
    /// A cascade's gate: its settings and folder.
    pub cascade: Option<(CascadeConfig, std::path::PathBuf)>,
    /// The model as named (`--model`).
    pub model: String,
}

impl Cross {
    /// Load the model of `opts` with candle in fp32 (the reference
    /// arithmetic, whatever the backend the folder is later run with), and
    /// settle the gate: the shipped one, `--gate off`, or `--gate X`.
    pub fn open(
        args: &TrainArgs,
        opts: ScorerOptions,
        files: &ModelFiles,
        gate: Option<Option<f32>>,
        method: &str,
    ) -> Result<Self> {
        let opts = ScorerOptions {
            backend: BackendKind::Candle,
            precision: Precision::Fp32,
            quantized: false,
            ..opts
        };
        let scorer = Scorer::load(&opts).with_context(|| args.model.load_context())?;
        let (map, shipped_threshold) = match scorer.mode() {
            Mode::CrossEncoder(map) => (*map, None),
            Mode::Cascade {
                labels, threshold, ..
            } => (*labels, Some(*threshold)),
            _ => bail!(
                "--method {method}: {} has no cross-encoder to train; use --method head",
                opts.model
            ),
        };
        let threshold = match gate {
            None => shipped_threshold,
            Some(None) => None,
            Some(Some(t)) if shipped_threshold.is_some() => Some(t),
            Some(Some(_)) => bail!(
                "--gate: {} is a cross-encoder without a gate; leave --gate out (or use --method head)",
                opts.model
            ),
        };
        let Weights::Safetensors(weights) = &files.weights else {
            bail!(
                "{}: --method {method} needs the weights as model.safetensors",
                files.name
            );
        };
        let cascade = match scorer.mode() {
            Mode::Cascade { .. } => Some(CascadeConfig::load(files.dir())?),
            _ => None,
        };
        Ok(Cross {
            scorer,
            map,
            threshold,
            weights: weights.clone(),
            cascade,
            model: opts.model,
        })
    }

    /// The gate to copy into the folder written, at the threshold used.
    pub fn gate_parts(&self) -> Option<GateParts> {
        match (&self.cascade, self.threshold) {
            (Some((config, dir)), Some(t)) => {
                let mut config = config.clone();
                config.threshold = t;
                Some(GateParts {
                    dir: dir.clone(),
                    config,
                })
            }
            _ => None,
        }
    }
}

/// `out`'s sibling `.NAME` + `suffix`, where a run keeps what lets it
/// resume.
pub(super) fn beside(out: &Path, suffix: &str) -> Result<std::path::PathBuf> {
    let name = out
        .file_name()
        .with_context(|| format!("{}: a model folder needs a name", out.display()))?;
    let mut file_name = std::ffi::OsString::from(".");
    file_name.push(name);
    file_name.push(suffix);
    Ok(out.with_file_name(file_name))
}

/// The model's weight files (and a cascade's gate's) by path, size and
/// time of change: what a resumed run checks it still trains.
pub(super) fn weight_id(
    weights: &Path,
    cascade: Option<&(CascadeConfig, std::path::PathBuf)>,
) -> Result<String> {
    let gate = cascade
        .map(|(_, dir)| ModelFiles::from_dir(dir).map(|f| f.weights.path().to_path_buf()))
        .transpose()?;
    let mut id = Vec::new();
    for w in std::iter::once(weights).chain(gate.as_deref()) {
        let m = std::fs::metadata(w).with_context(|| format!("{}: cannot read", w.display()))?;
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let canon = std::fs::canonicalize(w).unwrap_or_else(|_| w.to_path_buf());
        id.push(format!("{}:{}:{modified}", canon.display(), m.len()));
    }
    Ok(id.join(" "))
}

/// A dataset as the cross-encoder sees it.
struct Featured {
    features: Vec<Vec<f32>>,
    labels: Vec<usize>,
    kept: Vec<bool>,
}

impl Featured {
    fn examples<'a>(&'a self, anchors: &'a [Vec<f32>]) -> Examples<'a> {
        Examples {
            features: &self.features,
            labels: &self.labels,
            kept: &self.kept,
            anchors,
        }
    }
}

/// Run every pair of `data` through the gate and the cross-encoder once,
/// with a bar that shows the rate and the time left.
fn featurize(
    scorer: &Scorer,
    store: &mut FeatureStore,
    data: &Dataset,
    hyps: &[String],
    threshold: Option<f32>,
    what: &str,
) -> Result<Featured> {
    let pairs: Vec<(&str, &str)> = data
        .examples
        .iter()
        .zip(hyps)
        .map(|(e, h)| (e.text.as_str(), h.as_str()))
        .collect();
    let (features, kept) = features_of(scorer, store, &pairs, threshold, what)?;
    Ok(Featured {
        features,
        labels: data.examples.iter().map(|e| e.label).collect(),
        kept,
    })
}

/// Features computed before, on disk beside the output folder
/// (`.DIR.stance-features`): a killed `stance train` goes on where it
/// stopped, and training again on more labels, or with the same
/// `--unlabelled` file, runs only the new pairs through the model. A
/// record is the pair's key (SHA-256 of sentence and hypothesis, 16
/// bytes), its gate cosine (NaN without a gate) and, for a pair the gate
/// keeps, its features; the first line names the model files, and a
/// store of other files is started afresh.
struct FeatureStore {
    path: std::path::PathBuf,
    known: std::collections::HashMap<[u8; 16], (f32, Vec<f32>)>,
    file: std::fs::File,
    hidden: usize,
}

pub(super) fn pair_key(text: &str, hyp: &str) -> [u8; 16] {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(text.as_bytes());
    h.update([0u8]);
    h.update(hyp.as_bytes());
    h.finalize()[..16].try_into().expect("16 bytes")
}

impl FeatureStore {
    /// Open (or start) the store for `out`, for the model whose weight
    /// files [`weight_id`] names.
    fn open(out: &Path, weights_id: &str, hidden: usize) -> Result<Self> {
        use std::io::{BufRead, Read, Write};
        let path = beside(out, ".stance-features")?;
        let id = format!("stance-features/1 {weights_id}");
        let mut known = std::collections::HashMap::new();
        let mut fresh = true;
        if let Ok(f) = std::fs::File::open(&path) {
            let mut r = std::io::BufReader::new(f);
            let mut first = String::new();
            r.read_line(&mut first).ok();
            if first.trim_end() == id {
                fresh = false;
                let mut rec = vec![0u8; 16 + 4 + 4];
                // A record cut short by a kill is dropped.
                while r.read_exact(&mut rec).is_ok() {
                    let key: [u8; 16] = rec[..16].try_into()?;
                    let cos = f32::from_le_bytes(rec[16..20].try_into()?);
                    let n = u32::from_le_bytes(rec[20..24].try_into()?) as usize;
                    if n != 0 && n != hidden {
                        break;
                    }
                    let mut buf = vec![0u8; 4 * n];
                    if r.read_exact(&mut buf).is_err() {
                        break;
                    }
                    let x = buf
                        .chunks_exact(4)
                        .map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes")))
                        .collect();
                    known.insert(key, (cos, x));
                }
            }
        }
        let file = if fresh {
            let mut f = std::fs::File::create(&path)
                .with_context(|| format!("{}: cannot write", path.display()))?;
            writeln!(f, "{id}")?;
            f
        } else {
            std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .with_context(|| format!("{}: cannot write", path.display()))?
        };
        Ok(FeatureStore {
            path,
            known,
            file,
            hidden,
        })
    }

    fn add(&mut self, key: [u8; 16], cos: f32, x: Vec<f32>) -> Result<()> {
        use std::io::Write;
        let mut rec = Vec::with_capacity(24 + 4 * x.len());
        rec.extend_from_slice(&key);
        rec.extend_from_slice(&cos.to_le_bytes());
        rec.extend_from_slice(&(x.len() as u32).to_le_bytes());
        x.iter()
            .for_each(|v| rec.extend_from_slice(&v.to_le_bytes()));
        self.file
            .write_all(&rec)
            .with_context(|| format!("{}: cannot write", self.path.display()))?;
        self.known.insert(key, (cos, x));
        Ok(())
    }
}

/// The pooled features of `pairs` (empty for a pair the gate rules off
/// topic: it is `none` whatever the layer says) and whether the gate keeps
/// each, from the store where known.
fn features_of(
    scorer: &Scorer,
    store: &mut FeatureStore,
    pairs: &[(&str, &str)],
    threshold: Option<f32>,
    what: &str,
) -> Result<(Vec<Vec<f32>>, Vec<bool>)> {
    let keys: Vec<[u8; 16]> = pairs.iter().map(|(t, h)| pair_key(t, h)).collect();
    let mut seen = std::collections::HashSet::new();
    let todo: Vec<usize> = (0..pairs.len())
        .filter(|&i| !store.known.contains_key(&keys[i]) && seen.insert(keys[i]))
        .collect();
    let todo_pairs: Vec<(&str, &str)> = todo.iter().map(|&i| pairs[i]).collect();
    let cos: Vec<f32> = match scorer.gate_cosines(&todo_pairs)? {
        Some((c, _)) => c,
        None => vec![f32::NAN; todo.len()],
    };
    let keeps = |c: f32| threshold.is_none_or(|t| c.is_nan() || c >= t);
    // Gated pairs are stored without features; the rest go through the
    // cross-encoder.
    let mut run = Vec::new();
    for (j, &c) in cos.iter().enumerate() {
        if keeps(c) {
            run.push(j);
        } else {
            store.add(keys[todo[j]], c, Vec::new())?;
        }
    }
    if todo.len() < pairs.len() {
        eprintln!(
            "stance: {what}: {} of {} pairs known from {}",
            pairs.len() - todo.len(),
            pairs.len(),
            store.path.display()
        );
    }
    let bar = ProgressBar::new(run.len() as u64).with_style(
        ProgressStyle::with_template(
            "stance: {msg} {bar:30} {pos}/{len} pairs, {per_sec}, {eta} left",
        )
        .expect("a valid template"),
    );
    bar.set_message(what.to_string());
    let t0 = Instant::now();
    for (n, chunk) in run.chunks(CHUNK).enumerate() {
        let chunk_pairs: Vec<(&str, &str)> = chunk.iter().map(|&j| todo_pairs[j]).collect();
        for (&j, x) in chunk.iter().zip(scorer.pair_features(&chunk_pairs)?) {
            store.add(keys[todo[j]], cos[j], x)?;
        }
        bar.inc(chunk.len() as u64);
        if n == 0 && run.len() > 4 * CHUNK {
            let each = t0.elapsed().as_secs_f64() / chunk.len() as f64;
            bar.suspend(|| {
                eprintln!(
                    "stance: {what}: {} pairs through the cross-encoder, about {:.0} s",
                    run.len(),
                    each * run.len() as f64
                )
            });
        }
    }
    bar.finish_and_clear();
    let mut features = Vec::with_capacity(pairs.len());
    let mut kept = Vec::with_capacity(pairs.len());
    for k in &keys {
        let (c, x) = &store.known[k];
        kept.push(keeps(*c));
        features.push(if keeps(*c) { x.clone() } else { Vec::new() });
    }
    debug_assert!(features
        .iter()
        .all(|x| x.is_empty() || x.len() == store.hidden));
    Ok((features, kept))
}

/// Metrics of `layer` (all of the checkpoint's labels) on `f`, gated pairs
/// `none`, as the folder will score them.
fn metrics(f: &Featured, layer: &Layer, map: &LabelMap) -> Metrics {
    let all: Vec<usize> = (0..f.labels.len()).collect();
    let pred = adapt::predict(&f.examples(&[]), &all, &layer.stance_rows(map));
    Metrics::compute(&STANCE_LABELS, &f.labels, &pred)
}

pub fn main(
    args: &TrainArgs,
    opts: ScorerOptions,
    files: &ModelFiles,
    train: &Dataset,
    dev: Option<&Dataset>,
    gate: Option<Option<f32>>,
    started: Instant,
) -> Result<()> {
    let cross = Cross::open(args, opts, files, gate, "cross-head")?;
    let (scorer, map, threshold, weights, cascade) = (
        &cross.scorer,
        cross.map,
        cross.threshold,
        &cross.weights,
        cross.cascade.as_ref(),
    );
    let shipped = Layer::read(weights)?;
    eprintln!(
        "stance: refitting the final layer of {} on {} labels{}",
        scorer.name(),
        train.examples.len(),
        dev.map(|d| format!(" (and reading {} dev rows)", d.examples.len()))
            .unwrap_or_default()
    );
    let mut store = FeatureStore::open(&args.out, &weight_id(weights, cascade)?, shipped.hidden)?;
    let train_hyps = args.rows.hypotheses(train)?;
    let fitted = featurize(
        scorer,
        &mut store,
        train,
        &train_hyps,
        threshold,
        "training pairs",
    )?;
    let dev_f = dev
        .map(|d| {
            let hyps = args.rows.hypotheses(d)?;
            featurize(scorer, &mut store, d, &hyps, threshold, "dev pairs")
        })
        .transpose()?;
    if args.unlabelled.is_none() && picked_where_unsure(&args.data) {
        eprintln!(
            "stance: note: {} looks like a run's to-label.csv (it has a `margin` column): \
             those sentences were picked where the model is least sure, and a refit on them \
             alone can change what it is sure of. Pass --unlabelled OUT/sentences.csv of that \
             run to hold it there (docs/models.md, \"The learning curve\")",
            args.data.display()
        );
    }
    let anchors: Vec<Vec<f32>> = match &args.unlabelled {
        Some(p) => {
            // A labelled pair is fitted to its label, not held to the
            // model's present answer.
            let labelled: std::collections::HashSet<(&str, &str)> = train
                .examples
                .iter()
                .zip(&train_hyps)
                .map(|(e, h)| (e.text.as_str(), h.as_str()))
                .collect();
            let pairs: Vec<(String, String)> = read_unlabelled(p, args)?
                .into_iter()
                .filter(|(t, h)| !labelled.contains(&(t.as_str(), h.as_str())))
                .collect();
            let refs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(t, h)| (t.as_str(), h.as_str()))
                .collect();
            let (features, kept) =
                features_of(scorer, &mut store, &refs, threshold, "unlabelled pairs")?;
            let on_topic: Vec<Vec<f32>> = features
                .into_iter()
                .zip(kept)
                .filter_map(|(f, k)| k.then_some(f))
                .collect();
            eprintln!(
                "stance: {}: {} unlabelled pairs, {} of them on topic, hold the refit to the model's answers",
                p.display(),
                pairs.len(),
                on_topic.len()
            );
            on_topic
        }
        None => Vec::new(),
    };
    let fit = FitOptions::default();
    let adapted = adapt::adapt(&fitted.examples(&anchors), &shipped, &map, args.aside, &fit)?;

    let dev_m = dev_f
        .as_ref()
        .map(|d| (metrics(d, &shipped, &map), metrics(d, &adapted.layer, &map)));
    let train_m = metrics(&fitted, &adapted.layer, &map);
    let gate_parts = cross.gate_parts();
    let card = card(
        args,
        files,
        train,
        &adapted,
        &train_m,
        dev_m.as_ref(),
        threshold,
    );
    let trained = serde_json::to_string_pretty(&provenance(
        args,
        &cross.model,
        train,
        &adapted,
        dev_m.as_ref(),
        threshold,
    ))? + "\n";
    let written = folder::write_cross_model(
        &args.out,
        files,
        &adapted.layer.patches(),
        gate_parts,
        &[("README.md", card), (TRAINED_FILE, trained)],
        FolderOptions {
            copy_onnx: !args.no_onnx,
        },
    )?;
    for (f, why) in &written.onnx_left_out {
        eprintln!("stance: not copying {f} ({why}); the folder runs with candle only");
    }
    report(&adapted, dev_m.as_ref());
    eprintln!(
        "stance: wrote {} in {:.1} s; use it with `stance run --model {}`",
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// Provenance a script can read: what was done, on what, with what result.
pub const TRAINED_FILE: &str = "trained.json";

fn provenance(
    args: &TrainArgs,
    base: &str,
    train: &Dataset,
    a: &Adapted,
    dev: Option<&(Metrics, Metrics)>,
    threshold: Option<f32>,
) -> serde_json::Value {
    let f1 = |m: &Option<Metrics>| m.as_ref().map(|m| m.macro_f1);
    serde_json::json!({
        "method": "cross-head",
        "data": args.data.display().to_string(),
        "split": args.rows.split,
        "rows": train.examples.len(),
        "base": base,
        "hypothesis": args.rows.hypothesis,
        "gate_threshold": threshold,
        "aside_rows": a.aside.len(),
        "unlabelled": args.unlabelled.as_ref().map(|p| p.display().to_string()),
        "penalty": a.penalty,
        "refit_beats_shipped_in": a.choice.wins,
        "cross_validated": a.choice.tried.iter().map(|t| serde_json::json!({
            "penalty": t.penalty, "macro_f1": t.macro_f1,
        })).collect::<Vec<_>>(),
        "aside_macro_f1_before": f1(&a.aside_before),
        "aside_macro_f1_after": f1(&a.aside_after),
        "dev": args.dev.as_ref().map(|p| p.display().to_string()),
        "dev_split": args.dev_split,
        "dev_macro_f1_before": dev.map(|d| d.0.macro_f1),
        "dev_macro_f1_after": dev.map(|d| d.1.macro_f1),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "version": env!("CARGO_PKG_VERSION"),
    })
}

fn report(a: &Adapted, dev: Option<&(Metrics, Metrics)>) {
    match (&a.aside_before, &a.aside_after) {
        (Some(b), Some(f)) => eprintln!(
            "stance: {} labels held aside: macro-F1 {:.3} with the shipped layer, {:.3} refitted",
            a.aside.len(),
            b.macro_f1,
            f.macro_f1
        ),
        _ => eprintln!("stance: too few labels to hold any aside"),
    }
    match a.penalty {
        Some(p) => eprintln!(
            "stance: penalty {p} chosen by cross-validation: macro-F1 {:.3}, shipped layer {:.3}, \
             better in {:.0}% of bootstrap resamples",
            a.choice.best_refit,
            shipped_cv(a),
            100.0 * a.choice.wins
        ),
        None => eprintln!(
            "stance: the best refit (cross-validated macro-F1 {:.3}, shipped layer {:.3}) beat the \
             shipped layer in only {:.0}% of bootstrap resamples (it must in {:.0}%); the folder \
             keeps the shipped layer. Label more sentences, or check that the labels mean what \
             the model's favor, against and none mean",
            a.choice.best_refit,
            shipped_cv(a),
            100.0 * a.choice.wins,
            100.0 * adapt::CONFIDENCE
        ),
    }
    if let Some((b, f)) = dev {
        eprintln!("stance: dev, shipped layer: {}", one_line(b));
        eprintln!("stance: dev, refitted:      {}", one_line(f));
    }
}

fn shipped_cv(a: &Adapted) -> f64 {
    a.choice
        .tried
        .iter()
        .find(|t| t.penalty.is_none())
        .map_or(f64::NAN, |t| t.macro_f1)
}

fn card(
    args: &TrainArgs,
    base: &ModelFiles,
    train: &Dataset,
    a: &Adapted,
    train_m: &Metrics,
    dev: Option<&(Metrics, Metrics)>,
    threshold: Option<f32>,
) -> String {
    let name = args.out.file_name().map_or_else(
        || args.out.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let mut s = format!(
        "# {name}\n\nA stance model made by `stance train --method cross-head`: the \
         cross-encoder of `{}` with its final layer refitted on {} labelled rows of `{}`. \
         Every other weight is the base's, byte for byte; the ONNX export (if present) reads \
         the new layer from `model.safetensors`.\n\n",
        base.name,
        train.examples.len(),
        args.data.display()
    );
    s += &format!(
        "Command: `{}`\n\n",
        std::env::args().collect::<Vec<_>>().join(" ")
    );
    s += &format!(
        "## Method\n\nMultinomial logistic regression on the cross-encoder's pooled pair \
         features, started from the base's layer and penalised by its squared distance to it \
         (the guard against forgetting). The penalty was chosen by 5-fold cross-validation \
         (macro-F1 of the out-of-fold predictions) on the labels not held aside; a refit is used \
         only if it beats the shipped layer in at least {:.0}% of bootstrap resamples of those \
         predictions (here {:.0}%: {}). The final layer is fitted on every label.\n\n\
         | penalty | cross-validated macro-F1 |\n| --- | --- |\n",
        100.0 * adapt::CONFIDENCE,
        100.0 * a.choice.wins,
        match a.penalty {
            Some(p) => format!("penalty {p}"),
            None => "the shipped layer is kept".to_string(),
        }
    );
    for t in &a.choice.tried {
        s += &format!(
            "| {} | {:.3} |\n",
            t.penalty
                .map_or_else(|| "shipped layer".to_string(), |p| p.to_string()),
            t.macro_f1
        );
    }
    s += "\n";
    if let (Some(b), Some(f)) = (&a.aside_before, &a.aside_after) {
        s += &format!(
            "## Held aside ({} rows, fitted without them)\n\nShipped layer:\n\n```\n{}```\n\n\
             Refitted:\n\n```\n{}```\n\n",
            a.aside.len(),
            b.render(),
            f.render()
        );
    }
    if let Some((b, f)) = dev {
        s += &format!(
            "## Dev (`{}`)\n\nShipped layer:\n\n```\n{}```\n\nRefitted:\n\n```\n{}```\n\n",
            args.dev
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string()),
            b.render(),
            f.render()
        );
    }
    s += &format!("## Training fit\n\n```\n{}```\n\n", train_m.render());
    s += &match threshold {
        Some(t) => format!(
            "Relevance gate: the base's, in `{}/` (pairs with cosine below {t:.2} are `none` \
             without the cross-encoder).\n\n",
            folder::GATE_DIR
        ),
        None => "No relevance gate.\n\n".to_string(),
    };
    s += "The weights keep the base model's licence (`LICENSE`, `NOTICE`).\n";
    s
}
