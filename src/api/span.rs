//! Spans of syntax nodes, built from the tokens a node already holds.
//!
//! `Spanned::span()` re-prints a whole node to find its ends, which is slow on
//! big expressions; the walks here follow the leftmost or rightmost child in a
//! loop instead, and fall back to printing only for rare node kinds.

use foldhash::HashMap;
use std::cell::RefCell;
use std::marker::PhantomData;

use proc_macro2::{LineColumn, Span as TokenSpan};
use syn::spanned::Spanned;
use syn::{Expr, Macro, MacroDelimiter, Path, PathArguments, ReturnType, Type, TypeParamBound};

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
        match start_step(expr) {
            Step::Child(child) => expr = child,
            Step::Token(token) => return token,
        }
    }
}

/// The last token of an expression.
pub fn expr_end(mut expr: &Expr) -> TokenSpan {
    loop {
        match end_step(expr) {
            Step::Child(child) => expr = child,
            Step::Token(token) => return token,
        }
    }
}

/// One step of a walk to an expression's first or last token: the child that
/// holds it, or the token itself.
enum Step<'e> {
    Child(&'e Expr),
    Token(TokenSpan),
}

fn start_step(expr: &Expr) -> Step<'_> {
    match expr {
        Expr::MethodCall(e) => Step::Child(&e.receiver),
        Expr::Field(e) => Step::Child(&e.base),
        Expr::Index(e) => Step::Child(&e.expr),
        Expr::Call(e) => Step::Child(&e.func),
        Expr::Binary(e) => Step::Child(&e.left),
        Expr::Cast(e) => Step::Child(&e.expr),
        Expr::Try(e) => Step::Child(&e.expr),
        Expr::Await(e) => Step::Child(&e.base),
        Expr::Assign(e) => Step::Child(&e.left),
        Expr::Range(e) => match &e.start {
            Some(start) => Step::Child(start),
            None => Step::Token(e.limits.span()),
        },
        Expr::Group(e) => Step::Child(&e.expr),
        Expr::Lit(e) => Step::Token(e.lit.span()),
        Expr::Path(e) => Step::Token(match &e.qself {
            Some(q) => q.lt_token.span,
            None => path_start(&e.path),
        }),
        Expr::Struct(e) => Step::Token(match &e.qself {
            Some(q) => q.lt_token.span,
            None => path_start(&e.path),
        }),
        Expr::Macro(e) => Step::Token(path_start(&e.mac.path)),
        Expr::Paren(e) => Step::Token(e.paren_token.span.open()),
        Expr::Tuple(e) => Step::Token(e.paren_token.span.open()),
        Expr::Array(e) => Step::Token(e.bracket_token.span.open()),
        Expr::Repeat(e) => Step::Token(e.bracket_token.span.open()),
        Expr::Reference(e) => Step::Token(e.and_token.span),
        Expr::RawAddr(e) => Step::Token(e.and_token.span),
        Expr::Unary(e) => Step::Token(e.op.span()),
        Expr::Return(e) => Step::Token(e.return_token.span),
        Expr::Break(e) => Step::Token(e.break_token.span),
        Expr::Continue(e) => Step::Token(e.continue_token.span),
        Expr::Let(e) => Step::Token(e.let_token.span),
        Expr::If(e) => Step::Token(e.if_token.span),
        Expr::Match(e) => Step::Token(e.match_token.span),
        Expr::Unsafe(e) => Step::Token(e.unsafe_token.span),
        Expr::Infer(e) => Step::Token(e.underscore_token.span),
        Expr::Closure(e) => Step::Token(
            e.lifetimes
                .as_ref()
                .map(|l| l.for_token.span)
                .or(e.constness.map(|t| t.span))
                .or(e.asyncness.map(|t| t.span))
                .or(e.capture.map(|t| t.span))
                .unwrap_or(e.inputs_begin.span),
        ),
        Expr::Async(e) => Step::Token(e.async_token.span),
        Expr::Const(e) => Step::Token(e.const_token.span),
        Expr::TryBlock(e) => Step::Token(e.try_token.span),
        Expr::Yield(e) => Step::Token(e.yield_token.span),
        Expr::ForLoop(e) => Step::Token(match &e.label {
            Some(label) => label.name.apostrophe,
            None => e.for_token.span,
        }),
        Expr::Loop(e) => Step::Token(match &e.label {
            Some(label) => label.name.apostrophe,
            None => e.loop_token.span,
        }),
        Expr::While(e) => Step::Token(match &e.label {
            Some(label) => label.name.apostrophe,
            None => e.while_token.span,
        }),
        Expr::Block(e) => Step::Token(match &e.label {
            Some(label) => label.name.apostrophe,
            None => e.block.brace_token.span.open(),
        }),
        other => Step::Token(other.span()),
    }
}

