//! `expect`: see `expect.md`.

use syn::{ExprMethodCall, ExprPath};

use crate::api::{span, ClippyLint, Level, Lints, Rule, RuleId, RuleKind, SiteSink};

pub struct Expect;

impl Rule for Expect {
    fn id(&self) -> RuleId {
        RuleId::Expect
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Site
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn accepts_justification(&self) -> bool {
        true
    }
    fn clippy_lints(&self) -> Lints {
        Lints::of(&[ClippyLint::ExpectUsed])
    }
    fn summary(&self) -> &'static str {
        "`expect(..)` and `expect_err(..)` calls without a justification comment"
    }
    fn docs(&self) -> &'static str {
        include_str!("expect.md")
    }

    fn method_call(&self, call: &ExprMethodCall, out: &mut SiteSink<'_>) {
        if call.args.len() != 1 {
            return;
        }
        let method = syn::ext::IdentExt::unraw(&call.method);
        let message = if method == "expect" {
            "`expect()` panics when the value is `None` or `Err`"
        } else if method == "expect_err" {
            "`expect_err()` panics when the value is `Ok`"
        } else {
            return;
        };
        out.site(
            span::between(call.method.span(), call.paren_token.span.close()),
            message,
            Some(HELP),
        );
    }

    fn path(&self, expr: &ExprPath, out: &mut SiteSink<'_>) {
        let Some((span, name)) = super::std_method_path(expr, &["expect", "expect_err"]) else {
            return;
        };
        out.site(
            span,
            format!("`{name}` panics on the wrong variant"),
            Some(HELP),
        );
    }
}

const HELP: &str =
    "propagate with `?`, or state why it cannot fail in a `// PANIC: <reason>` comment";
