//! `digindex data list | show CODE | audit | coverage` and `digindex regions [show NAME]`
//!
//! The shipped data (the catalogue `data/catalog.toml`) and region sets:
//! what there is, one indicator's values, and — before an index is built —
//! which members of a region have which indicators.

use std::path::PathBuf;

use anyhow::{Result, anyhow};
use digindex_sources::catalog::{Catalog, Series};
use digindex_sources::countries::Countries;
use digindex_sources::regions::{self, RegionSet};

#[derive(clap::Args)]
pub struct DataArgs {
    #[command(subcommand)]
    command: DataCommand,
    /// The data folder holding catalog.toml.
    #[arg(long, global = true, default_value = "data")]
    data: PathBuf,
}

#[derive(clap::Subcommand)]
enum DataCommand {
    /// Every shipped indicator with its dataset, unit, years and coverage.
    List,
    /// One indicator: its source and values (latest year per unit, or --year).
    Show {
        code: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        year: Option<i32>,
    },
    /// The data-quality audit: suspicious values (range, zero, jump, stale,
    /// outlier) and the corrections applied, as CSV
    /// `unit,indicator,year,value,rule,detail`.
    Audit {
        /// The catalogue (default: DATA/catalog.toml).
        #[arg(long)]
        catalog: Option<PathBuf>,
        /// Only the members of this region set (distributions are always every country's).
        #[arg(long)]
        region: Option<String>,
        /// Only these indicators (repeatable; default: all).
        #[arg(long = "indicator", value_name = "CODE")]
        indicators: Vec<String>,
        /// Only values from this year on.
        #[arg(long)]
        since: Option<i32>,
        /// Write the CSV here (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Availability of every indicator for every member of a region.
    Coverage {
        #[arg(long, default_value = "apt")]
        region: String,
        /// The year to check (default: each indicator's latest year).
        #[arg(long)]
        year: Option<i32>,
        /// Accept values up to this many years older than the year.
        #[arg(long, default_value_t = 0)]
        max_age: i32,
    },
}

#[derive(clap::Args)]
pub struct RegionArgs {
    #[command(subcommand)]
    command: Option<RegionCommand>,
}

#[derive(clap::Subcommand)]
enum RegionCommand {
    /// The members of a region set.
    Show { name: String },
}

fn region<'a>(sets: &'a [RegionSet], name: &str) -> Result<&'a RegionSet> {
    sets.iter().find(|s| s.name == name).ok_or_else(|| {
        let names: Vec<String> = sets.iter().map(|s| s.name.clone()).collect();
        anyhow!("no region set {name:?}{}; `digindex regions` lists them", digindex_data::suggest(name, names.iter()))
    })
}

/// The catalogue in a data folder, with a hint when it is missing.
pub(super) fn catalog(dir: &std::path::Path, countries: &Countries) -> Result<Catalog> {
    let p = dir.join("catalog.toml");
    if !p.is_file() {
        return Err(anyhow!("{} not found: run from the repository root or pass --data DIR", p.display()));
    }
    Catalog::read(&p, countries).map_err(|e| anyhow!("{e}"))
}

pub fn run_regions(args: RegionArgs) -> Result<()> {
    let countries = Countries::shipped();
    let sets = regions::shipped(countries).map_err(|e| anyhow!(e))?;
    match args.command {
        None => {
            for s in &sets {
                out!("{:<56} {:>3}  {}", s.name, s.members.len(), s.title);
            }
        }
        Some(RegionCommand::Show { name }) => {
            let s = region(&sets, &name)?;
            out!("{} — {} ({} members)\nsource: {}", s.name, s.title, s.members.len(), s.source);
            for m in &s.members {
                let c = countries.get(m).map(|c| c.name.as_str()).unwrap_or_default();
                out!("{m}  {c}");
            }
        }
    }
    Ok(())
}

fn years(s: &Series) -> String {
    let ys: Vec<i32> = s.observations.iter().filter(|o| !o.value.is_nan()).map(|o| o.year).collect();
    match (ys.iter().min(), ys.iter().max()) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "-".into(),
    }
}

