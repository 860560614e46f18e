//! `unwrap`: see `unwrap.md`.

use syn::{ExprMethodCall, ExprPath};

use crate::api::{span, ClippyLint, Level, Lints, Rule, RuleId, RuleKind, SiteSink};

pub struct Unwrap;

impl Rule for Unwrap {
    fn id(&self) -> RuleId {
        RuleId::Unwrap
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Site
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn clippy_lints(&self) -> Lints {
        Lints::of(&[ClippyLint::UnwrapUsed])
    }
    fn summary(&self) -> &'static str {
        "`unwrap()` and `unwrap_err()` calls, and `Option::unwrap`/`Result::unwrap` as paths"
    }
    fn docs(&self) -> &'static str {
        include_str!("unwrap.md")
    }

    fn method_call(&self, call: &ExprMethodCall, out: &mut SiteSink<'_>) {
        if !call.args.is_empty() {
            return;
        }
        let method = syn::ext::IdentExt::unraw(&call.method);
        let (message, help) = if method == "unwrap" {
            (
                "`unwrap()` panics when the value is `None` or `Err`",
                "propagate with `?`, or handle the `None`/`Err` case",
            )
        } else if method == "unwrap_err" {
            (
                "`unwrap_err()` panics when the value is `Ok`",
                "match on the result and handle the `Ok` case",
            )
        } else {
            return;
        };
        out.site(
            span::between(call.method.span(), call.paren_token.span.close()),
            message,
            Some(help),
        );
    }

    fn path(&self, expr: &ExprPath, out: &mut SiteSink<'_>) {
        let Some((span, name)) = super::std_method_path(expr, &["unwrap", "unwrap_err"]) else {
            return;
        };
        out.site(
            span,
            format!("`{name}` panics on the wrong variant"),
            Some("use a combinator that handles every case (`flatten`, `filter_map`, `?`)"),
        );
    }
}
