//! # digindex — the application layer
//!
//! The library a program adds to run digindex's jobs; the `digindex`
//! binary (`crates/cli`) and bindings only parse their arguments, call
//! these and print (the server, `crates/serve`, is handed what
//! [`publish::prepare`] made).
//!
//! ```text
//!   Recipe::read(spec, overrides)        spec.rs    the recipe, its name and reference year
//!     └─ load::load(&recipe)             load.rs    the data, whatever the layout → Loaded
//!          └─ build::run(recipe, …)      build.rs   every step, provenance, Manifest, audit, claims
//!               ├─ audit::audit(…)       audit.rs   coherence + uncertainty/sensitivity
//!               ├─ check::Checker        check.rs   claims under every reading
//!               └─ Built::write(out)     output/    the output folder, whole or not at all
//!   publish::prepare(&recipe, …)         publish.rs the report/dashboard model
//!   openalex::run(&settings, …)          openalex.rs works → indicators per country and year
//!   data::…                              data.rs    the catalogue as a reader asks about it
//!   fetch::run(&settings, …)             fetch.rs   official APIs → catalogue files and entries
//! ```
//!
//! The computing core (`digindex-pipeline`, `digindex-audit`) does no I/O;
//! this crate is where files are read and written. Errors are an [`Error`]
//! enum with context chains; long work reports to a [`Progress`].
//!
//! ```no_run
//! let recipe = digindex::Recipe::read("frameworks/tokyo-statement".as_ref(), &[])?;
//! let job = digindex::build::run(recipe, &Default::default(), &digindex::Silent)?;
//! if let digindex::build::Job::One(built) = &job {
//!     built.write("out/tokyo-statement".as_ref())?;
//! }
//! # Ok::<(), digindex::Error>(())
//! ```

pub mod audit;
pub mod build;
pub mod check;
pub mod data;
pub mod diff;
mod error;
pub mod fetch;
pub mod load;
pub mod manifest;
pub mod openalex;
pub mod output;
mod progress;
pub mod publish;
pub mod spec;
pub mod summary;

pub use error::{Context, Error, Result, chain};
pub use load::{Layout, Loaded};
pub use manifest::Manifest;
pub use progress::{Progress, Silent, Units};
pub use spec::Recipe;
