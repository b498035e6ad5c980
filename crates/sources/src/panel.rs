//! Indices on the shipped data: a spec whose `[data]` names the catalogue,
//! a set of units (a region, or a list) and a reference year becomes the
//! inputs of a build.
//!
//! ```toml
//! [data]
//! catalog = "../../data/catalog.toml"
//! region = "apt"                    # or members = ["IRN", "Japan", ...]
//! time = 2022                       # the reference year
//! rule = "latest"                   # exact | latest | interpolate
//! max_age = 3
//! [data.rules.hdr_hdi]
//! rule = "exact"
//!
//! [[framework]]                     # indicator codes are catalogue codes
//! code = "internet_users"
//! parent = "Connectivity"
//! ```
//!
//! The units carry grouping columns `wb_region`, `wb_income`, `un_region`
//! and `un_subregion` (for `impute.method = "group_mean"`).
//!
//! For each indicator and unit a value for the reference year is found by
//! a ladder that prefers the unit's own data, each step recorded in the
//! cell's provenance ([`Cells`]):
//!
//! 1. the rule (`exact`, `latest`, `interpolate`) within `max_age` years:
//!    `observed` (with its data year) or `interpolated`;
//! 2. else, with `fallback_age`, the unit's own older value or an
//!    interpolation between its own values that far back: `older` or
//!    `interpolated`, said as standing in beyond the window;
//! 3. else missing (`excluded` when a correction took the value away);
//!    the build may then estimate it from a group of other units.
//!
//! A corrected value is `corrected`, a value the source suppressed below
//! its threshold `censored` (and handed to the build as such, to be placed
//! below every published value). Denominators named in the framework are
//! catalogue indicators too, found the same way, so per-capita values are
//! computed, not hand-made. The data-quality audit runs on the units'
//! series ([`Loaded::findings`]).

use std::collections::BTreeMap;
use std::path::Path;

use digindex_build::Inputs;
use digindex_build::censor::Censored;
use digindex_build::spec::{Spec, YearRule};
use digindex_data::provenance::{Cell, Cells, Flag};
use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, Observation, UnitTable};
use digindex_io::{InputError, InputFile, read_input, resolve};

use crate::catalog::{Catalog, Series};
use crate::corrections::Applied;
use crate::countries::Countries;
use crate::quality::Finding;
use crate::regions;

/// How a cell's value was found.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Pick {
    /// The reference year's own value.
    Exact,
    /// An earlier year's value (carried forward).
    Older(i32),
    /// Interpolated between two years.
    Interpolated(i32, i32),
}

/// The value a rule gives for `year`, and how it was found.
pub fn pick(obs: &[(i32, f64)], year: i32, rule: YearRule, max_age: i32) -> Option<(f64, Pick)> {
    let at = obs.iter().find(|(y, _)| *y == year).map(|(_, v)| (*v, Pick::Exact));
    if at.is_some() || rule == YearRule::Exact {
        return at;
    }
    let before = obs.iter().filter(|(y, _)| *y < year && *y >= year - max_age).max_by_key(|(y, _)| *y);
    if rule == YearRule::Interpolate {
        let after = obs.iter().filter(|(y, _)| *y > year && *y <= year + max_age).min_by_key(|(y, _)| *y);
        if let (Some(&(y0, v0)), Some(&(y1, v1))) = (before, after) {
            // a suppressed value (NaN) cannot be interpolated with
            if !v0.is_nan() && !v1.is_nan() {
                let t = f64::from(year - y0) / f64::from(y1 - y0);
                return Some((v0 + t * (v1 - v0), Pick::Interpolated(y0, y1)));
            }
        }
    }
    before.map(|&(y, v)| (v, Pick::Older(y)))
}

/// What the loader chose, per indicator: counts of cells by how their
/// value was found.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct PickSummary {
    pub rule: Option<YearRule>,
    pub max_age: u32,
    /// Own values up to this old stand in when the window has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback_age: Option<u32>,
    /// The reference year's own value.
    pub exact: usize,
    /// An own value from an earlier year within `max_age`.
    pub earlier: usize,
    /// Interpolated between own values.
    pub interpolated: usize,
    /// An own value beyond `max_age` (within `fallback_age`).
    pub older: usize,
    /// A corrected value.
    pub corrected: usize,
    /// Below the source's publication threshold (wholly or partly).
    pub censored: usize,
    /// No value because a correction excluded the source's.
    pub excluded: usize,
    pub missing: usize,
    /// The oldest year used.
    pub oldest: Option<i32>,
}

