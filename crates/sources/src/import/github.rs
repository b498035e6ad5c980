//! Importers of the GitHub Innovation Graph's quarterly files: `github`
//! (one value per economy and quarter) and `github_collab` (links between
//! economies); quarters become years by the [`Annual`] rule.

use std::collections::BTreeMap;

use digindex_data::Observation;
use digindex_input::InputError;
use digindex_input::table::Table;

use super::cells::{number, unit_or_skip, year};
use super::collect::{Collector, Keys, Unit};
use super::{Annual, Selector};
use crate::countries::Countries;

/// GitHub Innovation Graph `<value>,iso2_code,year,quarter` (+ a filter
/// column): by ISO2 (`NA` is Namibia); quarters to years by `annual`, and
/// unpublished quarters censored when `censored_below` is set.
pub(super) fn github(
    t: &Table<'_>,
    sel: &Selector,
    countries: &Countries,
    keys: &mut Keys<'_>,
    c: &mut Collector,
) -> Result<(), InputError> {
    let path = t.path;
    let (k, y, q) = (t.require("iso2_code", "ISO2 code")?, t.require("year", "year")?, t.require("quarter", "1-4")?);
    let v = 0; // the value is the first column
    let filter = match (&sel.filter, &sel.select) {
        (Some(f), Some(s)) => Some((t.require(f, "the filter column named by the catalogue")?, s.clone())),
        (None, None) => None,
        _ => return Err(InputError::file(path, "format github needs both `filter` and `select`, or neither")),
    };
    let rule = sel.annual.unwrap_or_default();
    let below = match sel.censored_below {
        Some(b) if !(b.is_finite() && b > 0.0) => {
            return Err(InputError::file(path, format!("censored_below = {b}: expected a number > 0")));
        }
        b => b,
    };
    // the quarters the file covers (any row, whatever the filter),
    // and (unit, year) -> (quarter, value, line) of each quarter present
    let mut covered: BTreeMap<i32, std::collections::BTreeSet<i32>> = BTreeMap::new();
    type Quarters = BTreeMap<(String, i32), Vec<(i32, f64, u64)>>;
    let mut quarters: Quarters = BTreeMap::new();
    for row in &t.rows {
        let (yr, qn) = (year(t, row, y)?, year(t, row, q)?);
        if !(1..=4).contains(&qn) {
            return Err(InputError::at(path, row.line, Some("quarter"), format!("expected 1 to 4, found {qn}")));
        }
        covered.entry(yr).or_default().insert(qn);
        if let Some((fc, fv)) = &filter {
            if &row.cells[*fc] != fv {
                continue;
            }
        }
        if let Some(u) = unit_or_skip(keys, c, t, row, k)? {
            let e = quarters.entry((u.iso3, yr)).or_default();
            if let Some(first) = e.iter().find(|x| x.0 == qn) {
                return Err(InputError::at(
                    path,
                    row.line,
                    None,
                    format!("{} {yr} quarter {qn} is also on line {}", row.cells[k].trim(), first.2),
                ));
            }
            e.push((qn, number(t, row, v)?, row.line));
        }
    }
    // a year gives an annual value when the file covers the quarters
    // the rule needs: Q4, or all four for a mean or a sum
    let needed: &[i32] = if rule == Annual::Q4 { &[4] } else { &[1, 2, 3, 4] };
    let years: Vec<i32> =
        covered.iter().filter(|(_, qs)| needed.iter().all(|n| qs.contains(n))).map(|(y, _)| *y).collect();
    match below {
        None => {
            for ((u, yr), qs) in quarters {
                if !years.contains(&yr) {
                    continue;
                }
                if let Some(value) = rule.annualise(qs.iter().map(|x| (x.0, x.1))) {
                    c.push(path, qs[0].2, u, yr, value, None)?;
                }
            }
        }
        Some(below) => {
            // every country without a published value for a covered
            // year is below the threshold: censored, not missing
            let parts = needed.len() as u32;
            let per = if rule == Annual::Mean { f64::from(parts) } else { 1.0 };
            for &yr in &years {
                for country in countries.all() {
                    let qs: Vec<(i32, f64, u64)> = quarters
                        .get(&(country.iso3.clone(), yr))
                        .map(|qs| qs.iter().filter(|x| needed.contains(&x.0)).copied().collect())
                        .unwrap_or_default();
                    let published = qs.len() as u32;
                    let total: f64 = qs.iter().map(|x| x.1).sum();
                    let line = qs.first().map_or(0, |x| x.2);
                    let missing = f64::from(parts - published);
                    let (value, censored) = if published == parts {
                        (total / per, None)
                    } else {
                        let value = if published == 0 { f64::NAN } else { (total + missing * below / 2.0) / per };
                        let cen = digindex_data::panel::Censoring {
                            below,
                            published,
                            parts,
                            lower: total / per,
                            upper: (total + missing * below) / per,
                        };
                        (value, Some(cen))
                    };
                    c.observe(
                        path,
                        line,
                        Observation { unit: country.iso3.clone(), year: yr, value, flag: None, censored },
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// GitHub `economy_collaborators.csv` (`weight,source,destination,year,quarter`):
/// the weight of a country's links to other countries, quarters to years
/// by `annual`.
pub(super) fn github_collab(
    t: &Table<'_>,
    sel: &Selector,
    keys: &mut Keys<'_>,
    c: &mut Collector,
) -> Result<(), InputError> {
    let path = t.path;
    // GitHub economy_collaborators: weight,source,destination,year,quarter.
    // Cross-border collaboration of a source economy = the weight of its
    // links to other countries (aggregate destinations such as EU are
    // left out, so nothing is counted twice); quarters to years by `annual`.
    let (w, src, dst) =
        (t.require("weight", "weight")?, t.require("source", "ISO2")?, t.require("destination", "ISO2")?);
    let (y, q) = (t.require("year", "year")?, t.require("quarter", "1-4")?);
    let rule = sel.annual.unwrap_or_default();
    type Quarterly = BTreeMap<(String, i32), BTreeMap<i32, (f64, u64)>>;
    let mut totals: Quarterly = BTreeMap::new();
    for row in &t.rows {
        let Some(Unit { iso3: s_unit, .. }) = unit_or_skip(keys, c, t, row, src)? else { continue };
        let d_key = row.cells[dst].trim();
        let d_unit = keys.get(d_key).map_err(|e| InputError::at(path, row.line, Some("destination"), e.to_string()))?;
        match d_unit {
            Some(d) if d != s_unit => {
                let e = totals
                    .entry((s_unit, year(t, row, y)?))
                    .or_default()
                    .entry(year(t, row, q)?)
                    .or_insert((0.0, row.line));
                e.0 += number(t, row, w)?;
            }
            _ => {}
        }
    }
    for ((u, yr), qs) in totals {
        let line = qs.values().next().map_or(0, |x| x.1);
        if let Some(value) = rule.annualise(qs.iter().map(|(q, x)| (*q, x.0))) {
            c.push(path, line, u, yr, value, None)?;
        }
    }
    Ok(())
}
