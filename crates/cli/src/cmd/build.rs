//! `digindex build SPEC --out DIR [--set KEY=VALUE]...`
//!
//! Reads the spec (a TOML recipe) and the data it names, runs every step
//! (denominate, impute, screen, treat, normalise, aggregate) and writes
//! `DIR/scores.csv`, `DIR/stages/<stage>.csv` and `DIR/manifest.json`.
//! `--set` overrides any spec key with a TOML value, e.g.
//! `--set normalise.method='"zscore"' --set normalise.mean_sd='[0,1]'`.
//! Nothing is written unless the whole build succeeds.

use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use digindex_build::{Spec, Stage};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
}

pub fn run(args: Args) -> Result<()> {
    let t0 = Instant::now();
    if let Some(years) = super::several_years(&args.common.spec, &args.common.set)? {
        return run_years(&args, years, t0);
    }
    let (spec, spec_file, loaded) = super::load(&args.common.spec, &args.common.set)?;
    let build = digindex_build::build(&spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
    let mut manifest = digindex_io::output::manifest(&spec, &args.common.set, &spec_file, &loaded.files, &build);
    if let (Some(notes), Some(m)) = (&loaded.notes, manifest.as_object_mut()) {
        m.insert("data_picks".into(), notes.clone());
    }
    digindex_io::output::write_output(&args.common.out, &build, &loaded.inputs.framework, &manifest)
        .with_context(|| format!("writing {}", args.common.out.display()))?;
    if !args.common.quiet {
        report(&spec, &loaded.inputs.framework, &build, &args.common.out, t0.elapsed().as_secs_f64())?;
    }
    Ok(())
}

fn report(
    spec: &Spec,
    fw: &digindex_data::Framework,
    build: &digindex_build::Build,
    out: &std::path::Path,
    secs: f64,
) -> Result<()> {
    let agg = build.stage(Stage::Aggregated);
    let raw = build.stage(Stage::Raw);
    out!(
        "{}: {} of {} units, {} indicators, {} aggregates -> {} ({:.1} ms)",
        spec.index.name,
        agg.units.len(),
        raw.units.len(),
        fw.indicators().len(),
        agg.codes.len() - fw.indicators().len(),
        out.display(),
        secs * 1e3
    );
    for w in &build.warnings {
        out!("warning: {w}");
    }
    // top five of the (first) top-level aggregate
    if let Some(&top) = fw.level(fw.max_level()).first() {
        let code = &fw.node(top).code;
        if let Some(col) = agg.column(code) {
            let ranks = digindex_build::rank::rank_scores(col);
            let mut order: Vec<usize> = (0..col.len()).filter(|&i| ranks[i].is_some()).collect();
            order.sort_by_key(|&i| ranks[i]);
            let top5: Vec<String> = order.iter().take(5).map(|&i| format!("{} {:.2}", agg.units[i], col[i])).collect();
            out!("top of {code}: {}", top5.join(", "));
        }
    }
    Ok(())
}

/// A catalogue spec with `data.years`: every year, normalised together.
fn run_years(args: &Args, years: Vec<i32>, t0: Instant) -> Result<()> {
    let (spec, spec_file) = super::read_spec(&args.common.spec, &args.common.set)?;
    let loaded = digindex_sources::panel::load_years(&spec, &args.common.spec, &years).map_err(|e| anyhow!("{e}"))?;
    let fw = loaded[0].inputs.framework.clone();
    let per_year: Vec<(i32, digindex_build::Inputs)> =
        years.iter().copied().zip(loaded.iter().map(|l| l.inputs.clone())).collect();
    let builds = digindex_build::pipeline::build_years(&spec, &per_year).map_err(|e| anyhow!("{e}"))?;
    let manifest = serde_json::json!({
        "digindex_version": env!("CARGO_PKG_VERSION"),
        "index": spec.index.name,
        "spec_file": spec_file,
        "overrides": args.common.set,
        "spec": spec.resolved(),
        "inputs": loaded[0].files,
        "years": years,
        "normalised_across_years": spec.normalise.as_ref().is_some_and(|n| n.enabled && n.across_years),
        "data_picks": years.iter().zip(&loaded).map(|(y, l)| (y.to_string(), serde_json::to_value(&l.picks).unwrap_or_default())).collect::<serde_json::Map<_, _>>(),
        "logs": builds.iter().map(|(y, b)| (y.to_string(), serde_json::json!({"log": b.log, "warnings": b.warnings}))).collect::<serde_json::Map<_, _>>(),
    });
    digindex_io::output::write_years(&args.common.out, &builds, &fw, &manifest)
        .with_context(|| format!("writing {}", args.common.out.display()))?;
    if !args.common.quiet {
        out!(
            "{}: {} years ({}) -> {} ({:.1} ms)",
            spec.index.name,
            years.len(),
            years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", "),
            args.common.out.display(),
            t0.elapsed().as_secs_f64() * 1e3
        );
        if let Some(&top) = fw.level(fw.max_level()).first() {
            let code = &fw.node(top).code;
            for (y, b) in &builds {
                let agg = b.stage(Stage::Aggregated);
                if let Some(col) = agg.column(code) {
                    let ranks = digindex_build::rank::rank_scores(col);
                    let mut order: Vec<usize> = (0..col.len()).filter(|&i| ranks[i].is_some()).collect();
                    order.sort_by_key(|&i| ranks[i]);
                    let top3: Vec<String> =
                        order.iter().take(3).map(|&i| format!("{} {:.2}", agg.units[i], col[i])).collect();
                    out!("{y} top of {code}: {}", top3.join(", "));
                }
            }
        }
    }
    Ok(())
}
