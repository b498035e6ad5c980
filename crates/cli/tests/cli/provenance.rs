//! Credible numbers end to end: a catalogue spec built by the binary on a
//! small catalogue written here, where every value's path is known, gives
//! each cell the flag, year and detail it must have in `provenance.csv`;
//! screening counts observed data only; `digindex data audit` lists what
//! the rules find and the corrections; and the shipped Tokyo index ranks no
//! member below its coverage rule and shows the source errors corrected.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::util::{digindex_in, ok, root};

/// CSV rows as maps from header to cell.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header: Vec<String> = r.headers().expect("header").iter().map(String::from).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.expect("row").iter().map(String::from)).collect()).collect()
}

const CATALOG: &str = r#"
corrections = "corrections.toml"

[[dataset]]
id = "t"
title = "test data"
folder = "t"
licence = "CC0"
source = "written by the test"

[[indicator]]
code = "x"
name = "X"
unit = "points"
dataset = "t"
file = "x.csv"
format = "long"

[[indicator]]
code = "g"
name = "G"
unit = "developers (Q4)"
dataset = "t"
file = "g.csv"
format = "github"
annual = "q4"
censored_below = 100
"#;

/// x, reference year 2022, window 2 years, own values back to 6 years:
/// AUS observed; JPN only 2017 (older); KOR 2018 and 2026 (interpolated);
/// NZL 999 replaced by 40 (corrected); SGP 0 excluded, then estimated from
/// the high-income group; AFG excluded with no group big enough (excluded);
/// PRK nothing, its group too small (missing); IND nothing, estimated from
/// the lower-middle-income group (PAK, BGD, VNM).
const X: &str = "unit,year,value\nAUS,2022,10\nJPN,2017,20\nKOR,2018,30\nKOR,2026,70\nNZL,2022,999\nSGP,2022,0\nAFG,2022,5\nPAK,2021,1\nBGD,2022,2\nVNM,2022,3\n";

/// g: published for AUS, JPN, IND and PAK in 2022 Q4; everyone else is below 100.
const G: &str = "developers,iso2_code,year,quarter\n500,AU,2022,4\n400,JP,2022,4\n300,IN,2022,4\n200,PK,2022,4\n";

const CORRECTIONS: &str = r#"
[[correction]]
indicator = "x"
unit = "NZL"
years = 2022
action = "replace"
value = 40
source = "the national office"
reason = "a typing error"

[[correction]]
indicator = "x"
unit = "SGP"
years = 2022
action = "exclude"
reason = "a zero that cannot be"

[[correction]]
indicator = "x"
unit = "AFG"
years = 2022
action = "exclude"
reason = "not comparable"
"#;

const SPEC: &str = r#"
[index]
name = "provenance test"

[data]
catalog = "cat/catalog.toml"
members = ["AUS", "JPN", "KOR", "NZL", "SGP", "AFG", "PRK", "IND", "PAK", "BGD", "VNM"]
time = 2022
rule = "latest"
max_age = 2
fallback_age = 6

[[framework]]
code = "x"
parent = "P"
[[framework]]
code = "g"
parent = "P"
[[framework]]
code = "P"

[impute]
method = "group_mean"
group = "wb_income"

[screen]
min_coverage = 0.5

[normalise]
[aggregate]
"#;

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let cat = dir.path().join("cat");
    fs::create_dir_all(cat.join("t")).expect("dirs");
    fs::write(cat.join("catalog.toml"), CATALOG).expect("catalog");
    fs::write(cat.join("corrections.toml"), CORRECTIONS).expect("corrections");
    fs::write(cat.join("t/x.csv"), X).expect("x");
    fs::write(cat.join("t/g.csv"), G).expect("g");
    fs::write(dir.path().join("spec.toml"), SPEC).expect("spec");
    dir
}

