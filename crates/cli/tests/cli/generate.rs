//! `digindex generate`: the man page and completion scripts come from the
//! command-line definition, so every subcommand and flag is in them.

use crate::util::{digindex, ok};

const SUBCOMMANDS: [&str; 10] =
    ["build", "audit", "diff", "data", "regions", "check", "openalex", "report", "serve", "generate"];

#[test]
fn the_man_page_lists_every_subcommand() {
    let man = ok(&digindex(&["generate", "man"]));
    assert!(man.contains(".TH digindex 1"), "{}", &man[..man.len().min(300)]);
    for s in SUBCOMMANDS {
        assert!(man.contains(&format!("digindex\\-{s}")) || man.contains(s), "{s} missing from the man page");
    }
}

#[test]
fn completions_know_subcommands_and_flags() {
    let bash = ok(&digindex(&["generate", "bash"]));
    assert!(bash.contains("_digindex()"), "not a bash completion script");
    for s in SUBCOMMANDS {
        assert!(bash.contains(s), "{s} missing from the bash completions");
    }
    for flag in ["--no-audit", "--corr-high", "--max-line-bytes", "--allow-host"] {
        assert!(bash.contains(flag), "{flag} missing from the bash completions");
    }
    let zsh = ok(&digindex(&["generate", "zsh"]));
    assert!(zsh.starts_with("#compdef digindex"), "not a zsh completion script");
    let fish = ok(&digindex(&["generate", "fish"]));
    assert!(fish.contains("complete -c digindex"), "not a fish completion script");
    // an unknown target is refused with the ones known
    let o = digindex(&["generate", "tcsh"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bash") && err.contains("man"), "{err}");
}
