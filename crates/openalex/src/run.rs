//! A run: the files read in parallel, each line judged (parsed, filtered)
//! and counted, the partial sums merged; with `dedup`, a first pass that
//! finds the copy of each work that counts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::abstracts::RawAbstract;
use crate::count::{add, add_institutions};
use crate::filter::{Filter, Reads};
use crate::lines::{Limits, Progress, stream};
use crate::record::Work;
use crate::{OpenAlexError, SinkFactory, Totals, dedup, merged, scan};

/// How much of each line is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// Every line is parsed and validated in full: any malformed line is
    /// counted and reported.
    #[default]
    Full,
    /// The fields used are parsed and validated fully; the others are
    /// checked for structure only (see [`scan`]), simdjson On-Demand's
    /// contract: ~10% faster on full work records, but a line malformed only
    /// inside a field not used (an abstract, the references…) counts.
    OnDemand,
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub filter: Filter,
    pub validation: Validation,
    /// A malformed line stops the run (default: counted and skipped).
    pub strict: bool,
    /// Only one record of a work id counts: the newest, then the first in
    /// input order (a first pass collects ids; see [`dedup`]).
    pub dedup: bool,
    /// Works merged away ([`merged`]): not counted.
    pub merged: Option<Arc<merged::Merged>>,
    /// Also sum per institution ([`Totals::by_institution_year`]).
    pub institutions: bool,
    /// With AI rules: also sum every work, AI or not, in the same pass
    /// ([`Totals::all_works`]).
    pub all_works: bool,
    /// What one line may hold; a line beyond either limit is malformed.
    pub limits: Limits,
}

impl Options {
    /// Every work the filters keep is summed too, AI or not.
    fn sums_all_works(&self) -> bool {
        self.all_works && !self.filter.ai.is_empty()
    }
}

/// The copy of each work that counts (for `dedup`): a first pass over the
/// input that judges every line as the counting pass will ([`judge`]), so
/// the copies compared are exactly the ones it finds valid.
fn winners(
    files: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<dedup::Winners, OpenAlexError> {
    let reads = opts.filter.reads();
    let copies: Vec<dedup::Copies> = files
        .par_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut copies = dedup::Copies::default();
            stream(p, opts.limits.max_line_bytes, progress, |line, s| {
                let judged = s.and_then(|s| judge(s, opts, reads));
                if let (Err(e), true) = (&judged, opts.strict) {
                    return Err(OpenAlexError::Line { path: p.display().to_string(), line, message: e.clone() });
                }
                if let Ok(Judged { work, .. }) = judged {
                    // (merged-away works are left out anyway)
                    if let Some(id) = work.id.filter(|id| !opts.merged.as_ref().is_some_and(|m| m.contains(id))) {
                        copies.add(&id, work.updated_date.as_deref().unwrap_or_default(), position(p, index, line)?);
                    }
                }
                Ok(())
            })?;
            Ok(copies)
        })
        .collect::<Result<_, OpenAlexError>>()?;
    Ok(dedup::Winners::of(copies))
}

/// A line as the counting pass sees it.
struct Judged<'a> {
    work: Work<'a>,
    /// The year it counts in; `None` when the filters leave it out.
    year: Option<i32>,
    /// It meets the AI rules (or there are none).
    ai: bool,
}

/// Parses and judges one line; `Err` (the message) when it is malformed.
/// What is read of a work depends on the options (on demand, the
/// authorships only of a work that is counted), so both passes of `dedup`
/// judge lines here.
fn judge<'a>(s: &'a [u8], opts: &Options, reads: Reads) -> Result<Judged<'a>, String> {
    // the parsers recurse per level: bound the depth before any of them runs
    let max_depth = opts.limits.max_depth.min(Limits::MAX_DEPTH);
    if scan::nests_deeper_than(s, max_depth) {
        return Err(format!("arrays or objects nest deeper than {max_depth} levels (--max-depth)"));
    }
    let mut work = match opts.validation {
        Validation::OnDemand => Work::on_demand(s, reads)?,
        Validation::Full => {
            let mut w = sonic_rs::from_slice::<Work<'_>>(s).map_err(|e| e.to_string())?;
            if reads.abstracts && w.abstract_present.is_some() {
                w.abstract_raw = Some(RawAbstract::InLine(s));
            }
            w
        }
    };
    let year = opts.filter.keeps(&work);
    // an unreadable abstract or authorships make the line malformed
    let ai = year.is_some() && opts.filter.is_ai(&work, reads)?;
    if ai || year.is_some() && opts.sums_all_works() {
        work.read_authorships()?;
    }
    Ok(Judged { work, year, ai })
}

