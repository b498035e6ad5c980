//! `digindex report` as a user runs it: the report of the Tokyo Statement
//! index carries the same scores, ranks and rank intervals as
//! `digindex build` writes, its downloads agree with it, and a bad spec
//! leaves nothing behind.

use std::collections::BTreeMap;
use std::fs;

use crate::util::{digindex_in, root};

#[test]
fn report_agrees_with_build() {
    let dir = tempfile::tempdir().expect("tmp");
    let (rep, bld) = (dir.path().join("report"), dir.path().join("build"));
    let o = digindex_in(&root(), &["report", "frameworks/tokyo-statement", "--out", rep.to_str().expect("utf8"), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = digindex_in(&root(), &["build", "frameworks/tokyo-statement", "--out", bld.to_str().expect("utf8"), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["report.html", "report.xlsx", "scores.csv", "report.json"] {
        assert!(rep.join(f).is_file(), "{f}");
    }
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(rep.join("report.json")).expect("json")).expect("model");
    let units: Vec<&str> = m["units"].as_array().expect("units").iter().filter_map(|u| u["code"].as_str()).collect();
    // the units the build ranks (those that pass screening on observed data)
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(bld.join("manifest.json")).expect("manifest")).expect("json");
    let ranked = manifest["units"].as_u64().expect("units") as usize;
    assert!(ranked > 25 && ranked <= 38, "{ranked}");
    assert_eq!(units.len(), ranked);
    // every score and rank of the build's scores.csv
    let scores = fs::read_to_string(bld.join("scores.csv")).expect("scores");
    let mut n = 0;
    for line in scores.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let k = units.iter().position(|u| *u == c[0]).expect("unit in report");
        let s = &m["scores"][c[1]][k];
        match c[3].parse::<f64>() {
            Ok(v) if v.is_finite() => {
                assert!((s.as_f64().expect("score") - v).abs() <= 1e-9 * v.abs().max(1.0), "{line}")
            }
            _ => assert!(s.is_null(), "{line}"),
        }
        assert_eq!(m["ranks"][c[1]][k].as_u64().map(|r| r.to_string()).unwrap_or_default(), c[4], "{line}");
        n += 1;
    }
    assert_eq!(n, ranked * m["nodes"].as_array().map_or(0, Vec::len));
    // the same rank intervals (same seed, same runs)
    let intervals = fs::read_to_string(bld.join("audit/rank_intervals.csv")).expect("intervals");
    let by_unit: BTreeMap<&str, &serde_json::Value> =
        m["intervals"].as_array().expect("intervals").iter().filter_map(|i| Some((i["unit"].as_str()?, i))).collect();
    for line in intervals.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let i = by_unit[c[0]];
        assert_eq!(i["q05"].as_f64(), c[4].parse().ok(), "{line}");
        assert_eq!(i["q95"].as_f64(), c[5].parse().ok(), "{line}");
    }
    // the claims the build checks
    let claims: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(bld.join("claims.json")).expect("claims")).expect("json");
    assert_eq!(m["claims"], claims["claims"]);
    // the report's scores.csv: the index first, with the rank interval
    let csv = fs::read_to_string(rep.join("scores.csv")).expect("csv");
    assert!(csv.starts_with("unit,name,Tokyo,Tokyo_rank,"), "{}", &csv[..80]);
    assert!(csv.lines().next().expect("header").ends_with(",rank_q05,rank_q95"));
    // a self-contained page
    let html = fs::read_to_string(rep.join("report.html")).expect("html");
    assert!(!html.contains("<script src") && !html.contains("<link"));
    // a second run replaces the folder
    let o = digindex_in(&root(), &["report", "frameworks/tokyo-statement", "--out", rep.to_str().expect("utf8"), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn bad_spec_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("r");
    let o = digindex_in(
        &root(),
        &[
            "report",
            "frameworks/tokyo-statement",
            "--set",
            "normalise.method=\"zcore\"",
            "--out",
            out.to_str().expect("utf8"),
        ],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("zcore") && err.contains("zscore"), "{err}");
    assert!(!out.exists());
}
