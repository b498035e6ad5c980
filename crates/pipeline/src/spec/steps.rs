//! The step tables: `[denominate]`, `[impute]`, `[screen]`, `[treat]`,
//! `[normalise]` and `[aggregate]`, their methods and defaults. A step
//! table's defaults are those its serde attributes declare.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

/// `[denominate]`: divide indicators by a unit-table column (the
/// framework's `denominator`), times a scale factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DenominateSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Result = value / (denominator / scale).
    #[serde(default = "one")]
    pub scale: f64,
    /// Per-indicator denominator overrides (`"none"` = not denominated).
    #[serde(default)]
    pub by: BTreeMap<String, String>,
    /// Per-indicator scale factors (override `scale`).
    #[serde(default)]
    pub scales: BTreeMap<String, f64>,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ImputeMethod {
    None,
    #[default]
    Mean,
    Median,
    GroupMean,
    GroupMedian,
}

/// `[impute]`: fill missing values column by column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImputeSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub method: ImputeMethod,
    /// Unit grouping column for `group_mean` / `group_median`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// A group (or, for `mean`/`median`, all units) gives an estimate only
    /// when at least this many of its units have an observed value; a
    /// smaller group is skipped for the next of `broader`. Default: 3 for
    /// catalogue specs (so no estimate is one or two countries' values),
    /// none for other specs (as COINr). At least 2 when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_group: Option<usize>,
    /// Broader groups tried in order when the unit's group has too few
    /// observed members: unit grouping columns, or `"all"` (every unit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub broader: Vec<String>,
}

impl ImputeSpec {
    /// `min_group` as used: the declared value, else 3 for catalogue specs
    /// and 1 (no minimum) otherwise.
    pub fn min_group_or(&self, catalogue: bool) -> usize {
        self.min_group.unwrap_or(if catalogue { 3 } else { 1 })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ScreenBy {
    #[default]
    Na,
    Zeros,
    NaAndZeros,
}

/// Which data screening counts coverage on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenOn {
    /// The data as observed, before imputation (COINr's `dset = "Raw"`).
    Raw,
    /// The imputed data (COINr's documented order: screen after impute).
    Imputed,
}

/// `[screen]`: drop units with too little data (or too many zeros).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreenSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub by: ScreenBy,
    /// Count coverage on the observed (`raw`) or the `imputed` data.
    /// Default: `raw` for catalogue specs, `imputed` for others (COINr's
    /// order, so COINr recipes give COINr's numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<ScreenOn>,
    /// A unit also needs at least this many observed indicators in every
    /// aggregate directly above the indicators (a pillar), or all of a
    /// pillar's indicators when it has fewer. 0 = no such rule.
    #[serde(default)]
    pub min_per_aggregate: usize,
    /// Minimum share of indicators present (COINr `dat_thresh`).
    #[serde(default = "two_thirds")]
    pub min_coverage: f64,
    /// Minimum share of non-zero values among those present.
    #[serde(default = "five_pc")]
    pub min_nonzero: f64,
    /// Units kept whatever their data.
    #[serde(default)]
    pub include: Vec<String>,
    /// Units dropped whatever their data.
    #[serde(default)]
    pub exclude: Vec<String>,
}

impl ScreenSpec {
    /// `on` as used: the declared value, else `raw` for catalogue specs and
    /// `imputed` otherwise.
    pub fn on_or(&self, catalogue: bool) -> ScreenOn {
        self.on.unwrap_or(if catalogue { ScreenOn::Raw } else { ScreenOn::Imputed })
    }
}

