//! `stance train --method setfit`: SetFit-style contrastive tuning of a
//! sentence encoder's top layers (Tunstall et al. 2022), then `head`'s
//! linear head on the tuned embeddings. See [`stance::score::tune`] for the
//! trained layers and `train.rs` for the usage.
//!
//! Each labelled sentence goes through the encoder's frozen lower layers
//! once. Every pass shuffles the sentences into batches of [`BATCH`]; the
//! loss of a batch is SetFit's over all of its pairs (the cosine of two
//! embeddings held to 1 for the same label, 0 for different ones), plus a
//! penalty on the distance to the shipped weights. The trained tensors and
//! the optimiser's state are written after every pass to
//! `.DIR.stance-setfit/` beside the folder, so a killed run goes on from
//! its last pass with the same command, to the same weights.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use candle_core::Device;
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::SeedableRng;

use stance::score::bert::Config as BertConfig;
use stance::score::folder::Patch;
use stance::score::tune::{Adam, Padded, Top};
use stance::score::{ModelFiles, Scorer};

use super::train::TrainArgs;
use super::train_cross::{beside, pair_key};
use super::train_tune::{load, save};

/// Layers tuned unless `--layers` says otherwise.
pub const LAYERS: usize = 2;
/// Passes over the labels unless `--epochs` says otherwise.
pub const EPOCHS: usize = 4;
/// Adam's step size unless `--learning-rate` says otherwise.
pub const LEARNING_RATE: f64 = 5e-5;
/// Sentences per batch: every pair of them is a training pair.
pub const BATCH: usize = 16;
/// Penalty on the squared distance to the shipped weights.
pub const PENALTY: f64 = 1e-3;
const SEED: u64 = 7;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct RunState {
    fingerprint: String,
    passes_done: usize,
    adam_steps: usize,
    losses: Vec<f64>,
    seconds: f64,
}

/// An encoder whose top layers were tuned, and what it took.
pub(super) struct Tuned {
    top: Top,
    frozen: usize,
    hidden: usize,
    pub layers: usize,
    pub passes: usize,
    pub learning_rate: f64,
    pub losses: Vec<f64>,
    pub seconds: f64,
}

impl Tuned {
    /// Unit-length embeddings of `texts` by the tuned encoder, each
    /// distinct text once.
    pub fn embed(&self, scorer: &Scorer, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<&str> = Vec::new();
        let rows: Vec<usize> = texts
            .iter()
            .map(|&t| {
                *index.entry(t).or_insert_with(|| {
                    distinct.push(t);
                    distinct.len() - 1
                })
            })
            .collect();
        let states = scorer.text_states(&distinct, self.frozen)?;
        let mut out = Vec::with_capacity(distinct.len());
        for chunk in states.chunks(32) {
            let refs: Vec<&[f32]> = chunk.iter().map(Vec::as_slice).collect();
            let e = self
                .top
                .embeddings(&Padded::new(&refs, self.hidden)?)?
                .to_vec2::<f32>()?;
            out.extend(e);
        }
        Ok(rows.iter().map(|&r| out[r].clone()).collect())
    }

    /// The tuned tensors, to write into the encoder's checkpoint.
    pub fn patches(&self) -> Result<Vec<Patch>> {
        self.top.values()
    }
}

