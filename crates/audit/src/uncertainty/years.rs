//! Variants of a spec built over several years: each variant is built once
//! for all the years it is audited in when normalisation spans the years,
//! and each year on its own otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use digindex_pipeline::spec::Spec;
use digindex_pipeline::{Build, BuildError, Inputs, build, pipeline};

/// A variant built for every year (or why it could not be).
type AllYears = Result<Vec<(i32, Build)>, BuildError>;

/// The builds of a spec over several years, for [`super::run_year`]: the
/// inputs of every year, and the variants built so far (each variant is
/// built once for all the years it is audited in).
pub struct YearBuilds<'a> {
    pub(super) years: &'a [(i32, Inputs)],
    /// A variant's spec (as TOML) → its build of every year.
    built: Mutex<HashMap<String, Arc<AllYears>>>,
}

impl<'a> YearBuilds<'a> {
    pub fn new(years: &'a [(i32, Inputs)]) -> Self {
        YearBuilds { years, built: Mutex::new(HashMap::new()) }
    }

    /// `year` of the variant `s`. Normalised across the years, a variant
    /// builds them all (once); otherwise each year is built on its own,
    /// so one year's failure does not fail another's.
    pub(super) fn of_year(&self, s: &Spec, year: i32) -> Result<Build, BuildError> {
        let missing = || BuildError::new("build", format!("{year} is not one of the years built"));
        let across = s.normalises_across_years();
        if !across || self.years.len() < 2 {
            let (_, inputs) = self.years.iter().find(|(y, _)| *y == year).ok_or_else(missing)?;
            return build(s, inputs);
        }
        let key = s.to_table().map(|t| t.to_string()).map_err(|e| BuildError::new("spec", e.message))?;
        let cached =
            self.built.lock().map_err(|_| BuildError::new("build", "internal: a build panicked"))?.get(&key).cloned();
        let all = match cached {
            Some(all) => all,
            None => {
                // built outside the lock (two threads may build the same
                // variant at once; either result is the same)
                let all = Arc::new(pipeline::build_years(s, self.years));
                self.built
                    .lock()
                    .map_err(|_| BuildError::new("build", "internal: a build panicked"))?
                    .insert(key, Arc::clone(&all));
                all
            }
        };
        match &*all {
            Ok(builds) => builds.iter().find(|(y, _)| *y == year).map(|(_, b)| b.clone()).ok_or_else(missing),
            Err(e) => Err(e.clone()),
        }
    }
}
