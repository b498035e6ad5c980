//! Every API route, as a client calls it, on the ASEM example: answers,
//! re-weighting checked against the closed form of the arithmetic mean,
//! ETags, and malformed, oversized and hostile requests (4xx with a JSON
//! message, never 5xx).

use std::path::Path;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use digindex_publish::{Report, UnitInfo};
use serde_json::{Value, json};
use tower::ServiceExt;

fn app() -> (Router, Value) {
    app_with(&[])
}

/// The ASEM index, with spec overrides.
fn app_with(sets: &[&str]) -> (Router, Value) {
    // a stand-in checker: the real one is tested with the claims crate and `digindex check`
    let checker: digindex_serve::ClaimChecker = std::sync::Arc::new(|line: &str| {
        if line.starts_with("AUT ranks") {
            Ok(json!({"text": line, "holds_in": 1, "of": 1}))
        } else {
            Err(format!("cannot read {line:?}"))
        }
    });
    app_checking(sets, checker)
}

/// The ASEM index, with spec overrides and the given claim checker (and a
/// trend of 2017-2018).
fn app_checking(sets: &[&str], checker: digindex_serve::ClaimChecker) -> (Router, Value) {
    let trend = vec![(2017, "AUT".into(), 40.0), (2017, "BEL".into(), 50.0), (2018, "AUT".into(), 41.0)];
    app_built(sets, checker, trend)
}

/// The ASEM index built for 2018 alone, with the given trend.
fn app_built(sets: &[&str], checker: digindex_serve::ClaimChecker, trend: Vec<(i32, String, f64)>) -> (Router, Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec_path = root.join("examples/asem/asem.toml");
    let text = std::fs::read_to_string(&spec_path).expect("spec");
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let spec = digindex_pipeline::Spec::parse(&text, &sets).expect("spec valid");
    let (inputs, _) = digindex_input::load(&spec, &spec_path).expect("inputs");
    let build = digindex_pipeline::build(&spec, &inputs).expect("build");
    let manifest = json!({});
    let provenance = digindex_pipeline::provenance::table(&build, &inputs.framework, &inputs.units, None, Some(2018));
    let units: Vec<UnitInfo> = inputs
        .units
        .codes
        .iter()
        .zip(&inputs.units.names)
        .map(|(c, n)| UnitInfo { code: c.clone(), name: n.clone().unwrap_or_default(), numeric: None })
        .collect();
    let asia: Vec<String> = ["CHN", "JPN", "KOR", "IND"].iter().map(|s| s.to_string()).collect();
    let model = digindex_publish::Model::new(&Report {
        id: "asem".into(),
        title: "ASEM".into(),
        framework: &inputs.framework,
        build: &build,
        units,
        regions: vec![digindex_publish::Region { id: "asia4".into(), title: "Four in Asia".into(), members: asia }],
        indicators: vec![],
        intervals: None,
        sensitivity: None,
        correlations: Value::Null,
        alphas: Value::Null,
        claims: vec![json!({"id": "c1", "text": "a claim", "holds_in": 1, "of": 2, "readings": []})],
        manifest: &manifest,
        trend,
        progress: None,
        targets: &[],
        provenance: &provenance,
        quality: serde_json::Value::Null,
    });
    let as_json = serde_json::to_value(&model).expect("the model as JSON");
    let index = digindex_serve::Index::new("asem".into(), spec, vec![(2018, inputs)], build, model).expect("index");
    (digindex_serve::router(vec![index], Some(checker), digindex_serve::Hosts::loopback()), as_json)
}

/// Equal JSON, numbers to 1e-12 relative (serde_json's default float
/// parsing may differ from the printed value in the last bit).
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs())
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| close(v, w)))
        }
        _ => a == b,
    }
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.expect("answers");
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
    (parts.status, parts.headers, bytes.to_vec())
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, h, b) = call(app, Request::get(uri).body(Body::empty()).expect("request")).await;
    let ct = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(ct.starts_with("application/json"), "{uri}: {s} with content type {ct:?}");
    (s, serde_json::from_slice(&b).expect("JSON body"))
}

