//! # digindex-publish — what an index looks like to its readers
//!
//! Turns a built (and audited) index into what gets published, without
//! touching files or the network (the CLI writes, the server serves):
//!
//! - [`model`]: one JSON document with everything the pages show — units
//!   and their region sets, every score and rank, raw values, the framework
//!   tree with weights, each indicator's source and year rule, rank
//!   intervals, coherence and sensitivity results, claim verdicts;
//! - [`page`]: the single HTML page (report and dashboard alike) with the
//!   model, the script, the styles, the map geometry and its libraries all
//!   inlined, so that it works from the file system with no request leaving
//!   it;
//! - [`scores_csv`], [`workbook`]: the downloads;
//! - [`reweight`]: the scores again under other weights, and who moved.
//!
//! The page's script (`assets/app.js`) renders the ranking table, the map
//! (d3-geo with world-atlas's Natural Earth shapes, vendored under
//! `assets/vendor` with their licences), the country profiles, the method
//! and the claims; given an API address it also offers weight sliders.

use std::collections::BTreeMap;

use digindex_build::{Build, Spec, Stage};
use digindex_data::Framework;
use serde::Serialize;
use serde_json::{Value, json};

/// A problem publishing.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The request is wrong (unknown code, bad weight): the caller's fault.
    #[error("{0}")]
    Invalid(String),
    /// The index could not be rebuilt.
    #[error("rebuilding the index failed: {0}")]
    Build(String),
    #[error("writing the workbook failed: {0}")]
    Workbook(String),
}

/// One unit as the pages name it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitInfo {
    pub code: String,
    pub name: String,
    /// ISO 3166-1 numeric code (the map's shape id), when a country.
    pub numeric: Option<u16>,
}

/// A named set of units offered as a filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    pub id: String,
    pub title: String,
    pub members: Vec<String>,
}

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
    /// Where every value that enters the index comes from.
    pub provenance: &'a [digindex_data::provenance::Provenance],
    /// Corrections applied and data-quality findings on the values used
    /// (as in the manifest's `quality`), `null` when not known.
    pub quality: Value,
}

fn num(x: f64) -> Value {
    if x.is_finite() { json!(x) } else { Value::Null }
}

/// Scores and ranks per code of the aggregated stage: code → (scores, ranks),
/// units in `agg.units` order.
fn scores_by_code(build: &Build) -> BTreeMap<String, (Vec<f64>, Vec<Option<u32>>)> {
    let agg = build.stage(Stage::Aggregated);
    agg.codes
        .iter()
        .enumerate()
        .map(|(j, code)| {
            let col = agg.values.col(j);
            (code.clone(), (col.to_vec(), digindex_build::rank::rank_scores(col)))
        })
        .collect()
}

