//! `digindex data list | show CODE | audit | coverage | diff OLD NEW | fetch SOURCE:ID…` and `digindex regions [show NAME]`
//!
//! The shipped data (the catalogue `data/catalog.toml`) and region sets:
//! what there is, one indicator's values, and — before an index is built —
//! which members of a region have which indicators.

use std::path::PathBuf;

use anyhow::Result;
use digindex::data::{AuditScope, catalog, region, region_sets, years};
use digindex_sources::catalog::Catalog;
use digindex_sources::countries::Countries;

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
    /// What changed between two vintages of the data: values revised,
    /// added and removed per indicator, the biggest revisions first.
    Diff {
        /// The old catalogue (a catalog.toml, or a folder holding one).
        old: PathBuf,
        /// The new catalogue.
        new: PathBuf,
        /// Only these indicators (repeatable; default: every one in both).
        #[arg(long = "indicator", value_name = "CODE")]
        indicators: Vec<String>,
        /// How many of the biggest revisions to print.
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Write every difference as CSV
        /// `indicator,unit,year,change,old,new,difference,relative` here.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Fetches series from the official APIs into the catalogue: the file
    /// in the dataset's folder, the entry added or updated with where and
    /// when it was fetched.
    ///
    /// Sources: worldbank:INDICATOR (World Bank API v2), openalex:NAME
    /// (--years A-B, --filter; per-country whole counts of works),
    /// owid:SLUG (Our World in Data chart), sdg:SERIES (UN SDG API;
    /// --filter Dimension=Value,…), github:FILE or github:FILE/VALUE
    /// (GitHub Innovation Graph), wikidata:NAME (--query FILE.rq).
    Fetch(Box<FetchArgs>),
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
struct FetchArgs {
    /// What to fetch, as SOURCE:ID (e.g. worldbank:IT.NET.USER.ZS).
    #[arg(required = true, value_name = "SOURCE:ID")]
    ids: Vec<String>,
    /// The catalogue to update (default: DATA/catalog.toml).
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// The entry's code (one SOURCE:ID only; default: the id in lower
    /// case, other characters as _).
    #[arg(long)]
    code: Option<String>,
    /// The API's address instead of the official one (a mirror, a test server).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Only values from this year on; an entry's earlier values are kept.
    #[arg(long)]
    since: Option<i32>,
    /// Use the cache only: no request leaves the machine.
    #[arg(long)]
    offline: bool,
    /// OpenAlex: the works filter (e.g. primary_topic.subfield.id:1702);
    /// SDG: dimensions to keep (e.g. Location=ALLAREA,Sex=BOTHSEX).
    #[arg(long)]
    filter: Option<String>,
    /// OpenAlex: publication years, A-B.
    #[arg(long, value_name = "A-B")]
    years: Option<String>,
    /// OpenAlex: an e-mail address for the polite pool (sent, not
    /// recorded). An API key is read from OPENALEX_API_KEY.
    #[arg(long)]
    mailto: Option<String>,
    /// OWID: the value column, when the chart has several.
    #[arg(long)]
    column: Option<String>,
    /// GitHub: the rule from quarters to years (q4, mean, sum…; default
    /// q4, or mean for a topic, language or licence).
    #[arg(long)]
    annual: Option<String>,
    /// Wikidata: the SPARQL query file (it is kept beside the data).
    #[arg(long, value_name = "FILE.rq")]
    query: Option<PathBuf>,
    /// Wikidata: the year the counts describe (default: this year).
    #[arg(long)]
    year: Option<i32>,
    /// The cache folder (default: $XDG_CACHE_HOME/digindex/fetch or
    /// ~/.cache/digindex/fetch).
    #[arg(long)]
    cache: Option<PathBuf>,
    /// Further attempts after a 429, a 5xx or a dropped connection.
    #[arg(long, default_value_t = 4)]
    retries: u32,
    /// Seconds a request may take.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// The longest wait (seconds) accepted from a Retry-After.
    #[arg(long, default_value_t = 300)]
    max_wait: u64,
    /// Least milliseconds between two requests to one host.
    #[arg(long, default_value_t = 200)]
    interval: u64,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
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

pub fn run_regions(args: RegionArgs) -> Result<()> {
    let countries = Countries::shipped();
    let sets = region_sets(countries)?;
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

pub fn run(args: DataArgs) -> Result<()> {
    let countries = Countries::shipped();
    if let DataCommand::Diff { old, new, indicators, top, out } = &args.command {
        return diff(old, new, indicators, *top, out.as_deref(), countries);
    }
    if let DataCommand::Fetch(f) = args.command {
        return fetch(*f, &args.data);
    }
    let cat = catalog(&args.data, countries)?;
    match args.command {
        DataCommand::List => {
            let all = cat.load_all(countries)?;
            if !super::print(|l| digindex::summary::catalogue(&cat, &all, l)) {
                return Ok(());
            }
        }
        DataCommand::Show { code, region: rname, year } => {
            let ind = digindex::data::indicator(&cat, &code, "")?;
            let s = cat.load(ind, countries)?;
            out!("{} — {} ({})", ind.code, ind.name, ind.unit);
            if let Some(d) = cat.dataset(&ind.dataset) {
                out!("source: {} — {} — licence {}", d.title, d.source, d.licence);
            }
            out!("file: {} (format {}); years {}", cat.file_of(ind).display(), ind.format, years(&s));
            let sets = region_sets(countries)?;
            let members = match &rname {
                Some(n) => Some(region(&sets, n)?),
                None => None,
            };
            let shown = digindex::data::shown_values(&cat, &s, countries, members, year);
            super::print(|l| digindex::summary::shown_values(&shown, l));
        }
        DataCommand::Audit { catalog: cat_path, region: rname, indicators, since, out } => {
            let cat = match cat_path {
                Some(p) => Catalog::read(&p, countries)?,
                None => cat,
            };
            let scope = AuditScope { region: rname.clone(), indicators, since };
            let (rows, n_series, counts) = digindex::data::quality_rows(&cat, countries, &scope)?;
            let write = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
                let mut wtr = csv::Writer::from_writer(w);
                wtr.write_record(["unit", "indicator", "year", "value", "rule", "detail"])?;
                for r in &rows {
                    wtr.write_record(r)?;
                }
                wtr.flush()
            };
            match &out {
                Some(p) => digindex::output::write_file_atomically(p, |w| write(w))
                    .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", p.display()))?,
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
                n_series,
                rname.map(|r| format!(" for {r}")).unwrap_or_default(),
                if summary.is_empty() { "nothing found".into() } else { summary.join(", ") }
            );
        }
        DataCommand::Diff { .. } | DataCommand::Fetch(_) => {}
        DataCommand::Coverage { region: rname, year, max_age } => {
            let sets = region_sets(countries)?;
            let r = region(&sets, &rname)?;
            let all = cat.load_all(countries)?;
            out!("{} — {} ({} members); ■ = value, · = none", r.name, r.title, r.members.len());
            out!("members in column order: {}", r.members.join(" "));
            let width = all.iter().map(|s| s.indicator.code.len()).max().unwrap_or(10);
            for c in digindex::data::coverage(&all, r, year, max_age) {
                let marks: String = c.present.iter().map(|&p| if p { '■' } else { '·' }).collect();
                let n = c.present.iter().filter(|p| **p).count();
                out!("{:<width$} {} {:>3}/{:<3} {marks}", c.code, c.year, n, r.members.len());
            }
        }
    }
    Ok(())
}

/// `data diff`: the summary on standard output, every row in `out`.
fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    indicators: &[String],
    top: usize,
    out: Option<&std::path::Path>,
    countries: &Countries,
) -> Result<()> {
    let d = digindex::data::diff(old, new, indicators, countries)?;
    if let Some(p) = out {
        digindex::output::write_file_atomically(p, |w| digindex::data::write_diff(w, &d))
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", p.display()))?;
    }
    super::print(|l| digindex::summary::data_diff(&d, top, l));
    Ok(())
}

/// `data fetch`.
fn fetch(a: FetchArgs, data: &std::path::Path) -> Result<()> {
    use digindex::fetch::{Request, Settings};
    use std::time::Duration;
    let requests =
        a.ids.iter().map(|s| Ok(Request { source: s.parse()?, code: a.code.clone() })).collect::<Result<Vec<_>>>()?;
    let years = a.years.as_deref().map(digindex::openalex::parse_years).transpose()?;
    let query = match &a.query {
        Some(p) => Some(
            std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: cannot read the query: {e}", p.display()))?,
        ),
        None => None,
    };
    let this_year = digindex_fetch::time::year(std::time::SystemTime::now());
    let cache = a.cache.clone().or_else(|| {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("digindex").join("fetch"))
    });
    let options = digindex_fetch::Options {
        base_url: a.base_url.clone(),
        since: a.since,
        filter: a.filter.clone(),
        years,
        column: a.column.clone(),
        annual: a.annual.clone(),
        query,
        year: a.year,
        mailto: a.mailto.clone(),
        api_key: std::env::var("OPENALEX_API_KEY").ok().filter(|k| !k.trim().is_empty()),
        this_year,
    };
    let client = digindex_fetch::Settings {
        timeout: Duration::from_secs(a.timeout),
        retries: a.retries,
        max_wait: Duration::from_secs(a.max_wait),
        min_interval: Duration::from_millis(a.interval),
        cache: cache.map(digindex_fetch::Cache::new),
        offline: a.offline,
        ..Default::default()
    };
    let catalog = a.catalog.clone().unwrap_or_else(|| data.join("catalog.toml"));
    let s = Settings { catalog: catalog.clone(), options, client };
    let reports = digindex::fetch::run(&s, &requests, &crate::progress::Bar::new(a.quiet))?;
    super::print(|l| digindex::summary::fetched(&reports, &catalog, l));
    Ok(())
}
