//! The shipped data as a reader asks about it: the catalogue of a data
//! folder, a region set by name, one indicator's latest values with every
//! note a reader needs (source flags, censoring, corrections), and the
//! data-quality audit as rows.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use digindex_data::Observation;
use digindex_input::number::format_number;
use digindex_sources::catalog::{Catalog, Indicator, Series};
use digindex_sources::corrections::Applied;
use digindex_sources::countries::Countries;
use digindex_sources::regions::RegionSet;

use crate::{Error, Result};

/// The catalogue in a data folder, with a hint when it is missing.
pub fn catalog(dir: &Path, countries: &Countries) -> Result<Catalog> {
    let p = dir.join("catalog.toml");
    if !p.is_file() {
        return Err(Error::invalid(format!(
            "{} not found: run from the repository root or pass --data DIR",
            p.display()
        )));
    }
    Ok(Catalog::read(&p, countries)?)
}

/// The shipped region sets.
pub fn region_sets(countries: &Countries) -> Result<Vec<RegionSet>> {
    digindex_sources::regions::shipped(countries).map_err(Error::from)
}

/// The region set named `name`, or an error naming the nearest.
pub fn region<'a>(sets: &'a [RegionSet], name: &str) -> Result<&'a RegionSet> {
    sets.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<String> = sets.iter().map(|s| s.name.clone()).collect();
        Error::invalid(format!(
            "no region set {name:?}{}; `digindex regions` lists them",
            digindex_data::suggest(name, names.iter())
        ))
    })
}

/// The indicator `code` of `cat`, or an error naming the nearest (`hint`
/// is added to it).
pub fn indicator<'a>(cat: &'a Catalog, code: &str, hint: &str) -> Result<&'a Indicator> {
    cat.indicator(code).ok_or_else(|| {
        let codes: Vec<String> = cat.indicators.iter().map(|i| i.code.clone()).collect();
        Error::invalid(format!("no indicator {code:?}{}{hint}", digindex_data::suggest(code, codes.iter())))
    })
}

/// The years a series has values in, as `first-last`.
pub fn years(s: &Series) -> String {
    let ys: Vec<i32> = s.observations.iter().filter(|o| !o.value.is_nan()).map(|o| o.year).collect();
    match (ys.iter().min(), ys.iter().max()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "-".into(),
    }
}

/// One unit's line in `data show`: its latest value (or the year's), or
/// none with the correction that removed it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownValue {
    pub unit: String,
    pub name: String,
    /// `(year, value as text, notes)`, or `None` with why (a correction) if known.
    pub value: Result<(i32, String, Vec<String>), Option<String>>,
}

