//! COINr's input tables, read as COINr reads them.
//!
//! `iData`: one row per unit (per unit and time point for panels) with
//! `uCode` (required, unique), optional `uName` and `Time`, and one column
//! per iMeta row of type Indicator, Group, Denominator or Other.
//!
//! `iMeta`: `Level, iCode, Parent, Direction, Weight, Type` (required),
//! `iName, Unit, Target, Denominator` (optional) and any further numeric
//! columns (normalisation parameters such as `goalpost_lower`). Indicator
//! and Aggregate rows form the framework tree.

use std::collections::HashMap;
use std::path::Path;

use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, UnitTable, suggest};
use digindex_pipeline::Inputs;

use crate::table::{InputError, Table};
use crate::{InputFile, read_input};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Indicator,
    Aggregate,
    Group,
    Denominator,
    Other,
}

/// Reads iData and iMeta into checked inputs.
pub fn load(
    idata: &Path,
    imeta: &Path,
    time: Option<f64>,
    level_names: &[String],
    spec_path: &Path,
    files: &mut Vec<InputFile>,
) -> Result<Inputs, InputError> {
    let meta_bytes = read_input("iMeta", imeta, files)?;
    let data_bytes = read_input("iData", idata, files)?;
    let meta = Table::parse(imeta, &meta_bytes)?;
    let data = Table::parse(idata, &data_bytes)?;

    // ---- iMeta
    let c_code = meta.require("iCode", "the code of each indicator, aggregate, group or denominator")?;
    let c_type = meta.require("Type", "Indicator, Aggregate, Group, Denominator or Other")?;
    let c_level = meta.require("Level", "1 for indicators, 2.. for aggregates")?;
    let c_parent = meta.require("Parent", "the code one level up")?;
    let c_dir = meta.require("Direction", "1 or -1")?;
    let c_weight = meta.require("Weight", "weight within the parent group")?;
    let c_name = meta.col("iName");
    let c_target = meta.col("Target");
    let c_denom = meta.col("Denominator");
    let known = ["iCode", "Type", "Level", "Parent", "Direction", "Weight", "iName", "Target", "Denominator", "Unit"];
    let param_cols: Vec<usize> =
        (0..meta.header.len()).filter(|&i| !known.contains(&meta.header[i].as_str())).collect();

    let mut kinds: HashMap<String, (Kind, u64)> = HashMap::new();
    let mut nodes = Vec::new();
    let mut node_lines = Vec::new();
    for row in &meta.rows {
        let code = row.cells[c_code].to_string();
        if code.is_empty() {
            return Err(InputError::at(imeta, row.line, Some("iCode"), "empty code"));
        }
        let kind = match &row.cells[c_type] {
            "Indicator" => Kind::Indicator,
            "Aggregate" => Kind::Aggregate,
            "Group" => Kind::Group,
            "Denominator" => Kind::Denominator,
            "Other" => Kind::Other,
            t => {
                return Err(InputError::at(
                    imeta,
                    row.line,
                    Some("Type"),
                    format!("expected Indicator, Aggregate, Group, Denominator or Other, found {t:?}"),
                ));
            }
        };
        if let Some((_, l)) = kinds.insert(code.clone(), (kind, row.line)) {
            return Err(InputError::at(
                imeta,
                row.line,
                Some("iCode"),
                format!("duplicate code {code:?} (also on line {l})"),
            ));
        }
        if !matches!(kind, Kind::Indicator | Kind::Aggregate) {
            continue;
        }
        let level = meta.number(row, c_level)?;
        if level.is_nan() || level < 1.0 || level.fract() != 0.0 {
            return Err(InputError::at(
                imeta,
                row.line,
                Some("Level"),
                format!("expected a whole number >= 1, found {:?}", &row.cells[c_level]),
            ));
        }
        if kind == Kind::Indicator && level != 1.0 {
            return Err(InputError::at(
                imeta,
                row.line,
                Some("Level"),
                format!("indicators are at level 1, found {level}"),
            ));
        }
        if kind == Kind::Aggregate && level < 2.0 {
            return Err(InputError::at(imeta, row.line, Some("Level"), "aggregates are at level 2 or above"));
        }
        let direction = meta.number(row, c_dir)?;
        if direction != 1.0 && direction != -1.0 && !(kind == Kind::Aggregate && direction.is_nan()) {
            return Err(InputError::at(
                imeta,
                row.line,
                Some("Direction"),
                format!("expected 1 or -1, found {:?}", &row.cells[c_dir]),
            ));
        }
        let weight = meta.number(row, c_weight)?;
        if weight.is_nan() {
            return Err(InputError::at(
                imeta,
                row.line,
                Some("Weight"),
                "expected a weight (a number >= 0), found an empty cell",
            ));
        }
        let target = match c_target {
            Some(c) => Some(meta.number(row, c)?).filter(|v| !v.is_nan()),
            None => None,
        };
        let mut params = Vec::new();
        for &c in &param_cols {
            if let Some(v) = meta.param(row, c)? {
                params.push((meta.header[c].clone(), v));
            }
        }
        nodes.push(NodeSpec {
            code,
            name: c_name.and_then(|c| meta.text(row, c)),
            parent: meta.text(row, c_parent),
            level: Some(level as u32),
            direction: Some(if direction.is_nan() { 1.0 } else { direction }),
            weight: Some(weight),
            target,
            denominator: c_denom.and_then(|c| meta.text(row, c)),
            params,
        });
        node_lines.push(row.line);
    }
    let framework = Framework::new(nodes, level_names.to_vec()).map_err(|e| match e.row {
        Some(r) => InputError::at(
            imeta,
            node_lines[r],
            Some(match e.field {
                "code" => "iCode",
                "parent" => "Parent",
                "level" => "Level",
                "direction" => "Direction",
                "weight" => "Weight",
                "target" => "Target",
                f => f,
            }),
            e.message,
        ),
        None if e.field == "level_names" => {
            InputError { column: Some("index.level_names".into()), ..InputError::file(spec_path, e.message) }
        }
        None => InputError::file(imeta, e.message),
    })?;
    // denominators named by indicators must be Denominator rows
    for n in framework.nodes() {
        if let Some(d) = &n.denominator {
            if !matches!(kinds.get(d), Some((Kind::Denominator, _))) {
                let line = kinds.get(&n.code).map_or(0, |k| k.1);
                return Err(InputError::at(
                    imeta,
                    line,
                    Some("Denominator"),
                    format!("{} is to be divided by {d:?}, which is not a row of Type Denominator in iMeta", n.code),
                ));
            }
        }
    }

    // ---- iData
    let c_ucode = data.require("uCode", "the unit code")?;
    let c_uname = data.col("uName");
    let c_time = data.col("Time");
    for (c, h) in data.header.iter().enumerate() {
        if c == c_ucode || Some(c) == c_uname || Some(c) == c_time {
            continue;
        }
        match kinds.get(h) {
            None => {
                let codes: Vec<String> = kinds.keys().cloned().collect();
                return Err(InputError::at(
                    idata,
                    data.header_line,
                    Some(h),
                    format!(
                        "column {h:?} is not in iMeta; add a row for it (Type Indicator, Group, Denominator or Other){}",
                        suggest(h, codes.iter())
                    ),
                ));
            }
            Some((Kind::Aggregate, l)) => {
                return Err(InputError::at(
                    idata,
                    data.header_line,
                    Some(h),
                    format!(
                        "{h} is an aggregate (iMeta line {l}); aggregates are computed, so iData must not hold them"
                    ),
                ));
            }
            _ => {}
        }
    }
    for (code, (kind, line)) in &kinds {
        if matches!(kind, Kind::Indicator | Kind::Group | Kind::Denominator) && data.col(code).is_none() {
            return Err(InputError::at(
                imeta,
                *line,
                Some("iCode"),
                format!("{code} is declared in iMeta but iData has no column {code:?}"),
            ));
        }
    }

    // rows: select the time point
    let times: Vec<f64> = match c_time {
        Some(c) => data.rows.iter().map(|r| data.number(r, c)).collect::<Result<_, _>>()?,
        None => vec![f64::NAN; data.rows.len()],
    };
    let mut distinct: Vec<f64> = times.iter().copied().filter(|t| !t.is_nan()).collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let selected: Vec<usize> = match time {
        Some(t) => {
            if c_time.is_none() {
                return Err(InputError::file(idata, format!("data.time = {t} is set but iData has no Time column")));
            }
            let s: Vec<usize> = (0..data.rows.len()).filter(|&i| times[i] == t).collect();
            if s.is_empty() {
                return Err(InputError::file(
                    idata,
                    format!(
                        "no rows with Time = {t}; the data hold {}",
                        distinct.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            s
        }
        None => {
            if distinct.len() > 1 {
                return Err(InputError::file(
                    idata,
                    format!(
                        "the data hold several time points ({}); choose one with data.time = <year> (or --set data.time=<year>)",
                        distinct.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            (0..data.rows.len()).collect()
        }
    };
    if selected.is_empty() {
        return Err(InputError::file(idata, "no data rows; expected one row per unit"));
    }

    let mut seen: HashMap<&str, u64> = HashMap::new();
    let mut codes = Vec::with_capacity(selected.len());
    let mut names = Vec::with_capacity(selected.len());
    for &r in &selected {
        let row = &data.rows[r];
        let u = &row.cells[c_ucode];
        if u.is_empty() {
            return Err(InputError::at(idata, row.line, Some("uCode"), "empty unit code"));
        }
        if u.contains(char::is_whitespace) {
            return Err(InputError::at(
                idata,
                row.line,
                Some("uCode"),
                format!("unit codes may not contain spaces: {u:?}"),
            ));
        }
        if let Some(l) = seen.insert(u, row.line) {
            return Err(InputError::at(
                idata,
                row.line,
                Some("uCode"),
                format!("duplicate unit code {u:?} (also on line {l})"),
            ));
        }
        codes.push(u.to_string());
        names.push(c_uname.and_then(|c| data.text(row, c)));
    }
    let mut groups = Vec::new();
    let mut denominators = Vec::new();
    for (c, h) in data.header.iter().enumerate() {
        match kinds.get(h).map(|k| k.0) {
            Some(Kind::Group) => groups.push(GroupColumn {
                name: h.clone(),
                values: selected.iter().map(|&r| data.text(&data.rows[r], c)).collect(),
            }),
            Some(Kind::Denominator) => denominators.push(NumericColumn {
                name: h.clone(),
                values: selected.iter().map(|&r| data.number(&data.rows[r], c)).collect::<Result<_, _>>()?,
            }),
            _ => {}
        }
    }
    let ind_codes = framework.indicator_codes();
    let mut cols = Vec::with_capacity(ind_codes.len());
    for code in &ind_codes {
        // presence checked above
        let c = data.col(code).ok_or_else(|| InputError::file(idata, format!("no column {code:?}")))?;
        cols.push(selected.iter().map(|&r| data.number(&data.rows[r], c)).collect::<Result<Vec<f64>, _>>()?);
    }
    let values =
        Matrix::from_columns(codes.len(), &cols).ok_or_else(|| InputError::file(idata, "internal: ragged columns"))?;
    let raw = DataSet::new(codes.clone(), ind_codes, values);
    Ok(Inputs { framework, units: UnitTable { codes, names, groups, denominators }, raw, censored: vec![] })
}
