//! From the replications to what the analysis reports: failures grouped by
//! cause, rank intervals from the independent runs, and the Sobol indices
//! of a sensitivity analysis.

use std::collections::BTreeMap;

use digindex_pipeline::BuildError;
use digindex_pipeline::spec::{Analysis, UncertaintySpec};
use serde::Serialize;

use super::plan::InputSummary;
use super::prepare::Nominal;
use super::replicate::{Replication, Run};
use crate::AuditError;
use crate::rank_interval::{RankInterval, rank_intervals};
use crate::sensitivity::{SobolIndex, sobol_indices};

/// Sobol indices of every input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub base_runs: usize,
    pub variance: f64,
    pub indices: Vec<(String, SobolIndex)>,
}

/// The cause of a failure, so that causes group across units and years:
/// the step, the indicator the message starts with, and what went wrong,
/// without the year or the unit it happened in (`aggregate: Ship of
/// Physical is 0, but …`).
pub(super) fn cause(e: &BuildError) -> String {
    e.cause()
}

/// Failed replications by cause; an error when every one failed.
pub(super) fn failures(runs: &[Run]) -> Result<BTreeMap<String, usize>, AuditError> {
    let mut failures = BTreeMap::new();
    for r in runs {
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
    Ok(failures)
}

/// Rank intervals of the target, and of every followed aggregate, from
/// the independent runs: all of an uncertainty analysis, the A and B blocks
/// of a Saltelli design (COINr: the ABᵢ runs are correlated copies of A).
pub(super) fn intervals(
    u: &UncertaintySpec,
    nominal: &Nominal,
    runs: &[Run],
) -> (Vec<RankInterval>, Vec<(String, Vec<RankInterval>)>) {
    let to_f64 = |v: &[f32]| v.iter().map(|x| f64::from(*x)).collect::<Vec<f64>>();
    let independent = match u.analysis {
        Analysis::Uncertainty => runs.len(),
        Analysis::Sensitivity => 2 * u.runs,
    };
    let target_ranks: Vec<Vec<f64>> = runs[..independent].iter().map(|r| to_f64(&r.ranks)).collect();
    let intervals = rank_intervals(&nominal.units, &nominal.ranks, &target_ranks);
    let aggregate_intervals = nominal
        .aggregate_codes
        .iter()
        .enumerate()
        .map(|(k, code)| {
            let rk: Vec<Vec<f64>> = runs[..independent].iter().map(|r| to_f64(&r.all[k])).collect();
            (code.clone(), rank_intervals(&nominal.units, &nominal.aggregate_ranks[k], &rk))
        })
        .collect();
    (intervals, aggregate_intervals)
}

/// Sobol indices of the inputs from the rank shifts of a Saltelli design
/// (`None` for an uncertainty analysis); warns when the ranks never moved.
pub(super) fn sensitivity(
    u: &UncertaintySpec,
    inputs: &[InputSummary],
    replications: &[Replication],
    warnings: &mut Vec<String>,
) -> Option<Sensitivity> {
    let sensitivity = match u.analysis {
        Analysis::Uncertainty => None,
        Analysis::Sensitivity => {
            let y: Vec<f64> = replications.iter().map(|r| r.rank_shift).collect();
            let (variance, idx) = sobol_indices(&y, u.runs, inputs.len(), u.bootstrap, u.seed);
            Some(Sensitivity {
                base_runs: u.runs,
                variance,
                indices: inputs.iter().map(|s| s.name.clone()).zip(idx).collect(),
            })
        }
    };
    if let Some(s) = &sensitivity {
        if s.variance.is_nan() || s.variance <= 0.0 {
            warnings.push("the ranks never moved: the Sobol indices are undefined (0/0)".into());
        }
    }
    sensitivity
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_pipeline::Subject;

    #[test]
    fn causes_group_across_units_and_years() {
        let unit = |u: &str| Subject::Unit { unit: u.into(), code: "P".into() };
        let zero = BuildError::about("aggregate", unit("AFG"), "x of P is 0");
        assert_eq!(cause(&zero), "aggregate: x of P is 0");
        assert_eq!(cause(&BuildError::about("aggregate", unit("AUT"), "x of P is 0").in_year(2018)), cause(&zero));
        let indicator = BuildError::about("normalise", Subject::Indicator("g".into()), "no values").in_year(2018);
        assert_eq!(cause(&indicator), "normalise: indicator g: no values");
        assert_eq!(cause(&BuildError::new("screen", "abcd: y")), "screen: abcd: y");
        let code = BuildError::about("impute", Subject::Code("x".into()), "indicator x has no observed values");
        assert_eq!(cause(&code), "impute: indicator x has no observed values");
        // one unit's value: the unit is left out too
        let value = Subject::Value { code: "a".into(), unit: "u3".into() };
        assert_eq!(cause(&BuildError::about("normalise", value, "3 gives inf")), "normalise: indicator a: 3 gives inf");
    }
}
