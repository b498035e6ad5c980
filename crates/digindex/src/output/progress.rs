//! `progress.csv` and `targets.csv`: a series read for progress (see
//! [`digindex_audit::progress`]).

use std::io::{self, Write};

use digindex_audit::progress::Progress;
use digindex_input::number::format_number;

fn num(v: Option<f64>) -> String {
    v.map(format_number).unwrap_or_default()
}

fn int<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// `progress.csv`: one row per unit, aggregate and year.
pub fn write_progress<W: Write>(w: W, p: &Progress) -> io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record([
        "unit",
        "code",
        "level",
        "year",
        "score",
        "rank",
        "of",
        "rank_low",
        "rank_high",
        "previous_year",
        "change_previous",
        "change_first",
        "change_baseline",
        "rank_change_first",
        "movement",
        "to_frontier",
    ])?;
    for r in &p.rows {
        wtr.write_record([
            r.unit.clone(),
            r.code.clone(),
            r.level.to_string(),
            r.year.to_string(),
            format_number(r.score),
            int(r.rank),
            r.of.to_string(),
            num(r.rank_low),
            num(r.rank_high),
            int(r.previous_year),
            num(r.change_previous),
            num(r.change_first),
            num(r.change_baseline),
            int(r.rank_change_first),
            r.movement.map(|m| m.as_str().to_string()).unwrap_or_default(),
            format_number(r.to_frontier),
        ])?;
    }
    wtr.flush()
}

/// `targets.csv`: one row per unit and official target.
pub fn write_targets<W: Write>(w: W, p: &Progress) -> io::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    wtr.write_record([
        "unit",
        "code",
        "target",
        "target_year",
        "value",
        "data_year",
        "flag",
        "first_value",
        "first_data_year",
        "gap",
        "pace",
        "reaches_by",
        "status",
    ])?;
    for r in &p.targets {
        wtr.write_record([
            r.unit.clone(),
            r.code.clone(),
            format_number(r.target),
            r.target_year.to_string(),
            format_number(r.value),
            int(r.data_year),
            r.flag.name().to_string(),
            num(r.first_value),
            int(r.first_data_year),
            format_number(r.gap),
            num(r.pace),
            int(r.reaches_by),
            r.status.as_str().to_string(),
        ])?;
    }
    wtr.flush()
}