/// [`dedup::position`], or an error naming the file when it does not fit.
fn position(path: &Path, index: usize, line: u64) -> Result<u64, OpenAlexError> {
    dedup::position(index, line).ok_or_else(|| OpenAlexError::file(path, format!(
            "line {line}: too many files or lines to tell copies of a work apart (--dedup takes up to 2^24 files of \
             up to 2^40 lines each)"
        )))
}

/// Counts a malformed line and keeps its message (or, with `strict`, stops).
fn malformed(t: &mut Totals, strict: bool, path: &str, line: u64, e: String) -> Result<(), OpenAlexError> {
    if strict {
        return Err(OpenAlexError::Line { path: path.to_string(), line, message: e });
    }
    t.malformed += 1;
    if t.malformed_examples.len() < 20 {
        t.malformed_examples.push(format!("{path}, line {line}: {e}"));
    }
    Ok(())
}

/// Processes files (in parallel, one partial per file) and merges.
/// `progress` receives increments of input bytes and lines as they are read
/// (with `dedup`, every file is read twice).
pub fn run(files: &[PathBuf], opts: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Result<Totals, OpenAlexError> {
    run_with_flat(files, opts, progress, None)
}

/// [`run`], also sending every kept work's per-country rows to a sink made
/// per input file by `flat`.
pub fn run_with_flat(
    files: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
    flat: Option<&SinkFactory<'_>>,
) -> Result<Totals, OpenAlexError> {
    let winners = if opts.dedup { Some(winners(files, opts, progress)?) } else { None };
    let reads = opts.filter.reads();
    let partials: Vec<Totals> = files
        .par_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut sink = flat.map(|f| f(index, p)).transpose()?;
            let mut t = Totals::default();
            let mut key = (String::new(), 0);
            let mut all = opts.sums_all_works().then(Totals::default);
            let path = p.display().to_string();
            let bytes = stream(p, opts.limits.max_line_bytes, progress, |line, s| {
                t.lines += 1;
                let Judged { work: w, year, ai } = match s.and_then(|s| judge(s, opts, reads)) {
                    Ok(j) => j,
                    Err(e) => return malformed(&mut t, opts.strict, &path, line, e),
                };
                if let (Some(merged), Some(id)) = (&opts.merged, &w.id) {
                    if merged.contains(id) {
                        t.merged_skipped += 1;
                        return Ok(());
                    }
                }
                if let (Some(winners), Some(id)) = (&winners, &w.id) {
                    if !winners.keeps(id, position(p, index, line)?) {
                        t.duplicates_skipped += 1;
                        return Ok(());
                    }
                }
                let Some(year) = year else { return Ok(()) };
                if let Some(all) = all.as_mut() {
                    add(all, &w, year, None, &mut key)?;
                }
                if ai {
                    add(&mut t, &w, year, sink.as_mut(), &mut key)?;
                    if opts.institutions {
                        add_institutions(&mut t, &w, year, &mut key);
                    }
                }
                Ok(())
            })?;
            t.bytes = bytes;
            t.all_works = all.map(Box::new);
            if let Some(sink) = sink {
                sink.finish()?;
            }
            Ok(t)
        })
        .collect::<Result<_, OpenAlexError>>()?;
    let mut total = Totals::default();
    for p in partials {
        total.merge(p);
    }
    Ok(total)
}

/// Decompresses and splits the files into lines without parsing them (in
/// parallel, like [`run`]): the baseline a run is measured against.
/// Returns the bytes of JSON.
pub fn decompress_only(files: &[PathBuf]) -> Result<u64, OpenAlexError> {
    let sizes: Vec<u64> =
        files.par_iter().map(|p| stream(p, Limits::LINE_BYTES, &|_| {}, |_, _| Ok(()))).collect::<Result<_, _>>()?;
    Ok(sizes.iter().sum())
}

/// Reads a whole byte stream (for tests and small inputs).
pub fn run_bytes(name: &str, data: &[u8], opts: &Options) -> Result<Totals, OpenAlexError> {
    let dir = std::env::temp_dir().join(format!("digindex-openalex-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| OpenAlexError::file(&dir, e))?;
    let p = dir.join(name);
    std::fs::write(&p, data).map_err(|e| OpenAlexError::file(&p, e))?;
    let r = run(&[p], opts, &|_| {});
    let _ = std::fs::remove_dir_all(&dir);
    r
}
