//! Inline `[[framework]]` entries: the framework given in the spec rather
//! than as a file, and their conversion to framework rows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::normalise::FRAMEWORK_PARAMS;

/// One inline framework entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkEntry {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// 1 (higher is better), -1 (lower is better), or 0 / `"target"`:
    /// the closer to `target` the better (scored as −|x − target|).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "direction")]
    pub direction: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// Normalisation parameters, as the framework columns of the same
    /// names (`goalpost_lower`, `minmax_upper`, … — see
    /// [`crate::normalise::FRAMEWORK_PARAMS`]); switches are 0 or 1.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, f64>,
}

/// A framework entry's direction: a number, or `"higher"`, `"lower"`,
/// `"target"` (1, -1, 0).
fn direction<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Dir {
        Number(f64),
        Word(String),
    }
    match Dir::deserialize(d)? {
        Dir::Number(x) => Ok(Some(x)),
        Dir::Word(w) => match w.as_str() {
            "higher" => Ok(Some(1.0)),
            "lower" => Ok(Some(-1.0)),
            "target" => Ok(Some(0.0)),
            other => Err(serde::de::Error::custom(format!(
                "direction {other:?}: expected 1, -1, 0 or \"higher\", \"lower\", \"target\""
            ))),
        },
    }
}

/// An inline framework entry's `params` names something that is not a
/// framework parameter ([`crate::normalise::FRAMEWORK_PARAMS`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "[[framework]] {code}: params.{param} is not a framework parameter (known: {known}){hint}",
    known = FRAMEWORK_PARAMS.join(", "),
    hint = nearest_param(.param)
)]
pub struct UnknownFrameworkParam {
    /// The entry's `code`.
    pub code: String,
    /// The unknown parameter name.
    pub param: String,
}

/// " (did you mean …?)" for a misspelt framework parameter, or nothing.
fn nearest_param(param: &str) -> String {
    let names: Vec<String> = FRAMEWORK_PARAMS.iter().map(|s| s.to_string()).collect();
    digindex_data::suggest(param, names.iter())
}

/// The message, for callers that collect errors as text.
impl From<UnknownFrameworkParam> for String {
    fn from(e: UnknownFrameworkParam) -> String {
        e.to_string()
    }
}

impl FrameworkEntry {
    /// The entry as a framework row; `params` names must be framework
    /// parameters ([`crate::normalise::FRAMEWORK_PARAMS`]).
    pub fn to_node_spec(&self) -> Result<digindex_data::NodeSpec, UnknownFrameworkParam> {
        let mut params = Vec::with_capacity(self.params.len());
        for (k, v) in &self.params {
            if !FRAMEWORK_PARAMS.contains(&k.as_str()) {
                return Err(UnknownFrameworkParam { code: self.code.clone(), param: k.clone() });
            }
            params.push((k.clone(), *v));
        }
        Ok(digindex_data::NodeSpec {
            code: self.code.clone(),
            name: self.name.clone(),
            parent: self.parent.clone(),
            level: self.level,
            direction: self.direction,
            weight: self.weight,
            target: self.target,
            denominator: self.denominator.clone(),
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_param_is_named_with_the_known_ones() {
        let entry = FrameworkEntry {
            code: "Ind1".into(),
            name: None,
            parent: None,
            level: None,
            direction: None,
            weight: None,
            target: None,
            denominator: None,
            params: BTreeMap::from([("minmax_uper".to_string(), 1.0)]),
        };
        let e = entry.to_node_spec().unwrap_err();
        let text = e.to_string();
        assert!(
            text.starts_with("[[framework]] Ind1: params.minmax_uper is not a framework parameter (known: "),
            "{text}"
        );
        assert!(text.ends_with(" (did you mean \"minmax_upper\"?)"), "{text}");
        assert_eq!(String::from(e), text);
    }
}
