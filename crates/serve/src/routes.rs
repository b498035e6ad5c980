//! The routes ([`routes`]: the one table the router is built from and the
//! OpenAPI document is checked against) and their handlers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use digindex_publish::Interval;
use serde::Serialize;
use serde_json::{Value, json};

use crate::Shared;
use crate::cache::{cached_json, cached_tagged};
use crate::error::{ApiError, not_found};
use crate::index::{Index, percent_encode};

/// Longest claim text accepted.
pub const MAX_CLAIM: usize = 300;

/// A route: method, path, whether the OpenAPI document describes it, handler.
pub(crate) struct Route {
    /// As OpenAPI names it: `get`, `post`.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the OpenAPI document's check (openapi.rs)"))]
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    /// Described in the OpenAPI document: the API, not the pages nor the document itself.
    #[cfg_attr(not(test), expect(dead_code, reason = "read by the OpenAPI document's check (openapi.rs)"))]
    pub(crate) documented: bool,
    pub(crate) handler: MethodRouter<Shared>,
}

impl Route {
    fn get<H: Handler<T, Shared>, T: 'static>(path: &'static str, handler: H) -> Route {
        Route { method: "get", path, documented: true, handler: axum::routing::get(handler) }
    }

    fn post<H: Handler<T, Shared>, T: 'static>(path: &'static str, handler: H) -> Route {
        Route { method: "post", path, documented: true, handler: axum::routing::post(handler) }
    }

    /// Not in the OpenAPI document.
    fn undocumented(self) -> Route {
        Route { documented: false, ..self }
    }
}

/// Every route the server answers.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route::get("/", home).undocumented(),
        Route::get("/i/{id}", dashboard).undocumented(),
        Route::get("/api/openapi.json", openapi).undocumented(),
        Route::get("/api/indices", list),
        Route::get("/api/indices/{id}", describe),
        Route::get("/api/indices/{id}/model", model),
        Route::get("/api/indices/{id}/scores", scores),
        Route::get("/api/indices/{id}/scores.csv", scores_csv),
        Route::get("/api/indices/{id}/workbook.xlsx", workbook),
        Route::get("/api/indices/{id}/units", units),
        Route::get("/api/indices/{id}/units/{unit}", unit),
        Route::get("/api/indices/{id}/claims", claims),
        Route::post("/api/indices/{id}/reweight", reweight),
        Route::post("/api/check", check_claim),
    ]
}

fn index<'a>(s: &'a Shared, id: &str) -> Result<&'a Index, ApiError> {
    s.indices.get(id).ok_or_else(|| {
        not_found(format!("no index {id:?}; served: {}", s.indices.keys().cloned().collect::<Vec<_>>().join(", ")))
    })
}

async fn home(State(s): State<Shared>, h: HeaderMap) -> Response {
    cached_tagged(&h, "text/html; charset=utf-8", &s.home)
}

async fn dashboard(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "text/html; charset=utf-8", &index(&s, &id)?.page))
}

async fn list(State(s): State<Shared>, h: HeaderMap) -> Response {
    cached_tagged(&h, "application/json", &s.list)
}

async fn describe(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "application/json", &index(&s, &id)?.described))
}

async fn model(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "application/json", &index(&s, &id)?.model_json))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoresQuery {
    /// Framework code (default: the index).
    code: Option<String>,
    /// Region set id: only its members.
    region: Option<String>,
    /// Year (only for indices built for several years; the index code only).
    year: Option<i64>,
    /// `rank` (default: best first, unranked last) or `unit` (by code).
    order: Option<String>,
}

/// The row order a request asks for (`rank` unless `order=unit`).
fn by_rank(order: Option<&str>) -> Result<bool, ApiError> {
    match order {
        None | Some("rank") => Ok(true),
        Some("unit") => Ok(false),
        Some(o) => Err(ApiError(StatusCode::BAD_REQUEST, format!("order={o:?}: expected rank or unit"))),
    }
}

