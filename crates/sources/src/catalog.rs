//! The catalogue of shipped data: `data/catalog.toml` lists every dataset
//! (folder, source, licence) and every indicator (code, name, unit, file,
//! importer and its selectors). [`Catalog::load_all`] imports them all.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use digindex_data::Observation;
use digindex_input::InputError;
use serde::Deserialize;

use crate::corrections::{Applied, Checked};
use crate::countries::Countries;
use crate::import::{Annual, Format, GeoMap, Selector, import_table, read_geo_map};
use digindex_input::table::Table;

#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    pub id: String,
    pub title: String,
    pub folder: String,
    pub licence: String,
    pub source: String,
    /// What the source's flags on values mean (`e = "estimated by the ITU"`),
    /// so that a flagged value is said to be what it is.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub dataset: String,
    /// Path relative to the dataset's folder (none for a derived indicator).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// `format = "difference"`: the two catalogue indicators whose
    /// difference (the first minus the second, per unit and year) this is;
    /// `format = "editions"`: the editions (one catalogue indicator each)
    /// that make up the series, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub of: Vec<String>,
    /// `format = "editions"`: the factor each edition's values are
    /// multiplied by to put it on the series' scale (e.g. 100 for an
    /// edition scored 0-1 in a series scored 0-100); 1 when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub factors: Vec<f64>,
    /// Further files of the same series (e.g. one per survey edition).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_files: Vec<String>,
    pub format: Format,
    #[serde(default)]
    pub column: Option<String>,
    #[serde(default)]
    pub select: Option<String>,
    #[serde(default)]
    pub filter: Option<String>,
    #[serde(default)]
    pub annual: Option<Annual>,
    /// `ddf`: geo id map, relative to the catalogue's folder.
    #[serde(default)]
    pub geo: Option<String>,
    /// Parts of countries (the Gaza Strip, the West Bank): `"sum"` adds
    /// them up into the country (for counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<String>,
    /// `github`: the publication threshold (values below it are suppressed,
    /// so a missing row is "below", not "no data").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censored_below: Option<f64>,
    /// For the data-quality audit: the indicator is strictly positive, so
    /// an exact zero (or a value far below every other country's) is
    /// implausible.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub positive: bool,
    /// For the data-quality audit: the values a correct figure can take
    /// (e.g. `[0, 100]` for a percentage of the population).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "digindex_data::pair::some_pair")]
    pub valid_range: Option<[f64; 2]>,
    /// As a denominator: what one unit of it is, after "per" ("million
    /// people" for a population in millions), so that a value divided by
    /// it is labelled as what it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    /// For the data-quality audit: `"linear"` to compare a year's values on
    /// their own scale (default: the log scale for indicators that are
    /// never negative, which are skewed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// Where `digindex data fetch` got the file, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<Fetched>,
}

/// A fetched indicator a build read: its code and file, the provenance
/// recorded when it was fetched, and whether the file is still the one
/// fetched (its SHA-256 unchanged).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FetchedInput {
    pub code: String,
    pub file: String,
    #[serde(flatten)]
    pub fetched: Fetched,
    pub unchanged: bool,
}

/// The provenance of a fetched file (`fetched = { … }` in an entry).
#[derive(Debug, Clone, PartialEq, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fetched {
    /// `SOURCE:ID` as asked (`worldbank:IT.NET.USER.ZS`).
    pub source: String,
    /// The query's address, without paging.
    pub url: String,
    /// The query in words.
    pub query: String,
    /// When the data were retrieved (RFC 3339, UTC).
    pub retrieved: String,
    /// The first response's `ETag`, when the server sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The responses read (pages, years).
    pub responses: usize,
    /// SHA-256 of the file as written.
    pub sha256: String,
    /// How the values are counted, or what the reader should know of them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Indicator {
    pub fn selector(&self) -> Selector {
        Selector {
            format: self.format,
            column: self.column.clone(),
            select: self.select.clone(),
            filter: self.filter.clone(),
            annual: self.annual,
            geo: self.geo.clone(),
            parts: self.parts.clone(),
            censored_below: self.censored_below,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(default, rename = "dataset")]
    pub datasets: Vec<Dataset>,
    #[serde(default, rename = "indicator")]
    pub indicators: Vec<Indicator>,
    /// The corrections file (relative to the catalogue's folder), applied
    /// to every indicator as it is imported.
    #[serde(default, rename = "corrections")]
    pub corrections_file: Option<String>,
    /// Thresholds of the data-quality audit.
    #[serde(default)]
    pub quality: crate::quality::Settings,
    /// The folder the catalogue file is in (paths are relative to it).
    #[serde(skip)]
    pub root: PathBuf,
    /// The corrections, once read ([`Catalog::read_corrections`]).
    #[serde(skip)]
    pub corrections: Vec<Checked>,
}

