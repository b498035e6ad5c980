//! Countries: one key (ISO 3166-1 alpha-3) for every spelling the sources use.
//!
//! [`Countries::resolve`] takes what a source writes — an alpha-3 code in
//! any case (`IRN`, `irn`), an alpha-2 code (`IR`), an ISO numeric code
//! (`364`, `004`), or a name ("Iran, Islamic Rep.", "Iran (Islamic
//! Republic of)", "South Korea", "Burma", "Türkiye"…) — and returns the
//! country, or says it is an aggregate (World, EU, income groups, regions),
//! or fails with the nearest known names. Names are matched after folding
//! case, accents and punctuation, first against an alias table (ISO, UN,
//! World Bank, CLDR and countrycode names plus curated spellings), then
//! against countrycode's English regular expressions; a name two countries'
//! patterns both match is reported as ambiguous, never guessed.
//!
//! The tables are shipped in `data/reference/` (made by
//! `tools/make_reference.py`) and compiled in.

use std::collections::HashMap;

use fancy_regex::Regex;
use unicode_normalization::UnicodeNormalization;

const COUNTRIES: &str = include_str!("../../../data/reference/countries.csv");
const ALIASES: &str = include_str!("../../../data/reference/country_aliases.csv");
const REGEXES: &str = include_str!("../../../data/reference/country_regex.csv");
const AGGREGATES: &str = include_str!("../../../data/reference/aggregates.csv");
const PARTS: &str = include_str!("../../../data/reference/country_parts.csv");

/// One country (or economy with a code of its own, such as Kosovo `XKX`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Country {
    pub iso3: String,
    pub iso2: String,
    pub numeric: Option<u16>,
    pub name: String,
    pub un_region: String,
    pub un_subregion: String,
    pub un_intermediate_region: String,
    pub wb_region: String,
    pub wb_income: String,
}

/// What a spelling refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    Country(&'a Country),
    /// An aggregate (its code where it has one, and its name).
    Aggregate {
        code: String,
        name: String,
    },
    /// A part of a country that a source reports on its own (the Gaza
    /// Strip and the West Bank of Palestine): `name` as the source spells it.
    Part {
        whole: &'a Country,
        name: String,
    },
}

/// A spelling that names no country: empty, unknown, ambiguous, or (asked
/// for a country) an aggregate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CountryError {
    #[error("empty country name")]
    Empty,
    /// Two countries' name patterns both match.
    #[error("{said:?} matches both {first} and {second}; write a code or a fuller name")]
    Ambiguous { said: String, first: String, second: String },
    /// No code, name or pattern matches; `nearest` lists the nearest names.
    #[error("unknown country {said:?}; nearest known names: {nearest}")]
    Unknown { said: String, nearest: String },
    /// A country was asked for and the spelling names an aggregate (or a
    /// part of a country).
    #[error("{0:?} is an aggregate, not a country")]
    Aggregate(String),
}

/// The country registry.
pub struct Countries {
    /// Answers already given, by input text (resolving by pattern is slow).
    memo: std::sync::Mutex<HashMap<String, Result<Option<usize>, CountryError>>>,
    list: Vec<Country>,
    by_code: HashMap<String, usize>,
    aliases: HashMap<String, usize>,
    /// The name patterns, compiled when a name first needs them (most
    /// runs resolve codes and known spellings only, and compiling ~250
    /// patterns took 80 ms of every start-up).
    patterns: std::sync::LazyLock<Patterns, Box<dyn FnOnce() -> Patterns + Send>>,
    aggregates: HashMap<String, (String, String)>,
    /// Folded spelling of a part → (its country, the part it names).
    parts: HashMap<String, (usize, String)>,
}

/// Folds a name for matching: accents removed, lower case, punctuation
/// (`,.()'-&`) to spaces, runs of spaces collapsed (`&` becomes "and").
pub fn fold(s: &str) -> String {
    let ascii: String = s.nfkd().filter(|c| c.is_ascii()).collect();
    let spaced = ascii.to_lowercase().replace('&', " and ");
    let cleaned: String =
        spaced.chars().map(|c| if ",.()-".contains(c) { ' ' } else { c }).filter(|c| *c != '\'').collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn table(text: &str) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    r.records().filter_map(Result::ok).collect()
}

