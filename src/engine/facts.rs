//! Gathers a file's [`Facts`] during the one visit.
//!
//! Paths are resolved as far as the file alone allows (`crate::`, `self::`,
//! `super::`, child modules, `use` imports); following re-exports across files
//! is the workspace view's job ([`crate::api::view`]).

use foldhash::{HashMap, HashSet};

use proc_macro2::Span as TokenSpan;
use smol_str::ToSmolStr;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Attribute, Item, Token};

use crate::api::facts::{
    Facts, ModuleFacts, ParamType, PublicFn, RawPath, RefKind, Reference, Runtime,
};
use crate::api::{span, Name, Span};
use crate::engine::lint_attrs::mentions;

/// The names a module's code can use without a path prefix.
#[derive(Debug, Default)]
struct Scope {
    /// `use` imports: the name and the path it stands for (first segment unresolved).
    imports: HashMap<Name, RawPath>,
    /// Items and child modules defined here.
    items: HashSet<Name>,
    /// Imports that were not themselves reported (`extern crate self as y`): paths
    /// through them are references of their own.
    unreported: HashSet<Name>,
}

/// A path waiting for the whole file to be seen (items and `use`s may come later).
#[derive(Debug)]
struct Pending {
    module: Name,
    path: RawPath,
    span: Span,
    kind: RefKind,
    group: Option<u32>,
    /// How the reference reads in messages, when not as its path (`extern crate x`).
    written: Option<Name>,
}

#[derive(Debug)]
struct PendingFn {
    module: Name,
    name: Name,
    params: Vec<(RawPath, Span, u32)>,
}

/// What [`FactsBuilder::enter_type`] opened, for [`FactsBuilder::exit_type`].
#[must_use]
pub struct TypeGroup(Option<Option<u32>>);

/// Gathers [`Facts`] while the checker walks a file.
#[derive(Debug, Default)]
pub struct FactsBuilder {
    crate_name: Name,
    library: Option<Name>,
    scopes: HashMap<Name, Scope>,
    modules: Vec<ModuleFacts>,
    pending: Vec<Pending>,
    reexports: Vec<(Name, Name, RawPath)>,
    glob_reexports: Vec<(Name, RawPath)>,
    deserialize: Vec<(Name, RawPath)>,
    fns: Vec<PendingFn>,
    /// The group that references go into now (see [`FactsBuilder::open_group`]).
    group: Option<u32>,
    groups: u32,
    pub runtime: Runtime,
}

impl FactsBuilder {
    /// The crate name of the file's package library, when it has one.
    pub fn library(&self) -> Option<&str> {
        self.library.as_deref()
    }

    pub fn new(module_path: &str, library: Option<&str>) -> FactsBuilder {
        let mut builder = FactsBuilder {
            library: library.map(Name::from),
            crate_name: module_path
                .split("::")
                .next()
                .unwrap_or_default()
                .to_owned()
                .into(),
            ..FactsBuilder::default()
        };
        builder.enter_module(&Name::from(module_path));
        builder
    }

    pub fn enter_module(&mut self, module: &Name) {
        self.scopes.entry(module.clone()).or_default();
        if !self.modules.iter().any(|m| m.path == *module) {
            self.modules.push(ModuleFacts {
                path: module.clone(),
                ..ModuleFacts::default()
            });
        }
    }

    pub fn item(&mut self, module: &Name, name: Name) {
        match self.scopes.get_mut(module) {
            Some(scope) => {
                scope.items.insert(name);
            }
            None => {
                let mut scope = Scope::default();
                scope.items.insert(name);
                self.scopes.insert(module.clone(), scope);
            }
        }
    }

    /// A `use` leaf: `name` is the imported name (`None` for `_`), `glob` for `*`.
    pub fn import(&mut self, module: &Name, path: RawPath, name: Option<Name>, public: bool) {
        match name {
            Some(name) => {
                if public {
                    self.reexports
                        .push((module.clone(), name.clone(), path.clone()));
                }
                self.scopes
                    .entry(module.clone())
                    .or_default()
                    .imports
                    .insert(name, path);
            }
            None if public => self.glob_reexports.push((module.clone(), path)),
            None => {}
        }
    }