/// Rows in rank order: best first, ties and the unranked (last) by unit.
pub(crate) fn order_by_rank(rows: &mut [Value]) {
    let key = |r: &Value| {
        let rank = r["rank"].as_u64();
        let unit = r.get("unit").or_else(|| r.get("code")).and_then(Value::as_str).unwrap_or("").to_string();
        (rank.is_none(), rank, unit)
    };
    rows.sort_by_cached_key(key);
}

async fn scores(
    State(s): State<Shared>,
    Path(id): Path<String>,
    q: Result<Query<ScoresQuery>, axum::extract::rejection::QueryRejection>,
    h: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let ranked = by_rank(q.order.as_deref())?;
    let i = index(&s, &id)?;
    let m = &i.model;
    let target = m.target.as_deref().unwrap_or_default();
    // a single-year index asked for its own year: its scores
    let own_year = q.year.filter(|y| {
        m.progress.is_none()
            && !m.trend.iter().any(|t| i64::from(t.0) == *y)
            && i.years.len() == 1
            && i64::from(i.years[0]) == *y
    });
    let code = q.code.as_deref().unwrap_or(target);
    if !m.scores.contains_key(code) {
        return Err(ApiError(StatusCode::BAD_REQUEST, format!("{code:?} is not a code of this index")));
    }
    let members: Option<&[String]> = match &q.region {
        None => None,
        Some(r) => {
            let set = m.regions.iter().find(|x| x.id == *r);
            let set = set.ok_or_else(|| ApiError(StatusCode::BAD_REQUEST, format!("no region set {r:?} here")))?;
            Some(&set.members)
        }
    };
    let keep = |u: &str| members.is_none_or(|ms| ms.iter().any(|x| x == u));
    let mut rows: Vec<Value> = match q.year.filter(|_| own_year.is_none()) {
        None => {
            let intervals: BTreeMap<&str, &Interval> =
                m.intervals.iter().flatten().map(|x| (x.unit.as_str(), x)).collect();
            m.units
                .iter()
                .enumerate()
                .filter(|(_, u)| keep(&u.code))
                .map(|(k, u)| {
                    let iv = intervals.get(u.code.as_str());
                    let mut row = json!({
                        "unit": u.code, "name": u.name, "score": m.score(code, k), "rank": m.rank(code, k),
                        "rank_q05": iv.and_then(|x| x.q05), "rank_q95": iv.and_then(|x| x.q95),
                    });
                    if let Some(y) = own_year {
                        row["year"] = json!(y);
                    }
                    row
                })
                .collect()
        }
        Some(y) if m.progress.as_ref().is_some_and(|p| p.years.iter().any(|x| i64::from(*x) == y)) => {
            // a series: the index and its aggregates in every year built,
            // with their ranks and rank intervals as that year's build gave them
            let p =
                m.progress.as_ref().ok_or_else(|| ApiError(StatusCode::INTERNAL_SERVER_ERROR, "no series".into()))?;
            let t = p.years.iter().position(|x| i64::from(*x) == y).unwrap_or_default();
            let Some(sc) = p.scores.get(code) else {
                return Err(ApiError(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "scores by year are kept for the index and its aggregates: {}",
                        p.scores.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                ));
            };
            let at = |m: &BTreeMap<String, Vec<Vec<Option<f64>>>>, k: usize| {
                m.get(code).and_then(|v| v[t].get(k).copied().flatten())
            };
            p.units
                .iter()
                .enumerate()
                .filter(|(k, u)| keep(&u.code) && sc[t].get(*k).copied().flatten().is_some())
                .map(|(k, u)| {
                    json!({
                        "unit": u.code, "name": u.name, "score": sc[t][k], "rank": p.ranks.get(code).and_then(|r| r[t][k]),
                        "rank_q05": at(&p.low, k), "rank_q95": at(&p.high, k), "year": y,
                    })
                })
                .collect()
        }
        Some(y) => {
            if code != target {
                return Err(ApiError(StatusCode::BAD_REQUEST, "scores by year are kept for the index only".into()));
            }
            let names: BTreeMap<&str, &str> = m.units.iter().map(|u| (u.code.as_str(), u.name.as_str())).collect();
            let year: Vec<(&str, f64)> =
                m.trend.iter().filter(|t| i64::from(t.0) == y).filter_map(|t| Some((t.1.as_str(), t.2?))).collect();
            if year.is_empty() {
                return Err(ApiError(StatusCode::NOT_FOUND, format!("no scores for {y}; years built: {:?}", i.years)));
            }
            let col: Vec<f64> = year.iter().map(|(_, s)| *s).collect();
            let ranks = digindex_pipeline::rank::rank_scores(&col);
            year.iter()
                .zip(ranks)
                .filter(|((u, _), _)| keep(u))
                .map(|((u, sc), r)| json!({"unit": u, "name": names.get(u), "score": sc, "rank": r, "year": y}))
                .collect()
        }
    };
    if ranked {
        order_by_rank(&mut rows);
    }
    Ok(cached_json(
        &h,
        &json!({ "code": code, "region": q.region, "year": q.year, "order": if ranked { "rank" } else { "unit" }, "rows": rows }),
    ))
}

