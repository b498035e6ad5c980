//! Corrections: documented fixes to source values, applied at import.
//!
//! Sources make mistakes — a CO2 intensity of exactly 0 for a country that
//! emits, a one-year spike a hundred times the neighbouring years, a score
//! of 0 that means "not assessed". A correction names the indicator, the
//! unit and the years, what to do and why:
//!
//! ```toml
//! [[correction]]
//! indicator = "gci_2024"
//! unit = "PLW"
//! years = 2024                # a year, a list [2023, 2024], or "1990-2024"
//! action = "exclude"          # the value is dropped: the unit has no value that year
//! reason = "Palau joined the ITU after the GCI 2024 assessment: 0 means not assessed"
//! evidence = "gci_2014_2024_scores_ranks.csv line 184; ITU press release 2024-09-19"
//!
//! [[correction]]
//! indicator = "..."
//! unit = "..."
//! years = 2023
//! action = "replace"          # the value is replaced by another source's
//! value = 1.5
//! source = "UNDP HDR 2023/24, table 5"
//! reason = "..."
//! ```
//!
//! A third action, `confirm`, keeps a value the data-quality audit finds
//! suspicious but a reviewer found genuine (with the reason), so that the
//! finding is answered and no build warns of it.
//!
//! Every correction must match a value in the data (a stale one is an
//! error, not a silent no-op), and every applied correction is kept with
//! the series ([`Applied`]) so the manifest, the report and the data audit
//! can list it. Corrections never add values a source does not have.

use std::path::Path;

use digindex_data::Observation;
use digindex_input::InputError;
use serde::{Deserialize, Serialize};

use crate::countries::Countries;

/// What a correction does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Drop the value: the unit has no value from this source that year.
    Exclude,
    /// Put `value` (from `source`) in place of the source value.
    Replace,
    /// Keep the value: it was checked and is genuine (the data-quality
    /// audit's finding on it is answered, and no build warns of it).
    Confirm,
}

/// The years a correction covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Years {
    One(i32),
    List(Vec<i32>),
    /// `"1990-2024"`.
    Range(String),
}

/// One `[[correction]]` entry, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub indicator: String,
    /// ISO3 code or a country name (resolved through the registry).
    pub unit: String,
    pub years: Years,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Where a replacement value comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub reason: String,
    /// Where the error can be seen (files, lines, documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A checked correction: the unit resolved, the years listed, and the line
/// of the entry in its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Checked {
    pub indicator: String,
    pub unit: String,
    pub years: Vec<(i32, i32)>,
    pub action: Action,
    pub value: Option<f64>,
    pub source: Option<String>,
    pub reason: String,
    pub evidence: Option<String>,
    /// Where the entry is: file and line.
    pub file: String,
    pub line: u64,
}

impl Checked {
    pub fn covers(&self, unit: &str, year: i32) -> bool {
        self.unit == unit && self.years.iter().any(|(a, b)| (*a..=*b).contains(&year))
    }

    /// "excluded: REASON", "replaced by 1.5 (SOURCE): REASON" or
    /// "confirmed as genuine: REASON".
    pub fn describe(&self) -> String {
        describe(self.action, self.value, self.source.as_deref(), &self.reason)
    }
}

fn describe(action: Action, value: Option<f64>, source: Option<&str>, reason: &str) -> String {
    match (action, value) {
        (Action::Replace, Some(v)) => {
            format!("replaced by {} ({}): {reason}", crate::import::show(v), source.unwrap_or_default())
        }
        (Action::Confirm, _) => format!("confirmed as genuine: {reason}"),
        _ => format!("excluded: {reason}"),
    }
}

/// A correction as applied to one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    pub indicator: String,
    pub unit: String,
    pub year: i32,
    pub action: Action,
    /// The source's value.
    pub before: f64,
    /// The value in its place (`None`: excluded; the same value when confirmed).
    pub after: Option<f64>,
    pub reason: String,
    pub source: Option<String>,
    /// The entry's file and line.
    pub file: String,
    pub line: u64,
    /// The observation as the source gave it (flags included).
    #[serde(skip)]
    pub source_observation: Observation,
}

impl Applied {
    /// The correction in words, as [`Checked::describe`].
    pub fn describe(&self) -> String {
        describe(self.action, self.after, self.source.as_deref(), &self.reason)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "correction")]
    corrections: Vec<toml::Spanned<Correction>>,
}

