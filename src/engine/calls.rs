//! Gathers a file's [`CallFacts`] during the checker's one visit: each function's
//! calls (path calls, method calls with what the receiver is known to be,
//! functions passed as values, calls in closures), impl blocks, struct fields,
//! router expressions (axum and actix-web), `#[get("/..")]` attributes and
//! spawned tasks and threads.
//!
//! The checker calls the hooks below; paths are resolved at [`CallsBuilder::finish`],
//! when the file's items and imports are all known.

use foldhash::HashSet;

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Token};

use crate::api::calls::{
    Call, CallFacts, CallKind, FnFacts, FnKind, Framework, Handler, Receiver, RouterFacts,
    RouterItem, RouterRef, Scope, StructFacts, TypeRef,
};
use crate::api::facts::RawPath;
use crate::api::{span, Name};
use crate::engine::facts::{raw_path, FactsBuilder, TypePaths};

/// HTTP methods as axum's method routers and actix's attributes spell them.
const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect", "any",
];
/// Smart pointers a method call sees through.
const WRAPPERS: &[&str] = &["Arc", "Rc", "Box", "Cow"];

/// A type as written, before resolution.
#[derive(Clone, Debug)]
enum RawType {
    Path(RawPath),
    Bounds(Vec<RawPath>),
}

/// Named fields and their types.
type Fields = Vec<(Name, RawType)>;

#[derive(Clone, Debug)]
enum RawReceiver {
    None,
    SelfValue,
    Type(RawType),
    Field(RawPath, Name),
    Unknown,
}

#[derive(Debug)]
struct PendingCall {
    kind: CallKind,
    path: Option<RawPath>,
    name: Name,
    receiver: RawReceiver,
    arity: u32,
    closure: bool,
    line: u32,
}

#[derive(Debug, Default)]
struct PendingFn {
    facts: FnFacts,
    self_ty: Option<RawPath>,
    trait_: Option<RawPath>,
    params: Vec<RawPath>,
    returns: Vec<RawPath>,
    calls: Vec<PendingCall>,
    /// Names bound in the function, with their type when the code shows it.
    bindings: Vec<(Name, Option<RawType>)>,
    /// Generic parameters and their trait bounds.
    generics: Vec<(Name, Vec<RawPath>)>,
    /// Locals whose value is a layer that catches panics.
    catch_locals: Vec<Name>,
    closure_depth: u32,
}

#[derive(Debug, Default, Clone)]
struct ImplCtx {
    self_ty: Option<RawPath>,
    trait_: Option<RawPath>,
    generics: Vec<(Name, Vec<RawPath>)>,
}

/// Gathers [`CallFacts`] while the checker walks a file.
#[derive(Debug, Default)]
pub struct CallsBuilder {
    stack: Vec<PendingFn>,
    done: Vec<PendingFn>,
    impls: Vec<ImplCtx>,
    /// Module, name and fields of each struct.
    structs: Vec<(Name, Name, Fields)>,
    routers: Vec<(Name, RouterFacts)>,
    globs: Vec<(Name, RawPath)>,
    /// Method calls already read as part of a router chain.
    consumed: HashSet<Node>,
    /// Method calls inside a chain whose outermost call was found not to be a
    /// router: none of them is one either (same base, fewer methods), so each chain
    /// is walked once, not once per link.
    plain: HashSet<Node>,
    /// Path expressions that are route handlers, not function values of the caller.
    handlers: HashSet<Node>,
    /// The `let` whose initialiser is being visited: its expression and name.
    binding: Option<(Node, Name)>,
    /// The syntax tree being visited: the file's (0), or a macro body's.
    tree: u32,
    trees: u32,
}

/// A node of a syntax tree, by address. A macro body is parsed for the visit and
/// dropped after it, and the next one may be given the same addresses: each
/// tree has its own number, so that a node of a dropped tree is never taken for
/// a node of a later one.
type Node = (u32, usize);

fn key<T>(tree: u32, node: &T) -> Node {
    (tree, std::ptr::from_ref(node).addr())
}

fn line_of(span: proc_macro2::Span) -> u32 {
    span::pos(span.start()).line
}

