//! The shipped data in `data/`: every catalogue indicator imports, every
//! country key of every shipped source resolves (or is a known aggregate),
//! and values match the raw source files.

use std::path::{Path, PathBuf};

use digindex_sources::catalog::Catalog;
use digindex_sources::countries::Countries;

fn catalog() -> Catalog {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/catalog.toml");
    Catalog::read(&p, Countries::shipped()).expect("catalogue")
}

#[test]
fn every_indicator_imports_with_zero_unresolved_names() {
    let c = Countries::shipped();
    let cat = catalog();
    let all = cat.load_all(c).expect("every shipped file imports; any unknown country name fails the import");
    assert_eq!(all.len(), cat.indicators.len());
    for s in &all {
        assert!(!s.observations.is_empty(), "{} has no observations", s.indicator.code);
    }
    let get = |code: &str| all.iter().find(|s| s.indicator.code == code).expect(code);
    let at = |code: &str, unit: &str, year: i32| {
        get(code).observations.iter().find(|o| o.unit == unit && o.year == year).map(|o| o.value)
    };
    // values as in the raw files (copied from them)
    assert_eq!(at("internet_users", "DEU", 2015), Some(87.5898));
    assert_eq!(at("cell_phones_per_100_people", "USA", 2020), Some(103.855));
    assert_eq!(at("it_net_secr_p6", "DEU", 2015), Some(4297.92589));
    assert_eq!(at("fx_own_totl_zs", "KEN", 2024), Some(90.11992));
    assert_eq!(at("github_developers", "JPN", 2025), None, "2025 has no fourth quarter yet");
    assert_eq!(at("github_developers", "USA", 2020), Some(11660333.0), "the fourth quarter's value");
    assert_eq!(at("github_developers", "NAM", 2024), Some(14035.0), "NA is Namibia, not missing");
    assert_eq!(at("ncses_ai_articles_whole", "CHN", 2022), Some(42524.0));
    assert_eq!(at("ncses_ai_articles_whole", "IND", 2022), Some(22557.0));
    assert_eq!(at("ncses_top1pct_cited_share_index_all_fields_whole", "USA", 2020), Some(1.66));
    assert_eq!(at("hdr_hdi", "JPN", 2022), Some(0.92));
    assert_eq!(at("hdr_hdi", "IND", 1990), Some(0.434));
    assert_eq!(at("hdr_co2_prod", "KOR", 2022), Some(11.88642384));
    assert_eq!(at("owid_rd_spending", "KOR", 2015), Some(3.9782));
    assert_eq!(at("sdg_4g_coverage", "DEU", 2021), Some(99.83));
    assert_eq!(at("sdg_3g_coverage", "IND", 2021), Some(98.82));
    assert_eq!(at("egov_egdi", "KEN", 2010), Some(0.33384));
    assert_eq!(at("egov_egdi", "BRA", 2016), Some(0.63769));
    assert_eq!(at("egov_egdi", "DNK", 2018), Some(0.915));
    assert_eq!(at("egov_egdi_2024", "KEN", 2024), Some(0.6314), "joined by name (\"Kenya \")");
    assert_eq!(at("gci_2020", "USA", 2020), Some(100.0));
    assert_eq!(at("gci_2024", "KEN", 2024), Some(98.59));
    assert_eq!(at("gci_2018", "DEU", 2018), Some(0.849));
    // Swaziland and Eswatini are one unit; their rows hold different editions
    assert!(at("gci_2024", "SWZ", 2024).is_some() || at("gci_2018", "SWZ", 2018).is_some());
    // every row is either an observation or a skipped non-country row
    let rows = |file: &str| {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data").join(file);
        std::fs::read_to_string(p).expect("file").lines().filter(|l| !l.trim().is_empty()).count() - 1
    };
    for (code, file) in [
        ("internet_users", "gapminder/datapoints/internet_users.csv"),
        ("it_net_secr_p6", "wdi/it_net_secr_p6.csv"),
        ("sdg_4g_coverage", "sdg/sdg_it_mob_4gntwk.csv"),
        ("owid_rd_spending", "owid/research-spending-gdp.csv"),
    ] {
        let s = get(code);
        let excluded = s.corrections.iter().filter(|a| a.after.is_none()).count();
        assert_eq!(s.observations.len() + s.skipped.values().sum::<usize>() + excluded, rows(file), "{code}");
    }
    assert_eq!(get("internet_users").observations.len() + get("internet_users").skipped.values().sum::<usize>(), 6024);
    // row counts: the GitHub developers file has 5,197 quarter rows; kept = Q4 of 2020-2024 per economy
    let ncses = get("ncses_ai_articles_whole");
    assert!(ncses.skipped.contains_key("World") && ncses.skipped.contains_key("EU-27 and UK"));
    // NCSES special values are flags, not numbers
    let flagged = get("ncses_top1pct_cited_share_index_all_fields_whole")
        .observations
        .iter()
        .filter(|o| o.flag.is_some())
        .count();
    assert!(flagged > 0);
    assert!(
        get("ncses_top1pct_cited_share_index_all_fields_whole")
            .observations
            .iter()
            .filter(|o| o.flag.is_some())
            .all(|o| o.value.is_nan())
    );
    // the UK is one unit whatever the spelling
    assert!(at("ncses_ai_articles_whole", "GBR", 2022).is_some());
    // Palestine from its two territories ("Gaza Stripe" 12 + "West Banke" 35), for counts only
    assert_eq!(at("ncses_ai_articles_whole", "PSE", 2022), Some(47.0));
    assert!(at("ncses_top1pct_cited_share_index_all_fields_whole", "PSE", 2020).is_none());
    // Kosovo from Gapminder's `kos`, which its geo table gives no ISO3 code
    assert!(at("internet_users", "XKX", 2018).is_some());
    // GitHub: an economy without a row is below the threshold of 100, not missing
    let tuv = get("github_developers").observations.iter().find(|o| o.unit == "TUV" && o.year == 2024).cloned();
    assert!(tuv.as_ref().is_some_and(|o| o.is_censored() && o.value.is_nan()), "{tuv:?}");
    let irn =
        get("github_topic_machine_learning").observations.iter().find(|o| o.unit == "IRN" && o.year == 2023).cloned();
    let irn = irn.expect("Iran 2023");
    let c = irn.censored.expect("two of four quarters published");
    assert_eq!((c.published, c.parts, irn.value), (2, 4, (109.0 + 123.0 + 50.0 + 50.0) / 4.0));
    // corrections: source errors gone, each with its reason, the source value kept
    assert_eq!(at("co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp", "NRU", 2024), None);
    assert_eq!(at("gci_2024", "PLW", 2024), None);
    let spike =
        get("high_technology_exports_percent_of_manufactured_exports").correction("WSM", 2024).expect("applied");
    assert_eq!((spike.before, spike.after), (76.67006, None));
    assert!(
        get("co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp")
            .uncorrected()
            .iter()
            .any(|o| o.unit == "NRU" && o.year == 2024 && o.value == 0.0)
    );
}

