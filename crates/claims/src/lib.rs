//! # digindex-claims — does a ranking claim hold?
//!
//! A claim names a subject (a country), an asserted rank (`rank = 2`, or
//! `top = 3`) and a metric; the region, year and counting method may be
//! fixed or left open. Claims that travel without them ("Iran ranks 2nd in
//! the region in AI papers") are checked under **every reasonable
//! reading**: each region set the words can mean ("the Middle East" has
//! four definitions in the sources), each variant of the metric (whole or
//! per-capita counts, quantity or quality, …) and each year of the window.
//!
//! A reading compares every member of its region on **one data year**: the
//! latest year in the window in which the subject has a value; members
//! without a value that year are listed as missing, never filled from
//! another year (unless the claim opts in with `mix_years`). Each reading
//! **holds**, **fails** or **cannot be checked** (see [`reading`]); the
//! verdict counts the readings that hold among the checkable ones and
//! grades the support (all, most, some, none), and carries the evidence:
//! every member's value and year, who is ahead, ties, the margin to the
//! asserted rank. When the data end before the claim's years, the latest
//! checkable reading is shown as latest evidence, beside the verdict and
//! not counted in it, and a year sweep gives the subject's rank in every
//! year with data.
//!
//! A claim about several metrics at once ("number *and* quality of
//! papers", `all = true`) is a compound claim: a reading pairs one variant
//! of each metric on the same region and data year and holds only if every
//! part holds.
//!
//! Metrics are defined in a vocabulary (`claims/metrics.toml`); regions in
//! the shipped region sets and their aliases (`data/regions/`). Claims come
//! as TOML files (`[[claim]]` tables) or as one line in plain words (see
//! [`phrase`]).

pub mod claim;
pub mod phrase;
pub mod reading;
pub mod text;

use std::collections::BTreeMap;

pub use claim::{Asserted, Claim, ClaimsFile, Metric, Variant, Vocabulary};
pub use digindex_sources::regions::Regions;
pub use phrase::{Lexicon, canonical, parse_line};
pub use reading::{Judged, Margin, Member, Status, judge};

use digindex_sources::catalog::Series;
use digindex_sources::countries::Countries;
use digindex_sources::regions::RegionSet;
use serde::Serialize;

/// A claim that cannot be checked as written: what is wrong and what exists.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ClaimError(pub String);

impl From<digindex_sources::regions::RegionError> for ClaimError {
    fn from(e: digindex_sources::regions::RegionError) -> ClaimError {
        ClaimError(e.to_string())
    }
}

/// One reading of a claim and what the data say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub status: Status,
    /// Why it cannot be checked, or what qualifies the outcome (ties).
    pub reason: String,
    pub region: String,
    pub region_title: String,
    pub metric: String,
    pub variant: String,
    /// The claim's year this reading stands for (the first, when several
    /// claim years rest on the same data year).
    pub year: i32,
    /// Every claim year this reading stands for: years whose window finds
    /// the same data year are one reading, counted once.
    pub years: Vec<i32>,
    /// The one year all members are compared on.
    pub data_year: Option<i32>,
    pub rank: Option<u32>,
    /// Best and worst rank when suppressed values leave it open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_range: Option<[u32; 2]>,
    /// Members with data that year.
    pub of: usize,
    pub subject_value: Option<f64>,
    /// The subject's value is suppressed: below this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_below: Option<f64>,
    /// Every member ranked above the subject, best first.
    pub ahead: Vec<Member>,
    /// The member right below the subject.
    pub next_below: Option<Member>,
    /// Every member with data, best first (suppressed values last).
    pub members: Vec<Member>,
    /// Region members without a value that year.
    pub missing: Vec<String>,
    /// Members with exactly the subject's value.
    pub ties: Vec<String>,
    pub margin: Option<Margin>,
    /// Members were compared on different years (`mix_years`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mixed_years: bool,
    /// The data only stand in for what the claim is about.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub proxy: bool,
    /// A compound reading's parts (one per metric), each judged alone.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<Reading>,
    pub note: String,
}