fn two_thirds() -> f64 {
    2.0 / 3.0
}
fn five_pc() -> f64 {
    0.05
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TreatMethod {
    None,
    #[default]
    #[serde(alias = "winsorize")]
    Winsorise,
    LogCt,
    LogCtOrig,
    LogCtPlus,
    #[serde(alias = "box_cox")]
    Boxcox,
}

/// `[treat]`: outlier treatment, indicator by indicator, as COINr's
/// `Treat()`: check skew and kurtosis; if both exceed their thresholds
/// apply `method`; if the check still fails apply `fallback` to the
/// original values (or to `method`'s output with `combine = true`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TreatSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub method: TreatMethod,
    /// Most points Winsorised per indicator (`winmax`).
    #[serde(default = "five")]
    pub max_points: u32,
    /// Absolute skew threshold.
    #[serde(default = "two")]
    pub skew: f64,
    /// Excess kurtosis threshold.
    #[serde(default = "three_five")]
    pub kurtosis: f64,
    #[serde(default = "log_ct")]
    pub fallback: TreatMethod,
    /// Box-Cox lambda.
    #[serde(default = "one")]
    pub lambda: f64,
    /// Apply the fallback to the first method's output, not the original.
    #[serde(default)]
    pub combine: bool,
    /// Winsorise up to `max_points` even when the check passes.
    #[serde(default)]
    pub force: bool,
    /// Per-indicator overrides.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub indicators: BTreeMap<String, TreatOverride>,
}

fn five() -> u32 {
    5
}
fn two() -> f64 {
    2.0
}
fn three_five() -> f64 {
    3.5
}
fn log_ct() -> TreatMethod {
    TreatMethod::LogCt
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TreatOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<TreatMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_points: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kurtosis: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<TreatMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NormaliseMethod {
    None,
    #[default]
    Minmax,
    Zscore,
    Scaled,
    Dist2max,
    Dist2ref,
    #[serde(alias = "dist2targ")]
    Dist2target,
    Fracmax,
    Rank,
    Prank,
    Borda,
    Goalposts,
}

/// `[normalise]`: bring indicators onto one scale. Each indicator is first
/// multiplied by its direction, then normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormaliseSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub method: NormaliseMethod,
    /// `minmax`: output range `[lo, hi]`.
    #[serde(default = "zero_hundred", deserialize_with = "digindex_data::pair::pair")]
    pub range: [f64; 2],
    /// `zscore`: output mean and standard deviation.
    #[serde(default = "zero_one", deserialize_with = "digindex_data::pair::pair")]
    pub mean_sd: [f64; 2],
    /// `scaled`: `(x − lo) / (hi − lo) × scale_factor`.
    #[serde(default = "zero_hundred", deserialize_with = "digindex_data::pair::pair")]
    pub bounds: [f64; 2],
    #[serde(default = "hundred")]
    pub scale_factor: f64,
    /// `dist2ref`: the reference unit's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_unit: Option<String>,
    /// `dist2ref`, `dist2target`: cap scores at 1.
    #[serde(default)]
    pub cap_max: bool,
    /// `goalposts`: truncate to the goalposts.
    #[serde(default = "yes")]
    pub trunc: bool,
    /// With several years: normalise all years together (COINr's global
    /// normalisation of a purse), so a score means the same in every year.
    #[serde(default = "yes")]
    pub across_years: bool,
    /// With several years normalised together: take each indicator's scale
    /// (minimum and maximum, or mean and standard deviation) from these
    /// years only and apply it to every year, so a year's scores do not
    /// move when a later year is added. Scores of other years may then fall
    /// outside `range` (a value above the reference period's best scores
    /// above 100). Empty: every year built.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference_years: Vec<i32>,
    /// Read per-indicator parameters from framework columns, as COINr's
    /// `f_n_para = "use_iMeta"`: `minmax_lower`/`minmax_upper`,
    /// `scaled_lower`/`scaled_upper`/`scale_factor`, `zscore_mean`/`zscore_sd`,
    /// `dist2targ_cap_max`, `goalpost_trunc2posts`. (Targets and goalposts
    /// always come from the framework.)
    #[serde(default)]
    pub from_framework: bool,
    /// Per-indicator overrides: the method and its parameters (not
    /// `enabled`, `from_framework` or `indicators`), plus `target` and
    /// `goalposts`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub indicators: BTreeMap<String, NormaliseOverride>,
}

/// The largest Box-Cox power accepted (|lambda|): beyond it `x^lambda` of
/// ordinary data overflows and the transform gives nothing.
pub const MAX_LAMBDA: f64 = 10.0;

