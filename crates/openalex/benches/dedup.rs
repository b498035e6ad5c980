//! `--dedup` bookkeeping at snapshot scale, without the snapshot: the
//! first pass's records for N works (default 20 million; `DEDUP_BENCH_WORKS`
//! to change), 2% of them with a second copy in another file, spread over
//! 64 files; then the sort that picks the copies that count. Prints the
//! time and the peak resident memory, per work.
//!
//! `cargo bench -p digindex-openalex --bench dedup`

use std::time::Instant;

use digindex_openalex::dedup::{Copies, Winners, position};

/// Peak resident memory of this process (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()?;
    Some(kb * 1024)
}

fn main() {
    let n: u64 = std::env::var("DEDUP_BENCH_WORKS").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000_000);
    let files = 64u64;
    let before = peak_rss().unwrap_or(0);
    let t = Instant::now();
    let mut copies: Vec<Copies> = (0..files).map(|_| Copies::default()).collect();
    let mut id = String::new();
    // ids as in the snapshot: scattered numbers, not in order
    let work = |i: u64| 1_000_000_000 + i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 4_000_000_000;
    for i in 0..n {
        let f = (i % files) as usize;
        id.clear();
        id.push_str("https://openalex.org/W");
        id.push_str(&work(i).to_string());
        let line = i / files + 1;
        copies[f].add(&id, "2025-06-01T10:00:00.123456", position(f, line).expect("fits"));
        if i % 50 == 0 {
            // an older copy in the next file
            let g = (f + 1) % files as usize;
            copies[g].add(&id, "2024-06-01T10:00:00.123456", position(g, line + n).expect("fits"));
        }
    }
    let read = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let winners = Winners::of(copies);
    let sort = t.elapsed().as_secs_f64();
    let peak = peak_rss().unwrap_or(0).saturating_sub(before);
    println!(
        "dedup bookkeeping for {n} works ({} with two copies), {} threads",
        winners.len(),
        rayon::current_num_threads()
    );
    println!("  records added:        {read:.2} s");
    println!("  sorted, winners kept: {sort:.2} s ({:.0} ns per work)", sort * 1e9 / n as f64);
    println!("  peak memory:          {:.0} MB ({:.0} bytes per work)", peak as f64 / 1e6, peak as f64 / n as f64);
}