async fn scores_csv(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "text/csv; charset=utf-8", &index(&s, &id)?.scores_csv))
}

async fn workbook(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    let i = index(&s, &id)?;
    let mut r = cached_tagged(&h, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &i.workbook);
    // RFC 6266/8187: the name percent-encoded, so no quote or byte can break the header
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename*=UTF-8''{}.xlsx", percent_encode(&i.id))) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsQuery {
    /// `rank` (default) or `unit`.
    order: Option<String>,
}

async fn units(
    State(s): State<Shared>,
    Path(id): Path<String>,
    q: Result<Query<UnitsQuery>, axum::extract::rejection::QueryRejection>,
    h: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let i = index(&s, &id)?;
    Ok(cached_tagged(&h, "application/json", if by_rank(q.order.as_deref())? { &i.units } else { &i.units_by_code }))
}

/// The unit a path names: its code, its name as the index shows it, or any
/// name the country registry knows ("Iran", "South Korea", "Türkiye").
fn unit_index(m: &digindex_publish::Model, said: &str) -> Option<usize> {
    let by_code = |c: &str| m.units.iter().position(|u| u.code.eq_ignore_ascii_case(c));
    by_code(said).or_else(|| m.units.iter().position(|u| u.name.eq_ignore_ascii_case(said.trim()))).or_else(|| {
        match digindex_sources::countries::Countries::shipped().resolve(said) {
            Ok(digindex_sources::countries::Resolved::Country(c)) => by_code(&c.iso3),
            _ => None,
        }
    })
}

/// A node's unit as the index uses it, and the source's unit.
fn node_unit<'m>(m: &'m digindex_publish::Model, code: &str) -> (&'m str, &'m str) {
    m.nodes
        .iter()
        .find(|n| n.code == code)
        .map_or(("", ""), |n| (n.unit.as_deref().unwrap_or(""), n.source_unit.as_deref().unwrap_or("")))
}

/// Each indicator's value as the source gives it (a total, before any
/// division), with the source's unit: beside the value as used, never
/// instead of it.
fn source_values(m: &digindex_publish::Model, k: usize) -> BTreeMap<&str, Value> {
    m.raw
        .iter()
        .map(|(code, v)| {
            let unit = node_unit(m, code).1;
            (code.as_str(), json!({ "value": v.get(k).copied().flatten(), "unit": unit }))
        })
        .collect()
}

/// Entry `k` of every code's list: code → value.
fn entries_at<T: Copy + Serialize>(map: &BTreeMap<String, Vec<Option<T>>>, k: usize) -> BTreeMap<&str, Option<T>> {
    map.iter().map(|(code, v)| (code.as_str(), v.get(k).copied().flatten())).collect()
}

