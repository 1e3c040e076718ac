//! The whole run: ingest → segment → attribute → score → report.
//!
//! Documents stream through in chunks, so archives of any size run in
//! bounded memory; rows are written in document order.

use std::collections::HashMap;

use anyhow::{bail, Result};
use rayon::prelude::*;

use crate::attribute::{self, Attribution, Kind};
use crate::ingest::{self, Document, DupIds, Ids, ReadError, ReadOptions, Source};
use crate::report::{Report, Row};
use crate::score::{self, ScoreStats, Scorer};
use crate::segment::{self, CharOffsets, Sentence};

mod folder;
pub use folder::{Checked, FolderOutcome, FolderRun, Opened};

/// The claims to score against, how to phrase them, and how to read the
/// inputs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Claims every document is scored against (a record's own claims come
    /// on top).
    pub targets: Vec<String>,
    /// Hypothesis template; `{}` stands for the target.
    pub template: String,
    /// Documents read and scored together.
    pub chunk_docs: usize,
    pub read: ReadOptions,
    /// Two documents with one id.
    pub dup_ids: DupIds,
    /// A bad record goes to errors.csv instead of stopping the run.
    pub skip_bad: bool,
    /// Score only this shard's documents.
    pub shard: Option<ingest::Shard>,
    /// Go on from a checkpoint: the records it had done are read again
    /// (for the duplicate-id check) but not scored, and its counts go on.
    pub resume: Option<(usize, serde_json::Value)>,
    /// Score documents that look non-English too (by default they go to
    /// errors.csv).
    pub any_language: bool,
    /// (sentence, claim) pairs whose scores are remembered, least recently
    /// used out: boilerplate recurs across an archive. 0: none, and every
    /// pair is scored.
    pub cache_pairs: usize,
    /// How sentences are attributed.
    pub attribution: attribute::Options,
}

/// Scores of pairs seen before, in bounded memory: a 128-bit hash of the
/// pair (sentence and hypothesis) to what scoring it found, least recently
/// used out.
pub struct PairCache {
    lru: Option<lru::LruCache<u128, Known>>,
}

/// What is known of a pair: its gate cosine (for a cascade) and its stance
/// probabilities from the stance model. Both depend on the pair alone; the
/// gate's ruling, which may read the pair's document, is made again each
/// time, so a cache never changes outputs.
#[derive(Debug, Clone, Copy, Default)]
struct Known {
    cos: Option<f32>,
    probs: Option<score::Probs>,
}

impl PairCache {
    pub fn new(capacity: usize) -> Self {
        PairCache {
            lru: std::num::NonZeroUsize::new(capacity).map(lru::LruCache::new),
        }
    }

