//! Named region sets, shipped in `data/regions/` (one `NAME.csv` of ISO3
//! codes per set, described in `regions.csv` with a title, a member count
//! and a source). Users add their own sets the same way (see
//! [`RegionSet::parse`]).
//!
//! People name regions loosely: "the Middle East" has at least four
//! definitions in the sources a claim may rest on. `aliases.csv` maps each
//! name people use to every set it can mean; [`Regions::resolve`] turns a
//! name as said into those sets, or says which names are near.

use crate::countries::{Countries, CountryError};

const INDEX: &str = include_str!("../../../data/regions/regions.csv");
const ALIASES: &str = include_str!("../../../data/regions/aliases.csv");

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../data/regions/", $name, ".csv")))),*]
    };
}

/// Every shipped set's members file.
const FILES: &[(&str, &str)] = shipped![
    "apt",
    "apt_all",
    "middle_east",
    "persian_gulf",
    "gcc",
    "asean",
    "saarc",
    "ncses_middle_east",
    "escap",
    "escap_asia_pacific",
    "oic",
    "eco",
    "escap_south_and_south_west_asia",
    "un_africa",
    "un_americas",
    "un_asia",
    "un_europe",
    "un_oceania",
    "un_australia_and_new_zealand",
    "un_central_asia",
    "un_eastern_asia",
    "un_eastern_europe",
    "un_latin_america_and_the_caribbean",
    "un_melanesia",
    "un_micronesia",
    "un_northern_africa",
    "un_northern_america",
    "un_northern_europe",
    "un_polynesia",
    "un_south_eastern_asia",
    "un_southern_asia",
    "un_southern_europe",
    "un_sub_saharan_africa",
    "un_western_asia",
    "un_western_europe",
    "wb_east_asia_and_pacific",
    "wb_europe_and_central_asia",
    "wb_latin_america_and_caribbean",
    "wb_middle_east_north_africa_afghanistan_and_pakistan",
    "wb_north_america",
    "wb_south_asia",
    "wb_sub_saharan_africa",
    "wb_high_income",
    "wb_low_income",
    "wb_lower_middle_income",
    "wb_not_classified",
    "wb_upper_middle_income",
];

/// A region file or name that does not read: the file (and line) at fault
/// and what is wrong, or a region name no set has.
#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    /// A member of a set that is not a country.
    #[error("region {region}, line {line}: {error}")]
    Member { region: String, line: usize, error: CountryError },
    #[error("regions.csv: {0}")]
    Index(csv::Error),
    #[error("regions.csv lists {0} but no {0}.csv is compiled in")]
    NotCompiled(String),
    #[error("region {region}: {found} members, regions.csv says {listed}")]
    Count { region: String, found: usize, listed: String },
    /// A line of `aliases.csv` that does not read.
    #[error("aliases.csv, line {line}: {error}")]
    AliasRecord { line: usize, error: csv::Error },
    /// A field of `aliases.csv` at fault: what is wrong with it.
    #[error("aliases.csv, line {line}: field {field}: {message}")]
    AliasField { line: usize, field: &'static str, message: String },
    /// A name that is no set's and no alias (with the nearest names).
    #[error("unknown region {said:?}{nearest}")]
    Unknown { said: String, nearest: String },
}

/// A named set of countries.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionSet {
    pub name: String,
    pub title: String,
    pub source: String,
    pub members: Vec<String>,
}

impl RegionSet {
    /// Parses a members file (a header `iso3`, then one code or country
    /// name per line); every entry must resolve to a country.
    pub fn parse(
        name: &str,
        title: &str,
        source: &str,
        text: &str,
        countries: &Countries,
    ) -> Result<RegionSet, RegionError> {
        let mut members = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let t = line.trim().trim_matches('"');
            if t.is_empty() {
                continue;
            }
            let c = countries.country(t).map_err(|error| RegionError::Member {
                region: name.to_string(),
                line: i + 1,
                error,
            })?;
            members.push(c.to_string());
        }
        members.sort();
        members.dedup();
        Ok(RegionSet { name: name.into(), title: title.into(), source: source.into(), members })
    }

    pub fn contains(&self, iso3: &str) -> bool {
        self.members.binary_search_by(|m| m.as_str().cmp(iso3)).is_ok()
    }
}

/// Every shipped region set, in the order of `regions.csv`.
pub fn shipped(countries: &Countries) -> Result<Vec<RegionSet>, RegionError> {
    let mut rdr = csv::Reader::from_reader(INDEX.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(RegionError::Index)?;
        let name = &rec[0];
        let text = FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| RegionError::NotCompiled(name.to_string()))?;
        let set = RegionSet::parse(name, &rec[1], &rec[3], text, countries)?;
        if set.members.len().to_string() != rec[2] {
            return Err(RegionError::Count {
                region: name.to_string(),
                found: set.members.len(),
                listed: rec[2].to_string(),
            });
        }
        out.push(set);
    }
    Ok(out)
}

