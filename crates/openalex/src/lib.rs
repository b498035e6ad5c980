//! # digindex-openalex — OpenAlex works at snapshot scale
//!
//! Streams OpenAlex work records (gzipped or plain JSON lines, one work per
//! line, as in the snapshot `data/works/updated_date=…/part_NNN.gz`) and
//! aggregates per country and year: papers (whole and fractional counts),
//! citations, h-index, mean FWCI, share in the top 10% by citation
//! percentile, share with international co-authorship, and the affiliation
//! coverage (share of the authorships of the country's works that carry a
//! country; also for the whole run) that tells how much of the output
//! could be attributed at all.
//!
//! Design (measured in `shared/reference/rust-stack.md` and
//! `benches/`): one reader per file (files in parallel); the decoder fills
//! one 1 MB buffer and lines are handed out in place (no per-line copy); a
//! typed serde struct (sonic-rs) borrows strings and declares only the
//! fields used (everything else is skipped, so older formats with
//! `host_venue` parse too); per-file partial aggregates are merged at the
//! end — memory holds the aggregates, not the works. With
//! [`Validation::OnDemand`] the [`scan`] module finds the top-level fields
//! and only the used ones are parsed (~10% faster, weaker checks).
//!
//! Which works count ([`Filter`]): optionally one copy per work id
//! ([`dedup`]), then a year range, document types, retracted
//! and paratext works out by default, and an AI definition combining any of:
//! the primary topic's subfield (1702 = Artificial Intelligence), any
//! topic's subfield, the legacy concept C154945302 ("Artificial
//! intelligence") above a score, and keywords in the title and abstract
//! (the abstract rebuilt from its inverted index, in position order) or in
//! the title only.
//!
//! Attribution: a work's countries come from its authorships (each
//! author's `countries`, else the country codes of the author's
//! institutions). Whole counting gives every country of the work 1;
//! fractional counting gives each author 1/n of the work, split equally over
//! that author's countries (authors with no country leave their share
//! unattributed, which the coverage reports).

pub mod dedup;
pub mod merged;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod scan;

mod abstracts;
mod authors;
mod count;
mod error;
mod filter;
mod flat;
mod lines;
mod on_demand;
mod output;
mod record;
mod run;
mod snapshot;
mod text;

pub use count::{CountryYear, InstitutionYear, Totals};
pub use error::OpenAlexError;
pub use filter::{AiRule, CONFERENCE_PAPER, Filter, WORK_TYPES};
pub use flat::{FlatRow, FlatSink, SinkFactory};
pub use lines::{Limits, Progress};
pub use output::{indicators, shares};
pub use run::{Options, Validation, decompress_only, run, run_bytes, run_with_flat};
pub use snapshot::input_files;
