//! Re-weighting: the scores again under other weights, and who moved.

use std::collections::BTreeMap;

use digindex_pipeline::{Build, Spec, Stage};
use serde::Serialize;

use crate::PublishError;
use crate::report::scores_and_ranks;

/// Scores under other weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reweighted {
    /// The weights used, every node (the given ones replacing the spec's).
    pub weights: BTreeMap<String, f64>,
    /// code → score per unit (units in the model's order).
    pub scores: BTreeMap<String, Vec<Option<f64>>>,
    pub ranks: BTreeMap<String, Vec<Option<u32>>>,
    /// Units whose index rank changed: (unit, rank before, rank after), biggest moves first.
    pub movers: Vec<Mover>,
}

/// A unit whose rank changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub unit: String,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

/// The name of the weight set [`reweight`] adds to the spec.
const WEIGHT_SET: &str = "digindex-reweight";

/// `spec` aggregating with `weights` (every node's weight): the pipeline
/// takes weights from the spec only, so they go in as a weight set of
/// their own, selected by `aggregate.weights`.
fn with_weights(spec: &Spec, weights: BTreeMap<String, f64>) -> Spec {
    let mut spec = spec.clone();
    spec.weights.insert(WEIGHT_SET.to_string(), weights);
    let mut agg = spec.aggregate.clone().unwrap_or_default();
    agg.weights = WEIGHT_SET.to_string();
    spec.aggregate = Some(agg);
    spec
}

/// Rebuilds the index with `weights` (code → weight relative to its
/// siblings) replacing those the nominal build used (the recipe's weight
/// set; codes not given keep theirs), and says who moved against
/// `nominal`. `years` are the inputs of every year built (one entry for a
/// single-year index); when the recipe normalises several years together
/// they are rebuilt together and the last year is returned, as for the
/// nominal build. The inputs are reused, so this costs one run of the
/// pipeline (well under a millisecond for a few dozen units and indicators).
pub fn reweight(
    spec: &Spec,
    years: &[(i32, digindex_pipeline::Inputs)],
    nominal: &Build,
    weights: &BTreeMap<String, f64>,
) -> Result<Reweighted, PublishError> {
    let Some((_, last)) = years.last() else {
        return Err(PublishError::Build("no inputs to rebuild from".into()));
    };
    let fw = &last.framework;
    for (code, w) in weights {
        if fw.index_of(code).is_none() {
            return Err(PublishError::Invalid(format!(
                "{code:?} is not in the framework{}",
                digindex_data::suggest(code, fw.nodes().iter().map(|n| &n.code))
            )));
        }
        if !w.is_finite() || *w < 0.0 {
            return Err(PublishError::Invalid(format!("weight of {code} must be a number >= 0, found {w}")));
        }
    }
    let mut set: BTreeMap<String, f64> = nominal.log.weights.iter().map(|w| (w.code.clone(), w.weight)).collect();
    set.extend(weights.iter().map(|(c, w)| (c.clone(), *w)));
    let spec = with_weights(spec, set);
    let build = if years.len() == 1 {
        digindex_pipeline::build(&spec, last)
    } else {
        digindex_pipeline::pipeline::build_years(&spec, years).and_then(|mut b| {
            b.pop().map(|(_, b)| b).ok_or_else(|| digindex_pipeline::BuildError::new("aggregate", "no year built"))
        })
    }
    .map_err(|e| PublishError::Build(e.to_string()))?;
    let (scores, ranks) = scores_and_ranks(&build);
    let target = fw.top_code().unwrap_or_default();
    // only the index's nominal ranks are needed to say who moved
    let before = nominal.stage(Stage::Aggregated).column(target).map(digindex_pipeline::rank::rank_scores);
    let units = &build.stage(Stage::Aggregated).units;
    let mut movers: Vec<Mover> = match (before, ranks.get(target)) {
        (Some(b), Some(a)) => units
            .iter()
            .zip(b.iter().zip(a))
            .filter(|(_, (b, a))| b != a)
            .map(|(u, (b, a))| Mover { unit: u.clone(), before: *b, after: *a })
            .collect(),
        _ => Vec::new(),
    };
    let shift = |m: &Mover| match (m.before, m.after) {
        (Some(b), Some(a)) => i64::from(b).abs_diff(i64::from(a)),
        _ => u64::MAX,
    };
    movers.sort_by(|x, y| shift(y).cmp(&shift(x)).then(x.unit.cmp(&y.unit)));
    Ok(Reweighted {
        weights: build.log.weights.iter().map(|w| (w.code.clone(), w.weight)).collect(),
        scores,
        ranks,
        movers,
    })
}
