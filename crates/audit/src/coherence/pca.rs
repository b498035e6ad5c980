//! PCA (COINr's `get_PCA`): eigen-decomposition of the correlation matrix
//! of the children of each aggregate over the units with all values present
//! (`prcomp(scale = TRUE)`); variance shares and loadings, the sign of each
//! component chosen so its loadings sum to ≥ 0; the PC1 loadings can serve
//! as a weight set (they may be negative, as in COINr).

use std::collections::BTreeMap;

use digindex_data::{DataSet, Framework};
use nalgebra::DMatrix;
use serde::Serialize;

use super::correlation::pearson;

/// PCA of an aggregate's children.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pca {
    pub code: String,
    pub level: u32,
    /// Units with every child present (the rows used).
    pub units_used: usize,
    /// Share of variance of each component, largest first.
    pub variance_shares: Vec<f64>,
    /// Loadings of each child on each component: `loadings[child][component]`.
    pub children: Vec<String>,
    pub loadings: Vec<Vec<f64>>,
}

/// PCA of columns (standardised): variance shares and loadings.
pub fn pca_of(cols: &[&[f64]]) -> Option<(usize, Vec<f64>, Vec<Vec<f64>>)> {
    let k = cols.len();
    let n = cols.first()?.len();
    let rows: Vec<usize> = (0..n).filter(|&i| cols.iter().all(|c| !c[i].is_nan())).collect();
    if k < 2 || rows.len() < 3 {
        return None;
    }
    let complete: Vec<Vec<f64>> = cols.iter().map(|c| rows.iter().map(|&i| c[i]).collect()).collect();
    let mut r = DMatrix::<f64>::zeros(k, k);
    for i in 0..k {
        for j in 0..k {
            r[(i, j)] = if i == j { 1.0 } else { pearson(&complete[i], &complete[j]).0 };
        }
    }
    if r.iter().any(|v| v.is_nan()) {
        return None;
    }
    let eig = r.symmetric_eigen();
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let total: f64 = eig.eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let shares = order.iter().map(|&c| eig.eigenvalues[c].max(0.0) / total).collect();
    let mut loadings = vec![vec![0.0; k]; k];
    for (comp, &c) in order.iter().enumerate() {
        let v = eig.eigenvectors.column(c);
        let sign = if v.iter().sum::<f64>() < 0.0 { -1.0 } else { 1.0 };
        for child in 0..k {
            loadings[child][comp] = sign * v[child];
        }
    }
    Some((rows.len(), shares, loadings))
}

/// PCA of every aggregate.
pub fn pcas(ds: &DataSet, fw: &Framework) -> Vec<Pca> {
    (2..=fw.max_level())
        .flat_map(|l| fw.level(l).iter().copied())
        .filter_map(|a| {
            let node = fw.node(a);
            let cols: Vec<&[f64]> = node.children.iter().filter_map(|&c| ds.column(&fw.node(c).code)).collect();
            if cols.len() != node.children.len() {
                return None;
            }
            let (units_used, variance_shares, loadings) = pca_of(&cols)?;
            Some(Pca {
                code: node.code.clone(),
                level: node.level,
                units_used,
                variance_shares,
                children: node.children.iter().map(|&c| fw.node(c).code.clone()).collect(),
                loadings,
            })
        })
        .collect()
}

/// PC1 loadings as a weight set (`[weights.pca]`), child by child.
pub fn pca_weights(pcas: &[Pca]) -> BTreeMap<String, f64> {
    pcas.iter().flat_map(|p| p.children.iter().zip(&p.loadings).map(|(c, l)| (c.clone(), l[0]))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coherence::close;

    #[test]
    fn pca_of_two_correlated_columns() {
        // correlation r: eigenvalues 1 ± r, PC1 loadings (1, 1)/√2
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.0, 1.0, 4.0, 3.0, 5.0];
        let r = pearson(&x, &y).0;
        let (used, shares, loadings) = pca_of(&[&x, &y]).expect("pca");
        assert_eq!(used, 5);
        assert!(close(shares[0], (1.0 + r) / 2.0, 1e-12));
        assert!(close(loadings[0][0], 0.5f64.sqrt(), 1e-12) && close(loadings[1][0], 0.5f64.sqrt(), 1e-12));
    }
}
