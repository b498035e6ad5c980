//! One-line claims as people write them.
//!
//! `Iran ranks second in AI papers in the Middle East (2022)`,
//! `iran is 2nd in ai_papers and ai_paper_quality among West Asia or the Gulf`,
//! `South Korea is in the top three for internet users in Asia-Pacific`:
//! a subject (a country name or code, any case), a verb (`ranks`, `is`,
//! `comes`, `is ranked`…), a rank (`2`, `2nd`, `second`, `top 3`, `top
//! three`, `number 1`), then a measure and, optionally, a region — in
//! either order, each after a preposition — and years (`in 2022`,
//! `(2020-2022)`). Measures joined by "and" are a compound claim (every
//! part must hold); joined by "or", alternatives. Regions joined by "or"
//! are each a reading. Whatever cannot be read is an error that shows the
//! canonical form, which [`canonical`] writes for any claim.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;

use crate::claim::{Claim, Vocabulary};
use crate::{ClaimError, Regions};
use digindex_sources::countries::Countries;

/// What the words of a claim are read against.
pub struct Lexicon<'a> {
    pub vocabulary: &'a Vocabulary,
    /// Catalogue codes a metric may name directly.
    pub codes: &'a [String],
    pub regions: &'a Regions,
    pub countries: &'a Countries,
}

const ORDINALS: [&str; 20] = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];
const NUMBERS: [&str; 20] = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// A rank as written: `2`, `2nd`, `second`, `two`, `zero`.
fn rank_word(w: &str) -> Option<u32> {
    let w = w.to_lowercase();
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let suffix = &w[digits.len()..];
        return matches!(suffix, "" | "st" | "nd" | "rd" | "th").then(|| digits.parse().ok()).flatten();
    }
    if w == "zero" || w == "zeroth" {
        return Some(0);
    }
    let pos = ORDINALS.iter().position(|o| *o == w).or_else(|| NUMBERS.iter().position(|o| *o == w));
    pos.map(|i| i as u32 + 1)
}

const EXAMPLE: &str = "IRN ranks 2 in ai_papers among middle_east in 2022";

