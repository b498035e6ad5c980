//! The workspace's layering, checked from the crates' manifests (the
//! equivalent of `cargo machete` plus an architecture rule, with no tool
//! to install):
//!
//! * every crate depends only on the crates of the layers below it
//!   (ARCHITECTURE.md): the core (`data`, `pipeline`, `audit`) does no I/O
//!   and knows no reader; the readers (`input`, `sources`) and `claims`
//!   never pull the audit's numerics (nalgebra, statrs, sobol_burley) or
//!   rayon, directly or through a crate of the workspace;
//! * every dependency a manifest names is used by the code it serves
//!   (normal dependencies in `src/`, dev-dependencies in `tests/`,
//!   `benches/` or `src/`), except the few listed with their reason.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A crate of the workspace: its folder name, package name and dependencies.
struct Krate {
    dir: PathBuf,
    name: String,
    normal: BTreeSet<String>,
    dev: BTreeSet<String>,
}

fn names(table: Option<&toml::Value>) -> BTreeSet<String> {
    table.and_then(|t| t.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default()
}

fn crates() -> BTreeMap<String, Krate> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(root().join("crates")).expect("crates/") {
        let dir = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(dir.join("Cargo.toml")) else { continue };
        let m: toml::Value = toml::from_str(&text).expect("a manifest");
        let name = m["package"]["name"].as_str().expect("a name").to_string();
        let mut normal = names(m.get("dependencies"));
        let dev = names(m.get("dev-dependencies"));
        // target-specific dependencies count as normal ones
        if let Some(targets) = m.get("target").and_then(|t| t.as_table()) {
            for t in targets.values() {
                normal.extend(names(t.get("dependencies")));
            }
        }
        out.insert(name.clone(), Krate { dir, name, normal, dev });
    }
    out
}

/// The workspace crates each crate may depend on (normal dependencies).
fn allowed(name: &str) -> &'static [&'static str] {
    match name {
        // the model: plain data
        "digindex-data" => &[],
        // the core: pure computation on the model
        "digindex-pipeline" => &["digindex-data"],
        "digindex-audit" => &["digindex-data", "digindex-pipeline"],
        // ingest: readers and the catalogue, on the core's types only
        "digindex-input" => &["digindex-data", "digindex-pipeline"],
        "digindex-sources" => &["digindex-data", "digindex-pipeline", "digindex-input"],
        "digindex-openalex" => &[],
        // the official APIs: HTTP, cache and response formats (names matched with the model's edit distance)
        "digindex-fetch" => &["digindex-data"],
        // claims read the catalogue's series
        "digindex-claims" => &["digindex-data", "digindex-sources"],
        // the report model, on built and audited indices
        "digindex-publish" => &["digindex-data", "digindex-pipeline", "digindex-audit"],
        // the application: everything below it
        "digindex" => &[
            "digindex-data",
            "digindex-pipeline",
            "digindex-audit",
            "digindex-input",
            "digindex-sources",
            "digindex-openalex",
            "digindex-fetch",
            "digindex-claims",
            "digindex-publish",
        ],
        // the server and the binary, on the application
        "digindex-serve" => &["digindex", "digindex-pipeline", "digindex-publish", "digindex-sources"],
        "digindex-cli" => &[
            "digindex",
            "digindex-serve",
            "digindex-data",
            "digindex-pipeline",
            "digindex-audit",
            "digindex-sources",
            "digindex-openalex",
            "digindex-fetch",
            "digindex-claims",
            "digindex-publish",
        ],
        // the fuzzer drives the readers and the recipe
        "digindex-fuzz" => {
            &["digindex-openalex", "digindex-pipeline", "digindex-claims", "digindex-input", "digindex-sources"]
        }
        _ => &[],
    }
}

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let all = crates();
    assert!(all.len() >= 12, "found {} crates", all.len());
    let mut wrong = Vec::new();
    for k in all.values() {
        for d in k.normal.iter().filter(|d| all.contains_key(*d)) {
            if !allowed(&k.name).contains(&d.as_str()) {
                wrong.push(format!("{} depends on {d}", k.name));
            }
        }
    }
    assert!(wrong.is_empty(), "dependencies against ARCHITECTURE.md: {wrong:?}");
}

/// `name`'s normal dependencies, through the workspace's crates.
fn closure(all: &BTreeMap<String, Krate>, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(n) = todo.pop() {
        let Some(k) = all.get(&n) else { continue };
        for d in &k.normal {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn readers_and_claims_stay_light() {
    let all = crates();
    let heavy = ["nalgebra", "statrs", "sobol_burley", "rayon", "digindex-audit"];
    for light in ["digindex-data", "digindex-pipeline", "digindex-input", "digindex-sources", "digindex-claims"] {
        let deps = closure(&all, light);
        let bad: Vec<&&str> = heavy.iter().filter(|h| deps.contains(**h)).collect();
        assert!(bad.is_empty(), "{light} pulls {bad:?}");
    }
    // the computing core does no I/O: no reader, writer, server or terminal
    for core in ["digindex-data", "digindex-pipeline", "digindex-audit"] {
        let deps = closure(&all, core);
        for io in ["csv", "tempfile", "axum", "tokio", "indicatif", "digindex-input", "rustix"] {
            assert!(!deps.contains(io), "{core} depends on {io}");
        }
    }
}

/// Whether `krate` (as `crate_name` in code) appears in any `.rs` file under `dirs`.
fn used_in(dirs: &[PathBuf], krate: &str) -> bool {
    let ident = krate.replace('-', "_");
    let patterns = [format!("{ident}::"), format!("use {ident}"), format!("extern crate {ident}"), format!("{ident}!")];
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(p) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&p) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if patterns.iter().any(|pat| text.contains(pat.as_str())) {
                    return true;
                }
            }
        }
    }
    false
}

/// Dependencies named for what they switch on, not for code that names them.
fn needed_without_a_use(krate: &str, dep: &str) -> bool {
    matches!(
        (krate, dep),
        // flate2 turns zlib-rs's CPU detection off; naming it with "std" turns it back on
        ("digindex-openalex", "zlib-rs") // the workspace's lints deny nothing here; serde derives go through `serde::`
    )
}

#[test]
fn every_dependency_is_used() {
    let mut unused = Vec::new();
    for k in crates().values() {
        let src = vec![k.dir.join("src")];
        for d in &k.normal {
            if !needed_without_a_use(&k.name, d) && !used_in(&src, d) {
                unused.push(format!("{}: {d}", k.name));
            }
        }
        let dev_dirs = vec![k.dir.join("src"), k.dir.join("tests"), k.dir.join("benches")];
        for d in k.dev.iter().filter(|d| !k.normal.contains(*d)) {
            if !used_in(&dev_dirs, d) {
                unused.push(format!("{} (dev): {d}", k.name));
            }
        }
    }
    assert!(unused.is_empty(), "dependencies no code uses (remove them from the manifest): {unused:?}");
}
