//! Deduplication by work id: of all the copies of a work in the input, one
//! counts — the copy with the newest `updated_date`, and among copies with
//! that date the first in input order (files in the order given, then
//! lines). The rule does not depend on how files are spread over threads.
//!
//! Sized for the full OpenAlex snapshot (~250 million works) on one
//! machine. A first pass records 24 bytes per copy: the work id as its
//! number (`https://openalex.org/W2741809807` and `W2741809807` → 2741809807),
//! the date as a number ordered like the date, and the copy's position
//! (file, line). The records are sorted, and only ids seen more than once
//! are kept, each with the position of the copy that wins; everything else
//! is freed before the counting pass. (Strings in a hash map took ~165
//! bytes per work: ~40 GB for the snapshot.) Ids of any other form are
//! kept as strings, in a map of their own.
//!
//! Dates: `YYYY-MM-DD`, optionally with `THH:MM:SS` (or a space for the
//! `T`), fractional seconds (to the microsecond; further digits are
//! ignored) and a final `Z`, compare as the instants they name. A missing
//! date, or one in any other form, counts as older than every date.
//!
//! Only copies the counting pass finds valid are compared (the caller
//! judges every line the same way in both passes): a malformed newest copy
//! is reported, and the newest valid one counts instead.

use std::collections::HashMap;

use rayon::slice::ParallelSliceMut;

/// A copy's position: the file's index in the input and the line number,
/// packed into one number that orders like (file, line).
pub fn position(file: usize, line: u64) -> Option<u64> {
    const LINE_BITS: u32 = 40;
    let file = u64::try_from(file).ok().filter(|f| *f < 1 << (64 - LINE_BITS))?;
    (line < 1 << LINE_BITS).then_some(file << LINE_BITS | line)
}

