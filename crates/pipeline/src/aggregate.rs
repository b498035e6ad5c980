//! Aggregate: combine children into their parent, level by level, up the
//! framework tree (COINr's `Aggregate()`).
//!
//! For a unit with child values xᵢ and weights wᵢ (relative within the
//! parent), over the children present:
//!
//! | method | value | COINr |
//! | --- | --- | --- |
//! | `arithmetic` | Σ(wᵢ/Σw)·xᵢ | `a_amean` |
//! | `geometric` | exp(Σwᵢ ln xᵢ / Σw); every xᵢ > 0 | `a_gmean` |
//! | `harmonic` | Σw / Σ(wᵢ/xᵢ); every xᵢ > 0 | `a_hmean` |
//! | `generalised` | (Σwᵢxᵢᵖ/Σw)^(1/p), p ≠ 0; missing if any child is | `a_genmean` |
//! | `copeland` | Σⱼ sign(oᵢⱼ − ½) over the other units | `a_copeland` |
//!
//! Missing children are skipped and the weights of the rest renormalised
//! (except by the generalised mean, which like COINr's `a_genmean` gives a
//! missing result); an aggregate is missing when no child is present, or
//! when the share of children present is below `min_coverage`.
//!
//! Copeland works on the whole group at once: oᵢⱼ = Σ w over children where
//! unit i beats j + ½ Σ w where they tie (weights normalised over all
//! children, comparisons with a missing value left out), computed for i < j
//! with oⱼᵢ = 1 − oᵢⱼ; each entry above ½ counts +1, below −1, equal 0. It
//! ignores `min_coverage`, as COINr's data-frame aggregation does.

use digindex_data::{DataSet, Framework, Matrix};
use serde::Serialize;

use crate::spec::{AggregateMethod, AggregateSpec, PerLevel};
use crate::stats;
use crate::{BuildError, Subject};

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct AggregateLog {
    /// Method used at each level above the indicators (level 2 first).
    pub methods: Vec<AggregateMethod>,
    /// Coverage threshold at each level above the indicators.
    pub min_coverage: Vec<f64>,
    /// Aggregate cells left missing (no child present or too few).
    pub missing: usize,
}

/// The (value, weight) pairs whose value is present.
fn present<'a>(x: &'a [f64], w: &'a [f64]) -> impl Iterator<Item = (f64, f64)> + 'a {
    x.iter().zip(w).filter(|(v, _)| !v.is_nan()).map(|(v, w)| (*v, *w))
}

/// Sum of the weights of the present values.
fn present_weight(x: &[f64], w: &[f64]) -> f64 {
    stats::sum(present(x, w).map(|(_, w)| w))
}

/// Weighted arithmetic mean over the present values.
pub fn arithmetic(x: &[f64], w: &[f64]) -> f64 {
    arithmetic_ws(x, w, present_weight(x, w))
}

/// [`arithmetic`] given `ws`, the weight of the present values.
fn arithmetic_ws(x: &[f64], w: &[f64], ws: f64) -> f64 {
    if x.iter().all(|v| v.is_nan()) {
        return f64::NAN;
    }
    let m = stats::sum(present(x, w).map(|(v, w)| (w / ws) * v));
    if m.is_finite() {
        return m;
    }
    // finite values whose weighted sum overflows: in units of the largest
    match stats::scaled(x) {
        Some((k, ys)) => k * stats::sum(present(&ys, w).map(|(v, w)| (w / ws) * v)),
        None => m,
    }
}

/// Weighted geometric mean over the present values (all must be > 0).
pub fn geometric(x: &[f64], w: &[f64]) -> Result<f64, usize> {
    geometric_ws(x, w, present_weight(x, w))
}

/// [`geometric`] given `ws`, the weight of the present values.
fn geometric_ws(x: &[f64], w: &[f64], ws: f64) -> Result<f64, usize> {
    if x.iter().all(|v| v.is_nan()) {
        return Ok(f64::NAN);
    }
    if let Some(i) = x.iter().position(|v| *v <= 0.0) {
        return Err(i);
    }
    Ok((stats::sum(present(x, w).map(|(v, w)| w * v.ln())) / ws).exp())
}

/// Weighted harmonic mean over the present values (all must be > 0).
pub fn harmonic(x: &[f64], w: &[f64]) -> Result<f64, usize> {
    harmonic_ws(x, w, present_weight(x, w))
}

