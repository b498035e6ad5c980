//! `--set KEY=VALUE` overrides: each is read as a line of TOML and merged
//! into the spec's table before the spec is checked.

use super::SpecError;

/// Applies one `KEY=VALUE` override to a TOML table. `KEY=VALUE` is read
/// as a line of TOML, so keys are dotted (`normalise.range`), segments may
/// be quoted (`treat.indicators."Ind.1".method`) and values are TOML
/// (`'"zscore"'`, `[0,1]`, `true`, `0.9`, `{ method = "none" }`); a bare
/// word that is not valid TOML is taken as a string, so
/// `normalise.method=zscore` works too. The value is merged into the
/// table: tables merge key by key, a numeric key picks an entry of a list
/// (`framework.0.weight=2`), anything else replaces what was there.
pub fn apply_override(table: &mut toml::Table, assignment: &str) -> Result<(), SpecError> {
    let Some(eq) = unquoted_equals(assignment) else {
        return Err(SpecError {
            message: format!("--set {assignment:?}: expected KEY=VALUE, e.g. --set normalise.method='\"zscore\"'"),
        });
    };
    let (key, raw) = (assignment[..eq].trim(), assignment[eq + 1..].trim());
    let doc: toml::Table = match toml::from_str(&format!("{key} = {raw}")) {
        Ok(t) => t,
        Err(e) => {
            let bare = !raw.is_empty() && raw.chars().all(|c| c.is_alphanumeric() || "_-.+".contains(c));
            let as_string = toml::Value::String(raw.to_string()).to_string();
            match toml::from_str(&format!("{key} = {as_string}")) {
                Ok(t) if bare => t,
                _ => {
                    return Err(SpecError {
                        message: format!("--set {assignment:?}: not KEY=VALUE in TOML syntax: {}", e.message()),
                    });
                }
            }
        }
    };
    for (k, v) in doc {
        match table.get_mut(&k) {
            Some(existing) => merge(existing, v, &k, key)?,
            None => {
                table.insert(k, v);
            }
        }
    }
    Ok(())
}

/// Position of the first `=` outside quotes.
fn unquoted_equals(s: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '=') => return Some(i),
            _ => {}
        }
    }
    None
}

/// Merges `src` into `dst` (see [`apply_override`]); `path` names `dst`.
fn merge(dst: &mut toml::Value, src: toml::Value, path: &str, key: &str) -> Result<(), SpecError> {
    match (dst, src) {
        (toml::Value::Table(d), toml::Value::Table(s)) => {
            for (k, v) in s {
                let here = format!("{path}.{k}");
                match d.get_mut(&k) {
                    Some(existing) => merge(existing, v, &here, key)?,
                    None => {
                        d.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (toml::Value::Array(d), toml::Value::Table(s)) => {
            let len = d.len();
            for (k, v) in s {
                let idx: usize = k.parse().map_err(|_| SpecError {
                    message: format!("--set {key}: {path} is a list; use a number to pick an entry, not {k:?}"),
                })?;
                let Some(slot) = d.get_mut(idx) else {
                    return Err(SpecError {
                        message: format!("--set {key}: {path} has {len} entries, no entry {idx}"),
                    });
                };
                merge(slot, v, &format!("{path}.{idx}"), key)?;
            }
            Ok(())
        }
        (d, toml::Value::Table(_)) if !matches!(d, toml::Value::Table(_) | toml::Value::Array(_)) => {
            Err(SpecError { message: format!("--set {key}: {path} is a value, not a table") })
        }
        (d, s) => {
            *d = s;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::spec::{AggregateMethod, BASE, ImputeMethod, NormaliseMethod, Spec, TreatMethod};

    #[test]
    fn overrides_apply_and_are_checked() {
        let s = Spec::parse(
            BASE,
            &[
                "normalise.method=\"zscore\"".into(),
                "normalise.mean_sd=[10,2]".into(),
                "treat.max_points=1".into(),
                "aggregate.methods=[\"geometric\",\"harmonic\"]".into(),
                "impute.method=mean".into(),
            ],
        )
        .expect("valid overrides");
        let n = s.normalise.expect("present");
        assert_eq!(n.method, NormaliseMethod::Zscore);
        assert_eq!(n.mean_sd, [10.0, 2.0]);
        assert_eq!(s.treat.expect("created by override").max_points, 1);
        assert_eq!(s.impute.expect("created").method, ImputeMethod::Mean);
        assert_eq!(
            s.aggregate.expect("present").methods,
            Some(vec![AggregateMethod::Geometric, AggregateMethod::Harmonic])
        );
        let e = Spec::parse(BASE, &["normalise.mehtod=zscore".into()]).unwrap_err();
        assert!(e.message.contains("did you mean \"method\""), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise".into()]).unwrap_err();
        assert!(e.message.contains("KEY=VALUE"), "{}", e.message);
        let e = Spec::parse(BASE, &["normalise.method.x=1".into()]).unwrap_err();
        assert!(e.message.contains("not a table"), "{}", e.message);
    }
    #[test]
    fn overrides_quote_merge_and_repair() {
        // quoted segments address codes with dots
        let s = Spec::parse(BASE, &["treat.indicators.\"Ind.1\".method=\"none\"".into()]).expect("valid");
        assert_eq!(s.treat.expect("created").indicators["Ind.1"].method, Some(TreatMethod::None));
        // an inline table merges into the existing table
        let s = Spec::parse(BASE, &["normalise={ range = [1, 10] }".into()]).expect("valid");
        let n = s.normalise.expect("present");
        assert_eq!((n.method, n.range), (NormaliseMethod::Minmax, [1.0, 10.0]));
        // an override can supply what the file lacks
        let s = Spec::parse(&BASE.replace("name = \"t\"", ""), &["index.name=\"From the command line\"".into()])
            .expect("repaired");
        assert_eq!(s.index.name, "From the command line");
        // a file error the overrides do not fix is reported with its line
        let e =
            Spec::parse(&BASE.replace("method = \"minmax\"", "metod = 1"), &["treat.max_points=1".into()]).unwrap_err();
        assert!(e.message.contains("line") && e.message.contains("metod"), "{}", e.message);
        // list entries by number
        let fw = format!("{BASE}\n[[framework]]\ncode = \"a\"\n[[framework]]\ncode = \"b\"\n");
        let s = Spec::parse(&fw, &["framework.1.weight=3".into()]).expect("valid");
        assert_eq!(s.framework[1].weight, Some(3.0));
        let e = Spec::parse(&fw, &["framework.5.weight=3".into()]).unwrap_err();
        assert!(e.message.contains("framework has 2 entries, no entry 5"), "{}", e.message);
        // '=' inside a quoted value
        let s = Spec::parse(BASE, &["index.description=\"a=b\"".into()]).expect("valid");
        assert_eq!(s.index.description.as_deref(), Some("a=b"));
    }
}
