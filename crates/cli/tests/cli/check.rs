//! `digindex check`: ranks against ranks computed independently from the raw
//! files, the main job's claims, and clear errors for impossible claims.

use std::collections::HashMap;

use crate::util::{digindex_in, root};

fn json(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["check", "--format", "json"];
    a.extend_from_slice(args);
    let o = digindex_in(&root(), &a);
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
    assert_eq!(r["status"], if want == 2 { "holds" } else { "fails" });
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
    assert_eq!(r["status"], if want == 1 { "holds" } else { "fails" });
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
        assert_eq!((v["claims"][0]["holds_in"].as_u64(), v["claims"][0]["checkable"].as_u64()), (Some(1), Some(1)));
    }
}

#[test]
fn the_2025_claims_and_every_reading() {
    let v = json(&["claims/tokyo-2025.toml"]);
    let claims = v["claims"].as_array().expect("claims");
    assert_eq!(claims.len(), 4);
    for c in claims {
        let readings = c["readings"].as_array().expect("readings");
        let count = |s: &str| readings.iter().filter(|r| r["status"] == s).count() as u64;
        // three-valued: the verdict counts holds among the checkable, the rest apart
        assert_eq!(c["of"].as_u64(), Some(readings.len() as u64));
        assert_eq!(c["holds_in"].as_u64(), Some(count("holds")));
        assert_eq!(c["checkable"].as_u64(), Some(count("holds") + count("fails")));
        assert_eq!(c["cannot_check"].as_u64(), Some(count("cannot_check")));
        for r in readings.iter().chain(c["latest"].as_array().expect("latest")) {
            assert!(r["region"].is_string() && r["variant"].is_string() && r["year"].is_number(), "{r}");
            // one data year per reading: every member (of every part) on it
            for part in std::iter::once(r).chain(r["parts"].as_array().into_iter().flatten()) {
                for m in part["members"].as_array().expect("members") {
                    assert_eq!(m["year"], part["data_year"], "{part}");
                }
                if part["status"] == "cannot_check" {
                    assert!(!part["reason"].as_str().expect("reason").is_empty(), "{part}");
                }
            }
        }
    }
    // number and quality: a compound, with no Iran quality value after 2020 it cannot be checked
    // in 2023, and the 2020 readings are the latest evidence
    let papers = &claims[0];
    assert_eq!(papers["checkable"], 0);
    assert_eq!(papers["support"], "unchecked");
    let latest = papers["latest"].as_array().expect("latest");
    assert!(
        !latest.is_empty()
            && latest.iter().all(|r| r["year"] == 2020 && r["parts"].as_array().expect("parts").len() == 2)
    );
    // the firm proxy is labelled as one
    assert!(claims[3]["readings"].as_array().expect("r").iter().all(|r| r["proxy"] == true));
    let text = String::from_utf8_lossy(&digindex_in(&root(), &["check", "claims/tokyo-2025.toml"]).stdout).to_string();
    assert!(text.contains("VERDICT: IRN rank 2 cannot be checked"), "{text}");
    assert!(text.contains("latest evidence (2020)"), "{text}");
    assert!(text.contains("more cannot be checked"), "{text}");
    assert!(text.contains("ahead: TUR 1,659 · value 1,620; next below: SAU 1,506"), "{text}");
    assert!(text.contains("IRN by year:"), "{text}");
}

/// The reading for one region of a one-claim check.
fn reading<'a>(v: &'a serde_json::Value, region: &str) -> &'a serde_json::Value {
    v["claims"][0]["readings"].as_array().expect("readings").iter().find(|r| r["region"] == region).expect("region")
}