/// [`harmonic`] given `ws`, the weight of the present values.
fn harmonic_ws(x: &[f64], w: &[f64], ws: f64) -> Result<f64, usize> {
    if x.iter().all(|v| v.is_nan()) {
        return Ok(f64::NAN);
    }
    if let Some(i) = x.iter().position(|v| *v <= 0.0) {
        return Err(i);
    }
    Ok(ws / stats::sum(present(x, w).map(|(v, w)| w / v)))
}

/// Weighted generalised (power) mean (Σwᵢxᵢᵖ/Σw)^(1/p), as COINr's
/// `a_genmean`: a missing child makes the result missing. Errors (index of
/// the offending child) for a negative value with a fractional or negative
/// `p`, and for zero with a negative `p`.
pub fn generalised(x: &[f64], w: &[f64], p: f64) -> Result<f64, usize> {
    if x.iter().any(|v| v.is_nan()) {
        return Ok(f64::NAN);
    }
    if let Some(i) = x.iter().position(|v| (*v < 0.0 && (p.fract() != 0.0 || p < 0.0)) || (*v == 0.0 && p < 0.0)) {
        return Err(i);
    }
    let pw = |v: f64| if p == 2.0 { v * v } else { v.powf(p) };
    let ws = stats::sum(w.iter().copied());
    let m = (stats::sum(x.iter().zip(w).map(|(v, w)| w * pw(*v))) / ws).powf(1.0 / p);
    let underflow = m == 0.0 && x.iter().zip(w).any(|(v, w)| *v != 0.0 && *w > 0.0);
    if m.is_finite() && !underflow {
        return Ok(m);
    }
    // xᵖ overflowed or underflowed (p = 200 on [0, 100] data): the same
    // mean in units of k, the largest |x| for p > 0 (every (x/k)ᵖ ≤ 1) or
    // the smallest for p < 0 (every (x/k)ᵖ ≤ 1 again)
    let mags = x.iter().map(|v| v.abs());
    let k = if p > 0.0 { mags.fold(0.0, f64::max) } else { mags.fold(f64::INFINITY, f64::min) };
    if !k.is_finite() || k == 0.0 {
        return Ok(m);
    }
    Ok(k * (stats::sum(x.iter().zip(w).map(|(v, w)| w * pw(v / k))) / ws).powf(1.0 / p))
}

/// Copeland scores of the rows of `cols` (one slice per child).
pub fn copeland(cols: &[&[f64]], w: &[f64]) -> Vec<f64> {
    let n = cols.first().map_or(0, |c| c.len());
    let ws = stats::sum(w.iter().copied());
    let wn: Vec<f64> = w.iter().map(|v| v / ws).collect();
    let mut orm = vec![0.0f64; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let mut beat = Vec::new();
            let mut tie = Vec::new();
            for (c, col) in cols.iter().enumerate() {
                let (a, b) = (col[i], col[j]);
                if a.is_nan() || b.is_nan() {
                    continue;
                }
                if a > b {
                    beat.push(wn[c]);
                } else if a == b {
                    tie.push(wn[c]);
                }
            }
            let o = stats::sum([stats::sum(beat), stats::sum(tie) / 2.0]);
            orm[i * n + j] = o;
            orm[j * n + i] = 1.0 - o;
        }
    }
    (0..n)
        .map(|i| {
            (0..n)
                .filter(|&j| j != i)
                .map(|j| {
                    let o = orm[i * n + j];
                    if o > 0.5 {
                        1.0
                    } else if o < 0.5 {
                        -1.0
                    } else {
                        0.0
                    }
                })
                .sum()
        })
        .collect()
}

fn per_level(v: &PerLevel, levels: usize, what: &str) -> Result<Vec<f64>, BuildError> {
    match v {
        PerLevel::All(x) => Ok(vec![*x; levels]),
        PerLevel::Each(xs) if xs.len() == levels => Ok(xs.clone()),
        PerLevel::Each(xs) => Err(BuildError::new(
            "aggregate",
            format!("{what} has {} values but the framework has {levels} levels above the indicators", xs.len()),
        )),
    }
}

