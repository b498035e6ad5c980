//! COINr 1.1.14's panel example, `build_example_purse()` (ASEM 2018–2022:
//! Screen on Raw by missing data at 0.9, Treat each year, Normalise with
//! `global = TRUE`, Aggregate), against COINr's own outputs vendored in
//! `examples/asem/reference/panel/` (made by `tools/coinr_panel_reference.R`
//! with COINr 1.1.14 installed from its repository; see the README there).
//! digindex builds it from the COINr tables with `data.years`, every stage
//! of every year to 1e-9 relative, ranks exactly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use digindex::build::{Job, Settings};
use digindex_pipeline::Stage;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The command of issue 17, item 7.
const SETS: [&str; 6] = [
    "data.idata=\"ASEM_iData_p.csv\"",
    "data.years=[2018,2019,2020,2021,2022]",
    "denominate.enabled=false",
    "impute.enabled=false",
    "screen.on=\"raw\"",
    "screen.min_coverage=0.9",
];

type Table = (Vec<String>, HashMap<String, HashMap<String, String>>);

/// A reference table of `year`: its columns, and unit → (column → text cell).
fn read_ref(year: i32, name: &str) -> Table {
    let path = root().join(format!("examples/asem/reference/panel/{year}/{name}"));
    let mut rdr = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = rdr.headers().expect("header").iter().map(String::from).collect();
    let mut rows = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let cells = header.iter().zip(rec.iter()).skip(1).map(|(h, c)| (h.clone(), c.to_string())).collect();
        rows.insert(rec[0].to_string(), cells);
    }
    (header.into_iter().skip(1).collect(), rows)
}

fn close(a: f64, b: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    a == b || (a - b).abs() <= 1e-9 * b.abs().max(a.abs())
}

fn number(s: &str) -> f64 {
    if s.is_empty() || s == "NA" { f64::NAN } else { s.parse().expect("a number") }
}

fn built() -> Vec<(i32, digindex_pipeline::Build, digindex_data::Framework)> {
    let sets: Vec<String> = SETS.iter().map(|s| s.to_string()).collect();
    let recipe = digindex::Recipe::read(&root().join("examples/asem/asem.toml"), &sets).expect("a valid spec");
    let settings = Settings { audit: false, ..Settings::default() };
    let Job::Years(b) = digindex::build::run(recipe, &settings, &digindex::Silent).expect("builds") else {
        panic!("several years")
    };
    let fw = b.years[0].1.inputs.framework.clone();
    b.builds.into_iter().map(|(y, build)| (y, build, fw.clone())).collect()
}

#[test]
fn every_stage_of_every_year_matches_coinr() {
    let stages = [Stage::Raw, Stage::Screened, Stage::Treated, Stage::Normalised, Stage::Aggregated];
    let mut checked = 0;
    for (year, build, _) in built() {
        for stage in stages {
            let ds = build.stage(stage);
            let (cols, rows) = read_ref(year, &format!("{}.csv", stage.name()));
            let what = format!("{year} {}", stage.name());
            assert_eq!(ds.units.len(), rows.len(), "{what}: unit count");
            let (mut ours, mut theirs) = (ds.codes.clone(), cols.clone());
            ours.sort();
            theirs.sort();
            assert_eq!(ours, theirs, "{what}: columns");
            for (i, unit) in ds.units.iter().enumerate() {
                let r = rows.get(unit).unwrap_or_else(|| panic!("{what}: unit {unit} not in COINr's"));
                for (j, code) in ds.codes.iter().enumerate() {
                    let (got, want) = (ds.values.get(i, j), number(&r[code]));
                    assert!(close(got, want), "{what} {unit} {code}: digindex {got}, COINr {want}");
                    checked += 1;
                }
            }
        }
    }
    // 5 years × (51 raw + 46 × 3 screened/treated/normalised) × 49 + 46 × 60 aggregated
    assert_eq!(checked, 5 * ((51 + 3 * 46) * 49 + 46 * 60));
}

#[test]
fn ranks_of_every_year_match_coinr_exactly() {
    for (year, build, fw) in built() {
        let (_, rows) = read_ref(year, "ranks.csv");
        let scores = build.scores(&fw);
        assert_eq!(scores.len(), rows.len() * 60, "{year}");
        for s in scores {
            let want = &rows[&s.unit][&s.code];
            let got = s.rank.map(|r| r.to_string()).unwrap_or_default();
            assert!(got == *want || (got.is_empty() && want == "NA"), "{year} {} {}: {got} vs {want}", s.unit, s.code);
        }
    }
}
