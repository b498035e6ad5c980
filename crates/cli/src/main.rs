//! `digindex` — build, audit and publish composite indices.
//!
//! One subcommand per file in `cmd/`, each a thin layer over the library
//! crates: read files, call the computing core, write files, report.

/// `println!` that stops quietly when stdout is closed (`digindex … | head`)
/// instead of panicking: the enclosing function returns `Ok(())`.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($t)*).is_err() {
            return Ok(());
        }
    }};
}

mod cmd;
mod progress;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "digindex", version, about = "Build, audit and publish composite indices of countries", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build an index from a spec: every stage, scores, ranks and a manifest.
    Build(cmd::build::Args),
    /// Audit an index: coherence, Monte Carlo rank intervals, Sobol sensitivity.
    Audit(cmd::audit::Args),
    /// Show what a change does: rank and score changes between two builds.
    Diff(cmd::diff::Args),
    /// The shipped data: list, show an indicator, coverage by region.
    Data(cmd::data::DataArgs),
    /// Named region sets (APT, UN M49, World Bank, Middle East…).
    Regions(cmd::data::RegionArgs),
    /// Check ranking claims under every reading they allow.
    Check(cmd::check::Args),
    /// OpenAlex works to indicators per country and year (streaming).
    Openalex(cmd::openalex::Args),
    /// A self-contained HTML report (ranking, map, profiles, method, claims).
    Report(cmd::report::Args),
    /// The dashboard and JSON API, live (loopback by default).
    Serve(cmd::serve::Args),
    /// The man page or a shell's completion script, from these definitions.
    Generate(cmd::generate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Audit(args) => cmd::audit::run(args),
        Command::Diff(args) => cmd::diff::run(args),
        Command::Data(args) => cmd::data::run(args),
        Command::Regions(args) => cmd::data::run_regions(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Openalex(args) => cmd::openalex::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Generate(args) => cmd::generate::run(args, Cli::command()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
