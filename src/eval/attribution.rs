//! Attribution measured against PolNeAR, the way the Gender Gap Tracker
//! evaluation measures quote extraction.
//!
//! PolNeAR (Political News Attribution Relations) annotates Source, Cue and
//! Content spans in brat standoff files with character offsets. Where an
//! article has several annotators' files, the first in name order is used.
//!
//! - A *predicted content* is an attribution of kind `direct` or
//!   `indirect`: its clause, which is the whole sentence unless the sentence
//!   holds several sources.
//! - A predicted content and a gold Content span *match* when they overlap
//!   by at least a threshold (0.3 and 0.8) of the shorter of the two.
//! - Precision: the share of predicted contents that match some gold
//!   content. Recall: the share of gold contents matched by some predicted
//!   content. F1: their harmonic mean.
//! - Speaker accuracy: among gold contents with a Source that are matched
//!   (at 0.3), paired with the predicted content that overlaps them most,
//!   the share whose predicted mention overlaps the gold Source span, or
//!   whose canonical speaker equals the canonical form of the gold Source
//!   text (a full name and its surname alone count as equal, name by name
//!   for names said together: `Mark Blumenthal and Jon Cohen`).
//! - The same counts at every threshold from 0.1 to 1.0 (the curve), and
//!   recall and speaker accuracy per [`category`] of gold attribution,
//!   with every miss and wrong speaker listed ([`ErrorRow`]) for study.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::attribute::{self, Kind};

/// One gold attribution: a Content span and its Source, in characters.
#[derive(Debug, Clone)]
pub struct Gold {
    pub content: (usize, usize),
    pub cue: Option<(usize, usize)>,
    pub source: Option<(usize, usize)>,
    pub source_text: Option<String>,
}

/// A PolNeAR article with its gold attributions.
#[derive(Debug, Clone)]
pub struct Article {
    pub name: String,
    pub text: String,
    pub gold: Vec<Gold>,
}

/// Read one split (`train` or `dev`) of PolNeAR from `root/<split>/{text,attributions}`.
pub fn load_split(root: &Path, split: &str) -> Result<Vec<Article>> {
    let text_dir = root.join(split).join("text");
    let ann_dir = root.join(split).join("attributions");
    if !text_dir.is_dir() || !ann_dir.is_dir() {
        bail!(
            "{}: expected PolNeAR's {split}/text and {split}/attributions folders there",
            root.display()
        );
    }
    let mut anns: Vec<PathBuf> = std::fs::read_dir(&ann_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ann"))
        .collect();
    anns.sort();
    let mut first_by_stem: HashMap<String, PathBuf> = HashMap::new();
    for a in anns {
        let name = a.file_stem().unwrap().to_string_lossy().into_owned();
        let stem = name
            .rsplit_once('_')
            .map_or(name.clone(), |(s, _)| s.to_string());
        first_by_stem.entry(stem).or_insert(a);
    }
    let mut stems: Vec<String> = first_by_stem.keys().cloned().collect();
    stems.sort();
    let mut out = Vec::new();
    for stem in stems {
        let tpath = text_dir.join(format!("{stem}.txt"));
        let text = std::fs::read_to_string(&tpath)
            .with_context(|| format!("{}: cannot read it", tpath.display()))?;
        let apath = &first_by_stem[&stem];
        let ann = std::fs::read_to_string(apath)
            .with_context(|| format!("{}: cannot read it", apath.display()))?;
        let gold = parse_ann(&ann, &text).with_context(|| format!("{}", apath.display()))?;
        out.push(Article {
            name: stem,
            text,
            gold,
        });
    }
    Ok(out)
}

/// Parse brat standoff: `T` lines are spans (`Type START END[;START END]`),
/// `E` lines link `Content:T… Source:T…`.
pub fn parse_ann(ann: &str, text: &str) -> Result<Vec<Gold>> {
    let mut spans: HashMap<&str, (String, usize, usize)> = HashMap::new();
    let mut events = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let mut parts = line.split('\t');
        let (Some(id), Some(body)) = (parts.next(), parts.next()) else {
            continue; // continuation of a span text that held a newline
        };
        if id.starts_with('T') {
            let (typ, range) = body
                .split_once(' ')
                .with_context(|| format!("line {}: no span range", n + 1))?;
            let mut lo = usize::MAX;
            let mut hi = 0;
            for frag in range.split(';') {
                let mut nums = frag.split_whitespace().map(str::parse::<usize>);
                match (nums.next(), nums.next()) {
                    (Some(Ok(s)), Some(Ok(e))) => {
                        lo = lo.min(s);
                        hi = hi.max(e);
                    }
                    _ => bail!("line {}: bad span range `{range}`", n + 1),
                }
            }
            spans.insert(id, (typ.to_string(), lo, hi));
        } else if id.starts_with('E') {
            events.push(body);
        }
    }
    let chars: Vec<char> = text.chars().collect();
    let mut gold = Vec::new();
    for e in events {
        let mut content = None;
        let mut source = None;
        let mut cue = None;
        for arg in e.split_whitespace() {
            let Some((role, tid)) = arg.split_once(':') else {
                continue;
            };
            let role = role.trim_end_matches(char::is_numeric);
            match (role, spans.get(tid)) {
                ("Content", Some(&(_, s, e))) => content = Some((s, e)),
                ("Source", Some(&(_, s, e))) => source = Some((s, e)),
                ("Cue", Some(&(_, s, e))) => cue = Some((s, e)),
                _ => {}
            }
        }
        if let Some(content) = content {
            let source_text = source.map(|(s, e): (usize, usize)| {
                chars[s.min(chars.len())..e.min(chars.len())]
                    .iter()
                    .collect()
            });
            gold.push(Gold {
                content,
                cue,
                source,
                source_text,
            });
        }
    }
    Ok(gold)
}

