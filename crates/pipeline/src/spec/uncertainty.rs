//! The `[uncertainty]` section: the recipe's uncertain choices (discrete
//! alternatives or noisy weights) and how `digindex audit` samples them,
//! for uncertainty (Monte Carlo) or sensitivity (Saltelli/Sobol) analysis.

use serde::{Deserialize, Serialize};

/// The most replications an uncertainty or sensitivity analysis may ask for.
pub const MAX_RUNS: usize = 1_000_000;

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
