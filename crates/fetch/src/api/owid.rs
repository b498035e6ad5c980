//! Our World in Data grapher charts as CSV: `grapher/SLUG.csv` answers
//! `Entity,Code,Year,<value column>…`, which digindex's `owid` importer
//! reads as it is (aggregates have `OWID_*` codes and are skipped there).

use super::{Fetched, Options, Payload};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::{encode, with_query};

pub const BASE: &str = "https://ourworldindata.org/grapher";

/// The value columns of a grapher CSV (after `Entity,Code,Year`).
pub fn value_columns(url: &str, body: &[u8]) -> Result<Vec<String>> {
    let bad = |what: String| FetchError::Format { url: url.to_string(), what };
    let text = std::str::from_utf8(body).map_err(|_| bad("not UTF-8 text".into()))?;
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(header.as_bytes());
    let cols: Vec<String> =
        r.records().next().and_then(|r| r.ok()).map(|r| r.iter().map(str::to_string).collect()).unwrap_or_default();
    if cols.len() < 4 || cols[..3] != ["Entity", "Code", "Year"] {
        return Err(bad(format!("expected a header Entity,Code,Year,<values>; found {header:?}")));
    }
    Ok(cols[3..].to_vec())
}

pub fn fetch(client: &Client<'_>, slug: &str, opts: &Options) -> Result<Fetched> {
    if opts.since.is_some() {
        return Err(FetchError::Usage(format!("owid:{slug}: a chart is fetched whole; --since does not apply")));
    }
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let url = with_query(base, &format!("/{}.csv", encode(slug)), &[("v", "1".into()), ("csvType", "full".into())]);
    let r = match client.get(&url, "text/csv", None) {
        Err(FetchError::Status { status: 404, .. }) => {
            return Err(FetchError::Unknown {
                source_name: "Our World in Data",
                what: "chart",
                id: slug.into(),
                nearest: vec![],
            });
        }
        r => r?,
    };
    let cols = value_columns(&url, &r.body)?;
    let column = match (&opts.column, cols.as_slice()) {
        (Some(c), _) if cols.contains(c) => c.clone(),
        (Some(c), _) => {
            return Err(FetchError::Usage(format!(
                "owid:{slug} has no column {c:?}; its columns: {}",
                cols.join(", ")
            )));
        }
        (None, [one]) => one.clone(),
        (None, _) => {
            return Err(FetchError::Usage(format!(
                "owid:{slug} has {} value columns ({}); choose one with --column",
                cols.len(),
                cols.join(", ")
            )));
        }
    };
    Ok(Fetched {
        payload: Payload::File { bytes: r.body, format: "owid" },
        requests: vec![r.record],
        url: url.clone(),
        query: format!("Our World in Data chart {slug}, column {column:?}"),
        name: Some(column.clone()),
        unit: None,
        note:
            "Our World in Data grapher CSV as published (CC BY 4.0; the underlying source is named on the chart's page)"
                .into(),
        selectors: vec![("column", column)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_columns_of_a_chart() {
        let body = "Entity,Code,Year,Research & development spending (% of GDP)\nIran,IRN,2019,0.79\n";
        assert_eq!(
            value_columns("u", body.as_bytes()).expect("cols"),
            vec!["Research & development spending (% of GDP)"]
        );
        assert!(value_columns("u", b"<html></html>").is_err());
    }
}
