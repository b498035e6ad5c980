//! The flat table: each kept work's attribution to each of its countries,
//! one row at a time, sent to a sink per input file.

use std::path::Path;

use crate::OpenAlexError;

/// One row of the flat table: a work's attribution to one country. Summing
/// rows by (country, year) gives the whole (count) and fractional (sum of
/// `share`) papers, so the aggregation can be redone in SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatRow<'a> {
    /// OpenAlex work id (`W…`).
    pub work: &'a str,
    pub year: i32,
    /// ISO2 country code.
    pub country: &'a str,
    /// The country's fractional share of the work.
    pub share: f64,
    pub citations: u64,
    pub fwci: Option<f64>,
    /// The work has authors in more than one country.
    pub international: bool,
    /// In the top 10% by citation percentile (None: no percentile).
    pub top10: Option<bool>,
}

/// Where flat rows go: one sink per input file, finished when the file ends.
pub trait FlatSink: Send {
    fn row(&mut self, r: &FlatRow<'_>) -> Result<(), OpenAlexError>;
    fn finish(self: Box<Self>) -> Result<(), OpenAlexError>;
}

/// Makes the sink for input file number `index` (at `path`).
pub type SinkFactory<'a> = dyn Fn(usize, &Path) -> Result<Box<dyn FlatSink>, OpenAlexError> + Sync + 'a;
