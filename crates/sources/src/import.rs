//! Importers: one function per source format, each turning a file into
//! observations (ISO3 unit, year, value, flag) of one indicator.
//!
//! | format | files | key | notes |
//! | --- | --- | --- | --- |
//! | `ddf` | Gapminder / open-numbers `geo,time,<concept>` | lower-case ISO3 or Gapminder id | missing = no row |
//! | `github` | GitHub Innovation Graph `<value>,iso2_code,year,quarter` (+ a filter column) | ISO2 (`NA` is Namibia) | quarterly → annual by a stated rule |
//! | `github_collab` | GitHub `economy_collaborators.csv` (`weight,source,destination,year,quarter`) | ISO2 | weight of links to other countries; aggregates left out |
//! | `ncses` | NSF NCSES long table | English names | `na` / `ne` kept as flags |
//! | `hdr` | UNDP HDR wide CSV (`<var>_<year>` columns) | ISO3 | `ZZ*` aggregates skipped |
//! | `owid` | Our World in Data grapher CSV `Entity,Code,Year,<value>` | ISO3, else the name | `OWID_*` aggregates skipped |
//! | `sdg` | UN SDG database `geo_area,nature,units,year,<value>` | UN M49 numeric | regions skipped; `nature` kept as flag |
//! | `egov` | UN E-Government Survey (`egdi-YYYY.csv` by code, `EGOV_DATA_YYYY.csv` by name) | ISO3 / names | year from the file name or `Survey Year` |
//! | `gci` | ITU Global Cybersecurity Index table (score, rank per edition) | names | one edition per indicator: scales differ (0–1 to 2018, 0–100 after) |
//! | `wide` | generic `unit,<year>,<year>…` | any code or name | |
//! | `wdi_bulk` | World Bank bulk CSV (`Country Code`, `Indicator Code`, year columns) | ISO3 | aggregates skipped |
//! | `sdmx` | SDMX-CSV (`REF_AREA`, `TIME_PERIOD`, `OBS_VALUE`, `OBS_STATUS`) | ISO3 / ISO2 | `OBS_STATUS` kept as flag |
//! | `coinr` | COINr iData (`uCode`, `Time`, one column per indicator) | ISO3 | `column` picks the indicator |
//! | `long` | generic `unit,year,value[,flag]` (+ optional `indicator` filter) | any code or name | |
//!
//! Every key goes through [`Countries::resolve`]: aggregates and former
//! countries are skipped and counted, an unknown key is an error naming the
//! file, line and the nearest known names. A unit-year given twice with
//! different values is an error; the same value twice is kept once.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use digindex_data::Observation;
use digindex_io::InputError;
use digindex_io::table::{Table, parse_number};

use crate::countries::Countries;

/// What an importer reads: the format and its selectors.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    pub format: String,
    /// `ddf`, `owid`, `sdg`: the value column (default: the last column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `ncses`: the `indicator` value; `hdr`: the variable prefix;
    /// `github`: the value of the filter column (e.g. a topic); `long`:
    /// the `indicator` value when the file has that column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// `github`: the filter column (`topic`, `spdx_license`, `language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// `github`: quarterly to annual — `q4` (the fourth quarter's value),
    /// `mean` (of the quarters present) or `sum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual: Option<String>,
    /// `ddf`: a Gapminder geo entities file (`country`, `iso3166_1_alpha3`)
    /// mapping geo ids to ISO3; ids without an ISO3 code there are skipped
    /// as territories without a code of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    /// Parts of countries reported on their own (the Gaza Strip and the
    /// West Bank of Palestine): `"sum"` adds them up into the country, for
    /// counts, in years the country has no value of its own; otherwise
    /// they are skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<String>,
    /// `github`: the source publishes a value only at or above this
    /// threshold (GitHub: 100 developers). A country without a row in a
    /// quarter the file covers is then censored (below the threshold), not
    /// missing; an annual value from fewer published quarters than the year
    /// has is flagged with its bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censored_below: Option<f64>,
}

/// Gapminder geo id → ISO3 code (`None`: no code of its own).
pub type GeoMap = HashMap<String, Option<String>>;

/// Reads a Gapminder `geo_country_entities.csv`.
pub fn read_geo_map(path: &Path, bytes: &[u8]) -> Result<GeoMap, InputError> {
    let t = Table::parse(path, bytes)?;
    let (c, a) = (t.require("country", "geo id")?, t.require("iso3166_1_alpha3", "ISO3 code")?);
    Ok(t.rows
        .iter()
        .map(|r| (r.cells[c].to_string(), Some(r.cells[a].trim().to_uppercase()).filter(|v| !v.is_empty())))
        .collect())
}

