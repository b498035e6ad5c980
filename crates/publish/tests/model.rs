//! The published model, page and downloads against the build they come
//! from (ASEM example): every score and rank, the CSV and the workbook
//! cell by cell, a page that loads nothing from elsewhere, and
//! re-weighting invariants.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use digindex_pipeline::Stage;
use digindex_publish::{Mode, Model, Report, UnitInfo};
use serde_json::{Value, json};

fn asem() -> (digindex_pipeline::Spec, digindex_pipeline::Inputs, digindex_pipeline::Build) {
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/asem/asem.toml");
    let spec = digindex_pipeline::Spec::parse(&std::fs::read_to_string(&spec_path).expect("spec"), &[]).expect("valid");
    let (inputs, _) = digindex_input::load(&spec, &spec_path).expect("inputs");
    let build = digindex_pipeline::build(&spec, &inputs).expect("build");
    (spec, inputs, build)
}

fn model_of(inputs: &digindex_pipeline::Inputs, build: &digindex_pipeline::Build) -> Model {
    let manifest = json!({"spec": {"aggregate": {"method": "arithmetic"}}});
    let provenance = digindex_pipeline::provenance::table(build, &inputs.framework, &inputs.units, None, Some(2018));
    digindex_publish::Model::new(&Report {
        id: "asem".into(),
        title: "ASEM <connectivity> & sustainability {{model}} /*{{app}}*/".into(),
        framework: &inputs.framework,
        build,
        units: vec![
            UnitInfo { code: "AUT".into(), name: "Austria".into(), numeric: Some(40) },
            UnitInfo { code: "DNK".into(), name: "=HYPERLINK(\"x\")".into(), numeric: None },
        ],
        regions: vec![],
        indicators: vec![],
        intervals: None,
        sensitivity: None,
        correlations: Value::Null,
        alphas: Value::Null,
        claims: vec![],
        manifest: &manifest,
        trend: vec![],
        progress: None,
        targets: &[],
        provenance: &provenance,
        quality: Value::Null,
    })
}

#[test]
fn model_holds_every_score_and_rank_of_the_build() {
    let (_, inputs, build) = asem();
    let m = model_of(&inputs, &build);
    let agg = build.stage(Stage::Aggregated);
    assert_eq!(m.target.as_deref(), Some("Index"));
    assert_eq!(m.units.len(), agg.units.len());
    assert_eq!(m.units[0], UnitInfo { code: "AUT".into(), name: "Austria".into(), numeric: Some(40) });
    // a unit the caller did not name keeps its code as name
    assert_eq!(m.units[1].name, "BEL");
    let mut checked = 0;
    for row in build.scores(&inputs.framework) {
        let k = agg.units.iter().position(|u| *u == row.unit).expect("unit");
        let s = m.score(&row.code, k);
        if row.score.is_finite() {
            assert_eq!(s, Some(row.score), "{} {}", row.unit, row.code);
        } else {
            assert!(s.is_none());
        }
        assert_eq!(m.rank(&row.code, k), row.rank, "{} {}", row.unit, row.code);
        checked += 1;
    }
    assert!(checked > 3000, "{checked}");
    // effective weights of the indicators sum to 1
    let eff: f64 = m.nodes.iter().filter(|n| n.level == 1).filter_map(|n| n.effective).sum();
    assert!((eff - 1.0).abs() < 1e-12, "{eff}");
    // raw values are the raw stage's
    let raw = build.stage(Stage::Raw);
    let j = raw.codes.iter().position(|c| c == "LPI").expect("LPI");
    assert_eq!(m.raw_value("LPI", 0), Some(raw.values.col(j)[0]));
}

#[test]
fn scores_csv_and_workbook_match_the_model() {
    let (_, inputs, build) = asem();
    let m = model_of(&inputs, &build);
    let csv = digindex_publish::scores_csv(&m);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(&header[..4], &["unit", "name", "Index", "Index_rank"]);
    assert_eq!(header.len(), 2 + 2 * m.nodes.len() + 2);
    let first: Vec<&str> = lines.next().expect("row").split(',').collect();
    assert_eq!(first[0], "AUT");
    assert_eq!(first[2].parse::<f64>().ok(), m.score("Index", 0));
    assert_eq!(csv.lines().count(), 1 + 51);
    // a name a spreadsheet would run as a formula is neutralised
    assert!(
        csv.contains("DNK,\"'=HYPERLINK(\"\"x\"\")\""),
        "{}",
        csv.lines().find(|l| l.starts_with("DNK")).unwrap_or("")
    );
    // the workbook is a zip with the three sheets; the Scores sheet holds the index score
    let xlsx = digindex_publish::workbook(&m).expect("workbook");
    assert!(xlsx.starts_with(b"PK\x03\x04"));
    let text = unzip_texts(&xlsx);
    let book = text.get("xl/workbook.xml").expect("workbook.xml");
    for sheet in ["Scores", "Data as used", "Framework"] {
        assert!(book.contains(&format!("name=\"{sheet}\"")), "{sheet}");
    }
    let sheet1 = text.get("xl/worksheets/sheet1.xml").expect("sheet1");
    let score = m.score("Index", 0).expect("score");
    assert!(sheet1.contains(&format!("<v>{score}</v>")), "AUT's index score in the Scores sheet");
    // the data sheet: values as used, with their unit, year and flag, the source's beside them
    let strings = text.get("xl/sharedStrings.xml").expect("shared strings");
    for h in ["unit_of_measure", "data_year", "flag", "source_value", "source_unit"] {
        assert!(strings.contains(&format!(">{h}<")), "{h}");
    }
    let sheet2 = text.get("xl/worksheets/sheet2.xml").expect("sheet2");
    let used = m.values.values().flat_map(|v| v.value.iter().flatten()).next().expect("a value as used");
    assert!(sheet2.contains(&format!("<v>{used}</v>")), "a value as used in the data sheet");
}

