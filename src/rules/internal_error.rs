//! `internal-error`: see `internal_error.md`.

use crate::api::{Level, Rule, RuleId, RuleKind};

pub struct InternalError;

impl Rule for InternalError {
    fn id(&self) -> RuleId {
        RuleId::InternalError
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
        "the tool failed on this file (a bug in the tool)"
    }
    fn docs(&self) -> &'static str {
        include_str!("internal_error.md")
    }
}
