//! # digindex-data — the data model of a composite index
//!
//! Everything an index is computed from, held in memory and checked once:
//!
//! * [`Framework`] — the tree of indicators and aggregates (COINr's `iMeta`):
//!   codes, names, levels, parents, weights, directions, targets and
//!   denominators. Building one validates the tree (unique codes, parents
//!   that exist one level up, no cycles, aggregates with children).
//! * [`UnitTable`] — the units (countries) with their names, grouping
//!   columns and denominator columns (the non-indicator columns of COINr's
//!   `iData`).
//! * [`DataSet`] — a units × codes matrix of `f64`, stored column-major so
//!   that every indicator is one contiguous slice. A missing value is `NaN`
//!   (COINr's `NA`); no other sentinel is used.
//! * [`provenance`] — where each value comes from: observed, an older own
//!   value, interpolated, imputed, corrected, censored, excluded, missing.
//!
//! This crate does no I/O: readers in `digindex-input` build these values from
//! files, and `digindex-pipeline` computes with them.

mod dataset;
mod framework;
pub mod pair;
pub mod panel;
pub mod provenance;
mod units;

pub use dataset::{DataSet, Matrix};
pub use framework::{Framework, FrameworkError, Node, NodeSpec, edit_distance, relative_weights, suggest};
pub use panel::Observation;
pub use units::{GroupColumn, NumericColumn, UnitTable};

/// True when a value is missing (`NaN` is the only missing marker).
#[inline]
pub fn is_missing(x: f64) -> bool {
    x.is_nan()
}

/// A value for a message: "missing" for `NaN`, magnitudes in [1e-5, 1e16)
/// plainly (`0.125`, `42`), others in exponent form (`1e40`, `inf`), each
/// the shortest text that reads back to the same number.
pub fn shown(x: f64) -> String {
    let a = x.abs();
    if x.is_nan() {
        "missing".to_string()
    } else if x == 0.0 || (1e-5..1e16).contains(&a) || a.is_infinite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// A number written as not zero that reads as 0 (`1e-400`: below the
/// smallest `f64`), which would silently be another value. Underscores (as
/// TOML allows) are ignored.
pub fn vanishes(literal: &str) -> bool {
    let digits: String = literal.trim().chars().filter(|c| *c != '_').collect();
    let mantissa = digits.split(['e', 'E']).next().unwrap_or_default();
    digits.parse::<f64>().is_ok_and(|x| x == 0.0) && mantissa.bytes().any(|d| (b'1'..=b'9').contains(&d))
}

#[cfg(test)]
mod shown_tests {
    #[test]
    fn plain_and_exponent_forms() {
        assert_eq!(super::shown(0.125), "0.125");
        assert_eq!(super::shown(1e40), "1e40");
        assert_eq!(super::shown(-2.5e-9), "-2.5e-9");
        assert_eq!(super::shown(f64::INFINITY), "inf");
        assert_eq!(super::shown(f64::NAN), "missing");
    }
}