#[test]
fn every_path_of_a_value_is_flagged_in_provenance_csv() {
    let dir = setup();
    ok(&digindex_in(dir.path(), &["build", "spec.toml", "--out", "out", "-q"]));
    let prov = rows(&dir.path().join("out/provenance.csv"));
    let get = |u: &str, c: &str| {
        prov.iter().find(|r| r["unit"] == u && r["code"] == c).unwrap_or_else(|| panic!("{u} {c} in provenance.csv"))
    };
    let flag = |u: &str, c: &str| get(u, c)["flag"].clone();
    // x
    assert_eq!((flag("AUS", "x"), get("AUS", "x")["data_year"].as_str()), ("observed".into(), "2022"));
    assert_eq!((flag("JPN", "x"), get("JPN", "x")["data_year"].as_str()), ("older".into(), "2017"));
    assert!(get("JPN", "x")["detail"].contains("own value 2017, beyond the 2-year window"));
    let kor = get("KOR", "x");
    assert_eq!((kor["flag"].as_str(), kor["value"].as_str(), kor["data_year"].as_str()), ("interpolated", "50", ""));
    assert!(kor["detail"].contains("30 (2018) and 70 (2026)"), "{}", kor["detail"]);
    let nzl = get("NZL", "x");
    assert_eq!((nzl["flag"].as_str(), nzl["value"].as_str()), ("corrected", "40"));
    assert!(nzl["detail"].contains("999 replaced by 40 (the national office): a typing error"), "{}", nzl["detail"]);
    // SGP's excluded zero gives way to the mean of AUS, JPN, KOR and NZL (10, 20, 50, 40)
    let sgp = get("SGP", "x");
    assert_eq!((sgp["flag"].as_str(), sgp["value"].as_str(), sgp["data_year"].as_str()), ("imputed", "30", ""));
    assert!(sgp["detail"].contains("the 2022 value 0 was excluded: a zero that cannot be"), "{}", sgp["detail"]);
    assert!(sgp["detail"].contains("group mean of wb_income = High income, 4 members with data"), "{}", sgp["detail"]);
    // AFG: excluded, and the low-income group (AFG, PRK) has no member with data: nothing takes its place
    assert_eq!((flag("AFG", "x"), get("AFG", "x")["value"].as_str()), ("excluded".into(), ""));
    assert_eq!(flag("PRK", "x"), "missing");
    // IND from three lower-middle-income members (1, 2, 3)
    let ind = get("IND", "x");
    assert_eq!((ind["flag"].as_str(), ind["value"].as_str()), ("imputed", "2"));
    assert!(ind["detail"].contains("Lower middle income, 3 members"), "{}", ind["detail"]);
    // g: published, or below the threshold and ranked below every published value, tied
    assert_eq!(flag("AUS", "g"), "observed");
    for u in ["KOR", "NZL", "SGP", "AFG", "PRK", "BGD", "VNM"] {
        let c = get(u, "g");
        assert_eq!((c["flag"].as_str(), c["value"].as_str()), ("censored", "50"), "{u}");
        assert!(c["detail"].starts_with("< 100"), "{}", c["detail"]);
    }
    let scores = rows(&dir.path().join("out/scores.csv"));
    let rank = |u: &str| scores.iter().find(|r| r["unit"] == u && r["code"] == "g").map(|r| r["rank"].clone());
    assert_eq!(rank("KOR"), rank("PRK"));
    assert_eq!(rank("KOR").as_deref(), Some("5"));
    // the manifest: the corrections applied, the provenance summary, observed coverage
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out/manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(m["quality"]["corrections"].as_array().map(Vec::len), Some(3));
    assert_eq!(m["provenance"]["flags"]["censored"], 7);
    assert_eq!(m["spec"]["screen"]["on"], "raw");
    assert_eq!(m["spec"]["impute"]["min_group"], 3);
}

