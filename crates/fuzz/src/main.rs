//! `digindex-fuzz [TARGET|all]... [--runs N] [--seconds S] [--seed S] [--keep DIR]`
//!
//! Mutation fuzzing of digindex's input readers (see the crate docs for the
//! targets). Prints runs, accepted inputs and failures per target; each
//! failing input is written to `target/fuzz-failures/TARGET-N.bin` and the
//! exit status is 1. A long run, e.g. an hour over every target:
//!
//!     cargo run --release -p digindex-fuzz -- all --seconds 3600
//!
//! A run is deterministic for its seed (printed first), so a failure found
//! by a run with `--seed S` is found again by the same command.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use digindex_fuzz::{Budget, Context, TARGETS, fuzz};

fn usage() -> ! {
    eprintln!(
        "usage: digindex-fuzz [TARGET|all]... [--runs N] [--seconds S] [--seed S] [--keep DIR]\ntargets: {}",
        TARGETS.join(", ")
    );
    std::process::exit(2)
}

fn main() {
    let mut targets: Vec<String> = Vec::new();
    let (mut runs, mut seconds, mut seed, mut keep) = (u64::MAX, None::<u64>, None::<u64>, None::<PathBuf>);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--runs" => runs = value().parse().unwrap_or_else(|_| usage()),
            "--seconds" => seconds = Some(value().parse().unwrap_or_else(|_| usage())),
            "--seed" => seed = Some(value().parse().unwrap_or_else(|_| usage())),
            "--keep" => keep = Some(PathBuf::from(value())),
            "-h" | "--help" => usage(),
            "all" => targets.extend(TARGETS.iter().map(|t| t.to_string())),
            t if TARGETS.contains(&t) => targets.push(t.to_string()),
            _ => usage(),
        }
    }
    if targets.is_empty() {
        targets.extend(TARGETS.iter().map(|t| t.to_string()));
    }
    if runs == u64::MAX && seconds.is_none() {
        seconds = Some(60);
    }
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ctx = Context::load(&root).unwrap_or_else(|e| {
        eprintln!("digindex-fuzz: {e}");
        std::process::exit(2)
    });
    println!("seed {seed}");
    let failures_dir = root.join("target/fuzz-failures");
    let mut failed = 0;
    // the time is shared out among the targets
    let each = seconds.map(|s| Duration::from_secs(s) / targets.len() as u32);
    for t in &targets {
        let budget = Budget { runs, until: each.map(|d| Instant::now() + d) };
        let started = Instant::now();
        let r = fuzz(&ctx, t, budget, seed, keep.as_deref()).unwrap_or_else(|e| {
            eprintln!("digindex-fuzz: {e}");
            std::process::exit(2)
        });
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{t:>9}: {} runs in {secs:.1} s ({:.0}/s), {} accepted, {} failures",
            r.runs,
            r.runs as f64 / secs.max(1e-9),
            r.accepted,
            r.failures.len()
        );
        for (n, f) in r.failures.iter().enumerate() {
            let _ = std::fs::create_dir_all(&failures_dir);
            let path = failures_dir.join(format!("{t}-{n}.bin"));
            let _ = std::fs::write(&path, &f.input);
            println!("    {}: {}", path.display(), f.message);
            failed += 1;
        }
    }
    if failed > 0 {
        std::process::exit(1);
    }
}
