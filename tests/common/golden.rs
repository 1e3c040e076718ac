//! Comparing a run's tables with committed goldens on any CPU.
//!
//! Text, offsets, speakers and counts must match exactly. Probabilities,
//! scores and means are floats: the fp32 kernels take other paths on other
//! CPUs (AVX2, AVX-512, bf16), so they compare within a stated tolerance.
//! Fields decided by a threshold (a sentence's argmax `stance`, on topic at
//! `none` < 0.5, the relevance gate, a speaker's or document's position)
//! compare exactly, except where the golden's own margin to that threshold
//! is below the tolerance: such a row is reported and may differ, and the
//! summaries that count it are then compared on their identity alone.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use super::read_csv;

/// How far numbers may move, and why.
#[derive(Clone, Copy, Debug)]
pub struct Tolerance {
    /// Largest absolute difference of a probability, score or mean.
    pub number: f64,
    /// Named in messages: `fp32`, `bf16`.
    pub name: &'static str,
}

/// fp32 on another CPU: the sums run in another order, so the last digits
/// move (seen: 1e-6 between AMD EPYC and Intel Xeon).
pub const FP32: Tolerance = Tolerance {
    number: 1e-5,
    name: "fp32",
};

/// bf16 against the fp32 goldens (8 significant bits in every product).
pub const BF16: Tolerance = Tolerance {
    number: 0.06,
    name: "bf16",
};

/// The golden folder of the founding article.
pub fn founding_dir() -> PathBuf {
    super::root().join("tests/fixtures/golden/helsinki-summit")
}

/// Where the goldens were blessed, written beside them.
pub const BLESSED: &str = "blessed.json";

/// The tables a run's golden holds: sentences, summary, documents and
/// every speaker file, as paths relative to the output folder.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![
        PathBuf::from("sentences.csv"),
        PathBuf::from("summary.csv"),
        PathBuf::from("documents.csv"),
    ];
    let mut speakers: Vec<PathBuf> = std::fs::read_dir(dir.join("speakers"))
        .unwrap()
        .map(|e| PathBuf::from("speakers").join(e.unwrap().file_name()))
        .collect();
    speakers.sort();
    out.extend(speakers);
    out
}

