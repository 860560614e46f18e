//! `parse-error`: see `parse_error.md`.

use crate::api::{Level, Rule, RuleId, RuleKind};

pub struct ParseError;

impl Rule for ParseError {
    fn id(&self) -> RuleId {
        RuleId::ParseError
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Tool
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn configurable(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "a file that cannot be read or parsed, or a module whose file is missing"
    }
    fn docs(&self) -> &'static str {
        include_str!("parse_error.md")
    }
}
