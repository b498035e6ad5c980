//! Per-core speed of the line scanner on decompressed OpenAlex-shaped lines,
//! against a full validating skip of the same lines (sonic-rs `IgnoredAny`).
//!
//!   OPENALEX_BENCH_DIR=/tmp/oa200 cargo bench -p digindex-openalex --bench scan
//!
//! (first file of the folder, decompressed into memory first; one thread).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use digindex_openalex::{input_files, scan};

fn main() {
    let dir = std::env::var("OPENALEX_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data"));
    let files = input_files(std::slice::from_ref(&dir)).expect("input files");
    let f = &files[0];
    let raw = std::fs::read(f).expect("read");
    let mut text = Vec::new();
    if f.extension().is_some_and(|e| e == "gz") {
        flate2::read::MultiGzDecoder::new(&raw[..]).read_to_end(&mut text).expect("gunzip");
    } else {
        text = raw;
    }
    let lines: Vec<&[u8]> = text.split(|c| *c == b'\n').filter(|l| !l.is_empty()).collect();
    let mb = text.len() as f64 / 1e6;
    let time = |name: &str, f: &dyn Fn(&[u8]) -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = lines.iter().map(|l| f(l)).sum::<usize>();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("  {name:<40} {:.0} MB/s ({n})", mb / best);
    };
    println!("scan {} ({mb:.0} MB, {} lines, best of 5, one thread)", f.display(), lines.len());
    time("scan::fields (top-level fields only)", &|l| {
        let mut k = 0;
        scan::fields(l, |_, _| {
            k += 1;
            Ok(())
        })
        .map_or(0, |_| k)
    });
    time("sonic-rs IgnoredAny (validates all)", &|l| {
        usize::from(sonic_rs::from_slice::<serde::de::IgnoredAny>(l).is_ok())
    });
}
