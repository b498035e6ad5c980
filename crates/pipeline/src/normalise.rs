//! Normalise: bring indicators onto a common scale (COINr's `Normalise()`).
//!
//! Each indicator is first multiplied by its direction (so that higher is
//! always better), then normalised over the units present. An indicator
//! with direction 0 is scored by closeness to its framework `target`:
//! x becomes −|x − target| (0 at the target, lower the farther away on
//! either side), so that e.g. a Gender Development Index of 1.04 and one
//! of 0.96 score alike, below parity (1). Then:
//!
//! | method | formula (x already × direction) |
//! | --- | --- |
//! | `minmax` | (x − min)/(max − min)·(hi − lo) + lo, `range = [lo, hi]` |
//! | `zscore` | (x − mean)/sd·s + m, `mean_sd = [m, s]`, sample sd |
//! | `scaled` | (x − lo)/(hi − lo)·scale_factor, `bounds = [lo, hi]` |
//! | `dist2max` | 1 − (max − x)/(max − min) |
//! | `dist2ref` | 1 − (x_ref − x)/(x_ref − min), `ref_unit`; `cap_max` caps at 1 |
//! | `dist2target` | (x − min)/(t·d − min), t = the indicator's target, d its direction; `cap_max` |
//! | `fracmax` | x / max |
//! | `rank` | rank, ties share the smallest |
//! | `prank` | (rank − 1)/(n − 1) |
//! | `borda` | rank − 1 |
//! | `goalposts` | (x − g₁)/(g₂ − g₁) clipped to [0, 1] if `trunc`, × scale |
//! | `none` | x |
//!
//! Goalposts `[lower, upper, scale]` are given in the indicator's own units
//! (framework columns `goalpost_lower`, `goalpost_upper`, `goalpost_scale`
//! or `[normalise.indicators.CODE] goalposts`); for a lower-is-better
//! indicator g₁ = −upper, g₂ = −lower, as COINr maps iMeta goalposts. Targets
//! come from the framework's `target` (or an override) and are flipped by
//! the direction in the same way.
//!
//! With `from_framework = true` the per-indicator parameters come from
//! framework columns, as COINr's `f_n_para = "use_iMeta"` (see
//! [`crate::spec::NormaliseSpec`]); `[normalise.indicators.CODE]` overrides
//! both.
//!
//! Cases COINr answers with `NaN` or `Inf` columns are errors here: a
//! constant or all-missing indicator under a range-based method, a zero sd,
//! a reference or target equal to the minimum, a zero maximum under
//! `fracmax`, equal goalposts, fewer than two values under `prank`.

use digindex_data::{DataSet, Framework, suggest};
use serde::Serialize;

use crate::spec::{NormaliseMethod, NormaliseSpec};
use crate::stats;
use crate::{BuildError, Subject};

/// Framework (iMeta) columns that hold per-indicator normalisation
/// parameters: numbers, or TRUE/FALSE for the two switches.
pub const FRAMEWORK_PARAMS: [&str; 12] = [
    "minmax_lower",
    "minmax_upper",
    "scaled_lower",
    "scaled_upper",
    "scale_factor",
    "zscore_mean",
    "zscore_sd",
    "dist2targ_cap_max",
    "goalpost_lower",
    "goalpost_upper",
    "goalpost_scale",
    "goalpost_trunc2posts",
];

/// Method and parameters for one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormaliseConfig {
    pub method: NormaliseMethod,
    pub range: [f64; 2],
    pub mean_sd: [f64; 2],
    pub bounds: [f64; 2],
    pub scale_factor: f64,
    pub ref_row: Option<usize>,
    pub cap_max: bool,
    pub trunc: bool,
    /// Target already multiplied by the direction.
    pub target: Option<f64>,
    /// Goalposts already mapped for the direction: `[g1, g2, scale]`.
    pub goalposts: Option<[f64; 3]>,
}

