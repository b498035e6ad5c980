//! `digindex data` and `digindex regions`: coverage of a region, an
//! indicator's values, the regions' members, and names suggested for typos.

use crate::util::{digindex, root, stderr};

#[test]
fn data_and_region_commands() {
    let data = root().join("data");
    let d = data.to_str().expect("utf8");
    let o = digindex(&["data", "coverage", "--region", "apt", "--data", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("apt — Asia-Pacific Telecommunity: the 38 members (38 members)"), "{text}");
    // one row per shipped indicator, each with 38 marks
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert!(rows.len() > 50);
    assert!(rows.iter().all(|r| r.chars().filter(|c| *c == '■' || *c == '·').count() == 38), "{text}");
    let o = digindex(&[
        "data",
        "show",
        "ncses_ai_articles_whole",
        "--region",
        "middle_east",
        "--year",
        "2022",
        "--data",
        d,
    ]);
    let text = String::from_utf8_lossy(&o.stdout);
    let units: Vec<&str> = text.lines().skip(3).map(|l| &l[..3]).collect();
    assert_eq!(units.len(), 16);
    assert_eq!(&units[..2], &["TUR", "IRN"], "{text}");
    let o = digindex(&["data", "show", "ncses_ai_articles", "--data", d]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("did you mean \"ncses_ai_articles_whole\""), "{}", stderr(&o));
    let o = digindex(&["regions", "show", "gcc"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2 + 6);
    let o = digindex(&["regions", "show", "gccc"]);
    assert!(stderr(&o).contains("did you mean \"gcc\""));
    let o = digindex(&["data", "list", "--data", "/nonexistent"]);
    assert!(stderr(&o).contains("catalog.toml not found"));
}
