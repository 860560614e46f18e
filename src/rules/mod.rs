//! The rule registry: one [`Rule`] per rule id, each in its own file with its
//! documentation beside it.
//!
//! Rules see only the rule API ([`crate::api`]): the syntax nodes the engine's one
//! visit offers them, or the workspace view, and a sink. They do no I/O, never see
//! the configuration or an output format, and never import the engine. Adding a
//! rule means a file here, its `.md` docs, its [`RuleId`], one line in [`ALL`] and
//! its fixtures.

use syn::ExprPath;

use crate::api::{span, Rule, RuleId, Span};

mod arithmetic;
mod assert;
mod expect;
mod forbidden_crate;
mod indexing;
mod internal_error;
mod layer_violation;
mod missing_panic_boundary;
mod panic;
mod panic_abort_defeats_catch;
mod parse_error;
mod unused_justification;
mod unvalidated_input;
mod unwrap;

/// Every rule, in the order of [`RuleId::ALL`].
pub const ALL: &[&dyn Rule] = &[
    &unwrap::Unwrap,
    &expect::Expect,
    &indexing::Indexing,
    &panic::Panic,
    &assert::Assert,
    &arithmetic::Arithmetic,
    &layer_violation::LayerViolation,
    &forbidden_crate::ForbiddenCrate,
    &unvalidated_input::UnvalidatedInput,
    &missing_panic_boundary::MissingPanicBoundary,
    &panic_abort_defeats_catch::PanicAbortDefeatsCatch,
    &parse_error::ParseError,
    &unused_justification::UnusedJustification,
    &internal_error::InternalError,
];

/// The rule with this id.
pub fn get(id: RuleId) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.id() == id)
}

/// The rule spelled `id`.
pub fn by_name(id: &str) -> Option<&'static dyn Rule> {
    RuleId::parse(id).and_then(get)
}

/// `Option::unwrap`, `std::result::Result::expect_err`, `<Option<T>>::unwrap`:
/// the type (`Option` or `Result`) and the method a path names, when it names one.
fn std_method(expr: &ExprPath) -> Option<(&syn::Ident, &syn::Ident)> {
    let method = &expr.path.segments.last()?.ident;
    let ty = match &expr.qself {
        // `<Option<u8>>::unwrap`: the type is outside the path.
        Some(qself) if qself.position == 0 && expr.path.segments.len() == 1 => match &*qself.ty {
            syn::Type::Path(ty) => &ty.path.segments.last()?.ident,
            _ => return None,
        },
        Some(_) => return None,
        None => &expr.path.segments.iter().rev().nth(1)?.ident,
    };
    (ty == "Option" || ty == "Result").then_some((ty, method))
}

/// A path naming one of `methods` of `Option` or `Result`: its span (from the type
/// to the method) and how it reads (`Option::expect`).
fn std_method_path(expr: &ExprPath, methods: &[&str]) -> Option<(Span, String)> {
    let (ty, method) = std_method(expr)?;
    let unraw = syn::ext::IdentExt::unraw(method);
    if !methods.iter().any(|m| unraw == m) {
        return None;
    }
    let start = match &expr.qself {
        Some(qself) => qself.lt_token.span,
        None => span::path_start(&expr.path),
    };
    Some((
        span::between(start, method.span()),
        format!("{ty}::{unraw}"),
    ))
}
