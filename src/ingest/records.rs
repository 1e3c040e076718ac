//! Archives of many articles in one file: JSON lines and CSV/TSV, one
//! record per article, read as a stream.
//!
//! [`Fields`] says which field holds the text, the id, the title, the
//! metadata to keep and the record's own claims. In JSON a dotted path
//! (`meta.date`) reaches into nested objects; in CSV it is a column name.
//! A record that cannot become a document is a [`BadRecord`] naming the
//! file, the line and the reason; whether it stops the run is the caller's
//! choice.

use std::io::BufRead;

use serde_json::Value;

use super::Document;

/// How the records of an input are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum InputFormat {
    /// The whole input is one article.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated, with a header row.
    Csv,
    /// Tab-separated, with a header row.
    Tsv,
}

impl InputFormat {
    /// The format a file name says, after any `.gz`/`.zst` suffix:
    /// `.txt`, `.jsonl`/`.ndjson`/`.json`, `.csv`, `.tsv`/`.tab`.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = super::open::strip_compression_suffix(name);
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" => InputFormat::Text,
            "jsonl" | "ndjson" | "json" => InputFormat::Jsonl,
            "csv" => InputFormat::Csv,
            "tsv" | "tab" => InputFormat::Tsv,
            _ => return None,
        })
    }
}

/// Which field of a record is what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The article's text (`text`).
    pub text: String,
    /// The document id (`id`); a record without one is `FILE:LINE`.
    pub id: String,
    /// A title, scored as a sentence of its own (kind `headline`).
    pub title: Option<String>,
    /// Fields carried into every output row, in this order.
    pub keep: Vec<String>,
    /// The record's own claims: a string or a list of strings.
    pub targets: Option<String>,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            text: "text".into(),
            id: "id".into(),
            title: None,
            keep: Vec::new(),
            targets: None,
        }
    }
}

/// A record that cannot become a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {reason}")]
pub struct BadRecord {
    /// The input as given on the command line.
    pub file: String,
    /// 1-based line where the record starts.
    pub line: u64,
    pub reason: String,
}

/// What reading an input yields: documents, bad records, or an I/O error
/// that ends the input.
pub type Item = Result<Document, ReadError>;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Bad(#[from] BadRecord),
    /// A whole input that cannot be read as a document (a text file that
    /// is empty or not UTF-8, an unreadable file).
    #[error(transparent)]
    Ingest(#[from] super::IngestError),
    #[error("{file}: cannot read it after line {line}: {source}")]
    Io {
        file: String,
        line: u64,
        #[source]
        source: std::io::Error,
    },
}

/// A field's value as text: strings as they are, numbers and booleans
/// written out, `null` as absent; lists and objects as JSON.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Follow a dotted path through nested objects. A key that itself contains
/// dots is found too when it exists as written.
fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(x) = v.get(path) {
        return Some(x);
    }
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    Some(cur)
}

/// The parts of a record, whatever its format.
struct Parts {
    text: Result<String, String>,
    id: Option<String>,
    title: Option<String>,
    meta: Vec<String>,
    targets: Result<Vec<String>, String>,
}

fn document(file: &str, line: u64, parts: Parts) -> Result<Document, BadRecord> {
    let bad = |reason: String| BadRecord {
        file: file.to_string(),
        line,
        reason,
    };
    let text = parts.text.map_err(bad)?;
    let targets = parts.targets.map_err(bad)?;
    if text.trim_matches(crate::text::is_space).is_empty() && parts.title.is_none() {
        return Err(bad("the text is empty".into()));
    }
    Ok(Document {
        doc_id: parts.id.unwrap_or_else(|| format!("{file}:{line}")),
        file: file.to_string(),
        line: Some(line),
        text,
        title: parts.title.filter(|t| !t.trim().is_empty()),
        meta: parts.meta,
        targets,
    })
}

