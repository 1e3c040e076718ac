//! `stance train`: adapt a stance model to labelled sentences.
//!
//! ```text
//! stance train DATA --out DIR [--method auto|cross-head|top-layers|head|setfit]
//!              [--model DIR_OR_HUB_ID] [--target TEXT] [--hypothesis TEMPLATE]
//!              [--format csv|jsonl] [--split NAME] [--labels MAP]
//!              [--dev FILE [--dev-split NAME]] [--unlabelled FILE]
//!              [--gate auto|off|X] [--aside SHARE] [--layers K] [--epochs N]
//!              [--learning-rate X] [--weight-decay X] [--no-onnx] [--force]
//! ```
//!
//! DATA is CSV or JSON lines of `text,label[,target]` (labels favor,
//! against, none, or your own names with `--labels`). DIR becomes a model
//! folder that `stance run`, `eval` and `bench --model DIR` read, with a
//! `README.md` card of what was done and the scores. Methods
//! (docs/models.md compares them on one learning curve):
//!
//! With `--method auto` (the default) a cross-encoder or cascade, such as
//! the bundled model, gets `top-layers` from 200 labels and `cross-head`
//! below ([`TOP_LAYERS_FROM`]: the learning curve's finding), a bi-encoder
//! `head`.
//!
//! - `cross-head`: every (sentence, claim) pair goes once through the
//!   cross-encoder, and its final layer is refitted on the pooled pairs,
//!   starting from the shipped layer and held near it by a penalty chosen
//!   by 5-fold cross-validation ([`stance::score::adapt`]). A share of the
//!   labels (`--aside`, 20%) is held aside for the figures printed. DIR
//!   is the cross-encoder with the new layer (ONNX export included), and
//!   for a cascade its gate, copied in, so DIR works wherever it is moved.
//! - `top-layers`: the cross-encoder's top `--layers` layers (2), pooler
//!   and classifier are fine-tuned, the number of passes chosen by 5-fold
//!   cross-validation, and used only if they beat the shipped model with
//!   confidence (`train_tune.rs`, [`stance::score::tune`]). DIR is as for
//!   `cross-head`.
//! - `head` (the default for a bi-encoder): every sentence and target is
//!   embedded once with the base encoder (a cascade lends its gate's), and
//!   a linear head over `[u, v, |u−v|, u∗v]` is fitted to the labels. With
//!   `--dev`, a relevance gate (cosine below a threshold gives `none`) is
//!   kept only if it raises dev macro-F1.
//! - `setfit`: as `head`, after the encoder's top `--layers` layers (2)
//!   are tuned contrastively on the labels (`train_setfit.rs`).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;

use stance::eval::stance::{open_with, Dataset, Format, LabelNames, Metrics, STANCE_LABELS};
use stance::score::cascade::CascadeConfig;
use stance::score::folder::{self, FolderOptions};
use stance::score::head::{self, StanceHead, TrainOptions};
use stance::score::model::ModelConfig;
use stance::score::{ModelFiles, Scorer};

