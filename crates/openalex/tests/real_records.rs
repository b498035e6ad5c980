//! The aggregation on real OpenAlex records (tests/data, copied from
//! shared/data/openalex-sample with its README), checked against values
//! worked out independently here by walking the JSON as untyped values.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use digindex_openalex::{AiRule, Filter, Options, Validation, input_files, run};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Independent reference: per (country, year) whole counts, fractional
/// shares, citations (list), FWCI values.
#[derive(Default, Debug)]
struct Ref {
    whole: f64,
    frac: f64,
    cites: Vec<u64>,
    fwci: Vec<f64>,
    /// Authorships of the country's works, and those with some country.
    authorships: u64,
    with_country: u64,
}

fn reference(files: &[PathBuf], keep: impl Fn(&serde_json::Value) -> bool) -> BTreeMap<(String, i64), Ref> {
    let mut out: BTreeMap<(String, i64), Ref> = BTreeMap::new();
    for f in files {
        for line in std::fs::read_to_string(f).expect("file").lines().filter(|l| !l.trim().is_empty()) {
            let w: serde_json::Value = serde_json::from_str(line).expect("json");
            let Some(year) = w["publication_year"].as_i64() else { continue };
            if w["is_retracted"] == true || w["is_paratext"] == true || w["type"] == "paratext" || !keep(&w) {
                continue;
            }
            let auths = w["authorships"].as_array().cloned().unwrap_or_default();
            let mut per: Vec<BTreeSet<String>> = Vec::new();
            for a in &auths {
                let mut s: BTreeSet<String> = a["countries"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str())
                    .filter(|c| !c.is_empty())
                    .map(String::from)
                    .collect();
                if s.is_empty() {
                    s = a["institutions"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|i| i["country_code"].as_str())
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect();
                }
                per.push(s);
            }
            let all: BTreeSet<String> = per.iter().flatten().cloned().collect();
            for c in &all {
                let e = out.entry((c.clone(), year)).or_default();
                e.whole += 1.0;
                e.cites.push(w["cited_by_count"].as_u64().unwrap_or(0));
                if let Some(f) = w["fwci"].as_f64() {
                    e.fwci.push(f);
                }
                e.authorships += auths.len() as u64;
                e.with_country += per.iter().filter(|s| !s.is_empty()).count() as u64;
            }
            for s in &per {
                for c in s {
                    out.get_mut(&(c.clone(), year)).expect("country").frac += 1.0 / auths.len() as f64 / s.len() as f64;
                }
            }
        }
    }
    out
}

fn h(mut c: Vec<u64>) -> u64 {
    c.sort_unstable_by(|a, b| b.cmp(a));
    c.iter().enumerate().filter(|(i, v)| **v > *i as u64).count() as u64
}

#[test]
fn counts_shares_h_index_and_fwci_match_an_independent_walk() {
    let files = vec![
        data("works_full_api.jsonl"),
        data("works_ai_selected_fields.jsonl"),
        data("works_openalexR_fixture.jsonl"),
        data("works_legacy_format.jsonl"),
    ];
    let seen = std::sync::Mutex::new((0u64, 0u64));
    let t = run(&files, &Options::default(), &|p| {
        let mut s = seen.lock().expect("lock");
        s.0 += p.input_bytes;
        s.1 += p.lines;
    })
    .expect("runs");
    assert_eq!(t.malformed, 0);
    // progress adds up to the files' sizes and the lines read
    let size: u64 = files.iter().map(|f| std::fs::metadata(f).expect("size").len()).sum();
    assert_eq!(*seen.lock().expect("lock"), (size, t.lines));
    let r = reference(&files, |_| true);
    assert!(r.len() > 50);
    let mut checked = 0;
    for ((c, y), want) in &r {
        let got = &t.by_country_year[&(c.clone(), *y as i32)];
        assert_eq!(got.papers_whole, want.whole, "{c} {y}");
        assert!(
            (got.papers_fractional - want.frac).abs() < 1e-9,
            "{c} {y}: {} vs {}",
            got.papers_fractional,
            want.frac
        );
        assert_eq!(got.citations, want.cites.iter().sum::<u64>(), "{c} {y}");
        assert_eq!(got.h_index(), h(want.cites.clone()), "{c} {y}");
        assert_eq!((got.authorships, got.authorships_with_country), (want.authorships, want.with_country), "{c} {y}");
        if !want.fwci.is_empty() {
            let mean = want.fwci.iter().sum::<f64>() / want.fwci.len() as f64;
            assert!((got.fwci_sum / got.fwci_n as f64 - mean).abs() < 1e-9, "{c} {y}");
        }
        checked += 1;
    }
    assert_eq!(checked, t.by_country_year.len(), "no country-year the walk does not know");
    // whole counts of a few countries over all years, as sanity anchors
    let total = |c: &str| r.iter().filter(|((k, _), _)| k == c).map(|(_, v)| v.whole).sum::<f64>();
    assert!(total("US") > total("GB") && total("GB") > 0.0);
}