/// One indicator's data as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub indicator: Indicator,
    /// The observations, corrected.
    pub observations: Vec<Observation>,
    pub skipped: BTreeMap<String, usize>,
    /// The corrections applied to them.
    pub corrections: Vec<Applied>,
    /// For a derived indicator: the corrections applied to the series it is
    /// computed from (its values there carry a flag saying so).
    pub part_corrections: Vec<Applied>,
    /// What a reader should know of a value beyond the source's flag, by
    /// (unit, year): for a series of editions, the edition and its rescaling.
    pub notes: BTreeMap<(String, i32), String>,
}

impl Series {
    /// A series of `indicator` with these observations and nothing else
    /// (no corrections, notes or skipped keys).
    pub fn of(indicator: Indicator, observations: Vec<Observation>) -> Series {
        Series {
            indicator,
            observations,
            skipped: BTreeMap::new(),
            corrections: vec![],
            part_corrections: vec![],
            notes: BTreeMap::new(),
        }
    }
}

impl Catalog {
    /// Reads and checks `catalog.toml` (unique codes, known datasets) and
    /// the corrections file it names (its units resolved with `countries`).
    pub fn read(path: &Path, countries: &Countries) -> Result<Catalog, InputError> {
        let text = digindex_input::read_text(path)
            .map_err(|e| InputError::file(path, format!("cannot read the catalogue: {e}")))?;
        Catalog::from_text(path, &text, countries)
    }

    /// [`Catalog::read`] of the catalogue's text, as it is or about to be
    /// written at `path` (the corrections file is read from disk).
    pub fn from_text(path: &Path, text: &str, countries: &Countries) -> Result<Catalog, InputError> {
        let mut c = Catalog::parse(path, text)?;
        if let Some(p) = c.corrections_path() {
            let text = digindex_input::read_text(&p)
                .map_err(|e| InputError::file(&p, format!("cannot read the corrections file: {e}")))?;
            c.read_corrections(&p, &text, countries)?;
        }
        Ok(c)
    }

    /// The corrections file the catalogue names, if any.
    pub fn corrections_path(&self) -> Option<PathBuf> {
        self.corrections_file.as_ref().map(|f| self.root.join(f))
    }

    /// Checks the text of the corrections file and keeps its corrections.
    pub fn read_corrections(&mut self, path: &Path, text: &str, countries: &Countries) -> Result<(), InputError> {
        let codes: Vec<&str> = self.indicators.iter().map(|i| i.code.as_str()).collect();
        self.corrections = crate::corrections::parse(path, text, &codes, countries)?;
        Ok(())
    }

