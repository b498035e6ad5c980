//! A work's abstract, as OpenAlex carries it (an inverted index of words
//! and their positions), kept raw until a keyword rule needs its text.

use serde::Deserialize;

use crate::record::Str;
use crate::text::fold;

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
pub(crate) enum RawAbstract<'a> {
    /// The value, as the on-demand scanner found it.
    Value(&'a str),
    /// A line that parsed in full and has the field: looked up when needed.
    InLine(&'a [u8]),
}

/// Marks a field that is present (not null) without reading its value (the
/// full parse still checks it and that it is not repeated).
pub(crate) struct Present;

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Present)
    }
}

/// The abstract's text, folded ([`fold`]): its words in the order of their
/// positions, one space apart ("" when there is none). Words sharing a
/// position are all kept; gaps in the positions are closed up.
pub(crate) fn abstract_text(raw: Option<&RawAbstract<'_>>) -> Result<String, String> {
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
