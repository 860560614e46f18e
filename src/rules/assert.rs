//! `assert`: see `assert.md`.

use crate::api::{span, Level, MacroCall, Rule, RuleId, RuleKind, SiteSink};

pub struct Assert;

impl Rule for Assert {
    fn id(&self) -> RuleId {
        RuleId::Assert
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Site
    }
    fn default_level(&self) -> Level {
        Level::Warn
    }
    fn accepts_justification(&self) -> bool {
        true
    }
    fn summary(&self) -> &'static str {
        "`assert!`, `assert_eq!`, `assert_ne!` outside tests"
    }
    fn docs(&self) -> &'static str {
        include_str!("assert.md")
    }

    fn macro_call(&self, call: &MacroCall<'_>, out: &mut SiteSink<'_>) {
        // Asserting is what tests do, even when tests are checked.
        if out.context().in_test || !matches!(call.name, "assert" | "assert_eq" | "assert_ne") {
            return;
        }
        out.site(
            span::macro_call(call.mac),
            format!("`{}!` panics when the check fails", call.name),
            Some("return an error, or use `debug_assert!` for an internal invariant"),
        );
    }
}
