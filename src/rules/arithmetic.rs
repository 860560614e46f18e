//! `arithmetic`: see `arithmetic.md`.

use syn::{BinOp, Expr, ExprBinary, Lit};

use crate::api::{span, ClippyLint, Level, Lints, Rule, RuleId, RuleKind, SiteSink};

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
    fn clippy_lints(&self) -> Lints {
        Lints::of(&[
            ClippyLint::ArithmeticSideEffects,
            ClippyLint::IntegerDivision,
            ClippyLint::IntegerDivisionRemainderUsed,
        ])
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
        let known = out.context().known;
        if is_nonzero_literal(&expr.right) || known.const_value(&expr.right).is_some_and(|v| v != 0)
        {
            return;
        }
        let spines = out.context().spines;
        out.site(
            span::between(spines.start(&expr.left), spines.end(&expr.right)),
            format!("integer {op} panics when the divisor is zero (or on `MIN / -1` overflow)"),
            Some("use `checked_div`/`checked_rem` and handle `None`, or divide by a non-zero literal"),
        );
    }
}

/// `2`, `2.0`, `(2)`, `&2`, `2 as u64`, `0.0`: a float divisor never panics, and
/// an integer literal panics only when it is zero, also after a cast
/// (`0.5 as i32` and `256 as u8` are zero).
fn is_nonzero_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Paren(e) => is_nonzero_literal(&e.expr),
        Expr::Group(e) => is_nonzero_literal(&e.expr),
        Expr::Reference(e) => is_nonzero_literal(&e.expr),
        Expr::Cast(e) => match integer_bits(&e.ty) {
            // A cast to a float (or an unknown type) keeps the value's zeroness
            // only for literals that are not integers after all.
            None => is_nonzero_literal(&e.expr),
            Some(bits) => literal_value(&e.expr).is_some_and(|v| {
                let mask = if bits >= 128 {
                    u128::MAX
                } else {
                    (1u128 << bits) - 1
                };
                v & mask != 0
            }),
        },
        Expr::Lit(e) => match &e.lit {
            Lit::Float(_) => true,
            Lit::Int(i) => i.base10_digits().bytes().any(|b| b != b'0'),
            _ => false,
        },
        _ => false,
    }
}

/// The width of an integer type written as a primitive (`usize` counts as 64).
fn integer_bits(ty: &syn::Type) -> Option<u32> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let ident = path.path.get_ident()?.to_string();
    Some(match ident.as_str() {
        "u8" | "i8" => 8,
        "u16" | "i16" => 16,
        "u32" | "i32" => 32,
        "u64" | "i64" | "usize" | "isize" => 64,
        "u128" | "i128" => 128,
        _ => return None,
    })
}

/// The integer value of a literal expression after truncating a float (`0.5` is 0),
/// or `None` when it is not a literal.
fn literal_value(expr: &Expr) -> Option<u128> {
    match expr {
        Expr::Paren(e) => literal_value(&e.expr),
        Expr::Group(e) => literal_value(&e.expr),
        Expr::Cast(e) => literal_value(&e.expr),
        Expr::Lit(e) => match &e.lit {
            Lit::Int(i) => i.base10_parse::<u128>().ok(),
            Lit::Float(f) => f
                .base10_digits()
                .split(['.', 'e', 'E'])
                .next()
                .and_then(|whole| whole.parse::<u128>().ok()),
            _ => None,
        },
        _ => None,
    }
}
