//! The recipe: a declarative TOML spec of one index build.
//!
//! ```toml
//! [index]
//! name = "ASEM Sustainable Connectivity"
//! level_names = ["Indicator", "Pillar", "Sub-index", "Index"]
//!
//! [data]                      # COINr tables, or a long table + framework
//! idata = "ASEM_iData.csv"
//! imeta = "ASEM_iMeta.csv"
//!
//! [denominate]                # each step: present = on, `enabled = false` = off
//! [impute]
//! method = "group_mean"
//! group = "EurAsia_group"
//! [screen]
//! min_coverage = 0.9
//! [treat]
//! max_points = 5
//! [normalise]
//! method = "minmax"
//! range = [0, 100]
//! [aggregate]
//! method = "arithmetic"
//! ```
//!
//! A step whose table is absent does not run (it is the identity); a step
//! whose table is present runs unless it says `enabled = false`. Unknown
//! keys and values are errors that name the key and suggest the nearest
//! valid one. [`Spec::parse`] applies `--set key=value` overrides (values in
//! TOML syntax) before checking, so an override is checked like the file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A parsed, checked spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub index: IndexSpec,
    pub data: DataSpec,
    /// Inline framework entries (alternative to a framework file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub framework: Vec<FrameworkEntry>,
    /// Named weight sets: `[weights.NAME] CODE = weight`. Codes not listed
    /// keep their framework weight.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    pub denominate: Option<DenominateSpec>,
    #[serde(default)]
    pub impute: Option<ImputeSpec>,
    #[serde(default)]
    pub screen: Option<ScreenSpec>,
    #[serde(default)]
    pub treat: Option<TreatSpec>,
    #[serde(default)]
    pub normalise: Option<NormaliseSpec>,
    #[serde(default)]
    pub aggregate: Option<AggregateSpec>,
    /// Claims files checked with the build (`metrics.toml` beside each is
    /// its vocabulary); paths relative to the spec.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// Uncertain choices for `digindex audit` (not used by `build`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintySpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names of the levels, bottom (indicators) first.
    #[serde(default)]
    pub level_names: Vec<String>,
}

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
    /// With `catalog`: build every one of these years (instead of `time`),
    /// normalised across all of them together unless
    /// `normalise.across_years = false`, so scores compare over time.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<i32>,
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

/// One inline framework entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkEntry {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// 1 (higher is better), -1 (lower is better), or 0 / `"target"`:
    /// the closer to `target` the better (scored as −|x − target|).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "direction")]
    pub direction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// Normalisation parameters, as the framework columns of the same
    /// names (`goalpost_lower`, `minmax_upper`, … — see
    /// [`crate::normalise::FRAMEWORK_PARAMS`]); switches are 0 or 1.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, f64>,
}

fn yes() -> bool {
    true
}

/// A framework entry's direction: a number, or `"higher"`, `"lower"`,
/// `"target"` (1, -1, 0).
fn direction<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Dir {
        Number(f64),
        Word(String),
    }
    match Dir::deserialize(d)? {
        Dir::Number(x) => Ok(Some(x)),
        Dir::Word(w) => match w.as_str() {
            "higher" => Ok(Some(1.0)),
            "lower" => Ok(Some(-1.0)),
            "target" => Ok(Some(0.0)),
            other => Err(serde::de::Error::custom(format!(
                "direction {other:?}: expected 1, -1, 0 or \"higher\", \"lower\", \"target\""
            ))),
        },
    }
}

