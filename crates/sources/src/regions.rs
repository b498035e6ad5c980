//! Named region sets, shipped in `data/regions/` (one `NAME.csv` of ISO3
//! codes per set, described in `regions.csv` with a title, a member count
//! and a source). Users add their own sets the same way (see
//! [`RegionSet::parse`]).

use crate::countries::Countries;

const INDEX: &str = include_str!("../../../data/regions/regions.csv");

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
    ) -> Result<RegionSet, String> {
        let mut members = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let t = line.trim().trim_matches('"');
            if t.is_empty() {
                continue;
            }
            let c = countries.country(t).map_err(|e| format!("region {name}, line {}: {e}", i + 1))?;
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
pub fn shipped(countries: &Countries) -> Result<Vec<RegionSet>, String> {
    let mut rdr = csv::Reader::from_reader(INDEX.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("regions.csv: {e}"))?;
        let name = &rec[0];
        let text = FILES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .ok_or_else(|| format!("regions.csv lists {name} but no {name}.csv is compiled in"))?;
        let set = RegionSet::parse(name, &rec[1], &rec[3], text, countries)?;
        if set.members.len().to_string() != rec[2] {
            return Err(format!("region {name}: {} members, regions.csv says {}", set.members.len(), &rec[2]));
        }
        out.push(set);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_sets_and_counts() {
        let c = Countries::shipped();
        let sets = shipped(&c).expect("all sets load");
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
        let m = RegionSet::parse("mine", "Mine", "me", "iso3\nIran\nKOR\n", &c).expect("names resolve");
        assert_eq!(m.members, ["IRN", "KOR"]);
        assert!(RegionSet::parse("bad", "", "", "iso3\nWorld\n", &c).unwrap_err().contains("aggregate"));
    }
}
