//! The audit job: coherence (correlations, Cronbach's alpha, PCA,
//! descriptives, availability, effective weights) of a built index and,
//! when the spec has an `[uncertainty]` table, the Monte Carlo uncertainty
//! or Sobol sensitivity analysis — for one build, or for every year of a
//! build over several years (each variant then built over all the years).

use std::collections::BTreeMap;
use std::time::Instant;

use digindex_audit::{coherence, uncertainty};
use digindex_pipeline::{Build, Stage};

use crate::Result;
use crate::load::Loaded;
use crate::manifest::{
    AuditBody, AuditSeconds, Body, CorrelationFlags, Manifest, SensitivitySummary, UncertaintySummary,
};
use crate::output::audit::AuditReport;
use crate::progress::{Progress, Units};
use crate::spec::Recipe;

/// How to audit: the settings that are not in the spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Sibling correlations above this are flagged `high`.
    pub corr_high: f64,
    /// Sibling correlations below this are flagged `low`.
    pub corr_low: f64,
    /// Worker threads (`None`: all cores). Results do not depend on it.
    pub threads: Option<usize>,
}

impl Default for Settings {
    /// The thresholds of the JRC/COINr audit: 0.9 and −0.4.
    fn default() -> Settings {
        Settings { corr_high: 0.9, corr_low: -0.4, threads: None }
    }
}

/// Everything an audit computed, ready to write and report.
#[derive(Debug, Clone)]
pub struct Audit {
    pub correlations: Vec<coherence::Correlation>,
    pub alphas: Vec<coherence::Alpha>,
    pub pcas: Vec<coherence::Pca>,
    pub stats: Vec<coherence::IndicatorStats>,
    pub availability: Vec<coherence::UnitAvailability>,
    pub weights: Vec<digindex_pipeline::pipeline::WeightRecord>,
    pub outcome: Option<uncertainty::Outcome>,
    /// Why the uncertainty analysis failed, if it did (coherence is still written).
    pub failure: Option<String>,
    pub threads: usize,
    pub seconds: f64,
    pub manifest: Manifest,
}

impl Audit {
    /// What the audit writes.
    pub fn report(&self) -> AuditReport<'_> {
        AuditReport {
            correlations: &self.correlations,
            alphas: &self.alphas,
            pcas: &self.pcas,
            stats: &self.stats,
            availability: &self.availability,
            weights: &self.weights,
            outcome: self.outcome.as_ref(),
            manifest: &self.manifest,
        }
    }
}