fn ident(i: &syn::Ident) -> Name {
    crate::engine::facts::ident_name(i)
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

impl CallsBuilder {
    pub fn enter_impl(&mut self, item: &syn::ItemImpl) {
        let self_ty = match &*item.self_ty {
            syn::Type::Path(p) if p.qself.is_none() => Some(raw_path(&p.path)),
            _ => None,
        };
        let trait_ = item.trait_.as_ref().map(|(path, _)| raw_path(path));
        self.impls.push(ImplCtx {
            self_ty,
            trait_,
            generics: generics_of(&item.generics),
        });
    }

    pub fn enter_trait(&mut self, item: &syn::ItemTrait) {
        self.impls.push(ImplCtx {
            self_ty: None,
            trait_: Some(RawPath {
                segments: vec![ident(&item.ident)],
                leading_colon: false,
            }),
            generics: generics_of(&item.generics),
        });
    }

    pub fn leave_impl(&mut self) {
        self.impls.pop();
    }

    /// Enters a function whose owning path is `path`. `in_impl` says whether it is
    /// an item of the innermost impl or trait block (not a function nested in one).
    pub fn enter_fn(
        &mut self,
        path: Name,
        module: &Name,
        public: bool,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        in_impl: bool,
    ) {
        let ctx = if in_impl {
            self.impls.last().cloned().unwrap_or_default()
        } else {
            ImplCtx::default()
        };
        let mut generics = ctx.generics.clone();
        generics.extend(generics_of(&sig.generics));
        let mut f = PendingFn {
            facts: FnFacts {
                path,
                module: module.clone(),
                name: ident(&sig.ident),
                line: line_of(sig.ident.span()),
                kind: FnKind::Fn,
                public,
                route_attrs: route_attrs(attrs),
                ..FnFacts::default()
            },
            self_ty: ctx.self_ty,
            trait_: ctx.trait_,
            generics,
            ..PendingFn::default()
        };
        let mut arity = 0;
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => f.facts.has_self = true,
                syn::FnArg::Typed(arg) => {
                    arity += 1;
                    let mut paths = TypePaths::default();
                    paths.visit_type(&arg.ty);
                    f.params.extend(paths.found.into_iter().map(|(p, _, _)| p));
                    let ty = raw_type(&arg.ty, &f.generics);
                    bind_param(&arg.pat, &arg.ty, ty, &f.generics, &mut f.bindings);
                }
            }
        }
        f.facts.arity = arity;
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            let mut paths = TypePaths::default();
            paths.visit_type(ty);
            f.returns = paths.found.into_iter().map(|(p, _, _)| p).collect();
        }
        self.stack.push(f);
    }

    /// Enters the argument of a spawn: a node of its own that sees the bindings
    /// and the impl of the function it is written in.
    pub fn enter_spawn(&mut self, path: Name, module: &Name, kind: FnKind, line: u32) {
        let outer = self.stack.last();
        let f = PendingFn {
            facts: FnFacts {
                path,
                module: module.clone(),
                name: match kind {
                    FnKind::Thread => Name::from("{thread}"),
                    _ => Name::from("{spawn}"),
                },
                line,
                kind,
                has_self: outer.is_some_and(|o| o.facts.has_self),
                ..FnFacts::default()
            },
            self_ty: outer.and_then(|o| o.self_ty.clone()),
            trait_: outer.and_then(|o| o.trait_.clone()),
            bindings: outer.map(|o| o.bindings.clone()).unwrap_or_default(),
            generics: outer.map(|o| o.generics.clone()).unwrap_or_default(),
            ..PendingFn::default()
        };
        self.stack.push(f);
    }

    pub fn leave_fn(&mut self) {
        if let Some(f) = self.stack.pop() {
            self.done.push(f);
        }
    }

    pub fn enter_closure(&mut self) {
        if let Some(f) = self.stack.last_mut() {
            f.closure_depth += 1;
        }
    }

    pub fn leave_closure(&mut self) {
        if let Some(f) = self.stack.last_mut() {
            f.closure_depth = f.closure_depth.saturating_sub(1);
        }
    }

    /// A name bound by a pattern (its type unknown), unless already bound.
    pub fn bind_name(&mut self, name: &syn::Ident) {
        if let Some(f) = self.stack.last_mut() {
            let name = ident(name);
            if !f.bindings.iter().any(|(n, _)| *n == name) {
                f.bindings.push((name, None));
            }
        }
    }

    /// Before a macro body is visited: its nodes are its own (see [`Node`]).
    /// Returns the tree to go back to after it.
    pub fn enter_tree(&mut self) -> u32 {
        self.trees += 1;
        std::mem::replace(&mut self.tree, self.trees)
    }

    pub fn leave_tree(&mut self, outer: u32) {
        self.tree = outer;
    }

    /// Before a `let`'s initialiser is visited.
    pub fn local_init(&mut self, local: &syn::Local) {
        self.binding = None;
        let (Some(init), syn::Pat::Ident(pat)) = (&local.init, &local.pat) else {
            return;
        };
        let name = ident(&pat.ident);
        if let Expr::MethodCall(m) = &*init.expr {
            self.binding = Some((key(self.tree, m), name.clone()));
        }
        if matches!(&*init.expr, Expr::MethodCall(_) | Expr::Call(_)) && catches(&init.expr) {
            if let Some(f) = self.stack.last_mut() {
                f.catch_locals.push(name);
            }
        }
    }

    /// After a `let` is visited: its name shadows what was bound before.
    pub fn local_bound(&mut self, local: &syn::Local) {
        let Some(f) = self.stack.last_mut() else {
            return;
        };
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(t) => (&*t.pat, Some(&*t.ty)),
            other => (other, None),
        };
        let syn::Pat::Ident(pat) = pat else {
            return;
        };
        let ty = match ty {
            Some(ty) => raw_type(ty, &f.generics),
            None => local.init.as_ref().and_then(|i| constructed(&i.expr)),
        };
        f.bindings.push((ident(&pat.ident), ty));
    }

    pub fn item_struct(&mut self, module: &Name, item: &syn::ItemStruct) {
        let generics = generics_of(&item.generics);
        let fields = item
            .fields
            .iter()
            .filter_map(|f| Some((ident(f.ident.as_ref()?), raw_type(&f.ty, &generics)?)))
            .collect();
        self.structs
            .push((module.clone(), ident(&item.ident), fields));
    }

    pub fn glob(&mut self, module: &Name, path: RawPath) {
        self.globs.push((module.clone(), path));
    }

    /// What a call spawns, when it is `tokio::spawn(..)`, `std::thread::spawn(..)`
    /// or another runtime's spawn.
    pub fn spawn_kind(
        &self,
        call: &ExprCall,
        module: &str,
        facts: &FactsBuilder,
    ) -> Option<FnKind> {
        let Expr::Path(p) = &*call.func else {
            return None;
        };
        let last = p.path.segments.last()?.ident.to_string();
        if !matches!(last.as_str(), "spawn" | "spawn_blocking" | "spawn_local") {
            return None;
        }
        let (target, _) = facts.resolve_call_path(module, &raw_path(&p.path))?;
        let first = target.first()?.as_str();
        if target.iter().any(|s| s == "thread") && matches!(first, "std" | "core") {
            return Some(FnKind::Thread);
        }
        matches!(
            first,
            "tokio" | "async_std" | "smol" | "actix_rt" | "actix_web" | "tokio_util"
        )
        .then_some(FnKind::Task)
    }

    /// `thread::Builder::new()..spawn(f)` spawns a thread; `handle.spawn(fut)`
    /// (a runtime handle, a `JoinSet`) a task.
    pub fn method_spawn_kind(&self, call: &ExprMethodCall) -> Option<FnKind> {
        if call.method != "spawn" || call.args.len() != 1 {
            return None;
        }
        let mut base = &*call.receiver;
        while let Expr::MethodCall(m) = base {
            base = &m.receiver;
        }
        let thread = matches!(base, Expr::Call(c) if matches!(&*c.func, Expr::Path(p)
            if p.path.segments.iter().any(|s| s.ident == "Builder")
                && p.path.segments.iter().any(|s| s.ident == "thread")));
        let spawnable = matches!(
            call.args.first(),
            Some(Expr::Async(_) | Expr::Closure(_) | Expr::Call(_) | Expr::Path(_))
        );
        match (thread, spawnable) {
            (true, _) => Some(FnKind::Thread),
            (false, true) => Some(FnKind::Task),
            _ => None,
        }
    }

    pub fn call(&mut self, call: &ExprCall) {
        if self.stack.is_empty() {
            return;
        }
        if let Expr::Path(p) = &*call.func {
            let path = match &p.qself {
                // `<T as Trait>::f(..)` names the trait's method.
                Some(q) if q.position > 0 => Some(raw_path(&p.path)),
                Some(_) => None,
                None => Some(raw_path(&p.path)),
            };
            if let Some(path) = path {
                self.path_call(path, CallKind::Path, call.args.len(), &p.path);
            }
        }
        for arg in &call.args {
            self.fn_value(arg);
        }
    }

    pub fn method_call(&mut self, call: &ExprMethodCall, module: &str) {
        if self.stack.is_empty() || self.consumed.contains(&key(self.tree, call)) {
            return;
        }
        if !self.plain.contains(&key(self.tree, call)) && self.router(call, module, true).is_some()
        {
            return;
        }
        let receiver = self.receiver(&call.receiver);
        let closure = self.in_closure();
        let arity = u32::try_from(call.args.len()).unwrap_or(u32::MAX);
        if let Some(f) = self.stack.last_mut() {
            f.calls.push(PendingCall {
                kind: CallKind::Method,
                path: None,
                name: ident(&call.method),
                receiver,
                arity,
                closure,
                line: line_of(call.method.span()),
            });
        }
        for arg in &call.args {
            self.fn_value(arg);
        }
    }

    fn in_closure(&self) -> bool {
        self.stack.last().is_some_and(|f| f.closure_depth > 0)
    }

    fn is_bound(&self, name: &str) -> bool {
        self.stack
            .last()
            .is_some_and(|f| f.bindings.iter().any(|(n, _)| n == name))
    }

    fn path_call(&mut self, mut path: RawPath, kind: CallKind, arity: usize, syn_path: &syn::Path) {
        let Some(name) = path.segments.last().cloned() else {
            return;
        };
        // Tuple structs and variants are constructors, not calls.
        if starts_upper(&name) {
            return;
        }
        let first = path.segments.first().cloned().unwrap_or_default();
        if path.segments.len() == 1 && self.is_bound(&first) {
            return;
        }
        let Some(f) = self.stack.last_mut() else {
            return;
        };
        let mut receiver = RawReceiver::None;
        if path.segments.len() == 2 && !path.leading_colon {
            if let Some((_, bounds)) = f.generics.iter().find(|(g, _)| *g == first) {
                // `T::f(..)` on a generic: every impl of its bounds.
                receiver = RawReceiver::Type(RawType::Bounds(bounds.clone()));
            }
        }
        if first == "Self" {
            match &f.self_ty {
                Some(ty) => {
                    let mut segments = ty.segments.clone();
                    segments.extend(path.segments.iter().skip(1).cloned());
                    path = RawPath {
                        segments,
                        leading_colon: ty.leading_colon,
                    };
                }
                // `Self::f` in a trait: the trait's method, on every impl.
                None => match &f.trait_ {
                    Some(tr) => receiver = RawReceiver::Type(RawType::Bounds(vec![tr.clone()])),
                    None => return,
                },
            }
        }
        let closure = f.closure_depth > 0;
        f.calls.push(PendingCall {
            kind,
            path: Some(path),
            name,
            receiver,
            arity: u32::try_from(arity).unwrap_or(u32::MAX),
            closure,
            line: line_of(span::path_start(syn_path)),
        });
    }

    /// A function passed as an argument: `.map(slugify)`, `.map_ok(Item::into_dto)`.
    fn fn_value(&mut self, arg: &Expr) {
        let Expr::Path(p) = arg else {
            return;
        };
        if p.qself.is_some() || self.handlers.contains(&key(self.tree, p)) {
            return;
        }
        let path = raw_path(&p.path);
        if path.segments.first().is_some_and(|s| s == "self") && path.segments.len() == 1 {
            return;
        }
        self.path_call(path, CallKind::FnValue, 0, &p.path);
    }

    fn receiver(&self, expr: &Expr) -> RawReceiver {
        let Some(f) = self.stack.last() else {
            return RawReceiver::Unknown;
        };
        match expr {
            Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p
                    .path
                    .segments
                    .first()
                    .map(|s| ident(&s.ident))
                    .unwrap_or_default();
                if name == "self" {
                    return RawReceiver::SelfValue;
                }
                match f.bindings.iter().rev().find(|(n, _)| *n == name) {
                    Some((_, Some(ty))) => RawReceiver::Type(ty.clone()),
                    _ => RawReceiver::Unknown,
                }
            }
            Expr::Field(field) => {
                let syn::Member::Named(member) = &field.member else {
                    return RawReceiver::Unknown;
                };
                match self.receiver(&field.base) {
                    RawReceiver::SelfValue => match &f.self_ty {
                        Some(ty) => RawReceiver::Field(ty.clone(), ident(member)),
                        None => RawReceiver::Unknown,
                    },
                    RawReceiver::Type(RawType::Path(ty)) => RawReceiver::Field(ty, ident(member)),
                    _ => RawReceiver::Unknown,
                }
            }
            Expr::Reference(r) => self.receiver(&r.expr),
            Expr::Paren(p) => self.receiver(&p.expr),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.receiver(&u.expr),
            // Literals and macro results (`format!(..)`) are std values.
            Expr::Lit(_) | Expr::Macro(_) => RawReceiver::Type(RawType::Path(RawPath {
                segments: vec![Name::from("std")],
                leading_colon: true,
            })),
            other => match constructed(other) {
                Some(ty) => RawReceiver::Type(ty),
                None => RawReceiver::Unknown,
            },
        }
    }

    /// Reads a router chain whose outermost call is `top`; `None` when it is not
    /// one. `top_level`: the chain stands alone (else it is inside another chain,
    /// which already decided it is a router).
    fn router(&mut self, top: &ExprMethodCall, module: &str, top_level: bool) -> Option<u32> {
        let mut chain = vec![top];
        let mut base = &*top.receiver;
        while let Expr::MethodCall(m) = base {
            chain.push(m);
            base = &m.receiver;
        }
        chain.reverse();
        let routes = chain.iter().any(|m| {
            matches!(
                m.method.to_string().as_str(),
                "route"
                    | "nest"
                    | "merge"
                    | "fallback"
                    | "nest_service"
                    | "route_service"
                    | "service"
            )
        });
        let layers = chain.iter().any(|m| {
            matches!(
                m.method.to_string().as_str(),
                "layer" | "route_layer" | "with_state" | "wrap"
            )
        });
        let (framework, prefix, base_ref, ctor) = match base {
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => {
                    let segs: Vec<Name> = p.path.segments.iter().map(|s| ident(&s.ident)).collect();
                    let last = segs.last().map(Name::as_str).unwrap_or("");
                    let before = segs.len().checked_sub(2).and_then(|i| segs.get(i));
                    match (last, before.map(Name::as_str)) {
                        ("new", Some("Router")) => (Framework::Axum, None, None, true),
                        ("new", Some("App")) => (Framework::Actix, None, None, true),
                        ("scope" | "resource", _) if segs.len() <= 2 => (
                            Framework::Actix,
                            c.args.first().and_then(lit_str),
                            None,
                            true,
                        ),
                        ("new" | "default", _) => (Framework::Axum, None, None, false),
                        _ => (Framework::Axum, None, Some(RouterRef::Call(segs)), false),
                    }
                }
                _ => (Framework::Axum, None, None, false),
            },
            Expr::Path(p) if p.path.segments.len() == 1 && p.qself.is_none() => {
                let name = p
                    .path
                    .segments
                    .first()
                    .map(|s| ident(&s.ident))
                    .unwrap_or_default();
                (Framework::Axum, None, Some(RouterRef::Local(name)), false)
            }
            _ => (Framework::Axum, None, None, false),
        };
        // `Router::new()..`, `web::scope("/p")..`, or a router held in a local or
        // returned by a function, then routes or layers; not `ServiceBuilder::new()`.
        let is_router = !top_level
            || match (&base_ref, ctor) {
                (_, true) | (Some(_), _) => routes || layers,
                (None, false) => false,
            };
        if !is_router {
            // The links below `top` are not routers either: a shorter chain on the
            // same base, with fewer of the methods that make one.
            let tree = self.tree;
            self.plain.extend(
                chain
                    .iter()
                    .filter(|m| !std::ptr::eq(**m, top))
                    .map(|m| key(tree, *m)),
            );
            return None;
        }
        let owner = self
            .stack
            .last()
            .map(|f| f.facts.path.clone())
            .unwrap_or_default();
        let binding = match &self.binding {
            Some((a, name)) if *a == key(self.tree, top) => Some(name.clone()),
            _ => None,
        };
        for m in &chain {
            self.consumed.insert(key(self.tree, *m));
        }
        let actix = framework == Framework::Actix
            || chain
                .iter()
                .any(|m| m.method == "service" || m.method == "wrap" || m.method == "to");
        let mut items = Vec::new();
        for m in &chain {
            let method = m.method.to_string();
            let mut args = m.args.iter();
            let line = line_of(m.method.span());
            match method.as_str() {
                "route" => {
                    let (path, handlers) = match (args.next(), args.next()) {
                        (Some(p), Some(h)) => (lit_str(p).unwrap_or_default(), h),
                        (Some(h), None) => (Name::default(), h),
                        _ => continue,
                    };
                    let handlers = self.method_router(handlers, line);
                    items.push(RouterItem::Route {
                        path,
                        handlers,
                        line,
                    });
                }
                "to" => {
                    if let Some(h) = args.next().and_then(|h| self.handler("ANY", h, line)) {
                        items.push(RouterItem::Route {
                            path: Name::default(),
                            handlers: vec![h],
                            line,
                        });
                    }
                }
                "nest" | "nest_service" => {
                    let (Some(p), Some(r)) = (args.next(), args.next()) else {
                        continue;
                    };
                    if let Some(router) = self.router_ref(r, module) {
                        items.push(RouterItem::Nest {
                            prefix: lit_str(p).unwrap_or_default(),
                            router,
                        });
                    }
                }
                "merge" | "service" | "configure" => {
                    let Some(r) = args.next() else { continue };
                    if matches!(r, Expr::Path(_)) && method == "service" {
                        continue;
                    }
                    if let Some(router) = self.router_ref(r, module) {
                        items.push(if method == "merge" {
                            RouterItem::Merge { router }
                        } else {
                            RouterItem::Nest {
                                prefix: Name::default(),
                                router,
                            }
                        });
                    }
                }
                "fallback" | "method_not_allowed_fallback" | "default_service" => {
                    if let Some(handler) = args.next().and_then(|h| self.handler("ANY", h, line)) {
                        let what = method.replace('_', " ");
                        items.push(RouterItem::Fallback {
                            handler,
                            what: what.into(),
                            line,
                        });
                    }
                }
                "layer" | "route_layer" | "wrap" => {
                    let Some(arg) = args.next() else { continue };
                    let local_catch = match arg {
                        Expr::Path(p) => p.path.get_ident().is_some_and(|i| {
                            self.stack
                                .last()
                                .is_some_and(|f| f.catch_locals.iter().any(|c| i == c))
                        }),
                        _ => false,
                    };
                    let mut finder = Middleware::default();
                    finder.visit_expr(arg);
                    let mut middleware = Vec::new();
                    for path in finder.functions {
                        self.handlers.insert(key(self.tree, path));
                        middleware.push(Handler {
                            method: Name::from("MIDDLEWARE"),
                            path: raw_path(&path.path).segments,
                            scope: Scope::Unknown,
                            line,
                        });
                    }
                    items.push(RouterItem::Layer {
                        catches: finder.catches || local_catch,
                        middleware,
                    });
                }
                _ => {}
            }
        }
        let index = u32::try_from(self.routers.len()).unwrap_or(u32::MAX);
        self.routers.push((
            Name::from(module),
            RouterFacts {
                owner,
                line: line_of(top.method.span()),
                framework: if actix {
                    Framework::Actix
                } else {
                    Framework::Axum
                },
                binding,
                prefix,
                base: base_ref,
                items,
            },
        ));
        Some(index)
    }

    fn router_ref(&mut self, expr: &Expr, module: &str) -> Option<RouterRef> {
        match expr {
            Expr::Path(p) if p.path.segments.len() == 1 => Some(RouterRef::Local(
                p.path.segments.first().map(|s| ident(&s.ident))?,
            )),
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let segs: Vec<Name> = p.path.segments.iter().map(|s| ident(&s.ident)).collect();
                let last = segs.last()?.as_str();
                if matches!(last, "scope" | "resource") || (last == "new" && segs.len() >= 2) {
                    // An empty router or scope: nothing to route.
                    return None;
                }
                Some(RouterRef::Call(segs))
            }
            Expr::MethodCall(m) => self.router(m, module, false).map(RouterRef::Inline),
            Expr::Paren(p) => self.router_ref(&p.expr, module),
            _ => None,
        }
    }

    /// `get(h).post(g)` (axum) or `web::get().to(h)` (actix).
    fn method_router(&mut self, expr: &Expr, line: u32) -> Vec<Handler> {
        match expr {
            Expr::MethodCall(m) => {
                self.consumed.insert(key(self.tree, m));
                let name = m.method.to_string();
                if name == "to" {
                    let method = match &*m.receiver {
                        Expr::Call(c) => match &*c.func {
                            Expr::Path(p) => p
                                .path
                                .segments
                                .last()
                                .map(|s| s.ident.to_string())
                                .filter(|s| HTTP_METHODS.contains(&s.as_str()))
                                .unwrap_or_else(|| "any".to_owned()),
                            _ => "any".to_owned(),
                        },
                        _ => "any".to_owned(),
                    };
                    return m
                        .args
                        .first()
                        .and_then(|h| self.handler(&method, h, line))
                        .into_iter()
                        .collect();
                }
                let mut out = self.method_router(&m.receiver, line);
                if HTTP_METHODS.contains(&name.as_str()) {
                    out.extend(m.args.first().and_then(|h| self.handler(&name, h, line)));
                }
                out
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else {
                    return Vec::new();
                };
                let Some(method) = p.path.segments.last().map(|s| s.ident.to_string()) else {
                    return Vec::new();
                };
                if !HTTP_METHODS.contains(&method.as_str()) {
                    return Vec::new();
                }
                c.args
                    .first()
                    .and_then(|h| self.handler(&method, h, line))
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    fn handler(&mut self, method: &str, expr: &Expr, line: u32) -> Option<Handler> {
        let Expr::Path(p) = expr else {
            return None;
        };
        self.handlers.insert(key(self.tree, p));
        Some(Handler {
            method: method.to_uppercase().into(),
            path: raw_path(&p.path).segments,
            scope: Scope::Unknown,
            line,
        })
    }

    /// Resolves everything against the file's scopes.
    pub fn finish(self, facts: &FactsBuilder) -> CallFacts {
        let resolve = |module: &str, path: &RawPath| -> (Vec<Name>, Scope) {
            match facts.resolve_call_path(module, path) {
                Some((target, true)) => (target, Scope::Resolved),
                Some((target, false)) => (target, Scope::Unknown),
                None => (path.segments.clone(), Scope::Unknown),
            }
        };
        let ty = |module: &str, t: &RawType| match t {
            RawType::Path(p) => TypeRef::Path(resolve(module, p).0),
            RawType::Bounds(b) => TypeRef::Bounds(b.iter().map(|p| resolve(module, p).0).collect()),
        };
        let mut fns = Vec::with_capacity(self.done.len());
        for f in self.done {
            let module = f.facts.module.clone();
            let m = module.as_str();
            let mut facts_of = f.facts;
            facts_of.self_ty = f.self_ty.as_ref().map(|p| resolve(m, p).0);
            facts_of.trait_ = f.trait_.as_ref().map(|p| resolve(m, p).0);
            facts_of.params = f.params.iter().map(|p| resolve(m, p).0).collect();
            facts_of.returns = f.returns.iter().map(|p| resolve(m, p).0).collect();
            facts_of.calls = f
                .calls
                .into_iter()
                .map(|c| {
                    let (path, scope) = match &c.path {
                        Some(p) => resolve(m, p),
                        None => (Vec::new(), Scope::Resolved),
                    };
                    Call {
                        kind: c.kind,
                        path,
                        name: c.name,
                        receiver: match c.receiver {
                            RawReceiver::None => Receiver::None,
                            RawReceiver::SelfValue => Receiver::SelfValue,
                            RawReceiver::Type(t) => match ty(m, &t) {
                                TypeRef::Path(p) => Receiver::Typed(p),
                                TypeRef::Bounds(b) => Receiver::Bounds(b),
                            },
                            RawReceiver::Field(base, field) => Receiver::Field {
                                ty: resolve(m, &base).0,
                                field,
                            },
                            RawReceiver::Unknown => Receiver::Unknown,
                        },
                        scope,
                        arity: c.arity,
                        closure: c.closure,
                        line: c.line,
                    }
                })
                .collect();
            fns.push(facts_of);
        }
        let structs = self
            .structs
            .iter()
            .map(|(module, name, fields)| {
                let mut path: Vec<Name> = module.split("::").map(Name::from).collect();
                path.push(name.clone());
                StructFacts {
                    path,
                    fields: fields
                        .iter()
                        .map(|(n, t)| (n.clone(), ty(module, t)))
                        .collect(),
                }
            })
            .collect();
        let raw = |segments: &[Name]| RawPath {
            segments: segments.to_vec(),
            leading_colon: false,
        };
        let routers = self
            .routers
            .into_iter()
            .map(|(module, mut r)| {
                let fix = |h: &mut Handler| {
                    let (path, scope) = resolve(&module, &raw(&h.path));
                    h.path = path;
                    h.scope = scope;
                };
                let fix_ref = |r: &mut RouterRef| {
                    if let RouterRef::Call(p) = r {
                        *p = resolve(&module, &raw(p)).0;
                    }
                };
                if let Some(b) = &mut r.base {
                    fix_ref(b);
                }
                for item in &mut r.items {
                    match item {
                        RouterItem::Route { handlers, .. } => handlers.iter_mut().for_each(fix),
                        RouterItem::Fallback { handler, .. } => fix(handler),
                        RouterItem::Nest { router, .. } | RouterItem::Merge { router } => {
                            fix_ref(router)
                        }
                        RouterItem::Layer { middleware, .. } => middleware.iter_mut().for_each(fix),
                    }
                }
                r
            })
            .collect();
        let globs = self
            .globs
            .iter()
            .map(|(module, path)| (module.clone(), resolve(module, path).0))
            .collect();
        CallFacts {
            fns,
            structs,
            routers,
            globs,
        }
    }
}

/// Generic parameters with their bounds, `where` clauses included.
fn generics_of(generics: &syn::Generics) -> Vec<(Name, Vec<RawPath>)> {
    let mut out: Vec<(Name, Vec<RawPath>)> = generics
        .type_params()
        .map(|t| (ident(&t.ident), bounds(t.bounds.iter())))
        .collect();
    if let Some(clause) = &generics.where_clause {
        for pred in &clause.predicates {
            let syn::WherePredicate::Type(pred) = pred else {
                continue;
            };
            let syn::Type::Path(p) = &pred.bounded_ty else {
                continue;
            };
            let Some(name) = p.path.get_ident().map(ident) else {
                continue;
            };
            if let Some((_, b)) = out.iter_mut().find(|(n, _)| *n == name) {
                b.extend(bounds(pred.bounds.iter()));
            }
        }
    }
    out
}

fn bounds<'a>(bounds: impl Iterator<Item = &'a syn::TypeParamBound>) -> Vec<RawPath> {
    bounds
        .filter_map(|b| match b {
            syn::TypeParamBound::Trait(t) => Some(raw_path(&t.path)),
            _ => None,
        })
        .collect()
}

/// What a written type is for a method call on a value of it.
fn raw_type(ty: &syn::Type, generics: &[(Name, Vec<RawPath>)]) -> Option<RawType> {
    match ty {
        syn::Type::Reference(r) => raw_type(&r.elem, generics),
        syn::Type::Paren(p) => raw_type(&p.elem, generics),
        syn::Type::Group(g) => raw_type(&g.elem, generics),
        syn::Type::TraitObject(t) => Some(RawType::Bounds(bounds(t.bounds.iter()))),
        syn::Type::ImplTrait(t) => Some(RawType::Bounds(bounds(t.bounds.iter()))),
        syn::Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            let name = ident(&last.ident);
            if p.path.segments.len() == 1 {
                if let Some((_, b)) = generics.iter().find(|(g, _)| *g == name) {
                    return Some(RawType::Bounds(b.clone()));
                }
            }
            if WRAPPERS.contains(&name.as_str()) {
                if let Some(inner) = first_type_arg(last) {
                    return raw_type(inner, generics);
                }
            }
            Some(RawType::Path(raw_path(&p.path)))
        }
        _ => None,
    }
}

