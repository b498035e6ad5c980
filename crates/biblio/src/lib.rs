//! # digindex-biblio — OpenAlex works at snapshot scale
//!
//! Streams OpenAlex work records (gzipped or plain JSON lines, one work per
//! line, as in the snapshot `data/works/updated_date=…/part_NNN.gz`) and
//! aggregates per country and year: papers (whole and fractional counts),
//! citations, h-index, mean FWCI, share in the top 10% by citation
//! percentile, share with international co-authorship, and the affiliation
//! coverage (share of the authorships of the country's works that carry a
//! country; also for the whole run) that tells how much of the output
//! could be attributed at all.
//!
//! Design (measured in `shared/reference/rust-stack.md` and
//! `benches/`): one reader per file (files in parallel); the decoder fills
//! one 1 MB buffer and lines are handed out in place (no per-line copy); a
//! typed serde struct (sonic-rs) borrows strings and declares only the
//! fields used (everything else is skipped, so older formats with
//! `host_venue` parse too); per-file partial aggregates are merged at the
//! end — memory holds the aggregates, not the works. With
//! [`Validation::OnDemand`] the [`scan`] module finds the top-level fields
//! and only the used ones are parsed (~10% faster, weaker checks).
//!
//! Which works count ([`Filter`]): optionally one copy per work id
//! ([`dedup`]), then a year range, document types, retracted
//! and paratext works out by default, and an AI definition combining any of:
//! the primary topic's subfield (1702 = Artificial Intelligence), any
//! topic's subfield, the legacy concept C154945302 ("Artificial
//! intelligence") above a score, and keywords in the title and abstract
//! (the abstract rebuilt from its inverted index, in position order) or in
//! the title only.
//!
//! Attribution: a work's countries come from its authorships (each
//! author's `countries`, else the country codes of the author's
//! institutions). Whole counting gives every country of the work 1;
//! fractional counting gives each author 1/n of the work, split equally over
//! that author's countries (authors with no country leave their share
//! unattributed, which the coverage reports).

pub mod dedup;
pub mod merged;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod scan;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Deserialize;

/// A problem reading the input.
#[derive(Debug, thiserror::Error)]
pub enum BiblioError {
    #[error("{path}: {message}")]
    File { path: String, message: String },
    #[error(
        "{path}, line {line}: malformed JSON ({message}); --strict makes this fatal, without it the line is skipped"
    )]
    Line { path: String, line: u64, message: String },
}

impl BiblioError {
    /// A problem with the file (or folder) at `path`.
    pub(crate) fn file(path: &Path, message: impl std::fmt::Display) -> BiblioError {
        BiblioError::File { path: path.display().to_string(), message: message.to_string() }
    }
}

// ---------------------------------------------------------------- records

/// A string of the line: borrowed when it has no escapes, owned otherwise.
/// (serde borrows a `Cow<str>` only when it is a field's whole type; inside
/// `Option` or `Vec` it always allocates, which cost ~25 allocations a work.)
#[derive(Debug, Clone)]
struct Str<'a>(Cow<'a, str>);

impl<'a> Str<'a> {
    /// A country code as one key: trimmed and in upper case, so that `us`,
    /// ` US` and `US` are one country before anything is totalled (already
    /// clean codes stay borrowed).
    fn country_code(self) -> Str<'a> {
        let t = self.0.trim();
        if t.len() == self.0.len() && !t.bytes().any(|b| b.is_ascii_lowercase()) {
            return self;
        }
        Str(Cow::Owned(t.to_ascii_uppercase()))
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Str<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Str<'a>, E> {
                Ok(Str(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct IdRef<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Topic<'a> {
    #[serde(borrow, default)]
    subfield: Option<IdRef<'a>>,
}

#[derive(Deserialize)]
struct Concept<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
    #[serde(default)]
    score: Option<f64>,
}

#[derive(Deserialize)]
struct Institution<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
    #[serde(borrow, default)]
    display_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    country_code: Option<Str<'a>>,
}

/// A work's `authorships`, flattened as they are read (no allocation per
/// author). An author's country codes are its `countries`, else the
/// `country_code`s of its institutions; empty codes are left out.
#[derive(Default)]
struct Authors<'a> {
    /// Authorships read.
    n: u32,
    /// (author, country code), in author order.
    codes: Vec<(u32, Str<'a>)>,
    /// (author, institution), in author order.
    institutions: Vec<(u32, Institution<'a>)>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Authors<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct List<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for List<'a> {
            type Value = Authors<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of authorships")
            }
            fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<Authors<'a>, S::Error> {
                let mut out = Authors::default();
                while seq.next_element_seed(Authorship(&mut out))?.is_some() {}
                Ok(out)
            }
        }
        d.deserialize_seq(List(std::marker::PhantomData))
    }
}

/// One authorship object, added to [`Authors`].
struct Authorship<'x, 'a>(&'x mut Authors<'a>);

impl<'de: 'a, 'a> serde::de::DeserializeSeed<'de> for Authorship<'_, 'a> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de: 'a, 'a> serde::de::Visitor<'de> for Authorship<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an authorship object")
    }
    fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<(), M::Error> {
        use serde::de::Error;
        let out = self.0;
        let author = out.n;
        let (first_code, first_institution) = (out.codes.len(), out.institutions.len());
        let (mut countries, mut institutions) = (false, false);
        while let Some(key) = m.next_key::<Str<'a>>()? {
            match &*key {
                "countries" => {
                    if std::mem::replace(&mut countries, true) {
                        return Err(M::Error::duplicate_field("countries"));
                    }
                    let each = |c: Str<'a>| {
                        let c = c.country_code();
                        if !c.is_empty() {
                            out.codes.push((author, c));
                        }
                    };
                    m.next_value_seed(Each(each, "a list of country codes or null", std::marker::PhantomData))?;
                }
                "institutions" => {
                    if std::mem::replace(&mut institutions, true) {
                        return Err(M::Error::duplicate_field("institutions"));
                    }
                    let each = |i: Institution<'a>| out.institutions.push((author, i));
                    m.next_value_seed(Each(each, "a list of institutions or null", std::marker::PhantomData))?;
                }
                _ => {
                    m.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        if out.codes.len() == first_code {
            for (_, i) in &out.institutions[first_institution..] {
                if let Some(c) = i.country_code.as_ref().map(|c| c.clone().country_code()).filter(|c| !c.is_empty()) {
                    out.codes.push((author, c));
                }
            }
        }
        out.n += 1;
        Ok(())
    }
}

/// A list or null (nothing), each element handed to `.0` as it is read;
/// `.1` says what was expected, for errors.
struct Each<T, F>(F, &'static str, std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>, F: FnMut(T)> serde::de::DeserializeSeed<'de> for Each<T, F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, T: Deserialize<'de>, F: FnMut(T)> serde::de::Visitor<'de> for Each<T, F> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.1)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
    fn visit_seq<S: serde::de::SeqAccess<'de>>(mut self, mut seq: S) -> Result<(), S::Error> {
        while let Some(x) = seq.next_element::<T>()? {
            (self.0)(x);
        }
        Ok(())
    }
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(borrow, default, rename = "type")]
    kind: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct Location<'a> {
    #[serde(borrow, default)]
    source: Option<Source<'a>>,
}

#[derive(Deserialize)]
struct Percentile {
    #[serde(default)]
    is_in_top_10_percent: Option<bool>,
}

/// An abstract as OpenAlex carries it (`abstract_inverted_index`: each word
/// with the positions where it occurs), as (position, word) pairs.
struct AbstractIndex<'a>(Vec<(u64, Str<'a>)>);

impl<'de: 'a, 'a> Deserialize<'de> for AbstractIndex<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = AbstractIndex<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of words and their positions")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut m: M) -> Result<AbstractIndex<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some(word) = m.next_key::<Str<'a>>()? {
                    m.next_value_seed(Positions(&mut out, word))?;
                }
                Ok(AbstractIndex(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A word's list of positions, each pushed with the word as read (no list
/// of its own per word).
struct Positions<'x, 'a>(&'x mut Vec<(u64, Str<'a>)>, Str<'a>);

impl<'de, 'a> serde::de::DeserializeSeed<'de> for Positions<'_, 'a> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, 'a> serde::de::Visitor<'de> for Positions<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }
    fn visit_seq<S: serde::de::SeqAccess<'de>>(self, mut seq: S) -> Result<(), S::Error> {
        while let Some(p) = seq.next_element::<u64>()? {
            self.0.push((p, self.1.clone()));
        }
        Ok(())
    }
}

