//! The downloads: the scores table as CSV ([`scores_csv`]) and the XLSX
//! workbook of scores, data and framework ([`workbook`]).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::PublishError;
use crate::model::Model;

/// The scores table as CSV: unit, name, then per code score and rank
/// (index first, framework order from the top), then the rank interval.
/// Numbers are written as in the model's JSON.
pub fn scores_csv(model: &Model) -> String {
    let codes = model.codes_top_down();
    let mut header = vec!["unit".to_string(), "name".to_string()];
    for c in &codes {
        header.push(text(c));
        header.push(text(&format!("{c}_rank")));
    }
    header.extend(["rank_q05".to_string(), "rank_q95".to_string()]);
    let intervals: BTreeMap<&str, (Option<f64>, Option<f64>)> =
        model.intervals.iter().flatten().map(|i| (i.unit.as_str(), (i.q05, i.q95))).collect();
    let mut rows = vec![header];
    for (k, u) in model.units.iter().enumerate() {
        let mut row = vec![text(&u.code), text(&u.name)];
        for c in &codes {
            row.push(number(model.score(c, k)));
            row.push(model.rank(c, k).map(|r| r.to_string()).unwrap_or_default());
        }
        let (a, b) = intervals.get(u.code.as_str()).copied().unwrap_or_default();
        row.extend([number(a), number(b)]);
        rows.push(row);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in &rows {
        // cannot fail: the writer writes to memory, and every row has the header's length
        w.write_record(row).expect("a CSV record in memory");
    }
    let bytes = w.into_inner().map_err(|e| e.into_error()).expect("a CSV in memory");
    // the fields are `str`s, so the text is UTF-8
    String::from_utf8_lossy(&bytes).into_owned()
}

/// A number as the model's JSON writes it; empty when there is none.
fn number(x: Option<f64>) -> String {
    x.map(|x| Value::from(x).to_string()).unwrap_or_default()
}

/// A text field with a leading `=`, `+`, `-` or `@` neutralised with `'`,
/// so that spreadsheets do not run it as a formula (the CSV writer quotes).
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() }
}

/// A cell of the workbook's sheets.
enum Cell<'a> {
    Number(f64),
    Text(&'a str),
    Empty,
}

/// Writes a row of cells from column 0 (an empty cell is left empty).
fn write_row<'a>(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = Cell<'a>>,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (j, cell) in cells.into_iter().enumerate() {
        let col = j as u16;
        match cell {
            Cell::Number(x) => {
                ws.write_number(row, col, x)?;
            }
            Cell::Text(s) => {
                ws.write_string(row, col, s)?;
            }
            Cell::Empty => {}
        }
    }
    Ok(())
}

impl Cell<'_> {
    fn text(s: &Option<String>) -> Cell<'_> {
        s.as_deref().map_or(Cell::Empty, Cell::Text)
    }

    /// Entry `k` of a per-unit list of texts.
    fn at(list: &[Option<String>], k: usize) -> Cell<'_> {
        list.get(k).and_then(Option::as_deref).map_or(Cell::Empty, Cell::Text)
    }

    fn number(x: Option<f64>) -> Cell<'static> {
        x.map_or(Cell::Empty, Cell::Number)
    }
}

