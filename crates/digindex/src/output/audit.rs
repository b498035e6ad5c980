//! The output directory of an audit.
//!
//! ```text
//! OUT/
//!   correlations.csv     code,with,relation,level,n,pearson,pearson_p,spearman,spearman_p,flag
//!   cronbach.csv         code,level,children,alpha
//!   pca.csv              code,level,units_used,component,variance_share,cumulative_share
//!   pca_loadings.csv     code,child,component,loading
//!   pca_weights.toml     PC1 loadings as a [weights.pca] set to paste into a spec
//!                        (negative loadings and aggregates without a PCA commented out)
//!   indicator_stats.csv  code,min,max,mean,median,sd,skew,kurtosis,present,availability,zeros,
//!                        flag_availability,flag_skew_kurtosis
//!   availability.csv     unit,overall, then one column per aggregate
//!   effective_weights.csv code,level,weight,effective
//!   rank_intervals.csv   unit,nominal_rank,mean_rank,median_rank,q05,q95,runs   (with [uncertainty];
//!                        runs: the replications that ranked the unit)
//!   rank_intervals_all.csv code,unit,…  (with uncertainty.all_aggregates)
//!   replications.csv     run, block (A, B or AB:<input> in a Saltelli design; MC otherwise),
//!                        the alternative chosen per input (1-based), rank_shift, error
//!   sensitivity.csv      input,first_order,total,first_low,first_high,total_low,total_high
//!   audit.json           settings, inputs, failures by cause, warnings, timings
//! ```
//! Written atomically like a build's output. A spec built over several
//! years (`data.years`) gets these files per year in `OUT/<year>/`, and an
//! `OUT/audit.json` listing the years.

use std::io::{self, Write};
use std::path::Path;

use digindex_audit::coherence::{Alpha, Correlation, IndicatorStats, Pca, UnitAvailability};
use digindex_audit::rank_interval::RankInterval;
use digindex_audit::uncertainty::Outcome;
use digindex_pipeline::pipeline::WeightRecord;

use digindex_input::number::format_number as f;

use super::{write_atomically, write_file, write_json};

/// Everything an audit writes.
pub struct AuditReport<'a> {
    pub correlations: &'a [Correlation],
    pub alphas: &'a [Alpha],
    pub pcas: &'a [Pca],
    pub stats: &'a [IndicatorStats],
    pub availability: &'a [UnitAvailability],
    pub weights: &'a [WeightRecord],
    pub outcome: Option<&'a Outcome>,
    pub manifest: &'a crate::Manifest,
}

