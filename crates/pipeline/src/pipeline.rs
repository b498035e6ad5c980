//! The whole recipe: raw → denominated → imputed → screened → treated →
//! normalised → aggregated, then scores and ranks.
//!
//! Every stage is kept: a disabled step passes its input through
//! unchanged, so the seven stages always exist and line up with COINr's
//! data sets of the same names.

use digindex_data::{DataSet, Framework, UnitTable, suggest};
use serde::Serialize;

use crate::aggregate::{AggregateLog, aggregate};
use crate::denominate::{DenominateLog, denominate};
use crate::impute::{ImputeLog, impute};
use crate::normalise::{NormaliseLog, normalise};
use crate::rank::rank_scores;
use crate::screen::{ScreenLog, screen};
use crate::spec::Spec;
use crate::treat::{TreatLog, treat};
use crate::{BuildError, Subject};

/// Checked inputs: the framework, the units and the raw indicator data
/// (rows = `units` in order, columns = the framework's indicators in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub framework: Framework,
    pub units: UnitTable,
    pub raw: DataSet,
    /// Cells the source suppressed as below a threshold (missing in `raw`).
    pub censored: Vec<crate::censor::Censored>,
}

/// The stages of a build, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Raw,
    Denominated,
    Imputed,
    Screened,
    Treated,
    Normalised,
    Aggregated,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Raw,
        Stage::Denominated,
        Stage::Imputed,
        Stage::Screened,
        Stage::Treated,
        Stage::Normalised,
        Stage::Aggregated,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Raw => "raw",
            Stage::Denominated => "denominated",
            Stage::Imputed => "imputed",
            Stage::Screened => "screened",
            Stage::Treated => "treated",
            Stage::Normalised => "normalised",
            Stage::Aggregated => "aggregated",
        }
    }
}

/// A node's weight as used, and its effective weight in the index.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightRecord {
    pub code: String,
    pub level: u32,
    pub weight: f64,
    pub effective: Option<f64>,
}

/// What every step did.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BuildLog {
    pub denominate: Option<DenominateLog>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub censor: Option<crate::censor::CensorLog>,
    pub impute: Option<ImputeLog>,
    pub screen: Option<ScreenLog>,
    pub treat: Option<TreatLog>,
    pub normalise: Option<NormaliseLog>,
    pub aggregate: Option<AggregateLog>,
    pub weight_set: String,
    pub weights: Vec<WeightRecord>,
    /// Indicators with no value for any unit (a source that starts later
    /// or ends earlier than the year built): left out of this build, their
    /// weight spread over the rest of their aggregate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub absent: Vec<String>,
}

/// One row of the long scores table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    pub unit: String,
    pub code: String,
    pub level: u32,
    pub score: f64,
    pub rank: Option<u32>,
}

/// The result of a build.
#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    /// One data set per stage, in the order of [`Stage::ALL`].
    pub stages: [DataSet; 7],
    pub log: BuildLog,
    pub warnings: Vec<String>,
}

impl Build {
    pub fn stage(&self, s: Stage) -> &DataSet {
        &self.stages[s as usize]
    }

    /// Stages with their names, in order.
    pub fn named_stages(&self) -> impl Iterator<Item = (Stage, &DataSet)> {
        Stage::ALL.into_iter().zip(self.stages.iter())
    }

    /// Scores and ranks of every normalised indicator and every aggregate,
    /// code by code (framework order), units in data order.
    pub fn scores(&self, fw: &Framework) -> Vec<ScoreRow> {
        let agg = self.stage(Stage::Aggregated);
        let mut rows = Vec::with_capacity(agg.units.len() * agg.codes.len());
        for (j, code) in agg.codes.iter().enumerate() {
            let level = fw.index_of(code).map_or(1, |i| fw.node(i).level);
            let col = agg.values.col(j);
            let ranks = rank_scores(col);
            for (i, unit) in agg.units.iter().enumerate() {
                rows.push(ScoreRow { unit: unit.clone(), code: code.clone(), level, score: col[i], rank: ranks[i] });
            }
        }
        rows
    }
}

