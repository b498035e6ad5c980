//! The ladder of a cell: how a unit's value for the reference year is
//! found in its series ([`pick`] by the year rule within `max_age`, else
//! an own older value within `fallback_age`), and what the cell says about
//! it (corrected, censored, excluded, older).

use std::collections::BTreeMap;

use digindex_data::Observation;
use digindex_data::provenance::{Cell, Flag};
use digindex_pipeline::spec::YearRule;

use crate::catalog::Series;
use crate::corrections::Applied;

/// How a cell's value was found.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Pick {
    /// The reference year's own value.
    Exact,
    /// An earlier year's value (carried forward).
    Older(i32),
    /// Interpolated between two years.
    Interpolated(i32, i32),
}

/// The value a rule gives for `year`, and how it was found.
pub fn pick(obs: &[(i32, f64)], year: i32, rule: YearRule, max_age: i32) -> Option<(f64, Pick)> {
    let at = obs.iter().find(|(y, _)| *y == year).map(|(_, v)| (*v, Pick::Exact));
    if at.is_some() || rule == YearRule::Exact {
        return at;
    }
    let before = obs.iter().filter(|(y, _)| *y < year && *y >= year - max_age).max_by_key(|(y, _)| *y);
    if rule == YearRule::Interpolate {
        let after = obs.iter().filter(|(y, _)| *y > year && *y <= year + max_age).min_by_key(|(y, _)| *y);
        if let (Some(&(y0, v0)), Some(&(y1, v1))) = (before, after) {
            // a suppressed value (NaN) cannot be interpolated with
            if !v0.is_nan() && !v1.is_nan() {
                let t = f64::from(year - y0) / f64::from(y1 - y0);
                return Some((v0 + t * (v1 - v0), Pick::Interpolated(y0, y1)));
            }
        }
    }
    before.map(|&(y, v)| (v, Pick::Older(y)))
}

#[derive(Clone, Copy)]
pub(super) struct Point<'a> {
    pub(super) year: i32,
    /// NaN when the source published only "below the threshold".
    pub(super) value: f64,
    pub(super) obs: &'a Observation,
}

/// A cell's value and where it came from; `below` for a value the source
/// suppressed (wholly, or in part: `true`) as below a bound.
pub(super) struct Found {
    pub(super) value: f64,
    pub(super) cell: Cell,
    pub(super) pick: Option<Pick>,
    pub(super) fallback: bool,
    pub(super) below: Option<(f64, bool)>,
}

fn show(x: f64) -> String {
    crate::import::show(x)
}

/// The ladder of a cell: the rule within `max_age`; else the unit's own
/// older value or an interpolation within `fallback_age`; else missing
/// (group estimates come later, in the build). Corrections, censoring and
/// exclusions are said in the cell.
/// How a series' value for a reference year is found: the rule, its
/// `max_age` and the `fallback_age` of own older values.
pub(super) type Rules = (YearRule, u32, Option<u32>);

