//! The manifest: what was built, from what, how, and what happened — one
//! typed [`Manifest`] for a build, a build over several years, an audit and
//! the audit of several years. Every kind starts with the same head
//! (version, index, spec file and overrides, resolved spec, input files)
//! and adds its [`Body`].
//!
//! `manifest.json` and `audit.json` are written from [`Manifest::to_json`]:
//! a JSON object with its keys in alphabetical order (as `serde_json`
//! orders a map), so the files read the same whatever the field order here.
//! Serialising a `Manifest` directly (its `Serialize`) writes the fields in
//! declaration order instead: use `to_json` for anything a reader sees.

use std::collections::BTreeMap;

use digindex_data::provenance::Provenance;
use digindex_input::InputFile;
use digindex_pipeline::pipeline::BuildLog;
use digindex_pipeline::{Build, Spec};
use digindex_sources::panel::PickSummary;
use serde::Serialize;

use crate::load::{Loaded, Quality};
use crate::spec::Recipe;

/// A manifest: the head every kind shares, then its body.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub digindex_version: &'static str,
    pub index: String,
    pub spec_file: InputFile,
    pub overrides: Vec<String>,
    /// The spec as resolved (defaults filled in, overrides applied).
    pub spec: Spec,
    pub inputs: Vec<InputFile>,
    /// The fetched indicators among the inputs: where and when each was
    /// fetched (`digindex data fetch`), and whether the file is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fetched: Vec<digindex_sources::catalog::FetchedInput>,
    #[serde(flatten)]
    pub body: Body,
}

/// What a manifest says beyond its head.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Body {
    Build(Box<BuildBody>),
    Years(Box<YearsBody>),
    Audit(Box<AuditBody>),
    AuditYears(AuditYearsBody),
}

/// A build of one year (or of data without years).
#[derive(Debug, Clone, Serialize)]
pub struct BuildBody {
    pub units: usize,
    pub codes: usize,
    pub stages: Vec<StageFile>,
    pub log: BuildLog,
    /// How values were chosen for the reference year (catalogue specs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_picks: Option<BTreeMap<String, PickSummary>>,
    /// The build's warnings, then what a reader must know about the data.
    #[serde(flatten)]
    pub data: DataNotes,
}

/// One stage's file.
#[derive(Debug, Clone, Serialize)]
pub struct StageFile {
    pub stage: &'static str,
    pub file: String,
    pub units: usize,
    pub columns: usize,
    pub missing: usize,
}

/// What a reader must know about the data a build used: the provenance
/// summary, the corrections and findings on the units ranked, and warnings.
#[derive(Debug, Clone, Serialize)]
pub struct DataNotes {
    pub warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<ProvenanceSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<Quality>,
}

/// Cells per provenance flag, and each unit's share of estimates.
#[derive(Debug, Clone, Serialize)]
pub struct ProvenanceSummary {
    pub file: &'static str,
    pub flags: BTreeMap<&'static str, usize>,
    pub units: Vec<UnitEstimates>,
}

/// How many of a unit's values are estimates.
#[derive(Debug, Clone, Serialize)]
pub struct UnitEstimates {
    pub unit: String,
    pub estimated: usize,
    pub of: usize,
    pub rests_on_estimates: bool,
}

/// A build over several years (`data.years`).
#[derive(Debug, Clone, Serialize)]
pub struct YearsBody {
    pub years: Vec<i32>,
    /// Years of `data.years` not built: too few values of their own.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_built: Vec<NotBuilt>,
    pub normalised_across_years: bool,
    pub data_picks: BTreeMap<String, BTreeMap<String, PickSummary>>,
    pub logs: BTreeMap<String, YearLog>,
    pub data: BTreeMap<String, DataNotes>,
}

/// A year not built, and the share of its values dated that year.
#[derive(Debug, Clone, Serialize)]
pub struct NotBuilt {
    pub year: i32,
    pub current_share: f64,
}

/// One year's step log and warnings.
#[derive(Debug, Clone, Serialize)]
pub struct YearLog {
    pub log: BuildLog,
    pub warnings: Vec<String>,
}

/// An audit: its settings, timings and what the uncertainty analysis did.
#[derive(Debug, Clone, Serialize)]
pub struct AuditBody {
    pub threads: usize,
    pub correlation_flags: CorrelationFlags,
    pub seconds: AuditSeconds,
    pub uncertainty: Option<UncertaintySummary>,
    pub uncertainty_error: Option<String>,
    pub build_warnings: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_picks: Option<BTreeMap<String, PickSummary>>,
}

/// The thresholds sibling correlations are flagged at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CorrelationFlags {
    pub high: f64,
    pub low: f64,
}

