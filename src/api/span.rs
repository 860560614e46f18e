//! Spans of syntax nodes, built from the tokens a node already holds.
//!
//! `Spanned::span()` re-prints a whole node to find its ends, which is slow on
//! big expressions; the walks here follow the leftmost or rightmost child in a
//! loop instead, and fall back to printing only for rare node kinds.

use proc_macro2::{LineColumn, Span as TokenSpan};
use syn::spanned::Spanned;
use syn::{Expr, Macro, MacroDelimiter, Path};

use crate::api::diagnostic::{Pos, Span};

/// A proc-macro2 line/column (column 0-based) as a 1-based [`Pos`].
pub fn pos(lc: LineColumn) -> Pos {
    Pos::new(
        u32::try_from(lc.line).unwrap_or(u32::MAX),
        u32::try_from(lc.column).unwrap_or(u32::MAX - 1) + 1,
    )
}

/// From the start of `from` to the end of `to`.
pub fn between(from: TokenSpan, to: TokenSpan) -> Span {
    Span::new(pos(from.start()), pos(to.end()))
}

pub fn of(span: TokenSpan) -> Span {
    between(span, span)
}

/// The first token of an expression, skipping its outer attributes.
pub fn expr_start(mut expr: &Expr) -> TokenSpan {
    loop {
        expr = match expr {
            Expr::MethodCall(e) => &e.receiver,
            Expr::Field(e) => &e.base,
            Expr::Index(e) => &e.expr,
            Expr::Call(e) => &e.func,
            Expr::Binary(e) => &e.left,
            Expr::Cast(e) => &e.expr,
            Expr::Try(e) => &e.expr,
            Expr::Await(e) => &e.base,
            Expr::Assign(e) => &e.left,
            Expr::Range(e) => match &e.start {
                Some(start) => start,
                None => return e.limits.span(),
            },
            Expr::Group(e) => &e.expr,
            Expr::Lit(e) => return e.lit.span(),
            Expr::Path(e) => {
                return match &e.qself {
                    Some(q) => q.lt_token.span,
                    None => path_start(&e.path),
                }
            }
            Expr::Struct(e) => {
                return match &e.qself {
                    Some(q) => q.lt_token.span,
                    None => path_start(&e.path),
                }
            }
            Expr::Macro(e) => return path_start(&e.mac.path),
            Expr::Paren(e) => return e.paren_token.span.open(),
            Expr::Tuple(e) => return e.paren_token.span.open(),
            Expr::Array(e) => return e.bracket_token.span.open(),
            Expr::Repeat(e) => return e.bracket_token.span.open(),
            Expr::Reference(e) => return e.and_token.span,
            Expr::RawAddr(e) => return e.and_token.span,
            Expr::Unary(e) => return e.op.span(),
            Expr::Return(e) => return e.return_token.span,
            Expr::Break(e) => return e.break_token.span,
            Expr::Continue(e) => return e.continue_token.span,
            Expr::Let(e) => return e.let_token.span,
            Expr::If(e) => return e.if_token.span,
            Expr::Match(e) => return e.match_token.span,
            Expr::Unsafe(e) => return e.unsafe_token.span,
            Expr::Infer(e) => return e.underscore_token.span,
            Expr::Block(e) => {
                return match &e.label {
                    Some(label) => label.name.apostrophe,
                    None => e.block.brace_token.span.open(),
                }
            }
            other => return other.span(),
        };
    }
}

