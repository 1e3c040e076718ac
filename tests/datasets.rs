//! The bundled stance data: well-formed, balanced as documented, split into
//! dev and test, and independent of the founding article and of each other.

use std::collections::{BTreeMap, HashSet};

use stance::eval::stance::{load, Dataset, Format};

use crate::common::*;

fn dataset(name: &str) -> Dataset {
    load(&root().join("datasets").join(name), Format::Csv).unwrap()
}

fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

/// Word sets of the founding article's sentences.
fn founding_sentences() -> Vec<HashSet<String>> {
    let article = article_text();
    let seg = stance::segment::segment(&article);
    seg.sentences
        .iter()
        .map(|s| words(s.text(&article)))
        .collect()
}

/// No sentence of `d` shares most of its words with one of `others`.
fn assert_apart(d: &Dataset, others: &[HashSet<String>], limit: f64, what: &str) {
    for e in &d.examples {
        let w = words(&e.text);
        for o in others {
            assert!(jaccard(&w, o) < limit, "too close to {what}: {}", e.text);
        }
    }
}

#[test]
fn stance_dev_is_balanced_and_split() {
    let d = dataset("stance-dev.csv");
    assert_eq!(d.examples.len(), 310);
    let mut per: BTreeMap<(String, usize), usize> = BTreeMap::new();
    for e in &d.examples {
        *per.entry((e.target.clone().unwrap(), e.label)).or_default() += 1;
    }
    assert_eq!(per.len(), 9, "three targets x three labels");
    let russia: usize = per
        .iter()
        .filter(|((t, _), _)| t.starts_with("Russia"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(russia, 160);
    let count = |split: &str| {
        d.examples
            .iter()
            .filter(|e| e.split.as_deref() == Some(split))
            .count()
    };
    assert_eq!((count("dev"), count("test")), (159, 151));
    let texts: HashSet<&str> = d.examples.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts.len(), 310, "no duplicate sentences");
}

#[test]
fn stance_data_does_not_copy_the_founding_article() {
    let founding = founding_sentences();
    assert_apart(
        &dataset("stance-dev.csv"),
        &founding,
        0.35,
        "the founding article",
    );
    assert_apart(
        &dataset("stance-train.csv"),
        &founding,
        0.35,
        "the founding article",
    );
    assert_apart(
        &dataset("own-labels/labels.csv"),
        &founding,
        0.35,
        "the founding article",
    );
}

/// The labelling example's labels are for its own articles' sentences,
/// every one of them, with every stance present.
#[test]
fn the_labelling_example_labels_its_articles() {
    let labels = dataset("own-labels/labels.csv");
    let texts: HashSet<&str> = labels.examples.iter().map(|e| e.text.as_str()).collect();
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("datasets/own-labels/articles")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let seg = stance::segment::segment(&text);
        for s in &seg.sentences {
            assert!(
                texts.contains(s.text(&text)),
                "no label for: {}",
                s.text(&text)
            );
            seen += 1;
        }
    }
    assert_eq!(seen, labels.examples.len());
    for l in 0..3 {
        assert!(labels.examples.iter().any(|e| e.label == l));
    }
}

#[test]
fn stance_train_is_separate_from_dev_and_leaves_out_one_claim() {
    let train = dataset("stance-train.csv");
    let dev = dataset("stance-dev.csv");
    assert_eq!(train.examples.len(), 615);
    let targets: HashSet<String> = train
        .examples
        .iter()
        .map(|e| e.target.clone().unwrap())
        .collect();
    assert_eq!(targets.len(), 19);
    assert!(
        !targets.iter().any(|t| t.contains("minimum wage")),
        "the minimum-wage claim measures transfer and must stay out of training"
    );
    for l in 0..3 {
        assert_eq!(train.examples.iter().filter(|e| e.label == l).count(), 205);
    }
    let dev_words: Vec<HashSet<String>> = dev.examples.iter().map(|e| words(&e.text)).collect();
    assert_apart(&train, &dev_words, 0.45, "a dev sentence");
}
