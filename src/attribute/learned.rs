//! Two small learned models of attribution, logistic regressions over
//! named features, trained on PolNeAR's train split and built into the
//! binary as text files (a header line, then `feature<TAB>weight` lines):
//!
//! - the **cue model** (`models/attribution/cues.tsv`, [`Model::cues`])
//!   scores every word outside quotation marks of a sentence, finding the
//!   cues the verb lists miss (`Polls in Iowa *show* …`, `Supporters *are
//!   optimistic* that …`); a word at or above its threshold is a candidate
//!   cue when a phrase that can be a source stands by it
//!   (`cues::learned_cue_np`); `cargo run --release --example
//!   train_cue_model` rebuilds it;
//! - the **speaker ranker** (`models/attribution/speakers.tsv`,
//!   [`Model::speakers`]) scores each candidate (a cue with its speaker
//!   phrase) for the clause finder to choose among (`clauses`); `cargo run
//!   --release --example train_speaker_ranker` rebuilds it.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::lexicon::{self, CueStrength};
use super::tokens::{Tok, TokKind};

/// A logistic regression over named features, kept as a text file: the cue
/// model ([`Model::cues`]) and the speaker ranker ([`Model::speakers`]).
#[derive(Debug, Clone, Default)]
pub struct Model {
    weights: HashMap<String, f32>,
    bias: f32,
    /// The probability at or above which a word is taken as a cue.
    pub threshold: f32,
}

const CUES: &str = include_str!("../../models/attribution/cues.tsv");
const SPEAKERS: &str = include_str!("../../models/attribution/speakers.tsv");

