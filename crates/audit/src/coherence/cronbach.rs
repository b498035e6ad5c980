//! Cronbach's alpha (COINr's `get_cronbach`): k²·mean(off-diagonal
//! covariances) / Σ covariances, covariances over pairwise-complete units.

use digindex_data::{DataSet, Framework};
use serde::Serialize;

/// Cronbach's alpha of an aggregate's children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alpha {
    pub code: String,
    pub level: u32,
    pub children: usize,
    pub alpha: f64,
}

/// Sample covariance over pairwise-complete rows.
fn covariance(x: &[f64], y: &[f64]) -> f64 {
    let pairs: Vec<(f64, f64)> =
        x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).map(|(a, b)| (*a, *b)).collect();
    let n = pairs.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    pairs.iter().map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / (n - 1.0)
}

/// Cronbach's alpha of columns: k²·mean(off-diagonal cov) / Σ cov.
pub fn cronbach(cols: &[&[f64]]) -> f64 {
    let k = cols.len();
    if k < 2 {
        return f64::NAN;
    }
    let mut total = 0.0;
    let mut off = 0.0;
    for i in 0..k {
        for j in 0..k {
            let c = covariance(cols[i], cols[j]);
            total += c;
            if i != j {
                off += c;
            }
        }
    }
    let mean_off = off / (k * (k - 1)) as f64;
    (k * k) as f64 * mean_off / total
}

/// Alpha of every aggregate.
pub fn alphas(ds: &DataSet, fw: &Framework) -> Vec<Alpha> {
    (2..=fw.max_level())
        .flat_map(|l| fw.level(l).iter().copied())
        .filter_map(|a| {
            let node = fw.node(a);
            let cols: Vec<&[f64]> = node.children.iter().filter_map(|&c| ds.column(&fw.node(c).code)).collect();
            (cols.len() == node.children.len()).then(|| Alpha {
                code: node.code.clone(),
                level: node.level,
                children: cols.len(),
                alpha: cronbach(&cols),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coherence::close;

    #[test]
    fn cronbach_closed_form() {
        // two identical columns: alpha = 4 c / (4 c) = 1
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!(close(cronbach(&[&a, &a]), 1.0, 1e-12));
        // uncorrelated columns: alpha 0
        let b = [1.0, -1.0, -1.0, 1.0];
        let c = [1.0, 1.0, -1.0, -1.0];
        assert!(close(cronbach(&[&b, &c]), 0.0, 1e-12));
    }
}
