//! `digindex data fetch`, every source end to end against a server on
//! loopback that answers in each API's documented format: paging,
//! missing values, aggregates, errors, 429 with Retry-After, a connection
//! dropped mid-page, ETag revalidation, gzip. The fetched series are then
//! used in a build and in `digindex check`. No request leaves the machine.

use std::path::Path;

use crate::loopback::{Reply, Server};
use crate::util::{digindex, ok, stderr};

/// The Middle East set (Scimago's 16): ISO3, ISO2, UN M49, name.
const MEMBERS: [(&str, &str, u16, &str); 16] = [
    ("ARE", "AE", 784, "United Arab Emirates"),
    ("BHR", "BH", 48, "Bahrain"),
    ("EGY", "EG", 818, "Egypt"),
    ("IRN", "IR", 364, "Iran"),
    ("IRQ", "IQ", 368, "Iraq"),
    ("ISR", "IL", 376, "Israel"),
    ("JOR", "JO", 400, "Jordan"),
    ("KWT", "KW", 414, "Kuwait"),
    ("LBN", "LB", 422, "Lebanon"),
    ("OMN", "OM", 512, "Oman"),
    ("PSE", "PS", 275, "West Bank and Gaza"),
    ("QAT", "QA", 634, "Qatar"),
    ("SAU", "SA", 682, "Saudi Arabia"),
    ("SYR", "SY", 760, "Syria"),
    ("TUR", "TR", 792, "Turkiye"),
    ("YEM", "YE", 887, "Yemen"),
];

/// Internet users (% of population) of member `i` in `year`.
fn internet(i: usize, year: i32) -> f64 {
    30.0 + 4.0 * i as f64 + f64::from(year - 2020)
}

/// OpenAlex whole counts: Turkey first, Iran second, then by position.
fn works(iso2: &str, i: usize, year: i32) -> u64 {
    match iso2 {
        "TR" => 9000 + year as u64,
        "IR" => 8000 + year as u64,
        _ => 100 * i as u64 + 10,
    }
}

fn wb_row(iso3: &str, name: &str, year: i32, value: Option<f64>, status: &str) -> String {
    let v = value.map_or("null".to_string(), |v| v.to_string());
    format!(
        r#"{{"indicator":{{"id":"IT.NET.USER.ZS","value":"Individuals using the Internet (% of population)"}},"country":{{"id":"XX","value":"{name}"}},"countryiso3code":"{iso3}","date":"{year}","value":{v},"unit":"","obs_status":"{status}","decimal":1}}"#
    )
}

/// The World Bank's answer for IT.NET.USER.ZS: page 1 of 2 has members
/// 0-7, two aggregates (one without an ISO3 code) and a null value; page 2
/// the rest.
fn wb_internet(page: usize) -> String {
    let mut rows = Vec::new();
    let range = if page == 1 { 0..8 } else { 8..16 };
    for i in range {
        let (iso3, _, _, name) = MEMBERS[i];
        for year in [2022, 2023] {
            rows.push(wb_row(iso3, name, year, Some(internet(i, year)), if year == 2023 && i == 3 { "E" } else { "" }));
        }
    }
    if page == 1 {
        rows.push(wb_row("WLD", "World", 2023, Some(67.4), ""));
        rows.push(wb_row("", "Africa Eastern and Southern", 2023, Some(36.0), ""));
        // a country without an ISO3 code in the row, after an aggregate without one
        rows.push(wb_row("", "Kosovo", 2023, Some(88.5), ""));
        rows.push(wb_row("SYR", "Syrian Arab Republic", 2021, None, ""));
    }
    format!(
        r#"[{{"page":{page},"pages":2,"per_page":10000,"total":37,"sourceid":"2","lastupdated":"2025-07-01"}},[{}]]"#,
        rows.join(",")
    )
}

