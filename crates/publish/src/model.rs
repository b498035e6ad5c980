//! The report model: everything the pages show, as one typed document
//! whose JSON the page's script (`assets/app.js`) reads, `report.json`
//! holds and the server answers.
//!
//! The JSON text is part of the published interface, pinned byte for byte
//! by `tests/pin.rs`. serde writes a struct's fields in declaration order,
//! and the model has always had its keys sorted (it used to be a
//! `serde_json::Value`, whose maps sort their keys), so **every struct here
//! declares its fields in alphabetical order**, and maps are `BTreeMap`s.
//! Numbers that are not finite are written `null` (as `Option<f64>`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The report model (see the module docs; fields in alphabetical order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Claim verdicts (`digindex check` JSON).
    pub claims: Vec<Value>,
    pub coherence: Coherence,
    /// Per unit (in [`Model::units`] order): how many of its values are
    /// estimates; `null` for a unit without provenance.
    pub estimated: Vec<Option<Estimated>>,
    /// `digindex VERSION`.
    pub generator: String,
    /// Short id used in addresses (`tokyo-statement`).
    pub id: String,
    /// Rank intervals of the index, from the uncertainty analysis.
    pub intervals: Option<Vec<Interval>>,
    pub method: Method,
    /// The framework tree, in framework order.
    pub nodes: Vec<NodeInfo>,
    /// A series: every year's scores, ranks and rank intervals of the
    /// index and its aggregates, the movers and the official targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressModel>,
    /// Corrections applied and data-quality findings on the values used
    /// (as in the manifest's `quality`), `null` when not known.
    pub quality: Value,
    /// code → rank per unit (units in [`Model::units`] order).
    pub ranks: BTreeMap<String, Vec<Option<u32>>>,
    /// indicator code → raw value per unit (units in [`Model::units`] order).
    pub raw: BTreeMap<String, Vec<Option<f64>>>,
    pub regions: Vec<Region>,
    /// code → score per unit (units in [`Model::units`] order).
    pub scores: BTreeMap<String, Vec<Option<f64>>>,
    /// Sobol indices (from a sensitivity analysis), as written in audit.json.
    pub sensitivity: Option<Value>,
    /// The index's code (the framework's top node).
    pub target: Option<String>,
    pub title: String,
    /// Scores of the index by year, when built for several years.
    pub trend: Vec<TrendPoint>,
    /// The units, in the aggregated stage's order: the order of every
    /// per-unit list of the model.
    pub units: Vec<UnitInfo>,
    /// indicator code → every value as used, with its year, flag and how
    /// it was obtained.
    pub values: BTreeMap<String, Values>,
}

/// One unit as the pages name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitInfo {
    pub code: String,
    pub name: String,
    /// ISO 3166-1 numeric code (the map's shape id), when a country.
    pub numeric: Option<u16>,
}

/// A named set of units offered as a filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub id: String,
    pub members: Vec<String>,
    pub title: String,
}

/// Correlations and Cronbach's alphas, as written in audit.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coherence {
    pub alphas: Value,
    pub correlations: Value,
}

/// How many of a unit's values are estimates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimated {
    pub estimated: usize,
    /// Values of the unit in all.
    pub of: usize,
    /// Whether so many are estimates that its scores rest on them.
    pub rests_on_estimates: bool,
}

/// A unit's rank interval (5–95 %) and median rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub median: Option<f64>,
    pub q05: Option<f64>,
    pub q95: Option<f64>,
    pub unit: String,
}

/// How the index was made: the resolved spec, the steps' log, the build's
/// warnings and the inputs (spec, log and inputs as in the manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    pub inputs: Value,
    pub log: Value,
    /// The recipe as digindex read it (overrides applied), as TOML.
    pub recipe_toml: String,
    pub spec: Value,
    pub warnings: Vec<String>,
}

/// One node of the framework tree, with the weights the build used and,
/// for an indicator, where its values come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeInfo {
    pub code: String,
    /// 1 (higher is better), -1 (lower is better) or 0 (closest to
    /// `target` is best).
    pub direction: f64,
    /// Weight in the index, all levels multiplied out.
    pub effective: Option<f64>,
    pub level: u32,
    pub name: String,
    /// The parent's code.
    pub parent: Option<String>,
    /// Data set title and licence.
    pub source: Option<String>,
    /// Unit of measurement of the source's values.
    pub source_unit: Option<String>,
    pub target: Option<f64>,
    /// Unit of the values as used (the source's, or "… per …" when divided
    /// by a denominator).
    pub unit: Option<String>,
    /// Weight relative to the siblings, as the build used it.
    pub weight: Option<f64>,
    /// How values were picked for the reference year (rule, years used).
    pub year_rule: Option<Value>,
}