/// A predicted attributed sentence, in characters.
#[derive(Debug, Clone)]
pub struct Predicted {
    pub span: (usize, usize),
    pub speaker: String,
    pub mention: Option<(usize, usize)>,
    pub cue: Option<(usize, usize)>,
}

/// Attributed sentences of an article as the attributor sees them.
pub fn predict(text: &str) -> Vec<Predicted> {
    predict_with(text, &attribute::Options::default())
}

/// [`predict`] with a choice of attributor options.
pub fn predict_with(text: &str, opts: &attribute::Options) -> Vec<Predicted> {
    predicted(&crate::pipeline::analyse_with(
        crate::ingest::Document::new("", text),
        opts,
    ))
}

/// The attributed (direct and indirect) clauses of an analysed document:
/// each sentence, or each part of a sentence that holds several sources.
pub fn predicted(a: &crate::pipeline::Analysed) -> Vec<Predicted> {
    (0..a.attributions.len())
        .filter(|&k| matches!(a.attributions[k].kind, Kind::Direct | Kind::Indirect))
        .map(|k| Predicted {
            span: a.clause_chars(k),
            speaker: a.attributions[k].speaker.clone(),
            mention: a.mention_chars(k),
            cue: a.cue_chars(k),
        })
        .collect()
}

/// Do two canonical speaker names name one speaker? Equal names do; so do
/// a full name and its surname alone (`Dan Coats`, `Coats`; `Bill de
/// Blasio`, `de Blasio`), since a gold
/// Source read out of its document cannot know the given name, and names
/// said together that match one by one (`Mark Blumenthal and Jon Cohen`,
/// `Blumenthal and Cohen`).
fn same_speaker(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    // Names said together (`Blumenthal and Cohen`) match name by name.
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split(" and ").collect(), b.split(" and ").collect());
    if pa.len() > 1 || pb.len() > 1 {
        return pa.len() == pb.len() && pa.iter().zip(&pb).all(|(x, y)| same_speaker(x, y));
    }
    // A surname alone (`Coats`, `de Blasio`) is the end of the full name.
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    a.ends_with(&format!(" {b}")) || b.ends_with(&format!(" {a}"))
}

fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// Overlap as a share of the shorter span.
pub fn overlap_ratio(a: (usize, usize), b: (usize, usize)) -> f64 {
    let shorter = (a.1 - a.0).min(b.1 - b.0);
    if shorter == 0 {
        return 0.0;
    }
    overlap(a, b) as f64 / shorter as f64
}