/// The report model (see the crate docs).
pub fn model(r: &Report<'_>) -> Value {
    let fw = r.framework;
    let agg = r.build.stage(Stage::Aggregated);
    let raw = r.build.stage(Stage::Raw);
    let by_code = scores_by_code(r.build);
    // the weights the build used (the recipe's weight set, not only the framework's defaults)
    let used: BTreeMap<&str, (f64, Option<f64>)> =
        r.build.log.weights.iter().map(|w| (w.code.as_str(), (w.weight, w.effective))).collect();
    let info: BTreeMap<&str, &IndicatorInfo> = r.indicators.iter().map(|i| (i.code.as_str(), i)).collect();
    let nodes: Vec<Value> = fw
        .nodes()
        .iter()
        .map(|n| {
            let i = info.get(n.code.as_str());
            json!({
                "code": n.code,
                "name": n.name,
                "level": n.level,
                "parent": n.parent.map(|p| fw.node(p).code.clone()),
                "weight": num(used.get(n.code.as_str()).map_or(n.weight, |w| w.0)),
                "effective": used.get(n.code.as_str()).and_then(|w| w.1).map(num),
                "direction": n.direction,
                "target": n.target.map(num),
                "source": i.map(|i| i.source.clone()),
                "unit": i.map(|i| i.unit_used.clone().unwrap_or_else(|| i.unit.clone())),
                "source_unit": i.map(|i| i.unit.clone()),
                "year_rule": i.and_then(|i| i.year_rule.clone()),
            })
        })
        .collect();
    let names: BTreeMap<&str, &UnitInfo> = r.units.iter().map(|u| (u.code.as_str(), u)).collect();
    let units: Vec<Value> = agg
        .units
        .iter()
        .map(|u| {
            let i = names.get(u.as_str());
            json!({
                "code": u,
                "name": i.map_or(u.as_str(), |i| i.name.as_str()),
                "numeric": i.and_then(|i| i.numeric),
            })
        })
        .collect();
    let scores: serde_json::Map<String, Value> =
        by_code.iter().map(|(c, (s, _))| (c.clone(), Value::Array(s.iter().map(|x| num(*x)).collect()))).collect();
    let ranks: serde_json::Map<String, Value> = by_code.iter().map(|(c, (_, r))| (c.clone(), json!(r))).collect();
    // raw values in the aggregated stage's unit order
    let raw_row: BTreeMap<&str, usize> = raw.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let raw_values: serde_json::Map<String, Value> = raw
        .codes
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let col = raw.values.col(j);
            let v: Vec<Value> =
                agg.units.iter().map(|u| raw_row.get(u.as_str()).map_or(Value::Null, |&i| num(col[i]))).collect();
            (c.clone(), Value::Array(v))
        })
        .collect();
    // every value as used, with its year, flag and how it was obtained
    let unit_pos: BTreeMap<&str, usize> = agg.units.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let mut values: BTreeMap<&str, [Vec<Value>; 5]> = BTreeMap::new();
    for p in r.provenance {
        let Some(&k) = unit_pos.get(p.unit.as_str()) else { continue };
        let e = values
            .entry(p.code.as_str())
            .or_insert_with(|| std::array::from_fn(|_| vec![Value::Null; agg.units.len()]));
        e[0][k] = num(p.value);
        e[1][k] = p.data_year.map_or(Value::Null, |y| json!(y));
        e[2][k] = json!(p.flag.name());
        e[3][k] = json!(p.detail);
        e[4][k] = p.below.map_or(Value::Null, num);
    }
    let values: serde_json::Map<String, Value> = values
        .into_iter()
        .map(|(c, [v, y, f, d, b])| (c.to_string(), json!({"value": v, "year": y, "flag": f, "detail": d, "below": b})))
        .collect();
    let estimated: Vec<Value> = {
        let by_unit: BTreeMap<String, (usize, usize)> =
            digindex_build::provenance::estimated(r.provenance).into_iter().map(|(u, e, n)| (u, (e, n))).collect();
        agg.units
            .iter()
            .map(|u| match by_unit.get(u) {
                Some(&(e, n)) => json!({"estimated": e, "of": n, "rests_on_estimates": digindex_build::provenance::rests_on_estimates(e, n)}),
                None => Value::Null,
            })
            .collect()
    };
    let intervals = r.intervals.map(|iv| {
        iv.iter()
            .map(|i| json!({"unit": i.unit, "q05": num(i.q05), "q95": num(i.q95), "median": num(i.median_rank)}))
            .collect::<Vec<_>>()
    });
    json!({
        "id": r.id,
        "title": r.title,
        "generator": format!("digindex {}", env!("CARGO_PKG_VERSION")),
        "target": fw.top_code(),
        "nodes": nodes,
        "units": units,
        "scores": scores,
        "ranks": ranks,
        "raw": raw_values,
        "values": values,
        "estimated": estimated,
        "quality": r.quality,
        "regions": r.regions,
        "intervals": intervals,
        "coherence": {"correlations": r.correlations, "alphas": r.alphas},
        "sensitivity": r.sensitivity,
        "claims": r.claims,
        "trend": r.trend.iter().map(|(y, u, s)| json!([y, u, num(*s)])).collect::<Vec<_>>(),
        "method": {
            "spec": r.manifest.get("spec").cloned().unwrap_or(Value::Null),
            "log": r.manifest.get("log").cloned().unwrap_or(Value::Null),
            "warnings": r.build.warnings,
            "inputs": r.manifest.get("inputs").cloned().unwrap_or(Value::Null),
        },
    })
}