/// Aggregates the normalised indicators `ds` (columns = the framework's
/// indicators) up the tree with per-node `weights` (one per framework
/// node). The result holds the indicators, then every aggregate level by
/// level in framework order.
pub fn aggregate(
    ds: &DataSet,
    fw: &Framework,
    weights: &[f64],
    spec: &AggregateSpec,
) -> Result<(DataSet, AggregateLog), BuildError> {
    let step = "aggregate";
    let levels = fw.max_level().saturating_sub(1) as usize;
    let methods = match &spec.methods {
        Some(m) if m.len() == levels => m.clone(),
        Some(m) => {
            return Err(BuildError::new(
                step,
                format!(
                    "aggregate.methods has {} entries but the framework has {levels} levels above the indicators ({})",
                    m.len(),
                    fw.level_names()[1..].join(", ")
                ),
            ));
        }
        None => vec![spec.method; levels],
    };
    let thresholds = per_level(&spec.min_coverage, levels, "aggregate.min_coverage")?;
    let n = ds.units.len();
    // column of each node in the output
    let mut col_of = vec![usize::MAX; fw.nodes().len()];
    let mut codes = Vec::with_capacity(fw.nodes().len());
    for (j, code) in ds.codes.iter().enumerate() {
        let Some(i) = fw.index_of(code) else {
            return Err(BuildError::about(
                step,
                Subject::Code(code.clone()),
                format!("column {code} is not in the framework"),
            ));
        };
        col_of[i] = j;
        codes.push(code.clone());
    }
    for &i in fw.indicators() {
        if col_of[i] == usize::MAX {
            let code = &fw.node(i).code;
            return Err(BuildError::about(
                step,
                Subject::Code(code.clone()),
                format!("indicator {code} has no data column"),
            ));
        }
    }
    let mut values = Matrix::missing(n, 0);
    for j in 0..ds.values.ncol() {
        values.push_col(ds.values.col(j));
    }
    let mut log = AggregateLog { methods: methods.clone(), min_coverage: thresholds.clone(), missing: 0 };
    let mut out_col = vec![0.0; n];
    let mut xs: Vec<f64> = Vec::new();
    for level in 2..=fw.max_level() {
        let method = methods[level as usize - 2];
        let thr = thresholds[level as usize - 2];
        for &a in fw.level(level) {
            let node = fw.node(a);
            let ch = &node.children;
            let mut w: Vec<f64> = ch.iter().map(|&c| weights[c]).collect();
            if let Some((&c, x)) = ch.iter().zip(&w).find(|(_, x)| !x.is_finite() || **x < 0.0) {
                let code = &fw.node(c).code;
                return Err(BuildError::about(
                    step,
                    Subject::Code(code.clone()),
                    format!("the weight of {code} is {x}; a weight must be a finite number ≥ 0"),
                ));
            }
            digindex_data::relative_weights(&mut w);
            if stats::sum(w.iter().copied()) <= 0.0 {
                return Err(BuildError::about(
                    step,
                    Subject::Code(node.code.clone()),
                    format!(
                        "the weights of the children of {} ({}) sum to zero; give at least one a positive weight",
                        node.code,
                        ch.iter().map(|&c| fw.node(c).code.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            let cols: Vec<&[f64]> = ch.iter().map(|&c| values.col(col_of[c])).collect();
            // a child with no value for any unit (an indicator absent that
            // year) does not count against a unit's coverage
            let live = cols.iter().filter(|c| c.iter().any(|v| !v.is_nan())).count().max(1);
            if method == AggregateMethod::Copeland {
                // pairwise wins over the children present (an absent one decides no pair)
                let (lc, lw): (Vec<&[f64]>, Vec<f64>) =
                    cols.iter().zip(&w).filter(|(c, _)| c.iter().any(|v| !v.is_nan())).map(|(c, x)| (*c, *x)).unzip();
                out_col.copy_from_slice(&copeland(&lc, &lw));
            } else {
                for (u, out) in out_col.iter_mut().enumerate() {
                    xs.clear();
                    xs.extend(cols.iter().map(|c| c[u]));
                    let present = xs.iter().filter(|v| !v.is_nan()).count();
                    if (present as f64) / (live as f64) < thr {
                        *out = f64::NAN;
                        continue;
                    }
                    let ws = present_weight(&xs, &w);
                    if present > 0 && ws <= 0.0 {
                        return Err(BuildError::about(
                            step,
                            Subject::Unit { unit: ds.units[u].clone(), code: node.code.clone() },
                            format!(
                                "the children of {} present for it all have weight 0, so the mean is undefined",
                                node.code
                            ),
                        ));
                    }
                    let r = match method {
                        AggregateMethod::Arithmetic => Ok(arithmetic_ws(&xs, &w, ws)),
                        AggregateMethod::Geometric => geometric_ws(&xs, &w, ws),
                        AggregateMethod::Harmonic => harmonic_ws(&xs, &w, ws),
                        AggregateMethod::Generalised => generalised(&xs, &w, spec.p),
                        AggregateMethod::Copeland => unreachable!("handled above"),
                    };
                    *out = r.map_err(|k| {
                        BuildError::about(
                            step,
                            Subject::Unit { unit: ds.units[u].clone(), code: node.code.clone() },
                            format!(
                                "{} of {} is {}, but the {} mean needs values > 0 (normalise to a positive range, e.g. normalise.range = [1, 100])",
                                fw.node(ch[k]).code,
                                node.code,
                                xs[k],
                                match method {
                                    AggregateMethod::Geometric => "geometric",
                                    AggregateMethod::Harmonic => "harmonic",
                                    _ => "generalised",
                                }
                            ),
                        )
                    })?;
                    // finite children, a result that is not a number: an
                    // overflow, never a silently missing score
                    // (a generalised mean of a negative sum with odd p is
                    // NaN, as in R: not an overflow)
                    let nan_is_overflow = method != AggregateMethod::Generalised;
                    if out.is_infinite() || out.is_nan() && present > 0 && nan_is_overflow {
                        return Err(BuildError::about(
                            step,
                            Subject::Unit { unit: ds.units[u].clone(), code: node.code.clone() },
                            format!(
                                "the {:?} mean of the children of {} ({}) is {}: the arithmetic overflows; rescale the \
                                 data or normalise it first",
                                method,
                                node.code,
                                xs.iter().map(|v| digindex_data::shown(*v)).collect::<Vec<_>>().join(", "),
                                digindex_data::shown(*out)
                            ),
                        ));
                    }
                }
            }
            log.missing += out_col.iter().filter(|v| v.is_nan()).count();
            col_of[a] = values.ncol();
            values.push_col(&out_col);
            codes.push(node.code.clone());
        }
    }
    Ok((DataSet::new(ds.units.clone(), codes, values), log))
}

#[cfg(test)]
mod tests {
    use super::*;
    use digindex_data::NodeSpec;

    const NAN: f64 = f64::NAN;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn means_closed_forms() {
        // COINr's own check: gmean of 1,2,3 = 6^(1/3)
        assert!(close(geometric(&[1.0, 2.0, 3.0], &[1.0; 3]).expect("positive"), 6f64.powf(1.0 / 3.0)));
        assert!(close(arithmetic(&[1.0, NAN, 4.0], &[1.0, 5.0, 3.0]), (1.0 + 12.0) / 4.0));
        assert!(close(harmonic(&[1.0, 2.0, 4.0], &[1.0; 3]).expect("positive"), 3.0 / 1.75));
        assert!(close(generalised(&[1.0, 3.0], &[1.0, 1.0], 2.0).expect("ok"), 5f64.sqrt()));
        // p = 1 is the arithmetic mean; a missing child gives a missing mean (COINr)
        assert!(close(generalised(&[1.0, 3.0], &[1.0, 3.0], 1.0).expect("ok"), 2.5));
        assert!(generalised(&[1.0, NAN], &[1.0, 1.0], 1.0).expect("ok").is_nan());
        assert!(close(generalised(&[1.0, 4.0], &[1.0, 1.0], 0.5).expect("ok"), 2.25));
        assert_eq!(generalised(&[1.0, -4.0], &[1.0, 1.0], 0.5), Err(1));
        assert_eq!(generalised(&[0.0, 4.0], &[1.0, 1.0], -1.0), Err(0));
        assert!(arithmetic(&[NAN, NAN], &[1.0, 1.0]).is_nan());
        assert_eq!(geometric(&[1.0, 0.0], &[1.0; 2]), Err(1));
        assert_eq!(harmonic(&[1.0, -2.0], &[1.0; 2]), Err(1));
    }

    #[test]
    fn means_of_huge_and_high_powers_do_not_overflow() {
        // p = 200 on [0, 100] data: 100^200 overflows, the mean does not
        let g = generalised(&[100.0, 50.0], &[1.0, 1.0], 200.0).expect("ok");
        assert!(close(g, 100.0 * ((1.0 + 0.5f64.powi(200)) / 2.0).powf(1.0 / 200.0)), "{g}");
        assert!(g > 99.0 && g < 100.0);
        // and underflow: 0.5^2000 is 0 in floating point
        let g = generalised(&[0.5, 0.25], &[1.0, 1.0], 2000.0).expect("ok");
        assert!(close(g, 0.5 * 0.5f64.powf(1.0 / 2000.0)), "{g}");
        // p = -200: scaled by the smallest value
        let g = generalised(&[1e-3, 1.0], &[1.0, 1.0], -200.0).expect("ok");
        assert!(close(g, 1e-3 * 2f64.powf(1.0 / 200.0)), "{g}");
        // arithmetic mean of values near the largest number
        assert!(close(arithmetic(&[1.5e308, 1.7e308], &[1.0, 1.0]) / 1e308, 1.6));
        // ordinary data: the plain formula, unchanged
        assert_eq!(generalised(&[1.0, 3.0], &[1.0, 1.0], 2.0).expect("ok"), 5f64.sqrt());
        // a negative sum with odd p: NaN, as R's a_genmean gives, not an error
        assert!(generalised(&[-2.0, 1.0], &[1.0, 1.0], 3.0).expect("ok").is_nan());
    }

    #[test]
    fn copeland_matches_coinr_toy() {
        // COINr test: x1 = 1:4, x2 = c(3,2,1,5), x3 = c(2,3,1,4)
        let x1 = [1.0, 2.0, 3.0, 4.0];
        let x2 = [3.0, 2.0, 1.0, 5.0];
        let x3 = [2.0, 3.0, 1.0, 4.0];
        let s = copeland(&[&x1, &x2, &x3], &[1.0; 3]);
        // outranking: o21 = 2/3, o31 = 1/3, o41 = 1, o32 = 1/3, o42 = 1, o43 = 1
        assert_eq!(s, vec![-1.0 + 1.0 - 1.0, 1.0 + 1.0 - 1.0, -1.0 - 1.0 - 1.0, 3.0]);
        // two units each better on one of two equally weighted indicators: both 0
        assert_eq!(copeland(&[&[1.0, 2.0], &[2.0, 1.0]], &[1.0, 1.0]), vec![0.0, 0.0]);
    }

    fn fw() -> Framework {
        let n = |c: &str, p: Option<&str>, w: f64| NodeSpec {
            code: c.into(),
            parent: p.map(Into::into),
            weight: Some(w),
            ..Default::default()
        };
        Framework::new(
            vec![
                n("a", Some("P"), 1.0),
                n("b", Some("P"), 3.0),
                n("c", Some("Q"), 1.0),
                n("P", Some("I"), 1.0),
                n("Q", Some("I"), 1.0),
                n("I", None, 1.0),
            ],
            vec![],
        )
        .expect("valid")
    }

    fn spec() -> AggregateSpec {
        AggregateSpec::default()
    }

    #[test]
    fn huge_weights_are_relative_weights_too() {
        // sibling weights of 1e308 sum to infinity: scaled by their maximum, not dropped
        let f = fw();
        let ds = DataSet::new(
            vec!["u".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(1, &[vec![4.0], vec![8.0], vec![10.0]]).expect("equal"),
        );
        let (plain, _) = aggregate(&ds, &f, &f.weights(), &spec()).expect("ok");
        // a = 0.57e308, b = 1.7e308: their sum overflows
        let mut w: Vec<f64> = f.weights().iter().map(|x| x * (1.7e308 / 3.0)).collect();
        let (big, _) = aggregate(&ds, &f, &w, &spec()).expect("ok");
        for code in ["P", "Q", "I"] {
            let (a, b) = (plain.column(code).expect("col")[0], big.column(code).expect("col")[0]);
            assert!(close(a, b), "{code}: {a} vs {b}");
        }
        // a weight that is not a finite number is an error
        w[0] = f64::INFINITY;
        assert!(aggregate(&ds, &f, &w, &spec()).unwrap_err().message.contains("finite"));
    }

    #[test]
    fn tree_aggregation_with_missing_and_coverage() {
        let f = fw();
        let ds = DataSet::new(
            vec!["u".into(), "v".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(2, &[vec![4.0, NAN], vec![8.0, 2.0], vec![10.0, NAN]]).expect("equal"),
        );
        let (out, log) = aggregate(&ds, &f, &f.weights(), &spec()).expect("ok");
        assert_eq!(out.codes, ["a", "b", "c", "P", "Q", "I"]);
        assert!(close(out.column("P").expect("P")[0], 7.0));
        assert!(close(out.column("P").expect("P")[1], 2.0), "missing child skipped");
        assert!(out.column("Q").expect("Q")[1].is_nan());
        assert!(close(out.column("I").expect("I")[0], 8.5));
        assert!(close(out.column("I").expect("I")[1], 2.0));
        assert_eq!(log.missing, 1);
        let mut s = spec();
        s.min_coverage = PerLevel::Each(vec![0.6, 0.0]);
        let (out, _) = aggregate(&ds, &f, &f.weights(), &s).expect("ok");
        assert!(out.column("P").expect("P")[1].is_nan(), "1 of 2 children < 60%");
        s.min_coverage = PerLevel::Each(vec![0.6]);
        assert!(aggregate(&ds, &f, &f.weights(), &s).is_err());
    }

    #[test]
    fn an_absent_child_counts_for_no_unit() {
        // a has no value for any unit (absent that year): P is b alone, for the
        // coverage threshold too, and for Copeland's pairwise wins
        let f = fw();
        let ds = DataSet::new(
            vec!["u".into(), "v".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(2, &[vec![NAN, NAN], vec![8.0, 2.0], vec![10.0, 1.0]]).expect("equal"),
        );
        let mut s = spec();
        s.min_coverage = PerLevel::Each(vec![0.6, 0.0]);
        let (out, _) = aggregate(&ds, &f, &f.weights(), &s).expect("ok");
        assert_eq!(out.column("P").expect("P"), [8.0, 2.0], "1 of 1 child present: not below 60%");
        let mut c = spec();
        c.methods = Some(vec![AggregateMethod::Copeland, AggregateMethod::Arithmetic]);
        // a weighs 3, b 1: were the absent a counted, v would take its 3/4 of the pair
        let mut w = f.weights();
        (w[0], w[1]) = (3.0, 1.0);
        let (out, _) = aggregate(&ds, &f, &w, &c).expect("ok");
        // u beats v on b, the one child present: +1 and -1
        assert_eq!(out.column("P").expect("P"), [1.0, -1.0]);
    }

    #[test]
    fn per_level_methods_and_errors() {
        let f = fw();
        let ds = DataSet::new(
            vec!["u".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(1, &[vec![1.0], vec![16.0], vec![4.0]]).expect("equal"),
        );
        let mut s = spec();
        s.methods = Some(vec![AggregateMethod::Geometric, AggregateMethod::Harmonic]);
        let (out, _) = aggregate(&ds, &f, &f.weights(), &s).expect("ok");
        // P = exp((ln 1 + 3 ln 16)/4) = 8; Q = 4; I = 2/(1/8 + 1/4)
        assert!(close(out.column("P").expect("P")[0], 8.0));
        assert!(close(out.column("I").expect("I")[0], 2.0 / 0.375));
        s.methods = Some(vec![AggregateMethod::Geometric]);
        assert!(aggregate(&ds, &f, &f.weights(), &s).unwrap_err().message.contains("2 levels"));
        // the only child present has weight 0: undefined, not silently missing
        let gap = DataSet::new(
            vec!["u".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(1, &[vec![1.0], vec![NAN], vec![4.0]]).expect("equal"),
        );
        let mut w = f.weights();
        w[0] = 0.0;
        let e = aggregate(&gap, &f, &w, &spec()).unwrap_err();
        assert!(
            e.to_string().starts_with("aggregate: unit u: the children of P present for it all have weight 0"),
            "{e}"
        );
        assert_eq!((e.unit(), e.code()), (Some("u"), Some("P")));
        w[1] = 0.0;
        assert!(aggregate(&ds, &f, &w, &spec()).unwrap_err().message.contains("sum to zero"));
        let zero = DataSet::new(
            vec!["u".into()],
            vec!["a".into(), "b".into(), "c".into()],
            Matrix::from_columns(1, &[vec![0.0], vec![16.0], vec![4.0]]).expect("equal"),
        );
        s.methods = None;
        s.method = AggregateMethod::Geometric;
        let e = aggregate(&zero, &f, &f.weights(), &s).unwrap_err();
        assert!(e.to_string().starts_with("aggregate: unit u: a of P is 0, but the geometric mean"), "{e}");
        assert_eq!(e.subject, Subject::Unit { unit: "u".into(), code: "P".into() });
        assert!(e.message.starts_with("a of P is 0"), "{e}");
    }
}
