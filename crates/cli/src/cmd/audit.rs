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

/// Everything an audit computed, ready to write and report.
pub struct Audit {
    pub correlations: Vec<coherence::Correlation>,
    pub alphas: Vec<coherence::Alpha>,
    pub pcas: Vec<coherence::Pca>,
    pub stats: Vec<coherence::IndicatorStats>,
    pub availability: Vec<coherence::UnitAvailability>,
    pub weights: Vec<digindex_build::pipeline::WeightRecord>,
    pub outcome: Option<uncertainty::Outcome>,
    /// Why the uncertainty analysis failed, if it did (coherence is still written).
    pub failure: Option<String>,
    pub threads: usize,
    pub seconds: f64,
    pub manifest: serde_json::Value,
}

impl Audit {
    pub fn report(&self) -> digindex_io::audit::AuditReport<'_> {
        digindex_io::audit::AuditReport {
            correlations: &self.correlations,
            alphas: &self.alphas,
            pcas: &self.pcas,
            stats: &self.stats,
            availability: &self.availability,
            weights: &self.weights,
            outcome: self.outcome.as_ref(),
            manifest: &self.manifest,
        }
    }
}

/// Computes the audit of a built index.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    spec: &digindex_build::Spec,
    spec_file: &digindex_io::InputFile,
    loaded: &digindex_io::Loaded,
    sets: &[String],
    nominal: &digindex_build::Build,
    corr: (f64, f64),
    threads: Option<usize>,
    quiet: bool,
) -> Result<Audit> {
    let t0 = Instant::now();
    let inputs = &loaded.inputs;
    let fw = &inputs.framework;
    let agg = nominal.stage(Stage::Aggregated);
    let correlations = coherence::correlations(agg, fw, corr.0, corr.1);
    let alphas = coherence::alphas(agg, fw);
    let pcas = coherence::pcas(agg, fw);
    let stats = coherence::indicator_stats(nominal.stage(Stage::Raw));
    let availability = coherence::availability(nominal.stage(Stage::Raw), fw);
    let t_coherence = t0.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
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
            let bar = if quiet {
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
            let o = pool.install(|| uncertainty::run(spec, inputs, &tick));
            bar.finish_and_clear();
            o.map(Some).map_err(|e| e.0)
        }
    };
    // coherence is written even when the uncertainty analysis fails
    let (outcome, failure) = match outcome {
        Ok(o) => (o, None),
        Err(e) => (None, Some(e)),
    };
    let seconds = t0.elapsed().as_secs_f64();
    let head = digindex_io::output::manifest_head(spec, sets, spec_file, &loaded.files);
    let manifest = digindex_io::output::manifest_with(
        head,
        json!({
            "threads": threads,
            "correlation_flags": { "high": corr.0, "low": corr.1 },
            "seconds": { "coherence": t_coherence, "total": seconds },
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
        }),
    );
    Ok(Audit {
        correlations,
        alphas,
        pcas,
        stats,
        availability,
        weights: nominal.log.weights.clone(),
        outcome,
        failure,
        threads,
        seconds,
        manifest,
    })
}

pub fn run(args: Args) -> Result<()> {
    let (spec, spec_file, loaded) = super::load(&args.common.spec, &args.common.set)?;
    let nominal = digindex_build::build(&spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
    let audit = compute(
        &spec,
        &spec_file,
        &loaded,
        &args.common.set,
        &nominal,
        (args.corr_high, args.corr_low),
        args.threads,
        args.common.quiet,
    )?;
    let out = &args.common.out_dir();
    digindex_io::audit::write_audit(out, &audit.report()).with_context(|| format!("writing {}", out.display()))?;
    if let Some(e) = &audit.failure {
        return Err(anyhow!("{e} (the coherence results were written to {})", out.display()));
    }
    if !args.common.quiet {
        let agg = nominal.stage(Stage::Aggregated);
        out!(
            "{}: coherence of {} codes ({} correlations, {} aggregates) -> {}",
            spec.index.name,
            agg.codes.len(),
            audit.correlations.len(),
            audit.alphas.len(),
            out.display()
        );
        summarise(&audit)?;
    }
    Ok(())
}

/// Prints what the uncertainty analysis found.
pub fn summarise(audit: &Audit) -> Result<()> {
    match &audit.outcome {
        None => out!("no [uncertainty] table: coherence only"),
        Some(o) => {
            let failed: usize = o.failures.values().sum();
            out!(
                "{} runs over {} inputs ({} pipelines built, {failed} failed) in {:.2} s on {} threads",
                o.replications.len(),
                o.inputs.len(),
                o.pipelines,
                audit.seconds,
                audit.threads
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
    Ok(())
}
