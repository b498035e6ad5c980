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
//! For each indicator and unit the rule picks a value for the reference
//! year and records the year it came from ([`Pick`]); denominators named in
//! the framework are catalogue indicators too, picked the same way, so
//! per-capita values are computed, not hand-made.

use std::collections::BTreeMap;
use std::path::Path;

use digindex_build::Inputs;
use digindex_build::spec::{Spec, YearRule};
use digindex_data::{DataSet, Framework, GroupColumn, Matrix, NodeSpec, NumericColumn, UnitTable};
use digindex_io::{InputError, InputFile, read_input, resolve};

use crate::catalog::{Catalog, Series};
use crate::countries::Countries;
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
            let t = f64::from(year - y0) / f64::from(y1 - y0);
            return Some((v0 + t * (v1 - v0), Pick::Interpolated(y0, y1)));
        }
    }
    before.map(|&(y, v)| (v, Pick::Older(y)))
}

/// What the loader chose, per indicator: counts of exact, older,
/// interpolated and missing cells.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct PickSummary {
    pub rule: Option<YearRule>,
    pub max_age: u32,
    pub exact: usize,
    pub older: usize,
    pub interpolated: usize,
    pub missing: usize,
    /// The oldest year used.
    pub oldest: Option<i32>,
}

/// Inputs built from the catalogue, with the files read and the picks.
#[derive(Clone)]
pub struct Loaded {
    pub inputs: Inputs,
    pub files: Vec<InputFile>,
    pub picks: BTreeMap<String, PickSummary>,
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
    let catalog = Catalog::parse(&cat_file, &text)?;
    let countries = Countries::shipped();

    // units
    let units: Vec<String> = match (&d.region, d.members.is_empty()) {
        (Some(r), true) if r.ends_with(".csv") => {
            // a region set of the user's: one code or country name per line
            let p = resolve(dir, r);
            let bytes = read_input("region", &p, &mut files)?;
            let text = String::from_utf8(bytes).map_err(|_| InputError::file(&p, "the file is not valid UTF-8"))?;
            regions::RegionSet::parse(r, r, &p.display().to_string(), &text, &countries)
                .map_err(|e| InputError::file(&p, e))?
                .members
        }
        (Some(r), true) => {
            let sets = regions::shipped(&countries).map_err(|e| spec_error(spec_path, "data.region", e))?;
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
    let mut read = BTreeMap::new();
    for i in &list {
        let p = catalog.file_of(i);
        if !files.iter().any(|f| f.path == p.display().to_string()) {
            let bytes = read_input(&format!("data {}", i.dataset), &p, &mut files)?;
            read.insert(p, bytes);
        }
    }
    let series: Vec<Series> = catalog.load_some_from(&list, &countries, read)?;

    // each series' observations by unit (the same for every year)
    let by_unit: Vec<BTreeMap<&str, Vec<(i32, f64)>>> = series
        .iter()
        .map(|s| {
            let mut m: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
            for o in s.observations.iter().filter(|o| !o.value.is_nan()) {
                m.entry(o.unit.as_str()).or_default().push((o.year, o.value));
            }
            m
        })
        .collect();

    let n_ind = framework.indicators().len();
    let mut out = Vec::with_capacity(years.len());
    for &year in years {
        // pick a value per unit and indicator
        let mut picks = BTreeMap::new();
        let mut column = |si: usize, s: &Series| -> Vec<f64> {
            let code = &s.indicator.code;
            let r = d.rules.get(code);
            let rule = r.and_then(|r| r.rule).or(d.rule).unwrap_or_default();
            let max_age = r.and_then(|r| r.max_age).or(d.max_age).unwrap_or(3);
            let by_unit = &by_unit[si];
            let mut sum = PickSummary { rule: Some(rule), max_age, ..Default::default() };
            let col = units
                .iter()
                .map(|u| match by_unit.get(u.as_str()).and_then(|obs| pick(obs, year, rule, max_age as i32)) {
                    Some((v, p)) => {
                        let oldest = match p {
                            Pick::Exact => {
                                sum.exact += 1;
                                year
                            }
                            Pick::Older(y) => {
                                sum.older += 1;
                                y
                            }
                            Pick::Interpolated(y0, _) => {
                                sum.interpolated += 1;
                                y0
                            }
                        };
                        sum.oldest = Some(sum.oldest.map_or(oldest, |o: i32| o.min(oldest)));
                        v
                    }
                    None => {
                        sum.missing += 1;
                        f64::NAN
                    }
                })
                .collect();
            picks.insert(code.clone(), sum);
            col
        };
        let cols: Vec<Vec<f64>> = series[..n_ind].iter().enumerate().map(|(i, s)| column(i, s)).collect();
        let denominators: Vec<NumericColumn> = series[n_ind..]
            .iter()
            .enumerate()
            .map(|(i, s)| NumericColumn { name: s.indicator.code.clone(), values: column(n_ind + i, s) })
            .collect();
        let values = Matrix::from_columns(units.len(), &cols)
            .ok_or_else(|| spec_error(spec_path, "data", "internal: ragged".into()))?;
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
            inputs: Inputs { framework: framework.clone(), units: unit_table, raw },
            files: files.clone(),
            picks,
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
}