impl FrameworkEntry {
    /// The entry as a framework row; `params` names must be framework
    /// parameters ([`crate::normalise::FRAMEWORK_PARAMS`]).
    pub fn to_node_spec(&self) -> Result<digindex_data::NodeSpec, String> {
        let known = crate::normalise::FRAMEWORK_PARAMS;
        let mut params = Vec::with_capacity(self.params.len());
        for (k, v) in &self.params {
            if !known.contains(&k.as_str()) {
                let names: Vec<String> = known.iter().map(|s| s.to_string()).collect();
                return Err(format!(
                    "[[framework]] {}: params.{k} is not a framework parameter (known: {}){}",
                    self.code,
                    known.join(", "),
                    digindex_data::suggest(k, names.iter())
                ));
            }
            params.push((k.clone(), *v));
        }
        Ok(digindex_data::NodeSpec {
            code: self.code.clone(),
            name: self.name.clone(),
            parent: self.parent.clone(),
            level: self.level,
            direction: self.direction,
            weight: self.weight,
            target: self.target,
            denominator: self.denominator.clone(),
            params,
        })
    }
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

/// The most replications an uncertainty or sensitivity analysis may ask for.
pub const MAX_RUNS: usize = 1_000_000;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Analysis {
    /// N replications sampling every input: rank intervals.
    #[default]
    Uncertainty,
    /// Saltelli design, N(d + 2) replications: rank intervals and Sobol indices.
    Sensitivity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sampling {
    /// Pseudo-random (ChaCha8 seeded by `seed`), as COINr.
    #[default]
    Random,
    /// Quasi-random Sobol low-discrepancy points (Owen-scrambled by `seed`).
    Sobol,
}

/// `[uncertainty]`: the uncertain choices of the recipe, for `digindex audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySpec {
    /// Replications (uncertainty) or base sample size N (sensitivity: N(d + 2) runs).
    #[serde(default = "thousand")]
    pub runs: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The code whose ranks are studied (default: the first top-level aggregate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default)]
    pub analysis: Analysis,
    #[serde(default)]
    pub sampling: Sampling,
    /// Bootstrap resamples for the Sobol indices' 5–95% bounds.
    #[serde(default = "hundred_usize")]
    pub bootstrap: usize,
    /// Also report rank intervals of every aggregate, not just the target.
    #[serde(default)]
    pub all_aggregates: bool,
    #[serde(default, rename = "input")]
    pub inputs: Vec<UncertainInput>,
}

fn thousand() -> usize {
    1000
}
fn hundred_usize() -> usize {
    100
}
fn default_seed() -> u64 {
    42
}

/// One uncertain input: discrete alternatives (override sets with the
/// `--set` keys) or noise on the weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncertainInput {
    pub name: String,
    /// Each alternative is a table of `"key.path" = value` overrides.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<toml::Table>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_noise: Option<WeightsNoise>,
}

/// Each weight of the given levels multiplied by 1 + U(−factor, factor)
/// (COINr's `get_noisy_weights`); `draws` noisy weight sets are drawn once
/// and sampled like alternatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsNoise {
    pub levels: Vec<u32>,
    pub factor: f64,
    #[serde(default = "hundred_usize")]
    pub draws: usize,
}

/// The first float in TOML text that is not zero as written but reads as
/// 0: (line, literal). The TOML parser keeps each float's text and place;
/// text that does not parse is left to the parse proper to report.
fn vanishing_number(text: &str) -> Option<(usize, String)> {
    use toml::de::{DeTable, DeValue};
    type Value<'i> = toml::Spanned<DeValue<'i>>;
    fn find(v: &Value<'_>) -> Option<(usize, String)> {
        match v.get_ref() {
            DeValue::Float(f) => digindex_data::vanishes(f.as_str()).then(|| (v.span().start, f.as_str().to_string())),
            DeValue::Array(a) => a.iter().find_map(find),
            DeValue::Table(t) => t.values().find_map(find),
            _ => None,
        }
    }
    let table = DeTable::parse(text).ok()?;
    let (at, literal) = table.get_ref().values().find_map(find)?;
    Some((1 + text.get(..at).unwrap_or(text).matches('\n').count(), literal))
}

/// A problem with the spec text or an override.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SpecError {
    pub message: String,
}

