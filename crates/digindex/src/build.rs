//! The build job: a spec's data loaded, every step run, the provenance of
//! every value, the manifest, the audit when the spec asks for one, and
//! the claims the spec names checked — then written as one output folder.
//!
//! A spec with `data.years` builds every year, normalised together unless
//! `normalise.across_years = false`; its output has a folder per year and
//! one `scores.csv` with a `year` column.

use std::collections::BTreeMap;
use std::path::Path;

use digindex_audit::progress::{self as advance, Progress as Advance};
use digindex_audit::rank_interval::RankInterval;
use digindex_claims::Verdict;
use digindex_data::provenance::Provenance;
use digindex_pipeline::{Build, Stage};

use crate::audit::{self, Audit};
use crate::load::{self, Loaded};
use crate::manifest::{Body, DataNotes, Manifest, NotBuilt, YearLog, YearsBody};
use crate::output;
use crate::progress::Progress;
use crate::spec::Recipe;
use crate::{Context, Result};

/// What the build job does besides building.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Run the audit when the spec has an `[uncertainty]` table.
    pub audit: bool,
    pub audit_settings: audit::Settings,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { audit: true, audit_settings: audit::Settings::default() }
    }
}

/// A built index of one year (or of data without years).
#[derive(Debug)]
pub struct Built {
    pub recipe: Recipe,
    pub loaded: Loaded,
    pub build: Build,
    /// Where every value in the index came from.
    pub provenance: Vec<Provenance>,
    pub manifest: Manifest,
    /// With an `[uncertainty]` table (and the audit not turned off).
    pub audit: Option<Audit>,
    /// The claims the spec names, checked.
    pub verdicts: Vec<Verdict>,
}

/// A built index over several years (`data.years`).
#[derive(Debug)]
pub struct BuiltYears {
    pub recipe: Recipe,
    pub years: Vec<(i32, Loaded)>,
    pub builds: Vec<(i32, Build)>,
    pub provenance: Vec<(i32, Vec<Provenance>)>,
    pub manifest: Manifest,
    pub audits: Vec<(i32, Audit)>,
    pub verdicts: Vec<Verdict>,
    /// The series read for progress (changes, moves, targets).
    pub progress: Advance,
    /// Years of `data.years` not built, with the share of their values
    /// dated that year (below `data.min_current`).
    pub not_built: Vec<(i32, f64)>,
}

/// What the build job made.
#[derive(Debug)]
pub enum Job {
    One(Box<Built>),
    Years(Box<BuiltYears>),
}

/// Builds `recipe`: every year of a spec with `data.years`, else one.
pub fn run(recipe: Recipe, settings: &Settings, progress: &dyn Progress) -> Result<Job> {
    Ok(match recipe.spec.built_years().map(<[i32]>::to_vec) {
        Some(years) => Job::Years(Box::new(build_years(recipe, &years, settings, progress)?)),
        None => Job::One(Box::new(build_one(recipe, settings, progress)?)),
    })
}

/// Builds one year (or data without years).
pub fn build_one(recipe: Recipe, settings: &Settings, progress: &dyn Progress) -> Result<Built> {
    let loaded = load::load(&recipe)?;
    let build = digindex_pipeline::build(&recipe.spec, &loaded.inputs)?;
    digindex_pipeline::pipeline::require_present(&build, recipe.reference_year())?;
    let provenance = loaded.provenance(&build, recipe.reference_year());
    let manifest = Manifest::of_build(&recipe, &loaded, &build, &provenance);
    let audit = match (&recipe.spec.uncertainty, settings.audit) {
        (Some(_), true) => Some(audit::audit(&recipe, &loaded, &build, None, &settings.audit_settings, progress)?),
        _ => None,
    };
    let verdicts = crate::check::spec_verdicts(&recipe)?;
    Ok(Built { recipe, loaded, build, provenance, manifest, audit, verdicts })
}