    /// Parses and checks the text of the catalogue at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Catalog, InputError> {
        // a `format` or `annual` no importer knows is named with its entry
        // and the nearest known word; any other error is toml's
        let mut c: Catalog = toml::from_str(text).map_err(|e| {
            crate::import::unknown_word(path, text).unwrap_or_else(|| InputError::file(path, e.to_string()))
        })?;
        c.root = path.parent().unwrap_or(Path::new("")).to_path_buf();
        let ids: HashSet<&str> = c.datasets.iter().map(|d| d.id.as_str()).collect();
        let mut codes = HashSet::new();
        for i in &c.indicators {
            if !codes.insert(i.code.as_str()) {
                return Err(InputError::file(path, format!("indicator code {:?} is listed twice", i.code)));
            }
            if !ids.contains(i.dataset.as_str()) {
                return Err(InputError::file(path, format!("indicator {}: unknown dataset {:?}", i.code, i.dataset)));
            }
        }
        for i in &c.indicators {
            let bad = |m: String| Err(InputError::file(path, format!("indicator {}: {m}", i.code)));
            match (i.is_derived(), i.file.is_empty(), i.of.len()) {
                (true, _, n) if n != 2 && i.format == Format::Difference => {
                    return bad(format!("format difference needs `of` = [two codes], found {n}"));
                }
                (true, _, n) if n < 2 => {
                    return bad(format!("format editions needs `of` = [two or more codes, oldest first], found {n}"));
                }
                (true, false, _) => return bad("a derived indicator reads no file; remove `file`".into()),
                (false, true, _) => return bad("`file` is missing".into()),
                (false, _, n) if n > 0 => {
                    return bad("`of` is only for format = \"difference\" or \"editions\"".into());
                }
                _ => {}
            }
            if let Some(d) = i.of.iter().enumerate().find_map(|(k, a)| i.of[..k].contains(a).then_some(a)) {
                if i.format == Format::Editions {
                    return bad(format!("{d:?} is listed twice in `of`: each edition once"));
                }
            }
            for part in &i.of {
                match c.indicators.iter().find(|x| &x.code == part) {
                    None => return bad(format!("{part:?} in `of` is not a catalogue indicator")),
                    Some(x) if x.is_derived() => return bad(format!("{part:?} in `of` is itself derived")),
                    Some(_) => {}
                }
            }
            match (i.format, i.factors.len()) {
                (_, 0) => {}
                (Format::Editions, n) if n != i.of.len() => {
                    return bad(format!("`factors` needs one factor per edition in `of` ({}), found {n}", i.of.len()));
                }
                (Format::Editions, _) => {
                    if let Some(f) = i.factors.iter().find(|f| !f.is_finite() || **f <= 0.0) {
                        return bad(format!("`factors` must be finite and > 0, found {f}"));
                    }
                }
                _ => return bad("`factors` is only for format = \"editions\"".into()),
            }
        }
        Ok(c)
    }

    pub fn dataset(&self, id: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.id == id)
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.code == code)
    }

    /// The (first) file an indicator is read from.
    pub fn file_of(&self, i: &Indicator) -> PathBuf {
        self.files_of(i).remove(0)
    }

    /// Every file an indicator is read from (a derived one's: its parts').
    pub fn files_of(&self, i: &Indicator) -> Vec<PathBuf> {
        if i.is_derived() {
            let mut v: Vec<PathBuf> =
                i.of.iter().filter_map(|c| self.indicator(c)).flat_map(|x| self.files_of_direct(x)).collect();
            v.dedup();
            return v;
        }
        self.files_of_direct(i)
    }

    fn files_of_direct(&self, i: &Indicator) -> Vec<PathBuf> {
        let folder = self.dataset(&i.dataset).map(|d| d.folder.as_str()).unwrap_or_default();
        std::iter::once(&i.file).chain(&i.more_files).map(|f| self.root.join(folder).join(f)).collect()
    }

    /// Imports one indicator.
    pub fn load(&self, i: &Indicator, countries: &Countries) -> Result<Series, InputError> {
        self.load_some(&[i], countries).map(|mut v| v.remove(0))
    }

    /// Imports every indicator (each file and geo map read once).
    pub fn load_all(&self, countries: &Countries) -> Result<Vec<Series>, InputError> {
        let all: Vec<&Indicator> = self.indicators.iter().collect();
        self.load_some(&all, countries)
    }

    /// Imports the given indicators, in order.
    pub fn load_some(&self, list: &[&Indicator], countries: &Countries) -> Result<Vec<Series>, InputError> {
        self.load_some_from(list, countries, BTreeMap::new())
    }

    /// [`Catalog::load_some`], given the bytes of files already read (by
    /// path); the others are read here. A derived indicator is computed
    /// from its parts (read once, whether listed or not).
    pub fn load_some_from(
        &self,
        list: &[&Indicator],
        countries: &Countries,
        files: BTreeMap<PathBuf, Vec<u8>>,
    ) -> Result<Vec<Series>, InputError> {
        let mut direct: Vec<&Indicator> = Vec::new();
        for i in list {
            let parts: Vec<&Indicator> =
                if i.is_derived() { i.of.iter().filter_map(|c| self.indicator(c)).collect() } else { vec![*i] };
            for p in parts {
                if !direct.iter().any(|d| d.code == p.code) {
                    direct.push(p);
                }
            }
        }
        let loaded = self.load_direct(&direct, countries, files)?;
        let get = |code: &str| loaded.iter().find(|s| s.indicator.code == code);
        let mut out = Vec::with_capacity(list.len());
        for i in list {
            if !i.is_derived() {
                out.extend(get(&i.code).cloned());
                continue;
            }
            let parts: Vec<&Series> = i.of.iter().filter_map(|c| get(c)).collect();
            if parts.len() != i.of.len() {
                return Err(InputError::file(&self.root, format!("indicator {}: its parts were not loaded", i.code)));
            }
            let (observations, notes) = match i.format {
                Format::Editions => editions(&self.root, i, &parts)?,
                _ => (difference(parts[0], parts[1]), BTreeMap::new()),
            };
            let mut series = Series {
                part_corrections: parts.iter().flat_map(|p| &p.corrections).cloned().collect(),
                notes,
                ..Series::of((*i).clone(), observations)
            };
            series.corrections = crate::corrections::apply(&i.code, &mut series.observations, &self.corrections)?;
            if i.format == Format::Editions {
                // an edition's value is the series' value of that year: a
                // correction of it is one of the series (an excluded value
                // is said to be excluded, not just missing), on its scale
                for (k, p) in parts.iter().enumerate() {
                    let f = i.factors.get(k).copied().unwrap_or(1.0);
                    series.corrections.extend(p.corrections.iter().map(|a| {
                        let mut a = Applied { indicator: i.code.clone(), ..a.clone() };
                        a.before = rescale(a.before, f);
                        a.after = a.after.map(|x| rescale(x, f));
                        a.source_observation.value = rescale(a.source_observation.value, f);
                        a
                    }));
                }
                series.part_corrections.clear();
            }
            series.observations.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.year.cmp(&b.year)));
            out.push(series);
        }
        Ok(out)
    }

    /// Imports indicators read from files.
    fn load_direct(
        &self,
        list: &[&Indicator],
        countries: &Countries,
        mut files: BTreeMap<PathBuf, Vec<u8>>,
    ) -> Result<Vec<Series>, InputError> {
        let read = |path: &Path| {
            digindex_input::read_file(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))
        };
        let mut geos: BTreeMap<PathBuf, GeoMap> = BTreeMap::new();
        let paths: Vec<Vec<PathBuf>> = list.iter().map(|i| self.files_of(i)).collect();
        for p in paths.iter().flatten() {
            if !files.contains_key(p) {
                files.insert(p.clone(), read(p)?);
            }
        }
        // each file parsed once, the files in parallel (parsing is most of
        // the time to load a few large files)
        let mut wanted: Vec<(&PathBuf, Format)> = Vec::new();
        for (i, ps) in list.iter().zip(&paths) {
            for p in ps {
                if !wanted.iter().any(|(q, _)| *q == p) {
                    wanted.push((p, i.format));
                }
            }
        }
        let files = &files;
        // a file holding many indicators in rows is kept for the ones asked
        // (every `select` of the indicators read from it)
        let selects: Vec<Vec<String>> = wanted
            .iter()
            .map(|(p, _)| {
                let from: Vec<&&Indicator> =
                    list.iter().zip(&paths).filter(|(_, ps)| ps.contains(p)).map(|(i, _)| i).collect();
                if from.iter().all(|i| i.select.is_some()) {
                    from.iter().filter_map(|i| i.select.clone()).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let jobs: Vec<((&PathBuf, Format), &Vec<String>)> = wanted.iter().copied().zip(&selects).collect();
        let parsed = crate::parallel::map(&jobs, |((p, format), selects)| {
            crate::import::parse_for(p, &files[*p], *format, selects)
        });
        let mut tables: BTreeMap<&PathBuf, Table<'_>> = BTreeMap::new();
        for ((p, _), t) in wanted.iter().zip(parsed) {
            tables.insert(p, t?);
        }
        let mut out = Vec::with_capacity(list.len());
        for (i, ps) in list.iter().zip(&paths) {
            let geo = match &i.geo {
                Some(g) => {
                    let gp = self.root.join(g);
                    if !geos.contains_key(&gp) {
                        let m = read_geo_map(&gp, &read(&gp)?)?;
                        geos.insert(gp.clone(), m);
                    }
                    geos.get(&gp)
                }
                None => None,
            };
            let mut series = Series::of((*i).clone(), Vec::new());
            let mut seen: std::collections::HashMap<(String, i32), u64> = std::collections::HashMap::new();
            for p in ps {
                let imp = import_table(&tables[p], &i.selector(), countries, geo)?;
                for (k, n) in imp.skipped {
                    *series.skipped.entry(k).or_insert(0) += n;
                }
                for o in imp.observations {
                    if let Some(&bits) = seen.get(&(o.unit.clone(), o.year)) {
                        if bits != o.value.to_bits() {
                            return Err(InputError::file(
                                p,
                                format!(
                                    "{} {} is also in an earlier file of {} with another value",
                                    o.unit, o.year, i.code
                                ),
                            ));
                        }
                        continue;
                    }
                    seen.insert((o.unit.clone(), o.year), o.value.to_bits());
                    series.observations.push(o);
                }
            }
            series.corrections = crate::corrections::apply(&i.code, &mut series.observations, &self.corrections)?;
            series.observations.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.year.cmp(&b.year)));
            out.push(series);
        }
        Ok(out)
    }
}

