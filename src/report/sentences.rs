//! `sentences.csv` and the speaker files' rows: one per (sentence,
//! attribution, target), in document order ([`Row`]).

use serde::Serialize;

use super::six_opt;
use crate::attribute::Kind;
use crate::score::Stance;

/// Columns of `sentences.csv` and of each speaker file, in order.
pub const SENTENCE_COLUMNS: [&str; 20] = [
    "doc_id",
    "sentence_id",
    "start",
    "end",
    "speaker",
    "kind",
    "mention",
    "cue",
    "target",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "stance",
    "score",
    "text",
    "mention_start",
    "mention_end",
    "clause_start",
    "clause_end",
    "nested_speaker",
];

/// The stable columns of `sentences.csv` before 0.5.0, which added
/// `clause_start`, `clause_end` and `nested_speaker`: an older table's
/// kept metadata start after these.
pub const SENTENCE_COLUMNS_BEFORE_0_5: usize = 17;

/// One row of `sentences.csv`. Offsets are in Unicode characters into the
/// document text, end exclusive.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub doc_id: String,
    pub sentence_id: usize,
    pub start: usize,
    pub end: usize,
    pub speaker: String,
    pub kind: Kind,
    pub mention: String,
    pub cue: String,
    pub target: String,
    /// The stance probabilities, label and score; all empty (`None`) for a
    /// `skip` row, which is not scored (since 0.11.0).
    #[serde(serialize_with = "six_opt")]
    pub favor: Option<f32>,
    #[serde(serialize_with = "six_opt")]
    pub against: Option<f32>,
    #[serde(serialize_with = "six_opt")]
    pub none: Option<f32>,
    pub stance: Option<Stance>,
    #[serde(serialize_with = "six_opt")]
    pub score: Option<f32>,
    pub text: String,
    pub mention_start: Option<usize>,
    pub mention_end: Option<usize>,
    /// The clause this row's attribution covers, in characters: the
    /// sentence's span unless it holds several sources. Empty in tables
    /// from before 0.5.0.
    pub clause_start: Option<usize>,
    pub clause_end: Option<usize>,
    /// A source the speaker reports in turn (`X said Y claimed Z`: Y).
    pub nested_speaker: String,
    /// The document's kept metadata (`--keep`), one column each.
    pub meta: Vec<String>,
    /// The input the document came from, and its line in an archive (in
    /// documents.csv, not in this table).
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub line: Option<u64>,
    /// Whether the relevance gate found the document on topic for this
    /// row's target (in documents.csv, not in this table); `None` where
    /// it did not judge documents.
    #[serde(skip)]
    pub document_topic: Option<bool>,
}

impl Row {
    /// The row's stance probabilities, `None` for an unscored (skip) row.
    pub fn probs(&self) -> Option<crate::score::Probs> {
        Some(crate::score::Probs {
            favor: self.favor?,
            against: self.against?,
            none: self.none?,
        })
    }

    /// Whether the row counts in the summaries: scored, and not `skip`
    /// (tables before 0.11.0 scored skip rows too).
    pub fn counts(&self) -> bool {
        self.kind != Kind::Skip && self.stance.is_some() && self.score.is_some()
    }

    /// How many stable columns a `sentences` table with this header has
    /// before its kept metadata: all of [`SENTENCE_COLUMNS`], or the 17 of
    /// a table written before 0.5.0.
    pub fn stable_columns(header: &csv::StringRecord) -> usize {
        let new = SENTENCE_COLUMNS.len();
        if header.len() >= new && header.iter().zip(SENTENCE_COLUMNS).all(|(h, c)| h == c) {
            new
        } else {
            SENTENCE_COLUMNS_BEFORE_0_5
        }
    }

    /// Read a row back from a `sentences.csv` record with `stable` stable
    /// columns ([`Row::stable_columns`]; the metadata columns after them go
    /// to `meta`); `file` and `line` are the document's, from documents.csv.
    pub fn from_record(
        rec: &csv::StringRecord,
        stable: usize,
        file: &str,
        line: Option<u64>,
    ) -> std::result::Result<Row, String> {
        if rec.len() < stable {
            return Err(format!(
                "{} columns where sentences.csv has at least {stable}",
                rec.len(),
            ));
        }
        let num = |i: usize| -> std::result::Result<usize, String> {
            rec[i]
                .parse()
                .map_err(|_| format!("{} `{}` is not a number", SENTENCE_COLUMNS[i], &rec[i]))
        };
        // Empty in a skip row (not scored since 0.11.0).
        let prob = |i: usize| -> std::result::Result<Option<f32>, String> {
            if rec[i].is_empty() {
                return Ok(None);
            }
            rec[i]
                .parse()
                .map(Some)
                .map_err(|_| format!("{} `{}` is not a number", SENTENCE_COLUMNS[i], &rec[i]))
        };
        let opt = |i: usize| -> std::result::Result<Option<usize>, String> {
            if rec[i].is_empty() {
                Ok(None)
            } else {
                num(i).map(Some)
            }
        };
        Ok(Row {
            doc_id: rec[0].to_string(),
            sentence_id: num(1)?,
            start: num(2)?,
            end: num(3)?,
            speaker: rec[4].to_string(),
            kind: Kind::from_name(&rec[5])
                .ok_or_else(|| format!("kind `{}` is unknown", &rec[5]))?,
            mention: rec[6].to_string(),
            cue: rec[7].to_string(),
            target: rec[8].to_string(),
            favor: prob(9)?,
            against: prob(10)?,
            none: prob(11)?,
            stance: match &rec[12] {
                "" => None,
                name => Some(
                    Stance::from_name(name).ok_or_else(|| format!("stance `{name}` is unknown"))?,
                ),
            },
            score: prob(13)?,
            text: rec[14].to_string(),
            mention_start: opt(15)?,
            mention_end: opt(16)?,
            clause_start: if stable > 17 { opt(17)? } else { None },
            clause_end: if stable > 18 { opt(18)? } else { None },
            nested_speaker: if stable > 19 {
                rec[19].to_string()
            } else {
                String::new()
            },
            meta: rec.iter().skip(stable).map(String::from).collect(),
            file: file.to_string(),
            line,
            document_topic: None,
        })
    }
}
