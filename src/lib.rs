//! cargo-panicfree: audit a Rust workspace for every way it can panic, without compiling it.
//!
//! The layers, bottom to top (see `ARCHITECTURE.md`): [`api`] is the rule API
//! (ids, levels, sites, the facts a file yields, the workspace view); [`rules`]
//! are the rules, one file each; [`engine`] finds the workspace, analyzes each file
//! once (or takes its result from the cache), applies the configuration and runs
//! the workspace rules, all in [`engine::check_workspace`]; [`output`] renders a
//! report; [`cli`] turns arguments into a request and a report into an exit status.
//! Invariants: rules do no I/O and never see configuration or output formats; a
//! file that does not parse is a finding, never an abort; the tool itself is
//! panic-free outside tests.

pub mod api;
pub mod cli;
pub mod engine;
pub mod output;
pub mod rules;
