//! `digindex._digindex`: the native half of the Python package. It runs
//! the application layer's jobs (`digindex::build`, `digindex::check`,
//! `digindex::publish`) with the GIL released and hands back tables as
//! columns: numbers as one buffer of little-endian `f64` per column (read
//! by `numpy.frombuffer` without a copy per cell), text as lists; small
//! structured results (manifest, verdicts) as JSON text. The Python half
//! (`digindex/__init__.py`) turns them into DataFrames.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use digindex::build::{Job, Settings};

pyo3::create_exception!(
    _digindex,
    DigindexError,
    PyRuntimeError,
    "An error of a digindex job, with its chain of causes."
);

fn err(e: digindex::Error) -> PyErr {
    DigindexError::new_err(digindex::chain(&e))
}

/// A column: numbers (missing as NaN) or text.
enum Col {
    Num(Vec<f64>),
    Text(Vec<String>),
}

/// A table: named columns of equal length.
type Table = Vec<(String, Col)>;

fn to_py<'py>(py: Python<'py>, t: &Table) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for (name, col) in t {
        let cell: Bound<'py, PyAny> = match col {
            Col::Num(v) => {
                let mut bytes = Vec::with_capacity(v.len() * 8);
                for x in v {
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
                ("f64", PyBytes::new(py, &bytes)).into_pyobject(py)?.into_any()
            }
            Col::Text(v) => ("str", PyList::new(py, v)?).into_pyobject(py)?.into_any(),
        };
        out.append((name.as_str(), cell))?;
    }
    Ok(out)
}

fn opt(x: Option<f64>) -> f64 {
    x.unwrap_or(f64::NAN)
}

/// The long scores table (`scores.csv`), with a year column for a series.
fn scores(builds: &[(Option<i32>, &digindex_pipeline::Build)], fw: &digindex_data::Framework) -> Table {
    let (mut unit, mut year, mut code, mut level, mut score, mut rank) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (y, b) in builds {
        for r in b.scores(fw) {
            unit.push(r.unit);
            year.push(y.map_or(f64::NAN, f64::from));
            code.push(r.code);
            level.push(f64::from(r.level));
            score.push(r.score);
            rank.push(opt(r.rank.map(f64::from)));
        }
    }
    let mut t = vec![("unit".to_string(), Col::Text(unit))];
    if builds.iter().any(|(y, _)| y.is_some()) {
        t.push(("year".into(), Col::Num(year)));
    }
    t.extend([
        ("code".into(), Col::Text(code)),
        ("level".into(), Col::Num(level)),
        ("score".into(), Col::Num(score)),
        ("rank".into(), Col::Num(rank)),
    ]);
    t
}

/// A stage as a wide table: `unit`, then one column per code.
fn stage(d: &digindex_data::DataSet) -> Table {
    let mut t = vec![("unit".to_string(), Col::Text(d.units.clone()))];
    for c in &d.codes {
        t.push((c.clone(), Col::Num(d.column(c).map(<[f64]>::to_vec).unwrap_or_default())));
    }
    t
}

/// `provenance.csv`: where every value in the index came from.
fn provenance(rows: &[(Option<i32>, &digindex_data::provenance::Provenance)]) -> Table {
    let mut t: Table = Vec::new();
    let text = |f: &dyn Fn(&digindex_data::provenance::Provenance) -> String| {
        Col::Text(rows.iter().map(|(_, p)| f(p)).collect())
    };
    let num =
        |f: &dyn Fn(&digindex_data::provenance::Provenance) -> f64| Col::Num(rows.iter().map(|(_, p)| f(p)).collect());
    t.push(("unit".into(), text(&|p| p.unit.clone())));
    if rows.iter().any(|(y, _)| y.is_some()) {
        t.push(("year".into(), Col::Num(rows.iter().map(|(y, _)| y.map_or(f64::NAN, f64::from)).collect())));
    }
    t.push(("code".into(), text(&|p| p.code.clone())));
    t.push(("value".into(), num(&|p| p.value)));
    t.push(("data_year".into(), num(&|p| p.data_year.map_or(f64::NAN, f64::from))));
    t.push(("flag".into(), text(&|p| p.flag.name().to_string())));
    t.push(("detail".into(), text(&|p| p.detail.clone())));
    t.push(("below".into(), num(&|p| opt(p.below))));
    t
}

