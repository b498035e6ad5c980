//! The spec's cross-field checks: ranges, required companions and limits
//! serde cannot express, run after every parse.

use super::{ImputeMethod, MAX_LAMBDA, MAX_RUNS, NormaliseMethod, PerLevel, Spec, SpecError};

impl Spec {
    /// Cross-field checks serde cannot express.
    pub(super) fn check(&self) -> Result<(), SpecError> {
        let bad = |m: String| Err(SpecError { message: m });
        if let Some(s) = &self.screen {
            for (k, v) in [("screen.min_coverage", s.min_coverage), ("screen.min_nonzero", s.min_nonzero)] {
                if !(0.0..=1.0).contains(&v) {
                    return bad(format!("{k} must be between 0 and 1, found {v}"));
                }
            }
        }
        if let Some(t) = self.data.time.filter(|t| !(t.fract() == 0.0 && (1000.0..=9999.0).contains(t))) {
            return bad(format!("data.time is the reference year, a whole number such as 2024, found {t}"));
        }
        if !self.data.years.is_empty() && self.data.catalog.is_none() && self.data.idata.is_none() {
            return bad(
                "data.years builds several years from the catalogue (data.catalog) or a COINr panel (data.idata with a Time column); a long table holds one year"
                    .into(),
            );
        }
        if let Some(m) = self.data.min_current {
            if !(0.0..=1.0).contains(&m) {
                return bad(format!("data.min_current is a share between 0 and 1, found {m}"));
            }
            if self.data.years.is_empty() || self.data.catalog.is_none() {
                return bad("data.min_current chooses which of data.years to build from the catalogue: it needs data.catalog and data.years".into());
            }
        }
        if let Some(n) = self.normalise.as_ref().filter(|n| !n.reference_years.is_empty()) {
            if self.data.years.is_empty() || !n.across_years {
                return bad(
                    "normalise.reference_years sets the scale of several years normalised together: it needs data.years and normalise.across_years = true"
                        .into(),
                );
            }
        }
        if let Some(i) = self.impute.as_ref().filter(|i| i.enabled) {
            if matches!(i.method, ImputeMethod::GroupMean | ImputeMethod::GroupMedian) && i.group.is_none() {
                return bad("impute.method group_mean/group_median needs impute.group = \"<unit group column>\"".into());
            }
        }
        if let Some(i) = &self.impute {
            if let Some(m) = i.min_group.filter(|m| *m < 2) {
                return bad(format!(
                    "impute.min_group must be at least 2, found {m}: an estimate from one unit would copy that unit's value into another"
                ));
            }
        }
        if let Some(t) = &self.treat {
            if t.skew.is_nan() || t.skew <= 0.0 || !t.kurtosis.is_finite() {
                return bad(format!(
                    "treat.skew must be > 0 and treat.kurtosis finite, found {} and {}",
                    t.skew, t.kurtosis
                ));
            }
            let lambdas = std::iter::once(("treat.lambda".to_string(), Some(t.lambda)))
                .chain(t.indicators.iter().map(|(c, o)| (format!("treat.indicators.{c}.lambda"), o.lambda)));
            for (key, l) in lambdas {
                if let Some(l) = l.filter(|l| !(l.is_finite() && l.abs() <= MAX_LAMBDA)) {
                    return bad(format!(
                        "{key} must be a number between -{MAX_LAMBDA} and {MAX_LAMBDA} (a Box-Cox power beyond that overflows), found {l}"
                    ));
                }
            }
        }
        if let Some(n) = &self.normalise {
            let p = n;
            if p.range[0] >= p.range[1] {
                return bad(format!("normalise.range must be [lo, hi] with lo < hi, found {:?}", p.range));
            }
            if p.mean_sd[1].is_nan() || p.mean_sd[1] <= 0.0 {
                return bad(format!("normalise.mean_sd needs a standard deviation > 0, found {:?}", p.mean_sd));
            }
            if p.bounds[0] == p.bounds[1] {
                return bad(format!("normalise.bounds must differ, found {:?}", p.bounds));
            }
            let factors = std::iter::once(("normalise.scale_factor".to_string(), Some(p.scale_factor))).chain(
                p.indicators.iter().map(|(c, o)| (format!("normalise.indicators.{c}.scale_factor"), o.scale_factor)),
            );
            for (key, f) in factors {
                if let Some(f) = f.filter(|f| !f.is_finite() || *f == 0.0) {
                    return bad(format!(
                        "{key} must be a finite number other than 0 (it multiplies every score), found {f}"
                    ));
                }
            }
            if n.method == NormaliseMethod::Dist2ref && p.ref_unit.is_none() {
                return bad("normalise.method = \"dist2ref\" needs normalise.ref_unit = \"<unit code>\"".into());
            }
        }
        if let Some(p) = &self.progress {
            if self.data.years.is_empty() {
                return bad("[progress] reads a series: it needs data.years".into());
            }
            for (i, t) in p.targets.iter().enumerate() {
                let which = format!("[[progress.target]] {} ({:?})", i + 1, t.code);
                if !t.value.is_finite() {
                    return bad(format!("{which}: value must be a number, found {}", t.value));
                }
                if let Some(m) = t.met_at.filter(|m| !m.is_finite()) {
                    return bad(format!("{which}: met_at must be a number, found {m}"));
                }
                if t.source.trim().is_empty() {
                    return bad(format!("{which}: source is empty; an official target names who set it and where"));
                }
                if !(1000..=9999).contains(&t.year) {
                    return bad(format!("{which}: year is the year to reach it by, such as 2030, found {}", t.year));
                }
            }
        }
        if let Some(u) = &self.uncertainty {
            if u.runs < 2 {
                return bad(format!("uncertainty.runs must be at least 2, found {}", u.runs));
            }
            if u.runs > MAX_RUNS {
                return bad(format!(
                    "uncertainty.runs must be at most {MAX_RUNS} (every run is a whole rebuild and is kept), found {}",
                    u.runs
                ));
            }
            let mut names = std::collections::HashSet::new();
            for (i, inp) in u.inputs.iter().enumerate() {
                let which = format!("[[uncertainty.input]] {} ({:?})", i + 1, inp.name);
                if !names.insert(inp.name.as_str()) {
                    return bad(format!("{which}: the name is used twice"));
                }
                if ["run", "block", "rank_shift", "error"].contains(&inp.name.as_str()) || inp.name.trim().is_empty() {
                    return bad(format!(
                        "{which}: choose another name (run, block, rank_shift and error are output columns)"
                    ));
                }
                match (inp.alternatives.is_empty(), &inp.weights_noise) {
                    (false, None) if inp.alternatives.len() < 2 => {
                        return bad(format!("{which}: give at least two alternatives"));
                    }
                    (false, None) => {}
                    (true, Some(n)) => {
                        if !(n.factor > 0.0 && n.factor < 1.0) || n.levels.is_empty() || n.draws < 2 {
                            return bad(format!(
                                "{which}: weights_noise needs levels, 0 < factor < 1 and draws >= 2, found {n:?}"
                            ));
                        }
                    }
                    _ => return bad(format!("{which}: give either alternatives or weights_noise")),
                }
            }
        }
        if let Some(a) = &self.aggregate {
            if a.methods.as_ref().is_some_and(|m| m.is_empty()) {
                return bad("aggregate.methods is empty; give one method per level above the indicators".into());
            }
            if a.p == 0.0 || !a.p.is_finite() {
                return bad(format!("aggregate.p must be a finite non-zero number, found {}", a.p));
            }
            let thresholds = match &a.min_coverage {
                PerLevel::All(v) => vec![*v],
                PerLevel::Each(v) => v.clone(),
            };
            if thresholds.iter().any(|v| !(0.0..=1.0).contains(v)) {
                return bad(format!("aggregate.min_coverage values must be between 0 and 1, found {thresholds:?}"));
            }
            if a.weights != "original" && !self.weights.contains_key(&a.weights) {
                let names: Vec<String> =
                    std::iter::once("original".to_string()).chain(self.weights.keys().cloned()).collect();
                return bad(format!(
                    "aggregate.weights = {:?} is not a weight set; defined: {}{}",
                    a.weights,
                    names.join(", "),
                    digindex_data::suggest(&a.weights, names.iter())
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::{BASE, Spec};

    #[test]
    fn years_need_a_catalogue_or_a_panel() {
        let long = "[index]\nname = \"t\"\n[data]\nvalues = \"v.csv\"\nyears = [2020, 2021]\n";
        let e = Spec::parse(long, &[]).unwrap_err().message;
        assert!(e.contains("data.years") && e.contains("COINr panel"), "{e}");
        let panel = Spec::parse(super::super::BASE, &["data.years=[2020,2021]".into()]).expect("a panel");
        assert_eq!(panel.built_years(), Some(&[2020, 2021][..]));
    }

    #[test]
    fn cross_field_checks() {
        let e = Spec::parse(BASE, &["impute.method=group_mean".into()]).unwrap_err();
        assert!(e.message.contains("impute.group"), "{}", e.message);
        let e = Spec::parse(BASE, &["aggregate.weights=expert".into()]).unwrap_err();
        assert!(e.message.contains("not a weight set"), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise.range=[5,1]".into()]).unwrap_err();
        assert!(e.message.contains("lo < hi"), "{}", e.message);
    }
    #[test]
    fn numbers_that_would_give_silent_nonsense_are_refused() {
        let e = |set: &str| Spec::parse(BASE, &[set.into()]).unwrap_err().message;
        assert!(e("normalise.scale_factor=0").contains("other than 0"));
        assert!(e("normalise.indicators={ X = { scale_factor = 0 } }").contains("indicators.X.scale_factor"));
        assert!(e("data.time=99999").contains("reference year"));
        assert!(e("data.time=2024.5").contains("reference year"));
        assert!(Spec::parse(BASE, &["data.time=2024".into()]).is_ok());
        assert!(e("treat.lambda=1000").contains("between -10 and 10"));
        assert!(e("treat.lambda=nan").contains("treat.lambda"));
        assert!(e("treat.indicators={ X = { lambda = -50 } }").contains("treat.indicators.X.lambda"));
        assert!(Spec::parse(BASE, &["treat.lambda=0.5".into()]).is_ok());
        let e = e("uncertainty={ runs = 10000000000000, input = [] }");
        assert!(e.contains("at most 1000000"), "{e}");
    }
}
