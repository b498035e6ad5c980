//! The data a spec names, read once, whatever its layout:
//!
//! * [`Layout::Tables`] — COINr's `iData` / `iMeta` tables (`data.idata`, `data.imeta`);
//! * [`Layout::Long`] — a long `unit,indicator,value` table with a framework (`data.values`);
//! * [`Layout::Catalogue`] — indicators of the shipped catalogue (`data.catalog`),
//!   each value picked for the reference year with its provenance, corrections
//!   and data-quality findings.
//!
//! All three give one [`Loaded`]: the build's inputs, the files read (with
//! hashes, for the manifest) and, for the catalogue, where each value came
//! from and what a reader must know about it.

use std::collections::BTreeMap;
use std::path::Path;

use digindex_data::provenance::{Cells, Provenance};
use digindex_input::InputFile;
use digindex_pipeline::{Build, Inputs, Spec};
use digindex_sources::corrections::Applied;
use digindex_sources::panel::PickSummary;
use digindex_sources::quality::Finding;
use serde::Serialize;

use crate::Result;
use crate::spec::Recipe;

/// How a spec's data are laid out (from its `[data]` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// COINr's `iData` and `iMeta` tables.
    Tables,
    /// A long `unit,indicator,value` table with a framework.
    Long,
    /// The shipped catalogue: values picked per unit for the reference year.
    Catalogue,
}

impl Layout {
    /// The layout a spec's `[data]` table declares (a catalogue when it
    /// names one; otherwise the readers check the table combination).
    pub fn of(spec: &Spec) -> Layout {
        let d = &spec.data;
        if d.catalog.is_some() {
            Layout::Catalogue
        } else if d.values.is_some() {
            Layout::Long
        } else {
            Layout::Tables
        }
    }
}

/// Corrections applied and data-quality findings, for the manifest.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Quality {
    /// Corrections applied to the units' values of the indicators used.
    pub corrections: Vec<Applied>,
    /// Findings on values the build uses.
    pub findings_on_used_values: Vec<Finding>,
    /// Findings on the units' data in all years.
    pub findings: usize,
}

impl Quality {
    /// Only what concerns the units in `ranked`.
    pub fn of_units(&self, ranked: &std::collections::BTreeSet<&str>) -> Quality {
        Quality {
            corrections: self.corrections.iter().filter(|c| ranked.contains(c.unit.as_str())).cloned().collect(),
            findings_on_used_values: self
                .findings_on_used_values
                .iter()
                .filter(|f| ranked.contains(f.unit.as_str()))
                .cloned()
                .collect(),
            findings: self.findings,
        }
    }
}

/// A spec's data as read, whatever the layout.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub layout: Layout,
    pub inputs: Inputs,
    pub files: Vec<InputFile>,
    /// How values were chosen for the reference year, per indicator (catalogue).
    pub picks: Option<BTreeMap<String, PickSummary>>,
    /// Where every raw cell's value came from (catalogue).
    pub cells: Option<Cells>,
    /// Corrections applied and data-quality findings (catalogue).
    pub quality: Option<Quality>,
    /// What the reader of the results should know about the data: findings
    /// on values the index uses that no correction covers, as (unit, text).
    pub warnings: Vec<(String, String)>,
    /// Fetched indicators read (catalogue), with their provenance.
    pub fetched: Vec<digindex_sources::catalog::FetchedInput>,
}

impl Loaded {
    /// The share of the units' indicator values dated the reference year
    /// itself (catalogue data; `None` otherwise): how much of a year's
    /// index rests on data of that year (`data.min_current`).
    pub fn current_share(&self) -> Option<f64> {
        let picks = self.picks.as_ref()?;
        let fw = &self.inputs.framework;
        let codes: Vec<&str> = fw.indicators().iter().map(|&i| fw.node(i).code.as_str()).collect();
        let cells = codes.len() * self.inputs.units.codes.len();
        let exact: usize = codes.iter().filter_map(|c| picks.get(*c)).map(|p| p.exact).sum();
        (cells > 0).then(|| exact as f64 / cells as f64)
    }

