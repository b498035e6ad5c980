//! Uncertainty replications: the ASEM example (COINr: 116 s for 1,000
//! replications) and synthetic indices, to show how time grows with
//! units × indicators × runs.
//!
//! Run: `cargo bench -p digindex-audit`.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use digindex_data::{DataSet, Framework, Matrix, NodeSpec, UnitTable};
use digindex_pipeline::{Inputs, Spec};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

const UNCERTAINTY: &str = r#"
[uncertainty]
analysis = "uncertainty"
runs = 1000
seed = 1

[[uncertainty.input]]
name = "Winsorisation"
alternatives = [{ "treat.max_points" = 1 }, { "treat.max_points" = 2 }, { "treat.max_points" = 3 }, { "treat.max_points" = 4 }, { "treat.max_points" = 5 }]

[[uncertainty.input]]
name = "Normalisation"
alternatives = [{ "normalise.method" = "minmax", "normalise.range" = [1, 100] }, { "normalise.method" = "zscore", "normalise.mean_sd" = [10, 2] }]

[[uncertainty.input]]
name = "Weights"
weights_noise = { levels = [2, 3], factor = 0.25, draws = 100 }

[[uncertainty.input]]
name = "Aggregation"
alternatives = [{ "aggregate.method" = "arithmetic" }, { "aggregate.method" = "geometric" }]
"#;

/// A synthetic index: `units` × `indicators` skewed positive data,
/// 10 indicators per pillar, 5 pillars per sub-index, one index.
fn synthetic(units: usize, indicators: usize) -> (Spec, Inputs) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut u = || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let pillars = indicators.div_ceil(10);
    let subs = pillars.div_ceil(5);
    let mut nodes = Vec::new();
    for i in 0..indicators {
        nodes.push(NodeSpec { code: format!("i{i}"), parent: Some(format!("p{}", i / 10)), ..Default::default() });
    }
    for p in 0..pillars {
        nodes.push(NodeSpec { code: format!("p{p}"), parent: Some(format!("s{}", p / 5)), ..Default::default() });
    }
    for s in 0..subs {
        nodes.push(NodeSpec { code: format!("s{s}"), parent: Some("Index".into()), ..Default::default() });
    }
    nodes.push(NodeSpec { code: "Index".into(), ..Default::default() });
    let framework = Framework::new(nodes, vec![]).expect("valid framework");
    let cols: Vec<Vec<f64>> = (0..indicators).map(|_| (0..units).map(|_| (4.0 * u()).exp()).collect()).collect();
    let codes: Vec<String> = (0..units).map(|k| format!("U{k}")).collect();
    let raw =
        DataSet::new(codes.clone(), framework.indicator_codes(), Matrix::from_columns(units, &cols).expect("equal"));
    let units = UnitTable { names: vec![None; codes.len()], codes, groups: vec![], denominators: vec![] };
    let text = format!("[index]\nname = \"synthetic\"\n[data]\n[treat]\n[normalise]\n[aggregate]\n{UNCERTAINTY}");
    (Spec::parse(&text, &[]).expect("spec"), Inputs { framework, units, raw, censored: vec![] })
}

fn bench(c: &mut Criterion) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("example spec");
    let spec = Spec::parse(&text, &["uncertainty.analysis=\"uncertainty\"".into(), "uncertainty.runs=1000".into()])
        .expect("spec");
    let (inputs, _) = digindex_input::load(&spec, &spec_path).expect("inputs");
    let mut g = c.benchmark_group("uncertainty");
    g.sample_size(20);
    g.bench_function("asem 51x49, 1000 runs", |b| {
        b.iter(|| digindex_audit::uncertainty::run(&spec, &inputs, &|| {}).expect("runs"))
    });
    for (units, indicators, runs) in [(50, 50, 1000), (200, 300, 1000), (200, 300, 4000)] {
        let (mut spec, inputs) = synthetic(units, indicators);
        if let Some(u) = spec.uncertainty.as_mut() {
            u.runs = runs;
        }
        g.bench_with_input(
            BenchmarkId::new("synthetic", format!("{units}x{indicators}, {runs} runs")),
            &(spec, inputs),
            |b, (spec, inputs)| b.iter(|| digindex_audit::uncertainty::run(spec, inputs, &|| {}).expect("runs")),
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