/// Each unit's latest value of `s` (or `year`'s), highest first, censored
/// values below every published one: the units of `members`, or every unit
/// with an observation.
pub fn shown_values(
    cat: &Catalog,
    s: &Series,
    countries: &Countries,
    members: Option<&RegionSet>,
    year: Option<i32>,
) -> Vec<ShownValue> {
    let ind = &s.indicator;
    let d = cat.dataset(&ind.dataset);
    let mut units: Vec<&str> = s.observations.iter().map(|o| o.unit.as_str()).collect();
    units.dedup();
    if let Some(m) = members {
        units = m.members.iter().map(String::as_str).collect();
    }
    // each unit's latest observation (a value, or "below the threshold"), or the year's
    let latest = |u: &str| {
        s.observations
            .iter()
            .filter(|o| o.unit == u && (!o.value.is_nan() || o.is_censored()))
            .filter(|o| year.is_none_or(|y| o.year == y))
            .max_by_key(|o| o.year)
    };
    // censored values rank below every published one, and tie
    let key = |o: &Observation| if o.is_censored() { f64::NEG_INFINITY } else { o.value };
    let mut rows: Vec<(&str, Option<&Observation>)> = units.iter().map(|u| (*u, latest(u))).collect();
    rows.sort_by(|a, b| match (a.1, b.1) {
        (Some(x), Some(y)) => key(y).total_cmp(&key(x)).then(a.0.cmp(b.0)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        _ => a.0.cmp(b.0),
    });
    let part = if ind.format.is_github() { "quarter" } else { "part" };
    rows.into_iter()
        .map(|(u, o)| {
            let name = countries.get(u).map(|c| c.name.clone()).unwrap_or_default();
            let value = match o {
                None => Err(s
                    .corrections
                    .iter()
                    .find(|a| a.unit == u && year.is_none_or(|y| a.year == y))
                    .map(Applied::describe)),
                Some(o) => Ok(value_notes(s, d, o, u, year, part)),
            };
            ShownValue { unit: u.to_string(), name, value }
        })
        .collect()
}

/// A value as text with its notes: censoring, the source's flag, its
/// correction, and later values a correction took away.
fn value_notes(
    s: &Series,
    d: Option<&digindex_sources::catalog::Dataset>,
    o: &Observation,
    u: &str,
    year: Option<i32>,
    part: &str,
) -> (i32, String, Vec<String>) {
    let mut notes = Vec::new();
    let value = match &o.censored {
        Some(c) if c.published == 0 => format!("< {}", format_number(c.upper)),
        Some(c) => {
            notes.push(c.describe(part));
            format_number(o.value)
        }
        None => format_number(o.value),
    };
    if let Some(f) = &o.flag {
        notes.push(match d.and_then(|d| d.flags.get(f)) {
            Some(m) => format!("source flag {f:?}: {m}"),
            None => format!("source flag {f:?}"),
        });
    }
    if let Some(a) = s.correction(u, o.year) {
        notes.push(a.describe());
    }
    // later values a correction took away, one note per correction
    let gone: Vec<&Applied> = s
        .corrections
        .iter()
        .filter(|a| a.unit == u && a.year > o.year && a.after.is_none() && year.is_none_or(|y| a.year == y))
        .collect();
    let mut seen = BTreeSet::new();
    for a in &gone {
        if !seen.insert((a.file.as_str(), a.line)) {
            continue;
        }
        let same: Vec<i32> = gone.iter().filter(|b| b.line == a.line && b.file == a.file).map(|b| b.year).collect();
        let years = match (same.first(), same.last()) {
            (Some(f), Some(l)) if f != l => format!("the {f}-{l} values"),
            _ => format!("the {} value {}", a.year, format_number(a.before)),
        };
        notes.push(format!("{years} {}", a.describe()));
    }
    (o.year, value, notes)
}

/// What the data-quality audit asks for.
#[derive(Debug, Clone, Default)]
pub struct AuditScope {
    /// Only the members of this region set (distributions are always every country's).
    pub region: Option<String>,
    /// Only these indicators (all when empty).
    pub indicators: Vec<String>,
    /// Only values from this year on.
    pub since: Option<i32>,
}

/// The data-quality audit: `unit,indicator,year,value,rule,detail` rows
/// (findings, then corrections), the number of series read, and the count
/// per rule as `(found, corrected)`.
pub type QualityRows = (Vec<[String; 6]>, usize, BTreeMap<String, (usize, usize)>);

/// Runs the data-quality audit of `cat` over `scope`.
pub fn quality_rows(cat: &Catalog, countries: &Countries, scope: &AuditScope) -> Result<QualityRows> {
    cat.quality.check().map_err(|e| Error::invalid(e.to_string()))?;
    let list: Vec<&Indicator> = if scope.indicators.is_empty() {
        cat.indicators.iter().collect()
    } else {
        scope
            .indicators
            .iter()
            .map(|c| indicator(cat, c, "; `digindex data list` shows them"))
            .collect::<Result<_>>()?
    };
    let sets = region_sets(countries)?;
    let members: Option<HashSet<&str>> = match &scope.region {
        Some(n) => Some(region(&sets, n)?.members.iter().map(String::as_str).collect()),
        None => None,
    };
    let all = cat.load_some(&list, countries)?;
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut counts: BTreeMap<String, (usize, usize)> = Default::default();
    let in_scope =
        |u: &str, y: i32| members.as_ref().is_none_or(|m| m.contains(u)) && scope.since.is_none_or(|s| y >= s);
    for s in &all {
        for f in digindex_sources::quality::audit(s, &cat.quality, members.as_ref()) {
            if !in_scope(&f.unit, f.year) {
                continue;
            }
            let c = counts.entry(f.rule.to_string()).or_default();
            c.0 += 1;
            c.1 += usize::from(f.corrected.is_some());
            let detail = match &f.corrected {
                Some(c) => format!("{}; corrected: {c}", f.detail),
                None => f.detail.clone(),
            };
            let value = format_number(f.value);
            rows.push([f.unit, f.indicator, f.year.to_string(), value, f.rule.to_string(), detail]);
        }
        for a in s.corrections.iter().filter(|a| in_scope(&a.unit, a.year)) {
            let what = a.describe();
            let evidence = cat
                .corrections
                .iter()
                .find(|c| c.line == a.line && c.file == a.file)
                .and_then(|c| c.evidence.as_deref())
                .map(|e| format!("; evidence: {e}"))
                .unwrap_or_default();
            counts.entry("correction".into()).or_default().0 += 1;
            rows.push([
                a.unit.clone(),
                a.indicator.clone(),
                a.year.to_string(),
                format_number(a.before),
                "correction".into(),
                format!("{what} ({}:{}){evidence}", a.file, a.line),
            ]);
        }
    }
    rows.sort_by(|a, b| (&a[1], &a[0], &a[2], &a[4]).cmp(&(&b[1], &b[0], &b[2], &b[4])));
    Ok((rows, all.len(), counts))
}

/// One indicator's coverage of a region in `data coverage`: the year
/// checked and, per member in the region's order, whether it has a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Coverage {
    pub code: String,
    pub year: i32,
    pub present: Vec<bool>,
}

