//! Summary statistics as R (and so COINr) computes them.
//!
//! Powers other than squares use `pow`, as R's `^` does (R computes `x^2`
//! as `x*x` and everything else with `pow`). R accumulates sums in
//! extended precision; [`sum`] uses Neumaier's
//! compensated summation, which gives the correctly rounded sum in the
//! cases that matter here, so that thresholds (skew ≥ 2, outranking = ½)
//! fall on the same side as in COINr. Missing values (`NaN`) are skipped
//! by every function that says "non-missing".

/// Compensated sum of all values (no missing skipping).
pub fn sum(xs: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = 0.0f64;
    let mut c = 0.0f64;
    for x in xs {
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

/// Non-missing values of a slice.
pub fn present(xs: &[f64]) -> impl Iterator<Item = f64> + '_ {
    xs.iter().copied().filter(|x| !x.is_nan())
}

/// Number of non-missing values.
pub fn count(xs: &[f64]) -> usize {
    present(xs).count()
}

/// Mean of the non-missing values as R's `mean()` computes it (sum / n,
/// then one refinement pass). `NaN` when there are none.
pub fn mean(xs: &[f64]) -> f64 {
    let n = count(xs);
    if n == 0 {
        return f64::NAN;
    }
    let m = sum(present(xs)) / n as f64;
    if !m.is_finite() {
        // finite values whose sum overflows: the mean of x/k, times k
        return match scaled(xs) {
            Some((k, ys)) => k * mean(&ys),
            None => m,
        };
    }
    let refined = m + sum(present(xs).map(|x| x - m)) / n as f64;
    // (the deviations of values near ±1e308 can overflow)
    if refined.is_finite() { refined } else { m }
}

/// For finite values too large to sum or square: k = the largest |x| and
/// the values divided by it (so every |x/k| ≤ 1). `None` when a value is
/// infinite or all are zero or missing. Statistics fall back to this only
/// when the plain computation overflows, so that ordinary data give R's
/// results to the last bit.
pub(crate) fn scaled(xs: &[f64]) -> Option<(f64, Vec<f64>)> {
    let k = present(xs).map(f64::abs).fold(0.0, f64::max);
    if !k.is_finite() || k == 0.0 || present(xs).any(|x| !x.is_finite()) {
        return None;
    }
    Some((k, xs.iter().map(|x| x / k).collect()))
}

/// Sample standard deviation (n − 1) of the non-missing values.
pub fn sd(xs: &[f64]) -> f64 {
    let n = count(xs);
    if n < 2 {
        return f64::NAN;
    }
    let m = mean(xs);
    let s = (sum(present(xs).map(|x| (x - m) * (x - m))) / (n - 1) as f64).sqrt();
    if s.is_finite() {
        return s;
    }
    match scaled(xs) {
        Some((k, ys)) => k * sd(&ys),
        None => s,
    }
}

/// Median of the non-missing values (mean of the middle two for even n).
pub fn median(xs: &[f64]) -> f64 {
    let mut v: Vec<f64> = present(xs).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Minimum of the non-missing values (`NaN` if none).
pub fn min(xs: &[f64]) -> f64 {
    present(xs).fold(f64::NAN, |a, b| if a.is_nan() || b < a { b } else { a })
}

/// Maximum of the non-missing values (`NaN` if none).
pub fn max(xs: &[f64]) -> f64 {
    present(xs).fold(f64::NAN, |a, b| if a.is_nan() || b > a { b } else { a })
}

/// Bias-adjusted sample skewness G1 (e1071 type 2, Excel's SKEW) of the
/// non-missing values. `None` when fewer than 3 values; `NaN` when the
/// values are all equal.
pub fn skew(xs: &[f64]) -> Option<f64> {
    skew_kurt(xs).0
}

/// Bias-adjusted excess kurtosis G2 (e1071 type 2, Excel's KURT) of the
/// non-missing values. `None` when fewer than 4 values.
pub fn kurt(xs: &[f64]) -> Option<f64> {
    skew_kurt(xs).1
}

/// Skewness and kurtosis together (one mean, shared sums).
pub fn skew_kurt(xs: &[f64]) -> (Option<f64>, Option<f64>) {
    let n = count(xs);
    if n < 3 {
        return (None, None);
    }
    let nf = n as f64;
    let m = mean(xs);
    let s2 = sum(present(xs).map(|x| (x - m) * (x - m)));
    let s3 = sum(present(xs).map(|x| (x - m).powf(3.0)));
    let s4 = if n < 4 { 0.0 } else { sum(present(xs).map(|x| (x - m).powf(4.0))) };
    if ![s2, s3, s4, s2 * s2, s2.powf(1.5), nf * s4].iter().all(|v| v.is_finite()) {
        // both are free of scale: the same numbers for x/k, whose powers
        // cannot overflow
        if let Some((_, ys)) = scaled(xs) {
            return skew_kurt(&ys);
        }
    }
    let g1 = nf.sqrt() * s3 / s2.powf(1.5) * (nf * (nf - 1.0)).sqrt() / (nf - 2.0);
    if n < 4 {
        return (Some(g1), None);
    }
    let r = nf * s4 / (s2 * s2);
    let g2 = ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0));
    (Some(g1), Some(g2))
}

