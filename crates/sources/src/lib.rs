//! # digindex-sources — real open data, on one country key
//!
//! * [`countries`] — ISO 3166 alpha-3 for every code and name spelling the
//!   sources use; aggregates recognised as such;
//! * [`regions`] — named region sets (APT, UN M49, World Bank, Middle East,
//!   GCC, ASEAN, SAARC…) shipped as data files with their provenance.
//!
//! The reference tables live in the repository's `data/` folder and are
//! compiled in, so the tool needs no files at run time to resolve names.

pub mod catalog;
pub mod corrections;
pub mod countries;
pub mod import;
pub mod panel;
pub mod quality;
pub mod regions;
