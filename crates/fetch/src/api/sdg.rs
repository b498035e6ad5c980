//! The UN SDG Global Database API: `Series/Data?seriesCode=X&page=N
//! &pageSize=M` answers `{totalElements, totalPages, pageNumber, size,
//! data: [...]}`; each datum has `geoAreaCode` (UN M49, as text),
//! `geoAreaName`, `timePeriodStart`, `value` (text), `attributes`
//! (`Nature`: C country data, CA country adjusted, E estimated, M modelled,
//! N non-relevant, G global monitoring…; `Units`) and `dimensions`
//! (`Sex`, `Location`, `Age`, `Reporting Type`…). Regions have M49 codes
//! the registry knows as aggregates.
//!
//! A series may have several values per area and year, one per
//! combination of dimensions: `--filter "Location=ALLAREA,Sex=BOTHSEX"`
//! keeps one; without it, varying dimensions are an error that names them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use super::{Fetched, Options, Payload, Row, int, json, nearest, number};
use crate::client::Client;
use crate::error::{FetchError, Result};
use crate::url::with_query;

pub const BASE: &str = "https://unstats.un.org/sdgapi/v1/sdg";
const PAGE_SIZE: usize = 5000;

/// One datum.
#[derive(Debug, Clone, PartialEq)]
pub struct Datum {
    pub row: Row,
    pub units: Option<String>,
    pub dimensions: BTreeMap<String, String>,
}

/// One page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub total_pages: usize,
    pub total: usize,
    pub description: Option<String>,
    pub data: Vec<Datum>,
}

pub fn parse(url: &str, body: &[u8]) -> Result<Page> {
    let bad = |what: String| FetchError::Format { url: url.to_string(), what };
    let v = json(url, body)?;
    let list = v.get("data").and_then(Value::as_array).ok_or_else(|| bad("no `data` list".into()))?;
    let total_pages = v.get("totalPages").and_then(int).ok_or_else(|| bad("no `totalPages`".into()))?.max(0) as usize;
    let total = v.get("totalElements").and_then(int).unwrap_or(0).max(0) as usize;
    let mut description = None;
    let mut data = Vec::with_capacity(list.len());
    for (i, d) in list.iter().enumerate() {
        let at = |what: String| bad(format!("datum {}: {what}", i + 1));
        let s = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_string);
        if description.is_none() {
            description = s("seriesDescription");
        }
        let key = match d.get("geoAreaCode") {
            Some(Value::String(c)) => c.trim().to_string(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(at("no `geoAreaCode`".into())),
        };
        let year = d.get("timePeriodStart").and_then(int).ok_or_else(|| at("no whole `timePeriodStart`".into()))?;
        let raw = d.get("value").unwrap_or(&Value::Null);
        // "<2.5" / ">95": a bound, kept with its sign as the flag
        let (value, bound) = match raw.as_str().map(str::trim) {
            Some(t) if t.starts_with(['<', '>']) => {
                let n = t[1..].trim().parse::<f64>().map_err(|_| at(format!("value {t:?} is not a number")))?;
                (Some(n), Some(t[..1].to_string()))
            }
            _ => (number(raw).map_err(at)?, None),
        };
        let attr = |k: &str| d.pointer(&format!("/attributes/{k}")).and_then(Value::as_str).map(str::to_string);
        let nature = attr("Nature").filter(|n| !n.is_empty());
        let flag = match (nature, bound) {
            (Some(n), Some(b)) => Some(format!("{n}{b}")),
            (n, b) => n.or(b),
        };
        let dimensions = d
            .get("dimensions")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect())
            .unwrap_or_default();
        data.push(Datum {
            row: Row { key, name: s("geoAreaName"), year: year as i32, value, flag },
            units: attr("Units"),
            dimensions,
        });
    }
    Ok(Page { total_pages, total, description, data })
}

/// `K=V,K2=V2` → pairs.
fn parse_filter(f: &str) -> Result<Vec<(String, String)>> {
    f.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            p.split_once('=').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).ok_or_else(|| {
                FetchError::Usage(format!("SDG filter {p:?}: write Dimension=Value, e.g. Location=ALLAREA"))
            })
        })
        .collect()
}

/// Keeps the data the filter selects and checks one value is left per area
/// and year.
pub fn select(series: &str, data: Vec<Datum>, filter: &[(String, String)]) -> Result<Vec<Datum>> {
    for (k, v) in filter {
        let values: BTreeSet<&str> = data.iter().filter_map(|d| d.dimensions.get(k).map(String::as_str)).collect();
        if !values.contains(v.as_str()) {
            let known: BTreeSet<&str> = data.iter().flat_map(|d| d.dimensions.keys().map(String::as_str)).collect();
            let said = if values.is_empty() {
                format!(
                    "the series has no dimension {k:?} (its dimensions: {})",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )
            } else {
                format!(
                    "dimension {k:?} has no value {v:?} (its values: {})",
                    values.into_iter().collect::<Vec<_>>().join(", ")
                )
            };
            return Err(FetchError::Usage(format!("sdg:{series}: {said}")));
        }
    }
    let kept: Vec<Datum> =
        data.into_iter().filter(|d| filter.iter().all(|(k, v)| d.dimensions.get(k) == Some(v))).collect();
    let mut seen: HashMap<(&str, i32), &Datum> = HashMap::new();
    for d in &kept {
        if let Some(prev) = seen.insert((d.row.key.as_str(), d.row.year), d) {
            let differ: Vec<String> = prev
                .dimensions
                .iter()
                .filter(|(k, v)| d.dimensions.get(*k) != Some(*v))
                .map(|(k, v)| format!("{k} ({v} / {})", d.dimensions.get(k).map_or("-", String::as_str)))
                .collect();
            return Err(FetchError::Usage(format!(
                "sdg:{series}: area {} has several values for {} that differ in {}; choose one with --filter \"Dimension=Value,…\"",
                d.row.key,
                d.row.year,
                if differ.is_empty() { "nothing (the same datum twice)".to_string() } else { differ.join(", ") }
            )));
        }
    }
    Ok(kept)
}

