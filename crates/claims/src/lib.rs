//! # digindex-claims — does a ranking claim hold?
//!
//! A claim names a subject (a country), an asserted rank (`rank = 2`, or
//! `top = 3`) and a metric; the region, year and counting method may be
//! fixed or left open. Claims that travel without them ("Iran ranks 2nd in
//! the region in AI papers") are checked under **every reasonable
//! reading**: each region set the claim allows, each variant of the metric
//! (whole or per-capita counts, quantity or quality, …) and each year of the
//! window. For each reading the subject's rank among the region's members
//! that have a value is computed; the verdict says in how many readings
//! the claim holds, and which.
//!
//! Metrics are defined in a vocabulary (`claims/metrics.toml`): a metric
//! family lists its variants, each a catalogue indicator, optionally per
//! capita. A metric can also be a catalogue code directly.
//!
//! Claims come as TOML files (`[[claim]]` tables) or as one line:
//! `IRN ranks 2 in ai_papers among persian_gulf in 2022`
//! (`ranks top 3`, ordinals like `2nd`, and country names work too).

use std::collections::BTreeMap;

use digindex_data::suggest;
use digindex_sources::catalog::Series;
use digindex_sources::countries::Countries;
use digindex_sources::regions::RegionSet;
use serde::{Deserialize, Serialize};

/// One claim.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    #[serde(default)]
    pub id: String,
    /// The claim as it was made.
    #[serde(default)]
    pub text: String,
    /// The country (code or name).
    pub subject: String,
    /// Asserted rank (exactly this rank).
    #[serde(default)]
    pub rank: Option<u32>,
    /// Asserted "top k" (rank ≤ k).
    #[serde(default)]
    pub top: Option<u32>,
    /// Metric families or catalogue codes; each of their variants is a reading.
    pub metrics: Vec<String>,
    /// Region sets the wording allows (default: the vocabulary's).
    #[serde(default)]
    pub regions: Vec<String>,
    /// Years the claim may refer to (default: the vocabulary's window).
    #[serde(default)]
    pub years: Vec<i32>,
    /// What the claim's author may have meant, in words (for the report).
    #[serde(default)]
    pub note: String,
}

/// A claims file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsFile {
    #[serde(default, rename = "claim")]
    pub claims: Vec<Claim>,
}

/// A metric variant: a catalogue indicator, optionally per capita.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub code: String,
    #[serde(default)]
    pub per_capita: bool,
    #[serde(default)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    pub variants: Vec<Variant>,
}

/// The vocabulary: metric families, default regions and years.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    /// Catalogue code of the population (per-capita variants divide by it, per million).
    pub population: String,
    /// Population unit: values are divided by population × this to get "per million".
    #[serde(default = "one")]
    pub population_scale: f64,
    pub default_regions: Vec<String>,
    pub default_years: Vec<i32>,
    /// Oldest data a reading for year Y accepts (the year used is reported).
    #[serde(default)]
    pub max_age: i32,
    #[serde(rename = "metric")]
    pub metrics: BTreeMap<String, Metric>,
}

fn one() -> f64 {
    1.0
}

/// One reading of a claim and what the data say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub region: String,
    pub metric: String,
    pub variant: String,
    pub year: i32,
    /// The data year actually used (may be older than `year`).
    pub data_year: Option<i32>,
    pub rank: Option<u32>,
    pub of: usize,
    pub holds: bool,
    /// The units ranked above the subject, best first (evidence).
    pub ahead: Vec<String>,
    pub note: String,
}

/// The verdict on a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub id: String,
    pub text: String,
    pub subject: String,
    pub asserted: String,
    pub readings: Vec<Reading>,
    pub holds_in: usize,
    pub of: usize,
}

/// A claim that cannot be checked: what is unknown and what exists.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ClaimError(pub String);