/// Rank intervals of the uncertainty analysis.
fn intervals(list: &[(Option<i32>, &digindex_audit::rank_interval::RankInterval)]) -> Table {
    let mut t: Table = vec![("unit".into(), Col::Text(list.iter().map(|(_, r)| r.unit.clone()).collect()))];
    if list.iter().any(|(y, _)| y.is_some()) {
        t.push(("year".into(), Col::Num(list.iter().map(|(y, _)| y.map_or(f64::NAN, f64::from)).collect())));
    }
    let num = |f: &dyn Fn(&digindex_audit::rank_interval::RankInterval) -> f64| {
        Col::Num(list.iter().map(|(_, r)| f(r)).collect())
    };
    t.push(("nominal_rank".into(), num(&|r| opt(r.nominal_rank.map(f64::from)))));
    t.push(("median_rank".into(), num(&|r| r.median_rank)));
    t.push(("mean_rank".into(), num(&|r| r.mean_rank)));
    t.push(("q05".into(), num(&|r| r.q05)));
    t.push(("q95".into(), num(&|r| r.q95)));
    t
}

/// What a build hands to Python.
struct Built {
    scores: Table,
    stages: Vec<(String, Table)>,
    provenance: Table,
    intervals: Option<Table>,
    manifest: String,
    claims: String,
    /// Sobol indices (a sensitivity analysis), as JSON.
    sensitivity: Option<String>,
    years: Vec<i32>,
}

/// Progress reported to a Python callable `(event, text, n)`: `("start",
/// label, total)`, `("advance", "", n)`, `("finish", "", 0)`, `("warn",
/// message, 0)`; the GIL is taken for each call only.
struct PyProgress(Py<PyAny>);

impl PyProgress {
    fn say(&self, event: &str, text: &str, n: u64) {
        Python::attach(|py| {
            // a failing callback must not stop the job: its error is printed
            if let Err(e) = self.0.call1(py, (event, text, n)) {
                e.print(py);
            }
        });
    }
}

impl digindex::Progress for PyProgress {
    fn start(&self, label: &str, _units: digindex::Units, total: u64) {
        self.say("start", label, total);
    }
    fn advance(&self, n: u64) {
        self.say("advance", "", n);
    }
    fn finish(&self) {
        self.say("finish", "", 0);
    }
    fn warn(&self, message: &str) {
        self.say("warn", message, 0);
    }
}

fn run_build(
    spec: &str,
    overrides: &[String],
    audit: bool,
    progress: &dyn digindex::Progress,
) -> digindex::Result<Built> {
    let recipe = digindex::Recipe::read(std::path::Path::new(spec), overrides)?;
    let settings = Settings { audit, ..Settings::default() };
    let job = digindex::build::run(recipe, &settings, progress)?;
    Ok(match job {
        Job::One(b) => {
            let fw = &b.loaded.inputs.framework;
            let rows: Vec<_> = b.provenance.iter().map(|p| (None, p)).collect();
            let iv: Option<Table> = b
                .audit
                .as_ref()
                .and_then(|a| a.outcome.as_ref())
                .map(|o| intervals(&o.intervals.iter().map(|r| (None, r)).collect::<Vec<_>>()));
            let sensitivity =
                match b.audit.as_ref().and_then(|a| a.outcome.as_ref()).and_then(|o| o.sensitivity.as_ref()) {
                    Some(x) => Some(serde_json::to_string(x)?),
                    None => None,
                };
            Built {
                sensitivity,
                scores: scores(&[(None, &b.build)], fw),
                stages: b.build.named_stages().map(|(s, d)| (s.name().to_string(), stage(d))).collect(),
                provenance: provenance(&rows),
                intervals: iv,
                manifest: serde_json::to_string(&b.manifest.to_json()?)?,
                claims: serde_json::to_string(&b.verdicts)?,
                years: Vec::new(),
            }
        }
        Job::Years(b) => {
            let fw = &b
                .years
                .last()
                .map(|(_, l)| &l.inputs.framework)
                .ok_or_else(|| digindex::Error::invalid("no year built"))?;
            let builds: Vec<(Option<i32>, &digindex_pipeline::Build)> =
                b.builds.iter().map(|(y, x)| (Some(*y), x)).collect();
            let rows: Vec<_> = b.provenance.iter().flat_map(|(y, rs)| rs.iter().map(move |p| (Some(*y), p))).collect();
            let iv: Vec<_> = b
                .audits
                .iter()
                .filter_map(|(y, a)| a.outcome.as_ref().map(|o| (y, o)))
                .flat_map(|(y, o)| o.intervals.iter().map(move |r| (Some(*y), r)))
                .collect();
            // the stages of the latest year
            let stages = b
                .builds
                .last()
                .map(|(_, x)| x.named_stages().map(|(s, d)| (s.name().to_string(), stage(d))).collect())
                .unwrap_or_default();
            let sensitivity =
                match b.audits.last().and_then(|(_, a)| a.outcome.as_ref()).and_then(|o| o.sensitivity.as_ref()) {
                    Some(x) => Some(serde_json::to_string(x)?),
                    None => None,
                };
            Built {
                sensitivity,
                scores: scores(&builds, fw),
                stages,
                provenance: provenance(&rows),
                intervals: (!iv.is_empty()).then(|| intervals(&iv)),
                manifest: serde_json::to_string(&b.manifest.to_json()?)?,
                claims: serde_json::to_string(&b.verdicts)?,
                years: b.builds.iter().map(|(y, _)| *y).collect(),
            }
        }
    })
}

