//! Adapting a cross-encoder to a user's labels by refitting its final
//! layer (`stance train --method cross-head`).
//!
//! A cross-encoder reads (sentence, claim) together and pools the pair
//! into one vector, which its last linear layer turns into logits. That
//! vector has been tuned for stance over the whole training mixture, so a
//! few hundred labels of the user's own are best spent on the layer above
//! it: multinomial logistic regression on the pooled features, started
//! from the shipped layer and held near it by a penalty on the distance
//! (the guard against forgetting what the mixture taught). The penalty's
//! strength is chosen by k-fold cross-validation on the labels, and a
//! refit replaces the shipped layer only if it beats it in [`CONFIDENCE`]
//! of bootstrap resamples ([`Choice`]). Unlabelled pairs of the user's
//! own data, when given, hold the refit to the shipped layer's answers on
//! them ([`ANCHOR_WEIGHT`]). The encoder is run once per pair and never
//! changes, so the folder keeps the shipped weights byte for byte except
//! the layer.

use anyhow::{bail, Context, Result};
use candle_core::{DType, Device, Tensor, Var};
use candle_nn::Optimizer;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::eval::stance::{Metrics, STANCE_LABELS};

use super::model::LabelMap;
use super::probs::{Probs, Stance};

/// The layer names of a `BertForSequenceClassification` checkpoint.
pub const CLASSIFIER_WEIGHT: &str = "classifier.weight";
pub const CLASSIFIER_BIAS: &str = "classifier.bias";

/// Penalties tried, from nearly free to nearly the shipped layer.
pub const PENALTIES: [f64; 4] = [1e-3, 1e-2, 0.1, 1.0];

/// A classifier's final layer: `weight` `[labels, hidden]` row-major and
/// `bias` `[labels]`, in the checkpoint's label order.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub hidden: usize,
}

impl Layer {
    /// The final layer of the checkpoint `path` (safetensors).
    pub fn read(path: &std::path::Path) -> Result<Self> {
        let tensors = candle_core::safetensors::load(path, &Device::Cpu)
            .with_context(|| format!("{}: cannot read the weights", path.display()))?;
        let get = |name: &str| -> Result<Tensor> {
            let t = tensors.get(name).with_context(|| {
                format!(
                    "{}: no tensor `{name}`; --method cross-head needs a sequence-classification \
                     checkpoint",
                    path.display()
                )
            })?;
            Ok(t.to_dtype(DType::F32)?)
        };
        let (w, b) = (get(CLASSIFIER_WEIGHT)?, get(CLASSIFIER_BIAS)?);
        let (labels, hidden) = w.dims2()?;
        if b.dims() != [labels] {
            bail!(
                "{}: {CLASSIFIER_BIAS} {:?} does not fit {CLASSIFIER_WEIGHT} {:?}",
                path.display(),
                b.dims(),
                w.dims()
            );
        }
        Ok(Layer {
            weight: w.flatten_all()?.to_vec1()?,
            bias: b.to_vec1()?,
            hidden,
        })
    }

    pub fn labels(&self) -> usize {
        self.bias.len()
    }

    /// The layer as the tensors of a checkpoint.
    pub fn patches(&self) -> Vec<super::folder::Patch> {
        use super::folder::Patch;
        vec![
            Patch {
                name: CLASSIFIER_WEIGHT.to_string(),
                values: self.weight.clone(),
                shape: vec![self.labels(), self.hidden],
            },
            Patch {
                name: CLASSIFIER_BIAS.to_string(),
                values: self.bias.clone(),
                shape: vec![self.labels()],
            },
        ]
    }

    /// Logits of one feature row.
    pub fn logits(&self, x: &[f32]) -> Vec<f32> {
        self.weight
            .chunks(self.hidden)
            .zip(&self.bias)
            .map(|(w, b)| w.iter().zip(x).map(|(a, b)| a * b).sum::<f32>() + b)
            .collect()
    }

    /// The rows of favor, against and none, as a three-label layer.
    pub fn stance_rows(&self, map: &LabelMap) -> Layer {
        let rows = [map.favor, map.against, map.none];
        Layer {
            weight: rows
                .iter()
                .flat_map(|&r| self.weight[r * self.hidden..(r + 1) * self.hidden].to_vec())
                .collect(),
            bias: rows.iter().map(|&r| self.bias[r]).collect(),
            hidden: self.hidden,
        }
    }

