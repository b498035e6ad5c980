//! `digindex check`: ranks against ranks computed independently from the raw
//! files, the main job's claims, and clear errors for impossible claims.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn digindex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_digindex")).args(args).current_dir(root()).output().expect("runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["check", "--format", "json"];
    a.extend_from_slice(args);
    let o = digindex(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// The rank (1 = highest, ties share the smallest) of `subject` among `values`.
fn rank_of(values: &HashMap<&str, f64>, subject: &str) -> (u32, usize) {
    let mine = values[subject];
    (1 + values.values().filter(|v| **v > mine).count() as u32, values.len())
}

/// The Persian Gulf states and the Middle East set, written out here
/// independently of the region files.
const GULF: [(&str, &str, &str); 8] = [
    ("IRN", "IR", "Iran"),
    ("IRQ", "IQ", "Iraq"),
    ("KWT", "KW", "Kuwait"),
    ("SAU", "SA", "Saudi Arabia"),
    ("BHR", "BH", "Bahrain"),
    ("QAT", "QA", "Qatar"),
    ("ARE", "AE", "United Arab Emirates"),
    ("OMN", "OM", "Oman"),
];

#[test]
fn ncses_ranks_match_the_raw_file() {
    // raw NCSES rows for AI articles in 2022
    let mut rdr = csv::Reader::from_path(root().join("data/ncses/ncses_country_timeseries_long.csv")).expect("ncses");
    let mut raw: HashMap<String, f64> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.expect("row");
        if &r[1] == "ai_articles_whole" && &r[5] == "2022" {
            if let Ok(v) = r[6].parse() {
                raw.insert(r[2].to_string(), v);
            }
        }
    }
    let gulf: HashMap<&str, f64> = GULF.iter().map(|(iso3, _, name)| (*iso3, raw[*name])).collect();
    let (want, of) = rank_of(&gulf, "IRN");
    let v = json(&["IRN ranks 2 in ncses_ai_articles_whole among persian_gulf in 2022"]);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!((r["rank"].as_u64(), r["of"].as_u64()), (Some(u64::from(want)), Some(of as u64)));
    assert_eq!(v["claims"][0]["holds_in"], if want == 2 { 1 } else { 0 });
    // Turkey for the Middle East, from the same raw rows
    let me = [
        "Iran",
        "Turkey",
        "Saudi Arabia",
        "Israel",
        "Egypt",
        "United Arab Emirates",
        "Iraq",
        "Qatar",
        "Jordan",
        "Lebanon",
        "Oman",
        "Kuwait",
        "Bahrain",
        "Yemen",
        "Syria",
    ];
    let mut vals: HashMap<&str, f64> = me.iter().filter_map(|n| raw.get(*n).map(|v| (*n, *v))).collect();
    // Palestine, reported as its two territories (with footnote letters glued on): their sum
    vals.insert("Palestine", raw["Gaza Stripe"] + raw["West Banke"]);
    assert_eq!(vals["Palestine"], 47.0);
    let (want, of) = rank_of(&vals, "Turkey");
    assert_eq!(of, 16);
    let v = json(&["Turkey is top 1 in ncses_ai_articles_whole among middle_east in 2022"]);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!((r["rank"].as_u64(), r["of"].as_u64()), (Some(u64::from(want)), Some(of as u64)));
    assert_eq!(r["holds"], want == 1);
}

#[test]
fn github_ranks_match_the_raw_file() {
    let mut rdr = csv::Reader::from_path(root().join("data/github/developers.csv")).expect("github");
    let mut q4: HashMap<String, f64> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.expect("row");
        if &r[2] == "2024" && &r[3] == "4" {
            q4.insert(r[1].to_string(), r[0].parse().expect("count"));
        }
    }
    let gulf: HashMap<&str, f64> = GULF.iter().map(|(iso3, iso2, _)| (*iso3, q4[*iso2])).collect();
    for subject in ["IRN", "SAU", "ARE"] {
        let (want, of) = rank_of(&gulf, subject);
        let v = json(&[&format!("{subject} ranks {want} in github_developers among persian_gulf in 2024")]);
        let r = &v["claims"][0]["readings"][0];
        assert_eq!((r["rank"].as_u64(), r["of"].as_u64()), (Some(u64::from(want)), Some(of as u64)), "{subject}");
        assert_eq!(v["claims"][0]["holds_in"], 1);
    }
}