/// This machine's CPU as `/proc/cpuinfo` names it: vendor, family, model
/// name (empty where there is no such file).
pub fn cpu() -> (String, String, String) {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let field = |name: &str| {
        info.lines()
            .find(|l| l.split(':').next().is_some_and(|k| k.trim() == name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    (field("vendor_id"), field("cpu family"), field("model name"))
}

/// What `blessed.json` records: the CPU and the kernels the goldens came
/// from.
pub fn blessing() -> serde_json::Value {
    let (vendor, family, model) = cpu();
    serde_json::json!({
        "cpu_vendor": vendor,
        "cpu_family": family,
        "cpu_model": model,
        "kernel_tier": stance::score::kernel_tier(stance::score::Precision::Fp32),
        "backend": "candle",
        "precision": "fp32",
        "stance": env!("CARGO_PKG_VERSION"),
    })
}

/// Copy a run's tables into `golden` and write `blessed.json`.
pub fn bless(out: &Path, golden: &Path) {
    std::fs::remove_dir_all(golden).ok();
    std::fs::create_dir_all(golden.join("speakers")).unwrap();
    for f in files(out) {
        std::fs::copy(out.join(&f), golden.join(&f)).unwrap();
    }
    let text = serde_json::to_string_pretty(&blessing()).unwrap() + "\n";
    std::fs::write(golden.join(BLESSED), text).unwrap();
    eprintln!("rewrote {}", golden.display());
}

/// A line for a failure message when this CPU is not the one the goldens
/// were blessed on (empty when it is, or when nothing was recorded).
pub fn cpu_note(golden: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(golden.join(BLESSED)) else {
        return String::new();
    };
    let was: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let now = blessing();
    let same = ["cpu_vendor", "cpu_family", "kernel_tier"]
        .iter()
        .all(|k| was[k] == now[k]);
    if same {
        return String::new();
    }
    format!(
        "\nnote: the goldens were blessed on {} {} (family {}, kernels {}); this is {} {} \
         (family {}, kernels {}). Numbers may differ in their last digits between CPU \
         families, which the tolerance allows; a difference beyond it is real.",
        was["cpu_vendor"].as_str().unwrap_or("?"),
        was["cpu_model"].as_str().unwrap_or("?"),
        was["cpu_family"].as_str().unwrap_or("?"),
        was["kernel_tier"].as_str().unwrap_or("?"),
        now["cpu_vendor"].as_str().unwrap_or("?"),
        now["cpu_model"].as_str().unwrap_or("?"),
        now["cpu_family"].as_str().unwrap_or("?"),
        now["kernel_tier"].as_str().unwrap_or("?"),
    )
}

type Row = HashMap<String, String>;

fn num(row: &Row, col: &str) -> Option<f64> {
    row.get(col).and_then(|v| v.parse::<f64>().ok())
}

/// Smallest distance of a sentence row's threshold-decided fields from
/// their thresholds, in the golden: the argmax's top-two gap and `none`'s
/// distance from 0.5. (The gate's cosine is not in the table; a flip of
/// the gate is judged by [`Compared::gate_flips`].)
fn sentence_margin(row: &Row) -> f64 {
    let (Some(f), Some(a), Some(n)) = (num(row, "favor"), num(row, "against"), num(row, "none"))
    else {
        return f64::INFINITY;
    };
    let mut p = [f, a, n];
    p.sort_by(|x, y| y.total_cmp(x));
    (p[0] - p[1]).min((n - 0.5).abs())
}

/// A gate ruling: probabilities exactly 0, 0, 1.
fn off_topic(row: &Row) -> bool {
    num(row, "favor") == Some(0.0)
        && num(row, "against") == Some(0.0)
        && num(row, "none") == Some(1.0)
}

/// Distance of a position from the rule's thresholds (docs/output.md):
/// the on-topic mean's from ±0.1, the interval's ends from zero.
fn position_margin(row: &Row) -> f64 {
    let mut m = f64::INFINITY;
    if let Some(mean) = num(row, "on_topic_mean_score") {
        m = m.min((mean.abs() - 0.1).abs());
    }
    for c in ["on_topic_ci_low", "on_topic_ci_high"] {
        if let Some(v) = num(row, c) {
            m = m.min(v.abs());
        }
    }
    m
}

/// What a comparison found.
#[derive(Default, Debug)]
pub struct Compared {
    /// Failures: table, row and column, with both values.
    pub errors: Vec<String>,
    /// Rows within the tolerance of a threshold whose decided fields
    /// differ (allowed), with their golden margin.
    pub borderline: Vec<String>,
    /// Rows whose gate ruling differs: (table, row, clause text,
    /// hypothesis); allowed only if the caller finds the cosine within the
    /// tolerance of the gate's threshold.
    pub gate_flips: Vec<(String, usize, String, String)>,
    /// Largest difference of any number.
    pub worst: f64,
}

const SENTENCE_NUMBERS: &[&str] = &["favor", "against", "none", "score"];
const SUMMARY_NUMBERS: &[&str] = &[
    "mean_score",
    "on_topic_mean_score",
    "on_topic_ci_low",
    "on_topic_ci_high",
];
const SUMMARY_COUNTS: &[&str] = &["favor", "against", "none", "on_topic"];

/// Compare every table of `files(golden)` in `out` with `golden`.
pub fn compare(out: &Path, golden: &Path, tol: Tolerance) -> Compared {
    let mut c = Compared::default();
    let (want_files, got_files) = (files(golden), files(out));
    if want_files != got_files {
        c.errors.push(format!(
            "the tables differ: golden {want_files:?}, got {got_files:?}"
        ));
        return c;
    }
    // Summaries whose counts may differ because a borderline row flipped:
    // (speaker, target) and (doc_id, target).
    let mut loose_speakers = BTreeSet::new();
    let mut loose_docs = BTreeSet::new();
    let sentence_tables: Vec<&PathBuf> = want_files
        .iter()
        .filter(|f| f.starts_with("speakers") || f.as_path() == Path::new("sentences.csv"))
        .collect();
    for f in sentence_tables {
        let name = f.display().to_string();
        let (gh, want) = read_csv(&golden.join(f));
        let (oh, got) = read_csv(&out.join(f));
        if !same_shape(&name, &gh, &oh, want.len(), got.len(), &mut c) {
            continue;
        }
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            let at = format!("{name} row {}", i + 2);
            let margin = sentence_margin(w);
            let mut decided_differ = false;
            // A gate ruling can only differ between two scored rows; an
            // unscored (skip) row against a scored one is a plain change.
            let scored = |r: &Row| num(r, "none").is_some();
            let gate_flip = scored(g) && scored(w) && off_topic(g) != off_topic(w);
            for col in &gh {
                let (a, b) = (&g[col], &w[col]);
                if SENTENCE_NUMBERS.contains(&col.as_str()) {
                    if gate_flip {
                        continue; // judged below, as a gate flip
                    }
                    number(&at, col, a, b, tol, &mut c);
                } else if col == "stance" {
                    if a != b {
                        decided_differ = true;
                        if margin >= tol.number && !gate_flip {
                            c.errors.push(format!(
                                "{at}: stance {a}, golden {b} (golden margin {margin:.6} > \
                                 tolerance {})",
                                tol.number
                            ));
                        }
                    }
                } else if a != b {
                    c.errors.push(format!("{at}: {col} is `{a}`, golden `{b}`"));
                }
            }
            let on_topic = |r: &Row| num(r, "none").is_some_and(|n| n < 0.5);
            if on_topic(g) != on_topic(w) {
                decided_differ = true;
                if margin >= tol.number && !gate_flip {
                    c.errors.push(format!(
                        "{at}: on topic {}, golden {} (none `{}`, golden `{}`)",
                        on_topic(g),
                        on_topic(w),
                        g["none"],
                        w["none"]
                    ));
                }
            }
            if gate_flip {
                decided_differ = true;
                c.gate_flips
                    .push((name.clone(), i + 2, clause_of(w), w["target"].clone()));
            } else if decided_differ && margin < tol.number {
                c.borderline.push(format!(
                    "{at}: within {} of a threshold (golden margin {margin:.6}); \
                     stance {} / golden {}",
                    tol.number, g["stance"], w["stance"]
                ));
            }
            if decided_differ {
                loose_speakers.insert((w["speaker"].clone(), w["target"].clone()));
                loose_docs.insert((w["doc_id"].clone(), w["target"].clone()));
            }
        }
    }
    summary(
        "summary.csv",
        out,
        golden,
        tol,
        &["speaker", "target"],
        &loose_speakers,
        &mut c,
    );
    summary(
        "documents.csv",
        out,
        golden,
        tol,
        &["doc_id", "target"],
        &loose_docs,
        &mut c,
    );
    c
}

fn same_shape(
    name: &str,
    gh: &[String],
    oh: &[String],
    want: usize,
    got: usize,
    c: &mut Compared,
) -> bool {
    if gh != oh {
        c.errors
            .push(format!("{name}: header {oh:?}, golden {gh:?}"));
        return false;
    }
    if want != got {
        c.errors.push(format!("{name}: {got} rows, golden {want}"));
        return false;
    }
    true
}

/// Two cells of a float column: both empty, or both numbers within the
/// tolerance.
fn number(at: &str, col: &str, a: &str, b: &str, tol: Tolerance, c: &mut Compared) {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => {
            let d = (x - y).abs();
            c.worst = c.worst.max(d);
            if d > tol.number {
                c.errors.push(format!(
                    "{at}: {col} is {a}, golden {b}: differs by {d:.2e}, over the {} \
                     tolerance {:e}",
                    tol.name, tol.number
                ));
            }
        }
        _ if a == b => {}
        _ => c.errors.push(format!("{at}: {col} is `{a}`, golden `{b}`")),
    }
}

/// A summary table keyed by `key`: identity exact; counts exact and
/// numbers within the tolerance unless its key counts a borderline row;
/// the position exact unless its golden margin is below the tolerance.
fn summary(
    file: &str,
    out: &Path,
    golden: &Path,
    tol: Tolerance,
    key: &[&str],
    loose: &BTreeSet<(String, String)>,
    c: &mut Compared,
) {
    let (gh, want) = read_csv(&golden.join(file));
    let (oh, got) = read_csv(&out.join(file));
    if !same_shape(file, &gh, &oh, want.len(), got.len(), c) {
        return;
    }
    let loose_key = |r: &Row| loose.contains(&(r[key[0]].clone(), r[key[1]].clone()));
    // A borderline sentence may reorder speakers of equal counts only
    // through their counts; identity is compared row by row.
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        let at = format!("{file} row {}", i + 2);
        let is_loose = loose_key(w) || loose_key(g);
        for col in &gh {
            let (a, b) = (&g[col], &w[col]);
            if SUMMARY_NUMBERS.contains(&col.as_str()) {
                if !is_loose {
                    number(&at, col, a, b, tol, c);
                }
            } else if SUMMARY_COUNTS.contains(&col.as_str()) {
                if !is_loose && a != b {
                    c.errors.push(format!("{at}: {col} is {a}, golden {b}"));
                }
            } else if col == "stance" {
                let margin = position_margin(w);
                if a != b {
                    if is_loose || margin < tol.number {
                        c.borderline.push(format!(
                            "{at}: position {a}, golden {b} (golden margin {margin:.6})"
                        ));
                    } else {
                        c.errors.push(format!(
                            "{at}: position {a}, golden {b} (golden margin {margin:.6} > \
                             tolerance {})",
                            tol.number
                        ));
                    }
                }
            } else if a != b {
                c.errors.push(format!("{at}: {col} is `{a}`, golden `{b}`"));
            }
        }
    }
}