    pub fn reference(&mut self, module: &Name, path: RawPath, span: Span, kind: RefKind) {
        let group = match kind {
            // The leaves of one `use` item come one after another and share its start.
            RefKind::Use => match self.pending.last() {
                Some(last)
                    if last.kind == RefKind::Use
                        && last.span.start == span.start
                        && last.module == *module =>
                {
                    last.group
                }
                _ => Some(self.new_group()),
            },
            RefKind::Path => self.group,
        };
        self.pending.push(Pending {
            module: module.clone(),
            path,
            span,
            kind,
            group,
            written: None,
        });
    }

    fn new_group(&mut self) -> u32 {
        self.groups = self.groups.wrapping_add(1);
        self.groups
    }

    /// Starts a group: the paths referenced until [`FactsBuilder::close_group`] are
    /// one finding (one function parameter, one `derive` attribute). Returns the
    /// group that was open, for `close_group`.
    pub fn open_group(&mut self) -> Option<u32> {
        let group = Some(self.new_group());
        std::mem::replace(&mut self.group, group)
    }

    pub fn close_group(&mut self, outer: Option<u32>) {
        self.group = outer;
    }

    /// A type begins: outside any group, its paths (with the types inside it) are one
    /// finding (`-> Result<sqlx::Pool, sqlx::Error>`). Give the result to `exit_type`.
    pub fn enter_type(&mut self) -> TypeGroup {
        TypeGroup(self.group.is_none().then(|| self.open_group()))
    }

    pub fn exit_type(&mut self, group: TypeGroup) {
        if let TypeGroup(Some(outer)) = group {
            self.close_group(outer);
        }
    }

    /// `extern crate x;`, `extern crate x as y;`, `extern crate self as y;`: the item
    /// names crate `x` (a reference, reported here), and `y` stands for it in this
    /// module (and, at a crate root, in the whole crate: the workspace view knows).
    pub fn extern_crate(&mut self, module: &Name, item: &syn::ItemExternCrate) {
        let ident = ident_name(&item.ident);
        let is_self = ident == "self";
        let Some(name) = item
            .rename
            .as_ref()
            .map(|(_, r)| ident_name(r))
            .or_else(|| (!is_self).then(|| ident.clone()))
        else {
            return;
        };
        if name == "_" {
            return;
        }
        let (krate, path) = if is_self {
            let path = RawPath {
                segments: vec![Name::from("crate")],
                leading_colon: false,
            };
            (self.crate_name.clone(), path)
        } else {
            let path = RawPath {
                segments: vec![ident.clone()],
                leading_colon: true,
            };
            let end = item
                .rename
                .as_ref()
                .map_or(item.ident.span(), |(_, r)| r.span());
            let written = match &item.rename {
                Some(_) => format!("extern crate {ident} as {name}"),
                None => format!("extern crate {ident}"),
            };
            let group = Some(self.new_group());
            self.pending.push(Pending {
                module: module.clone(),
                path: path.clone(),
                span: span::between(item.extern_token.span, end),
                kind: RefKind::Use,
                group,
                written: Some(written.into()),
            });
            (ident, path)
        };
        self.enter_module(module);
        if let Some(m) = self.modules.iter_mut().find(|m| m.path == *module) {
            m.extern_crates.push((name.clone(), krate));
        }
        if is_self {
            if let Some(scope) = self.scopes.get_mut(module) {
                scope.unreported.insert(name.clone());
            }
        }
        self.import(module, path, Some(name), false);
    }

    /// A macro item: a `#[macro_export] macro_rules!` lives at the crate root.
    pub fn item_macro(&mut self, module: &Name, item: &syn::ItemMacro) {
        let Some(ident) = &item.ident else {
            return;
        };
        if !item.attrs.iter().any(|a| a.path().is_ident("macro_export")) {
            return;
        }
        let name = ident_name(ident);
        self.enter_module(module);
        if let Some(m) = self.modules.iter_mut().find(|m| m.path == *module) {
            if !m.exported_macros.contains(&name) {
                m.exported_macros.push(name);
            }
        }
    }

    pub fn deserialize_type(&mut self, module: &Name, path: RawPath) {
        self.deserialize.push((module.clone(), path));
    }

    pub fn public_fn(&mut self, module: &Name, name: Name, params: Vec<(RawPath, Span, u32)>) {
        self.fns.push(PendingFn {
            module: module.clone(),
            name,
            params,
        });
    }

