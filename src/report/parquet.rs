//! The output tables as Parquet (`--format parquet`, cargo feature
//! `parquet`).
//!
//! A run always stages its tables as CSV: that is what a checkpoint cuts
//! back to and a resumed run appends to. When the run finishes, each staged
//! table is converted here, streaming, a row group at a time, and the
//! Parquet files are committed in place of the CSV ones. Columns are typed
//! (counts and offsets `Int64`, probabilities and scores `Float64`, the
//! rest `Utf8`; an empty CSV field is null), so the values are the CSV's:
//! a float column holds the six-decimal number the CSV shows.
//!
//! [`records`] reads a table back as CSV-shaped records, so that `stance
//! merge` treats shards of either format alike.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{
    Array, ArrayRef, Float64Array, Int64Array, RecordBatch, RecordBatchReader, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::Records;

/// Rows per record batch (and so at most per row group's buffer).
const BATCH_ROWS: usize = 8192;

/// Which table a file holds: it decides each column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `sentences` and the speaker files.
    Sentences,
    Documents,
    /// `summary` and `summary-by-group`.
    Summary,
    Errors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Int,
    Float,
    Text,
}

impl Table {
    fn column_type(self, name: &str) -> Type {
        use Type::*;
        match (self, name) {
            (
                Table::Sentences,
                "sentence_id" | "start" | "end" | "mention_start" | "mention_end" | "clause_start"
                | "clause_end",
            ) => Int,
            (Table::Sentences, "favor" | "against" | "none" | "score") => Float,
            (
                Table::Documents,
                "sentences" | "favor" | "against" | "none" | "on_topic" | "line",
            ) => Int,
            (Table::Documents, "mean_score" | "on_topic_mean_score") => Float,
            (
                Table::Summary,
                "sentences" | "favor" | "against" | "none" | "on_topic" | "documents",
            ) => Int,
            (
                Table::Summary,
                "mean_score" | "on_topic_mean_score" | "on_topic_ci_low" | "on_topic_ci_high",
            ) => Float,
            (Table::Errors, "line") => Int,
            _ => Text,
        }
    }
}

enum Column {
    Int(Int64Builder),
    Float(Float64Builder),
    Text(StringBuilder),
}

impl Column {
    fn new(t: Type) -> Self {
        match t {
            Type::Int => Column::Int(Int64Builder::new()),
            Type::Float => Column::Float(Float64Builder::new()),
            Type::Text => Column::Text(StringBuilder::new()),
        }
    }

    fn push(&mut self, value: &str) -> std::result::Result<(), String> {
        match self {
            Column::Text(b) => b.append_value(value),
            _ if value.is_empty() => self.push_null(),
            Column::Int(b) => b.append_value(
                value
                    .parse()
                    .map_err(|_| format!("`{value}` is not a whole number"))?,
            ),
            Column::Float(b) => b.append_value(
                value
                    .parse()
                    .map_err(|_| format!("`{value}` is not a number"))?,
            ),
        }
        Ok(())
    }

    fn push_null(&mut self) {
        match self {
            Column::Int(b) => b.append_null(),
            Column::Float(b) => b.append_null(),
            Column::Text(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Column::Int(b) => Arc::new(b.finish()),
            Column::Float(b) => Arc::new(b.finish()),
            Column::Text(b) => Arc::new(b.finish()),
        }
    }
}

/// Write the CSV table `csv_path` (with its header) as Parquet to
/// `out`, streaming.
pub fn convert(csv_path: &Path, table: Table, out: &Path) -> Result<()> {
    let mut r = csv::Reader::from_path(csv_path)
        .with_context(|| format!("{}: cannot read", csv_path.display()))?;
    let header = r
        .headers()
        .with_context(|| format!("{}: cannot read", csv_path.display()))?
        .clone();
    let types: Vec<Type> = header.iter().map(|h| table.column_type(h)).collect();
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .zip(&types)
            .map(|(name, t)| {
                let dt = match t {
                    Type::Int => DataType::Int64,
                    Type::Float => DataType::Float64,
                    Type::Text => DataType::Utf8,
                };
                // Text columns are never null in a table stance writes, but
                // metadata fields may be: keep every column nullable.
                Field::new(name, dt, true)
            })
            .collect::<Vec<_>>(),
    ));
    let cannot = || format!("{}: cannot write", out.display());
    let file = File::create(out).with_context(cannot)?;
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).with_context(cannot)?;
    let mut cols: Vec<Column> = types.iter().map(|t| Column::new(*t)).collect();
    let mut rows = 0usize;
    let flush = |cols: &mut Vec<Column>, w: &mut ArrowWriter<File>| -> Result<()> {
        let arrays: Vec<ArrayRef> = cols.iter_mut().map(Column::finish).collect();
        let batch = RecordBatch::try_new(schema.clone(), arrays).with_context(cannot)?;
        w.write(&batch).with_context(cannot)
    };
    for (i, rec) in r.records().enumerate() {
        let row = i + 2;
        let rec = rec.with_context(|| format!("{}: row {row}", csv_path.display()))?;
        for (j, col) in cols.iter_mut().enumerate() {
            match rec.get(j) {
                Some(v) => col.push(v).map_err(|e| {
                    anyhow::anyhow!("{}: row {row}, {}: {e}", csv_path.display(), &header[j])
                })?,
                None => col.push_null(),
            }
        }
        rows += 1;
        if rows.is_multiple_of(BATCH_ROWS) {
            flush(&mut cols, &mut w)?;
        }
    }
    if !rows.is_multiple_of(BATCH_ROWS) || rows == 0 {
        flush(&mut cols, &mut w)?;
    }
    w.close().with_context(cannot)?;
    Ok(())
}

