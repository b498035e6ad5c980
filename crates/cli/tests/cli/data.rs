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

/// A catalogue of the indicators `codes` (long tables in `t/CODE.csv`).
fn catalogue(dir: &std::path::Path, tables: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("t")).expect("dir");
    let mut toml = String::from(
        "[[dataset]]\nid = \"t\"\ntitle = \"test data\"\nfolder = \"t\"\nlicence = \"CC0\"\nsource = \"the test\"\n",
    );
    for (code, csv) in tables {
        toml.push_str(&format!(
            "\n[[indicator]]\ncode = \"{code}\"\nname = \"{code}\"\nunit = \"u\"\ndataset = \"t\"\nfile = \"{code}.csv\"\nformat = \"long\"\n"
        ));
        std::fs::write(dir.join("t").join(format!("{code}.csv")), csv).expect("csv");
    }
    std::fs::write(dir.join("catalog.toml"), toml).expect("toml");
}

#[test]
fn data_diff_lists_revisions_additions_and_removals() {
    let dir = tempfile::tempdir().expect("tmp");
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    catalogue(
        &old,
        &[("x", "unit,year,value\nAUS,2022,10\nJPN,2022,20\nKOR,2022,30\n"), ("gone", "unit,year,value\nAUS,2022,1\n")],
    );
    // JPN revised 20 -> 25 (+25%), KOR 30 -> 31, NZL added, AUS removed
    catalogue(
        &new,
        &[("x", "unit,year,value\nJPN,2022,25\nKOR,2022,31\nNZL,2022,7\n"), ("fresh", "unit,year,value\nAUS,2023,2\n")],
    );
    let csv = dir.path().join("diff.csv");
    let o = digindex(&[
        "data",
        "diff",
        old.to_str().expect("utf8"),
        new.join("catalog.toml").to_str().expect("utf8"),
        "--out",
        csv.to_str().expect("utf8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("x: 2 revised, 1 added, 1 removed"), "{text}");
    assert!(
        text.contains("only in the old catalogue: gone") && text.contains("only in the new catalogue: fresh"),
        "{text}"
    );
    // the biggest revision first
    let first = text.lines().skip_while(|l| !l.starts_with("biggest revisions")).nth(1).expect("a revision");
    assert_eq!(first.trim(), "x JPN 2022: 20 -> 25 (+25.0%)");
    let written = std::fs::read_to_string(&csv).expect("csv");
    let rows: Vec<&str> = written.lines().collect();
    assert_eq!(rows[0], "indicator,unit,year,change,old,new,difference,relative");
    assert_eq!(rows[1], "x,JPN,2022,revised,20,25,5,0.25");
    assert!(rows.contains(&"x,NZL,2022,added,,7,,") && rows.contains(&"x,AUS,2022,removed,10,,,"), "{rows:?}");
    // an indicator in neither: an error naming it
    let o =
        digindex(&["data", "diff", old.to_str().expect("utf8"), new.to_str().expect("utf8"), "--indicator", "nope"]);
    assert!(!o.status.success() && stderr(&o).contains("no indicator \"nope\""), "{}", stderr(&o));
}