/// A name people use for a region, and every set it can mean.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Alias {
    /// The name, normalised (see [`normalise`]).
    pub alias: String,
    /// The sets it can mean, in the order a reader would try them.
    pub regions: Vec<String>,
    /// What the definitions are, in words.
    pub meaning: String,
}

/// The shipped region sets and the names people use for them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Regions {
    pub sets: Vec<RegionSet>,
    pub aliases: Vec<Alias>,
}

/// A region name as compared: lower case, `&` and `/` as "and", hyphens,
/// underscores and dots as spaces, without a leading "the" or a trailing
/// "region" or "area".
pub fn normalise(s: &str) -> String {
    let s = s.to_lowercase().replace(['&', '/'], " and ").replace(['-', '_', '.', '\u{2013}'], " ");
    let mut words: Vec<&str> = s.split_whitespace().collect();
    if words.first() == Some(&"the") {
        words.remove(0);
    }
    while words.len() > 1 && matches!(words.last(), Some(&"region" | &"area")) {
        words.pop();
    }
    words.join(" ")
}

impl Regions {
    /// The shipped sets (`regions.csv`) and aliases (`aliases.csv`); every
    /// alias must name shipped sets.
    pub fn shipped(countries: &Countries) -> Result<Regions, RegionError> {
        let sets = shipped(countries)?;
        let aliases = parse_aliases(ALIASES, &sets)?;
        Ok(Regions { sets, aliases })
    }

    /// The set with this exact name.
    pub fn set(&self, name: &str) -> Option<&RegionSet> {
        self.sets.iter().find(|s| s.name == name)
    }

    /// The sets a region name as said can mean: a set's own name
    /// (`middle_east`, any case), else every set of its alias ("the Middle
    /// East", "West Asia", "MENA"). An unknown name gets the nearest names.
    pub fn resolve(&self, said: &str) -> Result<Vec<&RegionSet>, RegionError> {
        let t = said.trim();
        let lower = t.to_lowercase();
        if let Some(s) = self.set(&lower) {
            return Ok(vec![s]);
        }
        let n = normalise(t);
        if let Some(a) = self.aliases.iter().find(|a| a.alias == n) {
            return Ok(a.regions.iter().filter_map(|r| self.set(r)).collect());
        }
        // a set named with spaces for underscores ("un western asia")
        if let Some(s) = self.sets.iter().find(|s| normalise(&s.name) == n) {
            return Ok(vec![s]);
        }
        // a UN or World Bank region by its own name ("Eastern Asia", "Sub-Saharan Africa"): every such set
        let by_name: Vec<&RegionSet> = self
            .sets
            .iter()
            .filter(|s| {
                let name = normalise(&s.name);
                name.strip_prefix("un ").or_else(|| name.strip_prefix("wb ")).is_some_and(|rest| rest == n)
            })
            .collect();
        if !by_name.is_empty() {
            return Ok(by_name);
        }
        Err(RegionError::Unknown { said: said.to_string(), nearest: self.nearest(t) })
    }

    /// "; nearest: …" with up to three names near `said`, or nothing.
    pub fn nearest(&self, said: &str) -> String {
        let n = normalise(said);
        let mut names: Vec<(usize, String)> = self
            .aliases
            .iter()
            .map(|a| a.alias.clone())
            .chain(self.sets.iter().map(|s| s.name.clone()))
            .map(|name| {
                let d = digindex_data::edit_distance(&n, &normalise(&name));
                // a name containing what was said is near whatever its length
                let d = if n.len() >= 3 && normalise(&name).contains(&n) { d.min(2) } else { d };
                (d, name)
            })
            .filter(|(d, name)| *d <= 2.max(name.len() / 3))
            .collect();
        names.sort();
        names.dedup_by(|a, b| a.1 == b.1);
        if names.is_empty() {
            "; `digindex check --list` lists the region names".into()
        } else {
            let list: Vec<String> = names.iter().take(3).map(|(_, n)| format!("{n:?}")).collect();
            format!("; nearest: {} (`digindex check --list` lists them all)", list.join(", "))
        }
    }

    /// The sets a country belongs to.
    pub fn of(&self, iso3: &str) -> Vec<&RegionSet> {
        self.sets.iter().filter(|s| s.contains(iso3)).collect()
    }
}

