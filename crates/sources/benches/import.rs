//! Importing every shipped indicator (the whole catalogue), and the
//! country registry it needs. Run: `cargo bench -p digindex-sources`.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use digindex_sources::catalog::Catalog;
use digindex_sources::countries::Countries;

fn bench(c: &mut Criterion) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/catalog.toml");
    let cat = Catalog::read(&p, Countries::shipped()).expect("catalogue");
    let mut g = c.benchmark_group("import");
    g.sample_size(10);
    g.bench_function("country registry (tables + regexes)", |b| b.iter(Countries::shipped));
    g.bench_function("all shipped indicators, fresh registry", |b| {
        b.iter(|| cat.load_all(Countries::shipped()).expect("imports"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
