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

use anyhow::{Context, Result, anyhow};
use digindex_build::{Spec, Stage};

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
    let (spec, spec_file) = super::read_spec(&args.common.spec, &args.common.set)?;
    // a catalogue spec with data.years builds every year
    if spec.built_years().is_some() {
        return run_years(&args, &spec, spec_file, t0);
    }
    let loaded = super::load_data(&spec, &args.common.spec)?;
    let build = digindex_build::build(&spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
    let mut manifest = digindex_io::output::manifest(&spec, &args.common.set, &spec_file, &loaded.files, &build);
    if let (Some(notes), Some(m)) = (&loaded.notes, manifest.as_object_mut()) {
        m.insert("data_picks".into(), notes.clone());
    }
    let provenance = super::provenance(&loaded, &build, super::reference_year(&spec));
    super::annotate(&mut manifest, &loaded, &provenance);
    let out = args.common.out_dir();
    let fw = &loaded.inputs.framework;
    // the previous run's ranks, to report who moved
    let previous = std::fs::read_to_string(out.join("scores.csv")).ok();
    let audit = match (&spec.uncertainty, args.no_audit) {
        (Some(_), false) => Some(super::audit::compute(
            &spec,
            &spec_file,
            &loaded,
            &args.common.set,
            &build,
            None,
            (0.9, -0.4),
            None,
            args.common.quiet,
        )?),
        _ => None,
    };
    // claims checked with the build, on the catalogue the spec uses
    let verdicts = super::check::spec_verdicts(&spec, &args.common.spec)?;
    digindex_io::output::write_output_and(&out, &build, fw, &manifest, |dir| {
        digindex_io::output::write_file(dir, "provenance.csv", |w| {
            digindex_io::output::write_provenance(w, &provenance)
        })?;
        if let Some(a) = &audit {
            std::fs::create_dir(dir.join("audit"))?;
            digindex_io::audit::write_audit_into(&dir.join("audit"), &a.report())?;
        }
        if !verdicts.is_empty() {
            digindex_io::output::write_json(dir, "claims.json", &serde_json::json!({ "claims": verdicts }))?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", out.display()))?;
    if !args.common.quiet {
        report(&spec, fw, &build, &out, t0.elapsed().as_secs_f64())?;
        data_notes(&loaded, &provenance)?;
        if let Some(a) = &audit {
            summary(&build, a, previous.as_deref(), &provenance)?;
        }
        if !verdicts.is_empty() {
            out!("");
            out!("claims (details: {}/claims.json, or digindex check FILE):", out.display());
            for v in &verdicts {
                out!("  {} — {}: {}", v.id, v.summary, v.text);
            }
        }
    }
    if let Some(e) = audit.as_ref().and_then(|a| a.failure.as_ref()) {
        return Err(anyhow!("the uncertainty analysis failed: {e} (the build and coherence results were written)"));
    }
    Ok(())
}

/// What the reader must know about the data: findings on used values no
/// correction covers, corrections, and how many values are estimates.
fn data_notes(loaded: &digindex_io::Loaded, provenance: &[digindex_data::provenance::Provenance]) -> Result<()> {
    let warnings = super::data_warnings(loaded, provenance);
    for w in warnings.iter().take(8) {
        out!("warning: {w}");
    }
    if warnings.len() > 8 {
        out!("warning: … and {} more data findings (manifest.json: quality)", warnings.len() - 8);
    }
    if loaded.cells.is_none() {
        return Ok(());
    }
    let mut counts = std::collections::BTreeMap::new();
    for r in provenance {
        *counts.entry(r.flag).or_insert(0usize) += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let ranked: std::collections::BTreeSet<&str> = provenance.iter().map(|r| r.unit.as_str()).collect();
    let n_corr = loaded
        .quality
        .as_ref()
        .and_then(|q| q["corrections"].as_array())
        .map_or(0, |c| c.iter().filter(|x| x["unit"].as_str().is_some_and(|u| ranked.contains(u))).count());
    out!(
        "values in the index: {} (provenance.csv); {} source values of the ranked units corrected (all years; manifest.json: quality)",
        parts.join(", "),
        n_corr
    );
    let resting: Vec<String> = digindex_build::provenance::estimated(provenance)
        .into_iter()
        .filter(|(_, e, n)| digindex_build::provenance::rests_on_estimates(*e, *n))
        .map(|(u, e, n)| format!("{u} ({e}/{n})"))
        .collect();
    if !resting.is_empty() {
        out!("scores resting on estimates (more than a third of values): {}", resting.join(", "));
    }
    Ok(())
}

/// Top 10 with rank intervals, and the biggest movers since the previous run.
fn summary(
    build: &digindex_build::Build,
    audit: &super::audit::Audit,
    previous: Option<&str>,
    provenance: &[digindex_data::provenance::Provenance],
) -> Result<()> {
    let estimated: std::collections::HashMap<String, (usize, usize)> =
        digindex_build::provenance::estimated(provenance).into_iter().map(|(u, e, n)| (u, (e, n))).collect();
    let Some(o) = &audit.outcome else { return Ok(()) };
    let agg = build.stage(Stage::Aggregated);
    let Some(col) = agg.column(&o.target) else { return Ok(()) };
    out!("");
    out!("{:>4}  {:<5} {:<32} {:>7}  {:>8}  {:>9}  {:>6}", "rank", "unit", "name", "score", "median", "5%-95%", "est.");
    let mut order: Vec<&digindex_audit::rank_interval::RankInterval> = o.intervals.iter().collect();
    order.sort_by_key(|r| r.nominal_rank.unwrap_or(u32::MAX));
    let countries = digindex_sources::countries::Countries::shipped();
    for r in order.iter().take(10) {
        let score = agg.row_index(&r.unit).map_or(f64::NAN, |i| col[i]);
        let name = countries.get(&r.unit).map(|c| c.name.as_str()).unwrap_or("");
        let est = estimated.get(&r.unit).map_or(String::new(), |&(e, n)| {
            format!("{e}/{n}{}", if digindex_build::provenance::rests_on_estimates(e, n) { "*" } else { "" })
        });
        out!(
            "{:>4}  {:<5} {:<32} {:>7.2}  {:>8}  {:>4}-{:<4}  {:>6}",
            r.nominal_rank.map(|v| v.to_string()).unwrap_or_default(),
            r.unit,
            name,
            score,
            r.median_rank,
            r.q05,
            r.q95,
            est
        );
    }
    out!(
        "rank intervals over {} runs: {}; est. = values that are estimates (older own values, interpolations, group estimates), * = more than a third",
        o.replications.len(),
        o.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
    );
    if let Some(prev) = previous {
        let before: std::collections::HashMap<&str, u32> = prev
            .lines()
            .skip(1)
            .filter_map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                (c.len() == 5 && c[1] == o.target).then(|| c[4].parse().ok().map(|r| (c[0], r))).flatten()
            })
            .collect();
        let ranks = digindex_build::rank::rank_scores(col);
        let mut moves: Vec<(i64, &str, u32, u32)> = agg
            .units
            .iter()
            .zip(&ranks)
            .filter_map(|(u, r)| {
                let (b, a) = (*before.get(u.as_str())?, (*r)?);
                (a != b).then_some((i64::from(b) - i64::from(a), u.as_str(), b, a))
            })
            .collect();
        moves.sort_by_key(|m| (-m.0.abs(), m.1));
        if moves.is_empty() {
            out!("no rank changes since the previous run");
        } else {
            let t: Vec<String> = moves.iter().take(5).map(|(d, u, b, a)| format!("{u} {b}->{a} ({d:+})")).collect();
            out!("moved since the previous run: {}", t.join(", "));
        }
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
    if let Some(code) = fw.top_code() {
        if let Some(top5) = top_n(agg, code, 5) {
            out!("top of {code}: {top5}");
        }
    }
    Ok(())
}

/// "UNIT score, …" for the first `n` ranks of aggregate `code`.
fn top_n(agg: &digindex_data::DataSet, code: &str, n: usize) -> Option<String> {
    let col = agg.column(code)?;
    let order = digindex_build::rank::ranked_order(&digindex_build::rank::rank_scores(col));
    let top: Vec<String> = order.iter().take(n).map(|&i| format!("{} {:.2}", agg.units[i], col[i])).collect();
    Some(top.join(", "))
}

/// A catalogue spec with `data.years`: every year, normalised together.
fn run_years(args: &Args, spec: &Spec, spec_file: digindex_io::InputFile, t0: Instant) -> Result<()> {
    let years = &spec.data.years;
    let (loaded, per_year) = super::load_years(spec, &args.common.spec, years)?;
    let fw = loaded[0].inputs.framework.clone();
    let builds = digindex_build::pipeline::build_years(spec, &per_year).map_err(|e| anyhow!("{e}"))?;
    // every year's provenance, and what the manifest says of it
    let mut provenance = Vec::with_capacity(builds.len());
    let mut notes = serde_json::Map::new();
    for ((y, b), l) in builds.iter().zip(&loaded) {
        let l = super::loaded_of(l.clone());
        let rows = super::provenance(&l, b, Some(*y));
        let mut m = serde_json::json!({ "warnings": [] });
        super::annotate(&mut m, &l, &rows);
        notes.insert(y.to_string(), m);
        provenance.push((*y, rows));
    }
    let head = digindex_io::output::manifest_head(spec, &args.common.set, &spec_file, &loaded[0].files);
    let manifest = digindex_io::output::manifest_with(
        head,
        serde_json::json!({
            "years": years,
            "normalised_across_years": spec.normalise.as_ref().is_some_and(|n| n.enabled && n.across_years),
            "data_picks": years.iter().zip(&loaded).map(|(y, l)| (y.to_string(), serde_json::to_value(&l.picks).unwrap_or_default())).collect::<serde_json::Map<_, _>>(),
            "logs": builds.iter().map(|(y, b)| (y.to_string(), serde_json::json!({"log": b.log, "warnings": b.warnings}))).collect::<serde_json::Map<_, _>>(),
            "data": notes,
        }),
    );
    // the audit of every year, each variant built over all the years
    let audits = match (&spec.uncertainty, args.no_audit) {
        (Some(_), false) => super::audit::compute_years(
            spec,
            &spec_file,
            &loaded,
            &per_year,
            &builds,
            &args.common.set,
            (0.9, -0.4),
            None,
            args.common.quiet,
        )?,
        _ => Vec::new(),
    };
    let verdicts = super::check::spec_verdicts(spec, &args.common.spec)?;
    digindex_io::output::write_years(&args.common.out_dir(), &builds, &fw, &manifest, |dir| {
        for (y, rows) in &provenance {
            digindex_io::output::write_file(&dir.join(y.to_string()), "provenance.csv", |w| {
                digindex_io::output::write_provenance(w, rows)
            })?;
        }
        for (y, a) in &audits {
            let d = dir.join(y.to_string()).join("audit");
            std::fs::create_dir(&d)?;
            digindex_io::audit::write_audit_into(&d, &a.report())?;
        }
        if !verdicts.is_empty() {
            digindex_io::output::write_json(dir, "claims.json", &serde_json::json!({ "claims": verdicts }))?;
        }
        Ok(())
    })
    .with_context(|| format!("writing {}", args.common.out_dir().display()))?;
    if !args.common.quiet {
        out!(
            "{}: {} years ({}) -> {} ({:.1} ms)",
            spec.index.name,
            years.len(),
            years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", "),
            args.common.out_dir().display(),
            t0.elapsed().as_secs_f64() * 1e3
        );
        if let Some(code) = fw.top_code() {
            for (y, b) in &builds {
                if let Some(top3) = top_n(b.stage(Stage::Aggregated), code, 3) {
                    out!("{y} top of {code}: {top3}");
                }
            }
        }
        for (y, a) in &audits {
            if let Some(o) = &a.outcome {
                let mut order: Vec<&digindex_audit::rank_interval::RankInterval> = o.intervals.iter().collect();
                order.sort_by_key(|r| r.nominal_rank.unwrap_or(u32::MAX));
                let top: Vec<String> =
                    order.iter().take(3).map(|r| format!("{} [{}-{}]", r.unit, r.q05, r.q95)).collect();
                out!("{y} rank intervals (5%-95%) of {}: {} ({y}/audit/)", o.target, top.join(", "));
            }
        }
        if !verdicts.is_empty() {
            out!("claims (details: {}/claims.json):", args.common.out_dir().display());
            for v in &verdicts {
                out!("  {} — {}: {}", v.id, v.summary, v.text);
            }
        }
    }
    let failed = super::audit::failures(&audits);
    if !failed.is_empty() {
        return Err(anyhow!(
            "the uncertainty analysis failed: {failed} (the builds and coherence results were written)"
        ));
    }
    Ok(())
}