impl Spec {
    /// Parses spec text, applies `key=value` overrides, and checks it all.
    pub fn parse(text: &str, overrides: &[String]) -> Result<Spec, SpecError> {
        let file_error = |e: toml::de::Error| SpecError { message: explain(&e.to_string()) };
        // TOML reads 1e-400 as 0 and the parser says nothing
        if let Some((line, literal)) = vanishing_number(text) {
            return Err(SpecError {
                message: format!(
                    "line {line}: {literal} is too small to tell from zero (below about 5e-324); write 0 if it is zero"
                ),
            });
        }
        for o in overrides {
            if let Some((_, literal)) = vanishing_number(o) {
                return Err(SpecError {
                    message: format!("--set {o}: {literal} is too small to tell from zero; write 0 if it is zero"),
                });
            }
        }
        if overrides.is_empty() {
            // the file alone: errors point at its lines
            let spec: Spec = toml::from_str(text).map_err(file_error)?;
            spec.check()?;
            return Ok(spec);
        }
        let mut table: toml::Table = toml::from_str(text).map_err(file_error)?;
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        let spec = match Spec::deserialize(toml::Value::Table(table)) {
            Ok(spec) => spec,
            Err(merged) => {
                // an error the file has on its own is reported with its line;
                // otherwise the overrides are at fault
                toml::from_str::<Spec>(text).map_err(file_error)?;
                return Err(SpecError {
                    message: format!("after the --set overrides: {}", explain(&merged.to_string())),
                });
            }
        };
        spec.check()?;
        Ok(spec)
    }

    /// The spec as a TOML table (for applying overrides programmatically).
    pub fn to_table(&self) -> Result<toml::Table, SpecError> {
        toml::Table::try_from(self).map_err(|e| SpecError { message: format!("cannot write the spec as TOML: {e}") })
    }

    /// A spec from a TOML table, checked like a spec file.
    pub fn from_table(table: toml::Table) -> Result<Spec, SpecError> {
        let spec =
            Spec::deserialize(toml::Value::Table(table)).map_err(|e| SpecError { message: explain(&e.to_string()) })?;
        spec.check()?;
        Ok(spec)
    }