#[test]
fn screening_counts_observed_values_not_estimates() {
    let dir = setup();
    // two thirds: units with one own value of two (IND: x estimated, g published) are dropped...
    ok(&digindex_in(dir.path(), &["build", "spec.toml", "--out", "raw", "-q", "--set", "screen.min_coverage=0.75"]));
    let units: Vec<String> = rows(&dir.path().join("raw/scores.csv"))
        .into_iter()
        .filter(|r| r["code"] == "P")
        .map(|r| r["unit"].clone())
        .collect();
    assert!(!units.contains(&"IND".to_string()) && !units.contains(&"SGP".to_string()), "{units:?}");
    assert!(units.contains(&"AUS".to_string()) && units.contains(&"NZL".to_string()), "{units:?}");
    // ...but counted after imputation (COINr's order) they pass
    ok(&digindex_in(
        dir.path(),
        &[
            "build",
            "spec.toml",
            "--out",
            "imp",
            "-q",
            "--set",
            "screen.min_coverage=0.75",
            "--set",
            "screen.on=\"imputed\"",
        ],
    ));
    let units: Vec<String> = rows(&dir.path().join("imp/scores.csv"))
        .into_iter()
        .filter(|r| r["code"] == "P")
        .map(|r| r["unit"].clone())
        .collect();
    assert!(units.contains(&"IND".to_string()) && units.contains(&"SGP".to_string()), "{units:?}");
}

#[test]
fn a_bad_correction_is_an_error_naming_its_line() {
    let dir = setup();
    let cat = dir.path().join("cat/corrections.toml");
    fs::write(
        &cat,
        CORRECTIONS.replace(
            "years = 2022\naction = \"exclude\"\nreason = \"not comparable\"",
            "years = 2019\naction = \"exclude\"\nreason = \"not comparable\"",
        ),
    )
    .expect("write");
    let o = digindex_in(dir.path(), &["build", "spec.toml", "--out", "out", "-q"]);
    assert!(!o.status.success());
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("corrections.toml") && e.contains("line 18") && e.contains("matches no value"), "{e}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn the_data_audit_lists_findings_and_corrections() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("audit.csv");
    let o = digindex_in(
        &root(),
        &[
            "data",
            "audit",
            "--region",
            "apt",
            "--indicator",
            "high_technology_exports_percent_of_manufactured_exports",
            "--indicator",
            "co2_intensity_of_economic_output_kg_co2_per_2021_ppp_of_gdp",
            "--indicator",
            "sdg_4g_coverage",
            "--indicator",
            "gci_2024",
            "--out",
            out.to_str().expect("utf8"),
        ],
    );
    ok(&o);
    let r = rows(&out);
    assert_eq!(
        r.first().map(|x| x.keys().cloned().collect::<Vec<_>>()),
        Some(["detail", "indicator", "rule", "unit", "value", "year"].map(String::from).to_vec())
    );
    let has = |unit: &str, ind: &str, year: &str, rule: &str| {
        r.iter().any(|x| x["unit"] == unit && x["indicator"].starts_with(ind) && x["year"] == year && x["rule"] == rule)
    };
    for (u, i, y, rule) in [
        ("WSM", "high_technology", "2024", "jump"),
        ("TON", "high_technology", "2023", "jump"),
        ("NRU", "co2_intensity", "2024", "zero"),
        ("TUV", "co2_intensity", "2023", "zero"),
        ("MHL", "co2_intensity", "2024", "zero"),
        ("PLW", "co2_intensity", "2023", "outlier"),
        ("NRU", "sdg_4g", "2021", "stale"),
        ("PRK", "sdg_4g", "2021", "stale"),
        ("PLW", "gci_2024", "2024", "correction"),
        ("WSM", "high_technology", "2024", "correction"),
    ] {
        assert!(has(u, i, y, rule), "{u} {i} {y} {rule} not listed");
    }
    // each rule's finding on a corrected value says so
    let spike = r.iter().find(|x| x["unit"] == "WSM" && x["year"] == "2024" && x["rule"] == "jump").expect("spike");
    assert!(spike["detail"].contains("corrected: excluded"), "{}", spike["detail"]);
    // members of other regions are not listed
    assert!(r.iter().all(|x| x["unit"] != "DEU"));
    // an unknown indicator is a clear error
    let o = digindex_in(&root(), &["data", "audit", "--indicator", "internet_user"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean \"internet_users\""));
}

