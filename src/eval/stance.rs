//! Stance and NLI evaluation: datasets, and the metrics `stance eval`
//! reports.
//!
//! Formats:
//! - `snli`: SNLI JSON lines (`sentence1`, `sentence2`, `gold_label`);
//!   pairs are scored as NLI, premise against hypothesis, and rows whose
//!   gold label is `-` (no annotator majority) are dropped and counted;
//! - `csv` / `jsonl`: rows of `text,label[,target]`, the shape researchers
//!   bring; labels are `favor`, `against` or `none` (`neutral` is read as
//!   `none`); a row without a target uses the default one.
//!
//! Metrics: accuracy, macro-F1, per-class precision, recall and F1, the
//! confusion matrix, and F_avg, the SemEval-2016 stance metric: the mean of
//! F1(favor) and F1(against).

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::Serialize;

use crate::score::Stance;

/// Stance labels, in the order of [`Metrics`] rows and columns.
pub const STANCE_LABELS: [&str; 3] = crate::score::Stance::NAMES;
/// NLI labels in the same order (entailment is favor).
pub const NLI_LABELS: [&str; 3] = ["entailment", "contradiction", "neutral"];

/// How a dataset file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    Snli,
    Csv,
    Jsonl,
}

impl Format {
    /// `explicit` if given, else guessed from the file name; an error says
    /// to pass `--format`.
    pub fn resolve(explicit: Option<Format>, path: &Path) -> Result<Format> {
        match explicit.or_else(|| Format::guess(path)) {
            Some(f) => Ok(f),
            None => bail!(
                "{}: cannot tell the format from the name; say which it is: snli, csv or jsonl",
                path.display()
            ),
        }
    }

    /// Guess from the file name: `.csv` is csv, a name with `snli` is snli,
    /// other `.jsonl` is jsonl.
    pub fn guess(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_lowercase();
        if name.ends_with(".csv") {
            Some(Format::Csv)
        } else if name.contains("snli") {
            Some(Format::Snli)
        } else if name.ends_with(".jsonl") || name.ends_with(".json") {
            Some(Format::Jsonl)
        } else {
            None
        }
    }
}

/// One labelled example.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub text: String,
    /// The target claim (stance formats) or the hypothesis itself (snli).
    pub target: Option<String>,
    /// Index into [`STANCE_LABELS`].
    pub label: usize,
    /// The row's `split` column (`dev`, `test`, …), if the data has one.
    pub split: Option<String>,
    /// The row's `source` column: which release or set it came from.
    pub source: Option<String>,
    /// The row's `group` column: its claim or topic (bootstrap unit).
    pub group: Option<String>,
}

/// A loaded dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub format: Format,
    pub examples: Vec<Example>,
    /// Rows left out, with why (SNLI's `-` labels, empty labels).
    pub dropped: usize,
    /// Rows that repeat an earlier row's text, target and label (kept;
    /// worth a warning: they weigh twice).
    pub duplicates: usize,
}

/// A user's own label names for favor, against and none
/// (`--labels favor=agree,against=disagree,none=neutral`); empty: the
/// usual names ([`parse_stance_label`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelNames(Vec<(String, usize)>);

impl LabelNames {
    /// Parse `favor=X,against=Y,none=Z` (any of the three, each once; a
    /// stance may name several labels with `|`: `none=neutral|unrelated`).
    pub fn parse(spec: &str) -> Result<Self> {
        let mut names = Vec::new();
        for part in spec.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((stance, raw)) = part.split_once('=') else {
                anyhow::bail!(
                    "--labels {spec}: `{part}` is not STANCE=LABEL (favor=agree,against=disagree,none=neutral)"
                );
            };
            let Some(i) = Stance::from_name(stance.trim()).map(Stance::index) else {
                anyhow::bail!(
                    "--labels {spec}: `{}` is not favor, against or none",
                    stance.trim()
                );
            };
            for r in raw.split('|') {
                let r = r.trim().to_lowercase();
                if r.is_empty() || names.iter().any(|(n, _)| *n == r) {
                    anyhow::bail!("--labels {spec}: the label `{r}` is empty or given twice");
                }
                names.push((r, i));
            }
        }
        Ok(LabelNames(names))
    }

    /// The stance a label names, by this mapping (or the usual names
    /// without one).
    pub fn get(&self, raw: &str) -> Option<usize> {
        if self.0.is_empty() {
            return parse_stance_label(raw);
        }
        let raw = raw.trim().to_lowercase();
        self.0.iter().find(|(n, _)| *n == raw).map(|&(_, i)| i)
    }

    /// What an unknown label is told.
    fn expected(&self) -> String {
        if self.0.is_empty() {
            "is not favor, against or none (map your own names with --labels \
             favor=X,against=Y,none=Z)"
                .to_string()
        } else {
            let names: Vec<&str> = self.0.iter().map(|(n, _)| n.as_str()).collect();
            format!("is none of the --labels names ({})", names.join(", "))
        }
    }
}

