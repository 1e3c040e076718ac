//! Baseline for `eval-attribution`: call every sentence attributed, to show
//! how lenient sentence-level matching is on PolNeAR:
//! `cargo run --release --example polnear_baseline -- ../shared/data/polnear dev`.

use stance::eval::attribution::{evaluate_article, load_split, Evaluation, Predicted};
use stance::ingest::Document;
use stance::pipeline::analyse;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let split = args.get(2).map_or("dev", |s| s);
    let mut ev = Evaluation::default();
    for a in load_split(root, split)? {
        let an = analyse(Document::new(a.name.clone(), a.text.clone()));
        let pred: Vec<Predicted> = (0..an.sentences.len())
            .map(|i| Predicted {
                span: an.char_span(i),
                speaker: String::new(),
                mention: None,
                cue: None,
            })
            .collect();
        evaluate_article(&a.text, &pred, &a.gold, &mut ev);
    }
    for (name, c) in [("0.3", &ev.at_30), ("0.8", &ev.at_80)] {
        println!(
            "every sentence attributed, {split} @{name}: P {:.1} R {:.1} F1 {:.1}",
            100.0 * c.precision(),
            100.0 * c.recall(),
            100.0 * c.f1()
        );
    }
    Ok(())
}
