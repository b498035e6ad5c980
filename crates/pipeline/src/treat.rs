//! Treat: outlier treatment, indicator by indicator, as COINr's `Treat()`.
//!
//! For each indicator:
//! 1. check: it passes when |skew| < `skew` **or** kurtosis < `kurtosis`
//!    (skew = bias-adjusted G1, kurtosis = excess G2, both over the values
//!    present; see [`crate::stats`]);
//! 2. if it fails, apply `method` (default Winsorisation) and check again;
//! 3. if it still fails, apply `fallback` (default `log_ct`) to the
//!    *original* values (to `method`'s output with `combine = true`) and
//!    check again.
//!
//! Winsorisation (COINr's `winsorise()`): while the check fails and fewer
//! than `max_points` points have been changed, replace all values equal to
//! the maximum by the largest remaining value if skew ≥ 0 (else the minimum
//! by the smallest remaining value). The count is the number of points at
//! the extreme after the last replacement, so tied extremes count each.
//!
//! Transforms: `log_ct` = ln(x − min + 0.01·(max − min)); `log_ct_orig` =
//! ln(x − min + 1); `log_ct_plus` = `log_ct` when skew > 0, else
//! −ln(max + 0.01·(max − min) − x); `boxcox` = Box-Cox with `lambda` of
//! x − min + 1.
//!
//! If a check cannot decide (all values equal, so skew is 0/0; or fewer
//! than 4 values present, so kurtosis is undefined, and the skew alone
//! does not pass) the indicator is left as it was, as COINr does, and the
//! build warns.
//!
//! One deliberate difference: `force = true` Winsorises up to `max_points`
//! even when the first check passes (COINr ignores it then, its issue #53).

use digindex_data::{DataSet, suggest};
use serde::Serialize;

use crate::spec::{TreatMethod, TreatSpec};
use crate::stats;
use crate::{BuildError, Subject};

/// The settings for one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreatConfig {
    pub method: TreatMethod,
    pub max_points: u32,
    pub skew: f64,
    pub kurtosis: f64,
    pub fallback: TreatMethod,
    pub lambda: f64,
    pub combine: bool,
    pub force: bool,
}

impl TreatConfig {
    /// The global settings with the indicator's overrides applied.
    pub fn for_indicator(spec: &TreatSpec, code: &str) -> TreatConfig {
        let o = spec.indicators.get(code);
        TreatConfig {
            method: o.and_then(|o| o.method).unwrap_or(spec.method),
            max_points: o.and_then(|o| o.max_points).unwrap_or(spec.max_points),
            skew: o.and_then(|o| o.skew).unwrap_or(spec.skew),
            kurtosis: o.and_then(|o| o.kurtosis).unwrap_or(spec.kurtosis),
            fallback: o.and_then(|o| o.fallback).unwrap_or(spec.fallback),
            lambda: o.and_then(|o| o.lambda).unwrap_or(spec.lambda),
            combine: spec.combine,
            force: o.and_then(|o| o.force).unwrap_or(spec.force),
        }
    }
}

/// Skew, kurtosis and verdict of one check. `pass` is `None` when the
/// check cannot decide (constant values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Check {
    pub skew: f64,
    pub kurtosis: f64,
    pub pass: Option<bool>,
}

/// What happened to one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatRecord {
    pub code: String,
    pub method: TreatMethod,
    /// Check of the values as they came in.
    pub before: Option<Check>,
    /// Whether `method` was applied, and the check after it.
    pub treated: bool,
    pub after_method: Option<Check>,
    /// Points changed by Winsorisation (COINr's `winsorise.nwin`).
    pub winsorised: u32,
    /// Fallback applied, and the check after it.
    pub fallback: Option<TreatMethod>,
    pub after_fallback: Option<Check>,
    /// Per-unit marks: "", "winhi", "winlo", "log_ct", …
    #[serde(skip)]
    pub points: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TreatLog {
    pub indicators: Vec<TreatRecord>,
}

