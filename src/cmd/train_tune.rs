//! `stance train --method top-layers`: fine-tune a cross-encoder's top
//! layers, pooler and classifier on the user's labels. See
//! [`stance::score::tune`] for the model and `train.rs` for the usage.
//!
//! Each pair goes through the gate and the frozen lower layers once. A
//! share of the labels (`--aside`) is held aside and never trained on:
//! the figures printed are theirs. On the rest, [`FOLDS`]-fold
//! cross-validation trains from the shipped weights for up to `--epochs`
//! passes and records the out-of-fold predictions after each pass; the
//! pass count with the best out-of-fold macro-F1 is used only if it beats
//! the shipped model in [`adapt::CONFIDENCE`] of bootstrap resamples
//! (else the folder keeps the shipped weights, byte for byte), and the
//! final model is then trained on all of the rest for that many passes.
//! After every pass the trained tensors, the optimiser's state and the
//! out-of-fold predictions are written atomically to `.DIR.stance-tune/`
//! beside the folder, so a killed run goes on from its last pass with the
//! same command, to the same weights.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use candle_core::{Device, Tensor};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::SeedableRng;

use stance::eval::stance::{Dataset, Metrics, STANCE_LABELS};
use stance::score::adapt;
use stance::score::bert::Config as BertConfig;
use stance::score::folder::{self, FolderOptions, Patch};
use stance::score::model::LabelMap;
use stance::score::options::ScorerOptions;
use stance::score::tune::{Adam, Padded, Top};
use stance::score::{ModelFiles, Scorer};

use super::train::{one_line, TrainArgs};
use super::train_cross::{
    beside, pair_key, picked_where_unsure, read_unlabelled, weight_id, Cross, TRAINED_FILE,
};

/// Layers fine-tuned unless `--layers` says otherwise.
pub const LAYERS: usize = 2;
/// Passes over the labels at most, unless `--epochs` says otherwise.
pub const EPOCHS: usize = 6;
/// Folds of the cross-validation that chooses the number of passes.
pub const FOLDS: usize = 5;
/// Adam's step size unless `--learning-rate` says otherwise.
pub const LEARNING_RATE: f64 = 5e-5;
/// Pairs per optimiser step.
const BATCH: usize = 16;
/// Penalty on the squared distance of the trained tensors to the shipped
/// ones.
pub const PENALTY: f64 = 1e-3;
/// Seed of the hold-aside split and the shuffles.
const SEED: u64 = 7;
/// Pairs per progress step of the frozen pass.
const CHUNK: usize = 32;

/// What a run keeps in `.DIR.stance-tune/state.json`, beside the
/// trained tensors and optimiser state of its last pass
/// (`last.safetensors`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RunState {
    /// What the run trains on and how; a different one starts afresh.
    fingerprint: String,
    /// Folds `0..k` are the cross-validation; `k` is the final fit.
    stage: usize,
    /// Passes done in this stage.
    passes_done: usize,
    adam_steps: usize,
    /// Out-of-fold predictions after each pass: `oof[pass - 1][row]`.
    oof: Vec<Vec<usize>>,
    /// Mean loss per stage and pass.
    losses: Vec<Vec<f64>>,
    /// Set once the cross-validation is done.
    chosen: Option<Choice>,
    /// Training time so far, over every resumed run.
    seconds: f64,
}

impl RunState {
    fn where_(&self) -> String {
        match &self.chosen {
            None => format!(
                "fold {}, pass {} of the cross-validation",
                self.stage + 1,
                self.passes_done
            ),
            Some(c) => format!("pass {} of {} of the final fit", self.passes_done, c.passes),
        }
    }
}

/// What the cross-validation chose.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Choice {
    /// Passes of the final fit; 0 keeps the shipped weights.
    passes: usize,
    /// Out-of-fold macro-F1 after each pass, and of the shipped model.
    cv_macro_f1: Vec<f64>,
    shipped_cv_macro_f1: f64,
    best_cv_macro_f1: f64,
    /// Share of bootstrap resamples of the out-of-fold predictions in
    /// which the best pass beat the shipped model.
    wins: f64,
}

