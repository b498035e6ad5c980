//! The crate's error: a problem with a file, or a malformed line under
//! `--strict`.

use std::path::Path;

/// A problem reading the input.
#[derive(Debug, thiserror::Error)]
pub enum OpenAlexError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(
        "{path}, line {line}: malformed JSON ({message}); --strict makes this fatal, without it the line is skipped"
    )]
    Line { path: String, line: u64, message: String },
}

impl OpenAlexError {
    /// A problem with the file (or folder) at `path`.
    pub(crate) fn file(path: &Path, message: impl std::fmt::Display) -> OpenAlexError {
        OpenAlexError::File { path: path.display().to_string(), message: message.to_string() }
    }
}