fn end_step(expr: &Expr) -> Step<'_> {
    match expr {
        Expr::Binary(e) => Step::Child(&e.right),
        Expr::Unary(e) => Step::Child(&e.expr),
        Expr::Reference(e) => Step::Child(&e.expr),
        Expr::RawAddr(e) => Step::Child(&e.expr),
        Expr::Assign(e) => Step::Child(&e.right),
        Expr::Group(e) => Step::Child(&e.expr),
        Expr::Closure(e) => Step::Child(&e.body),
        Expr::Let(e) => Step::Child(&e.expr),
        Expr::Range(e) => match &e.end {
            Some(end) => Step::Child(end),
            None => Step::Token(e.limits.span()),
        },
        Expr::Return(e) => match &e.expr {
            Some(inner) => Step::Child(inner),
            None => Step::Token(e.return_token.span),
        },
        Expr::Break(e) => match &e.expr {
            Some(inner) => Step::Child(inner),
            None => Step::Token(e.break_token.span),
        },
        Expr::MethodCall(e) => Step::Token(e.paren_token.span.close()),
        Expr::Call(e) => Step::Token(e.paren_token.span.close()),
        Expr::Index(e) => Step::Token(e.bracket_token.span.close()),
        Expr::Paren(e) => Step::Token(e.paren_token.span.close()),
        Expr::Tuple(e) => Step::Token(e.paren_token.span.close()),
        Expr::Array(e) => Step::Token(e.bracket_token.span.close()),
        Expr::Repeat(e) => Step::Token(e.bracket_token.span.close()),
        Expr::Struct(e) => Step::Token(e.brace_token.span.close()),
        Expr::Block(e) => Step::Token(e.block.brace_token.span.close()),
        Expr::Unsafe(e) => Step::Token(e.block.brace_token.span.close()),
        Expr::Macro(e) => Step::Token(macro_end(&e.mac)),
        Expr::Try(e) => Step::Token(e.question_token.span),
        Expr::Await(e) => Step::Token(e.await_token.span),
        Expr::Field(e) => Step::Token(e.member.span()),
        Expr::Lit(e) => Step::Token(e.lit.span()),
        Expr::Path(e) => Step::Token(path_end(&e.path)),
        Expr::Cast(e) => Step::Token(type_end(&e.ty)),
        Expr::Infer(e) => Step::Token(e.underscore_token.span),
        Expr::If(e) => match &e.else_branch {
            Some((_, other)) => Step::Child(other),
            None => Step::Token(e.then_branch.brace_token.span.close()),
        },
        Expr::Yield(e) => match &e.expr {
            Some(inner) => Step::Child(inner),
            None => Step::Token(e.yield_token.span),
        },
        Expr::Match(e) => Step::Token(e.brace_token.span.close()),
        Expr::ForLoop(e) => Step::Token(e.body.brace_token.span.close()),
        Expr::Loop(e) => Step::Token(e.body.brace_token.span.close()),
        Expr::While(e) => Step::Token(e.body.brace_token.span.close()),
        Expr::Async(e) => Step::Token(e.block.brace_token.span.close()),
        Expr::Const(e) => Step::Token(e.block.brace_token.span.close()),
        Expr::TryBlock(e) => Step::Token(e.block.brace_token.span.close()),
        Expr::Continue(e) => Step::Token(e.continue_token.span),
        other => Step::Token(other.span()),
    }
}