/// Builds (and audits) the index of a spec: `build(spec, overrides, audit,
/// progress)`, `progress` a callable told of long work (see [`PyProgress`]).
#[pyfunction]
#[pyo3(signature = (spec, overrides = Vec::new(), audit = true, progress = None))]
fn build<'py>(
    py: Python<'py>,
    spec: String,
    overrides: Vec<String>,
    audit: bool,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let b = py
        .detach(|| match progress {
            Some(cb) => run_build(&spec, &overrides, audit, &PyProgress(cb)),
            None => run_build(&spec, &overrides, audit, &digindex::Silent),
        })
        .map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("scores", to_py(py, &b.scores)?)?;
    let stages = PyDict::new(py);
    for (name, t) in &b.stages {
        stages.set_item(name, to_py(py, t)?)?;
    }
    d.set_item("stages", stages)?;
    d.set_item("provenance", to_py(py, &b.provenance)?)?;
    match &b.intervals {
        Some(t) => d.set_item("rank_intervals", to_py(py, t)?)?,
        None => d.set_item("rank_intervals", py.None())?,
    }
    d.set_item("manifest", b.manifest)?;
    d.set_item("sensitivity", b.sensitivity)?;
    d.set_item("claims", b.claims)?;
    d.set_item("years", b.years)?;
    Ok(d)
}

/// Checks one-line claims or claim files on the shipped data: verdicts as JSON.
#[pyfunction]
#[pyo3(signature = (claims, data = "data".to_string(), vocabulary = "claims/metrics.toml".to_string()))]
fn check(py: Python<'_>, claims: Vec<String>, data: String, vocabulary: String) -> PyResult<String> {
    py.detach(|| -> digindex::Result<String> {
        let data = std::path::PathBuf::from(data);
        let mut checker = digindex::check::Checker::load(
            &data,
            std::path::Path::new(&vocabulary),
            false,
            digindex::check::Indices::beside(&data),
        )?;
        let read = checker.read_claims(&claims)?;
        let verdicts = checker.check_all(&read)?;
        Ok(serde_json::to_string(&verdicts)?)
    })
    .map_err(err)
}

