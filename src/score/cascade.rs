//! Cascades: a cheap relevance gate in front of a cross-encoder.
//!
//! A cross-encoder reads every (sentence, claim) pair together, which is
//! accurate but costs one forward pass per pair. Most sentences of an
//! archive say nothing about a given claim. A cascade first embeds every
//! distinct sentence and claim once with a bi-encoder (the gate), rules a
//! pair off-topic when their cosine similarity is below a threshold, and
//! sends only the rest to the cross-encoder.
//!
//! A cross-encoder folder becomes a cascade with [`CASCADE_CONFIG`]:
//!
//! ```json
//! {"format": "stance-cascade/2", "gate": "../minilm-stance", "threshold": 0.15,
//!  "context": {"document": 0.47, "short_words": 5, "min_sentences": 5}}
//! ```
//!
//! `gate` is a model folder (relative to this one) whose encoder gives the
//! embeddings; its own stance head, if any, is not used. `context` (format
//! 2, optional) lets the gate read the document around a sentence
//! ([`ContextRule`], [`decide`]); format 1 files, without it, still load.
//! Where a pair has no document (`stance eval`, bare pairs), the gate
//! judges the sentence alone.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

/// The cascade's description, beside the cross-encoder's `config.json`.
pub const CASCADE_CONFIG: &str = "cascade.json";
/// The format this stance writes: format 1 plus `context`.
pub const CASCADE_FORMAT: &str = "stance-cascade/2";
/// Every format this stance reads.
pub const CASCADE_FORMATS: [&str; 2] = ["stance-cascade/1", CASCADE_FORMAT];

/// What `cascade.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CascadeConfig {
    /// One of [`CASCADE_FORMATS`].
    pub format: String,
    /// The gate's model folder, relative to the cascade's folder.
    pub gate: String,
    /// Pairs whose cosine similarity is below this are `none` without
    /// running the cross-encoder.
    pub threshold: f32,
    /// How the gate reads a sentence's paragraph and document (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<ContextRule>,
    /// Free-form provenance: how the threshold was chosen.
    #[serde(default)]
    pub chosen_on: Option<serde_json::Value>,
}

/// How the gate reads context, where a pair's sentence has a document
/// around it (`stance run`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct ContextRule {
    /// A document none of whose sentences comes this near the claim
    /// (cosine) is off topic, and so is every sentence of it.
    pub document: f32,
    /// A sentence of at most this many words ("Critics disagreed.") takes
    /// its paragraph's topic: it is judged by the highest cosine in its
    /// paragraph if that is above its own.
    pub short_words: usize,
    /// Documents with fewer scored sentences than this (a post, a
    /// one-line record) are not judged as documents: the highest of a few
    /// cosines says little, and their sentences speak for themselves.
    pub min_sentences: usize,
}

/// Where a pair's sentence sits: its document (any number that is the
/// same for all of one document's pairs) and its paragraph in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub doc: usize,
    pub paragraph: usize,
}

/// The gate's ruling on each pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    /// The pair goes on to the stance model.
    pub kept: Vec<bool>,
    /// Whether the pair's document is on topic for its claim; `None`
    /// where the gate did not judge documents (no context rule, no place).
    pub document: Vec<Option<bool>>,
}

