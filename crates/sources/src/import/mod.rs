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
//!
//! The parts: `entry` (what a catalogue entry says to read: [`Format`],
//! [`Selector`]), `annual` (quarters to years: [`Annual`]), `collect` (keys resolved,
//! unit-years checked, parts of countries summed), `cells` (years, numbers
//! and units read from cells), and one file per family of formats: `long`
//! (a row per unit and year), `wide` (a column per year), `editions` (a
//! table per edition or survey year) and `github` (quarterly files).

mod annual;
mod cells;
mod collect;
mod editions;
mod entry;
mod github;
mod long;
mod wide;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use digindex_data::Observation;
use digindex_input::InputError;
use digindex_input::table::Table;

pub use annual::Annual;
pub(crate) use cells::show;
pub(crate) use entry::unknown_word;
pub use entry::{Format, Selector};

use crate::countries::Countries;
use collect::{Collector, Keys};

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

/// Imports one file with the given selector (and, for `ddf`, an optional
/// geo id map).
pub fn import(
    path: &Path,
    bytes: &[u8],
    sel: &Selector,
    countries: &Countries,
    geo: Option<&GeoMap>,
) -> Result<Imported, InputError> {
    let t = parse(path, bytes, sel.format)?;
    import_table(&t, sel, countries, geo)
}

/// Parses a file as the format needs (the GCI table is read by position).
pub fn parse<'p>(path: &'p Path, bytes: &[u8], format: Format) -> Result<Table<'p>, InputError> {
    parse_for(path, bytes, format, &[])
}

/// [`parse`] for the indicators `selects` (their `select` values): of a
/// file that holds many indicators in rows (`ncses`), only their rows are
/// kept. An empty list keeps every row.
pub fn parse_for<'p>(
    path: &'p Path,
    bytes: &[u8],
    format: Format,
    selects: &[String],
) -> Result<Table<'p>, InputError> {
    match format {
        Format::Gci => Table::parse_positional(path, bytes),
        Format::Ncses if !selects.is_empty() => Table::parse_keeping(path, bytes, "indicator", selects),
        _ => Table::parse(path, bytes),
    }
}

