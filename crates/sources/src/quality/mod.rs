//! The data-quality audit: values a ranking should not rest on unseen.
//!
//! Sources make mistakes, and estimates look like measurements. Every rule
//! here looks at one indicator's whole panel (all countries, all years) and
//! reports the values that look wrong, with the evidence in words:
//!
//! | rule | what it catches | how |
//! | --- | --- | --- |
//! | `range` | a breach of the indicator's declared `valid_range` | below the lower or above the upper bound |
//! | `zero` | an implausible exact zero or near-zero in an indicator declared `positive` | 0 or less; or below `near_zero` × the same year's cross-country median |
//! | `jump` | a one-year spike: a year-on-year jump that is an outlier for the indicator and is not kept | the log change between consecutive years lies outside Tukey's far-out fences (`jump_iqr` × IQR beyond the quartiles) of every country's log changes, is at least a factor `jump_factor`, moves the value by at least `jump_min_change` × the year's cross-country median, and either is the latest value or the next value falls back towards the previous one (a level the series keeps is a real change or a break in method, not a spike) |
//! | `stale` | the same value repeated over years in a series that usually moves (an estimate carried forward) | `stale_years` or more equal consecutive values, in an indicator where at most `stale_share` of all year-on-year pairs are equal; runs at the upper bound of `valid_range` or within 2% of the range below it (saturation) are not counted, nor runs of zeros (an absence) unless the source flags every one of them (its own estimates) |
//! | `outlier` | a value far outside the same year's cross-country distribution | outside the far-out fences (`outlier_iqr` × IQR beyond the quartiles) among at least `min_units` countries, and apart from the nearest other value towards the bulk by `outlier_gap` × IQR (an isolated value, not the tail of a skewed distribution); on the log scale (zeros left out) when no value is negative and the indicator has no `valid_range`, unless the catalogue entry sets `scale` |
//!
//! Thresholds are [`Settings`] (the catalogue's `[quality]` table), with the
//! defaults documented on each field. The audit reads the values as the
//! source gave them (before corrections) and says, for each finding, which
//! correction covers it; a finding no correction covers is a warning for
//! any index built on that value.

use std::collections::{BTreeMap, HashSet};

use digindex_data::Observation;
use serde::Serialize;

use crate::catalog::Series;
use crate::import::show;

mod settings;
pub use settings::{Settings, SettingsError};

/// A number in a sentence: four significant digits.
fn sig(x: f64) -> String {
    if !x.is_finite() || x == 0.0 {
        return show(x);
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// The rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Range,
    Zero,
    Jump,
    Stale,
    Outlier,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Range => "range",
            Rule::Zero => "zero",
            Rule::Jump => "jump",
            Rule::Stale => "stale",
            Rule::Outlier => "outlier",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One suspicious value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub unit: String,
    pub indicator: String,
    pub year: i32,
    /// The value as the source gave it.
    pub value: f64,
    pub rule: Rule,
    pub detail: String,
    /// The correction (or confirmation) that covers the value, in words, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<String>,
}

/// Quantile of sorted values, R's type 7 (linear between order statistics).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Tukey's fences `k` IQRs beyond the quartiles of `xs` (sorted here).
fn fences(xs: &mut [f64], k: f64) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let (q1, q3) = (quantile(xs, 0.25), quantile(xs, 0.75));
    (q1 - k * (q3 - q1), q3 + k * (q3 - q1))
}

fn median_of(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    quantile(&xs, 0.5)
}