    /// Resolves everything the file alone can resolve.
    pub fn finish(mut self) -> Facts {
        let mut references = Vec::with_capacity(self.pending.len());
        for p in std::mem::take(&mut self.pending) {
            // `self::name` is `name`.
            let through = match p.path.segments.as_slice() {
                [first, second, ..] if first == "self" => Some(second),
                segments => segments.first(),
            };
            let imported = through.is_some_and(|name| {
                self.is_imported(&p.module, name)
                    && !self
                        .scopes
                        .get(&p.module)
                        .is_some_and(|s| s.unreported.contains(name))
            });
            // A path through an imported name was reported at its `use`.
            if p.kind == RefKind::Path && imported && !p.path.leading_colon {
                continue;
            }
            if let Some((target, external)) = self.resolve(&p.module, &p.path) {
                references.push(Reference {
                    module: p.module,
                    target,
                    external,
                    written: p.written.unwrap_or_else(|| p.path.written().into()),
                    span: p.span,
                    kind: p.kind,
                    group: p.group,
                });
            }
        }
        for (module, name, path) in std::mem::take(&mut self.reexports) {
            if let Some((target, _)) = self.resolve(&module, &path) {
                if let Some(m) = self.modules.iter_mut().find(|m| m.path == module) {
                    m.reexports.push((name, target));
                }
            }
        }
        for (module, path) in std::mem::take(&mut self.glob_reexports) {
            if let Some((target, _)) = self.resolve(&module, &path) {
                if let Some(m) = self.modules.iter_mut().find(|m| m.path == module) {
                    m.glob_reexports.push(target);
                }
            }
        }
        let deserialize_types = std::mem::take(&mut self.deserialize)
            .into_iter()
            .filter_map(|(module, path)| self.resolve_name(&module, &path))
            .collect();
        let public_fns = std::mem::take(&mut self.fns)
            .into_iter()
            .map(|f| PublicFn {
                params: f
                    .params
                    .iter()
                    .filter_map(|(path, span, param)| {
                        Some(ParamType {
                            target: self.resolve_name(&f.module, path)?,
                            written: path.written().into(),
                            span: *span,
                            param: *param,
                        })
                    })
                    .collect(),
                module: f.module,
                name: f.name,
            })
            .collect();
        // Each module's items, sorted so that summaries are deterministic.
        for module in &mut self.modules {
            if let Some(scope) = self.scopes.get_mut(&module.path) {
                let mut items: Vec<Name> = std::mem::take(&mut scope.items).into_iter().collect();
                items.sort_unstable();
                module.items = items;
            }
        }
        Facts {
            modules: self.modules,
            references,
            deserialize_types,
            public_fns,
            runtime: self.runtime,
        }
    }

    fn is_imported(&self, module: &str, name: &str) -> bool {
        self.scopes
            .get(module)
            .is_some_and(|s| s.imports.contains_key(name) && !s.items.contains(name))
    }

    /// Resolves a path that may be a single name (a type named in a signature):
    /// imported names are followed through their `use`.
    fn resolve_name(&self, module: &str, path: &RawPath) -> Option<Vec<Name>> {
        let first = path.segments.first()?;
        if !path.leading_colon && self.is_imported(module, first) {
            let import = self.scopes.get(module)?.imports.get(first)?;
            let mut joined = import.clone();
            joined
                .segments
                .extend(path.segments.iter().skip(1).cloned());
            return self.resolve(module, &joined).map(|(t, _)| t);
        }
        self.resolve(module, path).map(|(t, _)| t)
    }

    /// `crate::`, `self::`, `super::`, a child item, an import, or a crate name.
    fn resolve(&self, module: &str, path: &RawPath) -> Option<(Vec<Name>, bool)> {
        self.resolve_at(module, path, 0)
    }

    fn resolve_at(&self, module: &str, path: &RawPath, depth: u8) -> Option<(Vec<Name>, bool)> {
        // `use a as b; use b as a;` must not loop.
        if depth > 8 {
            return None;
        }
        let mut segments = path.segments.iter();
        let first = segments.next()?;
        if path.leading_colon {
            return Some((path.segments.clone(), true));
        }
        let module_segments = || module.split("::").map(Name::from);
        let (mut target, external): (Vec<Name>, bool) = match first.as_str() {
            "crate" | "$crate" => (vec![self.crate_name.clone()], false),
            "self" => (module_segments().collect(), false),
            "super" => {
                let mut base: Vec<Name> = module_segments().collect();
                base.pop();
                let mut rest = segments.clone().peekable();
                while rest.peek().is_some_and(|s| s.as_str() == "super") {
                    base.pop();
                    rest.next();
                    segments.next();
                }
                (base, false)
            }
            "Self" => return None,
            name => {
                let scope = self.scopes.get(module);
                if scope.is_some_and(|s| s.items.contains(name)) {
                    let mut base: Vec<Name> = module_segments().collect();
                    base.push(Name::from(name));
                    (base, false)
                } else if let Some(import) = scope.and_then(|s| s.imports.get(name)) {
                    // `use a::b; b::c` in a `use` stands for `a::b::c`.
                    if import.segments.first().map(Name::as_str) == Some(name)
                        && import.segments.len() == 1
                    {
                        (vec![Name::from(name)], true)
                    } else {
                        let (base, external) = self.resolve_at(module, import, depth + 1)?;
                        (base, external)
                    }
                } else {
                    (vec![Name::from(name)], true)
                }
            }
        };
        target.extend(segments.cloned());
        Some((target, external))
    }
}