/// Read a stance label: favor/against/none, with common spellings.
pub fn parse_stance_label(s: &str) -> Option<usize> {
    match s.trim().to_lowercase().as_str() {
        "favor" | "favour" | "pro" | "for" | "support" => Some(Stance::Favor.index()),
        "against" | "con" | "oppose" => Some(Stance::Against.index()),
        "none" | "neutral" | "neither" | "unrelated" => Some(Stance::None.index()),
        _ => None,
    }
}

fn parse_nli_label(s: &str) -> Option<usize> {
    NLI_LABELS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(s.trim()))
}

/// The non-blank lines of a JSON-lines file, parsed, with 1-based line
/// numbers.
fn json_lines<'a>(
    text: &'a str,
    path: &'a Path,
) -> impl Iterator<Item = (usize, Result<serde_json::Value>)> + 'a {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(move |(i, l)| {
            let v = serde_json::from_str(l)
                .with_context(|| format!("{}, line {}: not JSON", path.display(), i + 1));
            (i + 1, v)
        })
}

fn str_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key).and_then(|x| x.as_str()).map(str::to_string)
}

/// Load a dataset file.
pub fn load(path: &Path, format: Format) -> Result<Dataset> {
    load_with(path, format, &LabelNames::default())
}

/// Load a dataset file whose stance labels are named by `names`.
pub fn load_with(path: &Path, format: Format, names: &LabelNames) -> Result<Dataset> {
    let text = crate::ingest::read_text(path)?;
    let mut examples = Vec::new();
    let mut dropped = 0;
    let where_ = |line: usize| format!("{}, line {line}", path.display());
    match format {
        Format::Snli => {
            for (line, v) in json_lines(&text, path) {
                let v = v?;
                let field = |k: &str| -> Result<String> {
                    str_field(&v, k).with_context(|| format!("{}: no `{k}` string", where_(line)))
                };
                let gold = field("gold_label")?;
                if gold == "-" {
                    dropped += 1;
                    continue;
                }
                let label = parse_nli_label(&gold).with_context(|| {
                    format!(
                        "{}: gold_label `{gold}` is not entailment, contradiction, neutral or -",
                        where_(line)
                    )
                })?;
                examples.push(Example {
                    text: field("sentence1")?,
                    target: Some(field("sentence2")?),
                    label,
                    split: None,
                    source: None,
                    group: None,
                });
            }
        }
        Format::Jsonl => {
            for (line, v) in json_lines(&text, path) {
                let v = v?;
                let field = |k: &str| -> Result<String> {
                    str_field(&v, k).with_context(|| format!("{}: no `{k}` string", where_(line)))
                };
                let raw = field("label")?;
                // Not labelled yet (a to-label.csv half done): left out.
                if raw.trim().is_empty() {
                    dropped += 1;
                    continue;
                }
                let label = names.get(&raw).with_context(|| {
                    format!("{}: label `{raw}` {}", where_(line), names.expected())
                })?;
                let text = field("text")?;
                if text.trim().is_empty() {
                    anyhow::bail!(
                        "{}: the text is empty; fill it in or remove the row",
                        where_(line)
                    );
                }
                examples.push(Example {
                    text,
                    target: str_field(&v, "target").filter(|t| !t.trim().is_empty()),
                    label,
                    split: str_field(&v, "split"),
                    source: str_field(&v, "source"),
                    group: str_field(&v, "group"),
                });
            }
        }
        Format::Csv => {
            let mut r = csv::Reader::from_reader(text.as_bytes());
            let headers = r
                .headers()
                .with_context(|| format!("{}: no header row", path.display()))?
                .clone();
            let col = |name: &str| {
                headers
                    .iter()
                    .position(|h| h.trim().eq_ignore_ascii_case(name))
            };
            let (Some(ti), Some(li)) = (col("text"), col("label")) else {
                bail!(
                    "{}: the header needs `text` and `label` columns (and optionally `target`); it has {:?}",
                    path.display(),
                    headers.iter().collect::<Vec<_>>()
                );
            };
            let gi = col("target");
            let si = col("split");
            let (src_i, grp_i) = (col("source"), col("group"));
            for (i, rec) in r.records().enumerate() {
                let row = i + 2;
                let rec = rec.with_context(|| format!("{}: bad CSV", where_(row)))?;
                let raw = rec.get(li).unwrap_or("");
                // Not labelled yet (a to-label.csv half done): left out.
                if raw.trim().is_empty() {
                    dropped += 1;
                    continue;
                }
                let label = names.get(raw).with_context(|| {
                    format!("{}: label `{raw}` {}", where_(row), names.expected())
                })?;
                let text = rec.get(ti).unwrap_or("");
                if text.trim().is_empty() {
                    anyhow::bail!(
                        "{}: the text is empty; fill it in or remove the row",
                        where_(row)
                    );
                }
                examples.push(Example {
                    text: text.to_string(),
                    target: gi
                        .and_then(|g| rec.get(g))
                        .map(str::to_string)
                        .filter(|t| !t.trim().is_empty()),
                    label,
                    split: si.and_then(|c| rec.get(c)).map(|v| v.trim().to_string()),
                    source: src_i.and_then(|c| rec.get(c)).map(|v| v.trim().to_string()),
                    group: grp_i.and_then(|c| rec.get(c)).map(|v| v.trim().to_string()),
                });
            }
        }
    }
    if examples.is_empty() {
        bail!("{}: no labelled examples", path.display());
    }
    let mut seen = std::collections::HashSet::new();
    let duplicates = examples
        .iter()
        .filter(|e| !seen.insert((e.text.as_str(), e.target.as_deref(), e.label)))
        .count();
    Ok(Dataset {
        format,
        examples,
        dropped,
        duplicates,
    })
}

