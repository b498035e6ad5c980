//! `digindex audit` and `digindex diff` on the ASEM example: coherence
//! checked against independent computations, the uncertainty engine's
//! invariants (dummy inputs, determinism across threads, failures by
//! cause), and the output files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use digindex_audit::{coherence, uncertainty};
use digindex_build::{Inputs, Spec, Stage};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(sets: &[&str]) -> (Spec, Inputs) {
    let spec_path = root().join("examples/asem/asem.toml");
    let text = fs::read_to_string(&spec_path).expect("spec");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let spec = Spec::parse(&text, &sets).expect("valid spec");
    let loaded = digindex_io::load(&spec, &spec_path).expect("inputs");
    (spec, loaded.inputs)
}

fn col<'a>(ds: &'a digindex_data::DataSet, code: &str) -> &'a [f64] {
    ds.column(code).expect("column")
}

#[test]
fn coherence_matches_independent_formulas_on_asem() {
    let (spec, inputs) = load(&[]);
    let b = digindex_build::build(&spec, &inputs).expect("build");
    let agg = b.stage(Stage::Aggregated);
    let fw = &inputs.framework;
    // Pearson of LPI with its parent Physical, from the textbook formula
    let (x, y) = (col(agg, "LPI"), col(agg, "Physical"));
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let r = cov
        / (x.iter().map(|a| (a - mx).powi(2)).sum::<f64>() * y.iter().map(|b| (b - my).powi(2)).sum::<f64>()).sqrt();
    let cs = coherence::correlations(agg, fw, 0.9, -0.4);
    let c = cs.iter().find(|c| c.code == "LPI" && c.with == "Physical").expect("LPI-Physical");
    assert!((c.pearson - r).abs() < 1e-12, "{} vs {r}", c.pearson);
    assert_eq!(c.n, 51);
    assert!(c.pearson_p < 0.05);
    // every indicator and aggregate below the top has a parent row; siblings pair up
    let parents = cs.iter().filter(|c| c.relation == "parent").count();
    assert_eq!(parents, 49 + 8 + 2);
    let siblings: usize = (2..=4)
        .flat_map(|l| fw.level(l))
        .map(|&a| {
            let k = fw.node(a).children.len();
            k * (k - 1) / 2
        })
        .sum();
    assert_eq!(cs.len(), parents + siblings);
    // Cronbach's alpha of Physical: with complete data it equals
    // k/(k-1) (1 - Σ var_i / var(Σ x_i))
    let kids: Vec<&[f64]> =
        fw.node(fw.index_of("Physical").expect("node")).children.iter().map(|&i| col(agg, &fw.node(i).code)).collect();
    let var = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
    };
    let k = kids.len() as f64;
    let total: Vec<f64> = (0..51).map(|u| kids.iter().map(|c| c[u]).sum()).collect();
    let alpha = k / (k - 1.0) * (1.0 - kids.iter().map(|c| var(c)).sum::<f64>() / var(&total));
    let a = coherence::alphas(agg, fw).into_iter().find(|a| a.code == "Physical").expect("alpha");
    assert!((a.alpha - alpha).abs() < 1e-12, "{} vs {alpha}", a.alpha);
    // PCA: shares sum to 1, first is largest, PC1 is an eigenvector of the correlation matrix
    for p in coherence::pcas(agg, fw) {
        assert!((p.variance_shares.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{}", p.code);
        assert!(p.variance_shares.windows(2).all(|w| w[0] >= w[1] - 1e-15));
        let m = p.children.len();
        let cols: Vec<&[f64]> = p.children.iter().map(|c| col(agg, c)).collect();
        let lambda = p.variance_shares[0] * m as f64;
        for i in 0..m {
            let rv: f64 = (0..m).map(|j| coherence::pearson(cols[i], cols[j]).0 * p.loadings[j][0]).sum();
            assert!((rv - lambda * p.loadings[i][0]).abs() < 1e-9, "{}: R v != λ v", p.code);
        }
    }
    // effective weights sum to 1 at every level
    for level in 1..=fw.max_level() {
        let s: f64 = b.log.weights.iter().filter(|w| w.level == level).map(|w| w.effective.expect("weighted")).sum();
        assert!((s - 1.0).abs() < 1e-12, "level {level}: {s}");
    }
    // stats: availability of ConSpeed (8 missing of 51) and a skew flag that agrees with treatment
    let st = coherence::indicator_stats(b.stage(Stage::Raw));
    let cs = st.iter().find(|s| s.code == "ConSpeed").expect("ConSpeed");
    assert_eq!(cs.present, 43);
    assert!((cs.availability - 43.0 / 51.0).abs() < 1e-15);
}

#[test]
fn dummy_input_gets_zero_sensitivity() {
    let (mut spec, inputs) = load(&["uncertainty.runs=64"]);
    let u = spec.uncertainty.as_mut().expect("example has [uncertainty]");
    let mut a = toml::Table::new();
    a.insert("index.description".into(), toml::Value::String("one".into()));
    let mut b = toml::Table::new();
    b.insert("index.description".into(), toml::Value::String("two".into()));
    u.inputs.push(digindex_build::spec::UncertainInput {
        name: "Dummy".into(),
        alternatives: vec![a, b],
        weights_noise: None,
    });
    let o = uncertainty::run(&spec, &inputs, &|| {}).expect("runs");
    let s = o.sensitivity.expect("sensitivity analysis");
    let (_, dummy) = s.indices.iter().find(|(n, _)| n == "Dummy").expect("dummy");
    assert_eq!(dummy.first_order, 0.0);
    assert_eq!(dummy.total, 0.0);
    assert_eq!(o.replications.len(), 64 * 7);
    // the others still matter, aggregation most
    let total = |name: &str| s.indices.iter().find(|(n, _)| n == name).expect("input").1.total;
    assert!(total("Aggregation") > total("Winsorisation"));
}

#[test]
fn same_seed_same_results_whatever_the_threads() {
    let (spec, inputs) = load(&["uncertainty.runs=200"]);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
        pool.install(|| uncertainty::run(&spec, &inputs, &|| {})).expect("runs")
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two);
    let (spec, inputs) = load(&["uncertainty.runs=200", "uncertainty.seed=2"]);
    let other = uncertainty::run(&spec, &inputs, &|| {}).expect("runs");
    assert_ne!(one.replications, other.replications);
}

