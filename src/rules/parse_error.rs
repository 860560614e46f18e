//! `parse-error`: see `parse_error.md`.

use super::{Level, Rule};
use crate::diagnostic::{Finding, Severity, Span};

pub struct ParseError;

impl ParseError {
    /// A file (or a module's file) that could not be read or parsed.
    pub fn finding(span: Span, message: String, help: Option<&str>) -> Finding {
        Finding {
            rule: "parse-error",
            severity: Severity::Error,
            message,
            help: help.map(str::to_owned),
            span,
            layer: None,
            justification: None,
        }
    }
}

impl Rule for ParseError {
    fn id(&self) -> &'static str {
        "parse-error"
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
        "a file that cannot be read or parsed, or a module whose file is missing"
    }
    fn docs(&self) -> &'static str {
        include_str!("parse_error.md")
    }
}
