//! # digindex-publish — what an index looks like to its readers
//!
//! Turns a built (and audited) index into what gets published, without
//! touching files or the network (the CLI writes, the server serves):
//!
//! - [`Model::new`]: the typed [`Model`] of everything the
//!   pages show — units and their region sets, every score and rank, raw
//!   values, the framework tree with weights, each indicator's source and
//!   year rule, rank intervals, coherence and sensitivity results, claim
//!   verdicts — whose JSON ([`Model::to_json`]) the page's script reads;
//! - [`page`]: the single HTML page (report and dashboard alike) with the
//!   model, the script, the styles, the map geometry and its libraries all
//!   inlined, so that it works from the file system with no request leaving
//!   it;
//! - [`scores_csv`], [`workbook`]: the downloads;
//! - [`reweight`]: the scores again under other weights, and who moved.
//!
//! The page's script (`assets/app.js`) renders the ranking table, the map
//! (d3-geo with world-atlas's Natural Earth shapes, vendored under
//! `assets/vendor` with their licences), the country profiles, the method
//! and the claims; given an API address it also offers weight sliders.
//!
//! Where things are: `model.rs` (the typed model, whose JSON text is
//! pinned by `tests/pin.rs`), `report.rs` (what a report is made of, and
//! the model made from it), `page.rs`, `downloads.rs`, `reweight.rs`.

mod downloads;
mod model;
mod page;
mod progress;
mod report;
mod reweight;

pub use downloads::{scores_csv, workbook};
pub use model::{
    Coherence, Estimated, Interval, Method, Model, MoverModel, NodeInfo, ProgressModel, Region, TargetModel,
    TargetUnit, TrendPoint, UnitInfo, Values,
};
pub use page::{Mode, html_escape, page};
pub use report::{IndicatorInfo, Report};
pub use reweight::{Mover, Reweighted, reweight};

/// A problem publishing.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The request is wrong (unknown code, bad weight): the caller's fault.
    #[error("{0}")]
    Invalid(String),
    /// The index could not be rebuilt.
    #[error("rebuilding the index failed: {0}")]
    Build(String),
    #[error("writing the workbook failed: {0}")]
    Workbook(String),
}
