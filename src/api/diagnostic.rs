//! Plain data that every layer shares: where something is in a file, and how bad it is.
//!
//! Nothing here knows about syntax trees, configuration or output formats.

use serde::{Deserialize, Serialize};

/// How a finding is reported. `Error` blocks unless justified; `Warning` never blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A position in a source file: 1-based line, 1-based column counted in Unicode
/// scalar values (as rustc's JSON and SARIF count them).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, column: 1 };

    pub fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
}

/// A range in a source file; `end` is exclusive (one past the last character).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(start: Pos, end: Pos) -> Span {
        Span { start, end }
    }

    /// The span of one character at `pos` (used for whole-file findings).
    pub fn point(pos: Pos) -> Span {
        Span {
            start: pos,
            end: Pos::new(pos.line, pos.column.saturating_add(1)),
        }
    }
}

/// A file of the workspace model (a Rust file or a manifest): an index the engine hands out.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct FileId(pub u32);
