//! Work shared by the replications: the nominal build's target and ranks,
//! and every distinct combination of alternatives built once, in parallel,
//! up to the normalised data, with its aggregation settings and weights
//! kept for the replications to apply.

use std::collections::{HashMap, HashSet};

use digindex_data::{DataSet, Framework, suggest};
use digindex_pipeline::spec::{AggregateSpec, Spec, UncertaintySpec};
use digindex_pipeline::{Build, BuildError, Stage, pipeline, rank};
use rayon::prelude::*;

use super::plan::{Plan, apply};
use super::summarise::cause;
use crate::AuditError;

/// The nominal build as the analysis compares with it: the target, the
/// units (the nominal ones, then any a variant keeps that the nominal build
/// screened out) and their nominal ranks.
pub(super) struct Nominal {
    pub(super) target: String,
    pub(super) units: Vec<String>,
    pub(super) ranks: Vec<Option<u32>>,
    /// The aggregates whose ranks are also followed (`all_aggregates`).
    pub(super) aggregate_codes: Vec<String>,
    /// Nominal ranks of each of `aggregate_codes`.
    pub(super) aggregate_ranks: Vec<Vec<Option<u32>>>,
}

/// The target (`u.target`, else the framework's top code) and the nominal
/// ranks of the nominal build `b`.
pub(super) fn nominal(u: &UncertaintySpec, fw: &Framework, b: &Build) -> Result<Nominal, AuditError> {
    let agg = b.stage(Stage::Aggregated);
    let target = match &u.target {
        Some(t) => t.clone(),
        None => fw.top_code().unwrap_or_default().to_string(),
    };
    let Some(col) = agg.column(&target) else {
        return Err(AuditError(format!(
            "uncertainty.target = {target:?} is not a code of the built index{}",
            suggest(&target, agg.codes.iter())
        )));
    };
    let units = agg.units.clone();
    let ranks = rank::rank_scores(col);
    let aggregate_codes: Vec<String> = if u.all_aggregates {
        agg.codes.iter().filter(|c| fw.index_of(c).is_some_and(|i| fw.node(i).level > 1)).cloned().collect()
    } else {
        Vec::new()
    };
    let aggregate_ranks = aggregate_codes.iter().map(|c| rank::rank_scores(agg.column(c).unwrap_or(&[]))).collect();
    Ok(Nominal { target, units, ranks, aggregate_codes, aggregate_ranks })
}

/// A combination of alternatives built up to the normalised data.
pub(super) struct Prepared {
    pub(super) normalised: DataSet,
    pub(super) aggregate: Option<AggregateSpec>,
    pub(super) weights: Vec<f64>,
    /// Row of each prepared unit in the nominal unit list.
    pub(super) unit_map: Vec<Option<usize>>,
}

/// The part of a replication's choices that changes the pipeline upstream
/// of aggregation: the override sets chosen (weight noise counts as 0).
pub(super) fn upstream_key(choice: &[usize], plans: &[Plan]) -> Vec<usize> {
    choice.iter().zip(plans).map(|(x, p)| if matches!(p, Plan::Alternatives(_)) { *x } else { 0 }).collect()
}

/// Every distinct upstream combination of `choices`, sorted, and each one
/// built with `build_fn` (the base spec `base_table` with its override sets
/// applied, aggregation off), or why it failed.
pub(super) fn prepare(
    choices: &[Vec<usize>],
    plans: &[Plan],
    base_table: &toml::Table,
    fw: &Framework,
    build_fn: &(dyn Fn(&Spec) -> Result<Build, BuildError> + Sync),
) -> (Vec<Vec<usize>>, Vec<Result<Prepared, String>>) {
    let mut keys: Vec<Vec<usize>> =
        choices.iter().map(|c| upstream_key(c, plans)).collect::<HashSet<_>>().into_iter().collect();
    keys.sort();
    let prepared = keys.par_iter().map(|key| prepare_one(key, plans, base_table, fw, build_fn)).collect();
    (keys, prepared)
}

fn prepare_one(
    key: &[usize],
    plans: &[Plan],
    base_table: &toml::Table,
    fw: &Framework,
    build_fn: &(dyn Fn(&Spec) -> Result<Build, BuildError> + Sync),
) -> Result<Prepared, String> {
    let chosen: Vec<&Vec<String>> = key
        .iter()
        .zip(plans)
        .filter_map(|(x, p)| match p {
            Plan::Alternatives(v) => Some(&v[*x]),
            Plan::Weights(_) => None,
        })
        .collect();
    let mut s = apply(base_table, &chosen).map_err(|m| format!("spec: {m}"))?;
    let agg_spec = s.aggregate.clone().filter(|a| a.enabled);
    let (_, weights) = pipeline::resolve_weights(&s, fw).map_err(|e| cause(&e))?;
    if let Some(a) = s.aggregate.as_mut() {
        a.enabled = false; // aggregation happens per replication
    }
    let b = build_fn(&s).map_err(|e| cause(&e))?;
    let normalised = b.stage(Stage::Normalised).clone();
    Ok(Prepared { normalised, aggregate: agg_spec, weights, unit_map: Vec::new() })
}

/// Adds the units a variant keeps that the nominal build screened out
/// (they have no nominal rank), then maps every prepared unit to its row.
pub(super) fn add_variant_units(nominal: &mut Nominal, prepared: &mut [Result<Prepared, String>]) {
    let mut unit_index: HashMap<String, usize> =
        nominal.units.iter().enumerate().map(|(i, u)| (u.clone(), i)).collect();
    for p in prepared.iter().flatten() {
        for unit in &p.normalised.units {
            if !unit_index.contains_key(unit) {
                unit_index.insert(unit.clone(), nominal.units.len());
                nominal.units.push(unit.clone());
                nominal.ranks.push(None);
                for v in &mut nominal.aggregate_ranks {
                    v.push(None);
                }
            }
        }
    }
    for p in prepared.iter_mut().flatten() {
        p.unit_map = p.normalised.units.iter().map(|u| unit_index.get(u).copied()).collect();
    }
}
