//! Stage 1: read articles.
//!
//! An input is a plain-text file holding one article (paragraphs separated
//! by newlines), an archive of many (JSON lines, CSV or TSV: one record per
//! article, see [`records`]), a folder read recursively, or `-` for
//! standard input; gzip and zstd are read wherever they are found
//! ([`open`]). A text article's id is its file name without extensions
//! (`stdin` for `-`); a record's comes from its id field, else `FILE:LINE`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

pub mod ids;
pub mod open;
pub mod records;
pub mod shard;

pub use ids::{DupIds, Duplicate, Ids};
pub use records::{BadRecord, Fields, InputFormat, Item, ReadError};
pub use shard::Shard;

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub doc_id: String,
    /// The input it came from, as given on the command line.
    pub file: String,
    /// For a record of an archive, the line where it starts.
    pub line: Option<u64>,
    pub text: String,
    /// A title, scored as a sentence of its own.
    pub title: Option<String>,
    /// The values of the metadata fields kept (`--keep`), in order.
    pub meta: Vec<String>,
    /// The record's own claims, scored besides the run's targets.
    pub targets: Vec<String>,
}

impl Document {
    pub fn new(doc_id: impl Into<String>, text: impl Into<String>) -> Self {
        let doc_id = doc_id.into();
        Document {
            file: doc_id.clone(),
            line: None,
            doc_id,
            text: text.into(),
            title: None,
            meta: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// Where it came from, for messages: `FILE` or `FILE:LINE`.
    pub fn origin(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }
}

/// Where a document is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn doc_id(&self) -> String {
        match self {
            Source::Stdin => "stdin".to_string(),
            // The file name without `.gz`/`.zst` and then its extension.
            Source::File(p) => p
                .file_name()
                .map(|n| {
                    let n = n.to_string_lossy();
                    let n = open::strip_compression_suffix(&n);
                    match n.rsplit_once('.') {
                        Some((stem, _)) if !stem.is_empty() => stem.to_string(),
                        _ => n.to_string(),
                    }
                })
                .unwrap_or_else(|| p.display().to_string()),
        }
    }

    pub fn origin(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or folder; check the path")]
    NotFound { path: String },
    #[error("{path}: cannot read it: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: not valid UTF-8 at byte {byte} (line {line}); convert the file to UTF-8 first, \
         for example with `iconv -f WINDOWS-1252 -t UTF-8`"
    )]
    InvalidUtf8 {
        path: String,
        byte: usize,
        line: usize,
    },
    #[error(
        "{path}: this looks like {what}, not text; stance reads plain text, JSON lines, CSV or \
         TSV (gzip or zstd too). Leave it out: name only text files, pick a folder's files with \
         --glob, or give --skip-bad to list it in errors.csv and go on"
    )]
    Binary { path: String, what: &'static str },
    #[error("{path}: the file is empty; there is nothing to score")]
    Empty { path: String },
    #[error("{path}: the folder holds {wanted}; pick its files with --glob")]
    EmptyFolder { path: String, wanted: String },
    #[error("--glob {glob}: not a valid pattern: {reason}")]
    Glob { glob: String, reason: String },
    #[error("`-` (standard input) may be given only once")]
    StdinTwice,
}

/// Which files of a folder are read: file-name globs, matched against the
/// path below the folder. Empty: every file whose name says a format
/// ([`InputFormat::from_name`]: `.txt`, `.jsonl`, `.ndjson`, `.json`,
/// `.csv`, `.tsv`, each also with `.gz` or `.zst`).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub globs: Vec<String>,
}

impl Selection {
    fn matcher(&self) -> Result<Option<globset::GlobSet>, IngestError> {
        if self.globs.is_empty() {
            return Ok(None);
        }
        let mut b = globset::GlobSetBuilder::new();
        for g in &self.globs {
            b.add(globset::Glob::new(g).map_err(|e| IngestError::Glob {
                glob: g.clone(),
                reason: e.kind().to_string(),
            })?);
        }
        b.build().map(Some).map_err(|e| IngestError::Glob {
            glob: self.globs.join(","),
            reason: e.kind().to_string(),
        })
    }
}