/// Audits `nominal`, built from `loaded`; with `year`, that year's build
/// over all the years, whose variants the uncertainty analysis then builds
/// the same way.
pub fn audit(
    recipe: &Recipe,
    loaded: &Loaded,
    nominal: &Build,
    year: Option<(&uncertainty::YearBuilds<'_>, i32)>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Audit> {
    let t0 = Instant::now();
    let spec = &recipe.spec;
    let fw = &loaded.inputs.framework;
    let agg = nominal.stage(Stage::Aggregated);
    let correlations = coherence::correlations(agg, fw, settings.corr_high, settings.corr_low);
    let alphas = coherence::alphas(agg, fw);
    let pcas = coherence::pcas(agg, fw);
    let stats = coherence::indicator_stats(nominal.stage(Stage::Raw));
    let availability = coherence::availability(nominal.stage(Stage::Raw), fw);
    let t_coherence = t0.elapsed().as_secs_f64();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.threads.unwrap_or(0))
        .build()
        .map_err(|e| crate::Error::invalid(format!("starting the worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    let outcome = match &spec.uncertainty {
        None => Ok(None),
        Some(u) => {
            let total = match u.analysis {
                digindex_pipeline::spec::Analysis::Uncertainty => u.runs,
                digindex_pipeline::spec::Analysis::Sensitivity => u.runs * (u.inputs.len() + 2),
            };
            let label = match year {
                None => "audit".to_string(),
                Some((_, y)) => format!("audit {y}"),
            };
            progress.start(&label, Units::Runs, total as u64);
            let tick = || progress.advance(1);
            let o = pool.install(|| match year {
                None => uncertainty::run(spec, &loaded.inputs, &tick),
                Some((builds, y)) => uncertainty::run_year(spec, builds, y, &tick),
            });
            progress.finish();
            o.map(Some)
        }
    };
    // coherence is written even when the uncertainty analysis fails
    let (outcome, failure) = match outcome {
        Ok(o) => (o, None),
        Err(e) => (None, Some(e.0)),
    };
    let seconds = t0.elapsed().as_secs_f64();
    let body = AuditBody {
        threads,
        correlation_flags: CorrelationFlags { high: settings.corr_high, low: settings.corr_low },
        seconds: AuditSeconds { coherence: t_coherence, total: seconds },
        uncertainty: outcome.as_ref().map(|o| UncertaintySummary {
            target: o.target.clone(),
            analysis: o.analysis,
            runs: o.replications.len(),
            inputs: o.inputs.clone(),
            pipelines_built: o.pipelines,
            failed_runs: o.failures.values().sum(),
            failures_by_cause: o.failures.clone(),
            sensitivity: o
                .sensitivity
                .as_ref()
                .map(|s| SensitivitySummary { base_runs: s.base_runs, variance: s.variance }),
            warnings: o.warnings.clone(),
        }),
        uncertainty_error: failure.clone(),
        build_warnings: nominal.warnings.clone(),
        year: year.map(|(_, y)| y),
        data_picks: loaded.picks.clone(),
    };
    let manifest = Manifest::new(recipe, &loaded.files, Body::Audit(Box::new(body)));
    Ok(Audit {
        correlations,
        alphas,
        pcas,
        stats,
        availability,
        weights: nominal.log.weights.clone(),
        outcome,
        failure,
        threads,
        seconds,
        manifest,
    })
}

/// The audit of every year of a build over several years: each variant of
/// the uncertainty analysis is built once for all the years.
pub fn audit_years(
    recipe: &Recipe,
    series: &crate::build::Series,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Vec<(i32, Audit)>> {
    let variants = uncertainty::YearBuilds::new(&series.inputs);
    series
        .builds
        .iter()
        .zip(&series.loaded)
        .map(|((y, nominal), (_, loaded))| {
            Ok((*y, audit(recipe, loaded, nominal, Some((&variants, *y)), settings, progress)?))
        })
        .collect()
}

/// The years whose uncertainty analysis failed, with why ("" if none).
pub fn failures(audits: &[(i32, Audit)]) -> String {
    let failed: Vec<String> =
        audits.iter().filter_map(|(y, a)| a.failure.as_ref().map(|e| format!("{y}: {e}"))).collect();
    failed.join("; ")
}

/// What `audit.json` at the top of a several-year audit says.
pub fn years_manifest(recipe: &Recipe, years: &[(i32, Loaded)], audits: &[(i32, Audit)]) -> Manifest {
    let files = years.first().map(|(_, l)| l.files.clone()).unwrap_or_default();
    let body = crate::manifest::AuditYearsBody {
        years: years.iter().map(|(y, _)| *y).collect(),
        normalised_across_years: recipe.spec.normalises_across_years(),
        audits: years.iter().map(|(y, _)| format!("{y}/audit.json")).collect(),
        uncertainty_errors: audits
            .iter()
            .filter_map(|(y, a)| a.failure.as_ref().map(|e| (y.to_string(), e.clone())))
            .collect::<BTreeMap<_, _>>(),
    };
    Manifest::new(recipe, &files, Body::AuditYears(body))
}

/// An index built from its recipe and audited.
#[derive(Debug)]
pub struct Audited {
    pub build: Build,
    pub audit: Audit,
}

/// Loads the data, builds the index and audits it (one year; see
/// [`run_years`] for a spec with `data.years`).
pub fn run(recipe: &Recipe, settings: &Settings, progress: &dyn Progress) -> Result<Audited> {
    let loaded = crate::load::load(recipe)?;
    let build = digindex_pipeline::build(&recipe.spec, &loaded.inputs)?;
    let audit = audit(recipe, &loaded, &build, None, settings, progress)?;
    Ok(Audited { build, audit })
}

impl Audited {
    /// Writes the audit folder `out` whole, or leaves the previous one.
    pub fn write(&self, out: &std::path::Path) -> Result<()> {
        use crate::Context as _;
        crate::output::audit::write_audit(out, &self.audit.report())
            .with_context(|| format!("writing {}", out.display()))
    }
}

/// The audits of every year of a spec with `data.years`, as `build` makes
/// the years, and what `audit.json` at the top says.
#[derive(Debug)]
pub struct AuditedYears {
    pub audits: Vec<(i32, Audit)>,
    pub manifest: Manifest,
}

/// Loads and builds every year of `years`, then audits each (see [`audit_years`]).
pub fn run_years(recipe: &Recipe, years: &[i32], settings: &Settings, progress: &dyn Progress) -> Result<AuditedYears> {
    let series = crate::build::series(recipe, years)?;
    let audits = audit_years(recipe, &series, settings, progress)?;
    let manifest = years_manifest(recipe, &series.loaded, &audits);
    Ok(AuditedYears { audits, manifest })
}

impl AuditedYears {
    /// Writes `out/<year>/` per year and `out/audit.json`, whole or not at all.
    pub fn write(&self, out: &std::path::Path) -> Result<()> {
        use crate::Context as _;
        let reports: Vec<(i32, AuditReport<'_>)> = self.audits.iter().map(|(y, a)| (*y, a.report())).collect();
        crate::output::audit::write_audit_years(out, &reports, &self.manifest)
            .with_context(|| format!("writing {}", out.display()))
    }
}