    /// Cross-field checks serde cannot express.
    fn check(&self) -> Result<(), SpecError> {
        let bad = |m: String| Err(SpecError { message: m });
        if let Some(s) = &self.screen {
            for (k, v) in [("screen.min_coverage", s.min_coverage), ("screen.min_nonzero", s.min_nonzero)] {
                if !(0.0..=1.0).contains(&v) {
                    return bad(format!("{k} must be between 0 and 1, found {v}"));
                }
            }
        }
        if let Some(t) = self.data.time.filter(|t| !(t.fract() == 0.0 && (1000.0..=9999.0).contains(t))) {
            return bad(format!("data.time is the reference year, a whole number such as 2024, found {t}"));
        }
        if let Some(i) = self.impute.as_ref().filter(|i| i.enabled) {
            if matches!(i.method, ImputeMethod::GroupMean | ImputeMethod::GroupMedian) && i.group.is_none() {
                return bad("impute.method group_mean/group_median needs impute.group = \"<unit group column>\"".into());
            }
        }
        if let Some(i) = &self.impute {
            if let Some(m) = i.min_group.filter(|m| *m < 2) {
                return bad(format!(
                    "impute.min_group must be at least 2, found {m}: an estimate from one unit would copy that unit's value into another"
                ));
            }
        }
        if let Some(t) = &self.treat {
            if t.skew.is_nan() || t.skew <= 0.0 || !t.kurtosis.is_finite() {
                return bad(format!(
                    "treat.skew must be > 0 and treat.kurtosis finite, found {} and {}",
                    t.skew, t.kurtosis
                ));
            }
            let lambdas = std::iter::once(("treat.lambda".to_string(), Some(t.lambda)))
                .chain(t.indicators.iter().map(|(c, o)| (format!("treat.indicators.{c}.lambda"), o.lambda)));
            for (key, l) in lambdas {
                if let Some(l) = l.filter(|l| !(l.is_finite() && l.abs() <= MAX_LAMBDA)) {
                    return bad(format!(
                        "{key} must be a number between -{MAX_LAMBDA} and {MAX_LAMBDA} (a Box-Cox power beyond that overflows), found {l}"
                    ));
                }
            }
        }
        if let Some(n) = &self.normalise {
            let p = n;
            if p.range[0] >= p.range[1] {
                return bad(format!("normalise.range must be [lo, hi] with lo < hi, found {:?}", p.range));
            }
            if p.mean_sd[1].is_nan() || p.mean_sd[1] <= 0.0 {
                return bad(format!("normalise.mean_sd needs a standard deviation > 0, found {:?}", p.mean_sd));
            }
            if p.bounds[0] == p.bounds[1] {
                return bad(format!("normalise.bounds must differ, found {:?}", p.bounds));
            }
            let factors = std::iter::once(("normalise.scale_factor".to_string(), Some(p.scale_factor))).chain(
                p.indicators.iter().map(|(c, o)| (format!("normalise.indicators.{c}.scale_factor"), o.scale_factor)),
            );
            for (key, f) in factors {
                if let Some(f) = f.filter(|f| !f.is_finite() || *f == 0.0) {
                    return bad(format!(
                        "{key} must be a finite number other than 0 (it multiplies every score), found {f}"
                    ));
                }
            }
            if n.method == NormaliseMethod::Dist2ref && p.ref_unit.is_none() {
                return bad("normalise.method = \"dist2ref\" needs normalise.ref_unit = \"<unit code>\"".into());
            }
        }
        if let Some(u) = &self.uncertainty {
            if u.runs < 2 {
                return bad(format!("uncertainty.runs must be at least 2, found {}", u.runs));
            }
            if u.runs > MAX_RUNS {
                return bad(format!(
                    "uncertainty.runs must be at most {MAX_RUNS} (every run is a whole rebuild and is kept), found {}",
                    u.runs
                ));
            }
            let mut names = std::collections::HashSet::new();
            for (i, inp) in u.inputs.iter().enumerate() {
                let which = format!("[[uncertainty.input]] {} ({:?})", i + 1, inp.name);
                if !names.insert(inp.name.as_str()) {
                    return bad(format!("{which}: the name is used twice"));
                }
                if ["run", "block", "rank_shift", "error"].contains(&inp.name.as_str()) || inp.name.trim().is_empty() {
                    return bad(format!(
                        "{which}: choose another name (run, block, rank_shift and error are output columns)"
                    ));
                }
                match (inp.alternatives.is_empty(), &inp.weights_noise) {
                    (false, None) if inp.alternatives.len() < 2 => {
                        return bad(format!("{which}: give at least two alternatives"));
                    }
                    (false, None) => {}
                    (true, Some(n)) => {
                        if !(n.factor > 0.0 && n.factor < 1.0) || n.levels.is_empty() || n.draws < 2 {
                            return bad(format!(
                                "{which}: weights_noise needs levels, 0 < factor < 1 and draws >= 2, found {n:?}"
                            ));
                        }
                    }
                    _ => return bad(format!("{which}: give either alternatives or weights_noise")),
                }
            }
        }
        if let Some(a) = &self.aggregate {
            if a.methods.as_ref().is_some_and(|m| m.is_empty()) {
                return bad("aggregate.methods is empty; give one method per level above the indicators".into());
            }
            if a.p == 0.0 || !a.p.is_finite() {
                return bad(format!("aggregate.p must be a finite non-zero number, found {}", a.p));
            }
            let thresholds = match &a.min_coverage {
                PerLevel::All(v) => vec![*v],
                PerLevel::Each(v) => v.clone(),
            };
            if thresholds.iter().any(|v| !(0.0..=1.0).contains(v)) {
                return bad(format!("aggregate.min_coverage values must be between 0 and 1, found {thresholds:?}"));
            }
            if a.weights != "original" && !self.weights.contains_key(&a.weights) {
                let names: Vec<String> =
                    std::iter::once("original".to_string()).chain(self.weights.keys().cloned()).collect();
                return bad(format!(
                    "aggregate.weights = {:?} is not a weight set; defined: {}{}",
                    a.weights,
                    names.join(", "),
                    digindex_data::suggest(&a.weights, names.iter())
                ));
            }
        }
        Ok(())
    }

    /// The years a catalogue spec builds together (`data.years`), if any:
    /// such a spec is built, audited and compared year by year.
    pub fn built_years(&self) -> Option<&[i32]> {
        (self.data.catalog.is_some() && !self.data.years.is_empty()).then_some(self.data.years.as_slice())
    }