/// Checks every weight set of the spec against the framework and returns
/// the selected one as one weight per node.
pub fn resolve_weights(spec: &Spec, fw: &Framework) -> Result<(String, Vec<f64>), BuildError> {
    let codes: Vec<String> = fw.nodes().iter().map(|n| n.code.clone()).collect();
    for (name, set) in &spec.weights {
        for (code, v) in set {
            if fw.index_of(code).is_none() {
                return Err(BuildError::new(
                    "aggregate",
                    format!(
                        "[weights.{name}] names {code:?}, which is not in the framework{}",
                        suggest(code, codes.iter())
                    ),
                ));
            }
            if !v.is_finite() || *v < 0.0 {
                return Err(BuildError::about(
                    "aggregate",
                    Subject::Code(code.clone()),
                    format!("[weights.{name}] {code} = {v}: weights must be finite and >= 0"),
                ));
            }
        }
    }
    let name = spec.aggregate.as_ref().map_or("original".to_string(), |a| a.weights.clone());
    let mut w = fw.weights();
    if name != "original" {
        let Some(set) = spec.weights.get(&name) else {
            return Err(BuildError::new("aggregate", format!("weight set {name:?} is not defined")));
        };
        for (code, v) in set {
            if let Some(i) = fw.index_of(code) {
                w[i] = *v;
            }
        }
    }
    Ok((name, w))
}

