//! Reading cells, shared by the importers: years, numbers, the unit of a
//! row (resolved, or skipped and counted), the value column, the year in a
//! file name and the selector fields a format needs.

use std::path::Path;

use digindex_input::InputError;
use digindex_input::table::{Row, Table, parse_number};

use super::Selector;
use super::collect::{Collector, Keys, Unit};

/// A number as a short text (for flags and details).
pub(crate) fn show(x: f64) -> String {
    if x.is_nan() { "missing".into() } else { digindex_input::number::format_number(x) }
}

/// The year in a cell (a whole number).
pub(super) fn year(t: &Table<'_>, row: &Row, col: usize) -> Result<i32, InputError> {
    let s = row.cells[col].trim();
    s.parse::<i32>().map_err(|_| {
        InputError::at(t.path, row.line, Some(&t.header[col]), format!("expected a year (a whole number), found {s:?}"))
    })
}

/// The number in a cell.
pub(super) fn number(t: &Table<'_>, row: &Row, col: usize) -> Result<f64, InputError> {
    parse_number(&row.cells[col]).ok_or_else(|| {
        InputError::at(t.path, row.line, Some(&t.header[col]), digindex_input::table::not_a_number(&row.cells[col]))
    })
}

/// The unit of a row's key: a country, a part of one (when parts are
/// summed), or `None` for a key skipped and counted (an aggregate); an
/// unknown key is an error naming the cell.
pub(super) fn unit_or_skip(
    keys: &mut Keys<'_>,
    c: &mut Collector,
    t: &Table<'_>,
    row: &Row,
    col: usize,
) -> Result<Option<Unit>, InputError> {
    let key = row.cells[col].trim();
    match keys.get(key) {
        Ok(Some(u)) => Ok(Some(u.into())),
        Ok(None) => match keys.countries.part_of(key).filter(|_| c.sum_parts) {
            Some((whole, part)) => Ok(Some(Unit { iso3: whole.iso3.clone(), part: Some(part.to_string()) })),
            None => {
                c.skip(key);
                Ok(None)
            }
        },
        Err(e) => Err(InputError::at(t.path, row.line, Some(&t.header[col]), e.to_string())),
    }
}

/// The value column: the one the catalogue names, else the last.
pub(super) fn value_column(t: &Table<'_>, sel: &Selector) -> Result<usize, InputError> {
    match &sel.column {
        Some(c) => t.require(c, "the value column named by the catalogue"),
        None => Ok(t.header.len() - 1),
    }
}

/// The first four-digit number in a file name (a survey edition).
pub(super) fn year_in_name(path: &Path) -> Option<i32> {
    let name = path.file_name()?.to_str()?;
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3))
        .find(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit) && (i + 4 == b.len() || !b[i + 4].is_ascii_digit()))
        .and_then(|i| name[i..i + 4].parse().ok())
}

/// The `select` field, which the format cannot do without.
pub(super) fn need_select<'s>(sel: &'s Selector, path: &Path) -> Result<&'s String, InputError> {
    sel.select
        .as_ref()
        .ok_or_else(|| InputError::file(path, format!("format {} needs `select` in the catalogue entry", sel.format)))
}