/// Counts at one overlap threshold.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub predicted: usize,
    pub gold: usize,
    pub predicted_matched: usize,
    pub gold_matched: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        ratio(self.predicted_matched, self.predicted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.gold_matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The result of evaluating a set of articles.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    pub articles: usize,
    /// Sentences attributed, and the seconds attribution alone took (one
    /// thread, segmentation apart).
    pub sentences: usize,
    pub attribute_secs: f64,
    pub at_30: Counts,
    pub at_80: Counts,
    pub speaker_correct: usize,
    pub speaker_total: usize,
    /// Counts at the thresholds 0.1, 0.2, … 1.0.
    pub curve: [Counts; 10],
    /// Per [`category`]: gold contents, those matched at 0.3, and speaker
    /// accuracy's correct / total among them.
    pub by_category: BTreeMap<&'static str, CategoryCounts>,
    /// Every gold content missed at 0.3, every matched one whose speaker
    /// is wrong, and every prediction matching no gold content.
    pub errors: Vec<ErrorRow>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CategoryCounts {
    pub gold: usize,
    pub matched: usize,
    pub speaker_correct: usize,
    pub speaker_total: usize,
}

/// One error, with the text around it, for `eval-attribution --errors`.
#[derive(Debug, Clone)]
pub struct ErrorRow {
    pub article: String,
    /// `missed`, `wrong speaker` or `no gold`.
    pub error: &'static str,
    /// The gold attribution's [`category`] (empty for `no gold`).
    pub category: &'static str,
    pub gold_source: String,
    pub gold_cue: String,
    pub gold_content: String,
    pub predicted_speaker: String,
    pub predicted_sentence: String,
    /// The words that name the predicted speaker (empty for the narrator).
    pub predicted_mention: String,
    /// The words taken for the predicted cue (empty for the narrator).
    pub predicted_cue: String,
}

/// What kind of attribution a gold one is, from its annotation alone (the
/// first that applies), to see which kinds the attributor misses:
/// `no source`, `pronoun or relative source`, `appositive source` (the
/// Source span holds a comma), then by the cue: `no cue`, `according to`,
/// `noun-phrase cue` (`X's claim that`, `the statement from X`), `belief or
/// position` (`believes`, `wants`, `has argued`), `passive or impersonal`
/// (`was quoted as saying`, `it was reported`), else `other cue` (a
/// reporting verb, and PolNeAR's wider relations: `targeted`, `promoted`).
pub fn category(source: Option<&str>, cue: Option<&str>) -> &'static str {
    let Some(source) = source else {
        return "no source";
    };
    let src = source.trim().to_lowercase();
    const PRONOUNS: [&str; 16] = [
        "he", "she", "they", "it", "we", "i", "you", "who", "which", "that", "him", "her", "them",
        "us", "his", "their",
    ];
    if PRONOUNS.contains(&src.as_str()) {
        return "pronoun or relative source";
    }
    if src.contains(',') {
        return "appositive source";
    }
    let Some(cue) = cue else {
        return "no cue";
    };
    let cue = cue.to_lowercase();
    let words: Vec<&str> = cue
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let any = |set: &[&str]| words.iter().any(|w| set.contains(w));
    if cue.contains("according") {
        "according to"
    } else if any(&[
        "claim",
        "claims",
        "statement",
        "statements",
        "report",
        "reports",
        "remarks",
        "comments",
        "view",
        "views",
        "assessment",
        "allegation",
        "allegations",
        "testimony",
        "announcement",
        "letter",
        "memo",
        "tweet",
        "message",
        "accusation",
        "warning",
        "promise",
        "argument",
        "position",
    ]) {
        "noun-phrase cue"
    } else if any(&[
        "believe",
        "believes",
        "believed",
        "think",
        "thinks",
        "thought",
        "want",
        "wants",
        "wanted",
        "hope",
        "hopes",
        "hoped",
        "fear",
        "fears",
        "feared",
        "argue",
        "argues",
        "argued",
        "feel",
        "feels",
        "felt",
        "expect",
        "expects",
        "expected",
        "doubt",
        "doubts",
        "doubted",
        "consider",
        "considers",
        "considered",
        "insist",
        "insists",
        "insisted",
    ]) {
        "belief or position"
    } else if words.len() > 1
        && any(&["was", "were", "been", "is", "are", "be"])
        && words.iter().any(|w| w.ends_with("ed") || *w == "quoted")
    {
        "passive or impersonal"
    } else {
        "other cue"
    }
}

impl Evaluation {
    pub fn speaker_accuracy(&self) -> f64 {
        ratio(self.speaker_correct, self.speaker_total)
    }
}

fn count(pred: &[Predicted], gold: &[Gold], threshold: f64, c: &mut Counts) {
    c.predicted += pred.len();
    c.gold += gold.len();
    c.predicted_matched += pred
        .iter()
        .filter(|p| {
            gold.iter()
                .any(|g| overlap_ratio(p.span, g.content) >= threshold)
        })
        .count();
    c.gold_matched += gold
        .iter()
        .filter(|g| {
            pred.iter()
                .any(|p| overlap_ratio(p.span, g.content) >= threshold)
        })
        .count();
}

/// Score one article's predictions against its gold attributions.
pub fn evaluate_article(text: &str, pred: &[Predicted], gold: &[Gold], ev: &mut Evaluation) {
    evaluate_named("", text, pred, gold, ev)
}