/// JSON that can sit inside `<script>`: `<` is written as `\u003c` (JSON
/// has `<` only inside strings, where the escape means the same).
fn script_json(v: &Value) -> String {
    v.to_string().replace('<', "\\u003c")
}

const TEMPLATE: &str = include_str!("../assets/page.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const D3_ARRAY: &str = include_str!("../assets/vendor/d3-array.min.js");
const D3_GEO: &str = include_str!("../assets/vendor/d3-geo.min.js");
const TOPOJSON: &str = include_str!("../assets/vendor/topojson-client.min.js");
const WORLD: &str = include_str!("../assets/vendor/countries-50m.json");

/// How the page gets its data and what it offers.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Everything inlined, for opening from disk; `workbook` is the XLSX
    /// download, inlined as base64.
    Static { workbook: Option<Vec<u8>> },
    /// Served by `digindex serve`: the model is inlined too, and the weight
    /// sliders call the API under this path (e.g. `/api/indices/tokyo`).
    Served { api: String },
}

/// The HTML page for a model.
pub fn page(model: &Value, mode: &Mode) -> String {
    let (api, xlsx) = match mode {
        Mode::Static { workbook } => (Value::Null, workbook.as_deref().map(base64)),
        Mode::Served { api } => (json!(api), None),
    };
    let config = json!({ "api": api, "xlsx": xlsx });
    let title = model["title"].as_str().unwrap_or("digindex report");
    let vendor = [D3_ARRAY, D3_GEO, TOPOJSON].join("\n;\n");
    let parts: [(&str, String); 7] = [
        ("{{title}}", html_escape(title)),
        ("/*{{css}}*/", APP_CSS.to_string()),
        ("{{model}}", script_json(model)),
        ("{{config}}", script_json(&config)),
        ("{{world}}", WORLD.replace('<', "\\u003c")),
        ("/*{{vendor}}*/", vendor),
        ("/*{{app}}*/", APP_JS.to_string()),
    ];
    // one pass over the template: markers are looked for in the template
    // only, never in what was inserted (data may hold marker-like text)
    let mut out = String::with_capacity(TEMPLATE.len() + parts.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = TEMPLATE;
    for (marker, value) in &parts {
        match rest.split_once(marker) {
            Some((before, after)) => {
                out.push_str(before);
                out.push_str(value);
                rest = after;
            }
            None => debug_assert!(false, "marker {marker} missing from assets/page.html"),
        }
    }
    out.push_str(rest);
    out
}

/// Text for HTML content or a quoted attribute.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The scores table as CSV: unit, name, then per code score and rank
/// (index first, framework order from the top), then the rank interval.
pub fn scores_csv(model: &Value) -> String {
    let mut w = String::new();
    let codes = codes_top_down(model);
    let units = model["units"].as_array().map(Vec::as_slice).unwrap_or_default();
    w.push_str("unit,name");
    for c in &codes {
        w.push_str(&format!(",{},{}_rank", csv_field(c), csv_field(c)));
    }
    w.push_str(",rank_q05,rank_q95\n");
    let intervals: BTreeMap<String, (Value, Value)> = model["intervals"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i["unit"].as_str()?.to_string(), (i["q05"].clone(), i["q95"].clone()))))
        .collect();
    for (k, u) in units.iter().enumerate() {
        let code = u["code"].as_str().unwrap_or_default();
        w.push_str(&format!("{},{}", csv_field(code), csv_field(u["name"].as_str().unwrap_or_default())));
        for c in &codes {
            let s = &model["scores"][c.as_str()][k];
            let r = &model["ranks"][c.as_str()][k];
            w.push_str(&format!(",{},{}", plain(s), plain(r)));
        }
        let (a, b) = intervals.get(code).cloned().unwrap_or((Value::Null, Value::Null));
        w.push_str(&format!(",{},{}\n", plain(&a), plain(&b)));
    }
    w
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

