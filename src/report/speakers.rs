//! `speakers/<slug>.csv`: the rows of `sentences.csv` one file per
//! speaker, written at the end from the rows.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use anyhow::Result;

use super::SENTENCE_COLUMNS;

/// Turn a speaker name into a file name: `Russian foreign ministry` →
/// `russian-foreign-ministry`.
pub fn slug(speaker: &str) -> String {
    let mut s = String::new();
    for c in speaker.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-');
    let s: String = s.chars().take(80).collect();
    if s.is_empty() {
        "speaker".to_string()
    } else {
        s
    }
}

/// Copy the rows of `sentences` into one file per speaker, holding at most
/// a few hundred files open at once (archives can have many speakers).
pub(super) fn split_by_speaker(
    sentences: &Path,
    dir: &Path,
    slugs: &HashMap<String, String>,
) -> Result<()> {
    const OPEN_AT_ONCE: usize = 256;
    let speaker_col = SENTENCE_COLUMNS
        .iter()
        .position(|c| *c == "speaker")
        .unwrap();
    let mut all: Vec<(&String, &String)> = slugs.iter().collect();
    all.sort();
    for group in all.chunks(OPEN_AT_ONCE) {
        let mut writers: HashMap<&str, csv::Writer<BufWriter<File>>> = HashMap::new();
        let mut r = csv::Reader::from_path(sentences)?;
        let header = r.byte_headers()?.clone();
        for (name, slug) in group {
            let f = File::create(dir.join(format!("{slug}.csv")))?;
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_byte_record(&header)?;
            writers.insert(name.as_str(), w);
        }
        for rec in r.records() {
            let rec = rec?;
            if let Some(w) = writers.get_mut(&rec[speaker_col]) {
                w.write_record(&rec)?;
            }
        }
        for (_, mut w) in writers {
            w.flush()?;
        }
    }
    Ok(())
}
