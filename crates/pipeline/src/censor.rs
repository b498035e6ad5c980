//! Censor: place the values a source suppressed as below a threshold.
//!
//! Some sources publish a value only at or above a threshold (GitHub: 100
//! developers), so a country without a value is not "unknown" but "below
//! 100". Such a cell enters the build with no value and a bound
//! ([`Censored`]); after division by a denominator the bound is divided
//! too (fewer than 100 developers in 26 million people is fewer than 3.8
//! per million). Then, indicator by indicator:
//!
//! * a censored cell whose bound is at most the lowest published value is
//!   certainly below every published value: all such cells get one common
//!   stand-in, half the smaller of that lowest value and their smallest
//!   bound, so that they rank below every published value and tie with
//!   each other;
//! * a censored cell whose bound is above the lowest published value
//!   (fewer than 100 developers in 12,000 people says little) cannot be
//!   placed: it stays missing, and no estimate is made for it (an estimate
//!   could contradict what is known).
//!
//! Without censored cells the step is the identity.

use digindex_data::{DataSet, Framework, Matrix, UnitTable};
use serde::Serialize;

use crate::BuildError;
use crate::denominate::divisor;
use crate::spec::DenominateSpec;

/// A cell the source suppressed as below `below` (rows and columns of the
/// raw data). A `partial` cell has a value (made with some of its parts
/// suppressed, e.g. quarters counted at half the threshold): it is not
/// placed, and it does not count as a published value when the others are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Censored {
    pub row: usize,
    pub col: usize,
    pub below: f64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// One censored cell as handled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedCell {
    pub unit: String,
    pub code: String,
    /// The bound after division by the denominator.
    pub below: f64,
    /// The stand-in (`None`: the bound does not place it; left missing).
    pub value: Option<f64>,
    /// The lowest published value of the indicator.
    pub lowest_published: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CensorLog {
    pub cells: Vec<PlacedCell>,
}