/// One catalogue indicator's observations (unit, year, value, the
/// source's flag, censoring) and its name, unit and source.
#[pyfunction]
#[pyo3(signature = (code, data = "data".to_string()))]
fn show<'py>(py: Python<'py>, code: String, data: String) -> PyResult<Bound<'py, PyDict>> {
    let (table, meta) = py
        .detach(|| -> digindex::Result<(Table, Vec<(&'static str, String)>)> {
            let countries = digindex_sources::countries::Countries::shipped();
            let cat = digindex::data::catalog(std::path::Path::new(&data), countries)?;
            let ind = digindex::data::indicator(&cat, &code, "")?;
            let s = cat.load(ind, countries)?;
            let obs = &s.observations;
            let table = vec![
                ("unit".to_string(), Col::Text(obs.iter().map(|o| o.unit.clone()).collect())),
                ("year".into(), Col::Num(obs.iter().map(|o| f64::from(o.year)).collect())),
                ("value".into(), Col::Num(obs.iter().map(|o| o.value).collect())),
                ("flag".into(), Col::Text(obs.iter().map(|o| o.flag.clone().unwrap_or_default()).collect())),
                (
                    "censored".into(),
                    Col::Text(
                        obs.iter().map(|o| if o.is_censored() { "below".into() } else { String::new() }).collect(),
                    ),
                ),
            ];
            let source = cat.dataset(&ind.dataset).map(|d| format!("{} ({})", d.title, d.licence)).unwrap_or_default();
            let meta = vec![
                ("code", ind.code.clone()),
                ("name", ind.name.clone()),
                ("unit", ind.unit.clone()),
                ("source", source),
            ];
            Ok((table, meta))
        })
        .map_err(err)?;
    let d = PyDict::new(py);
    d.set_item("table", to_py(py, &table)?)?;
    for (k, v) in meta {
        d.set_item(k, v)?;
    }
    Ok(d)
}

/// Counts OpenAlex works per country and year (`digindex openalex`) into
/// `out` (a CSV, its summary beside it); returns the files written.
#[pyfunction]
#[pyo3(signature = (inputs, out, ai = Vec::new(), years = None, types = Vec::new(), prefix = "openalex".to_string()))]
fn openalex(
    py: Python<'_>,
    inputs: Vec<String>,
    out: String,
    ai: Vec<String>,
    years: Option<(i32, i32)>,
    types: Vec<String>,
    prefix: String,
) -> PyResult<Vec<String>> {
    py.detach(|| -> digindex::Result<Vec<String>> {
        let settings = digindex::openalex::Settings {
            inputs: inputs.into_iter().map(std::path::PathBuf::from).collect(),
            out: std::path::PathBuf::from(out),
            years,
            types,
            ai: digindex::openalex::parse_ai(&ai)?,
            include_retracted: false,
            include_paratext: false,
            dedup: false,
            merged_ids: Vec::new(),
            strict: false,
            on_demand: false,
            institutions: None,
            parquet: None,
            prefix,
            all_prefix: None,
            limits: digindex_openalex::Limits {
                max_line_bytes: digindex_openalex::Limits::LINE_BYTES,
                max_depth: digindex_openalex::Limits::DEPTH,
            },
            threads: None,
        };
        let s = digindex::openalex::run(&settings, &digindex::Silent)?;
        Ok(s.files.iter().map(|f| f.display().to_string()).collect())
    })
    .map_err(err)
}

/// The shipped region sets: (name, title, members).
#[pyfunction]
fn regions(py: Python<'_>) -> PyResult<Vec<(String, String, Vec<String>)>> {
    py.detach(|| -> digindex::Result<_> {
        let countries = digindex_sources::countries::Countries::shipped();
        Ok(digindex::data::region_sets(countries)?.into_iter().map(|r| (r.name, r.title, r.members)).collect())
    })
    .map_err(err)
}

/// Writes the report (HTML, workbook, CSV, JSON) of a spec into `out`.
#[pyfunction]
#[pyo3(signature = (spec, out, overrides = Vec::new()))]
fn report(py: Python<'_>, spec: String, out: String, overrides: Vec<String>) -> PyResult<String> {
    py.detach(|| -> digindex::Result<String> {
        let recipe = digindex::Recipe::read(std::path::Path::new(&spec), &overrides)?;
        let p = digindex::publish::prepare(&recipe, &digindex::Silent)?;
        let dir = std::path::PathBuf::from(&out);
        p.write_report(&dir)?;
        Ok(dir.join("report.html").display().to_string())
    })
    .map_err(err)
}

#[pymodule]
fn _digindex(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("DigindexError", m.py().get_type::<DigindexError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(build, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(regions, m)?)?;
    m.add_function(wrap_pyfunction!(show, m)?)?;
    m.add_function(wrap_pyfunction!(openalex, m)?)?;
    m.add_function(wrap_pyfunction!(report, m)?)?;
    Ok(())
}