#[test]
fn ai_definitions_select_real_ai_works() {
    let files = vec![data("works_ai_selected_fields.jsonl"), data("works_full_api.jsonl")];
    // the legacy concept "Artificial intelligence" is C154945302 (checked on these records)
    let opts = Options {
        filter: Filter { ai: vec![AiRule::Concept("C154945302".into(), 0.3)], ..Default::default() },
        ..Default::default()
    };
    let t = run(&files, &opts, &|_| {}).expect("runs");
    let r = reference(&files, |w| {
        w["concepts"].as_array().into_iter().flatten().any(|c| {
            c["id"].as_str().is_some_and(|i| i.ends_with("C154945302")) && c["score"].as_f64().unwrap_or(0.0) >= 0.3
        })
    });
    let kept: f64 = t.by_country_year.values().map(|v| v.papers_whole).sum();
    let want: f64 = r.values().map(|v| v.whole).sum();
    assert_eq!(kept, want);
    assert!(t.works_kept > 50 && t.works_kept < 200, "{}", t.works_kept);
    // conference papers: OpenAlex types them `article`; the source type or
    // the Crossref type tells them apart
    let conference = |w: &serde_json::Value| {
        w["primary_location"]["source"]["type"] == "conference" || w["type_crossref"] == "proceedings-article"
    };
    for validation in [Validation::Full, Validation::OnDemand] {
        for (types, want) in [
            (vec!["conference-paper"], reference(&files, conference)),
            (vec!["conference-paper", "review"], reference(&files, |w| conference(w) || w["type"] == "review")),
        ] {
            let types: Vec<String> = types.iter().map(|t| t.to_string()).collect();
            let opts = Options { filter: Filter { types, ..Default::default() }, validation, ..Default::default() };
            let t = run(&files, &opts, &|_| {}).expect("runs");
            let got: f64 = t.by_country_year.values().map(|v| v.papers_whole).sum();
            let want_whole: f64 = want.values().map(|v| v.whole).sum();
            assert_eq!(got, want_whole, "{validation:?}");
            assert_eq!(t.by_country_year.len(), want.len(), "{validation:?}");
            assert!(t.works_kept >= 10, "{}", t.works_kept);
        }
    }
    // years and types filter
    let opts = Options {
        filter: Filter { years: Some((2015, 2020)), types: vec!["review".into()], ..Default::default() },
        ..Default::default()
    };
    let t = run(&files, &opts, &|_| {}).expect("runs");
    assert!(t.by_country_year.keys().all(|(_, y)| (2015..=2020).contains(y)));
    assert!(t.works_kept > 0);
}

