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

use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, UnitTable, suggest};
use digindex_pipeline::{Inputs, Spec};

use crate::table::{InputError, Table, parse_number};
use crate::{InputFile, read_input, resolve};

fn framework_error(path: &Path, spec_path: &Path, lines: &[u64], e: digindex_data::FrameworkError) -> InputError {
    match e.row {
        Some(r) if r < lines.len() => InputError::at(path, lines[r], Some(e.field), e.message),
        Some(r) => InputError::file(spec_path, format!("[[framework]] entry {}: {}: {}", r + 1, e.field, e.message)),
        None if e.field == "level_names" => {
            InputError { column: Some("index.level_names".into()), ..InputError::file(spec_path, e.message) }
        }
        None => InputError::file(path, e.message),
    }
}

/// A unit code is non-empty and has no spaces (as COINr requires).
fn check_unit_code(path: &Path, line: u64, code: &str) -> Result<(), InputError> {
    if code.is_empty() {
        return Err(InputError::at(path, line, Some("unit"), "empty unit code"));
    }
    if code.contains(char::is_whitespace) {
        return Err(InputError::at(path, line, Some("unit"), format!("unit codes may not contain spaces: {code:?}")));
    }
    Ok(())
}

/// Reads the framework file, or converts the inline entries.
fn load_framework(spec: &Spec, spec_path: &Path, files: &mut Vec<InputFile>) -> Result<Framework, InputError> {
    let spec_dir = spec_path.parent().unwrap_or(Path::new(""));
    let level_names = spec.index.level_names.clone();
    match (&spec.data.framework, spec.framework.is_empty()) {
        (Some(_), false) => Err(InputError {
            path: spec_path.display().to_string(),
            line: None,
            column: Some("framework".into()),
            message: "give the framework either as data.framework (a file) or as [[framework]] entries, not both"
                .into(),
        }),
        (None, true) => Err(InputError {
            path: spec_path.display().to_string(),
            line: None,
            column: Some("framework".into()),
            message: "no framework: set data.framework = \"framework.csv\" or add [[framework]] entries".into(),
        }),
        (None, false) => {
            let nodes = spec
                .framework
                .iter()
                .map(|e| e.to_node_spec())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|m| InputError::file(spec_path, m))?;
            Framework::new(nodes, level_names).map_err(|e| framework_error(spec_path, spec_path, &[], e))
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
                    if let Some(v) = t.param(row, c)? {
                        params.push((t.header[c].clone(), v));
                    }
                }
                nodes.push(NodeSpec {
                    code: row.cells[c_code].to_string(),
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
            Framework::new(nodes, level_names).map_err(|e| framework_error(&path, spec_path, &lines, e))
        }
    }
}

/// Reads the long layout into checked inputs.
pub fn load(spec: &Spec, spec_path: &Path, values: &Path, files: &mut Vec<InputFile>) -> Result<Inputs, InputError> {
    let spec_dir = spec_path.parent().unwrap_or(Path::new(""));
    let framework = load_framework(spec, spec_path, files)?;
    let bytes = read_input("values", values, files)?;
    let t = Table::parse(values, &bytes)?;
    let c_unit = t.require("unit", "the unit code")?;
    let c_ind = t.require("indicator", "the indicator code")?;
    let c_val = t.require("value", "the value; empty for missing")?;
    let c_time = t.col("time");
    if let Some(c) = t.header.iter().position(|h| !["unit", "indicator", "value", "time"].contains(&h.as_str())) {
        return Err(InputError::at(
            values,
            t.header_line,
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
            let code = row.cells[cu].to_string();
            check_unit_code(&path, row.line, &code)?;
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
    // every denominator the framework names must be a column of the unit table
    if unit_table_given {
        for n in framework.nodes() {
            if let Some(d) = &n.denominator {
                if units.denominator(d).is_none() {
                    return Err(InputError::file(
                        &resolve(spec_dir, spec.data.units.as_deref().unwrap_or_default()),
                        format!(
                            "indicator {} is to be divided by {d:?}, but the units table has no column {d:?}",
                            n.code
                        ),
                    ));
                }
            }
        }
    }
    // time points: as for COINr tables, one is required when there are several
    let times: Vec<f64> = match c_time {
        Some(c) => t.rows.iter().map(|r| t.number(r, c)).collect::<Result<_, _>>()?,
        None => vec![f64::NAN; t.rows.len()],
    };
    let mut distinct: Vec<f64> = times.iter().copied().filter(|v| !v.is_nan()).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let listed = || distinct.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ");
    match spec.data.time {
        Some(want) if c_time.is_none() => {
            return Err(InputError::file(
                values,
                format!("data.time = {want} is set but the values table has no time column"),
            ));
        }
        Some(want) if !distinct.contains(&want) => {
            return Err(InputError::file(values, format!("no rows with time = {want}; the values hold {}", listed())));
        }
        None if distinct.len() > 1 => {
            return Err(InputError::file(
                values,
                format!("the values hold several time points ({}); choose one with data.time = <year>", listed()),
            ));
        }
        _ => {}
    }
    // cells
    let mut cells: Vec<(usize, usize, f64, u64)> = Vec::with_capacity(t.rows.len());
    for (row, tv) in t.rows.iter().zip(&times) {
        if spec.data.time.is_some_and(|want| *tv != want) {
            continue;
        }
        let unit = row.cells[c_unit].to_string();
        check_unit_code(values, row.line, &unit)?;
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
        let ind = &row.cells[c_ind];
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
                format!("expected a number (or empty for missing), found {:?}", &row.cells[c_val]),
            )
        })?;
        cells.push((ui, ii, v, row.line));
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
    Ok(Inputs { framework, units, raw, censored: vec![] })
}
