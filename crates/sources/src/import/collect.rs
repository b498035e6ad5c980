//! Observations collected as a file is read: each key resolved once
//! ([`Keys`]), each unit-year checked when given twice ([`Collector`]),
//! and the parts of a country (the Gaza Strip, the West Bank) summed into
//! it where the indicator adds up.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use digindex_data::Observation;
use digindex_input::InputError;

use super::{Imported, Selector};
use crate::countries::{Countries, CountryError};

/// Resolves keys once each, remembering the answer.
pub(super) struct Keys<'c> {
    pub(super) countries: &'c Countries,
    cache: HashMap<String, Result<Option<String>, CountryError>>,
}

impl<'c> Keys<'c> {
    pub(super) fn new(countries: &'c Countries) -> Self {
        Keys { countries, cache: HashMap::new() }
    }

    pub(super) fn get(&mut self, key: &str) -> Result<Option<String>, CountryError> {
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
pub(super) struct Unit {
    pub(super) iso3: String,
    pub(super) part: Option<String>,
}

impl From<String> for Unit {
    fn from(iso3: String) -> Unit {
        Unit { iso3, part: None }
    }
}

/// The values of a country's parts in one year: (part, value, line).
type Parts = BTreeMap<(String, i32), Vec<(String, f64, u64)>>;

/// Collects observations, checking unit-years given twice.
pub(super) struct Collector {
    seen: HashMap<(String, i32), (f64, Option<String>, u64)>,
    /// Parts of countries are summed into the country (`parts = "sum"`).
    pub(super) sum_parts: bool,
    parts: Parts,
    out: Imported,
}

impl Collector {
    pub(super) fn new(sel: &Selector) -> Self {
        Collector {
            seen: HashMap::new(),
            sum_parts: sel.parts.as_deref() == Some("sum"),
            parts: BTreeMap::new(),
            out: Imported::default(),
        }
    }

    pub(super) fn skip(&mut self, key: &str) {
        *self.out.skipped.entry(key.to_string()).or_insert(0) += 1;
    }

    pub(super) fn push(
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
    pub(super) fn observe(&mut self, path: &Path, line: u64, o: Observation) -> Result<(), InputError> {
        let (unit, year, value) = (&o.unit, o.year, o.value);
        match self.seen.get(&(unit.clone(), year)) {
            Some((v, f, first)) => {
                let same = same_value(*v, value) && *f == o.flag;
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
    pub(super) fn finish(mut self, path: &Path, countries: &Countries) -> Result<Imported, InputError> {
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
                        if !same_value(q.1, p.1) {
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
            let terms: Vec<String> = unique.iter().map(|(n, v, _)| format!("{n} {}", super::show(*v))).collect();
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

/// The same value: the same bits, or both missing.
fn same_value(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}
