//! What a run reports: its sums as observation rows (country, indicator,
//! year, value), and one run's papers as a share of another's.

use crate::Totals;

/// The indicators of a run as observation rows: (ISO2 country, indicator, year, value).
pub fn indicators(t: &Totals, prefix: &str) -> Vec<(String, String, i32, f64)> {
    let mut rows = Vec::new();
    let mut keys: Vec<&(String, i32)> = t.by_country_year.keys().collect();
    keys.sort();
    for k in keys {
        let e = &t.by_country_year[k];
        let (c, y) = (k.0.clone(), k.1);
        let mut push = |name: &str, v: f64| rows.push((c.clone(), format!("{prefix}_{name}"), y, v));
        push("papers_whole", e.papers_whole);
        push("papers_fractional", e.papers_fractional);
        push("citations", e.citations as f64);
        push("citations_per_paper", e.citations as f64 / e.papers_whole);
        push("h_index", e.h_index() as f64);
        if e.fwci_n > 0 {
            push("mean_fwci", e.fwci_sum / e.fwci_n as f64);
        }
        if e.percentile_n > 0 {
            push("top10_share", e.top10 as f64 / e.percentile_n as f64);
        }
        push("international_share", e.international as f64 / e.papers_whole);
        if e.authorships > 0 {
            push("affiliation_coverage", e.authorships_with_country as f64 / e.authorships as f64);
        }
    }
    rows
}

/// `part`'s whole-count papers as a share of `all`'s, per country and year
/// where `all` has papers: (ISO2 country, `name`, year, share).
pub fn shares(part: &Totals, all: &Totals, name: &str) -> Vec<(String, String, i32, f64)> {
    let mut keys: Vec<&(String, i32)> = all.by_country_year.keys().collect();
    keys.sort();
    keys.into_iter()
        .filter(|k| all.by_country_year[*k].papers_whole > 0.0)
        .map(|k| {
            let p = part.by_country_year.get(k).map_or(0.0, |c| c.papers_whole);
            (k.0.clone(), name.to_string(), k.1, p / all.by_country_year[k].papers_whole)
        })
        .collect()
}