use super::args::{check_template, DataArgs, ModelArgs, ScaleArgs};

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled sentences: CSV or JSON lines of text,label[,target].
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// The model folder to write.
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub scale: ScaleArgs,
    #[command(flatten)]
    pub rows: DataArgs,
    /// Held-out labelled data to report on and to calibrate the gate with.
    #[arg(long, value_name = "FILE")]
    pub dev: Option<PathBuf>,
    /// Use only the rows of --dev whose `split` column has this value.
    #[arg(long, value_name = "NAME")]
    pub dev_split: Option<String>,
    /// Relevance gate: `auto` picks a cosine threshold on --dev (or none if
    /// none helps), `off` has none, a number sets it.
    #[arg(long, value_name = "auto|off|X", default_value = "auto")]
    pub gate: String,
    /// How to adapt: `cross-head` refits a cross-encoder's final layer on
    /// its own pair features (seconds); `top-layers` fine-tunes its top
    /// layers (minutes); `head` fits a head on a bi-encoder's embeddings;
    /// `setfit` tunes that encoder contrastively first. `auto`: for a
    /// cross-encoder such as the bundled model, `top-layers` from 200
    /// labels and `cross-head` below (the learning curve, docs/models.md);
    /// `head` for a bi-encoder.
    #[arg(long, value_enum, default_value = "auto")]
    pub method: Method,
    /// Unlabelled sentences of your own data (CSV with `text` and an
    /// optional `target` column: a run's `sentences.csv` will do), up to
    /// 1,000 of them: `cross-head` holds the refit to the model's present
    /// answers there, so labels picked where it is least sure
    /// (`--to-label`) do not change what it is sure of.
    #[arg(long, value_name = "FILE")]
    pub unlabelled: Option<PathBuf>,
    /// Share of the labels held aside to report the figures on
    /// (`cross-head`, `top-layers`, `setfit`): `cross-head` and `setfit`'s
    /// head fit them at the end; `top-layers` never trains on them.
    #[arg(long, value_name = "SHARE", default_value_t = 0.2, value_parser = aside_share)]
    pub aside: f64,
    /// `head`: full-batch optimisation steps (300); `top-layers`: passes
    /// over the labels at most (6); `setfit`: contrastive passes (4).
    #[arg(long, value_name = "N")]
    pub epochs: Option<usize>,
    /// `head`: 1e-2; `top-layers`, `setfit`: Adam's step size, 5e-5.
    #[arg(long, value_name = "X")]
    pub learning_rate: Option<f64>,
    /// `top-layers`, `setfit`: how many of the encoder's top layers to
    /// train (2); `top-layers` trains the pooler and classifier too.
    #[arg(long, value_name = "K")]
    pub layers: Option<usize>,
    #[arg(long, value_name = "X", default_value_t = 1e-3)]
    pub weight_decay: f64,
    /// Leave the base's ONNX exports out of DIR (smaller; the model then
    /// runs with candle only until it is exported again).
    #[arg(long)]
    pub no_onnx: bool,
    /// Replace DIR if it already holds files.
    #[arg(long)]
    pub force: bool,
}

/// `head`'s full-batch steps and step size unless given.
const HEAD_STEPS: usize = 300;
const HEAD_LEARNING_RATE: f64 = 1e-2;

/// From this many labels `--method auto` fine-tunes a cross-encoder's top
/// layers rather than refitting its final layer: on the learning curve
/// (docs/models.md) `top-layers` led from 200 labels and gained nothing
/// below, where one of its runs lost 12 points.
pub const TOP_LAYERS_FROM: usize = 200;

/// What `--method auto` does with a cross-encoder and `labels` labels.
fn auto_cross_method(labels: usize) -> Method {
    if labels >= TOP_LAYERS_FROM {
        Method::TopLayers
    } else {
        Method::CrossHead
    }
}

/// How `stance train` adapts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// For a cross-encoder or cascade, `top-layers` from 200 labels and
    /// `cross-head` below; `head` for a bi-encoder.
    Auto,
    /// Refit the cross-encoder's final layer on its pooled pair features.
    CrossHead,
    /// Fine-tune the cross-encoder's top layers, pooler and classifier.
    TopLayers,
    /// SetFit: tune a bi-encoder's top layers contrastively, then `head`.
    Setfit,
    /// A head on the embeddings of a bi-encoder (a cascade's gate).
    Head,
}