/// The text files of a zip, by name.
fn unzip_texts(zip: &[u8]) -> BTreeMap<String, String> {
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    let mut out = BTreeMap::new();
    for i in 0..a.len() {
        let mut f = a.by_index(i).expect("member");
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            out.insert(f.name().to_string(), s);
        }
    }
    out
}

#[test]
fn the_page_loads_nothing_from_elsewhere() {
    let (_, inputs, build) = asem();
    let m = model_of(&inputs, &build);
    let page = digindex_publish::page(&m, &Mode::Static { workbook: Some(b"PK".to_vec()) });
    assert!(page.starts_with("<!doctype html>"));
    // the title is escaped in <title>, and the model cannot close its script tag
    // markers in the data are data: the template is filled in one pass
    assert!(page.contains("<title>ASEM &lt;connectivity&gt; &amp; sustainability {{model}} /*{{app}}*/</title>"));
    assert_eq!(page.matches("digindex report / dashboard. Reads the model").count(), 1, "the script is inserted once");
    assert_eq!(page.matches("</script>").count(), 5, "five script tags, none closed early");
    for bad in ["<script src", "<link", "@import", "url(http", "src=\"http", "href=\"http"] {
        assert!(!page.contains(bad), "{bad}");
    }
    // the content security policy forbids any other source
    assert!(page.contains("default-src 'none'"));
    // the inlined model reads back
    let tag = r#"<script type="application/json" id="model">"#;
    let start = page.find(tag).expect("model tag") + tag.len();
    let end = start + page[start..].find("</script>").expect("end");
    let back: Value = serde_json::from_str(&page[start..end]).expect("model JSON");
    assert_eq!(back["title"], m.title.as_str());
    assert!(page.contains(r#""xlsx":"UEs=""#), "the workbook is inlined as base64");
}

#[test]
fn reweighting_invariants() {
    let (spec, inputs, build) = asem();
    let m = model_of(&inputs, &build);
    // the recipe's own weights: nothing moves, the same scores
    let years = [(2018, inputs.clone())];
    let same = digindex_publish::reweight(&spec, &years, &build, &BTreeMap::new()).expect("reweight");
    assert!(same.movers.is_empty());
    for (code, s) in &same.scores {
        for (k, v) in s.iter().enumerate() {
            assert_eq!(*v, m.score(code, k), "{code}");
        }
    }
    // only Sust counts: the index is Sust
    let w = BTreeMap::from([("Conn".to_string(), 0.0), ("Sust".to_string(), 1.0)]);
    let r = digindex_publish::reweight(&spec, &years, &build, &w).expect("reweight");
    assert_eq!(r.scores["Index"], r.scores["Sust"]);
    assert_eq!(r.ranks["Index"], r.ranks["Sust"]);
    assert_eq!(r.weights["Conn"], 0.0);
    // bad requests name the problem
    let bad = BTreeMap::from([("Sustt".to_string(), 1.0)]);
    let e = digindex_publish::reweight(&spec, &years, &build, &bad).unwrap_err();
    assert!(e.to_string().contains("did you mean \"Sust\""), "{e}");
    let bad = BTreeMap::from([("Sust".to_string(), f64::INFINITY)]);
    let e = digindex_publish::reweight(&spec, &years, &build, &bad).unwrap_err();
    assert!(e.to_string().contains(">= 0"), "{e}");
}

#[test]
fn reweighting_a_several_year_index_renormalises_all_years() {
    // a catalogue spec built for four years, normalised across them (the default)
    let spec_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/apt-connectivity/apt-connectivity.toml");
    let text = std::fs::read_to_string(&spec_path).expect("spec");
    let spec = digindex_pipeline::Spec::parse(&text, &["data.years=[2019,2020,2021,2022]".to_string()]).expect("valid");
    let loaded = digindex_sources::panel::load_years(&spec, &spec_path, &spec.data.years).expect("inputs");
    let years: Vec<(i32, digindex_pipeline::Inputs)> =
        spec.data.years.iter().copied().zip(loaded.into_iter().map(|l| l.inputs)).collect();
    let mut builds = digindex_pipeline::pipeline::build_years(&spec, &years).expect("builds");
    let (_, last) = builds.pop().expect("a year");
    // the recipe's weights give back the nominal last year exactly
    let same = digindex_publish::reweight(&spec, &years, &last, &BTreeMap::new()).expect("reweight");
    assert!(same.movers.is_empty());
    let agg = last.stage(Stage::Aggregated);
    for (j, code) in agg.codes.iter().enumerate() {
        let want: Vec<Option<f64>> = agg.values.col(j).iter().map(|x| x.is_finite().then_some(*x)).collect();
        assert_eq!(same.scores[code], want, "{code}");
    }
    // built alone, the last year would normalise differently: the check above can fail
    let alone = digindex_publish::reweight(&spec, &years[3..], &last, &BTreeMap::new()).expect("reweight");
    assert_ne!(alone.scores, same.scores);
}
