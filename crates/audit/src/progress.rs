//! Progress over a series: who is moving, and how fast.
//!
//! For every unit, aggregate (pillars and the index) and year built: the
//! score and rank, the 5–95% rank interval where the uncertainty analysis
//! gave one, the change since the previous year built, since the first
//! year and since the baseline (once built), and the distance to the
//! frontier (the best score that year). A rank change is called a move only
//! when it is larger than the rank intervals: the year's rank lies outside
//! the first year's interval *and* the first year's rank outside the
//! year's; otherwise it is "no change".
//!
//! The biggest movers of the index come with the indicators that moved
//! them most: each indicator's effective weight times the change in its
//! normalised score between the first and the last year, for indicators
//! present in both. Under arithmetic aggregation, with the same indicators
//! present in both years, these are the terms of the index change; when an
//! indicator was absent or missing in a year, the weights were spread
//! differently and the terms are an approximation (what moved, not an
//! exact decomposition).
//!
//! Official targets (`[[progress.target]]`) are read on the values as used
//! (after any denominator, before treatment), the unit's own observations
//! only (never an estimate): the gap still to close, the pace since the
//! first year (per year between the data years the values are dated), and
//! whether that pace reaches the target by its year.

use std::collections::BTreeMap;

use digindex_data::provenance::{Flag, Provenance};
use digindex_data::{DataSet, Framework};
use digindex_pipeline::rank::rank_scores;
use digindex_pipeline::spec::ProgressSpec;
use serde::Serialize;

use crate::AuditError;
use crate::rank_interval::RankInterval;

/// One built year, as progress reads it.
#[derive(Debug, Clone, Copy)]
pub struct Year<'a> {
    pub year: i32,
    /// The aggregated stage: normalised indicators and every aggregate.
    pub scores: &'a DataSet,
    /// Rank intervals by aggregate code, where the analysis gave them.
    pub intervals: &'a [(String, Vec<RankInterval>)],
    /// The values as used, with their years and flags.
    pub values: &'a [Provenance],
}

/// A rank change read against the rank intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    Up,
    Down,
    /// A change within the rank intervals (or none).
    NoChange,
}

impl Movement {
    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Up => "up",
            Movement::Down => "down",
            Movement::NoChange => "no change",
        }
    }
}

/// One unit, aggregate and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub unit: String,
    pub code: String,
    pub level: u32,
    pub year: i32,
    pub score: f64,
    pub rank: Option<u32>,
    /// Units ranked on this aggregate that year.
    pub of: usize,
    pub rank_low: Option<f64>,
    pub rank_high: Option<f64>,
    /// The previous year built, and the score change since it.
    pub previous_year: Option<i32>,
    pub change_previous: Option<f64>,
    pub change_first: Option<f64>,
    pub change_baseline: Option<f64>,
    /// The first year's rank minus this year's (positive = up).
    pub rank_change_first: Option<i64>,
    /// The rank change since the first year, read against the intervals.
    pub movement: Option<Movement>,
    /// The best score of the year minus this one.
    pub to_frontier: f64,
}

/// An indicator's part in a unit's change of the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub code: String,
    /// Effective weight × change of the normalised score.
    pub contribution: f64,
}

/// A unit's change of the index between the first and the last year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub unit: String,
    pub change: f64,
    pub rank_first: Option<u32>,
    pub rank_last: Option<u32>,
    pub movement: Option<Movement>,
    /// The indicators that moved it most, largest first.
    pub drivers: Vec<Driver>,
}

/// Where a unit stands against an official target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Met,
    OnTrack,
    OffTrack,
    /// One data year only: no pace.
    Unknown,
}

impl TargetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::OnTrack => "on track",
            TargetStatus::OffTrack => "off track",
            TargetStatus::Unknown => "unknown",
        }
    }
}

/// One unit against one target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetRow {
    pub unit: String,
    pub code: String,
    pub target: f64,
    pub target_year: i32,
    pub value: f64,
    pub data_year: Option<i32>,
    pub flag: Flag,
    pub first_value: Option<f64>,
    pub first_data_year: Option<i32>,
    /// Still to close (in the indicator's good direction), 0 when met.
    pub gap: f64,
    /// Change per year since the first value, in the good direction.
    pub pace: Option<f64>,
    /// The year the pace reaches the target, if it does.
    pub reaches_by: Option<i32>,
    pub status: TargetStatus,
}

