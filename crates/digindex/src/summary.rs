//! What a job did, in lines of text for a person: the build's headline
//! and warnings, what the reader must know about the data, the top of the
//! ranking with rank intervals and estimates, who moved since the previous
//! run, the claims, and the audit's findings. The CLI prints them; a
//! notebook can show them.

use std::path::Path;

use digindex_data::provenance::Provenance;
use digindex_pipeline::{Spec, Stage};

use crate::audit::Audit;
use crate::build::{Built, BuiltYears};
use crate::load::Loaded;

/// The summary of a build of one year.
pub fn built(b: &Built, out: &Path, previous: Option<&str>, secs: f64, lines: &mut Vec<String>) {
    report(&b.recipe.spec, &b.loaded.inputs.framework, &b.build, out, secs, lines);
    data_notes(&b.loaded, &b.provenance, lines);
    if let Some(a) = &b.audit {
        summary(&b.build, a, previous, &b.provenance, lines);
    }
    if !b.verdicts.is_empty() {
        lines.push(String::new());
        lines.push(format!("claims (details: {}/claims.json, or digindex check FILE):", out.display()));
        for v in &b.verdicts {
            lines.push(format!("  {} — {}: {}", v.id, v.summary, v.text));
        }
    }
}

/// The summary of a build over several years: per year the top three, the
/// latest ranking with rank intervals, the change since the first year
/// (and the baseline) read against the rank intervals, the biggest movers
/// with the indicators that moved them, and the official targets.
pub fn built_years(b: &BuiltYears, out: &Path, secs: f64, lines: &mut Vec<String>) {
    let years: Vec<String> = b.builds.iter().map(|(y, _)| y.to_string()).collect();
    lines.push(format!(
        "{}: {} years ({}) -> {} ({:.1} ms)",
        b.recipe.spec.index.name,
        years.len(),
        years.join(", "),
        out.display(),
        secs * 1e3
    ));
    if let Some(min) = b.recipe.spec.data.min_current {
        if !b.not_built.is_empty() {
            let years: Vec<i32> = b.not_built.iter().map(|(y, _)| *y).collect();
            lines.push(format!(
                "not built: {} (fewer than {:.0}% of the values dated the year itself; data.min_current)",
                spans(&years),
                100.0 * min
            ));
        }
    }
    for (y, build) in &b.builds {
        let absent = &build.log.absent;
        if !absent.is_empty() {
            lines.push(format!(
                "{y}: no data for {} (each one's weight went to the rest of its pillar)",
                absent.join(", ")
            ));
        }
    }
    // what the reader must know about the latest year's data
    if let (Some((y, build)), Some((_, loaded)), Some((_, prov))) =
        (b.builds.last(), b.years.last(), b.provenance.last())
    {
        for w in &build.warnings {
            lines.push(format!("{y}: warning: {w}"));
        }
        data_notes(loaded, prov, lines);
    }
    let estimated: std::collections::HashMap<String, (usize, usize)> = b
        .provenance
        .last()
        .map(|(_, prov)| {
            digindex_pipeline::provenance::estimated(prov).into_iter().map(|(u, e, n)| (u, (e, n))).collect()
        })
        .unwrap_or_default();
    let Some(code) = b.years.first().and_then(|(_, l)| l.inputs.framework.top_code()) else { return };
    let p = &b.progress;
    let countries = digindex_sources::countries::Countries::shipped();
    let name = |u: &str| countries.get(u).map(|c| c.name.clone()).unwrap_or_default();
    let latest = p.ranking(code, p.last);
    lines.push(String::new());
    lines.push(format!("{} in {} ({} ranked); change since {}:", code, p.last, latest.len(), p.first));
    lines.push(format!(
        "{:>4}  {:<5} {:<24} {:>7}  {:>9}  {:>6}  {:>8}  {:>6}  {}",
        "rank", "unit", "name", "score", "5%-95%", "est.", "change", "rank", "movement"
    ));
    for r in latest.iter().take(10) {
        let est = estimated.get(&r.unit).map_or(String::new(), |&(e, n)| {
            format!("{e}/{n}{}", if digindex_pipeline::provenance::rests_on_estimates(e, n) { "*" } else { "" })
        });
        lines.push(format!(
            "{:>4}  {:<5} {:<24} {:>7.2}  {:>9}  {:>6}  {:>8}  {:>6}  {}",
            r.rank.map(|v| v.to_string()).unwrap_or_default(),
            r.unit,
            name(&r.unit),
            r.score,
            match (r.rank_low, r.rank_high) {
                (Some(a), Some(b)) => format!("{a}-{b}"),
                _ => String::new(),
            },
            est,
            r.change_first.map(|c| format!("{c:+.2}")).unwrap_or_default(),
            r.rank_change_first.map(|c| format!("{c:+}")).unwrap_or_default(),
            r.movement.map(|m| m.as_str()).unwrap_or("")
        ));
    }
    let count = |m: digindex_audit::progress::Movement| latest.iter().filter(|r| r.movement == Some(m)).count();
    use digindex_audit::progress::Movement;
    lines.push(
        "est. = values that are estimates (older own values, interpolations, group estimates), * = more than a third"
            .to_string(),
    );
    if latest.iter().any(|r| r.movement.is_some()) {
        lines.push(format!(
            "since {}: {} up and {} down beyond the rank intervals, {} within them (no change); progress.csv has every pillar and year",
            p.first,
            count(Movement::Up),
            count(Movement::Down),
            count(Movement::NoChange)
        ));
    }
    match (p.baseline, p.baseline_pending) {
        (Some(y), _) => {
            let best = latest
                .iter()
                .filter_map(|r| Some((r.change_baseline?, r.unit.as_str())))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((c, u)) = best {
                lines.push(format!("since the {y} baseline: the largest rise is {u} ({c:+.2})"));
            }
        }
        (None, Some(y)) => {
            lines.push(format!("the {y} baseline is not built yet: changes are shown since {}", p.first))
        }
        _ => {}
    }
    let mover = |m: &digindex_audit::progress::Mover| {
        let d: Vec<String> = m.drivers.iter().map(|d| format!("{} {:+.2}", d.code, d.contribution)).collect();
        format!("{} {:+.2} ({})", m.unit, m.change, d.join(", "))
    };
    if !p.movers.is_empty() {
        let up: Vec<String> = p.movers.iter().take(3).filter(|m| m.change > 0.0).map(mover).collect();
        let down: Vec<String> = p.movers.iter().rev().take(3).filter(|m| m.change < 0.0).map(mover).collect();
        if !up.is_empty() {
            lines.push(format!(
                "most improved since {} (the indicators that moved them most: weight x change of score, among those present both years): {}",
                p.first,
                up.join("; ")
            ));
        }
        if !down.is_empty() {
            lines.push(format!("largest falls since {}: {}", p.first, down.join("; ")));
        }
    }
    if let Some(spec) = &b.recipe.spec.progress {
        for t in &spec.targets {
            let rows: Vec<_> = p.targets.iter().filter(|r| r.code == t.code).collect();
            let n = |s: digindex_audit::progress::TargetStatus| rows.iter().filter(|r| r.status == s).count();
            use digindex_audit::progress::TargetStatus as S;
            lines.push(format!(
                "target {} = {} by {}: {} met, {} on track at their pace since their first own value, {} off track, {} unknown (targets.csv)",
                t.code,
                t.value,
                t.year,
                n(S::Met),
                n(S::OnTrack),
                n(S::OffTrack),
                n(S::Unknown)
            ));
        }
    }
    if !b.audits.is_empty() {
        lines.push(format!("rank intervals per year: YEAR/audit/ ({} years)", b.audits.len()));
    }
    if !b.verdicts.is_empty() {
        lines.push(String::new());
        lines.push(format!("claims (details: {}/claims.json):", out.display()));
        for v in &b.verdicts {
            lines.push(format!("  {} — {}: {}", v.id, v.summary, v.text));
        }
    }
}

