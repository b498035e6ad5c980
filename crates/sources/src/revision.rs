//! Revisions: what changed in a series between two vintages of the data
//! (two catalogues, or one before and after a refresh) — values revised,
//! added and removed, by unit and year, the biggest revisions first.
//!
//! Values are compared as imported and corrected, so a correction shows as
//! a revision of the vintage it was added to. A value a source suppressed
//! below its threshold (censored) counts as no value here.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::Series;

/// What happened to one unit's value of one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Revised,
    Added,
    Removed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Revised => "revised",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// One value that differs between the vintages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    pub indicator: String,
    pub unit: String,
    pub year: i32,
    pub change: Change,
    pub old: Option<f64>,
    pub new: Option<f64>,
}

impl Revision {
    /// `new − old` (revised values only).
    pub fn difference(&self) -> Option<f64> {
        Some(self.new? - self.old?)
    }

    /// `(new − old) / |old|` (revised values only; none from 0).
    pub fn relative(&self) -> Option<f64> {
        let (old, new) = (self.old?, self.new?);
        (old != 0.0).then(|| (new - old) / old.abs())
    }
}

/// The values of `old` and `new` (the same indicator in two vintages) that
/// differ: by unit, then year.
pub fn revisions(old: &Series, new: &Series) -> Vec<Revision> {
    let values = |s: &Series| -> BTreeMap<(String, i32), f64> {
        s.observations
            .iter()
            .filter(|o| o.value.is_finite() && o.censored.is_none())
            .map(|o| ((o.unit.clone(), o.year), o.value))
            .collect()
    };
    let (a, b) = (values(old), values(new));
    let code = &new.indicator.code;
    let mut out = Vec::new();
    for (k, &x) in &a {
        let change = match b.get(k) {
            Some(&y) if y == x => continue,
            Some(_) => Change::Revised,
            None => Change::Removed,
        };
        out.push(Revision {
            indicator: code.clone(),
            unit: k.0.clone(),
            year: k.1,
            change,
            old: Some(x),
            new: b.get(k).copied(),
        });
    }
    for (k, &y) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
        out.push(Revision {
            indicator: code.clone(),
            unit: k.0.clone(),
            year: k.1,
            change: Change::Added,
            old: None,
            new: Some(y),
        });
    }
    out.sort_by(|x, y| (&x.unit, x.year).cmp(&(&y.unit, y.year)));
    out
}

/// How many of `rows` are revised, added and removed.
pub fn counts(rows: &[Revision]) -> [usize; 3] {
    let n = |c: Change| rows.iter().filter(|r| r.change == c).count();
    [n(Change::Revised), n(Change::Added), n(Change::Removed)]
}

/// Revisions with the biggest first: by relative change (a revision from 0
/// counts as the largest), then absolute change; additions and removals
/// after every revision.
pub fn biggest_first(rows: &mut [Revision]) {
    let size = |r: &Revision| match (r.change, r.relative(), r.difference()) {
        (Change::Revised, Some(rel), _) => rel.abs(),
        (Change::Revised, None, _) => f64::INFINITY,
        _ => f64::NEG_INFINITY,
    };
    rows.sort_by(|a, b| {
        size(b)
            .total_cmp(&size(a))
            .then_with(|| b.difference().unwrap_or(0.0).abs().total_cmp(&a.difference().unwrap_or(0.0).abs()))
            .then_with(|| a.change.cmp(&b.change))
            .then_with(|| (&a.indicator, &a.unit, a.year).cmp(&(&b.indicator, &b.unit, b.year)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Indicator;
    use digindex_data::Observation;

    fn series(obs: Vec<Observation>) -> Series {
        Series::of(Indicator { code: "x".into(), ..Default::default() }, obs)
    }

    #[test]
    fn a_revision_an_addition_and_a_removal() {
        let old = series(vec![
            Observation::new("A", 2020, 10.0),
            Observation::new("A", 2021, 12.0),
            Observation::new("B", 2020, 5.0),
            Observation::new("C", 2020, f64::NAN),
        ]);
        let new = series(vec![
            Observation::new("A", 2020, 10.0),     // the same
            Observation::new("A", 2021, 15.0),     // revised
            Observation::new("A", 2022, 16.0),     // added
            Observation::new("C", 2020, f64::NAN), // no value either time
        ]);
        let r = revisions(&old, &new);
        type Got<'a> = (&'a str, i32, Change, Option<f64>, Option<f64>);
        let got: Vec<Got<'_>> = r.iter().map(|r| (r.unit.as_str(), r.year, r.change, r.old, r.new)).collect();
        assert_eq!(
            got,
            [
                ("A", 2021, Change::Revised, Some(12.0), Some(15.0)),
                ("A", 2022, Change::Added, None, Some(16.0)),
                ("B", 2020, Change::Removed, Some(5.0), None),
            ]
        );
        assert_eq!((r[0].difference(), r[0].relative()), (Some(3.0), Some(0.25)));
        assert_eq!((r[1].difference(), r[1].relative()), (None, None));
    }

    #[test]
    fn the_biggest_revisions_come_first() {
        let rev = |u: &str, old: f64, new: f64| Revision {
            indicator: "x".into(),
            unit: u.into(),
            year: 2020,
            change: Change::Revised,
            old: Some(old),
            new: Some(new),
        };
        let mut rows = vec![
            Revision { change: Change::Added, old: None, ..rev("D", 0.0, 1.0) },
            rev("A", 100.0, 101.0), // +1%
            rev("B", 1.0, 2.0),     // +100%
            rev("C", 0.0, 0.5),     // from 0: first
            rev("E", 10.0, 5.0),    // -50%
        ];
        biggest_first(&mut rows);
        let order: Vec<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
        assert_eq!(order, ["C", "B", "E", "A", "D"]);
    }
}