/// The data-quality audit on the real series finds the source errors the
/// corrections answer, each with the rule that caught it, and reports no
/// finding on a clean, smooth series.
#[test]
fn the_audit_finds_the_known_source_errors() {
    let c = Countries::shipped();
    let cat = catalog();
    let codes = [
        "co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp",
        "high_technology_exports_percent_of_manufactured_exports",
        "sdg_4g_coverage",
        "hdr_le",
    ];
    let list: Vec<_> = codes.iter().map(|code| cat.indicator(code).expect("in the catalogue")).collect();
    let all = cat.load_some(&list, c).expect("imports");
    let findings: Vec<_> = all.iter().flat_map(|s| digindex_sources::quality::audit(s, &cat.quality, None)).collect();
    let caught = |unit: &str, code: &str, year: i32, rule: &str| {
        findings
            .iter()
            .find(|f| f.unit == unit && f.indicator.starts_with(code) && f.year == year && f.rule.name() == rule)
    };
    for (unit, code, year, rule) in [
        ("NRU", "co2_intensity", 2024, "zero"),
        ("TUV", "co2_intensity", 2023, "zero"),
        ("MHL", "co2_intensity", 2024, "zero"),
        ("FSM", "co2_intensity", 2024, "zero"),
        ("PLW", "co2_intensity", 2023, "outlier"),
        ("WSM", "high_technology", 2024, "jump"),
        ("TON", "high_technology", 2023, "jump"),
        ("MDV", "high_technology", 2024, "outlier"),
        ("NRU", "sdg_4g", 2021, "stale"),
        ("TUV", "sdg_4g", 2021, "stale"),
        ("PRK", "sdg_4g", 2021, "stale"),
    ] {
        let f = caught(unit, code, year, rule).unwrap_or_else(|| panic!("{unit} {code} {year} {rule} not found"));
        assert!(f.corrected.is_some(), "{unit} {code}: the correction answers the finding");
    }
    // saturation is no stale estimate; life expectancy (a smooth series) has no finding in recent years for Japan
    assert!(caught("SGP", "sdg_4g", 2021, "stale").is_none());
    assert!(findings.iter().all(|f| !(f.unit == "JPN" && f.indicator == "hdr_le")));
}

/// No input makes an importer panic: every shipped indicator's files (the
/// first 400 lines), cut, with bytes flipped, dropped, doubled or replaced
/// by delimiters and quotes, import or fail with an error.
#[test]
fn mutated_source_files_import_or_fail_never_panic() {
    let c = Countries::shipped();
    let cat = catalog();
    // xorshift: the same mutations every run
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    let noise = b",;\"\n\r\t -.eE0x\xc3\xff";
    let (mut ok, mut failed) = (0, 0);
    for round in 0..3 {
        for i in &cat.indicators {
            let mut files = std::collections::BTreeMap::new();
            for p in cat.files_of(i) {
                let bytes = std::fs::read(&p).expect("shipped file");
                let head: Vec<u8> = bytes.split_inclusive(|b| *b == b'\n').take(400).flatten().copied().collect();
                let mut m = head;
                for _ in 0..1 + round * 3 + next(4) {
                    let at = next(m.len());
                    match next(5) {
                        0 => m.truncate(at.max(m.len() / 2)),
                        1 => {
                            let bit = 1 << next(8);
                            if let Some(b) = m.get_mut(at) {
                                *b ^= bit;
                            }
                        }
                        2 => drop(m.drain(at..(at + 1 + next(30)).min(m.len()))),
                        3 => {
                            let piece = m[at..(at + 1 + next(50)).min(m.len())].to_vec();
                            m.splice(at..at, piece);
                        }
                        _ => {
                            let b = noise[next(noise.len())];
                            if let Some(x) = m.get_mut(at) {
                                *x = b;
                            }
                        }
                    }
                }
                files.insert(p, m);
            }
            match cat.load_some_from(&[i], c, files) {
                Ok(_) => ok += 1,
                Err(e) => {
                    // errors name the file
                    assert!(e.to_string().contains('/'), "{}: {e}", i.code);
                    failed += 1;
                }
            }
        }
    }
    assert!(ok > 0 && failed > 0, "{ok} imported, {failed} failed");
}