/// Audits one indicator's panel. `units` limits the findings (not the
/// distributions, which are always every country's) to these units.
pub fn audit(series: &Series, settings: &Settings, units: Option<&HashSet<&str>>) -> Vec<Finding> {
    let ind = &series.indicator;
    let obs: Vec<Observation> = series.uncorrected();
    let present: Vec<&Observation> = obs.iter().filter(|o| o.value.is_finite()).collect();
    let wanted = |u: &str| units.is_none_or(|s| s.contains(u));
    let mut out = Vec::new();
    // findings answered by corrections of other values: (unit, year, how)
    let mut answered: Vec<(String, i32, String)> = Vec::new();
    let mut push = |o: &Observation, rule: Rule, detail: String| {
        if wanted(&o.unit) {
            let corrected = series.correction(&o.unit, o.year).map(|a| a.describe());
            out.push(Finding {
                unit: o.unit.clone(),
                indicator: ind.code.clone(),
                year: o.year,
                value: o.value,
                rule,
                detail,
                corrected,
            });
        }
    };
    // values by year (every country) and by unit (in year order)
    let mut by_year: BTreeMap<i32, Vec<f64>> = BTreeMap::new();
    let mut by_unit: BTreeMap<&str, Vec<&Observation>> = BTreeMap::new();
    for o in &present {
        by_year.entry(o.year).or_default().push(o.value);
        by_unit.entry(o.unit.as_str()).or_default().push(o);
    }
    let medians: BTreeMap<i32, f64> = by_year
        .iter()
        .filter(|(_, v)| v.len() >= settings.min_units)
        .map(|(y, v)| (*y, median_of(v.iter().copied().filter(|x| !ind.positive || *x > 0.0).collect())))
        .collect();

    // range
    if let Some([lo, hi]) = ind.valid_range {
        for o in &present {
            if o.value < lo || o.value > hi {
                push(
                    o,
                    Rule::Range,
                    format!("{} is outside the valid range [{}, {}]", show(o.value), show(lo), show(hi)),
                );
            }
        }
    }

    // zero
    if ind.positive {
        for (unit, os) in &by_unit {
            let zeros: Vec<i32> = os.iter().filter(|o| o.value <= 0.0).map(|o| o.year).collect();
            for o in os {
                if o.value <= 0.0 {
                    let run = if zeros.len() > 1 {
                        format!(
                            "; {unit} has {} such values ({}-{})",
                            zeros.len(),
                            zeros.first().copied().unwrap_or_default(),
                            zeros.last().copied().unwrap_or_default()
                        )
                    } else {
                        String::new()
                    };
                    push(o, Rule::Zero, format!("{} in an indicator that cannot be zero{run}", show(o.value)));
                } else if let Some(m) = medians.get(&o.year).filter(|m| **m > 0.0) {
                    if o.value < settings.near_zero * m {
                        push(
                            o,
                            Rule::Zero,
                            format!(
                                "{} is {:.2}% of the {} median of all countries ({})",
                                show(o.value),
                                100.0 * o.value / m,
                                o.year,
                                sig(*m)
                            ),
                        );
                    }
                }
            }
        }
    }

    // jump: log changes between consecutive years, every country
    let mut changes: Vec<f64> = Vec::new();
    for os in by_unit.values() {
        for w in os.windows(2) {
            if w[1].year == w[0].year + 1 && w[0].value > 0.0 && w[1].value > 0.0 {
                changes.push((w[1].value / w[0].value).ln());
            }
        }
    }
    if changes.len() >= settings.min_units {
        let n_changes = changes.len();
        let (lo, hi) = fences(&mut changes, settings.jump_iqr);
        // no spread (most changes 0): no fences to be beyond
        let (lo, hi) = if hi > lo { (lo, hi) } else { (f64::NEG_INFINITY, f64::INFINITY) };
        for os in by_unit.values() {
            for (k, w) in os.windows(2).enumerate() {
                let (a, b) = (w[0], w[1]);
                if b.year != a.year + 1 || a.value <= 0.0 || b.value <= 0.0 {
                    continue;
                }
                let d = (b.value / a.value).ln();
                let factor = d.abs().exp();
                let big =
                    medians.get(&b.year).is_none_or(|m| (b.value - a.value).abs() >= settings.jump_min_change * m);
                // a spike: the latest value, or one the next value falls back from
                // (a level the series keeps is a change, or a break in method)
                let spike = match os.get(k + 2) {
                    None => true,
                    Some(c) if c.value > 0.0 => (c.value / a.value).ln().abs() < (c.value / b.value).ln().abs(),
                    Some(_) => true,
                };
                if (d < lo || d > hi) && factor >= settings.jump_factor && big && spike {
                    let before: Vec<String> =
                        os[k.saturating_sub(2)..=k].iter().map(|o| format!("{} {}", o.year, show(o.value))).collect();
                    let after: Vec<String> =
                        os.iter().skip(k + 2).take(2).map(|o| format!("{} {}", o.year, show(o.value))).collect();
                    push(
                        b,
                        Rule::Jump,
                        format!(
                            "{} {} after {}{}: {} {:.1}, beyond the far-out fences of {} year-on-year changes{}",
                            b.year,
                            show(b.value),
                            before.join(", "),
                            if after.is_empty() { String::new() } else { format!("; then {}", after.join(", ")) },
                            if d > 0.0 { "up by a factor" } else { "down by a factor" },
                            factor,
                            n_changes,
                            if os.get(k + 2).is_none() {
                                " (the latest value)"
                            } else {
                                ", and the next value falls back"
                            }
                        ),
                    );
                }
            }
        }
    }

    // stale: runs of equal values in a series that usually moves
    // at (or within 2% of the range below) the upper bound: saturation
    let saturated = |v: f64| ind.valid_range.is_some_and(|[lo, hi]| v >= hi - 0.02 * (hi - lo));
    let (mut pairs, mut equal) = (0usize, 0usize);
    for os in by_unit.values() {
        for w in os.windows(2) {
            if saturated(w[0].value) || w[0].value == 0.0 {
                continue;
            }
            pairs += 1;
            equal += usize::from(w[0].value == w[1].value);
        }
    }
    let usually_moves = pairs >= settings.min_units && (equal as f64) <= settings.stale_share * pairs as f64;
    if usually_moves {
        for os in by_unit.values() {
            let mut start = 0;
            while start < os.len() {
                let mut end = start;
                while end + 1 < os.len() && os[end + 1].value == os[start].value {
                    end += 1;
                }
                let v = os[start].value;
                // a zero repeated is an absence (no network yet, no article)
                // unless the source itself marks the zeros as its estimates
                let zeros_unflagged = v == 0.0 && os[start..=end].iter().any(|o| o.flag.is_none());
                let run = end - start + 1;
                if run >= settings.stale_years && !saturated(v) && !zeros_unflagged {
                    let flags: Vec<&str> = os[start..=end].iter().filter_map(|o| o.flag.as_deref()).collect();
                    let flagged =
                        if flags.is_empty() { String::new() } else { format!(", source flags {}", flags.join(" ")) };
                    let detail = format!(
                        "the same value {} in {} consecutive observations ({}-{}{flagged}), in an indicator where {:.0}% of year-on-year pairs change",
                        show(v),
                        run,
                        os[start].year,
                        os[end].year,
                        100.0 * (1.0 - equal as f64 / pairs as f64)
                    );
                    // a value whose repeats are all corrected away is answered by them
                    let corrected: Vec<&&Observation> =
                        os[start..=end].iter().filter(|o| series.correction(&o.unit, o.year).is_some()).collect();
                    for o in &os[start..=end] {
                        let mine = series.correction(&o.unit, o.year).is_some();
                        if !mine && corrected.len() == run - 1 {
                            if let Some(a) = corrected.first().and_then(|c| series.correction(&c.unit, c.year)) {
                                let years: Vec<String> = corrected.iter().map(|c| c.year.to_string()).collect();
                                answered.push((
                                    o.unit.clone(),
                                    o.year,
                                    format!("its repeats ({}) are {}", years.join(", "), a.describe()),
                                ));
                            }
                        }
                        push(o, Rule::Stale, detail.clone());
                    }
                }
                start = end + 1;
            }
        }
    }

    // outlier: far outside the year's cross-country distribution, on the
    // log scale unless the indicator takes negative values (or says linear)
    let linear = match ind.scale.as_deref() {
        Some(s) => s == "linear",
        // a bounded indicator (a share) compares on its own scale
        None => ind.valid_range.is_some(),
    };
    let log = !linear && present.iter().all(|o| o.value >= 0.0);
    for (year, vals) in &by_year {
        let mut xs: Vec<f64> =
            vals.iter().copied().filter(|x| !log || *x > 0.0).map(|x| if log { x.ln() } else { x }).collect();
        if xs.len() < settings.min_units {
            continue;
        }
        let n = xs.len();
        let (lo, hi) = fences(&mut xs, settings.outlier_iqr);
        let (q1, q3) = (quantile(&xs, 0.25), quantile(&xs, 0.75));
        // half the values or more are equal: no spread to measure distance in
        if q3 <= q1 {
            continue;
        }
        let back = |x: f64| if log { x.exp() } else { x };
        // the gap to the nearest other value towards the bulk
        let gap = |x: f64| -> f64 {
            let k = xs.partition_point(|v| *v < x);
            if x > hi {
                k.checked_sub(1).map_or(f64::INFINITY, |i| x - xs[i])
            } else {
                xs.iter().skip(k).find(|v| **v > x).map_or(f64::INFINITY, |v| v - x)
            }
        };
        for o in present.iter().filter(|o| o.year == *year) {
            if log && o.value <= 0.0 {
                continue;
            }
            let x = if log { o.value.ln() } else { o.value };
            if (x < lo || x > hi) && gap(x) >= settings.outlier_gap * (q3 - q1) {
                push(
                    o,
                    Rule::Outlier,
                    format!(
                        "{} is beyond the far-out fences [{}, {}] of the {year} values of {n} countries (quartiles {} and {}{})",
                        show(o.value),
                        sig(back(lo)),
                        sig(back(hi)),
                        sig(back(q1)),
                        sig(back(q3)),
                        if log { ", log scale" } else { "" }
                    ),
                );
            }
        }
    }
    for f in out.iter_mut().filter(|f| f.rule == Rule::Stale && f.corrected.is_none()) {
        if let Some((_, _, how)) = answered.iter().find(|(u, y, _)| *u == f.unit && *y == f.year) {
            f.corrected = Some(how.clone());
        }
    }
    out.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.year.cmp(&b.year)).then(a.rule.cmp(&b.rule)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Indicator;
    use crate::import::Format;

    fn indicator(positive: bool, valid_range: Option<[f64; 2]>) -> Indicator {
        Indicator { code: "x".into(), format: Format::Long, positive, valid_range, ..Default::default() }
    }

    /// 20 countries A00..A19 over 2010-2020, values moving smoothly around 10-20.
    fn panel() -> Vec<Observation> {
        let mut v = Vec::new();
        for c in 0..20 {
            for y in 2010..=2020 {
                let x = 10.0 + c as f64 * 0.5 + (y - 2010) as f64 * (0.3 + 0.01 * c as f64);
                v.push(Observation::new(format!("A{c:02}"), y, x));
            }
        }
        v
    }

    fn series(obs: Vec<Observation>, positive: bool, range: Option<[f64; 2]>) -> Series {
        Series {
            indicator: indicator(positive, range),
            observations: obs,
            skipped: Default::default(),
            corrections: vec![],
            part_corrections: vec![],
            notes: Default::default(),
        }
    }

    fn set(obs: &mut [Observation], unit: &str, year: i32, v: f64) {
        if let Some(o) = obs.iter_mut().find(|o| o.unit == unit && o.year == year) {
            o.value = v;
        }
    }

    #[test]
    fn a_clean_panel_has_no_findings() {
        let s = series(panel(), true, Some([0.0, 100.0]));
        assert_eq!(audit(&s, &Settings::default(), None), vec![]);
    }

    #[test]
    fn injected_anomalies_are_found_by_their_rule() {
        let mut obs = panel();
        set(&mut obs, "A01", 2015, 0.0); // a zero in a positive indicator
        set(&mut obs, "A02", 2016, 0.0004); // a near-zero
        set(&mut obs, "A03", 2020, 160.0); // a spike at the end (×9): jump, and outlier, and range
        for y in 2012..=2017 {
            set(&mut obs, "A04", y, 13.7); // an estimate carried forward
        }
        set(&mut obs, "A05", 2013, 95.0); // far above the year's distribution, inside the range
        let s = series(obs, true, Some([0.0, 100.0]));
        let f = audit(&s, &Settings::default(), None);
        let has =
            |unit: &str, year: i32, rule: Rule| f.iter().any(|x| x.unit == unit && x.year == year && x.rule == rule);
        assert!(has("A01", 2015, Rule::Zero));
        assert!(has("A02", 2016, Rule::Zero));
        assert!(has("A03", 2020, Rule::Jump));
        assert!(has("A03", 2020, Rule::Range));
        assert!(has("A03", 2020, Rule::Outlier));
        for y in 2012..=2017 {
            assert!(has("A04", y, Rule::Stale), "{y}: {f:#?}");
        }
        assert!(has("A05", 2013, Rule::Outlier));
        // the jump's detail names the neighbouring years
        let j = f.iter().find(|x| x.unit == "A03" && x.rule == Rule::Jump).expect("jump");
        assert!(j.detail.contains("2019") && j.detail.contains("2018") && j.detail.contains("factor"), "{}", j.detail);
        // nothing else: the other 15 countries are clean
        let units: HashSet<&str> = f.iter().map(|x| x.unit.as_str()).collect();
        assert!(units.iter().all(|u| ["A01", "A02", "A03", "A04", "A05"].contains(u)), "{units:?}");
        // the unit filter limits findings, not the distributions
        let only: HashSet<&str> = ["A03"].into_iter().collect();
        let g = audit(&s, &Settings::default(), Some(&only));
        assert!(g.iter().all(|x| x.unit == "A03") && g.len() == 3);
    }

    #[test]
    fn a_year_without_spread_reports_no_outliers() {
        // most countries at the ceiling: quartiles equal, no outlier flood
        let mut obs = panel();
        for o in obs.iter_mut().filter(|o| o.year == 2015) {
            o.value =
                if o.unit.as_str() < "A16" { 1.0 } else { 0.4 + 0.01 * o.unit[1..].parse::<f64>().unwrap_or(0.0) };
        }
        let s = series(obs, false, Some([0.0, 1.0]));
        assert!(audit(&s, &Settings::default(), None).iter().all(|f| !(f.rule == Rule::Outlier && f.year == 2015)));
        assert!(Settings { min_units: 0, ..Settings::default() }.check().is_err());
    }

    #[test]
    fn saturation_and_launch_zeros_are_not_stale_and_thresholds_are_settings() {
        let mut obs = panel();
        for y in 2010..=2020 {
            set(&mut obs, "A06", y, 100.0); // at the upper bound: saturation
        }
        for y in 2010..=2014 {
            set(&mut obs, "A07", y, 0.0); // zero before a launch, then rising
        }
        let s = series(obs.clone(), false, Some([0.0, 100.0]));
        let f = audit(&s, &Settings::default(), None);
        assert!(f.iter().all(|x| x.rule != Rule::Stale), "{f:#?}");
        // a run near the ceiling (within 2% of the range) is saturation too
        for y in 2010..=2020 {
            set(&mut obs, "A09", y, 99.0);
        }
        // zeros to the end of the series are an absence, not an estimate...
        for y in 2015..=2020 {
            set(&mut obs, "A07", y, 0.0);
        }
        let s = series(obs.clone(), false, Some([0.0, 100.0]));
        assert!(audit(&s, &Settings::default(), None).iter().all(|x| x.rule != Rule::Stale));
        // ...unless the source marks every one of them as its estimate
        for o in obs.iter_mut().filter(|o| o.unit == "A07") {
            o.flag = Some("e".into());
        }
        let s = series(obs, false, Some([0.0, 100.0]));
        let f = audit(&s, &Settings::default(), None);
        let stale: Vec<&Finding> = f.iter().filter(|x| x.rule == Rule::Stale).collect();
        assert_eq!(stale.len(), 11, "{f:#?}");
        assert!(
            stale.iter().all(|x| x.unit == "A07") && stale[0].detail.contains("source flags e e e"),
            "{}",
            stale[0].detail
        );
        // a looser jump setting finds smaller jumps
        let mut obs = panel();
        set(&mut obs, "A08", 2016, 45.0); // ×3 from ~15
        let s = series(obs, true, None);
        assert!(audit(&s, &Settings::default(), None).iter().all(|x| x.rule != Rule::Jump));
        let loose = Settings { jump_factor: 2.0, ..Settings::default() };
        assert!(audit(&s, &loose, None).iter().any(|x| x.unit == "A08" && x.year == 2016 && x.rule == Rule::Jump));
        assert!(Settings { stale_years: 1, ..Settings::default() }.check().is_err());
        assert!(Settings { near_zero: f64::NAN, ..Settings::default() }.check().is_err());
    }
}
