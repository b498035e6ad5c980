//! `digindex audit` on the ASEM example and on a catalogue spec over
//! several years: the files it writes, clear errors, byte-identical results
//! whatever the threads, and years audited as `build` builds them.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{digindex, ok, root, run};

#[test]
fn audit_command_writes_every_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("audit");
    let spec = root().join("examples/asem/asem.toml");
    let o = digindex(&[
        "audit",
        spec.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--set",
        "uncertainty.runs=50",
        "--threads",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("300 runs over 4 inputs"), "{stdout}");
    for f in [
        "correlations.csv",
        "cronbach.csv",
        "pca.csv",
        "pca_loadings.csv",
        "pca_weights.toml",
        "indicator_stats.csv",
        "availability.csv",
        "effective_weights.csv",
        "rank_intervals.csv",
        "replications.csv",
        "sensitivity.csv",
        "audit.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let ri = fs::read_to_string(out.join("rank_intervals.csv")).expect("ri");
    assert_eq!(ri.lines().next(), Some("unit,nominal_rank,mean_rank,median_rank,q05,q95,runs"));
    assert_eq!(ri.lines().count(), 52);
    // intervals come from the A and B blocks' runs that did not fail (every
    // unit is ranked in each of them here)
    let reps_text = fs::read_to_string(out.join("replications.csv")).expect("reps");
    let independent = reps_text
        .lines()
        .skip(1)
        .filter(|l| {
            let f: Vec<&str> = l.split(',').collect();
            matches!(f[1], "A" | "B") && f.last().is_some_and(|e| e.is_empty())
        })
        .count();
    assert!(independent > 0);
    assert!(ri.lines().skip(1).all(|l| l.rsplit(',').next() == Some(independent.to_string().as_str())), "{ri}");
    let sens = fs::read_to_string(out.join("sensitivity.csv")).expect("sens");
    assert_eq!(sens.lines().next(), Some("input,first_order,total,first_low,first_high,total_low,total_high"));
    assert_eq!(sens.lines().count(), 5);
    let reps = fs::read_to_string(out.join("replications.csv")).expect("reps");
    assert_eq!(reps.lines().next(), Some("run,block,Winsorisation,Normalisation,Weights,Aggregation,rank_shift,error"));
    assert_eq!(reps.lines().count(), 301);
    let blocks: Vec<&str> = reps.lines().skip(1).map(|l| l.split(',').nth(1).expect("block")).collect();
    assert_eq!((blocks[0], blocks[50], blocks[100], blocks[299]), ("A", "B", "AB:Winsorisation", "AB:Aggregation"));
    // the PCA weight set is a valid spec fragment
    let w: toml::Table = toml::from_str(&fs::read_to_string(out.join("pca_weights.toml")).expect("w")).expect("toml");
    let set = w["weights"]["pca"].as_table().expect("table");
    assert!(set.len() > 40 && set.len() <= 49 + 8 + 2, "{}", set.len());
    assert!(set.values().all(|v| v.as_float().expect("number") >= 0.0), "negative loadings are commented out");
    // byte-identical on a second run with another thread count
    let out2 = dir.path().join("audit2");
    let o = digindex(&[
        "audit",
        spec.to_str().expect("utf8"),
        "--out",
        out2.to_str().expect("utf8"),
        "--set",
        "uncertainty.runs=50",
        "--threads",
        "2",
        "-q",
    ]);
    assert!(o.status.success());
    for f in ["rank_intervals.csv", "replications.csv", "sensitivity.csv", "correlations.csv", "pca.csv"] {
        assert_eq!(fs::read(out.join(f)).expect("a"), fs::read(out2.join(f)).expect("b"), "{f}");
    }
}

#[test]
fn audit_errors_are_clear() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = root().join("examples/asem/asem.toml");
    let out = dir.path().join("a");
    let o = digindex(&[
        "audit",
        spec.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--set",
        "uncertainty.target=\"Indx\"",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("uncertainty.target = \"Indx\" is not a code") && err.contains("did you mean \"Index\""),
        "{err}"
    );
    // the coherence results are still written, the error recorded
    assert!(out.join("correlations.csv").is_file() && !out.join("rank_intervals.csv").exists());
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("audit.json")).expect("json")).expect("json");
    assert!(m["uncertainty_error"].as_str().expect("error").contains("Indx"));
    assert!(!o.status.success());
    let o = digindex(&[
        "audit",
        spec.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--set",
        "uncertainty.input.0.alternatives=[{ \"treat.max_pionts\" = 1 }, { \"treat.max_points\" = 2 }]",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("input \"Winsorisation\", alternative 1") && err.contains("max_pionts"), "{err}");
}

