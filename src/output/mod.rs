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

/// Lines longer than this (generated code, minified data) are not drawn: the
/// finding gets its position only. miette pads with the column as a format width,
/// which std refuses past 65,535, and drawing a megabyte line per finding helps no
/// one (a line of a million findings would be drawn a million times).
pub(crate) const MAX_LINE: usize = 1_000;

/// At most this many lines of a span are drawn (or quoted, in `--message-format
/// json`): nested sites of one long expression (`x / x / x ..` over thousands of
/// lines) would otherwise draw it once for each of them, quadratic in its length.
pub(crate) const MAX_SPAN_LINES: u32 = 10;