/// Imports from an already parsed table (a file read once for several indicators).
pub fn import_table(
    t: &Table<'_>,
    sel: &Selector,
    countries: &Countries,
    geo: Option<&GeoMap>,
) -> Result<Imported, InputError> {
    let mut keys = Keys::new(countries);
    let mut c = Collector::new(sel);
    let k = &mut keys;
    match sel.format {
        Format::Ddf => long::ddf(t, sel, countries, k, &mut c, geo)?,
        Format::Owid => long::owid(t, sel, k, &mut c)?,
        Format::Sdg => long::sdg(t, sel, countries, &mut c)?,
        Format::Hdr => wide::hdr(t, sel, k, &mut c)?,
        Format::Ncses => long::ncses(t, sel, k, &mut c)?,
        Format::Github => github::github(t, sel, countries, k, &mut c)?,
        Format::Long => long::long(t, sel, k, &mut c)?,
        Format::GithubCollab => github::github_collab(t, sel, k, &mut c)?,
        Format::Coinr => editions::coinr(t, sel, k, &mut c)?,
        Format::Egov => editions::egov(t, sel, k, &mut c)?,
        Format::Gci => editions::gci(t, sel, k, &mut c)?,
        Format::Wide => wide::wide(t, k, &mut c)?,
        Format::WdiBulk => wide::wdi_bulk(t, sel, k, &mut c)?,
        Format::Sdmx => long::sdmx(t, sel, k, &mut c)?,
        // a derived indicator reads no file
        Format::Difference | Format::Editions => {
            return Err(InputError::file(
                t.path,
                format!(
                    "unknown format {:?}; known: {}",
                    sel.format.as_str(),
                    Format::ALL.iter().filter(|f| !f.is_derived()).map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    c.finish(t.path, countries)
}

#[cfg(test)]
mod tests {
    use super::cells::year_in_name;
    use super::*;

    fn sel(format: Format) -> Selector {
        Selector { format, ..Default::default() }
    }

    #[test]
    fn ddf_resolves_skips_and_checks_duplicates() {
        let c = Countries::shipped();
        let p = Path::new("x.csv");
        let r =
            import(p, b"geo,time,v\nirn,2020,1.5\nkos,2020,2\nussr,1980,3\n", &sel(Format::Ddf), c, None).expect("ok");
        assert_eq!(r.observations.len(), 2);
        assert_eq!(r.observations[0].unit, "IRN");
        assert_eq!(r.observations[1].unit, "XKX");
        assert_eq!(r.skipped["ussr"], 1);
        let e = import(p, b"geo,time,v\nirn,2020,1.5\nirn,2020,2\n", &sel(Format::Ddf), c, None).unwrap_err();
        assert!(e.to_string().contains("line 3") && e.to_string().contains("second, different value"), "{e}");
        let e = import(p, b"geo,time,v\natlantis,2020,1\n", &sel(Format::Ddf), c, None).unwrap_err();
        assert!(e.to_string().contains("line 2, column \"geo\": unknown country"), "{e}");
    }

    #[test]
    fn generic_and_official_formats() {
        let c = Countries::shipped();
        let p = Path::new("w.csv");
        let r =
            import(p, b"unit,2019,2020\nJapan,1,\nKOR,3,4\nWorld,9,9\n", &sel(Format::Wide), c, None).expect("wide");
        assert_eq!(r.observations.len(), 3);
        assert_eq!(r.skipped["World"], 1);
        let bulk = b"Country Name,Country Code,Indicator Name,Indicator Code,2020,2021\nIran,IRN,Internet,IT.NET.USER.ZS,70,78.6\nWorld,WLD,Internet,IT.NET.USER.ZS,60,63\nIran,IRN,Other,X,1,2\n";
        let mut s = sel(Format::WdiBulk);
        s.select = Some("IT.NET.USER.ZS".into());
        let r = import(p, bulk, &s, c, None).expect("bulk");
        assert_eq!(r.observations.iter().map(|o| o.value).collect::<Vec<_>>(), vec![70.0, 78.6]);
        let sdmx = b"DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\nITU:X,IR,IT_NET_USER,2021,78.6,E\nITU:X,IR,OTHER,2021,1,\nITU:X,JP,IT_NET_USER,2021-Q4,82.9,\n";
        let mut s = sel(Format::Sdmx);
        s.filter = Some("INDICATOR".into());
        s.select = Some("IT_NET_USER".into());
        let r = import(p, sdmx, &s, c, None).expect("sdmx");
        assert_eq!(r.observations[0], Observation { flag: Some("E".into()), ..Observation::new("IRN", 2021, 78.6) });
        assert_eq!(r.observations[1].unit, "JPN");
        assert_eq!(year_in_name(Path::new("data/egdi-2018.csv")), Some(2018));
        assert_eq!(year_in_name(Path::new("EGOV_DATA_2024.csv")), Some(2024));
        let e = import(p, b"unit,2020\nJapan,abc\n", &sel(Format::Wide), c, None).unwrap_err();
        assert!(e.to_string().contains("line 2, column \"2020\": expected a number"), "{e}");
    }

    #[test]
    fn coinr_and_bad_files() {
        let c = Countries::shipped();
        let p = Path::new("iData.csv");
        let mut s = sel(Format::Coinr);
        s.column = Some("LPI".into());
        let r = import(p, b"uName,uCode,Time,LPI\nAustria,AUT,2018,4.1\nAustria,AUT,2019,\n", &s, c, None).expect("ok");
        assert_eq!(r.observations, vec![Observation::new("AUT", 2018, 4.1)]);
        // Latin-1 text, empty files: errors that say what to do
        let e = import(p, b"unit,year,value\nC\xf4te d'Ivoire,2020,1\n", &sel(Format::Long), c, None).unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8; save the file as UTF-8"), "{e}");
        let e = import(p, b"", &sel(Format::Long), c, None).unwrap_err();
        assert!(e.to_string().contains("the file is empty"), "{e}");
        // a byte-order mark is fine
        let r =
            import(p, "\u{feff}unit,year,value\nIRN,2020,1\n".as_bytes(), &sel(Format::Long), c, None).expect("BOM");
        assert_eq!(r.observations.len(), 1);
    }

    #[test]
    fn github_quarters_to_years() {
        let c = Countries::shipped();
        let p = Path::new("g.csv");
        // the file covers 2024 Q1-Q4 and 2025 Q1 only
        let text = b"developers,iso2_code,year,quarter\n10,NA,2024,1\n30,NA,2024,4\n20,NA,2024,2\n40,NA,2024,3\n5,EU,2024,4\n7,US,2025,1\n";
        let mut s = sel(Format::Github);
        let r = import(p, text, &s, c, None).expect("ok");
        // q4: 2024's fourth quarter; 2025 has no Q4 in the file
        assert_eq!(r.observations, vec![Observation::new("NAM", 2024, 30.0)]);
        s.annual = Some(Annual::Mean);
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
        let mut s = sel(Format::Github);
        s.filter = Some("topic".into());
        s.select = Some("machine-learning".into());
        s.annual = Some(Annual::Mean);
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
        let mut s = sel(Format::Ncses);
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
        let r = import(Path::new("d.csv"), text, &sel(Format::Ddf), c, Some(&geo)).expect("ok");
        assert_eq!(r.observations.iter().map(|o| o.unit.as_str()).collect::<Vec<_>>(), ["IRN", "XKX"]);
        // never guessed by pattern: a former union and a part are not countries
        for k in ["abkh", "korea_union", "pse_west_bank"] {
            assert_eq!(r.skipped[k], 1, "{k}");
        }
    }
}
