//! A strict CSV table reader with precise errors.

use std::fmt;
use std::path::Path;

/// A problem with an input file: where it is and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub path: String,
    /// 1-based line in the file.
    pub line: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        InputError { path: path.display().to_string(), line: None, column: None, message: message.into() }
    }

    pub fn at(path: &Path, line: u64, column: Option<&str>, message: impl Into<String>) -> Self {
        InputError {
            path: path.display().to_string(),
            line: Some(line),
            column: column.map(Into::into),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(l) = self.line {
            write!(f, ", line {l}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", column {c:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// A CSV table held in memory: header and rows of text with their lines.
#[derive(Debug, Clone)]
pub struct Table<'p> {
    pub path: &'p Path,
    /// 1-based line of the header (blank lines before it are skipped).
    pub header_line: u64,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The cells, trimmed, in one buffer (`cells[k]` is a `&str`): one
    /// allocation per row rather than one per cell, which was most of the
    /// time to read the catalogue's larger files.
    pub cells: csv::StringRecord,
}

impl<'p> Table<'p> {
    /// Parses CSV bytes: a header row, then records of the same width.
    pub fn parse(path: &'p Path, bytes: &[u8]) -> Result<Table<'p>, InputError> {
        Self::parse_with(path, bytes, true, None)
    }

    /// Like [`Table::parse`] but accepts repeated or empty column names,
    /// for files whose columns are read by position (e.g. the ITU GCI table).
    pub fn parse_positional(path: &'p Path, bytes: &[u8]) -> Result<Table<'p>, InputError> {
        Self::parse_with(path, bytes, false, None)
    }

    /// Like [`Table::parse`], keeping only the rows whose `column` holds
    /// one of `values` (all rows if the file has no such column). Rows left
    /// out are checked for shape (one field per column) but not kept or
    /// decoded: a file of many indicators is read for the few wanted at a
    /// fraction of the cost.
    pub fn parse_keeping(
        path: &'p Path,
        bytes: &[u8],
        column: &str,
        values: &[String],
    ) -> Result<Table<'p>, InputError> {
        Self::parse_with(path, bytes, true, Some((column, values)))
    }

    fn parse_with(
        path: &'p Path,
        bytes: &[u8],
        strict_header: bool,
        keep: Option<(&str, &[String])>,
    ) -> Result<Table<'p>, InputError> {
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let header_line = 1 + bytes.split(|b| *b == b'\n').take_while(|l| l.iter().all(|b| *b == b'\r')).count() as u64;
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(path, e, &|_| header_line))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if header.iter().all(|h| h.is_empty()) {
            return Err(InputError::file(path, "the file is empty; expected a header row of column names"));
        }
        for (i, h) in header.iter().enumerate().filter(|_| strict_header) {
            if h.is_empty() {
                return Err(InputError::at(
                    path,
                    header_line,
                    None,
                    format!("column {} of the header has no name", i + 1),
                ));
            }
            if let Some(k) = header[..i].iter().position(|o| o == h) {
                return Err(InputError::at(
                    path,
                    header_line,
                    Some(h),
                    format!("duplicate column name (columns {} and {})", k + 1, i + 1),
                ));
            }
        }
        // The csv crate does not count blank lines in its line numbers, so
        // lines are counted from byte offsets: records come in order, so
        // the newlines since the previous record are counted (memchr).
        let counted = std::cell::Cell::new((0usize, 1u64));
        let line_at = |byte: u64| {
            // a record's position may point at blank lines before it
            let mut b = (byte as usize).min(bytes.len());
            while matches!(bytes.get(b), Some(b'\n' | b'\r')) {
                b += 1;
            }
            let (mut at, mut line) = counted.get();
            if b < at {
                (at, line) = (0, 1);
            }
            line += memchr::memchr_iter(b'\n', &bytes[at..b]).count() as u64;
            counted.set((b, line));
            line
        };
        let keep = keep.and_then(|(name, values)| header.iter().position(|h| h == name).map(|k| (k, values)));
        let mut rows = Vec::new();
        let mut raw = csv::ByteRecord::new();
        while rdr.read_byte_record(&mut raw).map_err(|e| csv_error(path, e, &line_at))? {
            if let Some((k, values)) = keep {
                let cell = raw.get(k).map(<[u8]>::trim_ascii).unwrap_or_default();
                if !values.iter().any(|v| v.as_bytes() == cell) {
                    continue;
                }
            }
            let line = raw.position().map_or(0, |p| line_at(p.byte()));
            let mut rec = csv::StringRecord::from_byte_record(raw.clone())
                .map_err(|_| InputError::at(path, line, None, "the text is not valid UTF-8; save the file as UTF-8"))?;
            rec.trim();
            if rec.as_slice().is_empty() {
                continue;
            }
            rows.push(Row { line, cells: rec });
        }
        Ok(Table { path, header_line, header, rows })
    }

    /// Index of a column by name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Index of a required column, or an error naming what the file has.
    pub fn require(&self, name: &str, what: &str) -> Result<usize, InputError> {
        self.col(name).ok_or_else(|| {
            InputError::at(
                self.path,
                self.header_line,
                None,
                format!(
                    "missing column {name:?} ({what}); the header has: {}{}",
                    self.header.join(", "),
                    digindex_data::suggest(name, self.header.iter())
                ),
            )
        })
    }

    /// Parses a numeric cell: empty or `NA` is missing (`NaN`).
    pub fn number(&self, row: &Row, col: usize) -> Result<f64, InputError> {
        parse_number(&row.cells[col])
            .ok_or_else(|| InputError::at(self.path, row.line, Some(&self.header[col]), not_a_number(&row.cells[col])))
    }

    /// A cell of an extra framework column. Known parameter columns
    /// ([`digindex_pipeline::normalise::FRAMEWORK_PARAMS`]) must hold a number
    /// or TRUE/FALSE; other columns are kept when numeric and otherwise
    /// ignored (free text such as a source note).
    pub fn param(&self, row: &Row, col: usize) -> Result<Option<f64>, InputError> {
        let c = &row.cells[col];
        if c.eq_ignore_ascii_case("TRUE") {
            return Ok(Some(1.0));
        }
        if c.eq_ignore_ascii_case("FALSE") {
            return Ok(Some(0.0));
        }
        match parse_number(c) {
            Some(v) if v.is_nan() => Ok(None),
            Some(v) => Ok(Some(v)),
            None if digindex_pipeline::normalise::FRAMEWORK_PARAMS.contains(&self.header[col].as_str()) => {
                Err(InputError::at(
                    self.path,
                    row.line,
                    Some(&self.header[col]),
                    format!("expected a number or TRUE/FALSE, found {c:?}"),
                ))
            }
            None => Ok(None),
        }
    }

    /// A text cell; empty or `NA` is `None`.
    pub fn text(&self, row: &Row, col: usize) -> Option<String> {
        let c = &row.cells[col];
        if c.is_empty() || c == "NA" { None } else { Some(c.to_string()) }
    }
}

/// Parses a finite number; empty / `NA` → `NaN`; anything else → `None`
/// ([`not_a_number`] says why). A number too large for an `f64` (`1e400`)
/// or too small to tell from zero (`1e-400`) is not taken: read as `inf`
/// or as 0, it would silently be another value.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s == "NA" {
        return Some(f64::NAN);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && !digindex_data::vanishes(s) => Some(v),
        _ => None,
    }
}

/// Why [`parse_number`] refused `s`, for an error message.
pub fn not_a_number(s: &str) -> String {
    let t = s.trim();
    match t.parse::<f64>() {
        Ok(v) if v.is_infinite() && !t.to_ascii_lowercase().contains("inf") => {
            format!("{t:?} is beyond the largest number that can be computed with (about 1.8e308)")
        }
        Ok(_) if digindex_data::vanishes(t) => {
            format!("{t:?} is too small to tell from zero (below about 5e-324); write 0 if it is zero")
        }
        Ok(_) => format!("expected a finite number, found {t:?}"),
        Err(_) => format!("expected a number (or an empty cell for missing), found {s:?}"),
    }
}

fn csv_error(path: &Path, e: csv::Error, line_at: &dyn Fn(u64) -> u64) -> InputError {
    let line = e.position().map(|p| line_at(p.byte()));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} fields but the header has {expected_len}; every row needs one field per column")
        }
        csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8; save the file as UTF-8".to_string(),
        _ => format!("malformed CSV: {e}"),
    };
    InputError { path: path.display().to_string(), line, column: None, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ragged_rows_name_the_line() {
        let p = Path::new("x.csv");
        let e = Table::parse(p, b"a,b\n1,2\n\n3\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.to_string().starts_with("x.csv, line 4: this row has 1 fields but the header has 2"), "{e}");
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_reason() {
        assert_eq!(parse_number("1e-300"), Some(1e-300));
        assert_eq!(parse_number("0.0e-400"), Some(0.0));
        assert_eq!(parse_number("-0"), Some(0.0));
        assert_eq!(parse_number("4.9e-324"), Some(4.9e-324));
        assert_eq!(parse_number("1e-400"), None);
        assert_eq!(parse_number("1e400"), None);
        assert_eq!(parse_number("inf"), None);
        assert!(not_a_number("1e-400").contains("too small to tell from zero"));
        assert!(not_a_number("-1e400").contains("beyond the largest number"));
        assert!(not_a_number("inf").contains("expected a finite number"));
        assert!(not_a_number("abc").contains("expected a number"));
        let e = Table::parse(Path::new("x.csv"), b"a,b\n1,1e-400\n").expect("csv");
        let err = e.number(&e.rows[0], 1).unwrap_err();
        assert!(err.to_string().starts_with("x.csv, line 2, column \"b\": \"1e-400\" is too small"), "{err}");
    }

    #[test]
    fn rows_kept_by_a_column_value_keep_their_lines() {
        let p = Path::new("x.csv");
        let text = b"indicator,value\na,1\n\nb,2\n a ,3\nc,4\n";
        let t = Table::parse_keeping(p, text, "indicator", &["a".into(), "c".into()]).expect("valid");
        let kept: Vec<(u64, &str)> = t.rows.iter().map(|r| (r.line, &r.cells[1])).collect();
        assert_eq!(kept, vec![(2, "1"), (5, "3"), (6, "4")]);
        // rows left out are still checked for shape
        let e = Table::parse_keeping(p, b"indicator,value\na,1\nb\n", "indicator", &["a".into()]).unwrap_err();
        assert_eq!(e.line, Some(3));
        // no such column: every row
        assert_eq!(Table::parse_keeping(p, text, "nope", &["a".into()]).expect("valid").rows.len(), 4);
    }

    #[test]
    fn header_after_blank_lines() {
        let p = Path::new("x.csv");
        let t = Table::parse(p, b"\n\r\na,b\n1,2\n").expect("valid");
        assert_eq!(t.header_line, 3);
        assert_eq!(t.rows[0].line, 4);
        assert_eq!(t.require("c", "test").unwrap_err().line, Some(3));
    }

    #[test]
    fn numbers_and_missing() {
        let p = Path::new("x.csv");
        let t = Table::parse(p, "\u{feff}a,b\n1.5,\n\n\"NA\",abc\n".as_bytes()).expect("valid");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.number(&t.rows[0], 0).expect("number"), 1.5);
        assert!(t.number(&t.rows[0], 1).expect("missing").is_nan());
        assert!(t.number(&t.rows[1], 0).expect("NA").is_nan());
        let e = t.number(&t.rows[1], 1).unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv, line 4, column \"b\": expected a number (or an empty cell for missing), found \"abc\""
        );
        assert!(parse_number("inf").is_none());
        assert!(Table::parse(p, b"a,a\n1,2\n").unwrap_err().message.contains("duplicate column"));
    }
}
