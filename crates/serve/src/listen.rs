//! Accepting connections: a cap on how many are open, a deadline for
//! request heads, and a graceful stop.
//!
//! Each connection is served by hyper's HTTP/1.1 server with a header read
//! timeout ([`Settings::header_timeout`]): a client that trickles its
//! request head, or keeps an idle connection open without sending the next
//! request, is disconnected when it runs out. At most
//! [`Settings::max_connections`] connections are open at once; one more is
//! closed as soon as it is accepted, so that connections held open by
//! others can neither exhaust the process's file descriptors nor make new
//! clients wait in the kernel's queue. Request heads are read into at most
//! [`MAX_HEAD_BUFFER`] bytes; the routes' own limits (target, header size,
//! body size and time) are in the crate root.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// Time a client has to send a complete request head, from the moment the
/// server starts waiting for it (also between requests on a kept-alive
/// connection).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// hyper's read buffer for request heads; longer heads get hyper's own 431.
/// The router answers heads over [`crate::MAX_HEAD`] bytes with a JSON 431
/// before that.
pub const MAX_HEAD_BUFFER: usize = 64 * 1024;
/// Time the requests in flight have to finish after Ctrl-C.
pub const DRAIN: Duration = Duration::from_secs(10);

/// How connections are accepted.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub max_connections: usize,
    pub header_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { max_connections: default_max_connections(), header_timeout: HEADER_TIMEOUT }
    }
}

/// The connection cap: the process's limit on open files less 128 for
/// everything else, between 64 and 4,096 (1,024 where the limit cannot be
/// read).
pub fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits").ok().and_then(|t| {
        t.lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|v| v.parse::<usize>().ok())
    });
    soft.map_or(1024, |s| s.saturating_sub(128).clamp(64, 4096))
}

/// Serves `app` on `listener` until `stop` completes, then lets the
/// requests in flight finish (at most [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: Settings,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let max = settings.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let open = Arc::new(Semaphore::new(max));
    let (closing, closed) = watch::channel(false);
    let mut stop = pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            () = &mut stop => break,
        };
        let stream = match accepted {
            Ok((s, _)) => s,
            // out of descriptors, or a connection reset before it was
            // accepted: wait a moment rather than spin
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut closed = closed.clone();
        let head_timeout = settings.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(head_timeout).max_buf_size(MAX_HEAD_BUFFER);
            let mut conn = pin!(builder.serve_connection(TokioIo::new(stream), service));
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = closed.wait_for(|c| *c) => {}
            }
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = closing.send(true);
    // every connection gives its permit back when it ends
    let _ = tokio::time::timeout(DRAIN, open.acquire_many(u32::try_from(max).unwrap_or(u32::MAX))).await;
    Ok(())
}
