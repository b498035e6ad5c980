//! The native input layout.
//!
//! * `values`: a long table with columns `unit,indicator,value` (and an
//!   optional `time` column, selected with `data.time`); one row per cell,
//!   empty value = missing; a cell given twice is an error.
//! * the framework: a `framework` file with columns `code,parent` and any
//!   of `name,level,direction,weight,target,denominator` plus further
//!   numeric parameter columns (`goalpost_lower`…), or inline
//!   `[[framework]]` entries in the spec.
//! * `units` (optional): `unit` and optionally `name`; every other column is
//!   a denominator when an indicator is divided by it, else a grouping
//!   column. Without it, units are taken from the values in order of first
//!   appearance.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use digindex_build::{Inputs, Spec};
use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, UnitTable, suggest};

use crate::table::{InputError, Table, parse_number};
use crate::{InputFile, read_input, resolve};

fn framework_error(path: &Path, lines: &[u64], e: digindex_data::FrameworkError) -> InputError {
    match e.row {
        Some(r) if r < lines.len() => InputError::at(path, lines[r], Some(e.field), e.message),
        Some(r) => InputError::file(path, format!("[[framework]] entry {}: {}: {}", r + 1, e.field, e.message)),
        None => InputError::file(path, e.message),
    }
}

/// Reads the framework file, or converts the inline entries.
fn load_framework(spec: &Spec, spec_dir: &Path, files: &mut Vec<InputFile>) -> Result<Framework, InputError> {
    let level_names = spec.index.level_names.clone();
    match (&spec.data.framework, spec.framework.is_empty()) {
        (Some(_), false) => Err(InputError {
            path: "spec".into(),
            line: None,
            column: Some("framework".into()),
            message: "give the framework either as data.framework (a file) or as [[framework]] entries, not both"
                .into(),
        }),
        (None, true) => Err(InputError {
            path: "spec".into(),
            line: None,
            column: Some("framework".into()),
            message: "no framework: set data.framework = \"framework.csv\" or add [[framework]] entries".into(),
        }),
        (None, false) => {
            let nodes = spec
                .framework
                .iter()
                .map(|e| {
                    let mut params = Vec::new();
                    for (k, v) in [
                        ("goalpost_lower", e.goalpost_lower),
                        ("goalpost_upper", e.goalpost_upper),
                        ("goalpost_scale", e.goalpost_scale),
                    ] {
                        if let Some(v) = v {
                            params.push((k.to_string(), v));
                        }
                    }
                    NodeSpec {
                        code: e.code.clone(),
                        name: e.name.clone(),
                        parent: e.parent.clone(),
                        level: e.level,
                        direction: e.direction,
                        weight: e.weight,
                        target: e.target,
                        denominator: e.denominator.clone(),
                        params,
                    }
                })
                .collect();
            Framework::new(nodes, level_names).map_err(|e| framework_error(Path::new("spec"), &[], e))
        }
        (Some(f), true) => {
            let path = resolve(spec_dir, f);
            let bytes = read_input("framework", &path, files)?;
            let t = Table::parse(&path, &bytes)?;
            let c_code = t.require("code", "the code of each indicator or aggregate")?;
            let c_parent = t.require("parent", "the code one level up (empty at the top)")?;
            let col = |n: &str| t.col(n);
            let (c_name, c_level, c_dir, c_w, c_t, c_d) =
                (col("name"), col("level"), col("direction"), col("weight"), col("target"), col("denominator"));
            let known = ["code", "parent", "name", "level", "direction", "weight", "target", "denominator"];
            let extra: Vec<usize> = (0..t.header.len()).filter(|&i| !known.contains(&t.header[i].as_str())).collect();
            let mut nodes = Vec::new();
            let mut lines = Vec::new();
            for row in &t.rows {
                let num = |c: Option<usize>| -> Result<Option<f64>, InputError> {
                    match c {
                        Some(c) => Ok(Some(t.number(row, c)?).filter(|v| !v.is_nan())),
                        None => Ok(None),
                    }
                };
                let level = match num(c_level)? {
                    Some(l) if l >= 1.0 && l.fract() == 0.0 => Some(l as u32),
                    Some(l) => {
                        return Err(InputError::at(
                            &path,
                            row.line,
                            Some("level"),
                            format!("expected a whole number >= 1, found {l}"),
                        ));
                    }
                    None => None,
                };
                let mut params = Vec::new();
                for &c in &extra {
                    let v = t.number(row, c)?;
                    if !v.is_nan() {
                        params.push((t.header[c].clone(), v));
                    }
                }
                nodes.push(NodeSpec {
                    code: row.cells[c_code].clone(),
                    name: c_name.and_then(|c| t.text(row, c)),
                    parent: t.text(row, c_parent),
                    level,
                    direction: num(c_dir)?,
                    weight: num(c_w)?,
                    target: num(c_t)?,
                    denominator: c_d.and_then(|c| t.text(row, c)),
                    params,
                });
                lines.push(row.line);
            }
            Framework::new(nodes, level_names).map_err(|e| framework_error(&path, &lines, e))
        }
    }
}