/// Progress over the series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub first: i32,
    pub last: i32,
    /// The baseline year, when it is built.
    pub baseline: Option<i32>,
    /// The baseline year declared but not (yet) built.
    pub baseline_pending: Option<i32>,
    pub rows: Vec<Row>,
    /// Units by change of the index, largest rise first.
    pub movers: Vec<Mover>,
    pub targets: Vec<TargetRow>,
}

impl Progress {
    /// The rows of one aggregate in one year, in rank order.
    pub fn ranking(&self, code: &str, year: i32) -> Vec<&Row> {
        let mut v: Vec<&Row> = self.rows.iter().filter(|r| r.code == code && r.year == year).collect();
        v.sort_by_key(|r| r.rank.unwrap_or(u32::MAX));
        v
    }
}

/// One aggregate in one year: unit -> (score, rank), the count ranked and
/// the best score.
type YearOf<'a> = (BTreeMap<&'a str, (f64, Option<u32>)>, usize, f64);

/// Reads progress over `years` (in order). `effective` is each indicator's
/// effective weight in the index.
pub fn progress(
    fw: &Framework,
    effective: &[(String, f64)],
    years: &[Year<'_>],
    spec: Option<&ProgressSpec>,
) -> Result<Progress, AuditError> {
    let (Some(first), Some(last)) = (years.first(), years.last()) else {
        return Err(AuditError("progress needs at least one year built".into()));
    };
    let declared = spec.and_then(|s| s.baseline);
    let baseline = declared.filter(|b| years.iter().any(|y| y.year == *b));
    let codes: Vec<(String, u32)> =
        (2..=fw.max_level()).flat_map(|l| fw.level(l).iter().map(move |&i| (fw.node(i).code.clone(), l))).collect();
    let mut rows = Vec::new();
    for (code, level) in &codes {
        // per year: unit -> (score, rank), the count ranked and the best score
        let per_year: Vec<YearOf<'_>> = years
            .iter()
            .map(|y| {
                let mut m = BTreeMap::new();
                let (mut of, mut best) = (0, f64::NAN);
                if let Some(col) = y.scores.column(code) {
                    let ranks = rank_scores(col);
                    for ((u, s), r) in y.scores.units.iter().zip(col).zip(ranks) {
                        if s.is_finite() {
                            m.insert(u.as_str(), (*s, r));
                            of += 1;
                            best = best.max(*s);
                        }
                    }
                }
                (m, of, best)
            })
            .collect();
        let interval = |k: usize, unit: &str| -> Option<&RankInterval> {
            years[k].intervals.iter().find(|(c, _)| c == code)?.1.iter().find(|r| r.unit == unit)
        };
        let base_k = baseline.and_then(|b| years.iter().position(|y| y.year == b));
        for (k, y) in years.iter().enumerate() {
            for (unit, &(score, rank)) in &per_year[k].0 {
                let at = |j: usize| per_year[j].0.get(unit).copied();
                let first_at = at(0);
                let ri = interval(k, unit);
                let movement = match (first_at.and_then(|f| f.1), rank, interval(0, unit), ri) {
                    (Some(r0), Some(r), Some(i0), Some(i)) if k > 0 => Some(moved(r0, r, i0, i)),
                    _ => None,
                };
                rows.push(Row {
                    unit: unit.to_string(),
                    code: code.clone(),
                    level: *level,
                    year: y.year,
                    score,
                    rank,
                    of: per_year[k].1,
                    rank_low: ri.map(|r| r.q05),
                    rank_high: ri.map(|r| r.q95),
                    previous_year: (k > 0).then(|| years[k - 1].year),
                    change_previous: (k > 0).then(|| at(k - 1)).flatten().map(|p| score - p.0),
                    change_first: (k > 0).then_some(first_at).flatten().map(|f| score - f.0),
                    change_baseline: base_k.filter(|&b| k >= b).and_then(at).map(|b| score - b.0),
                    rank_change_first: match (first_at.and_then(|f| f.1), rank) {
                        (Some(r0), Some(r)) if k > 0 => Some(i64::from(r0) - i64::from(r)),
                        _ => None,
                    },
                    movement,
                    to_frontier: per_year[k].2 - score,
                });
            }
        }
    }
    let movers = match fw.top_code() {
        Some(top) if years.len() > 1 => movers(top, effective, first, last, &rows),
        _ => Vec::new(),
    };
    let targets = match spec {
        Some(s) => targets(fw, s, first, last)?,
        None => Vec::new(),
    };
    Ok(Progress {
        first: first.year,
        last: last.year,
        baseline,
        baseline_pending: declared.filter(|_| baseline.is_none()),
        rows,
        movers,
        targets,
    })
}

/// A move only when each year's rank lies outside the other's interval.
fn moved(r0: u32, r: u32, i0: &RankInterval, i: &RankInterval) -> Movement {
    let (r0, r) = (f64::from(r0), f64::from(r));
    if r < i0.q05 && r0 > i.q95 {
        Movement::Up
    } else if r > i0.q95 && r0 < i.q05 {
        Movement::Down
    } else {
        Movement::NoChange
    }
}

fn movers(top: &str, effective: &[(String, f64)], first: &Year<'_>, last: &Year<'_>, rows: &[Row]) -> Vec<Mover> {
    let mut out: Vec<Mover> = rows
        .iter()
        .filter(|r| r.code == top && r.year == last.year)
        .filter_map(|r| {
            let change = r.change_first?;
            let rank_first =
                rows.iter().find(|f| f.code == top && f.year == first.year && f.unit == r.unit).and_then(|f| f.rank);
            let (i0, i1) = (first.scores.row_index(&r.unit)?, last.scores.row_index(&r.unit)?);
            let mut drivers: Vec<Driver> = effective
                .iter()
                .filter_map(|(code, w)| {
                    let a = first.scores.values.get(i0, first.scores.col_index(code)?);
                    let b = last.scores.values.get(i1, last.scores.col_index(code)?);
                    (a.is_finite() && b.is_finite()).then(|| Driver { code: code.clone(), contribution: w * (b - a) })
                })
                .filter(|d| d.contribution != 0.0)
                .collect();
            drivers.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
            drivers.truncate(3);
            Some(Mover { unit: r.unit.clone(), change, rank_first, rank_last: r.rank, movement: r.movement, drivers })
        })
        .collect();
    out.sort_by(|a, b| b.change.total_cmp(&a.change).then_with(|| a.unit.cmp(&b.unit)));
    out
}

fn targets(
    fw: &Framework,
    spec: &ProgressSpec,
    first: &Year<'_>,
    last: &Year<'_>,
) -> Result<Vec<TargetRow>, AuditError> {
    let mut out = Vec::new();
    for t in &spec.targets {
        let node = fw.index_of(&t.code).map(|i| fw.node(i)).filter(|n| n.level == 1).ok_or_else(|| {
            AuditError(format!("[[progress.target]] names {:?}, which is not an indicator of the framework", t.code))
        })?;
        if node.scored_by_target() {
            return Err(AuditError(format!(
                "[[progress.target]] {}: the indicator is scored by closeness to its own target; a progress target would contradict it",
                t.code
            )));
        }
        let dir = if node.direction < 0.0 { -1.0 } else { 1.0 };
        if let Some(m) = t.met_at.filter(|m| dir * (m - t.value) > 0.0) {
            return Err(AuditError(format!(
                "[[progress.target]] {}: met_at = {m} is beyond the target {} itself; it may only be short of it",
                t.code, t.value
            )));
        }
        // the unit's own data, never an estimate (older or interpolated
        // values, group estimates)
        let read = |v: &Provenance| v.value.is_finite() && v.flag.is_own_data() && !v.flag.is_estimate();
        for v in last.values.iter().filter(|v| v.code == t.code && read(v)) {
            let start = first.values.iter().find(|f| f.code == t.code && f.unit == v.unit && read(f));
            let met = dir * (v.value - t.met_at.unwrap_or(t.value)) >= 0.0;
            let gap = if met { 0.0 } else { (dir * (t.value - v.value)).max(0.0) };
            let pace = match (start, v.data_year) {
                (Some(s), Some(y1)) => match s.data_year {
                    Some(y0) if y1 > y0 => Some(dir * (v.value - s.value) / f64::from(y1 - y0)),
                    _ => None,
                },
                _ => None,
            };
            let reaches_by = match (pace, v.data_year) {
                (Some(p), Some(y)) if gap > 0.0 && p > 0.0 => {
                    let years = (gap / p).ceil();
                    (years < 1000.0).then(|| y + years as i32)
                }
                _ => None,
            };
            let status = if gap <= 0.0 {
                TargetStatus::Met
            } else {
                match (pace, reaches_by) {
                    (None, _) => TargetStatus::Unknown,
                    (Some(_), Some(y)) if y <= t.year => TargetStatus::OnTrack,
                    _ => TargetStatus::OffTrack,
                }
            };
            out.push(TargetRow {
                unit: v.unit.clone(),
                code: t.code.clone(),
                target: t.value,
                target_year: t.year,
                value: v.value,
                data_year: v.data_year,
                flag: v.flag,
                first_value: start.map(|s| s.value),
                first_data_year: start.and_then(|s| s.data_year),
                gap,
                pace,
                reaches_by,
                status,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::{DataSet, Matrix, NodeSpec};
    use digindex_pipeline::spec::Target;

    fn fw() -> Framework {
        let n = |c: &str, p: Option<&str>| NodeSpec { code: c.into(), parent: p.map(Into::into), ..Default::default() };
        Framework::new(vec![n("a", Some("P")), n("b", Some("P")), n("P", None)], vec![]).expect("a framework")
    }

    /// Units x, y, z: indicators a, b and the index P (their mean).
    fn scores(rows: [[f64; 2]; 3]) -> DataSet {
        let cols: Vec<Vec<f64>> = vec![
            rows.iter().map(|r| r[0]).collect(),
            rows.iter().map(|r| r[1]).collect(),
            rows.iter().map(|r| (r[0] + r[1]) / 2.0).collect(),
        ];
        DataSet::new(
            vec!["x".into(), "y".into(), "z".into()],
            vec!["a".into(), "b".into(), "P".into()],
            Matrix::from_columns(3, &cols).expect("3 rows"),
        )
    }

    fn interval(unit: &str, lo: f64, hi: f64) -> RankInterval {
        RankInterval {
            unit: unit.into(),
            nominal_rank: None,
            mean_rank: lo,
            median_rank: lo,
            q05: lo,
            q95: hi,
            runs: 10,
        }
    }

    fn value(unit: &str, v: f64, year: i32, flag: Flag) -> Provenance {
        Provenance {
            unit: unit.into(),
            code: "a".into(),
            value: v,
            data_year: Some(year),
            flag,
            detail: String::new(),
            below: None,
        }
    }

    #[test]
    fn changes_frontier_moves_and_drivers_by_hand() {
        let (s0, s1, s2) = (
            scores([[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]]),
            scores([[20.0, 20.0], [30.0, 40.0], [50.0, 60.0]]),
            scores([[90.0, 70.0], [30.0, 42.0], [50.0, 60.0]]),
        );
        // first year: x 3rd, y 2nd, z 1st; the last: x 1st, z 2nd, y 3rd
        let wide =
            vec![("P".to_string(), vec![interval("x", 2.0, 3.0), interval("y", 1.0, 3.0), interval("z", 1.0, 1.0)])];
        let last =
            vec![("P".to_string(), vec![interval("x", 1.0, 1.0), interval("y", 2.0, 3.0), interval("z", 2.0, 2.0)])];
        let none = Vec::new();
        let years = [
            Year { year: 2019, scores: &s0, intervals: &wide, values: &[] },
            Year { year: 2020, scores: &s1, intervals: &none, values: &[] },
            Year { year: 2022, scores: &s2, intervals: &last, values: &[] },
        ];
        let eff = [("a".to_string(), 0.5), ("b".to_string(), 0.5)];
        let spec = ProgressSpec { baseline: Some(2020), targets: vec![] };
        let p = progress(&fw(), &eff, &years, Some(&spec)).expect("progress");
        let row = |u: &str, y: i32| p.rows.iter().find(|r| r.unit == u && r.year == y && r.code == "P").expect("row");
        let x = row("x", 2022);
        assert_eq!((x.score, x.rank, x.of), (80.0, Some(1), 3));
        assert_eq!((x.previous_year, x.change_previous), (Some(2020), Some(60.0)));
        assert_eq!((x.change_first, x.change_baseline), (Some(65.0), Some(60.0)));
        assert_eq!((x.rank_change_first, x.to_frontier), (Some(2), 0.0));
        // 3rd -> 1st, outside both intervals: up; z 1st -> 2nd: outside both: down
        assert_eq!(x.movement, Some(Movement::Up));
        assert_eq!(row("z", 2022).movement, Some(Movement::Down));
        // y 2nd -> 3rd, but 3rd lies inside its first interval [1, 3]: no change
        assert_eq!(row("y", 2022).movement, Some(Movement::NoChange));
        // no intervals in 2020: no reading; the baseline is not before itself
        assert_eq!(row("x", 2020).movement, None);
        assert_eq!(row("x", 2019).change_baseline, None);
        assert_eq!(row("y", 2022).to_frontier, 80.0 - 36.0);
        assert_eq!((p.baseline, p.baseline_pending), (Some(2020), None));
        // x rose by 65: a +80 × 0.5 = 40, b +50 × 0.5 = 25
        let m = &p.movers[0];
        assert_eq!((m.unit.as_str(), m.change, m.rank_first, m.rank_last), ("x", 65.0, Some(3), Some(1)));
        let d: Vec<(&str, f64)> = m.drivers.iter().map(|d| (d.code.as_str(), d.contribution)).collect();
        assert_eq!(d, [("a", 40.0), ("b", 25.0)]);
        let sum: f64 = m.drivers.iter().map(|d| d.contribution).sum();
        assert_eq!(sum, m.change, "under arithmetic aggregation the drivers add up to the change");
        assert_eq!(p.movers.last().map(|m| m.unit.as_str()), Some("z"));
    }

    #[test]
    fn a_baseline_not_built_is_pending() {
        let s = scores([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let years = [Year { year: 2024, scores: &s, intervals: &[], values: &[] }];
        let spec = ProgressSpec { baseline: Some(2025), targets: vec![] };
        let p = progress(&fw(), &[], &years, Some(&spec)).expect("progress");
        assert_eq!((p.baseline, p.baseline_pending), (None, Some(2025)));
        assert!(p.rows.iter().all(|r| r.change_baseline.is_none() && r.change_first.is_none()));
        assert!(p.movers.is_empty());
    }

    #[test]
    fn targets_gap_pace_and_status() {
        let s = scores([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
        let first = [
            value("x", 50.0, 2019, Flag::Observed),
            value("y", 80.0, 2019, Flag::Observed),
            value("z", 99.0, 2019, Flag::Observed),
        ];
        let last = [
            value("x", 60.0, 2023, Flag::Observed),  // 2.5 a year, 40 to go: 2039
            value("y", 96.0, 2022, Flag::Observed),  // 16/3 a year, 4 to go: 2023
            value("z", 100.0, 2023, Flag::Observed), // met
            value("w", 70.0, 2022, Flag::Imputed),   // an estimate: not read
            value("v", 90.0, 2021, Flag::Older),     // an older own value: an estimate, not read
        ];
        let years = [
            Year { year: 2019, scores: &s, intervals: &[], values: &first },
            Year { year: 2023, scores: &s, intervals: &[], values: &last },
        ];
        let t =
            Target { code: "a".into(), value: 100.0, year: 2030, source: "a plan".into(), note: None, met_at: None };
        let spec = ProgressSpec { baseline: None, targets: vec![t.clone()] };
        let p = progress(&fw(), &[], &years, Some(&spec)).expect("progress");
        type Got<'a> = (&'a str, f64, Option<f64>, Option<i32>, TargetStatus);
        let got: Vec<Got<'_>> =
            p.targets.iter().map(|r| (r.unit.as_str(), r.gap, r.pace, r.reaches_by, r.status)).collect();
        assert_eq!(
            got,
            [
                ("x", 40.0, Some(2.5), Some(2039), TargetStatus::OffTrack),
                ("y", 4.0, Some(16.0 / 3.0), Some(2023), TargetStatus::OnTrack),
                ("z", 0.0, Some(0.25), None, TargetStatus::Met),
            ]
        );
        // met from 95 on (as ITU reads a universal target): y is met
        let lenient = ProgressSpec { baseline: None, targets: vec![Target { met_at: Some(95.0), ..t.clone() }] };
        let p = progress(&fw(), &[], &years, Some(&lenient)).expect("progress");
        assert_eq!((p.targets[1].unit.as_str(), p.targets[1].gap, p.targets[1].status), ("y", 0.0, TargetStatus::Met));
        let beyond = ProgressSpec { baseline: None, targets: vec![Target { met_at: Some(101.0), ..t.clone() }] };
        let e = progress(&fw(), &[], &years, Some(&beyond)).unwrap_err().to_string();
        assert!(e.contains("met_at = 101 is beyond the target"), "{e}");
        // a target on an aggregate, or an unknown code: an error naming it
        let bad = ProgressSpec { baseline: None, targets: vec![Target { code: "P".into(), ..t }] };
        let e = progress(&fw(), &[], &years, Some(&bad)).unwrap_err().to_string();
        assert!(e.contains("\"P\", which is not an indicator"), "{e}");
    }
}