impl Reading {
    /// A reading that cannot be checked, with the reason.
    pub fn unchecked(region: &RegionSet, metric: &str, variant: &str, year: i32, reason: String) -> Reading {
        Reading {
            status: Status::CannotCheck,
            reason,
            region: region.name.clone(),
            region_title: region.title.clone(),
            metric: metric.to_string(),
            variant: variant.to_string(),
            year,
            years: vec![year],
            data_year: None,
            rank: None,
            rank_range: None,
            of: 0,
            subject_value: None,
            subject_below: None,
            ahead: Vec::new(),
            next_below: None,
            members: Vec::new(),
            missing: Vec::new(),
            ties: Vec::new(),
            margin: None,
            mixed_years: false,
            proxy: false,
            parts: Vec::new(),
            note: String::new(),
        }
    }

    /// A reading from a judged ranking of `members` in `region`.
    #[allow(clippy::too_many_arguments)]
    pub fn judged(
        region: &RegionSet,
        metric: &str,
        variant: &str,
        year: i32,
        data_year: Option<i32>,
        j: Judged,
        missing: Vec<String>,
    ) -> Reading {
        Reading {
            status: j.status,
            reason: j.reason,
            data_year,
            rank: j.rank,
            rank_range: j.rank_range,
            of: j.of,
            subject_value: j.subject_value,
            subject_below: j.subject_below,
            ahead: j.ahead,
            next_below: j.next_below,
            members: j.members,
            missing,
            ties: j.ties,
            margin: j.margin,
            ..Reading::unchecked(region, metric, variant, year, String::new())
        }
    }

    pub fn is_checkable(&self) -> bool {
        self.status != Status::CannotCheck
    }
}

/// How well the checkable readings support a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Support {
    /// Every checkable reading holds.
    All,
    /// More than half hold.
    Most,
    /// Some, at most half.
    Some,
    None,
    /// No reading is checkable.
    Unchecked,
}

impl Support {
    pub fn of(holds_in: usize, checkable: usize) -> Support {
        match (holds_in, checkable) {
            (_, 0) => Support::Unchecked,
            (h, c) if h == c => Support::All,
            (h, c) if 2 * h > c => Support::Most,
            (0, _) => Support::None,
            _ => Support::Some,
        }
    }
}

/// The subject's rank in every year with data, on one region and variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    pub region: String,
    pub metric: String,
    pub variant: String,
    pub years: Vec<SweepYear>,
    /// "2nd in 2022; 1st in 2018 and 2020".
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepYear {
    pub year: i32,
    pub rank: Option<u32>,
    pub of: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_range: Option<[u32; 2]>,
    /// Every member has the same value: no rank.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all_tied: bool,
}

/// The verdict on a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub id: String,
    pub text: String,
    /// The claim in canonical one-line form.
    pub canonical: String,
    pub subject: String,
    pub asserted: String,
    /// Readings that hold.
    pub holds_in: usize,
    /// Readings that hold or fail.
    pub checkable: usize,
    /// Readings that cannot be checked (not in `checkable`).
    pub cannot_check: usize,
    /// All readings.
    pub of: usize,
    pub support: Support,
    /// The verdict in words: "holds in 1 of 4 checkable readings; 6 cannot be checked".
    pub summary: String,
    pub readings: Vec<Reading>,
    /// For each region and measure with no checkable reading in the
    /// claim's years: the latest checkable reading (not counted).
    pub latest: Vec<Reading>,
    pub sweeps: Vec<Sweep>,
    /// Regions named that the subject is not in (no reading).
    pub outside: Vec<String>,
    pub note: String,
}

