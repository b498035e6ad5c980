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
//! Two settings COINr does not have guard against estimates that are one
//! country's value under another's name:
//!
//! * `min_group`: a group gives an estimate only when at least that many of
//!   its units have an observed value (default 3 for catalogue specs; no
//!   minimum otherwise, as COINr);
//! * `broader`: the groupings tried next, in order, when the unit's group
//!   is too small (`"all"` = every unit). A cell no grouping can fill stays
//!   missing.
//!
//! Every filled cell is logged with the grouping, the group and how many
//! observed values its estimate rests on. An indicator with no observed
//! value at all is an error (as in COINr). Observed values are never
//! changed. Cells still missing afterwards are counted in the log.

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
    /// The grouping used: a unit grouping column, or `all`.
    pub grouping: String,
    /// The unit's group in it (`all` for all units).
    pub group: String,
    /// How many observed values the estimate is the mean (median) of.
    pub members: usize,
}

impl ImputedCell {
    /// "group mean of wb_income = Lower middle income, 7 members".
    pub fn describe(&self, method: ImputeMethod) -> String {
        let stat = match method {
            ImputeMethod::Median | ImputeMethod::GroupMedian => "median",
            _ => "mean",
        };
        if self.grouping == ALL {
            format!("{stat} of all units, {} with data", self.members)
        } else {
            format!("group {stat} of {} = {}, {} members with data", self.grouping, self.group, self.members)
        }
    }
}

/// The grouping that holds every unit.
pub const ALL: &str = "all";

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ImputeLog {
    pub method: Option<ImputeMethod>,
    /// The smallest number of observed values an estimate may rest on.
    pub min_group: usize,
    pub imputed: Vec<ImputedCell>,
    /// Missing cells left after imputation.
    pub still_missing: usize,
}

/// One grouping: its name and each row's group id (`None` = no group).
struct Grouping {
    name: String,
    labels: Vec<String>,
    ids: Vec<Option<usize>>,
}

fn grouping(name: &str, ds: &DataSet, units: &UnitTable) -> Result<Grouping, BuildError> {
    if name == ALL {
        return Ok(Grouping { name: ALL.into(), labels: vec![ALL.into()], ids: vec![Some(0); ds.units.len()] });
    }
    let Some(col) = units.group(name) else {
        let names: Vec<String> =
            units.groups.iter().map(|g| g.name.clone()).chain(std::iter::once(ALL.to_string())).collect();
        return Err(BuildError::new(
            "impute",
            format!(
                "impute grouping {name:?} is not a group column of the unit data (have: {}){}",
                names.join(", "),
                suggest(name, names.iter())
            ),
        ));
    };
    let row_of: HashMap<&str, usize> = units.codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();
    let mut labels: Vec<String> = Vec::new();
    let mut idx: HashMap<&str, usize> = HashMap::new();
    let mut ids = Vec::with_capacity(ds.units.len());
    for u in &ds.units {
        let g = row_of.get(u.as_str()).and_then(|&r| col.values[r].as_deref());
        ids.push(g.map(|g| {
            *idx.entry(g).or_insert_with(|| {
                labels.push(g.to_string());
                labels.len() - 1
            })
        }));
    }
    Ok(Grouping { name: name.to_string(), labels, ids })
}

