//! A work's authorships, flattened as they are read: each author's
//! country codes (its `countries`, else its institutions' codes) and
//! institutions.

use serde::Deserialize;

use crate::record::{Institution, Str};

/// A work's `authorships`, flattened as they are read (no allocation per
/// author). An author's country codes are its `countries`, else the
/// `country_code`s of its institutions; empty codes are left out.
#[derive(Default)]
pub(crate) struct Authors<'a> {
    /// Authorships read.
    pub(crate) n: u32,
    /// (author, country code), in author order.
    pub(crate) codes: Vec<(u32, Str<'a>)>,
    /// (author, institution), in author order.
    pub(crate) institutions: Vec<(u32, Institution<'a>)>,
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

#[cfg(test)]
mod tests {
    use crate::{AiRule, Filter, Options, Validation, run_bytes};

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
}
