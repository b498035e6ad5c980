//! Statistical coherence: do the indicators hang together?
//!
//! Definitions follow COINr:
//! * correlations (`get_corr`): Pearson and Spearman over the units where
//!   both values are present, of every indicator and aggregate with its
//!   parent and with each sibling in its group; p-values from the t
//!   statistic r·√((n−2)/(1−r²)) with n−2 degrees of freedom — R's
//!   `cor.test` for Pearson; for Spearman R uses this t approximation only
//!   with ties or `exact = FALSE`, and otherwise the AS 89 algorithm, so
//!   Spearman p-values can differ from R's in the small-sample tail;
//!   pairs are flagged `high` above
//!   `high` (default 0.9) and `low` below `low` (default −0.4) within a
//!   group, as `get_corr_flags`;
//! * Cronbach's alpha (`get_cronbach`): k²·mean(off-diagonal covariances)
//!   / Σ covariances, covariances over pairwise-complete units;
//! * PCA (`get_PCA`): eigen-decomposition of the correlation matrix of the
//!   children of each aggregate over the units with all values present
//!   (`prcomp(scale = TRUE)`); variance shares and loadings, the sign of
//!   each component chosen so its loadings sum to ≥ 0; the PC1 loadings can
//!   serve as a weight set (they may be negative, as in COINr);
//! * descriptive statistics per indicator (`get_stats`): min, max, mean,
//!   median, sd, skew, kurtosis, availability, zeros, with flags for
//!   availability below 0.65 and for |skew| > 2 with kurtosis > 3.5;
//! * data availability of every unit overall and within every aggregate.

use std::collections::BTreeMap;

use digindex_build::stats;
use digindex_data::{DataSet, Framework};
use nalgebra::DMatrix;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// One pair of codes and their correlations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    pub code: String,
    pub with: String,
    /// `parent` or `sibling`.
    pub relation: &'static str,
    pub level: u32,
    pub n: usize,
    pub pearson: f64,
    pub pearson_p: f64,
    pub spearman: f64,
    pub spearman_p: f64,
    /// `high`, `low` or empty (siblings only).
    pub flag: &'static str,
}

/// Pearson correlation of two columns over pairwise-complete rows.
pub fn pearson(x: &[f64], y: &[f64]) -> (f64, usize) {
    let pairs: Vec<(f64, f64)> =
        x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).map(|(a, b)| (*a, *b)).collect();
    let n = pairs.len();
    if n < 2 {
        return (f64::NAN, n);
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    ((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0), n)
}

/// Ranks with ties averaged (R's `rank()` default), missing kept missing.
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).filter(|&i| !x[i].is_nan()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![f64::NAN; x.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut e = k + 1;
        while e < idx.len() && x[idx[e]] == x[idx[k]] {
            e += 1;
        }
        let avg = (k + 1 + e) as f64 / 2.0;
        for &i in &idx[k..e] {
            out[i] = avg;
        }
        k = e;
    }
    out
}

/// Spearman correlation: Pearson of average ranks over complete pairs.
pub fn spearman(x: &[f64], y: &[f64]) -> (f64, usize) {
    let (xc, yc): (Vec<f64>, Vec<f64>) =
        x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).map(|(a, b)| (*a, *b)).unzip();
    pearson(&average_ranks(&xc), &average_ranks(&yc))
}

/// Two-sided p-value of a correlation r from n pairs (t test, n − 2 df).
pub fn p_value(r: f64, n: usize) -> f64 {
    if n < 3 || r.is_nan() {
        return f64::NAN;
    }
    if r.abs() >= 1.0 {
        return 0.0;
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    match StudentsT::new(0.0, 1.0, df) {
        Ok(dist) => 2.0 * dist.cdf(-t.abs()),
        Err(_) => f64::NAN,
    }
}

/// Correlations of every code with its parent and within its group.
pub fn correlations(ds: &DataSet, fw: &Framework, high: f64, low: f64) -> Vec<Correlation> {
    let mut out = Vec::new();
    let col = |i: usize| ds.column(&fw.node(i).code);
    let pair = |a: usize, b: usize, relation: &'static str| -> Option<Correlation> {
        let (x, y) = (col(a)?, col(b)?);
        let (p, n) = pearson(x, y);
        let (s, _) = spearman(x, y);
        let flag = match relation {
            "sibling" if p > high => "high",
            "sibling" if p < low => "low",
            _ => "",
        };
        Some(Correlation {
            code: fw.node(a).code.clone(),
            with: fw.node(b).code.clone(),
            relation,
            level: fw.node(a).level,
            n,
            pearson: p,
            pearson_p: p_value(p, n),
            spearman: s,
            spearman_p: p_value(s, n),
            flag,
        })
    };
    for level in 1..fw.max_level() {
        for &i in fw.level(level) {
            if let Some(p) = fw.node(i).parent {
                out.extend(pair(i, p, "parent"));
            }
        }
        for &agg in fw.level(level + 1) {
            let ch = &fw.node(agg).children;
            for (k, &a) in ch.iter().enumerate() {
                for &b in &ch[k + 1..] {
                    out.extend(pair(a, b, "sibling"));
                }
            }
        }
    }
    out
}

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

