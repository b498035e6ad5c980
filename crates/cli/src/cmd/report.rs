//! `digindex report SPEC [--out DIR] [--set KEY=VALUE]...`
//!
//! Builds the index (several years when the spec has `data.years`: the
//! last is the one shown, the others give each unit's trend), audits it
//! when the spec has an `[uncertainty]` table, checks its claims, and
//! writes `DIR/report.html` — one file that works offline from the file
//! system, nothing fetched — with `DIR/report.xlsx`, `DIR/scores.csv` and
//! `DIR/report.json` (the model the page shows). DIR defaults to
//! `out/<name>-report`; it is written whole or not at all.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, anyhow};
use digindex_build::{Build, Inputs, Spec, Stage};
use digindex_publish::{IndicatorInfo, Mode, Region, Report, UnitInfo};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: super::SpecArgs,
}

/// A built, audited and checked index, ready to publish or serve.
pub struct Published {
    /// Short id for addresses: the spec's folder or file name.
    pub id: String,
    pub spec: Spec,
    /// The inputs of every year built (one entry for a single-year index).
    pub years: Vec<(i32, Inputs)>,
    pub build: Build,
    pub model: serde_json::Value,
}

/// Builds, audits and checks the index of `spec_arg` and makes its model.
pub fn prepare(spec_arg: &Path, sets: &[String], quiet: bool) -> Result<Published> {
    let (spec, spec_file) = super::read_spec(spec_arg, sets)?;
    let id = super::spec_name(spec_arg).unwrap_or_else(|| "index".into());
    // the reference build, and the trend when several years are built (the
    // reference year then the last of them)
    let (loaded, build, trend, years, last_year) = if let Some(years) = spec.built_years() {
        let (per_year, inputs) = super::load_years(&spec, spec_arg, years)?;
        let mut builds = digindex_build::pipeline::build_years(&spec, &inputs).map_err(|e| anyhow!("{e}"))?;
        let fw = &inputs[0].1.framework;
        let top = fw.top_code().unwrap_or_default().to_string();
        let mut trend = Vec::new();
        for (y, b) in &builds {
            let agg = b.stage(Stage::Aggregated);
            if let Some(col) = agg.column(&top) {
                trend.extend(agg.units.iter().zip(col).map(|(u, s)| (*y, u.clone(), *s)));
            }
        }
        let last = per_year.into_iter().last().ok_or_else(|| anyhow!("data.years is empty"))?;
        let (year, build) = builds.pop().ok_or_else(|| anyhow!("no year was built"))?;
        (super::loaded_of(last), build, trend, inputs, Some(year))
    } else {
        let loaded = super::load_data(&spec, spec_arg)?;
        let build = digindex_build::build(&spec, &loaded.inputs).map_err(|e| anyhow!("{e}"))?;
        let year = spec.data.time.map_or(0, |t| t as i32);
        let years = vec![(year, loaded.inputs.clone())];
        (loaded, build, Vec::new(), years, None)
    };
    let mut manifest = digindex_io::output::manifest(&spec, sets, &spec_file, &loaded.files, &build);
    if let (Some(notes), Some(m)) = (&loaded.notes, manifest.as_object_mut()) {
        m.insert("data_picks".into(), notes.clone());
    }
    let provenance = super::provenance(&loaded, &build, last_year.or(super::reference_year(&spec)));
    super::annotate(&mut manifest, &loaded, &provenance);
    let audit = match &spec.uncertainty {
        Some(_) => {
            // with several years, the variants build them all, as the nominal build
            let variants = digindex_audit::uncertainty::YearBuilds::new(&years);
            let year = last_year.map(|y| (&variants, y));
            Some(super::audit::compute(&spec, &spec_file, &loaded, sets, &build, year, (0.9, -0.4), None, quiet)?)
        }
        None => None,
    };
    if let Some(e) = audit.as_ref().and_then(|a| a.failure.as_ref()) {
        eprintln!("warning: the uncertainty analysis failed: {e}; the report shows no rank intervals");
    }
    let fw = &loaded.inputs.framework;
    let claims = super::check::spec_verdicts(&spec, spec_arg)?
        .into_iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()?;
    let spec_dir = super::spec_file(spec_arg).parent().map(Path::to_path_buf).unwrap_or_default();
    let catalog_path = spec.data.catalog.as_ref().map(|c| digindex_io::resolve(&spec_dir, c));
    // names, map ids and region sets from the country registry
    let countries = digindex_sources::countries::Countries::shipped();
    let agg = build.stage(Stage::Aggregated);
    let units: Vec<UnitInfo> = agg
        .units
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
    let regions: Vec<Region> = digindex_sources::regions::shipped(countries)
        .map_err(|e| anyhow!("{e}"))?
        .into_iter()
        .filter(|r| r.members.iter().filter(|m| agg.units.contains(m)).count() >= 2)
        .map(|r| Region { id: r.name, title: r.title, members: r.members })
        .collect();
    let picks = loaded.notes.clone().unwrap_or_default();
    let catalog = match &catalog_path {
        Some(p) => Some(digindex_sources::catalog::Catalog::read(p, countries).map_err(|e| anyhow!("{e}"))?),
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
            IndicatorInfo {
                code: code.clone(),
                source: dataset.map(|d| format!("{} ({})", d.title, d.licence)).unwrap_or_default(),
                unit: entry.map(|e| e.unit.clone()).unwrap_or_default(),
                unit_used,
                year_rule: picks.get(code).cloned(),
            }
        })
        .collect();
    let outcome = audit.as_ref().and_then(|a| a.outcome.as_ref());
    let model = digindex_publish::model(&Report {
        id: id.clone(),
        title: spec.index.name.clone(),
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
        manifest: &manifest,
        trend,
        provenance: &provenance,
        quality: loaded.quality.clone().unwrap_or_default(),
    });
    Ok(Published { id, spec, years, build, model })
}

pub fn run(args: Args) -> Result<()> {
    let t0 = std::time::Instant::now();
    let p = prepare(&args.common.spec, &args.common.set, args.common.quiet)?;
    let out = match &args.common.out {
        Some(o) => o.clone(),
        None => Path::new("out").join(format!("{}-report", p.id)),
    };
    let xlsx = digindex_publish::workbook(&p.model)?;
    let html = digindex_publish::page(&p.model, &Mode::Static { workbook: Some(xlsx.clone()) });
    let csv = digindex_publish::scores_csv(&p.model);
    let json = serde_json::to_string_pretty(&p.model)? + "\n";
    let files: BTreeMap<&str, &[u8]> = [
        ("report.html", html.as_bytes()),
        ("report.xlsx", xlsx.as_slice()),
        ("scores.csv", csv.as_bytes()),
        ("report.json", json.as_bytes()),
    ]
    .into_iter()
    .collect();
    digindex_io::output::write_atomically(&out, |dir| {
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes)?;
        }
        // marks the folder as digindex output, so a later run may replace it
        std::fs::write(dir.join("manifest.json"), serde_json::json!({ "report": p.id }).to_string() + "\n")?;
        Ok(())
    })
    .with_context(|| format!("writing {}", out.display()))?;
    if !args.common.quiet {
        out!(
            "{}: report of {} units -> {} ({:.0} KB, {:.2} s); open it in a browser, it needs no network",
            p.spec.index.name,
            p.model["units"].as_array().map_or(0, Vec::len),
            out.join("report.html").display(),
            html.len() as f64 / 1024.0,
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