/// Fills the missing cells of `ds` (whose rows are units of `units`);
/// `min_group` is the smallest number of observed values an estimate may
/// rest on (see [`ImputeSpec::min_group_or`]); the cells in `keep_missing`
/// (row, column) get no estimate.
pub fn impute(
    ds: &DataSet,
    units: &UnitTable,
    spec: &ImputeSpec,
    min_group: usize,
    keep_missing: &[(usize, usize)],
) -> Result<(DataSet, ImputeLog), BuildError> {
    let mut out = ds.clone();
    let min_group = min_group.max(1);
    let mut log = ImputeLog { method: Some(spec.method), min_group, ..Default::default() };
    // the groupings, in the order they are tried
    let first = match spec.method {
        ImputeMethod::GroupMean | ImputeMethod::GroupMedian => spec.group.as_deref().unwrap_or_default(),
        _ => ALL,
    };
    let mut levels = vec![grouping(first, ds, units)?];
    for b in &spec.broader {
        levels.push(grouping(b, ds, units)?);
    }
    let centre = |xs: &[f64]| match spec.method {
        ImputeMethod::Mean | ImputeMethod::GroupMean => stats::mean(xs),
        _ => stats::median(xs),
    };
    if spec.method != ImputeMethod::None {
        let mut members: Vec<f64> = Vec::with_capacity(ds.units.len());
        for j in 0..ds.codes.len() {
            let col = ds.values.col(j);
            if !col.iter().any(|v| v.is_nan()) {
                continue;
            }
            // an indicator with no value at all is absent (that year): no
            // estimate rests on nothing; the build says so (`BuildLog::absent`)
            if col.iter().all(|v| v.is_nan()) {
                continue;
            }
            // estimate and observed count per group of every grouping
            let fills: Vec<Vec<(f64, usize)>> = levels
                .iter()
                .map(|g| {
                    (0..g.labels.len())
                        .map(|k| {
                            members.clear();
                            members.extend(
                                col.iter()
                                    .zip(&g.ids)
                                    .filter(|(v, gi)| **gi == Some(k) && !v.is_nan())
                                    .map(|(v, _)| *v),
                            );
                            (centre(&members), members.len())
                        })
                        .collect()
                })
                .collect();
            let out_col = out.values.col_mut(j);
            for (i, cell) in out_col.iter_mut().enumerate() {
                if !cell.is_nan() || keep_missing.contains(&(i, j)) {
                    continue;
                }
                let found = levels.iter().zip(&fills).find_map(|(g, f)| {
                    let k = g.ids[i]?;
                    let (v, n) = f[k];
                    (n >= min_group && !v.is_nan()).then_some((g, k, v, n))
                });
                if let Some((g, k, v, n)) = found {
                    *cell = v;
                    log.imputed.push(ImputedCell {
                        unit: ds.units[i].clone(),
                        code: ds.codes[j].clone(),
                        value: v,
                        grouping: g.name.clone(),
                        group: g.labels[k].clone(),
                        members: n,
                    });
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
        ImputeSpec { enabled: true, method, group: group.map(Into::into), min_group: None, broader: vec![] }
    }

    #[test]
    fn column_mean_and_median() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::Mean, None), 1, &[]).expect("ok");
        assert_eq!(out.values.col(0), &[1.0, 2.0, 13.0 / 3.0, 13.0 / 3.0, 10.0]);
        assert_eq!(out.values.col(1), &[17.0 / 3.0, 4.0, 8.0, 5.0, 17.0 / 3.0]);
        assert_eq!(log.imputed.len(), 4);
        assert_eq!(log.still_missing, 0);
        let (out, _) = impute(&ds, &units, &spec(ImputeMethod::Median, None), 1, &[]).expect("ok");
        assert_eq!(out.values.col(0)[2], 2.0);
        assert_eq!(out.values.col(1)[0], 5.0);
    }

    #[test]
    fn group_mean_leaves_ungrouped_and_empty_groups() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::GroupMean, Some("g")), 1, &[]).expect("ok");
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
        let (out, _) = impute(&ds, &units, &spec(ImputeMethod::GroupMedian, Some("g")), 1, &[]).expect("ok");
        assert_eq!(out.values.col(1)[0], 6.0);
        let e = impute(&ds, &units, &spec(ImputeMethod::GroupMean, Some("gg")), 1, &[]).unwrap_err();
        assert!(e.message.contains("did you mean \"g\""), "{e}");
    }

    #[test]
    fn small_groups_give_no_estimate_and_broader_groups_take_over() {
        // x: group A observes {1, 2} (2 members), B none; all units {1, 2, 10}
        let (ds, units) = setup();
        let mut s = spec(ImputeMethod::GroupMean, Some("g"));
        // with no minimum (COINr) u3 gets A's mean of two values
        let (out, _) = impute(&ds, &units, &s, 1, &[]).expect("ok");
        assert_eq!(out.values.col(0)[2], 1.5);
        // with min_group 3, group A is too small and nothing else is tried
        let (out, log) = impute(&ds, &units, &s, 3, &[]).expect("ok");
        assert!(out.values.col(0)[2].is_nan());
        assert_eq!(log.min_group, 3);
        // a broader grouping that has three observed values fills both u3 and u4
        s.broader = vec!["all".into()];
        let (out, log) = impute(&ds, &units, &s, 3, &[]).expect("ok");
        assert_eq!(out.values.col(0)[2], 13.0 / 3.0);
        assert_eq!(out.values.col(0)[3], 13.0 / 3.0);
        let cell = log.imputed.iter().find(|c| c.unit == "u3" && c.code == "x").expect("logged");
        assert_eq!((cell.grouping.as_str(), cell.group.as_str(), cell.members), ("all", "all", 3));
        assert_eq!(cell.describe(ImputeMethod::GroupMean), "mean of all units, 3 with data");
        // y: group A observes {4, 8}; with min_group 2 it fills u1 from its own group
        let (out, log) = impute(&ds, &units, &s, 2, &[]).expect("ok");
        assert_eq!(out.values.col(1)[0], 6.0);
        let cell = log.imputed.iter().find(|c| c.unit == "u1" && c.code == "y").expect("logged");
        assert_eq!(cell.describe(ImputeMethod::GroupMean), "group mean of g = A, 2 members with data");
        // u5 has no group in g, so "all" fills it (y observed for u2, u3, u4)
        assert_eq!(out.values.col(1)[4], 17.0 / 3.0);
        // a single-member group never passes its value on: B observes only u4's y = 5
        let (out, _) = impute(&ds, &units, &spec(ImputeMethod::GroupMean, Some("g")), 2, &[]).expect("ok");
        assert!(out.values.col(0)[3].is_nan());
        // an unknown broader grouping is an error naming the known ones
        s.broader = vec!["regon".into()];
        let e = impute(&ds, &units, &s, 3, &[]).unwrap_err();
        assert!(e.message.contains("\"regon\"") && e.message.contains("have: g, all"), "{e}");
    }

    #[test]
    fn cells_kept_missing_get_no_estimate() {
        let (ds, units) = setup();
        // u3's x (row 2, column 0) is left alone; u4's x is filled as usual
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::Mean, None), 1, &[(2, 0)]).expect("ok");
        assert!(out.values.col(0)[2].is_nan());
        assert_eq!(out.values.col(0)[3], 13.0 / 3.0);
        assert!(log.imputed.iter().all(|c| !(c.unit == "u3" && c.code == "x")));
        assert_eq!(log.still_missing, 1);
    }

    #[test]
    fn an_indicator_with_no_value_gets_no_estimate() {
        // absent (that year): nothing to estimate from, and nothing is made up
        let (mut ds, units) = setup();
        ds.values.col_mut(0).fill(f64::NAN);
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::Mean, None), 1, &[]).expect("a gap, not an error");
        assert!(out.values.col(0).iter().all(|v| v.is_nan()));
        assert!(log.imputed.iter().all(|c| c.code != "x"));
        // the other indicators are filled as if x were not there at all
        let (full, _) = setup();
        let (with_x, _) = impute(&full, &units, &spec(ImputeMethod::Mean, None), 1, &[]).expect("ok");
        for j in 1..ds.codes.len() {
            assert_eq!(out.values.col(j), with_x.values.col(j), "{}", ds.codes[j]);
        }
    }

    #[test]
    fn none_is_identity() {
        let (ds, units) = setup();
        let (out, log) = impute(&ds, &units, &spec(ImputeMethod::None, None), 1, &[]).expect("ok");
        assert_eq!(format!("{:?}", out.values), format!("{:?}", ds.values));
        assert!(log.imputed.is_empty());
    }
}