    /// This layer with the favor, against and none rows replaced by
    /// `stance`'s (other labels, if any, kept).
    fn with_stance_rows(&self, map: &LabelMap, stance: &Layer) -> Layer {
        let mut out = self.clone();
        for (i, &r) in [map.favor, map.against, map.none].iter().enumerate() {
            out.weight[r * self.hidden..(r + 1) * self.hidden]
                .copy_from_slice(&stance.weight[i * self.hidden..(i + 1) * self.hidden]);
            out.bias[r] = stance.bias[i];
        }
        out
    }
}

/// Labelled pairs as the cross-encoder sees them.
pub struct Examples<'a> {
    /// Pooled features, one row per pair.
    pub features: &'a [Vec<f32>],
    /// Gold stance index (0 favor, 1 against, 2 none).
    pub labels: &'a [usize],
    /// Whether the cascade's gate lets the pair through (a gated pair is
    /// `none` whatever the layer says, so it is not fitted on).
    pub kept: &'a [bool],
    /// Features of unlabelled pairs from the user's own data (a run's
    /// sentences), gated ones left out: the refit is held to the shipped
    /// layer's probabilities on them, so labels picked where the model is
    /// least sure do not move what it is sure of.
    pub anchors: &'a [Vec<f32>],
}

/// How to fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    pub steps: usize,
    pub learning_rate: f64,
    /// Folds of the cross-validation that picks the penalty.
    pub folds: usize,
    pub seed: u64,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            steps: 200,
            learning_rate: 2e-3,
            folds: 5,
            seed: 7,
        }
    }
}

/// Weight of the anchors' term in the loss, beside the labels' mean
/// cross-entropy.
pub const ANCHOR_WEIGHT: f64 = 1.0;

/// Fit the three stance rows of a layer to `rows` of `ex`, starting from
/// `init` and penalised by `penalty` · ‖θ − θ_init‖² (mean cross-entropy
/// plus the penalty, full-batch Adam), and, with anchors, by
/// [`ANCHOR_WEIGHT`] times the mean cross-entropy of the new layer's
/// probabilities against the initial layer's on them.
pub fn fit(
    ex: &Examples,
    rows: &[usize],
    init: &Layer,
    penalty: f64,
    opts: &FitOptions,
) -> Result<Layer> {
    let Some(problem) = Problem::new(ex, rows, init, penalty)? else {
        return Ok(init.clone());
    };
    let w = Var::from_tensor(&problem.w0)?;
    let b = Var::from_tensor(&problem.b0)?;
    let mut opt = candle_nn::AdamW::new(
        vec![w.clone(), b.clone()],
        candle_nn::ParamsAdamW {
            lr: opts.learning_rate,
            weight_decay: 0.0,
            ..Default::default()
        },
    )?;
    for _ in 0..opts.steps {
        opt.backward_step(&problem.loss(w.as_tensor(), b.as_tensor())?)?;
    }
    Ok(Layer {
        weight: w.as_tensor().flatten_all()?.to_vec1()?,
        bias: b.as_tensor().to_vec1()?,
        hidden: init.hidden,
    })
}

/// The objective [`fit`] minimises, at `layer` (three stance rows), and
/// its gradient (as a layer of the same shape), from candle's autograd:
/// what the parity test holds to PyTorch's. `None` when no row is kept.
pub fn objective(
    ex: &Examples,
    rows: &[usize],
    init: &Layer,
    layer: &Layer,
    penalty: f64,
) -> Result<Option<(f64, Layer)>> {
    let Some(problem) = Problem::new(ex, rows, init, penalty)? else {
        return Ok(None);
    };
    let h = init.hidden;
    let w = Var::from_tensor(&Tensor::from_vec(
        layer.weight.clone(),
        (3, h),
        &Device::Cpu,
    )?)?;
    let b = Var::from_tensor(&Tensor::from_vec(layer.bias.clone(), 3, &Device::Cpu)?)?;
    let loss = problem.loss(w.as_tensor(), b.as_tensor())?;
    let grads = loss.backward()?;
    let grad = |v: &Var| -> Result<Vec<f32>> {
        Ok(grads
            .get(v.as_tensor())
            .context("no gradient")?
            .flatten_all()?
            .to_vec1()?)
    };
    Ok(Some((
        f64::from(loss.to_scalar::<f32>()?),
        Layer {
            weight: grad(&w)?,
            bias: grad(&b)?,
            hidden: h,
        },
    )))
}

