//! `to-label.csv` (`--to-label N`): the sentences whose labels would teach
//! a model most, ready to label and give to `stance train`.
//!
//! Built at the end of a run from its `sentences` table, so that it works
//! the same after a resume or a merge of shards. A row qualifies when it
//! was scored, is not `skip`, and is on topic (`none` below
//! [`ON_TOPIC_NONE_BELOW`], the summaries' rule); the rows whose top two
//! stances are closest (the smallest margin: where the current model is
//! least sure) come first. Each (text, claim) appears once, and the pick
//! is spread across documents and speakers: at most one per document and
//! per speaker first, then two, and so on, until N are picked.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;

use anyhow::{Context, Result};

use super::{read_table, OutputFormat, Row, ON_TOPIC_NONE_BELOW};
use crate::score::Stance;

/// The file written into the output folder.
pub const TO_LABEL_FILE: &str = "to-label.csv";

/// Its columns: `text`, `target` and an empty `label` first, the columns
/// `stance train` reads; then where each sentence is and what the model
/// said of it.
pub const TO_LABEL_COLUMNS: [&str; 11] = [
    "text",
    "target",
    "label",
    "doc_id",
    "sentence_id",
    "speaker",
    "stance",
    "margin",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
];

/// A sentence to label.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub text: String,
    pub target: String,
    pub doc_id: String,
    pub sentence_id: usize,
    pub speaker: String,
    pub stance: Stance,
    /// The top stance's probability less the second's.
    pub margin: f32,
    pub probs: [f32; 3],
}

impl Candidate {
    /// The candidate a row makes, if it qualifies (scored, not skip, on
    /// topic).
    pub fn of(row: &Row) -> Option<Candidate> {
        if !row.counts() {
            return None;
        }
        let p = row.probs()?;
        if p.none >= ON_TOPIC_NONE_BELOW {
            return None;
        }
        let mut sorted = [p.favor, p.against, p.none];
        sorted.sort_by(|a, b| b.total_cmp(a));
        Some(Candidate {
            text: row.text.clone(),
            target: row.target.clone(),
            doc_id: row.doc_id.clone(),
            sentence_id: row.sentence_id,
            speaker: row.speaker.clone(),
            stance: row.stance?,
            margin: sorted[0] - sorted[1],
            probs: [p.favor, p.against, p.none],
        })
    }

    fn order(&self, other: &Self) -> Ordering {
        self.margin
            .total_cmp(&other.margin)
            .then_with(|| self.doc_id.cmp(&other.doc_id))
            .then_with(|| self.sentence_id.cmp(&other.sentence_id))
            .then_with(|| self.target.cmp(&other.target))
    }
}

/// Max-heap entry: the pool keeps the smallest margins by dropping its
/// largest.
struct ByMargin(Candidate);

impl PartialEq for ByMargin {
    fn eq(&self, other: &Self) -> bool {
        self.0.order(&other.0) == Ordering::Equal
    }
}
impl Eq for ByMargin {}
impl PartialOrd for ByMargin {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByMargin {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order(&other.0)
    }
}

/// Pick `n` rows to label (see the module's rule). Memory is bounded by
/// a pool of the smallest margins, 50 per pick (at least 5,000), however
/// many rows come.
pub fn pick(rows: impl Iterator<Item = Result<Row>>, n: usize) -> Result<Vec<Candidate>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let cap = (n * 50).max(5_000);
    let mut pool: BinaryHeap<ByMargin> = BinaryHeap::new();
    for row in rows {
        if let Some(c) = Candidate::of(&row?) {
            pool.push(ByMargin(c));
            if pool.len() > cap {
                pool.pop();
            }
        }
    }
    let mut pool: Vec<Candidate> = pool.into_iter().map(|b| b.0).collect();
    pool.sort_by(|a, b| a.order(b));
    // One per (text, claim): the surest row of a repeated text adds
    // nothing the first did not.
    let mut seen = HashSet::new();
    pool.retain(|c| seen.insert((c.text.clone(), c.target.clone())));

    let mut taken = vec![false; pool.len()];
    let mut picked = Vec::new();
    let mut per_doc: HashMap<&str, usize> = HashMap::new();
    let mut per_speaker: HashMap<&str, usize> = HashMap::new();
    let mut cap = 1;
    while picked.len() < n.min(pool.len()) {
        for (i, c) in pool.iter().enumerate() {
            if picked.len() == n {
                break;
            }
            let doc = per_doc.entry(c.doc_id.as_str()).or_default();
            let speaker = per_speaker.entry(c.speaker.as_str()).or_default();
            if taken[i] || *doc >= cap || *speaker >= cap {
                continue;
            }
            *doc += 1;
            *speaker += 1;
            taken[i] = true;
            picked.push(i);
        }
        cap += 1;
    }
    picked.sort_unstable();
    Ok(picked.into_iter().map(|i| pool[i].clone()).collect())
}