/// `a − b` for every unit and year both have a value (censored values and
/// source flags are not carried over: the difference has none). A value
/// computed from a corrected one says so in its flag.
fn difference(a: &Series, b: &Series) -> Vec<Observation> {
    let mut out = difference_values(a, b);
    for o in &mut out {
        let fixed: Vec<String> = [a, b]
            .iter()
            .filter_map(|s| s.correction(&o.unit, o.year).map(|c| format!("{} {}", s.indicator.code, c.describe())))
            .collect();
        if !fixed.is_empty() {
            o.flag = Some(format!("computed from a corrected value: {}", fixed.join("; ")));
        }
    }
    out
}

/// `x × factor`, to 15 significant digits (no binary noise: 0.123456 × 100
/// is 12.3456, not 12.345600000000001).
fn rescale(x: f64, factor: f64) -> f64 {
    if factor == 1.0 || !x.is_finite() || x == 0.0 {
        return x * factor;
    }
    let y = x * factor;
    let digits = 14 - y.abs().log10().floor() as i32;
    if !(-300..=300).contains(&digits) {
        return y;
    }
    let m = 10f64.powi(digits);
    let r = (y * m).round() / m;
    if r.is_finite() { r } else { y }
}

/// Editions in the catalogue's order: the series' values and, by (unit,
/// year), the note that says which edition a value comes from.
type Joined = (Vec<Observation>, BTreeMap<(String, i32), String>);

