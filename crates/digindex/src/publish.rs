//! The publish job: an index built (several years when the spec has
//! `data.years`: the last is the one shown, the others give each unit's
//! trend), audited when the spec has an `[uncertainty]` table, its claims
//! checked, and the model the report page and the dashboard show.

use digindex_pipeline::{Build, Inputs, Spec, Stage};
use digindex_publish::{IndicatorInfo, Region, Report, UnitInfo};

use crate::audit::{self, Audit};
use crate::load::{self, Loaded};
use crate::manifest::Manifest;
use crate::progress::Progress;
use crate::spec::Recipe;
use crate::{Error, Result};

/// A built, audited and checked index, ready to publish or serve.
pub struct Published {
    /// Short id for addresses: the spec's folder or file name.
    pub id: String,
    pub spec: Spec,
    /// The inputs of every year built (one entry for a single-year index).
    pub years: Vec<(i32, Inputs)>,
    pub build: Build,
    pub model: digindex_publish::Model,
    /// Why the uncertainty analysis failed, if it did (the model then has no rank intervals).
    pub audit_failure: Option<String>,
}

/// The reference build and what surrounds it.
struct Reference {
    loaded: Loaded,
    build: Build,
    /// `(year, unit, score)` of the top aggregate in every year built.
    trend: Vec<(i32, String, f64)>,
    years: Vec<(i32, Inputs)>,
    last_year: Option<i32>,
    /// The reference build's audit (with an `[uncertainty]` table).
    audit: Option<Audit>,
    /// Several years: the series read for progress.
    advance: Option<digindex_audit::progress::Progress>,
}

/// The reference build: the last year of a several-year spec, with the
/// trend and the progress over every year (each year audited).
fn reference(recipe: &Recipe, progress: &dyn Progress) -> Result<Reference> {
    let spec = &recipe.spec;
    let Some(years) = spec.built_years() else {
        let loaded = load::load(recipe)?;
        let build = digindex_pipeline::build(spec, &loaded.inputs)?;
        digindex_pipeline::pipeline::require_present(&build, recipe.reference_year())?;
        let years = vec![(crate::spec::stated_year(spec), loaded.inputs.clone())];
        let audit = match &spec.uncertainty {
            Some(_) => Some(audit::audit(recipe, &loaded, &build, None, &audit::Settings::default(), progress)?),
            None => None,
        };
        return Ok(Reference { loaded, build, trend: Vec::new(), years, last_year: None, audit, advance: None });
    };
    let series = crate::build::series(recipe, years)?;
    let top = series.inputs[0].1.framework.top_code().unwrap_or_default().to_string();
    let mut trend = Vec::new();
    for (y, b) in &series.builds {
        let agg = b.stage(Stage::Aggregated);
        if let Some(col) = agg.column(&top) {
            trend.extend(agg.units.iter().zip(col).map(|(u, s)| (*y, u.clone(), *s)));
        }
    }
    // every year audited, each variant built over all the years
    let mut audits = match &spec.uncertainty {
        Some(_) => audit::audit_years(recipe, &series, &audit::Settings::default(), progress)?,
        None => Vec::new(),
    };
    let provenance: Vec<(i32, Vec<digindex_data::provenance::Provenance>)> =
        series.builds.iter().zip(&series.loaded).map(|((y, b), (_, l))| (*y, l.provenance(b, Some(*y)))).collect();
    let advance = crate::build::read_progress(recipe, &series, &provenance, &audits)?;
    let crate::build::Series { loaded: per_year, inputs, mut builds, .. } = series;
    let (_, loaded) = per_year.into_iter().last().ok_or_else(|| Error::invalid("data.years is empty"))?;
    let (year, build) = builds.pop().ok_or_else(|| Error::invalid("no year was built"))?;
    let audit = audits.pop().filter(|(y, _)| *y == year).map(|(_, a)| a);
    Ok(Reference { loaded, build, trend, years: inputs, last_year: Some(year), audit, advance: Some(advance) })
}