impl NormaliseConfig {
    /// Checks the parameters the method uses (after overrides and framework
    /// columns are applied), naming the setting at fault.
    pub fn check(&self) -> Result<(), String> {
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        match self.method {
            NormaliseMethod::Minmax if !finite(&self.range) || self.range[0] >= self.range[1] => {
                Err(format!("range must be [lo, hi] with lo < hi, found {:?}", self.range))
            }
            NormaliseMethod::Minmax if !(self.range[1] - self.range[0]).is_finite() => Err(format!(
                "range {:?} is wider than the largest number (about 1.8e308); give a narrower range",
                self.range
            )),
            NormaliseMethod::Zscore if !finite(&self.mean_sd) || self.mean_sd[1] <= 0.0 => {
                Err(format!("mean_sd must be [mean, sd] with sd > 0, found {:?}", self.mean_sd))
            }
            NormaliseMethod::Scaled
                if !finite(&self.bounds) || self.bounds[0] == self.bounds[1] || !self.scale_factor.is_finite() =>
            {
                Err(format!(
                    "scaled needs two different finite bounds and a finite scale_factor, found {:?} and {}",
                    self.bounds, self.scale_factor
                ))
            }
            NormaliseMethod::Dist2target if self.target.is_some_and(|t| !t.is_finite()) => {
                Err("the target must be finite".into())
            }
            NormaliseMethod::Goalposts if self.goalposts.is_some_and(|g| !finite(&g)) => {
                Err(format!("goalposts must be finite, found {:?}", self.goalposts))
            }
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct NormaliseLog {
    /// Indicators normalised with settings other than the global ones.
    pub overridden: Vec<String>,
    /// Indicators scored by closeness to a target: (code, target).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub closeness: Vec<(String, f64)>,
}

/// Normalises one column (already multiplied by its direction).
pub fn normalise_column(x: &[f64], c: &NormaliseConfig) -> Result<Vec<f64>, String> {
    normalise_column_fitted(x, None, c)
}

/// [`normalise_column`] with its statistics (minimum, maximum, mean,
/// standard deviation) taken from the rows `fit` marks only — a reference
/// period — and the transform applied to every row, so adding rows outside
/// the reference changes nothing. Methods whose result depends on every row
/// (ranks, distance to a reference unit or a target's minimum) refuse it.
pub fn normalise_column_fitted(x: &[f64], fit: Option<&[bool]>, c: &NormaliseConfig) -> Result<Vec<f64>, String> {
    let fitted: Vec<f64>;
    let sample: &[f64] = match fit {
        None => x,
        Some(mask) => {
            if mask.len() != x.len() {
                return Err("internal: the reference rows do not match the data".into());
            }
            if !matches!(
                c.method,
                NormaliseMethod::Minmax
                    | NormaliseMethod::Zscore
                    | NormaliseMethod::Dist2max
                    | NormaliseMethod::Fracmax
                    | NormaliseMethod::Scaled
                    | NormaliseMethod::Goalposts
                    | NormaliseMethod::None
            ) {
                return Err(format!(
                    "{:?} normalisation depends on every unit and year, so it cannot take its scale from reference years; use minmax, zscore, dist2max, fracmax, scaled or goalposts",
                    c.method
                ));
            }
            fitted = x.iter().zip(mask).filter(|(_, m)| **m).map(|(v, _)| *v).collect();
            &fitted
        }
    };
    let need_range = |what: &str| -> Result<(f64, f64), String> {
        let (mn, mx) = (stats::min(sample), stats::max(sample));
        if mn.is_nan() {
            return Err(format!("no values present; {what} needs at least two different values"));
        }
        if mn == mx {
            return Err(format!(
                "all values equal ({mn}); {what} needs at least two different values (drop the indicator or pick another method)"
            ));
        }
        Ok((mn, mx))
    };
    let cap = |v: f64| if c.cap_max && v > 1.0 { 1.0 } else { v };
    Ok(match c.method {
        NormaliseMethod::None => x.to_vec(),
        NormaliseMethod::Minmax => {
            let (mn, mx) = need_range("min-max normalisation")?;
            let [lo, hi] = c.range;
            if (mx - mn).is_finite() {
                x.iter().map(|v| (v - mn) / (mx - mn) * (hi - lo) + lo).collect()
            } else {
                // values spread wider than the largest number: in halves
                x.iter().map(|v| (v / 2.0 - mn / 2.0) / (mx / 2.0 - mn / 2.0) * (hi - lo) + lo).collect()
            }
        }
        NormaliseMethod::Zscore => {
            let m = stats::mean(sample);
            let s = stats::sd(sample);
            if s.is_nan() || s <= 0.0 {
                return Err(
                    "the standard deviation is zero or undefined; z-scores need at least two different values".into()
                );
            }
            let [tm, ts] = c.mean_sd;
            x.iter().map(|v| (v - m) / s * ts + tm).collect()
        }
        NormaliseMethod::Scaled => {
            let [lo, hi] = c.bounds;
            x.iter().map(|v| (v - lo) / (hi - lo) * c.scale_factor).collect()
        }
        NormaliseMethod::Dist2max => {
            let (mn, mx) = need_range("distance to maximum")?;
            if (mx - mn).is_finite() {
                x.iter().map(|v| 1.0 - (mx - v) / (mx - mn)).collect()
            } else {
                x.iter().map(|v| 1.0 - (mx / 2.0 - v / 2.0) / (mx / 2.0 - mn / 2.0)).collect()
            }
        }
        NormaliseMethod::Dist2ref => {
            let r = c.ref_row.ok_or("dist2ref needs normalise.ref_unit")?;
            let xr = x[r];
            if xr.is_nan() {
                return Err("the reference unit has no value for this indicator".into());
            }
            let mn = stats::min(x);
            if xr == mn {
                return Err(format!("the reference unit's value ({xr}) is the minimum, so the distance is undefined"));
            }
            x.iter().map(|v| cap(1.0 - (xr - v) / (xr - mn))).collect()
        }
        NormaliseMethod::Dist2target => {
            let t = c.target.ok_or(
                "no target: give the indicator a target in the framework or [normalise.indicators.CODE] target",
            )?;
            let mn = stats::min(x);
            if mn.is_nan() {
                return Err("no values present".into());
            }
            if t == mn {
                return Err(format!("the target equals the minimum ({mn}), so the distance is undefined"));
            }
            x.iter().map(|v| cap((v - mn) / (t - mn))).collect()
        }
        NormaliseMethod::Fracmax => {
            let mx = stats::max(sample);
            if mx == 0.0 || mx.is_nan() {
                return Err("the maximum is zero or missing; x/max is undefined".into());
            }
            x.iter().map(|v| v / mx).collect()
        }
        NormaliseMethod::Rank => stats::rank_min(x, false),
        NormaliseMethod::Borda => stats::rank_min(x, false).into_iter().map(|r| r - 1.0).collect(),
        NormaliseMethod::Prank => {
            let n = stats::count(x);
            if n < 2 {
                return Err("percentile ranks need at least two values present".into());
            }
            stats::rank_min(x, false).into_iter().map(|r| (r - 1.0) / (n - 1) as f64).collect()
        }
        NormaliseMethod::Goalposts => {
            let [g1, g2, scale] = c.goalposts.ok_or(
                "no goalposts: give the indicator goalpost_lower/goalpost_upper in the framework or [normalise.indicators.CODE] goalposts = [lower, upper, scale]",
            )?;
            if g1 == g2 {
                return Err("the goalposts are equal".into());
            }
            x.iter()
                .map(|v| {
                    let y = (v - g1) / (g2 - g1);
                    if c.trunc { y.clamp(0.0, 1.0) * scale } else { y * scale }
                })
                .collect()
        }
    })
}

/// Normalises every indicator of `ds` with the framework's directions.
pub fn normalise(ds: &DataSet, fw: &Framework, spec: &NormaliseSpec) -> Result<(DataSet, NormaliseLog), BuildError> {
    normalise_fitted(ds, None, fw, spec)
}

/// [`normalise`] with each indicator's scale taken from the rows `fit`
/// marks (see [`normalise_column_fitted`]).
pub fn normalise_fitted(
    ds: &DataSet,
    fit: Option<&[bool]>,
    fw: &Framework,
    spec: &NormaliseSpec,
) -> Result<(DataSet, NormaliseLog), BuildError> {
    let step = "normalise";
    for code in spec.indicators.keys() {
        if ds.col_index(code).is_none() {
            return Err(BuildError::new(
                step,
                format!(
                    "[normalise.indicators.{code}]: {code:?} is not an indicator{}",
                    suggest(code, ds.codes.iter())
                ),
            ));
        }
    }
    let ref_row = |unit: &Option<String>| -> Result<Option<usize>, BuildError> {
        match unit {
            None => Ok(None),
            Some(u) => ds.row_index(u).map(Some).ok_or_else(|| {
                BuildError::new(
                    step,
                    format!(
                        "normalise.ref_unit = {u:?} is not a unit of the data being normalised (it may have been screened out){}",
                        suggest(u, ds.units.iter())
                    ),
                )
            }),
        }
    };
    let mut out = ds.clone();
    let mut log = NormaliseLog::default();
    let mut xd: Vec<f64> = Vec::with_capacity(ds.units.len());
    for (j, code) in ds.codes.iter().enumerate() {
        // an indicator with no value at all (absent that year) stays empty:
        // there is nothing to scale (`BuildLog::absent` says so)
        if ds.values.col(j).iter().all(|v| v.is_nan()) {
            out.values.col_mut(j).fill(f64::NAN);
            continue;
        }
        let node = fw.index_of(code).map(|i| fw.node(i));
        let dir = node.map_or(1.0, |n| n.direction);
        let o = spec.indicators.get(code);
        if o.is_some() {
            log.overridden.push(code.clone());
        }
        // an indicator scored by closeness to its target becomes −|x − t|
        // (higher is better, best at 0)
        let closeness = node.filter(|n| n.scored_by_target()).and_then(|n| n.target);
        let target = match closeness {
            Some(_) => Some(0.0),
            None => o.and_then(|o| o.target).or(node.and_then(|n| n.target)).map(|t| t * dir),
        };
        let gp = match o.and_then(|o| o.goalposts) {
            Some(g) => Some(g),
            None => node.and_then(|n| match (n.param("goalpost_lower"), n.param("goalpost_upper")) {
                (Some(lo), Some(hi)) => Some([lo, hi, n.param("goalpost_scale").unwrap_or(1.0)]),
                _ => None,
            }),
        };
        if let Some(t) = closeness {
            log.closeness.push((code.clone(), t));
        }
        if closeness.is_some() && gp.is_some() {
            return Err(BuildError::about(
                step,
                Subject::Code(code.clone()),
                format!(
                    "indicator {code} is scored by closeness to its target (direction 0); goalposts cannot apply to it"
                ),
            ));
        }
        let goalposts = gp.map(|[lo, hi, s]| if dir == -1.0 { [-hi, -lo, s] } else { [lo, hi, s] });
        let method = o.and_then(|o| o.method).unwrap_or(spec.method);
        // COINr's use_iMeta: parameters from framework columns
        let fw_pair = |a: &str, b: &str| -> Result<Option<[f64; 2]>, BuildError> {
            if !spec.from_framework {
                return Ok(None);
            }
            match node.map(|n| (n.param(a), n.param(b))) {
                Some((Some(x), Some(y))) => Ok(Some([x, y])),
                _ => Err(BuildError::about(
                    step,
                    Subject::Indicator(code.clone()),
                    format!("normalise.from_framework = true needs framework columns {a} and {b} for it"),
                )),
            }
        };
        let fw_range = if method == NormaliseMethod::Minmax { fw_pair("minmax_lower", "minmax_upper")? } else { None };
        let fw_bounds = if method == NormaliseMethod::Scaled { fw_pair("scaled_lower", "scaled_upper")? } else { None };
        let fw_mean_sd = if method == NormaliseMethod::Zscore { fw_pair("zscore_mean", "zscore_sd")? } else { None };
        let fw_param = |k: &str| if spec.from_framework { node.and_then(|n| n.param(k)) } else { None };
        let trunc =
            o.and_then(|o| o.trunc).or(fw_param("goalpost_trunc2posts").map(|v| v != 0.0)).unwrap_or(spec.trunc);
        // the reference unit is looked up only where dist2ref uses it
        let ref_row = match method {
            NormaliseMethod::Dist2ref => ref_row(&o.and_then(|o| o.ref_unit.clone()).or(spec.ref_unit.clone()))?,
            _ => None,
        };
        let cfg = NormaliseConfig {
            method,
            range: o.and_then(|o| o.range).or(fw_range).unwrap_or(spec.range),
            mean_sd: o.and_then(|o| o.mean_sd).or(fw_mean_sd).unwrap_or(spec.mean_sd),
            bounds: o.and_then(|o| o.bounds).or(fw_bounds).unwrap_or(spec.bounds),
            scale_factor: o.and_then(|o| o.scale_factor).or(fw_param("scale_factor")).unwrap_or(spec.scale_factor),
            ref_row,
            cap_max: o
                .and_then(|o| o.cap_max)
                .or(fw_param("dist2targ_cap_max").map(|v| v != 0.0))
                .unwrap_or(spec.cap_max),
            trunc,
            target,
            goalposts,
        };
        cfg.check().map_err(|m| BuildError::about(step, Subject::Indicator(code.clone()), m))?;
        xd.clear();
        match closeness {
            Some(t) => xd.extend(ds.values.col(j).iter().map(|v| -(v - t).abs())),
            None => xd.extend(ds.values.col(j).iter().map(|v| v * dir)),
        }
        let col = normalise_column_fitted(&xd, fit, &cfg)
            .map_err(|m| BuildError::about(step, Subject::Indicator(code.clone()), m))?;
        // finite in, not finite out: an overflow, never a silent gap
        if let Some(u) = xd.iter().zip(&col).position(|(x, y)| x.is_finite() && !y.is_finite()) {
            return Err(BuildError::about(
                step,
                Subject::Value { code: code.clone(), unit: ds.units[u].clone() },
                format!(
                    "{} gives {} under {:?} normalisation with these settings: the arithmetic overflows; rescale \
                     the data (e.g. divide by 1e6) or use smaller parameters",
                    digindex_data::shown(ds.values.col(j)[u]),
                    digindex_data::shown(col[u]),
                    cfg.method
                ),
            ));
        }
        out.values.col_mut(j).copy_from_slice(&col);
    }
    Ok((out, log))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_period_sets_the_scale_for_every_row() {
        let nan = f64::NAN;
        let x = [2.0, 4.0, 6.0, 10.0, nan];
        let fit = [true, true, false, false, false];
        let c = cfg(NormaliseMethod::Minmax);
        // min 2 and max 4 from the reference rows: 6 and 10 score above 100
        let y = normalise_column_fitted(&x, Some(&fit), &c).expect("minmax");
        same(&y, &[0.0, 100.0, 200.0, 400.0, nan]);
        // z-scores from the reference rows' mean 3 and sd sqrt(2)
        let z = normalise_column_fitted(&x, Some(&fit), &cfg(NormaliseMethod::Zscore)).expect("zscore");
        let s = 2f64.sqrt();
        same(&z, &[-1.0 / s, 1.0 / s, 3.0 / s, 7.0 / s, nan]);
        // all rows as the reference: the plain transform
        let all = [true; 5];
        same(&normalise_column_fitted(&x, Some(&all), &c).expect("minmax"), &normalise_column(&x, &c).expect("minmax"));
        // ranks depend on every row
        assert!(normalise_column_fitted(&x, Some(&fit), &cfg(NormaliseMethod::Rank)).is_err());
    }

    fn cfg(method: NormaliseMethod) -> NormaliseConfig {
        NormaliseConfig {
            method,
            range: [0.0, 100.0],
            mean_sd: [0.0, 1.0],
            bounds: [0.0, 100.0],
            scale_factor: 100.0,
            ref_row: None,
            cap_max: false,
            trunc: true,
            target: None,
            goalposts: None,
        }
    }

    const NAN: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!((x.is_nan() && y.is_nan()) || (x - y).abs() <= 1e-12 * y.abs().max(1.0), "{a:?} != {b:?}");
        }
    }

    #[test]
    fn closed_forms() {
        let x = [2.0, 4.0, NAN, 6.0, 4.0];
        same(&normalise_column(&x, &cfg(NormaliseMethod::Minmax)).expect("ok"), &[0.0, 50.0, NAN, 100.0, 50.0]);
        let mut c = cfg(NormaliseMethod::Minmax);
        c.range = [1.0, 100.0];
        same(&normalise_column(&x, &c).expect("ok"), &[1.0, 50.5, NAN, 100.0, 50.5]);
        // mean 4, sample sd = sqrt(8/3)
        let s = (8.0f64 / 3.0).sqrt();
        same(&normalise_column(&x, &cfg(NormaliseMethod::Zscore)).expect("ok"), &[-2.0 / s, 0.0, NAN, 2.0 / s, 0.0]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::Scaled)).expect("ok"), &[2.0, 4.0, NAN, 6.0, 4.0]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::Dist2max)).expect("ok"), &[0.0, 0.5, NAN, 1.0, 0.5]);
        same(
            &normalise_column(&x, &cfg(NormaliseMethod::Fracmax)).expect("ok"),
            &[1.0 / 3.0, 2.0 / 3.0, NAN, 1.0, 2.0 / 3.0],
        );
        same(&normalise_column(&x, &cfg(NormaliseMethod::Rank)).expect("ok"), &[1.0, 2.0, NAN, 4.0, 2.0]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::Borda)).expect("ok"), &[0.0, 1.0, NAN, 3.0, 1.0]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::Prank)).expect("ok"), &[0.0, 1.0 / 3.0, NAN, 1.0, 1.0 / 3.0]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::None)).expect("ok"), &x);
    }

    #[test]
    fn reference_target_goalposts() {
        let x = [2.0, 4.0, 6.0];
        let mut c = cfg(NormaliseMethod::Dist2ref);
        c.ref_row = Some(1);
        same(&normalise_column(&x, &c).expect("ok"), &[0.0, 1.0, 2.0]);
        c.cap_max = true;
        same(&normalise_column(&x, &c).expect("ok"), &[0.0, 1.0, 1.0]);
        let mut c = cfg(NormaliseMethod::Dist2target);
        c.target = Some(5.0);
        same(&normalise_column(&x, &c).expect("ok"), &[0.0, 2.0 / 3.0, 4.0 / 3.0]);
        // COINr's own check: goalposts 1 in [0, 10] = 0.1
        let mut c = cfg(NormaliseMethod::Goalposts);
        c.goalposts = Some([0.0, 10.0, 1.0]);
        same(&normalise_column(&[1.0, 12.0, -3.0], &c).expect("ok"), &[0.1, 1.0, 0.0]);
        c.trunc = false;
        same(&normalise_column(&[12.0], &c).expect("ok"), &[1.2]);
        // lower-is-better: value 1 with posts [0, 10] scores 0.9 (x arrives as -1)
        c.goalposts = Some([-10.0, -0.0, 1.0]);
        same(&normalise_column(&[-1.0], &c).expect("ok"), &[0.9]);
    }

    #[test]
    fn target_indicators_score_by_closeness() {
        use digindex_data::{Matrix, NodeSpec};
        let node = |code: &str, direction: f64, target: Option<f64>| NodeSpec {
            code: code.into(),
            parent: Some("I".into()),
            direction: Some(direction),
            target,
            ..Default::default()
        };
        let fw = Framework::new(
            vec![
                node("gdi", 0.0, Some(1.0)),
                node("up", 1.0, Some(1.0)),
                NodeSpec { code: "I".into(), ..Default::default() },
            ],
            vec![],
        )
        .expect("valid");
        // 1.04 (female advantage) and 0.96 are equally far from parity
        let x = [1.04, 0.96, 1.0, 0.80];
        let ds = DataSet::new(
            vec!["a".into(), "b".into(), "c".into(), "d".into()],
            vec!["gdi".into(), "up".into()],
            Matrix::from_columns(4, &[x.to_vec(), x.to_vec()]).expect("equal"),
        );
        let spec = NormaliseSpec::default();
        let (out, log) = normalise(&ds, &fw, &spec).expect("ok");
        // distances 0.04, 0.04, 0, 0.2: −|x − 1| min-maxed over [−0.2, 0]
        same(out.values.col(0), &[80.0, 80.0, 100.0, 0.0]);
        // the same values read as "higher is better" put 1.04 first
        same(out.values.col(1), &[100.0, 2.0 / 3.0 * 100.0, 5.0 / 6.0 * 100.0, 0.0]);
        assert_eq!(log.closeness, vec![("gdi".to_string(), 1.0)]);
        // dist2target: the target of a closeness indicator is distance 0
        let spec = NormaliseSpec { method: NormaliseMethod::Dist2target, ..Default::default() };
        let (out, _) = normalise(&ds, &fw, &spec).expect("ok");
        same(out.values.col(0), &[0.8, 0.8, 1.0, 0.0]);
        // a closeness indicator needs a target, and only indicators may have one
        let e = Framework::new(vec![node("g", 0.0, None), NodeSpec { code: "I".into(), ..Default::default() }], vec![])
            .unwrap_err();
        assert!(e.message.contains("give it a target"), "{e}");
    }

    #[test]
    fn framework_parameters_as_coinr_use_imeta() {
        use digindex_data::{Matrix, NodeSpec};
        let fw = Framework::new(
            vec![
                NodeSpec {
                    code: "a".into(),
                    parent: Some("I".into()),
                    params: vec![
                        ("minmax_lower".into(), 1.0),
                        ("minmax_upper".into(), 10.0),
                        ("goalpost_lower".into(), 0.0),
                        ("goalpost_upper".into(), 10.0),
                        ("goalpost_scale".into(), 100.0),
                    ],
                    ..Default::default()
                },
                NodeSpec {
                    code: "b".into(),
                    parent: Some("I".into()),
                    direction: Some(-1.0),
                    params: vec![
                        ("goalpost_lower".into(), 0.0),
                        ("goalpost_upper".into(), 10.0),
                        ("minmax_lower".into(), 0.0),
                        ("minmax_upper".into(), 1.0),
                    ],
                    ..Default::default()
                },
                NodeSpec { code: "I".into(), ..Default::default() },
            ],
            vec![],
        )
        .expect("valid");
        let ds = DataSet::new(
            vec!["u".into(), "v".into()],
            vec!["a".into(), "b".into()],
            Matrix::from_columns(2, &[vec![2.0, 4.0], vec![1.0, 3.0]]).expect("equal"),
        );
        let mut spec: NormaliseSpec = toml::from_str("from_framework = true").expect("spec");
        let (out, _) = normalise(&ds, &fw, &spec).expect("ok");
        assert_eq!(out.values.col(0), &[1.0, 10.0]);
        // direction -1: the lower value gets the upper end
        assert_eq!(out.values.col(1), &[1.0, 0.0]);
        // goalposts from the framework, flipped for direction -1: 1 of [0, 10] -> 0.9
        spec.method = NormaliseMethod::Goalposts;
        let (out, _) = normalise(&ds, &fw, &spec).expect("ok");
        same(out.values.col(0), &[20.0, 40.0]);
        same(out.values.col(1), &[0.9, 0.7]);
        // missing columns are named
        spec.method = NormaliseMethod::Zscore;
        let e = normalise(&ds, &fw, &spec).unwrap_err();
        assert!(e.message.contains("zscore_mean and zscore_sd"), "{e}");
        // per-indicator settings are checked like global ones
        let spec: NormaliseSpec = toml::from_str("[indicators.b]\nrange = [100, 0]").expect("spec");
        let e = normalise(&ds, &fw, &spec).unwrap_err();
        assert!(e.to_string().starts_with("normalise: indicator b: range must be [lo, hi] with lo < hi"), "{e}");
        assert_eq!(e.subject, crate::Subject::Indicator("b".into()));
        let spec: NormaliseSpec =
            toml::from_str("[indicators.a]\nmethod = \"zscore\"\nmean_sd = [0, -1]").expect("spec");
        assert!(normalise(&ds, &fw, &spec).unwrap_err().message.contains("sd > 0"));
        // a reference unit is only needed by dist2ref
        let spec: NormaliseSpec = toml::from_str("ref_unit = \"nowhere\"").expect("spec");
        assert!(normalise(&ds, &fw, &spec).is_ok());
    }

    #[test]
    fn huge_values_and_settings_overflow_loudly_or_not_at_all() {
        use digindex_data::{Matrix, NodeSpec};
        // values spread wider than the largest number still normalise
        let x = [1e308, -1e308, 0.0, NAN];
        same(&normalise_column(&x, &cfg(NormaliseMethod::Minmax)).expect("ok"), &[100.0, 0.0, 50.0, NAN]);
        same(&normalise_column(&x, &cfg(NormaliseMethod::Dist2max)).expect("ok"), &[1.0, 0.0, 0.5, NAN]);
        let z = normalise_column(&x, &cfg(NormaliseMethod::Zscore)).expect("ok");
        same(&z, &[1.0, -1.0, 0.0, NAN]);
        // a range wider than the largest number is refused
        let mut c = cfg(NormaliseMethod::Minmax);
        c.range = [-1e308, 1e308];
        assert!(c.check().unwrap_err().contains("wider than the largest number"));
        // z-scores to mean 1e308, sd 1e308 overflow: an error naming the unit
        let fw = Framework::new(
            vec![
                NodeSpec { code: "a".into(), parent: Some("I".into()), ..Default::default() },
                NodeSpec { code: "I".into(), ..Default::default() },
            ],
            vec![],
        )
        .expect("valid");
        let ds = DataSet::new(
            vec!["u1".into(), "u2".into(), "u3".into()],
            vec!["a".into()],
            Matrix::from_columns(3, &[vec![1.0, 2.0, 3.0]]).expect("equal"),
        );
        let spec = NormaliseSpec { method: NormaliseMethod::Zscore, mean_sd: [1e308, 1e308], ..Default::default() };
        let e = normalise(&ds, &fw, &spec).unwrap_err();
        assert!(e.to_string().starts_with("normalise: indicator a, unit u3: 3 gives inf"), "{e}");
        assert_eq!((e.code(), e.unit()), (Some("a"), Some("u3")));
        assert!(e.message.contains("overflows"), "{e}");
    }

    #[test]
    fn degenerate_inputs_are_errors() {
        assert!(normalise_column(&[3.0, 3.0], &cfg(NormaliseMethod::Minmax)).unwrap_err().contains("all values equal"));
        assert!(normalise_column(&[NAN, NAN], &cfg(NormaliseMethod::Minmax)).unwrap_err().contains("no values"));
        assert!(normalise_column(&[3.0, 3.0], &cfg(NormaliseMethod::Zscore)).is_err());
        assert!(normalise_column(&[1.0, 2.0], &cfg(NormaliseMethod::Dist2target)).is_err());
        let mut c = cfg(NormaliseMethod::Dist2ref);
        c.ref_row = Some(0);
        assert!(normalise_column(&[1.0, 2.0], &c).unwrap_err().contains("minimum"));
    }
}