/// Runs the recipe over the inputs.
pub fn build(spec: &Spec, inputs: &Inputs) -> Result<Build, BuildError> {
    let fw = &inputs.framework;
    let mut warnings = Vec::new();
    let mut log = BuildLog::default();
    let (set, weights) = resolve_weights(spec, fw)?;
    let eff = fw.effective_weights(&weights);
    log.weight_set = set;
    log.weights = fw
        .nodes()
        .iter()
        .enumerate()
        .map(|(i, n)| WeightRecord { code: n.code.clone(), level: n.level, weight: weights[i], effective: eff[i] })
        .collect();

    let raw = inputs.raw.clone();
    let mut denominated = match spec.denominate.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            let (d, l) = denominate(&raw, fw, &inputs.units, s)?;
            log.denominate = Some(l);
            d
        }
        None => raw.clone(),
    };
    // values suppressed below a threshold: placed below every published one
    let unplaced: Vec<(usize, usize)> = if inputs.censored.is_empty() {
        Vec::new()
    } else {
        let den = spec.denominate.as_ref().filter(|s| s.enabled);
        let (d, l) = crate::censor::place(&denominated, &inputs.censored, fw, &inputs.units, den)?;
        let unplaced = l
            .cells
            .iter()
            .filter(|p| p.value.is_none())
            .filter_map(|p| Some((d.row_index(&p.unit)?, d.col_index(&p.code)?)))
            .collect();
        denominated = d;
        log.censor = Some(l);
        unplaced
    };
    // indicators with no value at all: absent from this build
    log.absent = absent(&denominated);
    if !log.absent.is_empty() {
        for p in fw.level(2) {
            let n = fw.node(*p);
            let kids: Vec<&str> = n.children.iter().map(|&c| fw.node(c).code.as_str()).collect();
            if !kids.is_empty() && kids.iter().all(|k| log.absent.iter().any(|a| a == k)) {
                return Err(BuildError::about(
                    "data",
                    Subject::Code(n.code.clone()),
                    format!(
                        "no indicator of {} has a value for any unit ({}), so it cannot be scored; build years its \
                         sources cover",
                        n.code,
                        kids.join(", ")
                    ),
                ));
            }
        }
        let parents: Vec<String> = log
            .absent
            .iter()
            .map(|a| {
                let parent = fw.index_of(a).and_then(|i| fw.node(i).parent).map(|p| fw.node(p).code.clone());
                format!("{a} (in {})", parent.unwrap_or_else(|| "the index".into()))
            })
            .collect();
        warnings.push(format!(
            "data: {} {} no value for any unit, so {} left out and {} weight spread over the rest of {} aggregate",
            parents.join(", "),
            if parents.len() == 1 { "has" } else { "have" },
            if parents.len() == 1 { "it is" } else { "they are" },
            if parents.len() == 1 { "its" } else { "their" },
            if parents.len() == 1 { "its" } else { "each one's" }
        ));
    }
    let imputed = match spec.impute.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            if s.group.is_some()
                && !matches!(s.method, crate::spec::ImputeMethod::GroupMean | crate::spec::ImputeMethod::GroupMedian)
            {
                warnings.push(format!(
                    "impute: group = {:?} is ignored by method {:?} (only group_mean and group_median use it)",
                    s.group.as_deref().unwrap_or_default(),
                    s.method
                ));
            }
            // a censored value no bound places gets no estimate either
            let min_group = s.min_group_or(spec.data.catalog.is_some());
            let (d, l) = impute(&denominated, &inputs.units, s, min_group, &unplaced)?;
            log.impute = Some(l);
            d
        }
        None => denominated.clone(),
    };
    let screened = match spec.screen.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            // coverage counted on the observed data (before imputation; a
            // value whose denominator is missing is not observed per head),
            // or on the imputed data as COINr's documented order does
            let on = s.on_or(spec.data.catalog.is_some());
            let counted = match on {
                crate::spec::ScreenOn::Raw => &denominated,
                crate::spec::ScreenOn::Imputed => &imputed,
            };
            let (d, l) = screen(&imputed, s, counted, on, fw)?;
            if !l.removed.is_empty() {
                let why: Vec<String> = l
                    .units
                    .iter()
                    .filter(|u| !u.included)
                    .map(|u| {
                        let short = if u.short_aggregates.is_empty() {
                            String::new()
                        } else {
                            format!(", too few in {}", u.short_aggregates.join(", "))
                        };
                        format!("{} ({:.0}%{short})", u.unit, 100.0 * u.coverage)
                    })
                    .collect();
                warnings.push(format!(
                    "screen: removed {} unit{}, with the share of indicators {} (at least {:.0}% needed): {}",
                    l.removed.len(),
                    if l.removed.len() == 1 { "" } else { "s" },
                    if on == crate::spec::ScreenOn::Raw { "observed" } else { "present after imputation" },
                    100.0 * s.min_coverage,
                    why.join(", ")
                ));
            }
            log.screen = Some(l);
            d
        }
        None => imputed.clone(),
    };
    // cells no estimate filled, among the units that are ranked
    if log.impute.as_ref().is_some_and(|l| l.still_missing > 0) {
        // (the cells of an absent indicator are no gap of a unit's)
        let n = screened.n_missing() - log.absent.len() * screened.units.len();
        // censored cells no bound places were left missing on purpose
        let unplaced = log
            .censor
            .iter()
            .flat_map(|l| &l.cells)
            .filter(|c| c.value.is_none() && screened.row_index(&c.unit).is_some())
            .count();
        let no_group = n.saturating_sub(unplaced);
        let min = log.impute.as_ref().map_or(1, |l| l.min_group);
        let why = if min > 1 {
            format!("no group with at least {min} observed members")
        } else {
            "no group, or no observed member in it".to_string()
        };
        let plural = |k: usize, one: &str, many: &str| if k == 1 { format!("1 {one}") } else { format!("{k} {many}") };
        let mut parts = Vec::new();
        if no_group > 0 {
            parts.push(format!("{} without an estimate ({why})", plural(no_group, "cell", "cells")));
        }
        if unplaced > 0 {
            parts
                .push(format!("{} below a source's threshold that no bound places", plural(unplaced, "cell", "cells")));
        }
        if !parts.is_empty() {
            warnings.push(format!(
                "impute: the ranked units have {} missing: {}; their aggregates use the indicators present",
                plural(n, "value", "values"),
                parts.join(", and ")
            ));
        }
    }
    let treated = match spec.treat.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            let (d, l) = treat(&screened, s)?;
            for r in l.indicators.iter().filter(|r| !log.absent.contains(&r.code)) {
                if r.method != crate::spec::TreatMethod::None && r.before.is_some_and(|c| c.pass.is_none()) {
                    warnings.push(format!(
                        "treat: {}: skew and kurtosis cannot be computed (all values equal, or too few values); left \
                         untreated",
                        r.code
                    ));
                }
                if let Some(c) = r.after_fallback.filter(|c| c.pass == Some(false)) {
                    warnings.push(format!(
                        "treat: {} still fails the skew/kurtosis check after treatment (skew {:.3}, kurtosis {:.3})",
                        r.code, c.skew, c.kurtosis
                    ));
                }
            }
            log.treat = Some(l);
            d
        }
        None => screened.clone(),
    };
    let normalised = match spec.normalise.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            let (d, l) = normalise(&treated, fw, s)?;
            log.normalise = Some(l);
            d
        }
        None => treated.clone(),
    };
    let aggregated = match spec.aggregate.as_ref().filter(|s| s.enabled) {
        Some(s) => {
            let (d, l) = aggregate(&normalised, fw, &weights, s)?;
            if l.missing > 0 {
                warnings
                    .push(format!("aggregate: {} aggregate scores are missing (too few children present)", l.missing));
            }
            log.aggregate = Some(l);
            d
        }
        None => normalised.clone(),
    };
    let stages = [raw, denominated, imputed, screened, treated, normalised, aggregated];
    Ok(Build { stages, log, warnings })
}