fn zero_hundred() -> [f64; 2] {
    [0.0, 100.0]
}
fn zero_one() -> [f64; 2] {
    [0.0, 1.0]
}
fn hundred() -> f64 {
    100.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NormaliseOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<NormaliseMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "digindex_data::pair::some_pair")]
    pub range: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "digindex_data::pair::some_pair")]
    pub mean_sd: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "digindex_data::pair::some_pair")]
    pub bounds: Option<[f64; 2]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_factor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ref_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_max: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trunc: Option<bool>,
    /// `dist2target`: target in the indicator's own units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// `goalposts`: `[lower, upper, scale]` in the indicator's own units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goalposts: Option<[f64; 3]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AggregateMethod {
    #[default]
    Arithmetic,
    Geometric,
    Harmonic,
    Generalised,
    Copeland,
}

/// A number for every level, or one per level above the indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PerLevel {
    All(f64),
    Each(Vec<f64>),
}

impl Default for PerLevel {
    fn default() -> Self {
        PerLevel::All(0.0)
    }
}

/// `[aggregate]`: combine children into parents, level by level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// One method for every level.
    #[serde(default)]
    pub method: AggregateMethod,
    /// One method per level above the indicators (overrides `method`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<Vec<AggregateMethod>>,
    /// Exponent of the generalised mean.
    #[serde(default = "two")]
    pub p: f64,
    /// Minimum share of children present for an aggregate to be computed
    /// (a number, or one per level above the indicators).
    #[serde(default)]
    pub min_coverage: PerLevel,
    /// Weight set: `"original"` (the framework's) or a `[weights.NAME]`.
    #[serde(default = "original")]
    pub weights: String,
}

fn original() -> String {
    "original".into()
}

/// A step table's defaults are the ones its serde attributes declare: the
/// value an empty table deserialises to (every field has a default, which
/// `step_defaults_come_from_serde` checks).
macro_rules! default_from_empty_table {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                <$t>::deserialize(toml::Value::Table(toml::Table::new()))
                    .unwrap_or_else(|e| unreachable!("every field of {} has a default: {e}", stringify!($t)))
            }
        }
    )*};
}

default_from_empty_table!(DenominateSpec, ImputeSpec, ScreenSpec, TreatSpec, NormaliseSpec, AggregateSpec);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BASE, Spec};

    #[test]
    fn step_defaults_come_from_serde() {
        let t = TreatSpec::default();
        assert!(t.enabled);
        assert_eq!(
            (t.method, t.max_points, t.skew, t.kurtosis, t.fallback),
            (TreatMethod::Winsorise, 5, 2.0, 3.5, TreatMethod::LogCt)
        );
        assert_eq!(ScreenSpec::default().min_coverage, 2.0 / 3.0);
        assert_eq!(NormaliseSpec::default().range, [0.0, 100.0]);
        assert_eq!(AggregateSpec::default().weights, "original");
        assert_eq!(ImputeSpec::default().method, ImputeMethod::Mean);
        assert_eq!(DenominateSpec::default().scale, 1.0);
    }

    #[test]
    fn a_pair_is_two_numbers_in_the_file_too() {
        for (key, table) in [("range", "[normalise]"), ("mean_sd", "[normalise]"), ("bounds", "[normalise]")] {
            for bad in ["[1, 2, 3]", "[1]", "[]"] {
                let text = BASE.replace("[normalise]", &format!("{table}\n{key} = {bad}"));
                let e = Spec::parse(&text, &[]).unwrap_err();
                assert!(e.message.contains("two numbers"), "{key} = {bad}: {}", e.message);
            }
        }
        let text = BASE.replace("[normalise]", "[normalise]\nindicators = { X = { range = [0, 1, 2] } }");
        assert!(Spec::parse(&text, &[]).unwrap_err().message.contains("two numbers"));
        let text = BASE.replace("[normalise]", "[normalise]\nrange = [1, 10]");
        assert_eq!(Spec::parse(&text, &[]).expect("valid").normalise.expect("n").range, [1.0, 10.0]);
    }
}
