//! Clippy's lint attributes as justifications: `#[allow(clippy::unwrap_used)]`,
//! `#[expect(clippy::indexing_slicing, reason = "...")]`, also inside
//! `cfg_attr(.., ..)`, on a node or around it (contract, fine print).
//!
//! The analysis records every such attribute that names one of our lints and, for
//! each site, the ones around it; whether they count is the configuration's call
//! ([`super::apply`]).

use serde::{Deserialize, Serialize};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, Meta, Token};

use crate::api::{span, ClippyLint, Lints, Span};

/// One lint-level attribute naming at least one of our lints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintAttr {
    pub span: Span,
    pub lints: Lints,
    /// `allow` or `expect`; `false` for `warn`, `deny` and `forbid`, which undo
    /// an outer `allow` as they do for Clippy.
    pub allows: bool,
    /// Its `reason = "..."`.
    pub reason: Option<String>,
    /// The attribute as written (whitespace collapsed), the justification text
    /// when it gives no reason.
    pub written: String,
}

impl LintAttr {
    /// The text a justified finding shows.
    pub fn text(&self) -> &str {
        self.reason.as_deref().unwrap_or(&self.written)
    }
}

/// The attribute as a [`LintAttr`], when it allows or expects one of our lints.
/// `text` is the file's text, for the attribute as written.
pub fn parse(attr: &Attribute, text: &str) -> Option<LintAttr> {
    let ident = attr.path().get_ident()?;
    if level(ident).is_none() && ident != "cfg_attr" {
        return None;
    }
    // Only `clippy::name` lints count: most lint attributes name none.
    if !matches!(&attr.meta, Meta::List(list) if mentions(&list.tokens, "clippy")) {
        return None;
    }
    let mut found = Found::default();
    found.meta(&attr.meta, 0);
    if found.lints.is_empty() {
        return None;
    }
    let start = attr.pound_token.span;
    let end = attr.bracket_token.span.close();
    let written = text
        .get(start.byte_range().start..end.byte_range().end)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    Some(LintAttr {
        span: span::between(start, end),
        lints: found.lints,
        allows: found.allows,
        reason: found.reason,
        written,
    })
}

/// Whether `tokens` hold the identifier `word` at any depth: an attribute that
/// does not name it cannot be about it, and is not parsed.
pub fn mentions(tokens: &proc_macro2::TokenStream, word: &str) -> bool {
    let mut streams = vec![tokens.clone()];
    while let Some(stream) = streams.pop() {
        for tree in stream {
            match tree {
                proc_macro2::TokenTree::Ident(ident) if ident == word => return true,
                proc_macro2::TokenTree::Group(group) => streams.push(group.stream()),
                _ => {}
            }
        }
    }
    false
}

/// How deep `cfg_attr(.., cfg_attr(..))` and `cfg(all(any(..)))` are read. Each
/// level parses the tokens of all the levels inside it again, and no one nests
/// them this deep: deeper ones justify nothing and make nothing test code.
pub const MAX_META_DEPTH: u32 = 32;

/// Whether a lint-level attribute allows (`Some(true)`) or not.
fn level(ident: &syn::Ident) -> Option<bool> {
    if ident == "allow" || ident == "expect" {
        Some(true)
    } else if ident == "warn" || ident == "deny" || ident == "forbid" {
        Some(false)
    } else {
        None
    }
}

#[derive(Default)]
struct Found {
    lints: Lints,
    allows: bool,
    reason: Option<String>,
}

impl Found {
    fn meta(&mut self, meta: &Meta, depth: u32) {
        let Meta::List(list) = meta else {
            return;
        };
        if depth > MAX_META_DEPTH {
            return;
        }
        let Ok(args) = list.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated) else {
            return;
        };
        if list.path.is_ident("cfg_attr") {
            // `cfg_attr(predicate, attr, attr...)`: whatever the predicate, the
            // attributes are the team's decision.
            for inner in args.iter().skip(1) {
                self.meta(inner, depth + 1);
            }
            return;
        }
        let Some(allows) = list.path.get_ident().and_then(level) else {
            return;
        };
        let mut lints = Lints::NONE;
        let mut reason = None;
        for arg in &args {
            match arg {
                Meta::Path(path) => {
                    let mut segments = path.segments.iter();
                    let (Some(tool), Some(name), None) =
                        (segments.next(), segments.next(), segments.next())
                    else {
                        continue;
                    };
                    if tool.ident != "clippy" {
                        continue;
                    }
                    if let Some(lint) = ClippyLint::parse(&name.ident.to_string()) {
                        lints = lints.with(lint);
                    }
                }
                Meta::NameValue(nv) if nv.path.is_ident("reason") => {
                    if let Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(s), ..
                    }) = &nv.value
                    {
                        let text = s.value();
                        if !text.trim().is_empty() {
                            reason = Some(text.trim().to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        // One attribute holds one level (`cfg_attr` may hold several: the first
        // that names our lints wins).
        if !lints.is_empty() && (self.lints.is_empty() || self.allows == allows) {
            self.lints = self.lints.union(lints);
            self.allows = allows;
            self.reason = self.reason.take().or(reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(src: &str) -> Vec<LintAttr> {
        let file = syn::parse_file(src).expect("parses");
        let syn::Item::Fn(f) = file.items.first().expect("an item") else {
            panic!("a function");
        };
        f.attrs.iter().filter_map(|a| parse(a, src)).collect()
    }

    #[test]
    fn allow_expect_and_cfg_attr_with_and_without_reason() {
        let found = attrs(
            "#[allow(clippy::unwrap_used)]\n\
             #[expect(clippy::indexing_slicing, reason = \"fixed size\")]\n\
             #[cfg_attr(not(test), allow(clippy::panic,  clippy::todo))]\n\
             #[allow(clippy::all, dead_code)]\n\
             #[allow(clippy::restriction)]\n\
             fn f() {}",
        );
        assert_eq!(found.len(), 3);
        let [a, b, c] = &found[..] else {
            panic!("three attributes")
        };
        assert!(a.lints.meets(Lints::of(&[ClippyLint::UnwrapUsed])));
        assert_eq!(a.reason, None);
        assert_eq!(a.text(), "#[allow(clippy::unwrap_used)]");
        assert_eq!(b.text(), "fixed size");
        assert!(c.lints.meets(Lints::of(&[ClippyLint::Todo])));
        assert!(c.lints.meets(Lints::of(&[ClippyLint::Panic])));
        assert_eq!(
            c.written,
            "#[cfg_attr(not(test), allow(clippy::panic, clippy::todo))]"
        );
    }
}