/// A catalogue spec over several years (`data.years`), with an uncertainty
/// analysis: written to DIR/<year>/ for every year.
fn years_spec(dir: &Path) -> PathBuf {
    let text = fs::read_to_string(root().join("examples/apt-connectivity/apt-connectivity.toml")).expect("spec");
    let catalog = root().join("data/catalog.toml");
    let text = text
        .replace("catalog = \"../../data/catalog.toml\"", &format!("catalog = {:?}", catalog.display().to_string()))
        .replace("time = 2022", "years = [2018, 2020, 2022]");
    let spec = dir.join("years.toml");
    let uncertainty = r#"
[uncertainty]
runs = 200
seed = 7

[[uncertainty.input]]
name = "Normalisation"
alternatives = [
  { "normalise.method" = "minmax", "normalise.range" = [0, 100] },
  { "normalise.method" = "zscore", "normalise.mean_sd" = [10, 2] },
]

[[uncertainty.input]]
name = "Weights"
weights_noise = { levels = [1, 2], factor = 0.25, draws = 50 }
"#;
    fs::write(&spec, text + uncertainty).expect("write");
    spec
}

/// unit → rank of `code` in a scores.csv (`unit,code,level,score,rank`).
fn ranks_in(scores: &Path, code: &str) -> std::collections::BTreeMap<String, String> {
    fs::read_to_string(scores)
        .expect("scores")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1] == code).then(|| (f[0].to_string(), f[4].to_string()))
        })
        .collect()
}

