//! What a claim says, and the vocabulary its words are read with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ClaimError;

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
    /// Metric families, their aliases, catalogue codes or `index:NAME`.
    pub metrics: Vec<String>,
    /// `true`: the rank is asserted on every metric at once ("number *and*
    /// quality"): a reading pairs one variant of each metric and holds only
    /// if every part holds. `false`: each variant of each metric is a reading.
    #[serde(default)]
    pub all: bool,
    /// `true`: only the per-capita variants of the metrics ("AI papers per
    /// capita"); `false`: only the totals; unset: both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_capita: Option<bool>,
    /// Region names as said (set names or aliases such as "the Middle
    /// East"); each set a name can mean is a reading. Empty: the
    /// vocabulary's default regions ("the region").
    #[serde(default)]
    pub regions: Vec<String>,
    /// Years the claim may refer to (default: the vocabulary's window).
    #[serde(default)]
    pub years: Vec<i32>,
    /// Compare members on different data years (each member's latest value
    /// in the window). Off by default: a reading compares all members on one
    /// data year.
    #[serde(default)]
    pub mix_years: bool,
    /// What the claim's author may have meant, in words (for the report).
    #[serde(default)]
    pub note: String,
}

/// What a claim asserts about the subject's rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asserted {
    /// Exactly this rank.
    Rank(u32),
    /// This rank or better.
    Top(u32),
}

impl Asserted {
    /// Whether a rank satisfies the assertion.
    pub fn holds(self, rank: u32) -> bool {
        match self {
            Asserted::Rank(k) => rank == k,
            Asserted::Top(k) => rank <= k,
        }
    }

    /// The asserted position (k).
    pub fn k(self) -> u32 {
        match self {
            Asserted::Rank(k) | Asserted::Top(k) => k,
        }
    }
}

impl std::fmt::Display for Asserted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Asserted::Rank(k) => write!(f, "rank {k}"),
            Asserted::Top(k) => write!(f, "top {k}"),
        }
    }
}

impl Claim {
    /// The assertion: exactly one of `rank` and `top`, at least 1.
    pub fn asserted(&self) -> Result<Asserted, ClaimError> {
        match (self.rank, self.top) {
            (Some(0), None) => Err(ClaimError("rank 0 is not a rank: ranks start at 1".into())),
            (None, Some(0)) => Err(ClaimError("top 0 is not a rank: ranks start at 1".into())),
            (Some(k), None) => Ok(Asserted::Rank(k)),
            (None, Some(k)) => Ok(Asserted::Top(k)),
            _ => Err(ClaimError("a claim asserts either rank = K or top = K".into())),
        }
    }
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
    /// A few words that tell it from its siblings, for compound readings
    /// ("whole counts", "per million").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short: String,
    /// A series the catalogue has only once fetched: the command that
    /// fetches it. Until then the variant is left out of readings, and
    /// verdicts say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch: Option<String>,
}

impl Variant {
    /// The label, or the code when there is none.
    pub fn name(&self) -> &str {
        if self.label.is_empty() { &self.code } else { &self.label }
    }

    /// The short label, or the label.
    pub fn short_name(&self) -> &str {
        if self.short.is_empty() { self.name() } else { &self.short }
    }
}

/// A metric family: what a metric name in a claim may mean.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub name: String,
    /// Other names people use for it ("AI articles", "AI publications").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The data only stand in for what the claim is about (GitHub
    /// organisations for firms): readings say so.
    #[serde(default)]
    pub proxy: bool,
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
    /// A reading for year Y takes the latest year in Y−max_age..=Y in which
    /// the subject has a value (the year used is reported).
    #[serde(default)]
    pub max_age: i32,
    #[serde(rename = "metric")]
    pub metrics: BTreeMap<String, Metric>,
}

fn one() -> f64 {
    1.0
}

/// A metric name as compared: lower case, `_`/`-` as spaces, no leading
/// "the" or "number of".
pub fn normalise_metric(s: &str) -> String {
    let s = s.to_lowercase().replace(['_', '-'], " ");
    let mut w: Vec<&str> = s.split_whitespace().collect();
    if w.first() == Some(&"the") {
        w.remove(0);
    }
    if w.len() > 2 && w[0] == "number" && w[1] == "of" {
        w.drain(..2);
    }
    w.join(" ")
}

impl Vocabulary {
    /// The canonical name of a metric as said: a family's name or alias, a
    /// catalogue code among `codes`, or `index:NAME` as is.
    pub fn resolve_metric<'a>(
        &self,
        said: &str,
        codes: impl IntoIterator<Item = &'a String> + Clone,
    ) -> Result<String, ClaimError> {
        let t = said.trim();
        if let Some(name) = t.strip_prefix("index:") {
            if name.trim().is_empty() {
                return Err(ClaimError("index: names no index; write e.g. index:ai-ecosystem".into()));
            }
            return Ok(format!("index:{}", name.trim()));
        }
        if self.metrics.contains_key(t) || codes.clone().into_iter().any(|c| c == t) {
            return Ok(t.to_string());
        }
        let n = normalise_metric(t);
        for (key, m) in &self.metrics {
            if normalise_metric(key) == n || m.aliases.iter().any(|a| normalise_metric(a) == n) {
                return Ok(key.clone());
            }
        }
        if let Some(c) = codes.clone().into_iter().find(|c| normalise_metric(c) == n) {
            return Ok(c.clone());
        }
        let mut names: Vec<String> = self.metrics.keys().cloned().collect();
        names.extend(self.metrics.values().flat_map(|m| m.aliases.iter().cloned()));
        names.extend(codes.into_iter().cloned());
        Err(ClaimError(format!(
            "unknown metric {t:?}{}; metrics: {} (or any catalogue code, see `digindex data list`; `digindex check --list` gives every name)",
            digindex_data::suggest(t, names.iter()),
            self.metrics.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}