impl Verdict {
    /// Counts and words from the readings.
    pub fn tally(&mut self) {
        self.of = self.readings.len();
        self.holds_in = self.readings.iter().filter(|r| r.status == Status::Holds).count();
        self.checkable = self.readings.iter().filter(|r| r.is_checkable()).count();
        self.cannot_check = self.of - self.checkable;
        self.support = Support::of(self.holds_in, self.checkable);
        let (h, c) = (self.holds_in, self.checkable);
        let mut s = match self.support {
            Support::Unchecked if self.of == 1 => "cannot be checked in its one reading".to_string(),
            Support::Unchecked => format!("cannot be checked in any of its {} readings", self.of),
            Support::All if c == 1 => "holds in the one checkable reading".into(),
            Support::All => format!("holds in all {c} checkable readings"),
            Support::Most => format!("holds in most checkable readings: {h} of {c}"),
            Support::Some => format!("holds in only {h} of {c} checkable readings"),
            Support::None if c == 1 => "does not hold in the one checkable reading".into(),
            Support::None => format!("holds in none of the {c} checkable readings"),
        };
        if self.cannot_check > 0 && c > 0 {
            s.push_str(&format!("; {} more cannot be checked", self.cannot_check));
        }
        if !self.latest.is_empty() {
            let mut years: Vec<i32> = self.latest.iter().map(|r| r.year).collect();
            years.sort_unstable();
            years.dedup();
            let ys: Vec<String> = years.iter().map(i32::to_string).collect();
            let held = self.latest.iter().filter(|r| r.status == Status::Holds).count();
            s.push_str(&format!(
                "; the latest evidence ({}, not counted) holds in {held} of its {} readings",
                ys.join(", "),
                self.latest.len()
            ));
        }
        self.summary = s;
    }
}

/// The data a check needs.
pub struct Context<'a> {
    pub countries: &'a Countries,
    pub regions: &'a Regions,
    pub vocabulary: &'a Vocabulary,
    /// Loaded catalogue series by code.
    pub series: &'a BTreeMap<String, Series>,
}

/// One part of a measure: a metric's variant.
#[derive(Debug, Clone)]
struct Part {
    metric: String,
    variant: Variant,
    proxy: bool,
}

/// A cell: a published value, or a bound the source published instead.
enum Cell {
    Value(f64),
    /// A value with suppressed parts: the value, and the bounds of the truth.
    Partial(f64, f64, f64),
    Below(f64),
    /// A value exists but cannot be expressed (a count with no population
    /// to divide by): the member has data, its place is unknown.
    Unknown(&'static str),
}

impl Context<'_> {
    /// The variants a metric name stands for, and whether it is a proxy.
    fn variants(&self, metric: &str) -> Result<(String, Vec<Variant>, bool), ClaimError> {
        let name = self.vocabulary.resolve_metric(metric, self.series.keys())?;
        if let Some(m) = self.vocabulary.metrics.get(&name) {
            return Ok((name, m.variants.clone(), m.proxy));
        }
        let label = self.series.get(&name).map(|s| s.indicator.name.clone()).unwrap_or_else(|| name.clone());
        Ok((
            name.clone(),
            vec![Variant { code: name, per_capita: false, label, short: String::new(), fetch: None }],
            false,
        ))
    }

    /// A unit's cell for a variant in exactly this year.
    fn cell(&self, v: &Variant, unit: &str, year: i32) -> Option<Cell> {
        let s = self.series.get(&v.code)?;
        let o = s.at(unit, year)?;
        let cell = if o.is_censored() {
            Cell::Below(o.censored.as_ref()?.upper)
        } else if o.value.is_nan() {
            return None;
        } else if let Some(c) = &o.censored {
            Cell::Partial(o.value, c.lower, c.upper)
        } else {
            Cell::Value(o.value)
        };
        if !v.per_capita {
            return Some(cell);
        }
        let Some((_, p)) = self.population(unit, year).filter(|(_, p)| *p > 0.0) else {
            return Some(Cell::Unknown("a value, but no population to divide it by"));
        };
        let per = |x: f64| x / (p * self.vocabulary.population_scale) * 1e6;
        Some(match cell {
            Cell::Value(x) => Cell::Value(per(x)),
            Cell::Partial(x, lo, hi) => Cell::Partial(per(x), per(lo), per(hi)),
            Cell::Below(b) => Cell::Below(per(b)),
            Cell::Unknown(why) => Cell::Unknown(why),
        })
    }

    /// The population a per-capita value divides by: the same year's, else
    /// the latest within `max_age` years before it (the reading says so).
    fn population(&self, unit: &str, year: i32) -> Option<(i32, f64)> {
        let pop = self.series.get(&self.vocabulary.population)?;
        (year - self.vocabulary.max_age.max(0)..=year)
            .rev()
            .find_map(|y| pop.at(unit, y).map(|o| (y, o.value)).filter(|(_, x)| !x.is_nan()))
    }

