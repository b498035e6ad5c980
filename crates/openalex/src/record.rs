//! A work record as read: the fields of a work this crate uses, as typed
//! serde structs that borrow their strings from the line.

use std::borrow::Cow;

use serde::Deserialize;

use crate::abstracts::{Present, RawAbstract};
use crate::authors::Authors;

/// A string of the line: borrowed when it has no escapes, owned otherwise.
/// (serde borrows a `Cow<str>` only when it is a field's whole type; inside
/// `Option` or `Vec` it always allocates, which cost ~25 allocations a work.)
#[derive(Debug, Clone)]
pub(crate) struct Str<'a>(Cow<'a, str>);

impl<'a> Str<'a> {
    /// A country code as one key: trimmed and in upper case, so that `us`,
    /// ` US` and `US` are one country before anything is totalled (already
    /// clean codes stay borrowed).
    pub(crate) fn country_code(self) -> Str<'a> {
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
pub(crate) struct IdRef<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Topic<'a> {
    #[serde(borrow, default)]
    pub(crate) subfield: Option<IdRef<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Concept<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) score: Option<f64>,
}

#[derive(Deserialize)]
pub(crate) struct Institution<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) display_name: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) country_code: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Source<'a> {
    #[serde(borrow, default, rename = "type")]
    pub(crate) kind: Option<Str<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Location<'a> {
    #[serde(borrow, default)]
    pub(crate) source: Option<Source<'a>>,
}

#[derive(Deserialize)]
pub(crate) struct Percentile {
    #[serde(default)]
    pub(crate) is_in_top_10_percent: Option<bool>,
}

/// The fields of a work this crate reads; everything else is skipped.
#[derive(Deserialize, Default)]
pub(crate) struct Work<'a> {
    #[serde(borrow, default)]
    pub(crate) id: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) title: Option<Str<'a>>,
    #[serde(default)]
    pub(crate) publication_year: Option<i32>,
    #[serde(borrow, default, rename = "type")]
    pub(crate) kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) type_crossref: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) primary_location: Option<Location<'a>>,
    #[serde(default)]
    pub(crate) is_retracted: Option<bool>,
    #[serde(default)]
    pub(crate) is_paratext: Option<bool>,
    #[serde(default)]
    pub(crate) cited_by_count: Option<u64>,
    #[serde(default)]
    pub(crate) fwci: Option<f64>,
    #[serde(default)]
    pub(crate) citation_normalized_percentile: Option<Percentile>,
    #[serde(borrow, default)]
    pub(crate) updated_date: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub(crate) authorships: Option<Authors<'a>>,
    /// On demand, the authorships as scanned, parsed into `authorships`
    /// only for a work the filters keep ([`Work::read_authorships`]): they
    /// are a quarter of a line, and most works of an AI run are left out.
    #[serde(skip)]
    pub(crate) authorships_raw: Option<&'a str>,
    #[serde(borrow, default)]
    pub(crate) primary_topic: Option<Topic<'a>>,
    #[serde(borrow, default)]
    pub(crate) topics: Option<Vec<Topic<'a>>>,
    #[serde(borrow, default)]
    pub(crate) concepts: Option<Vec<Concept<'a>>>,
    /// The full parse checks the abstract but does not keep it...
    #[serde(default, rename = "abstract_inverted_index")]
    pub(crate) abstract_present: Option<Present>,
    /// ...which keyword rules then read.
    #[serde(skip)]
    pub(crate) abstract_raw: Option<RawAbstract<'a>>,
}

/// An OpenAlex id without its `https://openalex.org/` prefix (`W…`, `I…`, `C…`).
pub(crate) fn short_id(id: &str) -> &str {
    id.trim_start_matches("https://openalex.org/")
}
