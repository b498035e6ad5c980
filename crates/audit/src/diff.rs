//! What changed between two builds: score and rank changes per unit and
//! code, largest rank movers first.

use digindex_data::DataSet;
use digindex_pipeline::rank::rank_scores;
use serde::Serialize;

/// The change of one unit on one code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub unit: String,
    pub code: String,
    pub score_before: f64,
    pub score_after: f64,
    pub rank_before: Option<u32>,
    pub rank_after: Option<u32>,
}

impl Change {
    /// Positive = moved up (a smaller rank number).
    pub fn rank_change(&self) -> Option<i64> {
        Some(i64::from(self.rank_before?) - i64::from(self.rank_after?))
    }

    pub fn score_change(&self) -> f64 {
        self.score_after - self.score_before
    }
}

/// Changes of every code both builds have, for the units of either; each
/// code's rows ordered by the size of the rank change (largest first),
/// then by unit.
pub fn diff(before: &DataSet, after: &DataSet) -> Vec<Change> {
    let mut units: Vec<String> = before.units.clone();
    units.extend(after.units.iter().filter(|u| !before.units.contains(u)).cloned());
    let mut out = Vec::new();
    for code in before.codes.iter().filter(|c| after.col_index(c).is_some()) {
        let (Some(a), Some(b)) = (before.column(code), after.column(code)) else { continue };
        let (ra, rb) = (rank_scores(a), rank_scores(b));
        let mut rows: Vec<Change> = units
            .iter()
            .map(|u| {
                let ia = before.row_index(u);
                let ib = after.row_index(u);
                Change {
                    unit: u.clone(),
                    code: code.clone(),
                    score_before: ia.map_or(f64::NAN, |i| a[i]),
                    score_after: ib.map_or(f64::NAN, |i| b[i]),
                    rank_before: ia.and_then(|i| ra[i]),
                    rank_after: ib.and_then(|i| rb[i]),
                }
            })
            .collect();
        rows.sort_by(|x, y| {
            let key = |c: &Change| c.rank_change().map_or(-1, |v| v.abs());
            key(y).cmp(&key(x)).then_with(|| x.unit.cmp(&y.unit))
        });
        out.extend(rows);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::Matrix;

    #[test]
    fn largest_movers_first() {
        let units: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let before =
            DataSet::new(units.clone(), vec!["I".into()], Matrix::from_columns(3, &[vec![3.0, 2.0, 1.0]]).expect("ok"));
        let after = DataSet::new(units, vec!["I".into()], Matrix::from_columns(3, &[vec![1.0, 2.0, 3.0]]).expect("ok"));
        let d = diff(&before, &after);
        assert_eq!(d.len(), 3);
        assert_eq!((d[0].unit.as_str(), d[0].rank_change()), ("a", Some(-2)));
        assert_eq!((d[1].unit.as_str(), d[1].rank_change()), ("c", Some(2)));
        assert_eq!(d[2].rank_change(), Some(0));
        assert_eq!(d[0].score_change(), -2.0);
    }
}
