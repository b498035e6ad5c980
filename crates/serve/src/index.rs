//! One index as served ([`Index`]): its model, what re-weighting rebuilds
//! from, and the answers that do not depend on the request, made once;
//! and the pages that list the indices.

use std::collections::BTreeMap;
use std::sync::Arc;

use digindex_pipeline::{Build, Inputs, Spec};
use digindex_publish::{Mode, Model, html_escape};
use serde_json::{Value, json};

use crate::cache::Cached;

/// What re-weighting rebuilds from: the recipe, every year's inputs, the nominal build.
pub(crate) struct Rebuild {
    pub(crate) spec: Spec,
    pub(crate) years: Vec<(i32, Inputs)>,
    pub(crate) nominal: Build,
}

/// One index as served.
pub struct Index {
    pub id: String,
    pub(crate) rebuild: Arc<Rebuild>,
    pub(crate) model: Model,
    /// The answers that do not depend on the request, made once.
    pub(crate) page: Cached,
    pub(crate) workbook: Cached,
    pub(crate) model_json: Cached,
    pub(crate) described: Cached,
    pub(crate) scores_csv: Cached,
    pub(crate) units: Cached,
    pub(crate) units_by_code: Cached,
    pub(crate) claims: Cached,
    /// The years built (a single-year index: its reference year, when it
    /// states one), with the years of the model's series and trend.
    pub(crate) years: Vec<i32>,
}

impl Index {
    /// Everything a served index needs, prepared once. `years` holds the
    /// inputs of every year built (one entry for a single-year index).
    pub fn new(id: String, spec: Spec, years: Vec<(i32, Inputs)>, build: Build, model: Model) -> Result<Index, String> {
        if years.is_empty() {
            return Err(format!("{id}: no inputs"));
        }
        let api = format!("/api/indices/{}", percent_encode(&id));
        let page = Cached::new(digindex_publish::page(&model, &Mode::Served { api }).into_bytes());
        let workbook = Cached::new(digindex_publish::workbook(&model).map_err(|e| e.to_string())?);
        let m = &model;
        let mut built: Vec<i32> = years.iter().map(|(y, _)| *y).filter(|y| *y != 0).collect();
        built.extend(m.trend_years());
        built.extend(m.progress.iter().flat_map(|p| p.years.iter().copied()));
        built.sort_unstable();
        built.dedup();
        let described = Cached::json(&json!({
            "id": id, "title": m.title, "target": m.target, "nodes": m.nodes,
            "units": m.units, "regions": m.regions, "generator": m.generator,
            "years": built,
        }));
        let target = m.target.as_deref().unwrap_or_default();
        let units: Vec<Value> = m
            .units
            .iter()
            .enumerate()
            .map(|(k, u)| {
                json!({"code": u.code, "name": u.name, "score": m.score(target, k), "rank": m.rank(target, k), "regions": m.regions_of(&u.code)})
            })
            .collect();
        let mut by_rank = units.clone();
        crate::routes::order_by_rank(&mut by_rank);
        Ok(Index {
            model_json: Cached::new(m.to_json().into_bytes()),
            scores_csv: Cached::new(digindex_publish::scores_csv(m).into_bytes()),
            units: Cached::json(&json!({ "units": by_rank })),
            units_by_code: Cached::json(&json!({ "units": units })),
            years: built,
            claims: Cached::json(&json!({ "claims": m.claims })),
            described,
            page,
            workbook,
            id,
            rebuild: Arc::new(Rebuild { spec, years, nominal: build }),
            model,
        })
    }
}

/// Every byte outside `A-Za-z0-9-._~` as `%XX` (for ids in addresses).
pub(crate) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The home page: a link to every index.
pub(crate) fn home_page(indices: &BTreeMap<String, Index>) -> Cached {
    let items: String = indices
        .values()
        .map(|i| {
            format!(
                "<li><a href=\"/i/{id}\">{t}</a> — <a href=\"/api/indices/{id}\">API</a></li>",
                id = html_escape(&percent_encode(&i.id)),
                t = html_escape(&i.model.title)
            )
        })
        .collect();
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>digindex</title><body style=\"font-family:system-ui;margin:2em\"><h1>digindex</h1><ul>{items}</ul><p><a href=\"/api/openapi.json\">OpenAPI</a></p></body></html>"
    );
    Cached::new(page.into_bytes())
}

/// `GET /api/indices`: every index in brief.
pub(crate) fn index_list(indices: &BTreeMap<String, Index>) -> Cached {
    let v: Vec<Value> = indices
        .values()
        .map(|i| {
            json!({
                "id": i.id,
                "title": i.model.title,
                "target": i.model.target,
                "units": i.model.units.len(),
                "href": format!("/api/indices/{}", percent_encode(&i.id)),
            })
        })
        .collect();
    Cached::json(&json!(v))
}
