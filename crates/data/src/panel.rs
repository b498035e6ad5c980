//! Panel data: observations of one indicator over units and years.

/// One value of an indicator: unit (ISO3), year, value and an optional
/// source flag (e.g. NCSES `na` / `ne`, UN `e` for estimated). A flagged
/// observation may have no value (`NaN`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Observation {
    pub unit: String,
    pub year: i32,
    pub value: f64,
    pub flag: Option<String>,
}