/// Rule on `pairs` (premise, hypothesis) from their gate cosines `cos`.
/// Without `rule` or `places`, a pair is kept when its cosine reaches
/// `threshold`. With both, a pair is kept when its cosine, or for a short
/// sentence its paragraph's highest, reaches `threshold`, and its document
/// is on topic for its hypothesis: some sentence of it reaches
/// `rule.document`, or it has fewer than `rule.min_sentences` sentences
/// (then it is not judged). The ruling depends only on the cosines, so scores
/// remembered by a cache never change it.
pub fn decide(
    threshold: f32,
    rule: Option<&ContextRule>,
    pairs: &[(&str, &str)],
    cos: &[f32],
    places: Option<&[Place]>,
) -> Verdicts {
    let (Some(rule), Some(places)) = (rule, places) else {
        return Verdicts {
            kept: cos.iter().map(|&c| c >= threshold).collect(),
            document: vec![None; cos.len()],
        };
    };
    // Each (document, hypothesis): its highest cosine and its sentences.
    let mut doc_max: HashMap<(usize, &str), (f32, usize)> = HashMap::new();
    let mut par_max: HashMap<(Place, &str), f32> = HashMap::new();
    for ((&(_, h), &c), &p) in pairs.iter().zip(cos).zip(places) {
        let d = doc_max.entry((p.doc, h)).or_insert((f32::NEG_INFINITY, 0));
        *d = (d.0.max(c), d.1 + 1);
        let q = par_max.entry((p, h)).or_insert(f32::NEG_INFINITY);
        *q = q.max(c);
    }
    let mut v = Verdicts {
        kept: Vec::with_capacity(cos.len()),
        document: Vec::with_capacity(cos.len()),
    };
    for ((&(s, h), &c), &p) in pairs.iter().zip(cos).zip(places) {
        let (best, n) = doc_max[&(p.doc, h)];
        let judged = n >= rule.min_sentences;
        let on = !judged || best >= rule.document;
        let own = if s.split_whitespace().count() <= rule.short_words {
            c.max(par_max[&(p, h)])
        } else {
            c
        };
        v.kept.push(on && own >= threshold);
        v.document.push(judged.then_some(on));
    }
    v
}

impl CascadeConfig {
    /// Whether `dir` holds a cascade.
    pub fn present(dir: &Path) -> bool {
        dir.join(CASCADE_CONFIG).is_file()
    }

