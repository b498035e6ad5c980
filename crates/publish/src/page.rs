//! The single HTML page (report and dashboard alike): `assets/page.html`
//! with the model, the script, the styles, the map geometry and its
//! libraries inlined, so that it works from the file system with no
//! request leaving it.

use serde_json::{Value, json};

use crate::model::Model;

const TEMPLATE: &str = include_str!("../assets/page.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const D3_ARRAY: &str = include_str!("../assets/vendor/d3-array.min.js");
const D3_GEO: &str = include_str!("../assets/vendor/d3-geo.min.js");
const TOPOJSON: &str = include_str!("../assets/vendor/topojson-client.min.js");
const WORLD: &str = include_str!("../assets/vendor/countries-50m.json");

/// The template's markers, in the order they appear in it.
const MARKERS: [&str; 7] =
    ["{{title}}", "/*{{css}}*/", "{{model}}", "{{config}}", "{{world}}", "/*{{vendor}}*/", "/*{{app}}*/"];

/// Where each marker starts in the template, each after the one before.
/// Worked out when the crate is compiled: a template that lacks a marker
/// (or has them out of order) does not build.
const AT: [usize; MARKERS.len()] = marker_offsets();

const fn marker_offsets() -> [usize; MARKERS.len()] {
    let t = TEMPLATE.as_bytes();
    let mut at = [0; MARKERS.len()];
    let (mut from, mut k) = (0, 0);
    while k < MARKERS.len() {
        let m = MARKERS[k].as_bytes();
        at[k] = match find(t, m, from) {
            Some(i) => i,
            None => panic!("assets/page.html lacks a marker of MARKERS, or has them out of order"),
        };
        from = at[k] + m.len();
        k += 1;
    }
    at
}

/// The first `needle` in `hay` at or after `from`.
const fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// How the page gets its data and what it offers.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Everything inlined, for opening from disk; `workbook` is the XLSX
    /// download, inlined as base64.
    Static { workbook: Option<Vec<u8>> },
    /// Served by `digindex serve`: the model is inlined too, and the weight
    /// sliders call the API under this path (e.g. `/api/indices/tokyo`).
    Served { api: String },
}

/// The HTML page for a model.
pub fn page(model: &Model, mode: &Mode) -> String {
    let (api, xlsx) = match mode {
        Mode::Static { workbook } => (Value::Null, workbook.as_deref().map(base64)),
        Mode::Served { api } => (json!(api), None),
    };
    let config = json!({ "api": api, "xlsx": xlsx });
    // in the order of MARKERS
    let values: [String; MARKERS.len()] = [
        html_escape(&model.title),
        APP_CSS.to_string(),
        script_json(&model.to_json()),
        script_json(&config.to_string()),
        script_json(WORLD),
        [D3_ARRAY, D3_GEO, TOPOJSON].join("\n;\n"),
        APP_JS.to_string(),
    ];
    // one pass over the template: markers are looked for in the template
    // only, never in what was inserted (data may hold marker-like text).
    // The offsets are those of ASCII markers, so every slice below starts
    // and ends on a character boundary.
    let mut out = String::with_capacity(TEMPLATE.len() + values.iter().map(String::len).sum::<usize>());
    let mut from = 0;
    for ((marker, value), at) in MARKERS.iter().zip(&values).zip(AT) {
        out.push_str(&TEMPLATE[from..at]);
        out.push_str(value);
        from = at + marker.len();
    }
    out.push_str(&TEMPLATE[from..]);
    out
}

/// JSON that can sit inside `<script>`: `<` is written as `\u003c` (JSON
/// has `<` only inside strings, where the escape means the same).
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

/// Text for HTML content or a quoted attribute.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Standard base64 (RFC 4648, with padding).
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = json!({"name": "</script><script>alert(1)</script>"});
        let s = script_json(&v.to_string());
        assert!(!s.contains("</"));
        assert_eq!(serde_json::from_str::<Value>(&s).expect("still JSON"), v);
    }

    #[test]
    fn find_looks_from_the_given_offset() {
        assert_eq!(find(b"abcabc", b"bc", 0), Some(1));
        assert_eq!(find(b"abcabc", b"bc", 2), Some(4));
        assert_eq!(find(b"abcabc", b"bc", 5), None);
        assert_eq!(find(b"ab", b"abc", 0), None);
    }

    #[test]
    fn every_marker_is_found_in_the_template_in_order() {
        for (marker, at) in MARKERS.iter().zip(AT) {
            assert_eq!(TEMPLATE.get(at..at + marker.len()), Some(*marker));
        }
        assert!(AT.windows(2).all(|w| w[0] < w[1]));
    }
}
