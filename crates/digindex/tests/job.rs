//! The application's jobs on the shipped examples: one `Loaded` whatever
//! the layout (COINr tables, the long layout, the catalogue), the build
//! job's output folder and its typed manifest, and errors with their
//! context chain.

use std::path::{Path, PathBuf};

use digindex::build::{Job, Settings};
use digindex::{Layout, Recipe, Silent};
use digindex_pipeline::Stage;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn recipe(path: &str, sets: &[&str]) -> Recipe {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Recipe::read(&root().join(path), &sets).expect("a valid spec")
}

fn no_audit() -> Settings {
    Settings { audit: false, ..Settings::default() }
}

#[test]
fn the_three_layouts_load_into_one_type() {
    let tables = digindex::load::load(&recipe("examples/asem/asem.toml", &[])).expect("loads");
    let long = digindex::load::load(&recipe("examples/asem-long/asem-long.toml", &[])).expect("loads");
    let catalogue =
        digindex::load::load(&recipe("examples/apt-connectivity/apt-connectivity.toml", &[])).expect("loads");
    assert_eq!((tables.layout, long.layout, catalogue.layout), (Layout::Tables, Layout::Long, Layout::Catalogue));
    // the same data in two layouts build the same index
    let spec = &recipe("examples/asem/asem.toml", &[]).spec;
    let a = digindex_pipeline::build(spec, &tables.inputs).expect("builds");
    let b =
        digindex_pipeline::build(&recipe("examples/asem-long/asem-long.toml", &[]).spec, &long.inputs).expect("builds");
    let (a, b) = (a.stage(Stage::Aggregated), b.stage(Stage::Aggregated));
    assert_eq!(a.units, b.units);
    let top = tables.inputs.framework.top_code().expect("a top aggregate");
    assert_eq!(a.column(top), b.column(top));
    // only the catalogue says where values came from
    assert!(tables.cells.is_none() && tables.picks.is_none() && tables.quality.is_none());
    assert!(catalogue.cells.is_some() && catalogue.picks.is_some() && catalogue.quality.is_some());
    assert!(catalogue.files.len() > 3, "the catalogue and its data files are recorded");
}