/// [`expr_start`] and [`expr_end`] with a memory, for the visit of one file.
///
/// The links of a chain each ask for the first token of the link below them
/// (`a / b / c` is `(a / b) / c`, and `v[0][1][2]` indexes `v[0][1]`); walking
/// the chain again for each would be quadratic in its length. A walk remembers
/// the token of every expression it passed, by address. Addresses are only
/// unique while the tree is alive: the engine calls [`Spines::forget`] after
/// it drops a tree it visited (a macro's body, parsed for the visit).
#[derive(Debug, Default)]
pub struct Spines {
    starts: RefCell<HashMap<usize, TokenSpan>>,
    ends: RefCell<HashMap<usize, TokenSpan>>,
}

impl Spines {
    /// The first token of `expr`, as [`expr_start`] finds it.
    pub fn start(&self, expr: &Expr) -> TokenSpan {
        walk(&self.starts, expr, start_step)
    }

    /// The last token of `expr`, as [`expr_end`] finds it.
    pub fn end(&self, expr: &Expr) -> TokenSpan {
        walk(&self.ends, expr, end_step)
    }

    /// Forgets every expression: the trees they were in may have been dropped.
    pub fn forget(&self) {
        self.starts.borrow_mut().clear();
        self.ends.borrow_mut().clear();
    }
}

fn walk(
    memo: &RefCell<HashMap<usize, TokenSpan>>,
    mut expr: &Expr,
    step: fn(&Expr) -> Step<'_>,
) -> TokenSpan {
    let mut memo = memo.borrow_mut();
    let mut passed = Vec::new();
    let token = loop {
        let addr = std::ptr::from_ref(expr).addr();
        if let Some(&token) = memo.get(&addr) {
            break token;
        }
        match step(expr) {
            Step::Child(child) => {
                passed.push(addr);
                expr = child;
            }
            Step::Token(token) => break token,
        }
    };
    memo.extend(passed.into_iter().map(|addr| (addr, token)));
    token
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

/// The last token of a path (its generic arguments included).
pub fn path_end(path: &Path) -> TokenSpan {
    tail_end(Tail::Path(path))
}

/// The last token of a type.
pub fn type_end(ty: &Type) -> TokenSpan {
    tail_end(Tail::Type(ty))
}

/// [`path_end`] with a memory, for the paths of one syntax tree.
///
/// `impl Fn() -> impl Fn() -> ..` holds a path in the return type of each path, and
/// all of them end where the innermost one does: asking each for its end would walk
/// the rest of the type again, quadratic in its depth. A walk remembers the end of
/// every path it passed, by address; the lifetime keeps every path it is given
/// alive (and so its address its own) as long as the memory.
#[derive(Debug, Default)]
pub struct PathEnds<'ast> {
    ends: HashMap<usize, TokenSpan>,
    tree: PhantomData<&'ast Path>,
}

impl<'ast> PathEnds<'ast> {
    /// The last token of `path`, as [`path_end`] finds it.
    pub fn end(&mut self, path: &'ast Path) -> TokenSpan {
        let mut tail = Tail::Path(path);
        let mut passed = Vec::new();
        let token = loop {
            if let Tail::Path(path) = tail {
                let addr = std::ptr::from_ref(path).addr();
                if let Some(&token) = self.ends.get(&addr) {
                    break token;
                }
                passed.push(addr);
            }
            match tail_step(tail) {
                TailStep::Next(next) => tail = next,
                TailStep::Token(token) => break token,
            }
        };
        self.ends
            .extend(passed.into_iter().map(|addr| (addr, token)));
        token
    }
}

