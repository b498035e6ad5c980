//! What every command's tests share: the repository root, the `digindex`
//! binary run with or without a working directory, and its output as text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root (examples, frameworks, data and claims live there).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `digindex` binary built for these tests, not yet run.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_digindex"))
}

/// Runs `digindex ARGS` in the test's own working directory.
pub fn digindex(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

/// Runs `digindex ARGS` with `dir` as the working directory.
pub fn digindex_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().expect("binary runs")
}

/// `digindex COMMAND INPUT --out OUT [--set S]... [extra]...`.
pub fn run(command: &str, input: &Path, out: &Path, sets: &[&str], extra: &[&str]) -> Output {
    let mut args = vec![command, input.to_str().expect("utf8"), "--out", out.to_str().expect("utf8")];
    for s in sets {
        args.push("--set");
        args.push(s);
    }
    args.extend_from_slice(extra);
    digindex(&args)
}

/// The run's stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run's stdout as text, after checking it succeeded (else its stderr is shown).
pub fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", stderr(o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}
