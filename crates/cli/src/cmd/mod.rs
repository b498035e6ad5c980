//! One subcommand per file; each parses its arguments, calls the
//! application (`digindex`) and prints.

pub mod audit;
pub mod build;
pub mod check;
pub mod data;
pub mod diff;
pub mod generate;
pub mod openalex;
pub mod report;
pub mod serve;

use std::path::PathBuf;

/// The arguments every spec-driven command shares.
#[derive(clap::Args)]
pub struct SpecArgs {
    /// The spec file (TOML).
    pub spec: PathBuf,
    /// Output directory, replaced as a whole if it holds a previous output
    /// (default: out/<the spec's folder or file name>).
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Override a spec key: KEY=VALUE with a TOML value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl SpecArgs {
    /// The spec with its overrides.
    pub fn recipe(&self) -> digindex::Result<digindex::Recipe> {
        digindex::Recipe::read(&self.spec, &self.set)
    }

    /// The output directory: --out, or out/<name of the spec folder or file>.
    pub fn out_dir(&self, recipe: &digindex::Recipe) -> PathBuf {
        self.out.clone().unwrap_or_else(|| recipe.default_out())
    }
}

/// Prints the lines `summary` makes; false when standard output is closed
/// (`digindex … | head`): the command then stops quietly, as `out!` does.
pub fn print(summary: impl FnOnce(&mut Vec<String>)) -> bool {
    use std::io::Write as _;
    let mut lines = Vec::new();
    summary(&mut lines);
    let mut o = std::io::stdout().lock();
    lines.iter().all(|l| writeln!(o, "{l}").is_ok())
}
