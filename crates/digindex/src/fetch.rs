//! `digindex data fetch`: refreshes the catalogue from the official APIs.
//!
//! For each `SOURCE:ID` asked for, [`digindex_fetch`] reads the API (with
//! its retries, pacing, cache and paging); here the rows are resolved to
//! countries through the registry (aggregates and parts of countries are
//! skipped and counted, keys the registry does not know are listed), the
//! file is made (a long table `unit,year,value,flag`, or the source's own
//! file for formats digindex imports as they are), and the catalogue entry
//! is added or updated with where the file came from (`fetched = { source,
//! url, query, retrieved, etag, responses, sha256, note }`).
//!
//! Nothing is written until every source has been fetched and every new
//! file has been read back through the catalogue's importer, corrections
//! included; then the files and `catalog.toml` are put in place together.
//! An updated entry keeps what a person wrote about the concept (name,
//! unit, the data-quality settings) and takes the source's fields anew.
//! Each fetched series then goes through the data-quality audit, and an
//! updated one is compared with the values it replaces.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use digindex_fetch::{Client, Fetched, Payload, Source};
use digindex_sources::catalog::{Catalog, Series};
use digindex_sources::countries::{Countries, Resolved};
use digindex_sources::revision::{counts, revisions};
use toml_edit::{DocumentMut, Item, Table, value};

use crate::error::{Context, Error, Result};
use crate::progress::{Progress, Units};

/// One thing to fetch.
#[derive(Debug, Clone)]
pub struct Request {
    pub source: Source,
    /// The catalogue code (default: derived from the id).
    pub code: Option<String>,
}

/// What `data fetch` is told.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The catalogue file to update.
    pub catalog: PathBuf,
    pub options: digindex_fetch::Options,
    pub client: digindex_fetch::Settings,
}

/// What one fetch did.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    pub source: String,
    pub code: String,
    /// The file written, relative to the catalogue's folder.
    pub file: String,
    /// A new catalogue entry (else one updated).
    pub new_entry: bool,
    /// Values and missing values written; countries; first and last year.
    pub values: usize,
    pub missing: usize,
    pub units: usize,
    pub years: Option<(i32, i32)>,
    /// Keys skipped (aggregates, parts of countries) and their rows.
    pub skipped: BTreeMap<String, usize>,
    /// Keys the registry does not know (left out), with their rows.
    pub unknown: BTreeMap<String, usize>,
    /// Responses: downloaded, revalidated (unchanged), from the cache
    /// (offline or resumed).
    pub downloaded: usize,
    pub revalidated: usize,
    pub cached: usize,
    /// Against the values the entry had: revised, added, removed.
    pub changes: Option<[usize; 3]>,
    /// Data-quality findings on the fetched series (`data audit`'s rules).
    pub findings: Vec<String>,
}

/// Where each source's files go: dataset id, title, licence, source text.
fn dataset_of(source: &Source) -> (&'static str, &'static str, &'static str, &'static str) {
    match source {
        Source::WorldBank(_) => (
            "worldbank-api",
            "World Bank Indicators API v2 (fetched)",
            "CC BY 4.0",
            "api.worldbank.org/v2, fetched with `digindex data fetch` (each entry's `fetched` says when and how)",
        ),
        Source::OpenAlex(_) => (
            "openalex-api",
            "OpenAlex works counted by country (fetched)",
            "CC0",
            "api.openalex.org works with group_by=authorships.countries, fetched with `digindex data fetch`",
        ),
        Source::Owid(_) => (
            "owid-grapher",
            "Our World in Data grapher charts (fetched)",
            "CC BY 4.0",
            "ourworldindata.org/grapher CSV, fetched with `digindex data fetch`",
        ),
        Source::Sdg(_) => (
            "sdg-api",
            "UN SDG Global Database API (fetched)",
            "UN terms: free reuse with attribution",
            "unstats.un.org/sdgapi/v1/sdg Series/Data, fetched with `digindex data fetch`",
        ),
        Source::Github(_) => (
            "github-innovation-graph",
            "GitHub Innovation Graph (fetched)",
            "CC0-1.0",
            "github/innovationgraph data/, fetched with `digindex data fetch`",
        ),
        Source::Wikidata(_) => (
            "wikidata",
            "Wikidata Query Service counts (fetched)",
            "CC0",
            "query.wikidata.org, fetched with `digindex data fetch`; the query is beside each file",
        ),
    }
}

