//! One reading of a claim: the subject's rank among a region's members on
//! one measure and one data year, the evidence, and whether the claim holds.
//!
//! A reading is three-valued. It **holds** or **fails** when the rank is
//! determined; it **cannot be checked** when the subject has no value, when
//! fewer than three members have data (a rank among two says little), or
//! when values the source suppressed ("< 100") could lie on either side of
//! the subject's. Ranks are competition ranks: tied members share the best
//! rank, and ties are listed.

use serde::Serialize;

use crate::claim::Asserted;

/// Where a member stands against the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ordering {
    Greater,
    Less,
    Equal,
    /// Their intervals overlap: either may be ahead.
    Open,
}

/// Fewer members with data than this: the reading cannot be checked.
pub const MIN_MEMBERS: usize = 3;

/// A reading's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Holds,
    Fails,
    CannotCheck,
}

/// A member's value in a reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub unit: String,
    /// The value; `None` when the source suppressed it (see `below`).
    pub value: Option<f64>,
    /// The data year of the value.
    pub year: i32,
    /// The source published only "below this" (a suppressed count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Competition rank among the published values (none when suppressed).
    pub rank: Option<u32>,
    /// Bounds of the true value when the source suppressed some of its
    /// parts (an annual value with a suppressed quarter): the value counts
    /// them at half the threshold, the truth lies between these.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounds: Option<[f64; 2]>,
    /// Why a member with data has no comparable value (no population for
    /// a per-capita value): its place is unknown, either side of anyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

impl Member {
    /// A published value.
    pub fn value(unit: impl Into<String>, value: f64, year: i32) -> Member {
        Member { unit: unit.into(), value: Some(value), year, below: None, rank: None, bounds: None, unknown: None }
    }

    /// A suppressed value, known only to be below `below`.
    pub fn censored(unit: impl Into<String>, below: f64, year: i32) -> Member {
        Member { unit: unit.into(), value: None, year, below: Some(below), rank: None, bounds: None, unknown: None }
    }

    /// A member with data whose comparable value is unknown, and why.
    pub fn unknown(unit: impl Into<String>, year: i32, why: &str) -> Member {
        Member {
            unit: unit.into(),
            value: None,
            year,
            below: None,
            rank: None,
            bounds: None,
            unknown: Some(why.into()),
        }
    }

    /// A value some of whose parts were suppressed: `value` counts them at
    /// half the threshold, the true value lies in `[lower, upper]`.
    pub fn partial(unit: impl Into<String>, value: f64, lower: f64, upper: f64, year: i32) -> Member {
        Member { bounds: Some([lower, upper]), ..Member::value(unit, value, year) }
    }

    /// The interval the true value lies in.
    fn interval(&self) -> (f64, f64) {
        match (self.value, self.bounds, self.below) {
            (Some(_), Some([lo, hi]), _) => (lo, hi),
            (Some(v), None, _) => (v, v),
            (None, _, Some(b)) => (f64::NEG_INFINITY, b),
            _ => (f64::NAN, f64::NAN),
        }
    }

    /// "1,659 (2022)" or "< 100 (2022)".
    pub fn describe(&self) -> String {
        match (self.value, self.below, self.bounds) {
            (Some(v), _, Some([lo, hi])) => format!("{} {} ({}–{})", self.unit, number(v), number(lo), number(hi)),
            (Some(v), _, None) => format!("{} {}", self.unit, number(v)),
            (None, Some(b), _) => format!("{} < {}", self.unit, number(b)),
            _ => format!("{} (unknown: {})", self.unit, self.unknown.as_deref().unwrap_or("no value")),
        }
    }
}

/// How far the subject is from the asserted rank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Margin {
    /// The member the subject is measured against.
    pub unit: String,
    pub value: f64,
    /// How much larger the larger of the two values is, in percent of the
    /// smaller (none when the smaller is not positive).
    pub percent: Option<f64>,
    /// "2.4% behind TUR (1st: 1,659 vs 1,620)".
    pub text: String,
}

/// The subject's place among members, and what it says of the claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    pub status: Status,
    pub reason: String,
    pub rank: Option<u32>,
    /// Best and worst rank when suppressed values make it uncertain.
    pub rank_range: Option<[u32; 2]>,
    /// Members with data (published or suppressed).
    pub of: usize,
    pub subject_value: Option<f64>,
    /// The subject's value is suppressed: below this.
    pub subject_below: Option<f64>,
    /// Every member ranked above the subject, best first.
    pub ahead: Vec<Member>,
    /// The member right below the subject.
    pub next_below: Option<Member>,
    /// Every member with data, best first (suppressed values last).
    pub members: Vec<Member>,
    /// Members with the subject's value exactly.
    pub ties: Vec<String>,
    pub margin: Option<Margin>,
}

