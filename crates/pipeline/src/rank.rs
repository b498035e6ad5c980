//! Ranks: rank 1 = highest score, ties share the smallest rank, a missing
//! score has no rank (COINr's `rank_df()`, R's `rank(-x, ties = "min")`).

use crate::stats::rank_min;

/// Ranks of scores, highest first. `None` for a missing score.
pub fn rank_scores(scores: &[f64]) -> Vec<Option<u32>> {
    rank_min(scores, true).into_iter().map(|r| if r.is_nan() { None } else { Some(r as u32) }).collect()
}

/// Row indices from rank 1 down (stable among ties); unranked rows left out.
pub fn ranked_order(ranks: &[Option<u32>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..ranks.len()).filter(|&i| ranks[i].is_some()).collect();
    order.sort_by_key(|&i| ranks[i]);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highest_first_ties_min_missing_none() {
        assert_eq!(rank_scores(&[10.0, 30.0, 10.0, f64::NAN, 20.0]), vec![Some(3), Some(1), Some(3), None, Some(2)]);
    }

    #[test]
    fn ranked_order_best_first_ties_in_row_order() {
        assert_eq!(ranked_order(&[Some(3), Some(1), Some(3), None, Some(2)]), vec![1, 4, 0, 2]);
    }
}