/// Parses a one-line claim: `SUBJECT ranks [top] K[st|nd|rd|th] in METRIC
/// [among REGION] [in YEAR]`.
pub fn parse_line(line: &str) -> Result<Claim, ClaimError> {
    let re = regex::Regex::new(
        r"(?i)^\s*(?P<subject>.+?)\s+(?:ranks|is|ranked)\s+(?P<top>top\s+)?(?P<k>\d+)(?:st|nd|rd|th)?\s+(?:in|for|on)\s+(?P<metric>[\w.:/-]+)(?:\s+(?:among|in)\s+(?P<region>[A-Za-z][\w-]*))?(?:\s+in\s+(?P<year>\d{4}))?\s*$",
    )
    .map_err(|e| ClaimError(format!("internal: {e}")))?;
    let Some(c) = re.captures(line) else {
        return Err(ClaimError(format!(
            "cannot read {line:?}; write e.g. \"IRN ranks 2 in ai_papers among persian_gulf in 2022\" (\"ranks top 3\" for a top-k claim)"
        )));
    };
    let k: u32 = c["k"].parse().map_err(|_| ClaimError(format!("bad rank in {line:?}")))?;
    let top = c.name("top").is_some();
    Ok(Claim {
        id: "cli".into(),
        text: line.trim().to_string(),
        subject: c["subject"].trim().to_string(),
        rank: (!top).then_some(k),
        top: top.then_some(k),
        metrics: vec![c["metric"].to_string()],
        regions: c.name("region").map(|r| vec![r.as_str().replace('-', "_").to_lowercase()]).unwrap_or_default(),
        years: c.name("year").and_then(|y| y.as_str().parse().ok()).map(|y| vec![y]).unwrap_or_default(),
        note: String::new(),
    })
}

/// The data a check needs.
pub struct Context<'a> {
    pub countries: &'a Countries,
    pub regions: &'a [RegionSet],
    pub vocabulary: &'a Vocabulary,
    /// Loaded catalogue series by code.
    pub series: &'a BTreeMap<String, Series>,
}

impl Context<'_> {
    /// The variants a metric name stands for.
    fn variants(&self, metric: &str) -> Result<Vec<Variant>, ClaimError> {
        if let Some(m) = self.vocabulary.metrics.get(metric) {
            return Ok(m.variants.clone());
        }
        if self.series.contains_key(metric) {
            return Ok(vec![Variant { code: metric.into(), per_capita: false, label: metric.into() }]);
        }
        let names: Vec<String> = self.vocabulary.metrics.keys().cloned().collect();
        Err(ClaimError(format!(
            "unknown metric {metric:?}{}; metrics: {} (or any catalogue code, see `digindex data list`)",
            suggest(metric, names.iter().chain(self.series.keys())),
            names.join(", ")
        )))
    }

    /// Value of a unit for a variant in a year: (data year, value).
    fn value(&self, v: &Variant, unit: &str, year: i32) -> Option<(i32, f64)> {
        let s = self.series.get(&v.code)?;
        let (y, x) = s.value_at(unit, year, self.vocabulary.max_age)?;
        if !v.per_capita {
            return Some((y, x));
        }
        let pop = self.series.get(&self.vocabulary.population)?;
        let (_, p) = pop.value_at(unit, y, self.vocabulary.max_age)?;
        (p > 0.0).then(|| (y, x / (p * self.vocabulary.population_scale) * 1e6))
    }
}

