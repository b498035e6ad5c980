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

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use digindex_claims::{
    Asserted, Claim, ClaimsFile, Context, Lexicon, Member, Reading, Regions, Status, Verdict, Vocabulary, check, judge,
    parse_line,
};
use digindex_sources::catalog::{Catalog, Series};
use digindex_sources::countries::Countries;

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

/// Which indices `index:NAME` may build.
pub enum Indices {
    /// A spec path, or the name of a framework folder under `frameworks/`.
    Any(PathBuf),
    /// Only these (name, spec path): what a server serves.
    Only(Vec<(String, PathBuf)>),
}

/// What checking claims on data needs, loaded once: the metric
/// vocabulary, the countries, the regions, the catalogue and its series,
/// and the indices built for index claims.
pub struct Checker {
    vocab: Vocabulary,
    countries: &'static Countries,
    regions: Regions,
    catalog: Catalog,
    codes: Vec<String>,
    series: std::collections::BTreeMap<String, Series>,
    indices: Indices,
    runs: Mutex<HashMap<(PathBuf, String), Arc<IndexRun>>>,
}

impl Checker {
    /// Loads the vocabulary, the regions, the catalogue in `data` and the
    /// series the vocabulary names (and every series with `all`).
    pub fn load(data: &Path, vocabulary: &Path, all: bool, indices: Indices) -> Result<Checker> {
        let vtext = digindex_io::read_text(vocabulary)
            .map_err(|e| anyhow!("{}: cannot read the metric vocabulary: {e}", vocabulary.display()))?;
        let vocab: Vocabulary = toml::from_str(&vtext).map_err(|e| anyhow!("{}: {e}", vocabulary.display()))?;
        let countries = Countries::shipped();
        let catalog = super::data::catalog(data, countries)?;
        let regions = Regions::shipped(countries).map_err(|e| anyhow!(e))?;
        for r in &vocab.default_regions {
            regions.resolve(r).map_err(|e| anyhow!("{}: default_regions: {e}", vocabulary.display()))?;
        }
        let codes: Vec<String> = catalog.indicators.iter().map(|i| i.code.clone()).collect();
        let mut c = Checker {
            vocab,
            countries,
            regions,
            catalog,
            codes,
            series: Default::default(),
            indices,
            runs: Mutex::new(HashMap::new()),
        };
        // every series the vocabulary names must be in the catalogue; they
        // are read when a claim needs them (all at once with `all`)
        let named = c.vocab.metrics.values().flat_map(|m| m.variants.iter().map(|v| &v.code));
        if let Some(code) = named.chain([&c.vocab.population]).find(|code| !c.codes.contains(code)) {
            return Err(anyhow!("{}: {code:?} is not in the catalogue", vocabulary.display()));
        }
        if all {
            let wanted = c.codes.clone();
            c.ensure(&wanted).map_err(|e| anyhow!("{}: {e}", vocabulary.display()))?;
        }
        Ok(c)
    }

    /// Loads the catalogue series among `codes` not loaded yet.
    fn ensure(&mut self, codes: &[String]) -> Result<()> {
        let mut list = Vec::new();
        for c in codes {
            if self.series.contains_key(c) || list.iter().any(|i: &&digindex_sources::catalog::Indicator| &i.code == c)
            {
                continue;
            }
            list.push(self.catalog.indicator(c).ok_or_else(|| anyhow!("{c:?} is not in the catalogue"))?);
        }
        if list.is_empty() {
            return Ok(());
        }
        let loaded = self.catalog.load_some(&list, self.countries).map_err(|e| anyhow!("{e}"))?;
        self.series.extend(loaded.into_iter().map(|s| (s.indicator.code.clone(), s)));
        Ok(())
    }