/// A text field for CSV: quoted when needed, and a leading `=`, `+`, `-` or
/// `@` neutralised with `'` so spreadsheets do not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// Codes of the model's nodes, highest level first, framework order within a level.
fn codes_top_down(model: &Value) -> Vec<String> {
    let mut nodes: Vec<(i64, usize, String)> = model["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, n)| Some((-n["level"].as_i64()?, i, n["code"].as_str()?.to_string())))
        .collect();
    nodes.sort();
    nodes.into_iter().map(|(_, _, c)| c).collect()
}

/// The XLSX workbook: sheets `Scores` (as [`scores_csv`]), `Raw data`
/// (indicator values as used) and `Framework` (tree, weights, sources).
pub fn workbook(model: &Value) -> Result<Vec<u8>, PublishError> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| PublishError::Workbook(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let units = model["units"].as_array().map(Vec::as_slice).unwrap_or_default();
    let codes = codes_top_down(model);
    {
        let ws = wb.add_worksheet().set_name("Scores").map_err(e)?;
        ws.write_string_with_format(0, 0, "unit", &bold).map_err(e)?;
        ws.write_string_with_format(0, 1, "name", &bold).map_err(e)?;
        for (j, c) in codes.iter().enumerate() {
            let col = 2 + 2 * j as u16;
            ws.write_string_with_format(0, col, c, &bold).map_err(e)?;
            ws.write_string_with_format(0, col + 1, format!("{c} rank"), &bold).map_err(e)?;
        }
        for (k, u) in units.iter().enumerate() {
            let row = 1 + k as u32;
            ws.write_string(row, 0, u["code"].as_str().unwrap_or_default()).map_err(e)?;
            ws.write_string(row, 1, u["name"].as_str().unwrap_or_default()).map_err(e)?;
            for (j, c) in codes.iter().enumerate() {
                let col = 2 + 2 * j as u16;
                if let Some(s) = model["scores"][c.as_str()][k].as_f64() {
                    ws.write_number(row, col, s).map_err(e)?;
                }
                if let Some(r) = model["ranks"][c.as_str()][k].as_f64() {
                    ws.write_number(row, col + 1, r).map_err(e)?;
                }
            }
        }
        ws.set_freeze_panes(1, 2).map_err(e)?;
    }
    {
        let ws = wb.add_worksheet().set_name("Raw data").map_err(e)?;
        ws.write_string_with_format(0, 0, "unit", &bold).map_err(e)?;
        let raw = model["raw"].as_object().cloned().unwrap_or_default();
        for (j, (c, vals)) in raw.iter().enumerate() {
            ws.write_string_with_format(0, 1 + j as u16, c, &bold).map_err(e)?;
            for (k, v) in vals.as_array().into_iter().flatten().enumerate() {
                if let Some(x) = v.as_f64() {
                    ws.write_number(1 + k as u32, 1 + j as u16, x).map_err(e)?;
                }
            }
        }
        for (k, u) in units.iter().enumerate() {
            ws.write_string(1 + k as u32, 0, u["code"].as_str().unwrap_or_default()).map_err(e)?;
        }
    }
    {
        let ws = wb.add_worksheet().set_name("Framework").map_err(e)?;
        for (j, h) in ["code", "name", "level", "parent", "weight", "effective weight", "direction", "source", "unit"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, j as u16, *h, &bold).map_err(e)?;
        }
        for (k, n) in model["nodes"].as_array().into_iter().flatten().enumerate() {
            let row = 1 + k as u32;
            for (j, key) in ["code", "name", "level", "parent", "weight", "effective", "direction", "source", "unit"]
                .iter()
                .enumerate()
            {
                match &n[*key] {
                    Value::Number(x) => {
                        ws.write_number(row, j as u16, x.as_f64().unwrap_or(f64::NAN)).map_err(e)?;
                    }
                    Value::String(s) => {
                        ws.write_string(row, j as u16, s).map_err(e)?;
                    }
                    _ => {}
                }
            }
        }
    }
    wb.save_to_buffer().map_err(e)
}

