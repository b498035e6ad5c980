//! In-process timing of the ASEM build (COINr's documented example):
//! `build` alone on loaded inputs, and spec → load (the whole job with its
//! outputs written: `cargo bench -p digindex`).
//!
//! Run: `cargo bench -p digindex-pipeline`. For reference, COINr 1.1.14
//! takes 85 ms per build of the same example in a warm R session.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use digindex_pipeline::Spec;

fn asem(c: &mut Criterion) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("example spec");
    let spec = Spec::parse(&text, &[]).expect("valid spec");
    let (inputs, _) = digindex_input::load(&spec, &spec_path).expect("inputs");

    c.bench_function("asem/build (all steps, in memory)", |b| {
        b.iter(|| digindex_pipeline::build(std::hint::black_box(&spec), std::hint::black_box(&inputs)).expect("build"))
    });

    c.bench_function("asem/spec+load (read and check the CSV inputs)", |b| {
        b.iter(|| {
            let spec = Spec::parse(&text, &[]).expect("valid spec");
            digindex_input::load(&spec, &spec_path).expect("inputs")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = asem
}
criterion_main!(benches);