async fn post(app: &Router, uri: &str, content_type: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
    let mut r = Request::post(uri);
    if let Some(ct) = content_type {
        r = r.header(header::CONTENT_TYPE, ct);
    }
    let (s, _, b) = call(app, r.body(Body::from(body)).expect("request")).await;
    (s, serde_json::from_slice(&b).unwrap_or_else(|_| panic!("{uri}: {s} without a JSON body")))
}

#[tokio::test]
async fn read_routes_answer() {
    let (app, model) = app();
    let (s, v) = get(&app, "/api/indices").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v[0]["id"], "asem");
    assert_eq!(v[0]["units"], 51);
    let (s, v) = get(&app, "/api/indices/asem").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["target"], "Index");
    assert_eq!(v["years"], json!([2017, 2018]));
    let (s, v) = get(&app, "/api/indices/asem/model").await;
    assert_eq!(s, StatusCode::OK);
    assert!(close(&v, &model), "the model comes back as built");
    // scores of the index: the model's, ranks 1..n
    let (s, v) = get(&app, "/api/indices/asem/scores").await;
    assert_eq!(s, StatusCode::OK);
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 51);
    // best first, unless asked by unit
    let ranks: Vec<u64> = rows.iter().filter_map(|r| r["rank"].as_u64()).collect();
    assert_eq!(ranks, (1..=51).collect::<Vec<_>>());
    assert_eq!(v["order"], "rank");
    let first = model["units"][0]["code"].clone();
    let row = rows.iter().find(|r| r["unit"] == first).expect("the model's first unit");
    assert!(close(&row["score"], &model["scores"]["Index"][0]));
    let (_, by_unit) = get(&app, "/api/indices/asem/scores?order=unit").await;
    assert_eq!(by_unit["rows"][0]["unit"], first);
    assert!(close(&by_unit["rows"][0]["score"], &model["scores"]["Index"][0]));
    let (s, v) = get(&app, "/api/indices/asem/scores?code=Conn&region=asia4").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["rows"].as_array().map(Vec::len), Some(4));
    assert_eq!(v["code"], "Conn");
    // a year of the trend, ranked within the year
    let (s, v) = get(&app, "/api/indices/asem/scores?year=2017").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["rows"],
        json!([{"unit": "BEL", "name": "Belgium", "score": 50.0, "rank": 1, "year": 2017}, {"unit": "AUT", "name": "Austria", "score": 40.0, "rank": 2, "year": 2017}])
    );
    // the units, with the index's score and rank and their region sets
    let (s, v) = get(&app, "/api/indices/asem/units").await;
    assert_eq!(s, StatusCode::OK);
    let list = v["units"].as_array().expect("units");
    assert_eq!(list.len(), 51);
    assert_eq!(list[0]["rank"], 1, "best first");
    let chn = list.iter().find(|u| u["code"] == "CHN").expect("CHN");
    assert_eq!(chn["regions"], json!(["asia4"]));
    let (_, v) = get(&app, "/api/indices/asem/units?order=unit").await;
    let list = v["units"].as_array().expect("units");
    assert!(close(&list[0]["score"], &model["scores"]["Index"][0]));
    assert_eq!(list[0]["regions"], json!([]));
    // a unit by its name as the index shows it, or as the country registry knows it
    for (said, code) in [("austria", "AUT"), ("South%20Korea", "KOR"), ("Viet%20Nam", "VNM"), ("Russia", "RUS")] {
        let (s, v) = get(&app, &format!("/api/indices/asem/units/{said}")).await;
        assert_eq!((s, v["unit"].as_str()), (StatusCode::OK, Some(code)), "{said}");
    }
    // a unit, case-insensitively
    let (s, v) = get(&app, "/api/indices/asem/units/aut").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["unit"], "AUT");
    assert!(close(&v["scores"]["Index"], &model["scores"]["Index"][0]));
    assert_eq!(v["trend"].as_array().map(Vec::len), Some(2));
    // each value as used, with its year and flag (COINr's example: observed in 2018, or imputed)
    let lpi = &v["values"]["LPI"];
    assert_eq!((&lpi["flag"], &lpi["data_year"]), (&json!("observed"), &json!(2018)));
    assert!(lpi.get("unit").is_some(), "each value with the unit it is in: {lpi}");
    // the source's own values come beside, under their own name (never as "raw" values)
    assert!(v.get("raw").is_none());
    assert!(v["source_values"]["LPI"].get("value").is_some(), "{}", v["source_values"]);
    let flags: std::collections::BTreeSet<&str> =
        v["values"].as_object().expect("values").values().filter_map(|x| x["flag"].as_str()).collect();
    assert!(flags.iter().all(|f| ["observed", "imputed", "missing"].contains(f)), "{flags:?}");
    assert!(v["estimated"]["of"].as_u64().is_some_and(|n| n > 40));
    let (s, v) = get(&app, "/api/indices/asem/claims").await;
    assert_eq!((s, &v["claims"][0]["id"]), (StatusCode::OK, &json!("c1")));
    // the OpenAPI document names every route the router has
    let (s, v) = get(&app, "/api/openapi.json").await;
    assert_eq!((s, &v["openapi"]), (StatusCode::OK, &json!("3.1.0")));
    for p in [
        "/api/check",
        "/api/indices",
        "/api/indices/{id}",
        "/api/indices/{id}/model",
        "/api/indices/{id}/scores",
        "/api/indices/{id}/scores.csv",
        "/api/indices/{id}/workbook.xlsx",
        "/api/indices/{id}/units",
        "/api/indices/{id}/units/{unit}",
        "/api/indices/{id}/claims",
        "/api/indices/{id}/reweight",
    ] {
        assert!(v["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
}

/// Every operation of the OpenAPI document reaches its route: asked with
/// its method (path parameters filled in), none gets 405 or the router's
/// "no such route" (the route table is checked against the document in
/// the crate's unit tests, both ways).
#[tokio::test]
async fn every_documented_operation_is_routed() {
    let (app, _) = app();
    let (_, doc) = get(&app, "/api/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    assert_eq!(paths.len(), 11);
    for (path, ops) in paths {
        let uri = path.replace("{id}", "asem").replace("{unit}", "AUT");
        for method in ops.as_object().expect("operations").keys() {
            let req = match method.as_str() {
                "get" => Request::get(&uri).body(Body::empty()),
                "post" => Request::post(&uri).header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")),
                other => panic!("{other} {path}: a method the test does not know"),
            };
            let (s, _, b) = call(&app, req.expect("request")).await;
            assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(!String::from_utf8_lossy(&b).contains("no such route"), "{method} {path}: {s}");
        }
    }
}

#[tokio::test]
async fn pages_and_downloads() {
    let (app, _) = app();
    for (uri, ct, starts) in [
        ("/", "text/html", &b"<!doctype html>"[..]),
        ("/i/asem", "text/html", &b"<!doctype html>"[..]),
        ("/api/indices/asem/scores.csv", "text/csv", &b"unit,name,Index,Index_rank"[..]),
        ("/api/indices/asem/workbook.xlsx", "application/vnd.openxmlformats", &b"PK"[..]),
    ] {
        let (s, h, b) = call(&app, Request::get(uri).body(Body::empty()).expect("request")).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(h[header::CONTENT_TYPE].to_str().expect("ascii").starts_with(ct), "{uri}");
        assert!(b.starts_with(starts), "{uri}");
    }
    let (_, h, _) = call(&app, Request::get("/api/indices/asem/workbook.xlsx").body(Body::empty()).expect("req")).await;
    assert_eq!(h[header::CONTENT_DISPOSITION], "attachment; filename*=UTF-8''asem.xlsx");
    // the dashboard page calls this index's API
    let (_, _, b) = call(&app, Request::get("/i/asem").body(Body::empty()).expect("request")).await;
    assert!(String::from_utf8_lossy(&b).contains(r#""api":"/api/indices/asem""#));
}

#[tokio::test]
async fn etags_answer_304() {
    let (app, _) = app();
    let (s, h, _) = call(&app, Request::get("/api/indices/asem/scores").body(Body::empty()).expect("req")).await;
    assert_eq!(s, StatusCode::OK);
    let tag = h[header::ETAG].clone();
    let again = Request::get("/api/indices/asem/scores").header(header::IF_NONE_MATCH, tag.clone()).body(Body::empty());
    let (s, h, b) = call(&app, again.expect("req")).await;
    assert_eq!((s, b.len()), (StatusCode::NOT_MODIFIED, 0));
    assert_eq!(h[header::ETAG], tag);
    // a weak tag (as sent back through a compressing proxy) matches too
    let weak = format!("W/{}", tag.to_str().expect("ascii"));
    let again = Request::get("/api/indices/asem/scores").header(header::IF_NONE_MATCH, weak).body(Body::empty());
    let (s, _, _) = call(&app, again.expect("req")).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    // the dashboard page too
    let (_, h, _) = call(&app, Request::get("/i/asem").body(Body::empty()).expect("req")).await;
    let again = Request::get("/i/asem").header(header::IF_NONE_MATCH, h[header::ETAG].clone()).body(Body::empty());
    assert_eq!(call(&app, again.expect("req")).await.0, StatusCode::NOT_MODIFIED);
    // another query, another tag
    let (_, h2, _) =
        call(&app, Request::get("/api/indices/asem/scores?code=Conn").body(Body::empty()).expect("req")).await;
    assert_ne!(h2[header::ETAG], tag);
}

#[tokio::test]
async fn reweighting_matches_the_weighted_mean() {
    let (app, model) = app();
    let (s, v) =
        post(&app, "/api/indices/asem/reweight", Some("application/json"), br#"{"weights":{"Conn":3}}"#.to_vec()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["weights"]["Conn"], 3.0);
    // the index is the arithmetic mean of its children Conn and Sust, now 3:1
    let (conn, sust, index) = (&v["scores"]["Conn"], &v["scores"]["Sust"], &v["scores"]["Index"]);
    for k in 0..51 {
        let want = (3.0 * conn[k].as_f64().expect("n") + sust[k].as_f64().expect("n")) / 4.0;
        assert!((index[k].as_f64().expect("n") - want).abs() < 1e-9, "unit {k}");
        // the children themselves do not change
        assert!(close(&conn[k], &model["scores"]["Conn"][k]), "unit {k}");
    }
    let movers = v["movers"].as_array().expect("movers");
    assert!(!movers.is_empty());
    // biggest moves first
    let shift = |m: &Value| m["before"].as_i64().zip(m["after"].as_i64()).map(|(b, a)| (b - a).abs());
    assert!(movers.windows(2).all(|w| shift(&w[0]) >= shift(&w[1])), "{movers:?}");
    for m in movers {
        let k = model["units"].as_array().expect("units").iter().position(|u| u["code"] == m["unit"]).expect("unit");
        assert_eq!(m["before"], model["ranks"]["Index"][k]);
        assert_eq!(m["after"], v["ranks"]["Index"][k]);
        assert_ne!(m["before"], m["after"]);
    }
    // the recipe's own weights change nothing; weights are relative, so
    // 1e308 each is the recipe's 1:1 too (their sum overflowed and emptied
    // the index before)
    for body in [&br#"{"weights":{"Conn":1,"Sust":1}}"#[..], br#"{"weights":{"Conn":1e308,"Sust":1e308}}"#] {
        let (s, v) = post(&app, "/api/indices/asem/reweight", Some("application/json"), body.to_vec()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["movers"], json!([]));
        assert!(close(&v["scores"]["Index"], &model["scores"]["Index"]), "{}", v["scores"]["Index"]);
    }
}

#[tokio::test]
async fn reweighting_starts_from_the_recipes_weight_set() {
    // the recipe aggregates with a weight set of its own: Conn counts 3 times
    let (app, model) = app_with(&["weights.expert.Conn=3", "aggregate.weights=\"expert\""]);
    let conn = model["nodes"].as_array().expect("nodes").iter().find(|n| n["code"] == "Conn").expect("Conn");
    assert_eq!(conn["weight"], 3.0, "the model shows the weights used");
    // moving another code keeps Conn at 3
    let body = br#"{"weights":{"Physical":2}}"#.to_vec();
    let (s, v) = post(&app, "/api/indices/asem/reweight", Some("application/json"), body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["weights"]["Conn"].as_f64(), v["weights"]["Physical"].as_f64()), (Some(3.0), Some(2.0)));
    // no change asked: nothing moves
    let (s, v) =
        post(&app, "/api/indices/asem/reweight", Some("application/json"), br#"{"weights":{}}"#.to_vec()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["movers"], json!([]));
    assert!(close(&v["scores"]["Index"], &model["scores"]["Index"]));
}

#[tokio::test]
async fn claims_are_checked_on_request() {
    let (app, _) = app();
    let (s, v) = post(&app, "/api/check", Some("application/json"), br#"{"claim":"AUT ranks 1 in x"}"#.to_vec()).await;
    assert_eq!((s, &v["holds_in"]), (StatusCode::OK, &json!(1)));
    // a sentence that cannot be read: answered, saying so and what was expected
    let (s, v) = post(&app, "/api/check", Some("application/json"), br#"{"claim":"nonsense"}"#.to_vec()).await;
    assert_eq!((s, &v["checked"]), (StatusCode::OK, &json!(false)));
    assert!(v["error"].as_str().is_some_and(|e| e.contains("nonsense")));
    let long = serde_json::to_vec(&json!({"claim": "a".repeat(301)})).expect("json");
    let (s, _) = post(&app, "/api/check", Some("application/json"), long).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(&app, "/api/check", Some("application/json"), br#"{"text":"x"}"#.to_vec()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_requests_get_4xx_json() {
    let (app, _) = app();
    let rw = "/api/indices/asem/reweight";
    let json_ct = Some("application/json");
    let cases: Vec<(&str, Option<&str>, Vec<u8>, StatusCode)> = vec![
        ("unknown code", json_ct, br#"{"weights":{"Conection":2}}"#.to_vec(), StatusCode::BAD_REQUEST),
        ("negative weight", json_ct, br#"{"weights":{"Conn":-1}}"#.to_vec(), StatusCode::BAD_REQUEST),
        (
            "all siblings zero",
            json_ct,
            br#"{"weights":{"Conn":0,"Sust":0}}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("not JSON", json_ct, b"{weights".to_vec(), StatusCode::BAD_REQUEST),
        ("wrong type", json_ct, br#"{"weights":{"Conn":"heavy"}}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("unknown field", json_ct, br#"{"weights":{},"runs":1000000}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY),
        ("no content type", None, br#"{"weights":{}}"#.to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "oversized",
            json_ct,
            format!(r#"{{"weights":{{"Conn":1}},"pad":"{}"}}"#, "x".repeat(64 * 1024)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        ("empty", json_ct, Vec::new(), StatusCode::BAD_REQUEST),
    ];
    for (what, ct, body, want) in cases {
        let (s, v) = post(&app, rw, ct, body).await;
        assert_eq!(s, want, "{what}: {v}");
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{what}: {v}");
    }
    // too many weights for the framework
    let many: serde_json::Map<String, Value> = (0..500).map(|i| (format!("c{i}"), json!(1))).collect();
    let (s, _) = post(&app, rw, json_ct, serde_json::to_vec(&json!({ "weights": many })).expect("json")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    for (uri, want) in [
        ("/api/indices/nope", StatusCode::NOT_FOUND),
        ("/api/indices/nope/scores", StatusCode::NOT_FOUND),
        ("/api/indices/asem/scores?code=Nope", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/scores?region=mars", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/scores?year=abc", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/scores?year=1999", StatusCode::NOT_FOUND),
        ("/api/indices/asem/scores?year=2017&code=Conn", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/scores?limit=5", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/scores?order=score", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/units?order=name", StatusCode::BAD_REQUEST),
        ("/api/indices/asem/units/Iran", StatusCode::NOT_FOUND),
        ("/api/indices/asem/units/XXX", StatusCode::NOT_FOUND),
        ("/api/indices/..%2f..%2fetc%2fpasswd", StatusCode::NOT_FOUND),
        ("/api/indices/asem/units/..%2f..%2f..%2fetc%2fpasswd", StatusCode::NOT_FOUND),
        ("/i/..%2fCargo.toml", StatusCode::NOT_FOUND),
        ("/Cargo.toml", StatusCode::NOT_FOUND),
        ("/../../etc/passwd", StatusCode::NOT_FOUND),
    ] {
        let (s, v) = get(&app, uri).await;
        assert_eq!(s, want, "{uri}: {v}");
        assert!(v["error"].is_string(), "{uri}: {v}");
    }
    let long = format!("/api/indices/asem/scores?code={}", "a".repeat(5000));
    let (s, v) = get(&app, &long).await;
    assert_eq!(s, StatusCode::URI_TOO_LONG, "{v}");
    // a method the route does not have: 405 with its Allow header, in JSON
    let (s, h, b) = call(&app, Request::delete("/api/indices/asem").body(Body::empty()).expect("req")).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert!(h.get(header::ALLOW).is_some_and(|a| a.to_str().unwrap_or_default().contains("GET")), "{h:?}");
    assert!(serde_json::from_slice::<Value>(&b).expect("JSON")["error"].is_string());
    let (s, h, _) = call(&app, Request::get("/api/check").body(Body::empty()).expect("req")).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert!(h.get(header::ALLOW).is_some_and(|a| a.to_str().unwrap_or_default().contains("POST")), "{h:?}");
}

/// A body that stops arriving is answered 408 with a JSON message once
/// [`digindex_serve::BODY_TIMEOUT`] has passed, and a body declared too
/// large 413 at once, without waiting for it. The clock is tokio's paused
/// test clock, so the test does not wait.
#[tokio::test(start_paused = true)]
async fn slow_and_oversized_bodies_are_answered_at_once() {
    use futures_util::StreamExt;
    let (app, _) = app();
    let stalled = |declared: Option<usize>| {
        let first = bytes::Bytes::from_static(b"{\"claim\": \"AUT ranks");
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(first)]).chain(futures_util::stream::pending());
        let mut r = Request::post("/api/check").header(header::CONTENT_TYPE, "application/json");
        if let Some(n) = declared {
            r = r.header(header::CONTENT_LENGTH, n);
        }
        r.body(Body::from_stream(body)).expect("request")
    };
    let started = tokio::time::Instant::now();
    let answer = tokio::time::timeout(2 * digindex_serve::TIMEOUT, call(&app, stalled(None))).await;
    let (s, h, b) = answer.expect("answered, not left hanging");
    assert_eq!(s, StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() >= digindex_serve::BODY_TIMEOUT, "{:?}", started.elapsed());
    assert!(started.elapsed() < digindex_serve::TIMEOUT, "{:?}", started.elapsed());
    assert!(h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json")));
    let v: Value = serde_json::from_slice(&b).expect("JSON body");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("did not arrive")), "{v}");
    // Content-Length beyond the cap: 413 before a byte of the body is read
    let started = tokio::time::Instant::now();
    let (s, _, b) = call(&app, stalled(Some(digindex_serve::MAX_BODY + 1))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(started.elapsed(), std::time::Duration::ZERO);
    assert!(serde_json::from_slice::<Value>(&b).is_ok_and(|v| v["error"].is_string()));
    // a complete request at the same time is answered
    let (s, _) = post(&app, "/api/check", Some("application/json"), br#"{"claim": "AUT ranks 1st"}"#.to_vec()).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn host_and_head_are_checked() {
    let (app, _) = app();
    let with_host =
        |host: &str| Request::get("/api/indices").header(header::HOST, host).body(Body::empty()).expect("r");
    for ok in ["127.0.0.1:8080", "localhost:8080", "[::1]:8080"] {
        assert_eq!(call(&app, with_host(ok)).await.0, StatusCode::OK, "{ok}");
    }
    // DNS rebinding: a page on evil.example that resolved its name to 127.0.0.1
    let (s, h, b) = call(&app, with_host("evil.example:8080")).await;
    assert_eq!(s, StatusCode::MISDIRECTED_REQUEST);
    assert!(h.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json")));
    let v: Value = serde_json::from_slice(&b).expect("JSON");
    assert!(v["error"].as_str().is_some_and(|e| e.contains("--allow-host")), "{v}");
    // a head over the limit: 431 in JSON
    let big = Request::get("/api/indices").header("x-filler", "a".repeat(digindex_serve::MAX_HEAD)).body(Body::empty());
    let (s, _, b) = call(&app, big.expect("request")).await;
    assert_eq!(s, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(serde_json::from_slice::<Value>(&b).is_ok_and(|v| v["error"].is_string()));
}

/// Claim checks wait in their own queue: with the checker stuck, the
/// queue fills and one more check is turned away at once (503 with
/// Retry-After), while re-weighting, in its queue, is answered. A claim
/// checked before is answered from the cache without the checker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claim_checks_cannot_starve_reweighting() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Condvar, Mutex};
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (g, c) = (Arc::clone(&gate), Arc::clone(&calls));
    let checker: digindex_serve::ClaimChecker = Arc::new(move |line: &str| {
        c.fetch_add(1, Ordering::SeqCst);
        if line.starts_with("slow") {
            let (open, cv) = &*g;
            let mut o = open.lock().expect("lock");
            while !*o {
                o = cv.wait(o).expect("wait");
            }
        }
        Ok(json!({"text": line}))
    });
    let (app, _) = app_checking(&[], checker);
    let check = |claim: String| {
        let app = app.clone();
        async move {
            let body = serde_json::to_vec(&json!({ "claim": claim })).expect("json");
            let r = Request::post("/api/check").header(header::CONTENT_TYPE, "application/json").body(Body::from(body));
            call(&app, r.expect("request")).await
        }
    };
    // cached: the second ask does not reach the checker
    assert_eq!(check("quick one".into()).await.0, StatusCode::OK);
    assert_eq!(check("  quick one ".into()).await.0, StatusCode::OK);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    // fill the running slots and the queue with checks that hang
    let stuck = *digindex_serve::MAX_CHECKS + digindex_serve::MAX_WAITING;
    let mut waiting = Vec::new();
    for k in 0..stuck {
        waiting.push(tokio::spawn(check(format!("slow {k}"))));
    }
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while calls.load(Ordering::SeqCst) < 1 + *digindex_serve::MAX_CHECKS {
        assert!(tokio::time::Instant::now() < deadline, "the checks did not start");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (s, h, b) = check("slow, one too many".into()).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{}", String::from_utf8_lossy(&b));
    assert_eq!(h.get(header::RETRY_AFTER).map(|v| v.as_bytes()), Some(&b"1"[..]));
    // re-weighting has its own queue
    let (s, _) =
        post(&app, "/api/indices/asem/reweight", Some("application/json"), br#"{"weights":{"Conn":2}}"#.to_vec()).await;
    assert_eq!(s, StatusCode::OK);
    // release the checker: every queued check is answered
    {
        let (open, cv) = &*gate;
        *open.lock().expect("lock") = true;
        cv.notify_all();
    }
    for w in waiting {
        assert_eq!(w.await.expect("task").0, StatusCode::OK);
    }
}

/// A single-year index answers for its own year (its scores) and lists it
/// as the year built; another year is 404 naming the years built.
#[tokio::test]
async fn a_single_year_index_answers_for_its_own_year() {
    let checker: digindex_serve::ClaimChecker = std::sync::Arc::new(|_: &str| Err("no claims here".into()));
    let (app, model) = app_built(&[], checker, vec![]);
    let (s, v) = get(&app, "/api/indices/asem").await;
    assert_eq!((s, &v["years"]), (StatusCode::OK, &json!([2018])));
    let (s, v) = get(&app, "/api/indices/asem/scores?year=2018").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 51);
    assert!(rows.iter().all(|r| r["year"] == 2018));
    let (_, all) = get(&app, "/api/indices/asem/scores").await;
    assert!(rows.iter().zip(all["rows"].as_array().expect("rows")).all(|(a, b)| close(&a["score"], &b["score"])));
    assert!(model["scores"]["Index"].is_array());
    let (s, v) = get(&app, "/api/indices/asem/scores?year=2017").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(v["error"].as_str().is_some_and(|e| e.contains("years built: [2018]")), "{v}");
}