impl IngestError {
    /// For an input whose content cannot be a document (empty, not UTF-8):
    /// its path. `--skip-bad` lists those in errors.csv and goes on.
    pub fn bad_content_path(&self) -> Option<&str> {
        match self {
            IngestError::Empty { path }
            | IngestError::InvalidUtf8 { path, .. }
            | IngestError::Binary { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Why a document should not go to an English model: its language, when
/// whatlang is confident it is not English (its first few thousand
/// characters are looked at; short or mixed texts are given the benefit
/// of the doubt).
pub fn not_english(text: &str) -> Option<String> {
    let mut end = text.len().min(4000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&text[..end])?;
    (info.is_reliable() && info.lang() != whatlang::Lang::Eng).then(|| {
        format!(
            "the text looks {} ({}, confidence {:.2}), and the model reads English; give \
             --any-language to score it anyway",
            info.lang().eng_name(),
            info.lang().code(),
            info.confidence()
        )
    })
}

/// Turn command-line inputs into the list of sources to read, checking that
/// every file exists. Folders are read recursively, in path order, keeping
/// the files `select` picks.
pub fn expand(inputs: &[PathBuf], select: &Selection) -> Result<Vec<Source>, IngestError> {
    let matcher = select.matcher()?;
    let mut sources = Vec::new();
    let mut stdin_seen = false;
    for input in inputs {
        if input.as_os_str() == "-" {
            if stdin_seen {
                return Err(IngestError::StdinTwice);
            }
            stdin_seen = true;
            sources.push(Source::Stdin);
            continue;
        }
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::NotFound => IngestError::NotFound {
                path: input.display().to_string(),
            },
            _ => IngestError::Io {
                path: input.display().to_string(),
                source: e,
            },
        };
        let meta = std::fs::metadata(input).map_err(io)?;
        if !meta.is_dir() {
            sources.push(Source::File(input.clone()));
            continue;
        }
        let before = sources.len();
        for entry in walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| IngestError::Io {
                path: e.path().unwrap_or(input).display().to_string(),
                source: e.into(),
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(input).unwrap_or(entry.path());
            let name = entry.file_name().to_string_lossy();
            let keep = match &matcher {
                Some(m) => m.is_match(rel) || m.is_match(name.as_ref()),
                None => InputFormat::from_name(&name).is_some(),
            };
            if keep {
                sources.push(Source::File(entry.path().to_path_buf()));
            }
        }
        if sources.len() == before {
            return Err(IngestError::EmptyFolder {
                path: input.display().to_string(),
                wanted: if select.globs.is_empty() {
                    "no .txt, .jsonl, .ndjson, .json, .csv or .tsv files (compressed or not)"
                        .to_string()
                } else {
                    format!("no files matching {}", select.globs.join(", "))
                },
            });
        }
    }
    Ok(sources)
}

/// How the documents of the sources are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub fields: Fields,
    /// The format of every input; by default standard input is text and a
    /// file's name says its format (text when it says none).
    pub input_format: Option<InputFormat>,
    /// Counts the bytes read from the inputs (compressed, as on disk), for
    /// progress reports.
    pub bytes_read: Arc<AtomicU64>,
}

/// The inputs' size on disk, when it is known (not with standard input).
pub fn input_bytes(sources: &[Source]) -> Option<u64> {
    sources
        .iter()
        .map(|s| match s {
            Source::Stdin => None,
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
        })
        .sum()
}

/// A reader that counts what passes through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl Source {
    /// The format this source is read in.
    pub fn format(&self, opts: &ReadOptions) -> InputFormat {
        opts.input_format.unwrap_or_else(|| match self {
            Source::Stdin => InputFormat::Text,
            Source::File(p) => p
                .file_name()
                .and_then(|n| InputFormat::from_name(&n.to_string_lossy()))
                .unwrap_or(InputFormat::Text),
        })
    }
}

/// Every document of `sources`, in order, read as a stream: a text input
/// is one document, an archive one per record. Decompression follows the
/// magic bytes.
pub fn documents<'a>(
    sources: &'a [Source],
    opts: &'a ReadOptions,
) -> impl Iterator<Item = Item> + 'a {
    sources.iter().flat_map(move |s| source_documents(s, opts))
}