/// For the call graph (`engine::calls`): lookups in the file's scopes.
impl FactsBuilder {
    /// A path resolved as far as the file allows (imported names followed), and
    /// whether its first segment names something the file knows (an item, an
    /// import, `crate`/`self`/`super`, or a leading `::`).
    pub fn resolve_call_path(&self, module: &str, path: &RawPath) -> Option<(Vec<Name>, bool)> {
        let first = path.segments.first()?;
        let known = path.leading_colon
            || matches!(first.as_str(), "crate" | "$crate" | "self" | "super")
            || self
                .scopes
                .get(module)
                .is_some_and(|s| s.items.contains(first) || s.imports.contains_key(first));
        Some((self.resolve_name(module, path)?, known))
    }
}

// Reading facts from syntax: helpers for the checker's visit.

/// An identifier as written, without `r#`: `IdentExt::unraw` would copy the
/// identifier before it is made a string.
pub(crate) fn ident_name(ident: &syn::Ident) -> Name {
    // Written straight into the name, inline when short: no String on the way.
    let name = ident.to_smolstr();
    match name.strip_prefix("r#") {
        Some(unraw) => Name::new(unraw),
        None => name,
    }
}

pub(crate) fn raw_path(path: &syn::Path) -> RawPath {
    RawPath {
        segments: path.segments.iter().map(|s| s.ident.to_smolstr()).collect(),
        leading_colon: path.leading_colon.is_some(),
    }
}

/// Every path in the types it is given, with its span (`Json<CreateUser>` gives
/// both) and which of the types (0-based) it is in: each call of `visit_type` from
/// outside is one parameter's type.
#[derive(Default)]
pub(crate) struct TypePaths<'ast> {
    pub(crate) found: Vec<(RawPath, Span, u32)>,
    /// Types visited from outside so far.
    types: u32,
    depth: u32,
    /// The ends of the paths passed so far: a path nested in the return type of
    /// another (`impl Fn() -> impl Fn() -> ..`) ends where it does, found once.
    ends: span::PathEnds<'ast>,
}

impl<'ast> Visit<'ast> for TypePaths<'ast> {
    fn visit_type(&mut self, ty: &'ast syn::Type) {
        if self.depth == 0 {
            self.types = self.types.saturating_add(1);
        }
        self.depth += 1;
        visit::visit_type(self, ty);
        self.depth -= 1;
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let span = span::between(span::path_start(path), self.ends.end(path));
        let param = self.types.saturating_sub(1);
        self.found.push((raw_path(path), span, param));
        visit::visit_path(self, path);
    }
}

pub(crate) fn derives_deserialize(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter(|a| matches!(&a.meta, syn::Meta::List(l) if mentions(&l.tokens, "Deserialize")))
        .any(|a| {
            a.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated)
                .is_ok_and(|paths| {
                    paths
                        .iter()
                        .any(|p| p.segments.last().is_some_and(|s| s.ident == "Deserialize"))
                })
        })
}

/// Crates whose items build a server, and the items that do.
const SERVERS: &[(&str, &[&str])] = &[
    ("axum", &["Router", "serve"]),
    ("actix_web", &["App", "HttpServer"]),
    ("hyper", &["server", "Server"]),
    ("hyper_util", &["server"]),
    ("tonic", &["Server"]),
    ("warp", &["serve"]),
    ("poem", &["Server"]),
    ("rocket", &["build", "custom"]),
    ("salvo", &["Server"]),
];