/// The rank intervals in order of the nominal rank.
pub fn ranked(o: &digindex_audit::uncertainty::Outcome) -> Vec<&digindex_audit::rank_interval::RankInterval> {
    let mut order: Vec<&digindex_audit::rank_interval::RankInterval> = o.intervals.iter().collect();
    order.sort_by_key(|r| r.nominal_rank.unwrap_or(u32::MAX));
    order
}

/// What the reader must know about the data: findings on used values no
/// correction covers, corrections, and how many values are estimates.
fn data_notes(loaded: &Loaded, provenance: &[Provenance], lines: &mut Vec<String>) {
    let warnings = loaded.warnings_on(provenance);
    for w in warnings.iter().take(8) {
        lines.push(format!("warning: {w}"));
    }
    if warnings.len() > 8 {
        lines.push(format!("warning: … and {} more data findings (manifest.json: quality)", warnings.len() - 8));
    }
    if loaded.cells.is_none() {
        return;
    }
    let mut counts = std::collections::BTreeMap::new();
    for r in provenance {
        *counts.entry(r.flag).or_insert(0usize) += 1;
    }
    let parts: Vec<String> = counts.iter().map(|(f, n)| format!("{n} {f}")).collect();
    let ranked: std::collections::BTreeSet<&str> = provenance.iter().map(|r| r.unit.as_str()).collect();
    let n_corr = loaded.quality.as_ref().map_or(0, |q| q.of_units(&ranked).corrections.len());
    lines.push(format!(
        "values in the index: {} (provenance.csv); {} source values of the ranked units corrected (all years; manifest.json: quality)",
        parts.join(", "),
        n_corr
    ));
    let resting: Vec<String> = digindex_pipeline::provenance::estimated(provenance)
        .into_iter()
        .filter(|(_, e, n)| digindex_pipeline::provenance::rests_on_estimates(*e, *n))
        .map(|(u, e, n)| format!("{u} ({e}/{n})"))
        .collect();
    if !resting.is_empty() {
        lines.push(format!("scores resting on estimates (more than a third of values): {}", resting.join(", ")));
    }
}