#[test]
fn the_tokyo_index_ranks_no_member_below_its_coverage_rule() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("tokyo");
    ok(&digindex_in(
        &root(),
        &["build", "frameworks/tokyo-statement", "--out", out.to_str().expect("utf8"), "--no-audit", "-q"],
    ));
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("json");
    let min = m["spec"]["screen"]["min_coverage"].as_f64().expect("min_coverage");
    let years: Vec<i64> = m["years"].as_array().expect("years").iter().filter_map(|y| y.as_i64()).collect();
    assert!(years.len() >= 6, "{years:?}");
    for y in &years {
        let prov = rows(&out.join(y.to_string()).join("provenance.csv"));
        // indicators with a value for some member that year (the others are absent)
        let present: std::collections::BTreeSet<&str> =
            prov.iter().filter(|r| r["flag"] != "missing").map(|r| r["code"].as_str()).collect();
        // own data per ranked member, counted from provenance.csv itself
        let mut own: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for r in prov.iter().filter(|r| present.contains(r["code"].as_str())) {
            let e = own.entry(r["unit"].as_str()).or_default();
            e.1 += 1;
            e.0 += usize::from(
                ["observed", "older", "interpolated", "corrected", "censored"].contains(&r["flag"].as_str()),
            );
        }
        assert!(own.len() >= 30, "{y}: {} ranked", own.len());
        for (u, (n, of)) in &own {
            assert!(*n as f64 >= min * *of as f64, "{y} {u}: {n} of {of} own values, below {min}");
        }
        // Nauru, ranked 12th before on imputed values, is not ranked
        assert!(!own.contains_key("NRU"), "{y}");
        // source errors corrected: no zero CO2 intensity among the values used
        assert!(prov.iter().all(|r| !(r["code"].starts_with("co2_intensity") && r["value"] == "0")), "{y}");
    }
    // the GDI scored by closeness to parity: Mongolia's 1.032 scores below Tonga's 0.996
    let scores = rows(&out.join("scores.csv"));
    let s = |u: &str| -> f64 {
        let r = scores.iter().find(|r| r["unit"] == u && r["code"] == "hdr_gdi" && r["year"] == "2024");
        r.expect("gdi")["score"].parse().expect("number")
    };
    assert!(s("MNG") < s("TON"));
    // no Samoa high-tech spike among the values used
    let prov = rows(&out.join("2024/provenance.csv"));
    let wsm = prov.iter().find(|r| r["unit"] == "WSM" && r["code"].starts_with("high_technology")).expect("WSM");
    assert!(wsm["detail"].contains("76.67006 was excluded"), "{}", wsm["detail"]);
}

#[test]
fn data_show_says_what_a_value_is() {
    let o = digindex_in(
        &root(),
        &["data", "show", "github_topic_machine_learning", "--region", "middle_east", "--year", "2023"],
    );
    let text = ok(&o);
    let line = |u: &str| text.lines().find(|l| l.starts_with(u)).unwrap_or_default().to_string();
    // Iran: two quarters published (109, 123), the other two below 100: counted as 50, with bounds
    assert!(line("IRN").contains("83  (2 of 4 quarters published, the others < 100"), "{}", line("IRN"));
    assert!(line("IRN").contains("between 58 and 108"), "{}", line("IRN"));
    // no quarter published: below the threshold, listed after every published value
    assert!(line("ARE").ends_with("< 100"), "{}", line("ARE"));
    let pos = |u: &str| text.lines().position(|l| l.starts_with(u)).expect(u);
    assert!(pos("ARE") > pos("IRN"));
    // an excluded value is said, with its reason
    let o = digindex_in(
        &root(),
        &["data", "show", "high_technology_exports_percent_of_manufactured_exports", "--region", "apt"],
    );
    let text = ok(&o);
    let wsm = text.lines().find(|l| l.starts_with("WSM")).expect("WSM");
    assert!(
        wsm.contains("2023  5.74202") && wsm.contains("the 2024 value 76.67006 excluded: a one-year spike"),
        "{wsm}"
    );
}
