//! Where a spec comes from: a TOML file, or a framework folder holding
//! `index.toml`; its name (for output folders and addresses), its
//! overrides (`--set KEY=VALUE`), and its reference year.

use std::path::{Path, PathBuf};

use digindex_input::InputFile;
use digindex_pipeline::Spec;

use crate::{Error, Result};

/// A spec as read: the recipe with its overrides applied, where it was
/// read from, and the file's hash for the manifest.
#[derive(Debug, Clone)]
pub struct Recipe {
    pub spec: Spec,
    /// SPEC as given: a spec file or a framework folder.
    pub path: PathBuf,
    /// The overrides applied, as given.
    pub overrides: Vec<String>,
    pub file: InputFile,
}

impl Recipe {
    /// Reads and checks the spec at `path` (a file or a framework folder)
    /// with `overrides` (`KEY=VALUE`, a TOML value each).
    pub fn read(path: &Path, overrides: &[String]) -> Result<Recipe> {
        let file_path = spec_file(path);
        let mut files = Vec::new();
        let text = digindex_input::read_input("spec", &file_path, &mut files)?;
        let text = String::from_utf8(text)
            .map_err(|_| Error::invalid(format!("{}: the spec is not valid UTF-8", file_path.display())))?;
        let spec = Spec::parse(&text, overrides).map_err(|error| Error::Spec { path: file_path.clone(), error })?;
        let file = files.pop().ok_or_else(|| Error::invalid("internal: spec file not recorded"))?;
        Ok(Recipe { spec, path: path.to_path_buf(), overrides: overrides.to_vec(), file })
    }

    /// The spec file itself (`index.toml` of a framework folder).
    pub fn file_path(&self) -> PathBuf {
        spec_file(&self.path)
    }

    /// The folder paths in the spec are relative to.
    pub fn dir(&self) -> PathBuf {
        self.file_path().parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// The spec's name: its folder's (a framework folder) or its file's.
    pub fn name(&self) -> Option<String> {
        spec_name(&self.path)
    }

    /// The default output folder: `out/<name>`.
    pub fn default_out(&self) -> PathBuf {
        Path::new("out").join(self.name().unwrap_or_default())
    }

    /// The spec's reference year (`data.time`), when it is a whole year.
    pub fn reference_year(&self) -> Option<i32> {
        reference_year(&self.spec)
    }
}

/// A spec's name: its folder's (a framework folder) or its file's, without extension.
pub fn spec_name(spec: &Path) -> Option<String> {
    let name = if spec.is_dir() { spec.file_name() } else { spec.file_stem() };
    name.map(|n| n.to_string_lossy().into_owned())
}

/// The spec file: SPEC itself, or `SPEC/index.toml` for a framework folder.
pub fn spec_file(spec: &Path) -> PathBuf {
    if spec.is_dir() { spec.join("index.toml") } else { spec.to_path_buf() }
}

/// A spec's reference year (`data.time`), when it is a whole year.
pub fn reference_year(spec: &Spec) -> Option<i32> {
    spec.data.time.filter(|t| t.fract() == 0.0 && t.abs() < 1e6).map(|t| t as i32)
}

/// The year a single-year index stands for where one must be named (a
/// claim's reading, the report's data): `data.time` truncated to a whole
/// year, or 0 when the spec has none (COINr tables without a time column).
/// Unlike [`reference_year`], never `None`.
pub fn stated_year(spec: &Spec) -> i32 {
    spec.data.time.map_or(0, |t| t as i32)
}