fn first_type_arg(segment: &syn::PathSegment) -> Option<&syn::Type> {
    let syn::PathArguments::AngleBracketed(args) = &segment.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// Binds a parameter's names: `x: T`, and `State(x): State<T>` (an extractor
/// pattern binds the wrapped value).
fn bind_param(
    pat: &syn::Pat,
    ty: &syn::Type,
    whole: Option<RawType>,
    generics: &[(Name, Vec<RawPath>)],
    out: &mut Vec<(Name, Option<RawType>)>,
) {
    match pat {
        syn::Pat::Ident(p) => out.push((ident(&p.ident), whole)),
        syn::Pat::TupleStruct(ts) if ts.elems.len() == 1 => {
            let inner = match ty {
                syn::Type::Path(p) => p
                    .path
                    .segments
                    .last()
                    .and_then(first_type_arg)
                    .and_then(|t| raw_type(t, generics)),
                _ => None,
            };
            if let Some(syn::Pat::Ident(p)) = ts.elems.first() {
                out.push((ident(&p.ident), inner));
            }
        }
        _ => {}
    }
}

/// The type of a value built as `Type::new(..)`, `Type::f(..)` or `Type { .. }`.
fn constructed(expr: &Expr) -> Option<RawType> {
    match expr {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let n = p.path.segments.len();
            let ty = p.path.segments.iter().nth(n.checked_sub(2)?)?;
            if !starts_upper(&ty.ident.to_string()) {
                return None;
            }
            let mut path = raw_path(&p.path);
            path.segments.pop();
            Some(RawType::Path(path))
        }
        Expr::Struct(s) => Some(RawType::Path(raw_path(&s.path))),
        Expr::Try(t) => constructed(&t.expr),
        Expr::Paren(p) => constructed(&p.expr),
        _ => None,
    }
}