    /// Score `pairs`, their sentences at `places` in their documents (see
    /// [`Scorer::score_placed`]): what is remembered from earlier, and
    /// repeats within `pairs`, is not computed again. Returns each pair's
    /// probabilities and its document's gate ruling; counts go to `stats`.
    pub fn score(
        &mut self,
        scorer: &Scorer,
        pairs: &[(&str, &str)],
        places: Option<&[score::cascade::Place]>,
        stats: &mut RunStats,
    ) -> Result<(Vec<score::Probs>, Vec<Option<bool>>)> {
        let Some(lru) = &mut self.lru else {
            let (probs, docs, st) = scorer.score_placed(pairs, places)?;
            stats.score.add_totals(&st);
            return Ok((probs, docs));
        };
        let keys: Vec<u128> = pairs.iter().map(ingest::ids::key128).collect();
        let mut known: Vec<Known> = keys
            .iter()
            .map(|k| lru.get(k).copied().unwrap_or_default())
            .collect();
        // Gate cosines of the pairs not seen before (each distinct pair once).
        let verdicts = if matches!(scorer.mode(), score::Mode::Cascade { .. }) {
            let todo = distinct_missing(&keys, &known, |k| k.cos.is_none());
            let todo_pairs: Vec<(&str, &str)> = todo.iter().map(|&i| pairs[i]).collect();
            if let Some((cos, st)) = scorer.gate_cosines(&todo_pairs)? {
                stats.score.add_totals(&st);
                let by_key: HashMap<u128, f32> = todo.iter().map(|&i| keys[i]).zip(cos).collect();
                for (k, kn) in keys.iter().zip(known.iter_mut()) {
                    if let Some(&c) = by_key.get(k) {
                        kn.cos = Some(c);
                    }
                }
            }
            let cos: Vec<f32> = known.iter().map(|k| k.cos.unwrap_or(f32::NAN)).collect();
            scorer.decide(pairs, &cos, places)
        } else {
            scorer.decide(pairs, &[], None)
        };
        // Stance of the kept pairs not seen before.
        let mut todo = Vec::new();
        let mut first: HashMap<u128, usize> = HashMap::new();
        for (i, kn) in known.iter().enumerate() {
            if !verdicts.kept[i] {
                continue;
            }
            if kn.probs.is_none() && !first.contains_key(&keys[i]) {
                first.insert(keys[i], todo.len());
                todo.push(i);
            } else {
                stats.cached_pairs += 1;
            }
        }
        let todo_pairs: Vec<(&str, &str)> = todo.iter().map(|&i| pairs[i]).collect();
        let (scored, st) = scorer.stance(&todo_pairs)?;
        stats.score.add_totals(&st);
        let gated = verdicts.kept.iter().filter(|&&k| !k).count();
        stats.score.pairs += gated;
        stats.score.gated += gated;
        for (i, kn) in known.iter_mut().enumerate() {
            if let Some(&j) = first.get(&keys[i]) {
                kn.probs = Some(scored[j]);
            }
        }
        let mut probs = Vec::with_capacity(pairs.len());
        for (i, kn) in known.iter().enumerate() {
            lru.put(keys[i], *kn);
            probs.push(if verdicts.kept[i] {
                kn.probs.expect("every kept pair was scored")
            } else {
                score::Probs::OFF_TOPIC
            });
        }
        Ok((probs, verdicts.document))
    }
}

/// The first index of each distinct key whose knowledge `lacks` something.
fn distinct_missing(keys: &[u128], known: &[Known], lacks: impl Fn(&Known) -> bool) -> Vec<usize> {
    let mut seen = std::collections::HashSet::new();
    (0..keys.len())
        .filter(|&i| lacks(&known[i]) && seen.insert(keys[i]))
        .collect()
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
            read: ReadOptions::default(),
            dup_ids: DupIds::default(),
            skip_bad: false,
            any_language: false,
            shard: None,
            resume: None,
            cache_pairs: 100_000,
            attribution: attribute::Options::default(),
        }
    }
}

