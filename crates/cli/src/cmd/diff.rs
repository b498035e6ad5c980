//! `digindex diff SPEC [--set KEY=VALUE]... [--against SPEC2] [--code CODE] [--out FILE]`
//!
//! What a change does: builds SPEC as it is ("before") and SPEC with the
//! `--set` overrides — or SPEC2 with them (`--against`) — ("after"), then
//! prints the units whose rank on CODE (default: the top aggregate) moved
//! most, and writes every unit × code change to FILE (CSV) if asked.

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

fn write_csv(path: &std::path::Path, rows: &[Change]) -> std::io::Result<()> {
    digindex_io::output::write_file_atomically(path, |f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record([
            "unit",
            "code",
            "score_before",
            "score_after",
            "score_change",
            "rank_before",
            "rank_after",
            "rank_change",
        ])?;
        let f = digindex_io::number::format_number;
        let o = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        for c in rows {
            w.write_record([
                c.unit.clone(),
                c.code.clone(),
                f(c.score_before),
                f(c.score_after),
                f(c.score_change()),
                o(c.rank_before),
                o(c.rank_after),
                c.rank_change().map(|v| v.to_string()).unwrap_or_default(),
            ])?;
        }
        w.flush()
    })
}

pub fn run(args: Args) -> Result<()> {
    let (before_spec, _, before_in) = super::load(&args.spec, &[])?;
    let (after_spec, _, after_in) = super::load(args.against.as_deref().unwrap_or(&args.spec), &args.set)?;
    let before = digindex_build::build(&before_spec, &before_in.inputs).map_err(|e| anyhow!("before: {e}"))?;
    let after = digindex_build::build(&after_spec, &after_in.inputs).map_err(|e| anyhow!("after: {e}"))?;
    let changes = diff(before.stage(Stage::Aggregated), after.stage(Stage::Aggregated));
    let fw = &before_in.inputs.framework;
    let code = match &args.code {
        Some(c) => c.clone(),
        None => fw.top_code().unwrap_or_default().to_string(),
    };
    let mine: Vec<&Change> = changes.iter().filter(|c| c.code == code).collect();
    if mine.is_empty() {
        let codes: Vec<String> = before.stage(Stage::Aggregated).codes.clone();
        return Err(anyhow!(
            "--code {code:?} is not a code of both builds{}",
            digindex_data::suggest(&code, codes.iter())
        ));
    }
    let moved = mine.iter().filter(|c| c.rank_change().is_some_and(|v| v != 0)).count();
    out!("{code}: {moved} of {} units change rank", mine.len());
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
    if let Some(out) = &args.out {
        write_csv(out, &changes).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}
