//! `documents.csv`: one row per (document, target), counted while the
//! document's rows stream by ([`DocumentRow`]).

use serde::Serialize;

use super::summary::{position, Evidence, ON_TOPIC_NONE_BELOW};
use super::{six, six_opt, written, Row};
use crate::score::Stance;

/// Columns of `documents.csv`, in order (the kept metadata follow).
pub const DOCUMENT_COLUMNS: [&str; 13] = [
    "doc_id",
    "target",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
    "on_topic",
    "on_topic_mean_score",
    "file",
    "line",
    "document_topic",
];

/// How `document_topic` writes the gate's ruling on a document.
pub fn document_topic_name(topic: Option<bool>) -> &'static str {
    match topic {
        Some(true) => "on",
        Some(false) => "off",
        None => "",
    }
}

/// Read a `document_topic` cell back.
pub fn parse_document_topic(cell: &str) -> Result<Option<bool>, String> {
    match cell {
        "on" => Ok(Some(true)),
        "off" => Ok(Some(false)),
        "" => Ok(None),
        other => Err(format!(
            "document_topic `{other}` is neither `on`, `off` nor empty"
        )),
    }
}

fn topic_cell<S: serde::Serializer>(t: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(document_topic_name(*t))
}

/// One row of `documents.csv`: a document's non-skipped sentences for one
/// target. `stance` is the document's [`position`] (there is no interval:
/// one document); `document_topic` the relevance gate's ruling on the
/// whole document, where the gate judges documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentRow {
    pub doc_id: String,
    pub target: String,
    pub sentences: usize,
    pub favor: usize,
    pub against: usize,
    pub none: usize,
    #[serde(serialize_with = "six")]
    pub mean_score: f32,
    pub stance: Stance,
    pub on_topic: usize,
    #[serde(serialize_with = "six_opt")]
    pub on_topic_mean_score: Option<f32>,
    pub file: String,
    pub line: Option<u64>,
    #[serde(serialize_with = "topic_cell")]
    pub document_topic: Option<bool>,
    pub meta: Vec<String>,
}

/// A document's counts for one target, while its rows stream by.
#[derive(Debug, Clone, Default)]
pub(super) struct DocAgg {
    sentences: usize,
    counts: [usize; 3],
    score_sum: f64,
    on_topic: usize,
    on_topic_sum: f64,
    /// On-topic sentences labelled favor, against and none.
    on_topic_counts: [usize; 3],
    /// The gate's ruling on the document (the same on all its rows).
    topic: Option<bool>,
}

impl DocAgg {
    /// Count a row; one that does not count ([`Row::counts`]: skip, or
    /// unscored) is left out.
    pub(super) fn add(&mut self, row: &Row) {
        self.topic = self.topic.or(row.document_topic);
        let (Some(stance), Some(score), Some(none)) = (row.stance, row.score, row.none) else {
            return;
        };
        if !row.counts() {
            return;
        }
        self.sentences += 1;
        self.counts[stance.index()] += 1;
        self.score_sum += written(score);
        if written(none) < ON_TOPIC_NONE_BELOW as f64 {
            self.on_topic += 1;
            self.on_topic_sum += written(score);
            self.on_topic_counts[stance.index()] += 1;
        }
    }

    pub(super) fn row(&self, doc: &CurrentDoc, target: &str) -> DocumentRow {
        let on_mean = (self.on_topic > 0).then(|| self.on_topic_sum / self.on_topic as f64);
        DocumentRow {
            doc_id: doc.doc_id.clone(),
            target: target.to_string(),
            sentences: self.sentences,
            favor: self.counts[0],
            against: self.counts[1],
            none: self.counts[2],
            mean_score: (self.score_sum / self.sentences.max(1) as f64) as f32,
            stance: position(Evidence {
                favor: self.on_topic_counts[0],
                against: self.on_topic_counts[1],
                mean: on_mean.unwrap_or(0.0),
                ci: None,
            }),
            on_topic: self.on_topic,
            on_topic_mean_score: on_mean.map(|m| m as f32),
            file: doc.file.clone(),
            line: doc.line,
            document_topic: self.topic,
            meta: doc.meta.clone(),
        }
    }
}

/// The document whose rows are being written: its id, metadata, and
/// counts per target in the order targets first appear.
#[derive(Debug, Default)]
pub(super) struct CurrentDoc {
    pub(super) doc_id: String,
    pub(super) file: String,
    pub(super) line: Option<u64>,
    pub(super) meta: Vec<String>,
    pub(super) targets: Vec<(String, DocAgg)>,
}
