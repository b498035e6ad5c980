//! Reading a file as lines: decompressed when gzipped, handed out in
//! place from one buffer, each line bounded by the run's [`Limits`], with
//! progress reported as bytes and lines are read.

use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::OpenAlexError;

/// Bounds on one line, so that no input can take unbounded memory or
/// stack: a line longer than `max_line_bytes`, or nested deeper than
/// `max_depth`, is a malformed line (counted and reported, or with
/// `strict` an error), and reading goes on at the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, in bytes (default [`Limits::LINE_BYTES`]). Memory per
    /// reading thread is about this much.
    pub max_line_bytes: usize,
    /// Deepest nesting of arrays and objects (default [`Limits::DEPTH`]).
    pub max_depth: usize,
}

impl Limits {
    /// 64 MiB: OpenAlex's longest work records (thousands of authors with
    /// their institutions) are a few MB.
    pub const LINE_BYTES: usize = 64 << 20;
    /// 32 levels: an OpenAlex work nests 5 deep (work, authorships, an
    /// authorship, institutions, lineage).
    pub const DEPTH: usize = 32;
    /// The deepest setting allowed: the parser recurses once per level, and
    /// 48 levels fit a worker thread's stack even in a debug build.
    pub const MAX_DEPTH: usize = 48;
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_line_bytes: Limits::LINE_BYTES, max_depth: Limits::DEPTH }
    }
}

/// Progress of a run, reported in increments as files are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes of input files (compressed, as on disk) consumed.
    pub input_bytes: u64,
    /// Lines (works) read.
    pub lines: u64,
}

/// A reader that counts the bytes taken from the file beneath it.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The file's JSON bytes (decompressed when `.gz`), read in large pieces
/// straight into the caller's buffer.
fn open(path: &Path, read: Arc<AtomicU64>) -> Result<Box<dyn Read + Send>, OpenAlexError> {
    let f = std::fs::File::open(path).map_err(|e| OpenAlexError::file(path, format!("cannot open: {e}")))?;
    Ok(decoded(path, Counting { inner: f, read }))
}

/// `r`, decompressed when `path` ends in `.gz` (every gzip member, as one
/// stream).
pub(crate) fn decoded(path: &Path, r: impl Read + Send + 'static) -> Box<dyn Read + Send> {
    if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, r)))
    } else {
        Box::new(r)
    }
}

fn io_error(path: &Path, e: std::io::Error) -> OpenAlexError {
    let message = if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "the gzip stream ends early (a truncated or partly downloaded file?); download it again".to_string()
    } else {
        format!("read error: {e}")
    };
    OpenAlexError::file(path, message)
}

