//! `digindex audit SPEC --out DIR [--set KEY=VALUE]... [--threads N]`
//!
//! Builds the index, then audits it: coherence (correlations with p-values,
//! Cronbach's alpha, PCA, descriptive statistics, data availability,
//! effective weights) and, when the spec has an `[uncertainty]` table, the
//! Monte Carlo uncertainty analysis (rank intervals of the target) or the
//! Sobol sensitivity analysis (`analysis = "sensitivity"`). Results are
//! identical for a seed whatever `--threads`. Writes DIR atomically; see
//! `digindex::output::audit` for the files. A spec with `data.years` is audited
//! year by year, each year as built over all of them (`DIR/<year>/`).

use anyhow::{Result, anyhow};
use digindex::audit::Settings;
use digindex_pipeline::Stage;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
    /// Flag sibling correlations above this value as `high`.
    #[arg(long, default_value_t = Settings::default().corr_high, allow_negative_numbers = true)]
    corr_high: f64,
    /// Flag sibling correlations below this value as `low`.
    #[arg(long, default_value_t = Settings::default().corr_low, allow_negative_numbers = true)]
    corr_low: f64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

pub fn run(args: Args) -> Result<()> {
    let recipe = args.common.recipe()?;
    let settings = Settings { corr_high: args.corr_high, corr_low: args.corr_low, threads: args.threads };
    let bar = crate::progress::Bar::new(args.common.quiet);
    let out = &args.common.out_dir(&recipe);
    // a catalogue spec with data.years: every year, as `build` makes them
    if let Some(years) = recipe.spec.built_years() {
        let done = digindex::audit::run_years(&recipe, years, &settings, &bar)?;
        done.write(out)?;
        let audits = &done.audits;
        let failed = digindex::audit::failures(audits);
        if !failed.is_empty() {
            return Err(anyhow!("{failed} (the coherence results were written to {})", out.display()));
        }
        if !args.common.quiet {
            let ys: Vec<String> = audits.iter().map(|(y, _)| y.to_string()).collect();
            out!("{}: audit of {} years ({}) -> {}", recipe.spec.index.name, ys.len(), ys.join(", "), out.display());
            for (y, audit) in audits {
                out!("{y}: coherence of {} correlations, {} aggregates", audit.correlations.len(), audit.alphas.len());
                if !super::print(|l| digindex::summary::audit(audit, l)) {
                    return Ok(());
                }
            }
        }
        return Ok(());
    }
    let done = digindex::audit::run(&recipe, &settings, &bar)?;
    done.write(out)?;
    let (nominal, audit) = (&done.build, &done.audit);
    if let Some(e) = &audit.failure {
        return Err(anyhow!("{e} (the coherence results were written to {})", out.display()));
    }
    if !args.common.quiet {
        let agg = nominal.stage(Stage::Aggregated);
        out!(
            "{}: coherence of {} codes ({} correlations, {} aggregates) -> {}",
            recipe.spec.index.name,
            agg.codes.len(),
            audit.correlations.len(),
            audit.alphas.len(),
            out.display()
        );
        if !super::print(|l| digindex::summary::audit(audit, l)) {
            return Ok(());
        }
    }
    Ok(())
}