/// A work's `abstract_inverted_index`, as raw JSON: the value the
/// on-demand scanner found, or the one looked up in a line already
/// validated in full. Decoded only when keyword rules need it.
enum RawAbstract<'a> {
    /// The value, as the on-demand scanner found it.
    Value(&'a str),
    /// A line that parsed in full and has the field: looked up when needed.
    InLine(&'a [u8]),
}

/// Marks a field that is present (not null) without reading its value (the
/// full parse still checks it and that it is not repeated).
struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present)
    }
}

/// The abstract's text, folded ([`fold`]): its words in the order of their
/// positions, one space apart ("" when there is none). Words sharing a
/// position are all kept; gaps in the positions are closed up.
fn abstract_text(raw: Option<&RawAbstract<'_>>) -> Result<String, String> {
    let bad = |e: sonic_rs::Error| format!("field `abstract_inverted_index`: {e}");
    let found;
    let json = match raw {
        None => None,
        Some(RawAbstract::Value(v)) => Some(*v),
        Some(RawAbstract::InLine(line)) => match sonic_rs::get_from_slice(line, ["abstract_inverted_index"]) {
            Ok(v) => {
                found = v;
                Some(found.as_raw_str())
            }
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(bad(e)),
        },
    };
    let index: Option<AbstractIndex<'_>> = match json {
        Some(j) => sonic_rs::from_str(j).map_err(bad)?,
        None => None,
    };
    let mut words = index.map(|a| a.0).unwrap_or_default();
    words.sort_by_key(|(p, _)| *p);
    let mut text = String::new();
    for (i, (_, w)) in words.iter().enumerate() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(w);
    }
    Ok(fold(&text))
}

/// `s` with each run of white space made one space, and none at the ends.
/// Text as keywords are matched: compatibility-normalised (NFKC: composed
/// accents, ligatures and full-width forms as plain letters), lower case
/// with the final sigma as σ (as case folding has it), white space runs as
/// one space.
fn fold(s: &str) -> String {
    if s.is_ascii() {
        return squash(&s.to_ascii_lowercase());
    }
    use unicode_normalization::UnicodeNormalization;
    let lower: String = s.nfkc().collect::<String>().to_lowercase().replace('ς', "σ");
    squash(&lower)
}

fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A character that makes a word with its neighbours, for keyword
/// boundaries: a letter, digit or combining diacritical mark, but not in
/// the scripts written without spaces between words (Chinese, Japanese,
/// Thai, Lao, Khmer, Myanmar), where a keyword may sit anywhere.
fn word_char(c: char) -> bool {
    let mark = matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}');
    let unspaced = matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}' // CJK ideographs
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3FFFF}');
    (c.is_alphanumeric() || mark) && !unspaced
}

/// `text` holds `key` as whole words: where the key starts (ends) with a
/// [`word_char`], the text may not have one just before (after) it. A key
/// ending in `*` may end inside a word (`transformer*` finds
/// `transformers`). Both are [`fold`]ed.
fn has_words(text: &str, key: &str) -> bool {
    let (key, any_ending) = match key.strip_suffix('*') {
        Some(k) => (k, true),
        None => (key, false),
    };
    let Some(first) = key.chars().next() else { return false };
    let check_before = word_char(first);
    let check_after = !any_ending && key.chars().next_back().is_some_and(word_char);
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(key)) {
        let i = from + at;
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        let joined = (check_before && before.is_some_and(word_char)) || (check_after && after.is_some_and(word_char));
        if !joined {
            return true;
        }
        // matches may overlap: go on from the next character
        from = i + first.len_utf8();
    }
    false
}

/// The fields of a work this crate reads; everything else is skipped.
#[derive(Deserialize, Default)]
struct Work<'a> {
    #[serde(borrow, default)]
    id: Option<Str<'a>>,
    #[serde(borrow, default)]
    title: Option<Str<'a>>,
    #[serde(default)]
    publication_year: Option<i32>,
    #[serde(borrow, default, rename = "type")]
    kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    type_crossref: Option<Str<'a>>,
    #[serde(borrow, default)]
    primary_location: Option<Location<'a>>,
    #[serde(default)]
    is_retracted: Option<bool>,
    #[serde(default)]
    is_paratext: Option<bool>,
    #[serde(default)]
    cited_by_count: Option<u64>,
    #[serde(default)]
    fwci: Option<f64>,
    #[serde(default)]
    citation_normalized_percentile: Option<Percentile>,
    #[serde(borrow, default)]
    updated_date: Option<Str<'a>>,
    #[serde(borrow, default)]
    authorships: Option<Authors<'a>>,
    /// On demand, the authorships as scanned, parsed into `authorships`
    /// only for a work the filters keep ([`Work::read_authorships`]): they
    /// are a quarter of a line, and most works of an AI run are left out.
    #[serde(skip)]
    authorships_raw: Option<&'a str>,
    #[serde(borrow, default)]
    primary_topic: Option<Topic<'a>>,
    #[serde(borrow, default)]
    topics: Option<Vec<Topic<'a>>>,
    #[serde(borrow, default)]
    concepts: Option<Vec<Concept<'a>>>,
    /// The full parse checks the abstract but does not keep it...
    #[serde(default, rename = "abstract_inverted_index")]
    abstract_present: Option<Present>,
    /// ...which keyword rules then read.
    #[serde(skip)]
    abstract_raw: Option<RawAbstract<'a>>,
}

impl<'a> Work<'a> {
    /// Reads a work line with [`scan::str_fields`]: only the fields used are
    /// parsed (fully validated); the rest are checked for structure only.
    /// `reads`: the optional fields the run's filter needs.
    fn on_demand(line: &'a [u8], reads: Reads) -> Result<Work<'a>, String> {
        let Reads { title, primary_topic, topics, concepts, abstracts, venues } = reads;
        // each field once: a bit per field in `seen`
        fn claim(seen: &mut u32, f: Field) -> Result<(), scan::ScanError> {
            let bit = 1 << f as u32;
            if std::mem::replace(seen, *seen | bit) & bit != 0 {
                return Err(scan::ScanError(format!("duplicate field `{}`", f.name())));
            }
            Ok(())
        }
        fn set<'a, T: Deserialize<'a>>(
            slot: &mut Option<T>,
            f: Field,
            v: &'a str,
            seen: &mut u32,
        ) -> Result<(), scan::ScanError> {
            claim(seen, f)?;
            *slot = sonic_rs::from_str::<Option<T>>(v)
                .map_err(|e| scan::ScanError(format!("field `{}`: {e}", f.name())))?;
            Ok(())
        }
        let mut w = Work::default();
        let mut seen = 0u32;
        let line = scan::utf8(line).map_err(|e| e.0)?;
        scan::str_fields(line, |k, v| {
            let s = &mut seen;
            use Field::*;
            let Some(f) = field_of(k.as_bytes())? else { return Ok(()) };
            match f {
                Id => set(&mut w.id, f, v, s),
                PublicationYear => set(&mut w.publication_year, f, v, s),
                Type => set(&mut w.kind, f, v, s),
                IsRetracted => set(&mut w.is_retracted, f, v, s),
                IsParatext => set(&mut w.is_paratext, f, v, s),
                CitedByCount => set(&mut w.cited_by_count, f, v, s),
                Fwci => set(&mut w.fwci, f, v, s),
                Percentile => set(&mut w.citation_normalized_percentile, f, v, s),
                UpdatedDate => set(&mut w.updated_date, f, v, s),
                // parsed only for a work that is kept (`read_authorships`)
                Authorships => claim(s, f).map(|()| w.authorships_raw = Some(v)),
                TypeCrossref if venues => set(&mut w.type_crossref, f, v, s),
                PrimaryLocation if venues => set(&mut w.primary_location, f, v, s),
                Title if title => set(&mut w.title, f, v, s),
                PrimaryTopic if primary_topic => set(&mut w.primary_topic, f, v, s),
                Topics if topics => set(&mut w.topics, f, v, s),
                Concepts if concepts => set(&mut w.concepts, f, v, s),
                Abstract if abstracts => claim(s, f).map(|()| w.abstract_raw = Some(RawAbstract::Value(v))),
                _ => Ok(()),
            }
        })
        .map_err(|e| e.0)?;
        Ok(w)
    }
}

impl Work<'_> {
    /// Parses the authorships [`Work::on_demand`] left as scanned (for a
    /// work that is kept); a no-op for a work parsed in full.
    fn read_authorships(&mut self) -> Result<(), String> {
        if let Some(raw) = self.authorships_raw.take() {
            self.authorships = sonic_rs::from_str(raw).map_err(|e| format!("field `authorships`: {e}"))?;
        }
        Ok(())
    }
}

/// The top-level fields [`Work::on_demand`] reads.
#[derive(Clone, Copy)]
enum Field {
    Id,
    PublicationYear,
    Type,
    IsRetracted,
    IsParatext,
    CitedByCount,
    Fwci,
    Percentile,
    UpdatedDate,
    Authorships,
    TypeCrossref,
    PrimaryLocation,
    Title,
    PrimaryTopic,
    Topics,
    Concepts,
    Abstract,
}