/// The name patterns of the registry.
struct Patterns {
    /// Patterns the `regex` crate compiles, matched in one pass.
    set: regex::RegexSet,
    set_units: Vec<usize>,
    /// Patterns with look-around (fancy-regex), tried one by one.
    fancy: Vec<(Regex, usize)>,
}

impl Patterns {
    /// Compiles the (unit index, pattern) pairs.
    fn compile(patterns: Vec<(usize, String)>) -> Patterns {
        let (mut plain, mut set_units, mut fancy) = (Vec::new(), Vec::new(), Vec::new());
        for (i, pattern) in patterns {
            // the `regex` crate has no look-around
            if ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|l| pattern.contains(l)) {
                if let Ok(re) = Regex::new(&pattern) {
                    fancy.push((re, i));
                }
            } else {
                plain.push(pattern);
                set_units.push(i);
            }
        }
        let set = match regex::RegexSet::new(&plain) {
            Ok(set) => set,
            // a pattern the `regex` crate refuses for another reason (a
            // back-reference): that one goes to fancy-regex, not the whole set
            Err(_) => {
                let (mut kept, mut units) = (Vec::new(), Vec::new());
                for (pattern, i) in plain.into_iter().zip(set_units) {
                    if regex::Regex::new(&pattern).is_ok() {
                        kept.push(pattern);
                        units.push(i);
                    } else if let Ok(re) = Regex::new(&pattern) {
                        fancy.push((re, i));
                    }
                }
                set_units = units;
                regex::RegexSet::new(&kept).unwrap_or_else(|_| regex::RegexSet::empty())
            }
        };
        Patterns { set, set_units, fancy }
    }
}

