//! The flat Parquet table (feature `parquet`) read back and summed by
//! country and year gives the same whole and fractional papers and
//! citations as the in-memory aggregation.
#![cfg(feature = "parquet")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use digindex_openalex::parquet::ParquetSink;
use digindex_openalex::{FlatSink, Options, run_with_flat};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

#[test]
fn flat_rows_add_up_to_the_aggregates() {
    let files = vec![
        data("works_full_api.jsonl"),
        data("works_ai_selected_fields.jsonl"),
        data("works_openalexR_fixture.jsonl"),
        data("works_legacy_format.jsonl"),
    ];
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("flat");
    let make = |i: usize, _: &Path| -> Result<Box<dyn FlatSink>, digindex_openalex::OpenAlexError> {
        Ok(Box::new(ParquetSink::create(&out, i)?))
    };
    let t = run_with_flat(&files, &Options::default(), &|_| {}, Some(&make)).expect("runs");
    // (country, year) -> (rows, sum of shares, citations)
    let mut got: BTreeMap<(String, i32), (f64, f64, u64)> = BTreeMap::new();
    let mut parts = 0;
    for e in std::fs::read_dir(&out).expect("dir") {
        let p = e.expect("entry").path();
        assert_eq!(p.extension().and_then(|x| x.to_str()), Some("parquet"), "{}", p.display());
        parts += 1;
        let r = SerializedFileReader::new(std::fs::File::open(&p).expect("open")).expect("parquet");
        for row in r.get_row_iter(None).expect("rows") {
            let row = row.expect("row");
            let (mut c, mut y, mut share, mut cites) = (String::new(), 0, 0.0, 0);
            for (name, f) in row.get_column_iter() {
                match (name.as_str(), f) {
                    ("country", Field::Str(s)) => c = s.clone(),
                    ("year", Field::Int(v)) => y = *v,
                    ("share", Field::Double(v)) => share = *v,
                    ("citations", Field::Long(v)) => cites = *v as u64,
                    _ => {}
                }
            }
            let e = got.entry((c, y)).or_default();
            e.0 += 1.0;
            e.1 += share;
            e.2 += cites;
        }
    }
    assert_eq!(parts, files.len());
    assert_eq!(got.len(), t.by_country_year.len());
    for ((c, y), (whole, frac, cites)) in &got {
        let want = &t.by_country_year[&(c.clone(), *y)];
        assert_eq!(*whole, want.papers_whole, "{c} {y}");
        assert!((frac - want.papers_fractional).abs() < 1e-9, "{c} {y}");
        assert_eq!(*cites, want.citations, "{c} {y}");
    }
}

#[test]
fn a_failed_run_leaves_no_temporary_files() {
    let dir = tempfile::tempdir().expect("tmp");
    // a good file and a truncated gzip file
    let good = std::fs::read(data("works_openalexR_fixture.jsonl")).expect("file");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, &good).expect("gzip");
    let gz = enc.finish().expect("gzip");
    let bad = dir.path().join("part_001.gz");
    std::fs::write(&bad, &gz[..gz.len() / 2]).expect("write");
    let files = vec![data("works_openalexR_fixture.jsonl"), bad];
    let out = dir.path().join("flat");
    let make = |i: usize, _: &Path| -> Result<Box<dyn FlatSink>, digindex_openalex::OpenAlexError> {
        Ok(Box::new(ParquetSink::create(&out, i)?))
    };
    let e = run_with_flat(&files, &Options::default(), &|_| {}, Some(&make)).unwrap_err();
    assert!(e.to_string().contains("ends early"), "{e}");
    let left: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
