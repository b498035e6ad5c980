//! The ASEM example against COINr 1.1.14's own outputs, and the COINr
//! variants checked against values computed independently here (explicit
//! loops over the iMeta lineage, closed forms), as COINr's tests do.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use digindex_pipeline::{Build, Inputs, Spec, Stage};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// COINr 1.1.14's outputs of its documented example, vendored beside the
/// example (see `examples/asem/README.md`).
fn reference_dir() -> PathBuf {
    root().join("examples/asem/reference/default")
}

fn build_with(sets: &[&str]) -> (Build, Inputs) {
    let spec_path = root().join("examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("spec readable");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let spec = Spec::parse(&text, &sets).expect("spec valid");
    let (inputs, _files) = digindex_input::load(&spec, &spec_path).expect("inputs valid");
    let build = digindex_pipeline::build(&spec, &inputs).expect("build succeeds");
    (build, inputs)
}

/// A reference table: key column → (column → text cell).
fn read_ref(name: &str, key: &str) -> (Vec<String>, HashMap<String, HashMap<String, String>>) {
    let mut rdr = csv::Reader::from_path(reference_dir().join(name)).expect("reference file");
    let header: Vec<String> = rdr.headers().expect("header").iter().map(String::from).collect();
    let k = header.iter().position(|h| h == key).expect("key column");
    let mut rows = HashMap::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        let mut m = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            if i != k {
                m.insert(h.clone(), rec[i].to_string());
            }
        }
        rows.insert(rec[k].to_string(), m);
    }
    (header.into_iter().filter(|h| h != key).collect(), rows)
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    a == b || (a - b).abs() <= tol * b.abs().max(a.abs())
}

fn parse(s: &str) -> f64 {
    if s.is_empty() { f64::NAN } else { s.parse().expect("number") }
}

#[test]
fn every_stage_matches_coinr_reference() {
    let (build, _) = build_with(&[]);
    for stage in Stage::ALL {
        let ds = build.stage(stage);
        let (cols, rows) = read_ref(&format!("{}.csv", stage.name()), "uCode");
        assert_eq!(ds.units.len(), rows.len(), "{}: unit count", stage.name());
        let mut ours = ds.codes.clone();
        ours.sort();
        let mut theirs = cols.clone();
        theirs.sort();
        assert_eq!(ours, theirs, "{}: columns", stage.name());
        let mut checked = 0;
        for (i, unit) in ds.units.iter().enumerate() {
            let r = rows.get(unit).unwrap_or_else(|| panic!("{}: unit {unit} not in reference", stage.name()));
            for (j, code) in ds.codes.iter().enumerate() {
                let want = parse(&r[code]);
                let got = ds.values.get(i, j);
                assert!(rel_close(got, want, 1e-9), "{} {unit} {code}: got {got}, COINr {want}", stage.name());
                checked += 1;
            }
        }
        assert_eq!(checked, rows.len() * cols.len());
    }
}

#[test]
fn ranks_match_coinr_exactly() {
    let (build, inputs) = build_with(&[]);
    let (_, rows) = read_ref("ranks.csv", "uCode");
    let scores = build.scores(&inputs.framework);
    assert_eq!(scores.len(), 51 * 60);
    for s in scores {
        let want = &rows[&s.unit][&s.code];
        assert_eq!(s.rank.map(|r| r.to_string()).unwrap_or_default(), *want, "{} {}", s.unit, s.code);
    }
}

#[test]
fn treatment_details_match_coinr() {
    let (build, _) = build_with(&[]);
    let (_, rows) = read_ref("treat_details.csv", "iCode");
    let log = build.log.treat.as_ref().expect("treat ran");
    assert_eq!(log.indicators.len(), 49);
    for rec in &log.indicators {
        let r = &rows[&rec.code];
        let before = rec.before.expect("checked");
        assert!(rel_close(before.skew, parse(&r["check_SkewKurt0.Skew"]), 1e-9), "{}", rec.code);
        assert!(rel_close(before.kurtosis, parse(&r["check_SkewKurt0.Kurt"]), 1e-9), "{}", rec.code);
        assert_eq!(before.pass, Some(r["check_SkewKurt0.Pass"] == "TRUE"), "{}", rec.code);
        let nwin = &r["winsorise.nwin"];
        if nwin.is_empty() {
            assert!(!rec.treated, "{}", rec.code);
        } else {
            assert_eq!(rec.winsorised.to_string(), *nwin, "{}", rec.code);
            let after = rec.after_method.expect("checked again");
            assert!(rel_close(after.skew, parse(&r["check_SkewKurt1.Skew"]), 1e-9), "{}", rec.code);
            assert!(rel_close(after.kurtosis, parse(&r["check_SkewKurt1.Kurt"]), 1e-9), "{}", rec.code);
            assert_eq!(after.pass, Some(r["check_SkewKurt1.Pass"] == "TRUE"), "{}", rec.code);
        }
    }
    // the Winsorised points are those COINr marks
    let (_, points) = read_ref("treated_points.csv", "uCode");
    let treated = build.stage(Stage::Treated);
    for rec in &log.indicators {
        for (i, unit) in treated.units.iter().enumerate() {
            assert_eq!(rec.points[i], points[unit][&rec.code], "{unit} {}", rec.code);
        }
    }
}

