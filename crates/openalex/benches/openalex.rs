//! Streaming throughput on OpenAlex-shaped data.
//!
//! Generate data first (not committed; any size):
//!   python3 tools/gen_openalex_like.py /tmp/oa200 --mb 200 --parts 2
//! then: `OPENALEX_BENCH_DIR=/tmp/oa200 cargo bench -p digindex-openalex`.
//! It prints MB/s of uncompressed JSON for the full aggregation (default
//! full validation, and on-demand validation), the same for AI works only
//! (primary topic in subfield 1702), and for
//! decompression alone (same decompressor, no parsing), each the median of
//! 5 runs. Without the variable it runs on the small real sample in tests/data.

use std::path::{Path, PathBuf};
use std::time::Instant;

use digindex_openalex::{AiRule, Filter, Options, Validation, decompress_only, input_files, run};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = std::env::var("OPENALEX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
    let files = input_files(std::slice::from_ref(&dir)).expect("input files");
    // the median of 5 timed runs of `f`
    let timed = |f: &dyn Fn()| -> f64 {
        median(
            (0..5)
                .map(|_| {
                    let t = Instant::now();
                    f();
                    t.elapsed().as_secs_f64()
                })
                .collect(),
        )
    };
    let aggregate = |opts: Options| timed(&|| drop(run(&files, &opts, &|_| {}).expect("run")));
    let bytes = run(&files, &Options::default(), &|_| {}).expect("run").bytes;
    let full = aggregate(Options::default());
    let checked = aggregate(Options { validation: Validation::OnDemand, ..Default::default() });
    // an AI run: few works kept, so on demand most authorships are only scanned
    let ai = Filter { ai: vec![AiRule::PrimarySubfield(vec![1702])], ..Default::default() };
    let ai_full = aggregate(Options { filter: ai.clone(), ..Default::default() });
    let ai_checked = aggregate(Options { validation: Validation::OnDemand, filter: ai, ..Default::default() });
    let raw = timed(&|| {
        decompress_only(&files).expect("decompress");
    });
    let mb = bytes as f64 / 1e6;
    let (f, c, d) = (full, checked, raw);
    println!(
        "openalex {} ({} files, {mb:.0} MB of JSON, {} threads)",
        dir.display(),
        files.len(),
        rayon::current_num_threads()
    );
    println!("  aggregate per country-year:   {f:.3} s = {:.0} MB/s", mb / f);
    println!("  the same, --on-demand:        {c:.3} s = {:.0} MB/s", mb / c);
    let (af, ac) = (ai_full, ai_checked);
    println!("  AI works only (primary-subfield:1702): {af:.3} s = {:.0} MB/s", mb / af);
    println!("  the same, --on-demand:        {ac:.3} s = {:.0} MB/s", mb / ac);
    println!("  decompress + split lines:     {d:.3} s = {:.0} MB/s", mb / d);
    println!(
        "  aggregation runs at {:.0}% ({:.0}% on demand) of decompression throughput; AI only {:.0}% ({:.0}%)",
        100.0 * d / f,
        100.0 * d / c,
        100.0 * d / af,
        100.0 * d / ac
    );
}