fn csv_file(dir: &Path, name: &str, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> io::Result<()> {
    write_file(dir, name, |w| {
        let mut wtr = csv::Writer::from_writer(w);
        wtr.write_record(header)?;
        for r in rows {
            wtr.write_record(&r)?;
        }
        wtr.flush()
    })
}

fn opt(v: Option<u32>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn interval_row(r: &RankInterval) -> Vec<String> {
    vec![r.unit.clone(), opt(r.nominal_rank), f(r.mean_rank), f(r.median_rank), f(r.q05), f(r.q95), r.runs.to_string()]
}

/// Writes the audit directory.
pub fn write_audit(out: &Path, r: &AuditReport<'_>) -> io::Result<()> {
    write_atomically(out, |dir| write_audit_into(dir, r))
}

/// Writes the audits of a spec built over several years, each year's files
/// in `out/<year>/`, and `summary` as `out/audit.json`; atomically, as
/// [`write_audit`].
pub fn write_audit_years(out: &Path, years: &[(i32, AuditReport<'_>)], summary: &crate::Manifest) -> io::Result<()> {
    write_atomically(out, |dir| {
        for (y, r) in years {
            let sub = dir.join(y.to_string());
            std::fs::create_dir(&sub)?;
            write_audit_into(&sub, r)?;
        }
        write_json(dir, "audit.json", &summary.to_json()?)
    })
}

/// Writes the audit files into an existing directory.
pub fn write_audit_into(dir: &Path, r: &AuditReport<'_>) -> io::Result<()> {
    {
        csv_file(
            dir,
            "correlations.csv",
            &["code", "with", "relation", "level", "n", "pearson", "pearson_p", "spearman", "spearman_p", "flag"],
            r.correlations.iter().map(|c| {
                vec![
                    c.code.clone(),
                    c.with.clone(),
                    c.relation.to_string(),
                    c.level.to_string(),
                    c.n.to_string(),
                    f(c.pearson),
                    f(c.pearson_p),
                    f(c.spearman),
                    f(c.spearman_p),
                    c.flag.to_string(),
                ]
            }),
        )?;
        csv_file(
            dir,
            "cronbach.csv",
            &["code", "level", "children", "alpha"],
            r.alphas.iter().map(|a| vec![a.code.clone(), a.level.to_string(), a.children.to_string(), f(a.alpha)]),
        )?;
        csv_file(
            dir,
            "pca.csv",
            &["code", "level", "units_used", "component", "variance_share", "cumulative_share"],
            r.pcas.iter().flat_map(|p| {
                let mut cum = 0.0;
                p.variance_shares
                    .iter()
                    .enumerate()
                    .map(|(k, s)| {
                        cum += s;
                        vec![
                            p.code.clone(),
                            p.level.to_string(),
                            p.units_used.to_string(),
                            (k + 1).to_string(),
                            f(*s),
                            f(cum),
                        ]
                    })
                    .collect::<Vec<_>>()
            }),
        )?;
        csv_file(
            dir,
            "pca_loadings.csv",
            &["code", "child", "component", "loading"],
            r.pcas.iter().flat_map(|p| {
                p.children
                    .iter()
                    .zip(&p.loadings)
                    .flat_map(|(c, l)| {
                        l.iter().enumerate().map(|(k, v)| vec![p.code.clone(), c.clone(), (k + 1).to_string(), f(*v)])
                    })
                    .collect::<Vec<_>>()
            }),
        )?;
        write_file(dir, "pca_weights.toml", |w| {
            writeln!(w, "# PC1 loadings of each aggregate's children (digindex audit). Weights must be")?;
            writeln!(w, "# >= 0, so negative loadings are commented out; children of aggregates")?;
            writeln!(w, "# without a PCA (fewer than 3 complete units, or one child) keep their weights.")?;
            writeln!(w, "[weights.pca]")?;
            for (code, v) in digindex_audit::coherence::pca_weights(r.pcas) {
                let line = format!("{} = {}", toml::Value::String(code), toml::Value::Float(v));
                if v < 0.0 {
                    writeln!(w, "# {line}  (negative)")?;
                } else {
                    writeln!(w, "{line}")?;
                }
            }
            let done: std::collections::HashSet<&str> = r.pcas.iter().map(|p| p.code.as_str()).collect();
            for a in r.alphas.iter().filter(|a| !done.contains(a.code.as_str())) {
                writeln!(w, "# no PCA for {}", a.code)?;
            }
            Ok(())
        })?;
        csv_file(
            dir,
            "indicator_stats.csv",
            &[
                "code",
                "min",
                "max",
                "mean",
                "median",
                "sd",
                "skew",
                "kurtosis",
                "present",
                "availability",
                "zeros",
                "flag_availability",
                "flag_skew_kurtosis",
            ],
            r.stats.iter().map(|s| {
                vec![
                    s.code.clone(),
                    f(s.min),
                    f(s.max),
                    f(s.mean),
                    f(s.median),
                    f(s.sd),
                    f(s.skew),
                    f(s.kurtosis),
                    s.present.to_string(),
                    f(s.availability),
                    s.zeros.to_string(),
                    s.flag_availability.to_string(),
                    s.flag_skew_kurtosis.to_string(),
                ]
            }),
        )?;
        let mut header = vec!["unit".to_string(), "overall".to_string()];
        if let Some(first) = r.availability.first() {
            header.extend(first.by_aggregate.iter().map(|(c, _)| c.clone()));
        }
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        csv_file(
            dir,
            "availability.csv",
            &header,
            r.availability.iter().map(|a| {
                let mut row = vec![a.unit.clone(), f(a.overall)];
                row.extend(a.by_aggregate.iter().map(|(_, v)| f(*v)));
                row
            }),
        )?;
        csv_file(
            dir,
            "effective_weights.csv",
            &["code", "level", "weight", "effective"],
            r.weights.iter().map(|w| {
                vec![w.code.clone(), w.level.to_string(), f(w.weight), w.effective.map(f).unwrap_or_default()]
            }),
        )?;
        if let Some(o) = r.outcome {
            let ih = ["unit", "nominal_rank", "mean_rank", "median_rank", "q05", "q95", "runs"];
            csv_file(dir, "rank_intervals.csv", &ih, o.intervals.iter().map(interval_row))?;
            if !o.aggregate_intervals.is_empty() {
                let mut h = vec!["code"];
                h.extend(ih);
                csv_file(
                    dir,
                    "rank_intervals_all.csv",
                    &h,
                    o.aggregate_intervals.iter().flat_map(|(code, rows)| {
                        rows.iter().map(move |x| {
                            let mut v = vec![code.clone()];
                            v.extend(interval_row(x));
                            v
                        })
                    }),
                )?;
            }
            let mut h: Vec<String> = vec!["run".into(), "block".into()];
            h.extend(o.inputs.iter().map(|i| i.name.clone()));
            h.push("rank_shift".into());
            h.push("error".into());
            let h: Vec<&str> = h.iter().map(String::as_str).collect();
            csv_file(
                dir,
                "replications.csv",
                &h,
                o.replications.iter().enumerate().map(|(k, rep)| {
                    let block = match &o.sensitivity {
                        None => "MC".to_string(),
                        Some(s) if k < s.base_runs => "A".to_string(),
                        Some(s) if k < 2 * s.base_runs => "B".to_string(),
                        Some(s) => format!("AB:{}", o.inputs[(k / s.base_runs - 2).min(o.inputs.len() - 1)].name),
                    };
                    let mut v = vec![(k + 1).to_string(), block];
                    v.extend(rep.choices.iter().map(|c| (c + 1).to_string()));
                    v.push(f(rep.rank_shift));
                    v.push(rep.error.clone().unwrap_or_default());
                    v
                }),
            )?;
            if let Some(s) = &o.sensitivity {
                csv_file(
                    dir,
                    "sensitivity.csv",
                    &["input", "first_order", "total", "first_low", "first_high", "total_low", "total_high"],
                    s.indices.iter().map(|(name, x)| {
                        vec![
                            name.clone(),
                            f(x.first_order),
                            f(x.total),
                            f(x.first_low),
                            f(x.first_high),
                            f(x.total_low),
                            f(x.total_high),
                        ]
                    }),
                )?;
            }
        }
        write_json(dir, "audit.json", &r.manifest.to_json()?)
    }
}
