//! Duplicate document ids. Archives often hold the same article twice
//! (recrawls, syndication); two records with one id are never merged or
//! overwritten silently.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// What to do with a document whose id an earlier one has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum DupIds {
    /// Stop with an error naming both places.
    #[default]
    Error,
    /// Rename the later ones `ID#2`, `ID#3`, ….
    Suffix,
    /// Keep the first; the later ones go to errors.csv.
    Skip,
}

/// A second document with a seen id, and where the first one was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{second}: document id `{doc_id}` is already used by {first}; give --dup-ids suffix to \
     rename the later one, or --dup-ids skip to keep only the first"
)]
pub struct Duplicate {
    pub doc_id: String,
    pub first: String,
    pub second: String,
}

/// The ids seen so far. Each costs its 128-bit hash, where it was first
/// seen (the file as a number, the line) and a count: about 40 bytes a
/// document. The files' names are kept once each.
#[derive(Debug, Default)]
pub struct Ids {
    seen: HashMap<u128, Seen>,
    files: Vec<Box<str>>,
    file_numbers: HashMap<Box<str>, u32>,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    file: u32,
    count: u32,
    /// The line, plus one; 0 for an origin without a line.
    line: u64,
}

/// A 128-bit hash of `x`, for process-local sets of many keys (document
/// ids here, scored pairs in the pipeline's cache): two SipHash passes with
/// different prefixes, so that two distinct keys of an archive never share
/// one in practice. Not stable across versions: never store it.
pub fn key128(x: impl Hash) -> u128 {
    let half = |salt: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (salt, &x).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// What became of a document's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// First of its id (or renamed to a free one): keep it under this id.
    Keep(String),
    /// A duplicate to skip.
    Skip(Duplicate),
}

impl Ids {
    pub fn new() -> Self {
        Self::default()
    }

    /// Record an origin (`FILE` or `FILE:LINE`) as a file number and a line.
    fn seen(&mut self, origin: &str) -> Seen {
        let (file, line) = match origin.rsplit_once(':') {
            Some((f, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => {
                match l.parse::<u64>() {
                    Ok(n) if n < u64::MAX => (f, n + 1),
                    _ => (origin, 0),
                }
            }
            _ => (origin, 0),
        };
        let file = match self.file_numbers.get(file) {
            Some(&n) => n,
            None => {
                let n = self.files.len() as u32;
                self.files.push(file.into());
                self.file_numbers.insert(file.into(), n);
                n
            }
        };
        Seen {
            file,
            count: 1,
            line,
        }
    }

    /// The origin a [`Seen`] was made from.
    fn origin(&self, s: &Seen) -> String {
        let file = &self.files[s.file as usize];
        match s.line {
            0 => file.to_string(),
            l => format!("{file}:{}", l - 1),
        }
    }

    /// Check `doc_id` (from `origin`) against the ids seen, under `policy`.
    pub fn check(
        &mut self,
        doc_id: &str,
        origin: &str,
        policy: DupIds,
    ) -> Result<Verdict, Duplicate> {
        let k = key128(doc_id);
        let Some(first) = self.seen.get(&k).copied() else {
            let s = self.seen(origin);
            self.seen.insert(k, s);
            return Ok(Verdict::Keep(doc_id.to_string()));
        };
        let dup = Duplicate {
            doc_id: doc_id.to_string(),
            first: self.origin(&first),
            second: origin.to_string(),
        };
        match policy {
            DupIds::Error => Err(dup),
            DupIds::Skip => Ok(Verdict::Skip(dup)),
            DupIds::Suffix => {
                // ID#2, ID#3, …, skipping any that a record really has.
                let mut n = first.count;
                let renamed = loop {
                    n += 1;
                    let candidate = format!("{doc_id}#{n}");
                    if !self.seen.contains_key(&key128(&candidate)) {
                        break candidate;
                    }
                };
                if let Some(e) = self.seen.get_mut(&k) {
                    e.count = n;
                }
                let s = self.seen(origin);
                self.seen.insert(key128(&renamed), s);
                Ok(Verdict::Keep(renamed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_id_is_an_error_naming_both_places() {
        let mut ids = Ids::new();
        assert_eq!(
            ids.check("a", "x.jsonl:1", DupIds::Error),
            Ok(Verdict::Keep("a".into()))
        );
        let e = ids.check("a", "y.jsonl:9", DupIds::Error).unwrap_err();
        assert_eq!(
            e.to_string(),
            "y.jsonl:9: document id `a` is already used by x.jsonl:1; give --dup-ids suffix to \
             rename the later one, or --dup-ids skip to keep only the first"
        );
    }

    #[test]
    fn suffixes_count_up_and_avoid_real_ids() {
        let mut ids = Ids::new();
        let keep = |v: Result<Verdict, Duplicate>| match v.unwrap() {
            Verdict::Keep(id) => id,
            Verdict::Skip(d) => panic!("skipped {d}"),
        };
        assert_eq!(keep(ids.check("a", "f:1", DupIds::Suffix)), "a");
        assert_eq!(keep(ids.check("a#3", "f:2", DupIds::Suffix)), "a#3");
        assert_eq!(keep(ids.check("a", "f:3", DupIds::Suffix)), "a#2");
        assert_eq!(keep(ids.check("a", "f:4", DupIds::Suffix)), "a#4");
    }

    #[test]
    fn origins_come_back_as_given() {
        let mut ids = Ids::new();
        for (i, origin) in [
            "notes.txt",
            "a.jsonl:7",
            "a.jsonl:8",
            "odd:name.txt",
            "x:",
            "a.jsonl:0",
        ]
        .iter()
        .enumerate()
        {
            ids.check(&format!("d{i}"), origin, DupIds::Error).unwrap();
            let e = ids
                .check(&format!("d{i}"), "later", DupIds::Error)
                .unwrap_err();
            assert_eq!(e.first, *origin);
        }
        // One name kept per file.
        assert_eq!(ids.files.len(), 4);
    }

    #[test]
    fn skip_keeps_the_first() {
        let mut ids = Ids::new();
        ids.check("a", "f:1", DupIds::Skip).unwrap();
        match ids.check("a", "g:2", DupIds::Skip).unwrap() {
            Verdict::Skip(d) => assert_eq!((d.first.as_str(), d.second.as_str()), ("f:1", "g:2")),
            other => panic!("{other:?}"),
        }
    }
}