    /// The latest year in `from..=to` with a cell for the unit, and the cell.
    fn latest_cell(&self, v: &Variant, unit: &str, from: i32, to: i32) -> Option<(i32, Cell)> {
        (from..=to).rev().find_map(|y| self.cell(v, unit, y).map(|c| (y, c)))
    }

    /// Years in which the unit has a cell for every part, latest first.
    fn years_with_data(&self, parts: &[Part], unit: &str) -> Vec<i32> {
        let mut years: Option<Vec<i32>> = None;
        for p in parts {
            let Some(s) = self.series.get(&p.variant.code) else { return Vec::new() };
            let mut ys: Vec<i32> = s
                .of_unit(unit)
                .iter()
                .filter(|o| !o.value.is_nan() || o.is_censored())
                .map(|o| o.year)
                .filter(|&y| self.cell(&p.variant, unit, y).is_some())
                .collect();
            ys.sort_unstable();
            ys.dedup();
            years = Some(match years {
                None => ys,
                Some(prev) => prev.into_iter().filter(|y| ys.contains(y)).collect(),
            });
        }
        let mut ys = years.unwrap_or_default();
        ys.reverse();
        ys
    }

    /// The members of a region on one part in one data year (or, mixing
    /// years, each member's latest in the window), and those without data.
    fn members(&self, region: &RegionSet, part: &Part, year: i32, mix_from: Option<i32>) -> (Vec<Member>, Vec<String>) {
        let mut members = Vec::new();
        let mut missing = Vec::new();
        for u in &region.members {
            let cell = match mix_from {
                Some(from) => self.latest_cell(&part.variant, u, from, year),
                None => self.cell(&part.variant, u, year).map(|c| (year, c)),
            };
            match cell {
                Some((y, Cell::Value(x))) => members.push(Member::value(u.clone(), x, y)),
                Some((y, Cell::Partial(x, lo, hi))) => members.push(Member::partial(u.clone(), x, lo, hi, y)),
                Some((y, Cell::Below(b))) => members.push(Member::censored(u.clone(), b, y)),
                Some((y, Cell::Unknown(why))) => members.push(Member::unknown(u.clone(), y, why)),
                None => missing.push(u.clone()),
            }
        }
        (members, missing)
    }

