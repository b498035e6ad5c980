//! The hygiene around the routes: the limits every request is checked
//! against before any route runs ([`limits`]: `Host`, target, head, body
//! size and time), JSON for axum's plain-text rejections, and the bounded
//! queues that keep one kind of work from starving another ([`Queue`]).

use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Shared;
use crate::error::ApiError;

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
pub(crate) struct Queue {
    what: &'static str,
    running: Arc<tokio::sync::Semaphore>,
    waiting: AtomicUsize,
}

impl Queue {
    pub(crate) fn new(what: &'static str, running: usize) -> Queue {
        Queue { what, running: Arc::new(tokio::sync::Semaphore::new(running)), waiting: Default::default() }
    }

    pub(crate) async fn enter(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        use std::sync::atomic::Ordering::SeqCst;
        if let Ok(p) = Arc::clone(&self.running).try_acquire_owned() {
            return Ok(p);
        }
        // counted while waiting, and uncounted however the wait ends (a
        // request dropped while it waits, by its timeout or a client that
        // went away, included)
        struct Waiting<'q>(&'q AtomicUsize);
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

/// Checks the request's `Host`, target, head and body against the limits
/// before any route runs (the body read in full, within [`BODY_TIMEOUT`]),
/// and turns axum's plain-text rejections (bad JSON, wrong content type,
/// bad query) into JSON errors.
pub(crate) async fn limits(State(s): State<Shared>, req: Request, next: Next) -> Response {
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
