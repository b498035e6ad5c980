//! The GitHub Innovation Graph's data files (CC0): `data/NAME.csv` in the
//! `github/innovationgraph` repository, quarterly per economy (ISO2),
//! which digindex's `github` importer reads as they are. `github:NAME`
//! fetches a file (`developers`, `organizations`, `repositories`,
//! `git_pushes`, `economy_collaborators`); `github:topics/machine-learning`
//! one topic of a file that has a category column (`topics`, `languages`,
//! `licenses`).

use super::{Fetched, Options, Payload};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::encode;

pub const BASE: &str = "https://raw.githubusercontent.com/github/innovationgraph/main/data";

/// The header's columns.
fn header(url: &str, body: &[u8]) -> Result<Vec<String>> {
    let text = std::str::from_utf8(body)
        .map_err(|_| FetchError::Format { url: url.to_string(), what: "not UTF-8 text".into() })?;
    let line = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    Ok(line.split(',').map(|c| c.trim().to_string()).collect())
}

pub fn fetch(client: &Client<'_>, id: &str, opts: &Options) -> Result<Fetched> {
    if opts.since.is_some() {
        return Err(FetchError::Usage(format!("github:{id}: a file is fetched whole; --since does not apply")));
    }
    let (file, select) = match id.split_once('/') {
        Some((f, s)) => (f, Some(s)),
        None => (id, None),
    };
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let url = format!("{}/{}.csv", base.trim_end_matches('/'), encode(file));
    let r = match client.get(&url, "text/csv", None) {
        Err(FetchError::Status { status: 404, .. }) => {
            let known = [
                "developers",
                "organizations",
                "repositories",
                "git_pushes",
                "economy_collaborators",
                "topics",
                "languages",
                "licenses",
            ];
            let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
            return Err(FetchError::Unknown {
                source_name: "The GitHub Innovation Graph",
                what: "file",
                id: file.into(),
                nearest: super::nearest(file, &known, 3),
            });
        }
        r => r?,
    };
    let cols = header(&url, &r.body)?;
    let collab = cols.first().map(String::as_str) == Some("weight");
    let need = if collab {
        &["weight", "source", "destination", "year", "quarter"][..]
    } else {
        &["iso2_code", "year", "quarter"][..]
    };
    if let Some(miss) = need.iter().find(|c| !cols.iter().any(|h| h == *c)) {
        return Err(FetchError::Format { url, what: format!("no column {miss:?} in the header {}", cols.join(",")) });
    }
    // a category column: whatever is not the value, key, year or quarter
    let category: Vec<&String> =
        cols.iter().skip(1).filter(|c| !["iso2_code", "year", "quarter"].contains(&c.as_str())).collect();
    let mut selectors = Vec::new();
    let annual_default = match (select, category.as_slice()) {
        (Some(s), [cat]) => {
            selectors.push(("filter", cat.to_string()));
            selectors.push(("select", s.to_string()));
            "mean"
        }
        (Some(_), _) => {
            return Err(FetchError::Usage(format!("github:{id}: {file}.csv has no category column to select from")));
        }
        (None, [cat]) if !collab => {
            return Err(FetchError::Usage(format!(
                "github:{id}: {file}.csv has a row per {cat}; name one as github:{file}/VALUE"
            )));
        }
        _ => "q4",
    };
    selectors.push(("annual", opts.annual.clone().unwrap_or_else(|| annual_default.into())));
    if !collab {
        selectors.push(("censored_below", "100".into()));
    }
    Ok(Fetched {
        payload: Payload::File { bytes: r.body, format: if collab { "github_collab" } else { "github" } },
        requests: vec![r.record],
        url,
        query: format!("GitHub Innovation Graph {file}.csv{}", select.map_or(String::new(), |s| format!(", {s}"))),
        name: None,
        unit: None,
        note: "GitHub Innovation Graph (CC0): quarterly, by the mode location of developers' IP addresses; a metric under 100 developers is not published (censored, not zero)".into(),
        selectors,
    })
}