/// A catalogue code: lower-case letters, digits and `_`, starting with a letter.
fn check_code(code: &str) -> Result<()> {
    let ok = code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{code:?} is not a catalogue code: use lower-case letters, digits and _, starting with a letter (--code)"
        )))
    }
}

/// The unit a source's series name states at its end, in parentheses
/// ("Individuals using the Internet (% of population)").
fn unit_in_name(name: &str) -> Option<String> {
    let t = name.trim_end();
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some(inner[open + 1..].trim().to_string()).filter(|u| !u.is_empty())
}

/// Tells the application's progress what the client does.
struct Observer<'a>(&'a dyn Progress);

impl digindex_fetch::Observer for Observer<'_> {
    fn request(&self, url: &str, attempt: u32) {
        let again = if attempt > 1 { format!(" (attempt {attempt})") } else { String::new() };
        self.0.note(format!("GET {url}{again}"));
    }
    fn waiting(&self, url: &str, wait: std::time::Duration, why: &str) {
        self.0.warn(&format!("{url}: {why}; trying again in {:.1} s", wait.as_secs_f64()));
    }
    fn page(&self, _done: usize, _total: Option<usize>) {
        self.0.advance(1);
    }
}

/// Rows resolved to countries: `(iso3, year) → (value, flag)`.
type Resolved3 = BTreeMap<(String, i32), (Option<f64>, Option<String>)>;

fn resolve_rows(
    code: &str,
    rows: &[digindex_fetch::Row],
    countries: &Countries,
    skipped: &mut BTreeMap<String, usize>,
    unknown: &mut BTreeMap<String, usize>,
) -> Result<Resolved3> {
    /// What a key is, decided once per key.
    #[derive(Clone)]
    enum Key {
        Country(String),
        Skipped,
        Unknown,
    }
    let mut out = Resolved3::new();
    let mut by_key: HashMap<(&str, &str), Key> = HashMap::new();
    for r in rows {
        let k = r.key.trim();
        // a row without a key is decided by its name, each name on its own
        let memo = (k, if k.is_empty() { r.name.as_deref().unwrap_or("") } else { "" });
        let key = by_key.entry(memo).or_insert_with(|| {
            let got = if k.is_empty() {
                r.name.as_deref().and_then(|n| countries.resolve(n).ok())
            } else {
                countries.resolve(k).ok()
            };
            match got {
                Some(Resolved::Country(c)) => Key::Country(c.iso3.clone()),
                Some(Resolved::Aggregate { .. } | Resolved::Part { .. }) => Key::Skipped,
                // a numeric code no country has is a region (UN M49:
                // "57" Micronesia the sub-region, "736" former Sudan);
                // never guessed from its name
                None if k.chars().all(|c| c.is_ascii_digit()) && !k.is_empty() => Key::Skipped,
                None => Key::Unknown,
            }
        });
        let iso3 = match key {
            Key::Country(c) => c.clone(),
            Key::Skipped => {
                *skipped.entry(key_shown(r)).or_default() += 1;
                continue;
            }
            Key::Unknown => {
                *unknown.entry(key_shown(r)).or_default() += 1;
                continue;
            }
        };
        match out.get(&(iso3.clone(), r.year)) {
            Some((Some(a), _)) if r.value.is_some_and(|b| b != *a) => {
                return Err(Error::invalid(format!(
                    "{code}: {iso3} {} has two values in the response ({a} and {}, key {:?})",
                    r.year,
                    r.value.map_or(String::new(), |x| x.to_string()),
                    r.key
                )));
            }
            Some((Some(_), Some(_))) => {}
            Some((Some(_), None)) if r.flag.is_none() => {}
            _ => {
                out.insert((iso3, r.year), (r.value, r.flag.clone()));
            }
        }
    }
    Ok(out)
}