/// Panic with every failure (and the CPU note) unless `c` holds none.
/// `gate_margin` gives, for a gate flip's (clause, target), the gate
/// cosine's distance from its threshold on this machine.
pub fn assert_matches(
    c: &Compared,
    golden: &Path,
    tol: Tolerance,
    gate_margin: impl Fn(&str, &str) -> f64,
) {
    let mut errors = c.errors.clone();
    let mut allowed = c.borderline.clone();
    for (file, row, clause, target) in &c.gate_flips {
        let m = gate_margin(clause, target);
        let line = format!(
            "{file} row {row}: the relevance gate ruled otherwise (cosine {m:.6} from its \
             threshold)"
        );
        if m < tol.number {
            allowed.push(line);
        } else {
            errors.push(line + &format!(", over the {} tolerance", tol.name));
        }
    }
    for a in &allowed {
        eprintln!("allowed, at a threshold: {a}");
    }
    if !errors.is_empty() {
        panic!(
            "the output differs from the goldens in {}:\n{}{}\n(first {} of {} shown; \
             rerun with STANCE_BLESS=1 if the change is intended, and name the files in \
             CHANGELOG.md)",
            golden.display(),
            errors
                .iter()
                .take(20)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n"),
            cpu_note(golden),
            errors.len().min(20),
            errors.len()
        );
    }
}