#[test]
fn failures_are_counted_by_cause_and_useless_inputs_warned() {
    // min-max to [0, 100] has zeros: every geometric replication fails
    let (spec, inputs) = load(&[
        "uncertainty.analysis=\"uncertainty\"",
        "uncertainty.runs=200",
        "uncertainty.input.1.alternatives=[{ \"normalise.range\" = [0, 100] }, { \"normalise.range\" = [0, 10] }]",
        "treat.enabled=false",
    ]);
    let o = uncertainty::run(&spec, &inputs, &|| {}).expect("runs");
    let failed: usize = o.failures.values().sum();
    let geometric = o.replications.iter().filter(|r| r.choices[3] == 1).count();
    assert_eq!(failed, geometric);
    assert!(
        o.failures.keys().all(|c| c.starts_with("aggregate: ") && c.contains("geometric mean needs values > 0")),
        "{:?}",
        o.failures
    );
    assert!(
        o.warnings.iter().any(|w| w.contains("Winsorisation") && w.contains("treat step is disabled")),
        "{:?}",
        o.warnings
    );
    assert!(o.intervals.iter().all(|r| r.runs == 200 - failed));
}

fn digindex(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_digindex")).args(args).output().expect("runs")
}

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

#[test]
fn diff_reports_movers_and_writes_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = root().join("examples/asem/asem.toml");
    let out = dir.path().join("diff.csv");
    let o = digindex(&[
        "diff",
        spec.to_str().expect("utf8"),
        "--set",
        "aggregate.method=\"geometric\"",
        "--set",
        "normalise.range=[1,100]",
        "--out",
        out.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.starts_with("Index: "), "{stdout}");
    let text = fs::read_to_string(&out).expect("csv");
    assert_eq!(
        text.lines().next(),
        Some("unit,code,score_before,score_after,score_change,rank_before,rank_after,rank_change")
    );
    assert_eq!(text.lines().count(), 1 + 51 * 60);
    // rows of a code come largest move first
    let moves: Vec<i64> = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("Index"))
        .map(|l| l.rsplit(',').next().expect("col").parse::<i64>().expect("int").abs())
        .collect();
    assert!(moves.windows(2).all(|w| w[0] >= w[1]));
    // no change, no movers
    let o = digindex(&["diff", spec.to_str().expect("utf8")]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Index: 0 of 51 units change rank"));
}