/// Ranks `subject` among `members` (each with a value or a suppressed
/// bound) and judges the assertion.
pub fn judge(subject: &str, asserted: Asserted, members: Vec<Member>) -> Judged {
    let (mut published, mut censored): (Vec<Member>, Vec<Member>) =
        members.into_iter().partition(|m| m.value.is_some_and(|v| !v.is_nan()));
    published
        .sort_by(|a, b| b.value.unwrap_or(f64::NAN).total_cmp(&a.value.unwrap_or(f64::NAN)).then(a.unit.cmp(&b.unit)));
    censored
        .sort_by(|a, b| b.below.unwrap_or(f64::NAN).total_cmp(&a.below.unwrap_or(f64::NAN)).then(a.unit.cmp(&b.unit)));
    // competition ranks
    for i in 0..published.len() {
        published[i].rank = Some(if i > 0 && published[i].value == published[i - 1].value {
            published[i - 1].rank.unwrap_or(1)
        } else {
            i as u32 + 1
        });
    }
    let of = published.len() + censored.len();
    let mut all: Vec<Member> = published.clone();
    all.extend(censored.iter().cloned());
    let mut j = Judged {
        status: Status::CannotCheck,
        reason: String::new(),
        rank: None,
        rank_range: None,
        of,
        subject_value: None,
        subject_below: None,
        ahead: Vec::new(),
        next_below: None,
        members: all,
        ties: Vec::new(),
        margin: None,
    };
    let Some(me) = j.members.iter().find(|m| m.unit == subject).cloned() else {
        j.reason = format!("no value for {subject}");
        return j;
    };
    // where each member stands against the subject, on the intervals the
    // true values lie in: surely above, surely below, level, or open
    let mine = me.interval();
    let place = |m: &Member| -> Ordering {
        let (lo, hi) = m.interval();
        if lo > mine.1 {
            Ordering::Greater
        } else if hi < mine.0 {
            Ordering::Less
        } else if lo == hi && mine.0 == mine.1 && lo == mine.0 {
            Ordering::Equal
        } else {
            Ordering::Open
        }
    };
    let others: Vec<&Member> = j.members.iter().filter(|m| m.unit != subject).collect();
    let ahead: Vec<Member> = others.iter().filter(|m| place(m) == Ordering::Greater).map(|m| (*m).clone()).collect();
    let open: Vec<&Member> = others.iter().copied().filter(|m| place(m) == Ordering::Open).collect();
    let ties: Vec<String> = others.iter().filter(|m| place(m) == Ordering::Equal).map(|m| m.unit.clone()).collect();
    let best = ahead.len() as u32 + 1;
    let worst = best + open.len() as u32;
    j.ahead = ahead;
    j.ties = ties;
    j.next_below = j.members.iter().find(|m| m.unit != subject && place(m) == Ordering::Less).cloned();
    if worst > best {
        j.rank_range = Some([best, worst]);
    }
    let describe_me = match (me.value, me.bounds, me.below) {
        (Some(v), Some([lo, hi]), _) => {
            format!("{subject}'s {} (between {} and {})", number(v), number(lo), number(hi))
        }
        (Some(v), None, _) => format!("{subject}'s {}", number(v)),
        (None, _, Some(b)) => format!("{subject}'s value, suppressed by the source as < {}", number(b)),
        _ => format!("{subject}'s value, unknown: {}", me.unknown.as_deref().unwrap_or("no value")),
    };
    let uncertain = |open: &[&Member]| -> String {
        let list: Vec<String> = open.iter().map(|m| m.describe()).collect();
        format!("{} could be on either side of {describe_me}", list.join(", "))
    };
    match me.value {
        Some(v) => {
            j.subject_value = Some(v);
            j.rank = Some(best);
            j.margin = margin(subject, v, me.rank.unwrap_or(best), asserted, &published);
            // a margin between values that count suppressed parts at half the threshold
            if let Some(m) = &mut j.margin {
                let other = published.iter().find(|x| x.unit == m.unit).map(Member::interval);
                if let Some((lo, hi)) = other {
                    if me.bounds.is_some() || lo < hi {
                        let overlap = lo <= mine.1 && hi >= mine.0;
                        m.text.push_str(if overlap {
                            " — on values counting suppressed quarters at half the threshold; their true ranges overlap"
                        } else {
                            " — on values counting suppressed quarters at half the threshold"
                        });
                    }
                }
            }
        }
        None => j.subject_below = me.below,
    }
    if of < MIN_MEMBERS {
        j.reason = format!(
            "only {of} member{} with data ({}): a rank among so few says little",
            if of == 1 { "" } else { "s" },
            j.members.iter().map(|m| m.unit.as_str()).collect::<Vec<_>>().join(", ")
        );
        return j;
    }
    let k = asserted.k();
    if k as usize > of {
        j.status = Status::Fails;
        j.reason = format!("there is no {} among {of} members with data", ordinal(k));
        return j;
    }
    if j.ties.len() + 1 == of {
        j.reason = format!("all {of} members have the same value: a rank says nothing");
        return j;
    }
    if let Asserted::Top(k) = asserted {
        if k as usize >= of {
            j.reason = format!("a top-{k} claim among {of} members with data cannot fail");
            return j;
        }
    }
    // with suppressed values the rank lies in best..=worst
    let (holds_best, holds_worst) = (asserted.holds(best), asserted.holds(worst));
    let determined = match asserted {
        Asserted::Rank(_) => worst == best || k < best || k > worst,
        Asserted::Top(_) => holds_worst || !holds_best,
    };
    if !determined {
        j.reason = if me.value.is_none() {
            format!("rank undetermined, between {best} and {worst}: {describe_me}")
        } else {
            format!("rank between {best} and {worst}: {}", uncertain(&open))
        };
        return j;
    }
    j.status = if holds_best && holds_worst { Status::Holds } else { Status::Fails };
    let mut reason = Vec::new();
    if !j.ties.is_empty() {
        reason.push(format!("tied with {}", j.ties.join(", ")));
    }
    if !open.is_empty() {
        reason.push(format!("rank {best}–{worst} either way: {}", uncertain(&open)));
    }
    j.reason = reason.join("; ");
    j
}

