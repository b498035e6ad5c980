//! `digindex serve` as a user runs it: it binds to loopback, its claim
//! check gives what `digindex check` gives, its scores are the report's,
//! and it stops cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use crate::util::{bin, root};

/// The server process, its address, and its stdout (kept open while it runs).
struct Server {
    child: Child,
    addr: String,
    _stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    start_with(&[])
}

fn start_with(extra: &[&str]) -> Server {
    let mut child = bin()
        .current_dir(root())
        .args(["serve", "frameworks/tokyo-statement", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let out = child.stdout.take().expect("stdout");
    let mut out = BufReader::new(out);
    let mut line = String::new();
    out.read_line(&mut line).expect("a line");
    // "serving http://127.0.0.1:PORT/i/tokyo-statement"
    let addr = line.trim().trim_start_matches("serving http://").split('/').next().expect("address").to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    Server { child, addr, _stdout: out }
}

/// One HTTP/1.1 request; (status, body).
fn http(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connects");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("sends");
    let mut text = String::new();
    s.read_to_string(&mut text).expect("reads");
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("status");
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn served_claim_check_matches_digindex_check() {
    let server = start();
    let claim = "IRN ranks 2 in ai_papers among persian_gulf in 2022";
    let (status, body) = http(&server.addr, "POST", "/api/check", &serde_json::json!({ "claim": claim }).to_string());
    assert_eq!(status, 200, "{body}");
    let served: serde_json::Value = serde_json::from_str(&body).expect("json");
    let o = bin().current_dir(root()).args(["check", claim, "--format", "json"]).output().expect("check runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let cli: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(served, cli["claims"][0]);
    assert!(served["of"].as_u64().expect("of") >= 1);
    // index claims for the index served: its own ranking
    let (status, body) = http(
        &server.addr,
        "POST",
        "/api/check",
        r#"{"claim":"Iran is in the top 10 in index:tokyo-statement among APT"}"#,
    );
    assert_eq!(status, 200, "{body}");
    let served: serde_json::Value = serde_json::from_str(&body).expect("json");
    let reading = &served["readings"][0];
    assert_eq!(reading["region"], "apt");
    let (_, scores) = http(&server.addr, "GET", "/api/indices/tokyo-statement/scores", "");
    let scores: serde_json::Value = serde_json::from_str(&scores).expect("json");
    let irn = scores["rows"].as_array().expect("rows").iter().find(|r| r["unit"] == "IRN").expect("IRN row");
    assert_eq!(reading["rank"], irn["rank"], "{reading}");
    // a priority in an earlier year of the series, as the build ranked it then
    let (status, body) = http(&server.addr, "GET", "/api/indices/tokyo-statement/scores?code=Innovation&year=2019", "");
    assert_eq!(status, 200, "{body}");
    let then: serde_json::Value = serde_json::from_str(&body).expect("json");
    let rows = then["rows"].as_array().expect("rows");
    assert!(rows.len() >= 30 && rows.iter().all(|r| r["year"] == 2019), "{body}");
    let mut ranks: Vec<u64> = rows.iter().filter_map(|r| r["rank"].as_u64()).collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (1..=rows.len() as u64).collect::<Vec<_>>());
    assert!(rows.iter().all(|r| r["rank_q05"].is_number()), "pillar rank intervals per year");
    let holds = irn["rank"].as_u64().expect("rank") <= 10;
    assert_eq!(reading["status"], if holds { "holds" } else { "fails" });
    // other indices are not built on request
    let (status, body) = http(
        &server.addr,
        "POST",
        "/api/check",
        r#"{"claim":"IRN ranks 2 in index:frameworks/ai-ecosystem among persian_gulf"}"#,
    );
    // (answered, not refused: the claim is read, and the answer says why it is not checked)
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["checked"], false, "{body}");
    assert!(v["error"].as_str().is_some_and(|e| e.ends_with("answers index claims for tokyo-statement")), "{body}");
    // scores of the index: every ranked unit, ranked 1..n
    let (status, body) = http(&server.addr, "GET", "/api/indices/tokyo-statement/scores", "");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&body).expect("json");
    let mut ranks: Vec<u64> = v["rows"].as_array().expect("rows").iter().filter_map(|r| r["rank"].as_u64()).collect();
    ranks.sort_unstable();
    let n = ranks.len() as u64;
    assert!(n > 25, "{n} units ranked");
    assert_eq!(ranks, (1..=n).collect::<Vec<_>>());
}

#[test]
fn a_busy_address_is_a_clear_error() {
    let server = start();
    let o = bin()
        .current_dir(root())
        .args(["serve", "frameworks/tokyo-statement", "--addr", &server.addr])
        .output()
        .expect("runs");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&format!("cannot listen on {}", server.addr)), "{err}");
}

