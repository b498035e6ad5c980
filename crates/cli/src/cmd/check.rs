//! `digindex check CLAIM... [--format json]`
//!
//! Checks ranking claims — one-line claims ("IRN ranks 2 in ai_papers among
//! persian_gulf in 2022") or TOML files of `[[claim]]` tables — under every
//! reading they allow (region sets, metric variants, years), on the shipped
//! data, and says in how many readings each holds.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use digindex_claims::{Claim, ClaimsFile, Context, Verdict, Vocabulary, check, parse_line};
use digindex_sources::countries::Countries;
use digindex_sources::regions;

#[derive(clap::Args)]
pub struct Args {
    /// Claims: one-line claims in quotes, or .toml files of [[claim]] tables.
    #[arg(required = true)]
    claims: Vec<String>,
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

/// Reads claims from arguments: files or one-line claims.
pub fn read_claims(args: &[String]) -> Result<Vec<Claim>> {
    let mut out = Vec::new();
    for a in args {
        if a.ends_with(".toml") {
            let text = std::fs::read_to_string(a).map_err(|e| anyhow!("{a}: cannot read the claims file: {e}"))?;
            let f: ClaimsFile = toml::from_str(&text).map_err(|e| anyhow!("{a}: {e}"))?;
            out.extend(f.claims);
        } else {
            out.push(parse_line(a).map_err(|e| anyhow!("{e}"))?);
        }
    }
    Ok(out)
}

/// What checking claims on data needs, loaded once: the metric
/// vocabulary, the countries, the region sets and the catalogue's series.
pub struct Checker {
    vocab: Vocabulary,
    countries: Countries,
    sets: Vec<regions::RegionSet>,
    series: BTreeMap<String, digindex_sources::catalog::Series>,
}

impl Checker {
    /// Loads the vocabulary at `vocabulary` and the catalogue series that
    /// `codes` picks (given the vocabulary and the catalogue in `data`).
    pub fn load(
        data: &Path,
        vocabulary: &Path,
        codes: impl FnOnce(&Vocabulary, &digindex_sources::catalog::Catalog) -> Vec<String>,
    ) -> Result<Checker> {
        let vtext = std::fs::read_to_string(vocabulary)
            .map_err(|e| anyhow!("{}: cannot read the metric vocabulary: {e}", vocabulary.display()))?;
        let vocab: Vocabulary = toml::from_str(&vtext).map_err(|e| anyhow!("{}: {e}", vocabulary.display()))?;
        let countries = Countries::shipped();
        let catalog = super::data::catalog(data, &countries)?;
        let sets = regions::shipped(&countries).map_err(|e| anyhow!(e))?;
        let mut codes = codes(&vocab, &catalog);
        codes.push(vocab.population.clone());
        codes.sort();
        codes.dedup();
        let list = codes
            .iter()
            .map(|c| {
                catalog.indicator(c).ok_or_else(|| anyhow!("the vocabulary names {c:?}, which is not in the catalogue"))
            })
            .collect::<Result<Vec<_>>>()?;
        let loaded = catalog.load_some(&list, &countries).map_err(|e| anyhow!("{e}"))?;
        let series = loaded.into_iter().map(|s| (s.indicator.code.clone(), s)).collect();
        Ok(Checker { vocab, countries, sets, series })
    }

    /// Every catalogue indicator, for checking any claim on request.
    pub fn load_all(data: &Path, vocabulary: &Path) -> Result<Checker> {
        Checker::load(data, vocabulary, |_, catalog| catalog.indicators.iter().map(|i| i.code.clone()).collect())
    }

    fn context(&self) -> Context<'_> {
        Context { countries: &self.countries, regions: &self.sets, vocabulary: &self.vocab, series: &self.series }
    }

    /// Checks a one-line claim on data (`index:` metrics build and audit an
    /// index, so they are left to `digindex check`).
    pub fn check_line(&self, line: &str) -> std::result::Result<Verdict, String> {
        let c = parse_line(line).map_err(|e| e.to_string())?;
        if c.metrics.iter().any(|m| m.starts_with("index:")) {
            return Err("index: metrics build and audit a whole index; check them with `digindex check`".into());
        }
        let v = check(&c, &self.context()).map_err(|e| e.to_string())?;
        if v.of == 0 {
            return Err("no reading is possible (is the subject in the regions?)".into());
        }
        Ok(v)
    }
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
        let claims = read_claims(&[path.display().to_string()])?;
        out.extend(verdicts(&claims, &data, &path.with_file_name("metrics.toml"))?);
    }
    Ok(out)
}