fn wb_population() -> String {
    let rows: Vec<String> = MEMBERS
        .iter()
        .enumerate()
        .flat_map(|(i, (iso3, _, _, name))| {
            (2020..=2024).map(move |y| {
                wb_row(iso3, name, y, Some(1e6 * (1.0 + i as f64)), "").replace("IT.NET.USER.ZS", "SP.POP.TOTL")
            })
        })
        .collect();
    format!(r#"[{{"page":1,"pages":1,"per_page":10000,"total":{}}},[{}]]"#, rows.len(), rows.join(","))
}

fn openalex(filter: &str, cursor: &str) -> String {
    let year: i32 =
        filter.rsplit("publication_year:").next().and_then(|y| y.parse().ok()).expect("a year in the filter");
    let (range, next) = if cursor == "*" { (0..8, format!("\"c2-{year}\"")) } else { (8..16, "null".into()) };
    let mut groups: Vec<String> = range
        .map(|i| {
            let (_, iso2, _, name) = MEMBERS[i];
            format!(
                r#"{{"key":"https://openalex.org/countries/{iso2}","key_display_name":"{name}","count":{}}}"#,
                works(iso2, i, year)
            )
        })
        .collect();
    if cursor == "*" {
        groups.push(r#"{"key":"unknown","key_display_name":"unknown","count":5}"#.into());
    }
    format!(
        r#"{{"meta":{{"count":99999,"db_response_time_ms":12,"page":null,"per_page":200,"next_cursor":{next},"groups_count":{}}},"results":[],"group_by":[{}]}}"#,
        groups.len(),
        groups.join(",")
    )
}

fn sdg(page: usize) -> String {
    let mut data = Vec::new();
    let range = if page == 1 { 0..8 } else { 8..16 };
    for i in range {
        let (_, _, m49, name) = MEMBERS[i];
        for (loc, v) in [("ALLAREA", 60.0 + 2.0 * i as f64), ("RURAL", 40.0 + i as f64)] {
            data.push(format!(
                r#"{{"goal":["9"],"series":"IT_MOB_4GNTWK","seriesDescription":"Proportion of population covered by at least a 4G mobile network (%)","geoAreaCode":"{m49}","geoAreaName":"{name}","timePeriodStart":2022.0,"value":"{v}","attributes":{{"Nature":"{}","Units":"PERCENT"}},"dimensions":{{"Location":"{loc}"}}}}"#,
                if i == 5 { "E" } else { "C" }
            ));
        }
    }
    if page == 2 {
        // a UN M49 region whose name is also a country's: never taken for it
        data.push(r#"{"series":"IT_MOB_4GNTWK","geoAreaCode":"57","geoAreaName":"Micronesia","timePeriodStart":2022.0,"value":"50","attributes":{"Nature":"C","Units":"PERCENT"},"dimensions":{"Location":"ALLAREA"}}"#.into());
        data.push(r#"{"series":"IT_MOB_4GNTWK","geoAreaCode":"1","geoAreaName":"World","timePeriodStart":2022.0,"value":">95","attributes":{"Nature":"G","Units":"PERCENT"},"dimensions":{"Location":"ALLAREA"}}"#.into());
    }
    format!(r#"{{"size":5000,"totalElements":33,"totalPages":2,"pageNumber":{page},"data":[{}]}}"#, data.join(","))
}

fn github_topics() -> String {
    let mut out = String::from("num_pushers,topic,iso2_code,year,quarter\n");
    for (i, (_, iso2, _, _)) in MEMBERS.iter().enumerate() {
        for q in 1..=4 {
            out.push_str(&format!("{},machine-learning,{iso2},2023,{q}\n", 200 + 10 * i + q));
            out.push_str(&format!("{},web,{iso2},2023,{q}\n", 900 + i));
        }
    }
    out.push_str("5000,machine-learning,EU,2023,4\n");
    out
}

fn owid() -> String {
    let mut out = String::from("Entity,Code,Year,Research & development spending (% of GDP)\n");
    for (i, (iso3, _, _, name)) in MEMBERS.iter().enumerate() {
        out.push_str(&format!("{name},{iso3},2021,{}\n", 0.2 + 0.1 * i as f64));
    }
    out.push_str("World,OWID_WRL,2021,2.6\n");
    out
}

fn wikidata() -> String {
    let rows: Vec<String> = MEMBERS
        .iter()
        .enumerate()
        .map(|(i, (iso3, _, _, name))| {
            format!(
                r#"{{"iso3":{{"type":"literal","value":"{iso3}"}},"countryLabel":{{"xml:lang":"en","type":"literal","value":"{name}"}},"count":{{"datatype":"http://www.w3.org/2001/XMLSchema#integer","type":"literal","value":"{}"}}}}"#,
                if *iso3 == "IRN" { 40 } else { i + 1 }
            )
        })
        .collect();
    format!(r#"{{"head":{{"vars":["iso3","countryLabel","count"]}},"results":{{"bindings":[{}]}}}}"#, rows.join(","))
}

/// The server: every API under its own prefix.
fn server() -> Server {
    Server::start(|r, times| {
        let page: usize = r.param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        match r.path() {
            "/wb/v2/country/all/indicator/IT.NET.USER.ZS" if page == 1 => {
                if r.header("if-none-match") == Some("\"wb-p1\"") {
                    return Reply::status(304).with_header("ETag", "\"wb-p1\"");
                }
                Reply::json(wb_internet(1)).with_header("ETag", "\"wb-p1\"").gzipped()
            }
            // page 2: first too many requests, then a connection dropped mid-body
            "/wb/v2/country/all/indicator/IT.NET.USER.ZS" => match times {
                1 => Reply::status(429).with_header("Retry-After", "1"),
                2 => Reply::DropMidBody { body: wb_internet(2).into_bytes() },
                _ => Reply::json(wb_internet(2)),
            },
            "/wb/v2/country/all/indicator/SP.POP.TOTL" => Reply::json(wb_population()),
            "/wb/v2/country/all/indicator/IT.NET.USER.Z" => Reply::json(
                r#"[{"message":[{"id":"120","key":"Invalid value","value":"The provided parameter value is not valid"}]}]"#,
            ),
            "/wb/v2/sources/2/indicators" => Reply::json(
                r#"[{"page":1,"pages":1,"per_page":30000,"total":3},[{"id":"IT.NET.USER.ZS","name":"Individuals using the Internet"},{"id":"SP.POP.TOTL","name":"Population"},{"id":"NY.GDP.MKTP.CD","name":"GDP"}]]"#,
            ),
            "/wb-broken/v2/country/all/indicator/IT.NET.USER.ZS" if page == 1 => Reply::json(wb_internet(1)),
            // a maintenance page with status 200, then the data
            "/wb-html/v2/country/all/indicator/SP.POP.TOTL" if times == 1 => {
                Reply::Body { body: b"<html>maintenance</html>".to_vec(), headers: vec![], gzip: false }
            }
            "/wb-html/v2/country/all/indicator/SP.POP.TOTL" => Reply::json(wb_population()),
            "/wb-broken/v2/country/all/indicator/IT.NET.USER.ZS" => Reply::status(503),
            "/oa/works" => Reply::json(openalex(
                &r.param("filter").unwrap_or_default(),
                &r.param("cursor").unwrap_or_else(|| "*".into()),
            )),
            "/owid/research-spending-gdp.csv" => Reply::Body {
                body: owid().into_bytes(),
                headers: vec![("Content-Type".into(), "text/csv".into())],
                gzip: true,
            },
            "/sdg/Series/Data" => Reply::json(sdg(page)),
            "/gh/topics.csv" => Reply::Body { body: github_topics().into_bytes(), headers: vec![], gzip: false },
            "/wd/sparql" if r.header("accept") == Some("application/sparql-results+json") => Reply::json(wikidata()),
            _ => Reply::Status { status: 404, headers: vec![], body: b"not found".to_vec() },
        }
    })
}

/// A catalogue with one hand-written entry and comments (kept by fetch).
fn catalogue(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("t")).expect("dir");
    std::fs::write(dir.join("t/x.csv"), "unit,year,value\nIRN,2020,1\n").expect("csv");
    let p = dir.join("catalog.toml");
    std::fs::write(
        &p,
        "# A test catalogue: this comment must survive a fetch.\n\n[[dataset]]\nid = \"t\"\ntitle = \"test\"\nfolder = \"t\"\nlicence = \"CC0\"\nsource = \"the test\"\n\n[[indicator]]\ncode = \"x\"\nname = \"x\"\nunit = \"u\"\ndataset = \"t\"\nfile = \"x.csv\"\nformat = \"long\"\n",
    )
    .expect("toml");
    p
}

/// `digindex data fetch ID… --catalog C --cache DIR/cache --interval 0 -q ARGS…`.
fn fetch(dir: &Path, ids: &[&str], args: &[&str]) -> std::process::Output {
    let cat = dir.join("catalog.toml");
    let cache = dir.join("cache");
    let mut a = vec!["data", "fetch"];
    a.extend_from_slice(ids);
    a.extend_from_slice(&[
        "--catalog",
        cat.to_str().expect("utf8"),
        "--cache",
        cache.to_str().expect("utf8"),
        "--interval",
        "0",
        "--quiet",
    ]);
    a.extend_from_slice(args);
    digindex(&a)
}

fn entry(dir: &Path, code: &str) -> toml::Value {
    let text = std::fs::read_to_string(dir.join("catalog.toml")).expect("catalogue");
    let v: toml::Value = toml::from_str(&text).expect("toml");
    v["indicator"].as_array().expect("entries").iter().find(|e| e["code"].as_str() == Some(code)).expect(code).clone()
}

#[test]
fn world_bank_pages_retries_aggregates_missing_values_and_revalidation() {
    let srv = server();
    let dir = tempfile::tempdir().expect("tmp");
    catalogue(dir.path());
    let base = srv.url("/wb/v2");
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &base, "--retries", "3"]);
    let out = ok(&o);
    // page 2: 429 (Retry-After: 1), a dropped connection, then the page;
    // the wait the server asked for was kept
    let p2 = srv.asked("/wb/v2/country/all/indicator/IT.NET.USER.ZS?format=json&per_page=10000&page=2");
    assert_eq!(p2.len(), 3, "{:?}", srv.log());
    assert!(p2[1].at.duration_since(p2[0].at).as_secs_f64() >= 0.95, "Retry-After honoured");
    assert!(stderr(&o).contains("Retry-After"), "the wait is said: {}", stderr(&o));
    // page 1 came gzip-encoded
    let p1 = srv.asked("/wb/v2/country/all/indicator/IT.NET.USER.ZS?format=json&per_page=10000&page=1");
    assert!(p1[0].header("accept-encoding").is_some_and(|a| a.contains("gzip")));
    // the file: members only (WLD and the aggregate without a code skipped),
    // the estimate's flag kept, the null value kept as missing
    let file = dir.path().join("worldbank-api/it_net_user_zs.csv");
    let text = std::fs::read_to_string(&file).expect("file");
    assert_eq!(text.lines().next(), Some("unit,year,value,flag"));
    assert_eq!(text.lines().count(), 1 + 32 + 1 + 1, "{text}");
    assert!(text.contains("XKX,2023,88.5,\n"), "a keyless row is read by its own name: {text}");
    assert!(text.contains("IRN,2023,45,E\n"), "{text}");
    assert!(text.contains("SYR,2021,,\n"), "{text}");
    assert!(!text.contains("WLD") && !text.contains("AFE"), "{text}");
    assert!(out.contains("skipped 2 rows of 2 aggregates"), "{out}");
    assert!(out.contains("33 values for 17 countries, 2022-2023; 1 listed without a value"), "{out}");
    // the entry and its provenance
    let e = entry(dir.path(), "it_net_user_zs");
    assert_eq!(e["name"].as_str(), Some("Individuals using the Internet (% of population)"));
    assert_eq!(e["unit"].as_str(), Some("% of population"));
    assert_eq!((e["dataset"].as_str(), e["format"].as_str()), (Some("worldbank-api"), Some("long")));
    let f = &e["fetched"];
    assert_eq!(f["source"].as_str(), Some("worldbank:IT.NET.USER.ZS"));
    assert_eq!(
        f["url"].as_str(),
        Some(format!("{base}/country/all/indicator/IT.NET.USER.ZS?format=json&per_page=10000&page=1").as_str())
    );
    assert_eq!(f["etag"].as_str(), Some("\"wb-p1\""));
    assert_eq!(f["responses"].as_integer(), Some(2));
    assert_eq!(f["sha256"].as_str(), Some(digindex_fetch::cache::sha256(text.as_bytes()).as_str()));
    assert!(f["retrieved"].as_str().is_some_and(|t| t.len() == 20 && t.ends_with('Z')));
    let cat = std::fs::read_to_string(dir.path().join("catalog.toml")).expect("cat");
    assert!(cat.starts_with("# A test catalogue: this comment must survive a fetch."), "{cat}");
    // the data-quality audit ran on it
    assert!(out.contains("data-quality audit"), "{out}");

    // again: page 1 is revalidated with its ETag (304), nothing changed
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &base]);
    let out = ok(&o);
    let p1 = srv.asked("/wb/v2/country/all/indicator/IT.NET.USER.ZS?format=json&per_page=10000&page=1");
    assert_eq!(p1.len(), 2);
    assert_eq!(p1[1].header("if-none-match"), Some("\"wb-p1\""));
    assert!(out.contains("1 unchanged since the cached copy (304)"), "{out}");
    assert!(out.contains("entry updated") && out.contains("0 revised, 0 added, 0 removed"), "{out}");
    assert_eq!(std::fs::read_to_string(&file).expect("file"), text);

    // offline: from the cache, no request
    let before = srv.log().len();
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &base, "--offline"]);
    assert!(ok(&o).contains("2 from the cache"));
    assert_eq!(srv.log().len(), before);
}