fn key_shown(r: &digindex_fetch::Row) -> String {
    match &r.name {
        Some(n) if !r.key.trim().is_empty() => format!("{} ({n})", r.key),
        Some(n) => n.clone(),
        None => r.key.clone(),
    }
}

/// The long table of resolved rows.
fn long_csv(rows: &Resolved3) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["unit", "year", "value", "flag"]).map_err(csv_err)?;
    for ((unit, year), (v, flag)) in rows {
        let v = v.map_or(String::new(), |x| x.to_string());
        w.write_record([unit.as_str(), &year.to_string(), &v, flag.as_deref().unwrap_or("")]).map_err(csv_err)?;
    }
    w.into_inner().map_err(|e| Error::invalid(e.to_string()))
}

fn csv_err(e: csv::Error) -> Error {
    Error::invalid(format!("writing a table: {e}"))
}

/// The rows of an earlier long file before `since` (kept by `--since`).
fn rows_before(path: &Path, since: i32) -> Result<Resolved3> {
    let mut out = Resolved3::new();
    let Ok(bytes) = std::fs::read(path) else { return Ok(out) };
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    for rec in r.records() {
        let rec = rec.map_err(|e| Error::invalid(format!("{}: {e}", path.display())))?;
        let (Some(u), Some(y), Some(v)) = (rec.get(0), rec.get(1), rec.get(2)) else { continue };
        let Ok(y) = y.parse::<i32>() else { continue };
        if y < since {
            let flag = rec.get(3).filter(|f| !f.is_empty()).map(str::to_string);
            out.insert((u.to_string(), y), (v.parse().ok(), flag));
        }
    }
    Ok(out)
}

/// Sets the entry's source fields; keeps the rest.
fn set_entry(t: &mut Table, code: &str, dataset: &str, file: &str, format: &str, f: &Fetched, rec: &Table) {
    for k in ["more_files", "of", "factors", "column", "select", "filter", "annual", "geo", "parts", "censored_below"] {
        t.remove(k);
    }
    t["code"] = value(code);
    if !t.contains_key("name") {
        t["name"] = value(f.name.clone().unwrap_or_else(|| code.to_string()));
    }
    if !t.contains_key("unit") {
        let unit = f.unit.clone().or_else(|| f.name.as_deref().and_then(unit_in_name));
        t["unit"] = value(unit.unwrap_or_else(|| "as the source publishes it".into()));
    }
    t["dataset"] = value(dataset);
    t["file"] = value(file);
    t["format"] = value(format);
    for (k, v) in &f.selectors {
        t[k] = match v.parse::<f64>() {
            Ok(x) if *k == "censored_below" => value(x),
            _ => value(v.as_str()),
        };
    }
    t.remove("fetched");
    t.insert("fetched", Item::Table(rec.clone()));
}