/// Checks claims on the shipped data.
pub fn verdicts(claims: &[Claim], data: &Path, vocabulary: &Path) -> Result<Vec<Verdict>> {
    // load what the vocabulary and the claims can name
    let checker = Checker::load(data, vocabulary, |vocab, catalog| {
        let mut codes: Vec<String> =
            vocab.metrics.values().flat_map(|m| m.variants.iter().map(|v| v.code.clone())).collect();
        for c in claims {
            codes.extend(c.metrics.iter().filter(|m| catalog.indicator(m).is_some()).cloned());
        }
        codes
    })?;
    let ctx = checker.context();
    let (countries, sets, vocab) = (&checker.countries, &checker.sets, &checker.vocab);
    let mut out = Vec::with_capacity(claims.len());
    let mut index_runs = HashMap::new();
    for c in claims {
        let name = if c.id.is_empty() { &c.text } else { &c.id };
        // index metrics ("index:frameworks/ai-ecosystem") are built, not looked up
        let (index_metrics, data_metrics): (Vec<String>, Vec<String>) =
            c.metrics.iter().cloned().partition(|m| m.starts_with("index:"));
        let mut verdict = if data_metrics.is_empty() {
            None
        } else {
            let mut d = c.clone();
            d.metrics = data_metrics;
            Some(check(&d, &ctx).map_err(|e| anyhow!("claim {name:?}: {e}"))?)
        };
        if !index_metrics.is_empty() {
            let subject = countries
                .iso3(&c.subject)
                .map_err(|e| anyhow!("claim {name:?}: subject: {e}"))?
                .ok_or_else(|| anyhow!("claim {name:?}: the subject is an aggregate"))?
                .to_string();
            let regions = if c.regions.is_empty() { vocab.default_regions.clone() } else { c.regions.clone() };
            let mut readings = Vec::new();
            for m in &index_metrics {
                for r in &regions {
                    if let Some(reading) = index_reading(&m["index:".len()..], r, &subject, c, sets, &mut index_runs)? {
                        readings.push(reading);
                    }
                }
            }
            let v = verdict.get_or_insert_with(|| Verdict {
                id: c.id.clone(),
                text: c.text.clone(),
                subject: subject.clone(),
                asserted: match (c.rank, c.top) {
                    (Some(k), _) => format!("rank {k}"),
                    (_, Some(k)) => format!("top {k}"),
                    _ => String::new(),
                },
                readings: Vec::new(),
                holds_in: 0,
                of: 0,
            });
            v.readings.extend(readings);
            v.holds_in = v.readings.iter().filter(|r| r.holds).count();
            v.of = v.readings.len();
        }
        match verdict {
            Some(v) if v.of > 0 => out.push(v),
            _ => return Err(anyhow!("claim {name:?}: no reading is possible (is the subject in the regions?)")),
        }
    }
    Ok(out)
}

/// A framework's index built for one region, shared by every claim and
/// metric that names the pair.
struct IndexRun {
    spec: digindex_build::Spec,
    framework: digindex_data::Framework,
    /// The build, or why it failed.
    build: std::result::Result<digindex_build::Build, String>,
    /// The uncertainty analysis, when the framework declares one and it ran.
    uncertainty: Option<digindex_audit::uncertainty::Outcome>,
}

fn index_run(framework: &str, region: &str) -> Result<IndexRun> {
    let sets_arg = vec![format!("data.region={region:?}")];
    let (spec, _, loaded) = super::load(Path::new(framework), &sets_arg)?;
    let build = digindex_build::build(&spec, &loaded.inputs).map_err(|e| e.to_string());
    let uncertainty = match (&build, &spec.uncertainty) {
        (Ok(_), Some(_)) => digindex_audit::uncertainty::run(&spec, &loaded.inputs, &|| {}).ok(),
        _ => None,
    };
    Ok(IndexRun { spec, framework: loaded.inputs.framework, build, uncertainty })
}

