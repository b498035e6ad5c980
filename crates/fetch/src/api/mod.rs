//! The sources: one module per API, each turning responses in its
//! documented format into rows (a key as the source writes it, a year, a
//! value or none, the source's flag) or, for sources that publish files
//! digindex already imports, the file itself.

pub mod github;
pub mod openalex;
pub mod owid;
pub mod sdg;
pub mod wikidata;
pub mod worldbank;

use std::str::FromStr;

use serde_json::Value;

use crate::cache::Record;
use crate::client::Client;
use crate::error::{FetchError, Result};

/// One value as a source gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The country key as the source writes it (ISO3, ISO2, UN M49 code).
    pub key: String,
    /// The source's name for it, when it gives one (used when the key is
    /// not known).
    pub name: Option<String>,
    pub year: i32,
    /// `None`: the source lists the country-year without a value.
    pub value: Option<f64>,
    /// The source's flag on the value (an observation status).
    pub flag: Option<String>,
}

/// What a fetch produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// Rows, to be written as a long table.
    Rows(Vec<Row>),
    /// A file digindex imports as it is, in this catalogue format.
    File { bytes: Vec<u8>, format: &'static str },
}

/// A fetched series and its provenance.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub payload: Payload,
    /// Every response it was read from.
    pub requests: Vec<Record>,
    /// The address of the query without paging (what a reader re-runs).
    pub url: String,
    /// The query in words.
    pub query: String,
    /// The source's name of the series, and its unit, when it says.
    pub name: Option<String>,
    pub unit: Option<String>,
    /// How the values are counted or what they are (written into the
    /// catalogue entry).
    pub note: String,
    /// Catalogue selectors for file payloads (`filter`, `select`, `annual`,
    /// `column`, `censored_below`).
    pub selectors: Vec<(&'static str, String)>,
}

/// A source and the id asked for (`worldbank:IT.NET.USER.ZS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    WorldBank(String),
    OpenAlex(String),
    Owid(String),
    Sdg(String),
    Github(String),
    Wikidata(String),
}

impl Source {
    pub const NAMES: [&'static str; 6] = ["worldbank", "openalex", "owid", "sdg", "github", "wikidata"];

    pub fn id(&self) -> &str {
        match self {
            Source::WorldBank(s)
            | Source::OpenAlex(s)
            | Source::Owid(s)
            | Source::Sdg(s)
            | Source::Github(s)
            | Source::Wikidata(s) => s,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Source::WorldBank(_) => "worldbank",
            Source::OpenAlex(_) => "openalex",
            Source::Owid(_) => "owid",
            Source::Sdg(_) => "sdg",
            Source::Github(_) => "github",
            Source::Wikidata(_) => "wikidata",
        }
    }

    /// The catalogue code derived from the id: lower case, every run of
    /// other characters than letters and digits to one `_`.
    pub fn code(&self) -> String {
        let mut out = String::new();
        for c in self.id().chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('_') {
                out.push('_');
            }
        }
        out.trim_matches('_').to_string()
    }
}

impl FromStr for Source {
    type Err = FetchError;
    fn from_str(s: &str) -> Result<Source> {
        let usage = || {
            FetchError::Usage(format!(
                "{s:?}: write SOURCE:ID, SOURCE one of {} (e.g. worldbank:IT.NET.USER.ZS)",
                Source::NAMES.join(", ")
            ))
        };
        let (src, id) = s.split_once(':').ok_or_else(usage)?;
        let id = id.trim().to_string();
        if id.is_empty() {
            return Err(usage());
        }
        Ok(match src.trim().to_ascii_lowercase().as_str() {
            "worldbank" | "wb" => Source::WorldBank(id),
            "openalex" => Source::OpenAlex(id),
            "owid" => Source::Owid(id),
            "sdg" => Source::Sdg(id),
            "github" => Source::Github(id),
            "wikidata" => Source::Wikidata(id),
            _ => return Err(usage()),
        })
    }
}