/// Builds, audits and checks the index of `recipe` and makes its model.
pub fn prepare(recipe: &Recipe, progress: &dyn Progress) -> Result<Published> {
    let spec = &recipe.spec;
    let id = recipe.name().unwrap_or_else(|| "index".into());
    let Reference { loaded, build, trend, years, last_year, audit, advance } = reference(recipe, progress)?;
    let provenance = loaded.provenance(&build, last_year.or(recipe.reference_year()));
    let manifest = Manifest::of_build(recipe, &loaded, &build, &provenance);
    if let Some(e) = audit.as_ref().and_then(|a| a.failure.as_ref()) {
        progress.warn(&format!("the uncertainty analysis failed: {e}; the report shows no rank intervals"));
    }
    let fw = &loaded.inputs.framework;
    let claims =
        crate::check::spec_verdicts(recipe)?.into_iter().map(serde_json::to_value).collect::<Result<Vec<_>, _>>()?;
    let catalog_path = spec.data.catalog.as_ref().map(|c| digindex_input::resolve(&recipe.dir(), c));
    // names, map ids and region sets from the country registry
    let countries = digindex_sources::countries::Countries::shipped();
    let agg = build.stage(Stage::Aggregated);
    // every unit of the data (a series may rank in an earlier year one the
    // latest year does not): the model takes the names it needs
    let units: Vec<UnitInfo> = loaded
        .inputs
        .units
        .codes
        .iter()
        .map(|u| {
            let c = countries.get(u);
            let units = &loaded.inputs.units;
            let table_name = units.index_of(u).and_then(|i| units.names[i].clone());
            UnitInfo {
                code: u.clone(),
                name: c.map(|c| c.name.clone()).or(table_name).unwrap_or_else(|| u.clone()),
                numeric: c.and_then(|c| c.numeric),
            }
        })
        .collect();
    let regions: Vec<Region> = crate::data::region_sets(countries)?
        .into_iter()
        .filter(|r| r.members.iter().filter(|m| agg.units.contains(m)).count() >= 2)
        .map(|r| Region { id: r.name, title: r.title, members: r.members })
        .collect();
    let catalog = match &catalog_path {
        Some(p) => Some(digindex_sources::catalog::Catalog::read(p, countries)?),
        None => None,
    };
    let indicators: Vec<IndicatorInfo> = fw
        .indicators()
        .iter()
        .map(|&i| {
            let code = &fw.node(i).code;
            let entry = catalog.as_ref().and_then(|c| c.indicator(code));
            let dataset = entry.and_then(|e| catalog.as_ref().and_then(|c| c.dataset(&e.dataset)));
            // a value divided by a denominator is per one of its units
            let by = build.log.denominate.iter().flat_map(|l| &l.indicators).find(|d| &d.code == code);
            // (said only where the catalogue gives the unit of the source's values)
            let unit_used = by.filter(|_| entry.is_some()).map(|d| {
                let per = catalog.as_ref().and_then(|c| c.indicator(&d.by)).and_then(|i| i.per.clone());
                let scale = if d.scale == 1.0 { String::new() } else { format!(" (× {})", d.scale) };
                format!("{} per {}{scale}", entry.map_or("", |e| e.unit.as_str()), per.unwrap_or_else(|| d.by.clone()))
            });
            let pick = loaded.picks.as_ref().and_then(|p| p.get(code));
            IndicatorInfo {
                code: code.clone(),
                source: dataset.map(|d| format!("{} ({})", d.title, d.licence)).unwrap_or_default(),
                unit: entry.map(|e| e.unit.clone()).unwrap_or_default(),
                unit_used,
                year_rule: pick.and_then(|p| serde_json::to_value(p).ok()),
            }
        })
        .collect();
    let outcome = audit.as_ref().and_then(|a| a.outcome.as_ref());
    let manifest_json = manifest.to_json()?;
    let quality = match &loaded.quality {
        Some(q) => serde_json::to_value(q)?,
        None => serde_json::Value::Null,
    };
    let model = digindex_publish::Model::new(&Report {
        id: id.clone(),
        // the year the ranking is of, in the title wherever it is shown
        title: match last_year.or(recipe.reference_year()).filter(|y| *y > 0) {
            Some(y) if !spec.index.name.contains(&y.to_string()) => format!("{}, {y}", spec.index.name),
            _ => spec.index.name.clone(),
        },
        framework: fw,
        build: &build,
        units,
        regions,
        indicators,
        intervals: outcome.map(|o| o.intervals.as_slice()),
        sensitivity: outcome.and_then(|o| o.sensitivity.as_ref()).map(serde_json::to_value).transpose()?,
        correlations: serde_json::to_value(audit.as_ref().map(|a| &a.correlations))?,
        alphas: serde_json::to_value(audit.as_ref().map(|a| &a.alphas))?,
        claims,
        manifest: &manifest_json,
        trend,
        progress: advance.as_ref(),
        targets: spec.progress.as_ref().map_or(&[][..], |p| p.targets.as_slice()),
        provenance: &provenance,
        quality,
    });
    let audit_failure = audit.and_then(|a| a.failure);
    Ok(Published { id, spec: spec.clone(), years, build, model, audit_failure })
}

impl Published {
    /// The report's default folder: `out/<id>-report`.
    pub fn default_out(&self) -> std::path::PathBuf {
        std::path::Path::new("out").join(format!("{}-report", self.id))
    }

    /// Writes the report folder whole, or leaves the previous one:
    /// `report.html` (one file that works offline, the workbook inside),
    /// `report.xlsx`, `scores.csv`, `report.json` (the model) and a
    /// `manifest.json` marking it as digindex output. Returns the page's size.
    pub fn write_report(&self, out: &std::path::Path) -> Result<usize> {
        use crate::Context as _;
        let xlsx = digindex_publish::workbook(&self.model)?;
        let html =
            digindex_publish::page(&self.model, &digindex_publish::Mode::Static { workbook: Some(xlsx.clone()) });
        let csv = digindex_publish::scores_csv(&self.model);
        let json = serde_json::to_string_pretty(&self.model)? + "\n";
        let files: [(&str, &[u8]); 4] = [
            ("report.html", html.as_bytes()),
            ("report.json", json.as_bytes()),
            ("report.xlsx", xlsx.as_slice()),
            ("scores.csv", csv.as_bytes()),
        ];
        crate::output::write_atomically(out, |dir| {
            for (name, bytes) in files {
                std::fs::write(dir.join(name), bytes)?;
            }
            // marks the folder as digindex output, so a later run may replace it
            std::fs::write(dir.join("manifest.json"), serde_json::json!({ "report": self.id }).to_string() + "\n")
        })
        .with_context(|| format!("writing {}", out.display()))?;
        Ok(html.len())
    }
}