/// Inputs built from the catalogue, with the files read, the picks, where
/// every cell's value came from, the corrections applied and the
/// data-quality findings on the units' data.
#[derive(Clone)]
pub struct Loaded {
    pub inputs: Inputs,
    pub files: Vec<InputFile>,
    pub picks: BTreeMap<String, PickSummary>,
    /// Every cell of the indicators and denominators, for the units.
    pub cells: Cells,
    /// Corrections applied to the units' values of these indicators.
    pub corrections: Vec<Applied>,
    /// Data-quality findings on the units' values of these indicators
    /// (every year; [`Loaded::findings_used`] picks those the build uses).
    pub findings: Vec<Finding>,
    /// The years each cell's value rests on, by (unit, code): one, or the
    /// two ends of an interpolation.
    pub years_used: BTreeMap<(String, String), Vec<i32>>,
}

impl Loaded {
    /// The findings on values this year's build uses (the values of the
    /// years a cell's value rests on).
    pub fn findings_used(&self) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| {
                self.years_used.get(&(f.unit.clone(), f.indicator.clone())).is_some_and(|ys| ys.contains(&f.year))
            })
            .collect()
    }
}

fn spec_error(spec_path: &Path, key: &str, message: String) -> InputError {
    InputError { path: spec_path.display().to_string(), line: None, column: Some(key.into()), message }
}

/// Builds the inputs of a catalogue spec for its reference year (`data.time`).
pub fn load(spec: &Spec, spec_path: &Path) -> Result<Loaded, InputError> {
    let year = match spec.data.time {
        Some(t) if t.fract() == 0.0 => t as i32,
        _ => {
            return Err(spec_error(spec_path, "data.time", "the reference year is required: data.time = 2022".into()));
        }
    };
    load_years(spec, spec_path, &[year]).map(|mut v| v.remove(0))
}

/// One observation of a unit, as the year rules see it.
#[derive(Clone, Copy)]
struct Point<'a> {
    year: i32,
    /// NaN when the source published only "below the threshold".
    value: f64,
    obs: &'a Observation,
}

/// A cell's value and where it came from; `below` for a value the source
/// suppressed (wholly, or in part: `true`) as below a bound.
struct Found {
    value: f64,
    cell: Cell,
    pick: Option<Pick>,
    fallback: bool,
    below: Option<(f64, bool)>,
}

fn show(x: f64) -> String {
    crate::import::show(x)
}

/// The ladder of a cell: the rule within `max_age`; else the unit's own
/// older value or an interpolation within `fallback_age`; else missing
/// (group estimates come later, in the build). Corrections, censoring and
/// exclusions are said in the cell.
/// How a series' value for a reference year is found: the rule, its
/// `max_age` and the `fallback_age` of own older values.
type Rules = (YearRule, u32, Option<u32>);

