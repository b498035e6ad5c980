//! Importers of files with a row per unit and year: `ddf`, `owid`, `sdg`,
//! `ncses`, `sdmx` and the generic `long`.

use digindex_input::InputError;
use digindex_input::table::Table;

use super::cells::{need_select, number, unit_or_skip, value_column, year};
use super::collect::{Collector, Keys};
use super::{GeoMap, Selector};
use crate::countries::Countries;

/// Gapminder / open-numbers `geo,time,<concept>`: keys are lower-case ISO3
/// or Gapminder ids (through the `geo` map when given); a missing value
/// has no row.
pub(super) fn ddf(
    t: &Table<'_>,
    sel: &Selector,
    countries: &Countries,
    keys: &mut Keys<'_>,
    c: &mut Collector,
    geo: Option<&GeoMap>,
) -> Result<(), InputError> {
    let path = t.path;
    let (g, y, v) = (t.require("geo", "Gapminder geo id")?, t.require("time", "year")?, value_column(t, sel)?);
    for row in &t.rows {
        let id = row.cells[g].trim();
        let unit = match geo.and_then(|m| m.get(id)) {
            Some(Some(iso3)) if countries.get(iso3).is_some() => Some(iso3.clone().into()),
            // an id the geo table gives no ISO3 code may still be a
            // country the registry knows by that exact key (Gapminder's
            // `kos`); never by pattern (`korea_union`, `pse_west_bank`)
            Some(_) => match countries.exact(id) {
                Some(country) => Some(country.iso3.clone().into()),
                None => {
                    c.skip(id);
                    None
                }
            },
            None => unit_or_skip(keys, c, t, row, g)?,
        };
        if let Some(u) = unit {
            c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
        }
    }
    Ok(())
}

/// Our World in Data grapher CSV `Entity,Code,Year,<value>`: by ISO3, else
/// by the name; `OWID_*` aggregates skipped.
pub(super) fn owid(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    let (e, k, y) = (t.require("Entity", "name")?, t.require("Code", "ISO3 code")?, t.require("Year", "year")?);
    let v = value_column(t, sel)?;
    for row in &t.rows {
        let code = row.cells[k].trim();
        if code.starts_with("OWID_") {
            c.skip(code);
            continue;
        }
        let col = if code.is_empty() { e } else { k };
        if let Some(u) = unit_or_skip(keys, c, t, row, col)? {
            c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
        }
    }
    Ok(())
}

/// UN SDG database `geo_area,nature,units,year,<value>`: by UN M49 numeric
/// code; regions skipped; `nature` kept as the flag.
pub(super) fn sdg(t: &Table<'_>, sel: &Selector, countries: &Countries, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    let (g, n, y) = (t.require("geo_area", "UN M49 code")?, t.require("nature", "c/e/n")?, t.require("year", "year")?);
    let v = value_column(t, sel)?;
    for row in &t.rows {
        let code = row.cells[g].trim();
        // M49 codes of regions are not country codes: skipped as aggregates
        let unit = code.parse::<u16>().ok().and_then(|num| countries.all().iter().find(|c| c.numeric == Some(num)));
        match unit {
            Some(u) => {
                let flag = Some(row.cells[n].trim().to_string()).filter(|f| !f.is_empty());
                c.push(path, row.line, u.iso3.clone(), year(t, row, y)?, number(t, row, v)?, flag)?;
            }
            None => c.skip(code),
        }
    }
    Ok(())
}

/// NSF NCSES long table (`indicator,entity,is_aggregate,year,value`): by
/// English name; `na` / `ne` (and `i`, `r`, `D`) kept as flags.
pub(super) fn ncses(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    let (ind, ent, agg) = (
        t.require("indicator", "indicator name")?,
        t.require("entity", "country name")?,
        t.require("is_aggregate", "0/1")?,
    );
    let (y, v) = (t.require("year", "year")?, t.require("value", "value")?);
    let want = need_select(sel, path)?;
    let mut seen_indicator = false;
    for row in &t.rows.iter().filter(|r| &r.cells[ind] == want).collect::<Vec<_>>() {
        seen_indicator = true;
        if row.cells[agg].trim() == "1" {
            c.skip(row.cells[ent].trim());
            continue;
        }
        if let Some(u) = unit_or_skip(keys, c, t, row, ent)? {
            let cell = row.cells[v].trim();
            let (value, flag) = match cell {
                "na" | "ne" | "i" | "r" | "D" => (f64::NAN, Some(cell.to_string())),
                _ => (number(t, row, v)?, None),
            };
            c.push(path, row.line, u, year(t, row, y)?, value, flag)?;
        }
    }
    if !seen_indicator {
        return Err(InputError::file(path, format!("no rows with indicator = {want:?}")));
    }
    Ok(())
}

/// SDMX-CSV (`REF_AREA`, `TIME_PERIOD`, `OBS_VALUE`, `OBS_STATUS`): by ISO3 or
/// ISO2; `OBS_STATUS` kept as the flag.
pub(super) fn sdmx(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    // SDMX-CSV: REF_AREA, TIME_PERIOD, OBS_VALUE (+ OBS_STATUS as flag);
    // `filter` / `select` pick a series (e.g. INDICATOR = IT_NET_USER)
    let (k, y, v) =
        (t.require("REF_AREA", "area code")?, t.require("TIME_PERIOD", "period")?, t.require("OBS_VALUE", "value")?);
    let status = t.col("OBS_STATUS");
    let filter = match (&sel.filter, &sel.select) {
        (Some(f), Some(s)) => Some((t.require(f, "the series column named by the catalogue")?, s.clone())),
        _ => None,
    };
    for row in &t.rows {
        if let Some((fc, fv)) = &filter {
            if &row.cells[*fc] != fv {
                continue;
            }
        }
        let period = row.cells[y].trim();
        let yr: i32 = period.get(..4).and_then(|p| p.parse().ok()).ok_or_else(|| {
            InputError::at(path, row.line, Some("TIME_PERIOD"), format!("expected a year, found {period:?}"))
        })?;
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            let flag = status.map(|s| row.cells[s].trim().to_string()).filter(|f| !f.is_empty());
            let value = if row.cells[v].trim().is_empty() { f64::NAN } else { number(t, row, v)? };
            c.push(path, row.line, u, yr, value, flag)?;
        }
    }
    Ok(())
}

/// The generic `unit,year,value[,flag]` table (with an optional `indicator`
/// column, filtered by `select`).
pub(super) fn long(t: &Table<'_>, sel: &Selector, keys: &mut Keys<'_>, c: &mut Collector) -> Result<(), InputError> {
    let path = t.path;
    let (k, y, v) = (t.require("unit", "unit")?, t.require("year", "year")?, t.require("value", "value")?);
    let f = t.col("flag");
    let ind = t.col("indicator");
    for row in &t.rows {
        if let (Some(ic), Some(s)) = (ind, &sel.select) {
            if &row.cells[ic] != s {
                continue;
            }
        }
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            let flag = f.map(|fc| row.cells[fc].trim().to_string()).filter(|s| !s.is_empty());
            c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, flag)?;
        }
    }
    Ok(())
}
