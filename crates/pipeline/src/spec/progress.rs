//! `[progress]`: how a series is read for progress — the baseline year
//! changes are measured from, and official targets for indicators, each
//! with its source.

use serde::{Deserialize, Serialize};

/// Progress over a series of years (`data.years`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProgressSpec {
    /// The year changes are measured from besides the first year built
    /// (e.g. 2025, the first year of a five-year plan); changes since it
    /// are shown once it is built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<i32>,
    /// Official targets for indicators (`[[progress.target]]`).
    #[serde(default, rename = "target", skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
}

/// An official target for an indicator's value: what, by when, and who
/// set it — never one of the index builder's own making.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The framework indicator (its value as used, after any denominator).
    pub code: String,
    /// The value to reach (at least, or at most for an indicator whose
    /// direction is -1).
    pub value: f64,
    /// The year it is to be reached by.
    pub year: i32,
    /// The value from which the target counts as met, when the source's
    /// precision or the target's own wording allows less than `value`
    /// (e.g. 99.5 for "universal" coverage published to one decimal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_at: Option<f64>,
    /// Who set it, in which document (title, publisher, year, address).
    pub source: String,
    /// How the indicator differs from what the target measures, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
