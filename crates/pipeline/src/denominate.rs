//! Denominate: divide an indicator by a unit-level quantity (GDP,
//! population, area…) so that big and small countries compare.
//!
//! COINr's `Denominate()`: result = value / (denominator / scale), the
//! denominator named per indicator in the framework (`Denominator` column of
//! iMeta) and taken from the unit table, the scale factor global
//! (`scale`) or per indicator (`scales`); a missing denominator gives a
//! missing result. A zero denominator under a present value is an error
//! (COINr returns ±Inf).

use digindex_data::{DataSet, Framework, UnitTable, suggest};
use serde::Serialize;

use crate::spec::DenominateSpec;
use crate::{BuildError, Subject};

/// Which indicators were divided by what.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct DenominateLog {
    pub indicators: Vec<DenominatedIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DenominatedIndicator {
    pub code: String,
    pub by: String,
    pub scale: f64,
}

/// Divides the indicators of `ds` (rows = `units`, in order) by their
/// denominators.
pub fn denominate(
    ds: &DataSet,
    fw: &Framework,
    units: &UnitTable,
    spec: &DenominateSpec,
) -> Result<(DataSet, DenominateLog), BuildError> {
    let step = "denominate";
    for (table, code) in spec.by.keys().map(|k| ("by", k)).chain(spec.scales.keys().map(|k| ("scales", k))) {
        if ds.col_index(code).is_none() {
            return Err(BuildError::new(
                step,
                format!(
                    "denominate.{table} names {code:?}, which is not an indicator{}",
                    suggest(code, ds.codes.iter())
                ),
            ));
        }
    }
    let scales = std::iter::once(("denominate.scale".to_string(), spec.scale))
        .chain(spec.scales.iter().map(|(k, v)| (format!("denominate.scales.{k}"), *v)));
    for (key, v) in scales {
        if !v.is_finite() || v == 0.0 {
            return Err(BuildError::new(step, format!("{key} must be a finite non-zero number, found {v}")));
        }
    }
    let mut out = ds.clone();
    let mut log = DenominateLog::default();
    for (j, code) in ds.codes.iter().enumerate() {
        let Some((by, den, scale)) = divisor(code, fw, units, spec)? else { continue };
        let col = out.values.col_mut(j);
        for (i, v) in col.iter_mut().enumerate() {
            let d = den.values[i];
            if v.is_nan() {
                continue;
            }
            if d == 0.0 {
                return Err(BuildError::about(
                    step,
                    Subject::Unit { unit: ds.units[i].clone(), code: code.clone() },
                    format!("denominator {by} is 0, so indicator {code} cannot be divided by it"),
                ));
            }
            let x = *v;
            *v /= d / scale;
            if v.is_infinite() {
                // a finite value over a tiny denominator: an overflow, not a score
                return Err(BuildError::about(
                    step,
                    Subject::Unit { unit: ds.units[i].clone(), code: code.clone() },
                    format!(
                        "{code} = {} divided by {by} = {} (scale {}) is {}: the arithmetic overflows; check the \
                         denominator or lower denominate.scale",
                        digindex_data::shown(x),
                        digindex_data::shown(d),
                        digindex_data::shown(scale),
                        digindex_data::shown(*v)
                    ),
                ));
            }
        }
        log.indicators.push(DenominatedIndicator { code: code.clone(), by, scale });
    }
    Ok((out, log))
}

