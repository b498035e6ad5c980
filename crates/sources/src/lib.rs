//! # digindex-sources — real open data, on one country key
//!
//! * [`countries`] — ISO 3166 alpha-3 for every code and name spelling the
//!   sources use; aggregates recognised as such;
//! * [`regions`] — named region sets (APT, UN M49, World Bank, Middle East,
//!   GCC, ASEAN, SAARC…) shipped as data files with their provenance;
//! * [`catalog`] — the shipped catalogue (`data/catalog.toml`): datasets,
//!   indicators and how to import each, read into [`catalog::Series`];
//! * [`import`] — one importer per source format family (DDF, OWID, SDG,
//!   NCSES, HDR, WDI, e-Gov, GCI, GitHub Innovation Graph, long, COINr);
//! * [`quality`] — data-quality rules (range, zero, jump, stale, outlier);
//!   [`corrections`] — source errors corrected, each with its reason;
//! * [`panel`] — a catalogue spec's inputs: a value per unit and indicator
//!   for the reference year (the picking ladder), with every cell's provenance;
//! * [`revision`] — what changed in a series between two vintages of the data.
//!
//! Ingest depends on the core's types only (ARCHITECTURE.md): no audit
//! numerics and no rayon (the files of an import are parsed on scoped threads).
//!
//! The reference tables live in the repository's `data/` folder and are
//! compiled in, so the tool needs no files at run time to resolve names.

pub mod catalog;
pub mod corrections;
pub mod countries;
pub mod import;
pub mod panel;
mod parallel;
pub mod quality;
pub mod regions;
pub mod revision;
