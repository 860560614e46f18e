//! `panic`: see `panic.md`.

use syn::{Expr, ExprCall};

use crate::api::{span, Level, MacroCall, Rule, RuleId, RuleKind, SiteSink};

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
    fn summary(&self) -> &'static str {
        "`panic!`, `todo!`, `unimplemented!`, `unreachable!` and `std::panic::panic_any`"
    }
    fn docs(&self) -> &'static str {
        include_str!("panic.md")
    }

    fn macro_call(&self, call: &MacroCall<'_>, out: &mut SiteSink<'_>) {
        let (message, help) = match call.name {
            "panic" => (
                "`panic!` aborts the request or the process",
                "return an error instead",
            ),
            "todo" => (
                "`todo!` panics when it is reached",
                "finish the code, or return an error until it is done",
            ),
            "unimplemented" => (
                "`unimplemented!` panics when it is reached",
                "return an error for the unsupported case",
            ),
            "unreachable" => (
                "`unreachable!` panics if the code is reached after all",
                "make the case impossible in the types, or state why in a `// PANIC: <reason>` comment",
            ),
            _ => return,
        };
        out.site(span::macro_call(call.mac), message, Some(help));
    }

    fn call(&self, call: &ExprCall, out: &mut SiteSink<'_>) {
        let Expr::Path(func) = &*call.func else {
            return;
        };
        if func
            .path
            .segments
            .last()
            .is_none_or(|s| s.ident != "panic_any")
        {
            return;
        }
        out.site(
            span::between(span::path_start(&func.path), call.paren_token.span.close()),
            "`panic_any` panics",
            Some("return an error instead"),
        );
    }
}