fn lit_str(expr: &Expr) -> Option<Name> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value().into()),
        _ => None,
    }
}

/// `#[get("/path")]`, `#[post(..)]`, `#[route("/p", method = "GET")]` (actix-web).
fn route_attrs(attrs: &[syn::Attribute]) -> Vec<(Name, Name)> {
    let mut out = Vec::new();
    for attr in attrs {
        let Some(name) = attr.path().segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let is_method = HTTP_METHODS.contains(&name.as_str()) && name != "any";
        if !is_method && name != "route" {
            continue;
        }
        let Ok(args) = attr.parse_args_with(Punctuated::<Expr, Token![,]>::parse_terminated) else {
            continue;
        };
        let Some(path) = args.first().and_then(lit_str) else {
            continue;
        };
        if is_method {
            out.push((name.to_uppercase().into(), path));
            continue;
        }
        let mut methods: Vec<Name> = args
            .iter()
            .filter_map(|a| match a {
                Expr::Assign(a) if matches!(&*a.left, Expr::Path(p) if p.path.is_ident("method")) => {
                    lit_str(&a.right)
                }
                _ => None,
            })
            .collect();
        if methods.is_empty() {
            methods.push(Name::from("ANY"));
        }
        out.extend(
            methods
                .into_iter()
                .map(|m| (m.to_uppercase().into(), path.clone())),
        );
    }
    out
}

