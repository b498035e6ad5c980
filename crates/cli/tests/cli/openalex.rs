//! `digindex openalex` as a user runs it: the long table it writes is read
//! back through a catalogue (`format = "long"`, `select`) like any shipped
//! indicator, and bad input fails with the file named and nothing written.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{digindex, run};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../openalex/tests/data")
}

#[test]
fn output_feeds_a_catalogue() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("openalex.csv");
    let inst = dir.path().join("institutions.csv");
    let o = digindex(&[
        "openalex",
        samples().to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--institutions",
        inst.to_str().expect("utf8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let inst = fs::read_to_string(&inst).expect("institutions");
    assert!(inst.starts_with("institution,name,country,year,papers_whole,papers_fractional,citations\n"));
    assert!(inst.lines().skip(1).all(|l| l.starts_with('I')), "{inst}");
    assert!(inst.lines().count() > 20);
    let csv = fs::read_to_string(&out).expect("csv");
    assert!(csv.starts_with("unit,indicator,year,value\n"));
    // one row per (country, indicator, year); codes are ISO3
    let usa_2021_whole =
        csv.lines().find(|l| l.starts_with("USA,openalex_papers_whole,")).expect("a USA row").to_string();
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("openalex.csv.json")).expect("summary"))
            .expect("json");
    assert_eq!(summary["malformed_lines"], 0);
    assert!(summary["works_kept"].as_u64().expect("n") > 0);
    let cov = summary["affiliation_coverage"].as_f64().expect("coverage");
    assert!(cov > 0.0 && cov <= 1.0);
    assert_eq!(summary["validation"], "full");
    // --on-demand writes the same indicators
    let fast = dir.path().join("fast.csv");
    let o = digindex(&[
        "openalex",
        samples().to_str().expect("utf8"),
        "--out",
        fast.to_str().expect("utf8"),
        "--on-demand",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read_to_string(&fast).expect("csv"), csv);
    // AI and all works from one pass: the all-works rows are the plain run's
    let both = dir.path().join("both.csv");
    let o = digindex(&[
        "openalex",
        samples().to_str().expect("utf8"),
        "--out",
        both.to_str().expect("utf8"),
        "--ai",
        "concept:C154945302:0.3",
        "--prefix",
        "oa_ai",
        "--all-prefix",
        "oa",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let both = fs::read_to_string(&both).expect("csv");
    let mut all_rows: Vec<String> = both
        .lines()
        .filter(|l| l.contains(",oa_") && !l.contains(",oa_ai_"))
        .map(|l| l.replacen(",oa_", ",openalex_", 1))
        .collect();
    let mut plain: Vec<String> = csv.lines().skip(1).map(String::from).collect();
    all_rows.sort();
    plain.sort();
    assert_eq!(all_rows, plain);
    assert!(both.lines().any(|l| l.contains(",oa_ai_papers_whole,")));
    let shares: Vec<f64> = both
        .lines()
        .filter(|l| l.contains(",oa_ai_share_of_papers,"))
        .filter_map(|l| l.rsplit(',').next()?.parse().ok())
        .collect();
    assert!(!shares.is_empty() && shares.iter().all(|s| (0.0..=1.0).contains(s)));
    // --merged-ids leaves out a work merged away (read from the real sample)
    let first = fs::read_to_string(samples().join("works_openalexR_fixture.jsonl")).expect("file");
    let first: serde_json::Value = serde_json::from_str(first.lines().next().expect("line")).expect("json");
    let id = first["id"].as_str().expect("id").rsplit('/').next().expect("short id").to_string();
    let table = dir.path().join("merged.csv");
    fs::write(&table, format!("merge_date,id,merge_into_id\n2025-01-01,{id},W1\n")).expect("write");
    let kept = |extra: &[&str]| {
        let (out, samples) = (dir.path().join("m.csv"), samples());
        let mut args =
            vec!["openalex", samples.to_str().expect("utf8"), "--out", out.to_str().expect("utf8"), "--dedup"];
        args.extend(extra);
        args.push("-q");
        let o = digindex(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.path().join("m.csv.json")).expect("summary")).expect("json");
        (s["works_kept"].as_u64().expect("n"), s["merged_skipped"].as_u64().expect("n"))
    };
    let (plain, none) = kept(&[]);
    let (merged, skipped) = kept(&["--merged-ids", table.to_str().expect("utf8")]);
    assert_eq!((none, plain - merged), (0, 1));
    assert!(skipped >= 1);
    let o = digindex(&["openalex", samples().to_str().expect("utf8"), "--out", "x.csv", "--merged-ids", "nowhere.csv"]);
    assert!(!o.status.success() && String::from_utf8_lossy(&o.stderr).contains("nowhere.csv"));
    let o = digindex(&["openalex", samples().to_str().expect("utf8"), "--out", "x.csv", "--all-prefix", "oa", "-q"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--all-prefix needs --ai"));

    fs::write(
        dir.path().join("catalog.toml"),
        r#"
[[dataset]]
id = "openalex"
title = "OpenAlex works (sample)"
folder = "."
licence = "CC0"
source = "digindex openalex"

[[indicator]]
code = "papers"
name = "Papers (whole counting)"
unit = "works"
dataset = "openalex"
file = "openalex.csv"
format = "long"
select = "openalex_papers_whole"
"#,
    )
    .expect("catalogue");
    let year = usa_2021_whole.split(',').nth(2).expect("year");
    let o = digindex(&["data", "--data", dir.path().to_str().expect("utf8"), "show", "papers", "--year", year]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let shown = String::from_utf8_lossy(&o.stdout);
    let value = usa_2021_whole.split(',').nth(3).expect("value");
    assert!(shown.lines().any(|l| l.contains("USA") && l.contains(value)), "{shown}");
}

#[test]
fn a_truncated_file_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let gz = dir.path().join("part_000.gz");
    let text = fs::read(samples().join("works_full_api.jsonl")).expect("sample");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut enc, &text).expect("gzip");
    let bytes = enc.finish().expect("gzip");
    fs::write(&gz, &bytes[..bytes.len() / 2]).expect("write");
    let out = dir.path().join("o.csv");
    let o = digindex(&["openalex", gz.to_str().expect("utf8"), "--out", out.to_str().expect("utf8"), "-q"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("part_000.gz") && err.contains("ends early"), "{err}");
    assert!(!out.exists());
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_says_how_to_get_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("o.csv");
    let flat = dir.path().join("flat");
    let o = run("openalex", &samples(), &out, &[], &["--parquet", flat.to_str().expect("utf8")]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--features parquet"));
    assert!(!out.exists() && !flat.exists());
}

#[test]
fn types_are_checked() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("o.csv");
    let run = |types: &str| run("openalex", &samples(), &out, &[], &["-q", "--types", types]);
    // a typo is named, with the known types, but the run goes on
    let o = run("articles,conference-paper");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("\"articles\"") && err.contains("book-chapter") && !err.contains("\"conference-paper\""),
        "{err}"
    );
    // conference papers are found (OpenAlex types them `article`)
    assert!(fs::read_to_string(&out).expect("csv").lines().count() > 1);
    let o = run(" , ");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no type given"));
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("works.jsonl");
    fs::copy(samples().join("works_full_api.jsonl"), &input).expect("copy");
    let before = fs::read(&input).expect("read");
    for (flag, path) in [("--out", input.clone()), ("--institutions", input.clone())] {
        let out = dir.path().join("o.csv");
        let mut args = vec!["openalex", input.to_str().expect("utf8"), "--out", out.to_str().expect("utf8"), "-q"];
        if flag == "--out" {
            args[3] = path.to_str().expect("utf8");
        } else {
            args.extend([flag, path.to_str().expect("utf8")]);
        }
        let o = digindex(&args);
        assert!(!o.status.success(), "{flag}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("the output is also an input"), "{flag}");
        assert_eq!(fs::read(&input).expect("read"), before, "{flag}: the input is untouched");
    }
}

/// The CSV and its summary are one unit: the summary carries the CSV's
/// SHA-256, and a rerun replaces both; a deep or over-long line is a
/// malformed line, reported, and the limits are in the summary.
#[test]
fn csv_and_summary_are_one_unit_and_limits_are_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("works.jsonl");
    let good = fs::read_to_string(samples().join("works_full_api.jsonl")).expect("sample");
    let first: Vec<&str> = good.lines().take(5).collect();
    let deep = format!("{{\"id\":\"W9\",\"x\":{}{}}}", "[".repeat(30_000), "]".repeat(30_000));
    fs::write(&input, format!("{}\n{deep}\n{}\n", first.join("\n"), "[".repeat(70_000))).expect("write");
    let out = dir.path().join("out.csv");
    let run = |extra: &[&str]| {
        let mut args = vec!["openalex", input.to_str().expect("utf8"), "--out", out.to_str().expect("utf8"), "-q"];
        args.extend_from_slice(extra);
        digindex(&args)
    };
    let o = run(&["--max-line-bytes", "65536"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.csv.json")).expect("summary")).expect("json");
    let csv = fs::read(&out).expect("csv");
    assert_eq!(summary["csv_sha256"].as_str(), Some(digindex_input::sha256_hex(&csv).as_str()));
    assert_eq!(summary["malformed_lines"], 2, "{summary}");
    let examples = summary["malformed_examples"].to_string();
    assert!(examples.contains("line 6: arrays or objects nest deeper than 32"), "{examples}");
    assert!(examples.contains("line 7: the line is 70000 bytes long"), "{examples}");
    assert_eq!(summary["limits"]["max_line_bytes"], 65536);
    // a depth beyond what the parser's stack holds is refused
    let o = run(&["--max-depth", "1000"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-depth 1000: expected 1 to 48"));
}
