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

use digindex_data::provenance::{Cells, Flag};
use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, UnitTable};
use digindex_input::{InputError, InputFile, read_input, resolve};
use digindex_pipeline::Inputs;
use digindex_pipeline::censor::Censored;
use digindex_pipeline::spec::{Spec, YearRule};

use crate::catalog::{Catalog, Series};
use crate::corrections::Applied;
use crate::countries::Countries;
use crate::quality::Finding;
use crate::regions;

mod ladder;
pub use ladder::{Pick, pick};
use ladder::{Point, find};

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
    /// The fetched indicators read, with their provenance.
    pub fetched: Vec<crate::catalog::FetchedInput>,
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
    catalog.quality.check().map_err(|m| InputError::file(&cat_file, m.to_string()))?;
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
                .map_err(|e| InputError::file(&p, e.to_string()))?
                .members
        }
        (Some(r), true) => {
            let sets = regions::shipped(countries).map_err(|e| spec_error(spec_path, "data.region", e.to_string()))?;
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
                let c = countries.country(m).map_err(|e| spec_error(spec_path, "data.members", e.to_string()))?;
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
        .map_err(|m| spec_error(spec_path, "framework", m.to_string()))?;
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
    let fetched: Vec<crate::catalog::FetchedInput> = list
        .iter()
        .filter_map(|i| {
            let f = i.fetched.clone()?;
            let file = catalog.file_of(i).display().to_string();
            let unchanged = files.iter().any(|x| x.path == file && x.sha256 == f.sha256);
            Some(crate::catalog::FetchedInput { code: i.code.clone(), file, fetched: f, unchanged })
        })
        .collect();

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
            fetched: fetched.clone(),
        });
    }
    Ok(out)
}
