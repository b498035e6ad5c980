//! What an importer reads, as a catalogue entry says it: the [`Format`] of
//! the file and the [`Selector`] of the indicator's values in it; and the
//! check that names an entry whose `format` or `annual` is not a known word,
//! with the nearest known one.

use std::path::Path;

use digindex_input::InputError;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::annual::Annual;

/// The format of a source file: which importer reads it (the catalogue's
/// `format`; see the table in [`crate::import`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Ddf,
    Owid,
    Sdg,
    Hdr,
    Ncses,
    Github,
    GithubCollab,
    Egov,
    Gci,
    Wide,
    WdiBulk,
    Sdmx,
    Coinr,
    /// The generic `unit,year,value[,flag]` table (the default).
    #[default]
    Long,
    /// Not a file format: an indicator computed from two others (`of`).
    Difference,
    /// Not a file format: one series made of several editions (`of`), each
    /// keeping its own years, rescaled by `factors` to a common scale.
    Editions,
}

impl Format {
    /// Every format, in the order the messages list them.
    pub const ALL: [Format; 16] = [
        Format::Ddf,
        Format::Owid,
        Format::Sdg,
        Format::Hdr,
        Format::Ncses,
        Format::Github,
        Format::GithubCollab,
        Format::Egov,
        Format::Gci,
        Format::Wide,
        Format::WdiBulk,
        Format::Sdmx,
        Format::Coinr,
        Format::Long,
        Format::Difference,
        Format::Editions,
    ];

    /// The format's name in the catalogue.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ddf => "ddf",
            Format::Owid => "owid",
            Format::Sdg => "sdg",
            Format::Hdr => "hdr",
            Format::Ncses => "ncses",
            Format::Github => "github",
            Format::GithubCollab => "github_collab",
            Format::Egov => "egov",
            Format::Gci => "gci",
            Format::Wide => "wide",
            Format::WdiBulk => "wdi_bulk",
            Format::Sdmx => "sdmx",
            Format::Coinr => "coinr",
            Format::Long => "long",
            Format::Difference => "difference",
            Format::Editions => "editions",
        }
    }

    /// The format a catalogue name means, read as the catalogue is read.
    pub fn from_name(name: &str) -> Option<Format> {
        by_serde_name(name)
    }

    /// True for the GitHub Innovation Graph formats, whose values are made
    /// from quarters (a censored value's parts are quarters).
    pub fn is_github(self) -> bool {
        matches!(self, Format::Github | Format::GithubCollab)
    }

    /// True for the formats computed from other catalogue indicators.
    pub fn is_derived(self) -> bool {
        matches!(self, Format::Difference | Format::Editions)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value of `T` by its name, exactly as serde reads it from the catalogue.
pub(super) fn by_serde_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    T::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).ok()
}

/// What an importer reads: the format and its selectors.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selector {
    pub format: Format,
    /// `ddf`, `owid`, `sdg`: the value column (default: the last column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// `ncses`: the `indicator` value; `hdr`: the variable prefix;
    /// `github`: the value of the filter column (e.g. a topic); `long`:
    /// the `indicator` value when the file has that column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<String>,
    /// `github`: the filter column (`topic`, `spdx_license`, `language`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// `github`: quarterly to annual — `q4` (the fourth quarter's value),
    /// `mean` (of the quarters present) or `sum`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual: Option<Annual>,
    /// `ddf`: a Gapminder geo entities file (`country`, `iso3166_1_alpha3`)
    /// mapping geo ids to ISO3; ids without an ISO3 code there are skipped
    /// as territories without a code of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo: Option<String>,
    /// Parts of countries reported on their own (the Gaza Strip and the
    /// West Bank of Palestine): `"sum"` adds them up into the country, for
    /// counts, in years the country has no value of its own; otherwise
    /// they are skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<String>,
    /// `github`: the source publishes a value only at or above this
    /// threshold (GitHub: 100 developers). A country without a row in a
    /// quarter the file covers is then censored (below the threshold), not
    /// missing; an annual value from fewer published quarters than the year
    /// has is flagged with its bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub censored_below: Option<f64>,
}

