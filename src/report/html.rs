//! `report.html`: one self-contained page per output folder, built from
//! its tables (`stance run --html`, or `stance report DIR` afterwards).
//!
//! The page is a minijinja template (`report.html.j2`, HTML-escaped
//! throughout) with inline CSS, inline SVG charts from [`super::svg`] and a
//! few lines of plain JavaScript for sorting and filtering the speaker
//! table. It needs no network when opened.
//!
//! Reading is streaming: `sentences` is read once, keeping per (target,
//! speaker) only the strongest sentences each way, up to
//! [`EVIDENCE_CAP`], so the page stays small and the build stays in bounded
//! memory however large the run.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::svg::{self, Bar};
use super::{OutputFormat, SUMMARY_COLUMNS};

/// The file written into the output folder.
pub const REPORT_FILE: &str = "report.html";
/// Speakers drawn as bars and given an evidence section, per target; the
/// rest are in the table.
pub const TOP_SPEAKERS: usize = 30;
/// A speaker with fewer sentences than this is drawn pale and flagged.
pub const FEW_SENTENCES: usize = 3;
/// Sentences kept per speaker and direction (favor, against) for the
/// evidence; the first [`EVIDENCE_SHOWN`] show, the rest expand.
pub const EVIDENCE_CAP: usize = 12;
pub const EVIDENCE_SHOWN: usize = 3;
/// Speakers followed over time or by group.
pub const SERIES: usize = 6;
/// Histogram bins over −1…1.
const BINS: usize = 20;

const TEMPLATE: &str = include_str!("report.html.j2");

#[derive(Debug, Clone, Serialize)]
struct Quote {
    text: String,
    doc_id: String,
    kind: String,
    score: String,
    #[serde(skip)]
    value: f32,
}

#[derive(Debug, Clone, Serialize)]
struct SpeakerRow {
    speaker: String,
    sentences: usize,
    favor: usize,
    against: usize,
    none: usize,
    mean_score: String,
    stance: String,
    on_topic: usize,
    on_topic_mean_score: String,
    ci: String,
    documents: usize,
    flagged: bool,
}

#[derive(Debug, Clone, Serialize)]
struct Evidence {
    speaker: String,
    position: String,
    on_topic: usize,
    sentences: usize,
    favor_shown: Vec<Quote>,
    favor_more: Vec<Quote>,
    against_shown: Vec<Quote>,
    against_more: Vec<Quote>,
}