/// The last token of an expression.
pub fn expr_end(mut expr: &Expr) -> TokenSpan {
    loop {
        expr = match expr {
            Expr::Binary(e) => &e.right,
            Expr::Unary(e) => &e.expr,
            Expr::Reference(e) => &e.expr,
            Expr::RawAddr(e) => &e.expr,
            Expr::Assign(e) => &e.right,
            Expr::Group(e) => &e.expr,
            Expr::Closure(e) => &e.body,
            Expr::Let(e) => &e.expr,
            Expr::Range(e) => match &e.end {
                Some(end) => end,
                None => return e.limits.span(),
            },
            Expr::Return(e) => match &e.expr {
                Some(inner) => inner,
                None => return e.return_token.span,
            },
            Expr::Break(e) => match &e.expr {
                Some(inner) => inner,
                None => return e.break_token.span,
            },
            Expr::MethodCall(e) => return e.paren_token.span.close(),
            Expr::Call(e) => return e.paren_token.span.close(),
            Expr::Index(e) => return e.bracket_token.span.close(),
            Expr::Paren(e) => return e.paren_token.span.close(),
            Expr::Tuple(e) => return e.paren_token.span.close(),
            Expr::Array(e) => return e.bracket_token.span.close(),
            Expr::Repeat(e) => return e.bracket_token.span.close(),
            Expr::Struct(e) => return e.brace_token.span.close(),
            Expr::Block(e) => return e.block.brace_token.span.close(),
            Expr::Unsafe(e) => return e.block.brace_token.span.close(),
            Expr::Macro(e) => return macro_end(&e.mac),
            Expr::Try(e) => return e.question_token.span,
            Expr::Await(e) => return e.await_token.span,
            Expr::Field(e) => return e.member.span(),
            Expr::Lit(e) => return e.lit.span(),
            Expr::Path(e) => return path_end(&e.path),
            Expr::Cast(e) => return e.ty.span(),
            Expr::Infer(e) => return e.underscore_token.span,
            Expr::Continue(e) => return e.continue_token.span,
            other => return other.span(),
        };
    }
}

pub fn path_start(path: &Path) -> TokenSpan {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon
            .spans
            .first()
            .copied()
            .unwrap_or_else(TokenSpan::call_site),
        (None, Some(seg)) => seg.ident.span(),
        (None, None) => TokenSpan::call_site(),
    }
}

pub fn path_end(path: &Path) -> TokenSpan {
    match path.segments.last() {
        Some(seg) => seg.span(),
        None => TokenSpan::call_site(),
    }
}

pub fn macro_end(mac: &Macro) -> TokenSpan {
    match &mac.delimiter {
        MacroDelimiter::Paren(d) => d.span.close(),
        MacroDelimiter::Brace(d) => d.span.close(),
        MacroDelimiter::Bracket(d) => d.span.close(),
    }
}

/// A macro call from its path to its closing delimiter.
pub fn macro_call(mac: &Macro) -> Span {
    between(path_start(&mac.path), macro_end(mac))
}

/// The first token of a pattern (for a match arm's anchor line).
pub fn pat_start(mut pat: &syn::Pat) -> TokenSpan {
    loop {
        pat = match pat {
            syn::Pat::Ident(p) => {
                return match (&p.by_ref, &p.mutability) {
                    (Some(r), _) => r.span,
                    (None, Some(m)) => m.span,
                    (None, None) => p.ident.span(),
                }
            }
            syn::Pat::Or(p) => match (&p.leading_vert, p.cases.first()) {
                (Some(vert), _) => return vert.span,
                (None, Some(first)) => first,
                (None, None) => return pat.span(),
            },
            syn::Pat::Paren(p) => return p.paren_token.span.open(),
            syn::Pat::Reference(p) => return p.and_token.span,
            syn::Pat::Rest(p) => return p.dot2_token.span(),
            syn::Pat::Slice(p) => return p.bracket_token.span.open(),
            syn::Pat::Tuple(p) => return p.paren_token.span.open(),
            syn::Pat::Struct(p) if p.qself.is_none() => return path_start(&p.path),
            syn::Pat::TupleStruct(p) if p.qself.is_none() => return path_start(&p.path),
            syn::Pat::Path(p) if p.qself.is_none() => return path_start(&p.path),
            syn::Pat::Wild(p) => return p.underscore_token.span,
            syn::Pat::Type(p) => &p.pat,
            other => return other.span(),
        };
    }
}