/// The editions of a series one after the other, each value with the year
/// its edition gives it and multiplied by the edition's factor (censoring
/// bounds too); the source's flags are kept as they are, and which edition
/// a value comes from (and its rescaling) is a note. Two editions with a
/// value for the same unit and year are an error: which one would the year
/// show?
fn editions(at: &Path, i: &Indicator, parts: &[&Series]) -> Result<Joined, InputError> {
    let mut out: Vec<Observation> = Vec::new();
    let mut notes = BTreeMap::new();
    let mut seen: std::collections::HashMap<(String, i32), &str> = std::collections::HashMap::new();
    for (k, p) in parts.iter().enumerate() {
        let factor = i.factors.get(k).copied().unwrap_or(1.0);
        let from = if factor == 1.0 {
            format!("edition {}", p.indicator.code)
        } else {
            format!("edition {} ({}) × {factor}", p.indicator.code, p.indicator.unit)
        };
        for o in &p.observations {
            if let Some(other) = seen.insert((o.unit.clone(), o.year), &p.indicator.code) {
                return Err(InputError::file(
                    at,
                    format!(
                        "indicator {}: editions {other} and {} both have a value for {} in {}; one year, one edition",
                        i.code, p.indicator.code, o.unit, o.year
                    ),
                ));
            }
            let mut o = o.clone();
            o.value = rescale(o.value, factor);
            if let Some(c) = o.censored.as_mut() {
                (c.below, c.lower, c.upper) =
                    (rescale(c.below, factor), rescale(c.lower, factor), rescale(c.upper, factor));
            }
            notes.insert((o.unit.clone(), o.year), from.clone());
            out.push(o);
        }
    }
    Ok((out, notes))
}

