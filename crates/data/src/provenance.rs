//! Provenance: where every value of an index comes from.
//!
//! A data source gives a value for a unit and year; a recipe then takes a
//! value for the reference year (the latest within an age window, an older
//! own value, an interpolation), may correct it, or estimates a missing one
//! from a group. Each cell of the data an index is built on carries a
//! [`Flag`] saying which of these happened, the year the value is from and
//! a sentence saying how, so a reader can tell an observation from an
//! estimate wherever a number is shown.

use serde::Serialize;

/// How a cell's value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// The unit's own value, from the reference year or within the
    /// recipe's age window (`data_year` says which year).
    Observed,
    /// The unit's own value from before the age window (within the declared
    /// fallback age): a stale value standing in for a current one.
    Older,
    /// Interpolated between two of the unit's own values.
    Interpolated,
    /// Estimated from other units (a group mean or median).
    Imputed,
    /// A source value replaced by a documented correction.
    Corrected,
    /// The source suppressed the value as below a threshold ("< 100"), or
    /// part of it (an annual value from fewer quarters than published).
    Censored,
    /// The source value was excluded by a documented correction and
    /// nothing took its place.
    Excluded,
    /// No value.
    Missing,
}

impl Flag {
    pub const ALL: [Flag; 8] = [
        Flag::Observed,
        Flag::Older,
        Flag::Interpolated,
        Flag::Imputed,
        Flag::Corrected,
        Flag::Censored,
        Flag::Excluded,
        Flag::Missing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Flag::Observed => "observed",
            Flag::Older => "older",
            Flag::Interpolated => "interpolated",
            Flag::Imputed => "imputed",
            Flag::Corrected => "corrected",
            Flag::Censored => "censored",
            Flag::Excluded => "excluded",
            Flag::Missing => "missing",
        }
    }

    /// True for a value that stands in for one the unit does not have for
    /// the reference period: an older own value, an interpolation or a
    /// group estimate. Such values are never shown as a unit's strengths
    /// or weaknesses.
    pub fn is_estimate(self) -> bool {
        matches!(self, Flag::Older | Flag::Interpolated | Flag::Imputed)
    }

    /// True when the unit's own data (observed, corrected, censored, or an
    /// older or interpolated own value) gave the value.
    pub fn is_own_data(self) -> bool {
        matches!(self, Flag::Observed | Flag::Older | Flag::Interpolated | Flag::Corrected | Flag::Censored)
    }
}

impl std::fmt::Display for Flag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One cell's origin before the recipe's steps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub flag: Flag,
    /// The year the value is from (none for an interpolation: the detail
    /// names the two years it lies between).
    pub data_year: Option<i32>,
    /// How, in words ("own value 2020", "the 2024 value 0 was excluded: …").
    pub detail: String,
}

impl Cell {
    pub fn missing() -> Cell {
        Cell { flag: Flag::Missing, data_year: None, detail: String::new() }
    }
}

/// The origin of every cell of a units × codes table, column-major like
/// [`crate::Matrix`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cells {
    pub units: Vec<String>,
    pub codes: Vec<String>,
    cells: Vec<Cell>,
    /// What each code is, in words with its unit ("population (millions)"),
    /// for sentences about the values.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl Cells {
    /// A table of `units` × `codes`, from its columns (one per code, each
    /// with one cell per unit); `None` when a column has another length.
    pub fn from_columns(units: Vec<String>, codes: Vec<String>, columns: Vec<Vec<Cell>>) -> Option<Cells> {
        if columns.len() != codes.len() || columns.iter().any(|c| c.len() != units.len()) {
            return None;
        }
        Some(Cells { units, codes, cells: columns.into_iter().flatten().collect(), labels: Default::default() })
    }

    /// A code in words ([`Cells::labels`]), else the code itself.
    pub fn label<'a>(&'a self, code: &'a str) -> &'a str {
        self.labels.get(code).map_or(code, String::as_str)
    }

    /// The cell of a unit and code.
    pub fn get(&self, unit: &str, code: &str) -> Option<&Cell> {
        let i = self.units.iter().position(|u| u == unit)?;
        let j = self.codes.iter().position(|c| c == code)?;
        self.cells.get(j * self.units.len() + i)
    }
}

/// One row of `provenance.csv`: a cell that enters the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub unit: String,
    pub code: String,
    /// The value as it enters the index: after division by a denominator
    /// and gap filling, before outlier treatment and normalisation.
    pub value: f64,
    pub data_year: Option<i32>,
    pub flag: Flag,
    pub detail: String,
    /// For a value the source suppressed: what it is below, in the units
    /// of `value` (after division by a denominator), shown as "< 100".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_line_up_by_unit_and_code() {
        let c = |y| Cell { flag: Flag::Observed, data_year: Some(y), detail: String::new() };
        let t = Cells::from_columns(
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into()],
            vec![vec![c(1), c(2)], vec![c(3), Cell::missing()]],
        )
        .expect("equal lengths");
        assert_eq!(t.get("b", "x").and_then(|c| c.data_year), Some(2));
        assert_eq!(t.get("a", "y").and_then(|c| c.data_year), Some(3));
        assert_eq!(t.get("b", "y").map(|c| c.flag), Some(Flag::Missing));
        assert!(t.get("c", "x").is_none());
        assert!(Cells::from_columns(vec!["a".into()], vec!["x".into()], vec![vec![]]).is_none());
        assert!(Flag::Imputed.is_estimate() && !Flag::Censored.is_estimate() && Flag::Censored.is_own_data());
    }
}