#[test]
fn all_aggregates_and_indicator_exclusion() {
    // excluding an indicator = a weight set with its weight 0, as one alternative
    let (spec, inputs) = load(&[
        "uncertainty.analysis=\"uncertainty\"",
        "uncertainty.runs=100",
        "uncertainty.all_aggregates=true",
        "weights.no_lpi.LPI=0",
        "uncertainty.input.3.alternatives=[{ \"aggregate.weights\" = \"original\" }, { \"aggregate.weights\" = \"no_lpi\" }]",
    ]);
    let o = uncertainty::run(&spec, &inputs, &|| {}).expect("runs");
    let codes: Vec<&str> = o.aggregate_intervals.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes.len(), 11);
    assert!(codes.contains(&"Physical") && codes.contains(&"Index"));
    assert!(o.failures.is_empty());
    // the target's intervals are those of Index among all aggregates
    let index = &o.aggregate_intervals.iter().find(|(c, _)| c == "Index").expect("Index").1;
    assert_eq!(index, &o.intervals);
}

#[test]
fn inputs_are_checked_and_combine() {
    // two inputs setting the same key
    let (spec, inputs) =
        load(&["uncertainty.input.3.alternatives=[{ \"treat.max_points\" = 1 }, { \"treat.max_points\" = 2 }]"]);
    let e = uncertainty::run(&spec, &inputs, &|| {}).unwrap_err();
    assert!(e.0.contains("both set treat.max_points"), "{}", e.0);
    // noise on the top level's weight changes nothing: rejected
    let (spec, inputs) = load(&["uncertainty.input.2.weights_noise.levels=[4]"]);
    let e = uncertainty::run(&spec, &inputs, &|| {}).unwrap_err();
    assert!(e.0.contains("use levels 1..=3"), "{}", e.0);
    // Sobol points are limited
    let (spec, inputs) = load(&["uncertainty.runs=70000"]);
    assert!(uncertainty::run(&spec, &inputs, &|| {}).unwrap_err().0.contains("at most 65536"));
    // a weight-set input still matters when weights are also noisy
    let (spec, inputs) = load(&[
        "uncertainty.runs=128",
        "weights.no_conn.Conn=0",
        "uncertainty.input.0.alternatives=[{ \"aggregate.weights\" = \"original\" }, { \"aggregate.weights\" = \"no_conn\" }]",
    ]);
    let o = uncertainty::run(&spec, &inputs, &|| {}).expect("runs");
    let s = o.sensitivity.expect("sensitivity");
    assert!(s.indices[0].1.total > 0.1, "dropping a sub-index matters: {:?}", s.indices[0]);
    // rank intervals of a Saltelli design come from its A and B blocks
    assert!(o.intervals.iter().all(|r| r.runs == 2 * 128));
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
    let o = digindex(&[
        "diff",
        spec.to_str().expect("utf8"),
        "--set",
        "aggregate.method=\"geometric\"",
        "--set",
        "normalise.range=[1,100]",
        "-o",
        changes.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
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
    let spec = spec.to_str().expect("utf8");
    let o = digindex(&[
        "audit",
        spec,
        "--set",
        "normalise.across_years=false",
        "--set",
        "data.years=[2020,2022]",
        "-o",
        apart.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = digindex(&[
        "audit",
        spec,
        "--set",
        "normalise.across_years=false",
        "--set",
        "data.years=[]",
        "--set",
        "data.time=2020",
        "-o",
        alone.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
    let o = digindex(&[
        "audit",
        spec,
        "--set",
        "data.years=[]",
        "--set",
        "data.time=2022",
        "-o",
        alone_2022.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(
        fs::read_to_string(audited.join("2022/rank_intervals.csv")).expect("file"),
        fs::read_to_string(alone_2022.join("rank_intervals.csv")).expect("file")
    );
}
