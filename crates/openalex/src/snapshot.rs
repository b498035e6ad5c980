//! The input files of a run: files as given, or a snapshot folder's
//! `manifest` (sizes checked), or else every `.gz` / `.jsonl` file beneath
//! a folder, never the other entities' folders beside `works`.

use std::path::PathBuf;

use crate::OpenAlexError;

/// Snapshot folders beside `works` (whose files must not be read as works).
const OTHER_ENTITIES: &[&str] =
    &["authors", "institutions", "sources", "publishers", "funders", "concepts", "topics", "merged_ids"];

/// The input files: `.jsonl` / `.jsonl.gz` / `.gz` files as given, and for a
/// directory its snapshot `manifest` (entries' `url`, mapped below the
/// directory, in the manifest's order; each file's size checked against
/// the entry's `meta.content_length` where given) or else every `.gz` /
/// `.jsonl` file beneath it, in path order.
pub fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, OpenAlexError> {
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            let manifest = i.join("manifest");
            if manifest.is_file() {
                let text = std::fs::read_to_string(&manifest).map_err(|e| OpenAlexError::file(&manifest, e))?;
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| OpenAlexError::file(&manifest, format!("not a snapshot manifest: {e}")))?;
                let bad = |message: String| OpenAlexError::file(&manifest, message);
                let entries = v["entries"].as_array().filter(|e| !e.is_empty());
                let Some(entries) = entries else {
                    return Err(bad("no `entries`: not a snapshot manifest, or an empty one".into()));
                };
                for (n, e) in entries.iter().enumerate() {
                    let url = e["url"].as_str().unwrap_or_default();
                    // s3://openalex/data/works/updated_date=…/part_000.gz → below the works folder
                    let rel = url.split_once("updated_date=").map(|(_, r)| format!("updated_date={r}"));
                    let Some(rel) = rel else {
                        return Err(bad(format!(
                            "entry {}: expected a `url` ending in updated_date=YYYY-MM-DD/<file>.gz, found {:?}",
                            n + 1,
                            e["url"]
                        )));
                    };
                    let p = i.join(&rel);
                    let size = std::fs::metadata(&p).ok().filter(|m| m.is_file()).map(|m| m.len());
                    let Some(size) = size else {
                        return Err(OpenAlexError::file(
                            &p,
                            "listed in the manifest but missing: the snapshot copy is incomplete",
                        ));
                    };
                    // a partial download is found before hours of reading
                    if let Some(want) = e["meta"]["content_length"].as_u64().filter(|w| *w != size) {
                        return Err(OpenAlexError::file(
                            &p,
                            format!(
                                "{size} bytes, but the manifest says {want}: the download is incomplete or from \
                                 another snapshot; fetch it again"
                            ),
                        ));
                    }
                    out.push(p);
                }
            } else {
                let mut stack = vec![i.clone()];
                let mut found = Vec::new();
                // folders reached through symbolic links are walked once (a link back up is a loop)
                let mut seen_dirs: std::collections::HashSet<PathBuf> = std::fs::canonicalize(i).into_iter().collect();
                while let Some(d) = stack.pop() {
                    let rd = std::fs::read_dir(&d).map_err(|e| OpenAlexError::file(&d, e))?;
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            if !std::fs::canonicalize(&p).is_ok_and(|c| seen_dirs.insert(c)) {
                                continue;
                            }
                            // the walk would read authors, institutions… as works
                            if p.file_name().is_some_and(|n| n == "works")
                                && OTHER_ENTITIES.iter().any(|o| d.join(o).is_dir())
                            {
                                return Err(OpenAlexError::file(
                                    i,
                                    format!(
                                        "holds other OpenAlex entities besides works: give the works folder, {}",
                                        p.display()
                                    ),
                                ));
                            }
                            stack.push(p);
                        } else if p.extension().is_some_and(|x| x == "gz" || x == "jsonl") && p.is_file() {
                            // regular files only: opening a pipe would block
                            found.push(p);
                        }
                    }
                }
                found.sort();
                out.extend(found);
            }
        } else if i.is_file() {
            out.push(i.clone());
        } else if i.exists() {
            return Err(OpenAlexError::file(i, "not a regular file (a device or pipe): give .gz or .jsonl files"));
        } else {
            return Err(OpenAlexError::file(i, "no such file or directory"));
        }
    }
    // a file named twice, or reached twice through links, is read once
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}
