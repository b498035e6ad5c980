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
use digindex_audit::diff::{Change, diff};
use digindex_build::Stage;

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

/// Writes every change, with a leading `year` column when the builds
/// cover several years.
fn write_csv(path: &std::path::Path, rows: &[(Option<i32>, Vec<Change>)]) -> std::io::Result<()> {
    let years = rows.iter().any(|(y, _)| y.is_some());
    digindex_io::output::write_file_atomically(path, |f| {
        let mut w = csv::Writer::from_writer(f);
        let header =
            ["unit", "code", "score_before", "score_after", "score_change", "rank_before", "rank_after", "rank_change"];
        if years {
            w.write_record(std::iter::once("year").chain(header))?;
        } else {
            w.write_record(header)?;
        }
        let f = digindex_io::number::format_number;
        let o = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        for (year, changes) in rows {
            for c in changes {
                let row = [
                    c.unit.clone(),
                    c.code.clone(),
                    f(c.score_before),
                    f(c.score_after),
                    f(c.score_change()),
                    o(c.rank_before),
                    o(c.rank_after),
                    c.rank_change().map(|v| v.to_string()).unwrap_or_default(),
                ];
                match year {
                    Some(y) => w.write_record(std::iter::once(y.to_string()).chain(row))?,
                    None => w.write_record(row)?,
                }
            }
        }
        w.flush()
    })
}

/// A build and its year (`None` for a one-year spec).
type YearBuild = (Option<i32>, digindex_build::Build);

/// Builds of one spec: one, or one per year of `years`.
fn builds(
    spec: &digindex_build::Spec,
    path: &std::path::Path,
    years: Option<&[i32]>,
) -> Result<(digindex_data::Framework, Vec<YearBuild>)> {
    Ok(match years {
        None => {
            let loaded = super::load_data(spec, path)?;
            let b = digindex_build::build(spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
            (loaded.inputs.framework, vec![(None, b)])
        }
        Some(years) => {
            let (_, per_year) = super::load_years(spec, path, years)?;
            let fw = per_year[0].1.framework.clone();
            let b = digindex_build::pipeline::build_years(spec, &per_year).map_err(|e| anyhow!("{e}"))?;
            (fw, b.into_iter().map(|(y, b)| (Some(y), b)).collect())
        }
    })
}

pub fn run(args: Args) -> Result<()> {
    let (before_spec, _) = super::read_spec(&args.spec, &[])?;
    let after_path = args.against.as_deref().unwrap_or(&args.spec);
    let (after_spec, _) = super::read_spec(after_path, &args.set)?;
    let (yb, ya) = (before_spec.built_years(), after_spec.built_years());
    if yb.is_some() != ya.is_some() {
        return Err(anyhow!(
            "one build covers several years (data.years) and the other one year: compare like with like \
             (--set data.years=[] --set data.time=YEAR makes one year of a several-year spec)"
        ));
    }
    let (fw, before) = builds(&before_spec, &args.spec, yb).map_err(|e| anyhow!("before: {e}"))?;
    let (_, after) = builds(&after_spec, after_path, ya).map_err(|e| anyhow!("after: {e}"))?;
    // the years both build
    let pairs: Vec<(Option<i32>, &digindex_build::Build, &digindex_build::Build)> =
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
        let mine: Vec<&Change> = changes.iter().filter(|c| c.code == code).collect();
        let moved = mine.iter().filter(|c| c.rank_change().is_some_and(|v| v != 0)).count();
        let label = year.map(|y| format!("{y} ")).unwrap_or_default();
        out!("{label}{code}: {moved} of {} units change rank", mine.len());
        out!("{:<10} {:>8} {:>8} {:>7} {:>11} {:>11} {:>9}", "unit", "rank", "->", "moved", "score", "->", "change");
        for c in mine.iter().take(args.top) {
            out!(
                "{:<10} {:>8} {:>8} {:>7} {:>11.3} {:>11.3} {:>+9.3}",
                c.unit,
                c.rank_before.map(|v| v.to_string()).unwrap_or("-".into()),
                c.rank_after.map(|v| v.to_string()).unwrap_or("-".into()),
                c.rank_change().map(|v| format!("{v:+}")).unwrap_or("-".into()),
                c.score_before,
                c.score_after,
                c.score_change()
            );
        }
        rows.push((year, changes));
    }
    if let Some(out) = &args.out {
        write_csv(out, &rows).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