/// Streams one file line by line through `each(line_no, line)`, reporting
/// progress every few thousand lines and at the end. A line is its bytes
/// (trimmed), or, when longer than `max_line` bytes, the malformed-line
/// message: such a line is not kept in memory but skipped to its end.
pub(crate) fn stream(
    path: &Path,
    max_line: usize,
    progress: &(dyn Fn(Progress) + Sync),
    mut each: impl FnMut(u64, Result<&[u8], String>) -> Result<(), OpenAlexError>,
) -> Result<u64, OpenAlexError> {
    let read = Arc::new(AtomicU64::new(0));
    let mut r = open(path, Arc::clone(&read))?;
    // lines are handed out in place from `buf[start..filled]`; a partial
    // last line moves to the front before the next read
    // room for the longest line allowed and its line ending
    let cap = max_line.saturating_add(2);
    let mut buf = vec![0u8; (1 << 20).min(cap.max(1 << 12))];
    let (mut start, mut filled) = (0usize, 0usize);
    // bytes of a line over the cap skipped so far (None: not skipping)
    let mut skipping: Option<u64> = None;
    let mut line = 0u64;
    let mut bytes = 0u64;
    let mut reported = Progress::default();
    let report = |line: u64, reported: &mut Progress| {
        let now = Progress { input_bytes: read.load(Ordering::Relaxed), lines: line };
        progress(Progress { input_bytes: now.input_bytes - reported.input_bytes, lines: now.lines - reported.lines });
        *reported = now;
    };
    let mut at_end = false;
    while !at_end {
        if start > 0 {
            buf.copy_within(start..filled, 0);
            filled -= start;
            start = 0;
        }
        if filled == buf.len() {
            if buf.len() < cap {
                // a line longer than the buffer
                buf.resize(buf.len().saturating_mul(2).min(cap), 0);
            } else {
                // a line longer than the cap: drop what is read of it
                skipping = Some(skipping.unwrap_or(0) + filled as u64);
                filled = 0;
            }
        }
        let n = loop {
            match r.read(&mut buf[filled..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(path, e)),
            }
        };
        filled += n;
        at_end = n == 0;
        loop {
            let rest = &buf[start..filled];
            let end = match memchr::memchr(b'\n', rest) {
                Some(i) => i + 1,
                // the last line may lack its newline
                None if at_end && (!rest.is_empty() || skipping.is_some()) => rest.len(),
                None => break,
            };
            let raw = &rest[..end];
            start += end;
            line += 1;
            if line % 2048 == 0 {
                report(line, &mut reported);
            }
            let skipped = skipping.take();
            let length = skipped.unwrap_or(0) + end as u64;
            bytes += length;
            // the line's own bytes, without its ending; a line of which
            // bytes were dropped is over the cap (they are dropped only
            // once `cap` bytes hold no newline)
            let ending = if raw.ends_with(b"\r\n") { 2 } else { u64::from(raw.ends_with(b"\n")) };
            let content = length - ending.min(length);
            let s = raw.trim_ascii();
            if skipped.is_some() || content > max_line as u64 {
                let too_long =
                    format!("the line is {content} bytes long, more than the limit of {max_line} (--max-line-bytes)");
                each(line, Err(too_long))?;
            } else if !s.is_empty() {
                each(line, Ok(s))?;
            }
        }
    }
    report(line, &mut reported);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use crate::{Options, Validation, run_bytes};

    use super::*;

    #[test]
    fn lines_longer_than_the_buffer_and_no_final_newline() {
        let work = |i: usize, title: &str| {
            format!(
                r#"{{"id":"W{i}","title":"{title}","publication_year":2020,"authorships":[{{"countries":["IR"]}}]}}"#
            )
        };
        let mut text = String::new();
        for i in 0..3000 {
            // every 1000th line is 3 MB long; the rest push line ends across reads
            let title = if i % 1000 == 7 { "x".repeat(3 << 20) } else { "t".repeat(i % 700) };
            text.push_str(&work(i, &title));
            text.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
        }
        text.push_str("\n   \n");
        text.push_str(&work(3000, "last line without a newline"));
        for validation in [Validation::Full, Validation::OnDemand] {
            let t =
                run_bytes("long.jsonl", text.as_bytes(), &Options { validation, ..Default::default() }).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (3001, 3001, 0));
            assert_eq!(t.bytes, text.len() as u64);
            assert_eq!(t.by_country_year[&("IR".to_string(), 2020)].papers_whole, 3001.0);
        }
        // a malformed line is named by its number across buffer refills
        let bad = text.replacen(&work(2500, &"t".repeat(2500 % 700)), "{\"id\":", 1);
        let e = run_bytes("bad.jsonl", bad.as_bytes(), &Options { strict: true, ..Default::default() }).unwrap_err();
        assert!(e.to_string().contains("line 2501"), "{e}");
    }

    #[test]
    fn deep_and_overlong_lines_are_malformed_not_fatal() {
        let good = r#"{"id":"W1","publication_year":2020,"authorships":[{"countries":["IR"]}]}"#;
        let deep =
            |d: usize| format!(r#"{{"id":"W2","publication_year":2020,"x":{}{}}}"#, "[".repeat(d), "]".repeat(d));
        let long = format!(r#"{{"id":"W3","publication_year":2020,"title":"{}"}}"#, "x".repeat(100_000));
        // 30,000 levels overflowed the stack; a bare `[[[…` too; a long line
        // last, without its newline
        let text = format!("{good}\n{}\n{}\n{good}\n{}\n{good}\n{long}", deep(30_000), "[".repeat(30_000), deep(31));
        let limits = Limits { max_line_bytes: 65_536, max_depth: 32 };
        for validation in [Validation::Full, Validation::OnDemand] {
            let opts = Options { validation, limits, ..Default::default() };
            let t = run_bytes("deep.jsonl", text.as_bytes(), &opts).expect("runs");
            // the 32-deep line (object + 31 arrays) is within the limit
            assert_eq!((t.lines, t.works_kept, t.malformed), (7, 4, 3), "{validation:?}");
            assert!(
                t.malformed_examples[0].contains("line 2: arrays or objects nest deeper than 32"),
                "{:?}",
                t.malformed_examples
            );
            assert!(
                t.malformed_examples[1].contains("line 3: arrays or objects nest deeper"),
                "{:?}",
                t.malformed_examples
            );
            assert!(
                t.malformed_examples[2].contains("line 7: the line is 100046 bytes long, more than the limit of 65536"),
                "{:?}",
                t.malformed_examples
            );
            assert_eq!(t.bytes, text.len() as u64);
            let strict = Options { strict: true, ..opts };
            let e = run_bytes("deep.jsonl", text.as_bytes(), &strict).unwrap_err();
            assert!(e.to_string().contains("line 2"), "{e}");
        }
        // a line of 3 MB with a cap of 1 MB is skipped without being kept,
        // and the lines around it count; line numbers hold across refills
        let big = format!(r#"{{"id":"W4","title":"{}"}}"#, "y".repeat(3 << 20));
        let text = format!("{good}\n{big}\n{good}\n");
        let opts = Options { limits: Limits { max_line_bytes: 1 << 20, max_depth: 32 }, ..Default::default() };
        let t = run_bytes("big.jsonl", text.as_bytes(), &opts).expect("runs");
        assert_eq!((t.lines, t.works_kept, t.malformed), (3, 2, 1));
        assert!(t.malformed_examples[0].contains("line 2: the line is"), "{:?}", t.malformed_examples);
        // the cap is on the line's own bytes: a line of exactly the cap,
        // with either line ending or none, is read; one byte more is not
        let line = |n: usize| format!(r#"{{"id":"W5","publication_year":2020,"title":"{}"}}"#, "z".repeat(n - 46));
        assert_eq!(line(5000).len(), 5000);
        let small = |m: usize| Options { limits: Limits { max_line_bytes: m, max_depth: 32 }, ..Default::default() };
        for ending in ["\n", "\r\n", ""] {
            let text = format!("{}{ending}", line(5000));
            let t = run_bytes("cap.jsonl", text.as_bytes(), &small(5000)).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (1, 1, 0), "{ending:?}");
            let t = run_bytes("cap.jsonl", text.as_bytes(), &small(4999)).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (1, 0, 1), "{ending:?}");
        }
        // the depth setting cannot go beyond what the stack holds
        let deeper = Options { limits: Limits { max_line_bytes: 1 << 20, max_depth: 10_000 }, ..Default::default() };
        let t = run_bytes("deeper.jsonl", deep(1000).as_bytes(), &deeper).expect("runs");
        assert_eq!(t.malformed, 1);
    }
}
