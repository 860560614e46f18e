//! The rule registry: one [`Rule`] per rule id, each in its own file with its
//! documentation beside it.
//!
//! The checker walks each syntax tree once and offers every node to every
//! enabled rule through the hooks below; a rule overrides only the hooks it
//! needs. Rules do no I/O and never see output formats. Adding a rule means a
//! file in `rules/`, its `.md` docs, one line in [`ALL`] and its fixtures.

use serde::Deserialize;
use syn::{ExprBinary, ExprCall, ExprIndex, ExprMethodCall, ExprPath, Macro};

use crate::boundary::{self, WorkspaceFacts};
use crate::check::Emit;
use crate::diagnostic::{Severity, Span};
use crate::span;

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

pub use internal_error::InternalError;
pub use parse_error::ParseError;
pub use unused_justification::UnusedJustification;

/// Every rule, in the order `rules` lists them.
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
pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.id() == id)
}

/// A configured level: `deny` reports an error, `warn` a warning, `allow` nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Deny,
    Warn,
    Allow,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Deny => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Allow => None,
        }
    }
}

/// A macro call as the checker sees it: the call and the last segment of its path.
pub struct MacroCall<'a> {
    pub mac: &'a Macro,
    pub name: &'a str,
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
pub fn std_method_path(expr: &ExprPath, methods: &[&str]) -> Option<(Span, String)> {
    let (ty, method) = std_method(expr)?;
    if !methods.iter().any(|m| method == m) {
        return None;
    }
    let start = match &expr.qself {
        Some(qself) => qself.lt_token.span,
        None => span::path_start(&expr.path),
    };
    Some((
        span::between(start, method.span()),
        format!("{ty}::{method}"),
    ))
}

/// One rule: what it is called, how it is documented, and what it looks at.
pub trait Rule: Sync {
    /// The stable, kebab-case id.
    fn id(&self) -> &'static str;
    fn default_level(&self) -> Level;
    /// Whether a `// PANIC:` comment silences it by default.
    fn accepts_justification(&self) -> bool {
        false
    }
    /// Whether `[rules]` may set its level (the tool's own failures may not be hidden).
    fn configurable(&self) -> bool {
        true
    }
    /// Whether `justification.rules` may list it: site rules yes; architecture rules
    /// and the tool's own reports no (the fix for those is in code or config).
    fn can_be_justified(&self) -> bool {
        true
    }
    /// One line for `rules` listings and SARIF short descriptions.
    fn summary(&self) -> &'static str;
    /// The full documentation, in Markdown: what, why, example, how to fix, limitations.
    fn docs(&self) -> &'static str;

    fn method_call(&self, _call: &ExprMethodCall, _cx: &mut Emit<'_>) {}
    fn index(&self, _expr: &ExprIndex, _cx: &mut Emit<'_>) {}
    fn macro_call(&self, _call: &MacroCall<'_>, _cx: &mut Emit<'_>) {}
    fn binary(&self, _expr: &ExprBinary, _cx: &mut Emit<'_>) {}
    fn path(&self, _expr: &ExprPath, _cx: &mut Emit<'_>) {}
    fn call(&self, _expr: &ExprCall, _cx: &mut Emit<'_>) {}

    /// Whole-workspace rules: called once per run with every file's summary.
    fn workspace(&self, _facts: &WorkspaceFacts<'_>, _out: &mut boundary::Emit) {}
}
