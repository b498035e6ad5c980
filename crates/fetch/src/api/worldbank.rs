//! The World Bank Indicators API v2: `country/all/indicator/ID?format=json`
//! answers a `[meta, rows]` array, paginated (`page`, `pages`, `per_page`,
//! `total` in the meta); each row has `countryiso3code`, `country`
//! (`id`, `value`: the name), `date`, `value` (null when missing) and
//! `obs_status`. Aggregates are in the same list (regions, income groups);
//! the application skips them through the country registry. An unknown
//! indicator is answered with `[{"message": [{"id": "120", …}]}]`.

use serde_json::Value;

use super::{Fetched, Options, Payload, Row, int, json, nearest, number};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::{encode, with_query};

pub const BASE: &str = "https://api.worldbank.org/v2";
const PER_PAGE: usize = 10_000;

/// One page: the meta's page count, the indicator's name, the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub pages: usize,
    pub total: usize,
    pub name: Option<String>,
    pub rows: Vec<Row>,
}

/// Reads one page. `Ok(None)`: the API says it has no such indicator.
pub fn parse(url: &str, body: &[u8]) -> Result<Option<Page>> {
    let bad = |what: String| FetchError::Format { url: url.to_string(), what };
    let v = json(url, body)?;
    let arr = v.as_array().ok_or_else(|| bad("expected a [meta, rows] array".into()))?;
    let meta = arr.first().ok_or_else(|| bad("an empty array".into()))?;
    if let Some(msgs) = meta.get("message").and_then(Value::as_array) {
        let text: Vec<String> = msgs
            .iter()
            .map(|m| {
                let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                format!("{} {}: {}", s("id"), s("key"), s("value"))
            })
            .collect();
        // 120 "Invalid value" and 175 "Indicator not found / archived"
        if msgs.iter().any(|m| matches!(m.get("id").and_then(Value::as_str), Some("120" | "175"))) {
            return Ok(None);
        }
        return Err(bad(format!("the API says: {}", text.join("; "))));
    }
    let pages = meta.get("pages").and_then(int).ok_or_else(|| bad("meta has no `pages`".into()))?.max(0) as usize;
    let total = meta.get("total").and_then(int).unwrap_or(0).max(0) as usize;
    let mut name = None;
    let mut rows = Vec::new();
    let list = match arr.get(1) {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(bad("the second element is not a list of rows".into())),
    };
    for (i, r) in list.iter().enumerate() {
        let at = |what: String| bad(format!("row {}: {what}", i + 1));
        if name.is_none() {
            name = r.pointer("/indicator/value").and_then(Value::as_str).map(str::to_string);
        }
        let iso3 = r.get("countryiso3code").and_then(Value::as_str).unwrap_or("").trim().to_string();
        let cname = r.pointer("/country/value").and_then(Value::as_str).map(str::to_string);
        let date = r.get("date").and_then(Value::as_str).ok_or_else(|| at("no `date`".into()))?;
        let year: i32 = date
            .trim()
            .parse()
            .map_err(|_| at(format!("date {date:?} is not a year (only annual series are read)")))?;
        let value = number(r.get("value").unwrap_or(&Value::Null)).map_err(at)?;
        let flag = r.get("obs_status").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
        rows.push(Row { key: iso3, name: cname, year, value, flag: flag.map(str::to_string) });
    }
    Ok(Some(Page { pages, total, name, rows }))
}

fn page_url(base: &str, id: &str, page: usize, opts: &Options) -> String {
    let mut q = vec![("format", "json".to_string()), ("per_page", PER_PAGE.to_string()), ("page", page.to_string())];
    if let Some(s) = opts.since {
        q.push(("date", format!("{s}:{}", opts.this_year.max(s))));
    }
    with_query(base, &format!("/country/all/indicator/{}", encode(id)), &q)
}

