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
//! This crate does no I/O: readers in `digindex-io` build these values from
//! files, and `digindex-build` computes with them.

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
