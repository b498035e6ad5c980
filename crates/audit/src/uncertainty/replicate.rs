//! One replication: the prepared combination its choices pick, its weights
//! times any noise factors drawn for it, aggregation with its own settings,
//! the ranks of the target (and of every followed aggregate), and the mean
//! absolute rank shift of the target from its nominal ranks.

use std::collections::HashMap;

use digindex_data::{DataSet, Framework};
use digindex_pipeline::{aggregate, rank};
use serde::Serialize;

use super::plan::Plan;
use super::prepare::{Nominal, Prepared, upstream_key};
use super::summarise::cause;

/// One replication: the alternative chosen for each input (0-based), the
/// mean absolute rank shift of the target, or why it failed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replication {
    pub choices: Vec<usize>,
    pub rank_shift: f64,
    pub error: Option<String>,
}

/// A replication with its ranks, placed at the nominal units' positions
/// (`NaN`: not ranked in this replication).
pub(super) struct Run {
    pub(super) rep: Replication,
    pub(super) ranks: Vec<f32>,
    /// Ranks of each followed aggregate.
    pub(super) all: Vec<Vec<f32>>,
}

/// What every replication reads: the planned inputs, the prepared
/// combinations by upstream key, and the nominal build.
pub(super) struct Replicator<'a> {
    pub(super) fw: &'a Framework,
    pub(super) plans: &'a [Plan],
    pub(super) prepared: HashMap<&'a Vec<usize>, &'a Result<Prepared, String>>,
    pub(super) nominal: &'a Nominal,
}

impl Replicator<'_> {
    /// Runs the replication that makes the choices `c`.
    pub(super) fn run(&self, c: &[usize]) -> Run {
        let key = upstream_key(c, self.plans);
        match self.prepared.get(&key) {
            Some(Ok(p)) => self.aggregate_and_rank(c, p),
            Some(Err(e)) => self.fail(c, e.clone()),
            None => self.fail(c, "internal: combination not prepared".into()),
        }
    }

    fn fail(&self, c: &[usize], e: String) -> Run {
        let n_units = self.nominal.units.len();
        Run {
            rep: Replication { choices: c.to_vec(), rank_shift: f64::NAN, error: Some(e) },
            ranks: vec![f32::NAN; n_units],
            all: vec![vec![f32::NAN; n_units]; self.nominal.aggregate_codes.len()],
        }
    }

    fn aggregate_and_rank(&self, c: &[usize], p: &Prepared) -> Run {
        let noisy = noisy_weights(c, self.plans, &p.weights);
        let weights = noisy.as_ref().unwrap_or(&p.weights);
        let out = match &p.aggregate {
            Some(a) => aggregate::aggregate(&p.normalised, self.fw, weights, a).map(|(ds, _)| ds),
            None => Ok(p.normalised.clone()),
        };
        let ds = match out {
            Ok(ds) => ds,
            Err(e) => return self.fail(c, cause(&e)),
        };
        let n_units = self.nominal.units.len();
        let target = &self.nominal.target;
        let Some(ranks) = ranks_of(&ds, target, &p.unit_map, n_units) else {
            return self.fail(c, format!("the target {target} is not computed in this variant"));
        };
        let rank_shift = mean_shift(&ranks, &self.nominal.ranks);
        let all = self
            .nominal
            .aggregate_codes
            .iter()
            .map(|code| ranks_of(&ds, code, &p.unit_map, n_units).unwrap_or_else(|| vec![f32::NAN; n_units]))
            .collect();
        Run { rep: Replication { choices: c.to_vec(), rank_shift, error: None }, ranks, all }
    }
}

/// The weights `base` times the factors of every weight-noise input's
/// chosen draw, in input order (`None`: no weight noise).
fn noisy_weights(c: &[usize], plans: &[Plan], base: &[f64]) -> Option<Vec<f64>> {
    let mut noisy: Option<Vec<f64>> = None;
    for (x, pl) in c.iter().zip(plans) {
        if let Plan::Weights(f) = pl {
            let w = noisy.get_or_insert_with(|| base.to_vec());
            for (wi, fi) in w.iter_mut().zip(&f[*x]) {
                *wi *= fi;
            }
        }
    }
    noisy
}

/// Mean absolute shift of `ranks` from the nominal ranks, over the units
/// ranked in both (`NaN` when none is).
fn mean_shift(ranks: &[f32], nominal: &[Option<u32>]) -> f64 {
    let (mut sum, mut cnt) = (0.0, 0usize);
    for (r, nom) in ranks.iter().zip(nominal) {
        if let (false, Some(nv)) = (r.is_nan(), nom) {
            sum += (f64::from(*r) - f64::from(*nv)).abs();
            cnt += 1;
        }
    }
    if cnt == 0 { f64::NAN } else { sum / cnt as f64 }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_multiplies_in_input_order() {
        let plans = [
            Plan::Weights(vec![vec![1.0, 2.0], vec![3.0, 0.5]]),
            Plan::Alternatives(vec![vec![], vec![]]),
            Plan::Weights(vec![vec![0.5, 0.5]]),
        ];
        assert_eq!(noisy_weights(&[1, 1, 0], &plans, &[2.0, 4.0]), Some(vec![3.0, 1.0]));
        assert_eq!(noisy_weights(&[0], &plans[1..2], &[2.0, 4.0]), None);
    }

    #[test]
    fn shift_over_units_ranked_in_both() {
        let nominal = [Some(1), Some(2), None, Some(4)];
        assert_eq!(mean_shift(&[2.0, 2.0, 1.0, f32::NAN], &nominal), 0.5);
        assert!(mean_shift(&[f32::NAN; 4], &nominal).is_nan());
    }
}