/// Places the censored cells in `ds` (the denominated data; `denominate`
/// is the recipe's step, `None` when it is off).
pub fn place(
    ds: &DataSet,
    censored: &[Censored],
    fw: &Framework,
    units: &UnitTable,
    denominate_spec: Option<&DenominateSpec>,
) -> Result<(DataSet, CensorLog), BuildError> {
    let mut out = ds.clone();
    let mut log = CensorLog::default();
    if censored.is_empty() {
        return Ok((out, log));
    }
    let (nrow, ncol) = (ds.values.nrow(), ds.values.ncol());
    if let Some(c) = censored.iter().find(|c| c.row >= nrow || c.col >= ncol || !(c.below > 0.0 && c.below.is_finite()))
    {
        return Err(BuildError::new(
            "censor",
            format!("internal: censored cell {c:?} outside the data or without a bound"),
        ));
    }
    // the bounds, divided as the values are (a missing or zero denominator
    // leaves the bound unknown)
    let mut bounds = Matrix::missing(nrow, ncol);
    for c in censored.iter().filter(|c| !c.partial) {
        let divided = match denominate_spec {
            Some(s) => match divisor(&ds.codes[c.col], fw, units, s)? {
                Some((_, den, scale)) => {
                    let d = den.values.get(c.row).copied().unwrap_or(f64::NAN);
                    if d.is_finite() && d != 0.0 { c.below / (d / scale) } else { f64::NAN }
                }
                None => c.below,
            },
            None => c.below,
        };
        bounds.set(c.row, c.col, divided);
    }
    for j in 0..ncol {
        let all: Vec<&Censored> = censored.iter().filter(|c| c.col == j).collect();
        let cells: Vec<&Censored> = all.iter().copied().filter(|c| !c.partial).collect();
        if cells.is_empty() {
            continue;
        }
        let col = ds.values.col(j);
        // published values: not censored at all (a partly censored value is
        // itself an estimate)
        let lowest = (0..nrow)
            .filter(|i| !all.iter().any(|c| c.row == *i))
            .map(|i| col[i])
            .filter(|v| !v.is_nan())
            .min_by(f64::total_cmp);
        let bound = |i: usize| bounds.get(i, j);
        let placeable = |i: usize| !bound(i).is_nan() && lowest.is_none_or(|m| bound(i) <= m);
        let smallest = cells.iter().map(|c| c.row).filter(|&i| placeable(i)).map(bound).min_by(f64::total_cmp);
        let stand_in = smallest.map(|b| lowest.map_or(b, |m| m.min(b)) / 2.0);
        for c in &cells {
            let value = if placeable(c.row) { stand_in } else { None };
            out.values.set(c.row, j, value.unwrap_or(f64::NAN));
            log.cells.push(PlacedCell {
                unit: ds.units[c.row].clone(),
                code: ds.codes[j].clone(),
                below: bound(c.row),
                value,
                lowest_published: lowest,
            });
        }
    }
    Ok((out, log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::{NodeSpec, NumericColumn};

    fn setup() -> (DataSet, Framework, UnitTable) {
        let n = |c: &str, p: Option<&str>, d: Option<&str>| NodeSpec {
            code: c.into(),
            parent: p.map(Into::into),
            denominator: d.map(Into::into),
            ..Default::default()
        };
        let fw = Framework::new(
            vec![n("count", Some("I"), None), n("per_m", Some("I"), Some("pop")), n("I", None, None)],
            vec![],
        )
        .expect("valid");
        let units = UnitTable {
            codes: vec!["big".into(), "mid".into(), "tiny".into(), "pub".into()],
            names: vec![None; 4],
            groups: vec![],
            // populations in millions
            denominators: vec![NumericColumn { name: "pop".into(), values: vec![26.0, 5.0, 0.0126, 10.0] }],
        };
        let nan = f64::NAN;
        // published: "pub" has 1,000 (per_m: 1,000 / 10 = 100 per million)
        let ds = DataSet::new(
            units.codes.clone(),
            vec!["count".into(), "per_m".into()],
            Matrix::from_columns(4, &[vec![nan, nan, nan, 1000.0], vec![nan, nan, nan, 1000.0]]).expect("equal"),
        );
        (ds, fw, units)
    }

    #[test]
    fn censored_cells_rank_below_published_values_and_tie() {
        let (ds, fw, units) = setup();
        let censored: Vec<Censored> =
            (0..3).flat_map(|row| [0, 1].map(|col| Censored { row, col, below: 100.0, partial: false })).collect();
        let spec = DenominateSpec::default();
        let (den, _) = crate::denominate::denominate(&ds, &fw, &units, &spec).expect("ok");
        let (out, log) = place(&den, &censored, &fw, &units, Some(&spec)).expect("ok");
        // counts: every censored cell is below 100 <= 1,000: all get 50
        assert_eq!(&out.values.col(0)[..3], &[50.0, 50.0, 50.0]);
        // per million: bounds 100/26 = 3.85 and 100/5 = 20 are below the published 100 per million,
        // so both get half the smaller bound; 100/0.0126 = 7,937 per million places nothing: missing
        let per_m = out.values.col(1);
        assert_eq!(per_m[0], 100.0 / 26.0 / 2.0);
        assert_eq!(per_m[0], per_m[1]);
        assert!(per_m[2].is_nan());
        assert_eq!(per_m[3], 100.0);
        let tiny = log.cells.iter().find(|c| c.unit == "tiny" && c.code == "per_m").expect("logged");
        assert_eq!((tiny.value, tiny.lowest_published), (None, Some(100.0)));
        assert!((tiny.below - 100.0 / 0.0126).abs() < 1e-9);
    }

    #[test]
    fn partly_censored_values_are_no_published_floor_and_zero_denominators_leave_bounds_unknown() {
        let (mut ds, fw, mut units) = setup();
        // "mid" has a partly censored count of 83 (some quarters below 100, counted as 50)
        ds.values.set(1, 0, 83.0);
        let censored = vec![
            Censored { row: 0, col: 0, below: 100.0, partial: false },
            Censored { row: 1, col: 0, below: 100.0, partial: true },
            Censored { row: 2, col: 1, below: 100.0, partial: false },
        ];
        let (out, log) = place(&ds, &censored, &fw, &units, None).expect("ok");
        // compared with the published 1,000 only: "big" is placed at 50, "mid" keeps its 83
        assert_eq!((out.values.get(0, 0), out.values.get(1, 0)), (50.0, 83.0));
        assert_eq!(log.cells.iter().filter(|c| c.code == "count").count(), 1);
        // a zero population: the bound per head is unknown, so the cell is not placed (and the build goes on)
        units.denominators[0].values[2] = 0.0;
        let (out, log) = place(&ds, &censored, &fw, &units, Some(&DenominateSpec::default())).expect("no error");
        assert!(out.values.get(2, 1).is_nan());
        assert!(log.cells.iter().any(|c| c.unit == "tiny" && c.value.is_none() && c.below.is_nan()));
    }

    #[test]
    fn without_censored_cells_the_step_is_the_identity() {
        let (ds, fw, units) = setup();
        let (out, log) = place(&ds, &[], &fw, &units, None).expect("ok");
        assert_eq!(format!("{:?}", out.values), format!("{:?}", ds.values));
        assert!(log.cells.is_empty());
        assert!(place(&ds, &[Censored { row: 9, col: 0, below: 1.0, partial: false }], &fw, &units, None).is_err());
    }
}