/// A document after segmentation and attribution.
pub struct Analysed {
    pub doc: Document,
    pub sentences: Vec<Sentence>,
    /// At least one per sentence, in order of sentence, then of clause:
    /// a sentence with several sources has one per source.
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

/// [`analyse`] with a choice of attributor [`attribute::Options`].
pub fn analyse_with(doc: Document, opts: &attribute::Options) -> Analysed {
    analyse_inner(doc, opts).0
}

/// [`analyse_with`], with the time each stage took.
pub fn analyse_timed_with(doc: Document, opts: &attribute::Options) -> (Analysed, AnalyseTimes) {
    analyse_inner(doc, opts)
}

/// [`analyse`], with the time each stage took.
///
/// A document with a title is read as the title, a blank line, then the
/// text: the title is one sentence of kind `headline` (offsets count from
/// the title's start).
pub fn analyse_timed(doc: Document) -> (Analysed, AnalyseTimes) {
    analyse_inner(doc, &attribute::Options::default())
}

fn analyse_inner(mut doc: Document, opts: &attribute::Options) -> (Analysed, AnalyseTimes) {
    let t0 = std::time::Instant::now();
    let title_len = doc.title.take().map(|title| {
        let title = title.trim_matches(crate::text::is_space).to_string();
        let len = title.len();
        doc.text = format!("{title}\n\n{}", doc.text);
        len
    });
    let mut seg = segment::segment(&doc.text);
    if let Some(len) = title_len {
        headline_first(&mut seg, len);
    }
    let t1 = std::time::Instant::now();
    let mut attributions = attribute::attribute_with(&doc.text, &seg, opts);
    if title_len.is_some() && !attributions.is_empty() {
        // The title is one unit, whatever clauses it has.
        let n = attributions.iter().take_while(|a| a.sentence == 0).count();
        attributions.drain(1..n.max(1));
        let s0 = &seg.sentences[0];
        let a = &mut attributions[0];
        if a.kind == Kind::Skip || a.speaker.is_empty() {
            *a = Attribution {
                sentence: 0,
                clause: (s0.start, s0.end),
                speaker: attribute::NARRATOR.to_string(),
                kind: Kind::Headline,
                mention: None,
                cue: None,
                nested_speaker: None,
            };
        }
        a.clause = (s0.start, s0.end);
        a.kind = Kind::Headline;
    }
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

/// Make the sentences of the first `len` bytes (the title) one sentence,
/// numbering the rest after it.
fn headline_first(seg: &mut segment::Segmented, len: usize) {
    let in_title = seg.sentences.iter().take_while(|s| s.start < len).count();
    if in_title == 0 {
        return;
    }
    let first = seg.sentences[0].clone();
    let end = seg.sentences[in_title - 1].end.max(first.end);
    seg.sentences.splice(
        0..in_title,
        [Sentence {
            index: 0,
            paragraph: first.paragraph,
            start: first.start,
            end,
        }],
    );
    for (i, s) in seg.sentences.iter_mut().enumerate() {
        s.index = i;
    }
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

    /// The text that attribution `k` covers (the whole sentence, or its
    /// clause): what is scored.
    pub fn clause_text(&self, k: usize) -> &str {
        let (x, y) = self.attributions[k].clause;
        &self.doc.text[x..y]
    }

    /// The span of attribution `k`'s clause, in characters.
    pub fn clause_chars(&self, k: usize) -> (usize, usize) {
        let (x, y) = self.attributions[k].clause;
        (self.offsets.to_char(x), self.offsets.to_char(y))
    }

    /// The span of attribution `k`'s speaker mention, in characters.
    pub fn mention_chars(&self, k: usize) -> Option<(usize, usize)> {
        self.attributions[k]
            .mention
            .map(|(x, y)| (self.offsets.to_char(x), self.offsets.to_char(y)))
    }

    /// The span of attribution `k`'s cue, in characters.
    pub fn cue_chars(&self, k: usize) -> Option<(usize, usize)> {
        self.attributions[k]
            .cue
            .map(|(x, y)| (self.offsets.to_char(x), self.offsets.to_char(y)))
    }

    /// The output row of attribution `k` for one target, with its stance
    /// probabilities (`None`: not scored, as a `skip` row is not).
    pub fn row(&self, k: usize, target: &str, p: Option<score::Probs>) -> Row {
        let a = &self.attributions[k];
        let i = a.sentence;
        let text = &self.doc.text;
        let span =
            |r: Option<(usize, usize)>| r.map_or(String::new(), |(x, y)| text[x..y].to_string());
        let (start, end) = self.char_span(i);
        let (clause_start, clause_end) = self.clause_chars(k);
        let mention_chars = self.mention_chars(k);
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
            favor: p.map(|p| p.favor),
            against: p.map(|p| p.against),
            none: p.map(|p| p.none),
            stance: p.map(|p| p.stance()),
            score: p.map(|p| p.score()),
            text: self.text(i).to_string(),
            mention_start: mention_chars.map(|m| m.0),
            mention_end: mention_chars.map(|m| m.1),
            clause_start: Some(clause_start),
            clause_end: Some(clause_end),
            nested_speaker: a.nested_speaker.clone().unwrap_or_default(),
            meta: self.doc.meta.clone(),
            file: self.doc.file.clone(),
            line: self.doc.line,
            document_topic: None,
        }
    }
}

/// Counts and timings of a run.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    /// Documents read (scored or left out).
    pub read: usize,
    /// Documents scored.
    pub documents: usize,
    /// Bad records, duplicates and non-English documents left out (each
    /// in errors.csv).
    pub skipped: usize,
    /// Of those, documents that look non-English.
    pub not_english: usize,
    /// Documents and left-out records that belong to other shards.
    pub other_shards: usize,
    /// Distinct claims scored: the run's and the records' own.
    pub targets: usize,
    /// Pairs not scored again: seen earlier in the run (the cache) or
    /// repeated within a chunk.
    pub cached_pairs: usize,
    pub sentences: usize,
    pub rows: usize,
    pub skipped_sentences: usize,
    pub analyse_secs: f64,
    pub score: ScoreStats,
}