/// Every year of a spec with `data.years`, loaded and built (normalised
/// together unless `normalise.across_years = false`).
#[derive(Debug)]
pub struct Series {
    pub loaded: Vec<(i32, Loaded)>,
    /// The inputs the pipeline took, by year (what the uncertainty
    /// analysis rebuilds its variants from).
    pub inputs: Vec<(i32, digindex_pipeline::Inputs)>,
    pub builds: Vec<(i32, Build)>,
    /// Years asked for but not built, with the share of their values dated
    /// that year, below `data.min_current`.
    pub not_built: Vec<(i32, f64)>,
}

impl Series {
    /// The years built.
    pub fn years(&self) -> Vec<i32> {
        self.builds.iter().map(|(y, _)| *y).collect()
    }
}

/// Loads and builds every year of `years` (those with enough data of
/// their own, when the spec sets `data.min_current`).
pub fn series(recipe: &Recipe, years: &[i32]) -> Result<Series> {
    let mut loaded = load::load_years(recipe, years)?;
    let mut not_built = Vec::new();
    if let Some(min) = recipe.spec.data.min_current {
        loaded.retain(|(y, l)| {
            let share = l.current_share().unwrap_or(1.0);
            if share < min {
                not_built.push((*y, share));
            }
            share >= min
        });
        if loaded.is_empty() {
            let shares: Vec<String> = not_built.iter().map(|(y, s)| format!("{y} {:.0}%", 100.0 * s)).collect();
            return Err(crate::Error::invalid(format!(
                "data.min_current = {min}: no year has that share of its values dated that year ({})",
                shares.join(", ")
            )));
        }
    }
    let inputs: Vec<(i32, digindex_pipeline::Inputs)> = loaded.iter().map(|(y, l)| (*y, l.inputs.clone())).collect();
    let builds = digindex_pipeline::pipeline::build_years(&recipe.spec, &inputs)?;
    Ok(Series { loaded, inputs, builds, not_built })
}

/// Builds every year of `years`, normalised together (see the module docs).
pub fn build_years(recipe: Recipe, years: &[i32], settings: &Settings, progress: &dyn Progress) -> Result<BuiltYears> {
    let series = series(&recipe, years)?;
    let years = &series.years()[..];
    let (loaded, builds) = (&series.loaded, &series.builds);
    // every year's provenance, and what the manifest says of it
    let mut provenance = Vec::with_capacity(builds.len());
    let mut data = BTreeMap::new();
    for ((y, b), (_, l)) in builds.iter().zip(loaded) {
        let rows = l.provenance(b, Some(*y));
        data.insert(y.to_string(), DataNotes::of(l, &rows, Vec::new()));
        provenance.push((*y, rows));
    }
    let body = YearsBody {
        years: years.to_vec(),
        not_built: series.not_built.iter().map(|(y, s)| NotBuilt { year: *y, current_share: *s }).collect(),
        normalised_across_years: recipe.spec.normalises_across_years(),
        data_picks: loaded.iter().map(|(y, l)| (y.to_string(), l.picks.clone().unwrap_or_default())).collect(),
        logs: builds
            .iter()
            .map(|(y, b)| (y.to_string(), YearLog { log: b.log.clone(), warnings: b.warnings.clone() }))
            .collect(),
        data,
    };
    let files = loaded.first().map(|(_, l)| l.files.clone()).unwrap_or_default();
    let fetched = loaded.first().map(|(_, l)| l.fetched.clone()).unwrap_or_default();
    let manifest = Manifest::new(&recipe, &files, Body::Years(Box::new(body))).with_fetched(&fetched);
    // the audit of every year, each variant built over all the years
    let audits = match (&recipe.spec.uncertainty, settings.audit) {
        (Some(_), true) => audit::audit_years(&recipe, &series, &settings.audit_settings, progress)?,
        _ => Vec::new(),
    };
    let verdicts = crate::check::spec_verdicts(&recipe)?;
    let progress = read_progress(&recipe, &series, &provenance, &audits)?;
    let Series { loaded, builds, not_built, .. } = series;
    Ok(BuiltYears { recipe, years: loaded, builds, provenance, manifest, audits, verdicts, progress, not_built })
}

/// Rank intervals by aggregate code.
type Intervals = Vec<(String, Vec<RankInterval>)>;

