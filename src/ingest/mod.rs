//! Stage 1: read articles.
//!
//! An input is a plain-text file holding one article (paragraphs separated by
//! newlines), a folder whose `*.txt` files are read in name order, or `-` for
//! standard input. The document id is the file stem (`stdin` for `-`).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub doc_id: String,
    /// Where it came from, for error messages.
    pub origin: String,
    pub text: String,
}

impl Document {
    pub fn new(doc_id: impl Into<String>, text: impl Into<String>) -> Self {
        let doc_id = doc_id.into();
        Document {
            origin: doc_id.clone(),
            doc_id,
            text: text.into(),
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
            Source::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
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
    #[error("{path}: the file is empty; there is nothing to score")]
    Empty { path: String },
    #[error("{path}: the folder holds no .txt files")]
    EmptyFolder { path: String },
    #[error(
        "{second}: its document id `{doc_id}` is already used by {first}; \
         rename one of them so that every output row names its article"
    )]
    DuplicateId {
        doc_id: String,
        first: String,
        second: String,
    },
    #[error("`-` (standard input) may be given only once")]
    StdinTwice,
}

/// Turn command-line inputs into the list of sources to read, checking that
/// every file exists and that no two share a document id. Folders are
/// expanded to their `*.txt` files in name order.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<Source>, IngestError> {
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
        let meta = std::fs::metadata(input).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => IngestError::NotFound {
                path: input.display().to_string(),
            },
            _ => IngestError::Io {
                path: input.display().to_string(),
                source: e,
            },
        })?;
        if meta.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|e| IngestError::Io {
                    path: input.display().to_string(),
                    source: e,
                })?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "txt"))
                .collect();
            if files.is_empty() {
                return Err(IngestError::EmptyFolder {
                    path: input.display().to_string(),
                });
            }
            files.sort();
            sources.extend(files.into_iter().map(Source::File));
        } else {
            sources.push(Source::File(input.clone()));
        }
    }
    let mut ids: HashMap<String, String> = HashMap::new();
    for s in &sources {
        if let Some(first) = ids.insert(s.doc_id(), s.origin()) {
            return Err(IngestError::DuplicateId {
                doc_id: s.doc_id(),
                first,
                second: s.origin(),
            });
        }
    }
    Ok(sources)
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

/// Bytes as UTF-8, naming the byte and line of the first bad byte.
fn utf8(origin: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
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
        doc_id,
        origin: origin.to_string(),
        text,
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
    fn folders_expand_and_ids_must_be_unique() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.txt"), "B.").unwrap();
        std::fs::write(dir.path().join("a.txt"), "A.").unwrap();
        std::fs::write(dir.path().join("notes.md"), "skip").unwrap();
        let sources = expand(&[dir.path().to_path_buf()]).unwrap();
        let ids: Vec<String> = sources.iter().map(|s| s.doc_id()).collect();
        assert_eq!(ids, vec!["a", "b"]);

        let other = tempfile::tempdir().unwrap();
        std::fs::write(other.path().join("a.txt"), "again").unwrap();
        let err = expand(&[dir.path().to_path_buf(), other.path().join("a.txt")]).unwrap_err();
        assert!(matches!(err, IngestError::DuplicateId { .. }), "{err}");
    }

    #[test]
    fn missing_file_is_named() {
        let err = expand(&[PathBuf::from("/no/such/article.txt")]).unwrap_err();
        assert!(err.to_string().contains("/no/such/article.txt"));
    }
}