/// The catalogue's indicator entries, only the fields named by a word
/// (everything else is left to the catalogue's own reading).
#[derive(Deserialize)]
struct Written {
    #[serde(default)]
    indicator: Vec<WrittenEntry>,
}

#[derive(Deserialize)]
struct WrittenEntry {
    code: Option<toml::Value>,
    format: Option<toml::Spanned<toml::Value>>,
    annual: Option<toml::Spanned<toml::Value>>,
}

/// For a catalogue text that does not read: the first indicator entry whose
/// `format` or `annual` is a word no importer knows, as an error naming the
/// file, the line, the field and the entry, with the nearest known word.
/// `None` when every such word is known (the reading failed for another
/// reason, which the caller reports as it is).
pub fn unknown_word(path: &Path, text: &str) -> Option<InputError> {
    let written: Written = toml::from_str(text).ok()?;
    let formats: Vec<String> = Format::ALL.iter().map(|f| f.as_str().to_string()).collect();
    let rules: Vec<String> = Annual::ALL.iter().map(|a| a.as_str().to_string()).collect();
    for (n, e) in written.indicator.iter().enumerate() {
        let unknown = [
            word(&e.format).filter(|(w, _)| Format::from_name(w).is_none()).map(|x| ("format", x)),
            word(&e.annual).filter(|(w, _)| Annual::from_name(w).is_none()).map(|x| ("annual", x)),
        ];
        let Some((field, (said, value))) = unknown.into_iter().flatten().next() else { continue };
        let entry = match e.code.as_ref().and_then(toml::Value::as_str) {
            Some(code) => format!("indicator {code}"),
            None => format!("indicator entry {}", n + 1),
        };
        let (what, names, expected) = match field {
            "format" => ("a format", &formats, format!("known: {}", formats.join(", "))),
            _ => ("a rule", &rules, "expected q4, mean or sum".to_string()),
        };
        let line = 1 + text[..value.span().start.min(text.len())].bytes().filter(|b| *b == b'\n').count() as u64;
        let near = digindex_data::suggest(said, names.iter());
        let message = format!("{entry}: {field} = {said:?} is not {what}{near}; {expected}");
        return Some(InputError::at(path, line, Some(field), message));
    }
    None
}

/// A field's value when it is a word (a string), with its place in the text.
fn word(v: &Option<toml::Spanned<toml::Value>>) -> Option<(&str, &toml::Spanned<toml::Value>)> {
    v.as_ref().and_then(|v| Some((v.get_ref().as_str()?, v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_are_the_catalogue_words() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.as_str()), Some(f), "{f}");
        }
        assert_eq!(Format::from_name("DDF"), None);
        assert!(Format::GithubCollab.is_github() && !Format::Long.is_github());
    }

    #[test]
    fn an_unknown_word_names_the_file_the_entry_and_the_field() {
        let p = Path::new("catalog.toml");
        let entry = |extra: &str| {
            format!(
                "[[indicator]]\ncode = \"a\"\nformat = \"long\"\n[[indicator]]\ncode = \"b\"\n{extra}\nname = \"b\"\n"
            )
        };
        assert_eq!(unknown_word(p, &entry("format = \"github\"\nannual = \"sum\"")), None);
        let e = unknown_word(p, &entry("format = \"githib\"")).expect("an error").to_string();
        assert!(
            e.starts_with("catalog.toml, line 6, column \"format\": indicator b: format = \"githib\" is not a format"),
            "{e}"
        );
        assert!(e.contains("(did you mean \"github\"?); known: ddf, owid,"), "{e}");
        let e = unknown_word(p, &entry("format = \"github\"\nannual = \"men\"")).expect("an error").to_string();
        assert!(e.contains("line 7, column \"annual\": indicator b: annual = \"men\" is not a rule"), "{e}");
        assert!(e.ends_with("(did you mean \"mean\"?); expected q4, mean or sum"), "{e}");
        // not TOML, or a value that is not a word: left to the catalogue's reading
        assert_eq!(unknown_word(p, "[[indicator"), None);
        assert_eq!(unknown_word(p, &entry("format = 3")), None);
    }
}
