//! `expect`: see `expect.md`.

use syn::{ExprMethodCall, ExprPath};

use super::{Level, Rule};
use crate::check::Emit;
use crate::span;

pub struct Expect;

impl Rule for Expect {
    fn id(&self) -> &'static str {
        "expect"
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn accepts_justification(&self) -> bool {
        true
    }
    fn summary(&self) -> &'static str {
        "`expect(..)` and `expect_err(..)` calls without a justification comment"
    }
    fn docs(&self) -> &'static str {
        include_str!("expect.md")
    }

    fn method_call(&self, call: &ExprMethodCall, cx: &mut Emit<'_>) {
        if call.args.len() != 1 {
            return;
        }
        let message = if call.method == "expect" {
            "`expect()` panics when the value is `None` or `Err`"
        } else if call.method == "expect_err" {
            "`expect_err()` panics when the value is `Ok`"
        } else {
            return;
        };
        cx.site(
            span::between(call.method.span(), call.paren_token.span.close()),
            message,
            Some(HELP),
        );
    }

    fn path(&self, expr: &ExprPath, cx: &mut Emit<'_>) {
        let Some((span, name)) = super::std_method_path(expr, &["expect", "expect_err"]) else {
            return;
        };
        cx.site(
            span,
            format!("`{name}` panics on the wrong variant"),
            Some(HELP),
        );
    }
}

const HELP: &str =
    "propagate with `?`, or state why it cannot fail in a `// PANIC: <reason>` comment";