/// Write `to-label.csv` into the output folder `dir` from its sentences
/// table (in `format`): the `n` rows [`pick`] chooses, with an empty
/// `label` column. Returns how many there are (fewer than `n` when fewer
/// rows qualify).
pub fn write(dir: &Path, format: OutputFormat, n: usize) -> Result<usize> {
    let (header, records) = read_table(dir, "sentences", format)?;
    let stable = Row::stable_columns(&header);
    let table = dir.join(format!("sentences.{}", format.ext()));
    let rows = records.enumerate().map(|(i, rec)| {
        let rec = rec?;
        Row::from_record(&rec, stable, "", None)
            .map_err(|e| anyhow::anyhow!("{}: row {}: {e}", table.display(), i + 2))
    });
    let picked = pick(rows, n)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TO_LABEL_COLUMNS)?;
    for c in &picked {
        w.write_record([
            c.text.as_str(),
            &c.target,
            "",
            &c.doc_id,
            &c.sentence_id.to_string(),
            &c.speaker,
            c.stance.as_str(),
            &format!("{:.6}", c.margin),
            &format!("{:.6}", c.probs[0]),
            &format!("{:.6}", c.probs[1]),
            &format!("{:.6}", c.probs[2]),
        ])?;
    }
    let path = dir.join(TO_LABEL_FILE);
    crate::atomic::write_file(&path, &w.into_inner()?)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(picked.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribute::Kind;

    fn row(doc: &str, id: usize, speaker: &str, text: &str, p: [f32; 3]) -> Row {
        let best = (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        Row {
            doc_id: doc.into(),
            sentence_id: id,
            start: 0,
            end: 0,
            speaker: speaker.into(),
            kind: Kind::Direct,
            mention: String::new(),
            cue: String::new(),
            target: "A claim".into(),
            favor: Some(p[0]),
            against: Some(p[1]),
            none: Some(p[2]),
            stance: Some(Stance::ALL[best]),
            score: Some(p[0] - p[1]),
            text: text.into(),
            mention_start: None,
            mention_end: None,
            clause_start: None,
            clause_end: None,
            nested_speaker: String::new(),
            meta: Vec::new(),
            file: String::new(),
            line: None,
            document_topic: None,
        }
    }

    fn texts(c: &[Candidate]) -> Vec<&str> {
        c.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn the_least_sure_on_topic_rows_come_first_once_each() {
        let rows = vec![
            row("d1", 0, "A", "sure", [0.95, 0.03, 0.02]),
            row("d1", 1, "B", "torn", [0.45, 0.44, 0.11]),
            row("d2", 0, "C", "off topic", [0.22, 0.20, 0.58]),
            row("d2", 1, "D", "leaning", [0.60, 0.30, 0.10]),
            row("d3", 0, "E", "torn", [0.45, 0.44, 0.11]),
            row("d3", 1, "F", "unsure", [0.50, 0.20, 0.30]),
        ];
        let mut skipped = row("d4", 0, "G", "a byline", [0.4, 0.4, 0.2]);
        skipped.kind = Kind::Skip;
        let all = rows.into_iter().chain([skipped]).map(Ok);
        let got = pick(all, 10).unwrap();
        // `off topic` (none 0.58) and the skip row do not qualify; `torn`
        // is there once; then by margin.
        assert_eq!(texts(&got), ["torn", "unsure", "leaning", "sure"]);
        assert!((got[0].margin - 0.01).abs() < 1e-6);
        assert_eq!(got[0].doc_id, "d1");
        assert_eq!(
            texts(&pick(std::iter::empty(), 3).unwrap()),
            Vec::<&str>::new()
        );
    }

    #[test]
    fn the_pick_is_spread_across_documents_and_speakers() {
        // Document d1 holds the five least sure rows, all by one speaker;
        // d2 and d3 one each, by others.
        let mut rows = Vec::new();
        for i in 0..5 {
            rows.push(row(
                "d1",
                i,
                "Ann",
                &format!("d1 s{i}"),
                [0.40, 0.39 - 0.01 * i as f32, 0.2],
            ));
        }
        rows.push(row("d2", 0, "Bo", "d2 s0", [0.6, 0.2, 0.2]));
        rows.push(row("d3", 0, "Cy", "d3 s0", [0.7, 0.1, 0.2]));
        let got = pick(rows.clone().into_iter().map(Ok), 3).unwrap();
        assert_eq!(texts(&got), ["d1 s0", "d2 s0", "d3 s0"]);
        // With room for more, d1 gives its next least sure ones.
        let got = pick(rows.into_iter().map(Ok), 5).unwrap();
        assert_eq!(texts(&got), ["d1 s0", "d1 s1", "d1 s2", "d2 s0", "d3 s0"]);
    }
}
