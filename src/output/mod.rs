//! The renderers: the only code that turns a [`crate::engine::report::Report`] into
//! text, one module per format. They add nothing to what the report says.

pub mod cargo_json;
pub mod docs;
pub mod github;
pub mod human;
pub mod json;
pub mod paths;
pub mod rules;
pub mod sarif;
pub mod short;
pub mod statistics;
mod view;

pub use view::View;
