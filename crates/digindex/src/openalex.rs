//! The OpenAlex job: works streamed from a snapshot folder or JSON-lines
//! files into indicators per country and year (`unit,indicator,year,value`,
//! ISO3 units, the catalogue's `long` layout), with per-institution sums
//! and a Parquet flat table on request, and `FILE.json` saying what was
//! read. The CSV, the institutions and the summary are put in place
//! together or not at all.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use digindex_input::number::format_number;
use digindex_openalex::{AiRule, CONFERENCE_PAPER, Filter, Limits, Options, Totals, Validation, WORK_TYPES};

use crate::output::FileGroup;
use crate::progress::{Progress, Units};
use crate::{Context, Error, Result};

/// What to read and count, and where to write it.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Snapshot folders (`data/works`) or `.jsonl` / `.jsonl.gz` / `.gz` files.
    pub inputs: Vec<PathBuf>,
    /// The indicators' CSV; the summary goes to `OUT.json`.
    pub out: PathBuf,
    /// Publication years, inclusive.
    pub years: Option<(i32, i32)>,
    /// Document types to keep (empty: all).
    pub types: Vec<String>,
    /// AI definitions, combined with OR ([`parse_ai`]).
    pub ai: Vec<AiRule>,
    pub include_retracted: bool,
    pub include_paratext: bool,
    /// One record per work id (the input is read twice).
    pub dedup: bool,
    /// Lists of works merged into others, left out.
    pub merged_ids: Vec<PathBuf>,
    /// Stop at the first malformed line.
    pub strict: bool,
    /// Parse in full only the fields used.
    pub on_demand: bool,
    /// Per-institution sums to this CSV.
    pub institutions: Option<PathBuf>,
    /// The flat table as Parquet to this folder (a build with the `parquet` feature).
    pub parquet: Option<PathBuf>,
    /// Indicator name prefix.
    pub prefix: String,
    /// With AI rules: every work's indicators too, under this prefix.
    pub all_prefix: Option<String>,
    pub limits: Limits,
    /// Worker threads (`None`: all cores).
    pub threads: Option<usize>,
}

/// What a run read and kept.
#[derive(Debug, Clone)]
pub struct Summary {
    pub totals: Totals,
    pub files: Vec<PathBuf>,
    pub seconds: f64,
}

/// Parses `--years A-B` (or one year).
pub fn parse_years(s: &str) -> Result<(i32, i32)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let bad = || Error::invalid(format!("--years {s:?}: expected e.g. 2015-2024"));
    Ok((a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?))
}

/// Parses `--ai` rules (see [`AiRule::parse`]).
pub fn parse_ai(rules: &[String]) -> Result<Vec<AiRule>> {
    rules.iter().map(|r| AiRule::parse(r)).collect::<Result<Vec<_>, _>>().map_err(Error::Invalid)
}

/// Parses `--types a,b,c`: the types, and warnings for those not known here.
pub fn parse_types(t: &str) -> Result<(Vec<String>, Vec<String>)> {
    let types: Vec<String> = t.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect();
    if types.is_empty() {
        return Err(Error::invalid("--types: no type given; e.g. --types article,review,conference-paper"));
    }
    // OpenAlex adds types now and then, so these are warnings
    let warnings = types
        .iter()
        .filter(|t| *t != CONFERENCE_PAPER && !WORK_TYPES.contains(&t.as_str()))
        .map(|t| {
            format!(
                "--types: {t:?} is not an OpenAlex work type known here ({}, or {CONFERENCE_PAPER}); \
                 works count only if OpenAlex uses it",
                WORK_TYPES.join(", ")
            )
        })
        .collect();
    Ok((types, warnings))
}

/// The reader's options from the settings, checked (in the order the
/// command line's errors have always come: the merged-ids files are read
/// before the limits are checked).
fn options(s: &Settings) -> Result<Options> {
    let filter = Filter {
        years: s.years,
        types: s.types.clone(),
        include_retracted: s.include_retracted,
        include_paratext: s.include_paratext,
        ai: s.ai.clone(),
    };
    let merged = if s.merged_ids.is_empty() {
        None
    } else {
        Some(std::sync::Arc::new(digindex_openalex::merged::Merged::read(&s.merged_ids)?))
    };
    if !(1..=Limits::MAX_DEPTH).contains(&s.limits.max_depth) {
        return Err(Error::invalid(format!(
            "--max-depth {}: expected 1 to {} levels (the parser recurses once per level)",
            s.limits.max_depth,
            Limits::MAX_DEPTH
        )));
    }
    if s.limits.max_line_bytes == 0 {
        return Err(Error::invalid(
            "--max-line-bytes 0: expected a number of bytes, e.g. 67108864 (64 MiB, the default)",
        ));
    }
    if s.all_prefix.is_some() && filter.ai.is_empty() {
        return Err(Error::invalid("--all-prefix needs --ai: without AI rules every work is counted already"));
    }
    if s.all_prefix.as_deref() == Some(s.prefix.as_str()) {
        return Err(Error::invalid(format!("--all-prefix must differ from --prefix ({:?})", s.prefix)));
    }
    #[cfg(not(feature = "parquet"))]
    if s.parquet.is_some() {
        return Err(Error::invalid(
            "--parquet: this digindex was built without Parquet support; rebuild with `cargo build --release -p digindex-cli --features parquet`",
        ));
    }
    Ok(Options {
        filter,
        validation: if s.on_demand { Validation::OnDemand } else { Validation::Full },
        strict: s.strict,
        dedup: s.dedup,
        merged,
        institutions: s.institutions.is_some(),
        all_works: s.all_prefix.is_some(),
        limits: s.limits,
    })
}

