//! The renderers: the only code that turns a [`crate::engine::report::Report`] into
//! text, one module per format. They add nothing to what the report says.

pub mod human;
pub mod json;
pub mod paths;