/// A reading on a built index: the subject's rank at the framework's
/// reference year among a region's members, with the rank interval of its
/// uncertainty analysis when the framework declares one. Each (framework,
/// region) is built once, in `runs`.
fn index_reading(
    framework: &str,
    region: &str,
    subject: &str,
    claim: &Claim,
    sets: &[regions::RegionSet],
    runs: &mut HashMap<(String, String), IndexRun>,
) -> Result<Option<digindex_claims::Reading>> {
    if !sets.iter().any(|s| s.name == region && s.contains(subject)) {
        return Ok(None);
    }
    let key = (framework.to_string(), region.to_string());
    if !runs.contains_key(&key) {
        let run = index_run(framework, region)?;
        runs.insert(key.clone(), run);
    }
    let Some(IndexRun { spec, framework: fw, build, uncertainty }) = runs.get(&key) else { return Ok(None) };
    let year = spec.data.time.map_or(0, |t| t as i32);
    let build = match build {
        Ok(b) => b,
        Err(e) => {
            // the index cannot be built for this region: a reading that does not hold, and why
            return Ok(Some(digindex_claims::Reading {
                region: region.to_string(),
                metric: format!("index:{framework}"),
                variant: spec.index.name.clone(),
                year,
                data_year: None,
                rank: None,
                of: 0,
                holds: false,
                ahead: Vec::new(),
                note: format!("the index cannot be built for {region}: {e}"),
            }));
        }
    };
    let target = fw.top_code().unwrap_or_default().to_string();
    let agg = build.stage(digindex_build::Stage::Aggregated);
    let Some(col) = agg.column(&target) else { return Ok(None) };
    let ranks = digindex_build::rank::rank_scores(col);
    let rank = agg.row_index(subject).and_then(|i| ranks[i]);
    let of = ranks.iter().filter(|r| r.is_some()).count();
    let mut note = format!("index {target} of {framework}");
    if let Some(o) = uncertainty {
        if let Some(ri) = o.intervals.iter().find(|r| r.unit == subject) {
            note = format!("{note}; rank interval {}–{} (5–95%) over {} runs", ri.q05, ri.q95, o.replications.len());
        }
    }
    let holds = match (rank, claim.rank, claim.top) {
        (Some(r), Some(k), _) => r == k,
        (Some(r), _, Some(k)) => r <= k,
        _ => false,
    };
    let order = digindex_build::rank::ranked_order(&ranks);
    let ahead = order.iter().map(|&i| agg.units[i].clone()).take_while(|u| u != subject).take(5).collect();
    Ok(Some(digindex_claims::Reading {
        region: region.to_string(),
        metric: format!("index:{framework}"),
        variant: format!("{} ({})", spec.index.name, target),
        year,
        data_year: Some(year),
        rank,
        of,
        holds,
        ahead,
        note,
    }))
}

/// Prints verdicts as text.
pub fn print(verdicts: &[Verdict]) -> Result<()> {
    for v in verdicts {
        out!("");
        out!("{} — {}", v.id, v.text);
        out!(
            "{:<14} {:<52} {:>5} {:>5} {:>8} {:>6}  {}",
            "region",
            "metric",
            "year",
            "data",
            "rank",
            "holds",
            "ahead / note"
        );
        for r in &v.readings {
            let ahead = if r.ahead.is_empty() { String::new() } else { format!("ahead: {}", r.ahead.join(" ")) };
            out!(
                "{:<14} {:<52} {:>5} {:>5} {:>8} {:>6}  {}{}",
                r.region,
                r.variant,
                r.year,
                r.data_year.map(|y| y.to_string()).unwrap_or("-".into()),
                r.rank.map(|k| format!("{k}/{}", r.of)).unwrap_or("-".into()),
                if r.holds { "yes" } else { "no" },
                ahead,
                if r.note.is_empty() { String::new() } else { format!("  ({})", r.note) }
            );
        }
        out!("verdict: {} {} holds in {} of {} readings", v.subject, v.asserted, v.holds_in, v.of);
    }
    Ok(())
}

pub fn run(args: Args) -> Result<()> {
    let claims = read_claims(&args.claims)?;
    let verdicts = verdicts(&claims, &args.data, &args.vocabulary)?;
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