/// Reads the long layout into checked inputs.
pub fn load(spec: &Spec, spec_dir: &Path, values: &Path, files: &mut Vec<InputFile>) -> Result<Inputs, InputError> {
    let framework = load_framework(spec, spec_dir, files)?;
    let bytes = read_input("values", values, files)?;
    let t = Table::parse(values, &bytes)?;
    let c_unit = t.require("unit", "the unit code")?;
    let c_ind = t.require("indicator", "the indicator code")?;
    let c_val = t.require("value", "the value; empty for missing")?;
    let c_time = t.col("time");
    if let Some(c) = t.header.iter().position(|h| !["unit", "indicator", "value", "time"].contains(&h.as_str())) {
        return Err(InputError::at(
            values,
            1,
            Some(&t.header[c]),
            "unexpected column; the values table has unit, indicator, value and optionally time",
        ));
    }
    let ind_codes = framework.indicator_codes();
    let ind_index: HashMap<&str, usize> = ind_codes.iter().enumerate().map(|(i, c)| (c.as_str(), i)).collect();

    // units: from the unit table, or in order of first appearance
    let mut units = UnitTable::default();
    let mut unit_index: HashMap<String, usize> = HashMap::new();
    let unit_table_given = spec.data.units.is_some();
    if let Some(u) = &spec.data.units {
        let path = resolve(spec_dir, u);
        let ub = read_input("units", &path, files)?;
        let ut = Table::parse(&path, &ub)?;
        let cu = ut.require("unit", "the unit code")?;
        let cn = ut.col("name");
        let denominators: HashSet<String> = framework
            .nodes()
            .iter()
            .filter_map(|n| n.denominator.clone())
            .chain(spec.denominate.iter().flat_map(|d| d.by.values().cloned()))
            .collect();
        for row in &ut.rows {
            let code = row.cells[cu].clone();
            if code.is_empty() {
                return Err(InputError::at(&path, row.line, Some("unit"), "empty unit code"));
            }
            if unit_index.insert(code.clone(), units.codes.len()).is_some() {
                return Err(InputError::at(&path, row.line, Some("unit"), format!("duplicate unit code {code:?}")));
            }
            units.codes.push(code);
            units.names.push(cn.and_then(|c| ut.text(row, c)));
        }
        for (c, h) in ut.header.iter().enumerate() {
            if c == cu || Some(c) == cn {
                continue;
            }
            if denominators.contains(h) {
                units.denominators.push(NumericColumn {
                    name: h.clone(),
                    values: ut.rows.iter().map(|r| ut.number(r, c)).collect::<Result<_, _>>()?,
                });
            } else {
                units
                    .groups
                    .push(GroupColumn { name: h.clone(), values: ut.rows.iter().map(|r| ut.text(r, c)).collect() });
            }
        }
    }
    // cells
    let mut cells: Vec<(usize, usize, f64, u64)> = Vec::with_capacity(t.rows.len());
    let mut times = HashSet::new();
    for row in &t.rows {
        if let Some(c) = c_time {
            let tv = t.number(row, c)?;
            times.insert(tv.to_bits());
            if spec.data.time.is_some_and(|want| tv != want) {
                continue;
            }
        }
        let unit = row.cells[c_unit].clone();
        if unit.is_empty() {
            return Err(InputError::at(values, row.line, Some("unit"), "empty unit code"));
        }
        let ui = match unit_index.get(&unit) {
            Some(&i) => i,
            None if unit_table_given => {
                return Err(InputError::at(
                    values,
                    row.line,
                    Some("unit"),
                    format!("unit {unit:?} is not in the units table{}", suggest(&unit, units.codes.iter())),
                ));
            }
            None => {
                let i = units.codes.len();
                unit_index.insert(unit.clone(), i);
                units.codes.push(unit);
                units.names.push(None);
                i
            }
        };
        let ind = row.cells[c_ind].as_str();
        let Some(&ii) = ind_index.get(ind) else {
            return Err(InputError::at(
                values,
                row.line,
                Some("indicator"),
                format!("{ind:?} is not an indicator of the framework{}", suggest(ind, ind_codes.iter())),
            ));
        };
        let v = parse_number(&row.cells[c_val]).ok_or_else(|| {
            InputError::at(
                values,
                row.line,
                Some("value"),
                format!("expected a number (or empty for missing), found {:?}", row.cells[c_val]),
            )
        })?;
        cells.push((ui, ii, v, row.line));
    }
    if c_time.is_some() && spec.data.time.is_none() && times.len() > 1 {
        return Err(InputError::file(
            values,
            "the values hold several time points; choose one with data.time = <year>",
        ));
    }
    if units.codes.is_empty() {
        return Err(InputError::file(values, "no values; expected rows of unit,indicator,value"));
    }
    let n = units.codes.len();
    let mut matrix = Matrix::missing(n, ind_codes.len());
    let mut line_of: HashMap<(usize, usize), u64> = HashMap::with_capacity(cells.len());
    let mut seen_ind = vec![false; ind_codes.len()];
    for (ui, ii, v, line) in cells {
        if let Some(prev) = line_of.insert((ui, ii), line) {
            return Err(InputError::at(
                values,
                line,
                None,
                format!("unit {} has a second value for {} (first on line {prev})", units.codes[ui], ind_codes[ii]),
            ));
        }
        seen_ind[ii] = true;
        matrix.set(ui, ii, v);
    }
    if let Some(i) = seen_ind.iter().position(|s| !s) {
        return Err(InputError::file(
            values,
            format!("indicator {} is in the framework but has no rows in the values table", ind_codes[i]),
        ));
    }
    let raw = DataSet::new(units.codes.clone(), ind_codes, matrix);
    Ok(Inputs { framework, units, raw })
}