/// The tensors of one fit: the kept labelled rows, the start, and the
/// anchors with the start's probabilities on them.
struct Problem {
    x: Tensor,
    y: Tensor,
    w0: Tensor,
    b0: Tensor,
    anchors: Option<(Tensor, Tensor)>,
    penalty: f64,
}

impl Problem {
    fn new(ex: &Examples, rows: &[usize], init: &Layer, penalty: f64) -> Result<Option<Self>> {
        let rows: Vec<usize> = rows.iter().copied().filter(|&i| ex.kept[i]).collect();
        if rows.is_empty() {
            return Ok(None);
        }
        let dev = Device::Cpu;
        let h = init.hidden;
        let x: Vec<f32> = rows
            .iter()
            .flat_map(|&i| ex.features[i].iter().copied())
            .collect();
        let x = Tensor::from_vec(x, (rows.len(), h), &dev)?;
        let y = Tensor::from_vec(
            rows.iter()
                .map(|&i| ex.labels[i] as u32)
                .collect::<Vec<_>>(),
            rows.len(),
            &dev,
        )?;
        let w0 = Tensor::from_vec(init.weight.clone(), (3, h), &dev)?;
        let b0 = Tensor::from_vec(init.bias.clone(), 3, &dev)?;
        let anchors = if ex.anchors.is_empty() {
            None
        } else {
            let a: Vec<f32> = ex.anchors.iter().flatten().copied().collect();
            let a = Tensor::from_vec(a, (ex.anchors.len(), h), &dev)?;
            let target =
                candle_nn::ops::softmax_last_dim(&a.matmul(&w0.t()?)?.broadcast_add(&b0)?)?;
            Some((a, target))
        };
        Ok(Some(Problem {
            x,
            y,
            w0,
            b0,
            anchors,
            penalty,
        }))
    }

    /// Mean cross-entropy on the labels + penalty · ‖θ − θ₀‖² + the
    /// anchors' term.
    fn loss(&self, w: &Tensor, b: &Tensor) -> Result<Tensor> {
        let logits = self.x.matmul(&w.t()?)?.broadcast_add(b)?;
        let ce = candle_nn::loss::cross_entropy(&logits, &self.y)?;
        let dist = ((w - &self.w0)?.sqr()?.sum_all()? + (b - &self.b0)?.sqr()?.sum_all()?)?;
        let mut loss = (ce + (dist * self.penalty)?)?;
        if let Some((a, target)) = &self.anchors {
            let l = a.matmul(&w.t()?)?.broadcast_add(b)?;
            let lp = candle_nn::ops::log_softmax(&l, candle_core::D::Minus1)?;
            let soft = (target * lp)?.sum(1)?.mean(0)?.neg()?;
            loss = (loss + (soft * ANCHOR_WEIGHT)?)?;
        }
        Ok(loss)
    }
}

/// The stance of each of `rows` under a three-row `layer`, gated pairs
/// `none`.
pub fn predict(ex: &Examples, rows: &[usize], layer: &Layer) -> Vec<usize> {
    rows.iter()
        .map(|&i| {
            if ex.kept[i] {
                Probs::from_array(softmax3(&layer.logits(&ex.features[i]))).index()
            } else {
                Stance::None.index()
            }
        })
        .collect()
}

fn softmax3(l: &[f32]) -> [f32; 3] {
    let p = super::probs::softmax(l);
    [p[0], p[1], p[2]]
}

/// Split `0..n` into a seeded `share` held aside and the rest, stratified
/// by label so that every label keeps its proportion in both (a label
/// with a single row stays in the rest).
pub fn hold_aside(labels: &[usize], share: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut aside, mut rest) = (Vec::new(), Vec::new());
    for l in 0..3 {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == l).collect();
        idx.shuffle(&mut rng);
        let k = if idx.len() < 2 {
            0
        } else {
            ((idx.len() as f64 * share).round() as usize).clamp(1, idx.len() - 1)
        };
        aside.extend_from_slice(&idx[..k]);
        rest.extend_from_slice(&idx[k..]);
    }
    aside.sort_unstable();
    rest.sort_unstable();
    (aside, rest)
}