// ---------------------------------------------------------------- variants

/// Parent of every code, read straight from iMeta (not via the framework).
fn lineage() -> (Vec<(String, String, u32, f64)>, u32) {
    let mut rdr = csv::Reader::from_path(root().join("examples/asem/ASEM_iMeta.csv")).expect("iMeta");
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.expect("record");
        if rec[9].ends_with("Indicator") || rec[9].ends_with("Aggregate") {
            let level: u32 = rec[0].parse().expect("level");
            out.push((rec[1].to_string(), rec[8].to_string(), level, rec[4].parse().expect("weight")));
        }
    }
    let top = out.iter().map(|r| r.2).max().expect("levels");
    (out, top)
}

/// Recomputes every aggregate of `build` from its normalised stage with
/// explicit loops, using `mean(level, values, weights)`.
fn check_aggregation(build: &Build, mean: impl Fn(u32, &[f64], &[f64]) -> f64) {
    let norm = build.stage(Stage::Normalised);
    let agg = build.stage(Stage::Aggregated);
    let (lin, top) = lineage();
    let mut values: HashMap<String, Vec<f64>> =
        norm.codes.iter().enumerate().map(|(j, c)| (c.clone(), norm.values.col(j).to_vec())).collect();
    for level in 2..=top {
        for (code, _, _, _) in lin.iter().filter(|r| r.2 == level) {
            let children: Vec<&(String, String, u32, f64)> = lin.iter().filter(|r| &r.1 == code).collect();
            let col: Vec<f64> = (0..norm.units.len())
                .map(|u| {
                    let (x, w): (Vec<f64>, Vec<f64>) =
                        children.iter().map(|c| (values[&c.0][u], c.3)).filter(|(x, _)| !x.is_nan()).unzip();
                    mean(level, &x, &w)
                })
                .collect();
            let got = agg.column(code).expect("aggregate present");
            for (u, (g, w)) in got.iter().zip(&col).enumerate() {
                assert!(rel_close(*g, *w, 1e-12), "{code} {}: {g} vs {w}", agg.units[u]);
            }
            values.insert(code.clone(), col);
        }
    }
}

fn amean(x: &[f64], w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    x.iter().zip(w).map(|(x, w)| x * w / s).sum()
}
fn gmean(x: &[f64], w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    x.iter().zip(w).map(|(x, w)| x.powf(w / s)).product()
}
fn hmean(x: &[f64], w: &[f64]) -> f64 {
    let s: f64 = w.iter().sum();
    s / x.iter().zip(w).map(|(x, w)| w / x).sum::<f64>()
}

#[test]
fn default_aggregation_recomputed_by_lineage() {
    let (build, _) = build_with(&[]);
    check_aggregation(&build, |_, x, w| amean(x, w));
}

