//! Print each attribution of an article (one per sentence, or one per
//! clause where a sentence holds several sources) with its speaker, kind,
//! mention, cue and nested source:
//! `cargo run --example attribute -- datasets/helsinki-summit.txt`.

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
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
    }
    Ok(())
}
