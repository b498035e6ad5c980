//! The published text, byte for byte: the model JSON the page's script
//! reads (and `report.json` holds) and the scores CSV of a tiny index
//! (`tests/data/small`) with every part of the model filled in, against
//! the copies in that folder. `UPDATE_PINNED=1 cargo test -p
//! digindex-publish --test pin` writes them anew (review the diff: the
//! page's script reads this JSON unchanged).

use std::path::{Path, PathBuf};

use digindex_data::provenance::{Flag, Provenance};
use digindex_publish::{IndicatorInfo, Mode, Region, Report, UnitInfo};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/small")
}

struct Small {
    inputs: digindex_pipeline::Inputs,
    build: digindex_pipeline::Build,
    provenance: Vec<Provenance>,
    intervals: Vec<digindex_audit::rank_interval::RankInterval>,
    manifest: Value,
}

fn small() -> Small {
    let spec_path = dir().join("small.toml");
    let spec = digindex_pipeline::Spec::parse(&std::fs::read_to_string(&spec_path).expect("spec"), &[]).expect("valid");
    let (inputs, _) = digindex_input::load(&spec, &spec_path).expect("inputs");
    let build = digindex_pipeline::build(&spec, &inputs).expect("build");
    let mut provenance =
        digindex_pipeline::provenance::table(&build, &inputs.framework, &inputs.units, None, Some(2020));
    // a value suppressed by its source, and one of a unit the index does not have
    provenance.push(Provenance {
        unit: "DDD".into(),
        code: "b1".into(),
        value: 0.5,
        data_year: Some(2019),
        flag: Flag::Censored,
        detail: "below <1".into(),
        below: Some(1.0),
    });
    provenance.push(Provenance {
        unit: "ZZZ".into(),
        code: "a1".into(),
        value: 1.0,
        data_year: None,
        flag: Flag::Observed,
        detail: String::new(),
        below: None,
    });
    let interval = |unit: &str, q05: f64, q95: f64, median: f64| digindex_audit::rank_interval::RankInterval {
        unit: unit.into(),
        nominal_rank: Some(1),
        mean_rank: 1.5,
        median_rank: median,
        q05,
        q95,
        runs: 100,
    };
    let intervals = vec![interval("AAA", 1.0, 2.0, 1.5), interval("CCC", 2.0, 4.0, f64::NAN)];
    let manifest = json!({
        "spec": {"aggregate": {"method": "arithmetic", "weights": "expert"}},
        "log": {"weight_set": "expert"},
        "inputs": [{"role": "values", "path": "values.csv"}],
        "other": "not shown",
    });
    Small { inputs, build, provenance, intervals, manifest }
}

fn report(s: &Small) -> Report<'_> {
    Report {
        id: "small".into(),
        title: "Small <index> & co".into(),
        framework: &s.inputs.framework,
        build: &s.build,
        units: vec![
            UnitInfo { code: "AAA".into(), name: "Åland".into(), numeric: Some(248) },
            UnitInfo { code: "CCC".into(), name: "=Formula, \"quoted\"".into(), numeric: None },
            UnitInfo { code: "DDD".into(), name: "Dee </script>\nnext line".into(), numeric: Some(4) },
        ],
        regions: vec![Region { id: "ac".into(), title: "A and C".into(), members: vec!["AAA".into(), "CCC".into()] }],
        indicators: vec![
            IndicatorInfo {
                code: "a1".into(),
                source: "Source One (CC BY 4.0)".into(),
                unit: "tonnes".into(),
                unit_used: Some("tonnes per person".into()),
                year_rule: Some(json!({"rule": "latest", "years": [2019, 2020]})),
            },
            IndicatorInfo {
                code: "b1".into(),
                source: String::new(),
                unit: "%".into(),
                unit_used: None,
                year_rule: None,
            },
        ],
        intervals: Some(&s.intervals),
        sensitivity: Some(json!({"first_order": {"impute": 0.25}, "total": {"impute": 0.5}})),
        correlations: json!({"Index": {"A": 0.75, "B": -0.125}}),
        alphas: json!({"A": 0.5}),
        claims: vec![json!({"id": "c1", "text": "AAA ranks 1 </script>", "holds_in": 1, "of": 2, "readings": []})],
        manifest: &s.manifest,
        trend: vec![(2019, "AAA".into(), 40.5), (2019, "BBB".into(), f64::NAN), (2020, "AAA".into(), 41.0)],
        progress: None,
        targets: &[],
        provenance: &s.provenance,
        quality: json!({"corrections": [], "findings": [{"unit": "BBB", "what": "gap"}]}),
    }
}

/// `text` equals the pinned file `name`, or (with `UPDATE_PINNED`) becomes it.
fn pinned(name: &str, text: &str) {
    let path = dir().join(name);
    if std::env::var_os("UPDATE_PINNED").is_some() {
        std::fs::write(&path, text).expect("write the pinned copy");
        return;
    }
    let want = std::fs::read_to_string(&path).expect("the pinned copy (UPDATE_PINNED=1 writes it)");
    if text != want {
        let at = text.bytes().zip(want.bytes()).take_while(|(a, b)| a == b).count();
        let around = |s: &str| s.get(at.saturating_sub(80)..(at + 80).min(s.len())).unwrap_or_default().to_string();
        panic!("{name} changed at byte {at}:\n got: {}\nwant: {}", around(text), around(&want));
    }
}

#[test]
fn the_model_json_is_pinned() {
    let s = small();
    let model = digindex_publish::Model::new(&report(&s));
    pinned("model.json", &(model.to_json() + "\n"));
    pinned("model.pretty.json", &(serde_json::to_string_pretty(&model).expect("JSON") + "\n"));
    // as a JSON value too (its maps sort their keys, as the model's fields are)
    let value = serde_json::to_value(&model).expect("a value");
    assert_eq!(value.to_string(), model.to_json());
}

#[test]
fn the_model_reads_back_as_written() {
    let s = small();
    let model = digindex_publish::Model::new(&report(&s));
    let back: digindex_publish::Model = serde_json::from_str(&model.to_json()).expect("reads back");
    assert_eq!(back.to_json(), model.to_json());
    assert_eq!(back.scores, model.scores);
}

#[test]
fn the_scores_csv_is_pinned() {
    let s = small();
    let model = digindex_publish::Model::new(&report(&s));
    pinned("scores.csv", &digindex_publish::scores_csv(&model));
}

#[test]
fn the_page_inlines_the_pinned_model() {
    let s = small();
    let model = digindex_publish::Model::new(&report(&s));
    let page = digindex_publish::page(&model, &Mode::Served { api: "/api/indices/small".into() });
    let tag = r#"<script type="application/json" id="model">"#;
    let start = page.find(tag).expect("model tag") + tag.len();
    let end = start + page[start..].find("</script>").expect("end");
    // the pinned text (the_model_json_is_pinned), `<` escaped
    assert_eq!(&page[start..end], model.to_json().replace('<', "\\u003c"));
}
