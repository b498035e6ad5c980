//! # digindex-pipeline — the index pipeline
//!
//! One module per step, named as the field names it, each a pure function
//! from a data set to a data set plus a log of what it did:
//!
//! | step | module | COINr |
//! | --- | --- | --- |
//! | divide by a denominator | [`denominate`] | `Denominate()` |
//! | place values suppressed below a threshold | [`censor`] | — |
//! | fill missing values | [`impute`] | `Impute()` |
//! | drop units with too little data | [`screen`] | `Screen()` |
//! | outlier treatment | [`treat`] | `Treat()` |
//! | common scale | [`normalise`] | `Normalise()` |
//! | combine up the tree | [`aggregate`] | `Aggregate()` |
//! | rank | [`rank`] | `rank_df()` |
//!
//! [`provenance`] then says, for every value that enters the index, where
//! it came from (observed, older, interpolated, imputed, corrected,
//! censored, excluded, missing) and how. A step that cannot go on returns
//! an [`error::BuildError`] naming the step, year, indicator and unit at fault.
//!
//! [`pipeline::build`] runs the recipe ([`spec::Spec`]) over checked
//! inputs and returns every stage's data set. The formulas, defaults and
//! quirks are those of COINr 1.1.14 (see each module), so an index built
//! in COINr gives the same numbers here. Nothing in this crate reads or
//! writes files: `digindex-input` does that.

pub mod aggregate;
pub mod censor;
pub mod denominate;
pub mod error;
pub mod impute;
pub mod normalise;
pub mod pipeline;
pub mod provenance;
pub mod rank;
pub mod screen;
pub mod spec;
pub mod stats;
pub mod treat;

pub use error::{BuildError, Subject};
pub use pipeline::{Build, BuildLog, Inputs, ScoreRow, Stage, build};
pub use spec::{Spec, SpecError};
