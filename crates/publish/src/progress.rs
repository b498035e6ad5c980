//! The model's view of a series ([`ProgressModel`]): per aggregate, year
//! and unit the score, rank, rank interval and movement, laid out as
//! lists in the model's unit order so the page can switch years.

use std::collections::BTreeMap;

use digindex_audit::progress::Progress;
use digindex_pipeline::spec::Target;

use crate::model::{MoverModel, ProgressModel, TargetModel, TargetUnit, finite};

type PerYear<T> = BTreeMap<String, Vec<Vec<Option<T>>>>;

/// A per-year list of `n` empty entries per year.
fn blank<T: Clone>(years: usize, n: usize) -> Vec<Vec<Option<T>>> {
    vec![vec![None; n]; years]
}

/// The progress model, units in `units` order.
pub(crate) fn model(p: &Progress, targets: &[Target], units: &[String]) -> ProgressModel {
    let years: Vec<i32> = {
        let mut y: Vec<i32> = p.rows.iter().map(|r| r.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let at: BTreeMap<&str, usize> = units.iter().enumerate().map(|(k, u)| (u.as_str(), k)).collect();
    let (mut scores, mut ranks, mut low, mut high, mut movement): (
        PerYear<f64>,
        PerYear<u32>,
        PerYear<f64>,
        PerYear<f64>,
        PerYear<String>,
    ) = Default::default();
    for r in &p.rows {
        let (Some(&k), Ok(t)) = (at.get(r.unit.as_str()), years.binary_search(&r.year)) else { continue };
        scores.entry(r.code.clone()).or_insert_with(|| blank(years.len(), units.len()))[t][k] = finite(r.score);
        ranks.entry(r.code.clone()).or_insert_with(|| blank(years.len(), units.len()))[t][k] = r.rank;
        low.entry(r.code.clone()).or_insert_with(|| blank(years.len(), units.len()))[t][k] = r.rank_low;
        high.entry(r.code.clone()).or_insert_with(|| blank(years.len(), units.len()))[t][k] = r.rank_high;
        movement.entry(r.code.clone()).or_insert_with(|| blank(years.len(), units.len()))[t][k] =
            r.movement.map(|m| m.as_str().to_string());
    }
    let movers = p
        .movers
        .iter()
        .map(|m| MoverModel {
            change: finite(m.change),
            drivers: m.drivers.iter().map(|d| (d.code.clone(), finite(d.contribution))).collect(),
            movement: m.movement.map(|x| x.as_str().to_string()),
            rank_first: m.rank_first,
            rank_last: m.rank_last,
            unit: m.unit.clone(),
        })
        .collect();
    let targets = targets
        .iter()
        .map(|t| TargetModel {
            code: t.code.clone(),
            met_at: t.met_at,
            note: t.note.clone(),
            rows: p
                .targets
                .iter()
                .filter(|r| r.code == t.code)
                .map(|r| TargetUnit {
                    data_year: r.data_year,
                    first_data_year: r.first_data_year,
                    first_value: r.first_value.and_then(finite),
                    flag: r.flag.name().to_string(),
                    gap: finite(r.gap),
                    pace: r.pace.and_then(finite),
                    reaches_by: r.reaches_by,
                    status: r.status.as_str().to_string(),
                    unit: r.unit.clone(),
                    value: finite(r.value),
                })
                .collect(),
            source: t.source.clone(),
            value: t.value,
            year: t.year,
        })
        .collect();
    ProgressModel {
        baseline: p.baseline,
        baseline_pending: p.baseline_pending,
        high,
        low,
        movement,
        movers,
        ranks,
        scores,
        targets,
        years,
    }
}