fn find(
    points: &[Point<'_>],
    series: &Series,
    flags: &BTreeMap<String, String>,
    unit: &str,
    year: i32,
    (rule, max_age, fallback_age): Rules,
) -> Found {
    let pairs: Vec<(i32, f64)> = points.iter().map(|p| (p.year, p.value)).collect();
    let mut fallback = false;
    let mut got = pick(&pairs, year, rule, max_age as i32);
    if got.is_none() {
        if let Some(f) = fallback_age.filter(|f| *f > max_age) {
            got = pick(&pairs, year, YearRule::Interpolate, f as i32);
            fallback = got.is_some();
        }
    }
    // an exclusion that took away a value the rules would have reached
    let reach = fallback_age.unwrap_or(max_age).max(max_age) as i32;
    // the year of the value found (for an interpolation, the earlier end:
    // an exclusion between the two ends is said too)
    let picked_year = got.map(|(_, p)| match p {
        Pick::Exact => year,
        Pick::Older(y) => y,
        Pick::Interpolated(y0, _) => y0,
    });
    let gone: Vec<&Applied> = series
        .corrections
        .iter()
        .filter(|a| a.unit == unit && a.after.is_none())
        .filter(|a| a.year <= year && a.year >= year - reach && picked_year.is_none_or(|y| a.year > y))
        .collect();
    // one note per reason: "the 2018-2024 values (0.00046 in 2024) were excluded: …"
    let mut excluded: Vec<String> = Vec::new();
    let mut reasons: Vec<&str> = gone.iter().map(|a| a.reason.as_str()).collect();
    reasons.dedup();
    for r in reasons {
        let same: Vec<&&Applied> = gone.iter().filter(|a| a.reason == r).collect();
        let (Some(first), Some(last)) = (same.first(), same.last()) else { continue };
        excluded.push(if same.len() == 1 {
            format!("the {} value {} was excluded: {r}", first.year, show(first.before))
        } else {
            format!(
                "the {}-{} values ({} in {}) were excluded: {r}",
                first.year,
                last.year,
                show(last.before),
                last.year
            )
        });
    }
    let note = |mut d: String| {
        for e in &excluded {
            if !d.is_empty() {
                d.push_str("; ");
            }
            d.push_str(e);
        }
        d
    };
    let Some((value, p)) = got else {
        let flag = if excluded.is_empty() { Flag::Missing } else { Flag::Excluded };
        return Found {
            value: f64::NAN,
            cell: Cell { flag, data_year: None, detail: note(String::new()) },
            pick: None,
            fallback: false,
            below: None,
        };
    };
    let at = |y: i32| points.iter().find(|q| q.year == y);
    let window = if fallback {
        format!(
            ", beyond the {max_age}-year window (own values up to {} years old stand in)",
            fallback_age.unwrap_or(0)
        )
    } else {
        String::new()
    };
    let (flag, data_year, detail, below) = match p {
        Pick::Interpolated(y0, y1) => (
            Flag::Interpolated,
            // no one year: the value lies between two
            None,
            format!(
                "interpolated between its own values {} ({y0}) and {} ({y1}){window}",
                show(at(y0).map_or(f64::NAN, |q| q.value)),
                show(at(y1).map_or(f64::NAN, |q| q.value))
            ),
            None,
        ),
        Pick::Exact | Pick::Older(_) => {
            let y = picked_year.unwrap_or(year);
            let o = at(y).map(|q| q.obs);
            let source_flag = o.and_then(|o| o.flag.as_deref()).map(|f| match flags.get(f) {
                Some(meaning) => format!("the source marks it {f:?}: {meaning}"),
                None => format!("source flag {f:?}"),
            });
            let corrected = series.correction(unit, y).filter(|a| a.action == crate::corrections::Action::Replace);
            if let Some(a) = corrected {
                let d = format!(
                    "source value {} replaced by {} ({}): {}",
                    show(a.before),
                    show(value),
                    a.source.as_deref().unwrap_or_default(),
                    a.reason
                );
                (Flag::Corrected, Some(y), d, None)
            } else if let Some(c) = o.and_then(|o| o.censored.as_ref()) {
                let d = c.describe(if series.indicator.format.starts_with("github") { "quarter" } else { "part" });
                (Flag::Censored, Some(y), format!("{d}{window}"), Some((c.upper, c.published > 0)))
            } else if fallback {
                (Flag::Older, Some(y), format!("own value {y}{window}"), None)
            } else {
                (Flag::Observed, Some(y), source_flag.unwrap_or_default(), None)
            }
        }
    };
    Found { value, cell: Cell { flag, data_year, detail: note(detail) }, pick: Some(p), fallback, below }
}

/// Builds the inputs of a catalogue spec for each of several years (the
/// catalogue is read once); every year has the same units and framework.
pub fn load_years(spec: &Spec, spec_path: &Path, years: &[i32]) -> Result<Vec<Loaded>, InputError> {
    let d = &spec.data;
    let dir = spec_path.parent().unwrap_or(Path::new(""));
    let Some(cat_path) = &d.catalog else {
        return Err(spec_error(spec_path, "data.catalog", "no catalogue named".into()));
    };
    if d.idata.is_some() || d.imeta.is_some() || d.values.is_some() {
        return Err(spec_error(
            spec_path,
            "data",
            "data.catalog takes the values from the catalogue; remove idata, imeta and values".into(),
        ));
    }
    if years.is_empty() {
        return Err(spec_error(spec_path, "data.years", "no year to build".into()));
    }
    let cat_file = resolve(dir, cat_path);
    let mut files = Vec::new();
    let text = String::from_utf8(read_input("catalogue", &cat_file, &mut files)?).map_err(|_| {
        InputError::file(&cat_file, "cannot read the catalogue: stream did not contain valid UTF-8".to_string())
    })?;
    let mut catalog = Catalog::parse(&cat_file, &text)?;
    catalog.quality.check().map_err(|m| InputError::file(&cat_file, m))?;
    let countries = Countries::shipped();
    if let Some(p) = catalog.corrections_path() {
        let bytes = read_input("corrections", &p, &mut files)?;
        let text = String::from_utf8(bytes).map_err(|_| InputError::file(&p, "the file is not valid UTF-8"))?;
        catalog.read_corrections(&p, &text, countries)?;
    }
    // units
    let units: Vec<String> = match (&d.region, d.members.is_empty()) {
        (Some(r), true) if r.ends_with(".csv") => {
            // a region set of the user's: one code or country name per line
            let p = resolve(dir, r);
            let bytes = read_input("region", &p, &mut files)?;
            let text = String::from_utf8(bytes).map_err(|_| InputError::file(&p, "the file is not valid UTF-8"))?;
            regions::RegionSet::parse(r, r, &p.display().to_string(), &text, countries)
                .map_err(|e| InputError::file(&p, e))?
                .members
        }
        (Some(r), true) => {
            let sets = regions::shipped(countries).map_err(|e| spec_error(spec_path, "data.region", e))?;
            let names: Vec<String> = sets.iter().map(|s| s.name.clone()).collect();
            sets.into_iter().find(|s| &s.name == r).map(|s| s.members).ok_or_else(|| {
                spec_error(
                    spec_path,
                    "data.region",
                    format!("no region set {r:?}{}", digindex_data::suggest(r, names.iter())),
                )
            })?
        }
        (None, false) => {
            let mut v = Vec::new();
            for m in &d.members {
                let c = countries.country(m).map_err(|e| spec_error(spec_path, "data.members", e))?;
                v.push(c.to_string());
            }
            v
        }
        _ => {
            return Err(spec_error(
                spec_path,
                "data",
                "with data.catalog, give the units as data.region = \"apt\" or data.members = [...] (one of them)"
                    .into(),
            ));
        }
    };

    // framework: inline entries or a framework file, codes from the catalogue
    let fw_specs: Vec<NodeSpec> = spec
        .framework
        .iter()
        .map(|e| e.to_node_spec())
        .collect::<Result<_, _>>()
        .map_err(|m| spec_error(spec_path, "framework", m))?;
    if fw_specs.is_empty() {
        return Err(spec_error(spec_path, "framework", "add [[framework]] entries naming catalogue indicators".into()));
    }
    let framework = Framework::new(fw_specs, spec.index.level_names.clone())
        .map_err(|e| spec_error(spec_path, "framework", e.to_string()))?;
    let codes: Vec<String> = catalog.indicators.iter().map(|i| i.code.clone()).collect();
    let mut wanted: Vec<String> = framework.indicator_codes();
    for n in framework.nodes() {
        if let Some(den) = &n.denominator {
            if !wanted.contains(den) {
                wanted.push(den.clone());
            }
        }
    }
    let mut list = Vec::with_capacity(wanted.len());
    for code in &wanted {
        list.push(catalog.indicator(code).ok_or_else(|| {
            spec_error(
                spec_path,
                "framework",
                format!(
                    "{code:?} is not a catalogue indicator{}; `digindex data list` shows them",
                    digindex_data::suggest(code, codes.iter())
                ),
            )
        })?);
    }
    for code in d.rules.keys() {
        if !wanted.contains(code) {
            return Err(spec_error(
                spec_path,
                "data.rules",
                format!("[data.rules.{code}]: {code:?} is not an indicator or denominator of the framework"),
            ));
        }
    }
    // every file read is hashed for the manifest (more files of a series,
    // the parts of a derived indicator)
    let mut read = BTreeMap::new();
    for i in &list {
        for p in catalog.files_of(i) {
            if !files.iter().any(|f| f.path == p.display().to_string()) {
                let bytes = read_input(&format!("data {}", i.dataset), &p, &mut files)?;
                read.insert(p, bytes);
            }
        }
    }
    let series: Vec<Series> = catalog.load_some_from(&list, countries, read)?;

    // each series' observations by unit, censored ones included (the same for every year)
    let by_unit: Vec<BTreeMap<&str, Vec<Point<'_>>>> = series
        .iter()
        .map(|s| {
            let mut m: BTreeMap<&str, Vec<Point<'_>>> = BTreeMap::new();
            for o in s.observations.iter().filter(|o| !o.value.is_nan() || o.is_censored()) {
                m.entry(o.unit.as_str()).or_default().push(Point { year: o.year, value: o.value, obs: o });
            }
            m
        })
        .collect();
    // the rules of every series, checked once
    let mut rules = Vec::with_capacity(series.len());
    for s in &series {
        let code = &s.indicator.code;
        let r = d.rules.get(code);
        let rule = r.and_then(|r| r.rule).or(d.rule).unwrap_or_default();
        let max_age = r.and_then(|r| r.max_age).or(d.max_age).unwrap_or(3);
        let fallback_age = r.and_then(|r| r.fallback_age).or(d.fallback_age);
        if let Some(f) = fallback_age.filter(|f| *f <= max_age) {
            return Err(spec_error(
                spec_path,
                "data.fallback_age",
                format!("{code}: fallback_age ({f}) must be more than max_age ({max_age}) to reach further back"),
            ));
        }
        rules.push((rule, max_age, fallback_age));
    }
    // the data-quality audit of the units' values, and the corrections applied to them
    let unit_set: std::collections::HashSet<&str> = units.iter().map(String::as_str).collect();
    let mut findings = Vec::new();
    let mut corrections = Vec::new();
    for s in &series {
        findings.extend(crate::quality::audit(s, &catalog.quality, Some(&unit_set)));
        corrections.extend(
            s.corrections.iter().chain(&s.part_corrections).filter(|a| unit_set.contains(a.unit.as_str())).cloned(),
        );
    }

    let n_ind = framework.indicator_codes().len();
    let codes: Vec<String> = series.iter().map(|s| s.indicator.code.clone()).collect();
    let labels: BTreeMap<String, String> = series
        .iter()
        .map(|s| (s.indicator.code.clone(), format!("{} ({})", s.indicator.name.to_lowercase(), s.indicator.unit)))
        .collect();
    let no_flags = BTreeMap::new();
    let mut out = Vec::with_capacity(years.len());
    for &year in years {
        let mut picks = BTreeMap::new();
        let mut censored = Vec::new();
        let mut years_used = BTreeMap::new();
        let mut cell_columns = Vec::with_capacity(series.len());
        let mut cols: Vec<Vec<f64>> = Vec::with_capacity(series.len());
        for (si, s) in series.iter().enumerate() {
            let (rule, max_age, fallback_age) = rules[si];
            let mut sum = PickSummary { rule: Some(rule), max_age, fallback_age, ..Default::default() };
            let mut col = Vec::with_capacity(units.len());
            let mut cells = Vec::with_capacity(units.len());
            let flags = catalog.dataset(&s.indicator.dataset).map_or(&no_flags, |d| &d.flags);
            for (ui, u) in units.iter().enumerate() {
                let points = by_unit[si].get(u.as_str()).map(Vec::as_slice).unwrap_or_default();
                let f = find(points, s, flags, u, year, rules[si]);
                match (f.cell.flag, f.pick) {
                    (Flag::Missing, _) => sum.missing += 1,
                    (Flag::Excluded, _) => sum.excluded += 1,
                    (Flag::Corrected, _) => sum.corrected += 1,
                    (Flag::Censored, _) => sum.censored += 1,
                    (_, Some(Pick::Interpolated(..))) => sum.interpolated += 1,
                    _ if f.fallback => sum.older += 1,
                    (_, Some(Pick::Exact)) => sum.exact += 1,
                    _ => sum.earlier += 1,
                }
                // the years the value rests on: one, or both ends of an interpolation
                let rests_on: Vec<i32> = match f.pick {
                    Some(Pick::Interpolated(y0, y1)) => vec![y0, y1],
                    _ => f.cell.data_year.into_iter().collect(),
                };
                if let Some(&oldest) = rests_on.first() {
                    sum.oldest = Some(sum.oldest.map_or(oldest, |o: i32| o.min(oldest)));
                    years_used.insert((u.clone(), s.indicator.code.clone()), rests_on);
                }
                if let Some((below, partial)) = f.below {
                    if si < n_ind {
                        censored.push(Censored { row: ui, col: si, below, partial });
                    }
                }
                col.push(f.value);
                cells.push(f.cell);
            }
            picks.insert(s.indicator.code.clone(), sum);
            cols.push(col);
            cell_columns.push(cells);
        }
        let denominators: Vec<NumericColumn> = series[n_ind..]
            .iter()
            .zip(&cols[n_ind..])
            .map(|(s, c)| NumericColumn { name: s.indicator.code.clone(), values: c.clone() })
            .collect();
        let values = Matrix::from_columns(units.len(), &cols[..n_ind])
            .ok_or_else(|| spec_error(spec_path, "data", "internal: ragged".into()))?;
        let mut cells = Cells::from_columns(units.clone(), codes.clone(), cell_columns)
            .ok_or_else(|| spec_error(spec_path, "data", "internal: ragged cells".into()))?;
        cells.labels = labels.clone();
        let raw = DataSet::new(units.clone(), framework.indicator_codes(), values);
        let names = units.iter().map(|u| countries.get(u).map(|c| c.name.clone())).collect();
        // grouping columns from the country registry (for group imputation)
        let group = |name: &str, f: &dyn Fn(&crate::countries::Country) -> &str| GroupColumn {
            name: name.into(),
            values: units
                .iter()
                .map(|u| countries.get(u).map(f).filter(|v| !v.is_empty()).map(str::to_string))
                .collect(),
        };
        let groups = vec![
            group("wb_region", &|c| c.wb_region.as_str()),
            group("wb_income", &|c| c.wb_income.as_str()),
            group("un_region", &|c| c.un_region.as_str()),
            group("un_subregion", &|c| c.un_subregion.as_str()),
        ];
        let unit_table = UnitTable { codes: units.clone(), names, groups, denominators };
        out.push(Loaded {
            inputs: Inputs { framework: framework.clone(), units: unit_table, raw, censored },
            files: files.clone(),
            picks,
            cells,
            corrections: corrections.clone(),
            findings: findings.clone(),
            years_used,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_rules() {
        let obs = [(2015, 10.0), (2018, 16.0), (2021, 22.0)];
        assert_eq!(pick(&obs, 2018, YearRule::Exact, 3), Some((16.0, Pick::Exact)));
        assert_eq!(pick(&obs, 2019, YearRule::Exact, 3), None);
        assert_eq!(pick(&obs, 2020, YearRule::Latest, 3), Some((16.0, Pick::Older(2018))));
        assert_eq!(pick(&obs, 2020, YearRule::Latest, 1), None);
        assert_eq!(pick(&obs, 2020, YearRule::Interpolate, 3), Some((20.0, Pick::Interpolated(2018, 2021))));
        // at the end of the series interpolation carries the last value forward
        assert_eq!(pick(&obs, 2023, YearRule::Interpolate, 3), Some((22.0, Pick::Older(2021))));
        // a gap wider than max_age on one side: carried forward instead
        assert_eq!(pick(&obs, 2016, YearRule::Interpolate, 1), Some((10.0, Pick::Older(2015))));
    }

    fn series_of(obs: Vec<Observation>, corrections: Vec<Applied>) -> Series {
        Series {
            indicator: crate::catalog::Indicator { code: "x".into(), format: "github".into(), ..Default::default() },
            observations: obs,
            skipped: Default::default(),
            corrections,
            part_corrections: vec![],
        }
    }

    fn points(s: &Series) -> Vec<Point<'_>> {
        s.observations.iter().map(|o| Point { year: o.year, value: o.value, obs: o }).collect()
    }

    #[test]
    fn the_ladder_prefers_the_units_own_data_and_says_how() {
        let s = series_of(vec![Observation::new("IND", 2018, 0.65), Observation::new("IND", 2020, 0.646)], vec![]);
        let p = points(&s);
        // within the window: observed, with its year
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2022, (YearRule::Latest, 3, Some(6)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (0.646, Flag::Observed, Some(2020)));
        // beyond the window: without a fallback age, missing (a group estimate may follow)
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2024, (YearRule::Latest, 3, None));
        assert_eq!(f.cell.flag, Flag::Missing);
        assert!(f.value.is_nan());
        // with one, the own older value stands in, said as such
        let f = find(&p, &s, &BTreeMap::new(), "IND", 2024, (YearRule::Latest, 3, Some(6)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (0.646, Flag::Older, Some(2020)));
        assert!(f.cell.detail.contains("own value 2020, beyond the 3-year window"), "{}", f.cell.detail);
        // too old even for the fallback
        assert_eq!(
            find(&p, &s, &BTreeMap::new(), "IND", 2027, (YearRule::Latest, 3, Some(6))).cell.flag,
            Flag::Missing
        );
        // a gap inside the fallback reach is interpolated between own values
        let s2 = series_of(vec![Observation::new("IDN", 2015, 1.0), Observation::new("IDN", 2023, 3.0)], vec![]);
        let f = find(&points(&s2), &s2, &BTreeMap::new(), "IDN", 2019, (YearRule::Latest, 3, Some(4)));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (2.0, Flag::Interpolated, None));
        assert!(f.cell.detail.contains("between its own values 1 (2015) and 3 (2023)"), "{}", f.cell.detail);
    }

    #[test]
    fn corrections_censoring_and_exclusions_are_said() {
        let excluded = Applied {
            indicator: "x".into(),
            unit: "WSM".into(),
            year: 2024,
            action: crate::corrections::Action::Exclude,
            before: 76.67,
            after: None,
            reason: "a one-year spike".into(),
            source: None,
            file: "corrections.toml".into(),
            line: 3,
            source_observation: Observation::new("WSM", 2024, 76.67),
        };
        let replaced = Applied {
            unit: "TON".into(),
            year: 2023,
            action: crate::corrections::Action::Replace,
            before: 28.46,
            after: Some(2.0),
            source: Some("the ministry".into()),
            ..excluded.clone()
        };
        let mut ton = Observation::new("TON", 2023, 2.0);
        ton.flag = None;
        let cen = Observation {
            censored: Some(digindex_data::panel::Censoring {
                below: 100.0,
                published: 0,
                parts: 4,
                lower: 0.0,
                upper: 100.0,
            }),
            ..Observation::new("PRK", 2024, f64::NAN)
        };
        let s = series_of(vec![Observation::new("WSM", 2023, 5.74), ton, cen], vec![excluded, replaced]);
        let by = |u: &str| -> Vec<Point<'_>> { points(&s).into_iter().filter(|p| p.obs.unit == u).collect() };
        // the excluded 2024 value gives way to 2023, and the cell says why
        let f = find(&by("WSM"), &s, &BTreeMap::new(), "WSM", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.value, f.cell.flag, f.cell.data_year), (5.74, Flag::Observed, Some(2023)));
        assert!(f.cell.detail.contains("the 2024 value 76.67 was excluded: a one-year spike"), "{}", f.cell.detail);
        // with nothing left, the cell is excluded, not plain missing
        let f = find(&by("WSM"), &s, &BTreeMap::new(), "WSM", 2024, (YearRule::Exact, 0, None));
        assert_eq!(f.cell.flag, Flag::Excluded);
        // a replaced value is corrected, with both values and the source
        let f = find(&by("TON"), &s, &BTreeMap::new(), "TON", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.value, f.cell.flag), (2.0, Flag::Corrected));
        assert!(f.cell.detail.contains("28.46 replaced by 2 (the ministry)"), "{}", f.cell.detail);
        // a suppressed value is censored, handed on with its bound
        let f = find(&by("PRK"), &s, &BTreeMap::new(), "PRK", 2024, (YearRule::Latest, 3, None));
        assert_eq!((f.cell.flag, f.below, f.cell.data_year), (Flag::Censored, Some((100.0, false)), Some(2024)));
        assert!(f.cell.detail.starts_with("< 100"), "{}", f.cell.detail);
    }
}
