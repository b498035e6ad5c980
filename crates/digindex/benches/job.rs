//! In-process timing of the whole build job on the ASEM example (COINr's
//! documented example): spec → load → build → manifest → output folder
//! written atomically. `cargo bench -p digindex-pipeline` times the build
//! alone. For reference, COINr 1.1.14 takes 85 ms per build of the same
//! example in a warm R session.
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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = asem
}
criterion_main!(benches);