impl Field {
    /// The field's key.
    fn name(self) -> &'static str {
        use Field::*;
        match self {
            Id => "id",
            PublicationYear => "publication_year",
            Type => "type",
            IsRetracted => "is_retracted",
            IsParatext => "is_paratext",
            CitedByCount => "cited_by_count",
            Fwci => "fwci",
            Percentile => "citation_normalized_percentile",
            UpdatedDate => "updated_date",
            Authorships => "authorships",
            TypeCrossref => "type_crossref",
            PrimaryLocation => "primary_location",
            Title => "title",
            PrimaryTopic => "primary_topic",
            Topics => "topics",
            Concepts => "concepts",
            Abstract => "abstract_inverted_index",
        }
    }
}

/// The field a key as scanned (with its quotes) names, if one read; an
/// escaped key is compared unescaped. Dispatched on the length first: a
/// line has ~50 keys, most of them not read.
fn field_of(k: &[u8]) -> Result<Option<Field>, scan::ScanError> {
    use Field::*;
    let inner = k.get(1..k.len().saturating_sub(1)).unwrap_or_default();
    let known = |n: &[u8]| match n.len() {
        2 if n == b"id" => Some(Id),
        4 if n == b"type" => Some(Type),
        4 if n == b"fwci" => Some(Fwci),
        5 if n == b"title" => Some(Title),
        6 if n == b"topics" => Some(Topics),
        8 if n == b"concepts" => Some(Concepts),
        11 if n == b"is_paratext" => Some(IsParatext),
        11 if n == b"authorships" => Some(Authorships),
        12 if n == b"is_retracted" => Some(IsRetracted),
        12 if n == b"updated_date" => Some(UpdatedDate),
        13 if n == b"primary_topic" => Some(PrimaryTopic),
        13 if n == b"type_crossref" => Some(TypeCrossref),
        16 if n == b"primary_location" => Some(PrimaryLocation),
        14 if n == b"cited_by_count" => Some(CitedByCount),
        16 if n == b"publication_year" => Some(PublicationYear),
        23 if n == b"abstract_inverted_index" => Some(Abstract),
        30 if n == b"citation_normalized_percentile" => Some(Percentile),
        _ => None,
    };
    if let Some(f) = known(inner) {
        return Ok(Some(f));
    }
    // no field name has a backslash, so only an escaped key can still be one
    if !inner.contains(&b'\\') {
        return Ok(None);
    }
    let s: String = sonic_rs::from_slice(k).map_err(|e| scan::ScanError(format!("bad key: {e}")))?;
    Ok(known(s.as_bytes()))
}

/// An OpenAlex id without its `https://openalex.org/` prefix (`W…`, `I…`, `C…`).
fn short_id(id: &str) -> &str {
    id.trim_start_matches("https://openalex.org/")
}

// ---------------------------------------------------------------- filter

/// One way of recognising an AI work; several combine with OR.
#[derive(Debug, Clone, PartialEq)]
pub enum AiRule {
    /// The primary topic's subfield is one of these (e.g. 1702).
    PrimarySubfield(Vec<u32>),
    /// Any topic's subfield is one of these.
    AnySubfield(Vec<u32>),
    /// A legacy concept (e.g. C154945302) with at least this score.
    Concept(String, f64),
    /// The title or the abstract has one of these words or phrases
    /// (whole words, case-insensitive, a trailing `*` for any ending; the
    /// abstract rebuilt from its inverted index). The keywords are folded
    /// (NFKC, lower case, single spaces), as [`AiRule::parse`] makes them.
    Keywords(Vec<String>),
    /// The title has one of these words or phrases (as [`AiRule::Keywords`]).
    TitleKeywords(Vec<String>),
}

impl AiRule {
    /// Parses `primary-subfield:1702`, `subfield:1702,1707`,
    /// `concept:C154945302:0.3`, `keywords:deep learning,neural network`
    /// (title or abstract), `title-keywords:deep learning` (title only).
    pub fn parse(s: &str) -> Result<AiRule, String> {
        let (kind, rest) = s.split_once(':').ok_or_else(|| format!("--ai {s:?}: expected KIND:VALUE"))?;
        let nums = |r: &str| -> Result<Vec<u32>, String> {
            r.split(',')
                .map(|x| x.trim().parse().map_err(|_| format!("--ai {s:?}: {x:?} is not a subfield id")))
                .collect()
        };
        match kind {
            "primary-subfield" => Ok(AiRule::PrimarySubfield(nums(rest)?)),
            "subfield" => Ok(AiRule::AnySubfield(nums(rest)?)),
            "concept" => {
                let (id, score) = match rest.split_once(':') {
                    Some((id, sc)) => (id, sc.parse().map_err(|_| format!("--ai {s:?}: bad score {sc:?}"))?),
                    None => (rest, 0.0),
                };
                Ok(AiRule::Concept(short_id(id).to_string(), score))
            }
            "keywords" | "title-keywords" => {
                let words: Vec<String> = rest.split(',').map(fold).filter(|k| !k.is_empty()).collect();
                if words.is_empty() {
                    return Err(format!("--ai {s:?}: no keywords after `{kind}:`"));
                }
                if let Some(w) = words.iter().find(|w| {
                    let stem = w.strip_suffix('*').unwrap_or(w);
                    stem.is_empty() || stem.contains('*')
                }) {
                    return Err(format!("--ai {s:?}: {w:?}: `*` may only end a keyword (any ending)"));
                }
                Ok(if kind == "keywords" { AiRule::Keywords(words) } else { AiRule::TitleKeywords(words) })
            }
            _ => Err(format!(
                "--ai {s:?}: unknown kind {kind:?}; use primary-subfield:, subfield:, concept:, keywords: or title-keywords:"
            )),
        }
    }

    /// `text`: the work's lower-case title and abstract (given when there
    /// are keyword rules).
    fn matches(&self, w: &Work<'_>, text: Option<&(String, String)>) -> bool {
        let sub_id =
            |t: &Topic<'_>| -> Option<u32> { t.subfield.as_ref()?.id.as_deref()?.rsplit('/').next()?.parse().ok() };
        match self {
            AiRule::PrimarySubfield(ids) => w.primary_topic.as_ref().and_then(sub_id).is_some_and(|s| ids.contains(&s)),
            AiRule::AnySubfield(ids) => {
                w.topics.iter().flatten().filter_map(sub_id).any(|s| ids.contains(&s))
                    || w.primary_topic.as_ref().and_then(sub_id).is_some_and(|s| ids.contains(&s))
            }
            AiRule::Concept(id, min) => {
                w.concepts.iter().flatten().any(|c| {
                    c.id.as_deref().is_some_and(|i| i.ends_with(id.as_str())) && c.score.unwrap_or(0.0) >= *min
                })
            }
            AiRule::Keywords(words) | AiRule::TitleKeywords(words) => {
                let Some((title, abs)) = text else { return false };
                words.iter().any(|k| has_words(title, k) || (matches!(self, AiRule::Keywords(_)) && has_words(abs, k)))
            }
        }
    }
}

/// The document type `--types` adds to OpenAlex's own: a paper in
/// conference proceedings. OpenAlex types these `article`; they are told
/// apart by the primary location's source type (`conference`) or the
/// Crossref type (`proceedings-article`).
pub const CONFERENCE_PAPER: &str = "conference-paper";

/// OpenAlex work types (`type`), for checking `--types`.
pub const WORK_TYPES: &[&str] = &[
    "article",
    "book",
    "book-chapter",
    "dataset",
    "dissertation",
    "editorial",
    "erratum",
    "grant",
    "letter",
    "libguides",
    "other",
    "paratext",
    "peer-review",
    "preprint",
    "reference-entry",
    "report",
    "retraction",
    "review",
    "standard",
    "supplementary-materials",
];

impl Work<'_> {
    /// The work is of this document type: its OpenAlex `type`, or
    /// [`CONFERENCE_PAPER`].
    fn is_type(&self, t: &str) -> bool {
        if t == CONFERENCE_PAPER {
            let source = self.primary_location.as_ref().and_then(|l| l.source.as_ref()).and_then(|s| s.kind.as_deref());
            source == Some("conference") || self.type_crossref.as_deref() == Some("proceedings-article")
        } else {
            self.kind.as_deref() == Some(t)
        }
    }
}

/// Which works count.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub years: Option<(i32, i32)>,
    /// Document types to keep (empty = all): OpenAlex `type` values
    /// ([`WORK_TYPES`]) and [`CONFERENCE_PAPER`].
    pub types: Vec<String>,
    pub include_retracted: bool,
    pub include_paratext: bool,
    /// AI rules (empty = every work).
    pub ai: Vec<AiRule>,
}

