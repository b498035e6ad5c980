//! Fetching official data: the HTTP client ([`client`]) with retries,
//! per-host pacing, a revalidating cache ([`cache`]) and resumable
//! multi-page fetches, and one module per API ([`api`]) that reads its
//! documented response format into rows or files.
//!
//! This crate does network and cache I/O and nothing else: turning rows
//! into catalogue files (keys resolved to countries, provenance written)
//! is the application's job (`digindex::fetch`). Every test of the
//! network path runs against a server on loopback; none reaches the
//! internet.
//!
//! HTTPS comes from rustls with webpki roots (the `https` feature, on by
//! default); without it only `http://` addresses (a local mirror, the
//! tests' server) can be fetched.

pub mod api;
pub mod cache;
pub mod client;
pub mod error;
pub mod time;
pub mod url;

pub use api::{Fetched, Options, Payload, Row, Source, fetch};
pub use cache::{Cache, How, Record};
pub use client::{Client, Observer, Quiet, Settings};
pub use error::{FetchError, Result};