#[test]
fn middle_east_2022_whole_counts_with_the_margin() {
    let v = json(&["IRN ranks 1 in ncses_ai_articles_whole among middle_east in 2022"]);
    let r = reading(&v, "middle_east");
    assert_eq!((r["status"].as_str(), r["rank"].as_u64(), r["of"].as_u64()), (Some("fails"), Some(2), Some(16)));
    assert_eq!(r["subject_value"], 1620.0);
    assert_eq!(r["ahead"], serde_json::json!([{"unit": "TUR", "value": 1659.0, "year": 2022, "rank": 1}]));
    assert_eq!(r["next_below"]["unit"], "SAU");
    let pct = r["margin"]["percent"].as_f64().expect("percent");
    assert!((pct - (1659.0 - 1620.0) / 1620.0 * 100.0).abs() < 1e-9, "{pct}");
    assert!(r["margin"]["text"].as_str().expect("text").starts_with("2.4% behind TUR"), "{r}");
    // the members listed are the region's, best first, with values and the year
    let members = r["members"].as_array().expect("members");
    assert_eq!(members.len(), 16);
    assert!(members.windows(2).all(|w| w[0]["value"].as_f64() >= w[1]["value"].as_f64()));
    // and the sweep: Turkey leads in 2022, Iran in 2018 and 2020
    let sweep = v["claims"][0]["sweeps"][0]["text"].as_str().expect("sweep").to_string();
    assert!(sweep.starts_with("2nd in 2006, 2019 and 2021–2022; 1st in 2007–2018 and 2020"), "{sweep}");
}

