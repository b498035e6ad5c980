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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use digindex_build::spec::{AggregateSpec, Analysis, Spec, UncertaintySpec, apply_override};
use digindex_build::{Build, BuildError, Inputs, Stage, aggregate, build, pipeline, rank};
use digindex_data::Framework;
use digindex_data::{DataSet, suggest};
use rayon::prelude::*;
use serde::Serialize;

use crate::AuditError;
use crate::rank_interval::{RankInterval, rank_intervals};
use crate::sampling::{self, cube, pick};
use crate::sensitivity::{SobolIndex, saltelli_rows, sobol_indices};

/// An uncertain input as planned: its alternatives in order.
#[derive(Debug, Clone)]
enum Plan {
    /// Override sets (`key = value` lines) and a label for each.
    Alternatives(Vec<Vec<String>>),
    /// Weight noise: factors, one per framework node, per draw.
    Weights(Vec<Vec<f64>>),
}

/// Every key path an alternative sets, nested tables flattened.
fn key_paths(prefix: &str, t: &toml::Table, out: &mut Vec<String>) {
    for (k, v) in t {
        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(inner) => key_paths(&path, inner, out),
            _ => out.push(path),
        }
    }
}

/// True when one dotted path is the other or lies inside it.
fn overlaps(a: &str, b: &str) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    b == a || b.starts_with(&format!("{a}."))
}

/// An input as reported: name, kind and what each alternative sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    pub name: String,
    pub kind: &'static str,
    pub alternatives: Vec<String>,
}

/// One replication: the alternative chosen for each input (0-based), the
/// mean absolute rank shift of the target, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replication {
    pub choices: Vec<usize>,
    pub rank_shift: f64,
    pub error: Option<String>,
}

/// Sobol indices of every input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub base_runs: usize,
    pub variance: f64,
    pub indices: Vec<(String, SobolIndex)>,
}

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

/// A combination of alternatives built up to the normalised data.
struct Prepared {
    normalised: DataSet,
    aggregate: Option<AggregateSpec>,
    weights: Vec<f64>,
    /// Row of each prepared unit in the nominal unit list.
    unit_map: Vec<Option<usize>>,
}

/// "unit AUT: a of P is 0, …" → "a of P is 0, …" (also after a year,
/// "2018: unit AUT: …"), so causes group.
fn cause(step: &str, message: &str) -> String {
    let message = match message.split_once(": ") {
        Some((year, rest)) if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => message,
    };
    let m = match message.strip_prefix("unit ").and_then(|r| r.split_once(": ")) {
        Some((_, rest)) => rest,
        None => message,
    };
    format!("{step}: {m}")
}

fn apply(table: &toml::Table, lines: &[&Vec<String>]) -> Result<Spec, String> {
    let mut t = table.clone();
    for set in lines {
        for line in set.iter() {
            apply_override(&mut t, line).map_err(|e| e.message)?;
        }
    }
    Spec::from_table(t).map_err(|e| e.message)
}

/// Ranks of `code` in `ds`, placed at the nominal units' positions.
fn ranks_of(ds: &DataSet, code: &str, map: &[Option<usize>], n: usize) -> Option<Vec<f32>> {
    let col = ds.column(code)?;
    let r = rank::rank_scores(col);
    let mut out = vec![f32::NAN; n];
    for (i, rk) in r.iter().enumerate() {
        if let (Some(u), Some(v)) = (map[i], rk) {
            out[u] = *v as f32;
        }
    }
    Some(out)
}

/// Runs the analysis declared in `spec.uncertainty`. `progress` is called
/// once per finished replication (from any thread).
pub fn run(spec: &Spec, inputs: &Inputs, progress: &(dyn Fn() + Sync)) -> Result<Outcome, AuditError> {
    run_with(spec, &inputs.framework, &|s| build(s, inputs), progress)
}

/// A variant built for every year (or why it could not be).
type AllYears = Result<Vec<(i32, Build)>, BuildError>;