#[test]
fn errors_name_the_address_and_what_to_do_and_nothing_is_half_written() {
    let srv = server();
    let dir = tempfile::tempdir().expect("tmp");
    let cat = catalogue(dir.path());
    let before = std::fs::read(&cat).expect("cat");
    let base = srv.url("/wb/v2");
    // an unknown indicator, with the nearest ids the API lists
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.Z"], &["--base-url", &base]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("has no indicator \"IT.NET.USER.Z\"; nearest known: IT.NET.USER.ZS"), "{}", stderr(&o));
    // offline with nothing cached
    let o = fetch(dir.path(), &["worldbank:SP.POP.TOTL"], &["--base-url", &base, "--offline"]);
    assert!(stderr(&o).contains("is not in the cache"), "{}", stderr(&o));
    // nothing listens there
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let o = fetch(
        dir.path(),
        &["worldbank:SP.POP.TOTL"],
        &["--base-url", &format!("http://127.0.0.1:{port}/v2"), "--retries", "0"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cannot reach") && stderr(&o).contains("--offline"), "{}", stderr(&o));
    // a source that keeps failing: retries run out, nothing is written, even
    // for a source fetched before it in the same run
    let broken = srv.url("/wb-broken/v2");
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &broken, "--retries", "1"]);
    assert!(stderr(&o).contains("gave up after 2 attempts") && stderr(&o).contains("503"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&cat).expect("cat"), before);
    assert!(!dir.path().join("worldbank-api").exists());
    // run again: the page the cut-off run finished is not asked for again
    let p1 = |s: &Server| {
        s.asked("/wb-broken/v2/country/all/indicator/IT.NET.USER.ZS?format=json&per_page=10000&page=1").len()
    };
    assert_eq!(p1(&srv), 1);
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &broken, "--retries", "0"]);
    assert!(!o.status.success());
    assert_eq!(p1(&srv), 1, "page 1 resumed from the cache");
    // a page that could not be read is asked for again on the next run
    let html = srv.url("/wb-html/v2");
    let o = fetch(dir.path(), &["worldbank:SP.POP.TOTL"], &["--base-url", &html]);
    assert!(stderr(&o).contains("not JSON"), "{}", stderr(&o));
    ok(&fetch(dir.path(), &["worldbank:SP.POP.TOTL"], &["--base-url", &html]));
    assert_eq!(srv.asked("/wb-html/").len(), 2);
    let before = std::fs::read(&cat).expect("cat");
    // --since keeps earlier values of fetched entries only
    let o = fetch(dir.path(), &["worldbank:IT.NET.USER.ZS"], &["--base-url", &base, "--since", "2023", "--code", "x"]);
    assert!(
        stderr(&o).contains("--since 2023 keeps the earlier values of an entry fetched before; x was not fetched"),
        "{}",
        stderr(&o)
    );
    // bad arguments
    let o = fetch(dir.path(), &["nowhere:x"], &[]);
    assert!(stderr(&o).contains("SOURCE one of worldbank, openalex"), "{}", stderr(&o));
    let o = fetch(dir.path(), &["openalex:ai"], &["--base-url", &srv.url("/oa")]);
    assert!(stderr(&o).contains("needs --years A-B"), "{}", stderr(&o));
    let o = fetch(dir.path(), &["sdg:IT_MOB_4GNTWK"], &["--base-url", &srv.url("/sdg")]);
    assert!(stderr(&o).contains("Location (ALLAREA / RURAL)") && stderr(&o).contains("--filter"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&cat).expect("cat"), before);
}

