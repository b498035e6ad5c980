//! Impute: fill missing values, indicator by indicator (COINr's
//! `Impute(impute_by = "column")`).
//!
//! * `mean`, `median`: the indicator's mean / median over all units
//!   (`i_mean`, `i_median`);
//! * `group_mean`, `group_median`: the mean / median over the units of the
//!   same group in a unit grouping column (`i_mean_grp`, `i_median_grp`);
//!   units with no group are left as they are, and so is a group with no
//!   observed value.
//!
//! An indicator with no observed value at all is an error (as in COINr).
//! Observed values are never changed. Cells still missing afterwards are
//! counted in the log.

use std::collections::HashMap;

use digindex_data::{DataSet, UnitTable, suggest};
use serde::Serialize;

use crate::BuildError;
use crate::spec::{ImputeMethod, ImputeSpec};
use crate::stats;

/// One filled cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImputedCell {
    pub unit: String,
    pub code: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ImputeLog {
    pub method: Option<ImputeMethod>,
    pub imputed: Vec<ImputedCell>,
    /// Missing cells left after imputation.
    pub still_missing: usize,
}

/// Fills the missing cells of `ds` (whose rows are units of `units`).
pub fn impute(ds: &DataSet, units: &UnitTable, spec: &ImputeSpec) -> Result<(DataSet, ImputeLog), BuildError> {
    let mut out = ds.clone();
    let mut log = ImputeLog { method: Some(spec.method), ..Default::default() };
    // group id per row (None = no group)
    let groups: Option<Vec<Option<usize>>> = match spec.method {
        ImputeMethod::GroupMean | ImputeMethod::GroupMedian => {
            let name = spec.group.as_deref().unwrap_or_default();
            let Some(col) = units.group(name) else {
                let names: Vec<String> = units.groups.iter().map(|g| g.name.clone()).collect();
                return Err(BuildError::new(
                    "impute",
                    format!(
                        "impute.group = {name:?} is not a group column of the unit data (have: {}){}",
                        if names.is_empty() { "none".into() } else { names.join(", ") },
                        suggest(name, names.iter())
                    ),
                ));
            };
            let row_of: HashMap<&str, usize> = units.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
            let mut ids: HashMap<&str, usize> = HashMap::new();
            let mut v = Vec::with_capacity(ds.units.len());
            for u in &ds.units {
                let g = row_of.get(u.as_str()).and_then(|&r| col.values[r].as_deref());
                v.push(g.map(|g| {
                    let n = ids.len();
                    *ids.entry(g).or_insert(n)
                }));
            }
            Some(v)
        }
        _ => None,
    };
    let centre = |xs: &[f64]| match spec.method {
        ImputeMethod::Mean | ImputeMethod::GroupMean => stats::mean(xs),
        _ => stats::median(xs),
    };
    if spec.method != ImputeMethod::None {
        let n_groups = groups.as_ref().map(|g| g.iter().flatten().max().map_or(0, |m| m + 1)).unwrap_or(1);
        let mut members: Vec<f64> = Vec::with_capacity(ds.units.len());
        for j in 0..ds.codes.len() {
            let col = ds.values.col(j);
            if !col.iter().any(|v| v.is_nan()) {
                continue;
            }
            if col.iter().all(|v| v.is_nan()) {
                return Err(BuildError::new(
                    "impute",
                    format!("indicator {} has no observed values, so there is nothing to impute from", ds.codes[j]),
                ));
            }
            // fill value per group (one group when not grouping)
            let mut fill = vec![f64::NAN; n_groups];
            for (g, f) in fill.iter_mut().enumerate() {
                members.clear();
                match &groups {
                    Some(gs) => members.extend(col.iter().zip(gs).filter(|(_, gi)| **gi == Some(g)).map(|(v, _)| *v)),
                    None => members.extend_from_slice(col),
                }
                *f = centre(&members);
            }
            let out_col = out.values.col_mut(j);
            for i in 0..out_col.len() {
                if !out_col[i].is_nan() {
                    continue;
                }
                let g = match &groups {
                    Some(gs) => gs[i],
                    None => Some(0),
                };
                if let Some(g) = g {
                    let v = fill[g];
                    if !v.is_nan() {
                        out_col[i] = v;
                        log.imputed.push(ImputedCell {
                            unit: ds.units[i].clone(),
                            code: ds.codes[j].clone(),
                            value: v,
                        });
                    }
                }
            }
        }
    }
    log.still_missing = out.n_missing();
    Ok((out, log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::{GroupColumn, Matrix};

    fn setup() -> (DataSet, UnitTable) {
        let codes: Vec<String> = ["u1", "u2", "u3", "u4", "u5"].iter().map(|s| s.to_string()).collect();
        let units = UnitTable {
            codes: codes.clone(),
            names: vec![None; 5],
            groups: vec![GroupColumn {
                name: "g".into(),
                values: vec![Some("A".into()), Some("A".into()), Some("A".into()), Some("B".into()), None],
            }],
            denominators: vec![],
        };
        let nan = f64::NAN;
        let ds = DataSet::new(
            codes,
            vec!["x".into(), "y".into()],
            Matrix::from_columns(5, &[vec![1.0, 2.0, nan, nan, 10.0], vec![nan, 4.0, 8.0, 5.0, nan]]).expect("equal"),
        );
        (ds, units)
    }

    fn spec(method: ImputeMethod, group: Option<&str>) -> ImputeSpec {
        ImputeSpec { enabled: true, method, group: group.map(Into::into) }
    }

    #[test]
    fn column_mean_and_median() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::Mean, None)).expect("ok");
        assert_eq!(out.values.col(0), &[1.0, 2.0, 13.0 / 3.0, 13.0 / 3.0, 10.0]);
        assert_eq!(out.values.col(1), &[17.0 / 3.0, 4.0, 8.0, 5.0, 17.0 / 3.0]);
        assert_eq!(log.imputed.len(), 4);
        assert_eq!(log.still_missing, 0);
        let (out, _) = impute(&ds, &units, &spec(ImputeMethod::Median, None)).expect("ok");
        assert_eq!(out.values.col(0)[2], 2.0);
        assert_eq!(out.values.col(1)[0], 5.0);
    }

    #[test]
    fn group_mean_leaves_ungrouped_and_empty_groups() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::GroupMean, Some("g"))).expect("ok");
        // x: group A mean of {1,2} = 1.5 fills u3; group B has no observed x
        assert_eq!(out.values.col(0)[2], 1.5);
        assert!(out.values.col(0)[3].is_nan());
        // y: group A mean of {4,8} = 6 fills u1; u5 has no group
        assert_eq!(out.values.col(1)[0], 6.0);
        assert!(out.values.col(1)[4].is_nan());
        assert_eq!(log.still_missing, 2);
        // observed values unchanged
        for j in 0..2 {
            for (a, b) in ds.values.col(j).iter().zip(out.values.col(j)) {
                if !a.is_nan() {
                    assert_eq!(a, b);
                }
            }
        }
    }

    #[test]
    fn group_median_and_unknown_group() {
        let (ds, units) = setup();
        let (out, _) = impute(&ds, &units, &spec(ImputeMethod::GroupMedian, Some("g"))).expect("ok");
        assert_eq!(out.values.col(1)[0], 6.0);
        let e = impute(&ds, &units, &spec(ImputeMethod::GroupMean, Some("gg"))).unwrap_err();
        assert!(e.message.contains("did you mean \"g\""), "{e}");
    }

    #[test]
    fn all_missing_indicator_is_an_error() {
        let (mut ds, units) = setup();
        ds.values.col_mut(0).fill(f64::NAN);
        let e = impute(&ds, &units, &spec(ImputeMethod::Mean, None)).unwrap_err();
        assert!(e.message.contains("indicator x has no observed values"), "{e}");
    }

    #[test]
    fn none_is_identity() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::None, None)).expect("ok");
        assert_eq!(format!("{:?}", out.values), format!("{:?}", ds.values));
        assert!(log.imputed.is_empty());
    }
}