/// An indicator absent from every year built has nothing to build on:
/// an error (a wrong year, or a source that does not cover the period),
/// where absence in some years is a gap of the series.
fn absent_every_year(builds: Vec<(i32, Build)>) -> Result<Vec<(i32, Build)>, BuildError> {
    let Some((_, first)) = builds.first() else { return Ok(builds) };
    if let Some(code) = first.log.absent.iter().find(|c| builds.iter().all(|(_, b)| b.log.absent.contains(c))) {
        let years: Vec<String> = builds.iter().map(|(y, _)| y.to_string()).collect();
        return Err(BuildError::about(
            "data",
            Subject::Code(code.clone()),
            format!(
                "indicator {code} has no value for any unit in any year built ({}); build years its source covers",
                years.join(", ")
            ),
        ));
    }
    Ok(builds)
}

/// A build of one year on its own (not one year of a series): an
/// indicator with no value at all has nothing to build on, an error (a
/// wrong year, or a source that does not cover it).
pub fn require_present(build: &Build, year: Option<i32>) -> Result<(), BuildError> {
    match build.log.absent.first() {
        None => Ok(()),
        Some(code) => Err(BuildError::about(
            "data",
            Subject::Code(code.clone()),
            format!(
                "indicator {code} has no value for any unit{}; build a year its source covers",
                year.map(|y| format!(" in {y}")).unwrap_or_default()
            ),
        )),
    }
}

/// The indicators (columns) of `ds` with no value for any unit.
pub fn absent(ds: &DataSet) -> Vec<String> {
    (0..ds.codes.len()).filter(|&j| ds.values.col(j).iter().all(|v| v.is_nan())).map(|j| ds.codes[j].clone()).collect()
}