/// One indicator's values as used, one entry per unit (in
/// [`Model::units`] order; `null` where the unit has no provenance row).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Values {
    /// For a value the source suppressed: what it is below.
    pub below: Vec<Option<f64>>,
    /// How the value was obtained.
    pub detail: Vec<Option<String>>,
    /// Provenance flag (`observed`, `imputed`, …).
    pub flag: Vec<Option<String>>,
    pub value: Vec<Option<f64>>,
    /// The year the value is from.
    pub year: Vec<Option<i32>>,
}

/// A series read for progress (fields in alphabetical order). Per-year
/// lists are in [`ProgressModel::years`] order, each a list per unit in
/// [`ProgressModel::units`] order: the model's units first, in their order
/// (so a unit's position is the same in both), then the units ranked only
/// in earlier years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressModel {
    /// The baseline year, when built.
    pub baseline: Option<i32>,
    /// The baseline year declared but not built yet.
    pub baseline_pending: Option<i32>,
    /// code → year → unit: the upper end (95%) of the rank interval.
    pub high: BTreeMap<String, Vec<Vec<Option<f64>>>>,
    /// code → year → unit: the lower end (5%) of the rank interval.
    pub low: BTreeMap<String, Vec<Vec<Option<f64>>>>,
    /// code → year → unit: the rank change since the first year read
    /// against the rank intervals (`up`, `down`, `no change`).
    pub movement: BTreeMap<String, Vec<Vec<Option<String>>>>,
    /// Units by change of the index since the first year, largest first.
    pub movers: Vec<MoverModel>,
    pub ranks: BTreeMap<String, Vec<Vec<Option<u32>>>>,
    pub scores: BTreeMap<String, Vec<Vec<Option<f64>>>>,
    pub targets: Vec<TargetModel>,
    /// [`Model::units`], then the units ranked only in earlier years.
    pub units: Vec<UnitInfo>,
    pub years: Vec<i32>,
}

/// A unit's change of the index, and the indicators that moved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoverModel {
    pub change: Option<f64>,
    /// `[code, effective weight × change of its normalised score]`.
    pub drivers: Vec<(String, Option<f64>)>,
    pub movement: Option<String>,
    pub rank_first: Option<u32>,
    pub rank_last: Option<u32>,
    pub unit: String,
}

/// An official target and every unit against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetModel {
    pub code: String,
    /// The value from which it counts as met, when less than `value`.
    pub met_at: Option<f64>,
    pub note: Option<String>,
    pub rows: Vec<TargetUnit>,
    pub source: String,
    pub value: f64,
    pub year: i32,
}

/// One unit against a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetUnit {
    pub data_year: Option<i32>,
    pub first_data_year: Option<i32>,
    pub first_value: Option<f64>,
    pub flag: String,
    pub gap: Option<f64>,
    pub pace: Option<f64>,
    pub reaches_by: Option<i32>,
    pub status: String,
    pub unit: String,
    pub value: Option<f64>,
}

/// The index score of a unit in a year: `[year, unit, score]`.
pub type TrendPoint = (i32, String, Option<f64>);

/// `x` when finite: what the model writes as a number (else `null`).
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Entry `k` of `code`'s list in a per-code map (`None` when absent).
fn at<T: Copy>(map: &BTreeMap<String, Vec<Option<T>>>, code: &str, k: usize) -> Option<T> {
    map.get(code).and_then(|v| v.get(k).copied().flatten())
}

impl Model {
    /// The model as compact JSON, exactly as published.
    pub fn to_json(&self) -> String {
        // cannot fail: every map has string keys and every field is plain data
        serde_json::to_string(self).expect("the model serialises")
    }

    /// Score of `code` for the unit at position `k`.
    pub fn score(&self, code: &str, k: usize) -> Option<f64> {
        at(&self.scores, code, k)
    }

    /// Rank in `code` of the unit at position `k`.
    pub fn rank(&self, code: &str, k: usize) -> Option<u32> {
        at(&self.ranks, code, k)
    }

    /// Raw value of indicator `code` for the unit at position `k`.
    pub fn raw_value(&self, code: &str, k: usize) -> Option<f64> {
        at(&self.raw, code, k)
    }

    /// Codes of the nodes, highest level first, framework order within a level.
    pub fn codes_top_down(&self) -> Vec<&str> {
        let mut nodes: Vec<(std::cmp::Reverse<u32>, usize, &str)> =
            self.nodes.iter().enumerate().map(|(i, n)| (std::cmp::Reverse(n.level), i, n.code.as_str())).collect();
        nodes.sort();
        nodes.into_iter().map(|(_, _, c)| c).collect()
    }

    /// The ids of the region sets that hold unit `code`.
    pub fn regions_of(&self, code: &str) -> Vec<&str> {
        self.regions.iter().filter(|r| r.members.iter().any(|m| m == code)).map(|r| r.id.as_str()).collect()
    }

    /// The years of the trend, sorted, each once.
    pub fn trend_years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.trend.iter().map(|t| t.0).collect();
        y.sort_unstable();
        y.dedup();
        y
    }
}