/// Fetches every request and updates the catalogue.
pub fn run(s: &Settings, requests: &[Request], progress: &dyn Progress) -> Result<Vec<Fetch>> {
    let countries = Countries::shipped();
    let cat_path = &s.catalog;
    let text = digindex_input::read_text(cat_path)
        .map_err(|e| Error::invalid(format!("{}: cannot read the catalogue: {e}", cat_path.display())))?;
    let old = Catalog::from_text(cat_path, &text, countries)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Error::invalid(format!("{}: not TOML the catalogue editor can keep: {e}", cat_path.display())))?;
    if requests.len() > 1 && requests.iter().any(|r| r.code.is_some()) {
        return Err(Error::invalid("--code names one entry: give one SOURCE:ID with it"));
    }
    let observer = Observer(progress);
    let client = Client::new(s.client.clone(), &observer);
    let mut files: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut codes = Vec::new();
    let mut added: Vec<digindex_sources::catalog::Dataset> = Vec::new();
    for req in requests {
        let src = req.source.clone();
        let shown = format!("{}:{}", src.name(), src.id());
        let code = req.code.clone().unwrap_or_else(|| src.code());
        check_code(&code).context(shown.clone())?;
        if codes.contains(&code) {
            return Err(Error::invalid(format!("{shown}: code {code} is asked for twice")));
        }
        progress.start(&format!("fetching {shown}"), Units::Responses, 0);
        let got = digindex_fetch::fetch(&client, &src, &s.options);
        progress.finish();
        let f = got.map_err(Error::from).context(format!("fetching {shown}"))?;
        let (ds_id, title, licence, source_text) = dataset_of(&src);
        let existing = old.indicator(&code);
        let dataset = match old.dataset(ds_id).or_else(|| added.iter().find(|d| d.id == ds_id)) {
            Some(d) => d.clone(),
            None => {
                let mut t = Table::new();
                for (k, v) in
                    [("id", ds_id), ("title", title), ("folder", ds_id), ("licence", licence), ("source", source_text)]
                {
                    t[k] = value(v);
                }
                aot(&mut doc, "dataset")?.push(t);
                let d = digindex_sources::catalog::Dataset {
                    id: ds_id.into(),
                    title: title.into(),
                    folder: ds_id.into(),
                    licence: licence.into(),
                    source: source_text.into(),
                    flags: Default::default(),
                };
                added.push(d.clone());
                d
            }
        };
        let (mut skipped, mut unknown) = (BTreeMap::new(), BTreeMap::new());
        let mut carried: Option<String> = None;
        let (file, format, bytes) = match &f.payload {
            Payload::Rows(rows) => {
                let mut resolved = resolve_rows(&code, rows, countries, &mut skipped, &mut unknown)?;
                if let (Some(since), Some(e)) = (s.options.since, existing) {
                    let Some(prev) = e.fetched.as_ref().filter(|_| e.format == digindex_sources::import::Format::Long)
                    else {
                        return Err(Error::invalid(format!(
                            "{shown}: --since {since} keeps the earlier values of an entry fetched before; {code} was not fetched (fetch it whole first)"
                        )));
                    };
                    let kept = rows_before(&old.file_of(e), since)?;
                    carried = Some(format!(
                        "; {} values before {since} carried over from the fetch of {}",
                        kept.len(),
                        prev.retrieved
                    ));
                    for (k, v) in kept {
                        resolved.entry(k).or_insert(v);
                    }
                }
                (format!("{code}.csv"), "long", long_csv(&resolved)?)
            }
            Payload::File { bytes, format } => {
                let name = match &src {
                    Source::Github(id) => id.split('/').next().unwrap_or(id).to_string(),
                    _ => code.clone(),
                };
                (format!("{name}.csv"), *format, bytes.clone())
            }
        };
        let path = old.root.join(&dataset.folder).join(&file);
        if let Source::Wikidata(_) = &src {
            if let Some(q) = &s.options.query {
                files.insert(path.with_extension("rq"), q.clone().into_bytes());
            }
        }
        let sha = digindex_input::sha256_hex(&bytes);
        let mut rec = Table::new();
        rec["source"] = value(&shown);
        rec["url"] = value(&f.url);
        rec["query"] = value(&f.query);
        let retrieved = f.requests.iter().map(|r| r.retrieved.as_str()).max().unwrap_or("");
        rec["retrieved"] = value(retrieved);
        if let Some(e) = f.requests.first().and_then(|r| r.etag.as_deref()) {
            rec["etag"] = value(e);
        }
        rec["responses"] = value(f.requests.len() as i64);
        rec["sha256"] = value(&sha);
        rec["note"] = value(format!("{}{}", f.note, carried.unwrap_or_default()));
        let entries = aot(&mut doc, "indicator")?;
        let at = entries.iter().position(|t| t.get("code").and_then(Item::as_str) == Some(code.as_str()));
        match at {
            Some(i) => {
                if let Some(t) = entries.get_mut(i) {
                    set_entry(t, &code, &dataset.id, &file, format, &f, &rec);
                }
            }
            None => {
                let mut t = Table::new();
                set_entry(&mut t, &code, &dataset.id, &file, format, &f, &rec);
                entries.push(t);
            }
        }
        files.insert(path.clone(), bytes);
        let count = |h: digindex_fetch::How| f.requests.iter().filter(|r| r.how == h).count();
        reports.push(Fetch {
            source: shown,
            code: code.clone(),
            file: path.strip_prefix(&old.root).unwrap_or(&path).display().to_string(),
            new_entry: existing.is_none(),
            values: 0,
            missing: 0,
            units: 0,
            years: None,
            skipped,
            unknown,
            downloaded: count(digindex_fetch::How::Downloaded),
            revalidated: count(digindex_fetch::How::Revalidated),
            cached: count(digindex_fetch::How::Offline) + count(digindex_fetch::How::Resumed),
            changes: None,
            findings: Vec::new(),
        });
        codes.push(code);
    }
    // read everything back through the importers before anything is written
    let new_text = doc.to_string();
    let new = Catalog::from_text(cat_path, &new_text, countries).context("the updated catalogue")?;
    let list: Vec<_> = codes.iter().filter_map(|c| new.indicator(c)).collect();
    let series = new.load_some_from(&list, countries, files.clone()).context("reading the fetched files back")?;
    for (r, s) in reports.iter_mut().zip(&series) {
        describe(r, s);
        if let Some(prev) = old.indicator(&r.code) {
            if let Ok(before) = old.load_some(&[prev], countries) {
                if let Some(b) = before.first() {
                    r.changes = Some(counts(&revisions(b, s)));
                }
            }
        }
        r.findings = digindex_sources::quality::audit(s, &new.quality, None)
            .into_iter()
            .map(|f| {
                format!(
                    "{} {} {}: {} ({})",
                    f.unit,
                    f.year,
                    digindex_input::number::format_number(f.value),
                    f.rule,
                    f.detail
                )
            })
            .collect();
    }
    // every file is written beside its place first; then the data files are
    // renamed in, one rename each, and the catalogue last: a failure on the
    // way never leaves the catalogue missing
    let mut staged = Vec::new();
    let all = files.iter().map(|(p, b)| (p.as_path(), b.as_slice())).chain([(cat_path.as_path(), new_text.as_bytes())]);
    for (p, b) in all {
        let mut one = crate::output::atomic::FileGroup::new();
        one.stage(p, |w| std::io::Write::write_all(w, b))
            .map_err(Error::from)
            .context(format!("writing {}", p.display()))?;
        staged.push((p.to_path_buf(), one));
    }
    for (p, one) in staged {
        one.commit().map_err(Error::from).context(format!("putting {} in place", p.display()))?;
    }
    Ok(reports)
}

