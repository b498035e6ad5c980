//! The HTTP client every source uses: timeouts, retries with backoff on
//! 429 and 5xx (waiting what `Retry-After` asks), a minimum interval
//! between requests to one host, revalidation of cached bodies with
//! `If-None-Match` / `If-Modified-Since`, gzip, and an offline mode that
//! answers from the cache alone.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::cache::{Cache, How, Journal, Record, sha256};
use crate::error::{FetchError, Result};
use crate::time;

/// What the client is told (the application turns it into a progress bar
/// and warnings; the client itself knows no terminal).
pub trait Observer: Sync {
    /// A request is about to go out (`attempt` counts from 1).
    fn request(&self, _url: &str, _attempt: u32) {}
    /// The client waits before trying again, and why.
    fn waiting(&self, _url: &str, _wait: Duration, _why: &str) {}
    /// A page of a multi-page fetch is done (`total` when the API says).
    fn page(&self, _done: usize, _total: Option<usize>) {}
}

/// An observer that ignores everything.
pub struct Quiet;
impl Observer for Quiet {}

/// The client's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Longest a request (connect, send, receive the whole body) may take.
    pub timeout: Duration,
    /// Further attempts after a 429, a 5xx or a transport error.
    pub retries: u32,
    /// The first wait between attempts when the server names none; doubled
    /// each time.
    pub backoff: Duration,
    /// The longest wait accepted (a `Retry-After` beyond it is an error).
    pub max_wait: Duration,
    /// Least time between two requests to the same host.
    pub min_interval: Duration,
    /// The cache folder (none: nothing cached, nothing revalidated).
    pub cache: Option<Cache>,
    /// Answer from the cache only.
    pub offline: bool,
    pub user_agent: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            timeout: Duration::from_secs(120),
            retries: 4,
            backoff: Duration::from_secs(2),
            max_wait: Duration::from_secs(300),
            min_interval: Duration::from_millis(200),
            cache: None,
            offline: false,
            user_agent: format!(
                "digindex/{} (+https://example.invalid/digindex; composite-index builder)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// A response body and what is recorded of it.
#[derive(Debug, Clone)]
pub struct Response {
    pub body: Vec<u8>,
    pub record: Record,
}

/// The client.
pub struct Client<'o> {
    agent: ureq::Agent,
    settings: Settings,
    last: Mutex<HashMap<String, Instant>>,
    observer: &'o dyn Observer,
}

/// Errors that mean the host cannot be reached at all.
fn unreachable(e: &ureq::Error) -> bool {
    use std::io::ErrorKind::*;
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(io) => {
            matches!(io.kind(), ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable)
        }
        _ => false,
    }
}