impl RunStats {
    /// The counts, as a checkpoint keeps them.
    pub fn counts(&self) -> serde_json::Value {
        serde_json::json!({
            "read": self.read,
            "documents": self.documents,
            "skipped": self.skipped,
            "not_english": self.not_english,
            "other_shards": self.other_shards,
            "sentences": self.sentences,
            "rows": self.rows,
            "skipped_sentences": self.skipped_sentences,
            "cached_pairs": self.cached_pairs,
        })
    }

    /// Counts from [`RunStats::counts`] (timings start again from zero).
    pub fn from_counts(v: &serde_json::Value) -> Self {
        let n = |k: &str| v[k].as_u64().unwrap_or(0) as usize;
        RunStats {
            read: n("read"),
            documents: n("documents"),
            skipped: n("skipped"),
            not_english: n("not_english"),
            other_shards: n("other_shards"),
            sentences: n("sentences"),
            rows: n("rows"),
            skipped_sentences: n("skipped_sentences"),
            cached_pairs: n("cached_pairs"),
            ..RunStats::default()
        }
    }
}

/// Where a run's rows go: the output folder's tables ([`Report`]), or
/// memory ([`Collected`]).
pub trait Sink {
    /// One row, in document order.
    fn write(&mut self, row: &Row) -> Result<()>;
    /// A record or document left out, and why.
    fn error(&mut self, file: &str, line: Option<u64>, reason: &str) -> Result<()>;
    /// Everything up to `records_read` input records is done, with the
    /// run's `counts` then (a run that can resume records it).
    fn checkpoint(&mut self, _records_read: usize, _counts: serde_json::Value) -> Result<()> {
        Ok(())
    }
}

impl Sink for Report {
    fn write(&mut self, row: &Row) -> Result<()> {
        Report::write(self, row)
    }
    fn error(&mut self, file: &str, line: Option<u64>, reason: &str) -> Result<()> {
        Report::error(self, file, line, reason)
    }
    fn checkpoint(&mut self, records_read: usize, counts: serde_json::Value) -> Result<()> {
        Report::checkpoint(self, records_read, counts)
    }
}

/// A run's rows and left-out records, in memory.
#[derive(Debug, Clone, Default)]
pub struct Collected {
    pub rows: Vec<Row>,
    pub errors: Vec<LeftOut>,
}

/// A record or document left out of a run (a row of errors.csv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub file: String,
    pub line: Option<u64>,
    pub reason: String,
}

impl Sink for Collected {
    fn write(&mut self, row: &Row) -> Result<()> {
        self.rows.push(row.clone());
        Ok(())
    }
    fn error(&mut self, file: &str, line: Option<u64>, reason: &str) -> Result<()> {
        self.errors.push(LeftOut {
            file: file.to_string(),
            line,
            reason: reason.to_string(),
        });
        Ok(())
    }
}

/// Documents made from texts in memory: `texts[i]` gets the id `ids[i]`
/// (default: its position, from 0) and the metadata `meta[i]`; its
/// `file` is `texts[i]`, which errors and documents.csv name. An empty
/// text is an error that names it.
pub fn documents_from_texts(
    texts: Vec<String>,
    ids: Option<Vec<String>>,
    meta: Option<Vec<Vec<String>>>,
) -> Result<Vec<Document>> {
    let n = texts.len();
    if ids.as_ref().is_some_and(|v| v.len() != n) {
        bail!(
            "{} ids for {n} texts: give one id per text",
            ids.as_ref().map_or(0, Vec::len)
        );
    }
    if meta.as_ref().is_some_and(|v| v.len() != n) {
        bail!(
            "{} metadata rows for {n} texts: give one per text",
            meta.as_ref().map_or(0, Vec::len)
        );
    }
    let mut ids = ids.map(Vec::into_iter);
    let mut meta = meta.map(Vec::into_iter);
    let mut docs = Vec::with_capacity(n);
    for (i, text) in texts.into_iter().enumerate() {
        let id = match ids.as_mut().and_then(Iterator::next) {
            Some(id) if id.trim().is_empty() => bail!("texts[{i}]: its id is empty"),
            Some(id) => id,
            None => i.to_string(),
        };
        if text.trim_matches(crate::text::is_space).is_empty() {
            bail!("texts[{i}] (id {id}) is empty: give each document some text");
        }
        let mut doc = Document::new(id, text);
        doc.file = format!("texts[{i}]");
        doc.meta = meta.as_mut().and_then(Iterator::next).unwrap_or_default();
        docs.push(doc);
    }
    Ok(docs)
}

