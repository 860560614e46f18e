//! `arithmetic`: see `arithmetic.md`.

use syn::{BinOp, Expr, ExprBinary, Lit};

use crate::api::{span, Level, Rule, RuleId, RuleKind, SiteSink};

pub struct Arithmetic;

impl Rule for Arithmetic {
    fn id(&self) -> RuleId {
        RuleId::Arithmetic
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
        "`/`, `%`, `/=`, `%=` by something other than a non-zero literal"
    }
    fn docs(&self) -> &'static str {
        include_str!("arithmetic.md")
    }

    fn binary(&self, expr: &ExprBinary, out: &mut SiteSink<'_>) {
        let op = match expr.op {
            BinOp::Div(_) | BinOp::DivAssign(_) => "division",
            BinOp::Rem(_) | BinOp::RemAssign(_) => "remainder",
            _ => return,
        };
        if is_nonzero_literal(&expr.right) {
            return;
        }
        out.site(
            span::between(span::expr_start(&expr.left), span::expr_end(&expr.right)),
            format!("integer {op} panics when the divisor is zero (or on `MIN / -1` overflow)"),
            Some("use `checked_div`/`checked_rem` and handle `None`, or divide by a non-zero literal"),
        );
    }
}

/// `2`, `2.0`, `(2)`, `2 as u64`, `0.0`: a float literal never panics, and an
/// integer literal panics only when it is zero.
fn is_nonzero_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(e) => is_nonzero_literal(&e.expr),
        Expr::Group(e) => is_nonzero_literal(&e.expr),
        Expr::Cast(e) => is_nonzero_literal(&e.expr),
        Expr::Lit(e) => match &e.lit {
            Lit::Float(_) => true,
            Lit::Int(i) => i.base10_digits().bytes().any(|b| b != b'0'),
            _ => false,
        },
        _ => false,
    }
}
