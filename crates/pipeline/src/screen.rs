//! Screen: drop units with too little data (COINr's `Screen()`).
//!
//! For each unit, coverage = share of indicators present and non-zero
//! share = share of non-zero values among those present. With `by = "na"`
//! a unit is dropped when coverage < `min_coverage`; with `"zeros"` when
//! its non-zero share < `min_nonzero`; with `"na_and_zeros"` when either
//! holds. A unit with no value at all counts as having no non-zero value.
//! `include` / `exclude` force a unit in or out (exclude wins).
//!
//! What is counted is a choice (`on`, COINr's `dset`): the observed data
//! before imputation (`raw`), so that estimates cannot lift a unit over the
//! bar, or the imputed data (`imputed`, COINr's documented order, in which
//! screening after imputation removes nothing). `min_per_aggregate` adds a
//! rule per pillar: a unit needs that many counted indicators in every
//! aggregate directly above the indicators (all of them where a pillar has
//! fewer), so that no pillar score is made of estimates alone.

use digindex_data::{DataSet, Framework, suggest};
use serde::Serialize;

use crate::BuildError;
use crate::spec::{ScreenBy, ScreenOn, ScreenSpec};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCoverage {
    pub unit: String,
    pub n_missing: usize,
    pub n_zero: usize,
    pub coverage: f64,
    pub nonzero: f64,
    /// Pillars with fewer counted indicators than `min_per_aggregate` asks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub short_aggregates: Vec<String>,
    pub included: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ScreenLog {
    /// The data counted: observed (`raw`) or `imputed`.
    pub on: Option<ScreenOn>,
    pub removed: Vec<String>,
    pub units: Vec<UnitCoverage>,
}

/// Returns the kept rows of `ds` and the log. `counted` is the data whose
/// coverage decides (the same rows and columns as `ds`: `ds` itself, or
/// the data before imputation); `on` says which it is, for the log.
pub fn screen(
    ds: &DataSet,
    spec: &ScreenSpec,
    counted: &DataSet,
    on: ScreenOn,
    fw: &Framework,
) -> Result<(DataSet, ScreenLog), BuildError> {
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
    if counted.units != ds.units || counted.codes != ds.codes {
        return Err(BuildError::new("screen", "internal: the counted data do not line up with the screened data"));
    }
    // coverage is counted over the indicators present (with a value for
    // some unit): an indicator absent that year counts for no unit
    let present: Vec<usize> =
        (0..ds.codes.len()).filter(|&j| counted.values.col(j).iter().any(|v| !v.is_nan())).collect();
    // the pillars and the columns of their indicators
    let pillars: Vec<(&str, Vec<usize>)> = if spec.min_per_aggregate > 0 {
        fw.level(2)
            .iter()
            .map(|&p| {
                let n = fw.node(p);
                let cols = n
                    .children
                    .iter()
                    .filter_map(|&c| ds.col_index(&fw.node(c).code))
                    .filter(|j| present.contains(j))
                    .collect();
                (n.code.as_str(), cols)
            })
            .collect()
    } else {
        Vec::new()
    };
    let k = present.len().max(1);
    let mut log = ScreenLog { on: Some(on), ..Default::default() };
    let mut keep = Vec::with_capacity(ds.units.len());
    for (i, unit) in ds.units.iter().enumerate() {
        let mut n_missing = 0;
        let mut n_zero = 0;
        for &j in &present {
            let v = counted.values.get(i, j);
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
        let short_aggregates: Vec<String> = pillars
            .iter()
            .filter(|(_, cols)| {
                let have = cols.iter().filter(|&&j| !counted.values.get(i, j).is_nan()).count();
                have < spec.min_per_aggregate.min(cols.len())
            })
            .map(|(code, _)| code.to_string())
            .collect();
        let mut included = match spec.by {
            ScreenBy::Na => !low_data,
            ScreenBy::Zeros => !low_nonzero,
            ScreenBy::NaAndZeros => !(low_data || low_nonzero),
        } && short_aggregates.is_empty();
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
        log.units.push(UnitCoverage {
            unit: unit.clone(),
            n_missing,
            n_zero,
            coverage,
            nonzero,
            short_aggregates,
            included,
        });
    }
    if !keep.iter().any(|k| *k) {
        return Err(BuildError::new(
            "screen",
            format!(
                "no unit passes screening (min_coverage = {}, min_nonzero = {}, min_per_aggregate = {}); lower the thresholds",
                spec.min_coverage, spec.min_nonzero, spec.min_per_aggregate
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

    /// Four indicators in two pillars: P = {x, y}, Q = {z, w}.
    fn fw() -> Framework {
        use digindex_data::NodeSpec;
        let n = |c: &str, p: Option<&str>| NodeSpec { code: c.into(), parent: p.map(Into::into), ..Default::default() };
        Framework::new(
            vec![
                n("x", Some("P")),
                n("y", Some("P")),
                n("z", Some("Q")),
                n("w", Some("Q")),
                n("P", Some("I")),
                n("Q", Some("I")),
                n("I", None),
            ],
            vec![],
        )
        .expect("valid")
    }

    /// Screens `d` on itself.
    fn on_self(d: &DataSet, s: &ScreenSpec) -> Result<(DataSet, ScreenLog), BuildError> {
        screen(d, s, d, ScreenOn::Imputed, &fw())
    }

    fn spec(by: ScreenBy, min_coverage: f64) -> ScreenSpec {
        ScreenSpec {
            enabled: true,
            by,
            on: None,
            min_per_aggregate: 0,
            min_coverage,
            min_nonzero: 0.05,
            include: vec![],
            exclude: vec![],
        }
    }

    #[test]
    fn by_coverage_threshold_inclusive() {
        let (out, log) = on_self(&ds(), &spec(ScreenBy::Na, 0.75)).expect("ok");
        assert_eq!(out.units, ["a", "c"]);
        assert_eq!(log.removed, ["b"]);
        assert_eq!(log.units[0].coverage, 0.75);
    }

    #[test]
    fn by_zeros_and_forcing() {
        let (out, _) = on_self(&ds(), &spec(ScreenBy::Zeros, 0.0)).expect("ok");
        assert_eq!(out.units, ["a", "b"]);
        let mut s = spec(ScreenBy::NaAndZeros, 0.75);
        s.include = vec!["c".into()];
        s.exclude = vec!["a".into()];
        let (out, _) = on_self(&ds(), &s).expect("ok");
        assert_eq!(out.units, ["c"]);
        s.exclude = vec!["q".into()];
        assert!(on_self(&ds(), &s).is_err());
    }

    #[test]
    fn unit_without_values_fails_the_zero_screen() {
        let nan = f64::NAN;
        let d = DataSet::new(
            vec!["a".into(), "b".into()],
            vec!["x".into(), "y".into()],
            Matrix::from_columns(2, &[vec![1.0, nan], vec![2.0, nan]]).expect("equal"),
        );
        let (out, log) = on_self(&d, &spec(ScreenBy::Zeros, 0.0)).expect("ok");
        assert_eq!(out.units, ["a"]);
        assert_eq!(log.units[1].nonzero, 0.0);
    }

    #[test]
    fn coverage_counts_the_observed_data_when_asked() {
        // b has 2 of 4 observed values; imputation filled the other two
        let observed = ds();
        let mut imputed = ds();
        imputed.values.set(1, 0, 5.0);
        imputed.values.set(1, 1, 5.0);
        let s = spec(ScreenBy::Na, 0.75);
        // counted after imputation, b passes (COINr's order removes nothing)
        let (out, log) = screen(&imputed, &s, &imputed, ScreenOn::Imputed, &fw()).expect("ok");
        assert_eq!(out.units, ["a", "b", "c"]);
        assert_eq!(log.units[1].coverage, 1.0);
        // counted on the observed data, b is dropped, and its imputed values with it
        let (out, log) = screen(&imputed, &s, &observed, ScreenOn::Raw, &fw()).expect("ok");
        assert_eq!(out.units, ["a", "c"]);
        assert_eq!(
            (log.on, log.units[1].coverage, log.removed.clone()),
            (Some(ScreenOn::Raw), 0.5, vec!["b".to_string()])
        );
        // the kept rows are the imputed ones
        assert_eq!(out.values.get(0, 0), 1.0);
    }

    #[test]
    fn every_pillar_needs_its_share_of_observed_indicators() {
        // a: P {1, 1}, Q {1, -}; b: P {-, -}, Q {1, 1}; c: all four (zeros)
        let s = ScreenSpec { min_per_aggregate: 1, ..spec(ScreenBy::Na, 0.0) };
        let (out, log) = on_self(&ds(), &s).expect("ok");
        assert_eq!(out.units, ["a", "c"]);
        assert_eq!(log.units[1].short_aggregates, ["P"]);
        // two per pillar: a lacks w in Q
        let s = ScreenSpec { min_per_aggregate: 2, ..spec(ScreenBy::Na, 0.0) };
        let (out, log) = on_self(&ds(), &s).expect("ok");
        assert_eq!(out.units, ["c"]);
        assert_eq!(log.units[0].short_aggregates, ["Q"]);
        // more than a pillar has: all of its indicators
        let s = ScreenSpec { min_per_aggregate: 9, ..spec(ScreenBy::Na, 0.0) };
        assert_eq!(on_self(&ds(), &s).expect("ok").0.units, ["c"]);
        // off: everyone stays
        assert_eq!(on_self(&ds(), &spec(ScreenBy::Na, 0.0)).expect("ok").0.units, ["a", "b", "c"]);
    }
}