/// Top 10 with rank intervals, and the biggest movers since the previous run.
fn summary(
    build: &digindex_pipeline::Build,
    audit: &Audit,
    previous: Option<&str>,
    provenance: &[Provenance],
    lines: &mut Vec<String>,
) {
    let estimated: std::collections::HashMap<String, (usize, usize)> =
        digindex_pipeline::provenance::estimated(provenance).into_iter().map(|(u, e, n)| (u, (e, n))).collect();
    let Some(o) = &audit.outcome else { return };
    let agg = build.stage(Stage::Aggregated);
    let Some(col) = agg.column(&o.target) else { return };
    lines.push(String::new());
    lines.push(format!(
        "{:>4}  {:<5} {:<32} {:>7}  {:>8}  {:>9}  {:>6}",
        "rank", "unit", "name", "score", "median", "5%-95%", "est."
    ));
    let order = ranked(o);
    let countries = digindex_sources::countries::Countries::shipped();
    for r in order.iter().take(10) {
        let score = agg.row_index(&r.unit).map_or(f64::NAN, |i| col[i]);
        let name = countries.get(&r.unit).map(|c| c.name.as_str()).unwrap_or("");
        let est = estimated.get(&r.unit).map_or(String::new(), |&(e, n)| {
            format!("{e}/{n}{}", if digindex_pipeline::provenance::rests_on_estimates(e, n) { "*" } else { "" })
        });
        lines.push(format!(
            "{:>4}  {:<5} {:<32} {:>7.2}  {:>8}  {:>4}-{:<4}  {:>6}",
            r.nominal_rank.map(|v| v.to_string()).unwrap_or_default(),
            r.unit,
            name,
            score,
            r.median_rank,
            r.q05,
            r.q95,
            est
        ));
    }
    lines.push(format!(
        "rank intervals over {} runs: {}; est. = values that are estimates (older own values, interpolations, group estimates), * = more than a third",
        o.replications.len(),
        o.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
    ));
    if let Some(prev) = previous {
        let before: std::collections::HashMap<&str, u32> = prev
            .lines()
            .skip(1)
            .filter_map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                (c.len() == 5 && c[1] == o.target).then(|| c[4].parse().ok().map(|r| (c[0], r))).flatten()
            })
            .collect();
        let ranks = digindex_pipeline::rank::rank_scores(col);
        let mut moves: Vec<(i64, &str, u32, u32)> = agg
            .units
            .iter()
            .zip(&ranks)
            .filter_map(|(u, r)| {
                let (b, a) = (*before.get(u.as_str())?, (*r)?);
                (a != b).then_some((i64::from(b) - i64::from(a), u.as_str(), b, a))
            })
            .collect();
        moves.sort_by_key(|m| (-m.0.abs(), m.1));
        if moves.is_empty() {
            lines.push("no rank changes since the previous run".to_string());
        } else {
            let t: Vec<String> = moves.iter().take(5).map(|(d, u, b, a)| format!("{u} {b}->{a} ({d:+})")).collect();
            lines.push(format!("moved since the previous run: {}", t.join(", ")));
        }
    }
}