#[derive(Debug, Clone, Serialize)]
struct TargetView {
    claim: String,
    anchor: String,
    documents: usize,
    sentences: usize,
    speakers: usize,
    on_topic_pct: String,
    gated_pct: Option<String>,
    bars_svg: String,
    bars_shown: usize,
    histogram_svg: String,
    histogram_n: usize,
    groups_svg: Option<String>,
    table: Vec<SpeakerRow>,
    evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
struct Page {
    title: String,
    stance_version: String,
    model: String,
    /// The folder of the model's card (the first model folder).
    model_card: String,
    backend: String,
    hypothesis: String,
    inputs: usize,
    group_field: Option<String>,
    targets: Vec<TargetView>,
    top: usize,
    few: usize,
    cap: usize,
    shown: usize,
    /// to-label.csv's rows, for the labelling view (empty without it).
    to_label: Vec<LabelRow>,
}

/// A sentence of to-label.csv, as the labelling view shows it.
#[derive(Debug, Clone, Serialize)]
struct LabelRow {
    text: String,
    target: String,
    doc_id: String,
    sentence_id: String,
    speaker: String,
    stance: String,
    margin: String,
    favor: String,
    against: String,
    none: String,
}

/// to-label.csv in `dir`, if there is one.
fn to_label_rows(dir: &Path) -> Result<Vec<LabelRow>> {
    let path = dir.join(super::to_label::TO_LABEL_FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let name = path.display().to_string();
    let mut r = csv::Reader::from_path(&path).with_context(|| format!("{name}: cannot read"))?;
    let header = r
        .headers()
        .with_context(|| format!("{name}: cannot read"))?
        .clone();
    let c = columns(&header, &name, &super::to_label::TO_LABEL_COLUMNS)?;
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.with_context(|| format!("{name}: cannot read"))?;
        let f = |i: usize| rec.get(c[i]).unwrap_or_default().to_string();
        rows.push(LabelRow {
            text: f(0),
            target: f(1),
            doc_id: f(3),
            sentence_id: f(4),
            speaker: f(5),
            stance: f(6),
            margin: f(7),
            favor: f(8),
            against: f(9),
            none: f(10),
        });
    }
    Ok(rows)
}

/// Per (target, speaker): the strongest sentences each way.
#[derive(Debug, Default)]
struct Strongest {
    favor: Vec<Quote>,
    against: Vec<Quote>,
}

impl Strongest {
    /// Keep `q` if it is among the strongest of its stance (`favor` or
    /// `against`; `none` is no evidence either way).
    fn offer(&mut self, q: Quote, stance: &str) {
        type Better = fn(f32, f32) -> bool;
        let (list, better): (&mut Vec<Quote>, Better) = match stance {
            "favor" => (&mut self.favor, |a, b| a > b),
            "against" => (&mut self.against, |a, b| a < b),
            _ => return,
        };
        if list.len() == EVIDENCE_CAP && !better(q.value, list[EVIDENCE_CAP - 1].value) {
            return;
        }
        let at = list
            .iter()
            .position(|x| better(q.value, x.value))
            .unwrap_or(list.len());
        list.insert(at, q);
        list.truncate(EVIDENCE_CAP);
    }
}

/// Per target: what the headline, the histogram and the shares need.
#[derive(Debug, Default)]
struct TargetStats {
    documents: usize,
    last_doc: Option<String>,
    sentences: usize,
    on_topic: usize,
    gated: usize,
    bins: Vec<usize>,
}

/// The output folder's tables, in the format it was written in.
fn format_of(dir: &Path) -> Result<OutputFormat> {
    if dir.join("sentences.csv").is_file() {
        Ok(OutputFormat::Csv)
    } else if dir.join("sentences.parquet").is_file() {
        Ok(OutputFormat::Parquet)
    } else {
        anyhow::bail!(
            "{}: no sentences.csv or sentences.parquet; give the output folder of `stance run`",
            dir.display()
        )
    }
}

/// Column positions of a table by name.
fn columns(header: &csv::StringRecord, path: &str, want: &[&str]) -> Result<Vec<usize>> {
    want.iter()
        .map(|w| {
            header
                .iter()
                .position(|h| h == *w)
                .with_context(|| format!("{path}: no `{w}` column; is it a stance output?"))
        })
        .collect()
}

fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        "0".into()
    } else {
        format!("{:.0}", 100.0 * part as f64 / whole as f64)
    }
}

/// The part of a sentence a row was scored on: its clause, when the
/// sentence holds several sources (offsets in characters from the
/// document's start, like `start`), else the whole sentence.
fn scored_clause(text: &str, start: &str, clause: [Option<&str>; 2]) -> String {
    let num = |v: Option<&str>| v.and_then(|v| v.parse::<usize>().ok());
    let (Some(s), Some(a), Some(b)) = (num(Some(start)), num(clause[0]), num(clause[1])) else {
        return text.to_string();
    };
    let n = text.chars().count();
    if a < s || b < a || b - s > n || (a == s && b - s == n) {
        return text.to_string();
    }
    text.chars().skip(a - s).take(b - a).collect()
}

/// Build `DIR/report.html` from the tables in `dir`; returns its path.
pub fn write(dir: &Path) -> Result<std::path::PathBuf> {
    let html = render(dir)?;
    let path = dir.join(REPORT_FILE);
    crate::atomic::write_file(&path, html.as_bytes())?;
    Ok(path)
}

