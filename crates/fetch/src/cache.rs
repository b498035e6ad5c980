//! The local cache: one body and one record per address, kept so that a
//! later fetch can revalidate it (`If-None-Match` / `If-Modified-Since`)
//! instead of downloading it again, and so that `--offline` can work.
//!
//! A multi-page fetch keeps a journal of the pages it has finished: when it
//! is cut off (a dropped connection that retries could not mend, an
//! interrupt), running it again takes those pages from the cache without
//! asking the server and goes on from the first page it lacks. The journal
//! is removed when the fetch completes.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{FetchError, Result};

/// What is known of one response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The address asked for.
    pub url: String,
    /// When the body was last confirmed current (fetched or revalidated).
    pub retrieved: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// SHA-256 of the body, hex.
    pub sha256: String,
    /// How the body was had this time.
    #[serde(default)]
    pub how: How,
}

/// How a body was had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// Downloaded.
    #[default]
    Downloaded,
    /// The server said the cached body is current (304).
    Revalidated,
    /// Taken from the cache without asking (`--offline`).
    Offline,
    /// Taken from the cache as a page an interrupted run had finished.
    Resumed,
}

/// SHA-256 of bytes, hex.
pub fn sha256(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A cache folder.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub fn new(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn key(url: &str) -> String {
        sha256(url.as_bytes())[..32].to_string()
    }

    fn paths(&self, url: &str) -> (PathBuf, PathBuf) {
        let k = Cache::key(url);
        (self.dir.join(format!("{k}.body")), self.dir.join(format!("{k}.json")))
    }

    fn err(path: &Path, source: std::io::Error) -> FetchError {
        FetchError::Cache { path: path.display().to_string(), source }
    }

    /// The cached record and body of an address, if both are there and the
    /// body is the one recorded (a damaged entry counts as absent).
    pub fn get(&self, url: &str) -> Option<(Record, Vec<u8>)> {
        let (body, meta) = self.paths(url);
        let rec: Record = serde_json::from_slice(&std::fs::read(meta).ok()?).ok()?;
        let bytes = std::fs::read(body).ok()?;
        (rec.url == url && sha256(&bytes) == rec.sha256).then_some((rec, bytes))
    }

    /// Stores a body and its record (each written whole, then renamed).
    pub fn put(&self, rec: &Record, bytes: &[u8]) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Cache::err(&self.dir, e))?;
        let (body, meta) = self.paths(&rec.url);
        write_atomic(&body, bytes)?;
        let json = serde_json::to_vec_pretty(rec).map_err(|e| Cache::err(&meta, e.into()))?;
        write_atomic(&meta, &json)
    }

    /// The journal of a multi-page fetch named `job`. A journal older than
    /// a day is dropped: its pages are asked for again rather than mixed
    /// with fresh ones.
    pub fn journal(&self, job: &str) -> Journal {
        let path = self.dir.join("journal").join(format!("{}.txt", Cache::key(job)));
        let stale = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(24 * 3600));
        if stale {
            let _ = std::fs::remove_file(&path);
        }
        let done = std::fs::read_to_string(&path).map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
        Journal { path, done }
    }
}

/// The pages a multi-page fetch has finished.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    done: HashSet<String>,
}

impl Journal {
    /// Whether an interrupted run finished this address.
    pub fn has(&self, url: &str) -> bool {
        self.done.contains(url)
    }

    /// Notes a finished page.
    pub fn add(&mut self, url: &str) -> Result<()> {
        if self.done.insert(url.to_string()) {
            if let Some(dir) = self.path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Cache::err(dir, e))?;
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|e| Cache::err(&self.path, e))?;
            writeln!(f, "{url}").map_err(|e| Cache::err(&self.path, e))?;
        }
        Ok(())
    }

    /// The fetch completed: the journal goes.
    pub fn finish(self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Cache::err(&self.path, e)),
            _ => Ok(()),
        }
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Cache::err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Cache::err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_body_comes_back_and_a_damaged_one_does_not() {
        let dir = std::env::temp_dir().join(format!("digindex-cache-test-{}", std::process::id()));
        let c = Cache::new(&dir);
        let rec = Record {
            url: "http://x/a".into(),
            retrieved: "t".into(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            sha256: sha256(b"body"),
            how: How::Downloaded,
        };
        c.put(&rec, b"body").expect("put");
        assert_eq!(c.get("http://x/a"), Some((rec.clone(), b"body".to_vec())));
        assert_eq!(c.get("http://x/b"), None);
        std::fs::write(c.paths("http://x/a").0, b"other").expect("damage");
        assert_eq!(c.get("http://x/a"), None);
        let mut j = c.journal("job");
        assert!(!j.has("p1"));
        j.add("p1").expect("add");
        assert!(c.journal("job").has("p1"));
        j.finish().expect("finish");
        assert!(!c.journal("job").has("p1"));
        let _ = std::fs::remove_dir_all(dir);
    }
}
