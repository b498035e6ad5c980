//! Whole-process timing: `digindex build examples/asem/asem.toml` as a
//! user runs it (process start, read, build, write, exit).
//!
//! Run: `cargo bench -p digindex-cli`. For reference, COINr 1.1.14 takes
//! 0.87 s for the same build from a fresh `Rscript`.

use std::path::Path;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};

fn process(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = root.join("examples/asem/asem.toml");
    let tmp = std::env::temp_dir().join(format!("digindex-bench-{}", std::process::id()));
    c.bench_function("asem/digindex build (whole process)", |b| {
        b.iter(|| {
            let st = Command::new(env!("CARGO_BIN_EXE_digindex"))
                .arg("build")
                .arg(&spec)
                .arg("--out")
                .arg(&tmp)
                .arg("--quiet")
                .status()
                .expect("runs");
            assert!(st.success());
        })
    });
    let _ = std::fs::remove_dir_all(&tmp);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = process
}
criterion_main!(benches);
