//! The summary tables of a run's rows: `summary.csv`, `documents.csv` and
//! `summary-by-group.csv`, built as the rows come ([`Summaries`], which
//! [`Report`](super::Report) streams through) or from rows already in
//! memory ([`summarize`], for the library and the Python package).

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};

use super::documents::{CurrentDoc, DocAgg};
use super::summary::Agg;
use super::{DocumentRow, GroupBy, Row, SummaryRow};
use crate::attribute::Kind;

/// The summaries of rows that come document by document, in bounded
/// memory: one aggregate per (speaker, target) and per group, and the
/// current document's counts.
#[derive(Debug)]
pub struct Summaries {
    targets: Vec<String>,
    /// With a [`GroupBy`]: its field's position among the kept metadata.
    group_by: Option<(GroupBy, usize)>,
    agg: BTreeMap<(String, String), Agg>,
    group_agg: BTreeMap<(String, String, String), Agg>,
    /// Number of the document whose rows are coming, and its id.
    doc_seq: u64,
    last_doc: Option<String>,
    current: Option<CurrentDoc>,
}

/// The three summary tables of a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    /// `summary.csv`: speakers with the most sentences first.
    pub summary: Vec<SummaryRow>,
    /// `documents.csv`: documents in the order their rows came.
    pub documents: Vec<DocumentRow>,
    /// `summary-by-group.csv` (with a [`GroupBy`]): each group's name and
    /// row, in summary.csv's order of speakers and targets, groups
    /// ascending.
    pub by_group: Vec<(String, SummaryRow)>,
}

impl Summaries {
    /// Summaries ordered by `targets` (claims not among them come after);
    /// `meta` names the kept metadata columns, which must include a
    /// `group_by` field.
    pub fn new(targets: &[String], meta: &[String], group_by: Option<GroupBy>) -> Result<Self> {
        let group_by = match group_by {
            None => None,
            Some(g) => {
                let Some(i) = meta.iter().position(|m| *m == g.field) else {
                    bail!(
                        "--group-by {}: the field must be kept too (--keep {})",
                        g.field,
                        g.field
                    );
                };
                Some((g, i))
            }
        };
        Ok(Summaries {
            targets: targets.to_vec(),
            group_by,
            agg: BTreeMap::new(),
            group_agg: BTreeMap::new(),
            doc_seq: 0,
            last_doc: None,
            current: None,
        })
    }

    /// Whether rows are also summarised per group.
    pub fn grouped(&self) -> bool {
        self.group_by.is_some()
    }

    /// Count `row` into the speaker (and group) summaries.
    pub fn count(&mut self, row: &Row) {
        if self.last_doc.as_deref() != Some(row.doc_id.as_str()) {
            if self.last_doc.is_some() {
                self.doc_seq += 1;
            }
            self.last_doc = Some(row.doc_id.clone());
        }
        if row.kind == Kind::Skip {
            return;
        }
        let doc = self.doc_seq;
        let key = (row.speaker.clone(), row.target.clone());
        self.agg.entry(key).or_default().add(row, doc);
        if let Some((g, i)) = &self.group_by {
            let group = g.group(row.meta.get(*i).map_or("", String::as_str));
            let key = (row.speaker.clone(), row.target.clone(), group);
            self.group_agg.entry(key).or_default().add(row, doc);
        }
    }

    /// Count `row` into its document's rows of documents.csv; when it
    /// starts a new document, the previous one's rows, which are complete.
    pub fn document(&mut self, row: &Row) -> Vec<DocumentRow> {
        let done = if self
            .current
            .as_ref()
            .is_some_and(|c| c.doc_id != row.doc_id)
        {
            self.end_document()
        } else {
            Vec::new()
        };
        let cur = self.current.get_or_insert_with(|| CurrentDoc {
            doc_id: row.doc_id.clone(),
            file: row.file.clone(),
            line: row.line,
            meta: row.meta.clone(),
            targets: Vec::new(),
        });
        match cur.targets.iter_mut().find(|(t, _)| *t == row.target) {
            Some((_, agg)) => agg.add(row),
            None => {
                let mut agg = DocAgg::default();
                agg.add(row);
                cur.targets.push((row.target.clone(), agg));
            }
        }
        done
    }

    /// The current document's rows of documents.csv, one per target in the
    /// order they came; none when no document is open.
    pub fn end_document(&mut self) -> Vec<DocumentRow> {
        let Some(cur) = self.current.take() else {
            return Vec::new();
        };
        cur.targets
            .iter()
            .map(|(target, agg)| agg.row(&cur, target))
            .collect()
    }

    /// The speakers seen, in name order, each once.
    pub fn speakers(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.agg.keys().map(|(s, _)| s.as_str()).collect();
        names.dedup();
        names
    }

    /// summary.csv: speakers with the most sentences first (then by
    /// name), and each speaker's targets in the order given.
    pub fn summary(&self) -> Vec<SummaryRow> {
        let target_rank: HashMap<&str, usize> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i))
            .collect();
        let mut per_speaker: HashMap<&str, usize> = HashMap::new();
        for ((s, _), a) in &self.agg {
            *per_speaker.entry(s.as_str()).or_default() += a.sentences;
        }
        let mut rows: Vec<SummaryRow> = self
            .agg
            .iter()
            .map(|((speaker, target), a)| a.summary(speaker, target))
            .collect();
        let rank = |t: &str| target_rank.get(t).copied().unwrap_or(usize::MAX);
        rows.sort_by(|a, b| {
            per_speaker[b.speaker.as_str()]
                .cmp(&per_speaker[a.speaker.as_str()])
                .then_with(|| a.speaker.cmp(&b.speaker))
                .then_with(|| rank(&a.target).cmp(&rank(&b.target)))
        });
        rows
    }

    /// summary-by-group.csv's rows, given summary.csv's (which fix the
    /// order of speakers and targets); empty without a [`GroupBy`].
    pub fn by_group(&self, summary: &[SummaryRow]) -> Vec<(String, SummaryRow)> {
        let rank: HashMap<(&str, &str), usize> = summary
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.speaker.as_str(), r.target.as_str()), i))
            .collect();
        let mut keys: Vec<&(String, String, String)> = self.group_agg.keys().collect();
        keys.sort_by_key(|(s, t, g)| (rank.get(&(s.as_str(), t.as_str())), g.as_str()));
        keys.into_iter()
            .map(|key| {
                let (speaker, target, group) = key;
                (group.clone(), self.group_agg[key].summary(speaker, target))
            })
            .collect()
    }
}

/// The summary tables of `rows` (in document order, as a run writes
/// them): the same rows `stance run` writes to summary.csv, documents.csv
/// and, with `group_by`, summary-by-group.csv. `targets` orders the
/// summary; `meta` names the rows' kept metadata columns.
pub fn summarize(
    rows: &[Row],
    targets: &[String],
    meta: &[String],
    group_by: Option<GroupBy>,
) -> Result<Tables> {
    let mut s = Summaries::new(targets, meta, group_by)?;
    let mut documents = Vec::new();
    for row in rows {
        s.count(row);
        documents.extend(s.document(row));
    }
    documents.extend(s.end_document());
    let summary = s.summary();
    let by_group = s.by_group(&summary);
    Ok(Tables {
        summary,
        documents,
        by_group,
    })
}
