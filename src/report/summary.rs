//! `summary.csv`: one row per (speaker, target), kept as running sums per
//! speaker however large the archive ([`SummaryRow`]), and the position
//! rule.

use serde::Serialize;

use super::{six, six_opt, written, Row};
use crate::score::Stance;
use crate::stats::GroupedMean;

/// Columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 13] = [
    "speaker",
    "target",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
    "on_topic",
    "on_topic_mean_score",
    "on_topic_ci_low",
    "on_topic_ci_high",
    "documents",
];

/// A sentence is on topic when its `none` probability is below this (a pair
/// a relevance gate ruled off-topic has `none` = 1).
pub const ON_TOPIC_NONE_BELOW: f32 = 0.5;
/// A speaker's position needs an on-topic mean score at least this far
/// from zero; closer is `none` (mixed or neutral).
pub const POSITION_MIN_SCORE: f64 = 0.1;

/// What a position rests on: a speaker's (or a document's) on-topic
/// sentences for one target.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Evidence {
    /// On-topic sentences labelled favor, and against.
    pub favor: usize,
    pub against: usize,
    /// Their mean score (0 without any).
    pub mean: f64,
    /// The 95% interval of that mean over documents, with two or more.
    pub ci: Option<(f64, f64)>,
}

/// A speaker's (or document's) position on a target, from their on-topic
/// sentences only; the evidence must agree with itself:
///
/// - `favor`: more on-topic favor sentences than against ones, an on-topic
///   mean score of at least [`POSITION_MIN_SCORE`], and, with two or more
///   documents, an interval wholly above zero;
/// - `against`: the mirror image;
/// - `none`: anything else (no on-topic sentence, as many each way, a mean
///   near zero or of the other sign, an interval that holds zero).
pub fn position(e: Evidence) -> Stance {
    let clear = e.mean.abs() >= POSITION_MIN_SCORE;
    if clear && e.mean > 0.0 && e.favor > e.against && e.ci.is_none_or(|(lo, _)| lo > 0.0) {
        Stance::Favor
    } else if clear && e.mean < 0.0 && e.against > e.favor && e.ci.is_none_or(|(_, hi)| hi < 0.0) {
        Stance::Against
    } else {
        Stance::None
    }
}

/// One row of `summary.csv`: a speaker's sentences for one target.
/// `favor`, `against` and `none` count sentences by their stance label;
/// `mean_score` is the mean of favor − against over all of them; `stance`
/// is the speaker's [`position`], from the `on_topic` sentences only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    pub speaker: String,
    pub target: String,
    pub sentences: usize,
    pub favor: usize,
    pub against: usize,
    pub none: usize,
    #[serde(serialize_with = "six")]
    pub mean_score: f32,
    pub stance: Stance,
    /// Sentences whose `none` is below [`ON_TOPIC_NONE_BELOW`].
    pub on_topic: usize,
    /// Mean score of the on-topic sentences; empty without any.
    #[serde(serialize_with = "six_opt")]
    pub on_topic_mean_score: Option<f32>,
    /// 95% interval of `on_topic_mean_score` with documents as clusters
    /// (syndicated copies repeat quotes; see [`GroupedMean`]); empty with
    /// fewer than two documents.
    #[serde(serialize_with = "six_opt")]
    pub on_topic_ci_low: Option<f32>,
    #[serde(serialize_with = "six_opt")]
    pub on_topic_ci_high: Option<f32>,
    /// Documents the speaker's sentences come from.
    pub documents: usize,
}

/// A speaker's rows for one target (and group), in bounded memory: rows
/// come document by document, so each document's on-topic sum is complete
/// when the next document starts.
#[derive(Debug, Default, Clone)]
pub(super) struct Agg {
    pub(super) sentences: usize,
    counts: [usize; 3],
    /// On-topic sentences labelled favor, against and none.
    on_topic_counts: [usize; 3],
    /// Σ score as written, the sum `on_topic` also keeps, so that the two
    /// means agree where every sentence is on topic.
    score_sum: f64,
    documents: usize,
    /// The current document's number and (on-topic score sum, count).
    current: Option<(u64, f64, usize)>,
    /// Finished documents' on-topic (sum, count).
    on_topic: GroupedMean,
}

impl Agg {
    /// Count a row; one that does not count ([`Row::counts`]: skip, or
    /// unscored) is left out.
    pub(super) fn add(&mut self, row: &Row, doc: u64) {
        let (Some(stance), Some(score), Some(none)) = (row.stance, row.score, row.none) else {
            return;
        };
        if !row.counts() {
            return;
        }
        self.sentences += 1;
        self.counts[stance.index()] += 1;
        self.score_sum += written(score);
        match &mut self.current {
            Some((d, _, _)) if *d == doc => {}
            _ => {
                if let Some((_, s, n)) = self.current.take() {
                    self.on_topic.push(s, n);
                }
                self.documents += 1;
                self.current = Some((doc, 0.0, 0));
            }
        }
        if written(none) < ON_TOPIC_NONE_BELOW as f64 {
            let c = self.current.as_mut().expect("set above");
            c.1 += written(score);
            c.2 += 1;
            self.on_topic_counts[stance.index()] += 1;
        }
    }

    pub(super) fn summary(&self, speaker: &str, target: &str) -> SummaryRow {
        let mut on = self.on_topic.clone();
        if let Some((_, s, n)) = self.current {
            on.push(s, n);
        }
        let on_mean = on.mean();
        let ci = on.ci();
        SummaryRow {
            speaker: speaker.to_string(),
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
                ci,
            }),
            on_topic: on.count(),
            on_topic_mean_score: on_mean.map(|m| m as f32),
            on_topic_ci_low: ci.map(|c| c.0 as f32),
            on_topic_ci_high: ci.map(|c| c.1 as f32),
            documents: self.documents,
        }
    }
}
