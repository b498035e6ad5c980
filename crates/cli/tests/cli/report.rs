//! `digindex report` as a user runs it: the report of the Tokyo Statement
//! index carries the same scores, ranks and rank intervals as
//! `digindex build` writes, its downloads agree with it, and a bad spec
//! leaves nothing behind.

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
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(bld.join("manifest.json")).expect("manifest")).expect("json");
    let years: Vec<i64> = manifest["years"].as_array().expect("years").iter().filter_map(|y| y.as_i64()).collect();
    let last = *years.last().expect("a year");
    let p = &m["progress"];
    assert_eq!(p["years"].as_array().map(Vec::len), Some(years.len()));
    // every score and rank of the build's scores.csv: the report shows the
    // latest year whole, and the index and its priorities in every year
    let scores = fs::read_to_string(bld.join("scores.csv")).expect("scores");
    let (mut latest, mut every) = (0, 0);
    let close = |s: &serde_json::Value, v: f64| (s.as_f64().expect("score") - v).abs() <= 1e-9 * v.abs().max(1.0);
    for line in scores.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let (y, code, level): (i64, &str, u32) = (c[1].parse().expect("year"), c[2], c[3].parse().expect("level"));
        let Some(k) = units.iter().position(|u| *u == c[0]) else {
            // ranked in an earlier year only: not in the latest ranking
            assert!(y != last, "{line}");
            continue;
        };
        let t = years.iter().position(|x| *x == y).expect("a year built");
        let value: Option<f64> = c[4].parse().ok().filter(|v: &f64| v.is_finite());
        if y == last {
            match value {
                Some(v) => assert!(close(&m["scores"][code][k], v), "{line}"),
                None => assert!(m["scores"][code][k].is_null(), "{line}"),
            }
            assert_eq!(m["ranks"][code][k].as_u64().map(|r| r.to_string()).unwrap_or_default(), c[5], "{line}");
            latest += 1;
        }
        if level >= 2 {
            match value {
                Some(v) => assert!(close(&p["scores"][code][t][k], v), "{line}"),
                None => assert!(p["scores"][code][t][k].is_null(), "{line}"),
            }
            assert_eq!(p["ranks"][code][t][k].as_u64().map(|r| r.to_string()).unwrap_or_default(), c[5], "{line}");
            every += 1;
        }
    }
    assert_eq!(latest, units.len() * m["nodes"].as_array().map_or(0, Vec::len));
    assert!(every >= years.len() * 7 * 30, "{every}");
    // the same rank intervals (same seed, same runs), every year
    for (t, y) in years.iter().enumerate() {
        let intervals =
            fs::read_to_string(bld.join(y.to_string()).join("audit/rank_intervals.csv")).expect("intervals");
        for line in intervals.lines().skip(1) {
            let c: Vec<&str> = line.split(',').collect();
            let Some(k) = units.iter().position(|u| *u == c[0]) else { continue };
            assert_eq!(p["low"]["Tokyo"][t][k].as_f64(), c[4].parse().ok(), "{y} {line}");
            assert_eq!(p["high"]["Tokyo"][t][k].as_f64(), c[5].parse().ok(), "{y} {line}");
            if *y == last {
                let i = m["intervals"].as_array().expect("intervals").iter().find(|i| i["unit"] == c[0]).expect("unit");
                assert_eq!(i["q05"].as_f64(), c[4].parse().ok(), "{line}");
                assert_eq!(i["q95"].as_f64(), c[5].parse().ok(), "{line}");
            }
        }
    }
    // the same movements as progress.csv
    let progress = fs::read_to_string(bld.join("progress.csv")).expect("progress.csv");
    let mut moves = 0;
    for line in progress.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let (Some(k), Some(t)) =
            (units.iter().position(|u| *u == c[0]), years.iter().position(|y| y.to_string() == c[3]))
        else {
            continue;
        };
        assert_eq!(p["movement"][c[1]][t][k].as_str().unwrap_or_default(), c[14], "{line}");
        moves += usize::from(!c[14].is_empty());
    }
    assert!(moves > 100, "{moves} movements read");
    // the claims the build checks
    let claims: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(bld.join("claims.json")).expect("claims")).expect("json");
    assert_eq!(m["claims"], claims["claims"]);
    // the report's scores.csv: the index first, with the rank interval
    let csv = fs::read_to_string(rep.join("scores.csv")).expect("csv");
    assert!(csv.starts_with("unit,name,Tokyo,Tokyo_rank,"), "{}", &csv[..80]);
    assert!(csv.lines().next().expect("header").ends_with(",rank_q05,rank_q95"));
    // the workbook has a sheet of every year (zip entry names are stored uncompressed)
    let xlsx = fs::read(rep.join("report.xlsx")).expect("xlsx");
    assert!(xlsx.windows(24).any(|w| w == b"xl/worksheets/sheet4.xml"), "no Years sheet");
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
