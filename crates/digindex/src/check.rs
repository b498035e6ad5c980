//! Checking ranking claims on the shipped data: a [`Checker`] loads the
//! metric vocabulary, the countries, the regions and the catalogue once,
//! reads the series a claim names when it first needs them, and judges
//! every reading a claim allows; `index:NAME` claims build the named
//! index for each region (once per index and region).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use digindex_claims::{
    Asserted, Claim, ClaimsFile, Context, Lexicon, Member, Reading, Regions, Sweep, SweepYear, Verdict, Vocabulary,
    check, judge, parse_line,
};
use digindex_sources::catalog::{Catalog, Series};
use digindex_sources::countries::Countries;

use crate::spec::{Recipe, spec_file};
use crate::{Context as _, Error, Result};

/// Which indices `index:NAME` may build.
pub enum Indices {
    /// A spec path, or the name of a framework folder under `frameworks/`.
    Any(PathBuf),
    /// Only these (name, spec path): what a server serves.
    Only(Vec<(String, PathBuf)>),
}

impl Indices {
    /// Any spec, or a framework under the `frameworks/` folder beside the
    /// data folder `data` (the repository's layout).
    pub fn beside(data: &Path) -> Indices {
        Indices::Any(data.parent().map(|p| p.join("frameworks")).unwrap_or_else(|| PathBuf::from("frameworks")))
    }
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
    /// Variants left out because their series is not fetched yet, by metric.
    unfetched: Vec<(String, digindex_claims::claim::Variant)>,
}

impl Checker {
    /// Loads the vocabulary, the regions, the catalogue in `data` and the
    /// series the vocabulary names (and every series with `all`).
    pub fn load(data: &Path, vocabulary: &Path, all: bool, indices: Indices) -> Result<Checker> {
        let vtext = digindex_input::read_text(vocabulary)
            .with_context(|| format!("{}: cannot read the metric vocabulary", vocabulary.display()))?;
        let mut vocab: Vocabulary =
            toml::from_str(&vtext).map_err(|e| Error::invalid(format!("{}: {e}", vocabulary.display())))?;
        let countries = Countries::shipped();
        let catalog = crate::data::catalog(data, countries)?;
        let regions = Regions::shipped(countries)?;
        for r in &vocab.default_regions {
            regions
                .resolve(r)
                .map_err(|e| Error::invalid(format!("{}: default_regions: {e}", vocabulary.display())))?;
        }
        let codes: Vec<String> = catalog.indicators.iter().map(|i| i.code.clone()).collect();
        // a variant of a series fetched on demand waits until it is fetched
        let mut unfetched = Vec::new();
        for (key, m) in vocab.metrics.iter_mut() {
            let (keep, wait): (Vec<_>, Vec<_>) =
                m.variants.drain(..).partition(|v| v.fetch.is_none() || codes.contains(&v.code));
            m.variants = keep;
            unfetched.extend(wait.into_iter().map(|v| (key.clone(), v)));
        }
        let mut c = Checker {
            vocab,
            countries,
            regions,
            catalog,
            codes,
            series: Default::default(),
            indices,
            runs: Mutex::new(HashMap::new()),
            unfetched,
        };
        // every series the vocabulary names must be in the catalogue; they
        // are read when a claim needs them (all at once with `all`)
        let named = c.vocab.metrics.values().flat_map(|m| m.variants.iter().map(|v| &v.code));
        if let Some(code) = named.chain([&c.vocab.population]).find(|code| !c.codes.contains(code)) {
            return Err(Error::invalid(format!("{}: {code:?} is not in the catalogue", vocabulary.display())));
        }
        if all {
            let wanted = c.codes.clone();
            c.ensure(&wanted).with_context(|| vocabulary.display().to_string())?;
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
            list.push(
                self.catalog.indicator(c).ok_or_else(|| Error::invalid(format!("{c:?} is not in the catalogue")))?,
            );
        }
        if list.is_empty() {
            return Ok(());
        }
        let loaded = self.catalog.load_some(&list, self.countries)?;
        self.series.extend(loaded.into_iter().map(|s| (s.indicator.code.clone(), s)));
        Ok(())
    }