/// The optional fields a run reads, worked out once from its [`Filter`].
#[derive(Clone, Copy)]
struct Reads {
    /// The title (`keywords:` and `title-keywords:` rules).
    title: bool,
    /// The primary topic (`primary-subfield:` and `subfield:`).
    primary_topic: bool,
    /// All topics (`subfield:`).
    topics: bool,
    /// Concepts (`concept:`).
    concepts: bool,
    /// The abstract (`keywords:` rules).
    abstracts: bool,
    /// The primary source's type and the Crossref type (`conference-paper`).
    venues: bool,
}

impl Filter {
    fn reads(&self) -> Reads {
        let any = |f: fn(&AiRule) -> bool| self.ai.iter().any(f);
        Reads {
            title: any(|r| matches!(r, AiRule::Keywords(_) | AiRule::TitleKeywords(_))),
            primary_topic: any(|r| matches!(r, AiRule::PrimarySubfield(_) | AiRule::AnySubfield(_))),
            topics: any(|r| matches!(r, AiRule::AnySubfield(_))),
            concepts: any(|r| matches!(r, AiRule::Concept(..))),
            abstracts: any(|r| matches!(r, AiRule::Keywords(_))),
            venues: self.types.iter().any(|t| t == CONFERENCE_PAPER),
        }
    }

    /// The AI rules hold (or there are none). With `keywords:` rules every
    /// work's abstract is decoded, whatever the other rules say, so an
    /// abstract that cannot be read is an error (a malformed line) the same
    /// way for every set and order of rules.
    /// `reads`: [`Filter::reads`], worked out once per run.
    fn is_ai(&self, w: &Work<'_>, reads: Reads) -> Result<bool, String> {
        if self.ai.is_empty() {
            return Ok(true);
        }
        let text = if reads.title {
            let title = fold(w.title.as_deref().unwrap_or_default());
            let abs = if reads.abstracts { abstract_text(w.abstract_raw.as_ref())? } else { String::new() };
            Some((title, abs))
        } else {
            None
        };
        Ok(self.ai.iter().any(|r| r.matches(w, text.as_ref())))
    }

    /// The work's year when it counts, AI rules aside ([`Filter::is_ai`]).
    fn keeps(&self, w: &Work<'_>) -> Option<i32> {
        let y = w.publication_year?;
        if self.years.is_some_and(|(a, b)| y < a || y > b) {
            return None;
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| w.is_type(t)) {
            return None;
        }
        if !self.include_retracted && w.is_retracted == Some(true) {
            return None;
        }
        if !self.include_paratext && (w.is_paratext == Some(true) || w.kind.as_deref() == Some("paratext")) {
            return None;
        }
        Some(y)
    }
}

// ---------------------------------------------------------------- aggregates

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

/// Sums per institution and year (with [`Options::institutions`]).
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
    /// unless [`Options::institutions`].
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
    /// Records of works merged away ([`Options::merged`]).
    pub merged_skipped: u64,
    /// With AI rules and [`Options::all_works`]: the same sums over every
    /// work the other filters keep, AI or not (so shares can be taken).
    pub all_works: Option<Box<Totals>>,
}

impl Totals {
    fn merge(&mut self, o: Totals) {
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
fn add_institutions(t: &mut Totals, w: &Work<'_>, year: i32, key: &mut (String, i32)) {
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
fn add(
    t: &mut Totals,
    w: &Work<'_>,
    year: i32,
    flat: Option<&mut Box<dyn FlatSink>>,
    key: &mut (String, i32),
) -> Result<(), BiblioError> {
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

/// One row of the flat table: a work's attribution to one country. Summing
/// rows by (country, year) gives the whole (count) and fractional (sum of
/// `share`) papers, so the aggregation can be redone in SQL.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatRow<'a> {
    /// OpenAlex work id (`W…`).
    pub work: &'a str,
    pub year: i32,
    /// ISO2 country code.
    pub country: &'a str,
    /// The country's fractional share of the work.
    pub share: f64,
    pub citations: u64,
    pub fwci: Option<f64>,
    /// The work has authors in more than one country.
    pub international: bool,
    /// In the top 10% by citation percentile (None: no percentile).
    pub top10: Option<bool>,
}

/// Where flat rows go: one sink per input file, finished when the file ends.
pub trait FlatSink: Send {
    fn row(&mut self, r: &FlatRow<'_>) -> Result<(), BiblioError>;
    fn finish(self: Box<Self>) -> Result<(), BiblioError>;
}

/// Makes the sink for input file number `index` (at `path`).
pub type SinkFactory<'a> = dyn Fn(usize, &Path) -> Result<Box<dyn FlatSink>, BiblioError> + Sync + 'a;

// ---------------------------------------------------------------- reading

/// How much of each line is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Validation {
    /// Every line is parsed and validated in full: any malformed line is
    /// counted and reported.
    #[default]
    Full,
    /// The fields used are parsed and validated fully; the others are
    /// checked for structure only (see [`scan`]), simdjson On-Demand's
    /// contract: ~10% faster on full work records, but a line malformed only
    /// inside a field not used (an abstract, the references…) counts.
    OnDemand,
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub filter: Filter,
    pub validation: Validation,
    /// A malformed line stops the run (default: counted and skipped).
    pub strict: bool,
    /// Only one record of a work id counts: the newest, then the first in
    /// input order (a first pass collects ids; see [`dedup`]).
    pub dedup: bool,
    /// Works merged away ([`merged`]): not counted.
    pub merged: Option<Arc<merged::Merged>>,
    /// Also sum per institution ([`Totals::by_institution_year`]).
    pub institutions: bool,
    /// With AI rules: also sum every work, AI or not, in the same pass
    /// ([`Totals::all_works`]).
    pub all_works: bool,
    /// What one line may hold; a line beyond either limit is malformed.
    pub limits: Limits,
}

/// Bounds on one line, so that no input can take unbounded memory or
/// stack: a line longer than `max_line_bytes`, or nested deeper than
/// `max_depth`, is a malformed line (counted and reported, or with
/// `strict` an error), and reading goes on at the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest line, in bytes (default [`Limits::LINE_BYTES`]). Memory per
    /// reading thread is about this much.
    pub max_line_bytes: usize,
    /// Deepest nesting of arrays and objects (default [`Limits::DEPTH`]).
    pub max_depth: usize,
}

impl Limits {
    /// 64 MiB: OpenAlex's longest work records (thousands of authors with
    /// their institutions) are a few MB.
    pub const LINE_BYTES: usize = 64 << 20;
    /// 32 levels: an OpenAlex work nests 5 deep (work, authorships, an
    /// authorship, institutions, lineage).
    pub const DEPTH: usize = 32;
    /// The deepest setting allowed: the parser recurses once per level, and
    /// 48 levels fit a worker thread's stack even in a debug build.
    pub const MAX_DEPTH: usize = 48;
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_line_bytes: Limits::LINE_BYTES, max_depth: Limits::DEPTH }
    }
}

impl Options {
    /// Every work the filters keep is summed too, AI or not.
    fn sums_all_works(&self) -> bool {
        self.all_works && !self.filter.ai.is_empty()
    }
}

/// Progress of a run, reported in increments as files are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes of input files (compressed, as on disk) consumed.
    pub input_bytes: u64,
    /// Lines (works) read.
    pub lines: u64,
}

/// A reader that counts the bytes taken from the file beneath it.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The file's JSON bytes (decompressed when `.gz`), read in large pieces
/// straight into the caller's buffer.
fn open(path: &Path, read: Arc<AtomicU64>) -> Result<Box<dyn Read + Send>, BiblioError> {
    let f = std::fs::File::open(path).map_err(|e| BiblioError::file(path, format!("cannot open: {e}")))?;
    Ok(decoded(path, Counting { inner: f, read }))
}

/// `r`, decompressed when `path` ends in `.gz` (every gzip member, as one
/// stream).
pub(crate) fn decoded(path: &Path, r: impl Read + Send + 'static) -> Box<dyn Read + Send> {
    if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, r)))
    } else {
        Box::new(r)
    }
}

fn io_error(path: &Path, e: std::io::Error) -> BiblioError {
    let message = if e.kind() == std::io::ErrorKind::UnexpectedEof {
        "the gzip stream ends early (a truncated or partly downloaded file?); download it again".to_string()
    } else {
        format!("read error: {e}")
    };
    BiblioError::file(path, message)
}