/// The series read for progress: every aggregate's scores, ranks and rank
/// intervals per year, the movers and the official targets.
pub fn read_progress(
    recipe: &Recipe,
    series: &Series,
    provenance: &[(i32, Vec<Provenance>)],
    audits: &[(i32, Audit)],
) -> Result<Advance> {
    let Some((_, first)) = series.loaded.first() else {
        return Err(crate::Error::invalid("data.years is empty"));
    };
    let fw = &first.inputs.framework;
    let intervals: Vec<(i32, Intervals)> = audits
        .iter()
        .filter_map(|(y, a)| {
            let o = a.outcome.as_ref()?;
            let mut v = vec![(o.target.clone(), o.intervals.clone())];
            v.extend(o.aggregate_intervals.iter().filter(|(c, _)| *c != o.target).cloned());
            Some((*y, v))
        })
        .collect();
    let none: Intervals = Vec::new();
    let no_values: Vec<Provenance> = Vec::new();
    let years: Vec<advance::Year<'_>> = series
        .builds
        .iter()
        .map(|(y, b)| advance::Year {
            year: *y,
            scores: b.stage(Stage::Aggregated),
            intervals: intervals.iter().find(|(iy, _)| iy == y).map_or(&none, |(_, v)| v),
            values: provenance.iter().find(|(py, _)| py == y).map_or(&no_values, |(_, v)| v),
        })
        .collect();
    // each indicator's effective weight in the index, as the last year built it
    let effective: Vec<(String, f64)> = series
        .builds
        .last()
        .map(|(_, b)| {
            b.log.weights.iter().filter(|w| w.level == 1).filter_map(|w| Some((w.code.clone(), w.effective?))).collect()
        })
        .unwrap_or_default();
    advance::progress(fw, &effective, &years, recipe.spec.progress.as_ref())
        .map_err(|e| crate::Error::invalid(format!("[progress]: {e}")))
}

/// `claims.json`: the verdicts of the claims a spec names.
fn write_claims(dir: &Path, verdicts: &[Verdict]) -> std::io::Result<()> {
    if verdicts.is_empty() {
        return Ok(());
    }
    output::write_json(dir, "claims.json", &serde_json::json!({ "claims": verdicts }))
}

impl Built {
    /// Writes the output folder `out` whole, or leaves the previous one.
    pub fn write(&self, out: &Path) -> Result<()> {
        let fw = &self.loaded.inputs.framework;
        output::write_output_and(out, &self.build, fw, &self.manifest, |dir| {
            output::write_file(dir, "provenance.csv", |w| output::write_provenance(w, &self.provenance))?;
            if let Some(a) = &self.audit {
                std::fs::create_dir(dir.join("audit"))?;
                output::audit::write_audit_into(&dir.join("audit"), &a.report())?;
            }
            write_claims(dir, &self.verdicts)
        })
        .with_context(|| format!("writing {}", out.display()))
    }
}

impl BuiltYears {
    /// Writes the output folder `out` whole, or leaves the previous one.
    pub fn write(&self, out: &Path) -> Result<()> {
        let Some((_, first)) = self.years.first() else {
            return Err(crate::Error::invalid("data.years is empty"));
        };
        let fw = &first.inputs.framework;
        output::write_years(out, &self.builds, fw, &self.manifest, |dir| {
            for (y, rows) in &self.provenance {
                output::write_file(&dir.join(y.to_string()), "provenance.csv", |w| output::write_provenance(w, rows))?;
            }
            for (y, a) in &self.audits {
                let d = dir.join(y.to_string()).join("audit");
                std::fs::create_dir(&d)?;
                output::audit::write_audit_into(&d, &a.report())?;
            }
            output::write_file(dir, "progress.csv", |w| output::progress::write_progress(w, &self.progress))?;
            if !self.progress.targets.is_empty() {
                output::write_file(dir, "targets.csv", |w| output::progress::write_targets(w, &self.progress))?;
            }
            write_claims(dir, &self.verdicts)
        })
        .with_context(|| format!("writing {}", out.display()))
    }
}
