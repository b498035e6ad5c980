//! Works merged away. OpenAlex merges records of the same work into one
//! and lists the ids that stopped existing in the snapshot's
//! `data/merged_ids/works/YYYY-MM-DD.csv.gz` (columns
//! `merge_date,id,merge_into_id`). A copy of the snapshot kept up to date
//! partition by partition still holds the old records under those ids;
//! counted, they count the work twice. `--merged-ids` leaves them out.
//!
//! The ids must be OpenAlex work ids (`W123` or the full URL); they are
//! held as numbers, 8 bytes each (see [`crate::dedup::id_number`]). A work
//! whose id has another form is never taken for a merged one.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::OpenAlexError;
use crate::dedup::id_number;

/// The ids of works merged into others.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Merged {
    numbered: HashSet<u64>,
}

impl Merged {
    /// Reads merged-id tables: `.csv` or `.csv.gz` files, or folders of
    /// them (searched below), each with a header naming an `id` column.
    pub fn read(paths: &[PathBuf]) -> Result<Merged, OpenAlexError> {
        let mut out = Merged::default();
        for p in paths {
            let files = if p.is_dir() { tables_below(p)? } else { vec![p.clone()] };
            if files.is_empty() {
                return Err(OpenAlexError::file(
                    p,
                    "no .csv or .csv.gz files here: expected the snapshot's merged_ids/works",
                ));
            }
            for f in files {
                out.read_table(&f)?;
            }
        }
        Ok(out)
    }

    fn read_table(&mut self, path: &Path) -> Result<(), OpenAlexError> {
        let file = std::fs::File::open(path).map_err(|e| OpenAlexError::file(path, e))?;
        let mut rows = csv::ReaderBuilder::new().from_reader(crate::lines::decoded(path, file));
        let headers = rows.headers().map_err(|e| table_error(path, &e))?;
        if headers.is_empty() {
            return Err(OpenAlexError::file(path, "empty: expected a header merge_date,id,merge_into_id and rows"));
        }
        let Some(column) = headers.iter().position(|h| h.trim() == "id") else {
            return Err(OpenAlexError::file(
                path,
                format!("no `id` column (the header has {headers:?}); expected merge_date,id,merge_into_id"),
            ));
        };
        let mut record = csv::StringRecord::new();
        loop {
            match rows.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {}
                Err(e) => return Err(table_error(path, &e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let id = record.get(column).map(str::trim).unwrap_or_default();
            if id.is_empty() {
                return Err(OpenAlexError::file(path, format!("line {line}: the `id` field is empty")));
            }
            // authors, institutions… have tables of their own, beside works'
            let Some(n) = id_number(id) else {
                return Err(OpenAlexError::file(
                    path,
                    format!("line {line}: {id:?} is not a work id (W…): give the works table, merged_ids/works"),
                ));
            };
            self.numbered.insert(n);
        }
    }

    /// Work `id` was merged into another.
    pub fn contains(&self, id: &str) -> bool {
        id_number(id).is_some_and(|n| self.numbered.contains(&n))
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.numbered.len()
    }

    /// No ids.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A CSV error: the file cut short or unreadable, or not a table.
fn table_error(path: &Path, e: &csv::Error) -> OpenAlexError {
    if e.is_io_error() {
        OpenAlexError::file(path, format!("cannot be read to the end ({e}); a cut-off download? fetch it again"))
    } else {
        OpenAlexError::file(path, format!("not a CSV table: {e}"))
    }
}

/// The `.csv` / `.csv.gz` files below a folder, in path order.
fn tables_below(dir: &Path) -> Result<Vec<PathBuf>, OpenAlexError> {
    let mut stack = vec![dir.to_path_buf()];
    let mut found = Vec::new();
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| OpenAlexError::file(&d, e))?;
        for e in entries {
            let p = e.map_err(|e| OpenAlexError::file(&d, e))?.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".csv") || name.ends_with(".csv.gz") {
                found.push(p);
            }
        }
    }
    found.sort();
    Ok(found)
}