fn difference_values(a: &Series, b: &Series) -> Vec<Observation> {
    let bs: std::collections::HashMap<(&str, i32), f64> = b
        .observations
        .iter()
        .filter(|o| o.value.is_finite() && o.censored.is_none())
        .map(|o| ((o.unit.as_str(), o.year), o.value))
        .collect();
    a.observations
        .iter()
        .filter(|o| o.value.is_finite() && o.censored.is_none())
        // rounded to 6 decimals: the parts have at most 2, and a float
        // difference would show binary noise (77191.91000000003)
        .filter_map(|o| {
            bs.get(&(o.unit.as_str(), o.year))
                .map(|v| Observation::new(o.unit.clone(), o.year, ((o.value - v) * 1e6).round() / 1e6))
        })
        .collect()
}

impl Indicator {
    /// True for an indicator computed from others (`format = "difference"`
    /// or `"editions"`).
    pub fn is_derived(&self) -> bool {
        self.format.is_derived()
    }
}

impl Series {
    /// The value of a unit in a year, or the latest within `max_age` years
    /// before it (with the year used).
    pub fn value_at(&self, unit: &str, year: i32, max_age: i32) -> Option<(i32, f64)> {
        self.observations
            .iter()
            .filter(|o| o.unit == unit && o.year <= year && o.year >= year - max_age && !o.value.is_nan())
            .max_by_key(|o| o.year)
            .map(|o| (o.year, o.value))
    }

    /// The observation of a unit in a year. Loaded series are sorted by unit
    /// and year (the loader sorts them), so this is a binary search.
    pub fn at(&self, unit: &str, year: i32) -> Option<&Observation> {
        self.observations
            .binary_search_by(|o| o.unit.as_str().cmp(unit).then(o.year.cmp(&year)))
            .ok()
            .map(|i| &self.observations[i])
    }

    /// A unit's observations, by year (a binary search, as for [`Series::at`]).
    pub fn of_unit(&self, unit: &str) -> &[Observation] {
        let from = self.observations.partition_point(|o| o.unit.as_str() < unit);
        let to = self.observations.partition_point(|o| o.unit.as_str() <= unit);
        &self.observations[from..to.max(from)]
    }

