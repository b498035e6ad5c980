//! Provenance of a build: where every value that enters the index comes
//! from (see [`digindex_data::provenance`]).
//!
//! The data loader says how each raw cell was found (observed, an older own
//! value, interpolated, corrected, censored, excluded, missing); the build's
//! logs add what the recipe did (division by a denominator, the placement
//! of censored values, group estimates). [`table`] joins the two for every
//! unit that passed screening and every indicator, with the value as it
//! enters the index: after division and gap filling, before outlier
//! treatment and normalisation.

use std::collections::HashMap;

use digindex_data::provenance::{Cell, Cells, Flag, Provenance};
use digindex_data::{Framework, UnitTable};

use crate::pipeline::{Build, Stage};

fn num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e9).contains(&a) {
        format!("{x:.3e}")
    } else if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// The provenance of every cell that enters the index. `cells` is the
/// loader's account of the raw cells (indicators and denominators), when
/// it has one; without it a present raw value is `observed` (in `year`,
/// when the recipe names one) and an absent one `missing`.
pub fn table(
    build: &Build,
    fw: &Framework,
    units: &UnitTable,
    cells: Option<&Cells>,
    year: Option<i32>,
) -> Vec<Provenance> {
    let raw = build.stage(Stage::Raw);
    let used = build.stage(Stage::Imputed);
    let kept = &build.stage(Stage::Aggregated).units;
    let method = build.log.impute.as_ref().and_then(|l| l.method);
    let imputed: HashMap<(&str, &str), String> = build
        .log
        .impute
        .iter()
        .flat_map(|l| &l.imputed)
        .map(|c| ((c.unit.as_str(), c.code.as_str()), c.describe(method.unwrap_or_default())))
        .collect();
    let divided: HashMap<&str, (&str, f64)> = build
        .log
        .denominate
        .iter()
        .flat_map(|l| &l.indicators)
        .map(|d| (d.code.as_str(), (d.by.as_str(), d.scale)))
        .collect();
    let placed: HashMap<(&str, &str), &crate::censor::PlacedCell> =
        build.log.censor.iter().flat_map(|l| &l.cells).map(|c| ((c.unit.as_str(), c.code.as_str()), c)).collect();
    let mut out = Vec::with_capacity(kept.len() * fw.indicators().len());
    for unit in kept {
        let (Some(ri), Some(ui)) = (raw.row_index(unit), used.row_index(unit)) else { continue };
        for &n in fw.indicators() {
            let code = fw.node(n).code.as_str();
            let (Some(rj), Some(uj)) = (raw.col_index(code), used.col_index(code)) else { continue };
            let value = used.values.get(ui, uj);
            let raw_value = raw.values.get(ri, rj);
            let source: Cell = match cells.and_then(|c| c.get(unit, code)) {
                Some(c) => c.clone(),
                None if raw_value.is_nan() => Cell::missing(),
                None => Cell { flag: Flag::Observed, data_year: year, detail: String::new() },
            };
            let mut detail = source.detail.clone();
            let mut add = |s: String| {
                if !detail.is_empty() {
                    detail.push_str("; ");
                }
                detail.push_str(&s);
            };
            let (flag, data_year) = if let Some(how) = imputed.get(&(unit.as_str(), code)) {
                add(format!("estimated: {how}"));
                (Flag::Imputed, None)
            } else if let Some(p) = placed.get(&(unit.as_str(), code)) {
                let bound = if divided.contains_key(code) {
                    format!("below {} after division", num(p.below))
                } else {
                    format!("below {}", num(p.below))
                };
                match p.value {
                    Some(v) => add(format!(
                        "{bound}, under the lowest published value {}: counted as {} (ranks below every published value, ties with the other censored values)",
                        p.lowest_published.map_or("(none)".into(), num),
                        num(v)
                    )),
                    None => add(format!(
                        "{bound}, which is not under the lowest published value {}: its rank is unknown, so it is left missing and not estimated",
                        p.lowest_published.map_or("(none)".into(), num)
                    )),
                }
                (Flag::Censored, source.data_year)
            } else if value.is_nan() {
                let f = if source.flag == Flag::Excluded { Flag::Excluded } else { Flag::Missing };
                (f, None)
            } else {
                (source.flag, source.data_year)
            };
            // a value divided by a denominator: say by what
            if let Some((by, scale)) = divided.get(code) {
                if !raw_value.is_nan() && flag != Flag::Imputed {
                    let den = units.denominator(by).and_then(|d| units.index_of(unit).map(|i| d.values[i]));
                    let den_year = cells.and_then(|c| c.get(unit, by)).and_then(|c| c.data_year);
                    let by = cells.map_or(*by, |c| c.label(by));
                    add(format!(
                        "{} ÷ {by} {}{}{}",
                        num(raw_value),
                        den.map_or("–".into(), num),
                        den_year.map(|y| format!(" ({y})")).unwrap_or_default(),
                        if *scale != 1.0 { format!(" × {}", num(*scale)) } else { String::new() }
                    ));
                }
            }
            let below = placed.get(&(unit.as_str(), code)).map(|p| p.below).filter(|b| b.is_finite());
            out.push(Provenance { unit: unit.clone(), code: code.to_string(), value, data_year, flag, detail, below });
        }
    }
    out
}