fn page_url(base: &str, series: &str, page: usize) -> String {
    with_query(
        base,
        "/Series/Data",
        &[("seriesCode", series.into()), ("page", page.to_string()), ("pageSize", PAGE_SIZE.to_string())],
    )
}

pub fn fetch(client: &Client<'_>, series: &str, opts: &Options) -> Result<Fetched> {
    let base = opts.base_url.as_deref().unwrap_or(BASE);
    let filter = parse_filter(opts.filter.as_deref().unwrap_or(""))?;
    let first = page_url(base, series, 1);
    let mut journal = client.journal(&first);
    let (mut data, mut requests, mut description) = (Vec::new(), Vec::new(), None);
    let mut page = 1;
    loop {
        let url = page_url(base, series, page);
        let r = client.get(&url, "application/json", journal.as_ref())?;
        let p = parse(&url, &r.body)?;
        if let Some(j) = journal.as_mut() {
            j.add(&url)?;
        }
        requests.push(r.record);
        if page == 1 && p.total == 0 && p.data.is_empty() {
            return Err(unknown(client, base, series));
        }
        description = description.or(p.description);
        data.extend(p.data);
        client.observer().page(page, Some(p.total_pages.max(1)));
        if page >= p.total_pages {
            break;
        }
        page += 1;
    }
    if let Some(j) = journal {
        j.finish()?;
    }
    let mut kept = select(series, data, &filter)?;
    if let Some(s) = opts.since {
        kept.retain(|d| d.row.year >= s);
    }
    let units: BTreeSet<String> = kept.iter().filter_map(|d| d.units.clone()).collect();
    let unit = (units.len() == 1).then(|| units.into_iter().next().unwrap_or_default());
    let f = if filter.is_empty() {
        String::new()
    } else {
        format!(", {}", filter.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "))
    };
    Ok(Fetched {
        payload: Payload::Rows(kept.into_iter().map(|d| d.row).collect()),
        requests,
        url: first,
        query: format!("UN SDG series {series}{f}"),
        name: description,
        unit,
        note: "UN SDG Global Database; the flag is the datum's Nature (C country data, CA country adjusted, E estimated, M modelled, G global monitoring data, N non-relevant), with < or > for a published bound".into(),
        selectors: Vec::new(),
    })
}

fn unknown(client: &Client<'_>, base: &str, series: &str) -> FetchError {
    let url = with_query(base, "/Series/List", &[("allreleases", "false".into())]);
    let known: Vec<String> = client
        .get(&url, "application/json", None)
        .ok()
        .and_then(|r| serde_json::from_slice::<Value>(&r.body).ok())
        .and_then(|v| {
            v.as_array()
                .map(|a| a.iter().filter_map(|s| s.get("code").and_then(Value::as_str).map(str::to_string)).collect())
        })
        .unwrap_or_default();
    FetchError::Unknown {
        source_name: "The UN SDG API",
        what: "series",
        id: series.into(),
        nearest: nearest(series, &known, 5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> &'static [u8] {
        br#"{"size":3,"totalElements":3,"totalPages":1,"pageNumber":1,"attributes":[],"dimensions":[],
          "data":[{"goal":["9"],"series":"IT_MOB_4GNTWK","seriesDescription":"Proportion of population covered by at least a 4G mobile network (%)",
                   "geoAreaCode":"364","geoAreaName":"Iran (Islamic Republic of)","timePeriodStart":2021.0,"value":"85.2",
                   "attributes":{"Nature":"C","Units":"PERCENT"},"dimensions":{"Location":"ALLAREA"}},
                  {"series":"IT_MOB_4GNTWK","geoAreaCode":"364","geoAreaName":"Iran (Islamic Republic of)","timePeriodStart":2021.0,"value":"70",
                   "attributes":{"Nature":"E","Units":"PERCENT"},"dimensions":{"Location":"RURAL"}},
                  {"series":"IT_MOB_4GNTWK","geoAreaCode":"1","geoAreaName":"World","timePeriodStart":2021.0,"value":">95",
                   "attributes":{"Nature":"G","Units":"PERCENT"},"dimensions":{"Location":"ALLAREA"}}]}"#
    }

    #[test]
    fn data_in_the_documented_format() {
        let p = parse("u", body()).expect("parse");
        assert_eq!(p.data.len(), 3);
        assert_eq!(
            p.data[0].row,
            Row {
                key: "364".into(),
                name: Some("Iran (Islamic Republic of)".into()),
                year: 2021,
                value: Some(85.2),
                flag: Some("C".into())
            }
        );
        assert_eq!((p.data[2].row.value, p.data[2].row.flag.as_deref()), (Some(95.0), Some("G>")));
    }

    #[test]
    fn varying_dimensions_need_a_filter() {
        let p = parse("u", body()).expect("parse");
        let e = select("S", p.data.clone(), &[]).expect_err("two values for Iran 2021");
        assert!(e.to_string().contains("Location (ALLAREA / RURAL)"), "{e}");
        let kept = select("S", p.data.clone(), &parse_filter("Location=ALLAREA").expect("f")).expect("one each");
        assert_eq!(kept.len(), 2);
        let e = select("S", p.data, &parse_filter("Sex=BOTHSEX").expect("f")).expect_err("no Sex");
        assert!(e.to_string().contains("no dimension \"Sex\""), "{e}");
    }
}
