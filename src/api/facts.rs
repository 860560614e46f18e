//! What one file tells the whole-workspace rules: the modules it defines with their
//! items and re-exports, the paths its code refers to (resolved as far as the file
//! alone allows), its `Deserialize` types, its public functions' parameter types,
//! and evidence of serving requests or catching panics.
//!
//! Plain, serializable data: the engine gathers it during the one visit and caches
//! it with the file's result; following re-exports across files is [`super::view`]'s job.

use serde::{Deserialize, Serialize};

use super::diagnostic::Span;
use super::Name;

/// A path as written, one string per segment (`::sqlx::Pool` is `["sqlx", "Pool"]`
/// with `leading_colon`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPath {
    pub segments: Vec<Name>,
    pub leading_colon: bool,
}

impl RawPath {
    pub fn written(&self) -> String {
        let joined = self.segments.join("::");
        if self.leading_colon {
            format!("::{joined}")
        } else {
            joined
        }
    }
}

/// How a reference was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefKind {
    /// A `use` (or `extern crate`) item: reported once, here.
    Use,
    /// Any other path: types, expressions, patterns, bounds, impl headers, macros, derives.
    Path,
}

/// A path in layered code, resolved as far as the file allows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The module the code is in (`my_crate::core::users`).
    pub module: Name,
    /// The resolved target, crate name first.
    pub target: Vec<Name>,
    /// The first segment names a crate (not an item of this crate).
    pub external: bool,
    pub written: Name,
    pub span: Span,
    pub kind: RefKind,
    /// References with the same group are one finding: the leaves of one `use` item,
    /// the paths of one function parameter, of one `derive` attribute, of one type.
    pub group: Option<u32>,
}

/// A module defined by a file (its own, or an inline one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFacts {
    pub path: Name,
    /// Names of the items it defines, child modules included.
    pub items: Vec<Name>,
    /// `pub use` re-exports: the name they give and the resolved target.
    pub reexports: Vec<(Name, Vec<Name>)>,
    /// `pub use a::b::*` re-exports: the resolved module.
    pub glob_reexports: Vec<Vec<Name>>,
    /// `extern crate x as y;` (or `extern crate x;`) items: the name they give and the
    /// crate (`_` for `-`); `extern crate self as y` gives this module's crate. At a
    /// crate root they also put the name in the crate's extern prelude.
    pub extern_crates: Vec<(Name, Name)>,
    /// `#[macro_export] macro_rules!` macros defined here: they live at the crate root.
    pub exported_macros: Vec<Name>,
}

/// A public function of a layered module and the types its parameters name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFn {
    pub module: Name,
    pub name: Name,
    /// Every path in every parameter type, resolved.
    pub params: Vec<ParamType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamType {
    pub target: Vec<Name>,
    pub written: Name,
    pub span: Span,
    /// Which parameter (0-based) the path is in: one parameter is one finding.
    pub param: u32,
}

/// What the runtime rules look for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// Where the file builds a server (an axum `Router`, an actix `App`, ...).
    pub serves: Option<Span>,
    /// The crates whose servers it builds (`axum`, `actix_web`, ...), first seen first.
    pub servers: Vec<Name>,
    /// It installs a panic hook.
    pub hook: bool,
    /// It catches panics (`catch_unwind`, `CatchPanicLayer`).
    pub catches: bool,
    /// `fn main` at the top level of the file.
    pub main_fn: Option<Span>,
    /// A path names the package's library crate (`my_service::run()`).
    pub uses_library: bool,
}

/// Everything above for one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub modules: Vec<ModuleFacts>,
    pub references: Vec<Reference>,
    /// Types that derive (or implement) `Deserialize`, by resolved path.
    pub deserialize_types: Vec<Vec<Name>>,
    pub public_fns: Vec<PublicFn>,
    pub runtime: Runtime,
}

/// Findings that are one: items of the same group, and items whose spans overlap
/// (the leaves of a `use` share its start; `sqlx::Pool<sqlx::Postgres>` holds a
/// path inside a path). Each result is the union of the spans with the items in
/// their first-seen order; results come in the order of their first item.
pub fn merge<T>(items: impl IntoIterator<Item = (Option<u32>, Span, T)>) -> Vec<(Span, Vec<T>)> {
    let mut merged: Vec<(Vec<u32>, Span, Vec<T>)> = Vec::new();
    for (group, span, item) in items {
        let same = merged.iter_mut().find(|(groups, s, _)| {
            group.is_some_and(|g| groups.contains(&g)) || overlaps(*s, span)
        });
        match same {
            Some((groups, s, list)) => {
                groups.extend(group);
                s.start = s.start.min(span.start);
                s.end = s.end.max(span.end);
                list.push(item);
            }
            None => merged.push((group.into_iter().collect(), span, vec![item])),
        }
    }
    merged
        .into_iter()
        .map(|(_, span, items)| (span, items))
        .collect()
}

fn overlaps(a: Span, b: Span) -> bool {
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Pos;

    fn span(line: u32, from: u32, to: u32) -> Span {
        Span::new(Pos::new(line, from), Pos::new(line, to))
    }

    #[test]
    fn groups_and_overlapping_spans_merge_and_others_do_not() {
        let merged = merge([
            (None, span(1, 5, 16), "Pool"),
            (None, span(1, 5, 26), "Postgres"),
            (Some(7), span(2, 10, 20), "a"),
            (Some(7), span(2, 30, 40), "b"),
            (Some(8), span(2, 50, 60), "c"),
            (None, span(3, 1, 9), "d"),
            (None, span(3, 9, 12), "e"),
        ]);
        let shapes: Vec<(Span, Vec<&str>)> = merged;
        assert_eq!(
            shapes,
            vec![
                (span(1, 5, 26), vec!["Pool", "Postgres"]),
                (span(2, 10, 40), vec!["a", "b"]),
                (span(2, 50, 60), vec!["c"]),
                (span(3, 1, 9), vec!["d"]),
                (span(3, 9, 12), vec!["e"]),
            ]
        );
    }
}
