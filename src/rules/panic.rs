//! `panic`: see `panic.md`.

use syn::{Expr, ExprCall};

use crate::api::{span, ClippyLint, Level, Lints, MacroCall, Rule, RuleId, RuleKind, SiteSink};

pub struct Panic;

impl Rule for Panic {
    fn id(&self) -> RuleId {
        RuleId::Panic
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
        Lints::of(&[ClippyLint::Panic])
    }
    fn summary(&self) -> &'static str {
        "`panic!`, `todo!`, `unimplemented!`, `unreachable!`, `std::panic::panic_any` and `std::panic::resume_unwind`"
    }
    fn docs(&self) -> &'static str {
        include_str!("panic.md")
    }

    fn macro_call(&self, call: &MacroCall<'_>, out: &mut SiteSink<'_>) {
        let (message, help, lint) = match call.name {
            "panic" => (
                "`panic!` aborts the request or the process",
                "return an error instead",
                ClippyLint::Panic,
            ),
            "todo" => (
                "`todo!` panics when it is reached",
                "finish the code, or return an error until it is done",
                ClippyLint::Todo,
            ),
            "unimplemented" => (
                "`unimplemented!` panics when it is reached",
                "return an error for the unsupported case",
                ClippyLint::Unimplemented,
            ),
            "unreachable" => (
                "`unreachable!` panics if the code is reached after all",
                "make the case impossible in the types, or state why in a `// PANIC: <reason>` comment",
                ClippyLint::Unreachable,
            ),
            _ => return,
        };
        out.site_with_lints(
            span::macro_call(call.mac),
            message,
            Some(help),
            Lints::of(&[lint]),
        );
    }

    fn call(&self, call: &ExprCall, out: &mut SiteSink<'_>) {
        let Expr::Path(func) = &*call.func else {
            return;
        };
        let Some(last) = func.path.segments.last() else {
            return;
        };
        let name = syn::ext::IdentExt::unraw(&last.ident);
        let (message, help) = if name == "panic_any" {
            ("`panic_any` panics", "return an error instead")
        } else if name == "resume_unwind" {
            (
                "`resume_unwind` panics again with a caught panic's payload",
                "turn the caught payload into an error and return it",
            )
        } else {
            return;
        };
        out.site(
            span::between(span::path_start(&func.path), call.paren_token.span.close()),
            message,
            Some(help),
        );
    }
}