/// Runs the job (see the module docs).
pub fn run(s: &Settings, progress: &dyn Progress) -> Result<Summary> {
    let t0 = Instant::now();
    let opts = options(s)?;
    let files = digindex_openalex::input_files(&s.inputs)?;
    if files.is_empty() {
        return Err(Error::invalid("no .gz or .jsonl files found in the inputs"));
    }
    // an output that is also an input would be overwritten while (or before) it is read
    let summary_path = PathBuf::from(format!("{}.json", s.out.display()));
    let inputs: Vec<PathBuf> = files.iter().filter_map(|f| std::fs::canonicalize(f).ok()).collect();
    for o in std::iter::once(&s.out).chain(std::iter::once(&summary_path)).chain(s.institutions.iter()) {
        if let Ok(c) = std::fs::canonicalize(o) {
            if inputs.contains(&c) {
                return Err(Error::invalid(format!(
                    "{}: the output is also an input; choose another --out",
                    o.display()
                )));
            }
        }
    }
    let size: u64 = files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum();
    let passes = if s.dedup { 2 } else { 1 };
    progress.start("openalex", Units::Bytes, size * passes);
    let works = std::sync::atomic::AtomicU64::new(0);
    let tick = |p: digindex_openalex::Progress| {
        let n = works.fetch_add(p.lines, std::sync::atomic::Ordering::Relaxed) + p.lines;
        let secs = t0.elapsed().as_secs_f64().max(1e-9);
        progress.note(format!("{n} works, {:.0} works/s", n as f64 / secs));
        progress.advance(p.input_bytes);
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::invalid(format!("threads: {e}")))?;
    let totals = pool.install(|| aggregate(&files, &opts, &tick, s.parquet.as_deref()));
    progress.finish();
    let totals = totals?;
    let mut group = FileGroup::new();
    let (csv_sha256, unknown) = stage_indicators(&mut group, s, &totals)?;
    if let Some(path) = &s.institutions {
        stage_institutions(&mut group, path, &totals)?;
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
        "validation": if s.on_demand { "on-demand (fields used in full, the rest for structure)" } else { "full" },
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
    group.commit().with_context(|| format!("writing {} and {}", s.out.display(), summary_path.display()))?;
    Ok(Summary { totals, files, seconds: secs })
}

/// Stages the indicators' CSV (ISO2 codes to ISO3; codes that are not
/// countries are counted); returns its SHA-256 and the codes left out.
fn stage_indicators(group: &mut FileGroup, s: &Settings, totals: &Totals) -> Result<(String, BTreeMap<String, usize>)> {
    let countries = digindex_sources::countries::Countries::shipped();
    let mut unknown: BTreeMap<String, usize> = Default::default();
    let mut rows = digindex_openalex::indicators(totals, &s.prefix);
    if let (Some(all), Some(prefix)) = (&totals.all_works, &s.all_prefix) {
        rows.extend(digindex_openalex::indicators(all, prefix));
        rows.extend(digindex_openalex::shares(totals, all, &format!("{}_share_of_papers", s.prefix)));
    }
    let staged = stage(group, &s.out, |f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record(["unit", "indicator", "year", "value"])?;
        for (c, ind, y, v) in &rows {
            match countries.iso3(c) {
                Ok(Some(iso3)) => w.write_record([iso3, ind.as_str(), &y.to_string(), &format_number(*v)])?,
                _ => *unknown.entry(c.clone()).or_insert(0) += 1,
            }
        }
        w.flush()
    })?;
    let bytes = std::fs::read(staged).with_context(|| format!("reading back {}", staged.display()))?;
    Ok((digindex_input::sha256_hex(&bytes), unknown))
}

/// Stages the per-institution sums.
fn stage_institutions(group: &mut FileGroup, path: &Path, totals: &Totals) -> Result<()> {
    let countries = digindex_sources::countries::Countries::shipped();
    let mut keys: Vec<&(String, i32)> = totals.by_institution_year.keys().collect();
    keys.sort();
    stage(group, path, |f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record(["institution", "name", "country", "year", "papers_whole", "papers_fractional", "citations"])?;
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
                &format_number(e.papers_whole),
                &format_number(e.papers_fractional),
                &e.citations.to_string(),
            ])?;
        }
        w.flush()
    })?;
    Ok(())
}

/// The run, with the Parquet sinks when asked for (and compiled in).
fn aggregate(
    files: &[PathBuf],
    opts: &Options,
    tick: &(dyn Fn(digindex_openalex::Progress) + Sync),
    parquet: Option<&Path>,
) -> Result<Totals, digindex_openalex::OpenAlexError> {
    #[cfg(feature = "parquet")]
    if let Some(dir) = parquet {
        let make =
            |i: usize, _: &Path| -> Result<Box<dyn digindex_openalex::FlatSink>, digindex_openalex::OpenAlexError> {
                Ok(Box::new(digindex_openalex::parquet::ParquetSink::create(dir, i)?))
            };
        return digindex_openalex::run_with_flat(files, opts, tick, Some(&make));
    }
    let _ = parquet;
    digindex_openalex::run(files, opts, tick)
}

/// Stages `path`'s new content in `group`, naming it in the error;
/// returns where it is staged.
fn stage<'g>(
    group: &'g mut FileGroup,
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<&'g Path> {
    group.stage(path, fill).with_context(|| format!("writing {}", path.display()))
}
