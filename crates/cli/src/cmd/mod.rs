pub mod audit;

/// The arguments every spec-driven command shares.
#[derive(clap::Args)]
pub struct SpecArgs {
    /// The spec file (TOML).
    pub spec: std::path::PathBuf,
    /// Output directory, replaced as a whole if it holds a previous output
    /// (default: out/<the spec's folder or file name>).
    #[arg(long, short)]
    pub out: Option<std::path::PathBuf>,
    /// Override a spec key: KEY=VALUE with a TOML value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}
pub mod build;
pub mod check;
pub mod data;
pub mod diff;
pub mod openalex;
pub mod report;
pub mod serve;

use std::path::Path;

use anyhow::{Result, anyhow};
use digindex_build::Spec;
use digindex_data::provenance::Provenance;
use digindex_io::{InputFile, Loaded};

impl SpecArgs {
    /// The output directory: --out, or out/<name of the spec folder or file>.
    pub fn out_dir(&self) -> std::path::PathBuf {
        match &self.out {
            Some(o) => o.clone(),
            None => Path::new("out").join(spec_name(&self.spec).unwrap_or_default()),
        }
    }
}

/// A spec's name: its folder's (a framework folder) or its file's, without extension.
pub fn spec_name(spec: &Path) -> Option<String> {
    let name = if spec.is_dir() { spec.file_name() } else { spec.file_stem() };
    name.map(|n| n.to_string_lossy().into_owned())
}

/// The spec file: SPEC itself, or `SPEC/index.toml` for a framework folder.
pub fn spec_file(spec: &Path) -> std::path::PathBuf {
    if spec.is_dir() { spec.join("index.toml") } else { spec.to_path_buf() }
}

/// Reads and checks a spec with its overrides.
pub fn read_spec(spec_path: &Path, sets: &[String]) -> Result<(Spec, InputFile)> {
    let spec_path = &spec_file(spec_path);
    let mut spec_files = Vec::new();
    let text = digindex_io::read_input("spec", spec_path, &mut spec_files).map_err(|e| anyhow!("{e}"))?;
    let text = String::from_utf8(text).map_err(|_| anyhow!("{}: the spec is not valid UTF-8", spec_path.display()))?;
    let spec = Spec::parse(&text, sets).map_err(|e| anyhow!("{}: {e}", spec_path.display()))?;
    let spec_file = spec_files.pop().ok_or_else(|| anyhow!("internal: spec file not recorded"))?;
    Ok((spec, spec_file))
}

/// Every year's data of a spec with `data.years`: as loaded (with files and
/// picks), and as `(year, inputs)` for `build_years`.
pub type Years = (Vec<digindex_sources::panel::Loaded>, Vec<(i32, digindex_build::Inputs)>);

/// Loads [`Years`].
pub fn load_years(spec: &Spec, spec_path: &Path, years: &[i32]) -> Result<Years> {
    let loaded = digindex_sources::panel::load_years(spec, &spec_file(spec_path), years).map_err(|e| anyhow!("{e}"))?;
    let per_year = years.iter().copied().zip(loaded.iter().map(|l| l.inputs.clone())).collect();
    Ok((loaded, per_year))
}

/// Reads and checks a spec with its overrides, then the data it names.
pub fn load(spec_path: &Path, sets: &[String]) -> Result<(Spec, InputFile, Loaded)> {
    let (spec, spec_file) = read_spec(spec_path, sets)?;
    let loaded = load_data(&spec, spec_path)?;
    Ok((spec, spec_file, loaded))
}

/// Catalogue data as the other commands take it: the picks as notes, the
/// corrections and data-quality findings for the manifest, and a warning
/// for every finding on a value the index uses that no correction covers.
pub fn loaded_of(l: digindex_sources::panel::Loaded) -> Loaded {
    let notes = serde_json::to_value(&l.picks).ok();
    let used = l.findings_used();
    let warnings = used
        .iter()
        .filter(|f| f.corrected.is_none())
        .map(|f| {
            let text = format!(
                "data: {} {} {} = {}: {} ({})",
                f.unit,
                f.indicator,
                f.year,
                digindex_io::number::format_number(f.value),
                f.rule,
                f.detail
            );
            (f.unit.clone(), text)
        })
        .collect();
    let quality = serde_json::json!({
        "corrections": l.corrections,
        "findings_on_used_values": used,
        "findings": l.findings.len(),
    });
    Loaded { inputs: l.inputs, files: l.files, notes, cells: Some(l.cells), quality: Some(quality), warnings }
}

/// The data a spec (read from SPEC, a file or framework folder) names.
pub fn load_data(spec: &Spec, spec_path: &Path) -> Result<Loaded> {
    let spec_path = &spec_file(spec_path);
    Ok(if spec.data.catalog.is_some() {
        loaded_of(digindex_sources::panel::load(spec, spec_path).map_err(|e| anyhow!("{e}"))?)
    } else {
        digindex_io::load(spec, spec_path).map_err(|e| anyhow!("{e}"))?
    })
}

/// The provenance of every value a build puts into its index (`year`: the
/// year the data are for, when the loader does not say cell by cell).
pub fn provenance(loaded: &Loaded, build: &digindex_build::Build, year: Option<i32>) -> Vec<Provenance> {
    digindex_build::provenance::table(
        build,
        &loaded.inputs.framework,
        &loaded.inputs.units,
        loaded.cells.as_ref(),
        year,
    )
}

/// A spec's reference year (`data.time`), when it is a whole year.
pub fn reference_year(spec: &Spec) -> Option<i32> {
    spec.data.time.filter(|t| t.fract() == 0.0 && t.abs() < 1e6).map(|t| t as i32)
}

/// Adds what a reader must know about the data to a build's manifest: the
/// provenance summary, the corrections and data-quality findings, and as
/// warnings the findings no correction covers and the units whose values
/// are more than a third estimates.
pub fn annotate(manifest: &mut serde_json::Value, loaded: &Loaded, rows: &[Provenance]) {
    let Some(m) = manifest.as_object_mut() else { return };
    m.insert("provenance".into(), digindex_io::output::provenance_summary(rows));
    // only what concerns the units ranked (those in the provenance table)
    let ranked: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
    if let Some(q) = &loaded.quality {
        let mut q = q.clone();
        for key in ["corrections", "findings_on_used_values"] {
            if let Some(serde_json::Value::Array(list)) = q.get_mut(key) {
                list.retain(|x| x["unit"].as_str().is_some_and(|u| ranked.contains(u)));
            }
        }
        m.insert("quality".into(), q);
    }
    let mut extra: Vec<serde_json::Value> =
        data_warnings(loaded, rows).into_iter().map(|w| serde_json::json!(w)).collect();
    for (u, e, n) in digindex_build::provenance::estimated(rows) {
        if digindex_build::provenance::rests_on_estimates(e, n) {
            extra.push(serde_json::json!(format!(
                "provenance: {u}'s score rests on estimates: {e} of its {n} values are older own values, interpolations or group estimates"
            )));
        }
    }
    if let Some(serde_json::Value::Array(w)) = m.get_mut("warnings") {
        w.extend(extra);
    } else {
        m.insert("warnings".into(), serde_json::Value::Array(extra));
    }
}

/// The data warnings about units that are ranked (in the provenance table).
pub fn data_warnings<'a>(loaded: &'a Loaded, rows: &[Provenance]) -> Vec<&'a str> {
    let ranked: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
    loaded.warnings.iter().filter(|(u, _)| ranked.contains(u.as_str())).map(|(_, w)| w.as_str()).collect()
}
