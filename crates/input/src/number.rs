//! Numbers as text: the shortest decimal that reads back to the same
//! `f64`, missing as an empty field.

/// Formats a value for CSV output. `NaN` (missing) is the empty string;
/// magnitudes in [1e-5, 1e16) are written plainly (`0.125`, `42`), others
/// in exponent form (`1e-7`, `3.5e20`). Both forms are the shortest that
/// round-trip (Rust's formatting guarantees it).
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if (1e-5..1e16).contains(&a) { format!("{x}") } else { format!("{x:e}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortest_round_trip() {
        for x in [0.1, 1.0 / 3.0, 64.80234, 1e-7, 123456789012345680.0, -2.5, 1e300, 5e-324, 68.38] {
            let s = format_number(x);
            assert_eq!(s.parse::<f64>().expect("parses"), x, "{s}");
        }
        assert_eq!(format_number(42.0), "42");
        assert_eq!(format_number(0.125), "0.125");
        assert_eq!(format_number(1e-7), "1e-7");
        assert_eq!(format_number(f64::NAN), "");
        assert_eq!(format_number(-0.0), "0");
    }
}
