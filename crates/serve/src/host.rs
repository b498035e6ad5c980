//! The `Host` check: a defence against DNS rebinding.
//!
//! A web page on `evil.example` can make its own name resolve to 127.0.0.1
//! and then read a server on this machine as if it were its own origin;
//! the browser still sends `Host: evil.example`. So a request is answered
//! only when its `Host` names this server: the address it is bound to, a
//! loopback name or address when it listens on loopback (or on every
//! address), any IP address when it listens on every address (an address
//! cannot be rebound), or a name given with `--allow-host`. A request
//! without `Host` (HTTP/1.0) is answered: browsers always send one.

use std::net::{IpAddr, SocketAddr};

/// The hosts a server answers to.
#[derive(Debug, Clone)]
pub struct Hosts {
    bound: IpAddr,
    /// Names allowed besides the address (lower case, no trailing dot).
    names: Vec<String>,
    /// `--allow-host '*'`: the check is off.
    any: bool,
}

impl Hosts {
    /// The hosts of a server bound to `bound`, with extra allowed names
    /// (`*` allows every host).
    pub fn new(bound: SocketAddr, allowed: &[String]) -> Hosts {
        Hosts {
            bound: bound.ip(),
            names: allowed.iter().map(|n| normal(n)).filter(|n| n != "*").collect(),
            any: allowed.iter().any(|n| n.trim() == "*"),
        }
    }

    /// A loopback server's hosts (for tests and in-process use).
    pub fn loopback() -> Hosts {
        Hosts::new(SocketAddr::from(([127, 0, 0, 1], 0)), &[])
    }

    /// Whether a request with this `Host` header value is answered.
    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let name = normal(strip_port(host));
        if self.names.contains(&name) {
            return true;
        }
        let local = self.bound.is_loopback() || self.bound.is_unspecified();
        if name == "localhost" || name.ends_with(".localhost") {
            return local;
        }
        match name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) => ip == self.bound || (ip.is_loopback() && local) || self.bound.is_unspecified(),
            Err(_) => false,
        }
    }
}

/// The host without a `:port` (an IPv6 literal keeps its brackets).
fn strip_port(host: &str) -> &str {
    let host = host.trim();
    if let Some(end) = host.strip_prefix('[').and_then(|h| h.find(']')) {
        return &host[..end + 2];
    }
    match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) && !h.contains(':') => h,
        _ => host,
    }
}

fn normal(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(addr: &str, allowed: &[&str]) -> Hosts {
        let names: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        Hosts::new(addr.parse().expect("address"), &names)
    }

    #[test]
    fn loopback_answers_loopback_names_only() {
        let h = at("127.0.0.1:8080", &[]);
        for ok in ["127.0.0.1:8080", "localhost:8080", "LOCALHOST.", "localhost", "[::1]:8080", "app.localhost"] {
            assert!(h.allows(ok), "{ok}");
        }
        // DNS rebinding: a name that resolves here but is not ours
        for bad in ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "10.0.0.5:8080", ""] {
            assert!(!h.allows(bad), "{bad}");
        }
    }

    #[test]
    fn other_bindings_and_allowed_names() {
        let h = at("192.168.1.10:80", &["Observatory.Example.org"]);
        assert!(h.allows("192.168.1.10") && h.allows("observatory.example.org:80"));
        assert!(!h.allows("localhost") && !h.allows("127.0.0.1") && !h.allows("192.168.1.11"));
        // every address: any address literal, loopback names, allowed names
        let h = at("0.0.0.0:80", &[]);
        assert!(h.allows("10.1.2.3:80") && h.allows("localhost") && h.allows("[fe80::1]"));
        assert!(!h.allows("evil.example"));
        assert!(at("127.0.0.1:80", &["*"]).allows("anything.example"));
    }
}