/// Checks a claim under every reading it allows.
pub fn check(claim: &Claim, ctx: &Context<'_>) -> Result<Verdict, ClaimError> {
    let subject = match ctx.countries.iso3(&claim.subject) {
        Ok(Some(c)) => c.to_string(),
        Ok(None) => return Err(ClaimError(format!("the subject {:?} is an aggregate, not a country", claim.subject))),
        Err(e) => return Err(ClaimError(format!("subject: {e}"))),
    };
    let (asserted, test): (String, Box<dyn Fn(u32) -> bool>) = match (claim.rank, claim.top) {
        (Some(k), None) => (format!("rank {k}"), Box::new(move |r| r == k)),
        (None, Some(k)) => (format!("top {k}"), Box::new(move |r| r <= k)),
        _ => return Err(ClaimError("a claim asserts either rank = K or top = K".into())),
    };
    if claim.metrics.is_empty() {
        return Err(ClaimError("the claim names no metric".into()));
    }
    let regions: Vec<String> =
        if claim.regions.is_empty() { ctx.vocabulary.default_regions.clone() } else { claim.regions.clone() };
    let years = if claim.years.is_empty() { ctx.vocabulary.default_years.clone() } else { claim.years.clone() };
    let mut readings = Vec::new();
    for rname in &regions {
        let Some(region) = ctx.regions.iter().find(|r| &r.name == rname) else {
            let names: Vec<String> = ctx.regions.iter().map(|r| r.name.clone()).collect();
            return Err(ClaimError(format!(
                "unknown region {rname:?}{}; `digindex regions` lists them",
                suggest(rname, names.iter())
            )));
        };
        if !region.contains(&subject) {
            continue; // not a reading: the subject is not in this region
        }
        for metric in &claim.metrics {
            for v in ctx.variants(metric)? {
                if !ctx.series.contains_key(&v.code) {
                    return Err(ClaimError(format!("metric {metric}: catalogue code {:?} is not loaded", v.code)));
                }
                for &year in &years {
                    let mut vals: Vec<(String, f64, i32)> = region
                        .members
                        .iter()
                        .filter_map(|u| ctx.value(&v, u, year).map(|(y, x)| (u.clone(), x, y)))
                        .collect();
                    vals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                    let mine = vals.iter().find(|(u, _, _)| *u == subject);
                    let rank = mine.map(|(_, x, _)| 1 + vals.iter().filter(|(_, y, _)| y > x).count() as u32);
                    let data_year = mine.map(|(_, _, y)| *y);
                    let latest = ctx.series.get(&v.code).and_then(|s| {
                        s.observations.iter().filter(|o| o.unit == subject && !o.value.is_nan()).map(|o| o.year).max()
                    });
                    let note = match (mine, data_year) {
                        (None, _) => format!(
                            "no value for {subject} in {}–{year}; {}",
                            year - ctx.vocabulary.max_age,
                            match latest {
                                Some(y) => format!("latest available: {y}"),
                                None => "none at all".into(),
                            }
                        ),
                        (Some(_), Some(y)) if y != year => format!("latest data: {y}"),
                        _ => String::new(),
                    };
                    readings.push(Reading {
                        region: rname.clone(),
                        metric: metric.clone(),
                        variant: if v.label.is_empty() { v.code.clone() } else { v.label.clone() },
                        year,
                        data_year,
                        rank,
                        of: vals.len(),
                        holds: rank.is_some_and(&test),
                        ahead: vals
                            .iter()
                            .take_while(|(u, _, _)| *u != subject)
                            .take(5)
                            .map(|(u, _, _)| u.clone())
                            .collect(),
                        note,
                    });
                }
            }
        }
    }
    if readings.is_empty() {
        return Err(ClaimError(format!(
            "{subject} is a member of none of the regions {} — no reading is possible",
            regions.join(", ")
        )));
    }
    let holds_in = readings.iter().filter(|r| r.holds).count();
    Ok(Verdict {
        id: claim.id.clone(),
        text: if claim.text.is_empty() {
            format!("{} {asserted} in {}", claim.subject, claim.metrics.join("+"))
        } else {
            claim.text.clone()
        },
        subject,
        asserted,
        of: readings.len(),
        holds_in,
        readings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_claims() {
        let c = parse_line("IRN ranks 2 in ai_papers among persian-gulf in 2022").expect("parses");
        assert_eq!(c.subject, "IRN");
        assert_eq!(c.rank, Some(2));
        assert_eq!(c.metrics, ["ai_papers"]);
        assert_eq!(c.regions, ["persian_gulf"]);
        assert_eq!(c.years, [2022]);
        let c = parse_line("Iran ranks 4th in ai_firms").expect("parses");
        assert_eq!((c.subject.as_str(), c.rank, c.regions.len(), c.years.len()), ("Iran", Some(4), 0, 0));
        let c = parse_line("South Korea is top 3 in ai_developers among apt").expect("parses");
        assert_eq!((c.subject.as_str(), c.top, c.rank), ("South Korea", Some(3), None));
        assert!(parse_line("Iran is great").unwrap_err().0.contains("cannot read"));
    }
}
