//! The OpenAPI 3.1 document of the API, written by hand; a test checks it
//! against the route table (`routes::routes`), both ways.

use serde_json::{Value, json};

use crate::routes::MAX_CLAIM;

/// The OpenAPI 3.1 description of the API.
pub fn openapi_document() -> Value {
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "index id, e.g. tokyo-statement"});
    let err = json!({"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let ok = |d: &str| json!({"description": d, "content": {"application/json": {"schema": {"type": "object"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "digindex API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Composite indices built by digindex: scores, ranks with rank intervals, unit profiles, claim checks and re-weighting. GET answers carry an ETag."},
        "paths": {
            "/api/indices": {"get": {"summary": "Indices served", "responses": {"200": ok("list of indices")}}},
            "/api/indices/{id}": {"get": {"summary": "Framework tree, units, region sets", "parameters": [id], "responses": {"200": ok("index"), "404": err}}},
            "/api/indices/{id}/model": {"get": {"summary": "Everything the pages show", "parameters": [id], "responses": {"200": ok("report model"), "404": err}}},
            "/api/indices/{id}/scores": {"get": {"summary": "Scores and ranks", "parameters": [id,
                {"name": "code", "in": "query", "schema": {"type": "string"}, "description": "framework code (default: the index)"},
                {"name": "region", "in": "query", "schema": {"type": "string"}, "description": "region set id, e.g. asean"},
                {"name": "year", "in": "query", "schema": {"type": "integer"}, "description": "year: for a series, the index and its aggregates as that year was built, with rank intervals; for a single-year index, its own year"},
                {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["rank", "unit"]}, "description": "rank (default: best first, unranked last) or unit (by code)"}],
                "responses": {"200": ok("rows: unit, name, score, rank, rank_q05, rank_q95 (and year)"), "400": err, "404": err}}},
            "/api/indices/{id}/scores.csv": {"get": {"summary": "Scores as CSV", "parameters": [id], "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "404": err}}},
            "/api/indices/{id}/workbook.xlsx": {"get": {"summary": "Scores, data and framework as XLSX", "parameters": [id], "responses": {"200": {"description": "XLSX"}, "404": err}}},
            "/api/indices/{id}/units": {"get": {"summary": "The units: code, name, index score and rank, region sets", "parameters": [id,
                {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["rank", "unit"]}, "description": "rank (default) or unit (by code)"}], "responses": {"200": ok("units"), "400": err, "404": err}}},
            "/api/indices/{id}/units/{unit}": {"get": {"summary": "One unit's profile: scores, ranks, every value as used (value, unit, data year, flag, how it was obtained) and the source's own values beside them (source_values: value, unit)", "parameters": [id, {"name": "unit", "in": "path", "required": true, "schema": {"type": "string"}, "description": "a unit code (IRN), the name the index shows, or any name the country registry knows (Iran, South Korea)"}], "responses": {"200": ok("profile"), "404": err}}},
            "/api/indices/{id}/claims": {"get": {"summary": "Claim verdicts and every reading", "parameters": [id], "responses": {"200": ok("claims"), "404": err}}},
            "/api/check": {"post": {"summary": "Check a one-line ranking claim in plain words (e.g. \"Iran is 2nd in AI papers in the Middle East (2022)\") on the shipped data, under every reading; index:ID claims for the indices served",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Check"}}}},
                "responses": {"200": ok("verdict (or, for a sentence that cannot be read as a claim, checked: false with error: why, or what was expected): canonical, holds_in, checkable, cannot_check, of, support, summary, readings (status, reason, region, metric, variant, year, years, data_year, rank, rank_range, of, subject_value, ahead, next_below, members, missing, ties, margin, parts), latest, sweeps"), "400": err, "404": err, "413": err, "408": err, "415": err, "421": err, "422": err, "503": err}}},
            "/api/indices/{id}/reweight": {"post": {"summary": "Scores and ranks under other weights, and who moved",
                "parameters": [id],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reweight"}}}},
                "responses": {"200": ok("weights, scores, ranks, movers"), "400": err, "404": err, "413": err, "408": err, "415": err, "421": err, "422": err, "503": err}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Check": {"type": "object", "required": ["claim"], "additionalProperties": false,
                "properties": {"claim": {"type": "string", "maxLength": MAX_CLAIM,
                    "examples": ["IRN ranks 2 in ai_papers among persian_gulf in 2022"]}}},
            "Reweight": {"type": "object", "required": ["weights"], "additionalProperties": false,
                "properties": {"weights": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0},
                    "description": "framework code -> weight relative to its siblings; codes not given keep the recipe's weight"}}},
        }},
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn the_document_describes_every_api_route_and_no_other() {
        let doc = openapi_document();
        let described: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .flat_map(|(path, ops)| ops.as_object().into_iter().flatten().map(|(m, _)| (path.clone(), m.clone())))
            .collect();
        let served: BTreeSet<(String, String)> = crate::routes::routes()
            .into_iter()
            .filter(|r| r.documented)
            .map(|r| (r.path.to_string(), r.method.to_string()))
            .collect();
        assert_eq!(described, served, "OpenAPI paths (left) against the routes served (right)");
        assert_eq!(served.len(), 11);
    }
}
