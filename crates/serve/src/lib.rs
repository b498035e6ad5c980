//! # digindex-serve — the report pages live, and a JSON API
//!
//! `digindex serve SPEC...` builds each index once at start-up, keeps its
//! inputs and nominal build in memory, and serves:
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` | the list of indices |
//! | `GET /i/{id}` | the dashboard: the report page with weight sliders |
//! | `GET /api/openapi.json` | this API as OpenAPI 3.1 |
//! | `GET /api/indices` | the indices served |
//! | `GET /api/indices/{id}` | the framework tree, units and region sets |
//! | `GET /api/indices/{id}/scores?code=&region=&year=` | scores and ranks |
//! | `GET /api/indices/{id}/units` | the units with index score, rank, region sets |
//! | `GET /api/indices/{id}/units/{unit}` | one unit's profile: scores, ranks, and every value as used with its data year, flag and how it was obtained |
//! | `GET /api/indices/{id}/claims` | claim verdicts with every reading |
//! | `POST /api/check` | check a one-line claim on the data, every reading |
//! | `POST /api/indices/{id}/reweight` | scores under other weights, and movers |
//! | `GET /api/indices/{id}/model`, `/scores.csv`, `/workbook.xlsx` | downloads |
//!
//! Hygiene, against slow, greedy and hostile clients:
//! - nothing is read from disk after start-up (so no path can reach a file);
//! - connections ([`listen`]): at most [`listen::Settings::max_connections`]
//!   open, the rest closed on accept; a request head must arrive within
//!   [`listen::HEADER_TIMEOUT`], also on an idle kept-alive connection;
//! - requests: the target at most [`MAX_TARGET`] bytes (414), the head
//!   [`MAX_HEAD`] (431), the body [`MAX_BODY`] (413 at once when
//!   `Content-Length` says so), sent within [`BODY_TIMEOUT`] (408); every
//!   request is answered within [`TIMEOUT`] (503);
//! - `Host` must name this server ([`host`]: DNS rebinding), else 421;
//! - work: re-weighting (one pipeline run on cached inputs, no uncertainty
//!   runs) and claim checks have separate bounded queues
//!   ([`MAX_REWEIGHTS`], [`MAX_CHECKS`] running, a few waiting), so that a
//!   flood of one cannot starve the other; a request finding its queue full
//!   gets 503 with `Retry-After` at once; claim verdicts are cached
//!   ([`CLAIM_CACHE`] texts);
//! - errors are JSON `{"error": …}`, 4xx for the caller's mistakes (only a
//!   request hyper cannot parse at all gets hyper's bare status line);
//!   GET responses carry an `ETag` and answer `If-None-Match` with 304;
//!   [`serve`] binds where told (the CLI defaults to loopback and warns
//!   beyond it) and stops gracefully on Ctrl-C.

pub mod host;
pub mod listen;

pub use host::Hosts;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use digindex_build::{Build, Inputs, Spec};
use digindex_publish::{Mode, html_escape};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Largest request body accepted (re-weighting requests are a few hundred bytes).
pub const MAX_BODY: usize = 16 * 1024;
/// Longest request target (path and query) accepted.
pub const MAX_TARGET: usize = 2048;
/// Time allowed per request.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head (request line and headers) answered.
pub const MAX_HEAD: usize = 16 * 1024;
/// Time a client has to send its whole request body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(5);
/// Claim verdicts kept (by claim text); the oldest go first.
pub const CLAIM_CACHE: usize = 256;

/// What re-weighting rebuilds from: the recipe, every year's inputs, the nominal build.
struct Rebuild {
    spec: Spec,
    years: Vec<(i32, Inputs)>,
    nominal: Build,
}

/// A response body that does not depend on the request, made once with
/// its ETag (cloning it only counts a reference).
struct Cached {
    body: Bytes,
    tag: String,
}

impl Cached {
    fn new(body: Vec<u8>) -> Cached {
        let tag = etag(&body);
        Cached { body: Bytes::from(body), tag }
    }

    fn json(v: &Value) -> Cached {
        Cached::new(v.to_string().into_bytes())
    }
}

/// One index as served.
pub struct Index {
    pub id: String,
    rebuild: Arc<Rebuild>,
    model: Value,
    /// The answers that do not depend on the request, made once.
    page: Cached,
    workbook: Cached,
    model_json: Cached,
    described: Cached,
    scores_csv: Cached,
    units: Cached,
    claims: Cached,
}

/// Re-weighting requests running at once, at most (a few ms each).
pub const MAX_REWEIGHTS: usize = 4;
/// Claim checks running at once, at most (tens of ms of CPU each): one per
/// two cores, so that re-weighting and pages keep the rest.
pub static MAX_CHECKS: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)));
/// Requests that may wait in each queue; one more is turned away at once.
pub const MAX_WAITING: usize = 16;

/// A bounded queue for one kind of work: `running` at once, at most
/// [`MAX_WAITING`] waiting, the rest turned away at once (503).
struct Queue {
    what: &'static str,
    running: Arc<tokio::sync::Semaphore>,
    waiting: std::sync::atomic::AtomicUsize,
}

impl Queue {
    fn new(what: &'static str, running: usize) -> Queue {
        Queue { what, running: Arc::new(tokio::sync::Semaphore::new(running)), waiting: Default::default() }
    }

    async fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        use std::sync::atomic::Ordering::SeqCst;
        if let Ok(p) = Arc::clone(&self.running).try_acquire_owned() {
            return Ok(p);
        }
        // counted while waiting, and uncounted however the wait ends (a
        // request dropped while it waits, by its timeout or a client that
        // went away, included)
        struct Waiting<'q>(&'q std::sync::atomic::AtomicUsize);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, SeqCst);
            }
        }
        let waiting = Waiting(&self.waiting);
        if self.waiting.fetch_add(1, SeqCst) >= MAX_WAITING {
            drop(waiting);
            return Err(ApiError(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("busy: too many {} requests at once; try again in a moment", self.what),
            ));
        }
        let p = Arc::clone(&self.running).acquire_owned().await;
        drop(waiting);
        p.map_err(|e| ApiError(StatusCode::SERVICE_UNAVAILABLE, format!("shutting down: {e}")))
    }
}

/// Claim verdicts by claim text, the oldest evicted first.
#[derive(Default)]
struct ClaimCache {
    answers: std::collections::HashMap<String, Result<Value, String>>,
    order: std::collections::VecDeque<String>,
}

impl ClaimCache {
    fn get(&self, claim: &str) -> Option<Result<Value, String>> {
        self.answers.get(claim).cloned()
    }

    fn put(&mut self, claim: String, answer: Result<Value, String>) {
        if self.answers.contains_key(&claim) {
            return;
        }
        while self.order.len() >= CLAIM_CACHE {
            if let Some(old) = self.order.pop_front() {
                self.answers.remove(&old);
            }
        }
        self.order.push_back(claim.clone());
        self.answers.insert(claim, answer);
    }
}

impl Index {
    /// Everything a served index needs, prepared once. `years` holds the
    /// inputs of every year built (one entry for a single-year index).
    pub fn new(id: String, spec: Spec, years: Vec<(i32, Inputs)>, build: Build, model: Value) -> Result<Index, String> {
        if years.is_empty() {
            return Err(format!("{id}: no inputs"));
        }
        let api = format!("/api/indices/{}", percent_encode(&id));
        let page = Cached::new(digindex_publish::page(&model, &Mode::Served { api }).into_bytes());
        let workbook = Cached::new(digindex_publish::workbook(&model).map_err(|e| e.to_string())?);
        let m = &model;
        let described = Cached::json(&json!({
            "id": id, "title": m["title"], "target": m["target"], "nodes": m["nodes"],
            "units": m["units"], "regions": m["regions"], "generator": m["generator"],
            "years": trend_years(m),
        }));
        let target = m["target"].as_str().unwrap_or_default();
        let units: Vec<Value> = m["units"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(k, u)| {
                let c = &u["code"];
                json!({"code": c, "name": u["name"], "score": m["scores"][target][k], "rank": m["ranks"][target][k], "regions": regions_of(m, c)})
            })
            .collect();
        Ok(Index {
            model_json: Cached::json(m),
            scores_csv: Cached::new(digindex_publish::scores_csv(m).into_bytes()),
            units: Cached::json(&json!({ "units": units })),
            claims: Cached::json(&json!({ "claims": m["claims"] })),
            described,
            page,
            workbook,
            id,
            rebuild: Arc::new(Rebuild { spec, years, nominal: build }),
            model,
        })
    }
}

fn etag(body: &[u8]) -> String {
    format!("\"{:x}\"", Sha256::digest(body))
}

/// Every byte outside `A-Za-z0-9-._~` as `%XX` (for ids in addresses).
fn percent_encode(s: &str) -> String {
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

/// Checks a one-line claim ("IRN ranks 2 in ai_papers among persian_gulf"),
/// giving the verdict as JSON or why the claim cannot be checked.
pub type ClaimChecker = Arc<dyn Fn(&str) -> Result<Value, String> + Send + Sync>;

/// Longest claim text accepted.
pub const MAX_CLAIM: usize = 300;

struct AppState {
    indices: BTreeMap<String, Index>,
    /// The home page, the index list and the OpenAPI document, made once.
    home: Cached,
    list: Cached,
    openapi: Cached,
    checker: Option<ClaimChecker>,
    reweights: Queue,
    checks: Queue,
    claim_cache: std::sync::Mutex<ClaimCache>,
    hosts: Hosts,
}

type Shared = Arc<AppState>;

/// An error answer: status and message, sent as JSON.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r =
            (self.0, [(header::CACHE_CONTROL, "no-store")], axum::Json(json!({ "error": self.1 }))).into_response();
        if self.0 == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        r
    }
}

fn not_found(what: String) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, what)
}

fn index<'a>(s: &'a Shared, id: &str) -> Result<&'a Index, ApiError> {
    s.indices.get(id).ok_or_else(|| {
        not_found(format!("no index {id:?}; served: {}", s.indices.keys().cloned().collect::<Vec<_>>().join(", ")))
    })
}

/// A GET answer with an ETag (SHA-256 of the body); 304 when the client has it.
fn cached(req: &HeaderMap, content_type: &'static str, body: Vec<u8>) -> Response {
    let c = Cached::new(body);
    cached_tagged(req, content_type, &c)
}

/// [`cached`] with a body made beforehand. Weak tags (`W/"…"`, as
/// compressing proxies send them back) match too: the body is the same.
fn cached_tagged(req: &HeaderMap, content_type: &'static str, c: &Cached) -> Response {
    let (body, tag) = (c.body.clone(), c.tag.as_str());
    let fresh = req
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(str::trim).any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == tag));
    let etag = HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = (header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag), cache]).into_response();
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::ETAG, etag), cache],
        body,
    )
        .into_response()
}

fn cached_json(req: &HeaderMap, v: &Value) -> Response {
    cached(req, "application/json", v.to_string().into_bytes())
}

/// The router with every route and the hygiene layers; `checker` enables
/// `POST /api/check`; `hosts` are the `Host` values answered.
pub fn router(indices: Vec<Index>, checker: Option<ClaimChecker>, hosts: Hosts) -> Router {
    let indices: BTreeMap<String, Index> = indices.into_iter().map(|i| (i.id.clone(), i)).collect();
    let shared: Shared = Arc::new(AppState {
        home: home_page(&indices),
        list: index_list(&indices),
        openapi: Cached::json(&openapi_document()),
        indices,
        checker,
        reweights: Queue::new("re-weighting", MAX_REWEIGHTS),
        checks: Queue::new("claim check", *MAX_CHECKS),
        claim_cache: Default::default(),
        hosts,
    });
    Router::new()
        .route("/", get(home))
        .route("/i/{id}", get(dashboard))
        .route("/api/openapi.json", get(openapi))
        .route("/api/indices", get(list))
        .route("/api/indices/{id}", get(describe))
        .route("/api/indices/{id}/model", get(model))
        .route("/api/indices/{id}/scores", get(scores))
        .route("/api/indices/{id}/scores.csv", get(scores_csv))
        .route("/api/indices/{id}/workbook.xlsx", get(workbook))
        .route("/api/indices/{id}/units", get(units))
        .route("/api/indices/{id}/units/{unit}", get(unit))
        .route("/api/indices/{id}/claims", get(claims))
        .route("/api/indices/{id}/reweight", post(reweight))
        .route("/api/check", post(check_claim))
        .fallback(|| async { not_found("no such route; see /api/openapi.json".into()) })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // inside `limits`, so that a timeout is answered in JSON too; the
        // server ran out of time, not the client: 503
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, TIMEOUT))
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), limits))
        .with_state(shared)
}

/// Checks the request's `Host`, target, head and body against the limits
/// before any route runs (the body read in full, within [`BODY_TIMEOUT`]),
/// and turns axum's plain-text rejections (bad JSON, wrong content type,
/// bad query) into JSON errors.
async fn limits(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let req = match admit(&s, req).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let res = next.run(req).await;
    let (status, is_json) = (
        res.status(),
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json")),
    );
    if (status.is_client_error() || status.is_server_error()) && !is_json && status != StatusCode::NOT_MODIFIED {
        // keep the status and headers (e.g. a 405's `Allow`), make the body JSON
        let (mut parts, body) = res.into_parts();
        let body = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
        let msg = String::from_utf8_lossy(&body).trim().to_string();
        let msg = if msg.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { msg };
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::from(json!({ "error": msg }).to_string()));
    }
    res
}

/// The request, its body read, if it is within the limits.
async fn admit(s: &Shared, req: Request) -> Result<Request, ApiError> {
    if let Some(host) = req.headers().get(header::HOST) {
        let host = host.to_str().unwrap_or_default();
        if !s.hosts.allows(host) {
            return Err(ApiError(
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "this server does not answer for host {host:?} (a defence against DNS rebinding); start it with \
                     --allow-host NAME to serve under that name"
                ),
            ));
        }
    }
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_TARGET {
        return Err(ApiError(StatusCode::URI_TOO_LONG, format!("request target over {MAX_TARGET} bytes")));
    }
    let head: usize = target + req.headers().iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum::<usize>();
    if head > MAX_HEAD {
        return Err(ApiError(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("request head over {MAX_HEAD} bytes"),
        ));
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    let too_large = || ApiError(StatusCode::PAYLOAD_TOO_LARGE, format!("request body over {MAX_BODY} bytes"));
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    if axum::body::HttpBody::size_hint(req.body()).exact() == Some(0) {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY)).await {
        Err(_) => Err(ApiError(
            StatusCode::REQUEST_TIMEOUT,
            format!("the request body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
        )),
        Ok(Err(_)) => Err(too_large()),
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, axum::body::Body::from(bytes))),
    }
}

/// The home page: a link to every index.
fn home_page(indices: &BTreeMap<String, Index>) -> Cached {
    let items: String = indices
        .values()
        .map(|i| {
            format!(
                "<li><a href=\"/i/{id}\">{t}</a> — <a href=\"/api/indices/{id}\">API</a></li>",
                id = html_escape(&percent_encode(&i.id)),
                t = html_escape(i.model["title"].as_str().unwrap_or(&i.id))
            )
        })
        .collect();
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>digindex</title><body style=\"font-family:system-ui;margin:2em\"><h1>digindex</h1><ul>{items}</ul><p><a href=\"/api/openapi.json\">OpenAPI</a></p></body></html>"
    );
    Cached::new(page.into_bytes())
}

async fn home(State(s): State<Shared>, h: HeaderMap) -> Response {
    cached_tagged(&h, "text/html; charset=utf-8", &s.home)
}

async fn dashboard(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "text/html; charset=utf-8", &index(&s, &id)?.page))
}

/// `GET /api/indices`: every index in brief.
fn index_list(indices: &BTreeMap<String, Index>) -> Cached {
    let v: Vec<Value> = indices
        .values()
        .map(|i| {
            json!({
                "id": i.id,
                "title": i.model["title"],
                "target": i.model["target"],
                "units": i.model["units"].as_array().map_or(0, Vec::len),
                "href": format!("/api/indices/{}", percent_encode(&i.id)),
            })
        })
        .collect();
    Cached::json(&json!(v))
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

fn trend_years(m: &Value) -> Vec<i64> {
    let mut y: Vec<i64> = m["trend"].as_array().into_iter().flatten().filter_map(|t| t[0].as_i64()).collect();
    y.sort_unstable();
    y.dedup();
    y
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
}

async fn scores(
    State(s): State<Shared>,
    Path(id): Path<String>,
    q: Result<Query<ScoresQuery>, axum::extract::rejection::QueryRejection>,
    h: HeaderMap,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(|e| ApiError(StatusCode::BAD_REQUEST, e.body_text()))?;
    let i = index(&s, &id)?;
    let m = &i.model;
    let target = m["target"].as_str().unwrap_or_default();
    let code = q.code.as_deref().unwrap_or(target);
    if m["scores"].get(code).is_none() {
        return Err(ApiError(StatusCode::BAD_REQUEST, format!("{code:?} is not a code of this index")));
    }
    let members: Option<Vec<String>> = match &q.region {
        None => None,
        Some(r) => {
            let set = m["regions"].as_array().into_iter().flatten().find(|x| x["id"] == r.as_str());
            let set = set.ok_or_else(|| ApiError(StatusCode::BAD_REQUEST, format!("no region set {r:?} here")))?;
            Some(set["members"].as_array().into_iter().flatten().filter_map(|c| c.as_str().map(String::from)).collect())
        }
    };
    let units = m["units"].as_array().map(Vec::as_slice).unwrap_or_default();
    let keep = |u: &str| members.as_ref().is_none_or(|ms| ms.iter().any(|x| x == u));
    let intervals: BTreeMap<&str, &Value> =
        m["intervals"].as_array().into_iter().flatten().filter_map(|x| Some((x["unit"].as_str()?, x))).collect();
    let rows: Vec<Value> = match q.year {
        None => units
            .iter()
            .enumerate()
            .filter(|(_, u)| keep(u["code"].as_str().unwrap_or_default()))
            .map(|(k, u)| {
                let c = u["code"].as_str().unwrap_or_default();
                let iv = intervals.get(c);
                json!({
                    "unit": c, "name": u["name"], "score": m["scores"][code][k], "rank": m["ranks"][code][k],
                    "rank_q05": iv.map(|x| x["q05"].clone()), "rank_q95": iv.map(|x| x["q95"].clone()),
                })
            })
            .collect(),
        Some(y) => {
            if code != target {
                return Err(ApiError(StatusCode::BAD_REQUEST, "scores by year are kept for the index only".into()));
            }
            let names: BTreeMap<&str, &Value> =
                units.iter().filter_map(|u| Some((u["code"].as_str()?, &u["name"]))).collect();
            let year: Vec<(&str, f64)> = m["trend"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| t[0].as_i64() == Some(y))
                .filter_map(|t| Some((t[1].as_str()?, t[2].as_f64()?)))
                .collect();
            if year.is_empty() {
                return Err(ApiError(
                    StatusCode::NOT_FOUND,
                    format!("no scores for {y}; years built: {:?}", trend_years(m)),
                ));
            }
            let col: Vec<f64> = year.iter().map(|(_, s)| *s).collect();
            let ranks = digindex_build::rank::rank_scores(&col);
            year.iter()
                .zip(ranks)
                .filter(|((u, _), _)| keep(u))
                .map(|((u, sc), r)| json!({"unit": u, "name": names.get(u), "score": sc, "rank": r, "year": y}))
                .collect()
        }
    };
    Ok(cached_json(&h, &json!({ "code": code, "region": q.region, "year": q.year, "rows": rows })))
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

/// The ids of the model's region sets that hold unit `code`.
fn regions_of<'a>(m: &'a Value, code: &Value) -> Vec<&'a Value> {
    m["regions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["members"].as_array().is_some_and(|ms| ms.contains(code)))
        .map(|r| &r["id"])
        .collect()
}

async fn units(State(s): State<Shared>, Path(id): Path<String>, h: HeaderMap) -> Result<Response, ApiError> {
    Ok(cached_tagged(&h, "application/json", &index(&s, &id)?.units))
}

async fn unit(
    State(s): State<Shared>,
    Path((id, code)): Path<(String, String)>,
    h: HeaderMap,
) -> Result<Response, ApiError> {
    let i = index(&s, &id)?;
    let m = &i.model;
    let units = m["units"].as_array().map(Vec::as_slice).unwrap_or_default();
    let k = units
        .iter()
        .position(|u| u["code"].as_str().is_some_and(|c| c.eq_ignore_ascii_case(&code)))
        .ok_or_else(|| not_found(format!("no unit {code:?} in {id}")))?;
    let u = &units[k];
    let c = u["code"].as_str().unwrap_or_default();
    let per_code = |key: &str| -> serde_json::Map<String, Value> {
        m[key].as_object().into_iter().flatten().map(|(code, v)| (code.clone(), v[k].clone())).collect()
    };
    // each indicator's value as used, with its year, flag and how it was obtained
    let values: serde_json::Map<String, Value> = m["values"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(code, v)| {
            let at = |f: &str| v[f][k].clone();
            (
                code.clone(),
                json!({"value": at("value"), "data_year": at("year"), "flag": at("flag"), "detail": at("detail"), "below": at("below")}),
            )
        })
        .collect();
    let interval = m["intervals"].as_array().into_iter().flatten().find(|x| x["unit"] == c).cloned();
    let regions = regions_of(m, &u["code"]);
    let trend: Vec<&Value> = m["trend"].as_array().into_iter().flatten().filter(|t| t[1] == c).collect();
    Ok(cached_json(
        &h,
        &json!({
            "unit": c, "name": u["name"], "scores": per_code("scores"), "ranks": per_code("ranks"),
            "raw": per_code("raw"), "values": values, "estimated": m["estimated"][k],
            "rank_interval": interval, "regions": regions, "trend": trend,
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
    let n = i.model["nodes"].as_array().map_or(0, Vec::len);
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
    match r {
        Ok(v) => Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")], axum::Json(v)).into_response()),
        Err(e) => Err(ApiError(StatusCode::BAD_REQUEST, e)),
    }
}

async fn openapi(State(s): State<Shared>, h: HeaderMap) -> Response {
    cached_tagged(&h, "application/json", &s.openapi)
}

/// The OpenAPI 3.1 description of the API.
pub fn openapi_document() -> Value {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "index id, e.g. tokyo-statement"});
    let err = json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "digindex API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Composite indices built by digindex: scores, ranks with rank intervals, unit profiles, claim checks and re-weighting. GET answers carry an ETag."},
        "paths": {
            "/api/indices": {"get": {"summary": "Indices served", "responses": {"200": ok("list of indices")}}},
            "/api/indices/{id}": {"get": {"summary": "Framework tree, units, region sets", "parameters": [id], "responses": {"200": ok("index"), "404": err}}},
            "/api/indices/{id}/model": {"get": {"summary": "Everything the pages show", "parameters": [id], "responses": {"200": ok("report model"), "404": err}}},
            "/api/indices/{id}/scores": {"get": {"summary": "Scores and ranks", "parameters": [id,
                {"name": "code", "in": "query", "schema": {"type": "string"}, "description": "framework code (default: the index)"},
                {"name": "region", "in": "query", "schema": {"type": "string"}, "description": "region set id, e.g. asean"},
                {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "year, for indices built for several years"}],
                "responses": {"200": ok("rows: unit, name, score, rank, rank_q05, rank_q95"), "400": err, "404": err}}},
            "/api/indices/{id}/scores.csv": {"get": {"summary": "Scores as CSV", "parameters": [id], "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "404": err}}},
            "/api/indices/{id}/workbook.xlsx": {"get": {"summary": "Scores, data and framework as XLSX", "parameters": [id], "responses": {"200": {"description": "XLSX"}, "404": err}}},
            "/api/indices/{id}/units": {"get": {"summary": "The units: code, name, index score and rank, region sets", "parameters": [id], "responses": {"200": ok("units"), "404": err}}},
            "/api/indices/{id}/units/{unit}": {"get": {"summary": "One unit's profile: scores, ranks, and every value as used with its data year, flag and provenance", "parameters": [id, {"name": "unit", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": ok("profile"), "404": err}}},
            "/api/indices/{id}/claims": {"get": {"summary": "Claim verdicts and every reading", "parameters": [id], "responses": {"200": ok("claims"), "404": err}}},
            "/api/check": {"post": {"summary": "Check a one-line ranking claim in plain words (e.g. \"Iran is 2nd in AI papers in the Middle East (2022)\") on the shipped data, under every reading; index:ID claims for the indices served",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Check"}}}},
                "responses": {"200": ok("verdict: canonical, holds_in, checkable, cannot_check, of, support, summary, readings (status, reason, region, metric, variant, year, years, data_year, rank, rank_range, of, subject_value, ahead, next_below, members, missing, ties, margin, parts), latest, sweeps"), "400": err, "404": err, "413": err, "408": err, "415": err, "421": err, "422": err, "503": err}}},
            "/api/indices/{id}/reweight": {"post": {"summary": "Scores and ranks under other weights, and who moved",
                "parameters": [id],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reweight"}}}},
                "responses": {"200": ok("weights, scores, ranks, movers"), "400": err, "404": err, "413": err, "408": err, "415": err, "421": err, "422": err, "503": err}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Check": {"type": "object", "required": ["claim"], "additionalProperties": false,
                "properties": {"claim": {"type": "string", "maxLength": MAX_CLAIM,
                    "examples": ["IRN ranks 2 in ai_papers among persian_gulf in 2022"]}}},
            "Reweight": {"type": "object", "required": ["weights"], "additionalProperties": false,
                "properties": {"weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0},
                    "description": "framework code -> weight relative to its siblings; codes not given keep the recipe's weight"}}},
        }},
    })
}

/// Serves until Ctrl-C (then finishes the requests in flight), with the
/// connection limits of `settings`.
pub async fn serve(listener: tokio::net::TcpListener, app: Router, settings: listen::Settings) -> std::io::Result<()> {
    listen::serve(listener, app, settings, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