/// Parses `aliases.csv` (`alias,regions,meaning`, regions separated by spaces).
pub fn parse_aliases(text: &str, sets: &[RegionSet]) -> Result<Vec<Alias>, RegionError> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut out: Vec<Alias> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|error| RegionError::AliasRecord { line, error })?;
        let bad = |field: &'static str, message: String| Err(RegionError::AliasField { line, field, message });
        let alias = normalise(rec.get(0).unwrap_or_default());
        if alias.is_empty() {
            return bad("alias", "empty".into());
        }
        let regions: Vec<String> = rec.get(1).unwrap_or_default().split_whitespace().map(str::to_string).collect();
        if regions.is_empty() {
            return bad("regions", "expected set names separated by spaces".into());
        }
        if let Some(r) = regions.iter().find(|r| !sets.iter().any(|s| &s.name == *r)) {
            return bad("regions", format!("{r:?} is not a set in regions.csv"));
        }
        if out.iter().any(|a| a.alias == alias) {
            return bad("alias", format!("{alias:?} is given twice"));
        }
        out.push(Alias { alias, regions, meaning: rec.get(2).unwrap_or_default().to_string() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sets_and_counts() {
        let c = Countries::shipped();
        let sets = shipped(c).expect("all sets load");
        assert_eq!(sets.len(), FILES.len());
        let get = |n: &str| sets.iter().find(|s| s.name == n).expect("set");
        assert_eq!(get("apt").members.len(), 38);
        assert_eq!(get("apt_all").members.len(), 42);
        assert_eq!(get("middle_east").members.len(), 16);
        assert_eq!(get("persian_gulf").members.len(), 8);
        assert_eq!(get("gcc").members.len(), 6);
        assert_eq!(get("asean").members.len(), 10);
        assert_eq!(get("saarc").members.len(), 8);
        assert!(get("apt").contains("IRN") && !get("apt").contains("TLS"));
        assert!(get("apt_all").contains("HKG") && !get("apt").contains("HKG"));
        assert_eq!(get("wb_high_income").members.len(), 86);
        let m = RegionSet::parse("mine", "Mine", "me", "iso3\nIran\nKOR\n", c).expect("names resolve");
        assert_eq!(m.members, ["IRN", "KOR"]);
        let e = RegionSet::parse("bad", "", "", "iso3\nWorld\n", c).unwrap_err().to_string();
        assert_eq!(e, "region bad, line 2: \"World\" is an aggregate, not a country");
        assert_eq!(get("ncses_middle_east").members.len(), 17);
        assert_eq!(get("escap").members.len(), 53);
        assert_eq!(get("escap_asia_pacific").members.len(), 49);
        assert_eq!(get("oic").members.len(), 57);
        assert_eq!(get("eco").members.len(), 10);
    }

    #[test]
    fn names_as_people_say_them() {
        let c = Countries::shipped();
        let r = Regions::shipped(c).expect("loads");
        let names =
            |s: &str| -> Vec<String> { r.resolve(s).expect("resolves").iter().map(|s| s.name.clone()).collect() };
        assert_eq!(names("middle_east"), ["middle_east"]);
        assert_eq!(names("MIDDLE_EAST"), ["middle_east"]);
        assert_eq!(names("the Middle East").len(), 4);
        assert_eq!(names("West Asia"), ["un_western_asia"]);
        assert_eq!(names("Western Asia region"), ["un_western_asia"]);
        assert_eq!(names("Asia-Pacific"), ["apt", "escap_asia_pacific"]);
        assert_eq!(names("the Gulf"), ["persian_gulf", "gcc"]);
        assert_eq!(names("MENA"), ["wb_middle_east_north_africa_afghanistan_and_pakistan"]);
        assert_eq!(names("Middle East/North Africa"), names("MENA"));
        assert_eq!(names("South-West Asia"), ["escap_south_and_south_west_asia"]);
        assert_eq!(names("un southern asia"), ["un_southern_asia"]);
        assert_eq!(names("Eastern Asia"), ["un_eastern_asia"]);
        assert_eq!(names("Western Europe"), ["un_western_europe"]);
        let e = r.resolve("Midle East").unwrap_err().to_string();
        assert!(e.contains("nearest: \"middle east\""), "{e}");
        assert!(r.of("IRN").iter().any(|s| s.name == "eco"));
        // a bad alias file names its line and field
        let e = parse_aliases("alias,regions,meaning\nx,nowhere,\n", &r.sets).unwrap_err().to_string();
        assert_eq!(e, "aliases.csv, line 2: field regions: \"nowhere\" is not a set in regions.csv");
    }
}