#[test]
fn every_source_end_to_end_then_a_build_and_a_claim_use_the_fetched_series() {
    let srv = server();
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    catalogue(d);
    let wb = srv.url("/wb/v2");
    ok(&fetch(d, &["worldbank:IT.NET.USER.ZS", "worldbank:SP.POP.TOTL"], &["--base-url", &wb]));
    // OpenAlex: two years, two pages of groups each (cursor paging); the
    // e-mail address goes with the requests but is not recorded
    let out = ok(&fetch(
        d,
        &["openalex:ai_papers"],
        &[
            "--base-url",
            &srv.url("/oa"),
            "--filter",
            "primary_topic.subfield.id:1702",
            "--years",
            "2023-2024",
            "--mailto",
            "someone@example.org",
        ],
    ));
    let oa = srv.asked("/oa/works");
    assert_eq!(oa.len(), 4, "{oa:?}");
    assert_eq!(oa[1].param("cursor").as_deref(), Some("c2-2023"));
    assert_eq!(oa[0].param("filter").as_deref(), Some("primary_topic.subfield.id:1702,publication_year:2023"));
    assert_eq!(oa[0].param("group_by").as_deref(), Some("authorships.countries"));
    assert_eq!(oa[0].param("mailto").as_deref(), Some("someone@example.org"));
    assert!(out.contains("32 values for 16 countries, 2023-2024"), "{out}");
    let cat = std::fs::read_to_string(d.join("catalog.toml")).expect("cat");
    assert!(!cat.contains("someone@example.org"));
    let e = entry(d, "ai_papers");
    assert!(e["fetched"]["note"].as_str().is_some_and(|n| n.starts_with("whole counts")), "{e}");
    assert_eq!(e["unit"].as_str(), Some("works (whole counts)"));
    // OWID (gzip), SDG (two pages, one dimension kept), GitHub, Wikidata
    ok(&fetch(d, &["owid:research-spending-gdp"], &["--base-url", &srv.url("/owid")]));
    let out = ok(&fetch(d, &["sdg:IT_MOB_4GNTWK"], &["--base-url", &srv.url("/sdg"), "--filter", "Location=ALLAREA"]));
    assert!(out.contains("16 values for 16 countries, 2022"), "{out}");
    assert!(out.contains("skipped 2 rows of 2 aggregates"), "{out}");
    ok(&fetch(d, &["github:topics/machine-learning"], &["--base-url", &srv.url("/gh")]));
    let q = d.join("ai_firms.rq");
    std::fs::write(&q, "SELECT ?iso3 ?countryLabel (COUNT(?firm) AS ?count) WHERE { }").expect("query");
    ok(&fetch(
        d,
        &["wikidata:ai_firms"],
        &["--base-url", &srv.url("/wd/sparql"), "--query", q.to_str().expect("utf8"), "--year", "2025"],
    ));
    assert!(d.join("wikidata/ai_firms.rq").exists(), "the query is kept beside the data");
    let sdg = std::fs::read_to_string(d.join("sdg-api/it_mob_4gntwk.csv")).expect("sdg");
    assert!(sdg.contains("ISR,2022,70,E\n") && sdg.contains("IRN,2022,66,C\n"), "{sdg}");
    assert!(!sdg.contains("FSM"), "{sdg}");
    let cat = std::fs::read_to_string(d.join("catalog.toml")).expect("cat");
    assert_eq!(cat.matches("id = \"worldbank-api\"").count(), 1, "one dataset for two series: {cat}");
    let gh = entry(d, "topics_machine_learning");
    assert_eq!(
        (gh["format"].as_str(), gh["select"].as_str(), gh["annual"].as_str()),
        (Some("github"), Some("machine-learning"), Some("mean"))
    );
    assert_eq!(entry(d, "research_spending_gdp")["format"].as_str(), Some("owid"));
    // every fetched series loads, and the quality audit reads them
    let data = d.to_str().expect("utf8");
    let list = ok(&digindex(&["data", "list", "--data", data]));
    for code in [
        "it_net_user_zs",
        "sp_pop_totl",
        "ai_papers",
        "research_spending_gdp",
        "it_mob_4gntwk",
        "topics_machine_learning",
        "ai_firms",
    ] {
        assert!(list.contains(code), "{code}: {list}");
    }
    // a build on the fetched series, with their provenance in the manifest
    let spec = d.join("fetched.toml");
    std::fs::write(
        &spec,
        r#"[index]
name = "Fetched"
[data]
catalog = "catalog.toml"
region = "middle_east"
time = 2023
rule = "latest"
max_age = 3
[[framework]]
code = "it_net_user_zs"
name = "Internet users"
parent = "Connectivity"
[[framework]]
code = "it_mob_4gntwk"
name = "4G coverage"
parent = "Connectivity"
[[framework]]
code = "ai_papers"
name = "AI papers per million people"
parent = "AI"
denominator = "sp_pop_totl"
[[framework]]
code = "topics_machine_learning"
name = "ML pushers"
parent = "AI"
[[framework]]
code = "Connectivity"
name = "Connectivity"
parent = "Index"
[[framework]]
code = "AI"
name = "AI"
parent = "Index"
[[framework]]
code = "Index"
name = "Index"
[denominate]
[normalise]
[aggregate]
"#,
    )
    .expect("spec");
    let out_dir = d.join("out");
    let o = crate::util::run("build", &spec, &out_dir, &[], &["--no-audit"]);
    ok(&o);
    let scores = std::fs::read_to_string(out_dir.join("scores.csv")).expect("scores");
    let ranked: Vec<&str> = scores.lines().filter(|l| l.split(',').nth(1) == Some("Index")).collect();
    assert_eq!(ranked.len(), 16, "every member ranked: {scores}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).expect("manifest")).expect("json");
    let fetched = manifest["fetched"].as_array().expect("fetched in the manifest");
    assert!(fetched.iter().any(|f| f["code"] == "ai_papers" && f["source"] == "openalex:ai_papers"), "{fetched:?}");
    // a claim on the fetched counts: Iran is 2nd in the Middle East in 2024
    let vocab = d.join("metrics.toml");
    std::fs::write(
        &vocab,
        "population = \"sp_pop_totl\"\ndefault_regions = [\"middle_east\"]\ndefault_years = [2024]\n\n[metric.ai_papers]\nname = \"AI papers\"\naliases = [\"AI papers\"]\nvariants = [{ code = \"ai_papers\", label = \"AI papers, whole counts (OpenAlex, fetched)\" }]\n\n[metric.ai_firms]\nname = \"AI firms\"\naliases = [\"AI firms\"]\nvariants = [\n  { code = \"ai_firms\", label = \"AI firms (Wikidata)\", fetch = \"digindex data fetch wikidata:ai_firms --query q.rq\" },\n  { code = \"startups\", label = \"AI start-ups\", fetch = \"digindex data fetch wikidata:startups --query s.rq\" },\n]\n",
    )
    .expect("vocab");
    let check = |claim: &str| -> serde_json::Value {
        let vocab = vocab.to_str().expect("utf8");
        let o = digindex(&["check", "--format", "json", "--data", data, "--vocabulary", vocab, claim]);
        serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)))
    };
    let v = check("IRN ranks 2 in ai_papers among middle_east in 2024");
    let r = &v["claims"][0]["readings"][0];
    assert_eq!((r["status"].as_str(), r["rank"].as_u64(), r["of"].as_u64()), (Some("holds"), Some(2), Some(16)), "{r}");
    assert_eq!(r["subject_value"], 8000.0 + 2024.0);
    // once fetched, the Wikidata variant is read; the one not fetched is named
    let v = check("IRN ranks 1 in AI firms among middle_east in 2025");
    let c = &v["claims"][0];
    assert_eq!(c["readings"][0]["status"].as_str(), Some("holds"), "{c}");
    assert_eq!(c["readings"][0]["subject_value"], 40.0, "{c}");
    assert!(
        c["note"].as_str().is_some_and(|n| n.contains("not read: AI start-ups") && !n.contains("AI firms (Wikidata)")),
        "{c}"
    );
}

#[test]
fn a_claim_variant_waits_for_its_series_to_be_fetched() {
    // the shipped vocabulary's Wikidata variant of "AI firms" is not fetched:
    // the GitHub proxy is read and the verdict says what was not
    let o = crate::util::digindex_in(
        &crate::util::root(),
        &["check", "--format", "json", "Iran ranks 4th in the Middle East for AI firms in 2024"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    let note = v["claims"][0]["note"].as_str().expect("note");
    assert!(note.contains("not read: AI firms by headquarters (Wikidata"), "{note}");
    assert!(note.contains("digindex data fetch wikidata:ai_firms --query data/wikidata/ai_firms.rq"), "{note}");
    assert!(
        v["claims"][0]["readings"]
            .as_array()
            .expect("readings")
            .iter()
            .all(|r| r["metric"] != "ai_firms" || r["variant"].as_str().is_none_or(|x| !x.contains("Wikidata")))
    );
    let list = ok(&crate::util::digindex_in(&crate::util::root(), &["check", "--list"]));
    assert!(list.contains("[ai_firms] not fetched yet: digindex data fetch wikidata:ai_firms"), "{list}");
}
