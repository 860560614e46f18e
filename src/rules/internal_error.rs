//! `internal-error`: see `internal_error.md`.

use super::{Level, Rule};
use crate::diagnostic::{Finding, Pos, Severity, Span};

pub struct InternalError;

impl InternalError {
    /// The checker failed on a file; `what` is the panic message, when there was one.
    pub fn finding(what: &str) -> Finding {
        Finding {
            rule: "internal-error",
            severity: Severity::Error,
            message: format!("cargo-panicfree failed on this file: {what}"),
            help: Some(
                "this is a bug in cargo-panicfree; please report it with the file".to_owned(),
            ),
            span: Span::point(Pos::START),
            layer: None,
            justification: None,
        }
    }
}

impl Rule for InternalError {
    fn id(&self) -> &'static str {
        "internal-error"
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn configurable(&self) -> bool {
        false
    }
    fn can_be_justified(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "the tool failed on this file (a bug in the tool)"
    }
    fn docs(&self) -> &'static str {
        include_str!("internal_error.md")
    }
}