fn report(
    spec: &Spec,
    fw: &digindex_data::Framework,
    build: &digindex_pipeline::Build,
    out: &Path,
    secs: f64,
    lines: &mut Vec<String>,
) {
    let agg = build.stage(Stage::Aggregated);
    let raw = build.stage(Stage::Raw);
    lines.push(format!(
        "{}: {} of {} units, {} indicators, {} aggregates -> {} ({:.1} ms)",
        spec.index.name,
        agg.units.len(),
        raw.units.len(),
        fw.indicators().len(),
        agg.codes.len() - fw.indicators().len(),
        out.display(),
        secs * 1e3
    ));
    for w in &build.warnings {
        lines.push(format!("warning: {w}"));
    }
    // top five of the (first) top-level aggregate
    if let Some(code) = fw.top_code() {
        if let Some(top5) = top_n(agg, code, 5) {
            lines.push(format!("top of {code}: {top5}"));
        }
    }
}

/// "UNIT score, …" for the first `n` ranks of aggregate `code`.
fn top_n(agg: &digindex_data::DataSet, code: &str, n: usize) -> Option<String> {
    let col = agg.column(code)?;
    let order = digindex_pipeline::rank::ranked_order(&digindex_pipeline::rank::rank_scores(col));
    let top: Vec<String> = order.iter().take(n).map(|&i| format!("{} {:.2}", agg.units[i], col[i])).collect();
    Some(top.join(", "))
}

/// What the uncertainty analysis found.
pub fn audit(audit: &Audit, lines: &mut Vec<String>) {
    match &audit.outcome {
        None => lines.push("no [uncertainty] table: coherence only".to_string()),
        Some(o) => {
            let failed: usize = o.failures.values().sum();
            lines.push(format!(
                "{} runs over {} inputs ({} pipelines built, {failed} failed) in {:.2} s on {} threads",
                o.replications.len(),
                o.inputs.len(),
                o.pipelines,
                audit.seconds,
                audit.threads
            ));
            for (cause, k) in &o.failures {
                lines.push(format!("failed {k}×: {cause}"));
            }
            for w in &o.warnings {
                lines.push(format!("warning: {w}"));
            }
            let top: Vec<String> = ranked(o)
                .iter()
                .take(5)
                .map(|r| format!("{} {} [{}-{}]", r.unit, r.nominal_rank.unwrap_or(0), r.q05, r.q95))
                .collect();
            lines.push(format!("{} rank [5%-95%]: {}", o.target, top.join(", ")));
            if let Some(s) = &o.sensitivity {
                let mut idx: Vec<_> = s.indices.iter().collect();
                idx.sort_by(|a, b| b.1.total.total_cmp(&a.1.total));
                let t: Vec<String> = idx.iter().map(|(n, x)| format!("{n} {:.3}", x.total)).collect();
                lines.push(format!("total Sobol indices: {}", t.join(", ")));
            }
        }
    }
}

/// What an OpenAlex run read and kept.
pub fn openalex(s: &crate::openalex::Summary, settings: &crate::openalex::Settings, lines: &mut Vec<String>) {
    let t = &s.totals;
    lines.push(format!(
        "{} works kept of {} lines ({} malformed) from {} files, {:.0} MB of JSON in {:.2} s ({:.0} MB/s) -> {}",
        t.works_kept,
        t.lines,
        t.malformed,
        s.files.len(),
        t.bytes as f64 / 1e6,
        s.seconds,
        t.bytes as f64 / 1e6 / s.seconds,
        settings.out.display()
    ));
    lines.push(format!(
        "affiliation coverage: {:.1}% of authorships have a country; {} works have none",
        100.0 * t.coverage(),
        t.works_without_country
    ));
    if settings.dedup || !settings.merged_ids.is_empty() {
        lines.push(format!(
            "left out: {} older or repeated copies of works (--dedup), {} records of works merged away (--merged-ids)",
            t.duplicates_skipped, t.merged_skipped
        ));
    }
}

