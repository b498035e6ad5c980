//! # digindex-audit — is the index credible?
//!
//! The audit steps of the OECD/JRC handbook (steps 7–8), as pure functions
//! over a build:
//!
//! * [`coherence`] — correlations (Pearson, Spearman, with p-values) of
//!   every indicator and aggregate with its parent and within its group,
//!   Cronbach's alpha and PCA per aggregate, descriptive statistics and data
//!   availability (COINr's `get_corr`, `get_cronbach`, `get_PCA`,
//!   `get_stats`, `get_data_avail`);
//! * [`uncertainty`] — Monte Carlo replications over the uncertain choices
//!   declared in the spec's `[uncertainty]` table, reusing every pipeline
//!   stage upstream of what a replication changes;
//! * [`rank_interval`] — nominal, mean and median ranks with 5–95% intervals;
//! * [`sensitivity`] — the Saltelli design and first-order / total Sobol
//!   indices (Jansen estimators as in COINr) with bootstrap bounds;
//! * [`sampling`] — pseudo-random or quasi-random (Sobol) unit hypercube samples;
//! * [`diff`] — score and rank changes between two builds;
//! * [`progress`] — a series read for progress: changes, moves beyond the
//!   rank intervals, distance to the frontier and to official targets.
//!
//! Everything is deterministic for a seed, whatever the number of threads.

pub mod coherence;
pub mod diff;
pub mod progress;
pub mod rank_interval;
pub mod sampling;
pub mod sensitivity;
pub mod uncertainty;

/// An audit could not be run; the message says what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct AuditError(pub String);
