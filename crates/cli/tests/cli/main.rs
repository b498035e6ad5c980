//! The `digindex` binary as a user runs it, one module per command (and
//! `provenance` for the flags every value carries end to end); `util` holds
//! the helpers they share.

mod audit;
mod build;
mod check;
mod data;
mod diff;
mod fetch;
mod generate;
mod loopback;
mod openalex;
mod provenance;
mod report;
mod serve;
mod util;
