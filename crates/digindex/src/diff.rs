//! What a change does to an index: builds of a recipe (one, or one per
//! year) to compare, and every unit × code change written as CSV.

use digindex_audit::diff::Change;
use digindex_data::Framework;

use crate::spec::Recipe;
use crate::{Error, Result};

/// Writes every change, with a leading `year` column when the builds
/// cover several years.
pub fn write_changes(path: &std::path::Path, rows: &[(Option<i32>, Vec<Change>)]) -> std::io::Result<()> {
    let years = rows.iter().any(|(y, _)| y.is_some());
    crate::output::write_file_atomically(path, |f| {
        let mut w = csv::Writer::from_writer(f);
        let header =
            ["unit", "code", "score_before", "score_after", "score_change", "rank_before", "rank_after", "rank_change"];
        if years {
            w.write_record(std::iter::once("year").chain(header))?;
        } else {
            w.write_record(header)?;
        }
        let f = digindex_input::number::format_number;
        let o = |v: Option<u32>| v.map(|x| x.to_string()).unwrap_or_default();
        for (year, changes) in rows {
            for c in changes {
                let row = [
                    c.unit.clone(),
                    c.code.clone(),
                    f(c.score_before),
                    f(c.score_after),
                    f(c.score_change()),
                    o(c.rank_before),
                    o(c.rank_after),
                    c.rank_change().map(|v| v.to_string()).unwrap_or_default(),
                ];
                match year {
                    Some(y) => w.write_record(std::iter::once(y.to_string()).chain(row))?,
                    None => w.write_record(row)?,
                }
            }
        }
        w.flush()
    })
}

/// A build and its year (`None` for a one-year spec).
pub type YearBuild = (Option<i32>, digindex_pipeline::Build);

/// Builds of one recipe: one, or one per year of its `data.years`.
pub fn builds(recipe: &Recipe) -> Result<(Framework, Vec<YearBuild>)> {
    let spec = &recipe.spec;
    Ok(match spec.built_years() {
        None => {
            let loaded = crate::load::load(recipe)?;
            let b = digindex_pipeline::build(spec, &loaded.inputs)?;
            (loaded.inputs.framework, vec![(None, b)])
        }
        Some(years) => {
            let series = crate::build::series(recipe, years)?;
            let fw = series
                .inputs
                .first()
                .map(|(_, i)| i.framework.clone())
                .ok_or_else(|| Error::invalid("data.years is empty"))?;
            (fw, series.builds.into_iter().map(|(y, b)| (Some(y), b)).collect())
        }
    })
}
