//! Stage 5: write the CSVs.
//!
//! Everything is written into a staging folder inside the output folder
//! and moved into place only when the run succeeds, so a failed run never
//! leaves partial or mixed CSVs behind:
//!
//! - `sentences.csv`: one row per (sentence, target), see [`Row`];
//! - `speakers/<slug>.csv`: the same columns, one file per speaker;
//! - `summary.csv`: one row per (speaker, target), see [`SummaryRow`].

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Serialize, Serializer};

use crate::atomic::Staging;
use crate::attribute::Kind;
use crate::score::Stance;

/// Columns of `sentences.csv` and of each speaker file, in order.
pub const SENTENCE_COLUMNS: [&str; 17] = [
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
];

/// Columns of `summary.csv`, in order.
pub const SUMMARY_COLUMNS: [&str; 8] = [
    "speaker",
    "target",
    "sentences",
    Stance::NAMES[0],
    Stance::NAMES[1],
    Stance::NAMES[2],
    "mean_score",
    "stance",
];

fn six<S: Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{x:.6}"))
}

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
    #[serde(serialize_with = "six")]
    pub favor: f32,
    #[serde(serialize_with = "six")]
    pub against: f32,
    #[serde(serialize_with = "six")]
    pub none: f32,
    pub stance: Stance,
    #[serde(serialize_with = "six")]
    pub score: f32,
    pub text: String,
    pub mention_start: Option<usize>,
    pub mention_end: Option<usize>,
}

/// One row of `summary.csv`: a speaker's sentences for one target.
/// `favor`, `against` and `none` count sentences by their stance label;
/// `mean_score` is the mean of favor − against; `stance` is the label with
/// the highest mean probability.
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
}

#[derive(Debug, Default, Clone)]
struct Agg {
    sentences: usize,
    counts: [usize; 3],
    sums: [f64; 3],
}

/// A CSV writer that leaves the header to the caller, so that a file with
/// no rows still has one.
fn headerless(f: File) -> csv::Writer<BufWriter<File>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(BufWriter::new(f))
}

/// Turn a speaker name into a file name: `Russian foreign ministry` →
/// `russian-foreign-ministry`.
pub fn slug(speaker: &str) -> String {
    let mut s = String::new();
    for c in speaker.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    let s: String = s.chars().take(80).collect();
    if s.is_empty() {
        "speaker".to_string()
    } else {
        s
    }
}

/// Writes one run's output. Dropping it without [`Report::finish`] removes
/// the staging folder and leaves the output folder as it was.
pub struct Report {
    out_dir: PathBuf,
    staging: Staging,
    sentences: Option<csv::Writer<BufWriter<File>>>,
    agg: BTreeMap<(String, String), Agg>,
    targets: Vec<String>,
    rows: usize,
    done: bool,
    /// The output folder did not exist before this run.
    created_out_dir: bool,
}

/// What a finished run wrote.
#[derive(Debug, Clone)]
pub struct Written {
    pub rows: usize,
    pub speakers: Vec<(String, PathBuf)>,
    pub summary: Vec<SummaryRow>,
}

impl Report {
    /// Start a report in `out_dir` (created if needed). `targets` fixes the
    /// order of summary rows.
    pub fn create(out_dir: &Path, targets: &[String]) -> Result<Self> {
        let created_out_dir = !out_dir.exists();
        std::fs::create_dir_all(out_dir)
            .with_context(|| format!("{}: cannot create the output folder", out_dir.display()))?;
        let staging = Staging::new(out_dir, &format!(".stance-staging-{}", std::process::id()))?;
        let file = File::create(staging.path().join("sentences.csv"))
            .with_context(|| format!("{}: cannot write there", staging.path().display()))?;
        let mut w = headerless(file);
        w.write_record(SENTENCE_COLUMNS)?;
        Ok(Report {
            out_dir: out_dir.to_path_buf(),
            staging,
            sentences: Some(w),
            agg: BTreeMap::new(),
            targets: targets.to_vec(),
            rows: 0,
            done: false,
            created_out_dir,
        })
    }

