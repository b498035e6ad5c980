//! Monte Carlo uncertainty (and the runs of a sensitivity analysis) over
//! the uncertain choices of a recipe.
//!
//! Each `[[uncertainty.input]]` is one dimension of the unit cube: a
//! uniform draw picks one of its alternatives (equal bins, COINr's
//! "discrete" type) — an override set with the `--set` keys, or one of
//! `draws` noisy weight sets drawn once from the seed (COINr's
//! `get_noisy_weights`: each weight of the chosen levels times
//! 1 + U(−factor, factor)).
//!
//! Work per replication is kept to what it changes: every distinct
//! combination of alternatives is built once, up to the normalised data
//! (in parallel), and each replication only aggregates — with its own
//! weights and aggregation method — and ranks. The output of a replication
//! for the sensitivity analysis is the mean absolute rank shift of the
//! target from its nominal ranks, as COINr's `get_sensitivity`; rank
//! intervals come from the independent runs (all of them in an uncertainty
//! analysis, the A and B blocks of a Saltelli design, as COINr). Weight
//! noise multiplies whatever weights the other choices give; two inputs may
//! not set the same key. Units that some variant keeps but the nominal
//! build screened out are reported with no nominal rank.
//!
//! Replications run in parallel (rayon) and are collected in order, every
//! random draw comes from the seed, so results are identical whatever the
//! number of threads. A replication that fails (say a geometric mean
//! meeting a zero) is kept, with its cause, and counted by cause.
//!
//! The stages, one file each: `plan` (what varies and how, and the
//! sample), `prepare` (the nominal build and the shared upstream builds),
//! `replicate` (one replication), `summarise` (failures by cause, rank
//! intervals, Sobol indices); `years` builds the variants of a spec over
//! several years.

mod plan;
mod prepare;
mod replicate;
mod summarise;
mod years;

use std::collections::BTreeMap;

use digindex_data::Framework;
use digindex_pipeline::spec::{Analysis, Spec};
use digindex_pipeline::{Build, BuildError, Inputs, build};
use rayon::prelude::*;
use serde::Serialize;

pub use plan::InputSummary;
pub use replicate::Replication;
pub use summarise::Sensitivity;
pub use years::YearBuilds;

use crate::AuditError;
use crate::rank_interval::RankInterval;
use replicate::{Replicator, Run};

/// Everything an uncertainty (or sensitivity) analysis produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub target: String,
    pub analysis: Analysis,
    pub inputs: Vec<InputSummary>,
    pub units: Vec<String>,
    pub nominal: Vec<Option<u32>>,
    pub intervals: Vec<RankInterval>,
    /// Rank intervals of every aggregate (when `all_aggregates`).
    pub aggregate_intervals: Vec<(String, Vec<RankInterval>)>,
    pub replications: Vec<Replication>,
    /// Failed replications by cause.
    pub failures: BTreeMap<String, usize>,
    pub sensitivity: Option<Sensitivity>,
    /// Distinct upstream pipelines built (each reused by many replications).
    pub pipelines: usize,
    pub warnings: Vec<String>,
}

/// Runs the analysis declared in `spec.uncertainty`. `progress` is called
/// once per finished replication (from any thread).
pub fn run(spec: &Spec, inputs: &Inputs, progress: &(dyn Fn() + Sync)) -> Result<Outcome, AuditError> {
    run_with(spec, &inputs.framework, &|s| build(s, inputs), progress)
}

/// [`run`] for one `year` of a spec built over several
/// ([`digindex_pipeline::pipeline::build_years`]): a variant normalised
/// across the years builds all of them, as the nominal build, and the
/// year's ranks are analysed. Share one [`YearBuilds`] between the years.
pub fn run_year(
    spec: &Spec,
    builds: &YearBuilds<'_>,
    year: i32,
    progress: &(dyn Fn() + Sync),
) -> Result<Outcome, AuditError> {
    let Some((_, first)) = builds.years.first() else {
        return Err(AuditError("no years to analyse".into()));
    };
    if !builds.years.iter().any(|(y, _)| *y == year) {
        return Err(AuditError(format!("{year} is not one of the years built")));
    }
    run_with(spec, &first.framework, &|s| builds.of_year(s, year), progress)
}

/// [`run`] with the builds made by `build_fn` (the spec varied by a
/// replication's choices → its build).
fn run_with(
    spec: &Spec,
    fw: &Framework,
    build_fn: &(dyn Fn(&Spec) -> Result<Build, BuildError> + Sync),
    progress: &(dyn Fn() + Sync),
) -> Result<Outcome, AuditError> {
    let u = spec
        .uncertainty
        .as_ref()
        .ok_or_else(|| AuditError("the spec has no [uncertainty] table: declare the uncertain inputs there".into()))?;
    if u.inputs.is_empty() {
        return Err(AuditError("[uncertainty] declares no [[uncertainty.input]]; add at least one".into()));
    }
    let mut base = spec.clone();
    base.uncertainty = None;
    let base_table = base.to_table().map_err(|e| AuditError(e.message))?;
    let nominal_build = build_fn(&base).map_err(|e| AuditError(format!("the nominal build fails: {e}")))?;
    let mut nominal = prepare::nominal(u, fw, &nominal_build)?;
    let plan::Planned { plans, summaries, mut warnings } = plan::plan_inputs(u, fw, &base, &base_table)?;
    let choices = plan::sample(u, &plans)?;

    // build every distinct combination once, up to the normalised data
    let (keys, mut prepared) = prepare::prepare(&choices, &plans, &base_table, fw, build_fn);
    prepare::add_variant_units(&mut nominal, &mut prepared);

    let replicator =
        Replicator { fw, plans: &plans, prepared: keys.iter().zip(&prepared).collect(), nominal: &nominal };
    let runs: Vec<Run> = choices
        .par_iter()
        .map(|c| {
            let run = replicator.run(c);
            progress();
            run
        })
        .collect();

    let failures = summarise::failures(&runs)?;
    let (intervals, aggregate_intervals) = summarise::intervals(u, &nominal, &runs);
    let replications: Vec<Replication> = runs.into_iter().map(|r| r.rep).collect();
    let sensitivity = summarise::sensitivity(u, &summaries, &replications, &mut warnings);
    Ok(Outcome {
        target: nominal.target,
        analysis: u.analysis,
        inputs: summaries,
        units: nominal.units,
        nominal: nominal.ranks,
        intervals,
        aggregate_intervals,
        replications,
        failures,
        sensitivity,
        pipelines: keys.len(),
        warnings,
    })
}
