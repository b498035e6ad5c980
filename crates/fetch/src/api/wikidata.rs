//! Counts per country from the Wikidata Query Service (CC0): a SPARQL
//! query sent as `sparql?query=…` with `Accept:
//! application/sparql-results+json` answers `{head: {vars}, results:
//! {bindings: [{var: {type, value}}…]}}`. The query must bind `?count` and
//! a country as `?iso3` (ISO 3166-1 alpha-3, P298) or `?country` (a name
//! or code), and may bind `?year`; without it, a count describes the
//! year it was retrieved (Wikidata is a current state, not a series).

use serde_json::Value;

use super::{Fetched, Options, Payload, Row, json, number};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::with_query;

pub const BASE: &str = "https://query.wikidata.org/sparql";

pub fn parse(url: &str, body: &[u8], year: i32) -> Result<Vec<Row>> {
    let bad = |what: String| FetchError::Format { url: url.to_string(), what };
    let v = json(url, body)?;
    let vars: Vec<&str> = v
        .pointer("/head/vars")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no head.vars".into()))?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let key_var = ["iso3", "country"].into_iter().find(|k| vars.contains(k)).ok_or_else(|| {
        bad(format!("the query binds {}; it must bind ?count and ?iso3 (or ?country)", vars.join(", ")))
    })?;
    if !vars.contains(&"count") {
        return Err(bad(format!("the query binds {}; it must bind ?count", vars.join(", "))));
    }
    let bindings =
        v.pointer("/results/bindings").and_then(Value::as_array).ok_or_else(|| bad("no results.bindings".into()))?;
    let mut rows = Vec::with_capacity(bindings.len());
    for (i, b) in bindings.iter().enumerate() {
        let at = |what: String| bad(format!("result {}: {what}", i + 1));
        let val = |k: &str| b.pointer(&format!("/{k}/value")).and_then(Value::as_str);
        let Some(key) = val(key_var) else { continue }; // a firm with no country code
        let count = number(&Value::String(val("count").unwrap_or("").to_string())).map_err(at)?;
        let y = match val("year") {
            Some(t) => t.trim().get(..4).and_then(|s| s.parse().ok()).ok_or_else(|| at(format!("year {t:?}")))?,
            None => year,
        };
        let name = val("countryLabel").map(str::to_string);
        rows.push(Row { key: key.trim().to_string(), name, year: y, value: count, flag: None });
    }
    Ok(rows)
}

pub fn fetch(client: &Client<'_>, name: &str, opts: &Options) -> Result<Fetched> {
    let query = opts
        .query
        .as_deref()
        .ok_or_else(|| FetchError::Usage(format!("wikidata:{name} needs --query FILE.rq (a SPARQL query)")))?;
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let url = with_query(base, "", &[("query", query.to_string()), ("format", "json".into())]);
    let r = client.get(&url, "application/sparql-results+json", None)?;
    let year = opts.year.unwrap_or(opts.this_year);
    let mut rows = parse(&url, &r.body, year)?;
    if let Some(s) = opts.since {
        rows.retain(|r| r.year >= s);
    }
    Ok(Fetched {
        payload: Payload::Rows(rows),
        requests: vec![r.record],
        url,
        query: format!("Wikidata Query Service, query {name}"),
        name: None,
        unit: None,
        note: format!(
            "Wikidata (CC0) as of retrieval, counted as the year {year}: an entity counts where Wikidata says it is, and only entities Wikidata describes are counted"
        ),
        selectors: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_in_the_documented_format() {
        let body = br#"{"head":{"vars":["iso3","countryLabel","count"]},"results":{"bindings":[
          {"iso3":{"type":"literal","value":"IRN"},"countryLabel":{"xml:lang":"en","type":"literal","value":"Iran"},
           "count":{"datatype":"http://www.w3.org/2001/XMLSchema#integer","type":"literal","value":"12"}},
          {"countryLabel":{"type":"literal","value":"nowhere"},"count":{"type":"literal","value":"3"}}]}}"#;
        let rows = parse("u", body, 2026).expect("parse");
        assert_eq!(
            rows,
            vec![Row { key: "IRN".into(), name: Some("Iran".into()), year: 2026, value: Some(12.0), flag: None }]
        );
        assert!(parse("u", br#"{"head":{"vars":["x"]},"results":{"bindings":[]}}"#, 2026).is_err());
    }
}
