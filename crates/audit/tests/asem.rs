//! The uncertainty and coherence engines on the ASEM example: coherence
//! checked against independent computations, and the uncertainty engine's
//! invariants (dummy inputs, determinism across threads, failures by cause,
//! inputs checked and combined).

use std::fs;
use std::path::{Path, PathBuf};

use digindex_audit::{coherence, uncertainty};
use digindex_pipeline::{Inputs, Spec, Stage};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(sets: &[&str]) -> (Spec, Inputs) {
    let spec_path = root().join("examples/asem/asem.toml");
    let text = fs::read_to_string(&spec_path).expect("spec");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let spec = Spec::parse(&text, &sets).expect("valid spec");
    let (inputs, _files) = digindex_input::load(&spec, &spec_path).expect("inputs");
    (spec, inputs)
}

fn col<'a>(ds: &'a digindex_data::DataSet, code: &str) -> &'a [f64] {
    ds.column(code).expect("column")
}

#[test]
fn coherence_matches_independent_formulas_on_asem() {
    let (spec, inputs) = load(&[]);
    let b = digindex_pipeline::build(&spec, &inputs).expect("build");
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
    u.inputs.push(digindex_pipeline::spec::UncertainInput {
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