fn save_state(path: &Path, run: &RunState) -> Result<()> {
    stance::atomic::write_file(path, (serde_json::to_string(run)? + "\n").as_bytes())
}

/// The frozen states of pairs, with the gate's ruling: `None` for a pair
/// the gate rules off topic (it is `none` whatever the model says).
fn states_of(
    scorer: &Scorer,
    pairs: &[(&str, &str)],
    threshold: Option<f32>,
    layers: usize,
    what: &str,
) -> Result<Vec<Option<Vec<f32>>>> {
    let cos: Vec<f32> = match scorer.gate_cosines(pairs)? {
        Some((c, _)) => c,
        None => vec![f32::NAN; pairs.len()],
    };
    let keep: Vec<bool> = cos
        .iter()
        .map(|&c| threshold.is_none_or(|t| c.is_nan() || c >= t))
        .collect();
    let run: Vec<usize> = (0..pairs.len()).filter(|&i| keep[i]).collect();
    let bar = ProgressBar::new(run.len() as u64).with_style(
        ProgressStyle::with_template(
            "stance: {msg} {bar:30} {pos}/{len} pairs, {per_sec}, {eta} left",
        )
        .expect("a valid template"),
    );
    bar.set_message(what.to_string());
    let mut out: Vec<Option<Vec<f32>>> = vec![None; pairs.len()];
    for chunk in run.chunks(CHUNK) {
        let chunk_pairs: Vec<(&str, &str)> = chunk.iter().map(|&i| pairs[i]).collect();
        for (&i, s) in chunk.iter().zip(scorer.pair_states(&chunk_pairs, layers)?) {
            out[i] = Some(s);
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(out)
}

/// Predictions of `top` on `rows` (gated pairs `none`).
fn predict(
    top: &Top,
    states: &[Option<Vec<f32>>],
    rows: &[usize],
    hidden: usize,
    map: &LabelMap,
) -> Result<Vec<usize>> {
    let kept: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| states[i].is_some())
        .collect();
    let refs: Vec<&[f32]> = kept
        .iter()
        .map(|&i| states[i].as_deref().expect("kept"))
        .collect();
    let mut by_row: HashMap<usize, usize> = kept
        .into_iter()
        .zip(top.predict(&refs, hidden, map)?)
        .collect();
    Ok(rows.iter().map(|i| by_row.remove(i).unwrap_or(2)).collect())
}

fn f1(gold: &[usize], pred: &[usize]) -> f64 {
    Metrics::compute(&STANCE_LABELS, gold, pred).macro_f1
}

/// Save a [`Top::state`] whole or not at all (a temporary file beside it,
/// then a rename).
pub(super) fn save(path: &Path, tensors: &HashMap<String, Tensor>) -> Result<()> {
    let tmp = path.with_extension("safetensors.tmp");
    candle_core::safetensors::save(tensors, &tmp)
        .with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("{}: cannot write", path.display()))
}

pub(super) fn load(path: &Path) -> Result<HashMap<String, Tensor>> {
    candle_core::safetensors::load(path, &Device::Cpu)
        .with_context(|| format!("{}: cannot read the checkpoint", path.display()))
}