/// Where an audit's time went.
#[derive(Debug, Clone, Serialize)]
pub struct AuditSeconds {
    pub coherence: f64,
    pub total: f64,
}

/// The uncertainty (or sensitivity) analysis in brief.
#[derive(Debug, Clone, Serialize)]
pub struct UncertaintySummary {
    pub target: String,
    pub analysis: digindex_pipeline::spec::Analysis,
    pub runs: usize,
    pub inputs: Vec<digindex_audit::uncertainty::InputSummary>,
    pub pipelines_built: usize,
    pub failed_runs: usize,
    pub failures_by_cause: BTreeMap<String, usize>,
    pub sensitivity: Option<SensitivitySummary>,
    pub warnings: Vec<String>,
}

/// The Sobol design in brief.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivitySummary {
    pub base_runs: usize,
    pub variance: f64,
}

/// The audits of a build over several years: what `audit.json` at the top says.
#[derive(Debug, Clone, Serialize)]
pub struct AuditYearsBody {
    pub years: Vec<i32>,
    pub normalised_across_years: bool,
    pub audits: Vec<String>,
    pub uncertainty_errors: BTreeMap<String, String>,
}

impl Manifest {
    /// The head for `recipe` with its inputs `files`, and `body`.
    pub fn new(recipe: &Recipe, files: &[InputFile], body: Body) -> Manifest {
        Manifest {
            digindex_version: env!("CARGO_PKG_VERSION"),
            index: recipe.spec.index.name.clone(),
            spec_file: recipe.file.clone(),
            overrides: recipe.overrides.clone(),
            spec: recipe.spec.resolved(),
            inputs: files.to_vec(),
            fetched: Vec::new(),
            body,
        }
    }

    /// The same, listing the fetched indicators read.
    pub fn with_fetched(mut self, fetched: &[digindex_sources::catalog::FetchedInput]) -> Manifest {
        self.fetched = fetched.to_vec();
        self
    }

    /// The manifest of one build on `loaded`, with its provenance `rows`.
    pub fn of_build(recipe: &Recipe, loaded: &Loaded, build: &Build, rows: &[Provenance]) -> Manifest {
        let agg = build.stage(digindex_pipeline::Stage::Aggregated);
        let stages = build
            .named_stages()
            .map(|(s, d)| StageFile {
                stage: s.name(),
                file: format!("stages/{}.csv", s.name()),
                units: d.units.len(),
                columns: d.codes.len(),
                missing: d.n_missing(),
            })
            .collect();
        let body = BuildBody {
            units: agg.units.len(),
            codes: agg.codes.len(),
            stages,
            log: build.log.clone(),
            data_picks: loaded.picks.clone(),
            data: DataNotes::of(loaded, rows, build.warnings.clone()),
        };
        Manifest::new(recipe, &loaded.files, Body::Build(Box::new(body))).with_fetched(&loaded.fetched)
    }

    /// The manifest as a JSON object, keys in alphabetical order.
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        serde_json::to_value(self)
    }
}

impl DataNotes {
    /// What a reader must know about `loaded` as a build with provenance
    /// `rows` uses it: `warnings` (the build's), then the data findings no
    /// correction covers and the units whose values are more than a third
    /// estimates; the provenance summary; the corrections and findings on
    /// the units ranked (those in `rows`).
    pub fn of(loaded: &Loaded, rows: &[Provenance], mut warnings: Vec<String>) -> DataNotes {
        warnings.extend(loaded.warnings_on(rows).into_iter().map(str::to_string));
        for (u, e, n) in digindex_pipeline::provenance::estimated(rows) {
            if digindex_pipeline::provenance::rests_on_estimates(e, n) {
                warnings.push(format!(
                    "provenance: {u}'s score rests on estimates: {e} of its {n} values are older own values, interpolations or group estimates"
                ));
            }
        }
        let ranked: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
        DataNotes {
            warnings,
            provenance: Some(ProvenanceSummary::of(rows)),
            quality: loaded.quality.as_ref().map(|q| q.of_units(&ranked)),
        }
    }
}

impl ProvenanceSummary {
    /// Cells per flag, and the units' estimates.
    pub fn of(rows: &[Provenance]) -> ProvenanceSummary {
        let mut flags = BTreeMap::new();
        for r in rows {
            *flags.entry(r.flag.name()).or_insert(0usize) += 1;
        }
        let units = digindex_pipeline::provenance::estimated(rows)
            .into_iter()
            .map(|(unit, estimated, of)| UnitEstimates {
                unit,
                estimated,
                of,
                rests_on_estimates: digindex_pipeline::provenance::rests_on_estimates(estimated, of),
            })
            .collect();
        ProvenanceSummary { file: "provenance.csv", flags, units }
    }
}
