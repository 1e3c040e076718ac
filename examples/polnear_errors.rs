//! Print PolNeAR gold attributions that the attributor misses, with the
//! sentence that holds them and what the attributor made of it:
//! `cargo run --release --example polnear_errors -- ../shared/data/polnear train | less`.

use stance::eval::attribution::{load_split, overlap_ratio};
use stance::ingest::Document;
use stance::pipeline::analyse;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let root = std::path::Path::new(args.get(1).map_or("../shared/data/polnear", |s| s));
    let split = args.get(2).map_or("train", |s| s);
    for a in load_split(root, split)? {
        let an = analyse(Document::new(a.name.clone(), a.text.clone()));
        let atts = &an.attributions;
        let chars: Vec<char> = a.text.chars().collect();
        let spans: Vec<(usize, usize)> = (0..an.sentences.len()).map(|i| an.char_span(i)).collect();
        for g in &a.gold {
            let attributed = |i: usize| {
                matches!(
                    atts[i].kind,
                    stance::attribute::Kind::Direct | stance::attribute::Kind::Indirect
                )
            };
            let key = |i: usize| {
                let r = overlap_ratio(spans[i], g.content);
                (r >= 0.3 && attributed(i), r)
            };
            let best = spans.iter().enumerate().max_by(|x, y| {
                let (a, b) = (key(x.0), key(y.0));
                a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
            });
            let Some((i, _)) = best else { continue };
            let att = &atts[i];
            let hit = matches!(
                att.kind,
                stance::attribute::Kind::Direct | stance::attribute::Kind::Indirect
            );
            let src = g.source_text.clone().unwrap_or_default();
            let sent: String = chars[spans[i].0..spans[i].1].iter().collect();
            let status = if !hit {
                "MISS"
            } else {
                let m = an.mention_chars(i);
                let ok = m.zip(g.source).is_some_and(|(m, s)| m.0 < s.1 && s.0 < m.1)
                    || stance::attribute::canonical_speaker(&src)
                        .is_some_and(|n| n.eq_ignore_ascii_case(&att.speaker));
                if ok {
                    "OK"
                } else {
                    "WRONG"
                }
            };
            let cue: String = g
                .cue
                .map_or(String::new(), |(x, y)| chars[x..y].iter().collect());
            let cue_in = g.cue.is_some_and(|(x, y)| x < spans[i].1 && spans[i].0 < y);
            println!(
                "{status}\t{}\t{}\t{}\t{}\t{}\t{}",
                src,
                att.speaker,
                att.kind.as_str(),
                cue,
                if cue_in { "cue-in" } else { "cue-out" },
                sent.replace('\n', " ")
            );
        }
    }
    Ok(())
}
