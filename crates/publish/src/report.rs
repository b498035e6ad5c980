//! What a report is made of ([`Report`]: the build, its audit, its claims,
//! names and sources), and the [`Model`] made from it.

use std::collections::BTreeMap;

use digindex_data::Framework;
use digindex_pipeline::{Build, Stage};
use serde::Serialize;
use serde_json::Value;

use crate::model::{Coherence, Estimated, Interval, Method, Model, NodeInfo, Region, UnitInfo, Values, finite};

/// Where an indicator comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorInfo {
    pub code: String,
    /// Data set title and licence.
    pub source: String,
    /// Unit of measurement of the source's values.
    pub unit: String,
    /// Unit of the values as used, when they are divided by a denominator
    /// ("articles per million people").
    pub unit_used: Option<String>,
    /// How values were picked for the reference year (rule, years used), if known.
    pub year_rule: Option<Value>,
}

/// Everything a report is made of.
pub struct Report<'a> {
    /// Short id used in addresses (`tokyo-statement`).
    pub id: String,
    pub title: String,
    pub framework: &'a Framework,
    pub build: &'a Build,
    pub units: Vec<UnitInfo>,
    pub regions: Vec<Region>,
    pub indicators: Vec<IndicatorInfo>,
    /// Rank intervals of the index (from the uncertainty analysis).
    pub intervals: Option<&'a [digindex_audit::rank_interval::RankInterval]>,
    /// Sobol indices (from a sensitivity analysis), as written in audit.json.
    pub sensitivity: Option<Value>,
    /// Correlations and Cronbach's alphas, as written in audit.json.
    pub correlations: Value,
    pub alphas: Value,
    /// Claim verdicts (`digindex check` JSON).
    pub claims: Vec<Value>,
    /// The build manifest (resolved spec, steps, inputs).
    pub manifest: &'a Value,
    /// Scores of the index by year, when built for several years:
    /// (year, unit, score).
    pub trend: Vec<(i32, String, f64)>,
    /// A series read for progress, when built for several years.
    pub progress: Option<&'a digindex_audit::progress::Progress>,
    /// The official targets the spec declares (their sources and notes).
    pub targets: &'a [digindex_pipeline::spec::Target],
    /// Where every value that enters the index comes from.
    pub provenance: &'a [digindex_data::provenance::Provenance],
    /// Corrections applied and data-quality findings on the values used
    /// (as in the manifest's `quality`), `null` when not known.
    pub quality: Value,
}

/// Scores per code of the aggregated stage (`None` where not finite) and
/// their ranks, units in `agg.units` order.
pub(crate) type ScoresAndRanks = (BTreeMap<String, Vec<Option<f64>>>, BTreeMap<String, Vec<Option<u32>>>);

/// [`ScoresAndRanks`] of a build.
pub(crate) fn scores_and_ranks(build: &Build) -> ScoresAndRanks {
    let agg = build.stage(Stage::Aggregated);
    let (mut scores, mut ranks) = (BTreeMap::new(), BTreeMap::new());
    for (j, code) in agg.codes.iter().enumerate() {
        let col = agg.values.col(j);
        scores.insert(code.clone(), col.iter().map(|x| finite(*x)).collect());
        ranks.insert(code.clone(), digindex_pipeline::rank::rank_scores(col));
    }
    (scores, ranks)
}

impl Model {
    /// The model of a report (see the crate docs).
    pub fn new(r: &Report<'_>) -> Model {
        let fw = r.framework;
        let agg = r.build.stage(Stage::Aggregated);
        let (scores, ranks) = scores_and_ranks(r.build);
        let names: BTreeMap<&str, &UnitInfo> = r.units.iter().map(|u| (u.code.as_str(), u)).collect();
        let units = agg
            .units
            .iter()
            .map(|u| {
                let i = names.get(u.as_str());
                UnitInfo {
                    code: u.clone(),
                    name: i.map_or(u.as_str(), |i| i.name.as_str()).to_string(),
                    numeric: i.and_then(|i| i.numeric),
                }
            })
            .collect();
        let intervals = r.intervals.map(|iv| {
            iv.iter()
                .map(|i| Interval {
                    median: finite(i.median_rank),
                    q05: finite(i.q05),
                    q95: finite(i.q95),
                    unit: i.unit.clone(),
                })
                .collect()
        });
        let part = |key: &str| r.manifest.get(key).cloned().unwrap_or(Value::Null);
        Model {
            claims: r.claims.clone(),
            coherence: Coherence { alphas: r.alphas.clone(), correlations: r.correlations.clone() },
            estimated: estimated(r),
            generator: format!("digindex {}", env!("CARGO_PKG_VERSION")),
            id: r.id.clone(),
            intervals,
            method: Method {
                inputs: part("inputs"),
                log: part("log"),
                recipe_toml: recipe_toml(&part("spec")),
                spec: part("spec"),
                warnings: r.build.warnings.clone(),
            },
            nodes: nodes(r),
            progress: r.progress.map(|p| crate::progress::model(p, r.targets, &agg.units, &names)),
            quality: r.quality.clone(),
            ranks,
            raw: raw_values(r.build),
            regions: r.regions.clone(),
            scores,
            sensitivity: r.sensitivity.clone(),
            target: fw.top_code().map(str::to_string),
            title: r.title.clone(),
            trend: r.trend.iter().map(|(y, u, s)| (*y, u.clone(), finite(*s))).collect(),
            units,
            values: values(r),
        }
    }
}