/// Observations and what was left out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Imported {
    pub observations: Vec<Observation>,
    /// Non-country keys skipped (aggregates, former countries, parts of countries) and their row counts.
    pub skipped: BTreeMap<String, usize>,
}

/// Resolves keys once each, remembering the answer.
struct Keys<'c> {
    countries: &'c Countries,
    cache: HashMap<String, Result<Option<String>, String>>,
}

impl<'c> Keys<'c> {
    fn new(countries: &'c Countries) -> Self {
        Keys { countries, cache: HashMap::new() }
    }

    fn get(&mut self, key: &str) -> Result<Option<String>, String> {
        if let Some(r) = self.cache.get(key) {
            return r.clone();
        }
        let r = self.countries.iso3(key).map(|o| o.map(str::to_string));
        self.cache.insert(key.to_string(), r.clone());
        r
    }
}

/// A row's unit: a country, or a part of one (its values are summed into
/// the country where the indicator adds up).
#[derive(Debug, Clone)]
struct Unit {
    iso3: String,
    part: Option<String>,
}

impl From<String> for Unit {
    fn from(iso3: String) -> Unit {
        Unit { iso3, part: None }
    }
}

/// The values of a country's parts in one year: (part, value, line).
type Parts = BTreeMap<(String, i32), Vec<(String, f64, u64)>>;

/// Collects observations, checking unit-years given twice.
struct Collector {
    seen: HashMap<(String, i32), (f64, Option<String>, u64)>,
    /// Parts of countries are summed into the country (`parts = "sum"`).
    sum_parts: bool,
    parts: Parts,
    out: Imported,
}

impl Collector {
    fn new(sel: &Selector) -> Self {
        Collector {
            seen: HashMap::new(),
            sum_parts: sel.parts.as_deref() == Some("sum"),
            parts: BTreeMap::new(),
            out: Imported::default(),
        }
    }

    fn skip(&mut self, key: &str) {
        *self.out.skipped.entry(key.to_string()).or_insert(0) += 1;
    }

    fn push(
        &mut self,
        path: &Path,
        line: u64,
        unit: impl Into<Unit>,
        year: i32,
        value: f64,
        flag: Option<String>,
    ) -> Result<(), InputError> {
        let unit = unit.into();
        if let Some(part) = unit.part {
            self.parts.entry((unit.iso3, year)).or_default().push((part, value, line));
            return Ok(());
        }
        self.observe(path, line, Observation { unit: unit.iso3, year, value, flag, censored: None })
    }

    /// Adds an observation, checking that a unit-year given twice has the same value.
    fn observe(&mut self, path: &Path, line: u64, o: Observation) -> Result<(), InputError> {
        let (unit, year, value) = (&o.unit, o.year, o.value);
        match self.seen.get(&(unit.clone(), year)) {
            Some((v, f, first)) => {
                let same = (v.to_bits() == value.to_bits() || (v.is_nan() && value.is_nan())) && *f == o.flag;
                if !same {
                    return Err(InputError::at(
                        path,
                        line,
                        None,
                        format!("{unit} {year} has a second, different value ({value} vs {v} on line {first})"),
                    ));
                }
                Ok(())
            }
            None => {
                self.seen.insert((unit.clone(), year), (value, o.flag.clone(), line));
                self.out.observations.push(o);
                Ok(())
            }
        }
    }

    /// Sums each country's parts for the years the country has no value of
    /// its own. Every part must be there: a part without a row, or with a
    /// missing value, makes the sum unknown. A part given twice (under two
    /// spellings) counts once if the values agree, and is an error if not.
    fn finish(mut self, path: &Path, countries: &Countries) -> Result<Imported, InputError> {
        for ((iso3, year), mut parts) in std::mem::take(&mut self.parts) {
            if self.seen.contains_key(&(iso3.clone(), year)) {
                for (name, _, _) in &parts {
                    self.skip(&format!("{name} (part of {iso3}, which has its own value)"));
                }
                continue;
            }
            parts.sort_by(|a, b| a.0.cmp(&b.0).then(a.2.cmp(&b.2)));
            let mut unique: Vec<(String, f64, u64)> = Vec::with_capacity(parts.len());
            for p in parts {
                match unique.last() {
                    Some(q) if q.0 == p.0 => {
                        if q.1.to_bits() != p.1.to_bits() && !(q.1.is_nan() && p.1.is_nan()) {
                            return Err(InputError::at(
                                path,
                                p.2,
                                None,
                                format!(
                                    "{} {year} is also on line {} with another value ({} vs {})",
                                    p.0, q.2, p.1, q.1
                                ),
                            ));
                        }
                    }
                    _ => unique.push(p),
                }
            }
            let all = countries.parts_of(&iso3);
            let absent: Vec<&str> = all.iter().copied().filter(|a| !unique.iter().any(|u| u.0 == *a)).collect();
            let terms: Vec<String> =
                unique.iter().map(|(n, v, _)| format!("{n} {}", crate::import::show(*v))).collect();
            let (value, flag) = if absent.is_empty() {
                (unique.iter().map(|p| p.1).sum(), format!("sum of parts: {}", terms.join(" + ")))
            } else {
                (f64::NAN, format!("parts incomplete: {} given, {} missing", terms.join(", "), absent.join(", ")))
            };
            let line = unique.first().map_or(0, |p| p.2);
            self.observe(path, line, Observation { unit: iso3, year, value, flag: Some(flag), censored: None })?;
        }
        self.out.observations.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.year.cmp(&b.year)));
        Ok(self.out)
    }
}

