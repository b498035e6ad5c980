//! What varies and how: every uncertain input planned as its list of
//! alternatives (override sets checked against the base spec, or noisy
//! weight factors drawn once from the seed), and the sample of the unit
//! cube that picks one alternative of every input for each replication.

use digindex_data::Framework;
use digindex_pipeline::spec::{
    Analysis, Sampling, Spec, UncertainInput, UncertaintySpec, WeightsNoise, apply_override,
};
use serde::Serialize;

use crate::AuditError;
use crate::sampling::{self, cube, pick};
use crate::sensitivity::saltelli_rows;

/// An uncertain input as planned: its alternatives in order.
#[derive(Debug, Clone)]
pub(super) enum Plan {
    /// Override sets (`key = value` lines) and a label for each.
    Alternatives(Vec<Vec<String>>),
    /// Weight noise: factors, one per framework node, per draw.
    Weights(Vec<Vec<f64>>),
}

impl Plan {
    /// How many alternatives a draw picks from.
    fn len(&self) -> usize {
        match self {
            Plan::Alternatives(v) => v.len(),
            Plan::Weights(v) => v.len(),
        }
    }
}

/// An input as reported: name, kind and what each alternative sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InputSummary {
    pub name: String,
    pub kind: &'static str,
    pub alternatives: Vec<String>,
}

/// The inputs planned, as reported, and what planning them warned about.
pub(super) struct Planned {
    pub(super) plans: Vec<Plan>,
    pub(super) summaries: Vec<InputSummary>,
    pub(super) warnings: Vec<String>,
}

/// The base spec (as a table) with override lines applied, set by set.
pub(super) fn apply(table: &toml::Table, lines: &[&Vec<String>]) -> Result<Spec, String> {
    let mut t = table.clone();
    for set in lines {
        for line in set.iter() {
            apply_override(&mut t, line).map_err(|e| e.message)?;
        }
    }
    Spec::from_table(t).map_err(|e| e.message)
}

/// Plans every input of `u` over the base spec `base` (`base_table` as a
/// table), checking that no two inputs set the same thing.
pub(super) fn plan_inputs(
    u: &UncertaintySpec,
    fw: &Framework,
    base: &Spec,
    base_table: &toml::Table,
) -> Result<Planned, AuditError> {
    let mut warnings = Vec::new();
    let mut plans = Vec::with_capacity(u.inputs.len());
    let mut summaries = Vec::with_capacity(u.inputs.len());
    for (k, inp) in u.inputs.iter().enumerate() {
        let (summary, plan) = match &inp.weights_noise {
            Some(noise) => plan_noise(inp, noise, k, u.seed, fw, base, &mut warnings)?,
            None => plan_alternatives(inp, base_table, &mut warnings)?,
        };
        summaries.push(summary);
        plans.push(plan);
    }
    check_owners(&u.inputs)?;
    Ok(Planned { plans, summaries, warnings })
}

/// Weight noise, input `k`: `noise.draws` sets of per-node factors
/// 1 + U(−f, f), applied to whatever weights a replication's other choices
/// give.
fn plan_noise(
    inp: &UncertainInput,
    noise: &WeightsNoise,
    k: usize,
    seed: u64,
    fw: &Framework,
    base: &Spec,
    warnings: &mut Vec<String>,
) -> Result<(InputSummary, Plan), AuditError> {
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
        warnings.push(format!("input {:?} varies weights but aggregation is disabled: it changes nothing", inp.name));
    }
    let mut r = sampling::rng(seed, 1000 + k as u64);
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
    let summary = InputSummary {
        name: inp.name.clone(),
        kind: "weights_noise",
        alternatives: (1..=draws.len()).map(|d| format!("noisy weights #{d}")).collect(),
    };
    Ok((summary, Plan::Weights(draws)))
}

/// Override sets: each alternative must give a valid spec on its own; one
/// that sets a disabled step, or an input whose alternatives are all the
/// same, changes nothing and is warned about.
fn plan_alternatives(
    inp: &UncertainInput,
    base_table: &toml::Table,
    warnings: &mut Vec<String>,
) -> Result<(InputSummary, Plan), AuditError> {
    let mut sets = Vec::with_capacity(inp.alternatives.len());
    for (a, alt) in inp.alternatives.iter().enumerate() {
        let lines: Vec<String> = alt.iter().map(|(key, v)| format!("{key} = {v}")).collect();
        let alone = apply(base_table, &[&lines])
            .map_err(|m| AuditError(format!("input {:?}, alternative {}: {m}", inp.name, a + 1)))?;
        for key in alt.keys() {
            let step = key.split('.').next().unwrap_or_default();
            if step_enabled(&alone, step) != Some(true) {
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
    let summary = InputSummary {
        name: inp.name.clone(),
        kind: "alternatives",
        alternatives: sets.iter().map(|s| s.join("; ")).collect(),
    };
    Ok((summary, Plan::Alternatives(sets)))
}

/// Whether `step` is enabled in `spec` (keys outside the steps count as
/// enabled).
fn step_enabled(spec: &Spec, step: &str) -> Option<bool> {
    match step {
        "denominate" => spec.denominate.as_ref().map(|s| s.enabled),
        "impute" => spec.impute.as_ref().map(|s| s.enabled),
        "screen" => spec.screen.as_ref().map(|s| s.enabled),
        "treat" => spec.treat.as_ref().map(|s| s.enabled),
        "normalise" => spec.normalise.as_ref().map(|s| s.enabled),
        "aggregate" => spec.aggregate.as_ref().map(|s| s.enabled),
        _ => Some(true),
    }
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

/// Two inputs setting the same thing would make one of them a dummy.
fn check_owners(inputs: &[UncertainInput]) -> Result<(), AuditError> {
    let mut owners: Vec<(String, &str)> = Vec::new();
    for inp in inputs {
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
    Ok(())
}

/// The sample: for every replication, the alternative (0-based) each input
/// takes. An uncertainty analysis draws `runs` points of the d-cube; a
/// sensitivity analysis `runs` points of the 2d-cube (Saltelli's A and B),
/// laid out as a Saltelli design.
pub(super) fn sample(u: &UncertaintySpec, plans: &[Plan]) -> Result<Vec<Vec<usize>>, AuditError> {
    let d = plans.len();
    let sizes: Vec<usize> = plans.iter().map(Plan::len).collect();
    let n = u.runs;
    let (per_input, points, context) = match u.analysis {
        Analysis::Uncertainty => (1, "points", ""),
        Analysis::Sensitivity => (2, "base points", " in a sensitivity analysis"),
    };
    if u.sampling == Sampling::Sobol {
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
    Ok(rows.iter().map(|r| r.iter().zip(&sizes).map(|(x, k)| pick(*x, *k)).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_overlap_when_nested() {
        let t: toml::Table = toml::from_str("a = 1\n[b]\nc = 2\n[b.d]\ne = 3").expect("toml");
        let mut keys = Vec::new();
        key_paths("", &t, &mut keys);
        assert_eq!(keys, ["a", "b.c", "b.d.e"]);
        assert!(overlaps("b", "b.c") && overlaps("b.d.e", "b.d") && overlaps("a", "a"));
        assert!(!overlaps("b", "bc") && !overlaps("a", "b.a"));
    }
}