/// Batches of `rows` for one pass: a seeded shuffle, then rows of similar
/// length put together within runs of eight batches (less padding, the
/// order still random).
fn batches(rows: &[usize], states: &[Option<Vec<f32>>], seed: u64) -> Vec<Vec<usize>> {
    let mut rows = rows.to_vec();
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
    let len = |i: &usize| states[*i].as_ref().map_or(0, Vec::len);
    let mut out = Vec::new();
    for run in rows.chunks(8 * BATCH) {
        let mut run = run.to_vec();
        run.sort_by_key(len);
        out.extend(run.chunks(BATCH).map(<[usize]>::to_vec));
    }
    out.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed ^ 0xba7c4));
    out
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
    let cross = Cross::open(args, opts, files, gate, "top-layers")?;
    let (scorer, map, threshold) = (&cross.scorer, cross.map, cross.threshold);
    let layers = args.layers.unwrap_or(LAYERS);
    let epochs = args.epochs.unwrap_or(EPOCHS);
    let lr = args.learning_rate.unwrap_or(LEARNING_RATE);
    let config: BertConfig = serde_json::from_str(
        &std::fs::read_to_string(&files.config)
            .with_context(|| format!("{}: cannot read", files.config.display()))?,
    )
    .with_context(|| format!("{}: not a BERT config", files.config.display()))?;
    let hidden = config.hidden_size;
    let model_type = stance::score::model::ModelConfig::read(&files.config)?.model_type;
    let tensors = candle_core::safetensors::load(&cross.weights, &Device::Cpu)
        .with_context(|| format!("{}: cannot read the weights", cross.weights.display()))?;
    let top = Top::new(&tensors, &config, model_type.as_deref(), layers)
        .with_context(|| format!("--method top-layers --layers {layers}: {}", files.name))?;
    let shipped = Top::new(&tensors, &config, model_type.as_deref(), layers)?;
    drop(tensors);
    let frozen = top.frozen_layers();
    eprintln!(
        "stance: fine-tuning the top {layers} of {} layers of {} on {} labels{}",
        config.num_hidden_layers,
        scorer.name(),
        train.examples.len(),
        dev.map(|d| format!(" (and reading {} dev rows)", d.examples.len()))
            .unwrap_or_default()
    );

    let hyps = args.rows.hypotheses(train)?;
    let pairs: Vec<(&str, &str)> = train
        .examples
        .iter()
        .zip(&hyps)
        .map(|(e, h)| (e.text.as_str(), h.as_str()))
        .collect();
    let labels: Vec<usize> = train.examples.iter().map(|e| e.label).collect();
    let states = states_of(scorer, &pairs, threshold, frozen, "training pairs")?;

    if args.unlabelled.is_none() && picked_where_unsure(&args.data) {
        eprintln!(
            "stance: note: {} looks like a run's to-label.csv (it has a `margin` column): pass \
             --unlabelled OUT/sentences.csv of that run to hold the model's answers on the rest \
             (docs/models.md, \"The learning curve\")",
            args.data.display()
        );
    }
    let anchor_pairs: Vec<(String, String)> = match &args.unlabelled {
        Some(p) => {
            let labelled: std::collections::HashSet<(&str, &str)> = pairs.iter().copied().collect();
            read_unlabelled(p, args)?
                .into_iter()
                .filter(|(t, h)| !labelled.contains(&(t.as_str(), h.as_str())))
                .collect()
        }
        None => Vec::new(),
    };
    let anchor_refs: Vec<(&str, &str)> = anchor_pairs
        .iter()
        .map(|(t, h)| (t.as_str(), h.as_str()))
        .collect();
    let anchors: Vec<Vec<f32>> =
        states_of(scorer, &anchor_refs, threshold, frozen, "unlabelled pairs")?
            .into_iter()
            .flatten()
            .collect();
    if let Some(p) = &args.unlabelled {
        eprintln!(
            "stance: {}: {} unlabelled pairs, {} of them on topic, hold the model's answers",
            p.display(),
            anchor_pairs.len(),
            anchors.len()
        );
    }
    // The shipped model's probabilities on the anchors, in batches.
    let anchor_targets: Vec<(Padded, Tensor)> = anchors
        .chunks(BATCH)
        .map(|c| {
            let refs: Vec<&[f32]> = c.iter().map(Vec::as_slice).collect();
            let b = Padded::new(&refs, hidden)?;
            let t = shipped.probs(&b)?;
            Ok((b, t))
        })
        .collect::<Result<_>>()?;

    let (aside, rest) = if args.aside > 0.0 {
        adapt::hold_aside(&labels, args.aside, SEED)
    } else {
        (Vec::new(), (0..labels.len()).collect())
    };
    let kept = |rows: &[usize]| -> Vec<usize> {
        rows.iter()
            .copied()
            .filter(|&i| states[i].is_some())
            .collect()
    };
    let all_rows = kept(&rest);
    if all_rows.is_empty() {
        bail!(
            "{}: the gate rules every labelled sentence off topic for its claim; check the \
             `target` column or --target, or pass --gate off",
            args.data.display()
        );
    }
    let folds = adapt::folds(&labels, &rest, FOLDS, SEED);
    let checkpoint_label = |s: usize| [map.favor, map.against, map.none][s] as u32;
    let gold = |rows: &[usize]| -> Vec<usize> { rows.iter().map(|&i| labels[i]).collect() };

    // What the run is: a checkpoint of another is not resumed.
    let fingerprint = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(weight_id(&cross.weights, cross.cascade.as_ref())?);
        h.update(format!(
            "|{layers}|{epochs}|{lr}|{BATCH}|{PENALTY}|{SEED}|{FOLDS}|{}|{threshold:?}|",
            args.aside
        ));
        for ((t, hy), l) in pairs.iter().zip(&labels) {
            h.update(pair_key(t, hy));
            h.update([*l as u8]);
        }
        for (t, hy) in &anchor_refs {
            h.update(pair_key(t, hy));
        }
        format!("{:x}", h.finalize())
    };
    let ckpt_dir = beside(&args.out, ".stance-tune")?;
    std::fs::create_dir_all(&ckpt_dir)
        .with_context(|| format!("{}: cannot create", ckpt_dir.display()))?;
    let (state_json, last_ckpt) = (
        ckpt_dir.join("state.json"),
        ckpt_dir.join("last.safetensors"),
    );
    let mut adam = Adam::new(top.vars(), lr)?;
    let fresh_adam = |adam: &mut Adam| -> Result<()> {
        *adam = Adam::new(top.vars(), lr)?;
        Ok(())
    };
    let resumed: Option<RunState> = std::fs::read_to_string(&state_json)
        .ok()
        .and_then(|s| serde_json::from_str::<RunState>(&s).ok())
        .filter(|s| s.fingerprint == fingerprint && (s.passes_done == 0 || last_ckpt.is_file()));
    let mut run = match resumed {
        Some(s) => {
            if s.passes_done > 0 {
                top.restore(&load(&last_ckpt)?, Some(&mut adam))?;
                adam.t = s.adam_steps;
            }
            eprintln!(
                "stance: resuming from {}: {}",
                ckpt_dir.display(),
                s.where_()
            );
            s
        }
        None => RunState {
            fingerprint,
            stage: 0,
            passes_done: 0,
            adam_steps: 0,
            oof: vec![vec![usize::MAX; labels.len()]; epochs],
            losses: Vec::new(),
            chosen: None,
            seconds: 0.0,
        },
    };

    let fold_rows: Vec<Vec<usize>> = (0..folds.len())
        .map(|f| {
            kept(
                &folds
                    .iter()
                    .enumerate()
                    .filter(|&(g, _)| g != f)
                    .flat_map(|(_, p)| p.iter().copied())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let steps = |rows: &[usize]| rows.len().div_ceil(BATCH);
    let cv_steps = fold_rows.iter().map(|r| steps(r)).sum::<usize>() * epochs;
    let total_steps = cv_steps + steps(&all_rows) * epochs;
    // The time expected: one step, timed (forward and backward, not
    // applied; the second of two, the first warms up), times the steps.
    let per_step = (0..2).try_fold(0.0, |_, _| -> Result<f64> {
        let t = Instant::now();
        let first: Vec<usize> = all_rows.iter().copied().take(BATCH).collect();
        let refs: Vec<&[f32]> = first
            .iter()
            .map(|&i| states[i].as_deref().expect("kept"))
            .collect();
        let y: Vec<u32> = first.iter().map(|&i| checkpoint_label(labels[i])).collect();
        let anchor = anchor_targets.first().map(|(a, t)| (a, t));
        top.loss(&Padded::new(&refs, hidden)?, &y, PENALTY, anchor)?
            .backward()?;
        Ok(t.elapsed().as_secs_f64())
    })?;
    eprintln!(
        "stance: {} pairs to learn from, {} held aside; {}-fold cross-validation of up to \
         {epochs} {}, then the final fit: at most {total_steps} steps, about {:.0} s",
        all_rows.len(),
        aside.len(),
        folds.len(),
        if epochs == 1 { "pass" } else { "passes" },
        per_step * total_steps as f64
    );
    let bar = ProgressBar::new(total_steps as u64).with_style(
        ProgressStyle::with_template("stance: fine-tuning {bar:30} {msg}, {eta} left")
            .expect("a valid template"),
    );
    let done_steps: usize = fold_rows
        .iter()
        .take(run.stage)
        .map(|r| steps(r) * epochs)
        .sum::<usize>()
        + fold_rows
            .get(run.stage)
            .map_or(steps(&all_rows), |r| steps(r))
            * run.passes_done;
    bar.set_position(done_steps as u64);
    let started_stage = Instant::now();
    let seconds_before = run.seconds;
    loop {
        let cv = run.stage < folds.len();
        if !cv && run.chosen.is_none() {
            // The cross-validation is done: choose how many passes.
            let shipped_pred = predict(&shipped, &states, &rest, hidden, &map)?;
            let g = gold(&rest);
            let shipped_f1 = f1(&g, &shipped_pred);
            let per_pass: Vec<f64> = run
                .oof
                .iter()
                .map(|p| f1(&g, &rest.iter().map(|&i| p[i]).collect::<Vec<_>>()))
                .collect();
            let (best, best_f1) =
                per_pass
                    .iter()
                    .enumerate()
                    .fold(
                        (0, f64::NEG_INFINITY),
                        |b, (i, &f)| if f > b.1 { (i, f) } else { b },
                    );
            let best_pred: Vec<usize> = rest.iter().map(|&i| run.oof[best][i]).collect();
            let wins = adapt::bootstrap_wins(&g, &best_pred, &shipped_pred, SEED);
            run.chosen = Some(Choice {
                passes: if wins >= adapt::CONFIDENCE {
                    best + 1
                } else {
                    0
                },
                cv_macro_f1: per_pass,
                shipped_cv_macro_f1: shipped_f1,
                best_cv_macro_f1: best_f1,
                wins,
            });
            bar.set_length(
                (cv_steps + steps(&all_rows) * run.chosen.as_ref().map_or(0, |c| c.passes)) as u64,
            );
            save_state(&state_json, &run)?;
        }
        let target = if cv {
            epochs
        } else {
            run.chosen.as_ref().map_or(0, |c| c.passes)
        };
        if run.passes_done >= target {
            if cv {
                run.stage += 1;
                run.passes_done = 0;
                save_state(&state_json, &run)?;
                continue;
            }
            break;
        }
        if run.passes_done == 0 {
            top.reset()?;
            fresh_adam(&mut adam)?;
        }
        let rows = fold_rows.get(run.stage).unwrap_or(&all_rows);
        let pass = run.passes_done + 1;
        let mut total = 0.0;
        let plan = batches(rows, &states, SEED + (run.stage * 100 + pass) as u64);
        for (k, b) in plan.iter().enumerate() {
            let refs: Vec<&[f32]> = b
                .iter()
                .map(|&i| states[i].as_deref().expect("kept"))
                .collect();
            let y: Vec<u32> = b.iter().map(|&i| checkpoint_label(labels[i])).collect();
            let batch = Padded::new(&refs, hidden)?;
            let anchor = if anchor_targets.is_empty() {
                None
            } else {
                // By the optimiser's step count, which a resumed run
                // restores: the same anchors at the same steps.
                let (a, t) = &anchor_targets[adam.t % anchor_targets.len()];
                Some((a, t))
            };
            let loss = top.loss(&batch, &y, PENALTY, anchor)?;
            total += f64::from(loss.to_scalar::<f32>()?);
            adam.step(top.vars(), &loss)?;
            bar.set_message(format!(
                "{}, pass {pass}/{target}, loss {:.3}",
                if cv {
                    format!("fold {}/{}", run.stage + 1, folds.len())
                } else {
                    "final fit".to_string()
                },
                total / (k + 1) as f64
            ));
            bar.inc(1);
        }
        if cv {
            let test = &folds[run.stage];
            for (&i, p) in test.iter().zip(predict(&top, &states, test, hidden, &map)?) {
                run.oof[pass - 1][i] = p;
            }
        }
        if run.losses.len() <= run.stage {
            run.losses.resize(run.stage + 1, Vec::new());
        }
        run.losses[run.stage].push(total / plan.len().max(1) as f64);
        run.passes_done = pass;
        run.adam_steps = adam.t;
        run.seconds = seconds_before + started_stage.elapsed().as_secs_f64();
        save(&last_ckpt, &top.state(&adam))?;
        save_state(&state_json, &run)?;
    }
    bar.finish_and_clear();
    let choice = run
        .chosen
        .clone()
        .context("the cross-validation did not finish")?;
    let use_tuned = choice.passes > 0;
    if !use_tuned {
        top.reset()?;
    }
    let (aside_before, aside_after) = if aside.is_empty() {
        (None, None)
    } else {
        let g = gold(&aside);
        (
            Some(Metrics::compute(
                &STANCE_LABELS,
                &g,
                &predict(&shipped, &states, &aside, hidden, &map)?,
            )),
            Some(Metrics::compute(
                &STANCE_LABELS,
                &g,
                &predict(&top, &states, &aside, hidden, &map)?,
            )),
        )
    };
    let patches: Vec<Patch> = if use_tuned { top.values()? } else { Vec::new() };

    let dev_m = match dev {
        Some(d) => {
            let hyps = args.rows.hypotheses(d)?;
            let dp: Vec<(&str, &str)> = d
                .examples
                .iter()
                .zip(&hyps)
                .map(|(e, h)| (e.text.as_str(), h.as_str()))
                .collect();
            let ds = states_of(scorer, &dp, threshold, frozen, "dev pairs")?;
            let gold: Vec<usize> = d.examples.iter().map(|e| e.label).collect();
            let all: Vec<usize> = (0..gold.len()).collect();
            let after = predict(&top, &ds, &all, hidden, &map)?;
            let before = predict(&shipped, &ds, &all, hidden, &map)?;
            Some((
                Metrics::compute(&STANCE_LABELS, &gold, &before),
                Metrics::compute(&STANCE_LABELS, &gold, &after),
            ))
        }
        None => None,
    };
    let summary = Summary {
        layers,
        epochs,
        lr,
        run: &run,
        choice: &choice,
        folds: folds.len(),
        aside_before: aside_before.as_ref(),
        aside_after: aside_after.as_ref(),
        aside: aside.len(),
        dev: dev_m.as_ref(),
        fit_rows: all_rows.len(),
        anchors: anchors.len(),
    };
    let card = card(args, files, train, &summary, threshold);
    let trained =
        serde_json::to_string_pretty(&provenance(args, &cross.model, train, &summary, threshold))?
            + "\n";
    let written = folder::write_cross_model(
        &args.out,
        files,
        &patches,
        cross.gate_parts(),
        &[("README.md", card), (TRAINED_FILE, trained)],
        FolderOptions {
            copy_onnx: !args.no_onnx,
        },
    )?;
    for (f, why) in &written.onnx_left_out {
        eprintln!("stance: not copying {f} ({why}); the folder runs with candle only");
    }
    report(&summary);
    std::fs::remove_dir_all(&ckpt_dir).ok();
    eprintln!(
        "stance: wrote {} in {:.1} s; use it with `stance run --model {}`",
        args.out.display(),
        started.elapsed().as_secs_f64(),
        args.out.display()
    );
    Ok(())
}

/// What a run did, for the card, `trained.json` and the closing lines.
struct Summary<'a> {
    layers: usize,
    epochs: usize,
    lr: f64,
    run: &'a RunState,
    choice: &'a Choice,
    folds: usize,
    aside: usize,
    aside_before: Option<&'a Metrics>,
    aside_after: Option<&'a Metrics>,
    dev: Option<&'a (Metrics, Metrics)>,
    fit_rows: usize,
    anchors: usize,
}

fn provenance(
    args: &TrainArgs,
    base: &str,
    train: &Dataset,
    s: &Summary,
    threshold: Option<f32>,
) -> serde_json::Value {
    serde_json::json!({
        "method": "top-layers",
        "data": args.data.display().to_string(),
        "split": args.rows.split,
        "rows": train.examples.len(),
        "base": base,
        "hypothesis": args.rows.hypothesis,
        "gate_threshold": threshold,
        "layers": s.layers,
        "max_passes": s.epochs,
        "learning_rate": s.lr,
        "batch": BATCH,
        "penalty": PENALTY,
        "folds": s.folds,
        "fitted_rows": s.fit_rows,
        "aside_rows": s.aside,
        "unlabelled": args.unlabelled.as_ref().map(|p| p.display().to_string()),
        "anchors": s.anchors,
        "cross_validated": {
            "macro_f1_after_pass": s.choice.cv_macro_f1,
            "shipped_macro_f1": s.choice.shipped_cv_macro_f1,
            "best_beats_shipped_in": s.choice.wins,
        },
        "passes": s.choice.passes,
        "used": if s.choice.passes > 0 { "tuned" } else { "shipped" },
        "training_seconds": s.run.seconds,
        "aside_macro_f1_before": s.aside_before.map(|m| m.macro_f1),
        "aside_macro_f1_after": s.aside_after.map(|m| m.macro_f1),
        "dev": args.dev.as_ref().map(|p| p.display().to_string()),
        "dev_split": args.dev_split,
        "dev_macro_f1_before": s.dev.map(|d| d.0.macro_f1),
        "dev_macro_f1_after": s.dev.map(|d| d.1.macro_f1),
        "command": std::env::args().collect::<Vec<_>>().join(" "),
        "version": env!("CARGO_PKG_VERSION"),
    })
}

fn report(s: &Summary) {
    let c = s.choice;
    if c.passes > 0 {
        eprintln!(
            "stance: {} {} chosen by cross-validation: macro-F1 {:.3}, shipped {:.3}, better \
             in {:.0}% of bootstrap resamples",
            c.passes,
            if c.passes == 1 { "pass" } else { "passes" },
            c.best_cv_macro_f1,
            c.shipped_cv_macro_f1,
            100.0 * c.wins
        );
    } else {
        eprintln!(
            "stance: the best fine-tuning (cross-validated macro-F1 {:.3}, shipped {:.3}) beat \
             the shipped model in only {:.0}% of bootstrap resamples (it must in {:.0}%); the \
             folder keeps the shipped weights. Label more sentences, or check that the labels \
             mean what the model's favor, against and none mean",
            c.best_cv_macro_f1,
            c.shipped_cv_macro_f1,
            100.0 * c.wins,
            100.0 * adapt::CONFIDENCE
        );
    }
    match (s.aside_before, s.aside_after) {
        (Some(b), Some(f)) => eprintln!(
            "stance: {} labels held aside: macro-F1 {:.3} shipped, {:.3} this folder",
            s.aside, b.macro_f1, f.macro_f1
        ),
        _ => eprintln!("stance: no labels held aside"),
    }
    if let Some((b, f)) = s.dev {
        eprintln!("stance: dev, shipped:     {}", one_line(b));
        eprintln!("stance: dev, this folder: {}", one_line(f));
    }
}

fn card(
    args: &TrainArgs,
    base: &ModelFiles,
    train: &Dataset,
    s: &Summary,
    threshold: Option<f32>,
) -> String {
    let name = args.out.file_name().map_or_else(
        || args.out.display().to_string(),
        |n| n.to_string_lossy().to_string(),
    );
    let c = s.choice;
    let mut t = format!(
        "# {name}\n\nA stance model made by `stance train --method top-layers`: the \
         cross-encoder of `{}` with its top {} layers, pooler and classifier fine-tuned on {} \
         labelled rows of `{}`{}. Every other weight is the base's, byte for byte, and so is \
         the safetensors header: the ONNX export (if present) reads the new weights from \
         `model.safetensors`.\n\n",
        base.name,
        s.layers,
        s.fit_rows,
        args.data.display(),
        if c.passes > 0 {
            ""
        } else {
            " (no fine-tuning beat the base with confidence, so the weights are the base's)"
        }
    );
    t += &format!(
        "Command: `{}`\n\n",
        std::env::args().collect::<Vec<_>>().join(" ")
    );
    t += &format!(
        "## Method\n\nThe lower layers are frozen; each pair went through them once. Adam \
         (learning rate {}, batches of {BATCH}) on the mean cross-entropy of the labels, plus \
         {PENALTY} times the squared distance of the trained tensors to the base's{}. The \
         number of passes (up to {}) was chosen by {}-fold cross-validation (macro-F1 of the \
         out-of-fold predictions); fine-tuning is used only if its best beats the base in at \
         least {:.0}% of bootstrap resamples of those predictions (here {:.0}%), and then the \
         final model is trained on every label not held aside for that many passes.\n\n\
         | passes | cross-validated macro-F1 |\n| --- | --- |\n| base | {:.3} |\n",
        s.lr,
        if s.anchors > 0 {
            format!(
                ", plus the cross-entropy of its answers against the base's on {} unlabelled \
                 pairs (`{}`)",
                s.anchors,
                args.unlabelled
                    .as_deref()
                    .map_or_else(String::new, |p| p.display().to_string())
            )
        } else {
            String::new()
        },
        s.epochs,
        s.folds,
        100.0 * adapt::CONFIDENCE,
        100.0 * c.wins,
        c.shipped_cv_macro_f1,
    );
    for (i, f) in c.cv_macro_f1.iter().enumerate() {
        t += &format!(
            "| {}{} | {f:.3} |\n",
            i + 1,
            if i + 1 == c.passes { " (used)" } else { "" }
        );
    }
    t += &format!("\nTraining time: {:.0} s.\n\n", s.run.seconds);
    if let (Some(b), Some(f)) = (s.aside_before, s.aside_after) {
        t += &format!(
            "## Held aside ({} rows, never trained on)\n\nBase:\n\n```\n{}```\n\n\
             This folder:\n\n```\n{}```\n\n",
            s.aside,
            b.render(),
            f.render()
        );
    }
    if let Some((b, f)) = s.dev {
        t += &format!(
            "## Dev (`{}`)\n\nBase:\n\n```\n{}```\n\nThis folder:\n\n```\n{}```\n\n",
            args.dev
                .as_deref()
                .map_or_else(String::new, |p| p.display().to_string()),
            b.render(),
            f.render()
        );
    }
    t += &format!("Labelled rows read: {}.\n\n", train.examples.len());
    t += &match threshold {
        Some(th) => format!(
            "Relevance gate: the base's, in `{}/` (pairs with cosine below {th:.2} are `none` \
             without the cross-encoder).\n\n",
            folder::GATE_DIR
        ),
        None => "No relevance gate.\n\n".to_string(),
    };
    t += "The weights keep the base model's licence (`LICENSE`, `NOTICE`).\n";
    t
}