impl TreatLog {
    /// Indicators whose values changed.
    pub fn changed(&self) -> impl Iterator<Item = &TreatRecord> {
        self.indicators
            .iter()
            .filter(|r| r.winsorised > 0 || r.fallback.is_some() || (r.treated && r.method != TreatMethod::Winsorise))
    }
}

/// Runs the skew/kurtosis check. With fewer than 3 (skew) or 4 (kurtosis)
/// values present the statistic is undefined (`NaN`).
pub fn check(x: &[f64], skew_t: f64, kurt_t: f64) -> Result<Check, String> {
    let (s, k) = stats::skew_kurt(x);
    let (s, k) = (s.unwrap_or(f64::NAN), k.unwrap_or(f64::NAN));
    let pass = if s.is_nan() && k.is_nan() {
        None
    } else {
        // R: (abs(s) < t) | (k < t); NA | TRUE = TRUE, NA | FALSE = NA
        let a = if s.is_nan() { None } else { Some(s.abs() < skew_t) };
        let b = if k.is_nan() { None } else { Some(k < kurt_t) };
        match (a, b) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        }
    };
    Ok(Check { skew: s, kurtosis: k, pass })
}

/// COINr's `winsorise()`: returns the values, points changed and marks.
pub fn winsorise(x: &[f64], cfg: &TreatConfig) -> Result<(Vec<f64>, u32, Vec<String>), String> {
    let mut x = x.to_vec();
    let mut passing = check(&x, cfg.skew, cfg.kurtosis)?.pass.unwrap_or(true);
    let mut imax: Vec<usize> = Vec::new();
    let mut imin: Vec<usize> = Vec::new();
    let mut nwin = 0u32;
    if !passing || cfg.force {
        while (!passing || cfg.force) && nwin < cfg.max_points {
            let Some(sk) = stats::skew(&x).filter(|s| !s.is_nan()) else { break };
            // positive skew: high outliers, replace the maximum; else the minimum
            let high = sk >= 0.0;
            let extreme = |v: &[f64]| if high { stats::max(v) } else { stats::min(v) };
            let m = extreme(&x);
            let at: Vec<usize> = (0..x.len()).filter(|&i| x[i] == m).collect();
            let rest: Vec<f64> = x.iter().copied().filter(|v| *v != m).collect();
            let next = extreme(&rest);
            if next.is_nan() {
                break;
            }
            for &i in &at {
                x[i] = next;
            }
            if high {
                imax = at;
            } else {
                imin = at;
            }
            nwin = (imax.len() + imin.len()) as u32;
            passing = check(&x, cfg.skew, cfg.kurtosis)?.pass.unwrap_or(true);
        }
    }
    let mut marks = vec![String::new(); x.len()];
    for &i in &imax {
        marks[i] = "winhi".into();
    }
    for &i in &imin {
        marks[i] = "winlo".into();
    }
    Ok((x, nwin, marks))
}

/// Applies a transform (not Winsorisation) to every present value.
pub fn transform(x: &[f64], method: TreatMethod, lambda: f64) -> Vec<f64> {
    let mn = stats::min(x);
    let mx = stats::max(x);
    let a = 0.01 * (mx - mn);
    match method {
        TreatMethod::None | TreatMethod::Winsorise => x.to_vec(),
        TreatMethod::LogCt => x.iter().map(|v| (v - mn + a).ln()).collect(),
        TreatMethod::LogCtOrig => x.iter().map(|v| (v - mn + 1.0).ln()).collect(),
        TreatMethod::LogCtPlus => {
            if log_ct_plus_positive(x) {
                x.iter().map(|v| (v - mn + a).ln()).collect()
            } else {
                x.iter().map(|v| -(mx + a - v).ln()).collect()
            }
        }
        TreatMethod::Boxcox => x
            .iter()
            .map(|v| {
                let y = v - mn + 1.0;
                if lambda == 0.0 { y.ln() } else { (y.powf(lambda) - 1.0) / lambda }
            })
            .collect(),
    }
}