/// Which members of `r` have a value of each series in `year` (default:
/// the latest year any member has one), accepting values up to `max_age`
/// years older. Series no member has are left out.
pub fn coverage(all: &[Series], r: &RegionSet, year: Option<i32>, max_age: i32) -> Vec<Coverage> {
    all.iter()
        .filter_map(|s| {
            let latest =
                s.observations.iter().filter(|o| !o.value.is_nan() && r.contains(&o.unit)).map(|o| o.year).max();
            let y = year.or(latest)?;
            let present = r.members.iter().map(|m| s.value_at(m, y, max_age).is_some()).collect();
            Some(Coverage { code: s.indicator.code.clone(), year: y, present })
        })
        .collect()
}

/// What changed between two vintages of the data (`digindex data diff`).
#[derive(Debug, Clone, PartialEq)]
pub struct DataDiff {
    /// Every value that differs, the biggest revisions first.
    pub rows: Vec<digindex_sources::revision::Revision>,
    /// Per indicator in both: values revised, added, removed.
    pub counts: BTreeMap<String, [usize; 3]>,
    /// Indicators only in the old catalogue, and only in the new one.
    pub only_old: Vec<String>,
    pub only_new: Vec<String>,
}

/// A catalogue file, or the `catalog.toml` of a folder.
fn catalogue_path(p: &Path) -> std::path::PathBuf {
    if p.is_dir() { p.join("catalog.toml") } else { p.to_path_buf() }
}

/// Compares the indicators of two catalogues (files, or folders holding
/// `catalog.toml`): every indicator in both, or only `indicators`.
pub fn diff(old: &Path, new: &Path, indicators: &[String], countries: &Countries) -> Result<DataDiff> {
    use digindex_sources::revision::{biggest_first, revisions};
    let (a, b) = (Catalog::read(&catalogue_path(old), countries)?, Catalog::read(&catalogue_path(new), countries)?);
    for code in indicators {
        if a.indicator(code).is_none() && b.indicator(code).is_none() {
            indicator(&b, code, " in either catalogue")?;
        }
    }
    let wanted = |code: &str| indicators.is_empty() || indicators.iter().any(|c| c == code);
    let both: Vec<&Indicator> =
        b.indicators.iter().filter(|i| wanted(&i.code) && a.indicator(&i.code).is_some()).collect();
    let olds: Vec<&Indicator> = both.iter().filter_map(|i| a.indicator(&i.code)).collect();
    let (xs, ys) = (a.load_some(&olds, countries)?, b.load_some(&both, countries)?);
    let mut rows = Vec::new();
    let mut counts = BTreeMap::new();
    for (x, y) in xs.iter().zip(&ys) {
        let r = revisions(x, y);
        counts.insert(y.indicator.code.clone(), digindex_sources::revision::counts(&r));
        rows.extend(r);
    }
    biggest_first(&mut rows);
    let only = |c: &Catalog, other: &Catalog| -> Vec<String> {
        c.indicators
            .iter()
            .filter(|i| wanted(&i.code) && other.indicator(&i.code).is_none())
            .map(|i| i.code.clone())
            .collect()
    };
    Ok(DataDiff { rows, counts, only_old: only(&a, &b), only_new: only(&b, &a) })
}

/// The rows of a [`DataDiff`] as CSV:
/// `indicator,unit,year,change,old,new,difference,relative`.
pub fn write_diff<W: std::io::Write>(w: W, d: &DataDiff) -> std::io::Result<()> {
    let num = |x: Option<f64>| x.map(format_number).unwrap_or_default();
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record(["indicator", "unit", "year", "change", "old", "new", "difference", "relative"])?;
    for r in &d.rows {
        wtr.write_record([
            r.indicator.clone(),
            r.unit.clone(),
            r.year.to_string(),
            r.change.as_str().to_string(),
            num(r.old),
            num(r.new),
            num(r.difference()),
            num(r.relative()),
        ])?;
    }
    wtr.flush()
}
