//! OpenAlex works grouped by country: `works?filter=…,publication_year:Y
//! &group_by=authorships.countries&per_page=200&cursor=*`, one query per
//! year, following `meta.next_cursor` until it is null (at most 200 groups
//! a page; groups are sorted by key when paged). Each group is
//! `{key: "https://openalex.org/countries/IR", key_display_name, count}`.
//!
//! The counting this implies: a work counts once in every country among
//! its authors' affiliations (whole counts), so the countries' counts add
//! up to more than the number of works. Works with no country are in no
//! group (the API hides the "unknown" group by default).

use serde_json::Value;

use super::{Fetched, Options, Payload, Row, int, json};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::{encode, with_query};

pub const BASE: &str = "https://api.openalex.org";
const MAX_PAGES: usize = 100;

/// One page of groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub groups: Vec<(String, String, f64)>,
    pub next_cursor: Option<String>,
}

pub fn parse(url: &str, body: &[u8]) -> Result<Page> {
    let bad = |what: String| FetchError::Format { url: url.to_string(), what };
    let v = json(url, body)?;
    if let Some(e) = v.get("error").and_then(Value::as_str) {
        let msg = v.get("message").and_then(Value::as_str).unwrap_or("");
        return Err(bad(format!("the API says: {e} {msg}")));
    }
    let groups = v.get("group_by").and_then(Value::as_array).ok_or_else(|| bad("no `group_by` list".into()))?;
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let key = g.get("key").and_then(Value::as_str).ok_or_else(|| bad(format!("a group without a key: {g}")))?;
        let shown = g.get("key_display_name").and_then(Value::as_str).unwrap_or(key);
        let count = g.get("count").and_then(int).ok_or_else(|| bad(format!("group {key}: no count")))?;
        out.push((key.to_string(), shown.to_string(), count as f64));
    }
    let next_cursor = v.pointer("/meta/next_cursor").and_then(Value::as_str).map(str::to_string);
    Ok(Page { groups: out, next_cursor })
}

/// `https://openalex.org/countries/IR` → `IR` (none for "unknown").
fn country_key(key: &str) -> Option<&str> {
    let k = key.rsplit('/').next().unwrap_or(key);
    (k.len() == 2 && k.chars().all(|c| c.is_ascii_alphabetic())).then_some(k)
}

fn year_url(base: &str, filter: &str, year: i32, cursor: &str) -> String {
    let f = if filter.is_empty() {
        format!("publication_year:{year}")
    } else {
        format!("{filter},publication_year:{year}")
    };
    with_query(
        base,
        "/works",
        &[
            ("filter", f),
            ("group_by", "authorships.countries".into()),
            ("per_page", "200".into()),
            ("cursor", cursor.into()),
        ],
    )
}

/// Fetches the per-country counts of every year asked for. `mailto` (the
/// polite pool) and an API key go with each request but are not recorded.
pub fn fetch(client: &Client<'_>, name: &str, opts: &Options) -> Result<Fetched> {
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let filter = opts.filter.clone().unwrap_or_default();
    let (a, b) = opts
        .years
        .ok_or_else(|| FetchError::Usage(format!("openalex:{name} needs --years A-B (the publication years)")))?;
    let a = opts.since.map_or(a, |s| a.max(s));
    if a > b {
        return Err(FetchError::Usage(format!("openalex:{name}: no publication year in {a}-{b}")));
    }
    let mut extra = Vec::new();
    if let Some(m) = &opts.mailto {
        extra.push(format!("mailto={}", encode(m.trim())));
    }
    if let Some(k) = &opts.api_key {
        extra.push(format!("api_key={}", encode(k.trim())));
    }
    let extra = extra.join("&");
    let (mut rows, mut requests) = (Vec::new(), Vec::new());
    let total = (b - a + 1) as usize;
    for (i, year) in (a..=b).enumerate() {
        let first = year_url(base, &filter, year, "*");
        let mut journal = client.journal(&first);
        let mut cursor = "*".to_string();
        for page in 1.. {
            if page > MAX_PAGES {
                return Err(FetchError::Format { url: first, what: format!("more than {MAX_PAGES} pages of groups") });
            }
            let url = year_url(base, &filter, year, &cursor);
            let r = client.get_with(&url, &extra, "application/json", journal.as_ref())?;
            let p = parse(&url, &r.body)?;
            if let Some(j) = journal.as_mut() {
                j.add(&url)?;
            }
            requests.push(r.record);
            let empty = p.groups.is_empty();
            for (key, shown, count) in p.groups {
                if let Some(k) = country_key(&key) {
                    rows.push(Row { key: k.to_string(), name: Some(shown), year, value: Some(count), flag: None });
                }
            }
            match p.next_cursor {
                Some(c) if !empty && c != cursor => cursor = c,
                _ => break,
            }
        }
        if let Some(j) = journal {
            j.finish()?;
        }
        client.observer().page(i + 1, Some(total));
    }
    let what = if filter.is_empty() { "all works".to_string() } else { format!("works with filter {filter}") };
    Ok(Fetched {
        payload: Payload::Rows(rows),
        requests,
        url: year_url(base, &filter, a, "*"),
        query: format!("OpenAlex {what}, grouped by authorships.countries, publication years {a}-{b}, one query per year"),
        name: None,
        unit: Some("works (whole counts)".into()),
        note: "whole counts: a work counts once in each country of its authors' affiliations, so countries' counts add up to more than the works; works with no country are left out; a country with no group has no value (not zero); OpenAlex data CC0".into(),
        selectors: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_the_cursor() {
        let body = br#"{"meta":{"count":10,"db_response_time_ms":5,"page":null,"per_page":200,"next_cursor":"abc","groups_count":2},
          "results":[],"group_by":[{"key":"https://openalex.org/countries/IR","key_display_name":"Iran","count":7},
          {"key":"unknown","key_display_name":"unknown","count":3}]}"#;
        let p = parse("u", body).expect("parse");
        assert_eq!(p.next_cursor.as_deref(), Some("abc"));
        assert_eq!(p.groups.len(), 2);
        assert_eq!(country_key(&p.groups[0].0), Some("IR"));
        assert_eq!(country_key(&p.groups[1].0), None);
        assert!(
            parse("u", br#"{"error":"Invalid query parameters error.","message":"x is not a valid field"}"#).is_err()
        );
    }
}