/// Reads and checks a corrections file: every unit a country, every
/// indicator in `codes` (the catalogue's), replacements with a value and a
/// source, exclusions without a value, a reason for each, and no two
/// entries on the same value.
pub fn parse(path: &Path, text: &str, codes: &[&str], countries: &Countries) -> Result<Vec<Checked>, InputError> {
    let f: File = toml::from_str(text).map_err(|e| InputError::file(path, e.to_string()))?;
    let line_of = |offset: usize| 1 + text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() as u64;
    let mut out: Vec<Checked> = Vec::with_capacity(f.corrections.len());
    for sp in &f.corrections {
        let line = line_of(sp.span().start);
        let c = sp.get_ref();
        let bad = |field: &str, m: String| InputError::at(path, line, Some(field), m);
        if !codes.contains(&c.indicator.as_str()) {
            let all: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
            return Err(bad(
                "indicator",
                format!(
                    "{:?} is not a catalogue indicator{}",
                    c.indicator,
                    digindex_data::suggest(&c.indicator, all.iter())
                ),
            ));
        }
        let unit = countries.country(&c.unit).map_err(|e| bad("unit", e.to_string()))?.to_string();
        let years = match &c.years {
            Years::One(y) => vec![(*y, *y)],
            Years::List(v) if !v.is_empty() => v.iter().map(|y| (*y, *y)).collect(),
            Years::List(_) => return Err(bad("years", "an empty list; give the years the correction covers".into())),
            Years::Range(r) => {
                let parsed =
                    r.split_once('-').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
                match parsed {
                    Some((a, b)) if a <= b => vec![(a, b)],
                    _ => {
                        return Err(bad(
                            "years",
                            format!("{r:?}: expected a year, a list of years or a range \"1990-2024\""),
                        ));
                    }
                }
            }
        };
        if c.reason.trim().is_empty() {
            return Err(bad("reason", "every correction needs a reason".into()));
        }
        match (c.action, c.value) {
            (Action::Replace, None) => {
                return Err(bad("value", "action = \"replace\" needs the value to put in place".into()));
            }
            (Action::Replace, Some(v)) if !v.is_finite() => {
                return Err(bad("value", format!("expected a finite number, found {v}")));
            }
            (Action::Replace, Some(_)) if c.source.as_deref().is_none_or(|s| s.trim().is_empty()) => {
                return Err(bad("source", "a replacement value needs its source".into()));
            }
            (Action::Exclude | Action::Confirm, Some(_)) => {
                return Err(bad(
                    "value",
                    format!("action = {:?} takes no value (use \"replace\")", c.action).to_lowercase(),
                ));
            }
            _ => {}
        }
        let checked = Checked {
            indicator: c.indicator.clone(),
            unit,
            years,
            action: c.action,
            value: c.value,
            source: c.source.clone(),
            reason: c.reason.trim().to_string(),
            evidence: c.evidence.clone(),
            file: path.display().to_string(),
            line,
        };
        if let Some(prev) = out.iter().find(|p| {
            p.indicator == checked.indicator
                && p.unit == checked.unit
                && checked.years.iter().any(|(a, b)| (*a..=*b).any(|y| p.covers(&checked.unit, y)))
        }) {
            return Err(bad(
                "years",
                format!("overlaps the correction on line {} for the same unit and indicator", prev.line),
            ));
        }
        out.push(checked);
    }
    Ok(out)
}

