//! The bounded fuzz run of CI: every target, hundreds to thousands of
//! mutated inputs from a fixed seed, the same inputs every run (so CI
//! passes or fails for the code, not the day). `DIGINDEX_FUZZ_SEED=S`
//! adds a run from another seed; the long runs are `digindex-fuzz`'s.

use std::path::Path;

use digindex_fuzz::{Budget, Context, TARGETS, fuzz};

fn runs(target: &str) -> u64 {
    // a whole build per input, or a temporary file per input
    match target {
        "coinr" => 200,
        "openalex" | "claim" => 600,
        _ => 2000,
    }
}

#[test]
fn every_reader_survives_mutated_input() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ctx = Context::load(&root).expect("the repository's seed files");
    let extra = std::env::var("DIGINDEX_FUZZ_SEED").ok().and_then(|s| s.parse::<u64>().ok());
    let mut failures = Vec::new();
    for seed in std::iter::once(1).chain(extra) {
        for t in TARGETS {
            let r = fuzz(&ctx, t, Budget { runs: runs(t), until: None }, seed, None).expect("seeds");
            assert_eq!(r.runs, runs(t));
            // the seeds themselves are valid input: something is accepted
            assert!(r.accepted > 0, "{t}: nothing accepted");
            for f in r.failures {
                failures.push(format!(
                    "{t} (seed {seed}): {} on {:?}",
                    f.message,
                    String::from_utf8_lossy(&f.input[..f.input.len().min(300)])
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
