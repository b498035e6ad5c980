//! Reading a work on demand ([`Validation::OnDemand`](crate::Validation::OnDemand)):
//! the top-level fields are found with [`scan`] and only the ones the run
//! uses are parsed.

use serde::Deserialize;

use crate::abstracts::RawAbstract;
use crate::filter::Reads;
use crate::record::Work;
use crate::scan;

impl<'a> Work<'a> {
    /// Reads a work line with [`scan::str_fields`]: only the fields used are
    /// parsed (fully validated); the rest are checked for structure only.
    /// `reads`: the optional fields the run's filter needs.
    pub(crate) fn on_demand(line: &'a [u8], reads: Reads) -> Result<Work<'a>, String> {
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
    pub(crate) fn read_authorships(&mut self) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use crate::{Options, Validation, run_bytes};

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
}