/// A pattern of the parser, compiled once per process and kept for it (a
/// dozen patterns; a `Regex` clone would share the program but start a new
/// search cache, which cost more than the search on short claims).
fn regex(re: &'static str) -> Result<&'static Regex, ClaimError> {
    static COMPILED: LazyLock<Mutex<HashMap<&'static str, &'static Regex>>> = LazyLock::new(Default::default);
    let mut compiled = COMPILED.lock().map_err(|_| ClaimError("internal: the pattern cache is poisoned".into()))?;
    if let Some(r) = compiled.get(re) {
        return Ok(r);
    }
    let r: &'static Regex = Box::leak(Box::new(Regex::new(re).map_err(|e| ClaimError(format!("internal: {e}")))?));
    compiled.insert(re, r);
    Ok(r)
}

/// Words that introduce a measure or a region.
fn is_preposition(w: &str) -> bool {
    matches!(
        w.to_lowercase().as_str(),
        "in" | "for" | "on" | "at" | "by" | "among" | "amongst" | "within" | "across" | "of"
    )
}

/// The longest claim read, in characters.
pub const MAX_CLAIM_CHARS: usize = 300;

/// Parses a one-line claim.
pub fn parse_line(line: &str, lx: &Lexicon<'_>) -> Result<Claim, ClaimError> {
    // claims are one sentence; a longer line would only cost time (the
    // nearest-name suggestions compare it with every name)
    let chars = line.trim().chars().count();
    if chars > MAX_CLAIM_CHARS {
        return Err(ClaimError(format!(
            "a claim is one sentence of at most {MAX_CLAIM_CHARS} characters; this one has {chars}"
        )));
    }
    let text = line.trim().trim_matches(|c| c == '"' || c == '\'' || c == '“' || c == '”').trim_end_matches('.').trim();
    // years: "in 2022", "(2022)", "(2020-2022)", "in 2020 to 2022"
    // years: "in 2022", "(2022)", ", 2022", "(2020-2022)", "in 2020 to 2022", "between
    // 2020 and 2022" (ranges), "in 2020 and 2022" (two years)
    let year_re = regex(
        r"(?i)(?:,\s*|\(\s*|\b(?:in|for|during|as of|(?P<between>between|from))\s+)?\b(?P<a>(?:19|20)\d\d)\b(?:\s*(?P<sep>-|–|to|and)\s*(?P<b>(?:19|20)?\d\d)\b)?\s*\)?",
    )?;
    let mut years = Vec::new();
    for c in year_re.captures_iter(text) {
        let from: i32 = c["a"].parse().map_err(|_| ClaimError(format!("bad year in {text:?}")))?;
        // "2021-22": the century of the first year
        let to: i32 = c
            .name("b")
            .and_then(|m| m.as_str().parse::<i32>().ok())
            .map(|b| if b < 100 { from - from % 100 + b } else { b })
            .unwrap_or(from);
        let list = c.name("sep").is_some_and(|s| s.as_str().eq_ignore_ascii_case("and")) && c.name("between").is_none();
        if list {
            years.extend([from, to]);
            continue;
        }
        if to < from || to - from > 50 {
            return Err(ClaimError(format!("years {from}–{to} in {text:?}: expected an increasing range")));
        }
        years.extend(from..=to);
    }
    let rest = year_re.replace_all(text, " ").to_string();
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    // subject, verb, rank
    let rank_re = regex(
        r"(?i)^(?P<subject>.+?)\s+(?:is\s+ranked|was\s+ranked|ranks|ranked|is|was|comes|came|places|placed|stands|sits|finishes|finished|takes|took|holds|held|occupies|occupied)\s+(?:(?:in|among|within)\s+)?(?:one\s+of\s+)?(?:the\s+)?(?:(?P<top>top)\s+|(?:number|no\.?|#)\s*)?(?P<k>[#]?[0-9a-z]+)(?:\s+(?:place|position|spot|rank|countries|nations|economies))?(?:\s+(?P<rest>.*))?$",
    )?;
    let Some(c) = rank_re.captures(&rest) else {
        return Err(ClaimError(format!(
            "cannot read {text:?}: expected SUBJECT ranks K in MEASURE [among REGION] [in YEAR], e.g. {EXAMPLE:?} (\"is top 3\" for a top-k claim)"
        )));
    };
    let said_subject = c["subject"].trim();
    let said_subject = said_subject
        .strip_prefix("the ")
        .or_else(|| said_subject.strip_prefix("The "))
        .map(str::trim)
        .filter(|s| !s.is_empty() && lx.countries.iso3(said_subject).is_err())
        .unwrap_or(said_subject);
    let k = rank_word(c["k"].trim_start_matches('#')).ok_or_else(|| {
        ClaimError(format!(
            "cannot read {text:?}: {:?} is not a rank; write the rank as 2, 2nd or second, e.g. {EXAMPLE:?}",
            &c["k"]
        ))
    })?;
    let top = c.name("top").is_some();
    if k == 0 {
        return Err(ClaimError(format!(
            "{} 0 is not a rank: ranks start at 1 (in {text:?})",
            if top { "top" } else { "rank" }
        )));
    }
    let subject = match lx.countries.iso3(said_subject) {
        Ok(Some(c)) => c.to_string(),
        Ok(None) => {
            return Err(ClaimError(format!("the subject {said_subject:?} is an aggregate, not a country")));
        }
        Err(e) => return Err(ClaimError(format!("subject: {e}"))),
    };
    let tail = c.name("rest").map(|m| m.as_str().trim()).unwrap_or_default();
    let asserted = if top { format!("top {k}") } else { k.to_string() };
    let skeleton = |m: &str, r: &str| format!("{subject} ranks {asserted} in {m}{r}");
    let words: Vec<&str> = tail.split_whitespace().collect();
    if words.is_empty() || !is_preposition(words[0]) {
        return Err(ClaimError(format!(
            "cannot read {text:?}: after the rank, expected \"in MEASURE\" (and \"among REGION\"); canonical form: {:?}",
            skeleton("METRIC", " among REGION")
        )));
    }
    // every way to split the tail into a measure and a region, measure first
    // or region first; the first that reads wins
    let mut first_error: Option<ClaimError> = None;
    let mut found = None;
    'split: for j in (1..words.len()).filter(|&j| is_preposition(words[j])) {
        let (a, b) = (words[1..j].join(" "), words[j + 1..].join(" "));
        for (m, r) in [(&a, &b), (&b, &a)] {
            match (metrics(m, lx), regions(r, lx)) {
                (Ok(ms), Ok(rs)) => {
                    found = Some((ms, rs));
                    break 'split;
                }
                (Err(e), _) | (_, Err(e)) => {
                    first_error.get_or_insert(e);
                }
            }
        }
    }
    let (measure, regions) = match found {
        Some(f) => f,
        None => match metrics(&words[1..].join(" "), lx) {
            Ok(ms) => (ms, Vec::new()),
            Err(e) => {
                let e = first_error.unwrap_or(e);
                return Err(ClaimError(format!(
                    "cannot read the measure or region in {text:?}: {}; canonical form: {:?}",
                    e.0,
                    skeleton("METRIC", " among REGION")
                )));
            }
        },
    };
    Ok(Claim {
        id: String::new(),
        text: text.to_string(),
        subject,
        rank: (!top).then_some(k),
        top: top.then_some(k),
        metrics: measure.metrics,
        all: measure.all,
        per_capita: measure.per_capita,
        regions,
        years,
        mix_years: false,
        note: String::new(),
    })
}

