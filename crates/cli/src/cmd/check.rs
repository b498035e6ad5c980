//! `digindex check CLAIM... [--format json] [--list]`
//!
//! Checks ranking claims — one-line claims in plain words ("Iran ranks
//! second in AI papers in the Middle East (2022)") or TOML files of
//! `[[claim]]` tables — under every reading they allow (each region set the
//! words can mean, each metric variant, each year), on the shipped data.
//! Each reading holds, fails or cannot be checked; the verdict counts the
//! readings that hold among the checkable ones, with the evidence: values,
//! who is ahead, ties, the margin to the asserted rank, the latest evidence
//! when the data end before the claim's years, and the subject's rank in
//! every year with data. `--list` prints the metric and region names.
//! `index:NAME` claims (NAME a shipped framework, or a spec path) build the
//! index for each region.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use digindex::check::{Checker, Indices};

#[derive(clap::Args)]
pub struct Args {
    /// Claims: one-line claims in quotes, or .toml files of [[claim]] tables.
    #[arg(required_unless_present = "list")]
    claims: Vec<String>,
    /// Print the metric names and aliases, and the region names, aliases
    /// and sets a claim can use.
    #[arg(long)]
    list: bool,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    format: String,
    /// The data folder holding catalog.toml.
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// The metric vocabulary.
    #[arg(long, default_value = "claims/metrics.toml")]
    vocabulary: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let mut checker = Checker::load(&args.data, &args.vocabulary, false, Indices::beside(&args.data))?;
    if args.list {
        super::print(|l| digindex::summary::claim_names(&checker, l));
        return Ok(());
    }
    let claims = checker.read_claims(&args.claims)?;
    let verdicts = checker.check_all(&claims)?;
    match args.format.as_str() {
        "json" => {
            let json = serde_json::json!({ "claims": verdicts });
            out!("{}", serde_json::to_string_pretty(&json)?);
        }
        "text" => {
            let mut text = String::new();
            digindex_claims::text::write_text(&mut text, &verdicts)?;
            if !text.is_empty() {
                out!("{}", text.trim_end_matches('\n'));
            }
        }
        f => return Err(anyhow!("--format {f:?}: expected text or json")),
    }
    Ok(())
}