    /// Catalogue data: the picks, the corrections and data-quality
    /// findings, and a warning for every finding on a value the index uses
    /// that no correction covers.
    pub fn from_catalogue(l: digindex_sources::panel::Loaded) -> Loaded {
        let used: Vec<Finding> = l.findings_used().into_iter().cloned().collect();
        let warnings = used
            .iter()
            .filter(|f| f.corrected.is_none())
            .map(|f| {
                let text = format!(
                    "data: {} {} {} = {}: {} ({})",
                    f.unit,
                    f.indicator,
                    f.year,
                    digindex_input::number::format_number(f.value),
                    f.rule,
                    f.detail
                );
                (f.unit.clone(), text)
            })
            .collect();
        let quality = Quality { corrections: l.corrections, findings_on_used_values: used, findings: l.findings.len() };
        Loaded {
            layout: Layout::Catalogue,
            inputs: l.inputs,
            files: l.files,
            picks: Some(l.picks),
            cells: Some(l.cells),
            quality: Some(quality),
            warnings,
            fetched: l.fetched,
        }
    }

    /// The provenance of every value a build of these data puts into its
    /// index (`year`: the year the data are for, when the loader does not
    /// say cell by cell).
    /// Every value that enters the index (an indicator absent that year
    /// enters with none: the manifest lists it).
    pub fn provenance(&self, build: &Build, year: Option<i32>) -> Vec<Provenance> {
        let mut rows = digindex_pipeline::provenance::table(
            build,
            &self.inputs.framework,
            &self.inputs.units,
            self.cells.as_ref(),
            year,
        );
        rows.retain(|r| !build.log.absent.contains(&r.code));
        rows
    }

    /// The data warnings about units that are ranked (in `rows`, a provenance table).
    pub fn warnings_on<'a>(&'a self, rows: &[Provenance]) -> Vec<&'a str> {
        let ranked: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
        self.warnings.iter().filter(|(u, _)| ranked.contains(u.as_str())).map(|(_, w)| w.as_str()).collect()
    }
}

/// Reads the data `recipe` names, whatever the layout.
pub fn load(recipe: &Recipe) -> Result<Loaded> {
    let spec_path = recipe.file_path();
    load_spec(&recipe.spec, &spec_path)
}

/// Reads the data `spec` (read from the spec file `spec_path`) names.
pub fn load_spec(spec: &Spec, spec_path: &Path) -> Result<Loaded> {
    let layout = Layout::of(spec);
    Ok(match layout {
        Layout::Catalogue => Loaded::from_catalogue(digindex_sources::panel::load(spec, spec_path)?),
        Layout::Tables | Layout::Long => {
            let (inputs, files) = digindex_input::load(spec, spec_path)?;
            Loaded {
                layout,
                inputs,
                files,
                picks: None,
                cells: None,
                quality: None,
                warnings: Vec::new(),
                fetched: Vec::new(),
            }
        }
    })
}

/// Every year's data of a spec with `data.years`, as loaded: the
/// catalogue's picks for each year, or a COINr panel's rows of each `Time`.
pub fn load_years(recipe: &Recipe, years: &[i32]) -> Result<Vec<(i32, Loaded)>> {
    let spec_path = recipe.file_path();
    if Layout::of(&recipe.spec) != Layout::Catalogue {
        return years
            .iter()
            .map(|&y| {
                let mut spec = recipe.spec.clone();
                spec.data.time = Some(f64::from(y));
                spec.data.years.clear();
                Ok((y, load_spec(&spec, &spec_path)?))
            })
            .collect();
    }
    let loaded = digindex_sources::panel::load_years(&recipe.spec, &spec_path, years)?;
    Ok(years.iter().copied().zip(loaded.into_iter().map(Loaded::from_catalogue)).collect())
}