/// Scores under other weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reweighted {
    /// The weights used, every node (the given ones replacing the spec's).
    pub weights: BTreeMap<String, f64>,
    /// code → score per unit (units in the model's order).
    pub scores: BTreeMap<String, Vec<Option<f64>>>,
    pub ranks: BTreeMap<String, Vec<Option<u32>>>,
    /// Units whose index rank changed: (unit, rank before, rank after), biggest moves first.
    pub movers: Vec<Mover>,
}

/// A unit whose rank changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    pub unit: String,
    pub before: Option<u32>,
    pub after: Option<u32>,
}

/// Rebuilds the index with `weights` (code → weight relative to its
/// siblings) replacing those the nominal build used (the recipe's weight
/// set; codes not given keep theirs), and says who moved against
/// `nominal`. `years` are the inputs of every year built (one entry for a
/// single-year index); when the recipe normalises several years together
/// they are rebuilt together and the last year is returned, as for the
/// nominal build. The inputs are reused, so this costs one run of the
/// pipeline (well under a millisecond for a few dozen units and indicators).
pub fn reweight(
    spec: &Spec,
    years: &[(i32, digindex_build::Inputs)],
    nominal: &Build,
    weights: &BTreeMap<String, f64>,
) -> Result<Reweighted, PublishError> {
    let Some((_, last)) = years.last() else {
        return Err(PublishError::Build("no inputs to rebuild from".into()));
    };
    let fw = &last.framework;
    for (code, w) in weights {
        if fw.index_of(code).is_none() {
            return Err(PublishError::Invalid(format!(
                "{code:?} is not in the framework{}",
                digindex_data::suggest(code, fw.nodes().iter().map(|n| &n.code))
            )));
        }
        if !w.is_finite() || *w < 0.0 {
            return Err(PublishError::Invalid(format!("weight of {code} must be a number >= 0, found {w}")));
        }
    }
    let mut set: BTreeMap<String, f64> = nominal.log.weights.iter().map(|w| (w.code.clone(), w.weight)).collect();
    set.extend(weights.iter().map(|(c, w)| (c.clone(), *w)));
    let mut spec = spec.clone();
    let name = "digindex-reweight".to_string();
    spec.weights.insert(name.clone(), set);
    let mut agg = spec.aggregate.clone().unwrap_or_default();
    agg.weights = name;
    spec.aggregate = Some(agg);
    let build = if years.len() == 1 {
        digindex_build::build(&spec, last)
    } else {
        digindex_build::pipeline::build_years(&spec, years).and_then(|mut b| {
            b.pop().map(|(_, b)| b).ok_or_else(|| digindex_build::BuildError::new("aggregate", "no year built"))
        })
    }
    .map_err(|e| PublishError::Build(e.to_string()))?;
    let by_code = scores_by_code(&build);
    let target = fw.top_code().unwrap_or_default();
    // only the index's nominal ranks are needed to say who moved
    let before = nominal.stage(Stage::Aggregated).column(target).map(digindex_build::rank::rank_scores);
    let units = &build.stage(Stage::Aggregated).units;
    let mut movers: Vec<Mover> = match (before, by_code.get(target)) {
        (Some(b), Some((_, a))) => units
            .iter()
            .zip(b.iter().zip(a))
            .filter(|(_, (b, a))| b != a)
            .map(|(u, (b, a))| Mover { unit: u.clone(), before: *b, after: *a })
            .collect(),
        _ => Vec::new(),
    };
    let shift = |m: &Mover| match (m.before, m.after) {
        (Some(b), Some(a)) => i64::from(b).abs_diff(i64::from(a)),
        _ => u64::MAX,
    };
    movers.sort_by(|x, y| shift(y).cmp(&shift(x)).then(x.unit.cmp(&y.unit)));
    Ok(Reweighted {
        weights: build.log.weights.iter().map(|w| (w.code.clone(), w.weight)).collect(),
        scores: by_code
            .iter()
            .map(|(c, (s, _))| (c.clone(), s.iter().map(|x| x.is_finite().then_some(*x)).collect()))
            .collect(),
        ranks: by_code.into_iter().map(|(c, (_, r))| (c, r)).collect(),
        movers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = script_json(&v);
        assert!(!s.contains("</"));
        assert_eq!(serde_json::from_str::<Value>(&s).expect("still JSON"), v);
    }
}