fn aside_share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..0.9).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{s}` is not a share from 0 to 0.9 (0.2 holds a fifth aside)"
        )),
    }
}

/// Embeddings of a dataset's sentences and hypotheses, and its labels.
struct Embedded {
    u: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    y: Vec<usize>,
}

/// Load stance data: SNLI is refused, and so is a file with no rows left.
fn read(
    path: &Path,
    format: Option<Format>,
    split: Option<&str>,
    names: &LabelNames,
) -> Result<Dataset> {
    if format.is_none() && Format::guess(path).is_none() {
        bail!(
            "{}: cannot tell the format from the name; pass --format csv or jsonl",
            path.display()
        );
    }
    if Format::resolve(format, path)? == Format::Snli {
        bail!(
            "{}: stance train needs stance labels (text,label[,target]), not SNLI",
            path.display()
        );
    }
    let data = open_with(path, format, split, names)?;
    if data.examples.is_empty() {
        bail!("{}: no labelled rows", path.display());
    }
    if data.duplicates > 0 {
        eprintln!(
            "stance: warning: {}: {} rows repeat an earlier row's text, target and label; \
             they count twice",
            path.display(),
            data.duplicates
        );
    }
    Ok(data)
}

/// A head needs at least two stances among its labels.
fn check_classes(path: &Path, data: &Dataset) -> Result<()> {
    let mut counts = [0usize; 3];
    for e in &data.examples {
        counts[e.label] += 1;
    }
    let present = counts.iter().filter(|&&c| c > 0).count();
    if present < 2 {
        let only = STANCE_LABELS[counts.iter().position(|&c| c > 0).unwrap_or(0)];
        bail!(
            "{}: every labelled row is `{only}`; label some sentences with at least one other \
             of favor, against and none",
            path.display()
        );
    }
    Ok(())
}

/// Embeddings of `data`'s sentences and hypotheses, by the encoder as
/// shipped or as `tuned`.
fn embed(
    scorer: &Scorer,
    data: &Dataset,
    rows: &DataArgs,
    tuned: Option<&super::train_setfit::Tuned>,
) -> Result<Embedded> {
    let hyps = rows.hypotheses(data)?;
    let texts: Vec<&str> = data.examples.iter().map(|e| e.text.as_str()).collect();
    let hyp_refs: Vec<&str> = hyps.iter().map(String::as_str).collect();
    let (u, v) = match tuned {
        Some(t) => (t.embed(scorer, &texts)?, t.embed(scorer, &hyp_refs)?),
        None => (
            scorer.embeddings(&texts)?.0,
            scorer.embeddings(&hyp_refs)?.0,
        ),
    };
    Ok(Embedded {
        u,
        v,
        y: data.examples.iter().map(|e| e.label).collect(),
    })
}

fn evaluate(h: &StanceHead, d: &Embedded) -> Metrics {
    let pred: Vec<usize> =
        d.u.iter()
            .zip(&d.v)
            .map(|(a, b)| h.probs(a, b).index())
            .collect();
    Metrics::compute(&STANCE_LABELS, &d.y, &pred)
}

/// The gate threshold with the best dev macro-F1, if it beats no gate.
fn calibrate(h: &StanceHead, dev: &Embedded) -> Option<f32> {
    let mut h = h.clone();
    h.config.relevance_threshold = None;
    let mut best = (evaluate(&h, dev).macro_f1, None);
    for step in 1..=12 {
        let t = step as f32 * 0.05;
        h.config.relevance_threshold = Some(t);
        let f = evaluate(&h, dev).macro_f1;
        if f > best.0 + 1e-9 {
            best = (f, Some(t));
        }
    }
    best.1
}

pub fn main(args: TrainArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let gate = match args.gate.as_str() {
        "auto" => None,
        "off" => Some(None),
        x => Some(Some(
            x.parse::<f32>()
                .ok()
                .filter(|t| (-1.0..=1.0).contains(t))
                .with_context(|| {
                    format!("--gate {x}: give auto, off, or a cosine threshold between -1 and 1")
                })?,
        )),
    };
    check_template(
        &args.rows.hypothesis,
        std::slice::from_ref(&args.rows.target),
    )?;
    let names = args.rows.label_names()?;
    let train = read(
        &args.data,
        args.rows.format,
        args.rows.split.as_deref(),
        &names,
    )?;
    check_classes(&args.data, &train)?;
    if train.dropped > 0 {
        eprintln!(
            "stance: {}: {} rows without a label left out",
            args.data.display(),
            train.dropped
        );
    }
    let dev = match &args.dev {
        Some(p) => Some(read(p, None, args.dev_split.as_deref(), &names)?),
        None => None,
    };
    prepare_out(&args.out, args.force)?;
    let opts = args
        .model
        .scorer_options(args.scale.threads, args.scale.batch_size)?;
    let files = ModelFiles::locate(&opts.model)?;
    let config = ModelConfig::read(&files.config)?;
    if config.model_type.as_deref() == Some("mpnet") {
        bail!(
            "{}: an MPNet model (such as the distillation teacher) runs with --model, but stance \
             train adapts BERT-family models only; fine-tune MPNet with \
             models/train/train_stance.py --base mpnet (models/train/README.md), or adapt the \
             default model",
            opts.model
        );
    }
    let cross = CascadeConfig::present(files.dir())
        || (!StanceHead::present(files.dir()) && config.is_classifier());
    let method = match args.method {
        Method::Auto if cross => {
            let n = train.examples.len();
            let method = auto_cross_method(n);
            let (name, why) = if method == Method::TopLayers {
                (
                    "top-layers",
                    "from 200 labels, where fine-tuning its top layers led; --method cross-head \
                     refits the final layer alone in seconds",
                )
            } else {
                (
                    "cross-head",
                    "below 200 labels, where fine-tuning its top layers gained nothing over \
                     refitting the final layer",
                )
            };
            eprintln!(
                "stance: {n} labels: --method {name} (the default for a cross-encoder {why}; \
                 docs/models.md, \"The learning curve\")"
            );
            method
        }
        m => m,
    };
    if args.layers.is_some() && !matches!(method, Method::TopLayers | Method::Setfit) {
        bail!(
            "--layers is for --method top-layers or setfit{}",
            if args.method == Method::Auto && cross {
                " (below 200 labels the default is cross-head: give --method top-layers)"
            } else {
                ""
            }
        );
    }
    if method == Method::Setfit && args.layers == Some(0) {
        bail!("--method setfit --layers 0 would tune nothing; give 1 or more (2 by default)");
    }
    if args.epochs == Some(0) {
        bail!("--epochs 0 would train nothing; give 1 or more");
    }
    match (method, cross) {
        (Method::CrossHead | Method::TopLayers, false) => bail!(
            "--method {}: {} is a bi-encoder with no cross-encoder to train; use --method head",
            if method == Method::CrossHead {
                "cross-head"
            } else {
                "top-layers"
            },
            opts.model
        ),
        (Method::TopLayers, true) => {
            return super::train_tune::main(
                &args,
                opts,
                &files,
                &train,
                dev.as_ref(),
                gate,
                started,
            )
        }
        (Method::CrossHead, true) => {
            return super::train_cross::main(
                &args,
                opts,
                &files,
                &train,
                dev.as_ref(),
                gate,
                started,
            )
        }
        _ => {}
    }
    let setfit = method == Method::Setfit;
    if args.unlabelled.is_some() {
        bail!(
            "--unlabelled holds a refitted cross-encoder layer (--method cross-head); --method \
             {} does not use it: leave it out",
            if setfit { "setfit" } else { "head" }
        );
    }
    let mut opts = opts;

    // --model names the encoder to build on; by default the bundled
    // model's (its head is ignored). A cascade's cross-encoder reads pairs,
    // not single texts, so a cascade lends its gate: the encoder whose
    // embeddings it already compares.
    let dir = Path::new(&opts.model);
    if CascadeConfig::present(dir) {
        let (_, gate) = CascadeConfig::load(dir)?;
        eprintln!(
            "stance: {} is a cascade; building on its gate encoder {}",
            opts.model,
            gate.display()
        );
        opts.model = gate.display().to_string();
    }
    if setfit {
        // The tuning runs on candle in fp32, the reference arithmetic.
        opts.backend = stance::score::options::BackendKind::Candle;
        opts.precision = stance::score::Precision::Fp32;
        opts.quantized = false;
    }
    let scorer = Scorer::load_embedder(&opts).with_context(|| args.model.load_context())?;
    let files = ModelFiles::locate(&opts.model)?;
    let topts = TrainOptions {
        epochs: if setfit {
            HEAD_STEPS
        } else {
            args.epochs.unwrap_or(HEAD_STEPS)
        },
        learning_rate: if setfit {
            HEAD_LEARNING_RATE
        } else {
            args.learning_rate.unwrap_or(HEAD_LEARNING_RATE)
        },
        weight_decay: args.weight_decay,
    };
    let (tuned, aside) = if setfit {
        let labels: Vec<usize> = train.examples.iter().map(|e| e.label).collect();
        let (aside, rest) = if args.aside > 0.0 {
            stance::score::adapt::hold_aside(&labels, args.aside, 7)
        } else {
            (Vec::new(), (0..labels.len()).collect())
        };
        let texts: Vec<&str> = rest
            .iter()
            .map(|&i| train.examples[i].text.as_str())
            .collect();
        let rest_labels: Vec<usize> = rest.iter().map(|&i| labels[i]).collect();
        let tuned = super::train_setfit::tune(&args, &scorer, &files, &texts, &rest_labels)?;
        // Held aside: a head fitted on the rest, on the encoder as shipped
        // and as tuned.
        let aside_m = if aside.is_empty() {
            None
        } else {
            let plain = embed(&scorer, &train, &args.rows, None)?;
            let mine = embed(&scorer, &train, &args.rows, Some(&tuned))?;
            let measure = |e: &Embedded| -> Result<Metrics> {
                let pick = |rows: &[usize]| Embedded {
                    u: rows.iter().map(|&i| e.u[i].clone()).collect(),
                    v: rows.iter().map(|&i| e.v[i].clone()).collect(),
                    y: rows.iter().map(|&i| e.y[i]).collect(),
                };
                let (fit, held) = (pick(&rest), pick(&aside));
                let h = head::train(&fit.u, &fit.v, &fit.y, &topts)?;
                Ok(evaluate(&h, &held))
            };
            Some((measure(&plain)?, measure(&mine)?))
        };
        (Some(tuned), aside_m)
    } else {
        (None, None)
    };
    eprintln!(
        "stance: embedding {} training rows{} with {}{}",
        train.examples.len(),
        dev.as_ref()
            .map(|d| format!(" and {} dev rows", d.examples.len()))
            .unwrap_or_default(),
        scorer.name(),
        if tuned.is_some() { " (tuned)" } else { "" }
    );
    let train_emb = embed(&scorer, &train, &args.rows, tuned.as_ref())?;
    let dev_emb = dev
        .as_ref()
        .map(|d| embed(&scorer, d, &args.rows, tuned.as_ref()))
        .transpose()?;

    let mut h = head::train(&train_emb.u, &train_emb.v, &train_emb.y, &topts)?;
    h.config.relevance_threshold = match (gate, &dev_emb) {
        (Some(t), _) => t,
        (None, Some(d)) => calibrate(&h, d),
        (None, None) => None,
    };
    let train_m = evaluate(&h, &train_emb);
    let dev_m = dev_emb.as_ref().map(|d| evaluate(&h, d));
    h.config.trained_on = Some(serde_json::json!({
        "data": args.data.display().to_string(),
        "split": args.rows.split,
        "rows": train.examples.len(),
        "base": opts.model,
        "hypothesis": args.rows.hypothesis,
        "epochs": topts.epochs,
        "learning_rate": topts.learning_rate,
        "method": if setfit { "setfit" } else { "head" },
        "setfit": tuned.as_ref().map(|t| serde_json::json!({
            "layers": t.layers,
            "passes": t.passes,
            "learning_rate": t.learning_rate,
            "batch": super::train_setfit::BATCH,
            "penalty": super::train_setfit::PENALTY,
            "contrastive_loss_by_pass": t.losses,
            "seconds": t.seconds,
            "aside_rows": aside.as_ref().map(|_| ((train.examples.len() as f64) * args.aside).round()),
            "aside_macro_f1_shipped_encoder": aside.as_ref().map(|a| a.0.macro_f1),
            "aside_macro_f1_tuned_encoder": aside.as_ref().map(|a| a.1.macro_f1),
        })),
        "weight_decay": args.weight_decay,
        "train_accuracy": train_m.accuracy,
        "dev": args.dev.as_ref().map(|p| p.display().to_string()),
        "dev_split": args.dev_split,
        "dev_accuracy": dev_m.as_ref().map(|m| m.accuracy),
        "dev_macro_f1": dev_m.as_ref().map(|m| m.macro_f1),
        "dev_f_avg": dev_m.as_ref().map(|m| m.f_avg),
    }));

    let card = card(
        &args.out,
        &files,
        &h,
        &train_m,
        dev_m.as_ref(),
        tuned.as_ref().map(|t| (t, aside.as_ref())),
    );
    let patches = match &tuned {
        Some(t) => t.patches()?,
        None => Vec::new(),
    };
    let written = folder::write_head_model(
        &args.out,
        &files,
        &h,
        &patches,
        &card,
        FolderOptions {
            copy_onnx: !args.no_onnx,
        },
    )?;
    if tuned.is_some() {
        super::train_setfit::done(&args.out);
    }
    for (f, why) in &written.onnx_left_out {
        eprintln!(
            "stance: not copying {f} ({why}); run scripts/export_onnx.py on {} for --backend ort",
            args.out.display()
        );
    }
    if let Some((plain, mine)) = &aside {
        eprintln!(
            "stance: held aside, a head on the shipped encoder: {}",
            one_line(plain)
        );
        eprintln!(
            "stance: held aside, a head on the tuned encoder:   {}",
            one_line(mine)
        );
    }
    eprintln!("stance: training fit: {}", one_line(&train_m));
    if let Some(m) = &dev_m {
        eprintln!("stance: dev: {}", one_line(m));
    }
    match h.config.relevance_threshold {
        Some(t) => eprintln!("stance: relevance gate at cosine {t:.2}"),
        None => eprintln!("stance: no relevance gate"),
    }
    eprintln!(
        "stance: wrote {} in {:.1} s; use it with `stance run --model {}`",
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

pub(super) fn one_line(m: &Metrics) -> String {
    format!(
        "accuracy {:.3}, macro-F1 {:.3}, F_avg {:.3} ({} rows)",
        m.accuracy, m.macro_f1, m.f_avg, m.n
    )
}

pub(super) fn prepare_out(out: &Path, force: bool) -> Result<()> {
    if out.is_file() {
        bail!("--out {}: this is a file; give a folder", out.display());
    }
    let busy = out.is_dir()
        && std::fs::read_dir(out)
            .with_context(|| format!("{}: cannot read", out.display()))?
            .next()
            .is_some();
    if busy && !force {
        bail!(
            "--out {} already holds files; pass --force to replace it",
            out.display()
        );
    }
    Ok(())
}

/// The README.md of a trained folder: what it is, what it was trained on,
/// and its scores.
fn card(
    out: &Path,
    base: &ModelFiles,
    h: &StanceHead,
    train: &Metrics,
    dev: Option<&Metrics>,
    setfit: Option<(&super::train_setfit::Tuned, Option<&(Metrics, Metrics)>)>,
) -> String {
    let name = out.file_name().map_or_else(
        || out.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let mut s = format!(
        "# {name}\n\nA stance model made by `stance train`: the encoder of `{}` and a linear \
         stance head over `[u, v, |u-v|, u*v]` of mean-pooled, unit-length embeddings.\n\n",
        base.name
    );
    if let Some((t, aside)) = setfit {
        s += &format!(
            "`--method setfit`: the encoder's top {} layers were first tuned contrastively \
             (SetFit: in batches of {} labelled sentences, every pair's cosine held to 1 for \
             the same label and 0 for different ones, plus {} times the squared distance to \
             the base's weights; {} passes of Adam at {}; contrastive loss by pass {:?}; {:.0} \
             s), on the labels not held aside; the head was then fitted on every label. The \
             safetensors header is the base's byte for byte, so an ONNX export that reads \
             `model.safetensors` runs the tuned layers.\n\n",
            t.layers,
            super::train_setfit::BATCH,
            super::train_setfit::PENALTY,
            t.passes,
            t.learning_rate,
            t.losses,
            t.seconds
        );
        if let Some((plain, mine)) = aside {
            s += &format!(
                "## Held aside (a head fitted without them)\n\nOn the base encoder:\n\n```\n{}\
                 ```\n\nOn the tuned encoder:\n\n```\n{}```\n\n",
                plain.render(),
                mine.render()
            );
        }
    }
    s += &format!(
        "Trained on: `{}`\n\n",
        h.config
            .trained_on
            .as_ref()
            .map(|v| v.to_string())
            .unwrap_or_default()
    );
    s += &format!("## Training fit\n\n```\n{}```\n\n", train.render());
    if let Some(d) = dev {
        s += &format!("## Dev\n\n```\n{}```\n\n", d.render());
    }
    s += &match h.config.relevance_threshold {
        Some(t) => {
            format!("Relevance gate: pairs with cosine similarity below {t:.2} are `none`.\n\n")
        }
        None => "No relevance gate.\n\n".to_string(),
    };
    s += "The encoder keeps its own licence; see the base model's card.\n";
    s
}