/// Where the last token of a path or type is still to be found. The walk goes down
/// the last generic argument or return type in a loop: printing a segment or type
/// to find its end (`Spanned::span`) prints every type nested in it, quadratic in
/// `Box<Box<..>>` or `impl Fn() -> impl Fn() -> ..`.
#[derive(Clone, Copy)]
enum Tail<'a> {
    Path(&'a Path),
    Type(&'a Type),
}

/// One step of a walk to the last token of a path or type.
enum TailStep<'a> {
    Next(Tail<'a>),
    Token(TokenSpan),
}

fn tail_end(mut tail: Tail<'_>) -> TokenSpan {
    loop {
        match tail_step(tail) {
            TailStep::Next(next) => tail = next,
            TailStep::Token(token) => return token,
        }
    }
}

fn tail_step(tail: Tail<'_>) -> TailStep<'_> {
    use TailStep::{Next, Token};
    match tail {
        Tail::Path(path) => {
            let Some(seg) = path.segments.last() else {
                return Token(TokenSpan::call_site());
            };
            match &seg.arguments {
                PathArguments::None => Token(seg.ident.span()),
                PathArguments::AngleBracketed(a) => Token(a.gt_token.span),
                PathArguments::Parenthesized(p) => match &p.output {
                    ReturnType::Type(_, ty) => Next(Tail::Type(ty)),
                    ReturnType::Default => Token(p.paren_token.span.close()),
                },
            }
        }
        Tail::Type(ty) => match ty {
            Type::Path(t) => Next(Tail::Path(&t.path)),
            Type::Reference(t) => Next(Tail::Type(&t.elem)),
            Type::Ptr(t) => Next(Tail::Type(&t.elem)),
            Type::Group(t) => Next(Tail::Type(&t.elem)),
            Type::Paren(t) => Token(t.paren_token.span.close()),
            Type::Tuple(t) => Token(t.paren_token.span.close()),
            Type::Slice(t) => Token(t.bracket_token.span.close()),
            Type::Array(t) => Token(t.bracket_token.span.close()),
            Type::Never(t) => Token(t.bang_token.span),
            Type::Infer(t) => Token(t.underscore_token.span),
            Type::Macro(t) => Token(macro_end(&t.mac)),
            Type::FnPtr(t) => match &t.output {
                ReturnType::Type(_, ty) => Next(Tail::Type(ty)),
                ReturnType::Default => Token(t.paren_token.span.close()),
            },
            Type::ImplTrait(syn::TypeImplTrait { bounds, .. })
            | Type::TraitObject(syn::TypeTraitObject { bounds, .. }) => match bounds.last() {
                Some(TypeParamBound::Trait(bound)) => match &bound.paren_token {
                    Some(paren) => Token(paren.span.close()),
                    None => Next(Tail::Path(&bound.path)),
                },
                Some(TypeParamBound::Lifetime(lifetime)) => Token(lifetime.ident.span()),
                _ => Token(ty.span()),
            },
            other => Token(other.span()),
        },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_type_is_the_end_that_printing_finds() {
        for text in [
            "Vec<Vec<u8>>",
            "impl Fn() -> impl Fn(u8) -> u8",
            "&'a mut [u8; 4]",
            "Box<dyn Fn(u8) -> Result<u8, E> + Send + 'static>",
            "fn(u8) -> (u8, u16)",
            "*const T",
            "impl (Fn())",
            "std::collections::HashMap<K, V>",
            "!",
            "Option<fn()>",
        ] {
            let ty: Type = syn::parse_str(text).expect(text);
            assert_eq!(type_end(&ty).end(), ty.span().end(), "{text}");
        }
    }

    /// Every path of a type, outermost first, as a visit meets them.
    fn paths_of(ty: &Type) -> Vec<&Path> {
        struct All<'a>(Vec<&'a Path>);
        impl<'a> syn::visit::Visit<'a> for All<'a> {
            fn visit_path(&mut self, path: &'a Path) {
                self.0.push(path);
                syn::visit::visit_path(self, path);
            }
        }
        let mut all = All(Vec::new());
        syn::visit::Visit::visit_type(&mut all, ty);
        all.0
    }

    #[test]
    fn remembered_path_ends_are_the_ends_of_each_path() {
        for text in [
            "impl Fn() -> impl Fn(u8) -> Box<dyn Fn() -> Vec<u8>>",
            "Result<Option<u8>, fn() -> E>",
            "&dyn a::Fn(T) -> &'static dyn b::Fn() -> c::D",
            "impl Fn() + Send",
        ] {
            let ty: Type = syn::parse_str(text).expect(text);
            let paths = paths_of(&ty);
            // Outermost first (as a visit asks), then innermost first.
            let mut ends = PathEnds::default();
            let mut reversed = PathEnds::default();
            for (i, path) in paths.iter().enumerate() {
                assert_eq!(ends.end(path).end(), path.span().end(), "{text}: path {i}");
            }
            for (i, path) in paths.iter().enumerate().rev() {
                let end = reversed.end(path).end();
                assert_eq!(end, path.span().end(), "{text}: path {i}");
            }
        }
    }
}