/// What a measure phrase says: metrics, whether all must hold, and
/// whether it is per capita.
struct Measure {
    metrics: Vec<String>,
    all: bool,
    per_capita: Option<bool>,
}

/// A measure phrase: one metric, several joined by "and" (a compound) or
/// by "or", "the number and quality of X" (a compound of "number of X" and
/// "quality of X"), any of them followed by "per capita" / "per million
/// people".
fn metrics(phrase: &str, lx: &Lexicon<'_>) -> Result<Measure, ClaimError> {
    let mut phrase = phrase.trim();
    if phrase.is_empty() {
        return Err(ClaimError("no measure".into()));
    }
    let mut per_capita = None;
    let pc =
        regex(r"(?i)\s+(?:per\s+capita|per\s+(?:million\s+)?(?:people|inhabitants|persons?|head)|per\s+million)$")?;
    if let Some(m) = pc.find(phrase) {
        per_capita = Some(true);
        phrase = phrase[..m.start()].trim();
    } else if let Some(m) = regex(r"(?i)\s+(?:in\s+total|in\s+absolute\s+terms|\(total\))$")?.find(phrase) {
        per_capita = Some(false);
        phrase = phrase[..m.start()].trim();
    }
    // "in terms of AI papers", "in the field of"
    if let Some(m) = regex(r"(?i)^(?:terms|the\s+field|the\s+area)\s+of\s+")?.find(phrase) {
        phrase = phrase[m.end()..].trim();
    }
    let one = |ms: Vec<String>, all: bool| Measure { metrics: ms, all, per_capita };
    let single = lx.vocabulary.resolve_metric(phrase, lx.codes);
    if let Ok(m) = &single {
        return Ok(one(vec![m.clone()], false));
    }
    // "the number and quality of AI papers"
    if let Some(c) = regex(r"(?i)^(?:the\s+)?(\w+)\s+and\s+(?:the\s+)?(\w+)\s+of\s+(.+)$")?.captures(phrase) {
        let a = lx.vocabulary.resolve_metric(&format!("{} of {}", &c[1], &c[3]), lx.codes);
        let b = lx.vocabulary.resolve_metric(&format!("{} of {}", &c[2], &c[3]), lx.codes);
        if let (Ok(a), Ok(b)) = (a, b) {
            return Ok(one(vec![a, b], true));
        }
    }
    for (sep, all) in [(r"(?i)\s*(?:,|\s&\s|\band\b|\bboth\b)\s*", true), (r"(?i)\s*\bor\b\s*", false)] {
        let parts: Vec<&str> = regex(sep)?.split(phrase).map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.len() > 1 {
            let ms = parts.iter().map(|p| lx.vocabulary.resolve_metric(p, lx.codes)).collect::<Result<Vec<_>, _>>()?;
            return Ok(one(ms, all));
        }
    }
    single.map(|m| one(vec![m], false))
}