impl Model {
    /// The cue model built into the binary.
    pub fn cues() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::parse(CUES).expect("models/attribution/cues.tsv parses"))
    }

    /// The speaker ranker built into the binary: how likely a cue and its
    /// speaker phrase are a true attribution.
    pub fn speakers() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL
            .get_or_init(|| Model::parse(SPEAKERS).expect("models/attribution/speakers.tsv parses"))
    }

    /// Read the text form written by [`Model::to_text`].
    pub fn parse(text: &str) -> Result<Model, String> {
        let mut lines = text.lines();
        let header = lines.next().ok_or("empty cue model")?;
        let mut m = Model::default();
        for kv in header.trim_start_matches('#').split_whitespace() {
            match kv.split_once('=') {
                Some(("bias", v)) => m.bias = v.parse().map_err(|e| format!("bias: {e}"))?,
                Some(("threshold", v)) => {
                    m.threshold = v.parse().map_err(|e| format!("threshold: {e}"))?
                }
                _ => {}
            }
        }
        for (n, line) in lines.enumerate() {
            let (f, w) = line
                .rsplit_once('\t')
                .ok_or_else(|| format!("line {}: expected feature<TAB>weight", n + 2))?;
            let w: f32 = w.parse().map_err(|e| format!("line {}: {e}", n + 2))?;
            m.weights.insert(f.to_string(), w);
        }
        if m.threshold <= 0.0 || m.threshold >= 1.0 {
            return Err("the header must set threshold= between 0 and 1".into());
        }
        Ok(m)
    }

    /// The text form: a header with the bias and threshold, then the
    /// features sorted by name (stable diffs).
    pub fn to_text(&self, note: &str) -> String {
        let mut keys: Vec<&String> = self.weights.keys().collect();
        keys.sort();
        let mut out = format!(
            "# bias={} threshold={:.2} {note}\n",
            self.bias, self.threshold
        );
        for k in keys {
            out.push_str(&format!("{k}\t{:.4}\n", self.weights[k]));
        }
        out
    }

    /// Number of features with a weight.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// Probability that the features describe a cue word.
    pub fn probability(&self, features: &[String]) -> f32 {
        let z: f32 = self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Fit by stochastic gradient descent with AdaGrad steps and L2
    /// shrinkage (or, with [`Fit::batch`], by full-batch steps), then drop
    /// weights too small to matter. Examples are visited in a fixed
    /// shuffled order, so a fit is reproducible.
    pub fn fit(examples: &[(Vec<String>, bool)], fit: &Fit) -> Model {
        // Features seen fewer than `min_count` times are left out: they
        // would be learned from one or two sentences.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (fs, _) in examples {
            for f in fs {
                *counts.entry(f.as_str()).or_default() += 1;
            }
        }
        let mut index: HashMap<&str, usize> = HashMap::new();
        let rows: Vec<(Vec<usize>, f32)> = examples
            .iter()
            .map(|(fs, y)| {
                let ids = fs
                    .iter()
                    .filter(|f| counts[f.as_str()] >= fit.min_count)
                    .map(|f| {
                        let n = index.len();
                        *index.entry(f.as_str()).or_insert(n)
                    })
                    .collect();
                (ids, if *y { 1.0 } else { 0.0 })
            })
            .collect();
        let (epochs, l2, prune) = (fit.epochs, fit.l2, fit.prune);
        if fit.batch {
            return Model::fit_batch(&rows, index, fit);
        }
        let mut w = vec![0f32; index.len()];
        let mut g2 = vec![1e-6f32; index.len()];
        let (mut b, mut gb) = (0f32, 1e-6f32);
        let lr = 0.5f32;
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..epochs {
            // Fisher–Yates with a fixed xorshift generator.
            for k in (1..order.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                order.swap(k, (state % (k as u64 + 1)) as usize);
            }
            for &r in &order {
                let (ids, y) = &rows[r];
                let z: f32 = b + ids.iter().map(|&j| w[j]).sum::<f32>();
                let p = 1.0 / (1.0 + (-z).exp());
                let g = p - y;
                for &j in ids {
                    let gj = g + l2 * w[j];
                    g2[j] += gj * gj;
                    w[j] -= lr * gj / g2[j].sqrt();
                }
                gb += g * g;
                b -= lr * g / gb.sqrt();
            }
        }
        let weights = index
            .into_iter()
            .filter(|&(_, j)| w[j].abs() >= prune)
            .map(|(f, j)| (f.to_string(), (w[j] * 1e4).round() / 1e4))
            .collect();
        Model {
            weights,
            bias: b,
            threshold: 0.5,
        }
    }

    /// Full-batch fit: each of `epochs` steps follows the gradient of the
    /// mean log loss over every row plus `l2 / 2 · |w|²` (AdaGrad step
    /// sizes), so the model depends on the set of rows and not on their
    /// order: a few rows more or less move it a little, not at random.
    fn fit_batch(rows: &[(Vec<usize>, f32)], index: HashMap<&str, usize>, fit: &Fit) -> Model {
        let n = rows.len().max(1) as f64;
        let mut w = vec![0f32; index.len()];
        let mut g2 = vec![1e-6f32; index.len()];
        let (mut b, mut gb) = (0f32, 1e-6f32);
        let lr = 0.5f32;
        // Sums in f64: in f32 their rounding would depend on the order.
        let mut grad = vec![0f64; index.len()];
        for _ in 0..fit.epochs {
            grad.iter_mut().for_each(|g| *g = 0.0);
            let mut grad_b = 0f64;
            for (ids, y) in rows {
                let z: f64 = b as f64 + ids.iter().map(|&j| w[j] as f64).sum::<f64>();
                let g = 1.0 / (1.0 + (-z).exp()) - *y as f64;
                for &j in ids {
                    grad[j] += g;
                }
                grad_b += g;
            }
            for j in 0..w.len() {
                let gj = (grad[j] / n) as f32 + fit.l2 * w[j];
                g2[j] += gj * gj;
                w[j] -= lr * gj / g2[j].sqrt();
            }
            let gbn = (grad_b / n) as f32;
            gb += gbn * gbn;
            b -= lr * gbn / gb.sqrt();
        }
        let weights = index
            .into_iter()
            .filter(|&(_, j)| w[j].abs() >= fit.prune)
            .map(|(f, j)| (f.to_string(), (w[j] * 1e4).round() / 1e4))
            .collect();
        Model {
            weights,
            bias: (b * 1e4).round() / 1e4,
            threshold: 0.5,
        }
    }
}

/// Settings of [`Model::fit`].
#[derive(Debug, Clone, Copy)]
pub struct Fit {
    pub epochs: usize,
    /// L2 shrinkage per step.
    pub l2: f32,
    /// Weights smaller than this are dropped after fitting.
    pub prune: f32,
    /// Features seen fewer times than this are not learned.
    pub min_count: usize,
    /// Fit on every row at once at each step (`Model::fit_batch`):
    /// slower, but independent of the rows' order. `epochs` then counts
    /// steps, and `l2` weighs the penalty on the mean loss.
    pub batch: bool,
}