fn describe(r: &mut Fetch, s: &Series) {
    let mut units: Vec<&str> = Vec::new();
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for o in &s.observations {
        if o.value.is_nan() {
            r.missing += 1;
            continue;
        }
        r.values += 1;
        units.push(&o.unit);
        lo = lo.min(o.year);
        hi = hi.max(o.year);
    }
    units.sort_unstable();
    units.dedup();
    r.units = units.len();
    r.years = (lo <= hi).then_some((lo, hi));
}

/// The catalogue's array of tables `key` (made when absent).
fn aot<'d>(doc: &'d mut DocumentMut, key: &str) -> Result<&'d mut toml_edit::ArrayOfTables> {
    if !doc.contains_key(key) {
        doc.insert(key, Item::ArrayOfTables(toml_edit::ArrayOfTables::new()));
    }
    doc[key]
        .as_array_of_tables_mut()
        .ok_or_else(|| Error::invalid(format!("the catalogue's `{key}` is not a list of [[{key}]] tables")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_stated_in_names() {
        assert_eq!(
            unit_in_name("Individuals using the Internet (% of population)").as_deref(),
            Some("% of population")
        );
        assert_eq!(
            unit_in_name("GDP per capita, PPP (current international $)").as_deref(),
            Some("current international $")
        );
        assert_eq!(unit_in_name("Population, total"), None);
    }

    #[test]
    fn codes_are_checked() {
        assert!(check_code("it_net_user_zs").is_ok());
        assert!(check_code("It-net").is_err());
        assert!(check_code("1abc").is_err());
    }
}
