//! Rank intervals: how a unit's rank spreads over the replications.

use serde::Serialize;

/// Rank statistics of one unit over the replications where it has a rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankInterval {
    pub unit: String,
    pub nominal_rank: Option<u32>,
    pub mean_rank: f64,
    pub median_rank: f64,
    pub q05: f64,
    pub q95: f64,
    /// Replications that ranked the unit.
    pub runs: usize,
}

/// Quantile of sorted values, R's default (type 7): linear interpolation
/// between order statistics at h = (n − 1)p.
pub fn quantile_sorted(x: &[f64], p: f64) -> f64 {
    if x.is_empty() {
        return f64::NAN;
    }
    let h = (x.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(x.len() - 1);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// Rank intervals from `ranks[replication][unit]` (`NaN` = no rank).
pub fn rank_intervals(units: &[String], nominal: &[Option<u32>], ranks: &[Vec<f64>]) -> Vec<RankInterval> {
    let mut col = Vec::with_capacity(ranks.len());
    units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            col.clear();
            col.extend(ranks.iter().map(|r| r[u]).filter(|v| !v.is_nan()));
            col.sort_by(f64::total_cmp);
            let n = col.len();
            RankInterval {
                unit: unit.clone(),
                nominal_rank: nominal[u],
                mean_rank: if n == 0 { f64::NAN } else { col.iter().sum::<f64>() / n as f64 },
                median_rank: quantile_sorted(&col, 0.5),
                q05: quantile_sorted(&col, 0.05),
                q95: quantile_sorted(&col, 0.95),
                runs: n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_r_type_7() {
        // R: quantile(1:10, c(.05, .5, .95)) = 1.45 5.50 9.55
        let x: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile_sorted(&x, 0.05) - 1.45).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.5) - 5.5).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.95) - 9.55).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[3.0], 0.05), 3.0);
    }

    #[test]
    fn intervals_skip_missing() {
        let units = vec!["a".to_string(), "b".to_string()];
        let ranks = vec![vec![1.0, 2.0], vec![2.0, f64::NAN], vec![1.0, 1.0]];
        let r = rank_intervals(&units, &[Some(1), Some(2)], &ranks);
        assert_eq!(r[0].runs, 3);
        assert!((r[0].mean_rank - 4.0 / 3.0).abs() < 1e-12);
        assert_eq!(r[0].median_rank, 1.0);
        assert_eq!(r[1].runs, 2);
        assert_eq!(r[1].median_rank, 1.5);
    }
}
