//! The recipe: a declarative TOML spec of one index build.
//!
//! ```toml
//! [index]
//! name = "ASEM Sustainable Connectivity"
//! level_names = ["Indicator", "Pillar", "Sub-index", "Index"]
//!
//! [data]                      # COINr tables, or a long table + framework
//! idata = "ASEM_iData.csv"
//! imeta = "ASEM_iMeta.csv"
//!
//! [denominate]                # each step: present = on, `enabled = false` = off
//! [impute]
//! method = "group_mean"
//! group = "EurAsia_group"
//! [screen]
//! min_coverage = 0.9
//! [treat]
//! max_points = 5
//! [normalise]
//! method = "minmax"
//! range = [0, 100]
//! [aggregate]
//! method = "arithmetic"
//! ```
//!
//! A step whose table is absent does not run (it is the identity); a step
//! whose table is present runs unless it says `enabled = false`. Unknown
//! keys and values are errors that name the key and suggest the nearest
//! valid one. [`Spec::parse`] applies `--set key=value` overrides (values in
//! TOML syntax) before checking, so an override is checked like the file.

mod check;
mod data;
mod framework;
mod overrides;
mod parse;
mod progress;
mod steps;
mod uncertainty;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use data::{DataSpec, IndicatorRule, YearRule};
pub use framework::{FrameworkEntry, UnknownFrameworkParam};
pub use overrides::apply_override;
pub use progress::{ProgressSpec, Target};
pub use steps::{
    AggregateMethod, AggregateSpec, DenominateSpec, ImputeMethod, ImputeSpec, MAX_LAMBDA, NormaliseMethod,
    NormaliseOverride, NormaliseSpec, PerLevel, ScreenBy, ScreenOn, ScreenSpec, TreatMethod, TreatOverride, TreatSpec,
};
pub use uncertainty::{Analysis, MAX_RUNS, Sampling, UncertainInput, UncertaintySpec, WeightsNoise};

use parse::{explain, vanishing_number};

/// A parsed, checked spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub index: IndexSpec,
    pub data: DataSpec,
    /// Inline framework entries (alternative to a framework file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub framework: Vec<FrameworkEntry>,
    /// Named weight sets: `[weights.NAME] CODE = weight`. Codes not listed
    /// keep their framework weight.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(default)]
    pub denominate: Option<DenominateSpec>,
    #[serde(default)]
    pub impute: Option<ImputeSpec>,
    #[serde(default)]
    pub screen: Option<ScreenSpec>,
    #[serde(default)]
    pub treat: Option<TreatSpec>,
    #[serde(default)]
    pub normalise: Option<NormaliseSpec>,
    #[serde(default)]
    pub aggregate: Option<AggregateSpec>,
    /// Claims files checked with the build (`metrics.toml` beside each is
    /// its vocabulary); paths relative to the spec.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// Uncertain choices for `digindex audit` (not used by `build`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintySpec>,
    /// How a series is read for progress: baseline year, official targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ProgressSpec>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Names of the levels, bottom (indicators) first.
    #[serde(default)]
    pub level_names: Vec<String>,
}

/// A problem with the spec text or an override.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SpecError {
    pub message: String,
}

impl Spec {
    /// Parses spec text, applies `key=value` overrides, and checks it all.
    pub fn parse(text: &str, overrides: &[String]) -> Result<Spec, SpecError> {
        let file_error = |e: toml::de::Error| SpecError { message: explain(&e.to_string()) };
        // TOML reads 1e-400 as 0 and the parser says nothing
        if let Some((line, literal)) = vanishing_number(text) {
            return Err(SpecError {
                message: format!(
                    "line {line}: {literal} is too small to tell from zero (below about 5e-324); write 0 if it is zero"
                ),
            });
        }
        for o in overrides {
            if let Some((_, literal)) = vanishing_number(o) {
                return Err(SpecError {
                    message: format!("--set {o}: {literal} is too small to tell from zero; write 0 if it is zero"),
                });
            }
        }
        if overrides.is_empty() {
            // the file alone: errors point at its lines
            let spec: Spec = toml::from_str(text).map_err(file_error)?;
            spec.check()?;
            return Ok(spec);
        }
        let mut table: toml::Table = toml::from_str(text).map_err(file_error)?;
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        let spec = match Spec::deserialize(toml::Value::Table(table)) {
            Ok(spec) => spec,
            Err(merged) => {
                // an error the file has on its own is reported with its line;
                // otherwise the overrides are at fault
                toml::from_str::<Spec>(text).map_err(file_error)?;
                return Err(SpecError {
                    message: format!("after the --set overrides: {}", explain(&merged.to_string())),
                });
            }
        };
        spec.check()?;
        Ok(spec)
    }