/// The number of an OpenAlex work id, full (`https://openalex.org/W123`)
/// or short (`W123`); `None` for any other form (including leading zeros,
/// which would make two strings one number).
pub fn id_number(id: &str) -> Option<u64> {
    let digits = id.strip_prefix("https://openalex.org/").unwrap_or(id).strip_prefix('W')?;
    if digits.is_empty() || digits.starts_with('0') && digits.len() > 1 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A number ordered like the instants the dates name (see the module
/// docs); 0 for a missing date or one in another form.
pub fn date_key(date: &str) -> u64 {
    fn num(s: &[u8]) -> Option<u64> {
        s.iter().try_fold(0u64, |n, &b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
    }
    let key = || -> Option<u64> {
        let s = date.as_bytes();
        let s = s.strip_suffix(b"Z").unwrap_or(s);
        let (day, time) = match s.len() {
            10 => (s, &b""[..]),
            n if n >= 19 && matches!(s[10], b'T' | b' ') => (&s[..10], &s[11..]),
            _ => return None,
        };
        if day[4] != b'-' || day[7] != b'-' {
            return None;
        }
        let (y, m, d) = (num(&day[..4])?, num(&day[5..7])?, num(&day[8..10])?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        let (mut h, mut mi, mut sec, mut micros) = (0, 0, 0, 0);
        if !time.is_empty() {
            if time[2] != b':' || time[5] != b':' {
                return None;
            }
            (h, mi, sec) = (num(&time[..2])?, num(&time[3..5])?, num(&time[6..8])?);
            if h > 23 || mi > 59 || sec > 60 {
                return None;
            }
            match &time[8..] {
                [] => {}
                [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
                    let mut six = [b'0'; 6];
                    let n = frac.len().min(6);
                    six[..n].copy_from_slice(&frac[..n]);
                    micros = num(&six)?;
                }
                _ => return None,
            }
        }
        // mixed radix, so the order is that of (y, m, d, h, mi, sec, µs);
        // the largest key (year 9999) is ~3.7e17, well inside u64
        Some(((((((y * 13 + m) * 32 + d) * 24 + h) * 60 + mi) * 61 + sec) * 1_000_000) + micros)
    };
    key().unwrap_or(0)
}

/// The copies one file holds (first pass).
#[derive(Default)]
pub struct Copies {
    /// (id number, date key, position).
    numbered: Vec<(u64, u64, u64)>,
    /// Ids of other forms → (date key, position) of the copy that wins
    /// so far, and whether there was more than one.
    other: HashMap<String, (u64, u64, bool)>,
}

impl Copies {
    /// Records a copy of work `id` (an empty id names no work: ignored).
    pub fn add(&mut self, id: &str, date: &str, position: u64) {
        if id.is_empty() {
            return;
        }
        let date = date_key(date);
        match id_number(id) {
            Some(n) => self.numbered.push((n, date, position)),
            None => match self.other.get_mut(id) {
                Some(w) => *w = better(*w, (date, position, true)),
                None => {
                    self.other.insert(id.to_string(), (date, position, false));
                }
            },
        }
    }
}

/// The winner of two copies, marked as having had a rival.
fn better(a: (u64, u64, bool), b: (u64, u64, bool)) -> (u64, u64, bool) {
    let newer = if b.0 > a.0 || b.0 == a.0 && b.1 < a.1 { b } else { a };
    (newer.0, newer.1, true)
}

/// Of every work id seen more than once, the position of the copy that
/// counts.
#[derive(Debug, Default)]
pub struct Winners {
    numbered: HashMap<u64, u64>,
    other: HashMap<String, u64>,
}

impl Winners {
    /// Collects the files' copies (consumed, so each file's records are
    /// freed as they are moved).
    pub fn of(files: Vec<Copies>) -> Winners {
        let total = files.iter().map(|c| c.numbered.len()).sum();
        let mut all: Vec<(u64, u64, u64)> = Vec::with_capacity(total);
        let mut other: HashMap<String, (u64, u64, bool)> = HashMap::new();
        for c in files {
            all.extend(c.numbered);
            for (id, w) in c.other {
                match other.get_mut(&id) {
                    Some(o) => *o = better(*o, w),
                    None => {
                        other.insert(id, w);
                    }
                }
            }
        }
        // by id, then newest date first, then first position
        all.par_sort_unstable_by_key(|&(id, date, pos)| (id, !date, pos));
        let numbered =
            all.chunk_by(|a, b| a.0 == b.0).filter(|copies| copies.len() > 1).map(|c| (c[0].0, c[0].2)).collect();
        Winners {
            numbered,
            other: other.into_iter().filter(|(_, (_, _, rival))| *rival).map(|(id, (_, pos, _))| (id, pos)).collect(),
        }
    }

    /// The copy of work `id` at `position` counts.
    pub fn keeps(&self, id: &str, position: u64) -> bool {
        let winner = match id_number(id) {
            Some(n) => self.numbered.get(&n),
            None => self.other.get(id),
        };
        winner.is_none_or(|w| *w == position)
    }

    /// No work has more than one copy.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Works with more than one copy.
    pub fn len(&self) -> usize {
        self.numbered.len() + self.other.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_order_like_instants() {
        let ordered = [
            "",
            "2024-01-01",
            "2024-01-01T00:00:00.000001",
            "2024-01-01T09:59:59.999999",
            "2024-01-01T10:00:00",
            "2024-01-01 10:00:00.5",
            "2024-01-01T10:00:00.500001Z",
            "2024-01-02T00:00:00",
            "2024-02-01",
            "2025-01-01",
            "9999-12-31T23:59:60.999999",
        ];
        for pair in ordered.windows(2) {
            assert!(date_key(pair[0]) < date_key(pair[1]), "{pair:?}");
        }
        // the same instant written differently
        assert_eq!(date_key("2024-01-01"), date_key("2024-01-01T00:00:00.000"));
        assert_eq!(date_key("2024-01-01T10:00:00.5"), date_key("2024-01-01T10:00:00.500000999"));
        assert_eq!(date_key("2024-01-01T10:00:00.999999"), date_key("2024-01-01T10:00:00.99999999999999999999999999"));
        assert_eq!(date_key("2024-01-01T10:00:00Z"), date_key("2024-01-01 10:00:00"));
        // other forms count as no date
        for bad in [
            "yesterday",
            "2024-1-01",
            "2024-13-01",
            "2024-01-00",
            "2024/01/01",
            "2024-01-01T25:00:00",
            "2024-01-01T10:00",
            "2024-01-01T10:00:00.",
            "2024-01-01T10:00:00+02:00",
            "2024-01-01T10:00:00.99999999999999999999999x",
            "2024-01-01x",
            "２０２４-01-01",
        ] {
            assert_eq!(date_key(bad), 0, "{bad}");
        }
    }

    #[test]
    fn any_text_is_a_date_key_or_zero() {
        // date-like noise: no panic, and a key only for the forms described
        let chars: Vec<char> = "0123456789-T:. Z9x".chars().collect();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 32) as usize;
            let text: String = (0..len).map(|k| chars[((state >> (k % 8 * 8)) as usize + k) % chars.len()]).collect();
            let key = date_key(&text);
            let shaped = text.len() >= 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
            assert!(key == 0 || shaped, "{text:?} -> {key}");
        }
        // full timestamps in range: keys order exactly as the strings do
        let mut draw = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let stamps: Vec<String> = (0..2_000)
            .map(|_| {
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}",
                    2020 + draw(3),
                    1 + draw(12),
                    1 + draw(28),
                    draw(24),
                    draw(60),
                    draw(60),
                    draw(1_000_000)
                )
            })
            .collect();
        for pair in stamps.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert_eq!(a.cmp(b), date_key(a).cmp(&date_key(b)), "{a} {b}");
        }
    }

    #[test]
    fn ids_as_numbers() {
        assert_eq!(id_number("https://openalex.org/W2741809807"), Some(2741809807));
        assert_eq!(id_number("W2741809807"), Some(2741809807));
        assert_eq!(id_number("W0"), Some(0));
        for other in ["", "W", "W01", "w1", "A123", "https://openalex.org/A1", "W1x", "W99999999999999999999", "doi:1"]
        {
            assert_eq!(id_number(other), None, "{other}");
        }
    }

    #[test]
    fn positions_order_like_file_then_line() {
        let p = |f, l| position(f, l).expect("fits");
        assert!(p(0, 5) < p(0, 6) && p(0, u64::MAX >> 24) < p(1, 1));
        assert_eq!(position(0, 1 << 40), None);
        assert_eq!(position(1 << 24, 1), None);
    }

    #[test]
    fn newest_then_first_copy_wins() {
        let p = |f, l| position(f, l).expect("fits");
        let files = || {
            let (mut a, mut b) = (Copies::default(), Copies::default());
            a.add("https://openalex.org/W1", "2024-01-01", p(0, 1));
            a.add("W2", "2024-01-01", p(0, 2));
            a.add("W3", "", p(0, 3));
            a.add("doi:x", "2024-01-01", p(0, 4));
            a.add("W9", "2024-01-01", p(0, 5));
            b.add("W1", "2024-01-01", p(1, 1));
            b.add("W2", "2024-01-01T00:00:01", p(1, 2));
            b.add("W3", "not a date", p(1, 3));
            b.add("doi:x", "2024-01-02", p(1, 4));
            b.add("doi:x", "2024-01-02", p(1, 5));
            (a, b)
        };
        // the files handed over in either order: positions decide
        for swap in [false, true] {
            let (a, b) = files();
            let files = if swap { vec![b, a] } else { vec![a, b] };
            let w = Winners::of(files);
            assert_eq!(w.len(), 4);
            assert!(w.keeps("W1", p(0, 1)) && !w.keeps("W1", p(1, 1)));
            assert!(!w.keeps("W2", p(0, 2)) && w.keeps("https://openalex.org/W2", p(1, 2)));
            assert!(w.keeps("W3", p(0, 3)) && !w.keeps("W3", p(1, 3)));
            assert!(!w.keeps("doi:x", p(0, 4)) && w.keeps("doi:x", p(1, 4)) && !w.keeps("doi:x", p(1, 5)));
            assert!(w.keeps("W9", p(0, 5)), "one copy");
            assert!(w.keeps("W10", p(7, 7)), "never seen");
        }
    }
}