/// Builds several years of an index. Each year runs denominate, impute,
/// screen and treat on its own data; normalisation then runs over all years
/// together (unless `normalise.across_years = false`), so that a score means
/// the same in every year, as COINr's global normalisation of a purse;
/// aggregation and ranks are per year.
pub fn build_years(spec: &Spec, years: &[(i32, Inputs)]) -> Result<Vec<(i32, Build)>, BuildError> {
    let across = spec.normalises_across_years();
    if !across || years.len() < 2 {
        let out: Vec<(i32, Build)> = years
            .iter()
            .map(|(y, inputs)| build(spec, inputs).map(|b| (*y, b)).map_err(|e| e.in_year(*y)))
            .collect::<Result<_, _>>()?;
        return absent_every_year(out);
    }
    let norm = spec.normalise.as_ref().filter(|n| n.enabled).cloned().unwrap_or_default();
    if norm.method == crate::spec::NormaliseMethod::Dist2ref
        || norm.indicators.values().any(|o| o.method == Some(crate::spec::NormaliseMethod::Dist2ref))
    {
        return Err(BuildError::new(
            "normalise",
            "dist2ref cannot normalise several years together (which year's reference?); set normalise.across_years = false",
        ));
    }
    if let Some(r) = norm.reference_years.iter().find(|r| !years.iter().any(|(y, _)| y == *r)) {
        let built: Vec<String> = years.iter().map(|(y, _)| y.to_string()).collect();
        return Err(BuildError::new(
            "normalise",
            format!(
                "normalise.reference_years names {r}, which is not built (years built: {}); the reference period \
                 must be built: --set 'normalise.reference_years=[{}]' uses every year built",
                built.join(", "),
                built.join(",")
            ),
        ));
    }
    // each year up to the treated data
    let mut pre = spec.clone();
    if let Some(n) = pre.normalise.as_mut() {
        n.enabled = false;
    }
    if let Some(a) = pre.aggregate.as_mut() {
        a.enabled = false;
    }
    let mut builds = Vec::with_capacity(years.len());
    for (y, inputs) in years {
        let b = build(&pre, inputs).map_err(|e| e.in_year(*y))?;
        builds.push((*y, b));
    }
    let builds = absent_every_year(builds)?;
    // stack the treated data of every year, normalise once, split again
    let first = builds[0].1.stage(Stage::Treated);
    let codes = first.codes.clone();
    let mut units = Vec::new();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); codes.len()];
    // the rows of the reference period, if one is declared
    let mut mask = Vec::new();
    for (y, b) in &builds {
        let t = b.stage(Stage::Treated);
        units.extend(t.units.iter().map(|u| format!("{u}@{y}")));
        mask.extend(std::iter::repeat_n(norm.reference_years.contains(y), t.units.len()));
        for (j, c) in cols.iter_mut().enumerate() {
            c.extend_from_slice(t.values.col(j));
        }
    }
    let stacked = DataSet::new(
        units,
        codes.clone(),
        digindex_data::Matrix::from_columns(cols.first().map_or(0, Vec::len), &cols)
            .ok_or_else(|| BuildError::new("normalise", "internal: ragged stack"))?,
    );
    let fw = &years[0].1.framework;
    // a declared reference period gives the scale; every year is put on it
    let fit = (!norm.reference_years.is_empty()).then_some(mask);
    let (normalised_all, nlog) = crate::normalise::normalise_fitted(&stacked, fit.as_deref(), fw, &norm)?;
    let mut out = Vec::with_capacity(builds.len());
    let mut row = 0;
    for ((y, mut b), (_, inputs)) in builds.into_iter().zip(years) {
        let n = b.stage(Stage::Treated).units.len();
        let keep: Vec<bool> = (0..normalised_all.units.len()).map(|i| i >= row && i < row + n).collect();
        row += n;
        let mut normalised = normalised_all.select_rows(&keep);
        normalised.units = b.stage(Stage::Treated).units.clone();
        b.log.normalise = Some(nlog.clone());
        let aggregated = match spec.aggregate.as_ref().filter(|a| a.enabled) {
            Some(a) => {
                let (_, weights) = resolve_weights(spec, &inputs.framework)?;
                let (d, l) = aggregate(&normalised, &inputs.framework, &weights, a).map_err(|e| e.in_year(y))?;
                b.log.aggregate = Some(l);
                d
            }
            None => normalised.clone(),
        };
        b.stages[Stage::Normalised as usize] = normalised;
        b.stages[Stage::Aggregated as usize] = aggregated;
        out.push((y, b));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::{Matrix, NodeSpec};

    const SPEC: &str = "[index]\nname = \"t\"\n[data]\nvalues = \"v.csv\"\n[impute]\nmethod = \"mean\"\n\
                        [screen]\non = \"raw\"\nmin_coverage = 0.5\n[normalise]\n[aggregate]\n";

    /// x and y in pillar P, z in pillar Q; x (or z) with no value at all.
    fn inputs(x_absent: bool, z_absent: bool) -> Inputs {
        let n = |c: &str, p: Option<&str>| NodeSpec { code: c.into(), parent: p.map(Into::into), ..Default::default() };
        let framework = Framework::new(
            vec![
                n("x", Some("P")),
                n("y", Some("P")),
                n("z", Some("Q")),
                n("P", Some("I")),
                n("Q", Some("I")),
                n("I", None),
            ],
            vec![],
        )
        .expect("valid");
        let codes: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let units = UnitTable { codes: codes.clone(), names: vec![None; 3], groups: vec![], denominators: vec![] };
        let nan = f64::NAN;
        let x = if x_absent { vec![nan; 3] } else { vec![1.0, 2.0, 3.0] };
        let z = if z_absent { vec![nan; 3] } else { vec![5.0, nan, 7.0] };
        let raw = DataSet::new(
            codes,
            vec!["x".into(), "y".into(), "z".into()],
            Matrix::from_columns(3, &[x, vec![10.0, 30.0, 20.0], z]).expect("equal"),
        );
        Inputs { framework, units, raw, censored: vec![] }
    }

    #[test]
    fn an_absent_indicator_leaves_its_weight_to_its_siblings() {
        let spec = Spec::parse(SPEC, &[]).expect("valid");
        let b = build(&spec, &inputs(true, false)).expect("an absent indicator is a gap, not an error");
        assert_eq!(b.log.absent, ["x"]);
        assert!(b.warnings.iter().any(|w| w.contains("x (in P) has no value for any unit")), "{:?}", b.warnings);
        // its cells are no unit's gap: no impute warning about them
        assert!(!b.warnings.iter().any(|w| w.starts_with("impute:")), "{:?}", b.warnings);
        // coverage counts y and z only: b (no z) has 1 of 2 and passes 0.5;
        // with x counted it would have 1 of 3 and be screened out
        let agg = b.stage(Stage::Aggregated);
        assert_eq!(agg.units, ["a", "b", "c"]);
        // P is y alone (min-max: 10 -> 0, 30 -> 100, 20 -> 50)
        assert_eq!(agg.column("P").expect("P"), [0.0, 100.0, 50.0]);
        assert!(agg.column("x").expect("x").iter().all(|v| v.is_nan()));
        // a pillar with no indicator left cannot be scored: an error naming it
        let e = build(&spec, &inputs(false, true)).expect_err("Q has nothing");
        assert!(e.message.contains("no indicator of Q has a value"), "{e}");
    }

    #[test]
    fn an_indicator_absent_in_every_year_built_is_an_error() {
        let spec = Spec::parse(SPEC, &["data.values=\"v.csv\"".into()]).expect("valid");
        let some = build_years(&spec, &[(2020, inputs(true, false)), (2021, inputs(false, false))]).expect("a gap");
        assert_eq!((some[0].1.log.absent.len(), some[1].1.log.absent.len()), (1, 0));
        let one = build_years(&spec, &[(2020, inputs(true, false))]).expect_err("one year, x absent");
        assert!(one.message.contains("in any year built (2020)"), "{one}");
        let b = build(&spec, &inputs(true, false)).expect("a year of a series may lack x");
        assert!(require_present(&b, Some(2020)).expect_err("alone it may not").message.contains("x has no value"));
        let e = build_years(&spec, &[(2020, inputs(true, false)), (2021, inputs(true, false))]).expect_err("x never");
        assert!(e.message.contains("indicator x has no value for any unit in any year built (2020, 2021)"), "{e}");
    }
}