impl Dataset {
    /// Keep only the rows of one split (the `split` column).
    pub fn only_split(mut self, split: &str) -> Result<Self> {
        self.examples.retain(|e| e.split.as_deref() == Some(split));
        if self.examples.is_empty() {
            bail!("no rows have split `{split}` (the data needs a `split` column)");
        }
        Ok(self)
    }

    /// Each example's hypothesis: SNLI's own, else the example's target (or
    /// `default_target`) through `template`.
    pub fn hypotheses(&self, template: &str, default_target: &str) -> Result<Vec<String>> {
        self.examples
            .iter()
            .map(|e| match (self.format, &e.target) {
                (Format::Snli, Some(h)) => Ok(h.clone()),
                (_, t) => {
                    crate::score::hypothesis(template, t.as_deref().unwrap_or(default_target))
                }
            })
            .collect()
    }
}

/// Load `path` in `format` (else guessed from its name), keeping only the
/// rows of `split` when one is given.
pub fn open(path: &Path, format: Option<Format>, split: Option<&str>) -> Result<Dataset> {
    open_with(path, format, split, &LabelNames::default())
}

/// [`open`], with the stance labels named by `names`.
pub fn open_with(
    path: &Path,
    format: Option<Format>,
    split: Option<&str>,
    names: &LabelNames,
) -> Result<Dataset> {
    let mut data = load_with(path, Format::resolve(format, path)?, names)?;
    if let Some(s) = split {
        data = data
            .only_split(s)
            .with_context(|| path.display().to_string())?;
    }
    Ok(data)
}

/// Per-class precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

/// The metrics of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub labels: Vec<String>,
    pub n: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    /// Mean of F1 of the first two labels (favor and against).
    pub f_avg: f64,
    pub per_class: Vec<ClassScores>,
    /// `confusion[gold][predicted]`.
    pub confusion: Vec<Vec<usize>>,
}

fn div(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        0.0
    } else {
        a / b
    }
}