    /// The spec as a TOML table (for applying overrides programmatically).
    pub fn to_table(&self) -> Result<toml::Table, SpecError> {
        toml::Table::try_from(self).map_err(|e| SpecError { message: format!("cannot write the spec as TOML: {e}") })
    }

    /// A spec from a TOML table, checked like a spec file.
    pub fn from_table(table: toml::Table) -> Result<Spec, SpecError> {
        let spec =
            Spec::deserialize(toml::Value::Table(table)).map_err(|e| SpecError { message: explain(&e.to_string()) })?;
        spec.check()?;
        Ok(spec)
    }

    /// The years a spec builds together (`data.years`), if any: a
    /// catalogue spec, or COINr tables whose iData is a panel (a `Time`
    /// column). Such a spec is built, audited and compared year by year.
    pub fn built_years(&self) -> Option<&[i32]> {
        let panel = self.data.catalog.is_some() || self.data.idata.is_some();
        (panel && !self.data.years.is_empty()).then_some(self.data.years.as_slice())
    }

    /// Whether several years built together are normalised together
    /// (`normalise` enabled with `across_years`, the default).
    pub fn normalises_across_years(&self) -> bool {
        self.normalise.as_ref().is_some_and(|n| n.enabled && n.across_years)
    }

    /// The spec with every default written out (absent steps appear with
    /// `enabled = false`): what the manifest records.
    pub fn resolved(&self) -> Spec {
        let mut s = self.clone();
        let catalogue = self.data.catalog.is_some();
        if let Some(sc) = s.screen.as_mut() {
            sc.on = Some(sc.on_or(catalogue));
        }
        if let Some(i) = s.impute.as_mut() {
            if catalogue {
                i.min_group = Some(i.min_group_or(true));
            }
        }
        s.denominate.get_or_insert(DenominateSpec { enabled: false, ..Default::default() });
        s.impute.get_or_insert(ImputeSpec { enabled: false, ..Default::default() });
        s.screen.get_or_insert(ScreenSpec { enabled: false, ..Default::default() });
        s.treat.get_or_insert(TreatSpec { enabled: false, ..Default::default() });
        s.normalise.get_or_insert(NormaliseSpec { enabled: false, ..Default::default() });
        s.aggregate.get_or_insert(AggregateSpec { enabled: false, ..Default::default() });
        s
    }
}

/// A minimal spec the tests of this module and its children vary.
#[cfg(test)]
const BASE: &str = r#"
[index]
name = "t"
[data]
idata = "a.csv"
imeta = "b.csv"
[normalise]
method = "minmax"
[aggregate]
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_steps_are_off_present_steps_on() {
        let s = Spec::parse(BASE, &[]).expect("valid");
        assert!(s.treat.is_none());
        let n = s.normalise.as_ref().expect("present");
        assert!(n.enabled);
        assert_eq!(n.range, [0.0, 100.0]);
        let r = s.resolved();
        assert!(!r.treat.expect("resolved").enabled);
    }

    #[test]
    fn table_round_trip() {
        let s = Spec::parse(BASE, &["treat.max_points=2".into(), "aggregate.min_coverage=[0.5, 0.1]".into()])
            .expect("valid");
        let back = Spec::from_table(s.to_table().expect("serialises")).expect("parses");
        assert_eq!(back, s);
        let r = s.resolved();
        assert_eq!(Spec::from_table(r.to_table().expect("serialises")).expect("parses"), r);
    }
}
