//! `digindex openalex INPUT... --out FILE [--years A-B] [--types T,...] [--ai RULE]...`
//!
//! Streams OpenAlex works (a snapshot `works` folder with its manifest, or
//! `.jsonl` / `.jsonl.gz` files), files in parallel, and writes indicators
//! per country and year in the observation layout (`unit,indicator,year,value`,
//! ISO3 units) that the catalogue's `long` format reads, plus `FILE.json`
//! with what was read (lines, malformed lines, affiliation coverage).

use std::path::PathBuf;

use anyhow::Result;
use digindex::openalex::{Settings, parse_ai, parse_types, parse_years};

#[derive(clap::Args)]
pub struct Args {
    /// Snapshot folders (data/works) or .jsonl / .jsonl.gz / .gz files.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output CSV (unit,indicator,year,value).
    #[arg(long, short)]
    out: PathBuf,
    /// Publication years, e.g. 2015-2024.
    #[arg(long)]
    years: Option<String>,
    /// Document types to keep, comma-separated (default: all): OpenAlex
    /// types (article, review, preprint, book-chapter…) and conference-paper
    /// (papers in proceedings, which OpenAlex types `article`).
    #[arg(long)]
    types: Option<String>,
    /// AI definition (repeatable, combined with OR): primary-subfield:1702,
    /// subfield:1702,1707, concept:C154945302:0.3, keywords:deep learning,neural
    /// network* (title or abstract; whole words, `*` for any ending),
    /// title-keywords:deep learning (title only).
    #[arg(long = "ai")]
    ai: Vec<String>,
    /// Count retracted works too (left out by default).
    #[arg(long)]
    include_retracted: bool,
    /// Count paratext (front matter, tables of contents…) too (left out by default).
    #[arg(long)]
    include_paratext: bool,
    /// Count one record per work id: the newest (`updated_date`), then the first in input order (reads the input twice; ~25 bytes of memory per copy)
    #[arg(long)]
    dedup: bool,
    /// Leave out works merged into others: the snapshot's merged_ids/works
    /// folder (or .csv / .csv.gz files with an `id` column). For a copy
    /// kept up to date partition by partition, which still holds them
    #[arg(long, value_name = "PATH")]
    merged_ids: Vec<PathBuf>,
    /// Stop at the first malformed line.
    #[arg(long)]
    strict: bool,
    /// Parse in full only the fields used; check the others (abstracts,
    /// references, locations…) for structure only: UTF-8, closed strings,
    /// balanced brackets. ~10% faster on full records (~20% in AI runs, as
    /// authorships are read only for works kept), but a line malformed only
    /// inside an unused field is then counted, not reported.
    #[arg(long)]
    on_demand: bool,
    /// Also write per-institution sums (works, fractional works, citations
    /// per institution and year) to this CSV file.
    #[arg(long, value_name = "FILE")]
    institutions: Option<PathBuf>,
    /// Also write the flat table (work, year, country, share, citations,
    /// fwci, international, top10) as Parquet, one part per input file, to
    /// this folder (needs a build with `--features parquet`).
    #[arg(long, value_name = "DIR")]
    parquet: Option<PathBuf>,
    /// Indicator name prefix.
    #[arg(long, default_value = "openalex")]
    prefix: String,
    /// With --ai: also write every work's indicators (AI or not) under this
    /// prefix, from the same pass, and <--prefix>_share_of_papers (AI works
    /// as a share of all works, whole counts) for each country and year.
    #[arg(long, value_name = "PREFIX")]
    all_prefix: Option<String>,
    /// Longest line read, in bytes; a longer line is malformed (counted
    /// and reported, or with --strict an error) and not held in memory.
    #[arg(long, value_name = "BYTES", default_value_t = digindex_openalex::Limits::LINE_BYTES)]
    max_line_bytes: usize,
    /// Deepest nesting of arrays and objects in a line (at most 48); a
    /// deeper line is malformed. OpenAlex works nest 5 deep.
    #[arg(long, value_name = "LEVELS", default_value_t = digindex_openalex::Limits::DEPTH)]
    max_depth: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar and no summary on the terminal.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let years = args.years.as_deref().map(parse_years).transpose()?;
    let ai = parse_ai(&args.ai)?;
    let types = match args.types.as_deref() {
        None => Vec::new(),
        Some(t) => {
            let (types, warnings) = parse_types(t)?;
            for w in warnings {
                eprintln!("warning: {w}");
            }
            types
        }
    };
    let settings = Settings {
        inputs: args.inputs,
        out: args.out,
        years,
        types,
        ai,
        include_retracted: args.include_retracted,
        include_paratext: args.include_paratext,
        dedup: args.dedup,
        merged_ids: args.merged_ids,
        strict: args.strict,
        on_demand: args.on_demand,
        institutions: args.institutions,
        parquet: args.parquet,
        prefix: args.prefix,
        all_prefix: args.all_prefix,
        limits: digindex_openalex::Limits { max_line_bytes: args.max_line_bytes, max_depth: args.max_depth },
        threads: args.threads,
    };
    let s = digindex::openalex::run(&settings, &crate::progress::Bar::new(args.quiet))?;
    if !args.quiet {
        // (the last thing said: a closed standard output changes nothing)
        super::print(|l| digindex::summary::openalex(&s, &settings, l));
    }
    Ok(())
}
