//! The output directory of a build.
//!
//! ```text
//! OUT/
//!   scores.csv          unit,code,level,score,rank (indicators and aggregates)
//!   stages/raw.csv      unit + one column per code, for each stage:
//!   stages/denominated.csv, imputed.csv, screened.csv, treated.csv,
//!   stages/normalised.csv, aggregated.csv
//!   provenance.csv      unit,code,value,data_year,flag,detail: every value that enters the index
//!   manifest.json       version, resolved spec, input hashes, step log, warnings
//! ```
//!
//! Everything is written into a fresh temporary directory beside `OUT` and
//! put in place at the end, so `OUT` is either the previous complete
//! output or the new complete output, never a mixture. On Linux the two
//! directories trade places in one step (`renameat2` with
//! `RENAME_EXCHANGE`), so that no moment leaves nothing at `OUT`, even if
//! the process is killed; elsewhere (or on a file system without it) the
//! replacement is two renames, the old directory out and the new one in.
//! Builds writing to one `OUT` at once each succeed, the last one's output
//! staying. Files are not fsynced: the guarantee covers a failing or killed
//! build, not a power cut. An existing `OUT` is replaced only if it is empty
//! or a previous digindex output (it holds the [`MARKER`] file). Folders
//! left by killed runs are removed by the next run in the same place.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use digindex_data::{DataSet, Framework};
use digindex_input::number::format_number;
use digindex_pipeline::Build;

pub mod atomic;
pub mod audit;
pub mod progress;

pub use atomic::{FileGroup, MARKER, is_digindex_output, write_atomically, write_file_atomically};

/// Writes a data set as wide CSV: `unit`, then one column per code.
pub fn write_dataset<W: Write>(w: W, ds: &DataSet) -> io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    let mut header = Vec::with_capacity(ds.codes.len() + 1);
    header.push("unit");
    header.extend(ds.codes.iter().map(String::as_str));
    wtr.write_record(&header)?;
    let mut rec: Vec<String> = Vec::with_capacity(ds.codes.len() + 1);
    for (i, u) in ds.units.iter().enumerate() {
        rec.clear();
        rec.push(u.clone());
        rec.extend((0..ds.codes.len()).map(|j| format_number(ds.values.get(i, j))));
        wtr.write_record(&rec)?;
    }
    wtr.flush()
}

/// Writes the long scores table.
pub fn write_scores<W: Write>(w: W, build: &Build, fw: &Framework) -> io::Result<()> {
    write_scores_of(w, &[(None, build)], fw)
}

/// The long scores table of one or several builds; with years, a `year`
/// column follows `unit`.
fn write_scores_of<W: Write>(w: W, builds: &[(Option<i32>, &Build)], fw: &Framework) -> io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    let with_year = builds.iter().any(|(y, _)| y.is_some());
    let mut header = vec!["unit", "code", "level", "score", "rank"];
    if with_year {
        header.insert(1, "year");
    }
    wtr.write_record(&header)?;
    for (y, b) in builds {
        for r in b.scores(fw) {
            let mut rec = vec![
                r.unit,
                r.code,
                r.level.to_string(),
                format_number(r.score),
                r.rank.map(|k| k.to_string()).unwrap_or_default(),
            ];
            if let Some(y) = y {
                rec.insert(1, y.to_string());
            }
            wtr.write_record(&rec)?;
        }
    }
    wtr.flush()
}

/// Writes `provenance.csv`: `unit,code,value,data_year,flag,detail`, one
/// row per indicator cell that enters the index.
pub fn write_provenance<W: Write>(w: W, rows: &[digindex_data::provenance::Provenance]) -> io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record(["unit", "code", "value", "data_year", "flag", "detail"])?;
    for r in rows {
        wtr.write_record([
            r.unit.as_str(),
            r.code.as_str(),
            &format_number(r.value),
            &r.data_year.map(|y| y.to_string()).unwrap_or_default(),
            r.flag.name(),
            r.detail.as_str(),
        ])?;
    }
    wtr.flush()
}

pub fn write_file(
    dir: &Path,
    name: &str,
    f: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut w = BufWriter::new(fs::File::create(dir.join(name))?);
    f(&mut w)?;
    w.flush()
}

/// Writes the build output and whatever `extra` adds (e.g. `audit/`), as
/// one atomic directory.
pub fn write_output_and(
    out: &Path,
    build: &Build,
    fw: &Framework,
    manifest: &crate::Manifest,
    extra: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    write_atomically(out, |dir| {
        write_build_into(dir, build, fw)?;
        write_json(dir, "manifest.json", &manifest.to_json()?)?;
        extra(dir)
    })
}

/// `stages/*.csv` and `scores.csv` of one build, into a directory.
fn write_build_into(dir: &Path, build: &Build, fw: &Framework) -> io::Result<()> {
    fs::create_dir(dir.join("stages"))?;
    for (s, ds) in build.named_stages() {
        write_file(dir, &format!("stages/{}.csv", s.name()), |w| write_dataset(w, ds))?;
    }
    write_file(dir, "scores.csv", |w| write_scores(w, build, fw))
}

/// Writes a several-year build: `OUT/<year>/` holds each year's stages and
/// scores, `OUT/scores.csv` all years (`unit,year,code,level,score,rank`,
/// ranks within each year), `OUT/manifest.json` the manifest.
/// `extra` adds whatever else belongs in the directory (e.g. `<year>/audit/`).
pub fn write_years(
    out: &Path,
    years: &[(i32, Build)],
    fw: &Framework,
    manifest: &crate::Manifest,
    extra: impl FnOnce(&Path) -> io::Result<()>,
) -> io::Result<()> {
    write_atomically(out, |dir| {
        for (y, b) in years {
            let sub = dir.join(y.to_string());
            fs::create_dir(&sub)?;
            write_build_into(&sub, b, fw)?;
        }
        let all: Vec<(Option<i32>, &Build)> = years.iter().map(|(y, b)| (Some(*y), b)).collect();
        write_file(dir, "scores.csv", |w| write_scores_of(w, &all, fw))?;
        write_json(dir, "manifest.json", &manifest.to_json()?)?;
        extra(dir)
    })
}

/// Writes a JSON file, pretty-printed.
pub fn write_json(dir: &Path, name: &str, value: &serde_json::Value) -> io::Result<()> {
    write_file(dir, name, |w| {
        serde_json::to_writer_pretty(&mut *w, value)?;
        w.write_all(b"\n")
    })
}