impl Metrics {
    /// Metrics of predictions against gold labels (indices into `labels`).
    pub fn compute(labels: &[&str], gold: &[usize], pred: &[usize]) -> Metrics {
        let k = labels.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (&g, &p) in gold.iter().zip(pred) {
            confusion[g][p] += 1;
        }
        let n = gold.len();
        let correct: usize = (0..k).map(|i| confusion[i][i]).sum();
        let per_class: Vec<ClassScores> = (0..k)
            .map(|c| {
                let tp = confusion[c][c] as f64;
                let predicted: usize = (0..k).map(|g| confusion[g][c]).sum();
                let support: usize = confusion[c].iter().sum();
                let precision = div(tp, predicted as f64);
                let recall = div(tp, support as f64);
                ClassScores {
                    precision,
                    recall,
                    f1: div(2.0 * precision * recall, precision + recall),
                    support,
                }
            })
            .collect();
        Metrics {
            labels: labels.iter().map(|s| s.to_string()).collect(),
            n,
            accuracy: div(correct as f64, n as f64),
            macro_f1: per_class.iter().map(|c| c.f1).sum::<f64>() / k as f64,
            f_avg: (per_class[0].f1 + per_class[1].f1) / 2.0,
            per_class,
            confusion,
        }
    }

    /// The report as text.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{} examples: accuracy {:.1}, macro-F1 {:.1}, F_avg {:.1} (mean F1 of {} and {})\n",
            self.n,
            100.0 * self.accuracy,
            100.0 * self.macro_f1,
            100.0 * self.f_avg,
            self.labels[0],
            self.labels[1]
        );
        s.push_str(&format!(
            "{:<14} {:>9} {:>7} {:>6} {:>8}\n",
            "class", "precision", "recall", "F1", "support"
        ));
        for (l, c) in self.labels.iter().zip(&self.per_class) {
            s.push_str(&format!(
                "{:<14} {:>9.1} {:>7.1} {:>6.1} {:>8}\n",
                l,
                100.0 * c.precision,
                100.0 * c.recall,
                100.0 * c.f1,
                c.support
            ));
        }
        s.push_str("confusion (rows gold, columns predicted):\n");
        s.push_str(&format!("{:<14}", ""));
        for l in &self.labels {
            s.push_str(&format!(" {l:>13}"));
        }
        s.push('\n');
        for (l, row) in self.labels.iter().zip(&self.confusion) {
            s.push_str(&format!("{l:<14}"));
            for v in row {
                s.push_str(&format!(" {v:>13}"));
            }
            s.push('\n');
        }
        s
    }
}

impl Metrics {
    /// Macro-F1 over the labels that occur in the gold data: a set with
    /// only favor and against averages those two, so a `none` it never
    /// asks for costs recall but adds no zero.
    pub fn macro_f1_present(&self) -> f64 {
        let present: Vec<f64> = self
            .per_class
            .iter()
            .filter(|c| c.support > 0)
            .map(|c| c.f1)
            .collect();
        div(present.iter().sum(), present.len() as f64)
    }
}

/// One source's figures, beside its majority-class baseline.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFigures {
    pub source: String,
    pub n: usize,
    /// Claims (groups) in the source.
    pub claims: usize,
    pub accuracy: f64,
    /// Over the labels present in the source's gold data.
    pub macro_f1: f64,
    pub f_avg: f64,
    /// The label a majority-class baseline always answers.
    pub majority_label: String,
    pub majority_accuracy: f64,
    pub majority_macro_f1: f64,
}

/// Figures per source and their means, with bootstrap intervals over claims.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub sources: Vec<SourceFigures>,
    /// Mean over sources of macro-F1 (each source weighs the same).
    pub mean_macro_f1: f64,
    /// 95% bootstrap interval of `mean_macro_f1`, resampling claims
    /// within each source.
    pub mean_macro_f1_ci: (f64, f64),
    pub mean_f_avg: f64,
    pub mean_f_avg_ci: (f64, f64),
    /// The majority baselines' mean macro-F1.
    pub majority_mean_macro_f1: f64,
    pub bootstrap_rounds: usize,
}