/// Run the founding article into a temporary folder, with `env` set (a
/// `None` value removes the variable), and compare it with the goldens
/// under `tol`; returns the run's log.
pub fn check_founding_article(env: &[(&str, Option<&str>)], tol: Tolerance) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = super::stance_cmd();
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let o = cmd
        // From the checkout, with the path relative to it, as the README's
        // command runs: documents.csv names the input as given.
        .current_dir(super::root())
        .args([
            "run",
            "datasets/helsinki-summit.txt",
            "--out",
            out.to_str().unwrap(),
        ])
        .env_remove("STANCE_MODEL_DIR")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", super::stderr(&o));
    let gold = founding_dir();
    if std::env::var("STANCE_BLESS").is_ok_and(|v| v == "1") && tol.name == "fp32" {
        bless(&out, &gold);
        return super::stderr(&o);
    }
    let c = compare(&out, &gold, tol);
    // The article's scored clauses: a ruling can turn on any of them.
    let (_, rows) = super::read_csv(&out.join("sentences.csv"));
    let clauses: Vec<String> = rows
        .iter()
        .filter(|r| r["kind"] != "skip")
        .map(clause_of)
        .collect();
    assert_matches(&c, &gold, tol, |clause, target| {
        gate_margin(clause, target, &clauses)
    });
    eprintln!("{}: largest difference {:.2e}", tol.name, c.worst);
    super::stderr(&o)
}

/// The clause a row of sentences.csv was scored on.
fn clause_of(w: &Row) -> String {
    let (start, cs, ce) = (
        w["start"].parse::<usize>().unwrap_or(0),
        w["clause_start"].parse::<usize>().unwrap_or(0),
        w["clause_end"].parse::<usize>().unwrap_or(0),
    );
    w["text"]
        .chars()
        .skip(cs.saturating_sub(start))
        .take(ce.saturating_sub(cs))
        .collect()
}

/// How near the default gate's ruling on a clause and its claim is to
/// turning, on this machine (only asked when a ruling differs from the
/// golden's): the clause's cosine from the threshold; with the gate's
/// context rule, also the document's best cosine from `context.document`
/// and, for a short clause (which takes its paragraph's best cosine; the
/// table does not say which sentences share its paragraph), the nearest
/// of `doc_clauses`' cosines to the threshold.
fn gate_margin(clause: &str, target: &str, doc_clauses: &[String]) -> f64 {
    let cfg = stance::score::cascade::CascadeConfig::load(Path::new(&super::default_model()))
        .unwrap()
        .0;
    let hyp = stance::score::hypothesis("{}.", target).unwrap();
    let cos_of = |text: &str| {
        let (emb, _) = super::default_scorer().embeddings(&[text, &hyp]).unwrap();
        stance::score::head::cosine(&emb[0], &emb[1])
    };
    let mut margin = (cos_of(clause) - cfg.threshold).abs();
    if let Some(rule) = cfg.context {
        let cos: Vec<f32> = doc_clauses.iter().map(|c| cos_of(c)).collect();
        let best = cos.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        margin = margin.min((best - rule.document).abs());
        if clause.split_whitespace().count() <= rule.short_words {
            for c in cos {
                margin = margin.min((c - cfg.threshold).abs());
            }
        }
    }
    f64::from(margin)
}
