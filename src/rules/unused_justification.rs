//! `unused-justification`: see `unused_justification.md`.

use super::{Level, Rule};

pub struct UnusedJustification;

impl Rule for UnusedJustification {
    fn id(&self) -> &'static str {
        "unused-justification"
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn can_be_justified(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "a `// PANIC:` comment that justifies nothing"
    }
    fn docs(&self) -> &'static str {
        include_str!("unused_justification.md")
    }
}
