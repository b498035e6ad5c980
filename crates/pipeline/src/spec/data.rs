//! The `[data]` section: where the data come from (COINr tables, a long
//! table with a framework, or the shipped catalogue) and, for catalogue
//! data, how each indicator's value for the reference year is chosen.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where the data come from. Either COINr's `idata` + `imeta` tables, or a
/// long `values` table (`unit,indicator,value`) with a framework (a
/// `framework` file or inline `[[framework]]` entries) and an optional
/// `units` table (unit metadata: `unit`, `name`, groups, denominators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imeta: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<String>,
    /// For panel data: the time point to build (rows with another `Time`
    /// are ignored). Required when the data hold several time points.
    /// With `catalog`, the reference year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<f64>,
    /// Shipped data: the catalogue (`data/catalog.toml`); the framework's
    /// indicator codes (and denominators) are catalogue codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog: Option<String>,
    /// With `catalog`: the units are the members of this region set (a
    /// shipped name such as `apt`, or a `.csv` file of codes or names, one
    /// per line after a header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// With `catalog`: the units, as codes or names (instead of `region`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// With `catalog`: how a value is chosen for the reference year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<YearRule>,
    /// With `catalog`: the oldest value `latest` accepts, in years before the
    /// reference year (default 3); also how far `interpolate` looks each way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    /// With `catalog`: when the rule finds no value within `max_age`, the
    /// unit's own value up to this many years old (or an interpolation
    /// between its own values up to this far each way) stands in, flagged
    /// `older` or `interpolated`, before any estimate from other units
    /// (COINr's `impute_panel`, ends held constant). Unset: no fallback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_age: Option<u32>,
    /// With `catalog`, or `idata` holding a `Time` column (a COINr panel):
    /// build every one of these years (instead of `time`), normalised
    /// across all of them together unless `normalise.across_years = false`,
    /// so scores compare over time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<i32>,
    /// With `catalog` and `years`: a year is built only when at least this
    /// share of the units' indicator values are dated that very year, so a
    /// series ends at the latest year with data of its own rather than
    /// repeating older values under a new year (e.g. 0.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_current: Option<f64>,
    /// With `catalog`: per-indicator rules (`[data.rules.CODE]`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rules: BTreeMap<String, IndicatorRule>,
}

/// How a catalogue indicator's value for the reference year is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum YearRule {
    /// The reference year's value only.
    Exact,
    /// The latest value at most `max_age` years old (last value carried forward).
    #[default]
    Latest,
    /// Linear interpolation between the nearest values before and after the
    /// reference year (each within `max_age`); at the end of the series, the
    /// latest value within `max_age`.
    Interpolate,
}

/// A per-indicator year rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IndicatorRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<YearRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_age: Option<u32>,
}
