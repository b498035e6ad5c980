//! `[lo, hi]` pairs read from TOML: exactly two numbers. Deserialising a
//! file's `[1, 2, 3]` straight into `[f64; 2]` would silently drop the third.

use serde::{Deserialize, Deserializer};

/// Exactly two numbers (`#[serde(deserialize_with = "pair")]`).
pub fn pair<'de, D: Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    let v: Vec<f64> = Vec::deserialize(d)?;
    match v[..] {
        [a, b] => Ok([a, b]),
        _ => Err(serde::de::Error::invalid_length(v.len(), &"two numbers, [lo, hi]")),
    }
}

/// [`pair`] for an optional field (with `#[serde(default)]`).
pub fn some_pair<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[f64; 2]>, D::Error> {
    pair(d).map(Some)
}
