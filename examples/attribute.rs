//! Print each attribution of an article (one per sentence, or one per
//! clause where a sentence holds several sources) with its speaker, kind,
//! mention, cue and nested source:
//! `cargo run --example attribute -- datasets/helsinki-summit.txt`.
//!
//! With `--candidates` first, also list every candidate attribution the
//! speaker ranker weighed (mention, cue and its probability), to see why a
//! cue was or was not taken.

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let candidates = args.first().is_some_and(|a| a == "--candidates");
    if candidates {
        args.remove(0);
    }
    let ranker = stance::attribute::learned::Model::speakers();
    for path in args {
        let doc = stance::ingest::read(&stance::ingest::Source::File(path.into()))?;
        let an = stance::pipeline::analyse(doc);
        for (k, a) in an.attributions.iter().enumerate() {
            let span = |r: Option<(usize, usize)>| r.map_or("", |(x, y)| &an.doc.text[x..y]);
            let nested = a
                .nested_speaker
                .as_deref()
                .map_or(String::new(), |n| format!(" [nested: {n}]"));
            println!(
                "{:>3} {:<10} {:<22} {:<24} {:<12} {}{nested}",
                a.sentence,
                a.kind.as_str(),
                a.speaker,
                span(a.mention),
                span(a.cue),
                an.clause_text(k)
            );
        }
        if candidates {
            let text = &an.doc.text;
            let rows =
                stance::attribute::ranker_training_rows(text, &stance::segment::segment(text));
            for (features, mention, cue) in rows {
                println!(
                    "    candidate {:.3}  {:<24} {}",
                    ranker.probability(&features),
                    &text[mention.0..mention.1],
                    &text[cue.0..cue.1]
                );
            }
        }
    }
    Ok(())
}