/// Statuses worth trying again.
fn transient(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

impl<'o> Client<'o> {
    pub fn new(settings: Settings, observer: &'o dyn Observer) -> Client<'o> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(settings.timeout))
            .http_status_as_error(false)
            .user_agent(settings.user_agent.as_str())
            .build()
            .into();
        Client { agent, settings, last: Mutex::new(HashMap::new()), observer }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn observer(&self) -> &dyn Observer {
        self.observer
    }

    /// The journal of a multi-page fetch (none without a cache).
    pub fn journal(&self, job: &str) -> Option<Journal> {
        self.settings.cache.as_ref().map(|c| c.journal(job))
    }

    /// GETs an address (`accept`: the media type asked for). A cached body
    /// is revalidated; a page `journal` says an interrupted run finished is
    /// taken from the cache without asking. The caller notes a page in the
    /// journal once it has read it ([`Journal::add`]), so a page that could
    /// not be read is asked for again.
    pub fn get(&self, url: &str, accept: &str, journal: Option<&Journal>) -> Result<Response> {
        self.get_with(url, "", accept, journal)
    }

    /// As [`Client::get`], with query parameters sent but neither recorded
    /// nor part of the cache key (an e-mail address for a polite pool, an
    /// API key): `extra` is `k=v&k2=v2`, already encoded.
    pub fn get_with(&self, url: &str, extra: &str, accept: &str, journal: Option<&Journal>) -> Result<Response> {
        let cached = self.settings.cache.as_ref().and_then(|c| c.get(url));
        if let Some((rec, body)) = &cached {
            let resumed = journal.as_ref().is_some_and(|j| j.has(url));
            if self.settings.offline || resumed {
                let how = if resumed { How::Resumed } else { How::Offline };
                return Ok(Response { body: body.clone(), record: Record { how, ..rec.clone() } });
            }
        } else if self.settings.offline {
            let cache = self.settings.cache.as_ref().map_or("no cache".into(), |c| c.dir().display().to_string());
            return Err(FetchError::NotCached { url: url.to_string(), cache });
        }
        let r = self.download(url, extra, accept, cached.as_ref().map(|(rec, _)| rec))?;
        let r = match (r, cached) {
            (Got::NotModified { retrieved }, Some((rec, body))) => {
                Response { body, record: Record { retrieved, how: How::Revalidated, ..rec } }
            }
            (Got::NotModified { .. }, None) => {
                return Err(FetchError::Format {
                    url: url.to_string(),
                    what: "304 Not Modified to a request that had nothing to revalidate".into(),
                });
            }
            (Got::Body(r), _) => r,
        };
        if let Some(c) = &self.settings.cache {
            c.put(&r.record, &r.body)?;
        }
        Ok(r)
    }

    /// Waits for the host's turn.
    fn pace(&self, url: &str) {
        let host = crate::url::host(url).to_string();
        let wait = {
            let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let next = last.get(&host).map_or(now, |t| (*t + self.settings.min_interval).max(now));
            last.insert(host, next);
            next - now
        };
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }

    fn download(&self, url: &str, extra: &str, accept: &str, cached: Option<&Record>) -> Result<Got> {
        let s = &self.settings;
        let sent = match extra {
            "" => url.to_string(),
            e if url.contains('?') => format!("{url}&{e}"),
            e => format!("{url}?{e}"),
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.pace(url);
            self.observer.request(url, attempt);
            let mut req = self.agent.get(&sent).header("Accept", accept);
            if let Some(rec) = cached {
                if let Some(e) = &rec.etag {
                    req = req.header("If-None-Match", e.as_str());
                }
                if let Some(m) = &rec.last_modified {
                    req = req.header("If-Modified-Since", m.as_str());
                }
            }
            let failure = match req.call() {
                Ok(mut resp) => {
                    let status = resp.status().as_u16();
                    let header = |k: &str| resp.headers().get(k).and_then(|v| v.to_str().ok()).map(str::to_string);
                    let (etag, last_modified, retry) = (header("etag"), header("last-modified"), header("retry-after"));
                    if status == 304 {
                        return Ok(Got::NotModified { retrieved: time::rfc3339(SystemTime::now()) });
                    }
                    let body = resp.body_mut().with_config().limit(4 << 30).read_to_vec();
                    match body {
                        Ok(body) if (200..300).contains(&status) => {
                            let record = Record {
                                url: url.to_string(),
                                retrieved: time::rfc3339(SystemTime::now()),
                                etag,
                                last_modified,
                                sha256: sha256(&body),
                                how: How::Downloaded,
                            };
                            return Ok(Got::Body(Response { body, record }));
                        }
                        Ok(body) if !transient(status) => {
                            return Err(FetchError::Status {
                                url: url.to_string(),
                                status,
                                body: String::from_utf8_lossy(&body).into_owned(),
                            });
                        }
                        Ok(_) => Failure { what: format!("the server answered {status}"), retry_after: retry },
                        Err(e) => Failure {
                            what: format!("the connection failed while reading the body: {e}"),
                            retry_after: None,
                        },
                    }
                }
                Err(e) if attempt > s.retries && unreachable(&e) => {
                    return Err(FetchError::Unreachable { url: url.to_string(), detail: e.to_string() });
                }
                Err(e) => Failure { what: e.to_string(), retry_after: None },
            };
            if attempt > s.retries {
                return Err(FetchError::GaveUp { url: url.to_string(), attempts: attempt, last: failure.what });
            }
            let asked = failure.retry_after.as_deref().and_then(|v| time::retry_after(v, SystemTime::now()));
            let wait = match asked {
                Some(w) if w > s.max_wait => {
                    return Err(FetchError::WaitTooLong {
                        url: url.to_string(),
                        wait_s: w.as_secs(),
                        max_s: s.max_wait.as_secs(),
                    });
                }
                Some(w) => w,
                None => (s.backoff * 2u32.saturating_pow(attempt - 1)).min(s.max_wait),
            };
            let why = match asked {
                Some(_) => format!("{}; Retry-After asks to wait", failure.what),
                None => failure.what,
            };
            self.observer.waiting(url, wait, &why);
            std::thread::sleep(wait);
        }
    }
}

enum Got {
    Body(Response),
    NotModified { retrieved: String },
}

struct Failure {
    what: String,
    retry_after: Option<String>,
}