/// Fetches every page of an indicator.
pub fn fetch(client: &Client<'_>, id: &str, opts: &Options) -> Result<Fetched> {
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let first = page_url(base, id, 1, opts);
    let mut journal = client.journal(&first);
    let (mut rows, mut requests, mut name) = (Vec::new(), Vec::new(), None);
    let mut page = 1;
    loop {
        let url = page_url(base, id, page, opts);
        let resp = match client.get(&url, "application/json", journal.as_ref()) {
            Err(FetchError::Status { status: 400 | 404, .. }) if page == 1 => None,
            r => Some(r?),
        };
        let parsed = match &resp {
            Some(r) => parse(&url, &r.body)?,
            None => None,
        };
        let Some(p) = parsed else {
            return Err(unknown(client, base, id));
        };
        if let Some(j) = journal.as_mut() {
            j.add(&url)?;
        }
        if let Some(r) = resp {
            requests.push(r.record);
        }
        name = name.or(p.name);
        rows.extend(p.rows);
        client.observer().page(page, Some(p.pages.max(1)));
        if page >= p.pages {
            if page == 1 && p.total == 0 && rows.is_empty() {
                return Err(FetchError::Format {
                    url: first,
                    what: "the API lists no values for this indicator".into(),
                });
            }
            break;
        }
        page += 1;
    }
    if let Some(j) = journal {
        j.finish()?;
    }
    let since = opts.since.map_or(String::new(), |s| format!(", {s} on"));
    Ok(Fetched {
        payload: Payload::Rows(rows),
        requests,
        url: first,
        query: format!("World Bank indicator {id}, every economy{since}"),
        name,
        unit: None,
        note: "World Bank Indicators API v2 (CC BY 4.0 unless the source says otherwise); values as published, null values kept as missing".into(),
        selectors: Vec::new(),
    })
}

/// The error for an unknown indicator, with the nearest ids of the World
/// Development Indicators (source 2) when the API lists them.
fn unknown(client: &Client<'_>, base: &str, id: &str) -> FetchError {
    let url = with_query(base, "/sources/2/indicators", &[("format", "json".into()), ("per_page", "30000".into())]);
    let known: Vec<String> = client
        .get(&url, "application/json", None)
        .ok()
        .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
        .and_then(|v| {
            v.get(1)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_string)).collect())
        })
        .unwrap_or_default();
    FetchError::Unknown {
        source_name: "The World Bank API",
        what: "indicator",
        id: id.to_string(),
        nearest: nearest(id, &known, 5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_in_the_documented_format() {
        let body = br#"[{"page":1,"pages":2,"per_page":"2","total":3,"sourceid":"2","lastupdated":"2025-07-01"},
          [{"indicator":{"id":"IT.NET.USER.ZS","value":"Individuals using the Internet (% of population)"},
            "country":{"id":"IR","value":"Iran, Islamic Rep."},"countryiso3code":"IRN","date":"2023","value":81.7,"unit":"","obs_status":"","decimal":1},
           {"indicator":{"id":"IT.NET.USER.ZS","value":"x"},"country":{"id":"1W","value":"World"},"countryiso3code":"WLD","date":"2023","value":null,"unit":"","obs_status":"E","decimal":1}]]"#;
        let p = parse("u", body).expect("parse").expect("known");
        assert_eq!((p.pages, p.total), (2, 3));
        assert_eq!(p.name.as_deref(), Some("Individuals using the Internet (% of population)"));
        assert_eq!(
            p.rows[0],
            Row {
                key: "IRN".into(),
                name: Some("Iran, Islamic Rep.".into()),
                year: 2023,
                value: Some(81.7),
                flag: None
            }
        );
        assert_eq!((p.rows[1].value, p.rows[1].flag.as_deref()), (None, Some("E")));
    }

    #[test]
    fn an_unknown_indicator_and_bad_pages() {
        let body = br#"[{"message":[{"id":"120","key":"Invalid value","value":"The provided parameter value is not valid"}]}]"#;
        assert_eq!(parse("u", body).expect("parse"), None);
        let e =
            parse("u", br#"[{"page":1,"pages":1,"total":1},[{"date":"2023M01","value":1,"countryiso3code":"IRN"}]]"#);
        assert!(e.expect_err("monthly").to_string().contains("not a year"), "monthly dates are refused");
        assert!(parse("u", b"<html>").is_err());
    }
}
