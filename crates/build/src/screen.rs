//! Screen: drop units with too little data (COINr's `Screen()`).
//!
//! For each unit, coverage = share of indicators present and non-zero
//! share = share of non-zero values among those present. With `by = "na"`
//! a unit is dropped when coverage < `min_coverage`; with `"zeros"` when
//! its non-zero share < `min_nonzero`; with `"na_and_zeros"` when either
//! holds. A unit with no value at all counts as having no non-zero value.
//! `include` / `exclude` force a unit in or out (exclude wins).

use digindex_data::{DataSet, suggest};
use serde::Serialize;

use crate::BuildError;
use crate::spec::{ScreenBy, ScreenSpec};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCoverage {
    pub unit: String,
    pub n_missing: usize,
    pub n_zero: usize,
    pub coverage: f64,
    pub nonzero: f64,
    pub included: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ScreenLog {
    pub removed: Vec<String>,
    pub units: Vec<UnitCoverage>,
}

/// Returns the kept rows of `ds` and the log.
pub fn screen(ds: &DataSet, spec: &ScreenSpec) -> Result<(DataSet, ScreenLog), BuildError> {
    for u in spec.include.iter().chain(&spec.exclude) {
        if ds.row_index(u).is_none() {
            return Err(BuildError::new(
                "screen",
                format!(
                    "screen.include/exclude names unit {u:?}, which is not in the data{}",
                    suggest(u, ds.units.iter())
                ),
            ));
        }
    }
    let k = ds.codes.len();
    let mut log = ScreenLog::default();
    let mut keep = Vec::with_capacity(ds.units.len());
    for (i, unit) in ds.units.iter().enumerate() {
        let mut n_missing = 0;
        let mut n_zero = 0;
        for j in 0..k {
            let v = ds.values.get(i, j);
            if v.is_nan() {
                n_missing += 1;
            } else if v == 0.0 {
                n_zero += 1;
            }
        }
        let coverage = 1.0 - n_missing as f64 / k as f64;
        // a unit with no value at all has no non-zero value either
        let nonzero = if n_missing == k { 0.0 } else { 1.0 - n_zero as f64 / (k - n_missing) as f64 };
        let low_data = coverage < spec.min_coverage;
        let low_nonzero = nonzero < spec.min_nonzero;
        let mut included = match spec.by {
            ScreenBy::Na => !low_data,
            ScreenBy::Zeros => !low_nonzero,
            ScreenBy::NaAndZeros => !(low_data || low_nonzero),
        };
        if spec.include.contains(unit) {
            included = true;
        }
        if spec.exclude.contains(unit) {
            included = false;
        }
        if !included {
            log.removed.push(unit.clone());
        }
        keep.push(included);
        log.units.push(UnitCoverage { unit: unit.clone(), n_missing, n_zero, coverage, nonzero, included });
    }
    if !keep.iter().any(|k| *k) {
        return Err(BuildError::new(
            "screen",
            format!(
                "no unit passes screening (min_coverage = {}, min_nonzero = {}); lower the thresholds",
                spec.min_coverage, spec.min_nonzero
            ),
        ));
    }
    Ok((ds.select_rows(&keep), log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::Matrix;

    fn ds() -> DataSet {
        let nan = f64::NAN;
        DataSet::new(
            vec!["a".into(), "b".into(), "c".into()],
            vec!["x".into(), "y".into(), "z".into(), "w".into()],
            Matrix::from_columns(
                3,
                &[vec![1.0, nan, 0.0], vec![1.0, nan, 0.0], vec![1.0, 1.0, 0.0], vec![nan, 1.0, 0.0]],
            )
            .expect("equal"),
        )
    }

    fn spec(by: ScreenBy, min_coverage: f64) -> ScreenSpec {
        ScreenSpec { enabled: true, by, min_coverage, min_nonzero: 0.05, include: vec![], exclude: vec![] }
    }

    #[test]
    fn by_coverage_threshold_inclusive() {
        let (out, log) = screen(&ds(), &spec(ScreenBy::Na, 0.75)).expect("ok");
        assert_eq!(out.units, ["a", "c"]);
        assert_eq!(log.removed, ["b"]);
        assert_eq!(log.units[0].coverage, 0.75);
    }

    #[test]
    fn by_zeros_and_forcing() {
        let (out, _) = screen(&ds(), &spec(ScreenBy::Zeros, 0.0)).expect("ok");
        assert_eq!(out.units, ["a", "b"]);
        let mut s = spec(ScreenBy::NaAndZeros, 0.75);
        s.include = vec!["c".into()];
        s.exclude = vec!["a".into()];
        let (out, _) = screen(&ds(), &s).expect("ok");
        assert_eq!(out.units, ["c"]);
        s.exclude = vec!["q".into()];
        assert!(screen(&ds(), &s).is_err());
    }

    #[test]
    fn unit_without_values_fails_the_zero_screen() {
        let nan = f64::NAN;
        let d = DataSet::new(
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into()],
            Matrix::from_columns(2, &[vec![1.0, nan], vec![2.0, nan]]).expect("equal"),
        );
        let (out, log) = screen(&d, &spec(ScreenBy::Zeros, 0.0)).expect("ok");
        assert_eq!(out.units, ["a"]);
        assert_eq!(log.units[1].nonzero, 0.0);
    }
}