/// Per unit: how many of its indicator values are estimates (older own
/// values, interpolations, group estimates), of how many.
pub fn estimated(rows: &[Provenance]) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last.0 == r.unit => {
                last.1 += usize::from(r.flag.is_estimate());
                last.2 += 1;
            }
            _ => out.push((r.unit.clone(), usize::from(r.flag.is_estimate()), 1)),
        }
    }
    out
}

/// True when more than a third of a unit's values are estimates: its score
/// rests on them.
pub fn rests_on_estimates(n_estimated: usize, n: usize) -> bool {
    3 * n_estimated > n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Spec;
    use crate::{Inputs, build};
    use digindex_data::{DataSet, GroupColumn, Matrix, NodeSpec, NumericColumn};

    const SPEC: &str = r#"
[index]
name = "t"
[data]
values = "v.csv"
[denominate]
[impute]
method = "group_mean"
group = "g"
min_group = 2
[screen]
on = "raw"
min_coverage = 0.5
[normalise]
[aggregate]
"#;

    fn inputs() -> Inputs {
        let n = |c: &str, p: Option<&str>, d: Option<&str>| NodeSpec {
            code: c.into(),
            parent: p.map(Into::into),
            denominator: d.map(Into::into),
            ..Default::default()
        };
        let framework =
            Framework::new(vec![n("x", Some("I"), None), n("y", Some("I"), Some("pop")), n("I", None, None)], vec![])
                .expect("valid");
        let codes: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
        let units = UnitTable {
            codes: codes.clone(),
            names: vec![None; 4],
            groups: vec![GroupColumn { name: "g".into(), values: vec![Some("G".into()); 4] }],
            denominators: vec![NumericColumn { name: "pop".into(), values: vec![2.0, 4.0, 5.0, 10.0] }],
        };
        let nan = f64::NAN;
        // d has no value at all: screened out
        let raw = DataSet::new(
            codes,
            vec!["x".into(), "y".into()],
            Matrix::from_columns(4, &[vec![1.0, 2.0, nan, nan], vec![10.0, 20.0, 30.0, nan]]).expect("equal"),
        );
        Inputs { framework, units, raw, censored: vec![] }
    }

    #[test]
    fn every_path_of_a_cell_is_flagged() {
        let spec = Spec::parse(SPEC, &[]).expect("valid");
        let inputs = inputs();
        let b = build(&spec, &inputs).expect("builds");
        let y = |_: &str, y: i32, f: Flag, d: &str| Cell { flag: f, data_year: Some(y), detail: d.into() };
        let cells = Cells::from_columns(
            vec!["a".into(), "b".into(), "c".into(), "d".into()],
            vec!["x".into(), "y".into(), "pop".into()],
            vec![
                vec![
                    y("a", 2024, Flag::Observed, ""),
                    y("b", 2019, Flag::Older, "own value 2019"),
                    Cell {
                        flag: Flag::Excluded,
                        data_year: None,
                        detail: "the 2024 value 0 was excluded: an error".into(),
                    },
                    Cell::missing(),
                ],
                vec![
                    y("a", 2023, Flag::Corrected, "replaced"),
                    y("b", 2024, Flag::Observed, ""),
                    y("c", 2022, Flag::Interpolated, "between 2021 and 2023"),
                    Cell::missing(),
                ],
                vec![y("a", 2022, Flag::Observed, ""); 4],
            ],
        )
        .expect("cells");
        let rows = table(&b, &inputs.framework, &inputs.units, Some(&cells), None);
        // d was screened out: only a, b, c, two indicators each
        assert_eq!(rows.len(), 6);
        let get = |u: &str, c: &str| rows.iter().find(|r| r.unit == u && r.code == c).expect("row");
        assert_eq!((get("a", "x").flag, get("a", "x").data_year), (Flag::Observed, Some(2024)));
        assert_eq!(get("b", "x").flag, Flag::Older);
        assert_eq!(get("a", "y").flag, Flag::Corrected);
        assert_eq!(get("c", "y").flag, Flag::Interpolated);
        // c's excluded x is estimated from the group (a and b observed: 1.5), and says both
        let cx = get("c", "x");
        assert_eq!((cx.flag, cx.value, cx.data_year), (Flag::Imputed, 1.5, None));
        assert!(
            cx.detail.contains("excluded") && cx.detail.contains("group mean of g = G, 2 members"),
            "{}",
            cx.detail
        );
        // the value as used is per head, and the detail shows the division
        let ay = get("a", "y");
        assert_eq!(ay.value, 5.0);
        assert!(ay.detail.contains("10 ÷ pop 2 (2022)"), "{}", ay.detail);
        // more than a third estimated: c (1 imputed + 1 interpolated of 2) and b (1 older of 2)
        let est = estimated(&rows);
        assert_eq!(est, vec![("a".into(), 0, 2), ("b".into(), 1, 2), ("c".into(), 2, 2)]);
        assert!(!rests_on_estimates(1, 3) && rests_on_estimates(2, 5) && rests_on_estimates(1, 2));
        // without the loader's account: observed or missing, in the recipe's year
        let plain = table(&b, &inputs.framework, &inputs.units, None, Some(2020));
        assert_eq!(
            plain.iter().find(|r| r.unit == "a" && r.code == "x").map(|r| (r.flag, r.data_year)),
            Some((Flag::Observed, Some(2020)))
        );
        assert_eq!(plain.iter().find(|r| r.unit == "c" && r.code == "x").map(|r| r.flag), Some(Flag::Imputed));
    }
}