    fn lexicon(&self) -> Lexicon<'_> {
        Lexicon { vocabulary: &self.vocab, codes: &self.codes, regions: &self.regions, countries: self.countries }
    }

    fn context(&self) -> Context<'_> {
        Context { countries: self.countries, regions: &self.regions, vocabulary: &self.vocab, series: &self.series }
    }

    /// Reads claims from arguments: files or one-line claims.
    pub fn read_claims(&self, args: &[String]) -> Result<Vec<Claim>> {
        let mut out = Vec::new();
        for a in args {
            if a.ends_with(".toml") {
                let text = digindex_io::read_text(Path::new(a))
                    .map_err(|e| anyhow!("{a}: cannot read the claims file: {e}"))?;
                let f: ClaimsFile = toml::from_str(&text).map_err(|e| anyhow!("{a}: {e}"))?;
                for (i, c) in f.claims.iter().enumerate() {
                    c.asserted().map_err(|e| anyhow!("{a}: claim {} ({:?}): {e}", i + 1, c.id))?;
                }
                out.extend(f.claims);
            } else {
                out.push(parse_line(a, &self.lexicon()).map_err(|e| anyhow!("{e}"))?);
            }
        }
        Ok(out)
    }

    /// Checks a one-line claim (the server's `POST /api/check`).
    pub fn check_line(&self, line: &str) -> std::result::Result<Verdict, String> {
        let c = parse_line(line, &self.lexicon()).map_err(|e| e.to_string())?;
        let missing: Vec<&String> =
            c.metrics.iter().filter(|m| self.codes.contains(m) && !self.series.contains_key(*m)).collect();
        if let Some(m) = missing.first() {
            return Err(format!("{m} is not loaded on this server"));
        }
        self.verdict(&c).map_err(|e| format!("{e:#}"))
    }

    /// Checks claims, loading the catalogue series they name first.
    pub fn check_all(&mut self, claims: &[Claim]) -> Result<Vec<Verdict>> {
        let lx = self.lexicon();
        let mut codes = Vec::new();
        for c in claims {
            for m in &c.metrics {
                if let Ok(name) = lx.vocabulary.resolve_metric(m, lx.codes) {
                    if let Some(metric) = lx.vocabulary.metrics.get(&name) {
                        codes.extend(metric.variants.iter().map(|v| v.code.clone()));
                    } else if self.codes.contains(&name) {
                        codes.push(name);
                    }
                }
            }
        }
        // only the series these claims read (a claim check starts in tens
        // of milliseconds, not in the time to read the whole catalogue)
        if !codes.is_empty() {
            codes.push(lx.vocabulary.population.clone());
        }
        self.ensure(&codes)?;
        claims
            .iter()
            .map(|c| {
                let name = if c.id.is_empty() { &c.text } else { &c.id };
                self.verdict(c).map_err(|e| anyhow!("claim {name:?}: {e:#}"))
            })
            .collect()
    }

    /// The verdict on one claim: data readings from the claims crate,
    /// index readings from built indices.
    fn verdict(&self, c: &Claim) -> Result<Verdict> {
        let (index_metrics, data_metrics): (Vec<String>, Vec<String>) =
            c.metrics.iter().cloned().partition(|m| m.starts_with("index:"));
        if c.all && !index_metrics.is_empty() && !data_metrics.is_empty() {
            return Err(anyhow!("a compound claim (all = true, \"and\") cannot mix an index with data metrics"));
        }
        let ctx = self.context();
        if index_metrics.is_empty() {
            return check(c, &ctx).map_err(|e| anyhow!("{e}"));
        }
        let mut index_claim = c.clone();
        index_claim.metrics = data_metrics.clone();
        let whole = digindex_claims::verdict_for(c, &ctx).map_err(|e| anyhow!("{e}"))?;
        let mut v = if data_metrics.is_empty() {
            whole
        } else {
            let mut v = check(&index_claim, &ctx).map_err(|e| anyhow!("{e}"))?;
            (v.text, v.canonical) = (whole.text, whole.canonical);
            v
        };
        let asserted = c.asserted().map_err(|e| anyhow!("{e}"))?;
        let (sets, _) = digindex_claims::regions_of(c, &v.subject, &self.regions, &self.vocab.default_regions)
            .map_err(|e| anyhow!("{e}"))?;
        let max_age = self.vocab.max_age.max(0);
        for m in &index_metrics {
            let path = self.index_path(&m["index:".len()..])?;
            for region in &sets {
                let mut r = self.index_reading(&path, m, region, &v.subject, asserted)?;
                // the index is of its reference year: it stands for the claim's years whose
                // window holds that year; before them it is the latest evidence
                let ry = r.year;
                let covered: Vec<i32> = c.years.iter().copied().filter(|&y| y - max_age <= ry && ry <= y).collect();
                if c.years.is_empty() || !covered.is_empty() {
                    if !covered.is_empty() {
                        r.years = covered;
                        r.year = r.years[0];
                    }
                    v.readings.push(r);
                } else if c.years.iter().all(|&y| ry < y - max_age) {
                    v.latest.push(r);
                } else {
                    let mut years = c.years.clone();
                    years.sort_unstable();
                    let mut u = Reading::unchecked(
                        region,
                        m,
                        &r.variant,
                        years[0],
                        format!(
                            "the index is built for {ry}; the claim is about {}",
                            years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
                        ),
                    );
                    u.years = years;
                    v.readings.push(u);
                }
            }
        }
        v.tally();
        Ok(v)
    }

    /// The spec an `index:NAME` names.
    fn index_path(&self, name: &str) -> Result<PathBuf> {
        match &self.indices {
            Indices::Only(list) => list.iter().find(|(n, _)| n == name).map(|(_, p)| p.clone()).ok_or_else(|| {
                let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
                anyhow!("index:{name}: this server answers index claims for {}", names.join(", "))
            }),
            Indices::Any(frameworks) => {
                let p = Path::new(name);
                if super::spec_file(p).is_file() {
                    return Ok(p.to_path_buf());
                }
                let shipped = frameworks.join(name);
                if shipped.join("index.toml").is_file() {
                    return Ok(shipped);
                }
                let mut names: Vec<String> = std::fs::read_dir(frameworks)
                    .map(|d| {
                        d.filter_map(|e| e.ok())
                            .filter(|e| e.path().join("index.toml").is_file())
                            .map(|e| e.file_name().to_string_lossy().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                Err(anyhow!(
                    "index:{name}: no such framework{}; shipped: {} (or give a spec path)",
                    digindex_data::suggest(name, names.iter()),
                    names.iter().map(|n| format!("index:{n}")).collect::<Vec<_>>().join(", ")
                ))
            }
        }
    }

    /// A reading on a built index: the subject's rank at the framework's
    /// reference year among the region's members, with the rank interval
    /// of its uncertainty analysis when the framework declares one. Each
    /// (framework, region) is built once.
    fn index_reading(
        &self,
        path: &Path,
        metric: &str,
        region: &digindex_sources::regions::RegionSet,
        subject: &str,
        asserted: Asserted,
    ) -> Result<Reading> {
        let key = (path.to_path_buf(), region.name.clone());
        let cached = self.runs.lock().map_err(|_| anyhow!("index cache poisoned"))?.get(&key).cloned();
        let run = match cached {
            Some(r) => r,
            None => {
                let r = Arc::new(index_run(path, &region.name)?);
                self.runs.lock().map_err(|_| anyhow!("index cache poisoned"))?.insert(key, r.clone());
                r
            }
        };
        let year = run.spec.data.time.map_or(0, |t| t as i32);
        let build = match &run.build {
            Ok(b) => b,
            Err(e) => {
                return Ok(Reading::unchecked(
                    region,
                    metric,
                    &run.spec.index.name,
                    year,
                    format!("the index cannot be built for {}: {e}", region.name),
                ));
            }
        };
        let target = run.framework.top_code().unwrap_or_default().to_string();
        let agg = build.stage(digindex_build::Stage::Aggregated);
        let Some(col) = agg.column(&target) else {
            return Ok(Reading::unchecked(region, metric, &run.spec.index.name, year, format!("no {target} column")));
        };
        let mut members = Vec::new();
        for (i, u) in agg.units.iter().enumerate() {
            if let Some(x) = col.get(i).copied().filter(|x| !x.is_nan()) {
                members.push(Member::value(u.clone(), x, year));
            }
        }
        let missing: Vec<String> =
            region.members.iter().filter(|u| !members.iter().any(|m| &m.unit == *u)).cloned().collect();
        let j = judge(subject, asserted, members);
        let variant = format!("{} ({target})", run.spec.index.name);
        let mut r = Reading::judged(region, metric, &variant, year, Some(year), j, missing);
        r.note = format!("index {target} at its reference year {year}");
        if let Some(o) = &run.uncertainty {
            if let Some(ri) = o.intervals.iter().find(|r| r.unit == subject) {
                r.note = format!(
                    "{}; rank interval {}–{} (5–95%) over {} runs",
                    r.note,
                    ri.q05,
                    ri.q95,
                    o.replications.len()
                );
            }
        }
        Ok(r)
    }

    /// Prints the names a claim can use.
    fn list(&self) -> Result<()> {
        out!("METRICS (claims/metrics.toml; any catalogue code works too, see `digindex data list`)");
        for (key, m) in &self.vocab.metrics {
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
        for a in &self.regions.aliases {
            out!("  {:<34} → {}", a.alias, a.regions.join(", "));
            if !a.meaning.is_empty() {
                out!("  {:<34}   {}", "", a.meaning);
            }
        }
        out!("  {:<34} → {}", "the region", self.vocab.default_regions.join(", "));
        out!("");
        out!("REGION SETS (data/regions/)");
        for s in &self.regions.sets {
            out!("  {:<54} {:>3}  {}", s.name, s.members.len(), s.title);
        }
        out!("");
        out!("INDICES: index:NAME for a framework under frameworks/ (e.g. index:ai-ecosystem), or index:PATH");
        Ok(())
    }
}

/// A framework's index built for one region.
pub struct IndexRun {
    spec: digindex_build::Spec,
    framework: digindex_data::Framework,
    /// The build, or why it failed.
    build: std::result::Result<digindex_build::Build, String>,
    /// The uncertainty analysis, when the framework declares one and it ran.
    uncertainty: Option<digindex_audit::uncertainty::Outcome>,
}

fn index_run(framework: &Path, region: &str) -> Result<IndexRun> {
    let sets_arg = vec![format!("data.region={region:?}")];
    let (spec, _, loaded) = super::load(framework, &sets_arg)?;
    let build = digindex_build::build(&spec, &loaded.inputs).map_err(|e| e.to_string());
    let uncertainty = match (&build, &spec.uncertainty) {
        (Ok(_), Some(_)) => digindex_audit::uncertainty::run(&spec, &loaded.inputs, &|| {}).ok(),
        _ => None,
    };
    Ok(IndexRun { spec, framework: loaded.inputs.framework, build, uncertainty })
}

/// The verdicts of the claims files a spec names (`claims = [...]`, each
/// with `metrics.toml` beside it), on the catalogue the spec uses.
pub fn spec_verdicts(spec: &digindex_build::Spec, spec_arg: &Path) -> Result<Vec<Verdict>> {
    let spec_dir = super::spec_file(spec_arg).parent().map(Path::to_path_buf).unwrap_or_default();
    let data = match &spec.data.catalog {
        Some(c) => digindex_io::resolve(&spec_dir, c).parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::from("data"),
    };
    let mut out = Vec::new();
    for f in &spec.claims {
        let path = digindex_io::resolve(&spec_dir, f);
        let frameworks = data.parent().map(|p| p.join("frameworks")).unwrap_or_else(|| PathBuf::from("frameworks"));
        let mut checker = Checker::load(&data, &path.with_file_name("metrics.toml"), false, Indices::Any(frameworks))?;
        let claims = checker.read_claims(&[path.display().to_string()])?;
        out.extend(checker.check_all(&claims)?);
    }
    Ok(out)
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Holds => "holds",
        Status::Fails => "fails",
        Status::CannotCheck => "cannot check",
    }
}

/// The evidence of a reading in one line: who is ahead (with values), the
/// next one below, ties, the margin, or why it cannot be checked.
fn evidence(r: &Reading) -> String {
    let mut parts = Vec::new();
    if r.status == Status::CannotCheck || !r.parts.is_empty() || r.rank_range.is_some() {
        parts.push(r.reason.clone());
    }
    if r.proxy {
        parts.push("proxy data".into());
    }
    // with mixed years, every member's year
    let member = |m: &Member| if r.mixed_years { format!("{} ({})", m.describe(), m.year) } else { m.describe() };
    if !r.ahead.is_empty() {
        parts.push(format!("ahead: {}", r.ahead.iter().map(member).collect::<Vec<_>>().join(", ")));
    }
    match (r.subject_value, r.subject_below, &r.next_below) {
        (Some(v), _, Some(b)) => {
            parts.push(format!("value {}; next below: {}", digindex_claims::reading::number(v), member(b)))
        }
        (Some(v), _, None) => parts.push(format!("value {}", digindex_claims::reading::number(v))),
        _ => {}
    }
    if !r.ties.is_empty() {
        parts.push(format!("tied with {}", r.ties.join(", ")));
    }
    if !r.missing.is_empty() && r.data_year.is_some() {
        parts.push(format!("no data: {}", r.missing.join(", ")));
    }
    if let Some(m) = &r.margin {
        parts.push(m.text.clone());
    }
    if !r.note.is_empty() {
        parts.push(r.note.clone());
    }
    parts.join(" · ")
}

fn reading_line(r: &Reading, indent: &str) -> String {
    let rank = match (r.rank, r.rank_range) {
        (_, Some([a, b])) => format!("{a}–{b}/{}", r.of),
        (Some(k), None) => format!("{k}/{}", r.of),
        (None, _) => "-".into(),
    };
    let years = match (r.years.first(), r.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{}", b % 100),
        _ => r.year.to_string(),
    };
    format!(
        "{indent}{:<22} {:<48} {:>7} {:>4} {:>7}  {:<12} {}",
        clip(&r.region, 22),
        clip(&r.variant, 48),
        years,
        r.data_year.map(|y| y.to_string()).unwrap_or("-".into()),
        rank,
        status_word(r.status),
        evidence(r)
    )
}

/// Prints verdicts as text: a compact table per claim.
pub fn print(verdicts: &[Verdict]) -> Result<()> {
    for v in verdicts {
        out!("");
        out!("{} — {}", if v.id.is_empty() { "claim" } else { &v.id }, v.text);
        out!("  read as: {}", v.canonical);
        out!("  VERDICT: {} {} {}", v.subject, v.asserted, v.summary);
        out!(
            "  readings: {} — {} hold, {} fail, {} cannot be checked{}",
            v.of,
            v.holds_in,
            v.checkable - v.holds_in,
            v.cannot_check,
            if v.latest.is_empty() {
                String::new()
            } else {
                format!("; {} latest-evidence readings apart", v.latest.len())
            }
        );
        if !v.outside.is_empty() {
            out!("  not a member of: {}", v.outside.join(", "));
        }
        out!(
            "  {:<22} {:<48} {:>7} {:>4} {:>7}  {:<12} {}",
            "region",
            "measure",
            "year",
            "data",
            "rank",
            "status",
            "evidence"
        );
        for r in &v.readings {
            out!("{}", reading_line(r, "  "));
            for p in &r.parts {
                out!("{}", reading_line(p, "    ↳ "));
            }
        }
        for (i, r) in v.latest.iter().enumerate() {
            if i == 0 || v.latest[i - 1].year != r.year {
                out!("  latest evidence ({}), not counted in the verdict:", r.year);
            }
            out!("{}", reading_line(r, "    "));
            for p in &r.parts {
                out!("{}", reading_line(p, "      ↳ "));
            }
        }
        if !v.sweeps.is_empty() {
            out!("  {} by year:", v.subject);
            for s in &v.sweeps {
                if !s.text.is_empty() {
                    out!("    {:<22} {:<44} {}", clip(&s.region, 22), clip(&s.variant, 44), s.text);
                }
            }
        }
        if !v.note.is_empty() {
            out!("  note: {}", v.note);
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<()> {
    let frameworks = args.data.parent().map(|p| p.join("frameworks")).unwrap_or_else(|| PathBuf::from("frameworks"));
    let mut checker = Checker::load(&args.data, &args.vocabulary, false, Indices::Any(frameworks))?;
    if args.list {
        return checker.list();
    }
    let claims = checker.read_claims(&args.claims)?;
    let verdicts = checker.check_all(&claims)?;
    match args.format.as_str() {
        "json" => {
            let json = serde_json::json!({ "claims": verdicts });
            out!("{}", serde_json::to_string_pretty(&json)?);
        }
        "text" => print(&verdicts)?,
        f => return Err(anyhow!("--format {f:?}: expected text or json")),
    }
    Ok(())
}