/// The XLSX workbook: sheets `Scores` (as [`scores_csv`]), `Data as used`
/// (every indicator value as the index used it, with its unit, year and
/// flag, and the source's own value beside it) and `Framework` (tree,
/// weights, sources).
pub fn workbook(model: &Model) -> Result<Vec<u8>, PublishError> {
    use rust_xlsxwriter::{Format, Workbook};
    let e = |e: rust_xlsxwriter::XlsxError| PublishError::Workbook(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let units = &model.units;
    let codes = model.codes_top_down();
    {
        let ws = wb.add_worksheet().set_name("Scores").map_err(e)?;
        ws.write_string_with_format(0, 0, "unit", &bold).map_err(e)?;
        ws.write_string_with_format(0, 1, "name", &bold).map_err(e)?;
        for (j, c) in codes.iter().enumerate() {
            let col = 2 + 2 * j as u16;
            ws.write_string_with_format(0, col, *c, &bold).map_err(e)?;
            ws.write_string_with_format(0, col + 1, format!("{c} rank"), &bold).map_err(e)?;
        }
        for (k, u) in units.iter().enumerate() {
            let row = 1 + k as u32;
            ws.write_string(row, 0, &u.code).map_err(e)?;
            ws.write_string(row, 1, &u.name).map_err(e)?;
            for (j, c) in codes.iter().enumerate() {
                let col = 2 + 2 * j as u16;
                if let Some(s) = model.score(c, k) {
                    ws.write_number(row, col, s).map_err(e)?;
                }
                if let Some(r) = model.rank(c, k) {
                    ws.write_number(row, col + 1, f64::from(r)).map_err(e)?;
                }
            }
        }
        ws.set_freeze_panes(1, 2).map_err(e)?;
    }
    {
        // each indicator value as the index used it, in the unit it was
        // used in, with its year and flag; the source's own value (a total
        // before any division) beside it, in the source's unit
        let ws = wb.add_worksheet().set_name("Data as used").map_err(e)?;
        let head = [
            "unit",
            "indicator",
            "value",
            "unit_of_measure",
            "data_year",
            "flag",
            "detail",
            "source_value",
            "source_unit",
        ];
        for (j, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &bold).map_err(e)?;
        }
        let mut row = 1u32;
        for (code, v) in &model.values {
            let node = model.nodes.iter().find(|n| n.code == *code);
            let unit_used = node.and_then(|n| n.unit.as_deref());
            let source_unit = node.and_then(|n| n.source_unit.as_deref());
            for (k, u) in units.iter().enumerate() {
                let cells = [
                    Cell::Text(&u.code),
                    Cell::Text(code),
                    Cell::number(v.value.get(k).copied().flatten()),
                    unit_used.map_or(Cell::Empty, Cell::Text),
                    Cell::number(v.year.get(k).copied().flatten().map(f64::from)),
                    Cell::at(&v.flag, k),
                    Cell::at(&v.detail, k),
                    Cell::number(model.raw_value(code, k)),
                    source_unit.map_or(Cell::Empty, Cell::Text),
                ];
                write_row(ws, row, cells).map_err(e)?;
                row += 1;
            }
        }
        ws.set_freeze_panes(1, 2).map_err(e)?;
    }
    {
        let ws = wb.add_worksheet().set_name("Framework").map_err(e)?;
        for (j, h) in ["code", "name", "level", "parent", "weight", "effective weight", "direction", "source", "unit"]
            .iter()
            .enumerate()
        {
            ws.write_string_with_format(0, j as u16, *h, &bold).map_err(e)?;
        }
        for (k, n) in model.nodes.iter().enumerate() {
            let row = 1 + k as u32;
            let cells = [
                Cell::Text(&n.code),
                Cell::Text(&n.name),
                Cell::Number(f64::from(n.level)),
                Cell::text(&n.parent),
                Cell::number(n.weight),
                Cell::number(n.effective),
                // (a direction that is not a number is written `null` in the model)
                Cell::number(n.direction.is_finite().then_some(n.direction)),
                Cell::text(&n.source),
                Cell::text(&n.unit),
            ];
            write_row(ws, row, cells).map_err(e)?;
        }
    }
    if let Some(p) = &model.progress {
        // a series: the index and its aggregates in every year built
        let ws = wb.add_worksheet().set_name("Years").map_err(e)?;
        let head =
            ["unit", "name", "code", "year", "score", "rank", "rank q05", "rank q95", "movement since first year"];
        for (j, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &bold).map_err(e)?;
        }
        let mut row = 1u32;
        for (code, per_year) in &p.scores {
            for (t, (year, scores)) in p.years.iter().zip(per_year).enumerate() {
                for (k, u) in p.units.iter().enumerate() {
                    let Some(score) = scores.get(k).copied().flatten() else { continue };
                    let at = |m: &std::collections::BTreeMap<String, Vec<Vec<Option<f64>>>>| {
                        m.get(code).and_then(|v| v.get(t)).and_then(|v| v.get(k)).copied().flatten()
                    };
                    ws.write_string(row, 0, &u.code).map_err(e)?;
                    ws.write_string(row, 1, &u.name).map_err(e)?;
                    ws.write_string(row, 2, code).map_err(e)?;
                    ws.write_number(row, 3, f64::from(*year)).map_err(e)?;
                    ws.write_number(row, 4, score).map_err(e)?;
                    if let Some(r) = p.ranks.get(code).and_then(|v| v.get(t)).and_then(|v| v.get(k)).copied().flatten()
                    {
                        ws.write_number(row, 5, f64::from(r)).map_err(e)?;
                    }
                    for (j, x) in [(6, at(&p.low)), (7, at(&p.high))] {
                        if let Some(x) = x {
                            ws.write_number(row, j, x).map_err(e)?;
                        }
                    }
                    let moved = p.movement.get(code).and_then(|v| v.get(t)).and_then(|v| v.get(k)).cloned().flatten();
                    if let Some(m) = moved {
                        ws.write_string(row, 8, &m).map_err(e)?;
                    }
                    row += 1;
                }
            }
        }
        ws.set_freeze_panes(1, 2).map_err(e)?;
    }
    wb.save_to_buffer().map_err(e)
}