    /// The spec with every default written out (absent steps appear with
    /// `enabled = false`): what the manifest records.
    pub fn resolved(&self) -> Spec {
        let mut s = self.clone();
        let catalogue = self.data.catalog.is_some();
        if let Some(sc) = s.screen.as_mut() {
            sc.on = Some(sc.on_or(catalogue));
        }
        if let Some(i) = s.impute.as_mut() {
            if catalogue {
                i.min_group = Some(i.min_group_or(true));
            }
        }
        s.denominate.get_or_insert(DenominateSpec { enabled: false, ..Default::default() });
        s.impute.get_or_insert(ImputeSpec { enabled: false, ..Default::default() });
        s.screen.get_or_insert(ScreenSpec { enabled: false, ..Default::default() });
        s.treat.get_or_insert(TreatSpec { enabled: false, ..Default::default() });
        s.normalise.get_or_insert(NormaliseSpec { enabled: false, ..Default::default() });
        s.aggregate.get_or_insert(AggregateSpec { enabled: false, ..Default::default() });
        s
    }
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

/// Applies one `KEY=VALUE` override to a TOML table. `KEY=VALUE` is read
/// as a line of TOML, so keys are dotted (`normalise.range`), segments may
/// be quoted (`treat.indicators."Ind.1".method`) and values are TOML
/// (`'"zscore"'`, `[0,1]`, `true`, `0.9`, `{ method = "none" }`); a bare
/// word that is not valid TOML is taken as a string, so
/// `normalise.method=zscore` works too. The value is merged into the
/// table: tables merge key by key, a numeric key picks an entry of a list
/// (`framework.0.weight=2`), anything else replaces what was there.
pub fn apply_override(table: &mut toml::Table, assignment: &str) -> Result<(), SpecError> {
    let Some(eq) = unquoted_equals(assignment) else {
        return Err(SpecError {
            message: format!("--set {assignment:?}: expected KEY=VALUE, e.g. --set normalise.method='\"zscore\"'"),
        });
    };
    let (key, raw) = (assignment[..eq].trim(), assignment[eq + 1..].trim());
    let doc: toml::Table = match toml::from_str(&format!("{key} = {raw}")) {
        Ok(t) => t,
        Err(e) => {
            let bare = !raw.is_empty() && raw.chars().all(|c| c.is_alphanumeric() || "_-.+".contains(c));
            let as_string = toml::Value::String(raw.to_string()).to_string();
            match toml::from_str(&format!("{key} = {as_string}")) {
                Ok(t) if bare => t,
                _ => {
                    return Err(SpecError {
                        message: format!("--set {assignment:?}: not KEY=VALUE in TOML syntax: {}", e.message()),
                    });
                }
            }
        }
    };
    for (k, v) in doc {
        match table.get_mut(&k) {
            Some(existing) => merge(existing, v, &k, key)?,
            None => {
                table.insert(k, v);
            }
        }
    }
    Ok(())
}

/// Position of the first `=` outside quotes.
fn unquoted_equals(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '=') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Merges `src` into `dst` (see [`apply_override`]); `path` names `dst`.
fn merge(dst: &mut toml::Value, src: toml::Value, path: &str, key: &str) -> Result<(), SpecError> {
    match (dst, src) {
        (toml::Value::Table(d), toml::Value::Table(s)) => {
            for (k, v) in s {
                let here = format!("{path}.{k}");
                match d.get_mut(&k) {
                    Some(existing) => merge(existing, v, &here, key)?,
                    None => {
                        d.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (toml::Value::Array(d), toml::Value::Table(s)) => {
            let len = d.len();
            for (k, v) in s {
                let idx: usize = k.parse().map_err(|_| SpecError {
                    message: format!("--set {key}: {path} is a list; use a number to pick an entry, not {k:?}"),
                })?;
                let Some(slot) = d.get_mut(idx) else {
                    return Err(SpecError {
                        message: format!("--set {key}: {path} has {len} entries, no entry {idx}"),
                    });
                };
                merge(slot, v, &format!("{path}.{idx}"), key)?;
            }
            Ok(())
        }
        (d, toml::Value::Table(_)) if !matches!(d, toml::Value::Table(_) | toml::Value::Array(_)) => {
            Err(SpecError { message: format!("--set {key}: {path} is a value, not a table") })
        }
        (d, s) => {
            *d = s;
            Ok(())
        }
    }
}

/// Adds "did you mean" to serde's unknown-field / unknown-variant errors.
fn explain(msg: &str) -> String {
    for marker in ["unknown field `", "unknown variant `"] {
        if let Some(pos) = msg.find(marker) {
            let rest = &msg[pos + marker.len()..];
            let Some(end) = rest.find('`') else { continue };
            let word = &rest[..end];
            let candidates: Vec<String> =
                rest[end + 1..].split('`').skip(1).step_by(2).map(|s| s.to_string()).collect();
            let hint = digindex_data::suggest(word, candidates.iter());
            if !hint.is_empty() {
                return format!("{}{}", msg.trim_end(), hint);
            }
        }
    }
    msg.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_that_vanish_are_refused() {
        assert_eq!(vanishing_number("a = 1e-400"), Some((1, "1e-400".into())));
        assert_eq!(vanishing_number("x = 1\n[b]\np = -2.5E-999 # tiny"), Some((3, "-2.5E-999".into())));
        for fine in [
            "a = 0e-400",
            "a = 1e-300",
            "a = 0.0",
            "name = \"1e-400\"",
            "a = 1 # 1e-400",
            "a = 4.9e-324",
            "d = \"\"\"\ntolerances below 1e-400 are dropped\n\"\"\"",
            "d = \'\'\'x 1e-400 y\'\'\'",
            "a-1e-400 = 1",
            "[x.1e-999]\nk = 1",
            "t = { a-1e-400 = 2 }",
            "when = 1979-05-27",
        ] {
            assert_eq!(vanishing_number(fine), None, "{fine}");
        }
        assert_eq!(vanishing_number("t = { a = 1e-400 }"), Some((1, "1e-400".into())));
        assert_eq!(vanishing_number("v = [\n  1,\n  2e-500,\n]"), Some((3, "2e-500".into())));
        let e = Spec::parse("[index]\nname = \"x\"\n[aggregate]\np = 1e-400\n", &[]).unwrap_err();
        assert!(e.message.starts_with("line 4: 1e-400 is too small to tell from zero"), "{e}");
        let e = Spec::parse("[index]\nname = \"x\"\n", &["aggregate.p=1e-500".into()]).unwrap_err();
        assert!(e.message.contains("--set aggregate.p=1e-500: 1e-500 is too small"), "{e}");
    }

    const BASE: &str = r#"
[index]
name = "t"
[data]
idata = "a.csv"
imeta = "b.csv"
[normalise]
method = "minmax"
[aggregate]
"#;

    #[test]
    fn absent_steps_are_off_present_steps_on() {
        let s = Spec::parse(BASE, &[]).expect("valid");
        assert!(s.treat.is_none());
        let n = s.normalise.as_ref().expect("present");
        assert!(n.enabled);
        assert_eq!(n.range, [0.0, 100.0]);
        let r = s.resolved();
        assert!(!r.treat.expect("resolved").enabled);
    }

    #[test]
    fn unknown_keys_name_the_key_and_suggest() {
        let e = Spec::parse(&BASE.replace("method = \"minmax\"", "metod = \"minmax\""), &[]).unwrap_err();
        assert!(e.message.contains("unknown field `metod`"), "{}", e.message);
        assert!(e.message.contains("did you mean \"method\""), "{}", e.message);
        assert!(e.message.contains("line"), "{}", e.message);
        let e = Spec::parse(&BASE.replace("\"minmax\"", "\"minmx\""), &[]).unwrap_err();
        assert!(e.message.contains("did you mean \"minmax\""), "{}", e.message);
    }

    #[test]
    fn overrides_apply_and_are_checked() {
        let s = Spec::parse(
            BASE,
            &[
                "normalise.method=\"zscore\"".into(),
                "normalise.mean_sd=[10,2]".into(),
                "treat.max_points=1".into(),
                "aggregate.methods=[\"geometric\",\"harmonic\"]".into(),
                "impute.method=mean".into(),
            ],
        )
        .expect("valid overrides");
        let n = s.normalise.expect("present");
        assert_eq!(n.method, NormaliseMethod::Zscore);
        assert_eq!(n.mean_sd, [10.0, 2.0]);
        assert_eq!(s.treat.expect("created by override").max_points, 1);
        assert_eq!(s.impute.expect("created").method, ImputeMethod::Mean);
        assert_eq!(
            s.aggregate.expect("present").methods,
            Some(vec![AggregateMethod::Geometric, AggregateMethod::Harmonic])
        );
        let e = Spec::parse(BASE, &["normalise.mehtod=zscore".into()]).unwrap_err();
        assert!(e.message.contains("did you mean \"method\""), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise".into()]).unwrap_err();
        assert!(e.message.contains("KEY=VALUE"), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise.method.x=1".into()]).unwrap_err();
        assert!(e.message.contains("not a table"), "{}", e.message);
    }

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
    fn overrides_quote_merge_and_repair() {
        // quoted segments address codes with dots
        let s = Spec::parse(BASE, &["treat.indicators.\"Ind.1\".method=\"none\"".into()]).expect("valid");
        assert_eq!(s.treat.expect("created").indicators["Ind.1"].method, Some(TreatMethod::None));
        // an inline table merges into the existing table
        let s = Spec::parse(BASE, &["normalise={ range = [1, 10] }".into()]).expect("valid");
        let n = s.normalise.expect("present");
        assert_eq!((n.method, n.range), (NormaliseMethod::Minmax, [1.0, 10.0]));
        // an override can supply what the file lacks
        let s = Spec::parse(&BASE.replace("name = \"t\"", ""), &["index.name=\"From the command line\"".into()])
            .expect("repaired");
        assert_eq!(s.index.name, "From the command line");
        // a file error the overrides do not fix is reported with its line
        let e =
            Spec::parse(&BASE.replace("method = \"minmax\"", "metod = 1"), &["treat.max_points=1".into()]).unwrap_err();
        assert!(e.message.contains("line") && e.message.contains("metod"), "{}", e.message);
        // list entries by number
        let fw = format!("{BASE}\n[[framework]]\ncode = \"a\"\n[[framework]]\ncode = \"b\"\n");
        let s = Spec::parse(&fw, &["framework.1.weight=3".into()]).expect("valid");
        assert_eq!(s.framework[1].weight, Some(3.0));
        let e = Spec::parse(&fw, &["framework.5.weight=3".into()]).unwrap_err();
        assert!(e.message.contains("framework has 2 entries, no entry 5"), "{}", e.message);
        // '=' inside a quoted value
        let s = Spec::parse(BASE, &["index.description=\"a=b\"".into()]).expect("valid");
        assert_eq!(s.index.description.as_deref(), Some("a=b"));
    }

    #[test]
    fn table_round_trip() {
        let s = Spec::parse(BASE, &["treat.max_points=2".into(), "aggregate.min_coverage=[0.5, 0.1]".into()])
            .expect("valid");
        let back = Spec::from_table(s.to_table().expect("serialises")).expect("parses");
        assert_eq!(back, s);
        let r = s.resolved();
        assert_eq!(Spec::from_table(r.to_table().expect("serialises")).expect("parses"), r);
    }

    #[test]
    fn cross_field_checks() {
        let e = Spec::parse(BASE, &["impute.method=group_mean".into()]).unwrap_err();
        assert!(e.message.contains("impute.group"), "{}", e.message);
        let e = Spec::parse(BASE, &["aggregate.weights=expert".into()]).unwrap_err();
        assert!(e.message.contains("not a weight set"), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise.range=[5,1]".into()]).unwrap_err();
        assert!(e.message.contains("lo < hi"), "{}", e.message);
    }

    #[test]
    fn numbers_that_would_give_silent_nonsense_are_refused() {
        let e = |set: &str| Spec::parse(BASE, &[set.into()]).unwrap_err().message;
        assert!(e("normalise.scale_factor=0").contains("other than 0"));
        assert!(e("normalise.indicators={ X = { scale_factor = 0 } }").contains("indicators.X.scale_factor"));
        assert!(e("data.time=99999").contains("reference year"));
        assert!(e("data.time=2024.5").contains("reference year"));
        assert!(Spec::parse(BASE, &["data.time=2024".into()]).is_ok());
        assert!(e("treat.lambda=1000").contains("between -10 and 10"));
        assert!(e("treat.lambda=nan").contains("treat.lambda"));
        assert!(e("treat.indicators={ X = { lambda = -50 } }").contains("treat.indicators.X.lambda"));
        assert!(Spec::parse(BASE, &["treat.lambda=0.5".into()]).is_ok());
        let e = e("uncertainty={ runs = 10000000000000, input = [] }");
        assert!(e.contains("at most 1000000"), "{e}");
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
