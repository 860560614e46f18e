//! `indexing`: see `indexing.md`.

use syn::{Expr, ExprIndex, ExprRange};

use crate::api::{span, ClippyLint, Level, Lints, Rule, RuleId, RuleKind, SiteSink};

pub struct Indexing;

impl Rule for Indexing {
    fn id(&self) -> RuleId {
        RuleId::Indexing
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Site
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn clippy_lints(&self) -> Lints {
        Lints::of(&[ClippyLint::IndexingSlicing])
    }
    fn summary(&self) -> &'static str {
        "index and slice expressions `a[i]`, `&a[i..j]`"
    }
    fn docs(&self) -> &'static str {
        include_str!("indexing.md")
    }

    fn index(&self, expr: &ExprIndex, out: &mut SiteSink<'_>) {
        let lints = self.clippy_lints();
        let (message, help, lints) = match unparen(&expr.index) {
            // `a[..]` is the whole collection: it cannot be out of bounds.
            Expr::Range(ExprRange {
                start: None,
                end: None,
                ..
            }) => return,
            Expr::Range(_) => (
                "slicing panics when the range is out of bounds (or, on a `str`, not on a char boundary)",
                "use `.get(a..b)` and handle `None`",
                lints.with(ClippyLint::StringSlice),
            ),
            _ => (
                "indexing panics when the index is out of bounds or the key is missing",
                "use `.get(i)` and handle `None`",
                lints,
            ),
        };
        out.site_with_lints(
            span::between(
                span::expr_start(&expr.expr),
                expr.bracket_token.span.close(),
            ),
            message,
            Some(help),
            lints,
        );
    }
}

fn unparen(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}