/// `log_ct_plus` takes the positive branch only for skew > 0 (COINr).
fn log_ct_plus_positive(x: &[f64]) -> bool {
    stats::skew(x).is_some_and(|s| s > 0.0)
}

/// The per-point mark COINr writes for a transform.
fn mark_name(m: TreatMethod, x: &[f64]) -> &'static str {
    match m {
        TreatMethod::LogCt => "log_CT",
        TreatMethod::LogCtOrig => "log_CT_orig",
        TreatMethod::LogCtPlus if log_ct_plus_positive(x) => "log_CT",
        TreatMethod::LogCtPlus => "log_CT_neg",
        _ => "",
    }
}

fn apply(x: &[f64], method: TreatMethod, cfg: &TreatConfig) -> Result<(Vec<f64>, u32, Vec<String>), String> {
    let out = apply_unchecked(x, method, cfg)?;
    // finite in, not finite out (Box-Cox with a large lambda, a log of
    // values spread wider than the largest number): an error, not a column
    // the check then calls undecidable and leaves untreated
    if let Some((v, y)) = x.iter().zip(&out.0).find(|(v, y)| v.is_finite() && !y.is_finite()) {
        let detail =
            if method == TreatMethod::Boxcox { format!(" with lambda = {}", cfg.lambda) } else { String::new() };
        return Err(format!(
            "the {method:?} transform{detail} turns {} into {}: the arithmetic overflows; use a smaller lambda or \
             rescale the data",
            digindex_data::shown(*v),
            digindex_data::shown(*y)
        ));
    }
    Ok(out)
}

fn apply_unchecked(x: &[f64], method: TreatMethod, cfg: &TreatConfig) -> Result<(Vec<f64>, u32, Vec<String>), String> {
    match method {
        TreatMethod::Winsorise => winsorise(x, cfg),
        TreatMethod::None => Ok((x.to_vec(), 0, vec![String::new(); x.len()])),
        TreatMethod::Boxcox => Ok((transform(x, method, cfg.lambda), 0, vec![String::new(); x.len()])),
        m => Ok((transform(x, m, cfg.lambda), 0, vec![mark_name(m, x).to_string(); x.len()])),
    }
}

/// Treats one indicator column.
pub fn treat_column(code: &str, x: &[f64], cfg: &TreatConfig) -> Result<(Vec<f64>, TreatRecord), String> {
    let mut rec = TreatRecord {
        code: code.to_string(),
        method: cfg.method,
        before: None,
        treated: false,
        after_method: None,
        winsorised: 0,
        fallback: None,
        after_fallback: None,
        points: vec![String::new(); x.len()],
    };
    if cfg.method == TreatMethod::None {
        return Ok((x.to_vec(), rec));
    }
    let c0 = check(x, cfg.skew, cfg.kurtosis)?;
    rec.before = Some(c0);
    let Some(pass0) = c0.pass else { return Ok((x.to_vec(), rec)) };
    let forced = cfg.force && cfg.method == TreatMethod::Winsorise;
    if pass0 && !forced {
        return Ok((x.to_vec(), rec));
    }
    let (x1, nwin, marks1) = apply(x, cfg.method, cfg)?;
    rec.treated = true;
    rec.winsorised = nwin;
    let c1 = check(&x1, cfg.skew, cfg.kurtosis)?;
    rec.after_method = Some(c1);
    let Some(pass1) = c1.pass else {
        // COINr returns the untreated vector when the check cannot decide
        rec.treated = false;
        rec.winsorised = 0;
        return Ok((x.to_vec(), rec));
    };
    if pass1 || cfg.fallback == TreatMethod::None {
        rec.points = marks1;
        return Ok((x1, rec));
    }
    let base = if cfg.combine { &x1 } else { x };
    let (x2, _, marks2) = apply(base, cfg.fallback, cfg)?;
    rec.fallback = Some(cfg.fallback);
    let c2 = check(&x2, cfg.skew, cfg.kurtosis)?;
    rec.after_fallback = Some(c2);
    if c2.pass.is_none() {
        rec.fallback = None;
        rec.treated = false;
        rec.winsorised = 0;
        return Ok((x.to_vec(), rec));
    }
    // COINr glues the marks of both steps with "+"
    rec.points =
        marks1.iter().zip(&marks2).map(|(a, b)| if b.is_empty() { a.clone() } else { format!("{a}+{b}") }).collect();
    Ok((x2, rec))
}