impl Fit {
    /// These settings, each replaced by the environment variable of its
    /// name when it is set and parses: `EPOCHS`, `L2`, `PRUNE`, `MIN_COUNT`.
    pub fn from_env(self) -> Fit {
        fn env<T: std::str::FromStr>(k: &str, d: T) -> T {
            std::env::var(k)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(d)
        }
        Fit {
            epochs: env("EPOCHS", self.epochs),
            l2: env("L2", self.l2),
            prune: env("PRUNE", self.prune),
            min_count: env("MIN_COUNT", self.min_count),
            batch: env("BATCH", self.batch),
        }
    }
}

/// Held-out precision, recall and F1 at one threshold, from
/// [`cross_fit`].
#[derive(Debug, Clone, Copy)]
pub struct HeldOut {
    pub threshold: f32,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Fit a model on the rows of every group (an article's rows are one
/// group), with its threshold chosen by two-fold cross-fitting: a model fit
/// on every other group scores the rest, and of the thresholds 0.05, 0.10,
/// … 0.95 the one with the best F1 over both held-out halves is kept.
/// Returns the model and the held-out figures at every threshold.
pub fn cross_fit(groups: &[Vec<(Vec<String>, bool)>], fit: &Fit) -> (Model, Vec<HeldOut>) {
    let fold = |k: usize, held: bool| -> Vec<(Vec<String>, bool)> {
        groups
            .iter()
            .enumerate()
            .filter(|(i, _)| (i % 2 == k) == held)
            .flat_map(|(_, r)| r.iter().cloned())
            .collect()
    };
    let mut scored: Vec<(f32, bool)> = Vec::new();
    for k in 0..2 {
        let m = Model::fit(&fold(k, false), fit);
        scored.extend(fold(k, true).iter().map(|(f, y)| (m.probability(f), *y)));
    }
    let positives = scored.iter().filter(|s| s.1).count();
    let sweep: Vec<HeldOut> = (1..20)
        .map(|step| {
            let threshold = step as f32 * 0.05;
            let tp = scored.iter().filter(|s| s.1 && s.0 >= threshold).count();
            let pp = scored.iter().filter(|s| s.0 >= threshold).count();
            let precision = tp as f64 / pp.max(1) as f64;
            let recall = tp as f64 / positives.max(1) as f64;
            HeldOut {
                threshold,
                precision,
                recall,
                f1: 2.0 * precision * recall / (precision + recall).max(1e-9),
            }
        })
        .collect();
    let all: Vec<(Vec<String>, bool)> = groups.iter().flatten().cloned().collect();
    let mut model = Model::fit(&all, fit);
    // The first threshold with the best F1 (0.5 if none scores above 0).
    let mut best = 0.0;
    for h in &sweep {
        if h.f1 > best {
            best = h.f1;
            model.threshold = h.threshold;
        }
    }
    (model, sweep)
}

/// Words that may be cues: outside quotation marks, not punctuation.
pub(super) fn candidate_words<'a>(toks: &'a [Tok]) -> impl Iterator<Item = usize> + 'a {
    (0..toks.len()).filter(|&i| toks[i].is_frame_word())
}

fn token_form(t: Option<&Tok>) -> String {
    match t {
        None => "^".to_string(),
        Some(t) => match t.kind {
            TokKind::OpenQuote => "<q".to_string(),
            TokKind::CloseQuote => ">q".to_string(),
            TokKind::Punct(c) => c.to_string(),
            TokKind::Word if t.quoted => "qw".to_string(),
            TokKind::Word if t.is_capitalised() => {
                if lexicon::pronoun_kind(t.text).is_some() || lexicon::is_function_word(t.text) {
                    t.text.to_lowercase()
                } else {
                    "Cap".to_string()
                }
            }
            TokKind::Word => t.text.to_lowercase(),
        },
    }
}

/// Where a sentence's quoted words are: the first and last, so that each
/// word's place relative to them costs nothing (a sentence may be huge).
#[derive(Debug, Clone, Copy)]
pub(super) struct QuotedWords {
    pub(super) first: Option<usize>,
    pub(super) last: Option<usize>,
}

impl QuotedWords {
    pub(super) fn of(toks: &[Tok]) -> Self {
        QuotedWords {
            first: toks.iter().position(|t| t.quoted),
            last: toks.iter().rposition(|t| t.quoted),
        }
    }
}