/// The builds of a spec over several years, for [`run_year`]: the inputs
/// of every year, and the variants built so far (each variant is built
/// once for all the years it is audited in).
pub struct YearBuilds<'a> {
    years: &'a [(i32, Inputs)],
    /// A variant's spec (as TOML) → its build of every year.
    built: Mutex<HashMap<String, Arc<AllYears>>>,
}

impl<'a> YearBuilds<'a> {
    pub fn new(years: &'a [(i32, Inputs)]) -> Self {
        YearBuilds { years, built: Mutex::new(HashMap::new()) }
    }

    /// `year` of the variant `s`. Normalised across the years, a variant
    /// builds them all (once); otherwise each year is built on its own,
    /// so one year's failure does not fail another's.
    fn of_year(&self, s: &Spec, year: i32) -> Result<Build, BuildError> {
        let missing = || BuildError::new("build", format!("{year} is not one of the years built"));
        let across = s.normalise.as_ref().is_some_and(|n| n.enabled && n.across_years);
        if !across || self.years.len() < 2 {
            let (_, inputs) = self.years.iter().find(|(y, _)| *y == year).ok_or_else(missing)?;
            return build(s, inputs);
        }
        let key = s.to_table().map(|t| t.to_string()).map_err(|e| BuildError::new("spec", e.message))?;
        let cached =
            self.built.lock().map_err(|_| BuildError::new("build", "internal: a build panicked"))?.get(&key).cloned();
        let all = match cached {
            Some(all) => all,
            None => {
                // built outside the lock (two threads may build the same
                // variant at once; either result is the same)
                let all = Arc::new(pipeline::build_years(s, self.years));
                self.built
                    .lock()
                    .map_err(|_| BuildError::new("build", "internal: a build panicked"))?
                    .insert(key, Arc::clone(&all));
                all
            }
        };
        match &*all {
            Ok(builds) => builds.iter().find(|(y, _)| *y == year).map(|(_, b)| b.clone()).ok_or_else(missing),
            Err(e) => Err(e.clone()),
        }
    }
}