/// A number as a short text (for flags and details).
pub(crate) fn show(x: f64) -> String {
    if x.is_nan() { "missing".into() } else { digindex_io::number::format_number(x) }
}

fn year(t: &Table<'_>, row: &digindex_io::table::Row, col: usize) -> Result<i32, InputError> {
    let s = row.cells[col].trim();
    s.parse::<i32>().map_err(|_| {
        InputError::at(t.path, row.line, Some(&t.header[col]), format!("expected a year (a whole number), found {s:?}"))
    })
}

fn number(t: &Table<'_>, row: &digindex_io::table::Row, col: usize) -> Result<f64, InputError> {
    parse_number(&row.cells[col]).ok_or_else(|| {
        InputError::at(t.path, row.line, Some(&t.header[col]), digindex_io::table::not_a_number(&row.cells[col]))
    })
}

fn unit_or_skip(
    keys: &mut Keys<'_>,
    c: &mut Collector,
    t: &Table<'_>,
    row: &digindex_io::table::Row,
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
        Err(e) => Err(InputError::at(t.path, row.line, Some(&t.header[col]), e)),
    }
}

fn value_column(t: &Table<'_>, sel: &Selector) -> Result<usize, InputError> {
    match &sel.column {
        Some(c) => t.require(c, "the value column named by the catalogue"),
        None => Ok(t.header.len() - 1),
    }
}

/// Imports one file with the given selector (and, for `ddf`, an optional
/// geo id map).
pub fn import(
    path: &Path,
    bytes: &[u8],
    sel: &Selector,
    countries: &Countries,
    geo: Option<&GeoMap>,
) -> Result<Imported, InputError> {
    let t = parse(path, bytes, &sel.format)?;
    import_table(&t, sel, countries, geo)
}

/// Parses a file as the format needs (the GCI table is read by position).
pub fn parse<'p>(path: &'p Path, bytes: &[u8], format: &str) -> Result<Table<'p>, InputError> {
    parse_for(path, bytes, format, &[])
}

/// [`parse`] for the indicators `selects` (their `select` values): of a
/// file that holds many indicators in rows (`ncses`), only their rows are
/// kept. An empty list keeps every row.
pub fn parse_for<'p>(path: &'p Path, bytes: &[u8], format: &str, selects: &[String]) -> Result<Table<'p>, InputError> {
    match format {
        "gci" => Table::parse_positional(path, bytes),
        "ncses" if !selects.is_empty() => Table::parse_keeping(path, bytes, "indicator", selects),
        _ => Table::parse(path, bytes),
    }
}

/// The quarters-to-year rule of a selector (`annual`, default `q4`).
fn annual_rule<'s>(path: &Path, sel: &'s Selector) -> Result<&'s str, InputError> {
    let rule = sel.annual.as_deref().unwrap_or("q4");
    if !["q4", "mean", "sum"].contains(&rule) {
        return Err(InputError::file(path, format!("annual = {rule:?}: expected q4, mean or sum")));
    }
    Ok(rule)
}

/// One year's value from its quarters: `q4` (the fourth quarter, none if
/// it is missing), `mean` of the quarters present, or their `sum`.
fn annualise(rule: &str, quarters: impl Iterator<Item = (i32, f64)>) -> Option<f64> {
    let qs: Vec<(i32, f64)> = quarters.collect();
    match rule {
        "q4" => qs.iter().find(|q| q.0 == 4).map(|q| q.1),
        "mean" => (!qs.is_empty()).then(|| qs.iter().map(|q| q.1).sum::<f64>() / qs.len() as f64),
        _ => Some(qs.iter().map(|q| q.1).sum::<f64>()),
    }
}

