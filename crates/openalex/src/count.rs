//! Counting: a kept work added to the sums per country and year (whole
//! and fractional) and per institution and year; the sums of a run,
//! merged file by file.

use std::collections::{BTreeMap, HashMap};

use crate::OpenAlexError;
use crate::flat::{FlatRow, FlatSink};
use crate::record::{Institution, Work, short_id};

/// What is summed for one country and year (mergeable).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CountryYear {
    pub papers_whole: f64,
    pub papers_fractional: f64,
    pub citations: u64,
    /// Citation count → number of works (exact h-index after merging).
    pub citation_histogram: BTreeMap<u64, u64>,
    pub fwci_sum: f64,
    pub fwci_n: u64,
    pub top10: u64,
    pub percentile_n: u64,
    pub international: u64,
    /// Authorships of the country's works, and those with a country: the
    /// affiliation coverage of what the country's counts rest on.
    pub authorships: u64,
    pub authorships_with_country: u64,
}

impl CountryYear {
    fn merge(&mut self, o: &CountryYear) {
        self.papers_whole += o.papers_whole;
        self.papers_fractional += o.papers_fractional;
        self.citations += o.citations;
        for (c, n) in &o.citation_histogram {
            *self.citation_histogram.entry(*c).or_insert(0) += n;
        }
        self.fwci_sum += o.fwci_sum;
        self.fwci_n += o.fwci_n;
        self.top10 += o.top10;
        self.percentile_n += o.percentile_n;
        self.international += o.international;
        self.authorships += o.authorships;
        self.authorships_with_country += o.authorships_with_country;
    }

    /// The largest h with h works cited at least h times: over citation
    /// values c from the top, h = max min(c, works cited ≥ c).
    pub fn h_index(&self) -> u64 {
        let mut seen = 0;
        let mut h = 0;
        for (c, n) in self.citation_histogram.iter().rev() {
            seen += n;
            h = h.max((*c).min(seen));
        }
        h
    }
}

/// Sums per institution and year (with [`Options::institutions`](crate::Options::institutions)).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InstitutionYear {
    /// The institution's name as the records give it.
    pub name: String,
    /// Its ISO2 country code (empty when the records give none).
    pub country: String,
    /// Works with at least one author at the institution.
    pub papers_whole: f64,
    /// Each author's 1/n of a work, split equally over the author's institutions.
    pub papers_fractional: f64,
    pub citations: u64,
}

impl InstitutionYear {
    fn merge(&mut self, o: InstitutionYear) {
        if self.name.is_empty() {
            self.name = o.name;
        }
        if self.country.is_empty() {
            self.country = o.country;
        }
        self.papers_whole += o.papers_whole;
        self.papers_fractional += o.papers_fractional;
        self.citations += o.citations;
    }
}

/// Everything a run produced (mergeable per file).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Totals {
    /// (ISO2 country code, year) → sums.
    pub by_country_year: HashMap<(String, i32), CountryYear>,
    /// (OpenAlex institution id such as `I136199984`, year) → sums; empty
    /// unless [`Options::institutions`](crate::Options::institutions).
    pub by_institution_year: HashMap<(String, i32), InstitutionYear>,
    pub lines: u64,
    pub works_kept: u64,
    pub malformed: u64,
    /// First malformed lines (file:line: message).
    pub malformed_examples: Vec<String>,
    pub authorships: u64,
    pub authorships_with_country: u64,
    pub works_without_country: u64,
    pub bytes: u64,
    pub duplicates_skipped: u64,
    /// Records of works merged away ([`Options::merged`](crate::Options::merged)).
    pub merged_skipped: u64,
    /// With AI rules and [`Options::all_works`](crate::Options::all_works): the same sums over every
    /// work the other filters keep, AI or not (so shares can be taken).
    pub all_works: Option<Box<Totals>>,
}