/// [`evaluate_article`], naming the article in the error rows.
pub fn evaluate_named(
    name: &str,
    text: &str,
    pred: &[Predicted],
    gold: &[Gold],
    ev: &mut Evaluation,
) {
    ev.articles += 1;
    count(pred, gold, 0.3, &mut ev.at_30);
    count(pred, gold, 0.8, &mut ev.at_80);
    for (i, c) in ev.curve.iter_mut().enumerate() {
        // 0.1 … 1.0 ((i + 1) / 10 is the nearest double to each, as 0.3 is).
        count(pred, gold, (i + 1) as f64 / 10.0, c);
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |span: (usize, usize)| -> String {
        chars[span.0.min(chars.len())..span.1.min(chars.len())]
            .iter()
            .collect()
    };
    for g in gold {
        let cue_text = g.cue.map(cut);
        let cat = category(g.source_text.as_deref(), cue_text.as_deref());
        let counts = ev.by_category.entry(cat).or_default();
        counts.gold += 1;
        let best = pred
            .iter()
            .map(|p| (overlap_ratio(p.span, g.content), p))
            .filter(|(r, _)| *r >= 0.3)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let row = |error: &'static str, p: Option<&Predicted>| ErrorRow {
            article: name.to_string(),
            error,
            category: cat,
            gold_source: g.source_text.clone().unwrap_or_default(),
            gold_cue: cue_text.clone().unwrap_or_default(),
            gold_content: cut(g.content),
            predicted_speaker: p.map(|p| p.speaker.clone()).unwrap_or_default(),
            predicted_sentence: p.map(|p| cut(p.span)).unwrap_or_default(),
            predicted_mention: p.and_then(|p| p.mention).map(cut).unwrap_or_default(),
            predicted_cue: p.and_then(|p| p.cue).map(cut).unwrap_or_default(),
        };
        let Some((_, p)) = best else {
            ev.errors.push(row("missed", None));
            continue;
        };
        counts.matched += 1;
        let (Some(src), Some(src_text)) = (g.source, g.source_text.as_deref()) else {
            continue;
        };
        ev.speaker_total += 1;
        counts.speaker_total += 1;
        let mention_hit = p.mention.is_some_and(|m| overlap(m, src) > 0);
        let name_hit = attribute::canonical_speaker(src_text)
            .is_some_and(|gold_name| same_speaker(&gold_name, &p.speaker));
        if mention_hit || name_hit {
            ev.speaker_correct += 1;
            counts.speaker_correct += 1;
        } else {
            ev.errors.push(row("wrong speaker", Some(p)));
        }
    }
    for p in pred {
        if !gold.iter().any(|g| overlap_ratio(p.span, g.content) >= 0.3) {
            ev.errors.push(ErrorRow {
                article: name.to_string(),
                error: "no gold",
                category: "",
                gold_source: String::new(),
                gold_cue: String::new(),
                gold_content: String::new(),
                predicted_speaker: p.speaker.clone(),
                predicted_sentence: cut(p.span),
                predicted_mention: p.mention.map(cut).unwrap_or_default(),
                predicted_cue: p.cue.map(cut).unwrap_or_default(),
            });
        }
    }
}