/// The framework tree with the weights the build used (the recipe's
/// weight set, not only the framework's defaults) and the indicators' sources.
fn nodes(r: &Report<'_>) -> Vec<NodeInfo> {
    let fw = r.framework;
    let used: BTreeMap<&str, (f64, Option<f64>)> =
        r.build.log.weights.iter().map(|w| (w.code.as_str(), (w.weight, w.effective))).collect();
    let info: BTreeMap<&str, &IndicatorInfo> = r.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    fw.nodes()
        .iter()
        .map(|n| {
            let i = info.get(n.code.as_str());
            let w = used.get(n.code.as_str());
            NodeInfo {
                code: n.code.clone(),
                direction: n.direction,
                effective: w.and_then(|w| w.1).and_then(finite),
                level: n.level,
                name: n.name.clone(),
                parent: n.parent.map(|p| fw.node(p).code.clone()),
                source: i.map(|i| i.source.clone()),
                source_unit: i.map(|i| i.unit.clone()),
                target: n.target.and_then(finite),
                unit: i.map(|i| i.unit_used.clone().unwrap_or_else(|| i.unit.clone())),
                weight: finite(w.map_or(n.weight, |w| w.0)),
                year_rule: i.and_then(|i| i.year_rule.clone()),
            }
        })
        .collect()
}

/// Raw values in the aggregated stage's unit order.
fn raw_values(build: &Build) -> BTreeMap<String, Vec<Option<f64>>> {
    let (agg, raw) = (build.stage(Stage::Aggregated), build.stage(Stage::Raw));
    let raw_row: BTreeMap<&str, usize> = raw.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    raw.codes
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let col = raw.values.col(j);
            (c.clone(), agg.units.iter().map(|u| raw_row.get(u.as_str()).and_then(|&i| finite(col[i]))).collect())
        })
        .collect()
}

/// Every value as used, with its year, flag and how it was obtained.
fn values(r: &Report<'_>) -> BTreeMap<String, Values> {
    let agg = r.build.stage(Stage::Aggregated);
    let n = agg.units.len();
    let unit_pos: BTreeMap<&str, usize> = agg.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let mut values: BTreeMap<String, Values> = BTreeMap::new();
    for p in r.provenance {
        let Some(&k) = unit_pos.get(p.unit.as_str()) else { continue };
        let e = values.entry(p.code.clone()).or_insert_with(|| Values {
            below: vec![None; n],
            detail: vec![None; n],
            flag: vec![None; n],
            value: vec![None; n],
            year: vec![None; n],
        });
        e.value[k] = finite(p.value);
        e.year[k] = p.data_year;
        e.flag[k] = Some(p.flag.name().to_string());
        e.detail[k] = Some(p.detail.clone());
        e.below[k] = p.below.and_then(finite);
    }
    values
}

/// Per unit, how many of its values are estimates.
fn estimated(r: &Report<'_>) -> Vec<Option<Estimated>> {
    let by_unit: BTreeMap<String, (usize, usize)> =
        digindex_pipeline::provenance::estimated(r.provenance).into_iter().map(|(u, e, n)| (u, (e, n))).collect();
    r.build
        .stage(Stage::Aggregated)
        .units
        .iter()
        .map(|u| {
            by_unit.get(u).map(|&(e, n)| Estimated {
                estimated: e,
                of: n,
                rests_on_estimates: digindex_pipeline::provenance::rests_on_estimates(e, n),
            })
        })
        .collect()
}

/// The resolved recipe (JSON) as TOML, for readers who know the spec files:
/// nulls (unset settings) are left out, tables follow plain keys.
fn recipe_toml(spec: &Value) -> String {
    fn convert(v: &Value) -> Option<toml::Value> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => toml::Value::Integer(i),
                None => toml::Value::Float(n.as_f64()?),
            },
            Value::String(s) => toml::Value::String(s.clone()),
            Value::Array(a) => toml::Value::Array(a.iter().filter_map(convert).collect()),
            Value::Object(o) => {
                toml::Value::Table(o.iter().filter_map(|(k, v)| Some((k.clone(), convert(v)?))).collect())
            }
        })
    }
    match convert(spec) {
        Some(t @ toml::Value::Table(_)) => toml::to_string(&t).unwrap_or_default(),
        _ => String::new(),
    }
}