/// `rows` dealt into `k` folds, stratified by label, seeded.
pub fn folds(labels: &[usize], rows: &[usize], k: usize, seed: u64) -> Vec<Vec<usize>> {
    let k = k.clamp(2, rows.len().max(2));
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut out = vec![Vec::new(); k];
    let mut next = 0;
    for l in 0..3 {
        let mut idx: Vec<usize> = rows.iter().copied().filter(|&i| labels[i] == l).collect();
        idx.shuffle(&mut rng);
        for i in idx {
            out[next % k].push(i);
            next += 1;
        }
    }
    out.retain(|f| !f.is_empty());
    out
}

/// One penalty's cross-validated result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tried {
    /// `None`: the shipped layer, unchanged.
    pub penalty: Option<f64>,
    pub macro_f1: f64,
}

/// Share of bootstrap resamples of the out-of-fold predictions in which
/// the best refit must beat the shipped layer before it is used: with a
/// few dozen labels the best of several penalties often wins by chance.
pub const CONFIDENCE: f64 = 0.9;
/// Bootstrap resamples behind [`CONFIDENCE`].
pub const RESAMPLES: usize = 500;

/// The penalties' cross-validation: every candidate's out-of-fold
/// macro-F1 (best first; ties go to the stronger penalty, then to the
/// shipped layer, the smaller change), and the share of bootstrap
/// resamples in which the best refit beats the shipped layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub tried: Vec<Tried>,
    pub best_refit: f64,
    pub wins: f64,
}

impl Choice {
    /// The penalty to use: the best refit's if it beat the shipped layer
    /// in at least [`CONFIDENCE`] of the resamples, else `None` (keep the
    /// shipped layer).
    pub fn penalty(&self) -> Option<f64> {
        if self.wins < CONFIDENCE {
            return None;
        }
        self.tried.iter().find_map(|t| t.penalty)
    }
}

/// Cross-validate every penalty of [`PENALTIES`] and the shipped layer on
/// `rows` ([`Choice`]).
pub fn choose_penalty(
    ex: &Examples,
    rows: &[usize],
    init: &Layer,
    opts: &FitOptions,
) -> Result<Choice> {
    let parts = folds(ex.labels, rows, opts.folds, opts.seed);
    let order = concat(&parts);
    let gold: Vec<usize> = order.iter().map(|&i| ex.labels[i]).collect();
    let f1 = |pred: &[usize]| Metrics::compute(&STANCE_LABELS, &gold, pred).macro_f1;
    let shipped = predict(ex, &order, init);
    let mut tried = vec![Tried {
        penalty: None,
        macro_f1: f1(&shipped),
    }];
    let mut best: Option<(f64, Vec<usize>)> = None;
    for &penalty in PENALTIES.iter().rev() {
        let mut pred = Vec::with_capacity(gold.len());
        for (f, test) in parts.iter().enumerate() {
            let train: Vec<usize> = parts
                .iter()
                .enumerate()
                .filter(|&(g, _)| g != f)
                .flat_map(|(_, p)| p.iter().copied())
                .collect();
            let layer = fit(ex, &train, init, penalty, opts)?;
            pred.extend(predict(ex, test, &layer));
        }
        let score = f1(&pred);
        tried.push(Tried {
            penalty: Some(penalty),
            macro_f1: score,
        });
        if best.as_ref().is_none_or(|(b, _)| score > *b) {
            best = Some((score, pred));
        }
    }
    // Stable sort: among equals the earlier (shipped, then stronger
    // penalties) stays first.
    tried.sort_by(|a, b| b.macro_f1.total_cmp(&a.macro_f1));
    let (best_refit, best_pred) = best.context("no penalty to try")?;
    let wins = bootstrap_wins(&gold, &best_pred, &shipped, opts.seed);
    Ok(Choice {
        tried,
        best_refit,
        wins,
    })
}

