//! `digindex generate man|bash|zsh|fish|powershell|elvish`
//!
//! The man page (roff) or a shell's completion script, generated from the
//! command-line definition itself, so they cannot drift from it. E.g.
//! `digindex generate man > digindex.1`,
//! `digindex generate bash > /usr/share/bash-completion/completions/digindex`.

use anyhow::Result;
use clap_complete::{Generator, Shell};

#[derive(clap::Args)]
pub struct Args {
    /// What to generate.
    #[arg(value_enum)]
    what: What,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum What {
    /// The man page (roff), for `man -l` or a man folder.
    Man,
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
}

pub fn run(args: Args, mut command: clap::Command) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let shell = match args.what {
        What::Man => return write_or_closed(clap_mangen::Man::new(command).render(&mut out)),
        What::Bash => Shell::Bash,
        What::Zsh => Shell::Zsh,
        What::Fish => Shell::Fish,
        What::Powershell => Shell::PowerShell,
        What::Elvish => Shell::Elvish,
    };
    // as clap_complete::generate does, but a closed pipe is not a panic
    command.set_bin_name("digindex");
    command.build();
    write_or_closed(shell.try_generate(&command, &mut out))
}

/// A closed standard output (`digindex generate man | head`) is not an error.
fn write_or_closed(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