    /// Read `dir/cascade.json`; the gate folder must exist.
    pub fn load(dir: &Path) -> Result<(Self, PathBuf)> {
        let path = dir.join(CASCADE_CONFIG);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let cfg: CascadeConfig = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a cascade description", path.display()))?;
        if !CASCADE_FORMATS.contains(&cfg.format.as_str()) {
            bail!(
                "{}: format `{}` is unknown; this stance reads {}",
                path.display(),
                cfg.format,
                CASCADE_FORMATS.map(|f| format!("`{f}`")).join(" and ")
            );
        }
        if cfg.format == CASCADE_FORMATS[0] && cfg.context.is_some() {
            bail!(
                "{}: `context` needs format `{CASCADE_FORMAT}`; change `format` to it",
                path.display()
            );
        }
        for (what, t) in std::iter::once(("threshold", cfg.threshold))
            .chain(cfg.context.map(|c| ("context.document", c.document)))
        {
            if !(-1.0..=1.0).contains(&t) {
                bail!(
                    "{}: {what} {t} is not a cosine similarity between -1 and 1",
                    path.display()
                );
            }
        }
        let gate = dir.join(&cfg.gate);
        if !gate.join("config.json").is_file() {
            bail!(
                "{}: its gate `{}` is not a model folder ({} has no config.json); keep the gate \
                 folder beside this one",
                path.display(),
                cfg.gate,
                gate.display()
            );
        }
        Ok((cfg, gate))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_checked_and_names_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let ce = dir.path().join("ce");
        let gate = dir.path().join("gate");
        std::fs::create_dir_all(&ce).unwrap();
        std::fs::create_dir_all(&gate).unwrap();
        assert!(!CascadeConfig::present(&ce));
        let write = |json: &str| std::fs::write(ce.join(CASCADE_CONFIG), json).unwrap();
        write(r#"{"format": "stance-cascade/1", "gate": "../gate", "threshold": 0.2}"#);
        assert!(CascadeConfig::present(&ce));
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("no config.json"), "{err}");
        std::fs::write(gate.join("config.json"), "{}").unwrap();
        let (cfg, path) = CascadeConfig::load(&ce).unwrap();
        assert_eq!(cfg.threshold, 0.2);
        assert_eq!(path, ce.join("../gate"));
        write(r#"{"format": "stance-cascade/1", "gate": "../gate", "threshold": 3}"#);
        assert!(CascadeConfig::load(&ce).is_err());
        write(r#"{"format": "stance-cascade/7", "gate": "../gate", "threshold": 0.1}"#);
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("stance-cascade/7"), "{err}");
        // Format 2 carries a context rule; format 1 may not.
        write(
            r#"{"format": "stance-cascade/2", "gate": "../gate", "threshold": 0.15,
                "context": {"document": 0.3, "short_words": 6, "min_sentences": 4}}"#,
        );
        let (cfg, _) = CascadeConfig::load(&ce).unwrap();
        assert_eq!(
            cfg.context,
            Some(ContextRule {
                document: 0.3,
                short_words: 6,
                min_sentences: 4
            })
        );
        write(
            r#"{"format": "stance-cascade/1", "gate": "../gate", "threshold": 0.15,
                "context": {"document": 0.3, "short_words": 6, "min_sentences": 4}}"#,
        );
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("stance-cascade/2"), "{err}");
        write(
            r#"{"format": "stance-cascade/2", "gate": "../gate", "threshold": 0.15,
                "context": {"document": 1.5, "short_words": 6, "min_sentences": 4}}"#,
        );
        let err = CascadeConfig::load(&ce).unwrap_err().to_string();
        assert!(err.contains("context.document 1.5"), "{err}");
    }

    const RULE: ContextRule = ContextRule {
        document: 0.3,
        short_words: 3,
        min_sentences: 2,
    };

    #[test]
    fn without_context_the_gate_reads_the_sentence_alone() {
        let pairs = [
            ("Taxes rose again this year.", "C."),
            ("Critics disagreed.", "C."),
        ];
        let cos = [0.5, 0.05];
        for v in [
            decide(0.15, None, &pairs, &cos, None),
            decide(0.15, Some(&RULE), &pairs, &cos, None),
        ] {
            assert_eq!(v.kept, [true, false]);
            assert_eq!(v.document, [None, None]);
        }
    }

    #[test]
    fn a_document_far_from_the_claim_is_off_topic_and_short_sentences_take_their_paragraph() {
        let claim = "A carbon tax would cut emissions.";
        let pairs = [
            // Document 0: near the claim in paragraph 0.
            (
                "Economists said a carbon tax would cut emissions quickly.",
                claim,
            ),
            ("Critics disagreed.", claim),
            // Paragraph 1: another topic, a short sentence of its own.
            ("The mayor opened a new bridge on Tuesday morning.", claim),
            ("Crowds cheered.", claim),
            // Document 1: its best sentence passes the sentence threshold
            // but the document never comes near the claim.
            ("Critics disagreed.", claim),
            ("Fuel prices were higher than in the spring.", claim),
        ];
        let cos = [0.7, 0.05, 0.02, 0.01, 0.05, 0.2];
        let at = |doc, paragraph| Place { doc, paragraph };
        let places = [at(0, 0), at(0, 0), at(0, 1), at(0, 1), at(1, 0), at(1, 0)];
        let v = decide(0.15, Some(&RULE), &pairs, &cos, Some(&places));
        assert_eq!(v.kept, [true, true, false, false, false, false]);
        let (on, off) = (Some(true), Some(false));
        assert_eq!(v.document, [on, on, on, on, off, off]);
        // Each claim is judged on its own: document 1 comes near another.
        let other = "Fuel prices rose.";
        let pairs2 = [pairs[4], pairs[5], (pairs[4].0, other), (pairs[5].0, other)];
        let cos2 = [0.05, 0.2, 0.05, 0.6];
        let v = decide(0.15, Some(&RULE), &pairs2, &cos2, Some(&[at(1, 0); 4]));
        assert_eq!(v.kept, [false, false, true, true]);
        assert_eq!(v.document, [off, off, on, on]);
        // A document of one sentence is not judged as a document.
        let v = decide(
            0.15,
            Some(&RULE),
            &pairs[5..],
            &cos[5..],
            Some(&places[5..]),
        );
        assert_eq!(v.kept, [true]);
        assert_eq!(v.document, [None]);
    }
}
