//! Statistical coherence: do the indicators hang together?
//!
//! Definitions follow COINr, one file each:
//! * `correlation` — correlations (`get_corr`): Pearson and Spearman over
//!   the units where both values are present, of every indicator and
//!   aggregate with its parent and with each sibling in its group; pairs
//!   are flagged `high` above `high` (default 0.9) and `low` below `low`
//!   (default −0.4) within a group, as `get_corr_flags`;
//! * `pvalues` — their p-values as R's `cor.test`: for Pearson from the t
//!   statistic r·√((n−2)/(1−r²)) with n−2 degrees of freedom; for
//!   Spearman, without ties, from the null distribution of S = Σd² (exact
//!   for n ≤ 9, the Edgeworth series of algorithm AS 89 above), and with
//!   ties from the same t statistic;
//! * `cronbach` — Cronbach's alpha (`get_cronbach`): k²·mean(off-diagonal
//!   covariances) / Σ covariances, covariances over pairwise-complete units;
//! * `pca` — PCA (`get_PCA`): eigen-decomposition of the correlation matrix
//!   of the children of each aggregate over the units with all values
//!   present (`prcomp(scale = TRUE)`); variance shares and loadings, the
//!   sign of each component chosen so its loadings sum to ≥ 0; the PC1
//!   loadings can serve as a weight set (they may be negative, as in COINr);
//! * `descriptives` — descriptive statistics per indicator (`get_stats`):
//!   min, max, mean, median, sd, skew, kurtosis, availability, zeros, with
//!   flags for availability below 0.65 and for |skew| > 2 with kurtosis >
//!   3.5; and data availability of every unit overall and within every
//!   aggregate (`get_data_avail`).

mod correlation;
mod cronbach;
mod descriptives;
mod pca;
mod pvalues;

pub use correlation::{Correlation, average_ranks, correlations, pearson, spearman};
pub use cronbach::{Alpha, alphas, cronbach};
pub use descriptives::{IndicatorStats, UnitAvailability, availability, indicator_stats};
pub use pca::{Pca, pca_of, pca_weights, pcas};
pub use pvalues::{p_value, spearman_p_value};

/// |a − b| ≤ tol, for the tests.
#[cfg(test)]
fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}
