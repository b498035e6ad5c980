//! The model's view of a series ([`ProgressModel`]): per aggregate, year
//! and unit the score, rank, rank interval and movement, laid out as
//! lists in the model's unit order so the page can switch years.

use std::collections::BTreeMap;

use digindex_audit::progress::Progress;
use digindex_pipeline::spec::Target;

use crate::model::{MoverModel, ProgressModel, TargetModel, TargetUnit, UnitInfo, finite};

type PerYear<T> = BTreeMap<String, Vec<Vec<Option<T>>>>;

/// A per-year list of `n` empty entries per year.
fn blank<T: Clone>(years: usize, n: usize) -> Vec<Vec<Option<T>>> {
    vec![vec![None; n]; years]
}

/// The progress model: `units` (the model's) first, then the units ranked
/// only in earlier years, named from `names`.
pub(crate) fn model(
    p: &Progress,
    targets: &[Target],
    units: &[String],
    names: &BTreeMap<&str, &UnitInfo>,
) -> ProgressModel {
    let years: Vec<i32> = {
        let mut y: Vec<i32> = p.rows.iter().map(|r| r.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let mut all: Vec<String> = units.to_vec();
    let mut earlier: Vec<&str> =
        p.rows.iter().map(|r| r.unit.as_str()).filter(|u| !units.iter().any(|x| x == u)).collect();
    earlier.sort_unstable();
    earlier.dedup();
    all.extend(earlier.into_iter().map(str::to_string));
    let units = &all[..];
    let at: BTreeMap<&str, usize> = units.iter().enumerate().map(|(k, u)| (u.as_str(), k)).collect();
    let mut scores: PerYear<f64> = BTreeMap::new();
    let mut ranks: PerYear<u32> = BTreeMap::new();
    let mut low: PerYear<f64> = BTreeMap::new();
    let mut high: PerYear<f64> = BTreeMap::new();
    let mut movement: PerYear<String> = BTreeMap::new();
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
        units: units
            .iter()
            .map(|u| match names.get(u.as_str()) {
                Some(i) => (*i).clone(),
                None => UnitInfo { code: u.clone(), name: u.clone(), numeric: None },
            })
            .collect(),
        years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_audit::progress::{Movement, Row};

    fn row(unit: &str, year: i32, score: f64, rank: u32) -> Row {
        Row {
            unit: unit.into(),
            code: "I".into(),
            level: 2,
            year,
            score,
            rank: Some(rank),
            of: 2,
            rank_low: Some(1.0),
            rank_high: Some(2.0),
            previous_year: None,
            change_previous: None,
            change_first: None,
            change_baseline: None,
            rank_change_first: None,
            movement: (year == 2021).then_some(Movement::NoChange),
            to_frontier: 0.0,
        }
    }

    #[test]
    fn per_year_lists_follow_the_units_of_the_model() {
        let p = Progress {
            first: 2020,
            last: 2021,
            baseline: None,
            baseline_pending: Some(2025),
            rows: vec![
                row("a", 2020, 1.0, 2),
                row("b", 2020, 2.0, 1),
                row("a", 2021, 3.0, 1),
                row("c", 2021, f64::NAN, 2),
            ],
            movers: vec![],
            targets: vec![],
        };
        let b = UnitInfo { code: "b".into(), name: "Bee".into(), numeric: None };
        let names: BTreeMap<&str, &UnitInfo> = [("b", &b)].into_iter().collect();
        // the model's units are b and a; c is ranked in 2021 only (NaN: no score)
        let m = model(&p, &[], &["b".to_string(), "a".to_string()], &names);
        assert_eq!(m.years, [2020, 2021]);
        let codes: Vec<&str> = m.units.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["b", "a", "c"]);
        assert_eq!((m.units[0].name.as_str(), m.units[2].name.as_str()), ("Bee", "c"));
        assert_eq!(m.scores["I"], [vec![Some(2.0), Some(1.0), None], vec![None, Some(3.0), None]]);
        assert_eq!(m.ranks["I"], [vec![Some(1), Some(2), None], vec![None, Some(1), Some(2)]]);
        let nc = Some("no change".to_string());
        assert_eq!(m.movement["I"][1], [None, nc.clone(), nc]);
        assert_eq!((m.baseline, m.baseline_pending), (None, Some(2025)));
    }
}