/// Per-source figures of predictions `pred` against `examples` (stance
/// labels), or `None` when the data has no `source` column. Rows without a
/// group count as their own claim.
pub fn by_source(examples: &[Example], pred: &[usize], rounds: usize) -> Option<SourceReport> {
    if examples.iter().all(|e| e.source.is_none()) {
        return None;
    }
    use std::collections::BTreeMap;
    // source -> claim -> example indices
    let mut tree: BTreeMap<&str, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
    for (i, e) in examples.iter().enumerate() {
        let src = e.source.as_deref().unwrap_or("(none)");
        let claim = e
            .group
            .clone()
            .or_else(|| e.target.clone())
            .unwrap_or_else(|| format!("row {i}"));
        tree.entry(src)
            .or_default()
            .entry(claim)
            .or_default()
            .push(i);
    }
    let metrics = |idx: &[usize]| {
        let gold: Vec<usize> = idx.iter().map(|&i| examples[i].label).collect();
        let p: Vec<usize> = idx.iter().map(|&i| pred[i]).collect();
        Metrics::compute(&STANCE_LABELS, &gold, &p)
    };
    let mut sources = Vec::new();
    for (src, claims) in &tree {
        let idx: Vec<usize> = claims.values().flatten().copied().collect();
        let m = metrics(&idx);
        let counts: Vec<usize> = m.per_class.iter().map(|c| c.support).collect();
        let major = (0..counts.len())
            .max_by_key(|&c| (counts[c], usize::MAX - c))
            .unwrap_or(0);
        let gold: Vec<usize> = idx.iter().map(|&i| examples[i].label).collect();
        let base = Metrics::compute(&STANCE_LABELS, &gold, &vec![major; gold.len()]);
        sources.push(SourceFigures {
            source: src.to_string(),
            n: idx.len(),
            claims: claims.len(),
            accuracy: m.accuracy,
            macro_f1: m.macro_f1_present(),
            f_avg: m.f_avg,
            majority_label: STANCE_LABELS[major].to_string(),
            majority_accuracy: base.accuracy,
            majority_macro_f1: base.macro_f1_present(),
        });
    }
    let mean = |f: &dyn Fn(&SourceFigures) -> f64| {
        sources.iter().map(f).sum::<f64>() / sources.len().max(1) as f64
    };
    let mut rng = crate::stats::SplitMix::new(0x5eed);
    let (mut mf, mut fa) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for _ in 0..rounds {
        let (mut sum_mf, mut sum_fa) = (0.0, 0.0);
        for claims in tree.values() {
            let groups: Vec<&Vec<usize>> = claims.values().collect();
            let mut idx = Vec::new();
            for _ in 0..groups.len() {
                idx.extend_from_slice(groups[rng.below(groups.len())]);
            }
            let m = metrics(&idx);
            sum_mf += m.macro_f1_present();
            sum_fa += m.f_avg;
        }
        mf.push(sum_mf / tree.len() as f64);
        fa.push(sum_fa / tree.len() as f64);
    }
    mf.sort_by(f64::total_cmp);
    fa.sort_by(f64::total_cmp);
    Some(SourceReport {
        mean_macro_f1: mean(&|s| s.macro_f1),
        mean_macro_f1_ci: (
            crate::stats::percentile(&mf, 0.025),
            crate::stats::percentile(&mf, 0.975),
        ),
        mean_f_avg: mean(&|s| s.f_avg),
        mean_f_avg_ci: (
            crate::stats::percentile(&fa, 0.025),
            crate::stats::percentile(&fa, 0.975),
        ),
        majority_mean_macro_f1: mean(&|s| s.majority_macro_f1),
        bootstrap_rounds: rounds,
        sources,
    })
}

