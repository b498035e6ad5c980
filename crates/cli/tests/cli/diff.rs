//! `digindex diff` on the ASEM example: the movers it reports and the
//! changes it writes.

use std::fs;

use crate::util::{digindex, ok, root, run};

#[test]
fn diff_reports_movers_and_writes_changes() {
    let dir = tempfile::tempdir().expect("tmp");
    let spec = root().join("examples/asem/asem.toml");
    let out = dir.path().join("diff.csv");
    let stdout = ok(&run("diff", &spec, &out, &["aggregate.method=\"geometric\"", "normalise.range=[1,100]"], &[]));
    assert!(stdout.starts_with("Index: "), "{stdout}");
    let text = fs::read_to_string(&out).expect("csv");
    assert_eq!(
        text.lines().next(),
        Some("unit,code,score_before,score_after,score_change,rank_before,rank_after,rank_change")
    );
    assert_eq!(text.lines().count(), 1 + 51 * 60);
    // rows of a code come largest move first
    let moves: Vec<i64> = text
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("Index"))
        .map(|l| l.rsplit(',').next().expect("col").parse::<i64>().expect("int").abs())
        .collect();
    assert!(moves.windows(2).all(|w| w[0] >= w[1]));
    // no change, no movers
    let o = digindex(&["diff", spec.to_str().expect("utf8")]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("Index: 0 of 51 units change rank"));
}
