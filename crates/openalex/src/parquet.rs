//! The flat table as Parquet (feature `parquet`): one file per input file,
//! `DIR/part_NNNNN.parquet`, with columns `work` (string), `year` (int32),
//! `country` (ISO2 string), `share` (double), `citations` (int64), `fwci`
//! (double, nullable), `international` (bool), `top10` (bool, nullable);
//! Snappy-compressed row groups of 128 Ki rows, so memory stays flat. Each
//! file is written under a temporary name and renamed when complete; a
//! sink dropped unfinished (the run failed) removes its temporary file. Any
//! engine reads the folder, e.g. DuckDB:
//! `SELECT country, year, count(*) AS whole, sum(share) AS fractional
//!  FROM 'DIR/*.parquet' GROUP BY ALL`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::{FlatRow, FlatSink, OpenAlexError};

const SCHEMA: &str = "message openalex_flat {
    REQUIRED BYTE_ARRAY work (UTF8);
    REQUIRED INT32 year;
    REQUIRED BYTE_ARRAY country (UTF8);
    REQUIRED DOUBLE share;
    REQUIRED INT64 citations;
    OPTIONAL DOUBLE fwci;
    REQUIRED BOOLEAN international;
    OPTIONAL BOOLEAN top10;
}";

const ROW_GROUP: usize = 128 * 1024;

/// Writes the flat rows of one input file.
pub struct ParquetSink {
    writer: SerializedFileWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
    work: Vec<ByteArray>,
    year: Vec<i32>,
    country: Vec<ByteArray>,
    share: Vec<f64>,
    citations: Vec<i64>,
    fwci: Vec<f64>,
    fwci_def: Vec<i16>,
    international: Vec<bool>,
    top10: Vec<bool>,
    top10_def: Vec<i16>,
    /// Last, so the writer (and its file) is dropped first.
    cleanup: RemoveUnlessKept,
}

/// Removes a temporary file when dropped, unless kept.
struct RemoveUnlessKept {
    path: PathBuf,
    keep: bool,
}

impl Drop for RemoveUnlessKept {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn err(path: &Path, e: impl std::fmt::Display) -> OpenAlexError {
    OpenAlexError::file(path, format!("writing Parquet: {e}"))
}

impl ParquetSink {
    /// The sink for input file number `index`, in `dir` (created if needed).
    pub fn create(dir: &Path, index: usize) -> Result<ParquetSink, OpenAlexError> {
        std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
        let path = dir.join(format!("part_{index:05}.parquet"));
        let tmp = dir.join(format!(".part_{index:05}.parquet.tmp"));
        let file = File::create(&tmp).map_err(|e| err(&tmp, e))?;
        let schema = Arc::new(parse_message_type(SCHEMA).map_err(|e| err(&path, e))?);
        let props = Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
        let writer = SerializedFileWriter::new(file, schema, props).map_err(|e| err(&path, e))?;
        Ok(ParquetSink {
            writer,
            cleanup: RemoveUnlessKept { path: tmp.clone(), keep: false },
            tmp,
            path,
            work: Vec::new(),
            year: Vec::new(),
            country: Vec::new(),
            share: Vec::new(),
            citations: Vec::new(),
            fwci: Vec::new(),
            fwci_def: Vec::new(),
            international: Vec::new(),
            top10: Vec::new(),
            top10_def: Vec::new(),
        })
    }

    fn flush(&mut self) -> Result<(), OpenAlexError> {
        if self.year.is_empty() {
            return Ok(());
        }
        let path = self.path.clone();
        let e = |e: parquet::errors::ParquetError| err(&path, e);
        let mut rg = self.writer.next_row_group().map_err(e)?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column().map_err(e)? {
            match i {
                0 => col.typed::<ByteArrayType>().write_batch(&self.work, None, None),
                1 => col.typed::<Int32Type>().write_batch(&self.year, None, None),
                2 => col.typed::<ByteArrayType>().write_batch(&self.country, None, None),
                3 => col.typed::<DoubleType>().write_batch(&self.share, None, None),
                4 => col.typed::<Int64Type>().write_batch(&self.citations, None, None),
                5 => col.typed::<DoubleType>().write_batch(&self.fwci, Some(&self.fwci_def), None),
                6 => col.typed::<BoolType>().write_batch(&self.international, None, None),
                _ => col.typed::<BoolType>().write_batch(&self.top10, Some(&self.top10_def), None),
            }
            .map_err(e)?;
            col.close().map_err(e)?;
            i += 1;
        }
        rg.close().map_err(e)?;
        self.work.clear();
        self.year.clear();
        self.country.clear();
        self.share.clear();
        self.citations.clear();
        self.fwci.clear();
        self.fwci_def.clear();
        self.international.clear();
        self.top10.clear();
        self.top10_def.clear();
        Ok(())
    }
}

impl FlatSink for ParquetSink {
    fn row(&mut self, r: &FlatRow<'_>) -> Result<(), OpenAlexError> {
        self.work.push(ByteArray::from(r.work));
        self.year.push(r.year);
        self.country.push(ByteArray::from(r.country));
        self.share.push(r.share);
        self.citations.push(i64::try_from(r.citations).unwrap_or(i64::MAX));
        match r.fwci {
            Some(f) => {
                self.fwci.push(f);
                self.fwci_def.push(1);
            }
            None => self.fwci_def.push(0),
        }
        self.international.push(r.international);
        match r.top10 {
            Some(t) => {
                self.top10.push(t);
                self.top10_def.push(1);
            }
            None => self.top10_def.push(0),
        }
        if self.year.len() >= ROW_GROUP { self.flush() } else { Ok(()) }
    }

    fn finish(mut self: Box<Self>) -> Result<(), OpenAlexError> {
        self.flush()?;
        let ParquetSink { writer, tmp, path, mut cleanup, .. } = *self;
        writer.close().map_err(|e| err(&path, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| err(&path, e))?;
        cleanup.keep = true;
        Ok(())
    }
}
