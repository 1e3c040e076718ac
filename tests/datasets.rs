//! The bundled stance data: well-formed, balanced as documented, split into
//! dev and test, and independent of the founding article.

use std::collections::{BTreeMap, HashSet};

use stance::eval::stance::{load, Format};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

#[test]
fn stance_dev_is_balanced_and_split() {
    let d = load(
        &std::path::Path::new(ROOT).join("datasets/stance-dev.csv"),
        Format::Csv,
    )
    .unwrap();
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
    let dev = d
        .examples
        .iter()
        .filter(|e| e.split.as_deref() == Some("dev"))
        .count();
    let test = d
        .examples
        .iter()
        .filter(|e| e.split.as_deref() == Some("test"))
        .count();
    assert_eq!((dev, test), (159, 151));
    let texts: HashSet<&str> = d.examples.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts.len(), 310, "no duplicate sentences");
}

#[test]
fn stance_data_does_not_copy_the_founding_article() {
    let article = std::fs::read_to_string(format!("{ROOT}/datasets/helsinki-summit.txt")).unwrap();
    let seg = stance::segment::segment(&article);
    let founding: Vec<HashSet<String>> = seg
        .sentences
        .iter()
        .map(|s| words(s.text(&article)))
        .collect();
    let d = load(
        &std::path::Path::new(ROOT).join("datasets/stance-dev.csv"),
        Format::Csv,
    )
    .unwrap();
    for e in &d.examples {
        let w = words(&e.text);
        for f in &founding {
            let inter = w.intersection(f).count() as f64;
            let union = w.union(f).count() as f64;
            assert!(
                inter / union < 0.35,
                "too close to the founding article: {}",
                e.text
            );
        }
    }
}

#[test]
fn stance_train_is_separate_from_dev_and_leaves_out_one_claim() {
    let root = std::path::Path::new(ROOT);
    let train = load(&root.join("datasets/stance-train.csv"), Format::Csv).unwrap();
    let dev = load(&root.join("datasets/stance-dev.csv"), Format::Csv).unwrap();
    assert_eq!(train.examples.len(), 315);
    let targets: HashSet<String> = train
        .examples
        .iter()
        .map(|e| e.target.clone().unwrap())
        .collect();
    assert_eq!(targets.len(), 9);
    assert!(
        !targets.iter().any(|t| t.contains("minimum wage")),
        "the minimum-wage claim measures transfer and must stay out of training"
    );
    for l in 0..3 {
        assert_eq!(train.examples.iter().filter(|e| e.label == l).count(), 105);
    }
    let dev_words: Vec<HashSet<String>> = dev.examples.iter().map(|e| words(&e.text)).collect();
    let article = std::fs::read_to_string(format!("{ROOT}/datasets/helsinki-summit.txt")).unwrap();
    let seg = stance::segment::segment(&article);
    let founding: Vec<HashSet<String>> = seg
        .sentences
        .iter()
        .map(|s| words(s.text(&article)))
        .collect();
    let jaccard = |a: &HashSet<String>, b: &HashSet<String>| {
        a.intersection(b).count() as f64 / a.union(b).count() as f64
    };
    for e in &train.examples {
        let w = words(&e.text);
        for d in &dev_words {
            assert!(
                jaccard(&w, d) < 0.45,
                "too close to a dev sentence: {}",
                e.text
            );
        }
        for f in &founding {
            assert!(
                jaccard(&w, f) < 0.35,
                "too close to the founding article: {}",
                e.text
            );
        }
    }
}
