//! Statistical coherence: do the indicators hang together?
//!
//! Definitions follow COINr:
//! * correlations (`get_corr`): Pearson and Spearman over the units where
//!   both values are present, of every indicator and aggregate with its
//!   parent and with each sibling in its group; p-values as R's
//!   `cor.test`: for Pearson from the t statistic r·√((n−2)/(1−r²)) with
//!   n−2 degrees of freedom; for Spearman, without ties, from the null
//!   distribution of S = Σd² (exact for n ≤ 9, the Edgeworth series of
//!   algorithm AS 89 above), and with ties from the same t statistic;
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
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

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
fn spearman_with_ties(x: &[f64], y: &[f64]) -> (f64, usize, bool) {
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

/// Two-sided p-value of Spearman's rho from n pairs, as R's
/// `cor.test(method = "spearman")` takes it: without ties (and n < 1290)
/// from the null distribution of S = Σd² = (n³ − n)(1 − ρ)/6, exact (all
/// n! rankings) for n ≤ 9 and by the Edgeworth series of Best & Roberts
/// (1975, algorithm AS 89) above; with ties, the t approximation
/// ([`p_value`]).
pub fn spearman_p_value(rho: f64, n: usize, ties: bool) -> f64 {
    if n < 3 || rho.is_nan() {
        return f64::NAN;
    }
    if ties || n >= 1290 {
        return p_value(rho, n);
    }
    let nf = n as f64;
    let q = (nf * nf * nf - nf) * (1.0 - rho) / 6.0;
    // S takes even values: Pr[S <= q] = Pr[S < q + 2]
    let p = if q > (nf * nf * nf - nf) / 6.0 { s_tail(n, q.round(), false) } else { s_tail(n, q.round() + 2.0, true) };
    (2.0 * p).min(1.0)
}

/// Under independence, Pr[S >= s] (or Pr[S < s] with `below`), for the
/// S = Σd² of n rankings (AS 89).
fn s_tail(n: usize, s: f64, below: bool) -> f64 {
    let nf = n as f64;
    let max = nf * (nf * nf - 1.0) / 3.0;
    if s <= 0.0 {
        return if below { 0.0 } else { 1.0 };
    }
    if s > max {
        return if below { 1.0 } else { 0.0 };
    }
    if n <= EXACT_UP_TO {
        let counts = &exact_s_counts()[n];
        let total: u64 = counts.iter().sum();
        // counts[k]: rankings with S = k
        let at_least: u64 = counts.iter().skip(s.ceil() as usize).sum();
        let k = if below { total - at_least } else { at_least };
        return k as f64 / total as f64;
    }
    // Edgeworth series (the coefficients of AS 89)
    const C: [f64; 12] =
        [0.2274, 0.2531, 0.1745, 0.0758, 0.1033, 0.3932, 0.0879, 0.0151, 0.0072, 0.0831, 0.0131, 4.6e-4];
    let b = 1.0 / nf;
    // ≈ −ρ·√(n − 1), standard normal under independence
    let x = (6.0 * (s - 1.0) * b / (nf * nf - 1.0) - 1.0) * (nf - 1.0).sqrt();
    let x2 = x * x;
    let inner = C[8] - C[9] * b + x2 * b * (C[10] - C[11] * x2);
    let middle = C[6] + C[7] * b - x2 * inner;
    let series = C[0] + b * (C[1] + C[2] * b) + x2 * (-C[3] + b * (C[4] + C[5] * b) - x2 * b * middle);
    let correction = x * b * series / (x2 / 2.0).exp();
    let normal = Normal::new(0.0, 1.0).map_or(f64::NAN, |d| if below { d.cdf(x) } else { d.sf(x) });
    let p = if below { normal - correction } else { normal + correction };
    p.clamp(0.0, 1.0)
}

/// Rankings up to this n get exact probabilities (9! = 362,880 of them).
const EXACT_UP_TO: usize = 9;

/// For n = 0..=9, how many of the n! rankings give each S = Σ(i − π(i))²,
/// worked out once by visiting every permutation (Heap's algorithm).
fn exact_s_counts() -> &'static [Vec<u64>] {
    static COUNTS: std::sync::OnceLock<Vec<Vec<u64>>> = std::sync::OnceLock::new();
    COUNTS.get_or_init(|| {
        (0..=EXACT_UP_TO)
            .map(|n| {
                let max = n * (n * n).saturating_sub(1) / 3;
                let mut counts = vec![0u64; max + 1];
                let mut perm: Vec<usize> = (0..n).collect();
                let s_of = |p: &[usize]| p.iter().enumerate().map(|(i, &v)| i.abs_diff(v).pow(2)).sum::<usize>();
                counts[s_of(&perm)] += 1;
                let mut c = vec![0usize; n];
                let mut i = 1;
                while i < n {
                    if c[i] < i {
                        let j = if i % 2 == 0 { 0 } else { c[i] };
                        perm.swap(j, i);
                        counts[s_of(&perm)] += 1;
                        c[i] += 1;
                        i = 1;
                    } else {
                        c[i] = 0;
                        i += 1;
                    }
                }
                counts
            })
            .collect()
    })
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

    /// Every S = Σd² of the n! rankings, by recursion (not Heap's algorithm).
    fn all_s(n: usize) -> Vec<usize> {
        fn go(n: usize, used: &mut Vec<bool>, at: usize, s: usize, out: &mut Vec<usize>) {
            if at == n {
                out.push(s);
                return;
            }
            for v in 0..n {
                if !used[v] {
                    used[v] = true;
                    go(n, used, at + 1, s + at.abs_diff(v).pow(2), out);
                    used[v] = false;
                }
            }
        }
        let mut out = Vec::new();
        go(n, &mut vec![false; n], 0, 0, &mut out);
        out
    }

    #[test]
    fn spearman_p_values_as_r_cor_test() {
        // ?cor.test: x, y below give S = 48, rho = 0.6 and the one-sided
        // ("greater") p-value 0.0484; two-sided is twice that
        let x = [44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1];
        let y = [2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8];
        let (rho, n, ties) = spearman_with_ties(&x, &y);
        assert!(close(rho, 0.6, 1e-12) && n == 9 && !ties);
        let p = spearman_p_value(rho, n, ties);
        assert!(close(p / 2.0, 0.0484, 5e-5), "{p}");
        // exactly: rankings with S <= 48, counted by a separate enumeration
        let s9 = all_s(9);
        let k = s9.iter().filter(|&&s| s <= 48).count();
        assert_eq!(s9.len(), 362_880);
        assert!(close(p, 2.0 * k as f64 / 362_880.0, 1e-15), "{p} {k}");
        // the cached counts are the distribution of S for every n <= 9
        for n in 0..=EXACT_UP_TO {
            let mut want = vec![0u64; exact_s_counts()[n].len()];
            for s in all_s(n) {
                want[s] += 1;
            }
            assert_eq!(exact_s_counts()[n], want, "n = {n}");
        }
        // above 9, the Edgeworth series: close to the exact tail at n = 10
        let s10 = all_s(10);
        let total = s10.len() as f64;
        for q in [20.0, 40.0, 60.0, 80.0, 100.0, 230.0, 250.0, 270.0, 290.0, 310.0] {
            let exact_upper = s10.iter().filter(|&&s| s as f64 >= q).count() as f64 / total;
            let approx = s_tail(10, q, false);
            assert!(close(approx, exact_upper, 2e-3), "S >= {q}: {approx} vs {exact_upper}");
            assert!(close(s_tail(10, q, true), 1.0 - approx, 1e-12));
        }
        // with ties, R's t approximation
        let tied = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
        let z = [2.0, 1.0, 4.0, 3.0, 6.0, 5.0, 8.0, 7.0, 10.0, 9.0];
        let (rho, n, ties) = spearman_with_ties(&tied, &z);
        assert!(ties);
        assert_eq!(spearman_p_value(rho, n, ties), p_value(rho, n));
        // the extremes
        assert!(close(spearman_p_value(1.0, 9, false), 2.0 / 362_880.0, 1e-18));
        assert_eq!(spearman_p_value(0.0, 9, false), 1.0);
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
