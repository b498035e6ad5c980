//! In-process timing of the whole build job on the ASEM example (COINr's
//! documented example): spec → load → build → manifest → output folder
//! written atomically. `cargo bench -p digindex-pipeline` times the build
//! alone. For reference, COINr 1.1.14 takes 85 ms per build of the same
//! example in a warm R session.
//!
//! The Tokyo Statement series: the main job's work in process.
//!
//! Run: `cargo bench -p digindex`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn asem(c: &mut Criterion) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/asem.toml");
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    let settings = digindex::build::Settings { audit: false, ..Default::default() };
    c.bench_function("asem/spec+load+build+write", |b| {
        b.iter(|| {
            let recipe = digindex::Recipe::read(&spec_path, &[]).expect("valid spec");
            let built = digindex::build::build_one(recipe, &settings, &digindex::Silent).expect("build");
            built.write(&out).expect("write");
        })
    });
}

/// The flagship as a series (2019-2024, catalogue read once, six years
/// built and read for progress; no audit): `tokyo/series`; and the same
/// with every year audited (1,000 runs each): `tokyo/series+audit`.
fn tokyo(c: &mut Criterion) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../frameworks/tokyo-statement");
    let mut g = c.benchmark_group("tokyo");
    g.sample_size(10);
    for (name, audit) in [("series", false), ("series+audit", true)] {
        let settings = digindex::build::Settings { audit, ..Default::default() };
        g.bench_function(name, |b| {
            b.iter(|| {
                let recipe = digindex::Recipe::read(&spec_path, &[]).expect("valid spec");
                digindex::build::run(recipe, &settings, &digindex::Silent).expect("build")
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = asem, tokyo
}
criterion_main!(benches);