#[test]
fn the_2025_claims_and_every_reading() {
    let v = json(&["claims/tokyo-2025.toml"]);
    let claims = v["claims"].as_array().expect("claims");
    assert_eq!(claims.len(), 3);
    for c in claims {
        let readings = c["readings"].as_array().expect("readings");
        assert_eq!(c["of"].as_u64(), Some(readings.len() as u64));
        let holds = readings.iter().filter(|r| r["holds"] == true).count();
        assert_eq!(c["holds_in"].as_u64(), Some(holds as u64));
        // every reading names its region, metric variant and year
        assert!(readings.iter().all(|r| r["region"].is_string() && r["variant"].is_string() && r["year"].is_number()));
    }
    // papers: regions x variants (2 number + 3 quality) for 2023
    assert_eq!(claims[0]["of"], 10);
    // 2023 is not in the data: the year actually used is reported
    assert!(claims[0]["readings"][0]["data_year"] == 2022);
    let text = String::from_utf8_lossy(&digindex(&["check", "claims/tokyo-2025.toml"]).stdout).to_string();
    assert!(text.contains("verdict: IRN rank 2 holds in"), "{text}");
    assert!(text.contains("latest available: 2020"), "quality data end in 2020: {text}");
}

#[test]
fn impossible_claims_say_what_is_unknown() {
    let err = |claim: &str| String::from_utf8_lossy(&digindex(&["check", claim]).stderr).to_string();
    let e = err("Atlantis ranks 1 in ai_papers among middle_east");
    assert!(e.contains("unknown country \"Atlantis\""), "{e}");
    let e = err("IRN ranks 1 in ai_paperz among middle_east");
    assert!(e.contains("unknown metric \"ai_paperz\"") && e.contains("did you mean \"ai_papers\""), "{e}");
    let e = err("IRN ranks 1 in ai_papers among middle_eest");
    assert!(e.contains("unknown region \"middle_eest\"") && e.contains("did you mean \"middle_east\""), "{e}");
    let e = err("IRN ranks 1 in ai_papers among asean");
    assert!(e.contains("member of none of the regions asean"), "{e}");
    let e = err("Iran is great");
    assert!(e.contains("cannot read"), "{e}");
    assert!(!digindex(&["check", "World ranks 1 in ai_papers"]).status.success());
}

#[test]
fn index_claims_use_the_built_index_and_its_rank_interval() {
    let v = json(&["IRN is top 5 in index:frameworks/ai-ecosystem among middle_east"]);
    let r = &v["claims"][0]["readings"][0];
    assert!(r["note"].as_str().expect("note").contains("rank interval"), "{r}");
    // the same rank as the build's own scores
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("ai");
    let o = digindex(&["build", "frameworks/ai-ecosystem", "--out", out.to_str().expect("utf8"), "--no-audit", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scores = std::fs::read_to_string(out.join("scores.csv")).expect("scores");
    let rank = scores.lines().find(|l| l.starts_with("IRN,AI,")).expect("IRN row").rsplit(',').next().expect("rank");
    assert_eq!(r["rank"].as_u64().map(|k| k.to_string()).as_deref(), Some(rank));
    // another region: the index is built for it, as a build with that region
    let v = json(&["IRN ranks 2 in index:frameworks/ai-ecosystem among persian_gulf"]);
    let r = &v["claims"][0]["readings"][0];
    let o = digindex(&[
        "build",
        "frameworks/ai-ecosystem",
        "--set",
        "data.region=\"persian_gulf\"",
        "--out",
        out.to_str().expect("utf8"),
        "--no-audit",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scores = std::fs::read_to_string(out.join("scores.csv")).expect("scores");
    let rank = scores.lines().find(|l| l.starts_with("IRN,AI,")).expect("IRN row").rsplit(',').next().expect("rank");
    assert_eq!(r["rank"].as_u64().map(|k| k.to_string()).as_deref(), Some(rank));
    assert_eq!(r["of"], 8);
    // an index that cannot be built for the region is a reading that does not hold, with the reason:
    // GitHub's LLM topic in 2022 is below the threshold of 100 everywhere in the Gulf
    let spec = std::fs::read_to_string(root().join("frameworks/ai-ecosystem/index.toml")).expect("spec");
    let catalog = root().join("data/catalog.toml");
    let spec = spec
        .replace("ncses_top1pct_cited_share_index_cis_journals_and_conf_whole", "github_topic_llm")
        .replace("../../data/catalog.toml", &catalog.to_string_lossy().replace('\\', "/"));
    let fw = dir.path().join("llm");
    std::fs::create_dir(&fw).expect("dir");
    std::fs::write(fw.join("index.toml"), spec).expect("write");
    let claim = format!("IRN ranks 2 in index:{} among persian_gulf", fw.display());
    let v = json(&[claim.as_str()]);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!(r["holds"], false);
    assert!(r["note"].as_str().expect("note").contains("cannot be built"), "{r}");
}
