//! `digindex audit SPEC --out DIR [--set KEY=VALUE]... [--threads N]`
//!
//! Builds the index, then audits it: coherence (correlations with p-values,
//! Cronbach's alpha, PCA, descriptive statistics, data availability,
//! effective weights) and, when the spec has an `[uncertainty]` table, the
//! Monte Carlo uncertainty analysis (rank intervals of the target) or the
//! Sobol sensitivity analysis (`analysis = "sensitivity"`). Results are
//! identical for a seed whatever `--threads`. Writes DIR atomically; see
//! `digindex_io::audit` for the files.

use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use digindex_audit::{coherence, uncertainty};
use digindex_build::Stage;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
    /// Flag sibling correlations above this value as `high`.
    #[arg(long, default_value_t = 0.9, allow_negative_numbers = true)]
    corr_high: f64,
    /// Flag sibling correlations below this value as `low`.
    #[arg(long, default_value_t = -0.4, allow_negative_numbers = true)]
    corr_low: f64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

pub fn run(args: Args) -> Result<()> {
    let t0 = Instant::now();
    let (spec, spec_file, loaded) = super::load(&args.common.spec, &args.common.set)?;
    let inputs = &loaded.inputs;
    let fw = &inputs.framework;
    let nominal = digindex_build::build(&spec, inputs).map_err(|e| anyhow!("{e}"))?;
    let agg = nominal.stage(Stage::Aggregated);
    let correlations = coherence::correlations(agg, fw, args.corr_high, args.corr_low);
    let alphas = coherence::alphas(agg, fw);
    let pcas = coherence::pcas(agg, fw);
    let stats = coherence::indicator_stats(nominal.stage(Stage::Raw));
    let availability = coherence::availability(nominal.stage(Stage::Raw), fw);
    let t_coherence = t0.elapsed().as_secs_f64();

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let threads = pool.current_num_threads();
    let outcome: Result<Option<uncertainty::Outcome>, String> = match &spec.uncertainty {
        None => Ok(None),
        Some(u) => {
            let d = u.inputs.len();
            let total = match u.analysis {
                digindex_build::spec::Analysis::Uncertainty => u.runs,
                digindex_build::spec::Analysis::Sensitivity => u.runs * (d + 2),
            };
            let bar = if args.common.quiet {
                ProgressBar::hidden()
            } else {
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
            };
            bar.set_style(
                ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} runs, {elapsed} elapsed, ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix("audit");
            let tick = || bar.inc(1);
            let o = pool.install(|| uncertainty::run(&spec, inputs, &tick));
            bar.finish_and_clear();
            o.map(Some).map_err(|e| e.0)
        }
    };
    // coherence is written even when the uncertainty analysis fails
    let (outcome, failure) = match outcome {
        Ok(o) => (o, None),
        Err(e) => (None, Some(e)),
    };
    let t_total = t0.elapsed().as_secs_f64();
    let manifest = json!({
        "digindex_version": env!("CARGO_PKG_VERSION"),
        "index": spec.index.name,
        "spec_file": spec_file,
        "overrides": args.common.set,
        "spec": spec.resolved(),
        "inputs": loaded.files,
        "threads": threads,
        "correlation_flags": { "high": args.corr_high, "low": args.corr_low },
        "seconds": { "coherence": t_coherence, "total": t_total },
        "uncertainty": outcome.as_ref().map(|o| json!({
            "target": o.target,
            "analysis": o.analysis,
            "runs": o.replications.len(),
            "inputs": o.inputs,
            "pipelines_built": o.pipelines,
            "failed_runs": o.failures.values().sum::<usize>(),
            "failures_by_cause": o.failures,
            "sensitivity": o.sensitivity.as_ref().map(|s| json!({"base_runs": s.base_runs, "variance": s.variance})),
            "warnings": o.warnings,
        })),
        "uncertainty_error": failure,
        "build_warnings": nominal.warnings,
    });
    let report = digindex_io::audit::AuditReport {
        correlations: &correlations,
        alphas: &alphas,
        pcas: &pcas,
        stats: &stats,
        availability: &availability,
        weights: &nominal.log.weights,
        outcome: outcome.as_ref(),
        manifest: &manifest,
    };
    digindex_io::audit::write_audit(&args.common.out, &report)
        .with_context(|| format!("writing {}", args.common.out.display()))?;
    if let Some(e) = failure {
        return Err(anyhow!("{e} (the coherence results were written to {})", args.common.out.display()));
    }
    if !args.common.quiet {
        out!(
            "{}: coherence of {} codes ({} correlations, {} aggregates) -> {}",
            spec.index.name,
            agg.codes.len(),
            correlations.len(),
            alphas.len(),
            args.common.out.display()
        );
        match &outcome {
            None => out!("no [uncertainty] table: coherence only"),
            Some(o) => {
                let failed: usize = o.failures.values().sum();
                out!(
                    "{} runs over {} inputs ({} pipelines built, {failed} failed) in {:.2} s on {threads} threads",
                    o.replications.len(),
                    o.inputs.len(),
                    o.pipelines,
                    t_total - t_coherence
                );
                for (cause, k) in &o.failures {
                    out!("failed {k}×: {cause}");
                }
                for w in &o.warnings {
                    out!("warning: {w}");
                }
                let mut order: Vec<&digindex_audit::rank_interval::RankInterval> = o.intervals.iter().collect();
                order.sort_by_key(|r| r.nominal_rank.unwrap_or(u32::MAX));
                let top: Vec<String> = order
                    .iter()
                    .take(5)
                    .map(|r| format!("{} {} [{}-{}]", r.unit, r.nominal_rank.unwrap_or(0), r.q05, r.q95))
                    .collect();
                out!("{} rank [5%-95%]: {}", o.target, top.join(", "));
                if let Some(s) = &o.sensitivity {
                    let mut idx: Vec<_> = s.indices.iter().collect();
                    idx.sort_by(|a, b| b.1.total.total_cmp(&a.1.total));
                    let t: Vec<String> = idx.iter().map(|(n, x)| format!("{n} {:.3}", x.total)).collect();
                    out!("total Sobol indices: {}", t.join(", "));
                }
            }
        }
    }
    Ok(())
}
