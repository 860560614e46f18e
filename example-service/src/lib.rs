//! A user-registration HTTP service in four layers, the bundled proof that the
//! `cargo-panicfree` architecture works.
//!
//! | layer | module | may use |
//! |---|---|---|
//! | input | [`input`] | core |
//! | core | [`core`] | nothing (std, argon2, uuid, thiserror) |
//! | infrastructure | [`infra`] | core |
//! | runtime | [`runtime`] | input, core, infra |
//!
//! Raw requests become validated domain types at the input layer; the core only
//! ever sees those; the infrastructure layer turns every database failure into a
//! [`core::RepoError`]; the runtime wires it all together and keeps serving
//! through bad input, database outages and handler panics.

pub mod core;
pub mod infra;
pub mod input;
pub mod runtime;