pub fn run(args: DataArgs) -> Result<()> {
    let countries = Countries::shipped();
    let cat = catalog(&args.data, countries)?;
    match args.command {
        DataCommand::List => {
            let all = cat.load_all(countries).map_err(|e| anyhow!("{e}"))?;
            out!("{:<56} {:<10} {:>9} {:>5}  {}", "code", "dataset", "years", "units", "name (unit)");
            for s in &all {
                let units: std::collections::BTreeSet<&str> =
                    s.observations.iter().filter(|o| !o.value.is_nan()).map(|o| o.unit.as_str()).collect();
                out!(
                    "{:<56} {:<10} {:>9} {:>5}  {} ({})",
                    s.indicator.code,
                    s.indicator.dataset,
                    years(s),
                    units.len(),
                    s.indicator.name,
                    s.indicator.unit
                );
            }
            out!("\n{} indicators from {} datasets:", all.len(), cat.datasets.len());
            for d in &cat.datasets {
                out!("  {:<10} {} — {} — {}", d.id, d.title, d.licence, d.source);
            }
        }
        DataCommand::Show { code, region: rname, year } => {
            let ind = cat.indicator(&code).ok_or_else(|| {
                let codes: Vec<String> = cat.indicators.iter().map(|i| i.code.clone()).collect();
                anyhow!("no indicator {code:?}{}", digindex_data::suggest(&code, codes.iter()))
            })?;
            let s = cat.load(ind, countries).map_err(|e| anyhow!("{e}"))?;
            let d = cat.dataset(&ind.dataset);
            out!("{} — {} ({})", ind.code, ind.name, ind.unit);
            if let Some(d) = d {
                out!("source: {} — {} — licence {}", d.title, d.source, d.licence);
            }
            out!("file: {} (format {}); years {}", cat.file_of(ind).display(), ind.format, years(&s));
            let sets = regions::shipped(countries).map_err(|e| anyhow!(e))?;
            let members: Option<&RegionSet> = match &rname {
                Some(n) => Some(region(&sets, n)?),
                None => None,
            };
            let mut units: Vec<&str> = s.observations.iter().map(|o| o.unit.as_str()).collect();
            units.dedup();
            if let Some(m) = members {
                units = m.members.iter().map(String::as_str).collect();
            }
            // each unit's latest observation (a value, or "below the threshold"), or the year's
            let latest = |u: &str| {
                s.observations
                    .iter()
                    .filter(|o| o.unit == u && (!o.value.is_nan() || o.is_censored()))
                    .filter(|o| year.is_none_or(|y| o.year == y))
                    .max_by_key(|o| o.year)
            };
            // censored values rank below every published one, and tie
            let key = |o: &digindex_data::Observation| if o.is_censored() { f64::NEG_INFINITY } else { o.value };
            let mut rows: Vec<(&str, Option<&digindex_data::Observation>)> =
                units.iter().map(|u| (*u, latest(u))).collect();
            rows.sort_by(|a, b| match (a.1, b.1) {
                (Some(x), Some(y)) => key(y).total_cmp(&key(x)).then(a.0.cmp(b.0)),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                _ => a.0.cmp(b.0),
            });
            let part = if ind.format.starts_with("github") { "quarter" } else { "part" };
            for (u, o) in rows {
                let name = countries.get(u).map(|c| c.name.as_str()).unwrap_or_default();
                let Some(o) = o else {
                    let why = s.corrections.iter().find(|a| a.unit == u && year.is_none_or(|y| a.year == y));
                    match why {
                        Some(a) => out!("{u}  {:<32} -  (its values {})", name, a.describe()),
                        None => out!("{u}  {:<32} -", name),
                    }
                    continue;
                };
                let mut notes = Vec::new();
                let value = match &o.censored {
                    Some(c) if c.published == 0 => format!("< {}", digindex_io::number::format_number(c.upper)),
                    Some(c) => {
                        notes.push(c.describe(part));
                        digindex_io::number::format_number(o.value)
                    }
                    None => digindex_io::number::format_number(o.value),
                };
                if let Some(f) = &o.flag {
                    notes.push(match d.and_then(|d| d.flags.get(f)) {
                        Some(m) => format!("source flag {f:?}: {m}"),
                        None => format!("source flag {f:?}"),
                    });
                }
                if let Some(a) = s.correction(u, o.year) {
                    notes.push(a.describe());
                }
                // later values a correction took away, one note per correction
                let gone: Vec<&digindex_sources::corrections::Applied> = s
                    .corrections
                    .iter()
                    .filter(|a| a.unit == u && a.year > o.year && a.after.is_none() && year.is_none_or(|y| a.year == y))
                    .collect();
                let mut seen = std::collections::BTreeSet::new();
                for a in &gone {
                    if !seen.insert((a.file.as_str(), a.line)) {
                        continue;
                    }
                    let same: Vec<i32> =
                        gone.iter().filter(|b| b.line == a.line && b.file == a.file).map(|b| b.year).collect();
                    let years = match (same.first(), same.last()) {
                        (Some(f), Some(l)) if f != l => format!("the {f}-{l} values"),
                        _ => format!("the {} value {}", a.year, digindex_io::number::format_number(a.before)),
                    };
                    notes.push(format!("{years} {}", a.describe()));
                }
                let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join("; ")) };
                out!("{u}  {:<32} {}  {value}{notes}", name, o.year);
            }
        }
        DataCommand::Audit { catalog: cat_path, region: rname, indicators, since, out } => {
            let cat = match cat_path {
                Some(p) => Catalog::read(&p, countries).map_err(|e| anyhow!("{e}"))?,
                None => cat,
            };
            cat.quality.check().map_err(|e| anyhow!("{e}"))?;
            let list: Vec<&digindex_sources::catalog::Indicator> = if indicators.is_empty() {
                cat.indicators.iter().collect()
            } else {
                let codes: Vec<String> = cat.indicators.iter().map(|i| i.code.clone()).collect();
                indicators
                    .iter()
                    .map(|c| {
                        cat.indicator(c).ok_or_else(|| {
                            anyhow!(
                                "no indicator {c:?}{}; `digindex data list` shows them",
                                digindex_data::suggest(c, codes.iter())
                            )
                        })
                    })
                    .collect::<Result<_>>()?
            };
            let sets = regions::shipped(countries).map_err(|e| anyhow!(e))?;
            let members: Option<std::collections::HashSet<&str>> = match &rname {
                Some(n) => Some(region(&sets, n)?.members.iter().map(String::as_str).collect()),
                None => None,
            };
            let all = cat.load_some(&list, countries).map_err(|e| anyhow!("{e}"))?;
            let mut rows: Vec<[String; 6]> = Vec::new();
            let mut counts: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
            let in_scope =
                |u: &str, y: i32| members.as_ref().is_none_or(|m| m.contains(u)) && since.is_none_or(|s| y >= s);
            for s in &all {
                for f in digindex_sources::quality::audit(s, &cat.quality, members.as_ref()) {
                    if !in_scope(&f.unit, f.year) {
                        continue;
                    }
                    let c = counts.entry(f.rule.to_string()).or_default();
                    c.0 += 1;
                    c.1 += usize::from(f.corrected.is_some());
                    let detail = match &f.corrected {
                        Some(c) => format!("{}; corrected: {c}", f.detail),
                        None => f.detail.clone(),
                    };
                    let value = digindex_io::number::format_number(f.value);
                    rows.push([f.unit, f.indicator, f.year.to_string(), value, f.rule.to_string(), detail]);
                }
                for a in s.corrections.iter().filter(|a| in_scope(&a.unit, a.year)) {
                    let what = a.describe();
                    let evidence = cat
                        .corrections
                        .iter()
                        .find(|c| c.line == a.line && c.file == a.file)
                        .and_then(|c| c.evidence.as_deref())
                        .map(|e| format!("; evidence: {e}"))
                        .unwrap_or_default();
                    counts.entry("correction".into()).or_default().0 += 1;
                    rows.push([
                        a.unit.clone(),
                        a.indicator.clone(),
                        a.year.to_string(),
                        digindex_io::number::format_number(a.before),
                        "correction".into(),
                        format!("{what} ({}:{}){evidence}", a.file, a.line),
                    ]);
                }
            }
            rows.sort_by(|a, b| (&a[1], &a[0], &a[2], &a[4]).cmp(&(&b[1], &b[0], &b[2], &b[4])));
            let write = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
                let mut wtr = csv::Writer::from_writer(w);
                wtr.write_record(["unit", "indicator", "year", "value", "rule", "detail"])?;
                for r in &rows {
                    wtr.write_record(r)?;
                }
                wtr.flush()
            };
            match &out {
                Some(p) => digindex_io::output::write_file_atomically(p, |w| write(w))
                    .map_err(|e| anyhow!("{}: cannot write: {e}", p.display()))?,
                None => {
                    let stdout = std::io::stdout();
                    let mut lock = stdout.lock();
                    if let Err(e) = write(&mut lock) {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            return Ok(());
                        }
                        return Err(e.into());
                    }
                }
            }
            let summary: Vec<String> =
                counts
                    .iter()
                    .map(|(r, (n, c))| {
                        if r == "correction" { format!("{n} corrections") } else { format!("{r} {n} ({c} corrected)") }
                    })
                    .collect();
            eprintln!(
                "{} rows over {} indicators{}: {}",
                rows.len(),
                all.len(),
                rname.map(|r| format!(" for {r}")).unwrap_or_default(),
                if summary.is_empty() { "nothing found".into() } else { summary.join(", ") }
            );
        }
        DataCommand::Coverage { region: rname, year, max_age } => {
            let sets = regions::shipped(countries).map_err(|e| anyhow!(e))?;
            let r = region(&sets, &rname)?;
            let all = cat.load_all(countries).map_err(|e| anyhow!("{e}"))?;
            out!("{} — {} ({} members); ■ = value, · = none", r.name, r.title, r.members.len());
            out!("members in column order: {}", r.members.join(" "));
            let width = all.iter().map(|s| s.indicator.code.len()).max().unwrap_or(10);
            for s in &all {
                // default: the latest year any member has a value for
                let latest =
                    s.observations.iter().filter(|o| !o.value.is_nan() && r.contains(&o.unit)).map(|o| o.year).max();
                let y = match year.or(latest) {
                    Some(y) => y,
                    None => continue,
                };
                let marks: String =
                    r.members.iter().map(|m| if s.value_at(m, y, max_age).is_some() { '■' } else { '·' }).collect();
                let n = marks.chars().filter(|c| *c == '■').count();
                out!("{:<width$} {y} {:>3}/{:<3} {marks}", s.indicator.code, n, r.members.len());
            }
        }
    }
    Ok(())
}