#[test]
fn a_build_writes_its_folder_and_a_typed_manifest() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("asem");
    let job = digindex::build::run(recipe("examples/asem/asem.toml", &[]), &no_audit(), &Silent).expect("builds");
    let Job::One(built) = job else { panic!("one year") };
    built.write(&out).expect("writes");
    for f in ["scores.csv", "provenance.csv", "manifest.json", "stages/raw.csv", "stages/aggregated.csv"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let text = std::fs::read_to_string(out.join("manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    // the keys of a build manifest, in the order written (alphabetical)
    let keys: Vec<&str> = m.as_object().expect("an object").keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "codes",
            "digindex_version",
            "index",
            "inputs",
            "log",
            "overrides",
            "provenance",
            "spec",
            "spec_file",
            "stages",
            "units",
            "warnings"
        ]
    );
    assert_eq!(m["stages"].as_array().map(Vec::len), Some(built.build.named_stages().count()));
    assert_eq!(m["units"], built.build.stage(Stage::Aggregated).units.len());
    // every input is listed with its hash
    let inputs = m["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2, "iData and iMeta");
    for i in inputs {
        let path = i["path"].as_str().expect("a path");
        let bytes = std::fs::read(path).expect("the input exists");
        assert_eq!(i["sha256"], digindex_input::sha256_hex(&bytes));
    }
    // the file is the typed manifest's JSON, pretty-printed
    let again = serde_json::to_string_pretty(&built.manifest.to_json().expect("JSON")).expect("text") + "\n";
    assert!(again == text, "manifest.json is not the typed manifest's text");
}

#[test]
fn the_catalogue_manifest_says_what_a_reader_must_know() {
    let job = digindex::build::run(recipe("frameworks/tokyo-statement", &[]), &no_audit(), &Silent).expect("builds");
    let Job::Years(built) = job else { panic!("the flagship is a series") };
    let m = built.manifest.to_json().expect("JSON");
    for key in ["data_picks", "data", "logs", "years", "not_built"] {
        assert!(m.get(key).is_some(), "{key}");
    }
    for (y, rows) in &built.provenance {
        let d = &m["data"][y.to_string()];
        // corrections and findings only on the units ranked that year
        let ranked: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
        for c in d["quality"]["corrections"].as_array().expect("a list") {
            assert!(ranked.contains(c["unit"].as_str().expect("a unit")), "{y}: {c}");
        }
        assert_eq!(d["provenance"]["file"], "provenance.csv");
        let cells: u64 = d["provenance"]["flags"].as_object().expect("flags").values().filter_map(|v| v.as_u64()).sum();
        assert_eq!(cells as usize, rows.len(), "{y}");
    }
    // the claims the spec names were checked
    assert!(!built.verdicts.is_empty());
}

#[test]
fn errors_keep_their_context_chain() {
    let e = Recipe::read(&root().join("examples/asem/asem.toml"), &["normalise.method=\"nope\"".to_string()])
        .expect_err("a bad override");
    let text = digindex::chain(&e);
    assert!(text.contains("asem.toml") && text.contains("normalise.method"), "{text}");
    let e = Recipe::read(Path::new("no/such/spec.toml"), &[]).expect_err("no file");
    assert!(matches!(e, digindex::Error::Input(_)), "{e:?}");
    assert!(e.to_string().contains("no/such/spec.toml"), "{e}");
    // a write into a folder that cannot be made names it
    let job = digindex::build::run(recipe("examples/asem/asem.toml", &[]), &no_audit(), &Silent).expect("builds");
    let Job::One(built) = job else { panic!("one year") };
    let e = built.write(Path::new("/proc/no-such/out")).expect_err("cannot write there");
    assert!(matches!(e, digindex::Error::Context { .. }), "{e:?}");
    assert!(digindex::chain(&e).starts_with("writing /proc/no-such/out: "), "{}", digindex::chain(&e));
}

#[test]
fn a_coinr_panel_builds_every_year_normalised_together() {
    let years = ["data.years=[2018,2020,2022]", "data.idata=\"ASEM_iData_p.csv\"", "denominate.enabled=false"];
    let job = digindex::build::run(recipe("examples/asem/asem.toml", &years), &no_audit(), &Silent).expect("builds");
    let Job::Years(built) = job else { panic!("several years") };
    assert_eq!(built.builds.iter().map(|(y, _)| *y).collect::<Vec<_>>(), [2018, 2020, 2022]);
    for (y, b) in &built.builds {
        // each year's raw data are the panel's rows of that year, as one year alone loads them
        let alone = recipe("examples/asem/asem.toml", &[&format!("data.time={y}"), years[1], years[2]]);
        let loaded = digindex::load::load(&alone).expect("loads");
        let raw = b.stage(Stage::Raw);
        assert_eq!(raw.units, loaded.inputs.raw.units, "{y}");
        // (NaN marks a missing value: compare the printed matrices)
        let same = format!("{:?}", raw.values) == format!("{:?}", loaded.inputs.raw.values);
        assert!(same, "{y}: the raw data differ from the year loaded alone");
    }
    // min-max over the years together: each indicator reaches 0 and 100 in
    // some year, not necessarily in each
    let first = &built.builds[0].1;
    for (j, code) in first.stage(Stage::Normalised).codes.iter().enumerate() {
        let all: Vec<f64> = built
            .builds
            .iter()
            .flat_map(|(_, b)| b.stage(Stage::Normalised).values.col(j).to_vec())
            .filter(|v| !v.is_nan())
            .collect();
        let (lo, hi) = all.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        assert!((lo - 0.0).abs() < 1e-9 && (hi - 100.0).abs() < 1e-9, "{code}: {lo}..{hi}");
    }
}

/// The normalised and aggregated stages of a COINr panel built over `years`.
fn panel(years: &str, extra: &[&str]) -> Vec<(i32, String)> {
    let mut sets = vec![years, "data.idata=\"ASEM_iData_p.csv\"", "denominate.enabled=false"];
    sets.extend_from_slice(extra);
    let job = digindex::build::run(recipe("examples/asem/asem.toml", &sets), &no_audit(), &Silent).expect("builds");
    let Job::Years(built) = job else { panic!("several years") };
    built
        .builds
        .iter()
        .map(|(y, b)| {
            let (n, a) = (b.stage(Stage::Normalised), b.stage(Stage::Aggregated));
            (*y, format!("{:?} {:?} {:?}", n.units, n.values, a.values))
        })
        .collect()
}

#[test]
fn a_reference_period_keeps_earlier_years_when_later_ones_are_added() {
    let reference = "normalise.reference_years=[2018,2019]";
    let three = panel("data.years=[2018,2019,2020]", &[reference]);
    let five = panel("data.years=[2018,2019,2020,2021,2022]", &[reference]);
    assert_eq!(three.len(), 3);
    for (a, b) in three.iter().zip(&five) {
        assert!(a == b, "{}: scores moved when 2021 and 2022 were added", a.0);
    }
    // without a reference period they move (the scale spans every year built)
    let (three, five) =
        (panel("data.years=[2018,2019,2020]", &[]), panel("data.years=[2018,2019,2020,2021,2022]", &[]));
    assert!(three[0] != five[0], "global min-max over more years should rescale 2018");
    // every year as the reference period is plain global normalisation
    let all = panel("data.years=[2018,2019,2020]", &["normalise.reference_years=[2018,2019,2020]"]);
    assert!(all == three, "a reference period of every year differs from global normalisation");
}

#[test]
fn a_reference_period_is_checked() {
    let sets = ["data.years=[2018,2019]", "data.idata=\"ASEM_iData_p.csv\"", "normalise.reference_years=[2017]"];
    let e = digindex::build::run(recipe("examples/asem/asem.toml", &sets), &no_audit(), &Silent).expect_err("2017");
    assert!(e.to_string().contains("reference_years names 2017"), "{e}");
    let sets = ["data.years=[2018,2019]", "data.idata=\"ASEM_iData_p.csv\"", "normalise.reference_years=[2018]"];
    let mut ranks = sets.to_vec();
    ranks.push("normalise.method=\"rank\"");
    let e = digindex::build::run(recipe("examples/asem/asem.toml", &ranks), &no_audit(), &Silent).expect_err("ranks");
    assert!(e.to_string().contains("cannot take its scale from reference years"), "{e}");
    let one_year = ["data.time=2018", "data.idata=\"ASEM_iData_p.csv\"", "normalise.reference_years=[2018]"];
    let sets: Vec<String> = one_year.iter().map(|s| s.to_string()).collect();
    let e = Recipe::read(&root().join("examples/asem/asem.toml"), &sets).expect_err("one year");
    assert!(digindex::chain(&e).contains("needs data.years"), "{e}");
}

#[test]
fn the_flagship_is_a_series_whose_years_stay_put_when_a_later_year_is_added() {
    let series = |sets: &[&str]| {
        let job =
            digindex::build::run(recipe("frameworks/tokyo-statement", sets), &no_audit(), &Silent).expect("builds");
        let Job::Years(b) = job else { panic!("a series") };
        b
    };
    let b = series(&[]);
    let years: Vec<i32> = b.builds.iter().map(|(y, _)| *y).collect();
    assert!(years.len() >= 6 && years[0] == 2019, "{years:?}");
    // the years declared but without data of their own are said, not built
    assert!(b.not_built.iter().any(|(y, share)| *y == 2025 && *share < 0.3), "{:?}", b.not_built);
    // every member that meets the coverage rule is ranked, every year
    for (y, build) in &b.builds {
        let screen = build.log.screen.as_ref().expect("screened");
        let meets: Vec<&str> = screen.units.iter().filter(|u| u.included).map(|u| u.unit.as_str()).collect();
        let agg = build.stage(Stage::Aggregated);
        let col = agg.column("Tokyo").expect("the index");
        let ranked: Vec<&str> =
            agg.units.iter().zip(col).filter(|(_, s)| s.is_finite()).map(|(u, _)| u.as_str()).collect();
        assert_eq!(ranked, meets, "{y}");
        assert!(ranked.len() >= 30, "{y}: {} ranked", ranked.len());
    }
    // a year added after the reference period moves no earlier score: 2024
    // added to 2019-2023 with the scale of 2019-2023; on a scale of all the
    // years built (COINr's global normalisation) the same addition does
    let scores_of = |sets: &[&str]| -> Vec<(i32, digindex_data::DataSet)> {
        series(sets).builds.iter().map(|(y, b)| (*y, b.stage(Stage::Aggregated).clone())).collect()
    };
    let same = |a: &[(i32, digindex_data::DataSet)], c: &[(i32, digindex_data::DataSet)]| {
        a.iter().zip(c).all(|((y, a), (y2, c))| {
            y == y2
                && (&a.units, &a.codes) == (&c.units, &c.codes)
                && (0..a.codes.len())
                    .all(|j| a.values.col(j).iter().zip(c.values.col(j)).all(|(x, z)| x.to_bits() == z.to_bits()))
        })
    };
    let five = "data.years=[2019,2020,2021,2022,2023]";
    let six = "data.years=[2019,2020,2021,2022,2023,2024]";
    let fixed = "normalise.reference_years=[2019,2020,2021,2022,2023]";
    assert!(same(&scores_of(&[five, fixed]), &scores_of(&[six, fixed])), "scores moved when 2024 was added");
    let global = "normalise.reference_years=[]";
    assert!(!same(&scores_of(&[five, global]), &scores_of(&[six, global])), "the test cannot tell");
    // the progress read: every ranked member in every year, changes from 2019
    let p = &b.progress;
    assert_eq!((p.first, p.baseline, p.baseline_pending), (2019, None, Some(2025)));
    let last = p.ranking("Tokyo", p.last);
    assert!(last.iter().all(|r| r.rank_low.is_none()), "no audit, no intervals, no movement read");
    assert!(last.iter().filter(|r| r.change_first.is_some()).count() >= 30);
    assert!(!p.targets.is_empty() && !p.movers.is_empty());
}
