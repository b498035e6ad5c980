//! Importers of files with a column per year: `hdr`, `wdi_bulk` and the
//! generic `wide`.

use digindex_input::InputError;
use digindex_input::table::Table;

use super::Selector;
use super::cells::{need_select, number, unit_or_skip};
use super::collect::{Collector, Keys, Unit};

/// UNDP HDR wide CSV (`<var>_<year>` columns): by ISO3; `ZZ*` aggregates
/// skipped.
pub(super) fn hdr(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    let k = t.require("iso3", "ISO3 code")?;
    let prefix = format!("{}_", need_select(sel, path)?);
    let cols: Vec<(usize, i32)> = t
        .header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let rest = h.strip_prefix(&prefix)?;
            (rest.len() == 4).then(|| rest.parse::<i32>().ok()).flatten().map(|yr| (i, yr))
        })
        .collect();
    if cols.is_empty() {
        return Err(InputError::file(path, format!("no columns {prefix}<year>; check `select`")));
    }
    for row in &t.rows {
        let code = row.cells[k].trim();
        if code.starts_with("ZZ") {
            c.skip(code);
            continue;
        }
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            for &(col, yr) in &cols {
                let cell = row.cells[col].trim();
                if cell.is_empty() || cell == "NaN" {
                    continue;
                }
                c.push(path, row.line, u.clone(), yr, number(t, row, col)?, None)?;
            }
        }
    }
    Ok(())
}

/// World Bank bulk CSV (`Country Code`, `Indicator Code`, year columns):
/// by ISO3; aggregates skipped.
pub(super) fn wdi_bulk(
    t: &Table<'_>,
    sel: &Selector,
    keys: &mut Keys<'_>,
    c: &mut Collector,
) -> Result<(), InputError> {
    let path = t.path;
    // World Bank bulk CSV: Country Name, Country Code, Indicator Name,
    // Indicator Code, then one column per year; `select` = indicator code
    let (k, ic) = (t.require("Country Code", "ISO3 code")?, t.require("Indicator Code", "WDI code")?);
    let want = need_select(sel, path)?;
    let cols = year_columns(t);
    for row in t.rows.iter().filter(|r| &r.cells[ic] == want) {
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            push_years(t, row, &u, &cols, c)?;
        }
    }
    Ok(())
}

/// The generic wide table `unit,<year>,<year>…`.
pub(super) fn wide(t: &Table<'_>, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    // generic wide: a unit column, then one column per year
    let k = t.require("unit", "unit")?;
    let cols = year_columns(t);
    if cols.is_empty() {
        return Err(InputError::file(path, "no year columns (headers like 2020)"));
    }
    for row in &t.rows {
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            push_years(t, row, &u, &cols, c)?;
        }
    }
    Ok(())
}

/// The columns whose header is a year, with the year.
fn year_columns(t: &Table<'_>) -> Vec<(usize, i32)> {
    t.header.iter().enumerate().filter_map(|(i, h)| h.parse::<i32>().ok().map(|y| (i, y))).collect()
}

/// A row's value in each year column, empty cells skipped.
fn push_years(
    t: &Table<'_>,
    row: &digindex_input::table::Row,
    u: &Unit,
    cols: &[(usize, i32)],
    c: &mut Collector,
) -> Result<(), InputError> {
    for &(col, yr) in cols {
        if !row.cells[col].trim().is_empty() {
            c.push(t.path, row.line, u.clone(), yr, number(t, row, col)?, None)?;
        }
    }
    Ok(())
}
