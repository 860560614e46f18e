//! `indexing`: see `indexing.md`.

use syn::{Expr, ExprIndex, ExprRange};

use crate::api::{span, ClippyLint, Known, Level, Lints, Rule, RuleId, RuleKind, SiteSink};

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
        if in_bounds(expr, out.context().known) {
            return;
        }
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
        let start = out.context().spines.start(&expr.expr);
        out.site_with_lints(
            span::between(start, expr.bracket_token.span.close()),
            message,
            Some(help),
            lints,
        );
    }
}

/// A constant index or range within an array whose length the code shows.
fn in_bounds(expr: &ExprIndex, known: &dyn Known) -> bool {
    let Some(len) = known.array_len(&expr.expr) else {
        return false;
    };
    match unparen(&expr.index) {
        Expr::Range(range) => {
            let bound = |e: &Option<Box<Expr>>| match e {
                None => Some(None),
                Some(e) => known.const_value(e).map(Some),
            };
            let (Some(start), Some(end)) = (bound(&range.start), bound(&range.end)) else {
                return false;
            };
            let start = start.unwrap_or(0);
            let end = match (end, &range.limits) {
                (None, _) => len,
                (Some(end), syn::RangeLimits::HalfOpen(_)) => end,
                (Some(end), syn::RangeLimits::Closed(_)) => match end.checked_add(1) {
                    Some(end) => end,
                    None => return false,
                },
            };
            start <= end && end <= len
        }
        index => known.const_value(index).is_some_and(|i| i < len),
    }
}

fn unparen(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(p) = expr {
        expr = &p.expr;
    }
    expr
}
