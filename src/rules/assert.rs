//! `assert`: see `assert.md`.

use super::{Level, MacroCall, Rule};
use crate::check::Emit;
use crate::span;

pub struct Assert;

impl Rule for Assert {
    fn id(&self) -> &'static str {
        "assert"
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

    fn macro_call(&self, call: &MacroCall<'_>, cx: &mut Emit<'_>) {
        // Asserting is what tests do, even when tests are checked.
        if cx.in_test() || !matches!(call.name, "assert" | "assert_eq" | "assert_ne") {
            return;
        }
        cx.site(
            span::macro_call(call.mac),
            format!("`{}!` panics when the check fails", call.name),
            Some("return an error, or use `debug_assert!` for an internal invariant"),
        );
    }
}