/// Turn one JSON line into a document.
fn json_record(
    file: &str,
    line: u64,
    bytes: &[u8],
    fields: &Fields,
) -> Result<Document, BadRecord> {
    let bad = |reason: String| BadRecord {
        file: file.to_string(),
        line,
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "not valid UTF-8 at byte {} of the line",
            e.valid_up_to() + 1
        ))
    })?;
    let v: Value = serde_json::from_str(text).map_err(|e| bad(format!("invalid JSON: {e}")))?;
    if !v.is_object() {
        return Err(bad(format!(
            "a record must be a JSON object, not {}",
            json_kind(&v)
        )));
    }
    let string_field = |name: &str| -> Result<String, String> {
        match lookup(&v, name) {
            None | Some(Value::Null) => Err(format!(
                "no `{name}` field (choose the text field with --text-field)"
            )),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("`{name}` is {}, not a string", json_kind(other))),
        }
    };
    let targets = match &fields.targets {
        None => Ok(Vec::new()),
        Some(name) => match lookup(&v, name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|x| match x {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!(
                        "`{name}` holds {}; claims must be strings",
                        json_kind(other)
                    )),
                })
                .collect(),
            Some(other) => Err(format!(
                "`{name}` is {}, not a string or a list of strings",
                json_kind(other)
            )),
        },
    };
    let title = match &fields.title {
        None => None,
        Some(name) => match lookup(&v, name) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                return Err(bad(format!(
                    "`{name}` is {}, not a string",
                    json_kind(other)
                )))
            }
        },
    };
    let id = match lookup(&v, &fields.id) {
        None | Some(Value::Null) => None,
        Some(x @ (Value::String(_) | Value::Number(_))) => scalar(x),
        Some(other) => {
            return Err(bad(format!(
                "`{}` is {}; an id must be a string or a number",
                fields.id,
                json_kind(other)
            )))
        }
    };
    let meta = fields
        .keep
        .iter()
        .map(|k| lookup(&v, k).and_then(scalar).unwrap_or_default())
        .collect();
    document(
        file,
        line,
        Parts {
            text: string_field(&fields.text),
            id,
            title,
            meta,
            targets,
        },
    )
}

/// The documents of a JSON-lines stream, one per non-blank line.
pub fn jsonl<'a>(
    file: String,
    mut reader: Box<dyn BufRead + 'a>,
    fields: &'a Fields,
) -> impl Iterator<Item = Item> + 'a {
    let mut line = 0u64;
    let mut buf = Vec::new();
    let mut done = false;
    std::iter::from_fn(move || loop {
        if done {
            return None;
        }
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(source) => {
                done = true;
                return Some(Err(ReadError::Io {
                    file: file.clone(),
                    line,
                    source,
                }));
            }
        }
        line += 1;
        let trimmed = buf.trim_ascii();
        if trimmed.is_empty() {
            continue;
        }
        return Some(json_record(&file, line, trimmed, fields).map_err(ReadError::from));
    })
}

/// The documents of a CSV (or, with `delimiter` `\t`, TSV) stream with a
/// header row. Quoted fields may hold newlines; a record's line is where
/// it starts.
pub fn delimited<'a>(
    file: String,
    reader: Box<dyn BufRead + 'a>,
    fields: &'a Fields,
    delimiter: u8,
) -> impl Iterator<Item = Item> + 'a {
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(reader);
    let header = rdr.byte_headers().cloned();
    let mut columns: Option<Result<Columns, ReadError>> = Some(match header {
        Ok(h) => Columns::new(&file, &h, fields),
        Err(e) => Err(csv_error(&file, 1, e)),
    });
    let mut record = csv::ByteRecord::new();
    let mut done = false;
    let mut cols: Option<Columns> = None;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        if let Some(c) = columns.take() {
            match c {
                Ok(c) => cols = Some(c),
                Err(e) => {
                    done = true;
                    return Some(Err(e));
                }
            }
        }
        let cols = cols.as_ref()?;
        let line = rdr.position().line();
        match rdr.read_byte_record(&mut record) {
            Ok(false) => None,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                Some(
                    cols.document(&file, line, &record, fields)
                        .map_err(ReadError::from),
                )
            }
            Err(e) => {
                // A record of the wrong width is a bad record; the reader
                // goes on after it. Anything else ends the input.
                let line = e.position().map_or(line, |p| p.line());
                if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    return Some(Err(ReadError::Bad(BadRecord {
                        file: file.clone(),
                        line,
                        reason: format!(
                            "{} fields where the header has {}",
                            unequal_len(&e),
                            cols.width
                        ),
                    })));
                }
                done = true;
                Some(Err(csv_error(&file, line, e)))
            }
        }
    })
}

fn unequal_len(e: &csv::Error) -> u64 {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { len, .. } => *len,
        _ => 0,
    }
}

fn csv_error(file: &str, line: u64, e: csv::Error) -> ReadError {
    match e.into_kind() {
        csv::ErrorKind::Io(source) => ReadError::Io {
            file: file.to_string(),
            line,
            source,
        },
        other => ReadError::Bad(BadRecord {
            file: file.to_string(),
            line,
            reason: format!("{:?}", other),
        }),
    }
}

/// Where the fields are among a CSV header's columns.
struct Columns {
    width: usize,
    text: usize,
    id: Option<usize>,
    title: Option<usize>,
    keep: Vec<Option<usize>>,
    targets: Option<usize>,
}