pub(super) fn find(
    points: &[Point<'_>],
    series: &Series,
    flags: &BTreeMap<String, String>,
    unit: &str,
    year: i32,
    (rule, max_age, fallback_age): Rules,
) -> Found {
    let pairs: Vec<(i32, f64)> = points.iter().map(|p| (p.year, p.value)).collect();
    let mut fallback = false;
    let mut got = pick(&pairs, year, rule, max_age as i32);
    if got.is_none() {
        if let Some(f) = fallback_age.filter(|f| *f > max_age) {
            got = pick(&pairs, year, YearRule::Interpolate, f as i32);
            fallback = got.is_some();
        }
    }
    // an exclusion that took away a value the rules would have reached
    let reach = fallback_age.unwrap_or(max_age).max(max_age) as i32;
    // the year of the value found (for an interpolation, the earlier end:
    // an exclusion between the two ends is said too)
    let picked_year = got.map(|(_, p)| match p {
        Pick::Exact => year,
        Pick::Older(y) => y,
        Pick::Interpolated(y0, _) => y0,
    });
    let gone: Vec<&Applied> = series
        .corrections
        .iter()
        .filter(|a| a.unit == unit && a.after.is_none())
        .filter(|a| a.year <= year && a.year >= year - reach && picked_year.is_none_or(|y| a.year > y))
        .collect();
    // one note per reason: "the 2018-2024 values (0.00046 in 2024) were excluded: …"
    let mut excluded: Vec<String> = Vec::new();
    let mut reasons: Vec<&str> = gone.iter().map(|a| a.reason.as_str()).collect();
    reasons.dedup();
    for r in reasons {
        let same: Vec<&&Applied> = gone.iter().filter(|a| a.reason == r).collect();
        let (Some(first), Some(last)) = (same.first(), same.last()) else { continue };
        excluded.push(if same.len() == 1 {
            format!("the {} value {} was excluded: {r}", first.year, show(first.before))
        } else {
            format!(
                "the {}-{} values ({} in {}) were excluded: {r}",
                first.year,
                last.year,
                show(last.before),
                last.year
            )
        });
    }
    let note = |mut d: String| {
        for e in &excluded {
            if !d.is_empty() {
                d.push_str("; ");
            }
            d.push_str(e);
        }
        d
    };
    let Some((value, p)) = got else {
        let flag = if excluded.is_empty() { Flag::Missing } else { Flag::Excluded };
        return Found {
            value: f64::NAN,
            cell: Cell { flag, data_year: None, detail: note(String::new()) },
            pick: None,
            fallback: false,
            below: None,
        };
    };
    let at = |y: i32| points.iter().find(|q| q.year == y);
    let window = if fallback {
        format!(
            ", beyond the {max_age}-year window (own values up to {} years old stand in)",
            fallback_age.unwrap_or(0)
        )
    } else {
        String::new()
    };
    let (flag, data_year, detail, below) = match p {
        Pick::Interpolated(y0, y1) => (
            Flag::Interpolated,
            // no one year: the value lies between two
            None,
            format!(
                "interpolated between its own values {} ({y0}) and {} ({y1}){window}",
                show(at(y0).map_or(f64::NAN, |q| q.value)),
                show(at(y1).map_or(f64::NAN, |q| q.value))
            ),
            None,
        ),
        Pick::Exact | Pick::Older(_) => {
            let y = picked_year.unwrap_or(year);
            let o = at(y).map(|q| q.obs);
            let source_flag = o.and_then(|o| o.flag.as_deref()).map(|f| match flags.get(f) {
                Some(meaning) => format!("the source marks it {f:?}: {meaning}"),
                None => format!("source flag {f:?}"),
            });
            let corrected = series.correction(unit, y).filter(|a| a.action == crate::corrections::Action::Replace);
            if let Some(a) = corrected {
                let d = format!(
                    "source value {} replaced by {} ({}): {}",
                    show(a.before),
                    show(value),
                    a.source.as_deref().unwrap_or_default(),
                    a.reason
                );
                (Flag::Corrected, Some(y), d, None)
            } else if let Some(c) = o.and_then(|o| o.censored.as_ref()) {
                let d = c.describe(if series.indicator.format.is_github() { "quarter" } else { "part" });
                (Flag::Censored, Some(y), format!("{d}{window}"), Some((c.upper, c.published > 0)))
            } else if fallback {
                (Flag::Older, Some(y), format!("own value {y}{window}"), None)
            } else {
                (Flag::Observed, Some(y), source_flag.unwrap_or_default(), None)
            }
        }
    };
    // which edition a value comes from, and its rescaling
    let detail = match data_year.and_then(|y| series.notes.get(&(unit.to_string(), y))) {
        Some(n) if detail.is_empty() => n.clone(),
        Some(n) => format!("{detail}; {n}"),
        None => detail,
    };
    Found { value, cell: Cell { flag, data_year, detail: note(detail) }, pick: Some(p), fallback, below }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_rules() {
        let obs = [(2015, 10.0), (2018, 16.0), (2021, 22.0)];
        assert_eq!(pick(&obs, 2018, YearRule::Exact, 3), Some((16.0, Pick::Exact)));
        assert_eq!(pick(&obs, 2019, YearRule::Exact, 3), None);
        assert_eq!(pick(&obs, 2020, YearRule::Latest, 3), Some((16.0, Pick::Older(2018))));
        assert_eq!(pick(&obs, 2020, YearRule::Latest, 1), None);
        assert_eq!(pick(&obs, 2020, YearRule::Interpolate, 3), Some((20.0, Pick::Interpolated(2018, 2021))));
        // at the end of the series interpolation carries the last value forward
        assert_eq!(pick(&obs, 2023, YearRule::Interpolate, 3), Some((22.0, Pick::Older(2021))));
        // a gap wider than max_age on one side: carried forward instead
        assert_eq!(pick(&obs, 2016, YearRule::Interpolate, 1), Some((10.0, Pick::Older(2015))));
    }

    fn series_of(obs: Vec<Observation>, corrections: Vec<Applied>) -> Series {
        Series {
            indicator: crate::catalog::Indicator {
                code: "x".into(),
                format: crate::import::Format::Github,
                ..Default::default()
            },
            observations: obs,
            skipped: Default::default(),
            corrections,
            part_corrections: vec![],
            notes: BTreeMap::new(),
        }
    }

    fn points(s: &Series) -> Vec<Point<'_>> {
        s.observations.iter().map(|o| Point { year: o.year, value: o.value, obs: o }).collect()
    }

    #[test]
    fn the_ladder_prefers_the_units_own_data_and_says_how() {
        let s = series_of(vec![Observation::new("IND", 2018, 0.65), Observation::new("IND", 2020, 0.646)], vec![]);
        let p = points(&s);
        // within the window: observed, with its year
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2022, (YearRule::Latest, 3, Some(6)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (0.646, Flag::Observed, Some(2020)));
        // beyond the window: without a fallback age, missing (a group estimate may follow)
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2024, (YearRule::Latest, 3, None));
        assert_eq!(f.cell.flag, Flag::Missing);
        assert!(f.value.is_nan());
        // with one, the own older value stands in, said as such
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2024, (YearRule::Latest, 3, Some(6)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (0.646, Flag::Older, Some(2020)));
        assert!(f.cell.detail.contains("own value 2020, beyond the 3-year window"), "{}", f.cell.detail);
        // too old even for the fallback
        assert_eq!(
            find(&p, &s, &BTreeMap::new(), "IND", 2027, (YearRule::Latest, 3, Some(6))).cell.flag,
            Flag::Missing
        );
        // a gap inside the fallback reach is interpolated between own values
        let s2 = series_of(vec![Observation::new("IDN", 2015, 1.0), Observation::new("IDN", 2023, 3.0)], vec![]);
        let f = find(&points(&s2), &s2, &BTreeMap::new(), "IDN", 2019, (YearRule::Latest, 3, Some(4)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (2.0, Flag::Interpolated, None));
        assert!(f.cell.detail.contains("between its own values 1 (2015) and 3 (2023)"), "{}", f.cell.detail);
    }

    #[test]
    fn corrections_censoring_and_exclusions_are_said() {
        let excluded = Applied {
            indicator: "x".into(),
            unit: "WSM".into(),
            year: 2024,
            action: crate::corrections::Action::Exclude,
            before: 76.67,
            after: None,
            reason: "a one-year spike".into(),
            source: None,
            file: "corrections.toml".into(),
            line: 3,
            source_observation: Observation::new("WSM", 2024, 76.67),
        };
        let replaced = Applied {
            unit: "TON".into(),
            year: 2023,
            action: crate::corrections::Action::Replace,
            before: 28.46,
            after: Some(2.0),
            source: Some("the ministry".into()),
            ..excluded.clone()
        };
        let mut ton = Observation::new("TON", 2023, 2.0);
        ton.flag = None;
        let cen = Observation {
            censored: Some(digindex_data::panel::Censoring {
                below: 100.0,
                published: 0,
                parts: 4,
                lower: 0.0,
                upper: 100.0,
            }),
            ..Observation::new("PRK", 2024, f64::NAN)
        };
        let s = series_of(vec![Observation::new("WSM", 2023, 5.74), ton, cen], vec![excluded, replaced]);
        let by = |u: &str| -> Vec<Point<'_>> { points(&s).into_iter().filter(|p| p.obs.unit == u).collect() };
        // the excluded 2024 value gives way to 2023, and the cell says why
        let f = find(&by("WSM"), &s, &BTreeMap::new(), "WSM", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (5.74, Flag::Observed, Some(2023)));
        assert!(f.cell.detail.contains("the 2024 value 76.67 was excluded: a one-year spike"), "{}", f.cell.detail);
        // with nothing left, the cell is excluded, not plain missing
        let f = find(&by("WSM"), &s, &BTreeMap::new(), "WSM", 2024, (YearRule::Exact, 0, None));
        assert_eq!(f.cell.flag, Flag::Excluded);
        // a replaced value is corrected, with both values and the source
        let f = find(&by("TON"), &s, &BTreeMap::new(), "TON", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.value, f.cell.flag), (2.0, Flag::Corrected));
        assert!(f.cell.detail.contains("28.46 replaced by 2 (the ministry)"), "{}", f.cell.detail);
        // a suppressed value is censored, handed on with its bound
        let f = find(&by("PRK"), &s, &BTreeMap::new(), "PRK", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.cell.flag, f.below, f.cell.data_year), (Flag::Censored, Some((100.0, false)), Some(2024)));
        assert!(f.cell.detail.starts_with("< 100"), "{}", f.cell.detail);
    }
}
