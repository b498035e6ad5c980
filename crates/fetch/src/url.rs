//! Query strings: values percent-encoded as RFC 3986 asks, so that the
//! address recorded in the catalogue is the one requested.

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `base` + `path` + `?k=v&…`, values encoded (a `:` or `,` in an OpenAlex
/// filter too: servers decode them the same).
pub fn with_query(base: &str, path: &str, query: &[(&str, String)]) -> String {
    let mut u = format!("{}{}", base.trim_end_matches('/'), path);
    for (i, (k, v)) in query.iter().enumerate() {
        u.push(if i == 0 { '?' } else { '&' });
        u.push_str(k);
        u.push('=');
        u.push_str(&encode(v));
    }
    u
}

/// The host (and port) of an address, for the per-host rate limit.
pub fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_encoded_and_hosts_found() {
        assert_eq!(encode("a b:c,d/é"), "a%20b%3Ac%2Cd%2F%C3%A9");
        assert_eq!(
            with_query("http://h:8/", "/v2/x", &[("format", "json".into()), ("date", "2000:2024".into())]),
            "http://h:8/v2/x?format=json&date=2000%3A2024"
        );
        assert_eq!(host("https://api.worldbank.org/v2/country?x=1"), "api.worldbank.org");
        assert_eq!(host("http://127.0.0.1:4000"), "127.0.0.1:4000");
    }
}
