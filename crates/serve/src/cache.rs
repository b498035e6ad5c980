//! Answers made once and sent with an ETag ([`Cached`], [`cached_tagged`]:
//! 304 when the client has them), and the claim verdicts kept by claim
//! text ([`ClaimCache`]).

use std::collections::{HashMap, VecDeque};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Claim verdicts kept (by claim text); the oldest go first.
pub const CLAIM_CACHE: usize = 256;

/// A response body that does not depend on the request, made once with
/// its ETag (cloning it only counts a reference).
pub(crate) struct Cached {
    body: Bytes,
    tag: String,
}

impl Cached {
    pub(crate) fn new(body: Vec<u8>) -> Cached {
        let tag = etag(&body);
        Cached { body: Bytes::from(body), tag }
    }

    pub(crate) fn json(v: &Value) -> Cached {
        Cached::new(v.to_string().into_bytes())
    }
}

fn etag(body: &[u8]) -> String {
    format!("\"{:x}\"", Sha256::digest(body))
}

/// A GET answer with an ETag (SHA-256 of the body); 304 when the client has it.
pub(crate) fn cached(req: &HeaderMap, content_type: &'static str, body: Vec<u8>) -> Response {
    let c = Cached::new(body);
    cached_tagged(req, content_type, &c)
}

/// [`cached`] with a body made beforehand. Weak tags (`W/"…"`, as
/// compressing proxies send them back) match too: the body is the same.
pub(crate) fn cached_tagged(req: &HeaderMap, content_type: &'static str, c: &Cached) -> Response {
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

pub(crate) fn cached_json(req: &HeaderMap, v: &Value) -> Response {
    cached(req, "application/json", v.to_string().into_bytes())
}

/// Claim verdicts by claim text, the oldest evicted first.
#[derive(Default)]
pub(crate) struct ClaimCache {
    answers: HashMap<String, Result<Value, String>>,
    order: VecDeque<String>,
}

impl ClaimCache {
    pub(crate) fn get(&self, claim: &str) -> Option<Result<Value, String>> {
        self.answers.get(claim).cloned()
    }

    pub(crate) fn put(&mut self, claim: String, answer: Result<Value, String>) {
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