/// Treats every indicator of `ds`.
pub fn treat(ds: &DataSet, spec: &TreatSpec) -> Result<(DataSet, TreatLog), BuildError> {
    for code in spec.indicators.keys() {
        if ds.col_index(code).is_none() {
            return Err(BuildError::new(
                "treat",
                format!("[treat.indicators.{code}]: {code:?} is not an indicator{}", suggest(code, ds.codes.iter())),
            ));
        }
    }
    let mut out = ds.clone();
    let mut log = TreatLog::default();
    for (j, code) in ds.codes.iter().enumerate() {
        let cfg = TreatConfig::for_indicator(spec, code);
        let (col, rec) = treat_column(code, ds.values.col(j), &cfg)
            .map_err(|m| BuildError::about("treat", Subject::Indicator(code.clone()), m))?;
        out.values.col_mut(j).copy_from_slice(&col);
        log.indicators.push(rec);
    }
    Ok((out, log))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(max_points: u32) -> TreatConfig {
        TreatConfig {
            method: TreatMethod::Winsorise,
            max_points,
            skew: 2.0,
            kurtosis: 3.5,
            fallback: TreatMethod::LogCt,
            lambda: 1.0,
            combine: false,
            force: false,
        }
    }

    fn outliers() -> Vec<f64> {
        // 1..20 plus two high outliers: skew 3.27, kurtosis 10.2 (fails);
        // after 300 -> 200 still fails (3.00, 7.86); after 200,200 -> 20 passes
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([200.0, 300.0]);
        x
    }

    #[test]
    fn winsorises_high_outliers_one_by_one() {
        let x = outliers();
        let c = check(&x, 2.0, 3.5).expect("n >= 4");
        assert_eq!(c.pass, Some(false));
        let (y, rec) = treat_column("x", &x, &cfg(5)).expect("ok");
        assert_eq!(rec.winsorised, 2);
        assert_eq!(y[21], 20.0);
        assert_eq!(y[20], 20.0);
        assert_eq!(rec.points[21], "winhi");
        assert_eq!(rec.points[20], "winhi");
        assert_eq!(rec.points[0], "");
        assert_eq!(&y[..20], &x[..20]);
        assert_eq!(rec.after_method.and_then(|c| c.pass), Some(true));
        assert!(rec.fallback.is_none());
    }

    #[test]
    fn falls_back_to_log_on_original_values() {
        let x = outliers();
        let (y, rec) = treat_column("x", &x, &cfg(1)).expect("ok");
        // one point is not enough: 300 -> 200 leaves 200,200 still failing
        assert_eq!(rec.winsorised, 1);
        assert_eq!(rec.after_method.and_then(|c| c.pass), Some(false));
        assert_eq!(rec.fallback, Some(TreatMethod::LogCt));
        let a = 0.01 * 299.0;
        for (yi, xi) in y.iter().zip(&x) {
            assert!((yi - (xi - 1.0 + a).ln()).abs() < 1e-15);
        }
        assert_eq!(rec.points[21], "winhi+log_CT");
        assert_eq!(rec.points[0], "+log_CT");
    }

    #[test]
    fn ties_at_the_extreme_count_each() {
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([500.0, 500.0]);
        let (_, rec) = treat_column("x", &x, &cfg(5)).expect("ok");
        assert_eq!(rec.winsorised, 2);
    }

    #[test]
    fn low_outliers_winsorised_low() {
        let x: Vec<f64> = outliers().iter().map(|v| -v).collect();
        let (y, rec) = treat_column("x", &x, &cfg(5)).expect("ok");
        assert_eq!(rec.points[21], "winlo");
        assert_eq!(y[21], -20.0);
    }

    #[test]
    fn passing_constant_and_disabled_are_identity() {
        let x: Vec<f64> = (1..=12).map(f64::from).collect();
        let (y, rec) = treat_column("x", &x, &cfg(5)).expect("ok");
        assert_eq!(y, x);
        assert!(!rec.treated);
        let c = vec![3.0; 6];
        let (y, rec) = treat_column("c", &c, &cfg(5)).expect("ok");
        assert_eq!(y, c);
        assert_eq!(rec.before.and_then(|c| c.pass), None);
        let mut none = cfg(5);
        none.method = TreatMethod::None;
        let x = outliers();
        assert_eq!(treat_column("x", &x, &none).expect("ok").0, x);
    }

    #[test]
    fn too_few_points_leave_untreated_and_overrides_apply() {
        let x = [1.0, 2.0, 30.0, f64::NAN];
        let (y, rec) = treat_column("x", &x, &cfg(5)).expect("ok");
        assert_eq!(y[..3], x[..3], "untreated");
        // kurtosis undefined (NA) but |skew| < 2: R's NA | TRUE = TRUE, passes
        assert_eq!(rec.before.and_then(|c| c.pass), Some(true));
        assert!(rec.before.expect("checked").kurtosis.is_nan());
        let mut spec = TreatSpec::default();
        spec.indicators.insert("x".into(), crate::spec::TreatOverride { max_points: Some(1), ..Default::default() });
        assert_eq!(TreatConfig::for_indicator(&spec, "x").max_points, 1);
        assert_eq!(TreatConfig::for_indicator(&spec, "y").max_points, 5);
    }

    #[test]
    fn transforms_that_overflow_are_errors() {
        // skewed data that needs treatment; Box-Cox with lambda 10 takes
        // (1e40 − min + 1)^10 past the largest number
        let mut x = outliers();
        x[0] = 1e40;
        let c = TreatConfig { method: TreatMethod::Boxcox, lambda: 10.0, ..cfg(5) };
        let e = treat_column("x", &x, &c).unwrap_err();
        assert!(e.contains("Boxcox transform with lambda = 10 turns 1e40 into inf"), "{e}");
        // huge but finite values are checked, not called constant
        let big: Vec<f64> = outliers().iter().map(|v| v * 1e200).collect();
        let c0 = check(&big, 2.0, 3.5).expect("ok");
        assert_eq!(c0.pass, check(&outliers(), 2.0, 3.5).expect("ok").pass);
        assert!(c0.pass.is_some());
    }

    #[test]
    fn transforms_closed_forms() {
        let x = [1.0, 2.0, 5.0];
        let y = transform(&x, TreatMethod::LogCtOrig, 1.0);
        assert_eq!(y, vec![0.0, 2f64.ln(), 5f64.ln()]);
        let y = transform(&x, TreatMethod::Boxcox, 2.0);
        // x - min + 1 = 1, 2, 5 -> (y^2 - 1)/2
        assert_eq!(y, vec![0.0, 1.5, 12.0]);
        let y = transform(&x, TreatMethod::Boxcox, 0.0);
        assert_eq!(y[2], 5f64.ln());
        // log_ct_plus: positive skew -> log_CT; otherwise -ln(max + a - x)
        let y = transform(&x, TreatMethod::LogCtPlus, 1.0);
        assert_eq!(y, transform(&x, TreatMethod::LogCt, 1.0));
        let neg = [-1.0, -2.0, -5.0];
        let a = 0.01 * 4.0;
        let y = transform(&neg, TreatMethod::LogCtPlus, 1.0);
        assert_eq!(y, vec![-(-1.0f64 + a + 1.0).ln(), -(-1.0f64 + a + 2.0).ln(), -(-1.0f64 + a + 5.0).ln()]);
        assert_eq!(mark_name(TreatMethod::LogCtPlus, &neg), "log_CT_neg");
    }
}