/// Tune the top layers of `scorer`'s encoder (the folder `files`) on the
/// sentences `texts` with stance `labels`.
pub(super) fn tune(
    args: &TrainArgs,
    scorer: &Scorer,
    files: &ModelFiles,
    texts: &[&str],
    labels: &[usize],
) -> Result<Tuned> {
    let layers = args.layers.unwrap_or(LAYERS);
    let passes = args.epochs.unwrap_or(EPOCHS);
    let lr = args.learning_rate.unwrap_or(LEARNING_RATE);
    let config: BertConfig = serde_json::from_str(
        &std::fs::read_to_string(&files.config)
            .with_context(|| format!("{}: cannot read", files.config.display()))?,
    )
    .with_context(|| format!("{}: not a BERT config", files.config.display()))?;
    let model_type = stance::score::model::ModelConfig::read(&files.config)?.model_type;
    let weights = files.weights.path().to_path_buf();
    let tensors = candle_core::safetensors::load(&weights, &Device::Cpu).with_context(|| {
        format!(
            "{}: --method setfit needs the encoder's weights as safetensors",
            weights.display()
        )
    })?;
    let top = Top::encoder(&tensors, &config, model_type.as_deref(), layers)
        .with_context(|| format!("--method setfit --layers {layers}: {}", files.name))?;
    drop(tensors);
    let frozen = top.frozen_layers();
    let hidden = config.hidden_size;
    eprintln!(
        "stance: tuning the top {layers} of {} layers of {} on {} labelled sentences \
         (SetFit: every pair of a batch of {BATCH})",
        config.num_hidden_layers,
        scorer.name(),
        texts.len()
    );
    let states = scorer.text_states(texts, frozen)?;

    let fingerprint = {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(super::train_cross::weight_id(&weights, None)?);
        h.update(format!(
            "|setfit|{layers}|{passes}|{lr}|{BATCH}|{PENALTY}|{SEED}|"
        ));
        for (t, l) in texts.iter().zip(labels) {
            h.update(pair_key(t, ""));
            h.update([*l as u8]);
        }
        format!("{:x}", h.finalize())
    };
    let dir = beside(&args.out, ".stance-setfit")?;
    std::fs::create_dir_all(&dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let (state_json, last) = (dir.join("state.json"), dir.join("last.safetensors"));
    let mut adam = Adam::new(top.vars(), lr)?;
    let resumed = std::fs::read_to_string(&state_json)
        .ok()
        .and_then(|s| serde_json::from_str::<RunState>(&s).ok())
        .filter(|s| s.fingerprint == fingerprint && last.is_file());
    let mut run = match resumed {
        Some(s) => {
            top.restore(&load(&last)?, Some(&mut adam))?;
            adam.t = s.adam_steps;
            eprintln!(
                "stance: resuming from {} after pass {} of {passes}",
                dir.display(),
                s.passes_done
            );
            s
        }
        None => RunState {
            fingerprint,
            passes_done: 0,
            adam_steps: 0,
            losses: Vec::new(),
            seconds: 0.0,
        },
    };
    let steps = texts.len().div_ceil(BATCH);
    // The time expected: one step, timed (forward and backward, not
    // applied; the second of two, the first warms up), times the steps.
    let per_step = (0..2).try_fold(0.0, |_, _| -> Result<f64> {
        let t = Instant::now();
        let n = texts.len().min(BATCH);
        if n >= 2 {
            let refs: Vec<&[f32]> = states[..n].iter().map(Vec::as_slice).collect();
            top.contrastive_loss(&Padded::new(&refs, hidden)?, &labels[..n], PENALTY)?
                .backward()?;
        }
        Ok(t.elapsed().as_secs_f64())
    })?;
    eprintln!(
        "stance: {passes} passes of {steps} steps, about {:.0} s in all",
        per_step * (passes * steps) as f64
    );
    let bar = ProgressBar::new((passes * steps) as u64).with_style(
        ProgressStyle::with_template("stance: SetFit {bar:30} {msg}, {eta} left")
            .expect("a valid template"),
    );
    bar.set_position((run.passes_done * steps) as u64);
    let started = Instant::now();
    let before = run.seconds;
    while run.passes_done < passes {
        let pass = run.passes_done + 1;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.shuffle(&mut rand::rngs::StdRng::seed_from_u64(SEED + pass as u64));
        let mut total = 0.0;
        let mut n = 0;
        for b in order.chunks(BATCH).filter(|b| b.len() >= 2) {
            let refs: Vec<&[f32]> = b.iter().map(|&i| states[i].as_slice()).collect();
            let y: Vec<usize> = b.iter().map(|&i| labels[i]).collect();
            let loss = top.contrastive_loss(&Padded::new(&refs, hidden)?, &y, PENALTY)?;
            total += f64::from(loss.to_scalar::<f32>()?);
            n += 1;
            adam.step(top.vars(), &loss)?;
            bar.set_message(format!(
                "pass {pass}/{passes}, loss {:.4}",
                total / n as f64
            ));
            bar.inc(1);
        }
        run.losses.push(total / n.max(1) as f64);
        run.passes_done = pass;
        run.adam_steps = adam.t;
        run.seconds = before + started.elapsed().as_secs_f64();
        save(&last, &top.state(&adam))?;
        stance::atomic::write_file(
            &state_json,
            (serde_json::to_string(&run)? + "\n").as_bytes(),
        )?;
    }
    bar.finish_and_clear();
    eprintln!(
        "stance: contrastive loss by pass: {}",
        run.losses
            .iter()
            .map(|l| format!("{l:.4}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(Tuned {
        top,
        frozen,
        hidden,
        layers,
        passes,
        learning_rate: lr,
        losses: run.losses,
        seconds: run.seconds,
    })
}

/// Remove the checkpoint once the folder is written.
pub(super) fn done(out: &Path) {
    if let Ok(dir) = beside(out, ".stance-setfit") {
        std::fs::remove_dir_all(dir).ok();
    }
}