/// Streams one file line by line through `each(line_no, line)`, reporting
/// progress every few thousand lines and at the end. A line is its bytes
/// (trimmed), or, when longer than `max_line` bytes, the malformed-line
/// message: such a line is not kept in memory but skipped to its end.
fn stream(
    path: &Path,
    max_line: usize,
    progress: &(dyn Fn(Progress) + Sync),
    mut each: impl FnMut(u64, Result<&[u8], String>) -> Result<(), BiblioError>,
) -> Result<u64, BiblioError> {
    let read = Arc::new(AtomicU64::new(0));
    let mut r = open(path, Arc::clone(&read))?;
    // lines are handed out in place from `buf[start..filled]`; a partial
    // last line moves to the front before the next read
    // room for the longest line allowed and its line ending
    let cap = max_line.saturating_add(2);
    let mut buf = vec![0u8; (1 << 20).min(cap.max(1 << 12))];
    let (mut start, mut filled) = (0usize, 0usize);
    // bytes of a line over the cap skipped so far (None: not skipping)
    let mut skipping: Option<u64> = None;
    let mut line = 0u64;
    let mut bytes = 0u64;
    let mut reported = Progress::default();
    let report = |line: u64, reported: &mut Progress| {
        let now = Progress { input_bytes: read.load(Ordering::Relaxed), lines: line };
        progress(Progress { input_bytes: now.input_bytes - reported.input_bytes, lines: now.lines - reported.lines });
        *reported = now;
    };
    let mut at_end = false;
    while !at_end {
        if start > 0 {
            buf.copy_within(start..filled, 0);
            filled -= start;
            start = 0;
        }
        if filled == buf.len() {
            if buf.len() < cap {
                // a line longer than the buffer
                buf.resize(buf.len().saturating_mul(2).min(cap), 0);
            } else {
                // a line longer than the cap: drop what is read of it
                skipping = Some(skipping.unwrap_or(0) + filled as u64);
                filled = 0;
            }
        }
        let n = loop {
            match r.read(&mut buf[filled..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_error(path, e)),
            }
        };
        filled += n;
        at_end = n == 0;
        loop {
            let rest = &buf[start..filled];
            let end = match memchr::memchr(b'\n', rest) {
                Some(i) => i + 1,
                // the last line may lack its newline
                None if at_end && (!rest.is_empty() || skipping.is_some()) => rest.len(),
                None => break,
            };
            let raw = &rest[..end];
            start += end;
            line += 1;
            if line % 2048 == 0 {
                report(line, &mut reported);
            }
            let skipped = skipping.take();
            let length = skipped.unwrap_or(0) + end as u64;
            bytes += length;
            // the line's own bytes, without its ending; a line of which
            // bytes were dropped is over the cap (they are dropped only
            // once `cap` bytes hold no newline)
            let ending = if raw.ends_with(b"\r\n") { 2 } else { u64::from(raw.ends_with(b"\n")) };
            let content = length - ending.min(length);
            let s = raw.trim_ascii();
            if skipped.is_some() || content > max_line as u64 {
                let too_long =
                    format!("the line is {content} bytes long, more than the limit of {max_line} (--max-line-bytes)");
                each(line, Err(too_long))?;
            } else if !s.is_empty() {
                each(line, Ok(s))?;
            }
        }
    }
    report(line, &mut reported);
    Ok(bytes)
}

/// The copy of each work that counts (for `dedup`): a first pass over the
/// input that judges every line as the counting pass will ([`judge`]), so
/// the copies compared are exactly the ones it finds valid.
fn winners(
    files: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<dedup::Winners, BiblioError> {
    let reads = opts.filter.reads();
    let copies: Vec<dedup::Copies> = files
        .par_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut copies = dedup::Copies::default();
            stream(p, opts.limits.max_line_bytes, progress, |line, s| {
                let judged = s.and_then(|s| judge(s, opts, reads));
                if let (Err(e), true) = (&judged, opts.strict) {
                    return Err(BiblioError::Line { path: p.display().to_string(), line, message: e.clone() });
                }
                if let Ok(Judged { work, .. }) = judged {
                    // (merged-away works are left out anyway)
                    if let Some(id) = work.id.filter(|id| !opts.merged.as_ref().is_some_and(|m| m.contains(id))) {
                        copies.add(&id, work.updated_date.as_deref().unwrap_or_default(), position(p, index, line)?);
                    }
                }
                Ok(())
            })?;
            Ok(copies)
        })
        .collect::<Result<_, BiblioError>>()?;
    Ok(dedup::Winners::of(copies))
}

/// A line as the counting pass sees it.
struct Judged<'a> {
    work: Work<'a>,
    /// The year it counts in; `None` when the filters leave it out.
    year: Option<i32>,
    /// It meets the AI rules (or there are none).
    ai: bool,
}

/// Parses and judges one line; `Err` (the message) when it is malformed.
/// What is read of a work depends on the options (on demand, the
/// authorships only of a work that is counted), so both passes of `dedup`
/// judge lines here.
fn judge<'a>(s: &'a [u8], opts: &Options, reads: Reads) -> Result<Judged<'a>, String> {
    // the parsers recurse per level: bound the depth before any of them runs
    let max_depth = opts.limits.max_depth.min(Limits::MAX_DEPTH);
    if scan::nests_deeper_than(s, max_depth) {
        return Err(format!("arrays or objects nest deeper than {max_depth} levels (--max-depth)"));
    }
    let mut work = match opts.validation {
        Validation::OnDemand => Work::on_demand(s, reads)?,
        Validation::Full => {
            let mut w = sonic_rs::from_slice::<Work<'_>>(s).map_err(|e| e.to_string())?;
            if reads.abstracts && w.abstract_present.is_some() {
                w.abstract_raw = Some(RawAbstract::InLine(s));
            }
            w
        }
    };
    let year = opts.filter.keeps(&work);
    // an unreadable abstract or authorships make the line malformed
    let ai = year.is_some() && opts.filter.is_ai(&work, reads)?;
    if ai || year.is_some() && opts.sums_all_works() {
        work.read_authorships()?;
    }
    Ok(Judged { work, year, ai })
}

/// [`dedup::position`], or an error naming the file when it does not fit.
fn position(path: &Path, index: usize, line: u64) -> Result<u64, BiblioError> {
    dedup::position(index, line).ok_or_else(|| BiblioError::file(path, format!(
            "line {line}: too many files or lines to tell copies of a work apart (--dedup takes up to 2^24 files of \
             up to 2^40 lines each)"
        )))
}

/// Counts a malformed line and keeps its message (or, with `strict`, stops).
fn malformed(t: &mut Totals, strict: bool, path: &str, line: u64, e: String) -> Result<(), BiblioError> {
    if strict {
        return Err(BiblioError::Line { path: path.to_string(), line, message: e });
    }
    t.malformed += 1;
    if t.malformed_examples.len() < 20 {
        t.malformed_examples.push(format!("{path}, line {line}: {e}"));
    }
    Ok(())
}

/// Processes files (in parallel, one partial per file) and merges.
/// `progress` receives increments of input bytes and lines as they are read
/// (with `dedup`, every file is read twice).
pub fn run(files: &[PathBuf], opts: &Options, progress: &(dyn Fn(Progress) + Sync)) -> Result<Totals, BiblioError> {
    run_with_flat(files, opts, progress, None)
}

/// [`run`], also sending every kept work's per-country rows to a sink made
/// per input file by `flat`.
pub fn run_with_flat(
    files: &[PathBuf],
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
    flat: Option<&SinkFactory<'_>>,
) -> Result<Totals, BiblioError> {
    let winners = if opts.dedup { Some(winners(files, opts, progress)?) } else { None };
    let reads = opts.filter.reads();
    let partials: Vec<Totals> = files
        .par_iter()
        .enumerate()
        .map(|(index, p)| {
            let mut sink = flat.map(|f| f(index, p)).transpose()?;
            let mut t = Totals::default();
            let mut key = (String::new(), 0);
            let mut all = opts.sums_all_works().then(Totals::default);
            let path = p.display().to_string();
            let bytes = stream(p, opts.limits.max_line_bytes, progress, |line, s| {
                t.lines += 1;
                let Judged { work: w, year, ai } = match s.and_then(|s| judge(s, opts, reads)) {
                    Ok(j) => j,
                    Err(e) => return malformed(&mut t, opts.strict, &path, line, e),
                };
                if let (Some(merged), Some(id)) = (&opts.merged, &w.id) {
                    if merged.contains(id) {
                        t.merged_skipped += 1;
                        return Ok(());
                    }
                }
                if let (Some(winners), Some(id)) = (&winners, &w.id) {
                    if !winners.keeps(id, position(p, index, line)?) {
                        t.duplicates_skipped += 1;
                        return Ok(());
                    }
                }
                let Some(year) = year else { return Ok(()) };
                if let Some(all) = all.as_mut() {
                    add(all, &w, year, None, &mut key)?;
                }
                if ai {
                    add(&mut t, &w, year, sink.as_mut(), &mut key)?;
                    if opts.institutions {
                        add_institutions(&mut t, &w, year, &mut key);
                    }
                }
                Ok(())
            })?;
            t.bytes = bytes;
            t.all_works = all.map(Box::new);
            if let Some(sink) = sink {
                sink.finish()?;
            }
            Ok(t)
        })
        .collect::<Result<_, BiblioError>>()?;
    let mut total = Totals::default();
    for p in partials {
        total.merge(p);
    }
    Ok(total)
}