    /// Append one row.
    pub fn write(&mut self, row: &Row) -> Result<()> {
        let w = self.sentences.as_mut().expect("report already finished");
        w.serialize(row)
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        self.rows += 1;
        if row.kind != Kind::Skip {
            let a = self
                .agg
                .entry((row.speaker.clone(), row.target.clone()))
                .or_default();
            a.sentences += 1;
            a.counts[row.stance.index()] += 1;
            a.sums[0] += row.favor as f64;
            a.sums[1] += row.against as f64;
            a.sums[2] += row.none as f64;
        }
        Ok(())
    }

    fn summary(&self) -> Vec<SummaryRow> {
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
            .map(|((speaker, target), a)| {
                let n = a.sentences.max(1) as f64;
                let means = [a.sums[0] / n, a.sums[1] / n, a.sums[2] / n];
                // The same tie order as `Probs::stance`.
                let stance = if means[0] >= means[1] && means[0] >= means[2] {
                    Stance::Favor
                } else if means[1] >= means[2] {
                    Stance::Against
                } else {
                    Stance::None
                };
                SummaryRow {
                    speaker: speaker.clone(),
                    target: target.clone(),
                    sentences: a.sentences,
                    favor: a.counts[0],
                    against: a.counts[1],
                    none: a.counts[2],
                    mean_score: (means[0] - means[1]) as f32,
                    stance,
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            per_speaker[b.speaker.as_str()]
                .cmp(&per_speaker[a.speaker.as_str()])
                .then_with(|| a.speaker.cmp(&b.speaker))
                .then_with(|| {
                    let ra = target_rank
                        .get(a.target.as_str())
                        .copied()
                        .unwrap_or(usize::MAX);
                    let rb = target_rank
                        .get(b.target.as_str())
                        .copied()
                        .unwrap_or(usize::MAX);
                    ra.cmp(&rb)
                })
        });
        rows
    }

    /// Write the speaker files and the summary, then move everything into
    /// the output folder.
    pub fn finish(mut self) -> Result<Written> {
        let mut w = self.sentences.take().expect("report already finished");
        w.flush()
            .with_context(|| format!("{}: cannot write", self.staging.path().display()))?;
        drop(w);
        let summary = self.summary();

        // Summary.
        {
            let f = File::create(self.staging.path().join("summary.csv"))?;
            let mut sw = headerless(f);
            sw.write_record(SUMMARY_COLUMNS)?;
            for r in &summary {
                sw.serialize(r)?;
            }
            sw.flush()?;
        }

        // Speaker files: a slug per speaker, unique even when two names
        // fold to the same slug.
        let speakers_dir = self.staging.path().join("speakers");
        std::fs::create_dir_all(&speakers_dir)?;
        let mut names: Vec<&str> = self.agg.keys().map(|(s, _)| s.as_str()).collect();
        names.dedup();
        let mut used = HashSet::new();
        let mut slugs: HashMap<String, String> = HashMap::new();
        for name in names {
            let base = slug(name);
            let mut s = base.clone();
            let mut k = 2;
            while !used.insert(s.clone()) {
                s = format!("{base}-{k}");
                k += 1;
            }
            slugs.insert(name.to_string(), s);
        }
        split_by_speaker(
            &self.staging.path().join("sentences.csv"),
            &speakers_dir,
            &slugs,
        )?;

        // Move into place: the speaker folder whole, then each file.
        let target_speakers = self.out_dir.join("speakers");
        self.staging
            .commit_dir(Some("speakers"), &target_speakers)?;
        for f in ["sentences.csv", "summary.csv"] {
            self.staging.commit_file(f, &self.out_dir.join(f))?;
        }
        self.done = true;
        let mut speakers: Vec<(String, PathBuf)> = slugs
            .into_iter()
            .map(|(n, s)| (n, target_speakers.join(format!("{s}.csv"))))
            .collect();
        speakers.sort();
        Ok(Written {
            rows: self.rows,
            speakers,
            summary,
        })
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if !self.done {
            self.sentences.take();
            // The staging folder would remove itself, but only after this;
            // the output folder must be empty by then to go too.
            std::fs::remove_dir_all(self.staging.path()).ok();
            if self.created_out_dir {
                // Only removes it if it is still empty.
                std::fs::remove_dir(&self.out_dir).ok();
            }
        }
    }
}

/// Copy the rows of `sentences` into one file per speaker, holding at most
/// a few hundred files open at once (archives can have many speakers).
fn split_by_speaker(sentences: &Path, dir: &Path, slugs: &HashMap<String, String>) -> Result<()> {
    const OPEN_AT_ONCE: usize = 256;
    let speaker_col = SENTENCE_COLUMNS
        .iter()
        .position(|c| *c == "speaker")
        .unwrap();
    let mut all: Vec<(&String, &String)> = slugs.iter().collect();
    all.sort();
    for group in all.chunks(OPEN_AT_ONCE) {
        let mut writers: HashMap<&str, csv::Writer<BufWriter<File>>> = HashMap::new();
        for (name, slug) in group {
            let f = File::create(dir.join(format!("{slug}.csv")))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_record(SENTENCE_COLUMNS)?;
            writers.insert(name.as_str(), w);
        }
        let mut r = csv::Reader::from_path(sentences)?;
        for rec in r.records() {
            let rec = rec?;
            if let Some(w) = writers.get_mut(&rec[speaker_col]) {
                w.write_record(&rec)?;
            }
        }
        for (_, mut w) in writers {
            w.flush()?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Russian foreign ministry"), "russian-foreign-ministry");
        assert_eq!(slug("the report"), "the-report");
        assert_eq!(slug("U.S. Justice Department"), "u-s-justice-department");
        assert_eq!(slug("O’Rourke"), "o-rourke");
        assert_eq!(slug("..."), "speaker");
    }

    fn row(speaker: &str, kind: Kind, favor: f32, against: f32) -> Row {
        Row {
            doc_id: "d".into(),
            sentence_id: 0,
            start: 0,
            end: 1,
            speaker: speaker.into(),
            kind,
            mention: String::new(),
            cue: String::new(),
            target: "t".into(),
            favor,
            against,
            none: 1.0 - favor - against,
            stance: crate::score::Probs {
                favor,
                against,
                none: 1.0 - favor - against,
            }
            .stance(),
            score: favor - against,
            text: "x".into(),
            mention_start: None,
            mention_end: None,
        }
    }

    #[test]
    fn summary_counts_and_means_skip_excluded() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Report::create(dir.path(), &["t".to_string()]).unwrap();
        r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
        r.write(&row("Ann", Kind::Direct, 0.2, 0.7)).unwrap();
        r.write(&row("Ann", Kind::Indirect, 0.6, 0.3)).unwrap();
        r.write(&row("", Kind::Skip, 0.9, 0.0)).unwrap();
        let w = r.finish().unwrap();
        assert_eq!(w.rows, 4);
        assert_eq!(w.summary.len(), 1);
        let s = &w.summary[0];
        assert_eq!((s.sentences, s.favor, s.against, s.none), (3, 2, 1, 0));
        // mean favor 0.5333, mean against 0.3667
        assert!((s.mean_score - (1.6 - 1.1) / 3.0).abs() < 1e-5);
        assert_eq!(s.stance, Stance::Favor);
        assert!(dir.path().join("speakers/ann.csv").is_file());
        assert!(!dir.path().join("speakers/speaker.csv").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(!leftovers.iter().any(|n| n.starts_with(".stance-staging")));
    }

    #[test]
    fn dropped_report_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut r = Report::create(dir.path(), &[]).unwrap();
            r.write(&row("Ann", Kind::Direct, 0.8, 0.1)).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let fresh = dir.path().join("new-out");
        drop(Report::create(&fresh, &[]).unwrap());
        assert!(!fresh.exists());
    }
}