/// Applies the corrections of one indicator to its observations. Every
/// correction must match at least one value.
pub fn apply(
    indicator: &str,
    observations: &mut Vec<Observation>,
    corrections: &[Checked],
) -> Result<Vec<Applied>, InputError> {
    let mine: Vec<&Checked> = corrections.iter().filter(|c| c.indicator == indicator).collect();
    if mine.is_empty() {
        return Ok(Vec::new());
    }
    let mut applied = Vec::new();
    let mut used = vec![false; mine.len()];
    observations.retain_mut(|o| {
        let Some((k, c)) = mine.iter().enumerate().find(|(_, c)| c.covers(&o.unit, o.year)) else { return true };
        // a source's "no value" (NaN with a flag) is not a value to correct
        if o.value.is_nan() && o.censored.is_none() {
            return true;
        }
        used[k] = true;
        let after = match c.action {
            Action::Exclude => None,
            Action::Replace => c.value,
            Action::Confirm => Some(o.value),
        };
        applied.push(Applied {
            indicator: indicator.to_string(),
            unit: o.unit.clone(),
            year: o.year,
            action: c.action,
            before: o.value,
            after,
            reason: c.reason.clone(),
            source: c.source.clone(),
            file: c.file.clone(),
            line: c.line,
            source_observation: o.clone(),
        });
        match (c.action, after) {
            (Action::Confirm, _) => true,
            (_, Some(v)) => {
                o.value = v;
                o.censored = None;
                true
            }
            (_, None) => false,
        }
    });
    if let Some(k) = used.iter().position(|u| !u) {
        let c = mine[k];
        return Err(InputError::at(
            Path::new(&c.file),
            c.line,
            Some("years"),
            format!(
                "the correction of {} for {} matches no value in the data (years {}); remove it or fix its years",
                c.indicator,
                c.unit,
                c.years
                    .iter()
                    .map(|(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(unit: &str, year: i32, value: f64) -> Observation {
        Observation::new(unit, year, value)
    }

    const FILE: &str = r#"
[[correction]]
indicator = "co2"
unit = "Nauru"
years = "2020-2022"
action = "exclude"
reason = "zero intensity for a country that emits"

[[correction]]
indicator = "gci"
unit = "PLW"
years = [2024]
action = "replace"
value = 12.5
source = "the ITU report"
reason = "transcription error"
"#;

    #[test]
    fn parse_and_apply() {
        let c = Countries::shipped();
        let p = Path::new("corrections.toml");
        let list = parse(p, FILE, &["co2", "gci"], c).expect("valid");
        assert_eq!(list[0].unit, "NRU");
        assert_eq!(list[0].line, 2);
        assert_eq!(list[1].line, 9);
        let mut o = vec![obs("NRU", 2019, 0.0), obs("NRU", 2020, 0.0), obs("NRU", 2022, 0.0), obs("TUV", 2020, 0.0)];
        let a = apply("co2", &mut o, &list).expect("applies");
        assert_eq!(o.iter().map(|o| (o.unit.as_str(), o.year)).collect::<Vec<_>>(), [("NRU", 2019), ("TUV", 2020)]);
        assert_eq!(a.len(), 2);
        assert_eq!((a[0].before, a[0].after, a[0].action), (0.0, None, Action::Exclude));
        let mut g = vec![obs("PLW", 2024, 0.0)];
        let a = apply("gci", &mut g, &list).expect("applies");
        assert_eq!(g[0].value, 12.5);
        assert_eq!(a[0].after, Some(12.5));
        assert!(list[1].describe().starts_with("replaced by 12.5 (the ITU report)"));
        // a correction matching nothing is an error naming its line
        let mut none = vec![obs("NRU", 2019, 0.0)];
        let e = apply("co2", &mut none, &list).unwrap_err();
        assert!(e.to_string().contains("line 2") && e.to_string().contains("matches no value"), "{e}");
        // a confirmation keeps the value and records the review
        let confirm = "[[correction]]\nindicator = \"co2\"\nunit = \"AFG\"\nyears = 2022\naction = \"confirm\"\nreason = \"genuine\"\n";
        let list2 = parse(p, confirm, &["co2"], c).expect("valid");
        let mut a2 = vec![obs("AFG", 2022, 0.622)];
        let applied = apply("co2", &mut a2, &list2).expect("applies");
        assert_eq!(
            (a2[0].value, applied[0].after, applied[0].describe()),
            (0.622, Some(0.622), "confirmed as genuine: genuine".to_string())
        );
        // other indicators are untouched
        let mut other = vec![obs("NRU", 2020, 0.0)];
        assert!(apply("x", &mut other, &list).expect("nothing to do").is_empty());
        assert_eq!(other.len(), 1);
    }

    #[test]
    fn bad_entries_name_the_line_and_field() {
        let c = Countries::shipped();
        let p = Path::new("corrections.toml");
        let e = |text: &str| parse(p, text, &["co2", "gci"], c).unwrap_err().to_string();
        let one = |extra: &str| format!("[[correction]]\nindicator = \"co2\"\nunit = \"NRU\"\nyears = 2020\n{extra}");
        assert!(e(&one("action = \"exclude\"\n")).contains("reason"), "no reason");
        let m = e(&one("action = \"replace\"\nreason = \"r\"\n"));
        assert!(m.contains("line 1, column \"value\"") && m.contains("needs the value"), "{m}");
        let m = e(&one("action = \"replace\"\nvalue = 1\nreason = \"r\"\n"));
        assert!(m.contains("needs its source"), "{m}");
        let m = e(&one("action = \"exclude\"\nvalue = 1\nreason = \"r\"\n"));
        assert!(m.contains("takes no value"), "{m}");
        let m = e(&one("action = \"exclude\"\nreason = \"r\"\n").replace("co2", "co3"));
        assert!(m.contains("not a catalogue indicator") && m.contains("did you mean \"co2\""), "{m}");
        let m = e(&one("action = \"exclude\"\nreason = \"r\"\n").replace("NRU", "Atlantis"));
        assert!(m.contains("column \"unit\"") && m.contains("unknown country"), "{m}");
        let m = e(&one("action = \"exclude\"\nreason = \"r\"\n").replace("years = 2020", "years = \"2024-2020\""));
        assert!(m.contains("column \"years\""), "{m}");
        let m = e(&one("action = \"delete\"\nreason = \"r\"\n"));
        assert!(m.contains("unknown variant") || m.contains("delete"), "{m}");
        let twice = format!(
            "{}\n{}",
            one("action = \"exclude\"\nreason = \"r\"\n"),
            one("action = \"exclude\"\nreason = \"r\"\n")
        );
        let m = e(&twice);
        assert!(m.contains("overlaps the correction on line 1"), "{m}");
    }
}
