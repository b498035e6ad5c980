//! `digindex serve [SPEC...] [--addr 127.0.0.1:8080]`
//!
//! Builds, audits and checks each index once (as `digindex report` does),
//! then serves the dashboard pages and the JSON API (see `digindex-serve`;
//! the OpenAPI document is at `/api/openapi.json`). Binds to loopback
//! unless told otherwise; Ctrl-C stops it after the requests in flight.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};

#[derive(clap::Args)]
pub struct Args {
    /// Specs or framework folders (default: frameworks/tokyo-statement).
    specs: Vec<PathBuf>,
    /// Address to listen on. Anything but loopback exposes the server to
    /// the network: there is no authentication.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// A host name the server answers to besides its address (repeatable;
    /// `*` for any). Requests naming another host get 421, a defence
    /// against DNS rebinding; needed behind a proxy or a DNS name.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_host: Vec<String>,
    /// Connections open at once, at most; more are closed on accept
    /// (default: the open-file limit less 128, at most 4,096).
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// The data folder holding catalog.toml, for checking claims (POST /api/check).
    #[arg(long, default_value = "data")]
    data: PathBuf,
    /// The metric vocabulary for claims.
    #[arg(long, default_value = "claims/metrics.toml")]
    vocabulary: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let specs = if args.specs.is_empty() { vec![PathBuf::from("frameworks/tokyo-statement")] } else { args.specs };
    let mut indices = Vec::new();
    for s in &specs {
        let p = digindex::Recipe::read(s, &[])
            .and_then(|r| digindex::publish::prepare(&r, &crate::progress::Bar::new(true)))
            .with_context(|| format!("preparing {}", s.display()))?;
        if indices.iter().any(|i: &digindex_serve::Index| i.id == p.id) {
            return Err(anyhow!("two specs have the id {:?}; give them different folder or file names", p.id));
        }
        indices.push(digindex_serve::Index::new(p.id, p.spec, p.years, p.build, p.model).map_err(|e| anyhow!(e))?);
    }
    let ids: Vec<String> = indices.iter().map(|i| i.id.clone()).collect();
    // index claims: the indices served, by id or folder name
    let served = digindex::check::served_names(&ids, &specs);
    // claims are checked on the whole catalogue, loaded once
    let checker =
        digindex::check::Checker::load(&args.data, &args.vocabulary, true, digindex::check::Indices::Only(served))
            .with_context(|| format!("loading {} for claim checks", args.data.display()))?;
    let checker: digindex_serve::ClaimChecker = std::sync::Arc::new(move |line: &str| {
        let v = checker.check_line(line)?;
        serde_json::to_value(&v).map_err(|e| e.to_string())
    });
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {} (in use? try --addr 127.0.0.1:0)", args.addr))?;
        let local = listener.local_addr()?;
        if !local.ip().is_loopback() {
            // said even with --quiet: nothing else guards the server
            eprintln!(
                "warning: listening on {local}, beyond this machine: anyone who can reach it can use the server \
                 (there is no authentication); --addr 127.0.0.1:PORT keeps it local"
            );
        }
        if !args.quiet {
            // a closed stdout (the caller stopped reading) must not stop the server
            use std::io::Write as _;
            let mut o = std::io::stdout().lock();
            for id in &ids {
                let _ = writeln!(o, "serving http://{local}/i/{id}");
            }
            let _ = writeln!(o, "API: http://{local}/api/openapi.json — Ctrl-C stops");
        }
        let hosts = digindex_serve::Hosts::new(local, &args.allow_host);
        let mut settings = digindex_serve::listen::Settings::default();
        if let Some(n) = args.max_connections {
            settings.max_connections = n.max(1);
        }
        digindex_serve::serve(listener, digindex_serve::router(indices, Some(checker), hosts), settings).await?;
        Ok::<(), anyhow::Error>(())
    })
}