fn source_documents<'a>(
    source: &Source,
    opts: &'a ReadOptions,
) -> Box<dyn Iterator<Item = Item> + 'a> {
    let origin = source.origin();
    let raw: Box<dyn Read> = match source {
        Source::Stdin => Box::new(std::io::stdin()),
        Source::File(p) => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => {
                return Box::new(std::iter::once(Err(ReadError::Ingest(IngestError::Io {
                    path: origin,
                    source: e,
                }))))
            }
        },
    };
    let raw = Counting {
        inner: raw,
        count: opts.bytes_read.clone(),
    };
    let mut reader = match open::decompress(raw) {
        Ok((r, _)) => r,
        Err(e) => {
            return Box::new(std::iter::once(Err(ReadError::Ingest(IngestError::Io {
                path: origin,
                source: e,
            }))))
        }
    };
    // A binary file (a PDF, an image, a program) in any format's place:
    // say so, rather than report its first bad byte or bad record.
    let binary = match reader.fill_buf() {
        Ok(head) => open::binary_kind(head),
        Err(e) => {
            return Box::new(std::iter::once(Err(ReadError::Ingest(IngestError::Io {
                path: origin,
                source: e,
            }))))
        }
    };
    if let Some(what) = binary {
        return Box::new(std::iter::once(Err(ReadError::Ingest(
            IngestError::Binary { path: origin, what },
        ))));
    }
    match source.format(opts) {
        InputFormat::Text => {
            let mut reader = reader;
            let mut bytes = Vec::new();
            let doc = match reader.read_to_end(&mut bytes) {
                Ok(_) => decode(&origin, source.doc_id(), bytes).map_err(ReadError::Ingest),
                Err(e) => Err(ReadError::Ingest(IngestError::Io {
                    path: origin,
                    source: e,
                })),
            };
            Box::new(std::iter::once(doc))
        }
        InputFormat::Jsonl => Box::new(records::jsonl(origin, reader, &opts.fields)),
        InputFormat::Csv => Box::new(records::delimited(origin, reader, &opts.fields, b',')),
        InputFormat::Tsv => Box::new(records::delimited(origin, reader, &opts.fields, b'\t')),
    }
}

/// Read one source into a document.
pub fn read(source: &Source) -> Result<Document, IngestError> {
    let origin = source.origin();
    let bytes = match source {
        Source::Stdin => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| IngestError::Io {
                    path: origin.clone(),
                    source: e,
                })?;
            buf
        }
        Source::File(path) => read_file(path)?,
    };
    let doc = decode(&origin, source.doc_id(), bytes)?;
    Ok(doc)
}

fn read_file(path: &Path) -> Result<Vec<u8>, IngestError> {
    std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => IngestError::NotFound {
            path: path.display().to_string(),
        },
        _ => IngestError::Io {
            path: path.display().to_string(),
            source: e,
        },
    })
}

/// Read a whole UTF-8 text file (any file stance reads, not only
/// articles); errors name a missing file, or the byte and line of the first
/// bad byte.
pub fn read_text(path: &Path) -> Result<String, IngestError> {
    utf8(&path.display().to_string(), read_file(path)?)
}

/// Bytes as UTF-8, naming the byte and line of the first bad byte, or
/// what the bytes look like when they are no text at all.
fn utf8(origin: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
    if let Some(what) = open::binary_kind(&bytes) {
        return Err(IngestError::Binary {
            path: origin.to_string(),
            what,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..byte].iter().filter(|&&b| b == b'\n').count();
        IngestError::InvalidUtf8 {
            path: origin.to_string(),
            byte,
            line,
        }
    })
}