    /// The metric vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocab
    }

    /// The region sets and the names people use for them.
    pub fn regions(&self) -> &Regions {
        &self.regions
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
                let text = digindex_input::read_text(Path::new(a))
                    .with_context(|| format!("{a}: cannot read the claims file"))?;
                let f: ClaimsFile = toml::from_str(&text).map_err(|e| Error::invalid(format!("{a}: {e}")))?;
                for (i, c) in f.claims.iter().enumerate() {
                    c.asserted().with_context(|| format!("{a}: claim {} ({:?})", i + 1, c.id))?;
                }
                out.extend(f.claims);
            } else {
                out.push(parse_line(a, &self.lexicon())?);
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
        self.verdict(&c).map_err(|e| crate::error::chain(&e))
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
                let mut v = self.verdict(c).with_context(|| format!("claim {name:?}"))?;
                for (metric, variant) in self.unfetched_for(c) {
                    let cmd = variant.fetch.as_deref().unwrap_or_default();
                    let said = format!(
                        "not read: {} ({metric}), whose series is not in the catalogue yet; `{cmd}` fetches it",
                        variant.name()
                    );
                    v.note = if v.note.is_empty() { said } else { format!("{}; {said}", v.note) };
                }
                Ok(v)
            })
            .collect()
    }

    /// The variants a claim's metrics would read once fetched.
    fn unfetched_for(&self, c: &Claim) -> Vec<&(String, digindex_claims::claim::Variant)> {
        let names: Vec<String> =
            c.metrics.iter().filter_map(|m| self.vocab.resolve_metric(m, &self.codes).ok()).collect();
        self.unfetched.iter().filter(|(k, _)| names.contains(k)).collect()
    }

    /// The variants waiting to be fetched, by metric (`check --list`).
    pub fn unfetched(&self) -> &[(String, digindex_claims::claim::Variant)] {
        &self.unfetched
    }

    /// The verdict on one claim: data readings from the claims crate,
    /// index readings from built indices.
    fn verdict(&self, c: &Claim) -> Result<Verdict> {
        let (index_metrics, data_metrics): (Vec<String>, Vec<String>) =
            c.metrics.iter().cloned().partition(|m| m.starts_with("index:"));
        if c.all && !index_metrics.is_empty() && !data_metrics.is_empty() {
            return Err(Error::invalid("a compound claim (all = true, \"and\") cannot mix an index with data metrics"));
        }
        let ctx = self.context();
        if index_metrics.is_empty() {
            return Ok(check(c, &ctx)?);
        }
        let mut index_claim = c.clone();
        index_claim.metrics = data_metrics.clone();
        let whole = digindex_claims::verdict_for(c, &ctx)?;
        let mut v = if data_metrics.is_empty() {
            whole
        } else {
            let mut v = check(&index_claim, &ctx)?;
            (v.text, v.canonical) = (whole.text, whole.canonical);
            v
        };
        let asserted = c.asserted()?;
        let (sets, _) = digindex_claims::regions_of(c, &v.subject, &self.regions, &self.vocab.default_regions)?;
        let max_age = self.vocab.max_age.max(0);
        for m in &index_metrics {
            let path = self.index_path(&m["index:".len()..])?;
            for region in &sets {
                let run = self.index_run(&path, region)?;
                let built: Vec<i32> =
                    run.builds.as_ref().map(|b| b.iter().map(|(y, _)| *y).collect()).unwrap_or_default();
                // each claim year reads the latest year built within its window
                // (claim years that find the same year are one reading); no
                // year: the latest built
                let mut picks: Vec<(i32, Vec<i32>)> = Vec::new();
                if c.years.is_empty() {
                    picks.extend(built.last().map(|y| (*y, Vec::new())));
                }
                let mut outside = Vec::new();
                for &y in &c.years {
                    match built.iter().rev().find(|&&b| y - max_age <= b && b <= y) {
                        Some(&b) => match picks.iter_mut().find(|(p, _)| *p == b) {
                            Some((_, ys)) => ys.push(y),
                            None => picks.push((b, vec![y])),
                        },
                        None => outside.push(y),
                    }
                }
                if run.builds.is_err() {
                    let planned = run.spec.data.years.last().copied();
                    let y = c.years.first().copied().or(planned).unwrap_or_else(|| crate::spec::stated_year(&run.spec));
                    v.readings.push(self.index_reading(&run, m, region, &v.subject, asserted, y)?);
                    continue;
                }
                for (b, ys) in &picks {
                    let mut r = self.index_reading(&run, m, region, &v.subject, asserted, *b)?;
                    if !ys.is_empty() {
                        r.years = ys.clone();
                        r.year = ys[0];
                    }
                    v.readings.push(r);
                }
                if !outside.is_empty() {
                    outside.sort_unstable();
                    match built.iter().rev().find(|&&b| outside.iter().all(|&y| b < y - max_age)) {
                        // before the claim's years: the latest evidence
                        Some(&b) if picks.is_empty() => {
                            v.latest.push(self.index_reading(&run, m, region, &v.subject, asserted, b)?)
                        }
                        _ => {
                            let mut u = Reading::unchecked(
                                region,
                                m,
                                &run.spec.index.name,
                                outside[0],
                                format!(
                                    "the index is built for {}; the claim is about {}",
                                    spans(&built),
                                    outside.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
                                ),
                            );
                            u.years = outside.clone();
                            v.readings.push(u);
                        }
                    }
                }
                // the subject's rank in every year built: the index's year sweep
                if built.len() > 1 {
                    v.sweeps.push(self.index_sweep(&run, m, region, &v.subject));
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
                let mut names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                Error::invalid(format!("index:{name}: this server answers index claims for {}", names.join(", ")))
            }),
            Indices::Any(frameworks) => {
                let p = Path::new(name);
                if spec_file(p).is_file() {
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
                Err(Error::invalid(format!(
                    "index:{name}: no such framework{}; shipped: {} (or give a spec path)",
                    digindex_data::suggest(name, names.iter()),
                    names.iter().map(|n| format!("index:{n}")).collect::<Vec<_>>().join(", ")
                )))
            }
        }
    }

    /// The index of `path` built for `region` (each (framework, region)
    /// is built once).
    fn index_run(&self, path: &Path, region: &digindex_sources::regions::RegionSet) -> Result<Arc<IndexRun>> {
        let key = (path.to_path_buf(), region.name.clone());
        let cached = self.runs.lock().map_err(|_| Error::invalid("index cache poisoned"))?.get(&key).cloned();
        Ok(match cached {
            Some(r) => r,
            None => {
                let r = Arc::new(index_run(path, &region.name)?);
                self.runs.lock().map_err(|_| Error::invalid("index cache poisoned"))?.insert(key, r.clone());
                r
            }
        })
    }

    /// A reading on a built index: the subject's rank in `year` (a year
    /// built) among the region's members, with the rank interval of its
    /// uncertainty analysis when the framework declares one.
    fn index_reading(
        &self,
        run: &IndexRun,
        metric: &str,
        region: &digindex_sources::regions::RegionSet,
        subject: &str,
        asserted: Asserted,
        year: i32,
    ) -> Result<Reading> {
        let builds = match &run.builds {
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
        let Some((_, build)) = builds.iter().find(|(y, _)| *y == year) else {
            return Ok(Reading::unchecked(region, metric, &run.spec.index.name, year, format!("{year} is not built")));
        };
        let Some(members) = index_members(build, &target, year) else {
            return Ok(Reading::unchecked(region, metric, &run.spec.index.name, year, format!("no {target} column")));
        };
        let missing: Vec<String> =
            region.members.iter().filter(|u| !members.iter().any(|m| &m.unit == *u)).cloned().collect();
        let j = judge(subject, asserted, members);
        let variant = format!("{} ({target})", run.spec.index.name);
        let mut r = Reading::judged(region, metric, &variant, year, Some(year), j, missing);
        r.note = if builds.len() > 1 {
            format!(
                "index {target} in {year}, one year of its series {}",
                spans(&builds.iter().map(|(y, _)| *y).collect::<Vec<_>>())
            )
        } else {
            format!("index {target} at its reference year {year}")
        };
        let outcome = run.uncertainty.iter().find(|(y, _)| *y == year).map(|(_, o)| o);
        if let Some(o) = outcome {
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

    /// The subject's rank on the index in every year built.
    fn index_sweep(
        &self,
        run: &IndexRun,
        metric: &str,
        region: &digindex_sources::regions::RegionSet,
        subject: &str,
    ) -> Sweep {
        let target = run.framework.top_code().unwrap_or_default().to_string();
        let years: Vec<SweepYear> = run
            .builds
            .iter()
            .flatten()
            .filter_map(|(y, b)| {
                let j = judge(subject, Asserted::Rank(1), index_members(b, &target, *y)?);
                Some(SweepYear { year: *y, rank: j.rank, of: j.of, rank_range: j.rank_range, all_tied: false })
            })
            .collect();
        Sweep {
            region: region.name.clone(),
            metric: metric.to_string(),
            variant: format!("{} ({target})", run.spec.index.name),
            text: digindex_claims::sweep_text(&years),
            years,
        }
    }
}

/// The members an index ranks in a year built: its top aggregate's scores.
fn index_members(build: &digindex_pipeline::Build, target: &str, year: i32) -> Option<Vec<Member>> {
    let agg = build.stage(digindex_pipeline::Stage::Aggregated);
    let col = agg.column(target)?;
    Some(
        agg.units
            .iter()
            .zip(col)
            .filter(|(_, x)| !x.is_nan())
            .map(|(u, x)| Member::value(u.clone(), *x, year))
            .collect(),
    )
}

/// "2019–2024" or "2016, 2019 and 2022".
fn spans(years: &[i32]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if years.len() > 1 && (b - a) as usize + 1 == years.len() => format!("{a}–{b}"),
        _ => years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
    }
}

/// The names `index:NAME` claims may use for indices served from `specs`
/// under `ids`: each id, and each spec's folder name.
pub fn served_names(ids: &[String], specs: &[PathBuf]) -> Vec<(String, PathBuf)> {
    let mut served = Vec::new();
    for (id, s) in ids.iter().zip(specs) {
        served.push((id.clone(), s.clone()));
        if let Some(name) = spec_file(s).parent().and_then(|p| p.file_name()) {
            served.push((name.to_string_lossy().to_string(), s.clone()));
        }
    }
    served
}

/// A framework's index built for one region: every year of a series (or
/// its one reference year), each with its rank intervals.
pub struct IndexRun {
    spec: digindex_pipeline::Spec,
    framework: digindex_data::Framework,
    /// The builds by year, or why they failed.
    builds: std::result::Result<Vec<(i32, digindex_pipeline::Build)>, String>,
    /// The uncertainty analysis per year, when the framework declares one and it ran.
    uncertainty: Vec<(i32, digindex_audit::uncertainty::Outcome)>,
}

fn index_run(framework: &Path, region: &str) -> Result<IndexRun> {
    let sets_arg = vec![format!("data.region={region:?}")];
    let recipe = Recipe::read(framework, &sets_arg)?;
    if let Some(years) = recipe.spec.built_years().map(<[i32]>::to_vec) {
        let series = match crate::build::series(&recipe, &years) {
            Ok(s) => s,
            Err(e) => {
                let fw = crate::load::load_years(&recipe, &years[..1])?.remove(0).1.inputs.framework;
                return Ok(IndexRun {
                    spec: recipe.spec,
                    framework: fw,
                    builds: Err(e.to_string()),
                    uncertainty: vec![],
                });
            }
        };
        let uncertainty = match &recipe.spec.uncertainty {
            Some(_) => {
                let variants = digindex_audit::uncertainty::YearBuilds::new(&series.inputs);
                series
                    .builds
                    .iter()
                    .filter_map(|(y, _)| {
                        digindex_audit::uncertainty::run_year(&recipe.spec, &variants, *y, &|| {}).ok().map(|o| (*y, o))
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let framework = series.inputs[0].1.framework.clone();
        return Ok(IndexRun { spec: recipe.spec, framework, builds: Ok(series.builds), uncertainty });
    }
    let loaded = crate::load::load(&recipe)?;
    let spec = recipe.spec;
    let year = crate::spec::stated_year(&spec);
    let build = digindex_pipeline::build(&spec, &loaded.inputs)
        .and_then(|b| digindex_pipeline::pipeline::require_present(&b, Some(year)).map(|()| b))
        .map_err(|e| e.to_string());
    let uncertainty = match (&build, &spec.uncertainty) {
        (Ok(_), Some(_)) => digindex_audit::uncertainty::run(&spec, &loaded.inputs, &|| {})
            .ok()
            .map(|o| (year, o))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    Ok(IndexRun { spec, framework: loaded.inputs.framework, builds: build.map(|b| vec![(year, b)]), uncertainty })
}

/// The verdicts of the claims files a spec names (`claims = [...]`, each
/// with `metrics.toml` beside it), on the catalogue the spec uses.
pub fn spec_verdicts(recipe: &Recipe) -> Result<Vec<Verdict>> {
    let spec = &recipe.spec;
    let spec_dir = recipe.dir();
    let data = match &spec.data.catalog {
        Some(c) => digindex_input::resolve(&spec_dir, c).parent().map(Path::to_path_buf).unwrap_or_default(),
        None => PathBuf::from("data"),
    };
    let mut out = Vec::new();
    for f in &spec.claims {
        let path = digindex_input::resolve(&spec_dir, f);
        let mut checker = Checker::load(&data, &path.with_file_name("metrics.toml"), false, Indices::beside(&data))?;
        let claims = checker.read_claims(&[path.display().to_string()])?;
        out.extend(checker.check_all(&claims)?);
    }
    Ok(out)
}
