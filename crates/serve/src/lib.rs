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
//!
//! Where things are: `routes.rs` (the route table, which the router is
//! built from and the OpenAPI document is checked against, and the
//! handlers), `index.rs` (an index as served, with its answers made once),
//! `middleware.rs` (the limits and the work queues), `cache.rs` (ETags and
//! the claim cache), `openapi.rs` (the document), `error.rs` (JSON errors),
//! [`host`] (the `Host` check) and [`listen`] (connections).

pub mod host;
pub mod listen;

mod cache;
mod error;
mod index;
mod middleware;
mod openapi;
mod routes;

pub use cache::CLAIM_CACHE;
pub use host::Hosts;
pub use index::Index;
pub use middleware::{BODY_TIMEOUT, MAX_BODY, MAX_CHECKS, MAX_HEAD, MAX_REWEIGHTS, MAX_TARGET, MAX_WAITING, TIMEOUT};
pub use openapi::openapi_document;
pub use routes::MAX_CLAIM;

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use serde_json::Value;

use crate::cache::{Cached, ClaimCache};
use crate::middleware::Queue;

/// Checks a one-line claim ("IRN ranks 2 in ai_papers among persian_gulf"),
/// giving the verdict as JSON or why the claim cannot be checked.
pub type ClaimChecker = Arc<dyn Fn(&str) -> Result<Value, String> + Send + Sync>;

/// What every handler sees.
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

/// The router with every route and the hygiene layers; `checker` enables
/// `POST /api/check`; `hosts` are the `Host` values answered.
pub fn router(indices: Vec<Index>, checker: Option<ClaimChecker>, hosts: Hosts) -> Router {
    let indices: BTreeMap<String, Index> = indices.into_iter().map(|i| (i.id.clone(), i)).collect();
    let shared: Shared = Arc::new(AppState {
        home: index::home_page(&indices),
        list: index::index_list(&indices),
        openapi: Cached::json(&openapi_document()),
        indices,
        checker,
        reweights: Queue::new("re-weighting", MAX_REWEIGHTS),
        checks: Queue::new("claim check", *MAX_CHECKS),
        claim_cache: Default::default(),
        hosts,
    });
    let mut router = Router::new();
    for route in routes::routes() {
        router = router.route(route.path, route.handler);
    }
    router
        .fallback(|| async { error::not_found("no such route; see /api/openapi.json".into()) })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // inside `limits`, so that a timeout is answered in JSON too; the
        // server ran out of time, not the client: 503
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(Arc::clone(&shared), middleware::limits))
        .with_state(shared)
}

/// Serves until Ctrl-C (then finishes the requests in flight), with the
/// connection limits of `settings`.
pub async fn serve(listener: tokio::net::TcpListener, app: Router, settings: listen::Settings) -> std::io::Result<()> {
    listen::serve(listener, app, settings, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