impl SourceReport {
    /// The report as a text table.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{:<20} {:>6} {:>6} {:>6} {:>9} {:>6}   {:>9} {:>9}\n",
            "source", "pairs", "claims", "acc", "macro-F1", "F_avg", "maj. acc", "maj. mF1"
        );
        for f in &self.sources {
            s.push_str(&format!(
                "{:<20} {:>6} {:>6} {:>6.1} {:>9.1} {:>6.1}   {:>9.1} {:>9.1}  ({})\n",
                f.source,
                f.n,
                f.claims,
                100.0 * f.accuracy,
                100.0 * f.macro_f1,
                100.0 * f.f_avg,
                100.0 * f.majority_accuracy,
                100.0 * f.majority_macro_f1,
                f.majority_label
            ));
        }
        s.push_str(&format!(
            "mean over {} sources: macro-F1 {:.1} [{:.1}, {:.1}], F_avg {:.1} [{:.1}, {:.1}] (95% bootstrap over claims, {} rounds); majority baseline macro-F1 {:.1}\n",
            self.sources.len(),
            100.0 * self.mean_macro_f1,
            100.0 * self.mean_macro_f1_ci.0,
            100.0 * self.mean_macro_f1_ci.1,
            100.0 * self.mean_f_avg,
            100.0 * self.mean_f_avg_ci.0,
            100.0 * self.mean_f_avg_ci.1,
            self.bootstrap_rounds,
            100.0 * self.majority_mean_macro_f1
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(label: usize, source: &str, group: &str) -> Example {
        Example {
            text: String::new(),
            target: None,
            label,
            split: None,
            source: Some(source.into()),
            group: Some(group.into()),
        }
    }

    #[test]
    fn by_source_averages_sources_and_beats_nothing_for_free() {
        // Source a: favor/against only; source b: all three labels.
        let examples = vec![
            ex(0, "a", "g1"),
            ex(0, "a", "g1"),
            ex(1, "a", "g2"),
            ex(1, "a", "g2"),
            ex(0, "b", "h1"),
            ex(2, "b", "h1"),
            ex(2, "b", "h2"),
            ex(1, "b", "h3"),
        ];
        let perfect: Vec<usize> = examples.iter().map(|e| e.label).collect();
        let r = by_source(&examples, &perfect, 200).unwrap();
        assert_eq!(r.sources.len(), 2);
        assert!((r.mean_macro_f1 - 1.0).abs() < 1e-12);
        assert_eq!(r.mean_macro_f1_ci, (1.0, 1.0));
        // The majority baseline of `a` (favor, tie broken to the first
        // label) gets half right; present-label macro-F1 over favor and
        // against is (2/3 + 0) / 2.
        let a = &r.sources[0];
        assert_eq!((a.claims, a.majority_label.as_str()), (2, "favor"));
        assert!((a.majority_accuracy - 0.5).abs() < 1e-12);
        assert!((a.majority_macro_f1 - 1.0 / 3.0).abs() < 1e-12);
        // Answering `none` everywhere in `a` scores zero there.
        let nones = vec![2; examples.len()];
        let r = by_source(&examples, &nones, 50).unwrap();
        assert_eq!(r.sources[0].macro_f1, 0.0);
        assert!(r.mean_macro_f1_ci.0 <= r.mean_macro_f1 && r.mean_macro_f1 <= r.mean_macro_f1_ci.1);
        // No source column: no report.
        let mut plain = examples.clone();
        plain.iter_mut().for_each(|e| e.source = None);
        assert!(by_source(&plain, &perfect, 10).is_none());
    }

    #[test]
    fn metrics_computed_by_hand() {
        // gold:  F F F A A N N N N N
        // pred:  F F A A N N N F N N
        let gold = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2];
        let pred = [0, 0, 1, 1, 2, 2, 2, 0, 2, 2];
        let m = Metrics::compute(&STANCE_LABELS, &gold, &pred);
        assert_eq!(
            m.confusion,
            vec![vec![2, 1, 0], vec![0, 1, 1], vec![1, 0, 4]]
        );
        assert!((m.accuracy - 0.7).abs() < 1e-12);
        // favor: P 2/3, R 2/3, F1 2/3. against: P 1/2, R 1/2, F1 1/2.
        // none: P 4/5, R 4/5, F1 4/5.
        assert!((m.per_class[0].f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.per_class[1].f1 - 0.5).abs() < 1e-12);
        assert!((m.per_class[2].precision - 0.8).abs() < 1e-12);
        assert!((m.f_avg - (2.0 / 3.0 + 0.5) / 2.0).abs() < 1e-12);
        assert!((m.macro_f1 - (2.0 / 3.0 + 0.5 + 0.8) / 3.0).abs() < 1e-12);
        assert_eq!(m.per_class[2].support, 5);
    }

    #[test]
    fn a_class_never_predicted_scores_zero_not_nan() {
        let m = Metrics::compute(&STANCE_LABELS, &[0, 1, 2], &[2, 2, 2]);
        assert_eq!(m.per_class[0].precision, 0.0);
        assert_eq!(m.per_class[0].f1, 0.0);
        assert_eq!(m.f_avg, 0.0);
        assert!((m.accuracy - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn loads_the_three_formats() {
        let dir = tempfile::tempdir().unwrap();
        let snli = dir.path().join("snli_test.jsonl");
        std::fs::write(
            &snli,
            "{\"sentence1\": \"A man sleeps.\", \"sentence2\": \"A man rests.\", \"gold_label\": \"entailment\"}\n\
             {\"sentence1\": \"A dog runs.\", \"sentence2\": \"A cat sits.\", \"gold_label\": \"-\"}\n\
             {\"sentence1\": \"A dog runs.\", \"sentence2\": \"No dog runs.\", \"gold_label\": \"contradiction\"}\n",
        )
        .unwrap();
        let d = load(&snli, Format::guess(&snli).unwrap()).unwrap();
        assert_eq!(d.format, Format::Snli);
        assert_eq!((d.examples.len(), d.dropped), (2, 1));
        assert_eq!(d.examples[1].label, 1);

        let csv = dir.path().join("mine.csv");
        std::fs::write(&csv, "text,label,target\n\"Wages must rise, she said.\",favor,The minimum wage should be raised\nIt rained.,neutral,\n").unwrap();
        let d = load(&csv, Format::guess(&csv).unwrap()).unwrap();
        assert_eq!(d.examples[0].label, 0);
        assert_eq!(d.examples[1].label, 2);
        assert_eq!(d.examples[1].target, None);

        let bad = dir.path().join("bad.csv");
        std::fs::write(&bad, "text,label\nFine.,favor\nHmm.,maybe\n").unwrap();
        let err = load(&bad, Format::Csv).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("maybe"), "{err}");

        let jl = dir.path().join("mine.jsonl");
        std::fs::write(
            &jl,
            "{\"text\": \"No.\", \"label\": \"against\", \"target\": \"X\"}\n",
        )
        .unwrap();
        let d = load(&jl, Format::Jsonl).unwrap();
        assert_eq!(d.examples[0].target.as_deref(), Some("X"));
    }
}

/// What [`evaluate`] measured: the metrics, per source where the data has
/// sources, and each example's probabilities.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub metrics: Metrics,
    /// Per source, beside each source's majority baseline (data with a
    /// `source` column; never for SNLI).
    pub by_source: Option<SourceReport>,
    pub probs: Vec<crate::score::Probs>,
    /// Seconds spent scoring.
    pub secs: f64,
}

impl Evaluation {
    /// The metrics as JSON, with the per-source figures under
    /// `by_source` (what `stance eval --out` writes).
    pub fn to_json(&self) -> Result<serde_json::Value> {
        let mut json = serde_json::to_value(&self.metrics)?;
        if let (Some(r), Some(obj)) = (&self.by_source, json.as_object_mut()) {
            obj.insert("by_source".into(), serde_json::to_value(r)?);
        }
        Ok(json)
    }
}

/// Score every example of `data` against its hypothesis (`hypotheses`,
/// one per example: [`Dataset::hypotheses`]) and measure: what `stance
/// eval` prints.
pub fn evaluate(
    data: &Dataset,
    hypotheses: &[String],
    scorer: &crate::score::Scorer,
) -> Result<Evaluation> {
    if hypotheses.len() != data.examples.len() {
        anyhow::bail!(
            "{} hypotheses for {} examples",
            hypotheses.len(),
            data.examples.len()
        );
    }
    let pairs: Vec<(&str, &str)> = data
        .examples
        .iter()
        .zip(hypotheses)
        .map(|(e, h)| (e.text.as_str(), h.as_str()))
        .collect();
    let t0 = std::time::Instant::now();
    let (probs, _) = scorer.score(&pairs)?;
    let secs = t0.elapsed().as_secs_f64();
    let pred: Vec<usize> = probs.iter().map(|p| p.index()).collect();
    let gold: Vec<usize> = data.examples.iter().map(|e| e.label).collect();
    let labels: &[&str] = if data.format == Format::Snli {
        &NLI_LABELS
    } else {
        &STANCE_LABELS
    };
    let metrics = Metrics::compute(labels, &gold, &pred);
    let by_source = if data.format == Format::Snli {
        None
    } else {
        by_source(&data.examples, &pred, 1000)
    };
    Ok(Evaluation {
        metrics,
        by_source,
        probs,
        secs,
    })
}