/// Snapshot folders beside `works` (whose files must not be read as works).
const OTHER_ENTITIES: &[&str] =
    &["authors", "institutions", "sources", "publishers", "funders", "concepts", "topics", "merged_ids"];

/// The input files: `.jsonl` / `.jsonl.gz` / `.gz` files as given, and for a
/// directory its snapshot `manifest` (entries' `url`, mapped below the
/// directory, in the manifest's order; each file's size checked against
/// the entry's `meta.content_length` where given) or else every `.gz` /
/// `.jsonl` file beneath it, in path order.
pub fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, BiblioError> {
    let mut out = Vec::new();
    for i in inputs {
        if i.is_dir() {
            let manifest = i.join("manifest");
            if manifest.is_file() {
                let text = std::fs::read_to_string(&manifest).map_err(|e| BiblioError::file(&manifest, e))?;
                let v: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| BiblioError::file(&manifest, format!("not a snapshot manifest: {e}")))?;
                let bad = |message: String| BiblioError::file(&manifest, message);
                let entries = v["entries"].as_array().filter(|e| !e.is_empty());
                let Some(entries) = entries else {
                    return Err(bad("no `entries`: not a snapshot manifest, or an empty one".into()));
                };
                for (n, e) in entries.iter().enumerate() {
                    let url = e["url"].as_str().unwrap_or_default();
                    // s3://openalex/data/works/updated_date=…/part_000.gz → below the works folder
                    let rel = url.split_once("updated_date=").map(|(_, r)| format!("updated_date={r}"));
                    let Some(rel) = rel else {
                        return Err(bad(format!(
                            "entry {}: expected a `url` ending in updated_date=YYYY-MM-DD/<file>.gz, found {:?}",
                            n + 1,
                            e["url"]
                        )));
                    };
                    let p = i.join(&rel);
                    let size = std::fs::metadata(&p).ok().filter(|m| m.is_file()).map(|m| m.len());
                    let Some(size) = size else {
                        return Err(BiblioError::file(
                            &p,
                            "listed in the manifest but missing: the snapshot copy is incomplete",
                        ));
                    };
                    // a partial download is found before hours of reading
                    if let Some(want) = e["meta"]["content_length"].as_u64().filter(|w| *w != size) {
                        return Err(BiblioError::file(
                            &p,
                            format!(
                                "{size} bytes, but the manifest says {want}: the download is incomplete or from \
                                 another snapshot; fetch it again"
                            ),
                        ));
                    }
                    out.push(p);
                }
            } else {
                let mut stack = vec![i.clone()];
                let mut found = Vec::new();
                // folders reached through symbolic links are walked once (a link back up is a loop)
                let mut seen_dirs: std::collections::HashSet<PathBuf> = std::fs::canonicalize(i).into_iter().collect();
                while let Some(d) = stack.pop() {
                    let rd = std::fs::read_dir(&d).map_err(|e| BiblioError::file(&d, e))?;
                    for e in rd.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            if !std::fs::canonicalize(&p).is_ok_and(|c| seen_dirs.insert(c)) {
                                continue;
                            }
                            // the walk would read authors, institutions… as works
                            if p.file_name().is_some_and(|n| n == "works")
                                && OTHER_ENTITIES.iter().any(|o| d.join(o).is_dir())
                            {
                                return Err(BiblioError::file(
                                    i,
                                    format!(
                                        "holds other OpenAlex entities besides works: give the works folder, {}",
                                        p.display()
                                    ),
                                ));
                            }
                            stack.push(p);
                        } else if p.extension().is_some_and(|x| x == "gz" || x == "jsonl") && p.is_file() {
                            // regular files only: opening a pipe would block
                            found.push(p);
                        }
                    }
                }
                found.sort();
                out.extend(found);
            }
        } else if i.is_file() {
            out.push(i.clone());
        } else if i.exists() {
            return Err(BiblioError::file(i, "not a regular file (a device or pipe): give .gz or .jsonl files"));
        } else {
            return Err(BiblioError::file(i, "no such file or directory"));
        }
    }
    // a file named twice, or reached twice through links, is read once
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// The indicators of a run as observation rows: (ISO2 country, indicator, year, value).
pub fn indicators(t: &Totals, prefix: &str) -> Vec<(String, String, i32, f64)> {
    let mut rows = Vec::new();
    let mut keys: Vec<&(String, i32)> = t.by_country_year.keys().collect();
    keys.sort();
    for k in keys {
        let e = &t.by_country_year[k];
        let (c, y) = (k.0.clone(), k.1);
        let mut push = |name: &str, v: f64| rows.push((c.clone(), format!("{prefix}_{name}"), y, v));
        push("papers_whole", e.papers_whole);
        push("papers_fractional", e.papers_fractional);
        push("citations", e.citations as f64);
        push("citations_per_paper", e.citations as f64 / e.papers_whole);
        push("h_index", e.h_index() as f64);
        if e.fwci_n > 0 {
            push("mean_fwci", e.fwci_sum / e.fwci_n as f64);
        }
        if e.percentile_n > 0 {
            push("top10_share", e.top10 as f64 / e.percentile_n as f64);
        }
        push("international_share", e.international as f64 / e.papers_whole);
        if e.authorships > 0 {
            push("affiliation_coverage", e.authorships_with_country as f64 / e.authorships as f64);
        }
    }
    rows
}

/// `part`'s whole-count papers as a share of `all`'s, per country and year
/// where `all` has papers: (ISO2 country, `name`, year, share).
pub fn shares(part: &Totals, all: &Totals, name: &str) -> Vec<(String, String, i32, f64)> {
    let mut keys: Vec<&(String, i32)> = all.by_country_year.keys().collect();
    keys.sort();
    keys.into_iter()
        .filter(|k| all.by_country_year[*k].papers_whole > 0.0)
        .map(|k| {
            let p = part.by_country_year.get(k).map_or(0.0, |c| c.papers_whole);
            (k.0.clone(), name.to_string(), k.1, p / all.by_country_year[k].papers_whole)
        })
        .collect()
}

/// Decompresses and splits the files into lines without parsing them (in
/// parallel, like [`run`]): the baseline a run is measured against.
/// Returns the bytes of JSON.
pub fn decompress_only(files: &[PathBuf]) -> Result<u64, BiblioError> {
    let sizes: Vec<u64> =
        files.par_iter().map(|p| stream(p, Limits::LINE_BYTES, &|_| {}, |_, _| Ok(()))).collect::<Result<_, _>>()?;
    Ok(sizes.iter().sum())
}

