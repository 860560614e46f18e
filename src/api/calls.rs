//! What one file tells the call graph: its functions and the calls each makes, its
//! impl blocks, its struct fields' types, its routers (axum and actix-web) and the
//! tasks and threads it spawns.
//!
//! Plain, serializable data gathered during the engine's one visit of the file and
//! cached with its result. Paths are resolved as far as the file alone allows
//! (`use` items, `self`/`super`/`crate`, `Self`); the workspace pass
//! (`engine::paths`) follows re-exports and builds the graph from these facts
//! without reading or parsing anything.

use serde::{Deserialize, Serialize};

use super::Name;

/// Everything the call graph needs from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallFacts {
    pub fns: Vec<FnFacts>,
    /// Structs and their fields' types, for `self.field.method()` receivers.
    pub structs: Vec<StructFacts>,
    pub routers: Vec<RouterFacts>,
    /// Private glob imports (`use super::*;`): the module and the module it imports.
    pub globs: Vec<(Name, Vec<Name>)>,
}

/// A function, method or associated function, or the future or closure given to
/// `tokio::spawn`/`std::thread::spawn` (a node of its own: a panic there does not
/// unwind into the function that spawned it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FnFacts {
    /// The owning item path that sites carry (`my_crate::a::Type::f`).
    pub path: Name,
    pub module: Name,
    pub name: Name,
    pub line: u32,
    pub kind: FnKind,
    /// Declared `pub` (any `pub(..)` counts).
    pub public: bool,
    /// Takes `self`.
    pub has_self: bool,
    /// Parameters besides `self`.
    pub arity: u32,
    /// The impl's self type, resolved, when the function is in an impl block.
    pub self_ty: Option<Vec<Name>>,
    /// The trait of the impl block, or the trait a default method belongs to.
    pub trait_: Option<Vec<Name>>,
    /// Every path in the parameter types, resolved (extractor edges).
    pub params: Vec<Vec<Name>>,
    /// Every path in the return type, resolved (`IntoResponse` edges).
    pub returns: Vec<Vec<Name>>,
    /// `#[get("/path")]`-style attributes (actix-web): method and path.
    pub route_attrs: Vec<(Name, Name)>,
    pub calls: Vec<Call>,
}

/// What kind of node a [`FnFacts`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum FnKind {
    /// A function or method written with `fn`.
    #[default]
    Fn,
    /// The argument of `tokio::spawn` (and other task spawns).
    Task,
    /// The argument of `std::thread::spawn`.
    Thread,
}

/// One call, as the file shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Call {
    pub kind: CallKind,
    /// The resolved path of a path call or function value; empty for a method call.
    pub path: Vec<Name>,
    /// The method name, or the last segment of the path.
    pub name: Name,
    /// What the receiver of a method call is known to be.
    pub receiver: Receiver,
    /// How far the file could resolve the path.
    pub scope: Scope,
    /// Arguments besides the receiver.
    pub arity: u32,
    /// Made inside a closure or async block of the function.
    pub closure: bool,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallKind {
    /// `f(..)`, `a::b::f(..)`, `Type::f(..)`.
    Path,
    /// `x.f(..)`.
    Method,
    /// A function passed as a value: `.map(slugify)`, `.map_ok(Item::into_dto)`.
    FnValue,
}

/// How far the file resolved a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Through an item, an import, `crate`/`self`/`super`/`Self`: the path is exact.
    Resolved,
    /// The first segment names nothing of the file: a crate, or something a glob
    /// import or the prelude brings.
    Unknown,
}

/// The receiver of a method call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Receiver {
    /// Not a method call.
    #[default]
    None,
    /// `self.f()`.
    SelfValue,
    /// A value whose type the code shows (a parameter or an annotated or
    /// constructed `let`), resolved.
    Typed(Vec<Name>),
    /// A value of `dyn Trait`, `impl Trait` or a generic bounded by these traits.
    Bounds(Vec<Vec<Name>>),
    /// `base.field.f()` where `base` is `self` or a typed value: the base's type.
    Field { ty: Vec<Name>, field: Name },
    /// Anything else: resolved by name, an over-approximation.
    Unknown,
}

/// A struct and the resolved type of each named field (wrappers such as `Arc`,
/// `Box` and references removed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructFacts {
    pub path: Vec<Name>,
    pub fields: Vec<(Name, TypeRef)>,
}

/// What a type written in a signature or a field is, as far as calls care.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TypeRef {
    Path(Vec<Name>),
    Bounds(Vec<Vec<Name>>),
}

/// One router expression: a method chain such as
/// `Router::new().route("/a", get(h)).nest("/b", b()).layer(CatchPanicLayer::new())`
/// or actix-web's `web::scope("/b").route("/a", web::get().to(h))`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterFacts {
    /// The function the expression is written in.
    pub owner: Name,
    pub line: u32,
    pub framework: Framework,
    /// The `let` binding that holds it, when it is bound.
    pub binding: Option<Name>,
    /// The prefix of an actix `web::scope("/p")` or `web::resource("/p")` base.
    pub prefix: Option<Name>,
    /// The chain starts from another router (a local or a call), not from `new()`.
    pub base: Option<RouterRef>,
    /// In chain order: layers apply to what comes before them.
    pub items: Vec<RouterItem>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Framework {
    #[default]
    Axum,
    Actix,
}

/// A router used inside another one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouterRef {
    /// A local binding of the same function.
    Local(Name),
    /// The router a function returns (a resolved path).
    Call(Vec<Name>),
    /// Another router expression of the same file, by index in [`CallFacts::routers`].
    Inline(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouterItem {
    /// `.route("/p", get(h).post(g))`: the path and each method's handler.
    Route {
        path: Name,
        handlers: Vec<Handler>,
        line: u32,
    },
    /// `.fallback(h)` (`what`: `fallback`), `.method_not_allowed_fallback(h)`, ...
    Fallback {
        handler: Handler,
        what: Name,
        line: u32,
    },
    /// `.nest("/p", r)` (`.service(r)` with an empty prefix for actix scopes).
    Nest { prefix: Name, router: RouterRef },
    /// `.merge(r)`.
    Merge { router: RouterRef },
    /// `.layer(..)`/`.route_layer(..)`/`.wrap(..)`: whether it catches panics, and
    /// the middleware functions it runs (`middleware::from_fn(f)`).
    Layer {
        catches: bool,
        middleware: Vec<Handler>,
    },
}

/// A handler: the HTTP method and the function, resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handler {
    pub method: Name,
    pub path: Vec<Name>,
    pub scope: Scope,
    pub line: u32,
}