/// Ranks with ties sharing the smallest rank (R's `ties.method = "min"`),
/// missing values keep no rank. `descending = true` gives rank 1 to the
/// largest value.
pub fn rank_min(xs: &[f64], descending: bool) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).filter(|&i| !xs[i].is_nan()).collect();
    if descending {
        idx.sort_by(|&a, &b| xs[b].total_cmp(&xs[a]));
    } else {
        idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    }
    let mut out = vec![f64::NAN; xs.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut e = k + 1;
        while e < idx.len() && xs[idx[e]] == xs[idx[k]] {
            e += 1;
        }
        for &i in &idx[k..e] {
            out[i] = (k + 1) as f64;
        }
        k = e;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn moments_match_closed_forms() {
        let x = [1.0, 2.0, 3.0, 4.0, f64::NAN];
        assert_eq!(mean(&x), 2.5);
        assert!(close(sd(&x), (5.0f64 / 3.0).sqrt()));
        assert_eq!(median(&x), 2.5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(min(&x), 1.0);
        assert_eq!(max(&x), 4.0);
        // symmetric data: zero skew
        assert!(close(skew(&x).expect("n>=3"), 0.0));
        // Excel KURT(1,2,3,4) = -1.2
        assert!(close(kurt(&x).expect("n>=4"), -1.2));
        // Excel SKEW(1,2,3,10) = 1.8443...; computed by hand:
        // mean 4, d = -3,-2,-1,6; s2 = 50, s3 = -27-8-1+216 = 180
        let g = (4.0f64).sqrt() * 180.0 / 50f64.powf(1.5) * (12.0f64).sqrt() / 2.0;
        assert!(close(skew(&[1.0, 2.0, 3.0, 10.0]).expect("n>=3"), g));
        assert!(skew(&[1.0, 2.0]).is_none());
        assert!(kurt(&[1.0, 2.0, 3.0]).is_none());
    }

    #[test]
    fn moments_of_huge_values_do_not_overflow() {
        // the same data times 1e103 and times 1e306: skewness and kurtosis
        // are free of scale; the mean and sd scale with the data
        let x = [1.0, 2.0, 3.0, 10.0, -4.0];
        for k in [1e103, 1e306] {
            let big: Vec<f64> = x.iter().map(|v| v * k).collect();
            assert!(close(mean(&big) / k, mean(&x)), "{k}");
            assert!(close(sd(&big) / k, sd(&x)), "{k}");
            let (s, ku) = skew_kurt(&big);
            assert!(close(s.expect("n>=3"), skew(&x).expect("n>=3")), "{k}: {s:?}");
            assert!(close(ku.expect("n>=4"), kurt(&x).expect("n>=4")), "{k}: {ku:?}");
        }
        let both = [1e308, -1e308, 1e308, -1e308];
        assert_eq!(mean(&both), 0.0);
        assert!(close(sd(&both) / 1e308, (4.0f64 / 3.0).sqrt()));
        // s2² overflows though s2 and s4 do not (20 values of ±5e76)
        let alternating: Vec<f64> = (0..20).map(|k| if k % 2 == 0 { 5e76 } else { -5e76 }).collect();
        let unit: Vec<f64> = (0..20).map(|k| if k % 2 == 0 { 1.0 } else { -1.0 }).collect();
        let (s, ku) = skew_kurt(&alternating);
        assert!(close(ku.expect("n>=4"), kurt(&unit).expect("n>=4")), "{ku:?}");
        assert!(close(s.expect("n>=3"), 0.0), "{s:?}");
        // a constant column is still constant (NaN skew), not an overflow
        assert!(skew(&[1e300; 5]).expect("n>=3").is_nan());
    }

    #[test]
    fn compensated_sum() {
        assert_eq!(sum([1e16, 1.0, -1e16]), 1.0);
        assert_eq!(sum([0.1; 10]), 1.0);
    }

    #[test]
    fn ranks_min_ties_missing_kept() {
        let r = rank_min(&[3.0, 1.0, 3.0, f64::NAN, 2.0], true);
        assert_eq!(&r[..3], &[1.0, 4.0, 1.0]);
        assert!(r[3].is_nan());
        assert_eq!(r[4], 3.0);
        let r = rank_min(&[3.0, 1.0, 3.0, 2.0], false);
        assert_eq!(r, vec![3.0, 1.0, 3.0, 2.0]);
    }
}