/// Descriptive statistics of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    pub code: String,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub median: f64,
    pub sd: f64,
    pub skew: f64,
    pub kurtosis: f64,
    pub present: usize,
    pub availability: f64,
    pub zeros: usize,
    pub flag_availability: bool,
    pub flag_skew_kurtosis: bool,
}

/// Statistics of every column of a data set.
pub fn indicator_stats(ds: &DataSet) -> Vec<IndicatorStats> {
    ds.codes
        .iter()
        .enumerate()
        .map(|(j, code)| {
            let x = ds.values.col(j);
            let present = stats::count(x);
            let (s, k) = stats::skew_kurt(x);
            let (s, k) = (s.unwrap_or(f64::NAN), k.unwrap_or(f64::NAN));
            let availability = present as f64 / x.len().max(1) as f64;
            IndicatorStats {
                code: code.clone(),
                min: stats::min(x),
                max: stats::max(x),
                mean: stats::mean(x),
                median: stats::median(x),
                sd: stats::sd(x),
                skew: s,
                kurtosis: k,
                present,
                availability,
                zeros: x.iter().filter(|v| **v == 0.0).count(),
                flag_availability: availability < 0.65,
                flag_skew_kurtosis: s.abs() > 2.0 && k > 3.5,
            }
        })
        .collect()
}

/// Data availability of one unit, overall and within each aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitAvailability {
    pub unit: String,
    pub overall: f64,
    /// (aggregate code, share of its indicators present).
    pub by_aggregate: Vec<(String, f64)>,
}

/// Availability of every unit in an indicator data set (e.g. the raw data).
pub fn availability(ds: &DataSet, fw: &Framework) -> Vec<UnitAvailability> {
    // indicators under each aggregate
    let mut under: Vec<(String, Vec<usize>)> = Vec::new();
    for l in 2..=fw.max_level() {
        for &a in fw.level(l) {
            let mut stack = vec![a];
            let mut cols = Vec::new();
            while let Some(x) = stack.pop() {
                let node = fw.node(x);
                if node.level == 1 {
                    cols.extend(ds.col_index(&node.code));
                }
                stack.extend(node.children.iter().copied());
            }
            under.push((fw.node(a).code.clone(), cols));
        }
    }
    let share = |i: usize, cols: &[usize]| {
        if cols.is_empty() {
            f64::NAN
        } else {
            cols.iter().filter(|&&j| !ds.values.get(i, j).is_nan()).count() as f64 / cols.len() as f64
        }
    };
    let all: Vec<usize> = (0..ds.codes.len()).collect();
    ds.units
        .iter()
        .enumerate()
        .map(|(i, u)| UnitAvailability {
            unit: u.clone(),
            overall: share(i, &all),
            by_aggregate: under.iter().map(|(c, cols)| (c.clone(), share(i, cols))).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn correlations_closed_forms() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, f64::NAN];
        let y = [2.0, 4.0, 6.0, 8.0, 10.0, 1.0];
        assert_eq!(pearson(&x, &y), (1.0, 5));
        let z = [5.0, 3.0, 4.0, 1.0, 2.0, 0.0];
        // by hand: dx = -2..2, dz = 2,0,1,-2,-1: sxy = -8, sxx = szz = 10, r = -0.8
        let (r, n) = pearson(&x, &z);
        assert_eq!(n, 5);
        assert!(close(r, -0.8, 1e-12));
        // monotone but not linear: Spearman 1
        let c = [1.0, 8.0, 27.0, 64.0, 125.0, 0.0];
        assert!(close(spearman(&x, &c).0, 1.0, 1e-12));
        // R: cor.test(1:5, c(5,3,4,1,2))$p.value = 0.1040880
        assert!(close(p_value(-0.8, 5), 0.104_088_0, 1e-6));
    }

    #[test]
    fn average_ranks_ties() {
        let r = average_ranks(&[3.0, 1.0, 3.0, f64::NAN]);
        assert_eq!(&r[..3], &[2.5, 1.0, 2.5]);
        assert!(r[3].is_nan());
    }

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
