//! A small HTTP/1.1 server on loopback for the `data fetch` tests: each
//! request is logged (path and query, headers, time) and answered by the
//! test's handler, which sees how many times that address was asked for.
//! It can answer in gzip, send a status with headers, or drop the
//! connection in the middle of a body. Nothing here reaches the internet.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// Path and query, as sent (`/v2/x?format=json`).
    pub target: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
    /// A query parameter, percent-decoded.
    pub fn param(&self, key: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').filter_map(|kv| kv.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| decode(v))
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An answer.
pub enum Reply {
    /// 200 with a body (gzip-encoded when `gzip` and the client accepts it)
    /// and extra headers.
    Body { body: Vec<u8>, headers: Vec<(String, String)>, gzip: bool },
    /// Any status, headers and body.
    Status { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Headers announcing the whole body, then only part of it, then the
    /// connection is closed.
    DropMidBody { body: Vec<u8> },
}

impl Reply {
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Body {
            body: body.into(),
            headers: vec![("Content-Type".into(), "application/json".into())],
            gzip: false,
        }
    }
    pub fn with_header(mut self, k: &str, v: &str) -> Reply {
        if let Reply::Body { headers, .. } | Reply::Status { headers, .. } = &mut self {
            headers.push((k.into(), v.into()));
        }
        self
    }
    pub fn gzipped(mut self) -> Reply {
        if let Reply::Body { gzip, .. } = &mut self {
            *gzip = true;
        }
        self
    }
    pub fn status(status: u16) -> Reply {
        Reply::Status { status, headers: vec![], body: vec![] }
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// The server (it runs until the test process ends).
pub struct Server {
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Starts a server answering with `handler(request, times this target was asked)`.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("addr").port();
        let log: Arc<Mutex<Vec<Request>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let l = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (l, h) = (l.clone(), handler.clone());
                std::thread::spawn(move || serve(stream, &l, &*h));
            }
        });
        Server { port, log }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Request> {
        self.log.lock().expect("log").clone()
    }

    /// The requests whose target starts with `prefix`.
    pub fn asked(&self, prefix: &str) -> Vec<Request> {
        self.log().into_iter().filter(|r| r.target.starts_with(prefix)).collect()
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Request>>, handler: &Handler) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        if let Some(n) = headers.get("content-length").and_then(|n| n.parse::<usize>().ok()) {
            let mut body = vec![0; n];
            let _ = reader.read_exact(&mut body);
        }
        let req = Request { target: target.clone(), headers, at: Instant::now() };
        let times = {
            let mut l = log.lock().expect("log");
            l.push(req.clone());
            l.iter().filter(|r| r.target == target).count()
        };
        let reply = handler(&req, times);
        let close = !write_reply(&mut stream, &req, reply);
        if close {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

/// Writes a reply; false when the connection must close.
fn write_reply(s: &mut TcpStream, req: &Request, reply: Reply) -> bool {
    let (status, mut headers, mut body, partial) = match reply {
        Reply::Body { body, headers, gzip } => {
            let accepts = req.header("accept-encoding").is_some_and(|a| a.contains("gzip"));
            if gzip && accepts {
                let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                e.write_all(&body).expect("gzip");
                let mut h = headers;
                h.push(("Content-Encoding".into(), "gzip".into()));
                (200, h, e.finish().expect("gzip"), false)
            } else {
                (200, headers, body, false)
            }
        }
        Reply::Status { status, headers, body } => (status, headers, body, false),
        Reply::DropMidBody { body } => (200, vec![], body, true),
    };
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let len = body.len();
    if status != 304 {
        headers.push(("Content-Length".into(), len.to_string()));
    }
    let mut head = format!("HTTP/1.1 {status} {reason}\r\n");
    for (k, v) in &headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    if s.write_all(head.as_bytes()).is_err() {
        return false;
    }
    if partial {
        body.truncate(len / 2);
        let _ = s.write_all(&body);
        let _ = s.flush();
        return false;
    }
    s.write_all(&body).is_ok() && s.flush().is_ok()
}
