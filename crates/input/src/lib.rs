//! # digindex-input — files in
//!
//! Reads the inputs a spec names, strictly:
//!
//! * [`table`] — a strict CSV reader: every error names the file, the line,
//!   the column and what was expected;
//! * [`coinr`] — COINr's `iData` / `iMeta` tables, unchanged;
//! * [`long`] — the native layout: a long `unit,indicator,value` table, a
//!   framework table (or inline `[[framework]]` entries) and a unit table;
//! * [`number`] — numbers as the shortest text that reads back exactly.
//!
//! Paths in a spec are relative to the spec file. The catalogue layout is
//! read by `digindex-sources`; the `digindex` crate picks the reader for a
//! spec and writes the outputs.

pub mod coinr;
pub mod long;
pub mod number;
pub mod table;

use std::path::{Path, PathBuf};

use digindex_pipeline::{Inputs, Spec};
use sha2::{Digest, Sha256};

pub use table::InputError;

/// An input file as read: its path and SHA-256.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InputFile {
    pub role: String,
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The largest input file read whole (1 GiB): anything larger is not a
/// spec, a catalogue or a table this tool reads into memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// Reads a whole regular file of at most [`MAX_INPUT_BYTES`]. A device, a
/// FIFO or a folder is refused at once (`/dev/zero` would be read until
/// memory runs out, a FIFO would block).
pub fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, "not a regular file (a folder, device or pipe)"));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("{} bytes, more than the {MAX_INPUT_BYTES} an input file may have", meta.len()),
        ));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)?.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::new(ErrorKind::InvalidInput, "the file grew beyond the input limit while read"));
    }
    Ok(bytes)
}

/// Reads a whole text file (see [`read_file`]).
pub fn read_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_file(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not UTF-8 text: {e}")))
}

/// Reads a whole file, recording its hash.
pub fn read_input(role: &str, path: &Path, files: &mut Vec<InputFile>) -> Result<Vec<u8>, InputError> {
    let bytes = read_file(path).map_err(|e| InputError::file(path, format!("cannot read the {role} file: {e}")))?;
    files.push(InputFile {
        role: role.to_string(),
        path: path.display().to_string(),
        sha256: sha256_hex(&bytes),
        bytes: bytes.len() as u64,
    });
    Ok(bytes)
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Resolves a spec path relative to the spec file's directory.
pub fn resolve(base: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() { p.to_path_buf() } else { base.join(p) }
}

/// Reads the data a spec names. `spec_path` is the spec file: paths in the
/// spec are relative to its directory, and problems with the spec's own
/// settings are reported against it.
pub fn load(spec: &Spec, spec_path: &Path) -> Result<(Inputs, Vec<InputFile>), InputError> {
    let spec_dir = spec_path.parent().unwrap_or(Path::new(""));
    let d = &spec.data;
    if d.catalog.is_some() {
        return Err(InputError {
            path: spec_path.display().to_string(),
            line: None,
            column: Some("data.catalog".into()),
            message: "specs on the shipped catalogue are loaded by digindex-sources (digindex_sources::panel::load; digindex::load picks the reader)"
                .into(),
        });
    }
    let mut files = Vec::new();
    let inputs = match (&d.idata, &d.imeta, &d.values) {
        (Some(_), Some(_), None) if !spec.framework.is_empty() || d.framework.is_some() || d.units.is_some() => {
            return Err(InputError {
                path: spec_path.display().to_string(),
                line: None,
                column: Some("data".into()),
                message: "with idata + imeta the framework and units come from iMeta and iData; remove data.framework, data.units and [[framework]] entries (they belong to the long layout)".into(),
            });
        }
        (Some(idata), Some(imeta), None) => coinr::load(
            &resolve(spec_dir, idata),
            &resolve(spec_dir, imeta),
            d.time,
            &spec.index.level_names,
            spec_path,
            &mut files,
        )?,
        (None, None, Some(values)) => long::load(spec, spec_path, &resolve(spec_dir, values), &mut files)?,
        _ => {
            return Err(InputError {
                path: spec_path.display().to_string(),
                line: None,
                column: Some("data".into()),
                message: "[data] needs either idata + imeta (COINr tables) or values (a long unit,indicator,value table) with a framework".into(),
            });
        }
    };
    Ok((inputs, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(unix)]
    fn devices_and_folders_are_refused_at_once() {
        // /dev/zero would be read until memory runs out
        let e = read_input("catalogue", Path::new("/dev/zero"), &mut Vec::new()).unwrap_err().to_string();
        assert!(e.contains("/dev/zero") && e.contains("not a regular file"), "{e}");
        let dir = std::env::temp_dir();
        assert!(read_file(&dir).unwrap_err().to_string().contains("not a regular file"));
    }

    #[test]
    fn a_regular_file_is_read_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "héllo").expect("write");
        assert_eq!(read_text(&p).expect("reads"), "héllo");
        std::fs::write(&p, [0xff, 0xfe]).expect("write");
        assert!(read_text(&p).unwrap_err().to_string().contains("not UTF-8"));
    }
}
