//! What one file tells the whole-workspace rules: the modules it defines with their
//! items and re-exports, the paths its code refers to (resolved as far as the file
//! alone allows), its `Deserialize` types, its public functions' parameter types,
//! and evidence of serving requests or catching panics.
//!
//! Plain, serializable data: the engine gathers it during the one visit and caches
//! it with the file's result; following re-exports across files is [`super::view`]'s job.

use serde::{Deserialize, Serialize};

use super::diagnostic::Span;

/// A path as written, one string per segment (`::sqlx::Pool` is `["sqlx", "Pool"]`
/// with `leading_colon`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawPath {
    pub segments: Vec<String>,
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
    pub module: String,
    /// The resolved target, crate name first.
    pub target: Vec<String>,
    /// The first segment names a crate (not an item of this crate).
    pub external: bool,
    pub written: String,
    pub span: Span,
    pub kind: RefKind,
}

/// A module defined by a file (its own, or an inline one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleFacts {
    pub path: String,
    /// Names of the items it defines, child modules included.
    pub items: Vec<String>,
    /// `pub use` re-exports: the name they give and the resolved target.
    pub reexports: Vec<(String, Vec<String>)>,
    /// `pub use a::b::*` re-exports: the resolved module.
    pub glob_reexports: Vec<Vec<String>>,
}

/// A public function of a layered module and the types its parameters name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicFn {
    pub module: String,
    pub name: String,
    /// Every path in every parameter type, resolved.
    pub params: Vec<ParamType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamType {
    pub target: Vec<String>,
    pub written: String,
    pub span: Span,
}

/// What the runtime rules look for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    /// Where the file builds a server (an axum `Router`, an actix `App`, ...).
    pub serves: Option<Span>,
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
    pub deserialize_types: Vec<Vec<String>>,
    pub public_fns: Vec<PublicFn>,
    pub runtime: Runtime,
}