/// Evaluate the attributor on articles.
pub fn evaluate(articles: &[Article], opts: &attribute::Options) -> Evaluation {
    let mut ev = Evaluation::default();
    for a in articles {
        let (analysed, times) = crate::pipeline::analyse_timed_with(
            crate::ingest::Document::new("", a.text.as_str()),
            opts,
        );
        ev.sentences += analysed.sentences.len();
        ev.attribute_secs += times.attribute.as_secs_f64();
        let pred = predicted(&analysed);
        evaluate_named(&a.name, &a.text, &pred, &a.gold, &mut ev);
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speakers_match_by_surname_and_name_by_name() {
        assert!(same_speaker("Dan Coats", "Coats"));
        assert!(same_speaker(
            "Mark Blumenthal and Jon Cohen",
            "Blumenthal and Cohen"
        ));
        assert!(!same_speaker(
            "Mark Blumenthal and Jon Cohen",
            "Blumenthal and Ruiz"
        ));
        assert!(!same_speaker("Mark Blumenthal and Jon Cohen", "Cohen"));
        assert!(!same_speaker("Dan Coats", "Mike Coats"));
        assert!(same_speaker("Bill de Blasio", "de Blasio"));
    }

    #[test]
    fn brat_lines_and_discontinuous_spans() {
        let text = "Smith said the vote was rigged, and also unfair.";
        let ann = "T1\tSource 0 5\tSmith\nT2\tCue 6 10\tsaid\nT3\tContent 11 30;35 47\tthe vote ... unfair\nE1\tAttribution:T9 Content:T3 Cue:T2 Source:T1\n";
        let gold = parse_ann(ann, text).unwrap();
        assert_eq!(gold.len(), 1);
        assert_eq!(gold[0].content, (11, 47));
        assert_eq!(gold[0].source_text.as_deref(), Some("Smith"));
    }

    #[test]
    fn metrics_by_hand() {
        // Two gold contents; two predicted sentences, one matching.
        let text = "Smith said the vote was rigged. The sky is blue. Jones claimed victory.";
        let gold = vec![
            Gold {
                content: (11, 30),
                cue: None,
                source: Some((0, 5)),
                source_text: Some("Smith".into()),
            },
            Gold {
                content: (49, 70),
                cue: None,
                source: Some((49, 54)),
                source_text: Some("Jones".into()),
            },
        ];
        let pred = vec![
            Predicted {
                span: (0, 31),
                speaker: "Smith".into(),
                mention: Some((0, 5)),
                cue: None,
            },
            Predicted {
                span: (32, 48),
                speaker: "narrator".into(),
                mention: None,
                cue: None,
            },
        ];
        let mut ev = Evaluation::default();
        evaluate_article(text, &pred, &gold, &mut ev);
        assert_eq!(
            ev.at_30,
            Counts {
                predicted: 2,
                gold: 2,
                predicted_matched: 1,
                gold_matched: 1
            }
        );
        assert!((ev.at_30.precision() - 0.5).abs() < 1e-9);
        assert!((ev.at_30.recall() - 0.5).abs() < 1e-9);
        assert!((ev.at_30.f1() - 0.5).abs() < 1e-9);
        assert_eq!((ev.speaker_correct, ev.speaker_total), (1, 1));
        assert!((overlap_ratio((0, 10), (5, 30)) - 0.5).abs() < 1e-9);
        // The curve agrees with the two thresholds, and falls as it rises.
        assert_eq!(ev.curve[2], ev.at_30);
        assert_eq!(ev.curve[7], ev.at_80);
        assert!(ev
            .curve
            .windows(2)
            .all(|w| w[0].gold_matched >= w[1].gold_matched));
        // Jones's claim is missed, the blue sky matches nothing.
        let errors: Vec<(&str, &str, &str)> = ev
            .errors
            .iter()
            .map(|e| (e.error, e.category, e.gold_content.as_str()))
            .collect();
        assert_eq!(
            errors,
            [
                ("missed", "no cue", "Jones claimed victory"),
                ("no gold", "", "")
            ]
        );
        assert_eq!(ev.errors[1].predicted_sentence, "The sky is blue.");
        // The narrator has no mention.
        assert_eq!(ev.errors[1].predicted_mention, "");
        // A wrong speaker names the words it took for the speaker.
        let wrong = vec![Predicted {
            span: (0, 31),
            speaker: "Jones".into(),
            mention: Some((20, 25)),
            cue: Some((6, 10)),
        }];
        let mut ev = Evaluation::default();
        evaluate_article(text, &wrong, &gold, &mut ev);
        let e = ev
            .errors
            .iter()
            .find(|e| e.error == "wrong speaker")
            .unwrap();
        assert_eq!(
            (e.predicted_speaker.as_str(), e.predicted_mention.as_str()),
            ("Jones", &text[20..25])
        );
        // …and the cue it took.
        assert_eq!(e.predicted_cue, "said");
        assert_eq!(ev.by_category["no cue"].gold, 2);
        assert_eq!(ev.by_category["no cue"].matched, 1);
    }

    #[test]
    fn categories_come_from_the_source_and_the_cue() {
        let c = |s: Option<&str>, q: Option<&str>| category(s, q);
        assert_eq!(c(None, Some("said")), "no source");
        assert_eq!(c(Some("He"), Some("said")), "pronoun or relative source");
        assert_eq!(c(Some("who"), Some("argued")), "pronoun or relative source");
        assert_eq!(
            c(Some("Sen. Ann Lee, a Republican from Ohio"), Some("said")),
            "appositive source"
        );
        assert_eq!(c(Some("Lee"), None), "no cue");
        assert_eq!(c(Some("the report"), Some("according to")), "according to");
        assert_eq!(c(Some("Lee"), Some("'s claim")), "noun-phrase cue");
        assert_eq!(
            c(Some("Lee"), Some("has long argued")),
            "belief or position"
        );
        assert_eq!(
            c(Some("Lee"), Some("was quoted as saying")),
            "passive or impersonal"
        );
        assert_eq!(c(Some("Lee"), Some("told reporters")), "other cue");
    }
}