/// What indicator `code` is divided by: the denominator's name, its column
/// and the scale factor (`None`: not divided).
pub fn divisor<'u>(
    code: &str,
    fw: &Framework,
    units: &'u UnitTable,
    spec: &DenominateSpec,
) -> Result<Option<(String, &'u digindex_data::NumericColumn, f64)>, BuildError> {
    let by = match spec.by.get(code) {
        Some(b) if b == "none" => None,
        Some(b) => Some(b.clone()),
        None => fw.index_of(code).and_then(|n| fw.node(n).denominator.clone()),
    };
    let Some(by) = by else { return Ok(None) };
    let scale = spec.scales.get(code).copied().unwrap_or(spec.scale);
    let Some(den) = units.denominator(&by) else {
        let names: Vec<String> = units.denominators.iter().map(|d| d.name.clone()).collect();
        return Err(BuildError::about(
            "denominate",
            Subject::Code(code.to_string()),
            format!(
                "indicator {code} is to be divided by {by:?}, which is not a denominator column of the unit data (have: {}){}",
                if names.is_empty() { "none".to_string() } else { names.join(", ") },
                suggest(&by, names.iter())
            ),
        ));
    };
    Ok(Some((by, den, scale)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::{Matrix, NodeSpec, NumericColumn};
    use std::collections::BTreeMap;

    fn setup() -> (DataSet, Framework, UnitTable) {
        let fw = Framework::new(
            vec![
                NodeSpec {
                    code: "a".into(),
                    parent: Some("I".into()),
                    denominator: Some("pop".into()),
                    ..Default::default()
                },
                NodeSpec { code: "b".into(), parent: Some("I".into()), ..Default::default() },
                NodeSpec { code: "I".into(), ..Default::default() },
            ],
            vec![],
        )
        .expect("valid");
        let units = UnitTable {
            codes: vec!["X".into(), "Y".into()],
            names: vec![None, None],
            groups: vec![],
            denominators: vec![NumericColumn { name: "pop".into(), values: vec![4.0, f64::NAN] }],
        };
        let ds = DataSet::new(
            units.codes.clone(),
            vec!["a".into(), "b".into()],
            Matrix::from_columns(2, &[vec![10.0, 3.0], vec![1.0, 2.0]]).expect("equal"),
        );
        (ds, fw, units)
    }

    #[test]
    fn divides_by_denominator_times_scale() {
        let (ds, fw, units) = setup();
        let mut scales = BTreeMap::new();
        scales.insert("a".to_string(), 1e3);
        let spec = DenominateSpec { enabled: true, scale: 100.0, by: BTreeMap::new(), scales: BTreeMap::new() };
        let (out, log) = denominate(&ds, &fw, &units, &spec).expect("ok");
        assert_eq!(out.values.col(0)[0], 250.0);
        assert!(out.values.col(0)[1].is_nan(), "missing denominator gives missing");
        assert_eq!(out.values.col(1), &[1.0, 2.0]);
        assert_eq!(log.indicators.len(), 1);
        let spec = DenominateSpec { enabled: true, scale: 100.0, by: BTreeMap::new(), scales };
        let (out, _) = denominate(&ds, &fw, &units, &spec).expect("ok");
        assert_eq!(out.values.col(0)[0], 2500.0, "per-indicator scale wins");
    }

    #[test]
    fn an_overflowing_quotient_is_an_error() {
        // found by digindex-fuzz: 1.07e308 over a denominator of 0.46
        let (mut ds, fw, mut units) = setup();
        ds.values.col_mut(0)[0] = 1.067e308;
        units.denominators[0].values[0] = 0.46;
        let spec = DenominateSpec { enabled: true, scale: 1.0, by: BTreeMap::new(), scales: BTreeMap::new() };
        let e = denominate(&ds, &fw, &units, &spec).unwrap_err();
        assert!(
            e.to_string().starts_with("denominate: unit X: a = 1.067e308 divided by pop = 0.46 (scale 1) is inf"),
            "{e}"
        );
        assert_eq!((e.unit(), e.code()), (Some("X"), Some("a")));
    }

    #[test]
    fn unknown_denominator_is_an_error() {
        let (ds, fw, units) = setup();
        let mut by = BTreeMap::new();
        by.insert("b".to_string(), "popp".to_string());
        let e =
            denominate(&ds, &fw, &units, &DenominateSpec { enabled: true, scale: 1.0, by, scales: BTreeMap::new() })
                .unwrap_err();
        assert!(e.message.contains("did you mean \"pop\""), "{e}");
    }
}
