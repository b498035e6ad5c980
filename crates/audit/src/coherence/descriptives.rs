//! Descriptive statistics per indicator (COINr's `get_stats`): min, max,
//! mean, median, sd, skew, kurtosis, availability, zeros, with flags for
//! availability below 0.65 and for |skew| > 2 with kurtosis > 3.5; and data
//! availability of every unit overall and within every aggregate
//! (`get_data_avail`).

use digindex_data::{DataSet, Framework};
use digindex_pipeline::stats;
use serde::Serialize;

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