impl Countries {
    /// The shipped registry, built once per process and shared (its tables
    /// are read at once, its name patterns compiled when first needed).
    pub fn shipped() -> &'static Countries {
        static SHIPPED: std::sync::LazyLock<Countries> = std::sync::LazyLock::new(Countries::build);
        &SHIPPED
    }

    /// Builds the registry from the shipped tables.
    fn build() -> Countries {
        let mut list = Vec::new();
        for r in table(COUNTRIES) {
            list.push(Country {
                iso3: r[0].to_string(),
                iso2: r[1].to_string(),
                numeric: r[2].parse().ok(),
                name: r[3].to_string(),
                un_region: r[4].to_string(),
                un_subregion: r[5].to_string(),
                un_intermediate_region: r[6].to_string(),
                wb_region: r[7].to_string(),
                wb_income: r[8].to_string(),
            });
        }
        let mut by_code = HashMap::new();
        for (i, c) in list.iter().enumerate() {
            by_code.insert(c.iso3.clone(), i);
        }
        let idx = |code: &str| by_code.get(code).copied();
        let mut aliases = HashMap::new();
        for r in table(ALIASES) {
            if let Some(i) = idx(&r[1]) {
                aliases.insert(fold(&r[0]), i);
            }
        }
        for (i, c) in list.iter().enumerate() {
            aliases.insert(fold(&c.name), i);
        }
        let patterns: Vec<(usize, String)> =
            table(REGEXES).iter().filter_map(|r| Some((idx(&r[0])?, format!("(?i){}", &r[1])))).collect();
        let mut aggregates = HashMap::new();
        for r in table(AGGREGATES) {
            aggregates.insert(fold(&r[1]), (r[0].to_string(), r[1].to_string()));
            if !r[0].is_empty() && idx(&r[0]).is_none() {
                aggregates.insert(r[0].to_lowercase(), (r[0].to_string(), r[1].to_string()));
            }
        }
        let mut parts = HashMap::new();
        for r in table(PARTS) {
            if let Some(i) = idx(&r[2]) {
                parts.insert(fold(&r[0]), (i, r[1].to_string()));
            }
        }
        Countries {
            parts,
            memo: std::sync::Mutex::new(HashMap::new()),
            list,
            by_code,
            aliases,
            patterns: std::sync::LazyLock::new(Box::new(move || Patterns::compile(patterns))),
            aggregates,
        }
    }

    pub fn all(&self) -> &[Country] {
        &self.list
    }

    /// A country by its alpha-3 code (upper case).
    pub fn get(&self, iso3: &str) -> Option<&Country> {
        self.by_code.get(iso3).map(|&i| &self.list[i])
    }

    /// Resolves a code or name as the sources write it.
    pub fn resolve(&self, s: &str) -> Result<Resolved<'_>, CountryError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(CountryError::Empty);
        }
        let up = t.to_uppercase();
        // codes
        if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
            if let Some(c) = self.get(&up) {
                return Ok(Resolved::Country(c));
            }
        }
        if t.len() == 2 && t.chars().all(|c| c.is_ascii_uppercase()) {
            if let Some(c) = self.list.iter().find(|c| c.iso2 == t) {
                return Ok(Resolved::Country(c));
            }
        }
        if t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 3 {
            if let Ok(n) = t.parse::<u16>() {
                if let Some(c) = self.list.iter().find(|c| c.numeric == Some(n)) {
                    return Ok(Resolved::Country(c));
                }
            }
        }
        let f = fold(t);
        if let Some((i, part)) = self.parts.get(&f) {
            return Ok(Resolved::Part { whole: &self.list[*i], name: part.clone() });
        }
        if let Some((code, name)) = self.aggregates.get(&f).or_else(|| self.aggregates.get(&t.to_lowercase())) {
            return Ok(Resolved::Aggregate { code: code.clone(), name: name.clone() });
        }
        if let Some(&i) = self.aliases.get(&f) {
            return Ok(Resolved::Country(&self.list[i]));
        }
        // the name as a pattern match; two different countries = ambiguous
        let mut hit: Option<usize> = None;
        let p = &*self.patterns;
        let set_hits = p.set.matches(t).into_iter().map(|k| p.set_units[k]);
        let fancy_hits = p.fancy.iter().filter(|(re, _)| re.is_match(t).unwrap_or(false)).map(|(_, i)| *i);
        for i in set_hits.chain(fancy_hits) {
            {
                match hit {
                    Some(h) if h != i => {
                        return Err(CountryError::Ambiguous {
                            said: t.to_string(),
                            first: self.list[h].name.clone(),
                            second: self.list[i].name.clone(),
                        });
                    }
                    _ => hit = Some(i),
                }
            }
        }
        if let Some(i) = hit {
            return Ok(Resolved::Country(&self.list[i]));
        }
        let mut near: Vec<(usize, &str)> =
            self.list.iter().map(|c| (digindex_data::edit_distance(&f, &fold(&c.name)), c.name.as_str())).collect();
        near.sort();
        Err(CountryError::Unknown {
            said: t.to_string(),
            nearest: near.iter().take(3).map(|(_, n)| *n).collect::<Vec<_>>().join(", "),
        })
    }

    /// Resolves to the alpha-3 code of a country; an aggregate is an error.
    pub fn country(&self, s: &str) -> Result<&str, CountryError> {
        self.iso3(s)?.ok_or_else(|| CountryError::Aggregate(s.to_string()))
    }

    /// A country by its code or an exact (folded) name or alias only, never
    /// by pattern: for keys that must not be guessed (`kos` is Kosovo, but
    /// `korea_union` is not South Korea).
    pub fn exact(&self, s: &str) -> Option<&Country> {
        let t = s.trim();
        if let Some(c) = self.get(&t.to_uppercase()).filter(|_| t.len() == 3) {
            return Some(c);
        }
        self.aliases.get(&fold(t)).map(|&i| &self.list[i])
    }

    /// The country a spelling names a part of, and the part (`"Gaza
    /// Stripe"` → Palestine, "Gaza Strip").
    pub fn part_of(&self, s: &str) -> Option<(&Country, &str)> {
        self.parts.get(&fold(s)).map(|(i, p)| (&self.list[*i], p.as_str()))
    }

    /// Every part of a country that sources report separately, once each.
    pub fn parts_of(&self, iso3: &str) -> Vec<&str> {
        let mut v: Vec<&str> =
            self.parts.values().filter(|(i, _)| self.list[*i].iso3 == iso3).map(|(_, p)| p.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Resolves to an alpha-3 code, or `None` for an aggregate or a part of
    /// a country (answers are remembered, so repeated names cost a lookup).
    pub fn iso3(&self, s: &str) -> Result<Option<&str>, CountryError> {
        if let Ok(memo) = self.memo.lock() {
            if let Some(r) = memo.get(s) {
                return r.clone().map(|o| o.map(|i| self.list[i].iso3.as_str()));
            }
        }
        let r = match self.resolve(s) {
            Ok(Resolved::Country(c)) => Ok(Some(self.by_code[&c.iso3])),
            Ok(Resolved::Aggregate { .. } | Resolved::Part { .. }) => Ok(None),
            Err(e) => Err(e),
        };
        if let Ok(mut memo) = self.memo.lock() {
            memo.insert(s.to_string(), r.clone());
        }
        r.map(|o| o.map(|i| self.list[i].iso3.as_str()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_split_as_the_regex_crate_would() {
        // every pattern without look-around compiles with the `regex`
        // crate (so one bad pattern cannot empty the whole set), and every
        // one with look-around with fancy-regex
        let patterns: Vec<(usize, String)> =
            table(REGEXES).iter().enumerate().map(|(k, r)| (k, format!("(?i){}", &r[1]))).collect();
        let n = patterns.len();
        for (_, p) in &patterns {
            let look = ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|l| p.contains(l));
            assert_eq!(regex::Regex::new(p).is_ok(), !look, "{p}");
        }
        let compiled = Patterns::compile(patterns);
        assert_eq!(compiled.set.len() + compiled.fancy.len(), n);
        assert!(compiled.set.len() > 200, "{}", compiled.set.len());
        // a back-reference (no look-around, yet not for the `regex` crate)
        // does not empty the set
        let odd = Patterns::compile(vec![(0, "(?i)^iran$".into()), (1, r"(?i)^(a)\1$".into())]);
        assert_eq!((odd.set.len(), odd.fancy.len()), (1, 1));
        assert_eq!(odd.set_units, vec![0]);
    }

    use super::*;

    #[test]
    fn the_registry_is_built_once_per_process() {
        let a = Countries::shipped();
        let b = std::thread::spawn(|| Countries::shipped() as *const Countries as usize).join().expect("thread");
        assert!(std::ptr::eq(a, Countries::shipped()));
        assert_eq!(a as *const Countries as usize, b);
    }

    #[test]
    fn codes_names_and_aliases() {
        let c = Countries::shipped();
        assert!(c.all().len() > 240);
        for s in [
            "IRN",
            "irn",
            "IR",
            "364",
            "Iran",
            "Iran, Islamic Rep.",
            "Iran (Islamic Republic of)",
            "Islamic Republic of Iran",
            "IRAN",
        ] {
            assert_eq!(c.iso3(s), Ok(Some("IRN")), "{s}");
        }
        for (s, want) in [
            ("South Korea", "KOR"),
            ("Korea, Rep.", "KOR"),
            ("Republic of Korea", "KOR"),
            ("Korea, Dem. People's Rep.", "PRK"),
            ("Burma", "MMR"),
            ("Laos", "LAO"),
            ("Lao PDR", "LAO"),
            ("UK", "GBR"),
            ("United Kingdom", "GBR"),
            ("Türkiye", "TUR"),
            ("Turkey", "TUR"),
            ("Turkiye", "TUR"),
            ("Viet Nam", "VNM"),
            ("Hong Kong SAR, China", "HKG"),
            ("Côte d’Ivoire", "CIV"),
            ("Kosovo", "XKX"),
            ("004", "AFG"),
            ("Micronesia, Fed. Sts.", "FSM"),
        ] {
            assert_eq!(c.iso3(s), Ok(Some(want)), "{s}");
        }
    }

    #[test]
    fn aggregates_and_unknowns() {
        let c = Countries::shipped();
        for s in ["World", "European Union", "EU-27", "High income", "East Asia & Pacific", "WLD"] {
            assert!(matches!(c.resolve(s), Ok(Resolved::Aggregate { .. })), "{s}: {:?}", c.resolve(s));
        }
        // parts of a country are neither the country nor an aggregate
        for s in ["Gaza Strip", "Gaza Stripe", "West Bank", "West Banke", "gaza strip"] {
            assert!(matches!(c.resolve(s), Ok(Resolved::Part { whole, .. }) if whole.iso3 == "PSE"), "{s}");
            assert_eq!(c.iso3(s), Ok(None), "{s}");
            assert_eq!(c.part_of(s).map(|(w, _)| w.iso3.as_str()), Some("PSE"));
        }
        assert_eq!(c.iso3("West Bank and Gaza"), Ok(Some("PSE")));
        assert_eq!(c.part_of("Gaza Stripe").map(|(_, p)| p), Some("Gaza Strip"));
        assert_eq!(c.parts_of("PSE"), ["Gaza Strip", "West Bank"]);
        let e = c.resolve("Atlantis").unwrap_err().to_string();
        assert!(e.contains("unknown country \"Atlantis\"; nearest known names:"), "{e}");
        assert!(c.resolve("").is_err());
    }
}
