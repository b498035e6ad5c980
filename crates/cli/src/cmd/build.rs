//! `digindex build SPEC [--out DIR] [--set KEY=VALUE]... [--no-audit]`
//!
//! Reads the spec (a TOML recipe, or a framework folder holding
//! `index.toml`) and the data it names, runs every step (denominate,
//! impute, screen, treat, normalise, aggregate) and writes
//! `DIR/scores.csv`, `DIR/stages/<stage>.csv` and `DIR/manifest.json`
//! (DIR defaults to `out/<name>`). When the spec has an `[uncertainty]`
//! table the audit runs too and lands in `DIR/audit/`; the summary then
//! gives rank intervals, and the biggest movers since the previous run.
//! A spec over several years (`data.years`) writes `DIR/<year>/` per year
//! (with `DIR/<year>/audit/`, each variant built over all the years) and
//! `DIR/scores.csv` with a `year` column.
//! `--set` overrides any spec key with a TOML value, e.g.
//! `--set normalise.method='"zscore"' --set normalise.mean_sd='[0,1]'`.
//! Nothing is written unless the whole build succeeds.

use std::time::Instant;

use anyhow::{Result, anyhow};
use digindex::build::{Job, Settings};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
    /// Skip the audit even when the spec has an [uncertainty] table.
    #[arg(long)]
    no_audit: bool,
}

pub fn run(args: Args) -> Result<()> {
    let t0 = Instant::now();
    let recipe = args.common.recipe()?;
    let settings = Settings { audit: !args.no_audit, ..Settings::default() };
    let out = args.common.out_dir(&recipe);
    // the previous run's ranks, to report who moved
    let previous = std::fs::read_to_string(out.join("scores.csv")).ok();
    let bar = crate::progress::Bar::new(args.common.quiet);
    match digindex::build::run(recipe, &settings, &bar)? {
        Job::One(built) => {
            built.write(&out)?;
            if !args.common.quiet {
                let secs = t0.elapsed().as_secs_f64();
                if !super::print(|l| digindex::summary::built(&built, &out, previous.as_deref(), secs, l)) {
                    return Ok(());
                }
            }
            if let Some(e) = built.audit.as_ref().and_then(|a| a.failure.as_ref()) {
                return Err(anyhow!(
                    "the uncertainty analysis failed: {e} (the build and coherence results were written)"
                ));
            }
        }
        Job::Years(built) => {
            built.write(&out)?;
            if !args.common.quiet {
                let secs = t0.elapsed().as_secs_f64();
                if !super::print(|l| digindex::summary::built_years(&built, &out, secs, l)) {
                    return Ok(());
                }
            }
            let failed = digindex::audit::failures(&built.audits);
            if !failed.is_empty() {
                return Err(anyhow!(
                    "the uncertainty analysis failed: {failed} (the builds and coherence results were written)"
                ));
            }
        }
    }
    Ok(())
}
