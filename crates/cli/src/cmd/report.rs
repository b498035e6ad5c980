//! `digindex report SPEC [--out DIR] [--set KEY=VALUE]...`
//!
//! Builds the index (several years when the spec has `data.years`: the
//! last is the one shown, the others give each unit's trend), audits it
//! when the spec has an `[uncertainty]` table, checks its claims, and
//! writes `DIR/report.html` — one file that works offline from the file
//! system, nothing fetched — with `DIR/report.xlsx`, `DIR/scores.csv` and
//! `DIR/report.json` (the model the page shows). DIR defaults to
//! `out/<name>-report`; it is written whole or not at all.

use anyhow::Result;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
}

pub fn run(args: Args) -> Result<()> {
    let t0 = std::time::Instant::now();
    let recipe = args.common.recipe()?;
    let p = digindex::publish::prepare(&recipe, &crate::progress::Bar::new(args.common.quiet))?;
    let out = args.common.out.clone().unwrap_or_else(|| p.default_out());
    let html_bytes = p.write_report(&out)?;
    if !args.common.quiet {
        out!(
            "{}: report of {} units -> {} ({:.0} KB, {:.2} s); open it in a browser, it needs no network",
            p.spec.index.name,
            p.model.units.len(),
            out.join("report.html").display(),
            html_bytes as f64 / 1024.0,
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