/// A work's abstract rebuilt independently: a slot per position up to the
/// largest, filled from the inverted index, the empty slots dropped.
fn abstract_of(w: &serde_json::Value) -> String {
    let Some(index) = w["abstract_inverted_index"].as_object() else { return String::new() };
    let last = index.values().flat_map(|p| p.as_array().into_iter().flatten()).filter_map(|p| p.as_u64()).max();
    let mut slots: Vec<Option<&str>> = vec![None; last.map_or(0, |l| l as usize + 1)];
    for (word, positions) in index {
        for p in positions.as_array().into_iter().flatten().filter_map(|p| p.as_u64()) {
            slots[p as usize] = Some(word);
        }
    }
    // (the real records have no position shared by two words)
    let text = slots.into_iter().flatten().collect::<Vec<_>>().join(" ").to_lowercase();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn keywords_match_titles_and_abstracts_as_an_independent_walk() {
    let files = vec![data("works_ai_selected_fields.jsonl"), data("works_full_api.jsonl")];
    let words = ["neural network", "reinforcement learning", "transformer*", "ai"];
    // whole words, the same rule written as a regex: a word character (a
    // letter, digit or combining mark, outside the scripts written without
    // spaces) may not touch the match; `*` = any ending
    let word = r"[[\p{Alphabetic}\p{N}\p{Mn}]--[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]]";
    let pattern = words
        .iter()
        .map(|w| match w.strip_suffix('*') {
            Some(stem) => regex::escape(stem),
            None => format!("{}(?:$|[^{word}])", regex::escape(w)),
        })
        .collect::<Vec<_>>()
        .join("|");
    let re = regex::Regex::new(&format!("(?:^|[^{word}])(?:{pattern})")).expect("regex");
    let has = |text: &str| re.is_match(text);
    let title = |w: &serde_json::Value| {
        w["title"].as_str().unwrap_or_default().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let whole = |r: &BTreeMap<(String, i64), Ref>| r.values().map(|v| v.whole).sum::<f64>();
    let got = |rule: AiRule, validation| {
        let opts =
            Options { filter: Filter { ai: vec![rule], ..Default::default() }, validation, ..Default::default() };
        let t = run(&files, &opts, &|_| {}).expect("runs");
        assert_eq!(t.malformed, 0);
        t
    };
    let list = words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let in_titles = reference(&files, |w| has(&title(w)));
    let in_either = reference(&files, |w| has(&title(w)) || has(&abstract_of(w)));
    // the abstracts add works, so the two readings differ on these records
    assert!(whole(&in_either) > whole(&in_titles) + 10.0, "{} vs {}", whole(&in_either), whole(&in_titles));
    for validation in [Validation::Full, Validation::OnDemand] {
        for (rule, want) in
            [(AiRule::Keywords(list.clone()), &in_either), (AiRule::TitleKeywords(list.clone()), &in_titles)]
        {
            let t = got(rule.clone(), validation);
            assert_eq!(t.by_country_year.len(), want.len(), "{rule:?}");
            for ((c, y), r) in want {
                let g = &t.by_country_year[&(c.clone(), *y as i32)];
                assert_eq!(g.papers_whole, r.whole, "{rule:?} {c} {y}");
                assert!((g.papers_fractional - r.frac).abs() < 1e-9, "{rule:?} {c} {y}");
            }
        }
    }
}

#[test]
fn malformed_lines_truncated_gzip_and_dedup() {
    let dir = tempfile::tempdir().expect("tmp");
    let good = std::fs::read_to_string(data("works_openalexR_fixture.jsonl")).expect("file");
    let first = good.lines().next().expect("line").to_string();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{first}\n{{not json\n{first}\n")).expect("write");
    let t = run(std::slice::from_ref(&bad), &Options::default(), &|_| {}).expect("lenient");
    assert_eq!(t.malformed, 1);
    assert!(t.malformed_examples[0].contains("bad.jsonl, line 2"), "{:?}", t.malformed_examples);
    let e = run(std::slice::from_ref(&bad), &Options { strict: true, ..Default::default() }, &|_| {}).unwrap_err();
    assert!(e.to_string().contains("bad.jsonl, line 2: malformed JSON"), "{e}");
    // the same work twice: counted once with dedup
    let t = run(std::slice::from_ref(&bad), &Options { dedup: true, ..Default::default() }, &|_| {}).expect("dedup");
    assert_eq!(t.works_kept, 1);
    assert_eq!(t.duplicates_skipped, 1);
    // a truncated gzip file
    let gz = dir.path().join("part_000.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(good.as_bytes()).expect("gzip");
    let bytes = enc.finish().expect("gzip");
    std::fs::write(&gz, &bytes[..bytes.len() / 2]).expect("write");
    let e = run(std::slice::from_ref(&gz), &Options::default(), &|_| {}).unwrap_err();
    assert!(e.to_string().contains("part_000.gz") && e.to_string().contains("ends early"), "{e}");
    // a whole gzip file reads like the plain one; directories are searched
    std::fs::write(&gz, &bytes).expect("write");
    let files = input_files(&[dir.path().to_path_buf()]).expect("files");
    assert_eq!(files.len(), 2);
    let t = run(&[gz], &Options::default(), &|_| {}).expect("gz");
    assert_eq!(t.works_kept, 3);
}

#[test]
fn institutions_match_an_independent_walk() {
    let files = vec![
        data("works_full_api.jsonl"),
        data("works_ai_selected_fields.jsonl"),
        data("works_openalexR_fixture.jsonl"),
        data("works_legacy_format.jsonl"),
    ];
    let t = run(&files, &Options { institutions: true, ..Default::default() }, &|_| {}).expect("runs");
    // (institution, year) -> (whole, fractional, citations)
    let mut want: BTreeMap<(String, i64), (f64, f64, u64)> = BTreeMap::new();
    for f in &files {
        for line in std::fs::read_to_string(f).expect("file").lines().filter(|l| !l.trim().is_empty()) {
            let w: serde_json::Value = serde_json::from_str(line).expect("json");
            let Some(year) = w["publication_year"].as_i64() else { continue };
            if w["is_retracted"] == true || w["is_paratext"] == true || w["type"] == "paratext" {
                continue;
            }
            let auths = w["authorships"].as_array().cloned().unwrap_or_default();
            let mut frac: BTreeMap<String, f64> = BTreeMap::new();
            for a in &auths {
                let ids: BTreeSet<String> = a["institutions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|i| i["id"].as_str())
                    .map(|id| id.rsplit('/').next().expect("id").to_string())
                    .filter(|id| !id.is_empty())
                    .collect();
                for id in &ids {
                    *frac.entry(id.clone()).or_default() += 1.0 / auths.len() as f64 / ids.len() as f64;
                }
            }
            for (id, share) in frac {
                let e = want.entry((id, year)).or_default();
                e.0 += 1.0;
                e.1 += share;
                e.2 += w["cited_by_count"].as_u64().unwrap_or(0);
            }
        }
    }
    assert!(want.len() > 20, "{}", want.len());
    assert_eq!(want.len(), t.by_institution_year.len());
    for ((id, y), (whole, frac, cites)) in &want {
        let got = &t.by_institution_year[&(id.clone(), *y as i32)];
        assert_eq!(got.papers_whole, *whole, "{id} {y}");
        assert!((got.papers_fractional - frac).abs() < 1e-9, "{id} {y}: {} vs {frac}", got.papers_fractional);
        assert_eq!(got.citations, *cites, "{id} {y}");
    }
    // fractional shares of all institutions never exceed the works
    let total: f64 = t.by_institution_year.values().map(|e| e.papers_fractional).sum();
    assert!(total <= t.works_kept as f64 + 1e-9);
    // names and countries come through
    assert!(t.by_institution_year.values().any(|e| !e.name.is_empty() && e.country.len() == 2));
}

#[test]
fn on_demand_and_full_validation_agree() {
    let files = vec![
        data("works_full_api.jsonl"),
        data("works_ai_selected_fields.jsonl"),
        data("works_openalexR_fixture.jsonl"),
        data("works_legacy_format.jsonl"),
    ];
    let filters = [
        Filter::default(),
        Filter { ai: vec![AiRule::Concept("C154945302".into(), 0.3)], ..Default::default() },
        Filter { ai: vec![AiRule::AnySubfield(vec![1702, 1707])], ..Default::default() },
        Filter { ai: vec![AiRule::PrimarySubfield(vec![1702])], ..Default::default() },
        Filter { types: vec!["conference-paper".into()], ..Default::default() },
        Filter {
            ai: vec![AiRule::PrimarySubfield(vec![1702]), AiRule::Keywords(vec!["learning".into()])],
            years: Some((2010, 2024)),
            ..Default::default()
        },
        Filter {
            ai: vec![AiRule::TitleKeywords(vec!["model".into()]), AiRule::Keywords(vec!["neural network".into()])],
            years: Some((2010, 2024)),
            ..Default::default()
        },
    ];
    for filter in filters {
        for (all_works, dedup) in [(false, false), (true, true)] {
            let full = Options { filter: filter.clone(), institutions: true, all_works, dedup, ..Default::default() };
            let on_demand = Options { validation: Validation::OnDemand, ..full.clone() };
            let a = run(&files, &on_demand, &|_| {}).expect("on demand");
            let b = run(&files, &full, &|_| {}).expect("full");
            assert!(a.works_kept > 0, "{filter:?}");
            assert_eq!(a, b, "{filter:?} {all_works}");
        }
    }
    // a used field of the wrong type is malformed either way, and so is a cut line
    let dir = tempfile::tempdir().expect("tmp");
    let good = std::fs::read_to_string(data("works_openalexR_fixture.jsonl")).expect("file");
    let first = good.lines().next().expect("line");
    let wrong = first.replacen("\"publication_year\":", "\"publication_year\":\"x\",\"y\":", 1);
    assert_ne!(wrong, first);
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, format!("{first}\n{wrong}\n{}\n", &first[..first.len() - 10])).expect("write");
    for validation in [Validation::OnDemand, Validation::Full] {
        let t = run(std::slice::from_ref(&bad), &Options { validation, ..Default::default() }, &|_| {}).expect("runs");
        assert_eq!((t.works_kept, t.malformed), (1, 2), "{validation:?}");
        assert!(t.malformed_examples[0].contains("line 2"), "{:?}", t.malformed_examples);
    }
}

#[test]
fn one_pass_gives_ai_and_all_works() {
    let files = vec![data("works_ai_selected_fields.jsonl"), data("works_full_api.jsonl")];
    let ai = Filter { ai: vec![AiRule::Concept("C154945302".into(), 0.3)], ..Default::default() };
    let both =
        run(&files, &Options { filter: ai.clone(), all_works: true, ..Default::default() }, &|_| {}).expect("runs");
    let only_ai = run(&files, &Options { filter: ai, ..Default::default() }, &|_| {}).expect("runs");
    let every = run(&files, &Options::default(), &|_| {}).expect("runs");
    assert_eq!(both.by_country_year, only_ai.by_country_year);
    let all = both.all_works.as_ref().expect("all works");
    assert_eq!(all.by_country_year, every.by_country_year);
    assert!(only_ai.works_kept > 0 && only_ai.works_kept < every.works_kept);
    // shares: AI papers over all papers, zero where a country has no AI paper
    let shares = digindex_openalex::shares(&both, all, "s");
    assert_eq!(shares.len(), every.by_country_year.len());
    for (c, _, y, v) in &shares {
        let a = both.by_country_year.get(&(c.clone(), *y)).map_or(0.0, |x| x.papers_whole);
        assert_eq!(*v, a / every.by_country_year[&(c.clone(), *y)].papers_whole);
        assert!((0.0..=1.0).contains(v));
    }
    assert!(shares.iter().any(|s| s.3 == 0.0) && shares.iter().any(|s| s.3 > 0.0));
}

/// `--dedup` across files: of all copies of a work the newest
/// `updated_date` counts, and among copies of that version the first in
/// input order, whichever file it is in. Toy works built from a real record
/// (one author each, so each counts 1 for its one country).
#[test]
fn dedup_keeps_the_newest_then_first_copy_across_files() {
    let good = std::fs::read_to_string(data("works_openalexR_fixture.jsonl")).expect("file");
    let base: serde_json::Value = serde_json::from_str(good.lines().next().expect("line")).expect("json");
    let work = |id: &str, date: Option<&str>, country: &str| {
        let mut w = base.clone();
        w["id"] = id.into();
        w["updated_date"] = date.map_or(serde_json::Value::Null, Into::into);
        w["publication_year"] = 2020.into();
        w["type"] = "article".into();
        w["is_retracted"] = false.into();
        w["is_paratext"] = false.into();
        w["authorships"] = serde_json::json!([{"countries": [country], "institutions": []}]);
        w.to_string()
    };
    let dir = tempfile::tempdir().expect("tmp");
    let a = [
        work("https://openalex.org/W1", Some("2024-01-01T10:00:00.000001"), "US"),
        work("https://openalex.org/W2", Some("2024-01-01"), "US"),
        work("https://openalex.org/W3", None, "US"),
        work("https://openalex.org/W4", Some("2024-03-01"), "US"),
        work("doi:10.1/x", Some("2024-01-01"), "US"),
        work("https://openalex.org/W6", Some("2024-01-01"), "US"),
        // an empty id names no work: every copy counts
        work("", Some("2024-01-01"), "US"),
    ];
    let b = [
        // the same version again, in a later file: the copy in `a` counts
        work("https://openalex.org/W1", Some("2024-01-01T10:00:00.000001"), "FR"),
        // newer: this copy counts
        work("https://openalex.org/W2", Some("2024-01-01T00:00:01"), "FR"),
        // no date either time: the first copy counts
        work("https://openalex.org/W3", None, "FR"),
        // the short id names the same work; older
        work("W4", Some("2024-02-01"), "FR"),
        work("https://openalex.org/W5", Some("2024-01-01"), "DE"),
        work("https://openalex.org/W5", Some("2024-01-01"), "JP"),
        // an id of another form, newer here
        work("doi:10.1/x", Some("2024-01-02"), "JP"),
        // newer but malformed: reported, and the copy in `a` counts
        work("https://openalex.org/W6", Some("2025-01-01"), "FR")
            .replace(r#""publication_year":2020"#, r#""publication_year":"x""#),
        work("", Some("2024-01-01"), "FR"),
    ];
    let (fa, fb) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    std::fs::write(&fa, a.join("\n")).expect("write");
    std::fs::write(&fb, b.join("\n")).expect("write");
    for validation in [Validation::Full, Validation::OnDemand] {
        let opts = Options { dedup: true, validation, ..Default::default() };
        let t = run(&[fa.clone(), fb.clone()], &opts, &|_| {}).expect("runs");
        let papers = |c: &str| t.by_country_year.get(&(c.to_string(), 2020)).map_or(0.0, |e| e.papers_whole);
        assert_eq!((t.works_kept, t.duplicates_skipped, t.malformed), (9, 6, 1), "{validation:?}");
        assert!(t.malformed_examples[0].contains("b.jsonl, line 8"), "{:?}", t.malformed_examples);
        assert_eq!(
            [papers("US"), papers("FR"), papers("DE"), papers("JP")],
            [5.0, 2.0, 1.0, 1.0],
            "{validation:?}: US has W1, W3, W4, W6, \"\"; FR W2, \"\"; DE W5; JP doi:10.1/x"
        );
        // --strict stops at the malformed copy (in the first pass)
        let strict = Options { strict: true, ..opts.clone() };
        let e = run(&[fa.clone(), fb.clone()], &strict, &|_| {}).unwrap_err().to_string();
        assert!(e.contains("b.jsonl, line 8: malformed JSON"), "{e}");
        // the input order, not the thread schedule, decides: swapped files
        // make the copies in `b` first
        let t = run(&[fb.clone(), fa.clone()], &opts, &|_| {}).expect("runs");
        let papers = |c: &str| t.by_country_year.get(&(c.to_string(), 2020)).map_or(0.0, |e| e.papers_whole);
        assert_eq!(
            [papers("US"), papers("FR"), papers("DE"), papers("JP")],
            [3.0, 4.0, 1.0, 1.0],
            "{validation:?}: US has W4, W6, \"\"; FR W1, W2, W3, \"\""
        );
    }
}

/// A snapshot folder: the files its manifest lists, in the manifest's
/// order, each checked against its size there; a manifest that lists
/// nothing, a file missing or of another size, or an entry without a usable
/// url, is an error naming the file.
#[test]
fn snapshot_manifests() {
    let dir = tempfile::tempdir().expect("tmp");
    let works = dir.path().join("data/works");
    let mut sizes = Vec::new();
    for (date, part) in [("2025-01-02", "part_000.gz"), ("2024-12-30", "part_000.gz"), ("2024-12-30", "part_001.gz")] {
        let d = works.join(format!("updated_date={date}"));
        std::fs::create_dir_all(&d).expect("mkdir");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(std::fs::read(data("works_full_api.jsonl")).expect("file").as_slice()).expect("gzip");
        let bytes = enc.finish().expect("gzip");
        std::fs::write(d.join(part), &bytes).expect("write");
        sizes.push((format!("s3://openalex/data/works/updated_date={date}/{part}"), bytes.len()));
    }
    let manifest = |entries: Vec<serde_json::Value>| {
        std::fs::write(works.join("manifest"), serde_json::json!({ "entries": entries }).to_string()).expect("write")
    };
    let entry = |(url, len): &(String, usize)| serde_json::json!({"url": url, "meta": {"content_length": len}});
    // listed order, not path order; entries without meta are fine
    manifest(vec![entry(&sizes[1]), serde_json::json!({"url": sizes[0].0}), entry(&sizes[2])]);
    let files = input_files(std::slice::from_ref(&works)).expect("manifest");
    let names: Vec<String> =
        files.iter().map(|f| f.strip_prefix(&works).expect("below").display().to_string()).collect();
    assert_eq!(
        names,
        [
            "updated_date=2024-12-30/part_000.gz",
            "updated_date=2025-01-02/part_000.gz",
            "updated_date=2024-12-30/part_001.gz"
        ]
    );
    let t = run(&files, &Options::default(), &|_| {}).expect("runs");
    let one = run(&[data("works_full_api.jsonl")], &Options::default(), &|_| {}).expect("runs");
    assert_eq!(t.works_kept, 3 * one.works_kept);
    let err = |entries| {
        manifest(entries);
        input_files(std::slice::from_ref(&works)).unwrap_err().to_string()
    };
    let e = err(vec![entry(&sizes[0]), serde_json::json!({"url": sizes[1].0, "meta": {"content_length": 5}})]);
    assert!(
        e.contains("updated_date=2024-12-30/part_000.gz")
            && e.contains(&format!("{} bytes, but the manifest says 5", sizes[1].1)),
        "{e}"
    );
    let e = err(vec![serde_json::json!({"url": "s3://openalex/data/works/updated_date=2025-02-01/part_000.gz"})]);
    assert!(e.contains("updated_date=2025-02-01/part_000.gz: listed in the manifest but missing"), "{e}");
    let e = err(vec![entry(&sizes[0]), serde_json::json!({"url": "part_009.gz"})]);
    assert!(e.contains("manifest: entry 2: expected a `url` ending in updated_date="), "{e}");
    let e = err(vec![]);
    assert!(e.contains("manifest: no `entries`"), "{e}");
    // the snapshot's root, or its data folder, holds other entities too
    std::fs::create_dir_all(dir.path().join("data/authors")).expect("mkdir");
    for root in [dir.path().to_path_buf(), dir.path().join("data")] {
        let e = input_files(&[root]).unwrap_err().to_string();
        assert!(e.contains("holds other OpenAlex entities besides works: give the works folder"), "{e}");
        assert!(e.contains("data/works"), "{e}");
    }
}

/// `--merged-ids`: works merged into others are not counted; the tables
/// are read from a folder (plain and gzipped), short and full ids alike,
/// and a table without an `id` column or with an empty id is an error
/// naming the file (and line).
#[test]
fn merged_ids_are_left_out() {
    use digindex_openalex::merged::Merged;
    let dir = tempfile::tempdir().expect("tmp");
    let good = std::fs::read_to_string(data("works_openalexR_fixture.jsonl")).expect("file");
    let base: serde_json::Value = serde_json::from_str(good.lines().next().expect("line")).expect("json");
    let work = |id: &str| {
        let mut w = base.clone();
        w["id"] = id.into();
        w["publication_year"] = 2020.into();
        w["is_retracted"] = false.into();
        w["is_paratext"] = false.into();
        w["authorships"] = serde_json::json!([{"countries": ["FR"], "institutions": []}]);
        w.to_string()
    };
    let works = dir.path().join("works.jsonl");
    // W1 twice: both copies are merged away, neither is a duplicate
    let ids =
        ["https://openalex.org/W1", "https://openalex.org/W2", "https://openalex.org/W3", "W4", "doi:10.1/x", "W1"];
    std::fs::write(&works, ids.map(work).join("\n")).expect("write");
    let tables = dir.path().join("merged_ids/works");
    std::fs::create_dir_all(&tables).expect("mkdir");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(b"merge_date,id,merge_into_id\n2024-01-01,W1,W2\n2024-01-01,W4,W2\n").expect("gzip");
    std::fs::write(tables.join("2024-01-01.csv.gz"), enc.finish().expect("gzip")).expect("write");
    std::fs::write(
        tables.join("2024-02-01.csv"),
        "merge_date,id,merge_into_id\n2024-02-01,https://openalex.org/W3,W2\n",
    )
    .expect("write");
    std::fs::write(tables.join("notes.txt"), "not a table").expect("write");
    let merged = Merged::read(std::slice::from_ref(&tables)).expect("reads");
    assert_eq!(merged.len(), 3);
    for validation in [Validation::Full, Validation::OnDemand] {
        let opts = Options { merged: Some(merged.clone().into()), dedup: true, validation, ..Default::default() };
        let t = run(std::slice::from_ref(&works), &opts, &|_| {}).expect("runs");
        assert_eq!((t.works_kept, t.merged_skipped, t.duplicates_skipped), (2, 4, 0), "{validation:?}");
        assert_eq!(t.by_country_year[&("FR".to_string(), 2020)].papers_whole, 2.0);
    }
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "merge_date,work,merge_into_id\n2024-01-01,W1,W2\n").expect("write");
    let e = Merged::read(std::slice::from_ref(&bad)).unwrap_err().to_string();
    assert!(e.contains("bad.csv: no `id` column"), "{e}");
    std::fs::write(&bad, "merge_date,id,merge_into_id\n2024-01-01,W1,W2\n2024-01-01,,W2\n").expect("write");
    let e = Merged::read(std::slice::from_ref(&bad)).unwrap_err().to_string();
    assert!(e.contains("bad.csv: line 3: the `id` field is empty"), "{e}");
    std::fs::write(&bad, "merge_date,id,merge_into_id\n2024-01-01,A5031682701,A1\n").expect("write");
    let e = Merged::read(std::slice::from_ref(&bad)).unwrap_err().to_string();
    assert!(e.contains("bad.csv: line 2: \"A5031682701\" is not a work id"), "{e}");
    std::fs::write(&bad, "").expect("write");
    let e = Merged::read(std::slice::from_ref(&bad)).unwrap_err().to_string();
    assert!(e.contains("bad.csv: empty"), "{e}");
    let cut = dir.path().join("cut.csv.gz");
    let whole = std::fs::read(tables.join("2024-01-01.csv.gz")).expect("read");
    std::fs::write(&cut, &whole[..whole.len() - 12]).expect("write");
    let e = Merged::read(std::slice::from_ref(&cut)).unwrap_err().to_string();
    assert!(e.contains("cut.csv.gz: cannot be read to the end"), "{e}");
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let e = Merged::read(&[empty]).unwrap_err().to_string();
    assert!(e.contains("no .csv or .csv.gz files here"), "{e}");
}

/// No input makes a run panic: real lines cut, with bytes flipped,
/// dropped, doubled or replaced by JSON punctuation, read in both
/// validation modes with every kind of rule, dedup and merged ids. Each
/// mutated line is either counted or reported as malformed, never both.
#[test]
fn mutated_lines_are_counted_or_reported_never_a_panic() {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    for f in ["works_full_api.jsonl", "works_ai_selected_fields.jsonl", "works_legacy_format.jsonl"] {
        let text = std::fs::read(data(f)).expect("file");
        lines.extend(text.split(|b| *b == b'\n').filter(|l| l.len() > 2).map(<[u8]>::to_vec));
    }
    // xorshift: the same mutations every run
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let punctuation = b"{}[]\":,\\ 0-eE.tfn\xc3\xff";
    let mut mutated = Vec::new();
    for round in 0..2000 {
        let mut l = lines[round % lines.len()].clone();
        for _ in 0..1 + next(4) {
            let at = next(l.len().max(1));
            match next(5) {
                0 => l.truncate(at),
                1 => {
                    let bit = 1 << next(8);
                    if let Some(b) = l.get_mut(at) {
                        *b ^= bit;
                    }
                }
                2 => drop(l.drain(at..(at + 1 + next(40)).min(l.len()))),
                3 => {
                    let piece = l[at..(at + 1 + next(60)).min(l.len())].to_vec();
                    l.splice(at..at, piece);
                }
                _ => {
                    let c = punctuation[next(punctuation.len())];
                    if let Some(b) = l.get_mut(at) {
                        *b = c;
                    }
                }
            }
        }
        mutated.push(l);
    }
    let input: Vec<u8> = mutated.join(&b'\n');
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("mutated.jsonl");
    std::fs::write(&file, &input).expect("write");
    let rules = vec![
        AiRule::PrimarySubfield(vec![1702]),
        AiRule::AnySubfield(vec![1702]),
        AiRule::Concept("C154945302".into(), 0.3),
        AiRule::Keywords(vec!["learning".into()]),
    ];
    for validation in [Validation::Full, Validation::OnDemand] {
        for (filter, dedup) in [
            (Filter::default(), false),
            (Filter { ai: rules.clone(), types: vec!["conference-paper".into()], ..Default::default() }, true),
        ] {
            let opts = Options { validation, filter, dedup, institutions: true, all_works: true, ..Default::default() };
            let t = run(std::slice::from_ref(&file), &opts, &|_| {}).expect("a lenient run finishes");
            let blank = mutated.iter().filter(|l| l.trim_ascii().is_empty()).count() as u64;
            assert_eq!(t.lines, 2000 - blank, "{validation:?}");
            assert!(t.malformed > 0 && t.malformed < t.lines, "{validation:?}: {} of {}", t.malformed, t.lines);
            assert!(t.works_kept + t.malformed + t.duplicates_skipped <= t.lines, "{validation:?}");
        }
    }
}