/// The margin to the asserted rank: the gap to the member at the asserted
/// place when the subject is below it, the lead over the one below the
/// asserted place when it is at or above it.
fn margin(subject: &str, v: f64, rank: u32, asserted: Asserted, published: &[Member]) -> Option<Margin> {
    let k = asserted.k() as usize;
    let others: Vec<&Member> = published.iter().filter(|m| m.unit != subject).collect();
    let against = |m: &Member, behind: bool| -> Margin {
        let x = m.value.unwrap_or(f64::NAN);
        let (hi, lo) = if behind { (x, v) } else { (v, x) };
        let percent = (lo > 0.0).then(|| (hi - lo) / lo * 100.0);
        let gap = match percent {
            Some(p) => format!("{}%", round_percent(p)),
            None => number((hi - lo).abs()),
        };
        let place = ordinal(m.rank.unwrap_or(0));
        let text = if (x - v).abs() == 0.0 {
            format!("level with {} ({place}: {})", m.unit, number(x))
        } else if behind {
            format!("{gap} behind {} ({place}: {} vs {})", m.unit, number(x), number(v))
        } else {
            format!("{gap} ahead of {} ({place}: {} vs {})", m.unit, number(v), number(x))
        };
        Margin { unit: m.unit.clone(), value: x, percent, text }
    };
    let r = rank as usize;
    match asserted {
        // ranked below the asserted place: the gap to whoever holds it
        _ if r > k => others.get(k - 1).map(|m| against(m, true)),
        // at the asserted rank: the lead over the next one down
        Asserted::Rank(_) if r == k => others.get(r - 1).map(|m| against(m, false)),
        // above the asserted rank: ahead of whoever holds it now
        Asserted::Rank(_) => others.get(k - 2).map(|m| against(m, false)),
        // inside the top k: the lead over the first one outside
        Asserted::Top(_) => others.get(k - 1).or(others.get(r - 1)).map(|m| against(m, false)),
    }
}

fn round_percent(p: f64) -> String {
    if p >= 10.0 { format!("{p:.0}") } else { format!("{p:.1}") }
}

