//! `unused-justification`: see `unused_justification.md`.

use crate::api::{Level, Rule, RuleId, RuleKind};

pub struct UnusedJustification;

impl Rule for UnusedJustification {
    fn id(&self) -> RuleId {
        RuleId::UnusedJustification
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Tool
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn summary(&self) -> &'static str {
        "a `// PANIC:` comment that justifies nothing"
    }
    fn docs(&self) -> &'static str {
        include_str!("unused_justification.md")
    }
}
