//! P-values of correlations, as R's `cor.test`: for Pearson from the t
//! statistic r·√((n−2)/(1−r²)) with n−2 degrees of freedom; for Spearman,
//! without ties, from the null distribution of S = Σd² (exact for n ≤ 9,
//! the Edgeworth series of algorithm AS 89 above), and with ties from the
//! same t statistic.

use statrs::distribution::{ContinuousCDF, StudentsT};

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
    // the normal tail from musl's erfc (libm), accurate to an ulp or two:
    // statrs's is ~1e-10 relative off at x ≈ −5, and the correction
    // subtracted next cancels four digits (R's pnorm agrees with libm)
    let normal = 0.5 * libm::erfc(if below { -x } else { x } / std::f64::consts::SQRT_2);
    let p = if below { normal - correction } else { normal + correction };
    p.clamp(0.0, 1.0)
}

/// Rankings up to this n get exact probabilities (9! = 362,880 of them).
const EXACT_UP_TO: usize = 9;

/// For n = 0..=9, how many of the n! rankings give each S = Σ(i − π(i))²,
/// worked out once by visiting every permutation (Heap's algorithm).
fn exact_s_counts() -> &'static [Vec<u64>] {
    static COUNTS: std::sync::LazyLock<Vec<Vec<u64>>> = std::sync::LazyLock::new(|| {
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
    });
    &COUNTS
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::coherence::close;
    use crate::coherence::correlation::spearman_with_ties;

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
}