/// The features of word `i`: the word, its ending, its neighbours, and
/// where it stands relative to quotations and names.
pub(super) fn features(toks: &[Tok], i: usize, q: QuotedWords) -> Vec<String> {
    let t = &toks[i];
    let w = t.text.to_lowercase();
    let at = |k: isize| -> Option<&Tok> {
        let j = i as isize + k;
        (j >= 0).then(|| toks.get(j as usize)).flatten()
    };
    let end = |k: isize| -> String {
        let j = i as isize + k;
        if j >= toks.len() as isize {
            "$".to_string()
        } else {
            token_form(at(k))
        }
    };
    let (p1, p2, n1, n2) = (end(-1), end(-2), end(1), end(2));
    let suffix: String = w
        .chars()
        .rev()
        .take(3)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let mut f = vec![
        format!("w={w}"),
        format!("s3={suffix}"),
        format!("p1={p1}"),
        format!("p2={p2}"),
        format!("n1={n1}"),
        format!("n2={n2}"),
        format!("w,n1={w},{n1}"),
        format!("p1,w={p1},{w}"),
        format!("p2,p1={p2},{p1}"),
    ];
    if t.is_capitalised() {
        f.push("cap".into());
    }
    if i == 0 {
        f.push("first".into());
    }
    let lex = match lexicon::cue_strength(&w) {
        Some(CueStrength::Speech) => "speech",
        Some(CueStrength::QuoteOnly) => "quote-only",
        Some(CueStrength::Attitude) => "attitude",
        Some(CueStrength::Finding) => "finding",
        None => "none",
    };
    f.push(format!("lex={lex}"));
    let quoted_before = q.first.is_some_and(|f| f < i);
    let quoted_after = q.last.is_some_and(|l| l > i);
    f.push(format!("q={}{}", quoted_before as u8, quoted_after as u8));
    // A name or pronoun right before, as a subject would stand.
    let subject_before = at(-1).is_some_and(|p| {
        p.is_frame_word() && (p.is_capitalised() || lexicon::pronoun_kind(p.text).is_some())
    });
    if subject_before {
        f.push(format!("subj,w={w}"));
    }
    let bucket = (i * 4) / toks.len().max(1);
    f.push(format!("pos={bucket}"));
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses_and_has_a_threshold() {
        let m = Model::cues();
        assert!(m.len() > 100, "{} features", m.len());
        assert!(m.threshold > 0.0 && m.threshold < 1.0);
    }

    #[test]
    fn text_form_round_trips() {
        let ex = vec![
            (vec!["w=said".to_string(), "p1=Cap".to_string()], true),
            (vec!["w=the".to_string(), "p1=^".to_string()], false),
        ];
        let fit = Fit {
            epochs: 20,
            l2: 0.0,
            prune: 0.0,
            min_count: 1,
            batch: false,
        };
        let m = Model::fit(&ex, &fit);
        let back = Model::parse(&m.to_text("test")).unwrap();
        assert!(back.probability(&ex[0].0) > 0.5);
        assert!(back.probability(&ex[1].0) < 0.5);
        assert_eq!(back.len(), m.len());
    }

    #[test]
    fn a_batch_fit_does_not_depend_on_the_rows_order() {
        let rows: Vec<(Vec<String>, bool)> = (0..40)
            .map(|i| {
                let f = vec![format!("a={}", i % 3), format!("b={}", i % 5)];
                (f, i % 3 == 0 || i % 7 == 0)
            })
            .collect();
        let fit = Fit {
            epochs: 50,
            l2: 1e-3,
            prune: 0.0,
            min_count: 1,
            batch: true,
        };
        let mut reversed = rows.clone();
        reversed.reverse();
        let (a, b) = (Model::fit(&rows, &fit), Model::fit(&reversed, &fit));
        assert_eq!(a.to_text(""), b.to_text(""));
        // It learns: `a=0` rows are all positive.
        assert!(a.probability(&["a=0".to_string(), "b=1".to_string()]) > 0.6);
        // Stochastic steps in another order give another model.
        let sgd = Fit {
            batch: false,
            ..fit
        };
        assert_ne!(
            Model::fit(&rows, &sgd).to_text(""),
            Model::fit(&reversed, &sgd).to_text("")
        );
    }

    #[test]
    fn a_bad_model_file_is_named_by_line() {
        let err = Model::parse("# bias=0 threshold=0.5\nw=said 1.0\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = Model::parse("# bias=0\n").unwrap_err();
        assert!(err.contains("threshold"), "{err}");
    }
}