/// Share of [`RESAMPLES`] bootstrap resamples of the rows in which `a`'s
/// macro-F1 is above `b`'s (paired: the same rows for both).
pub fn bootstrap_wins(gold: &[usize], a: &[usize], b: &[usize], seed: u64) -> f64 {
    use rand::Rng;
    let n = gold.len();
    if n == 0 {
        return 0.0;
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5eed);
    let (mut g, mut pa, mut pb) = (vec![0; n], vec![0; n], vec![0; n]);
    let mut wins = 0;
    for _ in 0..RESAMPLES {
        for j in 0..n {
            let i = rng.random_range(0..n);
            (g[j], pa[j], pb[j]) = (gold[i], a[i], b[i]);
        }
        let fa = Metrics::compute(&STANCE_LABELS, &g, &pa).macro_f1;
        let fb = Metrics::compute(&STANCE_LABELS, &g, &pb).macro_f1;
        if fa > fb {
            wins += 1;
        }
    }
    wins as f64 / RESAMPLES as f64
}

fn concat(parts: &[Vec<usize>]) -> Vec<usize> {
    parts.iter().flatten().copied().collect()
}

/// What [`adapt`] found and made.
#[derive(Debug, Clone)]
pub struct Adapted {
    /// The new final layer, all of the checkpoint's labels.
    pub layer: Layer,
    /// The penalty chosen; `None` when no refit beat the shipped layer
    /// in cross-validation with confidence, and the layer is the shipped
    /// one.
    pub penalty: Option<f64>,
    /// The cross-validation behind the choice.
    pub choice: Choice,
    /// Rows held aside for the figures (indices into the examples).
    pub aside: Vec<usize>,
    /// Held-aside metrics of the shipped layer and of the layer fitted
    /// without them (`None` if nothing could be held aside).
    pub aside_before: Option<Metrics>,
    pub aside_after: Option<Metrics>,
}

