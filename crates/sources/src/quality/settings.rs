//! The thresholds of the data-quality rules: the catalogue's `[quality]`
//! table ([`Settings`]), its defaults, and the check that names a threshold
//! out of its range ([`SettingsError`]).

use serde::{Deserialize, Serialize};

/// A threshold out of its range: the `quality.` key, and what it must be.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("quality.{key} must be a number >= 0, found {value}")]
    Negative { key: &'static str, value: f64 },
    #[error("quality.jump_factor must be at least 1, found {0}")]
    JumpFactor(f64),
    #[error("quality.min_units must be at least 3, found {0}")]
    MinUnits(usize),
    #[error("quality.stale_years must be at least 2, found {0}")]
    StaleYears(usize),
}

/// Thresholds of the rules (the catalogue's `[quality]` table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// `zero`: a positive indicator's value below this share of the same
    /// year's cross-country median is implausible (default 0.01).
    #[serde(default = "near_zero")]
    pub near_zero: f64,
    /// `jump`: the far-out fence multiple of the IQR of log changes (default 3).
    #[serde(default = "three")]
    pub jump_iqr: f64,
    /// `jump`: the smallest factor between consecutive values (default 5).
    #[serde(default = "five")]
    pub jump_factor: f64,
    /// `jump`: the smallest change, as a share of the year's cross-country
    /// median, so that noise in tiny values is not reported (default 0.25).
    #[serde(default = "quarter")]
    pub jump_min_change: f64,
    /// `stale`: the shortest run of equal consecutive values (default 4).
    #[serde(default = "four_usize")]
    pub stale_years: usize,
    /// `stale`: the indicator usually moves when at most this share of all
    /// its year-on-year pairs are equal (default 0.35).
    #[serde(default = "stale_share")]
    pub stale_share: f64,
    /// `outlier`: the far-out fence multiple of the IQR of a year's values
    /// (default 3).
    #[serde(default = "three")]
    pub outlier_iqr: f64,
    /// `outlier`: the value must also stand apart, by at least this many
    /// IQRs, from the nearest other value on the side of the bulk, so that
    /// the tail of a skewed distribution is not reported, only isolated
    /// values (default 1).
    #[serde(default = "one")]
    pub outlier_gap: f64,
    /// `outlier`, `zero`, `jump`: the fewest countries a year's distribution
    /// needs (default 10).
    #[serde(default = "ten")]
    pub min_units: usize,
}

fn near_zero() -> f64 {
    0.01
}
fn three() -> f64 {
    3.0
}
fn five() -> f64 {
    5.0
}
fn one() -> f64 {
    1.0
}
fn quarter() -> f64 {
    0.25
}
fn four_usize() -> usize {
    4
}
fn stale_share() -> f64 {
    0.35
}
fn ten() -> usize {
    10
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            near_zero: near_zero(),
            jump_iqr: three(),
            jump_factor: five(),
            jump_min_change: quarter(),
            stale_years: four_usize(),
            stale_share: stale_share(),
            outlier_iqr: three(),
            outlier_gap: one(),
            min_units: ten(),
        }
    }
}

impl Settings {
    /// Checks the thresholds, naming the one at fault.
    pub fn check(&self) -> Result<(), SettingsError> {
        for (k, v) in [
            ("near_zero", self.near_zero),
            ("jump_iqr", self.jump_iqr),
            ("jump_factor", self.jump_factor),
            ("jump_min_change", self.jump_min_change),
            ("stale_share", self.stale_share),
            ("outlier_iqr", self.outlier_iqr),
            ("outlier_gap", self.outlier_gap),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(SettingsError::Negative { key: k, value: v });
            }
        }
        if self.jump_factor < 1.0 {
            return Err(SettingsError::JumpFactor(self.jump_factor));
        }
        if self.min_units < 3 {
            return Err(SettingsError::MinUnits(self.min_units));
        }
        if self.stale_years < 2 {
            return Err(SettingsError::StaleYears(self.stale_years));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_threshold_out_of_range_is_named() {
        assert_eq!(Settings::default().check(), Ok(()));
        let e = Settings { near_zero: -1.0, ..Settings::default() }.check().unwrap_err();
        assert_eq!(e.to_string(), "quality.near_zero must be a number >= 0, found -1");
        let e = Settings { jump_factor: 0.5, ..Settings::default() }.check().unwrap_err();
        assert_eq!(e.to_string(), "quality.jump_factor must be at least 1, found 0.5");
        let e = Settings { min_units: 2, ..Settings::default() }.check().unwrap_err();
        assert_eq!(e.to_string(), "quality.min_units must be at least 3, found 2");
        let e = Settings { stale_years: 1, ..Settings::default() }.check().unwrap_err();
        assert_eq!(e.to_string(), "quality.stale_years must be at least 2, found 1");
    }
}
