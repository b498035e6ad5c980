//! Correlations (COINr's `get_corr`): Pearson and Spearman over the units
//! where both values are present, of every indicator and aggregate with its
//! parent and with each sibling in its group, with p-values, and sibling
//! pairs flagged `high` above `high` (default 0.9) and `low` below `low`
//! (default −0.4), as `get_corr_flags`.

use digindex_data::{DataSet, Framework};
use serde::Serialize;

use super::pvalues::{p_value, spearman_p_value};

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
    let (rho, n, _) = spearman_with_ties(x, y);
    (rho, n)
}

/// [`spearman`], and whether either side has tied values (which decides
/// how R's `cor.test` takes the p-value).
pub(super) fn spearman_with_ties(x: &[f64], y: &[f64]) -> (f64, usize, bool) {
    let (xc, yc): (Vec<f64>, Vec<f64>) =
        x.iter().zip(y).filter(|(a, b)| !a.is_nan() && !b.is_nan()).map(|(a, b)| (*a, *b)).unzip();
    let tied = |v: &[f64]| {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        s.windows(2).any(|w| w[0] == w[1])
    };
    let (rho, n) = pearson(&average_ranks(&xc), &average_ranks(&yc));
    (rho, n, tied(&xc) || tied(&yc))
}

/// Correlations of every code with its parent and within its group.
pub fn correlations(ds: &DataSet, fw: &Framework, high: f64, low: f64) -> Vec<Correlation> {
    let mut out = Vec::new();
    let col = |i: usize| ds.column(&fw.node(i).code);
    let pair = |a: usize, b: usize, relation: &'static str| -> Option<Correlation> {
        let (x, y) = (col(a)?, col(b)?);
        let (p, n) = pearson(x, y);
        let (s, _, ties) = spearman_with_ties(x, y);
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
            spearman_p: spearman_p_value(s, n, ties),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coherence::close;

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
}