#[test]
fn several_years_are_audited_as_built() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = years_spec(dir.path());
    let (built, audited) = (dir.path().join("build"), dir.path().join("audit"));
    let o = digindex(&["build", spec.to_str().expect("utf8"), "-o", built.to_str().expect("utf8"), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = digindex(&["audit", spec.to_str().expect("utf8"), "-o", audited.to_str().expect("utf8")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("audit of 3 years (2018, 2020, 2022)"));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(audited.join("audit.json")).expect("summary")).expect("json");
    assert_eq!(summary["years"], serde_json::json!([2018, 2020, 2022]));
    assert_eq!(summary["normalised_across_years"], true);
    for year in ["2018", "2020", "2022"] {
        // each year's nominal ranks are those of the build over all years
        // (normalised together), not of the year built alone
        let built_ranks = ranks_in(&built.join(year).join("scores.csv"), "Connectivity");
        let intervals = fs::read_to_string(audited.join(year).join("rank_intervals.csv")).expect("intervals");
        let nominal: std::collections::BTreeMap<String, String> = intervals
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0].to_string(), f[1].to_string())
            })
            .collect();
        assert_eq!(nominal, built_ranks, "{year}");
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(audited.join(year).join("audit.json")).expect("audit.json"))
                .expect("json");
        assert_eq!(manifest["year"].to_string(), year);
        assert!(audited.join(year).join("correlations.csv").is_file());
        // `build` audits every year too, the same way
        for file in ["rank_intervals.csv", "replications.csv", "correlations.csv"] {
            assert_eq!(
                fs::read_to_string(built.join(year).join("audit").join(file)).expect("built audit"),
                fs::read_to_string(audited.join(year).join(file)).expect("audit"),
                "{year} {file}"
            );
        }
    }
    // the report shows the last year with the same rank intervals
    let report = dir.path().join("report");
    let o = digindex(&["report", spec.to_str().expect("utf8"), "--out", report.to_str().expect("utf8"), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(report.join("report.json")).expect("json")).expect("model");
    let intervals = fs::read_to_string(audited.join("2022/rank_intervals.csv")).expect("intervals");
    let shown = m["intervals"].as_array().expect("intervals");
    assert_eq!(shown.len(), intervals.lines().count() - 1);
    for (line, i) in intervals.lines().skip(1).zip(shown) {
        let c: Vec<&str> = line.split(',').collect();
        assert_eq!(i["unit"], c[0]);
        for (shown, written) in [(&i["median"], c[3]), (&i["q05"], c[4]), (&i["q95"], c[5])] {
            let (a, b) = (shown.as_f64().expect("number"), written.parse::<f64>().expect("number"));
            assert!((a - b).abs() < 1e-9, "{line}");
        }
    }
    let bare = dir.path().join("bare");
    let o = digindex(&["build", spec.to_str().expect("utf8"), "-o", bare.to_str().expect("utf8"), "--no-audit", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(bare.join("2020/scores.csv").is_file() && !bare.join("2020/audit").exists());
    // diff compares year by year; "before" is the build
    let changes = dir.path().join("diff.csv");
    let stdout = ok(&run("diff", &spec, &changes, &["aggregate.method=\"geometric\"", "normalise.range=[1,100]"], &[]));
    for year in ["2018", "2020", "2022"] {
        assert!(stdout.contains(&format!("{year} Connectivity: ")), "{stdout}");
        let before: std::collections::BTreeMap<String, String> = fs::read_to_string(&changes)
            .expect("csv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[0] == year && f[2] == "Connectivity").then(|| (f[1].to_string(), f[6].to_string()))
            })
            .collect();
        assert_eq!(before, ranks_in(&built.join(year).join("scores.csv"), "Connectivity"), "{year}");
    }
    assert!(fs::read_to_string(&changes).expect("csv").starts_with("year,unit,code,score_before,"));
    let o = digindex(&["diff", spec.to_str().expect("utf8")]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    for year in ["2018", "2020", "2022"] {
        assert!(stdout.contains(&format!("{year} Connectivity: 0 of ")), "{stdout}");
    }
    // years only one side builds are named; a bad code fails before any output
    let o = digindex(&["diff", spec.to_str().expect("utf8"), "--set", "data.years=[2020,2022,2023]"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("note: 2018 only in the before build, not compared"));
    assert!(String::from_utf8_lossy(&o.stderr).contains("note: 2023 only in the after build, not compared"));
    let o = digindex(&["diff", spec.to_str().expect("utf8"), "--code", "Conectivity"]);
    assert!(!o.status.success() && o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean \"Connectivity\""));
    let o = digindex(&["diff", spec.to_str().expect("utf8"), "--set", "data.years=[]", "--set", "data.time=2022"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("compare like with like"));
    // scaled year by year, a year's audit is the audit of that year alone
    let (apart, alone) = (dir.path().join("apart"), dir.path().join("alone"));
    ok(&run("audit", &spec, &apart, &["normalise.across_years=false", "data.years=[2020,2022]"], &["-q"]));
    ok(&run("audit", &spec, &alone, &["normalise.across_years=false", "data.years=[]", "data.time=2020"], &["-q"]));
    for file in ["rank_intervals.csv", "replications.csv", "correlations.csv", "cronbach.csv", "indicator_stats.csv"] {
        let a = fs::read_to_string(apart.join("2020").join(file)).expect("file");
        assert_eq!(a, fs::read_to_string(alone.join(file)).expect("file"), "{file}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(alone.join("audit.json")).expect("audit.json")).expect("json");
    assert!(manifest.get("year").is_none());
    // normalised together (the default), the variants build every year: the
    // intervals differ from those of 2022 built alone
    let alone_2022 = dir.path().join("alone-2022");
    ok(&run("audit", &spec, &alone_2022, &["data.years=[]", "data.time=2022"], &["-q"]));
    assert_ne!(
        fs::read_to_string(audited.join("2022/rank_intervals.csv")).expect("file"),
        fs::read_to_string(alone_2022.join("rank_intervals.csv")).expect("file")
    );
}
