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

/// Prints the names a claim can use.
fn list(checker: &Checker) -> Result<()> {
    let (vocab, regions) = (checker.vocabulary(), checker.regions());
    out!("METRICS (claims/metrics.toml; any catalogue code works too, see `digindex data list`)");
    for (key, m) in &vocab.metrics {
        out!("  {key} — {}{}", m.name, if m.proxy { " [proxy]" } else { "" });
        if !m.aliases.is_empty() {
            out!("      also: {}", m.aliases.join(", "));
        }
        for v in &m.variants {
            out!("      · {}{}  [{}]", v.name(), if v.per_capita { " (per million people)" } else { "" }, v.code);
        }
    }
    out!("");
    out!("REGION NAMES as people say them (each meaning is a reading)");
    for a in &regions.aliases {
        out!("  {:<34} → {}", a.alias, a.regions.join(", "));
        if !a.meaning.is_empty() {
            out!("  {:<34}   {}", "", a.meaning);
        }
    }
    out!("  {:<34} → {}", "the region", vocab.default_regions.join(", "));
    out!("");
    out!("REGION SETS (data/regions/)");
    for s in &regions.sets {
        out!("  {:<54} {:>3}  {}", s.name, s.members.len(), s.title);
    }
    out!("");
    out!("INDICES: index:NAME for a framework under frameworks/ (e.g. index:ai-ecosystem), or index:PATH");
    Ok(())
}

pub fn run(args: Args) -> Result<()> {
    let frameworks = args.data.parent().map(|p| p.join("frameworks")).unwrap_or_else(|| PathBuf::from("frameworks"));
    let mut checker = Checker::load(&args.data, &args.vocabulary, false, Indices::Any(frameworks))?;
    if args.list {
        return list(&checker);
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