/// A region phrase: one name, or several joined by "or"; "the region"
/// means the vocabulary's default regions (an empty list).
fn regions(phrase: &str, lx: &Lexicon<'_>) -> Result<Vec<String>, ClaimError> {
    let p = phrase.trim();
    if p.is_empty() {
        return Err(ClaimError("no region".into()));
    }
    let one = |p: &str| -> Result<String, ClaimError> {
        let n = digindex_sources::regions::normalise(p);
        if matches!(n.as_str(), "region" | "their region" | "its region") {
            return Ok(String::new());
        }
        if lx.regions.resolve(p).is_ok() {
            return Ok(p.trim().to_string());
        }
        // "Middle East countries", "Gulf states"
        let trimmed =
            regex(r"(?i)\s+(?:countries|nations|states|economies|members|member\s+states|member\s+countries)$")?
                .replace(p, "")
                .to_string();
        lx.regions.resolve(&trimmed).map(|_| trimmed.trim().to_string()).map_err(ClaimError::from)
    };
    let mut out = Vec::new();
    let parts: Vec<String> = match one(p) {
        Ok(r) => vec![r],
        Err(e) => {
            let parts: Vec<&str> =
                regex(r"(?i)\s*(?:\bor\b|/|,)\s*")?.split(p).map(str::trim).filter(|s| !s.is_empty()).collect();
            if parts.len() < 2 {
                return Err(e);
            }
            parts.into_iter().map(one).collect::<Result<Vec<_>, _>>()?
        }
    };
    for r in parts {
        if r.is_empty() {
            // "the region": the defaults, whatever else was said
            return Ok(Vec::new());
        }
        out.push(r);
    }
    Ok(out)
}

/// The canonical one-line form of a claim: ISO3 subject, canonical metric
/// and region-set names, explicit years. It reads back to the same readings.
pub fn canonical(claim: &Claim, lx: &Lexicon<'_>) -> String {
    let asserted = match (claim.rank, claim.top) {
        (_, Some(k)) => format!("top {k}"),
        (Some(k), _) => k.to_string(),
        _ => "?".into(),
    };
    let metrics: Vec<String> =
        claim.metrics.iter().map(|m| lx.vocabulary.resolve_metric(m, lx.codes).unwrap_or_else(|_| m.clone())).collect();
    let mut sets: Vec<String> = Vec::new();
    for r in &claim.regions {
        match lx.regions.resolve(r) {
            Ok(found) => sets.extend(found.iter().map(|s| s.name.clone())),
            Err(_) => sets.push(r.clone()),
        }
    }
    sets.dedup();
    let mut out =
        format!("{} ranks {asserted} in {}", claim.subject, metrics.join(if claim.all { " and " } else { " or " }));
    match claim.per_capita {
        Some(true) => out.push_str(" per capita"),
        Some(false) => out.push_str(" in total"),
        None => {}
    }
    if !sets.is_empty() {
        out.push_str(&format!(" among {}", sets.join(" or ")));
    }
    let mut years = claim.years.clone();
    years.sort_unstable();
    years.dedup();
    if let (Some(&a), Some(&b)) = (years.first(), years.last()) {
        if (b - a) as usize + 1 == years.len() {
            out.push_str(&if a == b { format!(" in {a}") } else { format!(" in {a}-{b}") });
        } else {
            for y in years {
                out.push_str(&format!(" in {y}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_in_words() {
        for (w, k) in [("2", 2), ("2nd", 2), ("second", 2), ("Second", 2), ("three", 3), ("21st", 21), ("0", 0)] {
            assert_eq!(rank_word(w), Some(k), "{w}");
        }
        for w in ["great", "2x", "nd", "best"] {
            assert_eq!(rank_word(w), None, "{w}");
        }
    }
}
