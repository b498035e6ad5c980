//! Progress of long work, and warnings a job gives as it goes, reported to
//! whoever runs the job (a terminal's progress bar and standard error, a
//! notebook's, or nothing), without the application knowing about terminals.

/// What a long piece of work counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Units {
    /// Pipeline runs (the replications of an uncertainty analysis).
    Runs,
    /// Input bytes (a stream over files).
    Bytes,
    /// Responses of an API (pages; the total is not known in advance).
    Responses,
}

/// Receives the progress of long work and the warnings of a job. Every
/// method has a default that does nothing; [`Silent`] is that.
pub trait Progress: Sync {
    /// Work named `label` starts: `total` of `units` to do.
    fn start(&self, _label: &str, _units: Units, _total: u64) {}
    /// `n` more done.
    fn advance(&self, _n: u64) {}
    /// A short note on the rate or state (e.g. works per second).
    fn note(&self, _message: String) {}
    /// The work ended (done or failed).
    fn finish(&self) {}
    /// Something the person running the job must know now (the job goes
    /// on), e.g. an analysis that failed and is left out of a report.
    fn warn(&self, _message: &str) {}
}

/// No progress reported.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
