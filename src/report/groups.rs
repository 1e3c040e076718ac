//! `summary-by-group.csv`: `summary.csv` per group of documents, by a
//! kept field or a date cut to a year, month or day ([`GroupBy`]).

use anyhow::Result;

use crate::score::Stance;

/// Columns of `summary-by-group.csv`: `summary.csv`'s, with `group` third.
pub const GROUP_COLUMNS: [&str; 14] = [
    "speaker",
    "target",
    "group",
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

/// How a date field is cut into groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateUnit {
    Year,
    Month,
    Day,
}

/// Summary rows per group of documents: by the value of a kept metadata
/// field, or by a date field cut to a year, month or day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBy {
    /// The field, as named in `--keep` (it is kept).
    pub field: String,
    pub unit: Option<DateUnit>,
}

impl GroupBy {
    /// Parse `FIELD` or `FIELD:year|month|day`.
    pub fn parse(spec: &str) -> Result<Self> {
        let (field, unit) = match spec.rsplit_once(':') {
            Some((f, "year")) => (f, Some(DateUnit::Year)),
            Some((f, "month")) => (f, Some(DateUnit::Month)),
            Some((f, "day")) => (f, Some(DateUnit::Day)),
            Some((_, other)) => anyhow::bail!(
                "--group-by {spec}: `{other}` is not a date unit; use FIELD, FIELD:year, \
                 FIELD:month or FIELD:day"
            ),
            None => (spec, None),
        };
        if field.is_empty() {
            anyhow::bail!("--group-by {spec}: name a field");
        }
        Ok(GroupBy {
            field: field.to_string(),
            unit,
        })
    }

    /// A document's group from the field's value: the value itself, or
    /// for a date (`2024-05-01`, `2024-05-01T12:00Z`, `20240501…`) its
    /// year, month (`2024-05`) or day. A value that is no such date is its
    /// own group, as written; a missing one is the empty group.
    pub fn group(&self, value: &str) -> String {
        let Some(unit) = self.unit else {
            return value.to_string();
        };
        let v = value.trim();
        let digits = |s: &str| s.len() >= 2 && s.bytes().all(|b| b.is_ascii_digit());
        let (y, m, d) = if v.len() >= 10 && v.as_bytes()[4] == b'-' && v.as_bytes()[7] == b'-' {
            (&v[0..4], &v[5..7], &v[8..10])
        } else if v.len() >= 8 && v.is_char_boundary(8) && digits(&v[..8]) {
            (&v[0..4], &v[4..6], &v[6..8])
        } else if v.len() == 7 && v.as_bytes()[4] == b'-' {
            (&v[0..4], &v[5..7], "")
        } else {
            return v.to_string();
        };
        if !(digits(y) && y.len() == 4 && digits(m) && (d.is_empty() || digits(d))) {
            return v.to_string();
        }
        match unit {
            DateUnit::Year => y.to_string(),
            DateUnit::Month => format!("{y}-{m}"),
            DateUnit::Day if !d.is_empty() => format!("{y}-{m}-{d}"),
            DateUnit::Day => v.to_string(),
        }
    }
}