/// Run the pipeline over documents already in memory (see
/// [`documents_from_texts`]), returning their rows: what [`run`] writes to
/// sentences.csv, with documents that look non-English (unless
/// `opts.any_language`) and repeated ids (by `opts.dup_ids`) left out and
/// listed in [`Collected::errors`].
pub fn run_documents(
    docs: Vec<Document>,
    scorer: &Scorer,
    opts: &RunOptions,
) -> Result<(Collected, RunStats)> {
    let mut out = Collected::default();
    let stream = docs.into_iter().map(Ok);
    let stats = run_stream(stream, scorer, opts, &mut out, |_| {})?;
    Ok((out, stats))
}

/// Run the pipeline over `sources`, writing rows to `report`.
/// `on_progress` is called after each chunk with the documents done so far.
pub fn run(
    sources: &[Source],
    scorer: &Scorer,
    opts: &RunOptions,
    report: &mut dyn Sink,
    on_progress: impl FnMut(&RunStats),
) -> Result<RunStats> {
    run_stream(
        ingest::documents(sources, &opts.read),
        scorer,
        opts,
        report,
        on_progress,
    )
}

fn run_stream(
    mut stream: impl Iterator<Item = ingest::Item>,
    scorer: &Scorer,
    opts: &RunOptions,
    report: &mut dyn Sink,
    mut on_progress: impl FnMut(&RunStats),
) -> Result<RunStats> {
    let mut hypotheses: HashMap<String, String> = HashMap::new();
    for t in &opts.targets {
        hypotheses.insert(t.clone(), score::hypothesis(&opts.template, t)?);
    }
    let mut stats = RunStats::default();
    let mut ids = Ids::new();
    let mut cache = PairCache::new(opts.cache_pairs);
    if let Some((done, counts)) = &opts.resume {
        for _ in 0..*done {
            match stream.next() {
                Some(Ok(doc)) => {
                    ids.check(&doc.doc_id, &doc.origin(), opts.dup_ids)?;
                    for t in &doc.targets {
                        if !hypotheses.contains_key(t) {
                            hypotheses.insert(t.clone(), score::hypothesis(&opts.template, t)?);
                        }
                    }
                }
                Some(Err(_)) => {}
                None => bail!(
                    "the inputs hold fewer records than the checkpoint says were done ({done}); \
                     give --overwrite to start again"
                ),
            }
        }
        stats = RunStats::from_counts(counts);
    }
    // With a shard, a document is this run's when its id hashes here; a
    // record left out is listed by the shard its place hashes to.
    let mine = |key: &str| opts.shard.is_none_or(|s| s.owns(key));
    loop {
        let mut docs: Vec<Document> = Vec::new();
        while docs.len() < opts.chunk_docs.max(1) {
            let Some(item) = stream.next() else { break };
            match item {
                Ok(mut doc) => {
                    stats.read += 1;
                    // Text articles have no fields: their metadata is empty.
                    doc.meta.resize(opts.read.fields.keep.len(), String::new());
                    // Every shard reads every record, so duplicates are
                    // found (and renamed) the same way in each.
                    match ids.check(&doc.doc_id, &doc.origin(), opts.dup_ids)? {
                        ingest::ids::Verdict::Keep(id) => {
                            doc.doc_id = id;
                            if !mine(&doc.doc_id) {
                                stats.other_shards += 1;
                                continue;
                            }
                            match ingest::not_english(&doc.text) {
                                Some(why) if !opts.any_language => {
                                    stats.skipped += 1;
                                    stats.not_english += 1;
                                    report.error(&doc.file, doc.line, &why)?;
                                }
                                _ => docs.push(doc),
                            }
                        }
                        ingest::ids::Verdict::Skip(dup) if mine(&dup.second) => {
                            stats.skipped += 1;
                            report.error(&doc.file, doc.line, &dup.to_string())?;
                        }
                        ingest::ids::Verdict::Skip(_) => stats.other_shards += 1,
                    }
                }
                Err(ReadError::Bad(bad)) if opts.skip_bad => {
                    stats.read += 1;
                    if mine(&format!("{}:{}", bad.file, bad.line)) {
                        stats.skipped += 1;
                        report.error(&bad.file, Some(bad.line), &bad.reason)?;
                    } else {
                        stats.other_shards += 1;
                    }
                }
                Err(ReadError::Ingest(e)) if opts.skip_bad && e.bad_content_path().is_some() => {
                    stats.read += 1;
                    let path = e.bad_content_path().unwrap_or_default().to_string();
                    if mine(&path) {
                        stats.skipped += 1;
                        report.error(&path, None, &e.to_string())?;
                    } else {
                        stats.other_shards += 1;
                    }
                }
                Err(ReadError::Bad(bad)) => {
                    bail!("{bad}; give --skip-bad to list such records in errors.csv and go on")
                }
                Err(e) => return Err(e.into()),
            }
        }
        if docs.is_empty() {
            break;
        }
        // A record's own claims are scored besides the run's.
        for d in &docs {
            for t in &d.targets {
                if !hypotheses.contains_key(t) {
                    hypotheses.insert(t.clone(), score::hypothesis(&opts.template, t)?);
                }
            }
        }
        let t0 = std::time::Instant::now();
        let analysed: Vec<Analysed> = scorer.install(|| {
            docs.into_par_iter()
                .map(|d| analyse_with(d, &opts.attribution))
                .collect()
        });
        stats.analyse_secs += t0.elapsed().as_secs_f64();

        let targets_of = |a: &Analysed| -> Vec<String> {
            let mut ts = opts.targets.clone();
            for t in &a.doc.targets {
                if !ts.contains(t) {
                    ts.push(t.clone());
                }
            }
            ts
        };
        // Skip rows (bylines, credits, trailers) are not scored: they take
        // no stance and count in no summary.
        // Each pair carries its place, for a gate that reads the document.
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        let mut places: Vec<score::cascade::Place> = Vec::new();
        let mut doc_targets = Vec::with_capacity(analysed.len());
        for (d, a) in analysed.iter().enumerate() {
            let ts = targets_of(a);
            for k in 0..a.attributions.len() {
                if a.attributions[k].kind == Kind::Skip {
                    continue;
                }
                let paragraph = a.sentences[a.attributions[k].sentence].paragraph;
                for t in &ts {
                    pairs.push((a.clause_text(k), hypotheses[t].as_str()));
                    places.push(score::cascade::Place { doc: d, paragraph });
                }
            }
            doc_targets.push(ts);
        }
        let (probs, doc_topic) = cache.score(scorer, &pairs, Some(&places), &mut stats)?;
        // A document's ruling for each of its targets (the same on every
        // one of its pairs), for its skipped rows and documents.csv.
        let mut topic_of: HashMap<(usize, &str), Option<bool>> = HashMap::new();
        for ((p, &(_, h)), &t) in places.iter().zip(&pairs).zip(&doc_topic) {
            topic_of.insert((p.doc, h), t);
        }

        let mut k = 0;
        for (d, (a, ts)) in analysed.iter().zip(&doc_targets).enumerate() {
            for u in 0..a.attributions.len() {
                let skip = a.attributions[u].kind == Kind::Skip;
                if skip {
                    stats.skipped_sentences += 1;
                }
                for t in ts {
                    let p = if skip {
                        None
                    } else {
                        k += 1;
                        Some(probs[k - 1])
                    };
                    let mut row = a.row(u, t, p);
                    row.document_topic = topic_of
                        .get(&(d, hypotheses[t].as_str()))
                        .copied()
                        .flatten();
                    report.write(&row)?;
                    stats.rows += 1;
                }
            }
            stats.sentences += a.sentences.len();
        }
        stats.documents += analysed.len();
        stats.targets = hypotheses.len();
        report.checkpoint(stats.read, stats.counts())?;
        on_progress(&stats);
    }
    stats.targets = hypotheses.len();
    Ok(stats)
}