/// The first four-digit number in a file name (a survey edition).
fn year_in_name(path: &Path) -> Option<i32> {
    let name = path.file_name()?.to_str()?;
    let b = name.as_bytes();
    (0..b.len().saturating_sub(3))
        .find(|&i| b[i..i + 4].iter().all(u8::is_ascii_digit) && (i + 4 == b.len() || !b[i + 4].is_ascii_digit()))
        .and_then(|i| name[i..i + 4].parse().ok())
}

/// Imports from an already parsed table (a file read once for several indicators).
pub fn import_table(
    t: &Table<'_>,
    sel: &Selector,
    countries: &Countries,
    geo: Option<&GeoMap>,
) -> Result<Imported, InputError> {
    let path = t.path;
    let mut keys = Keys::new(countries);
    let mut c = Collector::new(sel);
    let need = |what: &str| -> Result<&String, InputError> {
        match what {
            "select" => sel.select.as_ref(),
            _ => sel.filter.as_ref(),
        }
        .ok_or_else(|| InputError::file(path, format!("format {} needs `{what}` in the catalogue entry", sel.format)))
    };
    match sel.format.as_str() {
        "ddf" => {
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
                    None => unit_or_skip(&mut keys, &mut c, t, row, g)?,
                };
                if let Some(u) = unit {
                    c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
                }
            }
        }
        "owid" => {
            let (e, k, y) = (t.require("Entity", "name")?, t.require("Code", "ISO3 code")?, t.require("Year", "year")?);
            let v = value_column(t, sel)?;
            for row in &t.rows {
                let code = row.cells[k].trim();
                if code.starts_with("OWID_") {
                    c.skip(code);
                    continue;
                }
                let col = if code.is_empty() { e } else { k };
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, col)? {
                    c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
                }
            }
        }
        "sdg" => {
            let (g, n, y) =
                (t.require("geo_area", "UN M49 code")?, t.require("nature", "c/e/n")?, t.require("year", "year")?);
            let v = value_column(t, sel)?;
            for row in &t.rows {
                let code = row.cells[g].trim();
                // M49 codes of regions are not country codes: skipped as aggregates
                let unit =
                    code.parse::<u16>().ok().and_then(|num| countries.all().iter().find(|c| c.numeric == Some(num)));
                match unit {
                    Some(u) => {
                        let flag = Some(row.cells[n].trim().to_string()).filter(|f| !f.is_empty());
                        c.push(path, row.line, u.iso3.clone(), year(t, row, y)?, number(t, row, v)?, flag)?;
                    }
                    None => c.skip(code),
                }
            }
        }
        "hdr" => {
            let k = t.require("iso3", "ISO3 code")?;
            let prefix = format!("{}_", need("select")?);
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
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    for &(col, yr) in &cols {
                        let cell = row.cells[col].trim();
                        if cell.is_empty() || cell == "NaN" {
                            continue;
                        }
                        c.push(path, row.line, u.clone(), yr, number(t, row, col)?, None)?;
                    }
                }
            }
        }
        "ncses" => {
            let (ind, ent, agg) = (
                t.require("indicator", "indicator name")?,
                t.require("entity", "country name")?,
                t.require("is_aggregate", "0/1")?,
            );
            let (y, v) = (t.require("year", "year")?, t.require("value", "value")?);
            let want = need("select")?;
            let mut seen_indicator = false;
            for row in &t.rows.iter().filter(|r| &r.cells[ind] == want).collect::<Vec<_>>() {
                seen_indicator = true;
                if row.cells[agg].trim() == "1" {
                    c.skip(row.cells[ent].trim());
                    continue;
                }
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, ent)? {
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
        }
        "github" => {
            let (k, y, q) =
                (t.require("iso2_code", "ISO2 code")?, t.require("year", "year")?, t.require("quarter", "1-4")?);
            let v = 0; // the value is the first column
            let filter = match (&sel.filter, &sel.select) {
                (Some(f), Some(s)) => Some((t.require(f, "the filter column named by the catalogue")?, s.clone())),
                (None, None) => None,
                _ => return Err(InputError::file(path, "format github needs both `filter` and `select`, or neither")),
            };
            let rule = annual_rule(path, sel)?;
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
                    return Err(InputError::at(
                        path,
                        row.line,
                        Some("quarter"),
                        format!("expected 1 to 4, found {qn}"),
                    ));
                }
                covered.entry(yr).or_default().insert(qn);
                if let Some((fc, fv)) = &filter {
                    if &row.cells[*fc] != fv {
                        continue;
                    }
                }
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
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
            let needed: &[i32] = if rule == "q4" { &[4] } else { &[1, 2, 3, 4] };
            let years: Vec<i32> =
                covered.iter().filter(|(_, qs)| needed.iter().all(|n| qs.contains(n))).map(|(y, _)| *y).collect();
            match below {
                None => {
                    for ((u, yr), qs) in quarters {
                        if !years.contains(&yr) {
                            continue;
                        }
                        if let Some(value) = annualise(rule, qs.iter().map(|x| (x.0, x.1))) {
                            c.push(path, qs[0].2, u, yr, value, None)?;
                        }
                    }
                }
                Some(below) => {
                    // every country without a published value for a covered
                    // year is below the threshold: censored, not missing
                    let parts = needed.len() as u32;
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
                            let per = if rule == "mean" { f64::from(parts) } else { 1.0 };
                            let (value, censored) = if published == parts {
                                (total / per, None)
                            } else {
                                let value =
                                    if published == 0 { f64::NAN } else { (total + missing * below / 2.0) / per };
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
        }
        "long" => {
            let (k, y, v) = (t.require("unit", "unit")?, t.require("year", "year")?, t.require("value", "value")?);
            let f = t.col("flag");
            let ind = t.col("indicator");
            for row in &t.rows {
                if let (Some(ic), Some(s)) = (ind, &sel.select) {
                    if &row.cells[ic] != s {
                        continue;
                    }
                }
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    let flag = f.map(|fc| row.cells[fc].trim().to_string()).filter(|s| !s.is_empty());
                    c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, flag)?;
                }
            }
        }
        "github_collab" => {
            // GitHub economy_collaborators: weight,source,destination,year,quarter.
            // Cross-border collaboration of a source economy = the weight of its
            // links to other countries (aggregate destinations such as EU are
            // left out, so nothing is counted twice); quarters to years by `annual`.
            let (w, src, dst) =
                (t.require("weight", "weight")?, t.require("source", "ISO2")?, t.require("destination", "ISO2")?);
            let (y, q) = (t.require("year", "year")?, t.require("quarter", "1-4")?);
            let rule = annual_rule(path, sel)?;
            type Quarterly = BTreeMap<(String, i32), BTreeMap<i32, (f64, u64)>>;
            let mut totals: Quarterly = BTreeMap::new();
            for row in &t.rows {
                let Some(Unit { iso3: s_unit, .. }) = unit_or_skip(&mut keys, &mut c, t, row, src)? else { continue };
                let d_key = row.cells[dst].trim();
                let d_unit = keys.get(d_key).map_err(|e| InputError::at(path, row.line, Some("destination"), e))?;
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
                if let Some(value) = annualise(rule, qs.iter().map(|(q, x)| (*q, x.0))) {
                    c.push(path, line, u, yr, value, None)?;
                }
            }
        }
        "coinr" => {
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
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    c.push(path, row.line, u, yr, number(t, row, v)?, None)?;
                }
            }
        }
        "egov" => {
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
                        if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                            c.push(path, row.line, u, yr, number(t, row, v)?, None)?;
                        }
                    }
                }
                (None, Some(y), Some(k)) => {
                    for row in &t.rows {
                        if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                            c.push(path, row.line, u, year(t, row, y)?, number(t, row, v)?, None)?;
                        }
                    }
                }
                _ => return Err(InputError::file(path, "expected columns country-code, or Survey Year and Country")),
            }
        }
        "gci" => {
            // ITU GCI: Country, then score and rank per edition; the edition
            // is the score column's header. Editions are on different scales
            // (0-1 to 2018, 0-100 from 2020): `select` picks one edition.
            let want = need("select")?;
            let col = t.header.iter().position(|h| h == want).ok_or_else(|| {
                InputError::file(
                    path,
                    format!(
                        "no edition column {want:?}; the editions are {}",
                        t.header.iter().skip(1).step_by(2).cloned().collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
            let yr: i32 = want
                .parse()
                .map_err(|_| InputError::file(path, format!("select = {want:?} is not an edition year")))?;
            for row in &t.rows {
                let cell = row.cells[col].trim();
                if cell.is_empty() || cell == "#N/A" {
                    continue;
                }
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, 0)? {
                    c.push(path, row.line, u, yr, number(t, row, col)?, None)?;
                }
            }
        }
        "wide" => {
            // generic wide: a unit column, then one column per year
            let k = t.require("unit", "unit")?;
            let cols: Vec<(usize, i32)> =
                t.header.iter().enumerate().filter_map(|(i, h)| h.parse::<i32>().ok().map(|y| (i, y))).collect();
            if cols.is_empty() {
                return Err(InputError::file(path, "no year columns (headers like 2020)"));
            }
            for row in &t.rows {
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    for &(col, yr) in &cols {
                        if row.cells[col].trim().is_empty() {
                            continue;
                        }
                        c.push(path, row.line, u.clone(), yr, number(t, row, col)?, None)?;
                    }
                }
            }
        }
        "wdi_bulk" => {
            // World Bank bulk CSV: Country Name, Country Code, Indicator Name,
            // Indicator Code, then one column per year; `select` = indicator code
            let (k, ic) = (t.require("Country Code", "ISO3 code")?, t.require("Indicator Code", "WDI code")?);
            let want = need("select")?;
            let cols: Vec<(usize, i32)> =
                t.header.iter().enumerate().filter_map(|(i, h)| h.parse::<i32>().ok().map(|y| (i, y))).collect();
            for row in t.rows.iter().filter(|r| &r.cells[ic] == want) {
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    for &(col, yr) in &cols {
                        if row.cells[col].trim().is_empty() {
                            continue;
                        }
                        c.push(path, row.line, u.clone(), yr, number(t, row, col)?, None)?;
                    }
                }
            }
        }
        "sdmx" => {
            // SDMX-CSV: REF_AREA, TIME_PERIOD, OBS_VALUE (+ OBS_STATUS as flag);
            // `filter` / `select` pick a series (e.g. INDICATOR = IT_NET_USER)
            let (k, y, v) = (
                t.require("REF_AREA", "area code")?,
                t.require("TIME_PERIOD", "period")?,
                t.require("OBS_VALUE", "value")?,
            );
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
                if let Some(u) = unit_or_skip(&mut keys, &mut c, t, row, k)? {
                    let flag = status.map(|s| row.cells[s].trim().to_string()).filter(|f| !f.is_empty());
                    let value = if row.cells[v].trim().is_empty() { f64::NAN } else { number(t, row, v)? };
                    c.push(path, row.line, u, yr, value, flag)?;
                }
            }
        }
        other => {
            return Err(InputError::file(
                path,
                format!(
                    "unknown format {other:?}; known: ddf, owid, sdg, hdr, ncses, github, github_collab, egov, gci, wide, wdi_bulk, sdmx, coinr, long"
                ),
            ));
        }
    }
    c.finish(path, countries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(format: &str) -> Selector {
        Selector { format: format.into(), ..Default::default() }
    }

    #[test]
    fn ddf_resolves_skips_and_checks_duplicates() {
        let c = Countries::shipped();
        let p = Path::new("x.csv");
        let r = import(p, b"geo,time,v\nirn,2020,1.5\nkos,2020,2\nussr,1980,3\n", &sel("ddf"), c, None).expect("ok");
        assert_eq!(r.observations.len(), 2);
        assert_eq!(r.observations[0].unit, "IRN");
        assert_eq!(r.observations[1].unit, "XKX");
        assert_eq!(r.skipped["ussr"], 1);
        let e = import(p, b"geo,time,v\nirn,2020,1.5\nirn,2020,2\n", &sel("ddf"), c, None).unwrap_err();
        assert!(e.to_string().contains("line 3") && e.to_string().contains("second, different value"), "{e}");
        let e = import(p, b"geo,time,v\natlantis,2020,1\n", &sel("ddf"), c, None).unwrap_err();
        assert!(e.to_string().contains("line 2, column \"geo\": unknown country"), "{e}");
    }

    #[test]
    fn generic_and_official_formats() {
        let c = Countries::shipped();
        let p = Path::new("w.csv");
        let r = import(p, b"unit,2019,2020\nJapan,1,\nKOR,3,4\nWorld,9,9\n", &sel("wide"), c, None).expect("wide");
        assert_eq!(r.observations.len(), 3);
        assert_eq!(r.skipped["World"], 1);
        let bulk = b"Country Name,Country Code,Indicator Name,Indicator Code,2020,2021\nIran,IRN,Internet,IT.NET.USER.ZS,70,78.6\nWorld,WLD,Internet,IT.NET.USER.ZS,60,63\nIran,IRN,Other,X,1,2\n";
        let mut s = sel("wdi_bulk");
        s.select = Some("IT.NET.USER.ZS".into());
        let r = import(p, bulk, &s, c, None).expect("bulk");
        assert_eq!(r.observations.iter().map(|o| o.value).collect::<Vec<_>>(), vec![70.0, 78.6]);
        let sdmx = b"DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\nITU:X,IR,IT_NET_USER,2021,78.6,E\nITU:X,IR,OTHER,2021,1,\nITU:X,JP,IT_NET_USER,2021-Q4,82.9,\n";
        let mut s = sel("sdmx");
        s.filter = Some("INDICATOR".into());
        s.select = Some("IT_NET_USER".into());
        let r = import(p, sdmx, &s, c, None).expect("sdmx");
        assert_eq!(r.observations[0], Observation { flag: Some("E".into()), ..Observation::new("IRN", 2021, 78.6) });
        assert_eq!(r.observations[1].unit, "JPN");
        assert_eq!(year_in_name(Path::new("data/egdi-2018.csv")), Some(2018));
        assert_eq!(year_in_name(Path::new("EGOV_DATA_2024.csv")), Some(2024));
        let e = import(p, b"unit,2020\nJapan,abc\n", &sel("wide"), c, None).unwrap_err();
        assert!(e.to_string().contains("line 2, column \"2020\": expected a number"), "{e}");
    }

    #[test]
    fn coinr_and_bad_files() {
        let c = Countries::shipped();
        let p = Path::new("iData.csv");
        let mut s = sel("coinr");
        s.column = Some("LPI".into());
        let r = import(p, b"uName,uCode,Time,LPI\nAustria,AUT,2018,4.1\nAustria,AUT,2019,\n", &s, c, None).expect("ok");
        assert_eq!(r.observations, vec![Observation::new("AUT", 2018, 4.1)]);
        // Latin-1 text, empty files: errors that say what to do
        let e = import(p, b"unit,year,value\nC\xf4te d'Ivoire,2020,1\n", &sel("long"), c, None).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8; save the file as UTF-8"), "{e}");
        let e = import(p, b"", &sel("long"), c, None).unwrap_err();
        assert!(e.to_string().contains("the file is empty"), "{e}");
        // a byte-order mark is fine
        let r = import(p, "\u{feff}unit,year,value\nIRN,2020,1\n".as_bytes(), &sel("long"), c, None).expect("BOM");
        assert_eq!(r.observations.len(), 1);
    }

    #[test]
    fn github_quarters_to_years() {
        let c = Countries::shipped();
        let p = Path::new("g.csv");
        // the file covers 2024 Q1-Q4 and 2025 Q1 only
        let text = b"developers,iso2_code,year,quarter\n10,NA,2024,1\n30,NA,2024,4\n20,NA,2024,2\n40,NA,2024,3\n5,EU,2024,4\n7,US,2025,1\n";
        let mut s = sel("github");
        let r = import(p, text, &s, c, None).expect("ok");
        // q4: 2024's fourth quarter; 2025 has no Q4 in the file
        assert_eq!(r.observations, vec![Observation::new("NAM", 2024, 30.0)]);
        s.annual = Some("mean".into());
        let r = import(p, text, &s, c, None).expect("ok");
        // mean of the four quarters; no value for 2025, whose quarters are not all out
        assert_eq!(r.observations, vec![Observation::new("NAM", 2024, 25.0)]);
        assert_eq!(r.skipped["EU"], 1);
        // a quarter given twice, or a quarter 5, is an error naming the line
        let e = import(p, b"developers,iso2_code,year,quarter\n10,NA,2024,1\n11,NA,2024,1\n", &s, c, None).unwrap_err();
        assert!(e.to_string().contains("line 3") && e.to_string().contains("also on line 2"), "{e}");
        let e = import(p, b"developers,iso2_code,year,quarter\n10,NA,2024,5\n", &s, c, None).unwrap_err();
        assert!(e.to_string().contains("expected 1 to 4"), "{e}");
    }

    #[test]
    fn github_suppressed_quarters_are_censored() {
        let c = Countries::shipped();
        let p = Path::new("topics.csv");
        // machine-learning: Iran published in Q1 and Q3 only, Turkey in all four;
        // Japan only in another topic (so below 100 in this one every quarter)
        let text = b"num_pushers,iso2_code,year,quarter,topic\n\
109,IR,2023,1,machine-learning\n123,IR,2023,3,machine-learning\n\
200,TR,2023,1,machine-learning\n210,TR,2023,2,machine-learning\n220,TR,2023,3,machine-learning\n230,TR,2023,4,machine-learning\n\
500,JP,2023,2,web\n900,JP,2023,4,web\n";
        let mut s = sel("github");
        s.filter = Some("topic".into());
        s.select = Some("machine-learning".into());
        s.annual = Some("mean".into());
        s.censored_below = Some(100.0);
        let r = import(p, text, &s, c, None).expect("ok");
        let get = |u: &str| r.observations.iter().find(|o| o.unit == u && o.year == 2023).expect("an observation");
        // all four published: a plain mean, nothing censored
        assert_eq!((get("TUR").value, get("TUR").censored.is_none()), (215.0, true));
        // two of four: the suppressed quarters count as 50, never a mean of the two published
        let irn = get("IRN");
        assert_eq!(irn.value, (109.0 + 123.0 + 50.0 + 50.0) / 4.0);
        let cen = irn.censored.as_ref().expect("partly censored");
        assert_eq!((cen.published, cen.parts, cen.lower, cen.upper), (2, 4, 58.0, 108.0));
        assert!(!irn.is_censored());
        assert!(cen.describe("quarter").starts_with("2 of 4 quarters published, the others < 100 (counted as 50)"));
        // none published: censored below 100, with no value; every country of the registry
        let jpn = get("JPN");
        assert!(jpn.is_censored() && jpn.value.is_nan());
        assert!(get("TUV").is_censored());
        assert_eq!(
            jpn.censored.as_ref().map(|c| c.describe("quarter")),
            Some("< 100 (below the source's publication threshold)".into())
        );
        assert_eq!(r.observations.len(), c.all().len());
        let mut bad = s.clone();
        bad.censored_below = Some(-1.0);
        assert!(import(p, text, &bad, c, None).is_err());
    }

    #[test]
    fn parts_of_a_country_add_up_only_for_counts() {
        let c = Countries::shipped();
        let p = Path::new("ncses.csv");
        let text = b"indicator,entity,is_aggregate,year,value\n\
ai,Gaza Stripe,0,2022,12\nai,West Banke,0,2022,35\nai,Gaza Strip,0,2021,31\nai,West Bank,0,2021,na\n\
ai,Israel,0,2022,3000\n";
        let mut s = sel("ncses");
        s.select = Some("ai".into());
        // without parts = "sum" the parts are skipped as before
        let r = import(p, text, &s, c, None).expect("ok");
        assert!(r.observations.iter().all(|o| o.unit != "PSE"));
        assert_eq!(r.skipped["Gaza Stripe"], 1);
        s.parts = Some("sum".into());
        let r = import(p, text, &s, c, None).expect("ok");
        let pse: Vec<&Observation> = r.observations.iter().filter(|o| o.unit == "PSE").collect();
        assert_eq!(pse.len(), 2);
        assert!(pse[0].value.is_nan(), "a missing part makes the sum unknown");
        assert_eq!(pse[1].value, 47.0);
        assert_eq!(pse[1].flag.as_deref(), Some("sum of parts: Gaza Strip 12 + West Bank 35"));
        // a part without a row makes the sum unknown; two spellings of one part count once
        let one = b"indicator,entity,is_aggregate,year,value\nai,West Bank,0,2022,35\nai,Gaza Strip,0,2021,3\nai,Gaza Stripe,0,2021,3\nai,West Bank,0,2021,4\n";
        let r = import(p, one, &s, c, None).expect("ok");
        let pse: Vec<&Observation> = r.observations.iter().filter(|o| o.unit == "PSE").collect();
        assert_eq!(pse[0].value, 7.0, "{:?}", pse[0]);
        assert!(
            pse[1].value.is_nan() && pse[1].flag.as_deref().is_some_and(|f| f.contains("Gaza Strip missing")),
            "{:?}",
            pse[1]
        );
        let clash = b"indicator,entity,is_aggregate,year,value\nai,Gaza Strip,0,2021,3\nai,Gaza Stripe,0,2021,4\nai,West Bank,0,2021,4\n";
        let e = import(p, clash, &s, c, None).unwrap_err();
        assert!(e.to_string().contains("also on line"), "{e}");
        // a country with its own value keeps it; its parts are skipped
        let own = b"indicator,entity,is_aggregate,year,value\nai,Palestine,0,2022,50\nai,Gaza Strip,0,2022,12\n";
        let r = import(p, own, &s, c, None).expect("ok");
        assert_eq!(r.observations.iter().find(|o| o.unit == "PSE").map(|o| o.value), Some(50.0));
    }

    #[test]
    fn gapminder_ids_without_iso3_resolve_through_the_registry() {
        let c = Countries::shipped();
        let geo: GeoMap = ["kos", "abkh", "korea_union", "pse_west_bank"]
            .iter()
            .map(|k| (k.to_string(), None))
            .chain(std::iter::once(("irn".to_string(), Some("IRN".to_string()))))
            .collect();
        let text = b"geo,time,v\nkos,2018,1\nabkh,2018,2\nirn,2018,3\nkorea_union,2018,4\npse_west_bank,2018,5\n";
        let r = import(Path::new("d.csv"), text, &sel("ddf"), c, Some(&geo)).expect("ok");
        assert_eq!(r.observations.iter().map(|o| o.unit.as_str()).collect::<Vec<_>>(), ["IRN", "XKX"]);
        // never guessed by pattern: a former union and a part are not countries
        for k in ["abkh", "korea_union", "pse_west_bank"] {
            assert_eq!(r.skipped[k], 1, "{k}");
        }
    }
}