/// The units whose rank on `code` moved most between two builds (of
/// `year`, when the builds cover several), `top` of them.
pub fn movers(
    year: Option<i32>,
    code: &str,
    changes: &[digindex_audit::diff::Change],
    top: usize,
    lines: &mut Vec<String>,
) {
    let mine: Vec<&digindex_audit::diff::Change> = changes.iter().filter(|c| c.code == code).collect();
    let moved = mine.iter().filter(|c| c.rank_change().is_some_and(|v| v != 0)).count();
    let label = year.map(|y| format!("{y} ")).unwrap_or_default();
    lines.push(format!("{label}{code}: {moved} of {} units change rank", mine.len()));
    lines.push(format!(
        "{:<10} {:>8} {:>8} {:>7} {:>11} {:>11} {:>9}",
        "unit", "rank", "->", "moved", "score", "->", "change"
    ));
    for c in mine.iter().take(top) {
        lines.push(format!(
            "{:<10} {:>8} {:>8} {:>7} {:>11.3} {:>11.3} {:>+9.3}",
            c.unit,
            c.rank_before.map(|v| v.to_string()).unwrap_or("-".into()),
            c.rank_after.map(|v| v.to_string()).unwrap_or("-".into()),
            c.rank_change().map(|v| format!("{v:+}")).unwrap_or("-".into()),
            c.score_before,
            c.score_after,
            c.score_change()
        ));
    }
}

/// Every indicator of the catalogue with its dataset, years and units
/// covered, then the datasets (`digindex data list`).
pub fn catalogue(
    cat: &digindex_sources::catalog::Catalog,
    all: &[digindex_sources::catalog::Series],
    lines: &mut Vec<String>,
) {
    lines.push(format!("{:<56} {:<10} {:>9} {:>5}  name (unit)", "code", "dataset", "years", "units"));
    for s in all {
        let units: std::collections::BTreeSet<&str> =
            s.observations.iter().filter(|o| !o.value.is_nan()).map(|o| o.unit.as_str()).collect();
        lines.push(format!(
            "{:<56} {:<10} {:>9} {:>5}  {} ({})",
            s.indicator.code,
            s.indicator.dataset,
            crate::data::years(s),
            units.len(),
            s.indicator.name,
            s.indicator.unit
        ));
    }
    lines.push(format!("\n{} indicators from {} datasets:", all.len(), cat.datasets.len()));
    for d in &cat.datasets {
        lines.push(format!("  {:<10} {} — {} — {}", d.id, d.title, d.licence, d.source));
    }
}

/// The names a claim can use (`digindex check --list`): metrics with their
/// aliases and variants, region names as people say them, region sets, indices.
pub fn claim_names(checker: &crate::check::Checker, lines: &mut Vec<String>) {
    let (vocab, regions) = (checker.vocabulary(), checker.regions());
    lines.push("METRICS (claims/metrics.toml; any catalogue code works too, see `digindex data list`)".to_string());
    for (key, m) in &vocab.metrics {
        lines.push(format!("  {key} — {}{}", m.name, if m.proxy { " [proxy]" } else { "" }));
        if !m.aliases.is_empty() {
            lines.push(format!("      also: {}", m.aliases.join(", ")));
        }
        for v in &m.variants {
            lines.push(format!(
                "      · {}{}  [{}]",
                v.name(),
                if v.per_capita { " (per million people)" } else { "" },
                v.code
            ));
        }
        for (_, v) in checker.unfetched().iter().filter(|(k, _)| k == key) {
            lines.push(format!(
                "      · {}  [{}] not fetched yet: {}",
                v.name(),
                v.code,
                v.fetch.as_deref().unwrap_or("")
            ));
        }
    }
    lines.push(String::new());
    lines.push("REGION NAMES as people say them (each meaning is a reading)".to_string());
    for a in &regions.aliases {
        lines.push(format!("  {:<34} → {}", a.alias, a.regions.join(", ")));
        if !a.meaning.is_empty() {
            lines.push(format!("  {:<34}   {}", "", a.meaning));
        }
    }
    lines.push(format!("  {:<34} → {}", "the region", vocab.default_regions.join(", ")));
    lines.push(String::new());
    lines.push("REGION SETS (data/regions/)".to_string());
    for s in &regions.sets {
        lines.push(format!("  {:<54} {:>3}  {}", s.name, s.members.len(), s.title));
    }
    lines.push(String::new());
    lines.push(
        "INDICES: index:NAME for a framework under frameworks/ (e.g. index:ai-ecosystem), or index:PATH".to_string(),
    );
}

/// One indicator's values as `digindex data show` lists them: unit, name,
/// year, value and notes, or a dash (with the correction that removed it).
pub fn shown_values(values: &[crate::data::ShownValue], lines: &mut Vec<String>) {
    for v in values {
        lines.push(match &v.value {
            Ok((y, value, notes)) => {
                let notes = if notes.is_empty() { String::new() } else { format!("  ({})", notes.join("; ")) };
                format!("{}  {:<32} {y}  {value}{notes}", v.unit, v.name)
            }
            Err(Some(why)) => format!("{}  {:<32} -  (its values {why})", v.unit, v.name),
            Err(None) => format!("{}  {:<32} -", v.unit, v.name),
        });
    }
}