/// The page for the output folder `dir`.
pub fn render(dir: &Path) -> Result<String> {
    let format = format_of(dir)?;
    let manifest = crate::manifest::Manifest::read(dir)?;
    let ext = format.ext();

    // summary: the speakers per target, in the table's order.
    let summary_name = format!("{}/summary.{ext}", dir.display());
    let (header, rows) = super::read_table(dir, "summary", format)?;
    let cols = columns(&header, &summary_name, &SUMMARY_COLUMNS)?;
    let mut targets: Vec<String> = Vec::new();
    let mut by_target: HashMap<String, Vec<SpeakerRow>> = HashMap::new();
    for rec in rows {
        let rec = rec?;
        let f = |i: usize| rec.get(cols[i]).unwrap_or_default();
        let n = |i: usize| -> Result<usize> {
            f(i).parse()
                .with_context(|| format!("{summary_name}: `{}` is not a count", f(i)))
        };
        let (speaker, target) = (f(0).to_string(), f(1).to_string());
        if !by_target.contains_key(&target) {
            targets.push(target.clone());
        }
        let ci = match (f(10), f(11)) {
            ("", _) | (_, "") => String::new(),
            (lo, hi) => format!("{lo} … {hi}"),
        };
        let sentences = n(2)?;
        let row = SpeakerRow {
            speaker,
            sentences,
            favor: n(3)?,
            against: n(4)?,
            none: n(5)?,
            mean_score: f(6).to_string(),
            stance: f(7).to_string(),
            on_topic: n(8)?,
            on_topic_mean_score: f(9).to_string(),
            ci,
            documents: n(12)?,
            flagged: sentences < FEW_SENTENCES,
        };
        by_target.entry(target).or_default().push(row);
    }
    // The top speakers of each target get evidence.
    let mut wanted: HashMap<(String, String), Strongest> = HashMap::new();
    for (t, rows) in &by_target {
        for r in rows.iter().take(TOP_SPEAKERS) {
            wanted.insert((t.clone(), r.speaker.clone()), Strongest::default());
        }
    }

    // sentences: one pass.
    let sentences_name = format!("{}/sentences.{ext}", dir.display());
    let (header, rows) = super::read_table(dir, "sentences", format)?;
    let c = columns(
        &header,
        &sentences_name,
        &[
            "doc_id", "speaker", "kind", "target", "favor", "against", "none", "score", "text",
            "stance", "start",
        ],
    )?;
    // Tables before 0.5.0 have no clause columns: evidence is the sentence.
    let clause_cols = ["clause_start", "clause_end"].map(|n| header.iter().position(|h| h == n));
    let mut stats: HashMap<String, TargetStats> = HashMap::new();
    for (i, rec) in rows.enumerate() {
        let rec = rec?;
        let f = |k: usize| rec.get(c[k]).unwrap_or_default();
        if f(2) == "skip" {
            continue;
        }
        let num = |k: usize| -> Result<f32> {
            f(k).parse().with_context(|| {
                format!(
                    "{sentences_name}: row {}: `{}` is not a number",
                    i + 2,
                    f(k)
                )
            })
        };
        let (favor, against, none, score) = (num(4)?, num(5)?, num(6)?, num(7)?);
        let target = f(3);
        let st = stats
            .entry(target.to_string())
            .or_insert_with(|| TargetStats {
                bins: vec![0; BINS],
                ..Default::default()
            });
        if st.last_doc.as_deref() != Some(f(0)) {
            st.documents += 1;
            st.last_doc = Some(f(0).to_string());
        }
        st.sentences += 1;
        if favor == 0.0 && against == 0.0 && none == 1.0 {
            st.gated += 1;
        }
        if none < super::ON_TOPIC_NONE_BELOW {
            st.on_topic += 1;
            let b = (((score.clamp(-1.0, 1.0) + 1.0) / 2.0) * BINS as f32) as usize;
            st.bins[b.min(BINS - 1)] += 1;
        }
        if let Some(s) = wanted.get_mut(&(target.to_string(), f(1).to_string())) {
            s.offer(
                Quote {
                    text: scored_clause(
                        f(8),
                        f(10),
                        clause_cols.map(|c| c.and_then(|c| rec.get(c))),
                    ),
                    doc_id: f(0).to_string(),
                    kind: f(2).to_string(),
                    score: format!("{score:+.2}"),
                    value: score,
                },
                f(9),
            );
        }
    }

    // summary-by-group, when there is one: the top speakers' lines.
    let group_field = manifest
        .as_ref()
        .and_then(|m| m.settings["group_by"].as_str().map(String::from));
    let mut group_rows: HashMap<String, Vec<(String, String, Option<f64>)>> = HashMap::new();
    if dir.join(format!("summary-by-group.{ext}")).is_file() {
        let name = format!("{}/summary-by-group.{ext}", dir.display());
        let (header, rows) = super::read_table(dir, "summary-by-group", format)?;
        let c = columns(
            &header,
            &name,
            &["speaker", "target", "group", "on_topic_mean_score"],
        )?;
        for rec in rows {
            let rec = rec?;
            let f = |k: usize| rec.get(c[k]).unwrap_or_default().to_string();
            group_rows
                .entry(f(1))
                .or_default()
                .push((f(0), f(2), f(3).parse().ok()));
        }
    }

    let mut views = Vec::new();
    for (ti, target) in targets.iter().enumerate() {
        let rows = by_target.remove(target).unwrap_or_default();
        let st = stats.remove(target).unwrap_or_default();
        let bars: Vec<Bar> = rows
            .iter()
            .take(TOP_SPEAKERS)
            .map(|r| Bar {
                label: r.speaker.clone(),
                counts: [r.favor, r.against, r.none],
                mean: r.on_topic_mean_score.parse().ok(),
                flagged: r.flagged,
            })
            .collect();
        let evidence = rows
            .iter()
            .take(TOP_SPEAKERS)
            .map(|r| {
                let s = wanted
                    .remove(&(target.clone(), r.speaker.clone()))
                    .unwrap_or_default();
                let split = |mut v: Vec<Quote>| {
                    let more = v.split_off(v.len().min(EVIDENCE_SHOWN));
                    (v, more)
                };
                let (favor_shown, favor_more) = split(s.favor);
                let (against_shown, against_more) = split(s.against);
                Evidence {
                    speaker: r.speaker.clone(),
                    position: r.stance.clone(),
                    on_topic: r.on_topic,
                    sentences: r.sentences,
                    favor_shown,
                    favor_more,
                    against_shown,
                    against_more,
                }
            })
            .collect();
        let groups_svg = group_rows.get(target).map(|g| {
            let mut groups: Vec<String> = g.iter().map(|x| x.1.clone()).collect();
            groups.sort();
            groups.dedup();
            let series: Vec<(String, Vec<Option<f64>>)> = rows
                .iter()
                .take(SERIES)
                .map(|r| {
                    let values = groups
                        .iter()
                        .map(|grp| {
                            g.iter()
                                .find(|x| x.0 == r.speaker && &x.1 == grp)
                                .and_then(|x| x.2)
                        })
                        .collect();
                    (r.speaker.clone(), values)
                })
                .collect();
            svg::lines(&groups, &series)
        });
        views.push(TargetView {
            claim: target.clone(),
            anchor: format!("target-{}", ti + 1),
            documents: st.documents,
            sentences: st.sentences,
            speakers: rows.len(),
            on_topic_pct: pct(st.on_topic, st.sentences),
            gated_pct: (st.gated > 0).then(|| pct(st.gated, st.sentences)),
            bars_shown: bars.len(),
            bars_svg: svg::stacked_bars(&bars),
            histogram_svg: svg::histogram(&st.bins),
            histogram_n: st.on_topic,
            groups_svg,
            table: rows,
            evidence,
        });
    }

    let (model, backend, hypothesis, inputs, version) = match &manifest {
        Some(m) => {
            let mut folders: Vec<String> = m
                .model
                .iter()
                .map(|f| {
                    Path::new(&f.folder)
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_else(|| f.folder.clone())
                })
                .collect();
            folders.dedup();
            (
                folders.join(" + "),
                m.backend.clone(),
                m.settings["hypothesis"]
                    .as_str()
                    .unwrap_or("{}.")
                    .to_string(),
                m.inputs.len(),
                m.stance.clone(),
            )
        }
        None => (
            "(no manifest.json)".into(),
            String::new(),
            String::new(),
            0,
            String::new(),
        ),
    };
    let page = Page {
        title: match targets.as_slice() {
            [one] => format!("Who stands where on “{one}”"),
            _ => "Who stands where".into(),
        },
        stance_version: version,
        model_card: model.split(" + ").next().unwrap_or_default().to_string(),
        model,
        backend,
        hypothesis,
        inputs,
        group_field,
        targets: views,
        top: TOP_SPEAKERS,
        few: FEW_SENTENCES,
        cap: EVIDENCE_CAP,
        shown: EVIDENCE_SHOWN,
        to_label: to_label_rows(dir)?,
    };
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)
        .context("the report template")?;
    env.get_template("report.html")?
        .render(minijinja::Value::from(minijinja::value::Serde(&page)))
        .context("rendering report.html")
}

#[cfg(test)]
mod tests {
    use super::scored_clause;

    #[test]
    fn evidence_is_the_scored_clause_of_a_two_source_sentence() {
        let text = "Aides said it worked, while critics said it failed.";
        // The sentence starts at character 100 of its document.
        let second = scored_clause(text, "100", [Some("122"), Some("151")]);
        assert_eq!(second, "while critics said it failed.");
        // The whole sentence, old tables, and nonsense give the sentence.
        assert_eq!(scored_clause(text, "100", [Some("100"), Some("151")]), text);
        assert_eq!(scored_clause(text, "100", [None, None]), text);
        assert_eq!(scored_clause(text, "100", [Some("90"), Some("151")]), text);
        assert_eq!(scored_clause(text, "100", [Some("100"), Some("999")]), text);
    }
}
