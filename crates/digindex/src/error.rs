//! The application's error: what failed, with what the layers below give
//! (file, line and column from the readers; step, unit and year from the
//! pipeline) kept in their own types. Only settings the job cannot use
//! ([`Error::Invalid`]) and the few lower errors that are text already
//! (a TOML file's parse error, an AI rule) are messages.
//!
//! `Display` shows one layer; `source()` walks down. A [`Error::Context`]
//! says what was being done (`writing out/x`) above its cause, as
//! `anyhow`'s `{:#}` prints them: `writing out/x: Permission denied`.

use std::path::PathBuf;

/// Everything the application's jobs can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data or spec file could not be read or is malformed (file, line, column).
    #[error(transparent)]
    Input(#[from] digindex_input::InputError),
    /// The spec's text: unknown keys, wrong types, bad overrides.
    #[error("{}: {}", path.display(), error.message)]
    Spec { path: PathBuf, error: digindex_pipeline::SpecError },
    /// A pipeline step failed (its step, and the unit or code it names).
    #[error(transparent)]
    Build(#[from] digindex_pipeline::BuildError),
    /// A claim cannot be read or checked.
    #[error(transparent)]
    Claim(#[from] digindex_claims::ClaimError),
    /// The report could not be made (the workbook).
    #[error(transparent)]
    Publish(#[from] digindex_publish::PublishError),
    /// The OpenAlex reader failed (a file, a line, a limit).
    #[error(transparent)]
    OpenAlex(#[from] digindex_openalex::OpenAlexError),
    /// Fetching from an API failed (the address, and what to do).
    #[error(transparent)]
    Fetch(#[from] digindex_fetch::FetchError),
    /// A region set or name (the shipped sets are inconsistent, or a name is unknown).
    #[error(transparent)]
    Region(#[from] digindex_sources::regions::RegionError),
    /// A setting or argument the job cannot use, and what it expected.
    #[error("{0}")]
    Invalid(String),
    /// A file system operation (the context above it names the file).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// JSON output could not be made.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// What was being done, above what went wrong.
    #[error("{message}")]
    Context {
        message: String,
        #[source]
        source: Box<Error>,
    },
}

/// The application's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An argument or setting the job cannot use.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }
}

/// An error and its causes in one line, `outer: inner: …`, as `anyhow`'s
/// `{:#}` prints them.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Adds what was being done to an error, as `anyhow::Context` does.
pub trait Context<T> {
    fn context(self, message: impl Into<String>) -> Result<T>;
    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, message: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::Context { message: message.into(), source: Box::new(e.into()) })
    }
    fn with_context<M: Into<String>>(self, message: impl FnOnce() -> M) -> Result<T> {
        self.map_err(|e| Error::Context { message: message().into(), source: Box::new(e.into()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_names_what_was_done_above_its_cause() {
        let e: Result<()> = Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "Permission denied"))
            .context("writing out/x");
        let e = e.unwrap_err();
        assert_eq!(e.to_string(), "writing out/x");
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("Permission denied"));
    }

    #[test]
    fn a_spec_error_names_its_file() {
        let error = digindex_pipeline::SpecError { message: "unknown key `x`".into() };
        let e = Error::Spec { path: "a/index.toml".into(), error };
        assert_eq!(e.to_string(), "a/index.toml: unknown key `x`");
    }
}