/// Reads a whole byte stream (for tests and small inputs).
pub fn run_bytes(name: &str, data: &[u8], opts: &Options) -> Result<Totals, BiblioError> {
    let dir = std::env::temp_dir().join(format!("digindex-biblio-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| BiblioError::file(&dir, e))?;
    let p = dir.join(name);
    std::fs::write(&p, data).map_err(|e| BiblioError::file(&p, e))?;
    let r = run(&[p], opts, &|_| {});
    let _ = std::fs::remove_dir_all(&dir);
    r
}

#[cfg(test)]
mod tests {
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
    fn ai_rules_parse() {
        assert_eq!(AiRule::parse("primary-subfield:1702"), Ok(AiRule::PrimarySubfield(vec![1702])));
        assert_eq!(AiRule::parse("concept:C154945302:0.3"), Ok(AiRule::Concept("C154945302".into(), 0.3)));
        assert!(AiRule::parse("topic:1702").unwrap_err().contains("unknown kind"));
    }

    #[test]
    fn lines_longer_than_the_buffer_and_no_final_newline() {
        let work = |i: usize, title: &str| {
            format!(
                r#"{{"id":"W{i}","title":"{title}","publication_year":2020,"authorships":[{{"countries":["IR"]}}]}}"#
            )
        };
        let mut text = String::new();
        for i in 0..3000 {
            // every 1000th line is 3 MB long; the rest push line ends across reads
            let title = if i % 1000 == 7 { "x".repeat(3 << 20) } else { "t".repeat(i % 700) };
            text.push_str(&work(i, &title));
            text.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
        }
        text.push_str("\n   \n");
        text.push_str(&work(3000, "last line without a newline"));
        for validation in [Validation::Full, Validation::OnDemand] {
            let t =
                run_bytes("long.jsonl", text.as_bytes(), &Options { validation, ..Default::default() }).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (3001, 3001, 0));
            assert_eq!(t.bytes, text.len() as u64);
            assert_eq!(t.by_country_year[&("IR".to_string(), 2020)].papers_whole, 3001.0);
        }
        // a malformed line is named by its number across buffer refills
        let bad = text.replacen(&work(2500, &"t".repeat(2500 % 700)), "{\"id\":", 1);
        let e = run_bytes("bad.jsonl", bad.as_bytes(), &Options { strict: true, ..Default::default() }).unwrap_err();
        assert!(e.to_string().contains("line 2501"), "{e}");
    }

    #[test]
    fn deep_and_overlong_lines_are_malformed_not_fatal() {
        let good = r#"{"id":"W1","publication_year":2020,"authorships":[{"countries":["IR"]}]}"#;
        let deep =
            |d: usize| format!(r#"{{"id":"W2","publication_year":2020,"x":{}{}}}"#, "[".repeat(d), "]".repeat(d));
        let long = format!(r#"{{"id":"W3","publication_year":2020,"title":"{}"}}"#, "x".repeat(100_000));
        // 30,000 levels overflowed the stack; a bare `[[[…` too; a long line
        // last, without its newline
        let text = format!("{good}\n{}\n{}\n{good}\n{}\n{good}\n{long}", deep(30_000), "[".repeat(30_000), deep(31));
        let limits = Limits { max_line_bytes: 65_536, max_depth: 32 };
        for validation in [Validation::Full, Validation::OnDemand] {
            let opts = Options { validation, limits, ..Default::default() };
            let t = run_bytes("deep.jsonl", text.as_bytes(), &opts).expect("runs");
            // the 32-deep line (object + 31 arrays) is within the limit
            assert_eq!((t.lines, t.works_kept, t.malformed), (7, 4, 3), "{validation:?}");
            assert!(
                t.malformed_examples[0].contains("line 2: arrays or objects nest deeper than 32"),
                "{:?}",
                t.malformed_examples
            );
            assert!(
                t.malformed_examples[1].contains("line 3: arrays or objects nest deeper"),
                "{:?}",
                t.malformed_examples
            );
            assert!(
                t.malformed_examples[2].contains("line 7: the line is 100046 bytes long, more than the limit of 65536"),
                "{:?}",
                t.malformed_examples
            );
            assert_eq!(t.bytes, text.len() as u64);
            let strict = Options { strict: true, ..opts };
            let e = run_bytes("deep.jsonl", text.as_bytes(), &strict).unwrap_err();
            assert!(e.to_string().contains("line 2"), "{e}");
        }
        // a line of 3 MB with a cap of 1 MB is skipped without being kept,
        // and the lines around it count; line numbers hold across refills
        let big = format!(r#"{{"id":"W4","title":"{}"}}"#, "y".repeat(3 << 20));
        let text = format!("{good}\n{big}\n{good}\n");
        let opts = Options { limits: Limits { max_line_bytes: 1 << 20, max_depth: 32 }, ..Default::default() };
        let t = run_bytes("big.jsonl", text.as_bytes(), &opts).expect("runs");
        assert_eq!((t.lines, t.works_kept, t.malformed), (3, 2, 1));
        assert!(t.malformed_examples[0].contains("line 2: the line is"), "{:?}", t.malformed_examples);
        // the cap is on the line's own bytes: a line of exactly the cap,
        // with either line ending or none, is read; one byte more is not
        let line = |n: usize| format!(r#"{{"id":"W5","publication_year":2020,"title":"{}"}}"#, "z".repeat(n - 46));
        assert_eq!(line(5000).len(), 5000);
        let small = |m: usize| Options { limits: Limits { max_line_bytes: m, max_depth: 32 }, ..Default::default() };
        for ending in ["\n", "\r\n", ""] {
            let text = format!("{}{ending}", line(5000));
            let t = run_bytes("cap.jsonl", text.as_bytes(), &small(5000)).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (1, 1, 0), "{ending:?}");
            let t = run_bytes("cap.jsonl", text.as_bytes(), &small(4999)).expect("runs");
            assert_eq!((t.lines, t.works_kept, t.malformed), (1, 0, 1), "{ending:?}");
        }
        // the depth setting cannot go beyond what the stack holds
        let deeper = Options { limits: Limits { max_line_bytes: 1 << 20, max_depth: 10_000 }, ..Default::default() };
        let t = run_bytes("deeper.jsonl", deep(1000).as_bytes(), &deeper).expect("runs");
        assert_eq!(t.malformed, 1);
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

    #[test]
    fn country_codes_are_one_key_before_totalling() {
        // `us` and `US` (and ` US`) are one country: one row, and one country per work
        let lines = [
            r#"{"id":"W1","publication_year":2021,"authorships":[{"countries":["us"]},{"countries":["US"]}]}"#,
            r#"{"id":"W2","publication_year":2021,"authorships":[{"institutions":[{"country_code":" US"}]},{"countries":["ir"]}]}"#,
        ];
        for v in [Validation::Full, Validation::OnDemand] {
            let opts = Options { validation: v, ..Default::default() };
            let t = run_bytes("codes.jsonl", lines.join("\n").as_bytes(), &opts).expect("runs");
            let keys: Vec<&String> = t.by_country_year.keys().map(|(c, _)| c).collect();
            assert!(keys.iter().all(|k| *k == "US" || *k == "IR"), "{v:?}: {keys:?}");
            let us = &t.by_country_year[&("US".to_string(), 2021)];
            // W1 counts once for the US (whole), with both authors' shares; W2 half
            assert_eq!((us.papers_whole, us.papers_fractional), (2.0, 1.5), "{v:?}");
            assert_eq!(t.by_country_year[&("IR".to_string(), 2021)].papers_whole, 1.0);
        }
    }

    #[test]
    fn authorship_shapes() {
        let work = |auths: &str| format!(r#"{{"id":"W1","publication_year":2020,"authorships":{auths}}}"#);
        let lines = [
            // countries null: the institutions' codes; institutions null; an empty code
            work(
                r#"[{"countries":null,"institutions":[{"country_code":"DE"},{"country_code":""}]},{"institutions":null}]"#,
            ),
            // countries win over institutions, in either order; unknown fields skipped
            work(r#"[{"institutions":[{"country_code":"DE"}],"x":{"countries":["FR"]},"countries":["IR","IR"]}]"#),
            // malformed: a repeated key, a code that is not a string, an authorship that is not an object
            work(r#"[{"countries":["IR"],"countries":["DE"]}]"#),
            work(r#"[{"countries":[7]}]"#),
            work(r#"[null]"#),
        ];
        for v in [Validation::Full, Validation::OnDemand] {
            let opts = Options { validation: v, ..Default::default() };
            let t = run_bytes("auth.jsonl", lines.join("\n").as_bytes(), &opts).expect("runs");
            assert_eq!((t.works_kept, t.malformed), (2, 3), "{v:?} {:?}", t.malformed_examples);
            let de = &t.by_country_year[&("DE".to_string(), 2020)];
            let ir = &t.by_country_year[&("IR".to_string(), 2020)];
            // DE: 1 of 2 authors in the first work; IR: the only author of the second
            assert_eq!(
                (de.papers_whole, de.papers_fractional, de.authorships, de.authorships_with_country),
                (1.0, 0.5, 2, 1)
            );
            assert_eq!((ir.papers_whole, ir.papers_fractional), (1.0, 1.0));
            assert!(!t.by_country_year.contains_key(&("FR".to_string(), 2020)));
            assert_eq!((t.authorships, t.authorships_with_country), (3, 2));
        }
        // on demand, the authorships are parsed for works the filters keep
        // (and, with all works summed, for every work the other filters keep)
        let lines = [
            r#"{"id":"W1","publication_year":2019,"authorships":[{"countries":[7]}]}"#,
            r#"{"id":"W2","publication_year":2020,"title":"x","authorships":[{"countries":[7]}]}"#,
            r#"{"id":"W3","publication_year":2020,"title":"deep learning","authorships":[7]}"#,
        ];
        let filter = Filter {
            years: Some((2020, 2020)),
            ai: vec![AiRule::TitleKeywords(vec!["deep learning".into()])],
            ..Default::default()
        };
        for (v, all_works, malformed) in
            [(Validation::Full, false, 3), (Validation::OnDemand, false, 1), (Validation::OnDemand, true, 2)]
        {
            let opts = Options { validation: v, all_works, filter: filter.clone(), ..Default::default() };
            let t = run_bytes("auth.jsonl", lines.join("\n").as_bytes(), &opts).expect("runs");
            assert_eq!((t.works_kept, t.malformed), (0, malformed), "{v:?} {all_works} {:?}", t.malformed_examples);
            assert!(
                t.malformed_examples
                    .last()
                    .is_some_and(|e| e.contains("line 3: field `authorships`") || v == Validation::Full)
            );
        }
    }

    #[test]
    fn escaped_keys_name_their_fields() {
        // \u0079 is `y`: the key is `publication_year` either way
        let line = r#"{"id":"W1","publication_\u0079ear":2021,"authorships":[{"countries":["IR"]}]}"#;
        let bad = r#"{"id":"W2","publication_\u00gyear":2021,"authorships":[{"countries":["IR"]}]}"#;
        for v in [Validation::Full, Validation::OnDemand] {
            let opts = Options { validation: v, ..Default::default() };
            let t = run_bytes("esc.jsonl", format!("{line}\n{bad}").as_bytes(), &opts).expect("runs");
            assert_eq!((t.works_kept, t.malformed), (1, 1), "{v:?}");
            assert!(t.by_country_year.contains_key(&("IR".to_string(), 2021)), "{v:?}");
        }
    }

    #[test]
    fn keyword_boundaries() {
        let cases = [
            // (text, key, found)
            ("said the domain", "ai", false),
            ("ai, said", "ai", true),
            ("deep learning", "learn", false),
            ("deep learning", "learn*", true),
            ("xlearning", "learn*", false),
            ("c++11 and go", "c++", true), // only the letter side of `c++` needs a boundary
            ("objective-c++", "c++", true),
            ("asp.net core", ".net", true),
            ("asp.netty", ".net", false),
            ("基于人工智能的方法", "人工智能", true), // no spaces between words in Chinese
            ("ภาษาไทยปัญญาประดิษฐ์", "ปัญญาประดิษฐ์", true),
            ("cafe\u{301} au lait", "cafe", false), // a combining accent belongs to the word
            ("nab ab ab", "ab ab", true),           // overlapping candidates
            ("", "ai", false),
        ];
        for (text, key, found) in cases {
            assert_eq!(has_words(text, key), found, "{text:?} {key:?}");
        }
        assert_eq!(squash("  deep\u{a0}\n learning  "), "deep learning");
        // folded alike: decomposed accents, ligatures, full-width letters, final sigma
        let folded = [
            ("Re\u{301}seau de neurones", "réseau"),
            ("RÉSEAU DE NEURONES", "réseau"),
            ("\u{fb01}ne-tuning of LLMs", "fine-tuning"),
            ("ＡＩ for science", "ai"),
            ("ΤΕΧΝΗΤΉ ΝΟΗΜΟΣΎΝΗ ΚΑΙ ΛΌΓΟΣ", "λόγος"),
            ("τεχνητή νοημοσύνη και λογος", "λογοσ"),
        ];
        for (text, key) in folded {
            let key = fold(key);
            assert!(has_words(&fold(text), &key), "{text:?} {key:?}");
        }
        assert!(has_words(&fold("Re\u{301}seau de neurones"), &fold("réseau")));
        assert!(has_words(&fold("ΚΑΙ ΛΟΓΟΣ"), &fold("λογος")));
        assert_eq!(fold("  Deep\tLEARNING "), "deep learning");
    }

    #[test]
    fn keywords_in_titles_and_rebuilt_abstracts() {
        let work = |id: u32, title: &str, abs: &str| {
            format!(
                r#"{{"id":"W{id}","publication_year":2020,"title":{},"abstract_inverted_index":{abs},"authorships":[{{"countries":["IR"]}}]}}"#,
                serde_json::to_string(title).expect("json")
            )
        };
        let lines = [
            // 1: in the title
            work(1, "Deep Learning for X", "null"),
            // 2: in the abstract, words given out of order, punctuation kept
            work(2, "Nothing", r#"{"learning,":[1],"Deep":[0],"is":[2,4],"here":[3]}"#),
            // 3: both words, but not next to each other
            work(3, "Nothing", r#"{"deep":[0],"and":[1],"learning":[2]}"#),
            // 4: an escaped word (\u00e9 = é) at a later position
            work(4, "Nothing", r#"{"r\u00e9seau":[7],"deep":[5],"learning":[6]}"#),
            // 5: no abstract at all
            r#"{"id":"W5","publication_year":2020,"title":"Nothing","authorships":[{"countries":["IR"]}]}"#.to_string(),
            // 6: words sharing a position are all kept; white space in a title squashed
            work(6, "Deep\u{a0}\n Nets", r#"{"deep":[0],"learning":[1],"machine":[1]}"#),
        ];
        let data = lines.join("\n");
        let kept = |rule: &str, validation| {
            let opts = Options {
                filter: Filter { ai: vec![AiRule::parse(rule).expect("rule")], ..Default::default() },
                validation,
                ..Default::default()
            };
            let t = run_bytes("kw.jsonl", data.as_bytes(), &opts).expect("runs");
            assert_eq!(t.malformed, 0, "{:?}", t.malformed_examples);
            t.works_kept
        };
        for v in [Validation::Full, Validation::OnDemand] {
            assert_eq!(kept("keywords:deep learning", v), 4, "{v:?}"); // W1, W2, W4, W6
            assert_eq!(kept("keywords:deep machine", v), 0, "{v:?}");
            assert_eq!(kept("title-keywords:deep nets", v), 1, "{v:?}");
            assert_eq!(kept("title-keywords:deep learning", v), 1, "{v:?}");
            assert_eq!(kept("keywords:réseau deep", v), 0, "{v:?}"); // position 7 comes after 5 and 6
            assert_eq!(kept("keywords:learning réseau", v), 1, "{v:?}");
            assert_eq!(kept("keywords:nothing", v), 4, "{v:?}");
            // whole words: `learn` is not in `learning`, `learn*` is; `deep l` is not a phrase here
            assert_eq!(kept("keywords:learn", v), 0, "{v:?}");
            assert_eq!(kept("keywords:learn*", v), 5, "{v:?}"); // W1's title, W2, W3, W4, W6
            assert_eq!(kept("title-keywords:learn*", v), 1, "{v:?}");
            assert_eq!(kept("keywords:deep l", v), 0, "{v:?}");
            assert_eq!(kept("keywords:deep l*", v), 4, "{v:?}");
            assert_eq!(kept("keywords:rés*", v), 1, "{v:?}");
        }
        assert!(AiRule::parse("keywords: , ").is_err());
        for bad in ["keywords:*", "keywords:a*b", "keywords:**", "keywords:ai**"] {
            assert!(AiRule::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            AiRule::parse("keywords: Deep \t Learning ").expect("rule"),
            AiRule::Keywords(vec!["deep learning".into()])
        );
        // an abstract of the wrong shape is a malformed line, but only when a keyword rule reads it
        let bad = work(6, "Nothing", r#"{"deep":["zero"]}"#);
        for v in [Validation::Full, Validation::OnDemand] {
            let opts = |ai: Vec<AiRule>| Options {
                filter: Filter { ai, ..Default::default() },
                validation: v,
                ..Default::default()
            };
            let t = run_bytes("bad.jsonl", bad.as_bytes(), &opts(vec![AiRule::Keywords(vec!["deep".into()])]))
                .expect("runs");
            assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            assert!(t.malformed_examples[0].contains("abstract_inverted_index"), "{:?}", t.malformed_examples);
            // the same whichever rule matches first or in which order they come
            let subfield = AiRule::PrimarySubfield(vec![1702]);
            let kw = AiRule::Keywords(vec!["nothing".into()]);
            let on_topic = bad.replacen(
                r#""title""#,
                r#""primary_topic":{"subfield":{"id":"https://openalex.org/subfields/1702"}},"title""#,
                1,
            );
            for rules in [vec![subfield.clone(), kw.clone()], vec![kw.clone(), subfield]] {
                let t = run_bytes("bad.jsonl", on_topic.as_bytes(), &opts(rules)).expect("runs");
                assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            }
            // a repeated abstract is malformed in both modes
            let twice = work(7, "Nothing", r#"{"ai":[0]},"abstract_inverted_index":null"#);
            let t = run_bytes("twice.jsonl", twice.as_bytes(), &opts(vec![kw.clone()])).expect("runs");
            assert_eq!((t.malformed, t.works_kept), (1, 0), "{v:?}");
            assert!(t.malformed_examples[0].contains("abstract_inverted_index"), "{:?}", t.malformed_examples);
            let t = run_bytes("bad.jsonl", bad.as_bytes(), &opts(vec![AiRule::TitleKeywords(vec!["nothing".into()])]))
                .expect("runs");
            assert_eq!((t.malformed, t.works_kept), (0, 1), "{v:?}");
        }
    }
}