/// [`run`] for one `year` of a spec built over several
/// ([`pipeline::build_years`]): a variant normalised across the years
/// builds all of them, as the nominal build, and the year's ranks are
/// analysed. Share one [`YearBuilds`] between the years.
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
    let u: &UncertaintySpec = spec
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
    let agg = nominal_build.stage(Stage::Aggregated);
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
    let nominal = rank::rank_scores(col);
    let aggregate_codes: Vec<String> = if u.all_aggregates {
        agg.codes.iter().filter(|c| fw.index_of(c).is_some_and(|i| fw.node(i).level > 1)).cloned().collect()
    } else {
        Vec::new()
    };
    let nominal_all: Vec<Vec<Option<u32>>> =
        aggregate_codes.iter().map(|c| rank::rank_scores(agg.column(c).unwrap_or(&[]))).collect();

    // plan the inputs
    let mut warnings = Vec::new();
    let mut plans = Vec::with_capacity(u.inputs.len());
    let mut summaries = Vec::with_capacity(u.inputs.len());
    for (k, inp) in u.inputs.iter().enumerate() {
        if let Some(noise) = &inp.weights_noise {
            for l in &noise.levels {
                if *l < 1 || *l >= fw.max_level() {
                    return Err(AuditError(format!(
                        "input {:?}: weights_noise level {l} has no weights that matter; use levels 1..={} (the top level's weight is never used)",
                        inp.name,
                        fw.max_level() - 1
                    )));
                }
            }
            if !base.aggregate.as_ref().is_some_and(|a| a.enabled) {
                warnings.push(format!(
                    "input {:?} varies weights but aggregation is disabled: it changes nothing",
                    inp.name
                ));
            }
            // per-node factors 1 + U(−f, f), applied to whatever weights a
            // replication's other choices give
            let mut r = sampling::rng(u.seed, 1000 + k as u64);
            let draws: Vec<Vec<f64>> = (0..noise.draws)
                .map(|_| {
                    fw.nodes()
                        .iter()
                        .map(|n| {
                            if noise.levels.contains(&n.level) {
                                1.0 + (2.0 * sampling::unit(&mut r) - 1.0) * noise.factor
                            } else {
                                1.0
                            }
                        })
                        .collect()
                })
                .collect();
            summaries.push(InputSummary {
                name: inp.name.clone(),
                kind: "weights_noise",
                alternatives: (1..=draws.len()).map(|d| format!("noisy weights #{d}")).collect(),
            });
            plans.push(Plan::Weights(draws));
        } else {
            let mut sets = Vec::with_capacity(inp.alternatives.len());
            for (a, alt) in inp.alternatives.iter().enumerate() {
                let lines: Vec<String> = alt.iter().map(|(key, v)| format!("{key} = {v}")).collect();
                let alone = apply(&base_table, &[&lines])
                    .map_err(|m| AuditError(format!("input {:?}, alternative {}: {m}", inp.name, a + 1)))?;
                for key in alt.keys() {
                    let step = key.split('.').next().unwrap_or_default();
                    let enabled = match step {
                        "denominate" => alone.denominate.as_ref().map(|s| s.enabled),
                        "impute" => alone.impute.as_ref().map(|s| s.enabled),
                        "screen" => alone.screen.as_ref().map(|s| s.enabled),
                        "treat" => alone.treat.as_ref().map(|s| s.enabled),
                        "normalise" => alone.normalise.as_ref().map(|s| s.enabled),
                        "aggregate" => alone.aggregate.as_ref().map(|s| s.enabled),
                        _ => Some(true),
                    };
                    // (keys outside the steps count as enabled)
                    if enabled != Some(true) {
                        warnings.push(format!(
                            "input {:?}, alternative {}: sets {key} but the {step} step is disabled, so it changes nothing",
                            inp.name,
                            a + 1
                        ));
                    }
                }
                sets.push(lines);
            }
            if sets.iter().skip(1).all(|s| s == &sets[0]) {
                warnings.push(format!("input {:?}: all alternatives are the same, so it changes nothing", inp.name));
            }
            summaries.push(InputSummary {
                name: inp.name.clone(),
                kind: "alternatives",
                alternatives: sets.iter().map(|s| s.join("; ")).collect(),
            });
            plans.push(Plan::Alternatives(sets));
        }
    }
    // two inputs setting the same thing would make one of them a dummy
    let mut owners: Vec<(String, &str)> = Vec::new();
    for inp in &u.inputs {
        let mut keys = Vec::new();
        for alt in &inp.alternatives {
            key_paths("", alt, &mut keys);
        }
        keys.sort();
        keys.dedup();
        for k in keys {
            if let Some((other, name)) = owners.iter().find(|(o, n)| *n != inp.name && overlaps(o, &k)) {
                return Err(AuditError(format!(
                    "inputs {name:?} and {:?} both set {} ({other} / {k}); each setting may belong to one input only",
                    inp.name,
                    if other.len() <= k.len() { other } else { &k }
                )));
            }
            owners.push((k, inp.name.as_str()));
        }
    }
    let d = plans.len();
    let sizes: Vec<usize> = plans
        .iter()
        .map(|p| match p {
            Plan::Alternatives(v) => v.len(),
            Plan::Weights(v) => v.len(),
        })
        .collect();

    // the sample
    let n = u.runs;
    // a sensitivity analysis samples 2d dimensions (Saltelli's A and B)
    let (per_input, points, context) = match u.analysis {
        Analysis::Uncertainty => (1, "points", ""),
        Analysis::Sensitivity => (2, "base points", " in a sensitivity analysis"),
    };
    if u.sampling == digindex_build::spec::Sampling::Sobol {
        if n > sampling::MAX_SOBOL_POINTS {
            return Err(AuditError(format!(
                "Sobol sampling gives at most {} {points}; lower uncertainty.runs or use sampling = \"random\"",
                sampling::MAX_SOBOL_POINTS
            )));
        }
        if per_input * d > sampling::MAX_SOBOL_DIMS {
            return Err(AuditError(format!(
                "Sobol sampling supports {} inputs at most{context}",
                sampling::MAX_SOBOL_DIMS / per_input
            )));
        }
    }
    let rows = match u.analysis {
        Analysis::Uncertainty => cube(n, d, u.sampling, u.seed),
        Analysis::Sensitivity => saltelli_rows(&cube(n, 2 * d, u.sampling, u.seed), d),
    };
    let choices: Vec<Vec<usize>> =
        rows.iter().map(|r| r.iter().zip(&sizes).map(|(x, k)| pick(*x, *k)).collect()).collect();
    let key_of = |c: &[usize]| -> Vec<usize> {
        c.iter().zip(&plans).map(|(x, p)| if matches!(p, Plan::Alternatives(_)) { *x } else { 0 }).collect()
    };

    // build every distinct combination once, up to the normalised data
    let mut keys: Vec<Vec<usize>> = choices.iter().map(|c| key_of(c)).collect::<HashSet<_>>().into_iter().collect();
    keys.sort();
    let prepared: Vec<Result<Prepared, String>> = keys
        .par_iter()
        .map(|key| {
            let chosen: Vec<&Vec<String>> = key
                .iter()
                .zip(&plans)
                .filter_map(|(x, p)| match p {
                    Plan::Alternatives(v) => Some(&v[*x]),
                    Plan::Weights(_) => None,
                })
                .collect();
            let mut s = apply(&base_table, &chosen).map_err(|m| format!("spec: {m}"))?;
            let agg_spec = s.aggregate.clone().filter(|a| a.enabled);
            let (_, weights) = pipeline::resolve_weights(&s, fw).map_err(|e| cause(e.step, &e.message))?;
            if let Some(a) = s.aggregate.as_mut() {
                a.enabled = false; // aggregation happens per replication
            }
            let b = build_fn(&s).map_err(|e| cause(e.step, &e.message))?;
            let normalised = b.stage(Stage::Normalised).clone();
            Ok(Prepared { normalised, aggregate: agg_spec, weights, unit_map: Vec::new() })
        })
        .collect();
    // units: the nominal ones, then any a variant keeps that the nominal
    // build screened out (they have no nominal rank)
    let mut units = units;
    let mut nominal = nominal;
    let mut nominal_all = nominal_all;
    let mut unit_index: HashMap<String, usize> = units.iter().enumerate().map(|(i, u)| (u.clone(), i)).collect();
    for p in prepared.iter().flatten() {
        for unit in &p.normalised.units {
            if !unit_index.contains_key(unit) {
                unit_index.insert(unit.clone(), units.len());
                units.push(unit.clone());
                nominal.push(None);
                for v in &mut nominal_all {
                    v.push(None);
                }
            }
        }
    }
    let mut prepared = prepared;
    for p in prepared.iter_mut().flatten() {
        p.unit_map = p.normalised.units.iter().map(|u| unit_index.get(u).copied()).collect();
    }
    let n_units = units.len();
    let cache: HashMap<&Vec<usize>, &Result<Prepared, String>> = keys.iter().zip(&prepared).collect();

    // the replications
    struct Run {
        rep: Replication,
        ranks: Vec<f32>,
        all: Vec<Vec<f32>>,
    }
    let runs: Vec<Run> = choices
        .par_iter()
        .map(|c| {
            let key = key_of(c);
            let fail = |e: String| Run {
                rep: Replication { choices: c.clone(), rank_shift: f64::NAN, error: Some(e) },
                ranks: vec![f32::NAN; n_units],
                all: vec![vec![f32::NAN; n_units]; aggregate_codes.len()],
            };
            let result = match cache.get(&key) {
                Some(Ok(p)) => {
                    let mut noisy: Option<Vec<f64>> = None;
                    for (x, pl) in c.iter().zip(&plans) {
                        if let Plan::Weights(f) = pl {
                            let w = noisy.get_or_insert_with(|| p.weights.clone());
                            for (wi, fi) in w.iter_mut().zip(&f[*x]) {
                                *wi *= fi;
                            }
                        }
                    }
                    let weights = noisy.as_ref().unwrap_or(&p.weights);
                    let out = match &p.aggregate {
                        Some(a) => aggregate::aggregate(&p.normalised, fw, weights, a).map(|(ds, _)| ds),
                        None => Ok(p.normalised.clone()),
                    };
                    match out {
                        Err(e) => fail(cause(e.step, &e.message)),
                        Ok(ds) => match ranks_of(&ds, &target, &p.unit_map, n_units) {
                            None => fail(format!("the target {target} is not computed in this variant")),
                            Some(ranks) => {
                                let (mut sum, mut cnt) = (0.0, 0usize);
                                for (r, nom) in ranks.iter().zip(&nominal) {
                                    if let (false, Some(nv)) = (r.is_nan(), nom) {
                                        sum += (f64::from(*r) - f64::from(*nv)).abs();
                                        cnt += 1;
                                    }
                                }
                                let all = aggregate_codes
                                    .iter()
                                    .map(|code| {
                                        ranks_of(&ds, code, &p.unit_map, n_units)
                                            .unwrap_or_else(|| vec![f32::NAN; n_units])
                                    })
                                    .collect();
                                Run {
                                    rep: Replication {
                                        choices: c.clone(),
                                        rank_shift: if cnt == 0 { f64::NAN } else { sum / cnt as f64 },
                                        error: None,
                                    },
                                    ranks,
                                    all,
                                }
                            }
                        },
                    }
                }
                Some(Err(e)) => fail(e.clone()),
                None => fail("internal: combination not prepared".into()),
            };
            progress();
            result
        })
        .collect();

    let mut failures = BTreeMap::new();
    for r in &runs {
        if let Some(e) = &r.rep.error {
            *failures.entry(e.clone()).or_insert(0) += 1;
        }
    }
    if failures.values().sum::<usize>() == runs.len() {
        return Err(AuditError(format!(
            "every replication failed; causes: {}",
            failures.iter().map(|(c, k)| format!("{c} ({k}×)")).collect::<Vec<_>>().join("; ")
        )));
    }
    let to_f64 = |v: &[f32]| v.iter().map(|x| f64::from(*x)).collect::<Vec<f64>>();
    // rank statistics from independent runs: all of an uncertainty analysis,
    // the A and B blocks of a Saltelli design (COINr: the AB_i runs are
    // correlated copies of A)
    let independent = match u.analysis {
        Analysis::Uncertainty => runs.len(),
        Analysis::Sensitivity => 2 * n,
    };
    let target_ranks: Vec<Vec<f64>> = runs[..independent].iter().map(|r| to_f64(&r.ranks)).collect();
    let intervals = rank_intervals(&units, &nominal, &target_ranks);
    let aggregate_intervals = aggregate_codes
        .iter()
        .enumerate()
        .map(|(k, code)| {
            let rk: Vec<Vec<f64>> = runs[..independent].iter().map(|r| to_f64(&r.all[k])).collect();
            (code.clone(), rank_intervals(&units, &nominal_all[k], &rk))
        })
        .collect();
    let replications: Vec<Replication> = runs.into_iter().map(|r| r.rep).collect();
    let sensitivity = match u.analysis {
        Analysis::Uncertainty => None,
        Analysis::Sensitivity => {
            let y: Vec<f64> = replications.iter().map(|r| r.rank_shift).collect();
            let (variance, idx) = sobol_indices(&y, n, d, u.bootstrap, u.seed);
            Some(Sensitivity {
                base_runs: n,
                variance,
                indices: summaries.iter().map(|s| s.name.clone()).zip(idx).collect(),
            })
        }
    };
    if let Some(s) = &sensitivity {
        if s.variance.is_nan() || s.variance <= 0.0 {
            warnings.push("the ranks never moved: the Sobol indices are undefined (0/0)".into());
        }
    }
    Ok(Outcome {
        target,
        analysis: u.analysis,
        inputs: summaries,
        units,
        nominal,
        intervals,
        aggregate_intervals,
        replications,
        failures,
        sensitivity,
        pipelines: keys.len(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::cause;

    #[test]
    fn causes_group_across_units_and_years() {
        assert_eq!(cause("aggregate", "unit AFG: x of P is 0"), "aggregate: x of P is 0");
        assert_eq!(cause("aggregate", "2018: unit AFG: x of P is 0"), "aggregate: x of P is 0");
        assert_eq!(cause("normalise", "2018: indicator g: no values"), "normalise: indicator g: no values");
        assert_eq!(cause("screen", "abcd: y"), "screen: abcd: y");
    }
}