#[test]
fn compound_claims_need_every_part() {
    // 2020: Iran 1st of the Middle East on whole counts, not on quality
    let v = json(&["Iran ranks 1st in ai_papers and ai_paper_quality among middle_east in 2020"]);
    let c = &v["claims"][0];
    let readings = c["readings"].as_array().expect("readings");
    assert_eq!(readings.len(), 2 * 6, "2 counts x 6 quality measures");
    for r in readings {
        let parts = r["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), 2);
        let any_fails = parts.iter().any(|p| p["status"] == "fails");
        let all_hold = parts.iter().all(|p| p["status"] == "holds");
        let want = if any_fails {
            "fails"
        } else if all_hold {
            "holds"
        } else {
            "cannot_check"
        };
        assert_eq!(r["status"], want, "{r}");
    }
    let whole =
        readings.iter().find(|r| r["variant"].as_str().expect("v").starts_with("ai_papers: whole")).expect("whole");
    assert_eq!(whole["parts"][0]["status"], "holds");
    assert_eq!(whole["parts"][1]["status"], "fails");
    assert_eq!(whole["status"], "fails");
    assert_eq!(c["holds_in"], 0);
    // "either" is the other reading: each variant alone, and the count part holds alone
    let v = json(&["Iran ranks 1st in ai_papers or ai_paper_quality among middle_east in 2020"]);
    assert_eq!(v["claims"][0]["readings"].as_array().expect("r").len(), 2 + 6);
    assert!(v["claims"][0]["holds_in"].as_u64() >= Some(1));
}

#[test]
fn no_data_is_not_a_failure() {
    let v = json(&["IRN ranks 2 in ai_paper_quality among middle_east in 2023"]);
    let c = &v["claims"][0];
    assert_eq!(
        (c["checkable"].as_u64(), c["cannot_check"].as_u64(), c["holds_in"].as_u64()),
        (Some(0), Some(6), Some(0))
    );
    assert_eq!(c["support"], "unchecked");
    let r = &c["readings"][0];
    assert_eq!(r["status"], "cannot_check");
    assert!(r["reason"].as_str().expect("reason").contains("latest: 2020"), "{r}");
    // the latest evidence, shown but not counted
    assert_eq!(c["latest"].as_array().expect("latest").len(), 6);
    assert_eq!(c["latest"][0]["year"], 2020);
    // a reading with fewer than three members with data cannot be checked either
    let v = json(&["ARE ranks 1 in github_topic_llm among gcc in 2023"]);
    for r in v["claims"][0]["readings"].as_array().expect("readings") {
        if r["of"].as_u64() < Some(3) {
            assert_eq!(r["status"], "cannot_check", "{r}");
        }
    }
}

#[test]
fn members_are_compared_on_one_year_unless_asked() {
    // GitHub's machine-learning topic: Iran 2023; compared with the others' 2023 values
    let v = json(&["IRN ranks 2 in github_topic_machine_learning among middle_east in 2024"]);
    for r in v["claims"][0]["readings"].as_array().expect("r") {
        for m in r["members"].as_array().expect("m") {
            assert_eq!(m["year"], r["data_year"]);
        }
    }
    // mixing years is an explicit opt-in, and says so
    let v = mixed_years_claim("ncses_ai_articles_whole", 2024);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!(r["data_year"], 2022);
    assert!(r["members"].as_array().expect("m").iter().all(|m| m["year"].as_i64() <= Some(2024)));
}

#[test]
fn natural_phrasings_read_as_their_canonical_form() {
    let readings = |claim: &str| -> serde_json::Value {
        let v = json(&[claim]);
        let c = &v["claims"][0];
        serde_json::json!([c["readings"], c["canonical"]])
    };
    let same = [
        (
            "IRN ranks 2 in ai_papers among middle_east in 2022",
            vec![
                "Iran ranks 2nd in AI papers among middle_east in 2022",
                "iran ranks second in AI articles among MIDDLE_EAST (2022)",
                "IRAN is ranked 2nd for AI publications among middle_east in 2022.",
                "Iran comes second among middle_east in ai papers in 2022",
            ],
        ),
        (
            "IRN ranks 2 in ai_papers among middle_east or ncses_middle_east or wb_middle_east_north_africa_afghanistan_and_pakistan or un_western_asia in 2022",
            vec!["Iran is 2nd in AI papers in the Middle East in 2022"],
        ),
        (
            "TUR ranks 1 in ai_papers among un_western_asia in 2022",
            vec!["Turkey ranks first in AI papers among West Asia (2022)"],
        ),
        (
            "KOR ranks top 3 in internet_use among apt or escap_asia_pacific in 2022",
            vec!["South Korea is in the top three for internet users in Asia-Pacific in 2022"],
        ),
        (
            "IRN ranks 2 in ai_papers among persian_gulf or gcc or un_southern_asia in 2022",
            vec!["Iran ranks 2nd in AI papers in the Gulf or Southern Asia (2022)"],
        ),
        (
            "IRN ranks 2 in ai_papers and ai_paper_quality among middle_east in 2020",
            vec![
                "Iran ranks 2nd in AI papers and AI paper quality among middle_east in 2020",
                "Iran ranks 2nd in the number and quality of AI papers among middle_east (2020)",
            ],
        ),
        (
            "IRN ranks top 3 in ai_papers among middle_east in 2020-2022",
            vec![
                "Iran is one of the top three in AI papers among middle_east between 2020 and 2022",
                "Iran is among the top 3 countries in AI papers among middle_east, 2020-2022",
            ],
        ),
        (
            "IRN ranks 2 in ai_papers among middle_east in 2020 in 2022",
            vec!["Iran takes 2nd place in AI papers among middle_east in 2020 and 2022"],
        ),
        (
            "IRN ranks 10 in ai_papers per capita among middle_east in 2022",
            vec!["Iran ranks 10th in AI articles per million people among middle_east (2022)"],
        ),
        (
            "ARE ranks 1 in internet_use among gcc in 2022",
            vec!["the UAE ranks 1st in internet users among gcc in 2022"],
        ),
        (
            "IRN ranks 2 in research_spending and internet_use among apt in 2020",
            vec!["Iran ranks 2nd in R&D spending and internet users among APT (2020)"],
        ),
        (
            "IRN ranks 2 in ai_papers among wb_middle_east_north_africa_afghanistan_and_pakistan in 2022",
            vec![
                "Iran ranks 2nd in AI papers in Middle East/North Africa (2022)",
                "Iran ranks 2nd in AI papers in MENA (2022)",
            ],
        ),
    ];
    for (canonical, phrasings) in same {
        let want = readings(canonical);
        assert_eq!(want[1], canonical, "the canonical form reads back as itself");
        for p in phrasings {
            assert_eq!(readings(p), want, "{p}");
        }
    }
    // index claims by a shipped framework's name
    let by_name = json(&["IRN is top 5 in index:ai-ecosystem among persian_gulf"]);
    let by_path = json(&["IRN is top 5 in index:frameworks/ai-ecosystem among persian_gulf"]);
    assert_eq!(by_name["claims"][0]["readings"][0]["rank"], by_path["claims"][0]["readings"][0]["rank"]);
    assert!(by_name["claims"][0]["readings"][0]["rank"].is_number());
}

#[test]
fn the_names_a_claim_can_use_are_listed() {
    let o = digindex_in(&root(), &["check", "--list"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    for want in ["ai_papers", "AI articles", "internet users", "middle east", "ncses_middle_east", "[proxy]", "index:"]
    {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn ncses_middle_east_is_the_set_its_aggregate_sums() {
    // NCSES's "Middle East" row equals the sum of its members' fractional counts
    let members: Vec<String> = std::fs::read_to_string(root().join("data/regions/ncses_middle_east.csv"))
        .expect("set")
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    let names: HashMap<&str, &str> = [
        ("BHR", "Bahrain"),
        ("IRN", "Iran"),
        ("IRQ", "Iraq"),
        ("ISR", "Israel"),
        ("JOR", "Jordan"),
        ("KWT", "Kuwait"),
        ("LBN", "Lebanon"),
        ("OMN", "Oman"),
        ("QAT", "Qatar"),
        ("SAU", "Saudi Arabia"),
        ("SYR", "Syria"),
        ("ARE", "United Arab Emirates"),
        ("YEM", "Yemen"),
        ("ARM", "Armenia"),
        ("AZE", "Azerbaijan"),
        ("GEO", "Georgia"),
    ]
    .into_iter()
    .collect();
    let mut rdr = csv::Reader::from_path(root().join("data/ncses/ncses_country_timeseries_long.csv")).expect("ncses");
    let mut by_year: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.expect("row");
        if &r[1] == "se_articles_all_fields_fractional" {
            if let Ok(v) = r[6].parse() {
                by_year.entry(r[5].to_string()).or_default().insert(r[2].to_string(), v);
            }
        }
    }
    assert_eq!(members.len(), 17);
    for (year, vals) in &by_year {
        let Some(total) = vals.get("Middle East") else { continue };
        let sum: f64 = members
            .iter()
            .map(|m| match m.as_str() {
                "PSE" => vals.get("Gaza Strip").copied().unwrap_or(0.0) + vals.get("West Bank").copied().unwrap_or(0.0),
                iso3 => vals.get(names[iso3]).copied().unwrap_or(0.0),
            })
            .sum();
        assert!((sum - total).abs() < 2.0, "{year}: {sum} vs {total}");
    }
}

#[test]
fn impossible_claims_say_what_is_unknown() {
    let err = |claim: &str| String::from_utf8_lossy(&digindex_in(&root(), &["check", claim]).stderr).to_string();
    let e = err("Atlantis ranks 1 in ai_papers among middle_east");
    assert!(e.contains("unknown country \"Atlantis\""), "{e}");
    let e = err("IRN ranks 1 in ai_paperz among middle_east");
    assert!(e.contains("unknown metric \"ai_paperz\"") && e.contains("did you mean \"ai_papers\""), "{e}");
    let e = err("IRN ranks 1 in ai_papers among middle_eest");
    assert!(e.contains("unknown region \"middle_eest\"") && e.contains("nearest: \"middle east\""), "{e}");
    assert!(e.contains("canonical form: \"IRN ranks 1 in METRIC among REGION\""), "{e}");
    let e = err("IRN ranks 1 in ai_papers among asean");
    assert!(
        e.contains("member of none of the regions asean") && e.contains("it belongs to:") && e.contains("eco"),
        "{e}"
    );
    let e = err("Iran is great");
    assert!(e.contains("cannot read") && e.contains("IRN ranks 2 in ai_papers among middle_east in 2022"), "{e}");
    for zero in ["Iran ranks 0 in ai_papers", "Iran is top 0 in ai_papers", "Iran ranks zeroth in AI papers"] {
        let e = err(zero);
        assert!(e.contains("0 is not a rank"), "{zero}: {e}");
    }
    let e = err("IRN ranks 1 in index:nowhere");
    assert!(e.contains("no such framework") && e.contains("index:ai-ecosystem"), "{e}");
    assert!(!digindex_in(&root(), &["check", "World ranks 1 in ai_papers"]).status.success());
}

#[test]
fn index_claims_use_the_built_index_and_its_rank_interval() {
    let v = json(&["IRN is top 5 in index:frameworks/ai-ecosystem among middle_east"]);
    let r = &v["claims"][0]["readings"][0];
    assert!(r["note"].as_str().expect("note").contains("rank interval"), "{r}");
    // the same rank as the build's own scores
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("ai");
    let o = digindex_in(
        &root(),
        &["build", "frameworks/ai-ecosystem", "--out", out.to_str().expect("utf8"), "--no-audit", "-q"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let scores = std::fs::read_to_string(out.join("scores.csv")).expect("scores");
    let rank = scores.lines().find(|l| l.starts_with("IRN,AI,")).expect("IRN row").rsplit(',').next().expect("rank");
    assert_eq!(r["rank"].as_u64().map(|k| k.to_string()).as_deref(), Some(rank));
    // another region: the index is built for it, as a build with that region
    let v = json(&["IRN ranks 2 in index:frameworks/ai-ecosystem among persian_gulf"]);
    let r = &v["claims"][0]["readings"][0];
    let o = digindex_in(
        &root(),
        &[
            "build",
            "frameworks/ai-ecosystem",
            "--set",
            "data.region=\"persian_gulf\"",
            "--out",
            out.to_str().expect("utf8"),
            "--no-audit",
            "-q",
        ],
    );
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
    assert_eq!(r["status"], "cannot_check");
    assert!(r["reason"].as_str().expect("reason").contains("cannot be built"), "{r}");
}

/// GitHub's published machine-learning-topic quarters of a year, by ISO2 code, from the raw file.
fn ml_quarters(year: &str) -> HashMap<String, Vec<f64>> {
    let mut rdr = csv::Reader::from_path(root().join("data/github/topics.csv")).expect("topics");
    let mut quarters: HashMap<String, Vec<f64>> = HashMap::new();
    for rec in rdr.records() {
        let r = rec.expect("row");
        if &r[1] == "machine-learning" && &r[3] == year {
            quarters.entry(r[2].to_string()).or_default().push(r[0].parse().expect("count"));
        }
    }
    quarters
}

#[test]
fn suppressed_quarters_make_ranks_intervals() {
    // GitHub's ML topic, 2023, from the raw quarters: a suppressed quarter is below 100,
    // so an annual mean lies between (published sum)/4 and (published sum + 100 per
    // suppressed quarter)/4
    let quarters = ml_quarters("2023");
    let bounds = |iso2: &str| -> (f64, f64) {
        let q = quarters.get(iso2).cloned().unwrap_or_default();
        let sum: f64 = q.iter().sum();
        (sum / 4.0, (sum + 100.0 * (4 - q.len()) as f64) / 4.0)
    };
    let iran = bounds("IR");
    let me_iso2 = ["TR", "IL", "EG", "SA", "AE", "IQ", "QA", "JO", "LB", "OM", "KW", "PS", "BH", "YE", "SY"];
    let surely_above = me_iso2.iter().filter(|c| bounds(c).0 > iran.1).count() as u64;
    let open = me_iso2.iter().filter(|c| bounds(c).0 <= iran.1 && bounds(c).1 >= iran.0).count() as u64;
    let v = json(&["IRN ranks 2 in github_topic_machine_learning among middle_east in 2023"]);
    let r = reading(&v, "middle_east");
    assert_eq!(r["data_year"], 2023);
    assert_eq!(r["rank_range"], serde_json::json!([surely_above + 1, surely_above + 1 + open]), "{r}");
    assert_eq!(r["status"], if surely_above + 1 > 2 { "fails" } else { "cannot_check" });
    let irn = r["members"].as_array().expect("m").iter().find(|m| m["unit"] == "IRN").expect("IRN");
    assert_eq!(irn["bounds"], serde_json::json!([iran.0, iran.1]));
}

#[test]
fn a_suppressed_subject_fails_when_it_is_below_the_asserted_place_either_way() {
    // 2024: Iran's ML-topic quarters are all below 100; India and Pakistan published
    // values above 100 in every quarter, so Iran is at best 3rd of Southern Asia
    let quarters = ml_quarters("2024");
    assert!(!quarters.contains_key("IR"), "Iran is suppressed in every 2024 quarter");
    let surely_above = ["AF", "BD", "BT", "IN", "LK", "MV", "NP", "PK"]
        .iter()
        .filter(|c| quarters.get(**c).is_some_and(|q| q.iter().sum::<f64>() / 4.0 > 100.0))
        .count() as u64;
    assert!(surely_above >= 2);
    let v = json(&["IRN ranks 2 in github_topic_machine_learning among un_southern_asia in 2024"]);
    let r = reading(&v, "un_southern_asia");
    assert_eq!((r["status"].as_str(), r["subject_below"].as_f64()), (Some("fails"), Some(100.0)), "{r}");
    assert_eq!(r["rank_range"][0].as_u64(), Some(surely_above + 1), "{r}");
}

#[test]
fn a_data_year_is_counted_once_and_an_index_keeps_to_its_year() {
    // 2022-2024 all find 2022 data: one reading, standing for the three claim years
    let v = json(&["IRN ranks 2 in ncses_ai_articles_whole among middle_east in 2022-2024"]);
    let c = &v["claims"][0];
    assert_eq!(c["of"], 1);
    assert_eq!(c["readings"][0]["years"], serde_json::json!([2022, 2023, 2024]));
    assert_eq!(c["readings"][0]["data_year"], 2022);
    // an index is of its reference year (2022 for the AI ecosystem)
    let v = json(&["IRN is top 3 in index:ai-ecosystem among persian_gulf (2010)"]);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!(r["status"], "cannot_check");
    assert!(r["reason"].as_str().expect("reason").contains("built for 2022"), "{r}");
    let v = json(&["IRN is top 3 in index:ai-ecosystem among persian_gulf (2030)"]);
    let c = &v["claims"][0];
    assert_eq!((c["of"].as_u64(), c["latest"].as_array().map(Vec::len)), (Some(0), Some(1)), "{c}");
}

#[test]
fn a_count_without_a_population_is_not_dropped_per_capita() {
    // NCSES counts Taiwan's papers; the population source has no Taiwan: per capita its
    // place is unknown, so Japan's rank is open, not decided without it
    let v = json(&["Japan ranks 3rd in AI papers per capita in Eastern Asia in 2022"]);
    let r = reading(&v, "un_eastern_asia");
    let twn =
        r["members"].as_array().expect("m").iter().find(|m| m["unit"] == "TWN").expect("TWN is a member with data");
    assert!(twn["unknown"].as_str().expect("why").contains("no population"), "{twn}");
    assert_eq!(r["status"], "cannot_check", "{r}");
    assert_eq!(r["rank_range"].as_array().map(Vec::len), Some(2));
}

/// Checks "IRN ranks 2 in METRIC among middle_east in YEAR" with `mix_years = true`
/// (an option of claim files only).
fn mixed_years_claim(metric: &str, year: i32) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tmp");
    let f = dir.path().join("mixed.toml");
    let claim = format!(
        "[[claim]]\nid = \"mixed\"\nsubject = \"IRN\"\nrank = 2\nmetrics = [\"{metric}\"]\nregions = [\"middle_east\"]\nyears = [{year}]\nmix_years = true\n"
    );
    std::fs::write(&f, claim).expect("write");
    json(&[f.to_str().expect("utf8")])
}

#[test]
fn mixing_years_takes_each_members_latest_in_the_window() {
    let v = mixed_years_claim("gb_xpd_rsdv_gd_zs", 2022);
    let r = &v["claims"][0]["readings"][0];
    let years: Vec<i64> = r["members"].as_array().expect("m").iter().filter_map(|m| m["year"].as_i64()).collect();
    assert!(years.iter().all(|y| (2020..=2022).contains(y)), "{years:?}");
    // each member's latest: the data year of a reading with that member as the subject
    let members = r["members"].as_array().expect("m");
    assert!(members.len() >= 5);
    for m in members.iter().take(5) {
        let own = json(&[&format!(
            "{} ranks 1 in gb_xpd_rsdv_gd_zs among middle_east in 2022",
            m["unit"].as_str().expect("unit")
        )]);
        assert_eq!(m["year"], own["claims"][0]["readings"][0]["data_year"], "{m}");
    }
}

#[test]
fn an_index_claim_reads_the_year_it_names_from_the_series() {
    // the Tokyo Statement index is a series: a claim about 2021 reads 2021's
    // build, one about 2010 is before it, and every year built is swept
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("t");
    crate::util::ok(&digindex_in(
        &root(),
        &["build", "frameworks/tokyo-statement", "--no-audit", "-q", "--out", out.to_str().expect("utf8")],
    ));
    let progress = std::fs::read_to_string(out.join("progress.csv")).expect("progress.csv");
    let rank_in = |y: &str| -> String {
        let line = progress.lines().find(|l| l.starts_with("IRN,Tokyo,") && l.split(',').nth(3) == Some(y)).expect(y);
        line.split(',').nth(5).expect("rank").to_string()
    };
    let v = json(&["Iran ranks 1st in index:tokyo-statement among APT in 2021"]);
    let c = &v["claims"][0];
    let r = &c["readings"][0];
    assert_eq!((r["year"].as_i64(), r["data_year"].as_i64()), (Some(2021), Some(2021)), "{r}");
    assert_eq!(r["rank"].as_u64().map(|x| x.to_string()), Some(rank_in("2021")), "{r}");
    let sweep = &c["sweeps"][0]["years"];
    let years: Vec<i64> = sweep.as_array().expect("years").iter().filter_map(|y| y["year"].as_i64()).collect();
    assert_eq!(years, [2019, 2020, 2021, 2022, 2023, 2024]);
    for y in sweep.as_array().expect("years") {
        assert_eq!(y["rank"].as_u64().map(|x| x.to_string()), Some(rank_in(&y["year"].to_string())), "{y}");
    }
    // two claim years reading one built year (2024 for 2025 and 2026): one reading
    let v = json(&["Iran ranks 1st in index:tokyo-statement among APT in 2024-2026"]);
    let r = &v["claims"][0]["readings"];
    assert_eq!(r.as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(r[0]["years"], serde_json::json!([2024, 2025, 2026]));
    // before the series: no reading, not a silent use of another year
    let v = json(&["Iran ranks 1st in index:tokyo-statement among APT in 2010"]);
    let r = &v["claims"][0]["readings"][0];
    assert_eq!(r["status"], "cannot_check");
    assert!(r["reason"].as_str().expect("reason").contains("built for 2019–2024"), "{r}");
}