/// Decode bytes as UTF-8, naming the byte and line of the first bad byte.
pub fn decode(origin: &str, doc_id: String, bytes: Vec<u8>) -> Result<Document, IngestError> {
    let text = utf8(origin, bytes)?;
    if text.trim_matches(crate::text::is_space).is_empty() {
        return Err(IngestError::Empty {
            path: origin.to_string(),
        });
    }
    Ok(Document {
        file: origin.to_string(),
        ..Document::new(doc_id, text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_byte_and_line() {
        let bytes = b"Fine line.\nBad \xe9 here.".to_vec();
        let err = decode("a.txt", "a".into(), bytes).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("a.txt"), "{msg}");
        assert!(msg.contains("byte 15"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn blank_file_is_empty() {
        let err = decode("e.txt", "e".into(), b" \n\n\t".to_vec()).unwrap_err();
        assert!(matches!(err, IngestError::Empty { .. }));
    }

    #[test]
    fn folders_are_read_recursively_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2024/01")).unwrap();
        std::fs::write(dir.path().join("b.txt"), "B.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "A.").unwrap();
        std::fs::write(dir.path().join("2024/01/c.jsonl.gz"), "").unwrap();
        std::fs::write(dir.path().join("notes.md"), "skip").unwrap();
        let names = |sel: &Selection| -> Vec<String> {
            expand(&[dir.path().to_path_buf()], sel)
                .unwrap()
                .iter()
                .map(|s| match s {
                    Source::File(p) => p.strip_prefix(dir.path()).unwrap().display().to_string(),
                    Source::Stdin => "-".into(),
                })
                .collect()
        };
        assert_eq!(
            names(&Selection::default()),
            ["2024/01/c.jsonl.gz", "a.txt", "b.txt"]
        );
        let md = Selection {
            globs: vec!["*.md".into()],
        };
        assert_eq!(names(&md), ["notes.md"]);
        let deep = Selection {
            globs: vec!["2024/**/*.gz".into()],
        };
        assert_eq!(names(&deep), ["2024/01/c.jsonl.gz"]);
        let none = Selection {
            globs: vec!["*.xml".into()],
        };
        let err = expand(&[dir.path().to_path_buf()], &none).unwrap_err();
        assert!(err.to_string().contains("no files matching *.xml"), "{err}");
    }

    #[test]
    fn only_confidently_foreign_text_is_flagged() {
        assert!(not_english(
            "Officials said on Monday that the dam was safe, and engineers agreed with them."
        )
        .is_none());
        let de = not_english(
            "Die Regierung erklärte am Montag, dass der Damm sicher sei, und die Ingenieure \
             stimmten ihr zu.",
        )
        .unwrap();
        assert!(
            de.starts_with("the text looks German (deu, confidence"),
            "{de}"
        );
        // Too short to tell: kept.
        assert!(not_english("Ja.").is_none());
    }

    #[test]
    fn ids_drop_compression_and_extension() {
        assert_eq!(Source::File("x/story.txt.gz".into()).doc_id(), "story");
        assert_eq!(Source::File("x/a.b.txt".into()).doc_id(), "a.b");
        assert_eq!(Source::File(".hidden".into()).doc_id(), ".hidden");
    }

    #[test]
    fn documents_stream_from_text_and_compressed_archives() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("one.txt"), "A plain story.").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(
            b"{\"id\": \"r1\", \"text\": \"From the archive.\"}\n{\"text\": \"No id.\"}\n",
        )
        .unwrap();
        // Named .dat: the magic bytes, not the name, say gzip.
        let archive = dir.path().join("dump.dat");
        std::fs::write(&archive, gz.finish().unwrap()).unwrap();
        let sources = [
            Source::File(dir.path().join("one.txt")),
            Source::File(archive.clone()),
        ];
        // The archive's name says no format: it is read as --input-format says.
        let opts = ReadOptions::default();
        let docs: Vec<Document> = documents(&sources[..1], &opts)
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            (docs[0].doc_id.as_str(), docs[0].text.as_str()),
            ("one", "A plain story.")
        );
        let opts = ReadOptions {
            input_format: Some(InputFormat::Jsonl),
            ..ReadOptions::default()
        };
        let docs: Vec<Document> = documents(&sources[1..], &opts)
            .map(Result::unwrap)
            .collect();
        let ids: Vec<&str> = docs.iter().map(|d| d.doc_id.as_str()).collect();
        assert_eq!(ids, ["r1", &format!("{}:2", archive.display())]);
    }

    #[test]
    fn missing_file_is_named() {
        let err = expand(
            &[PathBuf::from("/no/such/article.txt")],
            &Selection::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("/no/such/article.txt"));
    }
}