impl Columns {
    fn new(file: &str, header: &csv::ByteRecord, fields: &Fields) -> Result<Self, ReadError> {
        let names: Vec<String> = header
            .iter()
            .map(|c| {
                String::from_utf8_lossy(c)
                    .trim_start_matches('\u{feff}')
                    .to_string()
            })
            .collect();
        let find = |name: &str| names.iter().position(|n| n == name);
        let required = |name: &str, flag: &str| {
            find(name).ok_or_else(|| {
                ReadError::Bad(BadRecord {
                    file: file.to_string(),
                    line: 1,
                    reason: format!(
                        "the header has no `{name}` column (it has {}); choose one with {flag}",
                        names.join(", ")
                    ),
                })
            })
        };
        Ok(Columns {
            width: names.len(),
            text: required(&fields.text, "--text-field")?,
            id: find(&fields.id),
            title: match &fields.title {
                Some(t) => Some(required(t, "--title-field")?),
                None => None,
            },
            keep: fields.keep.iter().map(|k| find(k)).collect(),
            targets: match &fields.targets {
                Some(t) => Some(required(t, "--target-field")?),
                None => None,
            },
        })
    }

    fn document(
        &self,
        file: &str,
        line: u64,
        rec: &csv::ByteRecord,
        fields: &Fields,
    ) -> Result<Document, BadRecord> {
        let get = |i: usize, name: &str| -> Result<String, String> {
            let raw = rec.get(i).unwrap_or_default();
            String::from_utf8(raw.to_vec()).map_err(|e| {
                format!(
                    "column `{name}` is not valid UTF-8 at byte {}",
                    e.utf8_error().valid_up_to() + 1
                )
            })
        };
        let opt = |i: Option<usize>, name: &str| -> Result<Option<String>, BadRecord> {
            i.map(|i| get(i, name))
                .transpose()
                .map(|v| v.filter(|s| !s.is_empty()))
                .map_err(|reason| BadRecord {
                    file: file.to_string(),
                    line,
                    reason,
                })
        };
        let id = opt(self.id, &fields.id)?;
        let title = opt(self.title, fields.title.as_deref().unwrap_or_default())?;
        let mut meta = Vec::with_capacity(self.keep.len());
        for (k, name) in self.keep.iter().zip(&fields.keep) {
            meta.push(opt(*k, name)?.unwrap_or_default());
        }
        let targets = match opt(self.targets, fields.targets.as_deref().unwrap_or_default())? {
            None => Ok(Vec::new()),
            // A cell may hold a JSON list of claims, or one claim.
            Some(s) if s.trim_start().starts_with('[') => serde_json::from_str::<Vec<String>>(&s)
                .map_err(|e| format!("its claims column is not a JSON list of strings: {e}")),
            Some(s) => Ok(vec![s]),
        };
        document(
            file,
            line,
            Parts {
                text: get(self.text, &fields.text),
                id,
                title,
                meta,
                targets,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(format: InputFormat, input: &'static str, fields: &Fields) -> Vec<Item> {
        let reader: Box<dyn BufRead> = Box::new(input.as_bytes());
        match format {
            InputFormat::Jsonl => jsonl("in.jsonl".into(), reader, fields).collect(),
            InputFormat::Csv => delimited("in.csv".into(), reader, fields, b',').collect(),
            InputFormat::Tsv => delimited("in.tsv".into(), reader, fields, b'\t').collect(),
            InputFormat::Text => unreachable!(),
        }
    }

    fn bad(item: &Item) -> String {
        match item {
            Err(e) => e.to_string(),
            Ok(d) => panic!("expected a bad record, got {d:?}"),
        }
    }

    #[test]
    fn formats_from_names() {
        assert_eq!(
            InputFormat::from_name("a.jsonl.gz"),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(InputFormat::from_name("a.NDJSON"), Some(InputFormat::Jsonl));
        assert_eq!(
            InputFormat::from_name("dump.csv.zst"),
            Some(InputFormat::Csv)
        );
        assert_eq!(InputFormat::from_name("x.tsv"), Some(InputFormat::Tsv));
        assert_eq!(InputFormat::from_name("story.txt"), Some(InputFormat::Text));
        assert_eq!(InputFormat::from_name("notes.md"), None);
        assert_eq!(InputFormat::from_name("README"), None);
    }

    #[test]
    fn json_lines_with_nested_fields_metadata_and_claims() {
        let fields = Fields {
            text: "body.text".into(),
            title: Some("title".into()),
            keep: vec!["date".into(), "meta.outlet".into(), "missing".into()],
            targets: Some("claims".into()),
            ..Fields::default()
        };
        let input = concat!(
            r#"{"id": "a1", "title": "Dam holds", "body": {"text": "Officials said the dam was safe."}, "date": "2024-05-01", "meta": {"outlet": "Herald"}, "claims": ["The dam is safe", "Rain will fall"]}"#,
            "\n\n",
            r#"{"id": 7, "body": {"text": "A second story."}, "date": 20240502, "claims": "One claim"}"#,
            "\n",
            r#"{"body": {"text": "No id here."}}"#,
            "\n"
        );
        let got: Vec<Document> = docs(InputFormat::Jsonl, input, &fields)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].doc_id, "a1");
        assert_eq!(got[0].origin(), "in.jsonl:1");
        assert_eq!(got[0].title.as_deref(), Some("Dam holds"));
        assert_eq!(got[0].meta, ["2024-05-01", "Herald", ""]);
        assert_eq!(got[0].targets, ["The dam is safe", "Rain will fall"]);
        assert_eq!(got[1].doc_id, "7");
        assert_eq!(got[1].origin(), "in.jsonl:3", "blank lines still count");
        assert_eq!(got[1].meta, ["20240502", "", ""]);
        assert_eq!(got[1].targets, ["One claim"]);
        assert_eq!(got[2].doc_id, "in.jsonl:4");
        assert!(got[2].targets.is_empty());
    }

    #[test]
    fn bad_json_records_say_where_and_why() {
        let input = concat!(
            "{\"text\": \"Fine.\"}\n",
            "{\"text\": \"cut off\n",
            "{\"body\": \"no text\"}\n",
            "{\"text\": 42}\n",
            "[1, 2]\n",
            "{\"text\": \"   \"}\n",
            "{\"text\": \"ok\", \"id\": {\"x\": 1}}\n",
        );
        let got = docs(InputFormat::Jsonl, input, &Fields::default());
        assert_eq!(got.len(), 7);
        assert!(got[0].is_ok());
        assert!(bad(&got[1]).starts_with("in.jsonl:2: invalid JSON: EOF while parsing a string"));
        assert_eq!(
            bad(&got[2]),
            "in.jsonl:3: no `text` field (choose the text field with --text-field)"
        );
        assert_eq!(bad(&got[3]), "in.jsonl:4: `text` is a number, not a string");
        assert_eq!(
            bad(&got[4]),
            "in.jsonl:5: a record must be a JSON object, not a list"
        );
        assert_eq!(bad(&got[5]), "in.jsonl:6: the text is empty");
        assert_eq!(
            bad(&got[6]),
            "in.jsonl:7: `id` is an object; an id must be a string or a number"
        );
    }

    #[test]
    fn invalid_utf8_inside_a_json_line_is_a_bad_record_and_the_next_line_is_read() {
        let mut input = b"{\"text\": \"caf\xe9\"}\n".to_vec();
        input.extend_from_slice(b"{\"text\": \"Next.\"}\n");
        let reader: Box<dyn BufRead> = Box::new(std::io::Cursor::new(input));
        let got: Vec<Item> = jsonl("in.jsonl".into(), reader, &Fields::default()).collect();
        assert_eq!(
            bad(&got[0]),
            "in.jsonl:1: not valid UTF-8 at byte 14 of the line"
        );
        assert_eq!(got[1].as_ref().unwrap().text, "Next.");
    }

    #[test]
    fn csv_with_quoted_newlines_metadata_and_a_bom() {
        let fields = Fields {
            keep: vec!["outlet".into()],
            title: Some("headline".into()),
            ..Fields::default()
        };
        let input = "\u{feff}id,headline,text,outlet\n\
                     a,Dam holds,\"Officials said the dam was safe.\nEngineers agreed.\",Herald\n\
                     b,,Second story.,Times\n";
        let got: Vec<Document> = docs(InputFormat::Csv, input, &fields)
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].text,
            "Officials said the dam was safe.\nEngineers agreed."
        );
        assert_eq!(got[0].origin(), "in.csv:2");
        assert_eq!(got[0].title.as_deref(), Some("Dam holds"));
        assert_eq!(
            got[1].origin(),
            "in.csv:4",
            "the quoted newline moved it down"
        );
        assert_eq!(got[1].title, None);
        assert_eq!(got[1].meta, ["Times"]);
    }

    #[test]
    fn tsv_and_csv_errors() {
        let got = docs(
            InputFormat::Tsv,
            "id\ttext\nx\tA story.\ny\tB story.\textra\nz\tC story.\n",
            &Fields::default(),
        );
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().unwrap().doc_id, "x");
        assert_eq!(bad(&got[1]), "in.tsv:3: 3 fields where the header has 2");
        assert_eq!(got[2].as_ref().unwrap().doc_id, "z");

        let got = docs(
            InputFormat::Csv,
            "id,body\nx,A story.\n",
            &Fields::default(),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(
            bad(&got[0]),
            "in.csv:1: the header has no `text` column (it has id, body); choose one with --text-field"
        );
    }
}
