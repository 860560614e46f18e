//! cargo-panicfree: audit a Rust workspace for every way it can panic, without compiling it.
//!
//! The pipeline: [`cli`] arguments become a [`run`] request; [`workspace`] asks
//! `cargo metadata` for the members and follows `mod` declarations from each
//! target's root, reading each file once and checking it in parallel; [`check`]
//! parses a file with syn and walks it once, offering each node to the
//! [`rules`]; [`justify`] attaches `// PANIC:` comments; [`report`] renders the
//! findings for people or machines. Invariants: rules do no I/O and never see
//! output formats; a file that does not parse is a finding, never an abort; the
//! tool itself is panic-free outside tests.

pub mod boundary;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod facts;
pub mod justify;
pub mod macros;
pub mod report;
pub mod rules;
pub mod run;
pub mod source;
pub mod span;
pub mod workspace;

pub use run::{run, Outcome, RunError};
