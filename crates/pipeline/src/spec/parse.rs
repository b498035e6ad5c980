//! Reading spec text: the check for numbers TOML silently reads as 0
//! (`1e-400`), and "did you mean" hints on serde's unknown-key and
//! unknown-value errors.

/// The first float in TOML text that is not zero as written but reads as
/// 0: (line, literal). The TOML parser keeps each float's text and place;
/// text that does not parse is left to the parse proper to report.
pub(super) fn vanishing_number(text: &str) -> Option<(usize, String)> {
    use toml::de::{DeTable, DeValue};
    type Value<'i> = toml::Spanned<DeValue<'i>>;
    fn find(v: &Value<'_>) -> Option<(usize, String)> {
        match v.get_ref() {
            DeValue::Float(f) => digindex_data::vanishes(f.as_str()).then(|| (v.span().start, f.as_str().to_string())),
            DeValue::Array(a) => a.iter().find_map(find),
            DeValue::Table(t) => t.values().find_map(find),
            _ => None,
        }
    }
    let table = DeTable::parse(text).ok()?;
    let (at, literal) = table.get_ref().values().find_map(find)?;
    Some((1 + text.get(..at).unwrap_or(text).matches('\n').count(), literal))
}

/// Adds "did you mean" to serde's unknown-field / unknown-variant errors.
pub(super) fn explain(msg: &str) -> String {
    for marker in ["unknown field `", "unknown variant `"] {
        if let Some(pos) = msg.find(marker) {
            let rest = &msg[pos + marker.len()..];
            let Some(end) = rest.find('`') else { continue };
            let word = &rest[..end];
            let candidates: Vec<String> =
                rest[end + 1..].split('`').skip(1).step_by(2).map(|s| s.to_string()).collect();
            let hint = digindex_data::suggest(word, candidates.iter());
            if !hint.is_empty() {
                return format!("{}{}", msg.trim_end(), hint);
            }
        }
    }
    msg.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{BASE, Spec};

    #[test]
    fn numbers_that_vanish_are_refused() {
        assert_eq!(vanishing_number("a = 1e-400"), Some((1, "1e-400".into())));
        assert_eq!(vanishing_number("x = 1\n[b]\np = -2.5E-999 # tiny"), Some((3, "-2.5E-999".into())));
        for fine in [
            "a = 0e-400",
            "a = 1e-300",
            "a = 0.0",
            "name = \"1e-400\"",
            "a = 1 # 1e-400",
            "a = 4.9e-324",
            "d = \"\"\"\ntolerances below 1e-400 are dropped\n\"\"\"",
            "d = \'\'\'x 1e-400 y\'\'\'",
            "a-1e-400 = 1",
            "[x.1e-999]\nk = 1",
            "t = { a-1e-400 = 2 }",
            "when = 1979-05-27",
        ] {
            assert_eq!(vanishing_number(fine), None, "{fine}");
        }
        assert_eq!(vanishing_number("t = { a = 1e-400 }"), Some((1, "1e-400".into())));
        assert_eq!(vanishing_number("v = [\n  1,\n  2e-500,\n]"), Some((3, "2e-500".into())));
        let e = Spec::parse("[index]\nname = \"x\"\n[aggregate]\np = 1e-400\n", &[]).unwrap_err();
        assert!(e.message.starts_with("line 4: 1e-400 is too small to tell from zero"), "{e}");
        let e = Spec::parse("[index]\nname = \"x\"\n", &["aggregate.p=1e-500".into()]).unwrap_err();
        assert!(e.message.contains("--set aggregate.p=1e-500: 1e-500 is too small"), "{e}");
    }
    #[test]
    fn unknown_keys_name_the_key_and_suggest() {
        let e = Spec::parse(&BASE.replace("method = \"minmax\"", "metod = \"minmax\""), &[]).unwrap_err();
        assert!(e.message.contains("unknown field `metod`"), "{}", e.message);
        assert!(e.message.contains("did you mean \"method\""), "{}", e.message);
        assert!(e.message.contains("line"), "{}", e.message);
        let e = Spec::parse(&BASE.replace("\"minmax\"", "\"minmx\""), &[]).unwrap_err();
        assert!(e.message.contains("did you mean \"minmax\""), "{}", e.message);
    }
}