/// A Parquet table's column names, and its rows as text the way the CSV
/// table writes them (floats with six decimals, null as empty).
pub fn records(path: &Path) -> Result<(csv::StringRecord, Records)> {
    let cannot = || format!("{}: cannot read as Parquet", path.display());
    let file = File::open(path).with_context(cannot)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .with_context(cannot)?
        .with_batch_size(BATCH_ROWS)
        .build()
        .with_context(cannot)?;
    let header: csv::StringRecord = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let shown = path.display().to_string();
    let rows = reader.flat_map(move |batch| -> Vec<Result<csv::StringRecord>> {
        match batch {
            Err(e) => vec![Err(anyhow::anyhow!("{shown}: {e}"))],
            Ok(b) => (0..b.num_rows())
                .map(|i| {
                    b.columns()
                        .iter()
                        .map(|c| text_of(c.as_ref(), i))
                        .collect::<Result<csv::StringRecord>>()
                        .with_context(|| format!("{shown}: row {}", i + 1))
                })
                .collect(),
        }
    });
    Ok((header, Box::new(rows)))
}

fn text_of(col: &dyn Array, i: usize) -> Result<String> {
    if col.is_null(i) {
        return Ok(String::new());
    }
    let any = col.as_any();
    if let Some(a) = any.downcast_ref::<StringArray>() {
        Ok(a.value(i).to_string())
    } else if let Some(a) = any.downcast_ref::<Int64Array>() {
        Ok(a.value(i).to_string())
    } else if let Some(a) = any.downcast_ref::<Float64Array>() {
        Ok(format!("{:.6}", a.value(i)))
    } else {
        anyhow::bail!(
            "a column of type {} (not written by stance)",
            col.data_type()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_keeps_the_csv_text_and_types() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("documents.csv");
        std::fs::write(
            &csv_path,
            "doc_id,target,sentences,favor,against,none,mean_score,stance,on_topic,\
             on_topic_mean_score,file,line,outlet\n\
             a,\"Claim, with a comma\",3,1,0,2,0.123457,favor,1,0.900000,in.jsonl,4,\"The \"\"Post\"\"\"\n\
             b,Claim,0,0,0,0,0.000000,none,0,,notes.txt,,\n",
        )
        .unwrap();
        let pq = dir.path().join("documents.parquet");
        convert(&csv_path, Table::Documents, &pq).unwrap();

        let file = File::open(&pq).unwrap();
        let b = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
        let schema = b.schema().clone();
        assert_eq!(
            schema.field_with_name("line").unwrap().data_type(),
            &DataType::Int64
        );
        assert_eq!(
            schema.field_with_name("mean_score").unwrap().data_type(),
            &DataType::Float64
        );
        assert_eq!(
            schema.field_with_name("outlet").unwrap().data_type(),
            &DataType::Utf8
        );

        let (header, rows) = records(&pq).unwrap();
        let rows: Vec<csv::StringRecord> = rows.collect::<Result<_>>().unwrap();
        let mut r = csv::Reader::from_path(&csv_path).unwrap();
        assert_eq!(&header, r.headers().unwrap());
        let want: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows, want);
    }

    #[test]
    fn a_bad_number_names_the_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("errors.csv");
        std::fs::write(
            &csv_path,
            "file,line,reason\na.jsonl,7,bad\nb.jsonl,x,bad\n",
        )
        .unwrap();
        let err = convert(&csv_path, Table::Errors, &dir.path().join("e.parquet")).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!(
                "{}: row 3, line: `x` is not a whole number",
                csv_path.display()
            )
        );
    }

    #[test]
    fn many_rows_span_several_batches() {
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("errors.csv");
        let mut text = String::from("file,line,reason\n");
        for i in 0..(BATCH_ROWS * 2 + 5) {
            text += &format!("f{i}.jsonl,{i},reason {i}\n");
        }
        std::fs::write(&csv_path, text).unwrap();
        let pq = dir.path().join("errors.parquet");
        convert(&csv_path, Table::Errors, &pq).unwrap();
        let (_, rows) = records(&pq).unwrap();
        let rows: Vec<csv::StringRecord> = rows.collect::<Result<_>>().unwrap();
        assert_eq!(rows.len(), BATCH_ROWS * 2 + 5);
        assert_eq!(
            &rows[BATCH_ROWS * 2 + 4][1],
            (BATCH_ROWS * 2 + 4).to_string()
        );
    }
}