/// "1st", "2nd", "3rd", "11th", "22nd".
pub fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A value as a reader reads it: whole numbers with thousands separators,
/// others with three significant digits at least.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if (x.fract() == 0.0 || a >= 100.0) && a < 1e15 {
        let s = format!("{:.0}", a.round());
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return if x < 0.0 { format!("-{out}") } else { out };
    }
    if a >= 1.0 { format!("{x:.2}") } else { format!("{x:.3}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(unit: &str, v: f64) -> Member {
        Member::value(unit, v, 2022)
    }

    #[test]
    fn ranks_ties_and_margins() {
        let ms = vec![m("TUR", 1659.0), m("IRN", 1620.0), m("SAU", 1500.0), m("ISR", 1400.0)];
        let j = judge("IRN", Asserted::Rank(2), ms.clone());
        assert_eq!((j.status, j.rank, j.of), (Status::Holds, Some(2), 4));
        assert_eq!(j.ahead.len(), 1);
        assert_eq!(j.next_below.as_ref().map(|m| m.unit.as_str()), Some("SAU"));
        // holding 2nd: the lead over the 3rd
        let mg = j.margin.expect("margin");
        assert_eq!(mg.unit, "SAU");
        assert!((mg.percent.expect("pct") - 8.0).abs() < 1e-9);
        // claiming 1st: 2.4% behind Turkey, relative to Iran's value
        let j = judge("IRN", Asserted::Rank(1), ms.clone());
        assert_eq!(j.status, Status::Fails);
        let mg = j.margin.expect("margin");
        assert_eq!(mg.unit, "TUR");
        assert!((mg.percent.expect("pct") - (1659.0 - 1620.0) / 1620.0 * 100.0).abs() < 1e-9);
        assert!(mg.text.starts_with("2.4% behind TUR (1st: 1,659 vs 1,620)"), "{}", mg.text);
        // claiming 3rd while 2nd: ahead of whoever is 3rd
        let j = judge("IRN", Asserted::Rank(3), ms.clone());
        assert_eq!((j.status, j.margin.expect("m").unit.as_str()), (Status::Fails, "SAU"));
        // top 3 holds, lead over the 4th
        let j = judge("IRN", Asserted::Top(3), ms.clone());
        assert_eq!((j.status, j.margin.expect("m").unit.as_str()), (Status::Holds, "ISR"));
        // ties share the best rank and are flagged
        let j = judge("BHR", Asserted::Rank(1), vec![m("ARE", 100.0), m("BHR", 100.0), m("OMN", 90.0)]);
        assert_eq!((j.status, j.rank, j.ties.clone()), (Status::Holds, Some(1), vec!["ARE".to_string()]));
        assert!(j.reason.contains("tied with ARE"));
    }

    #[test]
    fn what_cannot_be_checked() {
        // no subject value
        let j = judge("IRN", Asserted::Rank(1), vec![m("TUR", 1.0), m("SAU", 2.0), m("ISR", 3.0)]);
        assert_eq!(j.status, Status::CannotCheck);
        // two members only
        let j = judge("IRN", Asserted::Rank(1), vec![m("IRN", 5.0), m("SAU", 2.0)]);
        assert_eq!((j.status, j.rank), (Status::CannotCheck, Some(1)));
        assert!(j.reason.contains("only 2 members"));
        // the subject suppressed: the rank is open unless the claim fails either way
        let ms = vec![Member::censored("IRN", 100.0, 2022), m("ISR", 500.0), m("TUR", 300.0), m("SAU", 90.0)];
        let j = judge("IRN", Asserted::Rank(3), ms.clone());
        assert_eq!((j.status, j.rank, j.rank_range), (Status::CannotCheck, None, Some([3, 4])));
        assert_eq!(j.subject_below, Some(100.0));
        assert!(j.reason.contains("suppressed by the source as < 100"), "{}", j.reason);
        let j = judge("IRN", Asserted::Rank(2), ms);
        assert_eq!(j.status, Status::Fails, "at best 3rd: 2nd fails either way");
        // claims that cannot fail, or cannot be true
        let ms = vec![m("A", 3.0), m("B", 2.0), m("C", 1.0)];
        assert_eq!(judge("B", Asserted::Top(3), ms.clone()).status, Status::CannotCheck);
        let j = judge("B", Asserted::Rank(4), ms);
        assert_eq!(j.status, Status::Fails);
        assert!(j.reason.contains("no 4th among 3"), "{}", j.reason);
        let j = judge("B", Asserted::Rank(1), vec![m("A", 0.0), m("B", 0.0), m("C", 0.0)]);
        assert_eq!(j.status, Status::CannotCheck);
        assert!(j.reason.contains("same value"), "{}", j.reason);
        // suppressed members below the subject's value rank below it
        let ms = vec![m("IRN", 116.0), m("ISR", 500.0), Member::censored("SAU", 100.0, 2022)];
        let j = judge("IRN", Asserted::Rank(2), ms);
        assert_eq!((j.status, j.rank, j.of), (Status::Holds, Some(2), 3));
        assert_eq!(j.next_below.expect("below").unit, "SAU");
        // a suppressed bound above the subject's value leaves the rank open
        let ms = vec![m("IRN", 50.0), m("ISR", 500.0), Member::censored("SAU", 100.0, 2022), m("OMN", 10.0)];
        let j = judge("IRN", Asserted::Rank(2), ms.clone());
        assert_eq!((j.status, j.rank_range), (Status::CannotCheck, Some([2, 3])));
        // ... unless the claim fails either way
        assert_eq!(judge("IRN", Asserted::Rank(1), ms.clone()).status, Status::Fails);
        assert_eq!(judge("IRN", Asserted::Top(3), ms).status, Status::Holds);
    }

    #[test]
    fn partly_suppressed_values_are_intervals() {
        // GitHub ML topic 2023: Iran 2 of 4 quarters (83, between 58 and 108), Egypt 3 of 4
        // (101, between 89 and 114), Israel 3 of 4 (123, 110-135), Turkey 4 of 4
        let ms = vec![
            Member::partial("IRN", 83.0, 58.0, 108.0, 2023),
            Member::partial("EGY", 101.25, 88.75, 113.75, 2023),
            Member::partial("ISR", 122.75, 110.25, 135.25, 2023),
            m("TUR", 149.5),
            Member::censored("SAU", 100.0, 2023),
        ];
        let j = judge("IRN", Asserted::Rank(2), ms.clone());
        // Turkey and Israel surely above; Egypt and Saudi Arabia either side
        assert_eq!((j.status, j.rank, j.rank_range), (Status::Fails, Some(3), Some([3, 5])));
        assert!(j.reason.contains("EGY 101 (88.75–114), SAU < 100 could be on either side"), "{}", j.reason);
        assert_eq!(judge("IRN", Asserted::Rank(3), ms.clone()).status, Status::CannotCheck);
        assert_eq!(judge("IRN", Asserted::Top(3), ms.clone()).status, Status::CannotCheck);
        assert_eq!(judge("IRN", Asserted::Top(2), ms).status, Status::Fails);
        // the subject suppressed: below Turkey surely, so 1st fails either way
        let j = judge(
            "SAU",
            Asserted::Rank(1),
            vec![m("TUR", 150.0), Member::censored("SAU", 100.0, 2023), m("ISR", 99.0)],
        );
        assert_eq!((j.status, j.rank_range), (Status::Fails, Some([2, 3])));
    }

    #[test]
    fn a_member_without_a_comparable_value_could_be_anywhere() {
        // a count with no population to divide it by: per capita, its place is unknown
        let ms = vec![m("KOR", 49.6), m("JPN", 31.1), m("CHN", 29.0), Member::unknown("TWN", 2022, "no population")];
        let j = judge("JPN", Asserted::Rank(3), ms.clone());
        assert_eq!((j.status, j.rank_range), (Status::CannotCheck, Some([2, 3])));
        assert!(j.reason.contains("TWN (unknown: no population)"), "{}", j.reason);
        assert_eq!(judge("JPN", Asserted::Rank(1), ms.clone()).status, Status::Fails);
        let j = judge("TWN", Asserted::Rank(1), ms);
        assert_eq!((j.status, j.rank, j.rank_range), (Status::CannotCheck, None, Some([1, 4])));
    }

    #[test]
    fn numbers_and_ordinals() {
        assert_eq!(number(1659.0), "1,659");
        assert_eq!(number(1234567.0), "1,234,567");
        assert_eq!(number(-1000.0), "-1,000");
        assert_eq!(number(4.56789), "4.57");
        assert_eq!(number(99.7237), "99.72");
        assert_eq!(number(35137.4), "35,137");
        assert_eq!(number(0.8312), "0.831");
        assert_eq!(
            [1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal),
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
        );
    }
}
