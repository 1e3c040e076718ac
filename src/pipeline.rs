//! The whole run: ingest → segment → attribute → score → report.
//!
//! Documents stream through in chunks, so archives of any size run in
//! bounded memory; rows are written in document order.

use anyhow::Result;
use rayon::prelude::*;

use crate::attribute::{self, Attribution, Kind};
use crate::ingest::{self, Document, Source};
use crate::report::{Report, Row};
use crate::score::{self, ScoreStats, Scorer};
use crate::segment::{self, CharOffsets, Sentence};

/// The claims to score against and how to phrase them.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub targets: Vec<String>,
    /// Hypothesis template; `{}` stands for the target.
    pub template: String,
    /// Documents read and scored together.
    pub chunk_docs: usize,
}

/// The default claim.
pub const DEFAULT_TARGET: &str = "Russia interfered in the 2016 US election";
/// The default hypothesis template.
pub const DEFAULT_TEMPLATE: &str = "{}.";

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            targets: vec![DEFAULT_TARGET.to_string()],
            template: DEFAULT_TEMPLATE.to_string(),
            chunk_docs: 64,
        }
    }
}

/// A document after segmentation and attribution.
pub struct Analysed {
    pub doc: Document,
    pub sentences: Vec<Sentence>,
    pub attributions: Vec<Attribution>,
    offsets: CharOffsets,
}

/// Time spent in each stage of [`analyse_timed`].
#[derive(Debug, Clone, Copy, Default)]
pub struct AnalyseTimes {
    pub segment: std::time::Duration,
    pub attribute: std::time::Duration,
}

/// Segment and attribute one document: the one place the two stages are
/// joined, for runs, evaluation, benchmarks and examples alike.
pub fn analyse(doc: Document) -> Analysed {
    analyse_timed(doc).0
}

/// [`analyse`], with the time each stage took.
pub fn analyse_timed(doc: Document) -> (Analysed, AnalyseTimes) {
    let t0 = std::time::Instant::now();
    let seg = segment::segment(&doc.text);
    let t1 = std::time::Instant::now();
    let attributions = attribute::attribute(&doc.text, &seg);
    let t2 = std::time::Instant::now();
    let offsets = CharOffsets::new(&doc.text);
    let a = Analysed {
        sentences: seg.sentences,
        attributions,
        offsets,
        doc,
    };
    (
        a,
        AnalyseTimes {
            segment: t1 - t0,
            attribute: t2 - t1,
        },
    )
}

impl Analysed {
    /// The text of sentence `i`.
    pub fn text(&self, i: usize) -> &str {
        self.sentences[i].text(&self.doc.text)
    }

    /// Sentence `i`'s span in characters, end exclusive.
    pub fn char_span(&self, i: usize) -> (usize, usize) {
        let s = &self.sentences[i];
        (self.offsets.to_char(s.start), self.offsets.to_char(s.end))
    }

    /// The span of sentence `i`'s speaker mention, in characters.
    pub fn mention_chars(&self, i: usize) -> Option<(usize, usize)> {
        self.attributions[i]
            .mention
            .map(|(x, y)| (self.offsets.to_char(x), self.offsets.to_char(y)))
    }

    /// Output rows of sentence `i` for one target.
    pub fn row(&self, i: usize, target: &str, p: score::Probs) -> Row {
        let a = &self.attributions[i];
        let text = &self.doc.text;
        let span =
            |r: Option<(usize, usize)>| r.map_or(String::new(), |(x, y)| text[x..y].to_string());
        let (start, end) = self.char_span(i);
        let mention_chars = self.mention_chars(i);
        Row {
            doc_id: self.doc.doc_id.clone(),
            sentence_id: self.sentences[i].index,
            start,
            end,
            speaker: a.speaker.clone(),
            kind: a.kind,
            mention: span(a.mention),
            cue: span(a.cue),
            target: target.to_string(),
            favor: p.favor,
            against: p.against,
            none: p.none,
            stance: p.stance(),
            score: p.score(),
            text: self.text(i).to_string(),
            mention_start: mention_chars.map(|m| m.0),
            mention_end: mention_chars.map(|m| m.1),
        }
    }
}

/// Counts and timings of a run.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    pub documents: usize,
    pub sentences: usize,
    pub rows: usize,
    pub skipped_sentences: usize,
    pub analyse_secs: f64,
    pub score: ScoreStats,
}

/// Run the pipeline over `sources`, writing rows to `report`. `on_doc` is
/// called after each chunk with the number of documents done.
pub fn run(
    sources: &[Source],
    scorer: &Scorer,
    opts: &RunOptions,
    report: &mut Report,
    mut on_progress: impl FnMut(usize),
) -> Result<RunStats> {
    let hypotheses: Vec<String> = opts
        .targets
        .iter()
        .map(|t| score::hypothesis(&opts.template, t))
        .collect::<Result<_>>()?;
    let mut stats = RunStats::default();
    for chunk in sources.chunks(opts.chunk_docs.max(1)) {
        let docs: Vec<Document> = chunk.iter().map(ingest::read).collect::<Result<_, _>>()?;
        let t0 = std::time::Instant::now();
        let analysed: Vec<Analysed> =
            scorer.install(|| docs.into_par_iter().map(analyse).collect());
        stats.analyse_secs += t0.elapsed().as_secs_f64();

        let mut pairs: Vec<(&str, &str)> = Vec::new();
        for a in &analysed {
            for i in 0..a.sentences.len() {
                for h in &hypotheses {
                    pairs.push((a.text(i), h.as_str()));
                }
            }
        }
        let (probs, st) = scorer.score(&pairs)?;
        stats.score.add(&st);

        let mut k = 0;
        for a in &analysed {
            for i in 0..a.sentences.len() {
                if a.attributions[i].kind == Kind::Skip {
                    stats.skipped_sentences += 1;
                }
                for t in &opts.targets {
                    report.write(&a.row(i, t, probs[k]))?;
                    k += 1;
                    stats.rows += 1;
                }
            }
            stats.sentences += a.sentences.len();
        }
        stats.documents += analysed.len();
        on_progress(stats.documents);
    }
    Ok(stats)
}
