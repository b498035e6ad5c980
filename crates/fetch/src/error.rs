//! What can go wrong fetching: each error names the address it was asking
//! and says what to do.

/// An error of a fetch.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The host could not be reached (no network, DNS, refused).
    #[error("cannot reach {url}: {detail}; check the connection, or run with --offline to use what is cached")]
    Unreachable { url: String, detail: String },
    /// `--offline` and the address is not in the cache.
    #[error("offline and {url} is not in the cache ({cache}); fetch it once online first")]
    NotCached { url: String, cache: String },
    /// The server answered with an error status.
    #[error("{url}: the server answered {status}{}", body_excerpt(.body))]
    Status { url: String, status: u16, body: String },
    /// Retries ran out on a status or transport error that may pass.
    #[error("{url}: gave up after {attempts} attempts: {last}")]
    GaveUp { url: String, attempts: u32, last: String },
    /// The server asked to wait longer than allowed.
    #[error(
        "{url}: the server asks to wait {wait_s} s before trying again (Retry-After), more than the {max_s} s allowed; try again later"
    )]
    WaitTooLong { url: String, wait_s: u64, max_s: u64 },
    /// The response is not in the format the API documents.
    #[error("{url}: unexpected response: {what}")]
    Format { url: String, what: String },
    /// The API does not know the id asked for.
    #[error("{source_name} has no {what} {id:?}{}", nearest_list(.nearest))]
    Unknown { source_name: &'static str, what: &'static str, id: String, nearest: Vec<String> },
    /// Bad arguments for a source.
    #[error("{0}")]
    Usage(String),
    /// The cache could not be read or written.
    #[error("cache {path}: {source}")]
    Cache { path: String, source: std::io::Error },
}

fn body_excerpt(body: &str) -> String {
    let t = body.trim();
    if t.is_empty() {
        return String::new();
    }
    let short: String = t.chars().take(200).collect();
    let more = if t.chars().count() > 200 { "…" } else { "" };
    format!(": {short}{more}")
}

fn nearest_list(n: &[String]) -> String {
    if n.is_empty() { String::new() } else { format!("; nearest known: {}", n.join(", ")) }
}

pub type Result<T, E = FetchError> = std::result::Result<T, E>;