#[test]
fn the_server_outlives_a_closed_stdout() {
    // a free port, then a server whose stdout is closed before it prints anything
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a port").local_addr().expect("addr").port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = bin()
        .current_dir(root())
        .args(["serve", "frameworks/tokyo-statement", "--addr", &addr])
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    drop(child.stdout.take());
    let mut up = false;
    for _ in 0..300 {
        if TcpStream::connect(&addr).is_ok() {
            up = true;
            break;
        }
        if child.try_wait().expect("status").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let server = Server { child, addr, _stdout: BufReader::new(spawn_quiet_stdout()) };
    assert!(up, "the server stopped when its stdout was closed");
    let (status, _) = http(&server.addr, "GET", "/api/indices", "");
    assert_eq!(status, 200);
}

/// A stdout pipe of a process that ends at once (stands in for the closed one).
fn spawn_quiet_stdout() -> std::process::ChildStdout {
    let mut c = Command::new("true").stdout(Stdio::piped()).spawn().expect("true runs");
    let out = c.stdout.take().expect("stdout");
    let _ = c.wait();
    out
}

#[test]
fn binding_beyond_loopback_is_warned_about() {
    let mut child = bin()
        .current_dir(root())
        .args(["serve", "frameworks/tokyo-statement", "--addr", "0.0.0.0:0", "-q"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    err.read_line(&mut line).expect("a line");
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("warning: listening on 0.0.0.0") && line.contains("no authentication"), "{line}");
}

/// Idle and trickling connections: up to the cap they are held (and normal
/// requests still answered); beyond it they are closed at once; each is
/// closed when its request head has not arrived within the header timeout.
#[test]
fn idle_connections_neither_block_requests_nor_stay_forever() {
    use std::time::{Duration, Instant};
    let server = start_with(&["--max-connections", "300"]);
    let mut idle: Vec<TcpStream> = (0..250).map(|_| TcpStream::connect(&server.addr).expect("connects")).collect();
    // one trickles a request head a byte at a time
    let mut trickle = TcpStream::connect(&server.addr).expect("connects");
    trickle.write_all(b"GET /api/indices HTTP/1.1\r\nHo").expect("sends");
    let started = Instant::now();
    let (status, body) = http(&server.addr, "GET", "/api/indices", "");
    assert_eq!(status, 200, "{body}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    // over the cap: closed as soon as accepted
    let extra: Vec<TcpStream> = (0..80).map(|_| TcpStream::connect(&server.addr).expect("connects")).collect();
    let mut closed = 0;
    for mut c in extra {
        c.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
        let mut b = [0u8; 1];
        if matches!(c.read(&mut b), Ok(0) | Err(_)) {
            closed += 1;
        }
    }
    assert!(closed >= 28, "{closed} of 80 connections beyond the cap of 300 were closed");
    // the held ones are closed by the header timeout (5 s), trickling or not
    let t = Instant::now();
    for c in [&mut trickle, &mut idle[0]] {
        c.set_read_timeout(Some(Duration::from_secs(15))).expect("timeout");
        let mut text = Vec::new();
        let _ = c.read_to_end(&mut text);
    }
    let waited = t.elapsed() + Duration::from_millis(500);
    assert!(waited < Duration::from_secs(12), "closed after {waited:?}");
    idle.clear();
    // and the server answers as before
    assert_eq!(http(&server.addr, "GET", "/api/indices", "").0, 200);
}
