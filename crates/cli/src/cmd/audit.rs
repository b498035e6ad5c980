//! `digindex audit SPEC --out DIR [--set KEY=VALUE]... [--threads N]`
//!
//! Builds the index, then audits it: coherence (correlations with p-values,
//! Cronbach's alpha, PCA, descriptive statistics, data availability,
//! effective weights) and, when the spec has an `[uncertainty]` table, the
//! Monte Carlo uncertainty analysis (rank intervals of the target) or the
//! Sobol sensitivity analysis (`analysis = "sensitivity"`). Results are
//! identical for a seed whatever `--threads`. Writes DIR atomically; see
//! `digindex_io::audit` for the files. A spec with `data.years` is audited
//! year by year, each year as built over all of them (`DIR/<year>/`).

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

/// Computes the audit of a built index: `nominal` built from `loaded`, or
/// with `year` that year's build over all the years, whose variants the
/// uncertainty analysis then builds the same way.
#[allow(clippy::too_many_arguments)]
pub fn compute(
    spec: &digindex_build::Spec,
    spec_file: &digindex_io::InputFile,
    loaded: &digindex_io::Loaded,
    sets: &[String],
    nominal: &digindex_build::Build,
    year: Option<(&uncertainty::YearBuilds<'_>, i32)>,
    corr: (f64, f64),
    threads: Option<usize>,
    quiet: bool,
) -> Result<Audit> {
    let t0 = Instant::now();
    let fw = &loaded.inputs.framework;
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
            bar.set_prefix(match year {
                None => "audit".to_string(),
                Some((_, y)) => format!("audit {y}"),
            });
            let tick = || bar.inc(1);
            let o = pool.install(|| match year {
                None => uncertainty::run(spec, &loaded.inputs, &tick),
                Some((builds, y)) => uncertainty::run_year(spec, builds, y, &tick),
            });
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
    let mut manifest = digindex_io::output::manifest_with(
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
    if let Some(m) = manifest.as_object_mut() {
        if let Some((_, y)) = year {
            m.insert("year".into(), json!(y));
        }
        if let Some(notes) = &loaded.notes {
            m.insert("data_picks".into(), notes.clone());
        }
    }
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
    let (spec, spec_file) = super::read_spec(&args.common.spec, &args.common.set)?;
    // a catalogue spec with data.years: every year, as `build` makes them
    if let Some(years) = spec.built_years() {
        return run_years(&args, &spec, &spec_file, years);
    }
    let loaded = super::load_data(&spec, &args.common.spec)?;
    let nominal = digindex_build::build(&spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
    let audit = compute(
        &spec,
        &spec_file,
        &loaded,
        &args.common.set,
        &nominal,
        None,
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

/// The audit of every year of a spec with `data.years`: each year's build
/// over all the years (normalised together unless
/// `normalise.across_years = false`) is audited, and every variant of the
/// uncertainty analysis builds all the years too; `OUT/<year>/` per year.
fn run_years(
    args: &Args,
    spec: &digindex_build::Spec,
    spec_file: &digindex_io::InputFile,
    years: &[i32],
) -> Result<()> {
    let (loaded, per_year) = super::load_years(spec, &args.common.spec, years)?;
    let builds = digindex_build::pipeline::build_years(spec, &per_year).map_err(|e| anyhow!("{e}"))?;
    let corr = (args.corr_high, args.corr_low);
    let audits = compute_years(
        spec,
        spec_file,
        &loaded,
        &per_year,
        &builds,
        &args.common.set,
        corr,
        args.threads,
        args.common.quiet,
    )?;
    let files = loaded.first().map(|l| l.files.clone()).unwrap_or_default();
    let head = digindex_io::output::manifest_head(spec, &args.common.set, spec_file, &files);
    let summary = digindex_io::output::manifest_with(
        head,
        json!({
            "years": years,
            "normalised_across_years": spec.normalise.as_ref().is_some_and(|n| n.enabled && n.across_years),
            "audits": years.iter().map(|y| format!("{y}/audit.json")).collect::<Vec<_>>(),
            "uncertainty_errors": audits.iter().filter_map(|(y, a)| a.failure.as_ref().map(|e| (y.to_string(), json!(e)))).collect::<serde_json::Map<_, _>>(),
        }),
    );
    let out = &args.common.out_dir();
    let reports: Vec<(i32, digindex_io::audit::AuditReport<'_>)> =
        audits.iter().map(|(y, a)| (*y, a.report())).collect();
    digindex_io::audit::write_audit_years(out, &reports, &summary)
        .with_context(|| format!("writing {}", out.display()))?;
    let failed = failures(&audits);
    if !failed.is_empty() {
        return Err(anyhow!("{failed} (the coherence results were written to {})", out.display()));
    }
    if !args.common.quiet {
        out!(
            "{}: audit of {} years ({}) -> {}",
            spec.index.name,
            years.len(),
            years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", "),
            out.display()
        );
        for (y, audit) in &audits {
            out!("{y}: coherence of {} correlations, {} aggregates", audit.correlations.len(), audit.alphas.len());
            summarise(audit)?;
        }
    }
    Ok(())
}

/// The audit of every year of a build over several years (`builds`, from
/// `per_year`, loaded as `loaded`): each variant of the uncertainty
/// analysis is built once for all the years.
#[allow(clippy::too_many_arguments)]
pub fn compute_years(
    spec: &digindex_build::Spec,
    spec_file: &digindex_io::InputFile,
    loaded: &[digindex_sources::panel::Loaded],
    per_year: &[(i32, digindex_build::Inputs)],
    builds: &[(i32, digindex_build::Build)],
    sets: &[String],
    corr: (f64, f64),
    threads: Option<usize>,
    quiet: bool,
) -> Result<Vec<(i32, Audit)>> {
    let variants = uncertainty::YearBuilds::new(per_year);
    builds
        .iter()
        .zip(loaded)
        .map(|((y, nominal), l)| {
            let one = super::loaded_of(l.clone());
            let audit = compute(spec, spec_file, &one, sets, nominal, Some((&variants, *y)), corr, threads, quiet)?;
            Ok((*y, audit))
        })
        .collect()
}

/// The years whose uncertainty analysis failed, with why ("" if none).
pub fn failures(audits: &[(i32, Audit)]) -> String {
    let failed: Vec<String> =
        audits.iter().filter_map(|(y, a)| a.failure.as_ref().map(|e| format!("{y}: {e}"))).collect();
    failed.join("; ")
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
