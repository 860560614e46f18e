//! Plain data that every stage shares: where a finding is, how bad it is, what to do.
//!
//! Rules produce these values; reporters render them. Nothing here knows about
//! syntax trees or output formats.

use serde::Serialize;

/// How a finding is reported. `Error` blocks unless justified; `Warning` never blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

/// One finding in one file. The file itself is known to whoever holds the finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub span: Span,
    /// The architecture layer of the code at the site, when one is configured.
    pub layer: Option<String>,
    /// The reason given by a `// PANIC:` comment, when the site is justified.
    pub justification: Option<String>,
}

impl Finding {
    /// A finding blocks when it is an error that no justification excuses.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.justification.is_none()
    }
}