async fn unit(
    State(s): State<Shared>,
    Path((id, code)): Path<(String, String)>,
    h: HeaderMap,
) -> Result<Response, ApiError> {
    let i = index(&s, &id)?;
    let m = &i.model;
    let k = unit_index(m, &code)
        .ok_or_else(|| not_found(format!("no unit {code:?} in {id} (a code, or a country's name)")))?;
    let u = &m.units[k];
    let c = u.code.as_str();
    // each indicator's value as used, with its year, flag and how it was obtained
    let values: BTreeMap<&str, Value> = m
        .values
        .iter()
        .map(|(code, v)| {
            let text = |list: &[Option<String>]| list.get(k).cloned().flatten();
            (
                code.as_str(),
                json!({
                    "value": v.value.get(k).copied().flatten(), "unit": node_unit(m, code).0,
                    "data_year": v.year.get(k).copied().flatten(),
                    "flag": text(&v.flag), "detail": text(&v.detail), "below": v.below.get(k).copied().flatten(),
                }),
            )
        })
        .collect();
    let interval = m.intervals.iter().flatten().find(|x| x.unit == c);
    let trend: Vec<_> = m.trend.iter().filter(|t| t.1 == c).collect();
    Ok(cached_json(
        &h,
        &json!({
            "unit": c, "name": u.name, "scores": entries_at(&m.scores, k), "ranks": entries_at(&m.ranks, k),
            "source_values": source_values(m, k), "values": values, "estimated": m.estimated.get(k).copied().flatten(),
            "rank_interval": interval, "regions": m.regions_of(c), "trend": trend,
        }),
    ))
}

async fn claims(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "application/json", &index(&s, &id)?.claims))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ReweightBody {
    /// Framework code → weight relative to its siblings.
    weights: BTreeMap<String, f64>,
}

async fn reweight(
    State(s): State<Shared>,
    Path(id): Path<String>,
    body: Result<axum::Json<ReweightBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let i = index(&s, &id)?;
    let axum::Json(body) = body.map_err(|e| ApiError(e.status(), e.body_text()))?;
    let n = i.model.nodes.len();
    if body.weights.len() > n {
        return Err(ApiError(
            StatusCode::BAD_REQUEST,
            format!("{} weights given; the framework has {n} codes", body.weights.len()),
        ));
    }
    // one pipeline run on cached inputs, off the async threads, a few at a time
    let permit = s.reweights.enter().await?;
    let rebuild = Arc::clone(&i.rebuild);
    let r = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        digindex_publish::reweight(&rebuild.spec, &rebuild.years, &rebuild.nominal, &body.weights)
    })
    .await
    .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("re-weighting stopped: {e}")))?;
    match r {
        Ok(r) => Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], axum::Json(r)).into_response()),
        Err(e @ digindex_publish::PublishError::Invalid(_)) => Err(ApiError(StatusCode::BAD_REQUEST, e.to_string())),
        // weights the pipeline cannot use (e.g. all siblings zero)
        Err(e) => Err(ApiError(StatusCode::UNPROCESSABLE_ENTITY, e.to_string())),
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckBody {
    claim: String,
}

async fn check_claim(
    State(s): State<Shared>,
    body: Result<axum::Json<CheckBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Some(checker) = s.checker.clone() else {
        return Err(not_found("claim checking is not enabled on this server".into()));
    };
    let axum::Json(body) = body.map_err(|e| ApiError(e.status(), e.body_text()))?;
    if body.claim.chars().count() > MAX_CLAIM {
        return Err(ApiError(StatusCode::BAD_REQUEST, format!("a claim is at most {MAX_CLAIM} characters")));
    }
    let claim = body.claim.trim().to_string();
    let cached = s.claim_cache.lock().ok().and_then(|c| c.get(&claim));
    let r = match cached {
        Some(r) => r,
        None => {
            let permit = s.checks.enter().await?;
            let line = claim.clone();
            let r = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                checker(&line)
            })
            .await
            .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("checking stopped: {e}")))?;
            if let Ok(mut c) = s.claim_cache.lock() {
                c.put(claim, r.clone());
            }
            r
        }
    };
    // a sentence the checker cannot read is an answer, not a failed request:
    // it says what it expected (and a page asking gets no error in its console)
    let v = match r {
        Ok(v) => v,
        Err(e) => json!({ "claim": body.claim.trim(), "checked": false, "error": e }),
    };
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], axum::Json(v)).into_response())
}

async fn openapi(State(s): State<Shared>, h: HeaderMap) -> Response {
    cached_tagged(&h, "application/json", &s.openapi)
}