impl Totals {
    pub(crate) fn merge(&mut self, o: Totals) {
        for (k, v) in o.by_country_year {
            self.by_country_year.entry(k).or_default().merge(&v);
        }
        for (k, v) in o.by_institution_year {
            self.by_institution_year.entry(k).or_default().merge(v);
        }
        self.lines += o.lines;
        self.works_kept += o.works_kept;
        self.malformed += o.malformed;
        self.malformed_examples.extend(o.malformed_examples);
        self.malformed_examples.truncate(20);
        self.authorships += o.authorships;
        self.authorships_with_country += o.authorships_with_country;
        self.works_without_country += o.works_without_country;
        self.bytes += o.bytes;
        self.duplicates_skipped += o.duplicates_skipped;
        self.merged_skipped += o.merged_skipped;
        if let Some(a) = o.all_works {
            self.all_works.get_or_insert_with(Box::default).merge(*a);
        }
    }

    /// Share of authorships with at least one country.
    pub fn coverage(&self) -> f64 {
        if self.authorships == 0 { f64::NAN } else { self.authorships_with_country as f64 / self.authorships as f64 }
    }
}

/// Adds one work to the per-institution sums.
/// `key` is scratch space for map lookups, as in [`add`].
pub(crate) fn add_institutions(t: &mut Totals, w: &Work<'_>, year: i32, key: &mut (String, i32)) {
    let Some(authors) = &w.authorships else { return };
    let n = f64::from(authors.n);
    // institution id → (institution, fractional share)
    let mut shares: BTreeMap<&str, (&Institution<'_>, f64)> = BTreeMap::new();
    let mut mine: Vec<(&str, &Institution<'_>)> = Vec::new();
    // the institutions come grouped by author
    for group in authors.institutions.chunk_by(|a, b| a.0 == b.0) {
        mine.clear();
        mine.extend(
            group
                .iter()
                .filter_map(|(_, i)| i.id.as_deref().map(|id| (short_id(id), i)))
                .filter(|(id, _)| !id.is_empty()),
        );
        mine.sort_unstable_by_key(|(id, _)| *id);
        mine.dedup_by_key(|(id, _)| *id);
        let k = mine.len() as f64;
        for &(id, i) in &mine {
            shares.entry(id).or_insert((i, 0.0)).1 += 1.0 / n / k;
        }
    }
    let cites = w.cited_by_count.unwrap_or(0);
    for (id, (i, share)) in shares {
        key.0.clear();
        key.0.push_str(id);
        key.1 = year;
        if !t.by_institution_year.contains_key(key) {
            t.by_institution_year.insert(key.clone(), InstitutionYear::default());
        }
        let Some(e) = t.by_institution_year.get_mut(key) else { continue };
        if e.name.is_empty() {
            e.name = i.display_name.as_deref().unwrap_or_default().to_string();
        }
        if e.country.is_empty() {
            e.country = i.country_code.as_deref().unwrap_or_default().to_string();
        }
        e.papers_whole += 1.0;
        e.papers_fractional += share;
        e.citations += cites;
    }
}

/// Adds one work to the partial totals.
/// `key` is scratch space for map lookups.
pub(crate) fn add(
    t: &mut Totals,
    w: &Work<'_>,
    year: i32,
    flat: Option<&mut Box<dyn FlatSink>>,
    key: &mut (String, i32),
) -> Result<(), OpenAlexError> {
    let (n_authors, codes) = match &w.authorships {
        Some(a) => (a.n, a.codes.as_slice()),
        None => (0, &[][..]),
    };
    // (author, country), each author's countries once, in author order
    let mut per_author: Vec<(u32, &str)> = codes.iter().map(|(a, c)| (*a, &**c)).collect();
    per_author.sort_unstable();
    per_author.dedup();
    let with_country = per_author.chunk_by(|a, b| a.0 == b.0).count() as u64;
    t.authorships += u64::from(n_authors);
    t.authorships_with_country += with_country;
    let mut countries: Vec<&str> = per_author.iter().map(|(_, c)| *c).collect();
    countries.sort_unstable();
    countries.dedup();
    t.works_kept += 1;
    if countries.is_empty() {
        t.works_without_country += 1;
        return Ok(());
    }
    let n = f64::from(n_authors);
    let cites = w.cited_by_count.unwrap_or(0);
    let top10 = w.citation_normalized_percentile.as_ref().and_then(|p| p.is_in_top_10_percent);
    let intl = countries.len() > 1;
    // fractional shares, aligned with `countries`
    let mut frac = vec![0.0; countries.len()];
    for cs in per_author.chunk_by(|a, b| a.0 == b.0) {
        let share = 1.0 / n / cs.len() as f64;
        for (_, c) in cs {
            if let Ok(i) = countries.binary_search(c) {
                frac[i] += share;
            }
        }
    }
    for (c, share) in countries.iter().zip(&frac) {
        // look up with a reused key: no allocation once the country-year exists
        key.0.clear();
        key.0.push_str(c);
        key.1 = year;
        if !t.by_country_year.contains_key(key) {
            t.by_country_year.insert(key.clone(), CountryYear::default());
        }
        let Some(e) = t.by_country_year.get_mut(key) else { continue };
        e.papers_whole += 1.0;
        e.papers_fractional += share;
        e.citations += cites;
        *e.citation_histogram.entry(cites).or_insert(0) += 1;
        if let Some(f) = w.fwci {
            e.fwci_sum += f;
            e.fwci_n += 1;
        }
        if let Some(tp) = top10 {
            e.percentile_n += 1;
            if tp {
                e.top10 += 1;
            }
        }
        if intl {
            e.international += 1;
        }
        e.authorships += u64::from(n_authors);
        e.authorships_with_country += with_country;
    }
    if let Some(sink) = flat {
        let work = short_id(w.id.as_deref().unwrap_or_default());
        for (c, share) in countries.iter().zip(&frac) {
            sink.row(&FlatRow {
                work,
                year,
                country: c,
                share: *share,
                citations: cites,
                fwci: w.fwci,
                international: intl,
                top10,
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Options, indicators, run_bytes};

    use super::*;

    fn cy(hist: &[(u64, u64)]) -> CountryYear {
        CountryYear { citation_histogram: hist.iter().copied().collect(), ..Default::default() }
    }

    #[test]
    fn h_index_closed_forms() {
        // citations 10, 8, 5, 4, 3 -> h = 4
        assert_eq!(cy(&[(10, 1), (8, 1), (5, 1), (4, 1), (3, 1)]).h_index(), 4);
        // 25, 8, 5, 3, 3 -> h = 3
        assert_eq!(cy(&[(25, 1), (8, 1), (5, 1), (3, 2)]).h_index(), 3);
        // all zero -> 0; one paper cited 100 times -> 1
        assert_eq!(cy(&[(0, 5)]).h_index(), 0);
        assert_eq!(cy(&[(100, 1)]).h_index(), 1);
        // ten papers with 10 citations -> 10; eleven -> still 10
        assert_eq!(cy(&[(10, 10)]).h_index(), 10);
        assert_eq!(cy(&[(10, 11)]).h_index(), 10);
        assert_eq!(cy(&[]).h_index(), 0);
    }

    #[test]
    fn counting_on_a_toy_work() {
        // 3 authors: A in IR, B in IR and DE, C with no country
        let w = concat!(
            r#"{"id":"W1","publication_year":2020,"type":"article","cited_by_count":7,"fwci":2.0,"#,
            r#""citation_normalized_percentile":{"is_in_top_10_percent":true},"authorships":[{"countries":["IR"]},"#,
            r#"{"institutions":[{"country_code":"IR"},{"country_code":"DE"}]},{"countries":[]}]}"#
        )
        .as_bytes();
        let t = run_bytes("toy.jsonl", w, &Options::default()).expect("runs");
        let ir = &t.by_country_year[&("IR".to_string(), 2020)];
        let de = &t.by_country_year[&("DE".to_string(), 2020)];
        assert_eq!((ir.papers_whole, de.papers_whole), (1.0, 1.0));
        // IR: 1/3 (A) + 1/6 (B's half); DE: 1/6
        assert!((ir.papers_fractional - 0.5).abs() < 1e-12);
        assert!((de.papers_fractional - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!((ir.citations, ir.top10, ir.international), (7, 1, 1));
        assert_eq!(t.authorships, 3);
        assert_eq!(t.authorships_with_country, 2);
        // each country's works rest on 3 authorships, 2 with a country
        assert_eq!((ir.authorships, ir.authorships_with_country), (3, 2));
        assert_eq!((de.authorships, de.authorships_with_country), (3, 2));
        let rows = indicators(&t, "oa");
        let cov = rows.iter().find(|r| r.0 == "IR" && r.1 == "oa_affiliation_coverage").expect("coverage row");
        assert!((cov.3 - 2.0 / 3.0).abs() < 1e-12);
    }
}