/// tower-http's `CatchPanicLayer` (axum, tonic, hyper), the `CatchPanic`
/// middleware of poem, salvo and actix-web-lab, and std's `catch_unwind`.
const CATCHERS: [&str; 4] = [
    "catch_unwind",
    "CatchPanicLayer",
    "CatchPanic",
    "catch_panic",
];

/// Whether a path could be evidence for [`runtime_evidence`], without allocating:
/// a server is a crate's item and a hook is `set_hook` in `panic`, so a lone
/// name (most paths) can only be a catcher, and is compared with those alone.
pub(crate) fn may_be_evidence(path: &syn::Path) -> bool {
    let Some(first) = path.segments.first() else {
        return false;
    };
    if path.leading_colon.is_none() && path.segments.len() == 1 {
        return CATCHERS.iter().any(|c| first.ident == c);
    }
    SERVERS.iter().any(|(krate, _)| first.ident == krate)
        || path
            .segments
            .iter()
            .any(|s| s.ident == "set_hook" || CATCHERS.iter().any(|c| s.ident == c))
}

/// Notes paths that serve requests, install a panic hook or catch panics.
pub(crate) fn runtime_evidence(segments: &[Name], span: Span, runtime: &mut Runtime) {
    let has = |name: &str| segments.iter().any(|s| s == name);
    if has("set_hook") && has("panic") {
        runtime.hook = true;
    }
    if CATCHERS.iter().any(|c| has(c)) {
        runtime.catches = true;
    }
    let server = segments.first().and_then(|krate| {
        SERVERS
            .iter()
            .find(|(c, items)| krate == c && items.iter().any(|i| has(i)))
    });
    if let Some((krate, _)) = server {
        if runtime.serves.is_none() {
            runtime.serves = Some(span);
        }
        if !runtime.servers.iter().any(|s| s == krate) {
            runtime.servers.push(Name::from(*krate));
        }
    }
}

pub(crate) enum LeafName {
    Name(Name),
    Glob,
    Underscore,
}

pub(crate) struct UseLeaf {
    pub(crate) segments: Vec<Name>,
    pub(crate) name: LeafName,
    pub(crate) end: TokenSpan,
}

/// Flattens `use a::{b, c::d as e, f::*}` into one leaf per imported path.
pub(crate) fn use_leaves(tree: &syn::UseTree, prefix: &mut Vec<Name>, out: &mut Vec<UseLeaf>) {
    let leaf = |prefix: &[Name], ident: &syn::Ident| {
        let mut segments = prefix.to_vec();
        if ident != "self" {
            segments.push(ident.to_smolstr());
        }
        segments
    };
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_smolstr());
            use_leaves(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let segments = leaf(prefix, &n.ident);
            let name = segments.last().cloned().unwrap_or_default();
            out.push(UseLeaf {
                segments,
                name: LeafName::Name(name),
                end: n.ident.span(),
            });
        }
        syn::UseTree::Rename(r) => out.push(UseLeaf {
            segments: leaf(prefix, &r.ident),
            name: if r.rename == "_" {
                LeafName::Underscore
            } else {
                LeafName::Name(r.rename.to_smolstr())
            },
            end: r.rename.span(),
        }),
        syn::UseTree::Glob(g) => out.push(UseLeaf {
            segments: prefix.clone(),
            name: LeafName::Glob,
            end: g.star_token.span,
        }),
        syn::UseTree::Group(g) => {
            for item in &g.items {
                use_leaves(item, prefix, out);
            }
        }
    }
}

pub(crate) fn use_tree_start(tree: &syn::UseTree) -> TokenSpan {
    match tree {
        syn::UseTree::Path(p) => p.ident.span(),
        syn::UseTree::Name(n) => n.ident.span(),
        syn::UseTree::Rename(r) => r.ident.span(),
        syn::UseTree::Glob(g) => g.star_token.span,
        syn::UseTree::Group(g) => g.brace_token.span.open(),
    }
}

/// The name an item defines in its module.
pub(crate) fn item_name(item: &Item) -> Option<Name> {
    let ident = match item {
        Item::Const(i) => &i.ident,
        Item::Enum(i) => &i.ident,
        Item::Fn(i) => &i.sig.ident,
        Item::Mod(i) => &i.ident,
        Item::Static(i) => &i.ident,
        Item::Struct(i) => &i.ident,
        Item::Trait(i) => &i.ident,
        Item::TraitAlias(i) => &i.ident,
        Item::Type(i) => &i.ident,
        Item::Union(i) => &i.ident,
        Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident_name(ident))
}