/// What a fetch may be told beyond the id.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Replaces the API's address (a mirror, or a test server).
    pub base_url: Option<String>,
    /// Only values from this year on.
    pub since: Option<i32>,
    /// OpenAlex: the works filter; SDG: `Dimension=Value` pairs.
    pub filter: Option<String>,
    /// OpenAlex: the publication years.
    pub years: Option<(i32, i32)>,
    /// OWID: the value column, when the chart has several.
    pub column: Option<String>,
    /// GitHub: the rule that turns quarters into years.
    pub annual: Option<String>,
    /// Wikidata: the SPARQL query, and the year its counts describe
    /// (default: the year of retrieval).
    pub query: Option<String>,
    pub year: Option<i32>,
    /// OpenAlex: an e-mail address for the polite pool, and an API key;
    /// sent, never recorded.
    pub mailto: Option<String>,
    pub api_key: Option<String>,
    /// The current year (the end of open year ranges).
    pub this_year: i32,
}

/// Fetches a source.
pub fn fetch(client: &Client<'_>, source: &Source, opts: &Options) -> Result<Fetched> {
    match source {
        Source::WorldBank(id) => worldbank::fetch(client, id, opts),
        Source::OpenAlex(name) => openalex::fetch(client, name, opts),
        Source::Owid(slug) => owid::fetch(client, slug, opts),
        Source::Sdg(series) => sdg::fetch(client, series, opts),
        Source::Github(id) => github::fetch(client, id, opts),
        Source::Wikidata(name) => wikidata::fetch(client, name, opts),
    }
}

/// Parses a JSON body, naming the address when it is not JSON.
pub(crate) fn json(url: &str, body: &[u8]) -> Result<Value> {
    serde_json::from_slice(body)
        .map_err(|e| FetchError::Format { url: url.to_string(), what: format!("not JSON ({e})") })
}

/// A whole number a JSON API writes as a number or as text.
pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A value a JSON API writes as a number, as text or as null.
pub(crate) fn number(v: &Value) -> std::result::Result<Option<f64>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n.as_f64().map(Some).ok_or_else(|| format!("{n} is not a number")),
        Value::String(s) if s.trim().is_empty() || s.trim().eq_ignore_ascii_case("nan") => Ok(None),
        Value::String(s) => s.trim().parse::<f64>().map(Some).map_err(|_| format!("{s:?} is not a number")),
        other => Err(format!("{other} is not a number")),
    }
}

/// The nearest ids to `id` among `known` (case-insensitive edit distance,
/// ids that contain it first).
pub(crate) fn nearest(id: &str, known: &[String], n: usize) -> Vec<String> {
    let low = id.to_lowercase();
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .map(|k| {
            let kl = k.to_lowercase();
            let d = digindex_data::edit_distance(&low, &kl);
            (if kl.contains(&low) || low.contains(&kl) { d.min(1) } else { d }, k)
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, k)| k.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_and_give_codes() {
        let s: Source = "worldbank:IT.NET.USER.ZS".parse().expect("parse");
        assert_eq!(s, Source::WorldBank("IT.NET.USER.ZS".into()));
        assert_eq!(s.code(), "it_net_user_zs");
        assert_eq!("github:topics/machine-learning".parse::<Source>().expect("gh").code(), "topics_machine_learning");
        assert!("worldbank".parse::<Source>().is_err());
        assert!("nowhere:x".parse::<Source>().is_err());
        assert!("sdg:".parse::<Source>().is_err());
    }

    #[test]
    fn json_numbers_as_the_apis_write_them() {
        assert_eq!(number(&Value::Null), Ok(None));
        assert_eq!(number(&serde_json::json!(1.5)), Ok(Some(1.5)));
        assert_eq!(number(&serde_json::json!("2.25")), Ok(Some(2.25)));
        assert_eq!(number(&serde_json::json!("NaN")), Ok(None));
        assert!(number(&serde_json::json!("n/a")).is_err());
        assert_eq!(int(&serde_json::json!("3")), Some(3));
        assert_eq!(int(&serde_json::json!(2020.0)), Some(2020));
    }

    #[test]
    fn nearest_ids_put_close_spellings_first() {
        let known: Vec<String> = ["IT.NET.USER.ZS", "IT.NET.BBND.P2", "SP.POP.TOTL", "IT.CEL.SETS.P2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest("IT.NET.USER.Z", &known, 2), vec!["IT.NET.USER.ZS", "IT.NET.BBND.P2"]);
    }
}
