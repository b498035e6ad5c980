//! In-process timing of the ASEM build (COINr's documented example):
//! `build` alone on loaded inputs, and spec → load → build → write.
//!
//! Run: `cargo bench -p digindex-build`. For reference, COINr 1.1.14
//! takes 85 ms per build of the same example in a warm R session.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use digindex_build::Spec;

fn asem(c: &mut Criterion) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("example spec");
    let spec = Spec::parse(&text, &[]).expect("valid spec");
    let loaded = digindex_io::load(&spec, &spec_path).expect("inputs");

    c.bench_function("asem/build (all steps, in memory)", |b| {
        b.iter(|| {
            digindex_build::build(std::hint::black_box(&spec), std::hint::black_box(&loaded.inputs)).expect("build")
        })
    });

    c.bench_function("asem/spec+load (read and check the CSV inputs)", |b| {
        b.iter(|| {
            let spec = Spec::parse(&text, &[]).expect("valid spec");
            digindex_io::load(&spec, &spec_path).expect("inputs")
        })
    });

    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("out");
    c.bench_function("asem/spec+load+build+write", |b| {
        b.iter(|| {
            let spec = Spec::parse(&text, &[]).expect("valid spec");
            let loaded = digindex_io::load(&spec, &spec_path).expect("inputs");
            let build = digindex_build::build(&spec, &loaded.inputs).expect("build");
            let spec_file = loaded.files[0].clone();
            let m = digindex_io::output::manifest(&spec, &[], &spec_file, &loaded.files, &build);
            digindex_io::output::write_output(&out, &build, &loaded.inputs.framework, &m).expect("write");
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = asem
}
criterion_main!(benches);
