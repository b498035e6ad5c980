//! Verdicts as text: a compact table per claim — the verdict, the count of
//! readings that hold, fail or cannot be checked, and one line per reading
//! with its evidence (who is ahead with values, the next one below, ties,
//! the margin to the asserted rank, or why it cannot be checked).

use crate::{Member, Reading, Status, Verdict};

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n - 1).collect::<String>()) }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Holds => "holds",
        Status::Fails => "fails",
        Status::CannotCheck => "cannot check",
    }
}

/// The evidence of a reading in one line: who is ahead (with values), the
/// next one below, ties, the margin, or why it cannot be checked.
fn evidence(r: &Reading) -> String {
    let mut parts = Vec::new();
    if r.status == Status::CannotCheck || !r.parts.is_empty() || r.rank_range.is_some() {
        parts.push(r.reason.clone());
    }
    if r.proxy {
        parts.push("proxy data".into());
    }
    // with mixed years, every member's year
    let member = |m: &Member| if r.mixed_years { format!("{} ({})", m.describe(), m.year) } else { m.describe() };
    if !r.ahead.is_empty() {
        parts.push(format!("ahead: {}", r.ahead.iter().map(member).collect::<Vec<_>>().join(", ")));
    }
    match (r.subject_value, r.subject_below, &r.next_below) {
        (Some(v), _, Some(b)) => parts.push(format!("value {}; next below: {}", crate::reading::number(v), member(b))),
        (Some(v), _, None) => parts.push(format!("value {}", crate::reading::number(v))),
        _ => {}
    }
    if !r.ties.is_empty() {
        parts.push(format!("tied with {}", r.ties.join(", ")));
    }
    if !r.missing.is_empty() && r.data_year.is_some() {
        parts.push(format!("no data: {}", r.missing.join(", ")));
    }
    if let Some(m) = &r.margin {
        parts.push(m.text.clone());
    }
    if !r.note.is_empty() {
        parts.push(r.note.clone());
    }
    parts.join(" · ")
}

fn reading_line(r: &Reading, indent: &str) -> String {
    let rank = match (r.rank, r.rank_range) {
        (_, Some([a, b])) => format!("{a}–{b}/{}", r.of),
        (Some(k), None) => format!("{k}/{}", r.of),
        (None, _) => "-".into(),
    };
    let years = match (r.years.first(), r.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{}", b % 100),
        _ => r.year.to_string(),
    };
    format!(
        "{indent}{:<22} {:<48} {:>7} {:>4} {:>7}  {:<12} {}",
        clip(&r.region, 22),
        clip(&r.variant, 48),
        years,
        r.data_year.map(|y| y.to_string()).unwrap_or("-".into()),
        rank,
        status_word(r.status),
        evidence(r)
    )
}

/// A reading's line, then its parts' lines below it, indented under it.
fn write_reading(w: &mut impl std::fmt::Write, r: &Reading, indent: &str) -> std::fmt::Result {
    writeln!(w, "{}", reading_line(r, indent))?;
    for p in &r.parts {
        writeln!(w, "{}", reading_line(p, &format!("{indent}  ↳ ")))?;
    }
    Ok(())
}

/// Writes verdicts as text: a compact table per claim (what `digindex check` prints).
pub fn write_text(w: &mut impl std::fmt::Write, verdicts: &[Verdict]) -> std::fmt::Result {
    for v in verdicts {
        writeln!(w)?;
        writeln!(w, "{} — {}", if v.id.is_empty() { "claim" } else { &v.id }, v.text)?;
        writeln!(w, "  read as: {}", v.canonical)?;
        writeln!(w, "  VERDICT: {} {} {}", v.subject, v.asserted, v.summary)?;
        writeln!(
            w,
            "  readings: {} — {} hold, {} fail, {} cannot be checked{}",
            v.of,
            v.holds_in,
            v.checkable - v.holds_in,
            v.cannot_check,
            if v.latest.is_empty() {
                String::new()
            } else {
                format!("; {} latest-evidence readings apart", v.latest.len())
            }
        )?;
        if !v.outside.is_empty() {
            writeln!(w, "  not a member of: {}", v.outside.join(", "))?;
        }
        writeln!(
            w,
            "  {:<22} {:<48} {:>7} {:>4} {:>7}  {:<12} evidence",
            "region", "measure", "year", "data", "rank", "status"
        )?;
        for r in &v.readings {
            write_reading(w, r, "  ")?;
        }
        for (i, r) in v.latest.iter().enumerate() {
            if i == 0 || v.latest[i - 1].year != r.year {
                writeln!(w, "  latest evidence ({}), not counted in the verdict:", r.year)?;
            }
            write_reading(w, r, "    ")?;
        }
        if !v.sweeps.is_empty() {
            writeln!(w, "  {} by year:", v.subject)?;
            for s in &v.sweeps {
                if !s.text.is_empty() {
                    writeln!(w, "    {:<22} {:<44} {}", clip(&s.region, 22), clip(&s.variant, 44), s.text)?;
                }
            }
        }
        if !v.note.is_empty() {
            writeln!(w, "  note: {}", v.note)?;
        }
    }
    Ok(())
}
