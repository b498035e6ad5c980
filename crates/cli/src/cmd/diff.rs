//! `digindex diff SPEC [--set KEY=VALUE]... [--against SPEC2] [--code CODE] [--out FILE]`
//!
//! What a change does: builds SPEC as it is ("before") and SPEC with the
//! `--set` overrides — or SPEC2 with them (`--against`) — ("after"), then
//! prints the units whose rank on CODE (default: the top aggregate) moved
//! most, and writes every unit × code change to FILE (CSV) if asked. Specs
//! with `data.years` are compared year by year (each year as built over
//! all of them), the CSV then led by a `year` column.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use digindex::diff::{YearBuild, builds, write_changes};
use digindex_audit::diff::diff;
use digindex_pipeline::Stage;

#[derive(clap::Args)]
pub struct Args {
    /// The spec file (TOML): the "before" build.
    spec: PathBuf,
    /// Overrides for the "after" build (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Compare with this spec instead (the --set overrides apply to it).
    #[arg(long)]
    against: Option<PathBuf>,
    /// The code to report (default: the first top-level aggregate).
    #[arg(long)]
    code: Option<String>,
    /// Write every change to this CSV file.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// How many movers to print.
    #[arg(long, default_value_t = 10)]
    top: usize,
}

pub fn run(args: Args) -> Result<()> {
    let before_recipe = digindex::Recipe::read(&args.spec, &[])?;
    let after_path = args.against.as_deref().unwrap_or(&args.spec);
    let after_recipe = digindex::Recipe::read(after_path, &args.set)?;
    let (yb, ya) = (before_recipe.spec.built_years(), after_recipe.spec.built_years());
    if yb.is_some() != ya.is_some() {
        return Err(anyhow!(
            "one build covers several years (data.years) and the other one year: compare like with like \
             (--set data.years=[] --set data.time=YEAR makes one year of a several-year spec)"
        ));
    }
    let (fw, before) = builds(&before_recipe).context("before")?;
    let (_, after) = builds(&after_recipe).context("after")?;
    // the years both build
    let pairs: Vec<(Option<i32>, &digindex_pipeline::Build, &digindex_pipeline::Build)> =
        before.iter().filter_map(|(y, b)| after.iter().find(|(z, _)| z == y).map(|(_, a)| (*y, b, a))).collect();
    if pairs.is_empty() {
        return Err(anyhow!("the two builds have no year in common"));
    }
    let only = |of: &[YearBuild], other: &[YearBuild]| -> Vec<String> {
        of.iter()
            .filter_map(|(y, _)| y.filter(|y| !other.iter().any(|(z, _)| *z == Some(*y))))
            .map(|y| y.to_string())
            .collect()
    };
    for (which, years) in [("before", only(&before, &after)), ("after", only(&after, &before))] {
        if !years.is_empty() {
            eprintln!("note: {} only in the {which} build, not compared", years.join(", "));
        }
    }
    let code = match &args.code {
        Some(c) => c.clone(),
        None => fw.top_code().unwrap_or_default().to_string(),
    };
    for (_, before, after) in &pairs {
        let (b, a) = (before.stage(Stage::Aggregated), after.stage(Stage::Aggregated));
        if b.column(&code).is_none() || a.column(&code).is_none() {
            return Err(anyhow!(
                "--code {code:?} is not a code of both builds{}",
                digindex_data::suggest(&code, b.codes.iter())
            ));
        }
    }
    let mut rows = Vec::with_capacity(pairs.len());
    for (year, before, after) in pairs {
        let changes = diff(before.stage(Stage::Aggregated), after.stage(Stage::Aggregated));
        if !super::print(|l| digindex::summary::movers(year, &code, &changes, args.top, l)) {
            return Ok(());
        }
        rows.push((year, changes));
    }
    if let Some(out) = &args.out {
        write_changes(out, &rows).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
