//! `digindex openalex INPUT... --out FILE [--years A-B] [--types T,...] [--ai RULE]...`
//!
//! Streams OpenAlex works (a snapshot `works` folder with its manifest, or
//! `.jsonl` / `.jsonl.gz` files), files in parallel, and writes indicators
//! per country and year in the observation layout (`unit,indicator,year,value`,
//! ISO3 units) that the catalogue's `long` format reads, plus `FILE.json`
//! with what was read (lines, malformed lines, affiliation coverage).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use digindex_biblio::{AiRule, CONFERENCE_PAPER, Filter, Options, Validation, WORK_TYPES};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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
    #[arg(long, value_name = "BYTES", default_value_t = digindex_biblio::Limits::LINE_BYTES)]
    max_line_bytes: usize,
    /// Deepest nesting of arrays and objects in a line (at most 48); a
    /// deeper line is malformed. OpenAlex works nest 5 deep.
    #[arg(long, value_name = "LEVELS", default_value_t = digindex_biblio::Limits::DEPTH)]
    max_depth: usize,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar and no summary on the terminal.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let t0 = Instant::now();
    let years = match &args.years {
        None => None,
        Some(s) => {
            let (a, b) = s.split_once('-').unwrap_or((s, s));
            Some((
                a.trim().parse().map_err(|_| anyhow!("--years {s:?}: expected e.g. 2015-2024"))?,
                b.trim().parse().map_err(|_| anyhow!("--years {s:?}: expected e.g. 2015-2024"))?,
            ))
        }
    };
    let ai = args.ai.iter().map(|r| AiRule::parse(r)).collect::<Result<Vec<_>, _>>().map_err(|e| anyhow!(e))?;
    let types: Vec<String> = args
        .types
        .as_deref()
        .map(|t| t.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    if args.types.is_some() && types.is_empty() {
        return Err(anyhow!("--types: no type given; e.g. --types article,review,conference-paper"));
    }
    for t in &types {
        if t != CONFERENCE_PAPER && !WORK_TYPES.contains(&t.as_str()) {
            // OpenAlex adds types now and then, so this is a warning
            eprintln!(
                "warning: --types: {t:?} is not an OpenAlex work type known here ({}, or {CONFERENCE_PAPER}); \
                 works count only if OpenAlex uses it",
                WORK_TYPES.join(", ")
            );
        }
    }
    let filter =
        Filter { years, types, include_retracted: args.include_retracted, include_paratext: args.include_paratext, ai };
    let opts = Options {
        filter,
        validation: if args.on_demand { Validation::OnDemand } else { Validation::Full },
        strict: args.strict,
        dedup: args.dedup,
        merged: if args.merged_ids.is_empty() {
            None
        } else {
            Some(std::sync::Arc::new(
                digindex_biblio::merged::Merged::read(&args.merged_ids).map_err(|e| anyhow!("{e}"))?,
            ))
        },
        institutions: args.institutions.is_some(),
        all_works: args.all_prefix.is_some(),
        limits: digindex_biblio::Limits { max_line_bytes: args.max_line_bytes, max_depth: args.max_depth },
    };
    if !(1..=digindex_biblio::Limits::MAX_DEPTH).contains(&args.max_depth) {
        return Err(anyhow!(
            "--max-depth {}: expected 1 to {} levels (the parser recurses once per level)",
            args.max_depth,
            digindex_biblio::Limits::MAX_DEPTH
        ));
    }
    if args.max_line_bytes == 0 {
        return Err(anyhow!("--max-line-bytes 0: expected a number of bytes, e.g. 67108864 (64 MiB, the default)"));
    }
    if args.all_prefix.is_some() && opts.filter.ai.is_empty() {
        return Err(anyhow!("--all-prefix needs --ai: without AI rules every work is counted already"));
    }
    if args.all_prefix.as_deref() == Some(args.prefix.as_str()) {
        return Err(anyhow!("--all-prefix must differ from --prefix ({:?})", args.prefix));
    }
    #[cfg(not(feature = "parquet"))]
    if args.parquet.is_some() {
        return Err(anyhow!(
            "--parquet: this digindex was built without Parquet support; rebuild with `cargo build --release -p digindex-cli --features parquet`"
        ));
    }
    let files = digindex_biblio::input_files(&args.inputs).map_err(|e| anyhow!("{e}"))?;
    if files.is_empty() {
        return Err(anyhow!("no .gz or .jsonl files found in the inputs"));
    }
    // an output that is also an input would be overwritten while (or before) it is read
    let summary_path = PathBuf::from(format!("{}.json", args.out.display()));
    let inputs: Vec<PathBuf> = files.iter().filter_map(|f| std::fs::canonicalize(f).ok()).collect();
    for o in std::iter::once(&args.out).chain(std::iter::once(&summary_path)).chain(args.institutions.iter()) {
        if let Ok(c) = std::fs::canonicalize(o) {
            if inputs.contains(&c) {
                return Err(anyhow!("{}: the output is also an input; choose another --out", o.display()));
            }
        }
    }
    let size: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let passes = if args.dedup { 2 } else { 1 };
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(size * passes), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template(
            "openalex [{bar:30}] {bytes}/{total_bytes} ({binary_bytes_per_sec}) {msg}, {elapsed}, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let works = std::sync::atomic::AtomicU64::new(0);
    let tick = |p: digindex_biblio::Progress| {
        let n = works.fetch_add(p.lines, std::sync::atomic::Ordering::Relaxed) + p.lines;
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{n} works, {:.0} works/s", n as f64 / secs));
        bar.inc(p.input_bytes);
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build().context("threads")?;
    let totals =
        pool.install(|| aggregate(&files, &opts, &tick, args.parquet.as_deref())).map_err(|e| anyhow!("{e}"))?;
    bar.finish_and_clear();
    // ISO2 -> ISO3; codes that are not countries are reported
    let countries = digindex_sources::countries::Countries::shipped();
    let mut unknown: std::collections::BTreeMap<String, usize> = Default::default();
    let mut rows = digindex_biblio::indicators(&totals, &args.prefix);
    if let (Some(all), Some(prefix)) = (&totals.all_works, &args.all_prefix) {
        rows.extend(digindex_biblio::indicators(all, prefix));
        rows.extend(digindex_biblio::shares(&totals, all, &format!("{}_share_of_papers", args.prefix)));
    }
    // the CSV, the institutions and the summary are one unit: all in
    // place, or (killed while replacing) some missing, never a new CSV
    // beside the previous run's summary
    let mut group = digindex_io::output::FileGroup::new();
    let staged_csv = stage(&mut group, &args.out, |f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record(["unit", "indicator", "year", "value"])?;
        for (c, ind, y, v) in &rows {
            match countries.iso3(c) {
                Ok(Some(iso3)) => {
                    w.write_record([iso3, ind.as_str(), &y.to_string(), &digindex_io::number::format_number(*v)])?;
                }
                _ => *unknown.entry(c.clone()).or_insert(0) += 1,
            }
        }
        w.flush()?;
        Ok(())
    })?;
    let csv_sha256 = digindex_io::sha256_hex(
        &std::fs::read(staged_csv).with_context(|| format!("reading back {}", staged_csv.display()))?,
    );
    if let Some(path) = &args.institutions {
        let mut keys: Vec<&(String, i32)> = totals.by_institution_year.keys().collect();
        keys.sort();
        stage(&mut group, path, |f| {
            let mut w = csv::Writer::from_writer(f);
            w.write_record([
                "institution",
                "name",
                "country",
                "year",
                "papers_whole",
                "papers_fractional",
                "citations",
            ])?;
            for k in keys {
                let e = &totals.by_institution_year[k];
                let country = match countries.iso3(&e.country) {
                    Ok(Some(iso3)) => iso3.to_string(),
                    _ => e.country.clone(),
                };
                w.write_record([
                    k.0.as_str(),
                    e.name.as_str(),
                    country.as_str(),
                    &k.1.to_string(),
                    &digindex_io::number::format_number(e.papers_whole),
                    &digindex_io::number::format_number(e.papers_fractional),
                    &e.citations.to_string(),
                ])?;
            }
            w.flush()?;
            Ok(())
        })?;
    }
    let secs = t0.elapsed().as_secs_f64();
    let summary = serde_json::json!({
        "files": files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>(),
        "compressed_bytes": size,
        "json_bytes": totals.bytes,
        "lines": totals.lines,
        "works_kept": totals.works_kept,
        "works_without_country": totals.works_without_country,
        "affiliation_coverage": totals.coverage(),
        "validation": if args.on_demand { "on-demand (fields used in full, the rest for structure)" } else { "full" },
        "malformed_lines": totals.malformed,
        "malformed_examples": totals.malformed_examples,
        "duplicates_skipped": totals.duplicates_skipped,
        "merged_ids": opts.merged.as_ref().map(|m| m.len()),
        "merged_skipped": totals.merged_skipped,
        "codes_not_countries": unknown,
        "seconds": secs,
        "csv_sha256": csv_sha256,
        "limits": {"max_line_bytes": opts.limits.max_line_bytes, "max_depth": opts.limits.max_depth},
    });
    let text = serde_json::to_string_pretty(&summary)? + "\n";
    stage(&mut group, &summary_path, |f| f.write_all(text.as_bytes()))?;
    group.commit().with_context(|| format!("writing {} and {}", args.out.display(), summary_path.display()))?;
    if !args.quiet {
        out!(
            "{} works kept of {} lines ({} malformed) from {} files, {:.0} MB of JSON in {:.2} s ({:.0} MB/s) -> {}",
            totals.works_kept,
            totals.lines,
            totals.malformed,
            files.len(),
            totals.bytes as f64 / 1e6,
            secs,
            totals.bytes as f64 / 1e6 / secs,
            args.out.display()
        );
        out!(
            "affiliation coverage: {:.1}% of authorships have a country; {} works have none",
            100.0 * totals.coverage(),
            totals.works_without_country
        );
        if args.dedup || opts.merged.is_some() {
            out!(
                "left out: {} older or repeated copies of works (--dedup), {} records of works merged away (--merged-ids)",
                totals.duplicates_skipped,
                totals.merged_skipped
            );
        }
    }
    Ok(())
}

/// The run, with the Parquet sinks when asked for (and compiled in).
fn aggregate(
    files: &[PathBuf],
    opts: &Options,
    tick: &(dyn Fn(digindex_biblio::Progress) + Sync),
    parquet: Option<&Path>,
) -> Result<digindex_biblio::Totals, digindex_biblio::BiblioError> {
    #[cfg(feature = "parquet")]
    if let Some(dir) = parquet {
        let make = |i: usize, _: &Path| -> Result<Box<dyn digindex_biblio::FlatSink>, digindex_biblio::BiblioError> {
            Ok(Box::new(digindex_biblio::parquet::ParquetSink::create(dir, i)?))
        };
        return digindex_biblio::run_with_flat(files, opts, tick, Some(&make));
    }
    let _ = parquet;
    digindex_biblio::run(files, opts, tick)
}

/// Stages `path`'s new content in `group`, naming it in the error;
/// returns where it is staged.
fn stage<'g>(
    group: &'g mut digindex_io::output::FileGroup,
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<&'g Path> {
    group.stage(path, fill).with_context(|| format!("writing {}", path.display()))
}