#[test]
fn variant_zscore() {
    let (build, _) = build_with(&["normalise.method=\"zscore\"", "normalise.mean_sd=[0,1]"]);
    let norm = build.stage(Stage::Normalised);
    for j in 0..norm.codes.len() {
        let c = norm.values.col(j);
        let n = c.len() as f64;
        let m: f64 = c.iter().sum::<f64>() / n;
        let sd = (c.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!(m.abs() < 1e-12 && (sd - 1.0).abs() < 1e-12, "{}: mean {m} sd {sd}", norm.codes[j]);
    }
    // direction applied first: a lower-is-better indicator is reversed
    let treated = build.stage(Stage::Treated);
    let t = treated.column("CO2").expect("CO2");
    let z = norm.column("CO2").expect("CO2");
    let (imax, _) = t.iter().enumerate().fold((0, f64::MIN), |a, (i, v)| if *v > a.1 { (i, *v) } else { a });
    assert!(z.iter().all(|v| *v >= z[imax]), "the highest CO2 gets the lowest z-score");
    check_aggregation(&build, |_, x, w| amean(x, w));
}

#[test]
fn variant_minmax_1_100_geometric_harmonic_mixed() {
    let (build, _) = build_with(&["normalise.range=[1,100]", "aggregate.method=\"geometric\""]);
    let norm = build.stage(Stage::Normalised);
    for j in 0..norm.codes.len() {
        let c = norm.values.col(j);
        let mn = c.iter().cloned().fold(f64::INFINITY, f64::min);
        let mx = c.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert!((mn - 1.0).abs() < 1e-12 && (mx - 100.0).abs() < 1e-12);
    }
    check_aggregation(&build, |_, x, w| gmean(x, w));
    let (build, _) = build_with(&["normalise.range=[1,100]", "aggregate.method=\"harmonic\""]);
    check_aggregation(&build, |_, x, w| hmean(x, w));
    let (build, _) =
        build_with(&["normalise.range=[1,100]", "aggregate.methods=[\"geometric\",\"harmonic\",\"arithmetic\"]"]);
    check_aggregation(&build, |level, x, w| match level {
        2 => gmean(x, w),
        3 => hmean(x, w),
        _ => amean(x, w),
    });
    // geometric on [0, 100] hits zeros: a clear error, not NaN
    let spec_path = root().join("examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("spec");
    let spec = Spec::parse(&text, &["aggregate.method=\"geometric\"".into()]).expect("valid");
    let (inputs, _files) = digindex_input::load(&spec, &spec_path).expect("inputs");
    let e = digindex_pipeline::build(&spec, &inputs).unwrap_err();
    assert!(e.message.contains("needs values > 0") && e.message.contains("normalise.range"), "{e}");
}

/// Bit-identical data sets (missing cells equal to missing cells).
fn assert_identical(a: &digindex_data::DataSet, b: &digindex_data::DataSet, what: &str) {
    assert_eq!(a.units, b.units, "{what}: units");
    assert_eq!(a.codes, b.codes, "{what}: codes");
    for j in 0..a.codes.len() {
        for (x, y) in a.values.col(j).iter().zip(b.values.col(j)) {
            assert_eq!(x.to_bits(), y.to_bits(), "{what}: {} differs ({x} vs {y})", a.codes[j]);
        }
    }
}

#[test]
fn variant_treatment_disabled_is_identity() {
    let (build, _) = build_with(&["treat.enabled=false"]);
    assert_identical(build.stage(Stage::Treated), build.stage(Stage::Screened), "treated");
    assert!(build.log.treat.is_none());
    let (build, _) = build_with(&["denominate.enabled=false", "impute.enabled=false", "screen.enabled=false"]);
    assert_identical(build.stage(Stage::Denominated), build.stage(Stage::Raw), "denominated");
    assert_identical(build.stage(Stage::Imputed), build.stage(Stage::Raw), "imputed");
    assert_identical(build.stage(Stage::Screened), build.stage(Stage::Raw), "screened");
}

#[test]
fn variant_max_points_1_falls_back_to_log() {
    let (build, _) = build_with(&["treat.max_points=1"]);
    let (_, details) = read_ref("treat_details.csv", "iCode");
    let screened = build.stage(Stage::Screened);
    let treated = build.stage(Stage::Treated);
    let log = build.log.treat.as_ref().expect("treat ran");
    for rec in &log.indicators {
        let nwin = &details[&rec.code]["winsorise.nwin"];
        let x = screened.column(&rec.code).expect("col");
        let y = treated.column(&rec.code).expect("col");
        if nwin.is_empty() {
            assert_eq!(x, y, "{} passes untreated", rec.code);
        } else if nwin == "1" {
            // one point sufficed with max_points 5: same result now
            assert_eq!(rec.winsorised, 1);
            assert!(rec.fallback.is_none(), "{}", rec.code);
        } else {
            // more points were needed: one is not enough, so log_CT of the original values
            assert!(rec.winsorised <= 1, "{}", rec.code);
            assert!(rec.fallback.is_some(), "{} should fall back", rec.code);
            let mn = x.iter().cloned().fold(f64::INFINITY, f64::min);
            let mx = x.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            for (a, b) in x.iter().zip(y) {
                assert!(rel_close(*b, (a - mn + 0.01 * (mx - mn)).ln(), 1e-14), "{}", rec.code);
            }
        }
    }
}

fn denominated_missing() -> (Build, Vec<(usize, usize)>) {
    let (build, _) = build_with(&[]);
    let d = build.stage(Stage::Denominated);
    let cells = (0..d.codes.len())
        .flat_map(|j| (0..d.units.len()).map(move |i| (i, j)))
        .filter(|&(i, j)| d.values.get(i, j).is_nan())
        .collect();
    (build, cells)
}

#[test]
fn variant_plain_mean_and_group_median_imputation() {
    let (_, cells) = denominated_missing();
    // 64 missing in the raw data, one more where the Energy denominator is missing
    assert_eq!(cells.len(), 65);
    let (build, inputs) = build_with(&["impute.method=\"mean\""]);
    let d = build.stage(Stage::Denominated);
    let imp = build.stage(Stage::Imputed);
    for &(i, j) in &cells {
        let present: Vec<f64> = d.values.col(j).iter().cloned().filter(|v| !v.is_nan()).collect();
        let m = present.iter().sum::<f64>() / present.len() as f64;
        assert!(rel_close(imp.values.get(i, j), m, 1e-13));
    }
    let (build, _) = build_with(&["impute.method=\"group_median\"", "impute.group=\"EurAsia_group\""]);
    let imp = build.stage(Stage::Imputed);
    let g = inputs.units.group("EurAsia_group").expect("group column");
    for &(i, j) in &cells {
        let mut v: Vec<f64> = (0..d.units.len())
            .filter(|&k| g.values[k] == g.values[i] && !d.values.get(k, j).is_nan())
            .map(|k| d.values.get(k, j))
            .collect();
        v.sort_by(f64::total_cmp);
        let med = if v.len() % 2 == 1 { v[v.len() / 2] } else { (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0 };
        assert_eq!(imp.values.get(i, j), med);
    }
    // observed values never change
    assert_eq!(imp.n_missing(), 0);
}

#[test]
fn variant_no_imputation_with_screening() {
    let (build, _) = build_with(&["impute.enabled=false", "screen.min_coverage=0.9"]);
    let d = build.stage(Stage::Denominated);
    let keep: Vec<&String> = (0..d.units.len())
        .filter(|&i| {
            let missing = (0..d.codes.len()).filter(|&j| d.values.get(i, j).is_nan()).count();
            1.0 - missing as f64 / d.codes.len() as f64 >= 0.9
        })
        .map(|i| &d.units[i])
        .collect();
    let s = build.stage(Stage::Screened);
    assert!(keep.len() < d.units.len(), "some units fall below 90%");
    assert_eq!(s.units.iter().collect::<Vec<_>>(), keep);
    // missing values survive to the aggregates, which skip them
    let agg = build.stage(Stage::Aggregated);
    assert!(build.stage(Stage::Normalised).n_missing() > 0);
    assert_eq!(agg.units.len(), keep.len());
    check_aggregation(&build, |_, x, w| if x.is_empty() { f64::NAN } else { amean(x, w) });
}

#[test]
fn variant_borda() {
    let (build, inputs) = build_with(&["normalise.method=\"borda\""]);
    let t = build.stage(Stage::Treated);
    let n = build.stage(Stage::Normalised);
    for (j, code) in n.codes.iter().enumerate() {
        let dir = inputs.framework.node(inputs.framework.index_of(code).expect("code")).direction;
        let x: Vec<f64> = t.values.col(j).iter().map(|v| v * dir).collect();
        for (i, b) in n.values.col(j).iter().enumerate() {
            let below = x.iter().filter(|v| **v < x[i]).count();
            assert_eq!(*b, below as f64, "{code}");
        }
    }
    check_aggregation(&build, |_, x, w| amean(x, w));
}

#[test]
fn variant_copeland() {
    let (build, _) = build_with(&["aggregate.method=\"copeland\""]);
    let norm = build.stage(Stage::Normalised);
    let agg = build.stage(Stage::Aggregated);
    let (lin, top) = lineage();
    let mut values: HashMap<String, Vec<f64>> =
        norm.codes.iter().enumerate().map(|(j, c)| (c.clone(), norm.values.col(j).to_vec())).collect();
    let n = norm.units.len();
    for level in 2..=top {
        for (code, _, _, _) in lin.iter().filter(|r| r.2 == level) {
            let ch: Vec<&String> = lin.iter().filter(|r| &r.1 == code).map(|r| &r.0).collect();
            let w = 1.0 / ch.len() as f64;
            let score: Vec<f64> = (0..n)
                .map(|i| {
                    (0..n)
                        .filter(|&j| j != i)
                        .map(|j| {
                            let o: f64 = ch
                                .iter()
                                .map(|c| {
                                    let (a, b) = (values[*c][i], values[*c][j]);
                                    if a > b {
                                        w
                                    } else if a == b {
                                        w / 2.0
                                    } else {
                                        0.0
                                    }
                                })
                                .sum();
                            if (o - 0.5).abs() < 1e-12 { 0.0 } else { (o - 0.5).signum() }
                        })
                        .sum()
                })
                .collect();
            assert_eq!(agg.column(code).expect("present"), &score[..], "{code}");
            values.insert(code.clone(), score);
        }
    }
}