/// "2025-2030" or "2019, 2025-2030": runs of years as spans.
fn spans(years: &[i32]) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &y in years {
        match runs.last_mut() {
            Some((_, b)) if *b + 1 == y => *b = y,
            _ => runs.push((y, y)),
        }
    }
    runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") }).collect::<Vec<_>>().join(", ")
}

/// `digindex data diff`: per indicator what changed, then the `top`
/// biggest revisions.
pub fn data_diff(d: &crate::data::DataDiff, top: usize, lines: &mut Vec<String>) {
    use digindex_input::number::format_number;
    let changed: Vec<(&String, &[usize; 3])> = d.counts.iter().filter(|(_, c)| c.iter().any(|n| *n > 0)).collect();
    lines.push(format!(
        "{} indicators compared, {} with changes; {} values differ",
        d.counts.len(),
        changed.len(),
        d.rows.len()
    ));
    for (code, c) in &changed {
        lines.push(format!("  {code}: {} revised, {} added, {} removed", c[0], c[1], c[2]));
    }
    if !d.only_old.is_empty() {
        lines.push(format!("only in the old catalogue: {}", d.only_old.join(", ")));
    }
    if !d.only_new.is_empty() {
        lines.push(format!("only in the new catalogue: {}", d.only_new.join(", ")));
    }
    let revised: Vec<_> = d.rows.iter().filter(|r| r.difference().is_some()).take(top).collect();
    if !revised.is_empty() {
        lines.push(format!("biggest revisions (of {}):", d.rows.iter().filter(|r| r.difference().is_some()).count()));
        for r in revised {
            let rel = r.relative().map(|x| format!(" ({:+.1}%)", 100.0 * x)).unwrap_or_else(|| " (from 0)".into());
            lines.push(format!(
                "  {} {} {}: {} -> {}{rel}",
                r.indicator,
                r.unit,
                r.year,
                format_number(r.old.unwrap_or(f64::NAN)),
                format_number(r.new.unwrap_or(f64::NAN))
            ));
        }
    }
}

/// What `data fetch` did, one block per series.
pub fn fetched(reports: &[crate::fetch::Fetch], catalog: &std::path::Path, lines: &mut Vec<String>) {
    for r in reports {
        let years =
            r.years.map_or("no values".into(), |(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") });
        lines.push(format!(
            "{} -> {} ({}, {})",
            r.source,
            r.code,
            r.file,
            if r.new_entry { "new entry" } else { "entry updated" }
        ));
        lines.push(format!(
            "  {} values for {} countries, {years}{}",
            r.values,
            r.units,
            if r.missing > 0 {
                format!("; {} listed without a value (kept as missing)", r.missing)
            } else {
                String::new()
            }
        ));
        let mut how = vec![format!("{} downloaded", r.downloaded)];
        if r.revalidated > 0 {
            how.push(format!("{} unchanged since the cached copy (304)", r.revalidated));
        }
        if r.cached > 0 {
            how.push(format!("{} from the cache", r.cached));
        }
        lines.push(format!("  responses: {}", how.join(", ")));
        if !r.skipped.is_empty() {
            let n: usize = r.skipped.values().sum();
            lines.push(format!("  skipped {n} rows of {} aggregates and parts of countries", r.skipped.len()));
        }
        if !r.unknown.is_empty() {
            let keys: Vec<String> = r.unknown.iter().map(|(k, n)| format!("{k} ({n})")).collect();
            lines.push(format!("  left out, not in the country registry: {}", keys.join(", ")));
        }
        if let Some([rev, add, rem]) = r.changes {
            lines.push(format!("  against the previous values: {rev} revised, {add} added, {rem} removed"));
        }
        if r.findings.is_empty() {
            lines.push("  data-quality audit: nothing found".into());
        } else {
            lines.push(format!(
                "  data-quality audit: {} findings (digindex data audit --indicator {}):",
                r.findings.len(),
                r.code
            ));
            for f in r.findings.iter().take(5) {
                lines.push(format!("    {f}"));
            }
        }
    }
    lines.push(format!("catalogue updated: {}", catalog.display()));
}