/// Hold `aside_share` of the labels aside, choose the penalty by k-fold
/// cross-validation on the rest, report both layers on the held-aside
/// rows, then fit the final layer on every label.
pub fn adapt(
    ex: &Examples,
    shipped: &Layer,
    map: &LabelMap,
    aside_share: f64,
    opts: &FitOptions,
) -> Result<Adapted> {
    let n = ex.labels.len();
    if ex.features.len() != n || ex.kept.len() != n {
        bail!("features, labels and gate verdicts differ in number");
    }
    let init = shipped.stance_rows(map);
    let (aside, rest) = hold_aside(ex.labels, aside_share, opts.seed);
    let choice = choose_penalty(ex, &rest, &init, opts)?;
    let penalty = choice.penalty();
    let (aside_before, aside_after) = if aside.is_empty() {
        (None, None)
    } else {
        let gold: Vec<usize> = aside.iter().map(|&i| ex.labels[i]).collect();
        let before = Metrics::compute(&STANCE_LABELS, &gold, &predict(ex, &aside, &init));
        let after = match penalty {
            Some(p) => {
                let layer = fit(ex, &rest, &init, p, opts)?;
                Metrics::compute(&STANCE_LABELS, &gold, &predict(ex, &aside, &layer))
            }
            None => before.clone(),
        };
        (Some(before), Some(after))
    };
    let all: Vec<usize> = (0..n).collect();
    let layer = match penalty {
        Some(p) => shipped.with_stance_rows(map, &fit(ex, &all, &init, p, opts)?),
        None => shipped.clone(),
    };
    Ok(Adapted {
        layer,
        penalty,
        choice,
        aside,
        aside_before,
        aside_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Features along two axes: favor pairs point one way, against the
    /// other, none near zero. `flip` swaps favor and against, as a codebook
    /// that reads the claim the other way round would.
    fn toy(n: usize, flip: bool) -> (Vec<Vec<f32>>, Vec<usize>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..n {
            let label = i % 3;
            let e = 0.01 * (i % 7) as f32;
            let v = match label {
                0 => vec![0.9, 0.1 + e, 0.0],
                1 => vec![-0.9, 0.1 - e, 0.0],
                _ => vec![0.0, 0.0, 0.9 + e],
            };
            x.push(v);
            y.push(if flip && label < 2 { 1 - label } else { label });
        }
        (x, y)
    }

    fn shipped() -> (Layer, LabelMap) {
        // A checkpoint with labels in the order against, none, favor, and
        // a fourth label stance ignores.
        let layer = Layer {
            weight: vec![
                -3.0, 0.0, 0.0, // against
                0.0, 0.0, 3.0, // none
                3.0, 0.0, 0.0, // favor
                0.0, 0.0, 0.0, // other
            ],
            bias: vec![0.0, 0.0, 0.0, -5.0],
            hidden: 3,
        };
        let map = LabelMap {
            favor: 2,
            against: 0,
            none: 1,
            num_labels: 4,
        };
        (layer, map)
    }

    #[test]
    fn the_shipped_layer_stays_when_the_labels_agree_with_it() {
        let (x, y) = toy(60, false);
        let kept = vec![true; x.len()];
        let ex = Examples {
            features: &x,
            labels: &y,
            kept: &kept,
            anchors: &[],
        };
        let (layer, map) = shipped();
        let a = adapt(&ex, &layer, &map, 0.2, &FitOptions::default()).unwrap();
        // Already perfect: nothing beats it, so nothing changes.
        assert_eq!(a.penalty, None);
        assert_eq!(a.layer, layer);
        assert_eq!(a.aside_before.unwrap().macro_f1, 1.0);
        assert_eq!(a.aside.len(), 12);
    }

    #[test]
    fn labels_that_disagree_move_the_stance_rows_only() {
        let (x, y) = toy(90, true);
        let kept = vec![true; x.len()];
        let ex = Examples {
            features: &x,
            labels: &y,
            kept: &kept,
            anchors: &[],
        };
        let (layer, map) = shipped();
        let opts = FitOptions {
            steps: 150,
            learning_rate: 5e-2,
            ..Default::default()
        };
        let a = adapt(&ex, &layer, &map, 0.2, &opts).unwrap();
        assert!(a.penalty.is_some(), "{:?}", a.choice);
        assert!(a.choice.wins >= CONFIDENCE, "{:?}", a.choice);
        assert!(a.aside_before.as_ref().unwrap().macro_f1 < 0.5);
        assert!(
            a.aside_after.as_ref().unwrap().macro_f1 > 0.95,
            "{:?}",
            a.aside_after
        );
        // The fourth label is untouched.
        assert_eq!(&a.layer.weight[9..], &layer.weight[9..]);
        assert_eq!(a.layer.bias[3], -5.0);
        // Same input, same result.
        let again = adapt(&ex, &layer, &map, 0.2, &opts).unwrap();
        assert_eq!(again.layer, a.layer);
    }

    #[test]
    fn anchors_hold_the_refit_to_the_shipped_answers_on_them() {
        let (x, y) = toy(30, true);
        let (anchors, _) = toy(120, false);
        let kept = vec![true; x.len()];
        let (layer, map) = shipped();
        let init = layer.stance_rows(&map);
        let rows: Vec<usize> = (0..x.len()).collect();
        let opts = FitOptions {
            steps: 200,
            learning_rate: 5e-2,
            ..Default::default()
        };
        let moved = |anchored: &[Vec<f32>]| {
            let ex = Examples {
                features: &x,
                labels: &y,
                kept: &kept,
                anchors: anchored,
            };
            let fitted = fit(&ex, &rows, &init, 1e-3, &opts).unwrap();
            anchors
                .iter()
                .map(|a| {
                    let p = softmax3(&fitted.logits(a));
                    let q = softmax3(&init.logits(a));
                    p.iter().zip(q).map(|(p, q)| (p - q).abs()).sum::<f32>()
                })
                .sum::<f32>()
                / anchors.len() as f32
        };
        let (free, held) = (moved(&[]), moved(&anchors));
        // Flipped labels flip the free refit's answers on the anchors; the
        // anchored one, pulled both ways with equal weight, moves less.
        assert!(free > 1.0, "free refit moved {free}");
        assert!(held < 0.6 * free, "anchored {held}, free {free}");
    }

    /// One Adam step moves each parameter by the learning rate against
    /// the sign of its gradient (m̂ / √v̂ = g / |g| at the first step), so
    /// the step shows every gradient's sign; here checked against the
    /// gradient worked out by hand: (p − y)ᵀ x / n for the labels, plus
    /// 2 λ (θ − θ₀) (zero at the start), plus the anchors' (p − q)ᵀ a / m.
    #[test]
    fn one_step_follows_the_analytic_gradient() {
        let (x, y) = toy(12, true);
        let (anchors, _) = toy(9, false);
        let kept = vec![true; x.len()];
        let (layer, map) = shipped();
        let init = layer.stance_rows(&map);
        let ex = Examples {
            features: &x,
            labels: &y,
            kept: &kept,
            anchors: &anchors,
        };
        let rows: Vec<usize> = (0..x.len()).collect();
        let lr = 1e-3;
        let opts = FitOptions {
            steps: 1,
            learning_rate: lr,
            ..Default::default()
        };
        let stepped = fit(&ex, &rows, &init, 0.5, &opts).unwrap();
        let h = init.hidden;
        let mut grad = vec![0f64; 3 * h + 3];
        let p = |v: &[f32]| softmax3(&init.logits(v));
        for (v, &label) in x.iter().zip(&y) {
            let pr = p(v);
            for k in 0..3 {
                let d = (pr[k] - f32::from(u8::from(k == label))) as f64 / x.len() as f64;
                for j in 0..h {
                    grad[k * h + j] += d * v[j] as f64;
                }
                grad[3 * h + k] += d;
            }
        }
        // The anchors' soft targets are the initial layer's own answers:
        // their gradient starts at zero.
        let mut checked = 0;
        for (i, g) in grad.iter().enumerate() {
            let (new, old) = if i < 3 * h {
                (stepped.weight[i], init.weight[i])
            } else {
                (stepped.bias[i - 3 * h], init.bias[i - 3 * h])
            };
            let moved = (new - old) as f64;
            if g.abs() > 1e-4 {
                assert!(
                    (moved + lr * g.signum()).abs() < 1e-5,
                    "parameter {i}: gradient {g}, moved {moved}"
                );
                checked += 1;
            } else {
                assert!(moved.abs() <= lr + 1e-6, "parameter {i} moved {moved}");
            }
        }
        assert!(checked >= 6, "only {checked} parameters had a gradient");
    }

    #[test]
    fn gated_pairs_are_none_and_not_fitted_on() {
        let (x, y) = toy(30, false);
        let kept: Vec<bool> = (0..x.len()).map(|i| i % 2 == 0).collect();
        let ex = Examples {
            features: &x,
            labels: &y,
            kept: &kept,
            anchors: &[],
        };
        let (layer, map) = shipped();
        let init = layer.stance_rows(&map);
        let pred = predict(&ex, &[0, 1, 2, 3], &init);
        // Row 1 is against but gated: none. Row 2 (none) kept: none.
        assert_eq!(pred, vec![0, 2, 2, 2]);
        // Only gated rows: nothing to fit, the layer is returned as given.
        let fitted = fit(&ex, &[1, 3, 5], &init, 0.1, &FitOptions::default()).unwrap();
        assert_eq!(ex.anchors.len(), 0);
        assert_eq!(fitted, init);
    }

    #[test]
    fn holding_aside_and_folds_keep_every_label_in_proportion() {
        let y: Vec<usize> = (0..50)
            .map(|i| if i < 30 { 0 } else { 1 + i % 2 })
            .collect();
        let (aside, rest) = hold_aside(&y, 0.2, 1);
        assert_eq!(aside.len() + rest.len(), 50);
        assert_eq!(aside.iter().filter(|&&i| y[i] == 0).count(), 6);
        assert_eq!(aside.iter().filter(|&&i| y[i] == 1).count(), 2);
        let parts = folds(&y, &rest, 5, 1);
        assert_eq!(parts.len(), 5);
        let mut all: Vec<usize> = parts.concat();
        all.sort_unstable();
        assert_eq!(all, rest);
        for p in &parts {
            let favor = p.iter().filter(|&&i| y[i] == 0).count();
            assert!((4..=5).contains(&favor), "{p:?}");
        }
        // A label with one row is never held aside.
        let (aside, _) = hold_aside(&[0, 0, 0, 0, 1], 0.5, 1);
        assert!(aside.iter().all(|&i| i != 4));
    }
}