    /// One reading: region, measure (one part, or a compound), claim year;
    /// `(window, year)` are the oldest and the newest data year accepted.
    fn reading(
        &self,
        subject: &str,
        asserted: Asserted,
        region: &RegionSet,
        parts: &[Part],
        (window, year): (i32, i32),
        mix_years: bool,
    ) -> Reading {
        let metric = parts.iter().map(|p| p.metric.as_str()).collect::<Vec<_>>().join(" + ");
        let variant = if parts.len() == 1 {
            parts[0].variant.name().to_string()
        } else {
            parts.iter().map(|p| format!("{}: {}", p.metric, p.variant.short_name())).collect::<Vec<_>>().join(" & ")
        };
        let proxy = parts.iter().any(|p| p.proxy);
        // the one data year: the latest in the window with the subject's value on every part
        let data_year =
            (window..=year).rev().find(|&y| parts.iter().all(|p| self.cell(&p.variant, subject, y).is_some()));
        let Some(data_year) = data_year else {
            let latest = self.years_with_data(parts, subject).into_iter().find(|&y| y <= year);
            let span = if window == year { year.to_string() } else { format!("{window}–{year}") };
            let mut r = Reading::unchecked(
                region,
                &metric,
                &variant,
                year,
                format!(
                    "no value for {subject} in {span}{}",
                    match latest {
                        Some(y) => format!(" (latest: {y})"),
                        None => " nor before".into(),
                    }
                ),
            );
            r.proxy = proxy;
            return r;
        };
        let mut judged: Vec<Reading> = parts
            .iter()
            .map(|p| {
                let (members, missing) = if mix_years {
                    self.members(region, p, year, Some(window))
                } else {
                    self.members(region, p, data_year, None)
                };
                let j = judge(subject, asserted, members);
                let mut r = Reading::judged(region, &p.metric, p.variant.name(), year, Some(data_year), j, missing);
                r.mixed_years = mix_years && r.members.iter().any(|m| m.year != data_year);
                r.proxy = p.proxy;
                let mut notes = Vec::new();
                if r.mixed_years {
                    notes.push("members compared on different years (mix_years)".to_string());
                }
                if p.variant.per_capita {
                    let mut older: Vec<i32> = r
                        .members
                        .iter()
                        .filter_map(|m| self.population(&m.unit, m.year).map(|(y, _)| y))
                        .filter(|&y| y != data_year)
                        .collect();
                    older.sort_unstable();
                    older.dedup();
                    if !older.is_empty() {
                        let ys: Vec<String> = older.iter().map(i32::to_string).collect();
                        notes.push(format!(
                            "per million people with the population of {} (the latest the source has)",
                            ys.join(", ")
                        ));
                    }
                }
                r.note = notes.join("; ");
                r
            })
            .collect();
        if judged.len() == 1 {
            return judged.remove(0);
        }
        // a compound: fails if a part fails, else cannot be checked if a part cannot, else holds
        let mut r = Reading::unchecked(region, &metric, &variant, year, String::new());
        r.data_year = Some(data_year);
        r.proxy = proxy;
        let failing: Vec<&Reading> = judged.iter().filter(|p| p.status == Status::Fails).collect();
        let open: Vec<&Reading> = judged.iter().filter(|p| p.status == Status::CannotCheck).collect();
        let ranks = |rs: &[&Reading]| -> String {
            rs.iter()
                .map(|p| match p.rank {
                    Some(k) => format!("{} {} of {}", p.variant, reading::ordinal(k), p.of),
                    None => format!("{}: {}", p.variant, p.reason),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        (r.status, r.reason) = if !failing.is_empty() {
            (Status::Fails, format!("fails on {}", ranks(&failing)))
        } else if !open.is_empty() {
            (Status::CannotCheck, format!("cannot check {}", ranks(&open)))
        } else {
            (Status::Holds, "holds on every part".into())
        };
        r.mixed_years = judged.iter().any(|p| p.mixed_years);
        r.parts = judged;
        r
    }
}

/// The measures a claim's metrics make: each variant alone, or (for
/// `all`) every combination of one variant per metric.
fn measures(claim: &Claim, ctx: &Context<'_>) -> Result<Vec<Vec<Part>>, ClaimError> {
    let mut families = Vec::new();
    for m in &claim.metrics {
        if m.starts_with("index:") {
            return Err(ClaimError(format!("{m}: index claims are checked on a built index (`digindex check`)")));
        }
        let (name, mut variants, proxy) = ctx.variants(m)?;
        if let Some(pc) = claim.per_capita {
            if pc && !ctx.vocabulary.metrics.contains_key(&name) {
                // a catalogue code per capita
                for v in &mut variants {
                    v.per_capita = true;
                    v.label = format!("{} per million people", v.label);
                }
            }
            variants.retain(|v| v.per_capita == pc);
            if variants.is_empty() {
                return Err(ClaimError(format!(
                    "metric {name} has no {} variant",
                    if pc { "per-capita" } else { "total" }
                )));
            }
        }
        for v in &variants {
            if !ctx.series.contains_key(&v.code) {
                return Err(ClaimError(format!("metric {name}: catalogue code {:?} is not loaded", v.code)));
            }
        }
        families.push(
            variants.into_iter().map(|variant| Part { metric: name.clone(), variant, proxy }).collect::<Vec<_>>(),
        );
    }
    if !claim.all || families.len() < 2 {
        return Ok(families.into_iter().flatten().map(|p| vec![p]).collect());
    }
    let mut combos: Vec<Vec<Part>> = vec![Vec::new()];
    for f in families {
        combos =
            combos.into_iter().flat_map(|c| f.iter().map(move |p| [c.clone(), vec![p.clone()]].concat())).collect();
    }
    Ok(combos)
}

/// The subject's ISO3 code.
pub fn subject_of(claim: &Claim, countries: &Countries) -> Result<String, ClaimError> {
    match countries.iso3(&claim.subject) {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => Err(ClaimError(format!("the subject {:?} is an aggregate, not a country", claim.subject))),
        Err(e) => Err(ClaimError(format!("subject: {e}"))),
    }
}

/// The region sets a claim's words can mean that contain the subject, and
/// the named ones that do not; an error when none contains it.
pub fn regions_of<'r>(
    claim: &Claim,
    subject: &str,
    regions: &'r Regions,
    defaults: &[String],
) -> Result<(Vec<&'r RegionSet>, Vec<String>), ClaimError> {
    let said: Vec<String> = if claim.regions.is_empty() { defaults.to_vec() } else { claim.regions.clone() };
    let mut sets: Vec<&RegionSet> = Vec::new();
    for r in &said {
        for s in regions.resolve(r)? {
            if !sets.iter().any(|x| x.name == s.name) {
                sets.push(s);
            }
        }
    }
    let (inside, outside): (Vec<&RegionSet>, Vec<&RegionSet>) = sets.into_iter().partition(|s| s.contains(subject));
    let outside: Vec<String> = outside.iter().map(|s| s.name.clone()).collect();
    if inside.is_empty() {
        let belongs: Vec<String> = regions.of(subject).iter().map(|s| s.name.clone()).collect();
        return Err(ClaimError(format!(
            "{subject} is a member of none of the regions {}; it belongs to: {}",
            outside.join(", "),
            if belongs.is_empty() { "none of the shipped sets".into() } else { belongs.join(", ") }
        )));
    }
    Ok((inside, outside))
}

/// A verdict with no readings yet: the subject, the assertion, the
/// regions it is outside of, the text and the canonical form.
pub fn verdict_for(claim: &Claim, ctx: &Context<'_>) -> Result<Verdict, ClaimError> {
    begin(claim, ctx).map(|(v, _)| v)
}

/// [`verdict_for`], and the region sets that contain the subject.
fn begin<'r>(claim: &Claim, ctx: &Context<'r>) -> Result<(Verdict, Vec<&'r RegionSet>), ClaimError> {
    let subject = subject_of(claim, ctx.countries)?;
    let asserted = claim.asserted()?;
    if claim.metrics.is_empty() {
        return Err(ClaimError("the claim names no metric".into()));
    }
    let (sets, outside) = regions_of(claim, &subject, ctx.regions, &ctx.vocabulary.default_regions)?;
    let joiner = if claim.all { " and " } else { " or " };
    let text = if claim.text.is_empty() {
        format!("{} {asserted} in {}", claim.subject, claim.metrics.join(joiner))
    } else {
        claim.text.clone()
    };
    let codes: Vec<String> = ctx.series.keys().cloned().collect();
    let lx = Lexicon { vocabulary: ctx.vocabulary, codes: &codes, regions: ctx.regions, countries: ctx.countries };
    let mut c = claim.clone();
    c.subject = subject.clone();
    let mut v = Verdict {
        id: claim.id.clone(),
        text,
        canonical: canonical(&c, &lx),
        subject,
        asserted: asserted.to_string(),
        holds_in: 0,
        checkable: 0,
        cannot_check: 0,
        of: 0,
        support: Support::Unchecked,
        summary: String::new(),
        readings: Vec::new(),
        latest: Vec::new(),
        sweeps: Vec::new(),
        outside,
        note: claim.note.clone(),
    };
    v.tally();
    Ok((v, sets))
}

/// Checks a claim under every reading it allows.
pub fn check(claim: &Claim, ctx: &Context<'_>) -> Result<Verdict, ClaimError> {
    let (mut v, sets) = begin(claim, ctx)?;
    let subject = v.subject.clone();
    let asserted = claim.asserted()?;
    let measures = measures(claim, ctx)?;
    let mut years = if claim.years.is_empty() { ctx.vocabulary.default_years.clone() } else { claim.years.clone() };
    years.sort_unstable();
    years.dedup();
    let max_age = ctx.vocabulary.max_age.max(0);
    for region in &sets {
        for parts in &measures {
            let first = v.readings.len();
            for &year in &years {
                let r = ctx.reading(&subject, asserted, region, parts, (year - max_age, year), claim.mix_years);
                // claim years whose windows find the same data year are one reading, counted once
                match v.readings[first..].iter_mut().find(|x| x.data_year == r.data_year) {
                    Some(same) => same.years.push(year),
                    None => v.readings.push(r),
                }
            }
            // none checkable: the latest year that is, up to the claim's last year
            if !v.readings[first..].iter().any(Reading::is_checkable) {
                let last = years.last().copied().unwrap_or(i32::MAX);
                if let Some(r) = ctx
                    .years_with_data(parts, &subject)
                    .into_iter()
                    .filter(|&y| y <= last)
                    .map(|y| ctx.reading(&subject, asserted, region, parts, (y, y), false))
                    .find(Reading::is_checkable)
                {
                    v.latest.push(r);
                }
            }
        }
    }
    for region in &sets {
        let mut seen: Vec<(String, bool)> = Vec::new();
        for p in measures.iter().flatten() {
            let key = (p.variant.code.clone(), p.variant.per_capita);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            v.sweeps.push(sweep(ctx, &subject, region, p));
        }
    }
    v.tally();
    Ok(v)
}

/// The subject's rank in every year it has data, on one region and part.
fn sweep(ctx: &Context<'_>, subject: &str, region: &RegionSet, p: &Part) -> Sweep {
    let mut years: Vec<SweepYear> = ctx
        .years_with_data(std::slice::from_ref(p), subject)
        .into_iter()
        .map(|y| {
            let (members, _) = ctx.members(region, p, y, None);
            let j = judge(subject, Asserted::Rank(1), members);
            let all_tied = j.of > 1 && j.ties.len() + 1 == j.of;
            SweepYear { year: y, rank: j.rank.filter(|_| !all_tied), of: j.of, rank_range: j.rank_range, all_tied }
        })
        .collect();
    years.sort_by_key(|y| y.year);
    Sweep {
        region: region.name.clone(),
        metric: p.metric.clone(),
        variant: p.variant.name().to_string(),
        text: sweep_text(&years),
        years,
    }
}

/// "2nd in 2022; 1st in 2003–2016, 2018 and 2020": ranks grouped, the
/// group with the latest year first, runs of years as spans.
pub fn sweep_text(years: &[SweepYear]) -> String {
    let mut groups: Vec<(String, Vec<i32>)> = Vec::new();
    for y in years {
        let label = match (y.rank, y.rank_range) {
            _ if y.all_tied => "all level".into(),
            (_, Some([a, b])) => format!("{}–{}", reading::ordinal(a), reading::ordinal(b)),
            (Some(k), None) => reading::ordinal(k),
            (None, _) => "undetermined".into(),
        };
        match groups.iter_mut().find(|(l, _)| *l == label) {
            Some((_, ys)) => ys.push(y.year),
            None => groups.push((label, vec![y.year])),
        }
    }
    groups.sort_by_key(|(_, ys)| std::cmp::Reverse(ys.iter().copied().max().unwrap_or(0)));
    groups.iter().map(|(l, ys)| format!("{l} in {}", spans(ys))).collect::<Vec<_>>().join("; ")
}

/// "2003–2016, 2018 and 2020".
fn spans(years: &[i32]) -> String {
    let mut ys = years.to_vec();
    ys.sort_unstable();
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for y in ys {
        match runs.last_mut() {
            Some((_, b)) if *b + 1 == y => *b = y,
            _ => runs.push((y, y)),
        }
    }
    let parts: Vec<String> =
        runs.iter().map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}–{b}") }).collect();
    match parts.len() {
        0 => String::new(),
        1 => parts[0].clone(),
        n => format!("{} and {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_is_graded() {
        assert_eq!(Support::of(0, 0), Support::Unchecked);
        assert_eq!(Support::of(3, 3), Support::All);
        assert_eq!(Support::of(2, 3), Support::Most);
        assert_eq!(Support::of(1, 2), Support::Some);
        assert_eq!(Support::of(1, 18), Support::Some);
        assert_eq!(Support::of(0, 4), Support::None);
    }

    #[test]
    fn sweeps_in_words() {
        let y = |year, rank| SweepYear { year, rank: Some(rank), of: 9, rank_range: None, all_tied: false };
        let ys = [y(2018, 1), y(2019, 2), y(2020, 1), y(2021, 2), y(2022, 2), y(2016, 1), y(2017, 1)];
        assert_eq!(sweep_text(&ys), "2nd in 2019 and 2021–2022; 1st in 2016–2018 and 2020");
        assert_eq!(sweep_text(&[]), "");
    }
}
