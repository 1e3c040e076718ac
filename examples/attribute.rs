//! Print each sentence of an article with its speaker, kind, mention and
//! cue: `cargo run --example attribute -- datasets/helsinki-summit.txt`.

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
        let doc = stance::ingest::read(&stance::ingest::Source::File(path.into()))?;
        let an = stance::pipeline::analyse(doc);
        for (i, (s, a)) in an.sentences.iter().zip(&an.attributions).enumerate() {
            let span = |r: Option<(usize, usize)>| r.map_or("", |(x, y)| &an.doc.text[x..y]);
            println!(
                "{:>3} {:<10} {:<22} {:<24} {:<12} {}",
                s.index,
                a.kind.as_str(),
                a.speaker,
                span(a.mention),
                span(a.cue),
                an.text(i)
            );
        }
    }
    Ok(())
}
