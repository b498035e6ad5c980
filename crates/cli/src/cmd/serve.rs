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
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let specs = if args.specs.is_empty() { vec![PathBuf::from("frameworks/tokyo-statement")] } else { args.specs };
    let mut indices = Vec::new();
    for s in &specs {
        let p = super::report::prepare(s, &[], true).with_context(|| format!("preparing {}", s.display()))?;
        if indices.iter().any(|i: &digindex_serve::Index| i.id == p.id) {
            return Err(anyhow!("two specs have the id {:?}; give them different folder or file names", p.id));
        }
        indices.push(digindex_serve::Index::new(p.id, p.spec, p.inputs, p.build, p.model).map_err(|e| anyhow!(e))?);
    }
    let ids: Vec<String> = indices.iter().map(|i| i.id.clone()).collect();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {} (in use? try --addr 127.0.0.1:0)", args.addr))?;
        let local = listener.local_addr()?;
        if !args.quiet {
            for id in &ids {
                println!("serving http://{local}/i/{id}");
            }
            println!("API: http://{local}/api/openapi.json — Ctrl-C stops");
        }
        digindex_serve::serve(listener, digindex_serve::router(indices)).await?;
        Ok::<(), anyhow::Error>(())
    })
}