    /// The observations as the source gave them, before the corrections.
    pub fn uncorrected(&self) -> Vec<Observation> {
        let mut out = self.observations.clone();
        for a in &self.corrections {
            match out.iter_mut().find(|o| o.unit == a.unit && o.year == a.year) {
                Some(o) => *o = a.source_observation.clone(),
                None => out.push(a.source_observation.clone()),
            }
        }
        out.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.year.cmp(&b.year)));
        out
    }

    /// The correction applied to a unit's value in a year, if any.
    pub fn correction(&self, unit: &str, year: i32) -> Option<&Applied> {
        self.corrections.iter().find(|a| a.unit == unit && a.year == year)
    }

    /// The latest year with any value.
    pub fn latest_year(&self) -> Option<i32> {
        self.observations.iter().filter(|o| !o.value.is_nan()).map(|o| o.year).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corrections::Action;

    /// A catalogue of one dataset and one indicator (`a`, format `long`).
    const BASE: &str = "[[dataset]]\nid = \"d\"\ntitle = \"t\"\nfolder = \"d\"\nlicence = \"l\"\nsource = \"s\"\n\
[[indicator]]\ncode = \"a\"\nname = \"a\"\nunit = \"u\"\ndataset = \"d\"\nfile = \"a.csv\"\nformat = \"long\"\n";

    fn series(code: &str, obs: Vec<Observation>) -> Series {
        Series::of(Indicator { code: code.into(), format: Format::Long, ..Default::default() }, obs)
    }

    #[test]
    fn lookups_by_unit_and_year_agree_with_a_scan() {
        let mut obs = Vec::new();
        for u in ["AFG", "IRN", "IRQ", "ZWE"] {
            for y in [2001, 2003, 2004] {
                obs.push(Observation::new(u, y, f64::from(y) + u.len() as f64));
            }
        }
        let s = series("x", obs);
        for u in ["AFG", "IRN", "IRQ", "ZWE", "AAA", "IRA", "ZZZ"] {
            let scan: Vec<&Observation> = s.observations.iter().filter(|o| o.unit == u).collect();
            assert_eq!(s.of_unit(u).iter().collect::<Vec<_>>(), scan, "{u}");
            for y in 2000..2006 {
                assert_eq!(s.at(u, y), s.observations.iter().find(|o| o.unit == u && o.year == y), "{u} {y}");
            }
        }
    }

    #[test]
    fn a_difference_is_computed_where_both_parts_are_and_says_when_a_part_was_corrected() {
        let whole = series("w", vec![Observation::new("A", 2022, 10.25), Observation::new("B", 2022, 5.0)]);
        let mut frac = series(
            "f",
            vec![Observation::new("A", 2022, 4.1), Observation::new("C", 2022, 1.0), Observation::new("B", 2022, 2.0)],
        );
        frac.corrections.push(Applied {
            indicator: "f".into(),
            unit: "B".into(),
            year: 2022,
            action: Action::Replace,
            before: 3.0,
            after: Some(2.0),
            reason: "a typing error".into(),
            source: Some("the office".into()),
            file: "c.toml".into(),
            line: 1,
            source_observation: Observation::new("B", 2022, 3.0),
        });
        let d = difference(&whole, &frac);
        // only where both have a value; no binary noise (10.25 - 4.1 = 6.1499999...)
        assert_eq!(d.iter().map(|o| (o.unit.as_str(), o.value)).collect::<Vec<_>>(), [("A", 6.15), ("B", 3.0)]);
        assert!(d[0].flag.is_none());
        assert!(
            d[1].flag.as_deref().is_some_and(|f| f.contains("f replaced by 2 (the office): a typing error")),
            "{:?}",
            d[1]
        );
    }

    #[test]
    fn editions_keep_their_years_rescale_and_say_where_each_value_comes_from() {
        let mut old = series("e18", vec![Observation::new("A", 2018, 0.123456), Observation::new("B", 2018, 0.5)]);
        old.indicator.unit = "score 0-1".into();
        let mut new = series("e20", vec![Observation::new("A", 2020, 60.0)]);
        new.observations[0].flag = Some("e".into());
        let mut i = Indicator { code: "s".into(), format: Format::Editions, ..Default::default() };
        i.of = vec!["e18".into(), "e20".into()];
        i.factors = vec![100.0, 1.0];
        let (got, notes) = editions(Path::new("c"), &i, &[&old, &new]).expect("no overlap");
        let v: Vec<(&str, i32, f64)> = got.iter().map(|o| (o.unit.as_str(), o.year, o.value)).collect();
        // 0.123456 × 100 without binary noise (12.345600000000001)
        assert_eq!(v, [("A", 2018, 12.3456), ("B", 2018, 50.0), ("A", 2020, 60.0)]);
        // the source's flags are kept; the edition is a note
        assert_eq!((got[0].flag.as_deref(), got[2].flag.as_deref()), (None, Some("e")));
        assert_eq!(notes[&("A".to_string(), 2018)], "edition e18 (score 0-1) × 100");
        assert_eq!(notes[&("A".to_string(), 2020)], "edition e20");
        // small values keep their digits (no rounding to a fixed decimal)
        assert_eq!(rescale(3.3e-10, 100.0), 3.3e-8);
        // two editions in one year: an error naming both
        let clash = series("e18b", vec![Observation::new("B", 2018, 0.4)]);
        i.of.push("e18b".into());
        i.factors.push(100.0);
        let e = editions(Path::new("c"), &i, &[&old, &new, &clash]).unwrap_err().to_string();
        assert!(e.contains("editions e18 and e18b both have a value for B in 2018"), "{e}");
    }

    #[test]
    fn edition_entries_are_checked() {
        let p = Path::new("catalog.toml");
        let entry = |extra: &str| {
            format!(
                "{BASE}[[indicator]]\ncode = \"b\"\nname = \"b\"\nunit = \"u\"\ndataset = \"d\"\nfile = \"b.csv\"\n\
                 format = \"long\"\n[[indicator]]\ncode = \"x\"\nname = \"x\"\nunit = \"u\"\ndataset = \"d\"\n\
                 format = \"editions\"\n{extra}"
            )
        };
        let twice = Catalog::parse(p, &entry("of = [\"a\", \"a\"]\nfactors = [100, 1]\n")).unwrap_err().to_string();
        assert!(twice.contains("listed twice"), "{twice}");
        let e = Catalog::parse(p, &entry("of = [\"a\"]\n")).unwrap_err().to_string();
        assert!(e.contains("two or more codes"), "{e}");
        assert!(Catalog::parse(p, &entry("of = [\"a\", \"b\"]\nfactors = [100, 1]\n")).is_ok());
        let e = Catalog::parse(p, &entry("of = [\"a\", \"b\"]\nfactors = [100]\n")).unwrap_err().to_string();
        assert!(e.contains("one factor per edition"), "{e}");
        let e = Catalog::parse(p, &entry("of = [\"a\", \"b\"]\nfactors = [0, 1]\n")).unwrap_err().to_string();
        assert!(e.contains("finite and > 0"), "{e}");
        let e = Catalog::parse(p, &format!("{BASE}factors = [2]\n")).unwrap_err().to_string();
        assert!(e.contains("only for format = \"editions\""), "{e}");
    }

    #[test]
    fn derived_entries_are_checked() {
        let p = Path::new("catalog.toml");
        let derived = |extra: &str| {
            format!(
                "{BASE}[[indicator]]\ncode = \"x\"\nname = \"x\"\nunit = \"u\"\ndataset = \"d\"\nformat = \"difference\"\n{extra}"
            )
        };
        assert!(Catalog::parse(p, &derived("of = [\"a\", \"a\"]\n")).is_ok());
        let e = Catalog::parse(p, &derived("of = [\"a\"]\n")).unwrap_err().to_string();
        assert!(e.contains("two codes"), "{e}");
        let e = Catalog::parse(p, &derived("of = [\"a\", \"zz\"]\n")).unwrap_err().to_string();
        assert!(e.contains("\"zz\" in `of` is not a catalogue indicator"), "{e}");
        let e = Catalog::parse(p, &derived("file = \"x.csv\"\nof = [\"a\", \"a\"]\n")).unwrap_err().to_string();
        assert!(e.contains("reads no file"), "{e}");
    }

    #[test]
    fn an_unknown_format_or_rule_names_the_entry_and_the_nearest_word() {
        let p = Path::new("catalog.toml");
        let e = Catalog::parse(p, &BASE.replace("\"long\"", "\"lon\"")).unwrap_err().to_string();
        let known = "ddf, owid, sdg, hdr, ncses, github, github_collab, egov, gci, wide, wdi_bulk, sdmx, coinr, long, difference, editions";
        let want = "catalog.toml, line 13, column \"format\": indicator a: format = \"lon\" is not a format";
        assert_eq!(e, format!("{want} (did you mean \"long\"?); known: {known}"));
        let e = Catalog::parse(p, &format!("{BASE}annual = \"sums\"\n")).unwrap_err().to_string();
        assert!(
            e.contains(
                "line 14, column \"annual\": indicator a: annual = \"sums\" is not a rule (did you mean \"sum\"?)"
            ),
            "{e}"
        );
        // every other error is toml's, as before
        let e = Catalog::parse(p, &format!("{BASE}colour = 1\n")).unwrap_err().to_string();
        assert!(e.starts_with("catalog.toml: TOML parse error") && e.contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn a_valid_range_is_two_numbers() {
        let p = Path::new("catalog.toml");
        let c = Catalog::parse(p, &format!("{BASE}valid_range = [0, 100]\n")).expect("valid");
        assert_eq!(c.indicators[0].valid_range, Some([0.0, 100.0]));
        for bad in ["[0, 100, 5]", "[0]"] {
            let e = Catalog::parse(p, &format!("{BASE}valid_range = {bad}\n")).unwrap_err().to_string();
            assert!(e.contains("two numbers"), "{bad}: {e}");
        }
    }
}
