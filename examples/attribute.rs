//! Print each sentence of an article with its speaker, kind, mention and
//! cue: `cargo run --example attribute -- datasets/helsinki-summit.txt`.

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
        let doc = stance::ingest::read(&stance::ingest::Source::File(path.into()))?;
        let seg = stance::segment::segment(&doc.text);
        let atts = stance::attribute::attribute(&doc.text, &seg);
        for (s, a) in seg.sentences.iter().zip(atts) {
            let span = |r: Option<(usize, usize)>| r.map_or("", |(x, y)| &doc.text[x..y]);
            println!(
                "{:>3} {:<10} {:<22} {:<24} {:<12} {}",
                s.index,
                a.kind.as_str(),
                a.speaker,
                span(a.mention),
                span(a.cue),
                s.text(&doc.text)
            );
        }
    }
    Ok(())
}