/// Whether an expression builds a layer that catches panics.
fn catches(expr: &Expr) -> bool {
    let mut finder = Middleware::default();
    finder.visit_expr(expr);
    finder.catches
}

/// Finds `CatchPanicLayer` (tower-http) and the functions of
/// `middleware::from_fn(f)`-style layers in a layer expression. Closures and blocks
/// are not entered.
#[derive(Default)]
struct Middleware<'a> {
    catches: bool,
    functions: Vec<&'a syn::ExprPath>,
}

impl<'a> Visit<'a> for Middleware<'a> {
    fn visit_path(&mut self, path: &'a syn::Path) {
        if path
            .segments
            .iter()
            .any(|s| s.ident == "CatchPanicLayer" || s.ident == "catch_panic")
        {
            self.catches = true;
        }
        visit::visit_path(self, path);
    }

    fn visit_expr_call(&mut self, call: &'a ExprCall) {
        let from_fn = matches!(&*call.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| {
            let s = s.ident.to_string();
            s.starts_with("from_fn") || s == "map_request" || s == "map_response" || s == "from_extractor"
        }));
        if from_fn {
            if let Some(Expr::Path(f)) = call.args.last() {
                self.functions.push(f);
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    fn visit_block(&mut self, _: &'a syn::Block) {}
}
