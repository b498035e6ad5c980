//! `digindex build` as a user runs it: outputs, overrides, and bad input
//! (clear message naming file, line and column; non-zero exit; nothing
//! written).

use std::fs;
use std::path::Path;
use std::process::Output;

use crate::util::{digindex, root, run, stderr};

/// `digindex build SPEC --out OUT [--set S]... [extra]...`
fn build(spec: &Path, out: &Path, sets: &[&str], extra: &[&str]) -> Output {
    run("build", spec, out, sets, extra)
}

/// A copy of an example in a temporary directory, to break at will.
fn example(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for e in fs::read_dir(root().join("examples").join(name)).expect("example") {
        let e = e.expect("entry");
        // the example's files (not the folder of COINr's reference outputs)
        if e.path().is_file() {
            fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy");
        }
    }
    dir
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let s = fs::read_to_string(path).expect("read");
    fs::write(path, f(s)).expect("write");
}

/// Runs a build expected to fail; checks the message and that nothing was written.
fn fails(dir: &Path, spec: &str, sets: &[&str], expect: &[&str]) {
    let out = dir.join("out");
    let o = build(&dir.join(spec), &out, sets, &[]);
    let err = stderr(&o);
    assert!(!o.status.success(), "expected failure, got success; stderr: {err}");
    for e in expect {
        assert!(err.contains(e), "stderr lacks {e:?}:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists(), "no output on failure");
    let leftovers: Vec<_> = fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".digindex"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn builds_the_example_with_all_outputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("asem");
    let spec = root().join("examples/asem/asem.toml");
    let o = build(&spec, &out, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("CHE 68.38, NLD 64.82, DNK 64.80, NOR 64.47, BEL 63.54"), "{stdout}");
    for stage in ["raw", "denominated", "imputed", "screened", "treated", "normalised", "aggregated"] {
        let text = fs::read_to_string(out.join(format!("stages/{stage}.csv"))).expect("stage file");
        let header = text.lines().next().expect("header");
        assert!(header.starts_with("unit,LPI,Flights,Ship"), "{stage}: {header}");
        assert_eq!(text.lines().count(), 52, "{stage}: header + 51 units");
    }
    let agg = fs::read_to_string(out.join("stages/aggregated.csv")).expect("aggregated");
    assert!(
        agg.lines()
            .next()
            .expect("header")
            .ends_with("Physical,ConEcFin,Political,Instit,P2P,Environ,Social,SusEcFin,Conn,Sust,Index")
    );
    // raw keeps missing cells empty
    let raw = fs::read_to_string(out.join("stages/raw.csv")).expect("raw");
    assert!(raw.contains(",,"), "missing values are empty fields");
    let scores = fs::read_to_string(out.join("scores.csv")).expect("scores");
    let mut lines = scores.lines();
    assert_eq!(lines.next(), Some("unit,code,level,score,rank"));
    assert_eq!(scores.lines().count(), 1 + 51 * 60);
    let che = scores.lines().find(|l| l.starts_with("CHE,Index,4,")).expect("CHE index row");
    assert!(che.ends_with(",1"), "{che}");
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(m["digindex_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["spec"]["impute"]["method"], "group_mean");
    assert_eq!(m["spec"]["normalise"]["range"][1], 100.0);
    let inputs = m["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    for i in inputs {
        assert_eq!(i["sha256"].as_str().expect("hash").len(), 64);
    }
    assert_eq!(m["log"]["impute"]["imputed"].as_array().expect("cells").len(), 65);
    assert_eq!(m["log"]["screen"]["removed"].as_array().expect("removed").len(), 0);
    let winsorised: Vec<&str> = m["log"]["treat"]["indicators"]
        .as_array()
        .expect("treat log")
        .iter()
        .filter(|r| r["winsorised"].as_u64().unwrap_or(0) > 0)
        .map(|r| r["code"].as_str().expect("code"))
        .collect();
    assert_eq!(winsorised.len(), 15, "{winsorised:?}");
    let eff: f64 = m["log"]["weights"]
        .as_array()
        .expect("weights")
        .iter()
        .filter(|w| w["level"] == 1)
        .map(|w| w["effective"].as_f64().expect("effective"))
        .sum();
    assert!((eff - 1.0).abs() < 1e-12, "effective indicator weights sum to 1: {eff}");

    // a second build replaces the first as a whole, and overrides land in the manifest
    let o = build(&spec, &out, &["normalise.method=\"zscore\""], &["--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(m["spec"]["normalise"]["method"], "zscore");
    assert_eq!(m["overrides"][0], "normalise.method=\"zscore\"");
}

#[test]
fn long_layout_gives_the_same_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let spec_a = root().join("examples/asem/asem.toml");
    let spec_b = root().join("examples/asem-long/asem-long.toml");
    for (spec, out) in [(&spec_a, &a), (&spec_b, &b)] {
        let o = build(spec, out, &[], &["-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in ["scores.csv", "stages/raw.csv", "stages/treated.csv", "stages/aggregated.csv"] {
        assert_eq!(fs::read(a.join(f)).expect("a"), fs::read(b.join(f)).expect("b"), "{f}");
    }
}

#[test]
fn failed_build_keeps_the_previous_output() {
    let dir = example("asem");
    let out = dir.path().join("out");
    let spec = dir.path().join("asem.toml");
    let ok = build(&spec, &out, &[], &["-q"]);
    assert!(ok.status.success());
    let before = fs::read(out.join("scores.csv")).expect("scores");
    let bad = build(&spec, &out, &["aggregate.method=\"geometric\""], &[]);
    assert!(!bad.status.success());
    assert_eq!(fs::read(out.join("scores.csv")).expect("scores"), before);
    // and refuses to replace a directory that is not a digindex output
    let other = dir.path().join("mine");
    fs::create_dir(&other).expect("mkdir");
    fs::write(other.join("notes.txt"), "keep me").expect("write");
    let o = build(&spec, &other, &[], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a digindex output"), "{}", stderr(&o));
    assert!(other.join("notes.txt").exists());
    // a folder that merely holds a manifest.json or audit.json (a web app's) is not one either
    let app = dir.path().join("app");
    fs::create_dir_all(app.join("src")).expect("mkdir");
    fs::write(app.join("manifest.json"), r#"{"name": "my app", "start_url": "/"}"#).expect("write");
    fs::write(app.join("audit.json"), "{}").expect("write");
    fs::write(app.join("README.md"), "keep me").expect("write");
    let o = build(&spec, &app, &[], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a digindex output"), "{}", stderr(&o));
    assert!(app.join("README.md").exists() && app.join("src").is_dir());
    // digindex's own output carries the marker and is replaced
    assert!(out.join(".digindex-output").is_file());
    assert!(build(&spec, &out, &[], &["-q"]).status.success());
}

#[test]
fn spec_errors_name_the_key_and_suggest() {
    let dir = example("asem");
    edit(&dir.path().join("asem.toml"), |s| s.replace("max_points = 5", "max_pionts = 5"));
    fails(
        dir.path(),
        "asem.toml",
        &[],
        &["asem.toml", "unknown field `max_pionts`", "did you mean \"max_points\"", "line"],
    );
    let dir = example("asem");
    fails(dir.path(), "asem.toml", &["normalise.method=\"zscor\""], &["did you mean \"zscore\""]);
    fails(dir.path(), "asem.toml", &["aggregate.weights=\"expert\""], &["not a weight set"]);
    fails(
        dir.path(),
        "asem.toml",
        &["treat.indicators.Flightz.method=\"none\""],
        &["Flightz", "did you mean \"Flights\""],
    );
}

#[test]
fn csv_errors_name_file_line_and_column() {
    let dir = example("asem");
    edit(&dir.path().join("ASEM_iData.csv"), |s| s.replacen("4.097985", "4.09x", 1));
    fails(dir.path(), "asem.toml", &[], &["ASEM_iData.csv, line 2, column \"LPI\": expected a number", "\"4.09x\""]);

    let dir = example("asem");
    edit(&dir.path().join("ASEM_iData.csv"), |s| {
        let mut l: Vec<String> = s.lines().map(String::from).collect();
        l[3] = l[3].rsplit_once(',').expect("comma").0.to_string();
        l.join("\n") + "\n"
    });
    fails(dir.path(), "asem.toml", &[], &["ASEM_iData.csv, line 4", "fields but the header has 60"]);

    let dir = example("asem");
    edit(&dir.path().join("ASEM_iData.csv"), |s| s.replacen("\"BEL\"", "\"AUT\"", 1));
    fails(dir.path(), "asem.toml", &[], &["line 3", "duplicate unit code \"AUT\" (also on line 2)"]);

    let dir = example("asem");
    edit(&dir.path().join("ASEM_iData.csv"), |s| s.replacen(",LPI,", ",LPX,", 1));
    fails(dir.path(), "asem.toml", &[], &["column \"LPX\" is not in iMeta", "did you mean \"LPI\""]);

    let dir = example("asem");
    edit(&dir.path().join("ASEM_iMeta.csv"), |s| s.replacen("\"LPI\"", "\"LPX\"", 1));
    fails(dir.path(), "asem.toml", &[], &["not in iMeta"]);

    let dir = example("asem");
    edit(&dir.path().join("ASEM_iMeta.csv"), |s| {
        s.replacen("\"Physical\",\"Indicator\"", "\"Physicl\",\"Indicator\"", 1)
    });
    fails(
        dir.path(),
        "asem.toml",
        &[],
        &["ASEM_iMeta.csv, line 2, column \"Parent\"", "\"Physicl\" is not a code", "did you mean \"Physical\""],
    );
}

#[test]
fn framework_errors_in_the_long_layout() {
    let dir = example("asem-long");
    edit(&dir.path().join("framework.csv"), |s| s.replace("Conn,Connectivity,Index,3", "Conn,Connectivity,Physical,3"));
    fails(dir.path(), "asem-long.toml", &[], &["framework.csv"]);

    let dir = example("asem-long");
    // a cycle: Index's parent becomes Conn (levels left out so they are inferred)
    edit(&dir.path().join("framework.csv"), |s| {
        let s = s.replace("Index,Sustainable Connectivity,,4", "Index,Sustainable Connectivity,Conn,");
        let s = s.replace("Conn,Connectivity,Index,3", "Conn,Connectivity,Index,");
        s.replace("Sust,Sustainability,Index,3", "Sust,Sustainability,Index,")
    });
    fails(dir.path(), "asem-long.toml", &[], &["framework.csv, line", "cycle"]);

    let dir = example("asem-long");
    edit(&dir.path().join("values.csv"), |s| s + "AUT,Nope,1\n");
    fails(
        dir.path(),
        "asem-long.toml",
        &[],
        &["values.csv, line 2501, column \"indicator\"", "\"Nope\" is not an indicator"],
    );

    let dir = example("asem-long");
    edit(&dir.path().join("values.csv"), |s| {
        s.lines().filter(|l| !l.contains(",LPI,")).collect::<Vec<_>>().join("\n") + "\n"
    });
    fails(dir.path(), "asem-long.toml", &[], &["indicator LPI is in the framework but has no rows"]);

    let dir = example("asem-long");
    edit(&dir.path().join("values.csv"), |s| s + "AUT,LPI,4\n");
    fails(dir.path(), "asem-long.toml", &[], &["line 2501", "second value for LPI (first on line 2)"]);
}

#[test]
fn method_errors_are_clear() {
    let dir = example("asem");
    // a constant indicator under min-max
    edit(&dir.path().join("ASEM_iData.csv"), |s| {
        let mut out = Vec::new();
        for (i, l) in s.lines().enumerate() {
            let mut cells: Vec<String> = l.split(',').map(String::from).collect();
            if i > 0 {
                cells[11] = "3".into(); // LPI
            }
            out.push(cells.join(","));
        }
        out.join("\n") + "\n"
    });
    fails(dir.path(), "asem.toml", &["treat.enabled=false"], &["normalise: indicator LPI: all values equal"]);

    let dir = example("asem");
    fails(dir.path(), "asem.toml", &["aggregate.method=\"harmonic\""], &["harmonic mean needs values > 0"]);
    fails(
        dir.path(),
        "asem.toml",
        &["normalise.method=\"dist2ref\"", "normalise.ref_unit=\"XXX\""],
        &["ref_unit = \"XXX\" is not a unit"],
    );
    fails(
        dir.path(),
        "asem.toml",
        &["aggregate.weights=\"zero\"", "weights.zero.Conn=0", "weights.zero.Sust=0"],
        &["children of Index (Conn, Sust) sum to zero"],
    );
    fails(
        dir.path(),
        "asem.toml",
        &["aggregate.methods=[\"geometric\"]"],
        &["1 entries but the framework has 3 levels"],
    );
    fails(dir.path(), "asem.toml", &["data.time=2019"], &["no rows with Time = 2019; the data hold 2018"]);
}

#[test]
fn panel_data_needs_a_time_point() {
    let dir = example("asem");
    fails(
        dir.path(),
        "asem.toml",
        &["data.idata=\"ASEM_iData_p.csv\""],
        &["several time points (2018, 2019, 2020, 2021, 2022)", "data.time"],
    );
    let out = dir.path().join("out");
    let spec = dir.path().join("asem.toml");
    let o = build(&spec, &out, &["data.idata=\"ASEM_iData_p.csv\"", "data.time=2020"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let raw = fs::read_to_string(out.join("stages/raw.csv")).expect("raw");
    assert_eq!(raw.lines().count(), 52);
}

#[test]
fn nonzero_exit_and_message_for_missing_files() {
    let o = digindex(&["build", "/nonexistent/spec.toml", "--out", "/tmp/x"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("/nonexistent/spec.toml: cannot read the spec file"), "{}", stderr(&o));
    let dir = example("asem");
    fs::remove_file(dir.path().join("ASEM_iMeta.csv")).expect("rm");
    fails(dir.path(), "asem.toml", &[], &["ASEM_iMeta.csv: cannot read the iMeta file"]);
}

#[test]
fn mixed_data_layouts_are_rejected() {
    let dir = example("asem");
    fails(dir.path(), "asem.toml", &["data.units=\"units.csv\""], &["remove data.framework, data.units"]);
    fails(dir.path(), "asem.toml", &["data.values=\"v.csv\""], &["[data] needs either idata + imeta"]);
}

#[test]
fn long_layout_time_points() {
    let dir = example("asem-long");
    edit(&dir.path().join("values.csv"), |s| {
        let mut out = String::from("unit,indicator,value,time\n");
        for l in s.lines().skip(1) {
            out.push_str(&format!("{l},2018\n{l},2019\n"));
        }
        out
    });
    fails(dir.path(), "asem-long.toml", &[], &["several time points (2018, 2019)", "data.time"]);
    fails(dir.path(), "asem-long.toml", &["data.time=2030"], &["no rows with time = 2030; the values hold 2018, 2019"]);
    let o = build(&dir.path().join("asem-long.toml"), &dir.path().join("out"), &["data.time=2019"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = example("asem-long");
    fails(
        dir.path(),
        "asem-long.toml",
        &["data.time=2019"],
        &["data.time = 2019 is set but the values table has no time column"],
    );
}

#[test]
fn long_layout_unit_and_denominator_checks() {
    let dir = example("asem-long");
    edit(&dir.path().join("values.csv"), |s| s.replacen("AUT,LPI", "A UT,LPI", 1));
    fails(
        dir.path(),
        "asem-long.toml",
        &[],
        &["values.csv, line 2, column \"unit\": unit codes may not contain spaces"],
    );
    let dir = example("asem-long");
    edit(&dir.path().join("units.csv"), |s| s.replacen(",Population", ",Pop", 1));
    fails(
        dir.path(),
        "asem-long.toml",
        &[],
        &["units.csv", "divided by \"Population\", but the units table has no column"],
    );
}

#[test]
fn index_on_the_shipped_catalogue() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("apt");
    let spec = root().join("examples/apt-connectivity/apt-connectivity.toml");
    let o = build(&spec, &out, &[], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cell = |stage: &str, unit: &str, code: &str| -> String {
        let text = fs::read_to_string(out.join(format!("stages/{stage}.csv"))).expect("stage");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let j = header.iter().position(|h| *h == code).expect("column");
        let row = lines.find(|l| l.starts_with(&format!("{unit},"))).expect("unit row");
        row.split(',').nth(j).expect("cell").to_string()
    };
    // raw values are the files' values for the reference year
    assert_eq!(cell("raw", "JPN", "internet_users"), "84.9234");
    assert_eq!(cell("raw", "JPN", "github_developers"), "2324953");
    // per-capita computed from the catalogue's population (millions)
    let per_million: f64 = cell("denominated", "JPN", "github_developers").parse().expect("number");
    assert!((per_million - 2324953.0 / 123.951692).abs() < 1e-6);
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(m["data_picks"]["sdg_4g_coverage"]["rule"], "interpolate");
    assert_eq!(m["data_picks"]["internet_users"]["max_age"], 3);
    // a year with no data under an exact rule leaves the cells missing, and says so
    let o = build(&spec, &dir.path().join("bad"), &["data.rules.internet_users.rule=\"exact\"", "data.time=2030"], &[]);
    assert!(!o.status.success());
    // a region set of one's own: a CSV of codes or names
    let mine = dir.path().join("mine.csv");
    fs::write(&mine, "iso3\nIran\nJapan\nKOR\nIndia\n").expect("write");
    let set = format!("data.region={:?}", mine.to_str().expect("utf8"));
    let o = build(&spec, &dir.path().join("mine"), &[set.as_str()], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let raw = fs::read_to_string(dir.path().join("mine/stages/raw.csv")).expect("raw");
    let units: Vec<&str> = raw.lines().skip(1).map(|l| &l[..3]).collect();
    assert_eq!(units, ["IND", "IRN", "JPN", "KOR"]);
    fs::write(&mine, "iso3\nIran\nAtlantis\n").expect("write");
    let o = build(&spec, &dir.path().join("mine2"), &[set.as_str()], &[]);
    assert!(stderr(&o).contains("line 3: unknown country \"Atlantis\""), "{}", stderr(&o));
    // unknown catalogue codes are named
    let o = build(&spec, &dir.path().join("bad2"), &["framework.0.code=\"internet_user\""], &[]);
    assert!(
        stderr(&o).contains("\"internet_user\" is not a catalogue indicator")
            && stderr(&o).contains("did you mean \"internet_users\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn several_years_normalised_together() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("years");
    let spec = root().join("examples/apt-connectivity/apt-connectivity.toml");
    let o = build(&spec, &out, &["data.years=[2016, 2022]"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("2016/stages/normalised.csv").is_file() && out.join("2022/scores.csv").is_file());
    let text = fs::read_to_string(out.join("scores.csv")).expect("scores");
    assert_eq!(text.lines().next(), Some("unit,year,code,level,score,rank"));
    let scores = |year: &str| -> Vec<f64> {
        text.lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[1] == year && c[2] == "internet_users" && !c[4].is_empty())
            .map(|c| c[4].parse().expect("number"))
            .collect()
    };
    let (a, b) = (scores("2016"), scores("2022"));
    let max = |v: &[f64]| v.iter().cloned().fold(f64::MIN, f64::max);
    let min = |v: &[f64]| v.iter().cloned().fold(f64::MAX, f64::min);
    // one min-max over both years: the extremes are shared, not repeated per year
    assert_eq!(min(&a).min(min(&b)), 0.0);
    assert_eq!(max(&a).max(max(&b)), 100.0);
    assert!(max(&a) < 100.0, "2016's best is below 2022's best on the common scale");
    // ranks are within each year
    let ranks: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| l.contains(",2016,Connectivity,"))
        .map(|l| l.rsplit(',').next().expect("rank"))
        .collect();
    assert!(ranks.contains(&"1"));
    // per-year normalisation is one setting away; 2016 has no GitHub data
    // (the source starts in 2020): the indicator is absent that year, said
    // in the manifest, and its weight goes to the rest of its pillar
    let sep0 = dir.path().join("sep0");
    let o = build(&spec, &sep0, &["data.years=[2016, 2022]", "normalise.across_years=false"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(sep0.join("manifest.json")).expect("manifest")).expect("json");
    assert_eq!(m["logs"]["2016"]["log"]["absent"], serde_json::json!(["github_developers"]), "{}", m["logs"]["2016"]);
    assert!(m["logs"]["2022"]["log"].get("absent").is_none());
    let warned = m["logs"]["2016"]["warnings"].as_array().expect("warnings");
    assert!(warned.iter().any(|w| w.as_str().is_some_and(|w| w.contains("github_developers (in "))), "{warned:?}");
    // absent in every year built: nothing to build on, an error
    let o = build(&spec, &dir.path().join("sep1"), &["data.years=[2015, 2016]"], &[]);
    assert!(stderr(&o).contains("github_developers has no value for any unit in any year built"), "{}", stderr(&o));
    let o =
        build(&spec, &dir.path().join("sep"), &["data.years=[2020, 2022]", "normalise.across_years=false"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let sep = fs::read_to_string(dir.path().join("sep/2020/stages/normalised.csv")).expect("normalised");
    assert!(sep.contains(",100,") || sep.contains(",100\n"), "each year scaled to its own maximum");
}

/// The Index column of a single-year build's scores.csv (unit → score).
fn index_scores(out: &Path) -> Vec<(String, String)> {
    let text = fs::read_to_string(out.join("scores.csv")).expect("scores");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
        .filter(|c| c[1] == "Index")
        .map(|c| (c[0].clone(), c[3].clone()))
        .collect()
}

#[test]
fn overflow_gives_a_right_number_or_an_error_never_a_silent_gap() {
    let dir = example("asem");
    // settings whose arithmetic overflows are errors naming the setting or
    // the unit, not empty scores with exit 0
    fails(dir.path(), "asem.toml", &["normalise.range=[-1e308, 1e308]"], &["wider than the largest number"]);
    fails(
        dir.path(),
        "asem.toml",
        &["normalise.method=\"zscore\"", "normalise.mean_sd=[1e308, 1e308]"],
        &["normalise: indicator", "overflows"],
    );
    // a generalised mean with p = 200 on [0, 100] scores: every unit scored,
    // each between its lowest and highest pillar
    let out = dir.path().join("genmean");
    let o =
        build(&dir.path().join("asem.toml"), &out, &["aggregate.method=\"generalised\"", "aggregate.p=200"], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let scores = index_scores(&out);
    assert_eq!(scores.len(), 51, "every unit has an Index score");
    for (u, s) in &scores {
        let v: f64 = s.parse().unwrap_or_else(|_| panic!("{u}: Index {s:?}"));
        assert!(v > 0.0 && v <= 100.0, "{u}: {v}");
    }
    // cells of ±1e308 are data like any other (Winsorised here), not empty
    // scores; 1e-400, which would read as 0, is refused
    edit(&dir.path().join("ASEM_iData.csv"), |s| {
        s.replacen(",4.097985,", ",1e308,", 1).replacen(",4.108538,", ",-1e308,", 1)
    });
    let out = dir.path().join("huge");
    let o = build(&dir.path().join("asem.toml"), &out, &[], &["-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(index_scores(&out).iter().all(|(_, s)| s.parse::<f64>().is_ok_and(f64::is_finite)));
    // one high outlier of 1e308 fails the skew check; Box-Cox squares it
    edit(&dir.path().join("ASEM_iData.csv"), |s| s.replacen(",-1e308,", ",4.108538,", 1));
    fails(
        dir.path(),
        "asem.toml",
        &["treat.method=\"boxcox\"", "treat.lambda=2", "treat.fallback=\"none\""],
        &["indicator LPI: the Boxcox transform with lambda = 2 turns", "overflows"],
    );
    edit(&dir.path().join("ASEM_iData.csv"), |s| s.replacen(",1e308,", ",1e-400,", 1));
    fails(dir.path(), "asem.toml", &[], &["ASEM_iData.csv, line 2, column \"LPI\": \"1e-400\" is too small"]);
}
