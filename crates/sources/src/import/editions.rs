//! Importers of tables published per edition or survey year, the year
//! read from the file name, a column or the edition's header: `egov`,
//! `gci` and COINr's `coinr`.

use digindex_input::InputError;
use digindex_input::table::Table;

use super::Selector;
use super::cells::{need_select, number, unit_or_skip, value_column, year, year_in_name};
use super::collect::{Collector, Keys};

/// UN E-Government Survey: `egdi-YYYY.csv` (by code, the year from the file
/// name) or `EGOV_DATA_YYYY.csv` (by name, with `Survey Year`).
pub(super) fn egov(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    // UN E-Government Survey: egdi-YYYY.csv (country-code, year from
    // the file name) or EGOV_DATA_YYYY.csv (Country names, Survey Year)
    let v = value_column(t, sel)?;
    match (t.col("country-code"), t.col("Survey Year"), t.col("Country")) {
        (Some(k), _, _) => {
            let yr = year_in_name(path)
                .ok_or_else(|| InputError::file(path, "no survey year in the file name (egdi-YYYY.csv)"))?;
            for row in &t.rows {
                if row.cells[v].trim().is_empty() {
                    continue;
                }
                if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
                    c.push(path, row.line, u, yr, number(t, row, v)?, None)?;
                }
            }
        }
        (None, Some(y), Some(k)) => {
            for row in &t.rows {
                if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
                    c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
                }
            }
        }
        _ => return Err(InputError::file(path, "expected columns country-code, or Survey Year and Country")),
    }
    Ok(())
}

/// ITU Global Cybersecurity Index table (score and rank per edition): by
/// name; one edition per indicator, as the scales differ.
pub(super) fn gci(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    // ITU GCI: Country, then score and rank per edition; the edition
    // is the score column's header. Editions are on different scales
    // (0-1 to 2018, 0-100 from 2020): `select` picks one edition.
    let want = need_select(sel, path)?;
    let col = t.header.iter().position(|h| h == want).ok_or_else(|| {
        InputError::file(
            path,
            format!(
                "no edition column {want:?}; the editions are {}",
                t.header.iter().skip(1).step_by(2).cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let yr: i32 =
        want.parse().map_err(|_| InputError::file(path, format!("select = {want:?} is not an edition year")))?;
    for row in &t.rows {
        let cell = row.cells[col].trim();
        if cell.is_empty() || cell == "#N/A" {
            continue;
        }
        if let Some(u) = unit_or_skip(keys, c, t, row, 0)? {
            c.push(path, row.line, u, yr, number(t, row, col)?, None)?;
        }
    }
    Ok(())
}

/// COINr iData (`uCode`, `Time`, one column per indicator): by ISO3;
/// `column` picks the indicator.
pub(super) fn coinr(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    // COINr iData: uCode, optional Time, one column per indicator
    let k = t.require("uCode", "unit code")?;
    let v = match &sel.column {
        Some(c) => t.require(c, "the indicator column named by the catalogue")?,
        None => return Err(InputError::file(path, "format coinr needs `column` (the iData column)")),
    };
    let tc = t.col("Time");
    for row in &t.rows {
        if row.cells[v].trim().is_empty() {
            continue;
        }
        let yr = match tc {
            Some(c) => year(t, row, c)?,
            None => year_in_name(path)
                .ok_or_else(|| InputError::file(path, "no Time column and no year in the file name"))?,
        };
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            c.push(path, row.line, u, yr, number(t, row, v)?, None)?;
        }
    }
    Ok(())
}
