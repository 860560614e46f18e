//! Panic paths: the workspace call graph built from every file's [`CallFacts`]
//! (cached or fresh: nothing is read or parsed here), its entry points (binaries'
//! `main`, HTTP routes, spawned tasks and threads, public functions of libraries
//! no workspace binary uses, configured patterns), and for each entry the
//! shortest chain of calls to each panic site it reaches, with what a panic
//! there takes down.
//!
//! Calls are resolved through the file-level resolution of [`CallFacts`], renamed
//! dependencies and `pub use` re-exports ([`WorkspaceView::follow`]). A method
//! call whose receiver's type the code does not show goes to every workspace
//! method of that name and arity (flagged as an over-approximation); a call on
//! `dyn Trait`, `impl Trait` or a bounded generic goes to every workspace impl.
//! Calls into crates outside the workspace are leaves. Everything is linear in
//! the number of functions and calls, except the search, which is one
//! breadth-first walk per entry over what that entry reaches.

use std::borrow::Cow;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use rayon::prelude::*;

use crate::api::calls::{
    Call, CallFacts, CallKind, FnFacts, FnKind, Framework, Handler, Receiver, RouterFacts,
    RouterItem, RouterRef, Scope, TypeRef,
};
use crate::api::view::WorkspaceView;
use crate::api::{FileId, Name, Pos};
use crate::engine::config::Config;
use crate::engine::model::Workspace;
use crate::engine::tree;
use crate::engine::tree::{TargetRef, Walked};

/// Methods `#[derive(..)]` writes (`Type::default()`): std's traits, not followed.
const DERIVED: &[&str] = &[
    "default",
    "clone",
    "fmt",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "serialize",
    "deserialize",
];
/// A method call whose receiver's type is unknown goes to at most this many
/// same-named workspace methods; beyond that it is counted as ambiguous and not followed.
const MAX_BY_NAME: usize = 8;
/// How deep router nesting is followed (a router that nests itself stops here).
const MAX_NEST: usize = 32;
/// Functions of the prelude and std macros' helpers: calls to them are leaves.
const PRELUDE: &[&str] = &[
    "drop",
    "Some",
    "Ok",
    "Err",
    "Box",
    "Vec",
    "String",
    "Default",
    "From",
    "Into",
    "Option",
    "Result",
    "ToString",
    "ToOwned",
    "Clone",
    "Iterator",
    "IntoIterator",
    "format",
    "panic",
    "identity",
    "size_of",
    "swap",
    "replace",
    "take",
    "min",
    "max",
];

/// What a panic at the end of a path takes down, from the least to the most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TakesDown {
    /// The caller decides (a library's public function, a configured entry).
    Caller,
    /// The request only: a 500 from a catch-panic layer.
    Request,
    /// The spawned task.
    Task,
    /// The connection (axum/hyper without a catch-panic layer: the connection's task dies).
    Connection,
    /// The worker thread (actix-web) and the connections it serves.
    Worker,
    /// The whole process: `main`, a spawned thread, or any path under `panic = "abort"`.
    Process,
}

impl TakesDown {
    pub fn as_str(self) -> &'static str {
        match self {
            TakesDown::Caller => "caller",
            TakesDown::Request => "request",
            TakesDown::Task => "task",
            TakesDown::Connection => "connection",
            TakesDown::Worker => "worker",
            TakesDown::Process => "process",
        }
    }
}

/// What kind of entry point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    Main,
    Route,
    Task,
    Thread,
    Public,
    Config,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Main => "main",
            EntryKind::Route => "route",
            EntryKind::Task => "task",
            EntryKind::Thread => "thread",
            EntryKind::Public => "public",
            EntryKind::Config => "config",
        }
    }
}

/// How a hop of a chain is reached from the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    Call,
    Closure,
    FnValue,
    Extractor,
    IntoResponse,
    Middleware,
    Dyn,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Call => "call",
            EdgeKind::Closure => "closure",
            EdgeKind::FnValue => "fn-value",
            EdgeKind::Extractor => "extractor",
            EdgeKind::IntoResponse => "into-response",
            EdgeKind::Middleware => "middleware",
            EdgeKind::Dyn => "dyn",
        }
    }
}

/// An HTTP route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub method: String,
    pub path: String,
}

/// An entry point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// `POST /users`, `main (my_bin)`, `task in my_crate::f`, or the function path.
    pub name: String,
    pub kind: EntryKind,
    pub route: Option<Route>,
    /// The function it runs first (the handler), when it is in the workspace.
    pub function: Option<String>,
    pub file: Option<FileId>,
    pub line: u32,
    pub takes_down: TakesDown,
}

/// One hop of a chain: a function and how it is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    pub function: String,
    pub file: FileId,
    /// Where the function is defined.
    pub line: u32,
    pub edge: EdgeKind,
    /// The line of the call in the previous hop (0 for the entry's own function).
    pub call_line: u32,
    /// The edge comes from a by-name resolution or a `dyn`/generic dispatch.
    pub over_approximate: bool,
}

/// The shortest chain from an entry to a panic site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PanicPath {
    /// Index into [`Analysis::entries`].
    pub entry: usize,
    pub chain: Vec<Hop>,
    /// Index into the report's findings.
    pub finding: usize,
    pub takes_down: TakesDown,
}

/// How the calls resolved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GraphStats {
    pub functions: usize,
    pub edges: usize,
    pub calls: usize,
    /// Resolved to one workspace function by path, import or type.
    pub exact: usize,
    /// Resolved by method name only (receiver type unknown): an over-approximation.
    pub by_name: usize,
    /// Through `dyn Trait`, `impl Trait` or a generic: every workspace impl.
    pub dispatch: usize,
    /// Into a crate outside the workspace (or std): leaves.
    pub dependency: usize,
    /// Named a workspace path that leads to no function, or a name nothing defines.
    pub unresolved: usize,
    /// A method call on an unknown receiver with more same-named candidates than
    /// [`MAX_BY_NAME`] in the crates it can see: not followed.
    pub ambiguous: usize,
}

/// The result of the panic-path analysis.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub entries: Vec<Entry>,
    /// Sorted: what a panic takes down (worst first), how many entries reach the
    /// site, the entry, the site.
    pub paths: Vec<PanicPath>,
    /// For each finding of the report (by index): how many entries reach it.
    pub reachable_from: Vec<u32>,
    /// For each entry: how many blocking sites it reaches.
    pub blocking: Vec<u32>,
    pub stats: GraphStats,
    /// A few unresolved calls, for the summary (`path at file:line`).
    pub unresolved_examples: Vec<String>,
    /// A profile sets `panic = "abort"`.
    pub abort: bool,
    /// What each phase cost (for the benchmark; never rendered).
    pub timings: Timings,
}

/// Wall-clock time of each phase of [`analyze`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Indexing the functions, types and traits of every file's facts.
    pub index: std::time::Duration,
    /// Resolving every call into edges.
    pub edges: std::time::Duration,
    /// Finding the entries and searching from each.
    pub search: std::time::Duration,
}

impl Analysis {
    /// Whether entry `entry` reaches a blocking site.
    pub fn entry_panics(&self, entry: usize) -> bool {
        self.blocking.get(entry).is_some_and(|&n| n > 0)
    }
}

/// What the analysis asks for besides the workspace.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Build chains (the `paths` command); without it only `reachable_from` is counted.
    pub chains: bool,
    /// Only entries whose name or function matches this pattern (`*` wildcards).
    pub entry: Option<String>,
}

/// What the analysis reads.
pub struct Input<'a> {
    pub ws: &'a Workspace,
    pub targets: &'a [TargetRef],
    /// Every walked file; `FileId(i)` is `files[i]`.
    pub files: &'a [Walked],
    /// The report's findings, in its order.
    pub findings: &'a [SiteRef<'a>],
    pub config: &'a Config,
    /// The root manifest's text, for `panic = "abort"`.
    pub manifest: Option<&'a str>,
}

/// What the analysis needs of a finding.
#[derive(Clone, Copy, Debug)]
pub struct SiteRef<'a> {
    /// The function (or other item) the site is in.
    pub item: Option<&'a str>,
    /// Its severity is error (blocking, or justified).
    pub error: bool,
    pub blocking: bool,
    pub file: FileId,
    pub start: Pos,
}

/// A node of the graph: one function path (definitions with the same path merge).
struct Node<'a> {
    facts: &'a FnFacts,
    file: usize,
    /// Its impl's self type and trait, by number in [`Index::targets`] ([`NONE`] without).
    self_ty: u32,
    trait_: u32,
    /// Where its calls' paths start in [`Index::call_targets`].
    first_call: usize,
}

#[derive(Clone, Copy, Debug)]
struct Edge {
    to: u32,
    kind: EdgeKind,
    line: u32,
    over: bool,
}

enum Resolved<'s> {
    /// Borrowed from the index where it can be (most calls resolve to a list it holds).
    Nodes(Cow<'s, [u32]>, bool),
    Dispatch(Cow<'s, [u32]>),
    Dependency,
    Unresolved,
    Ambiguous,
}

/// No path (in [`Node::self_ty`], [`CallTargets`]).
const NONE: u32 = u32::MAX;

/// A written path as [`Index::follow`] leaves it.
#[derive(Clone, Debug, Default)]
struct Followed {
    /// Renamed dependencies mapped, re-exports followed, joined with `::`.
    joined: String,
    /// Its first segment is a workspace crate.
    in_workspace: bool,
}

/// A path some node writes, followed, with what it names as a whole (looked up
/// once per path, not once per call that writes it).
#[derive(Debug, Default)]
struct Target {
    followed: Followed,
    /// The function of that path.
    node: Option<u32>,
    /// The methods of [`Index::type_methods`] of that path (`Type::method`), in [`Index::lists`].
    type_methods: Option<u32>,
    /// The methods of [`Index::trait_methods`] of that path, in [`Index::lists`].
    trait_methods: Option<u32>,
}

/// What stands for a path that is not there: never looked at, as every path a
/// node's calls look at is numbered.
static NO_TARGET: Target = Target {
    followed: Followed {
        joined: String::new(),
        in_workspace: false,
    },
    node: None,
    type_methods: None,
    trait_methods: None,
};

/// The paths one call writes, by their numbers in [`Index::targets`].
#[derive(Clone, Copy, Debug)]
struct CallTargets {
    /// Its path, when the call is resolved by path (not a method call).
    path: u32,
    /// Where the receiver's type, or each of its bounds, is in [`Index::receivers`].
    receiver: u32,
}

/// Numbers every path the nodes write, the first time it is seen. The same few
/// thousand paths recur across hundreds of thousands of calls: each is followed and
/// looked up once. A path is keyed by its first segment with renamed dependencies
/// mapped and the rest as written (short segments are inline `Name`s, so comparing
/// keys reads no scattered heap memory).
struct Numbering<'a> {
    numbers: HashMap<(&'a str, &'a [Name]), u32>,
    /// By number: the mapped first segment and the path as written.
    written: Vec<(&'a str, &'a [Name])>,
}

impl<'a> Numbering<'a> {
    fn number(&mut self, krate: &'a str, path: &'a [Name]) -> u32 {
        let rest = path.get(1..).unwrap_or_default();
        let next = u32::try_from(self.written.len()).unwrap_or(NONE);
        let written = &mut self.written;
        *self.numbers.entry((krate, rest)).or_insert_with(|| {
            written.push((krate, path));
            next
        })
    }
}

/// The indexes calls are resolved against.
struct Index<'a> {
    view: WorkspaceView<'a>,
    nodes: Vec<Node<'a>>,
    by_path: HashMap<&'a str, u32>,
    /// `type::method` (the impl's resolved self type) -> methods, in [`Index::lists`].
    type_methods: HashMap<String, u32>,
    /// `trait::method` -> the trait's default method and every impl's method, in
    /// [`Index::lists`].
    trait_methods: HashMap<String, u32>,
    /// The lists of methods the two maps above name.
    lists: Vec<Vec<u32>>,
    /// Trait paths by their last segment, for bounds written through an alias.
    traits_by_name: HashMap<&'a str, Vec<String>>,
    /// Methods taking `self` with their arity, by name and the crate that defines
    /// them (a call looks only in the crates it can see, never through every
    /// crate's methods).
    methods_by_name: HashMap<(&'a str, u32), Vec<(u32, u32)>>,
    structs: HashMap<String, &'a [(Name, TypeRef)]>,
    /// Module -> glob-imported modules.
    globs: HashMap<&'a str, Vec<String>>,
    crates: HashSet<&'a str>,
    /// For each file: its package's renamed dependencies, when it has any.
    renames: Vec<Option<&'a std::collections::HashMap<String, String>>>,
    /// For each file: its crate, by number (the first segments of the files' modules).
    file_crates: Vec<u32>,
    /// For each crate by number: the other workspace crates its calls name (by-name
    /// candidates come from these and the crate itself).
    sees: Vec<Vec<u32>>,
    /// Every path the nodes' impls, calls and receivers write, by number.
    targets: Vec<Target>,
    /// For each call of each node, in node order ([`Node::first_call`]).
    call_targets: Vec<CallTargets>,
    /// The receivers' types and bounds that [`CallTargets::receiver`] points into.
    receivers: Vec<u32>,
}

impl<'a> Index<'a> {
    fn new(input: &Input<'a>) -> Index<'a> {
        let view = workspace_view(input);
        let crates: HashSet<&str> = view.targets.iter().map(|t| t.crate_name).collect();
        let mut crate_numbers: HashMap<&str, u32> = HashMap::new();
        let file_crates: Vec<u32> = input
            .files
            .iter()
            .map(|w| {
                let name = w.module.split("::").next().unwrap_or_default();
                let next = u32::try_from(crate_numbers.len()).unwrap_or(NONE);
                *crate_numbers.entry(name).or_insert(next)
            })
            .collect();
        let functions: usize = input.files.iter().map(|w| w.result.calls.fns.len()).sum();
        let structs: usize = input
            .files
            .iter()
            .map(|w| w.result.calls.structs.len())
            .sum();
        let renames = input
            .files
            .iter()
            .map(|w| {
                let package = w.package.and_then(|p| view.packages.get(p))?;
                Some(package.renames).filter(|renames| !renames.is_empty())
            })
            .collect();
        let mut index = Index {
            view,
            nodes: Vec::with_capacity(functions),
            by_path: HashMap::with_capacity(functions),
            type_methods: HashMap::new(),
            trait_methods: HashMap::new(),
            lists: Vec::new(),
            traits_by_name: HashMap::new(),
            methods_by_name: HashMap::new(),
            structs: HashMap::with_capacity(structs),
            globs: HashMap::new(),
            crates,
            renames,
            file_crates,
            sees: Vec::new(),
            targets: Vec::new(),
            call_targets: Vec::new(),
            receivers: Vec::new(),
        };

        // The nodes, and which crates each crate's calls name (only crates that
        // define methods count, and those are the files' crates).
        let seeable: HashMap<&str, u32> = crate_numbers
            .iter()
            .filter(|(name, _)| index.crates.contains(*name))
            .map(|(&name, &c)| (name, c))
            .collect();
        let mut sees: Vec<HashSet<u32>> = vec![HashSet::new(); crate_numbers.len()];
        let mut node_calls = 0;
        for (file, w) in input.files.iter().enumerate() {
            let krate = index.file_crates.get(file).copied().unwrap_or(NONE);
            let calls: &CallFacts = &w.result.calls;
            for f in &calls.fns {
                for call in &f.calls {
                    let Some(first) = call.path.first() else {
                        continue;
                    };
                    let Some(&c) = seeable.get(first.as_str()) else {
                        continue;
                    };
                    if let Some(set) = sees.get_mut(krate as usize) {
                        if c != krate {
                            set.insert(c);
                        }
                    }
                }
                let next = u32::try_from(index.nodes.len()).unwrap_or(NONE);
                if let std::collections::hash_map::Entry::Vacant(slot) =
                    index.by_path.entry(f.path.as_str())
                {
                    slot.insert(next);
                    index.nodes.push(Node {
                        facts: f,
                        file,
                        self_ty: NONE,
                        trait_: NONE,
                        first_call: node_calls,
                    });
                    node_calls += f.calls.len();
                }
            }
            for s in &calls.structs {
                index.structs.insert(s.path.join("::"), &s.fields);
            }
            for (module, target) in &calls.globs {
                index
                    .globs
                    .entry(module.as_str())
                    .or_default()
                    .push(target.join("::"));
            }
        }
        index.sees = sees
            .into_iter()
            .map(|set| {
                let mut seen: Vec<u32> = set.into_iter().collect();
                seen.sort_unstable();
                seen
            })
            .collect();

        // Every path the nodes write that resolution looks at, numbered.
        let mut numbering = Numbering {
            numbers: HashMap::with_capacity(functions),
            written: Vec::with_capacity(functions),
        };
        let mut nodes = std::mem::take(&mut index.nodes);
        let mut call_targets = Vec::with_capacity(node_calls);
        let mut receivers = Vec::new();
        for node in &mut nodes {
            let file = node.file;
            let f = node.facts;
            let mut number = |path: &'a [Name]| {
                let first = path
                    .first()
                    .map_or("", |first| index.crate_name(file, first));
                numbering.number(first, path)
            };
            node.self_ty = f.self_ty.as_deref().map_or(NONE, &mut number);
            node.trait_ = f.trait_.as_deref().map_or(NONE, &mut number);
            for call in &f.calls {
                let receiver = u32::try_from(receivers.len()).unwrap_or(NONE);
                let path = match &call.receiver {
                    Receiver::None if call.kind != CallKind::Method => number(&call.path),
                    Receiver::Typed(ty) | Receiver::Field { ty, .. } => {
                        receivers.push(number(ty));
                        NONE
                    }
                    Receiver::Bounds(bounds) => {
                        receivers.extend(bounds.iter().map(|b| number(b)));
                        NONE
                    }
                    _ => NONE,
                };
                call_targets.push(CallTargets { path, receiver });
            }
        }
        index.nodes = nodes;
        index.call_targets = call_targets;
        index.receivers = receivers;
        let followed: Vec<Followed> = numbering
            .written
            .par_iter()
            .map(|&(krate, path)| match path.split_first() {
                Some((_, rest)) => index.follow(krate, rest),
                None => Followed::default(),
            })
            .collect();
        drop(numbering);

        let mut type_methods: HashMap<String, u32> = HashMap::with_capacity(functions);
        let mut trait_methods: HashMap<String, u32> = HashMap::new();
        let mut lists: Vec<Vec<u32>> = Vec::with_capacity(functions);
        let mut add = |map: &mut HashMap<String, u32>, key: String, id: u32| {
            let next = u32::try_from(lists.len()).unwrap_or(NONE);
            let list = *map.entry(key).or_insert(next);
            if list == next {
                lists.push(Vec::new());
            }
            if let Some(list) = lists.get_mut(list as usize) {
                list.push(id);
            }
        };
        let mut traits_by_name: HashMap<&'a str, Vec<String>> = HashMap::new();
        let mut methods_by_name: HashMap<(&'a str, u32), Vec<(u32, u32)>> =
            HashMap::with_capacity(functions);
        for (id, node) in index.nodes.iter().enumerate() {
            let f = node.facts;
            let id = u32::try_from(id).unwrap_or(NONE);
            if f.kind != FnKind::Fn {
                continue;
            }
            if let Some(ty) = followed.get(node.self_ty as usize) {
                add(&mut type_methods, format!("{}::{}", ty.joined, f.name), id);
            }
            if let Some(tr) = followed.get(node.trait_ as usize) {
                let tr = &tr.joined;
                if let Some(last) = f.trait_.as_ref().and_then(|t| t.last()) {
                    let known = traits_by_name.entry(last.as_str()).or_default();
                    if !known.contains(tr) {
                        known.push(tr.clone());
                    }
                }
                add(&mut trait_methods, format!("{tr}::{}", f.name), id);
            }
            if f.has_self && (f.self_ty.is_some() || f.trait_.is_some()) {
                let krate = index.file_crates.get(node.file).copied().unwrap_or(NONE);
                methods_by_name
                    .entry((f.name.as_str(), krate))
                    .or_default()
                    .push((id, f.arity));
            }
        }
        index.type_methods = type_methods;
        index.trait_methods = trait_methods;
        index.lists = lists;
        index.traits_by_name = traits_by_name;
        index.methods_by_name = methods_by_name;

        let targets: Vec<Target> = followed
            .into_par_iter()
            .map(|followed| {
                let joined = followed.joined.as_str();
                Target {
                    node: index.by_path.get(joined).copied(),
                    type_methods: index.type_methods.get(joined).copied(),
                    trait_methods: index.trait_methods.get(joined).copied(),
                    followed,
                }
            })
            .collect();
        index.targets = targets;
        index
    }

    /// The first segment of a path written in `file`, with its package's renamed
    /// dependencies mapped.
    fn crate_name(&self, file: usize, first: &'a str) -> &'a str {
        self.renames
            .get(file)
            .copied()
            .flatten()
            .and_then(|renames| renames.get(first))
            .map_or(first, String::as_str)
    }

    /// A path written in `file` with renamed dependencies mapped and re-exports
    /// followed, for the few paths outside [`Index::targets`].
    fn followed(&self, file: usize, path: &'a [Name]) -> Followed {
        match path.split_first() {
            Some((first, rest)) => self.follow(self.crate_name(file, first), rest),
            None => Followed::default(),
        }
    }

    /// Follows `krate::rest` (the first segment already mapped).
    fn follow(&self, krate: &str, rest: &[Name]) -> Followed {
        let mut path = Vec::with_capacity(rest.len() + 1);
        path.push(Name::from(krate));
        path.extend(rest.iter().cloned());
        let path = self.view.follow(&path);
        Followed {
            joined: path.join("::"),
            in_workspace: self.in_workspace(&path),
        }
    }

    fn in_workspace(&self, path: &[Name]) -> bool {
        path.first()
            .is_some_and(|f| self.crates.contains(f.as_str()))
    }

    fn target(&self, number: u32) -> &Target {
        self.targets.get(number as usize).unwrap_or(&NO_TARGET)
    }

    fn list(&self, list: u32) -> &[u32] {
        self.lists.get(list as usize).map_or(&[], Vec::as_slice)
    }

    /// A call's resolution. `key` is a buffer for the `path::method` keys of the
    /// lookups, reused from call to call rather than allocated for each.
    fn resolve(
        &self,
        from: &Node<'a>,
        call: &'a Call,
        paths: CallTargets,
        key: &mut String,
    ) -> Resolved<'_> {
        let file = from.file;
        let receivers = self
            .receivers
            .get(paths.receiver as usize..)
            .unwrap_or_default();
        let receiver = || self.target(receivers.first().copied().unwrap_or(NONE));
        match &call.receiver {
            Receiver::Bounds(bounds) => {
                let bounds = bounds
                    .iter()
                    .zip(receivers)
                    .map(|(b, &n)| (b.as_slice(), Cow::Borrowed(&self.target(n).followed)));
                return self.dispatch(file, bounds, call, key);
            }
            Receiver::SelfValue => return self.on_self(from, call, key),
            Receiver::Typed(_) => return self.on_followed(file, &receiver().followed, call, key),
            Receiver::Field { field, .. } => {
                let ty = &receiver().followed;
                if !ty.in_workspace {
                    return Resolved::Dependency;
                }
                return match self
                    .structs
                    .get(ty.joined.as_str())
                    .and_then(|fields| fields.iter().find(|(n, _)| n == field))
                {
                    Some((_, t)) => self.on_type(file, t, call, key),
                    None => self.by_name(file, call),
                };
            }
            Receiver::Unknown => return self.by_name(file, call),
            Receiver::None => {}
        }
        if call.kind == CallKind::Method {
            return self.by_name(file, call);
        }
        let target = self.target(paths.path);
        if let Some(id) = &target.node {
            return Resolved::Nodes(Cow::Borrowed(std::slice::from_ref(id)), false);
        }
        if let Some(list) = target.type_methods {
            let ids = self.list(list);
            return Resolved::Nodes(Cow::Borrowed(ids), ids.len() > 1);
        }
        if let Some(list) = target.trait_methods {
            return Resolved::Dispatch(Cow::Borrowed(self.list(list)));
        }
        if call.scope == Scope::Unknown && call.path.len() == 1 {
            let module = from.facts.module.as_str();
            for glob in self.globs.get(module).into_iter().flatten() {
                if let Some(id) = self.by_path.get(method_key(key, glob, &call.name)) {
                    return Resolved::Nodes(Cow::Borrowed(std::slice::from_ref(id)), false);
                }
            }
            if PRELUDE.contains(&call.name.as_str()) {
                return Resolved::Dependency;
            }
            return Resolved::Unresolved;
        }
        if target.followed.in_workspace && !DERIVED.contains(&call.name.as_str()) {
            Resolved::Unresolved
        } else {
            Resolved::Dependency
        }
    }

    fn on_self(&self, from: &Node<'a>, call: &'a Call, key: &mut String) -> Resolved<'_> {
        let f = from.facts;
        if f.self_ty.is_some() {
            let ty = &self.target(from.self_ty).followed;
            if let Some(&list) = self
                .type_methods
                .get(method_key(key, &ty.joined, &call.name))
            {
                let ids = self.list(list);
                return Resolved::Nodes(Cow::Borrowed(ids), ids.len() > 1);
            }
        }
        if let Some(tr) = &f.trait_ {
            let bound = (
                tr.as_slice(),
                Cow::Borrowed(&self.target(from.trait_).followed),
            );
            return self.dispatch(from.file, std::iter::once(bound), call, key);
        }
        self.by_name(from.file, call)
    }

    /// A method call on a value of a struct field's type.
    fn on_type(
        &self,
        file: usize,
        ty: &'a TypeRef,
        call: &'a Call,
        key: &mut String,
    ) -> Resolved<'_> {
        match ty {
            TypeRef::Bounds(bounds) => {
                let bounds = bounds
                    .iter()
                    .map(|b| (b.as_slice(), Cow::Owned(self.followed(file, b))));
                self.dispatch(file, bounds, call, key)
            }
            TypeRef::Path(path) => self.on_followed(file, &self.followed(file, path), call, key),
        }
    }

    /// A method call on a value of type `target`.
    fn on_followed(
        &self,
        file: usize,
        target: &Followed,
        call: &Call,
        key: &mut String,
    ) -> Resolved<'_> {
        if !target.in_workspace {
            return Resolved::Dependency;
        }
        match self
            .type_methods
            .get(method_key(key, &target.joined, &call.name))
        {
            Some(&list) => {
                let ids = self.list(list);
                Resolved::Nodes(Cow::Borrowed(ids), ids.len() > 1)
            }
            // A type alias, or a method of a trait the type implements elsewhere.
            None => self.by_name(file, call),
        }
    }

    /// Every workspace impl of the bounds' method; each bound comes with where it
    /// leads.
    fn dispatch<'s>(
        &'s self,
        file: usize,
        bounds: impl Iterator<Item = (&'s [Name], Cow<'s, Followed>)>,
        call: &Call,
        key: &mut String,
    ) -> Resolved<'s> {
        // The methods found: one list as the index holds it (sorted, each node
        // once), or several merged.
        let mut first: &'s [u32] = &[];
        let mut merged: Vec<u32> = Vec::new();
        let mut workspace_trait = false;
        for (bound, followed) in bounds {
            // A bound written through a name the file could not resolve.
            let known = if followed.in_workspace {
                None
            } else {
                bound
                    .last()
                    .and_then(|l| self.traits_by_name.get(l.as_str()))
            };
            let traits = std::iter::once(followed.joined.as_str())
                .chain(known.into_iter().flatten().map(String::as_str));
            for tr in traits {
                if tr
                    .split("::")
                    .next()
                    .is_some_and(|c| self.crates.contains(c))
                {
                    workspace_trait = true;
                }
                if let Some(&list) = self.trait_methods.get(method_key(key, tr, &call.name)) {
                    let found = self.list(list);
                    if first.is_empty() {
                        first = found;
                    } else {
                        if merged.is_empty() {
                            merged.extend_from_slice(first);
                        }
                        merged.extend_from_slice(found);
                    }
                }
            }
        }
        if !merged.is_empty() {
            merged.sort_unstable();
            merged.dedup();
            return Resolved::Dispatch(Cow::Owned(merged));
        }
        match (first.is_empty(), workspace_trait) {
            (false, _) => Resolved::Dispatch(Cow::Borrowed(first)),
            // A supertrait's method, or a method of the type behind the generic.
            (true, true) => self.by_name(file, call),
            (true, false) => Resolved::Dependency,
        }
    }

    /// Every workspace method of this name and arity: an over-approximation.
    fn by_name(&self, file: usize, call: &Call) -> Resolved<'_> {
        let krate = self.file_crates.get(file).copied().unwrap_or(NONE);
        let others = self.sees.get(krate as usize).map_or(&[][..], Vec::as_slice);
        let mut ids: Vec<u32> = Vec::new();
        let mut crates = 0;
        for &c in std::iter::once(&krate).chain(others) {
            let Some(methods) = self.methods_by_name.get(&(call.name.as_str(), c)) else {
                continue;
            };
            let before = ids.len();
            ids.extend(
                methods
                    .iter()
                    .filter(|&&(_, arity)| arity == call.arity)
                    .map(|&(id, _)| id),
            );
            crates += usize::from(ids.len() > before);
            // Too many already: the rest cannot make it fewer.
            if ids.len() > MAX_BY_NAME {
                return Resolved::Ambiguous;
            }
        }
        // In node order, whatever order the crates came in: edges are deterministic.
        // (Each crate's methods already are.)
        if crates > 1 {
            ids.sort_unstable();
        }
        if ids.is_empty() {
            // No workspace method it can see has this name: a dependency's or std's.
            Resolved::Dependency
        } else {
            Resolved::Nodes(Cow::Owned(ids), true)
        }
    }

    /// The node a handler path names.
    fn handler(&self, file: usize, handler: &'a Handler) -> Option<u32> {
        let target = self.followed(file, &handler.path);
        let joined = target.joined.as_str();
        self.by_path.get(joined).copied().or_else(|| {
            self.type_methods
                .get(joined)
                .and_then(|&list| self.list(list).first().copied())
        })
    }
}

/// `path::name` written into `buf`, for a lookup that allocates no key of its own.
fn method_key<'k>(buf: &'k mut String, path: &str, name: &str) -> &'k str {
    buf.clear();
    buf.push_str(path);
    buf.push_str("::");
    buf.push_str(name);
    buf
}

fn workspace_view<'a>(input: &Input<'a>) -> WorkspaceView<'a> {
    let files = input
        .files
        .iter()
        .enumerate()
        .map(|(i, w)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), w));
    tree::workspace_view(
        input.ws,
        input.targets,
        files,
        Vec::new(),
        &input.config.layers,
    )
}

/// The graph in compressed rows: the edges of node `n` are
/// `edges[offsets[n]..offsets[n + 1]]`.
struct Graph {
    offsets: Vec<usize>,
    edges: Vec<Edge>,
}

impl Graph {
    fn edges(&self, node: u32) -> &[Edge] {
        let n = node as usize;
        match (self.offsets.get(n), self.offsets.get(n + 1)) {
            (Some(&a), Some(&b)) => self.edges.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Nodes per parallel job of [`build`]: each job's edges go into one vector.
const BUILD_CHUNK: usize = 1024;

/// The edges of a run of consecutive nodes.
struct Chunk {
    edges: Vec<Edge>,
    /// Where each node's edges start in `edges`.
    starts: Vec<usize>,
    stats: GraphStats,
    /// The first unresolved call of each of the first nodes that have one.
    examples: Vec<String>,
}

/// Builds the call graph: every call of every node resolved, runs of nodes in
/// parallel.
fn build<'a>(index: &Index<'a>) -> (Graph, GraphStats, Vec<String>) {
    let chunks: Vec<Chunk> = index
        .nodes
        .par_chunks(BUILD_CHUNK)
        .map(|nodes| {
            let mut key = String::new();
            let calls: usize = nodes.iter().map(|n| n.facts.calls.len()).sum();
            let mut chunk = Chunk {
                // Room for more edges than most runs of nodes have (about six a
                // call on real code): growing by doubling would copy them and fault
                // in fresh pages again, and room never written costs no memory.
                edges: Vec::with_capacity(calls * 8),
                starts: Vec::with_capacity(nodes.len()),
                stats: GraphStats::default(),
                examples: Vec::new(),
            };
            for node in nodes {
                chunk.starts.push(chunk.edges.len());
                node_edges(index, node, &mut key, &mut chunk);
            }
            chunk
        })
        .collect();
    let mut offsets = Vec::with_capacity(index.nodes.len() + 1);
    // Sized once: grown by doubling, a million edges move and fault in fresh pages
    // several times over.
    let mut edges = Vec::with_capacity(chunks.iter().map(|c| c.edges.len()).sum());
    let mut stats = GraphStats {
        functions: index.nodes.len(),
        ..GraphStats::default()
    };
    let mut examples = Vec::new();
    for chunk in chunks {
        offsets.extend(chunk.starts.iter().map(|&start| edges.len() + start));
        edges.extend_from_slice(&chunk.edges);
        let s = chunk.stats;
        stats.calls += s.calls;
        stats.exact += s.exact;
        stats.by_name += s.by_name;
        stats.dispatch += s.dispatch;
        stats.dependency += s.dependency;
        stats.unresolved += s.unresolved;
        stats.ambiguous += s.ambiguous;
        for example in chunk.examples {
            if examples.len() < 5 {
                examples.push(example);
            }
        }
    }
    offsets.push(edges.len());
    stats.edges = edges.len();
    (Graph { offsets, edges }, stats, examples)
}

/// Resolves the calls of `node` into edges appended to `chunk`.
fn node_edges<'a>(index: &Index<'a>, node: &Node<'a>, key: &mut String, chunk: &mut Chunk) {
    let stats = &mut chunk.stats;
    let mut example = None;
    let targets = index
        .call_targets
        .get(node.first_call..)
        .unwrap_or_default();
    for (call, &paths) in node.facts.calls.iter().zip(targets) {
        stats.calls += 1;
        let base = match (call.kind, call.closure) {
            (CallKind::FnValue, _) => EdgeKind::FnValue,
            (_, true) => EdgeKind::Closure,
            (_, false) => EdgeKind::Call,
        };
        let (ids, kind, over) = match index.resolve(node, call, paths, key) {
            Resolved::Nodes(ids, over) => {
                if over {
                    stats.by_name += 1;
                } else {
                    stats.exact += 1;
                }
                (ids, base, over)
            }
            Resolved::Dispatch(ids) => {
                stats.dispatch += 1;
                (ids, EdgeKind::Dyn, true)
            }
            Resolved::Dependency => {
                stats.dependency += 1;
                continue;
            }
            Resolved::Ambiguous => {
                stats.ambiguous += 1;
                continue;
            }
            Resolved::Unresolved => {
                stats.unresolved += 1;
                if example.is_none() {
                    let written = if call.path.is_empty() {
                        call.name.to_string()
                    } else {
                        call.path.join("::")
                    };
                    example = Some(format!("{written} in {}", node.facts.path));
                }
                continue;
            }
        };
        chunk.edges.extend(ids.iter().map(|&to| Edge {
            to,
            kind,
            line: call.line,
            over,
        }));
    }
    if chunk.examples.len() < 5 {
        chunk.examples.extend(example);
    }
}

/// An entry with the nodes it starts from.
struct Start {
    entry: Entry,
    sources: Vec<(u32, EdgeKind)>,
}

/// Runs the analysis.
pub fn analyze(input: &Input<'_>, query: &Query) -> Analysis {
    let started = std::time::Instant::now();
    let index = Index::new(input);
    let indexed = std::time::Instant::now();
    let (graph, stats, unresolved_examples) = build(&index);
    let built = std::time::Instant::now();
    let abort = input.manifest.is_some_and(sets_abort);
    let mut starts = entries(input, &index);
    if abort {
        for s in &mut starts {
            s.entry.takes_down = TakesDown::Process;
        }
    }
    if let Some(pattern) = &query.entry {
        starts.retain(|s| {
            matches(pattern, &s.entry.name)
                || s.entry
                    .function
                    .as_deref()
                    .is_some_and(|f| matches(pattern, f))
        });
    }

    // The sites of each node: error findings (blocking or justified) of site rules.
    let mut node_sites: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, f) in input.findings.iter().enumerate() {
        if !f.error {
            continue;
        }
        let Some(item) = f.item else { continue };
        if let Some(&node) = index.by_path.get(item) {
            node_sites.entry(node).or_default().push(i);
        }
    }

    // What each entry reaches: with its chains, a search per entry; without,
    // one pass for all entries.
    let searched: Vec<(Vec<usize>, Vec<PanicPath>)> = if query.chains {
        searches(&index, &graph, &node_sites, &starts)
    } else {
        reached_by_all(&graph, &node_sites, &starts)
            .into_iter()
            .map(|reached| (reached, Vec::new()))
            .collect()
    };
    let mut reachable_from = vec![0u32; input.findings.len()];
    let mut blocking = vec![0u32; starts.len()];
    let mut paths = Vec::new();
    for (e, (reached, found)) in searched.into_iter().enumerate() {
        for finding in reached {
            if let Some(r) = reachable_from.get_mut(finding) {
                *r += 1;
            }
            if input.findings.get(finding).is_some_and(|f| f.blocking) {
                if let Some(b) = blocking.get_mut(e) {
                    *b += 1;
                }
            }
        }
        paths.extend(found);
    }
    let entries: Vec<Entry> = starts.into_iter().map(|s| s.entry).collect();
    let site_key = |finding: usize| input.findings.get(finding).map(|f| (f.file, f.start));
    paths.sort_by(|a, b| {
        let reach = |p: &PanicPath| reachable_from.get(p.finding).copied().unwrap_or(0);
        b.takes_down
            .cmp(&a.takes_down)
            .then_with(|| reach(b).cmp(&reach(a)))
            .then_with(|| a.entry.cmp(&b.entry))
            .then_with(|| site_key(a.finding).cmp(&site_key(b.finding)))
    });
    Analysis {
        entries,
        paths,
        reachable_from,
        blocking,
        stats,
        unresolved_examples,
        abort,
        timings: Timings {
            index: indexed - started,
            edges: built - indexed,
            search: built.elapsed(),
        },
    }
}

/// A breadth-first search from each entry, the entries in parallel, for the
/// chains: each thread keeps its own marks (stamped with the entry's number) and
/// parents.
fn searches(
    index: &Index<'_>,
    graph: &Graph,
    node_sites: &HashMap<u32, Vec<usize>>,
    starts: &[Start],
) -> Vec<(Vec<usize>, Vec<PanicPath>)> {
    let n = index.nodes.len();
    let unreached = (
        u32::MAX,
        Edge {
            to: 0,
            kind: EdgeKind::Call,
            line: 0,
            over: false,
        },
    );
    starts
        .par_iter()
        .enumerate()
        .map_init(
            || {
                (
                    vec![u32::MAX; n],
                    vec![unreached; n],
                    std::collections::VecDeque::new(),
                )
            },
            |(stamp, parent, queue), (e, start)| {
                search(
                    &Search {
                        index,
                        graph,
                        node_sites,
                    },
                    (e, start),
                    stamp,
                    parent,
                    queue,
                )
            },
        )
        .collect()
}

/// The findings each entry reaches, without chains: the set of entries that reach
/// each node (a bit each), for all entries at once. The graph's strongly connected
/// components (every node of one reaches every other, so they share their set) are
/// taken in topological order, so that each component's set is complete before it
/// is passed on, and each edge is crossed once: a search per entry walks the
/// shared part of the graph once per entry, and spreading the sets until nothing
/// grows walks it several times over.
fn reached_by_all(
    graph: &Graph,
    node_sites: &HashMap<u32, Vec<usize>>,
    starts: &[Start],
) -> Vec<Vec<usize>> {
    let words = starts.len().div_ceil(64);
    let sources = starts
        .iter()
        .flat_map(|s| s.sources.iter().map(|&(node, _)| node));
    let components = Components::new(graph, sources);
    let mut reach = vec![0u64; components.count * words];
    for (e, start) in starts.iter().enumerate() {
        for &(node, _) in &start.sources {
            let Some(c) = components.of(node) else {
                continue;
            };
            if let Some(word) = reach.get_mut(c * words + e / 64) {
                *word |= 1 << (e % 64);
            }
        }
    }
    // Tarjan's algorithm numbers a component after every component it reaches:
    // the highest number comes first in topological order.
    let mut from = vec![0u64; words];
    for c in (0..components.count).rev() {
        match reach.get(c * words..(c + 1) * words) {
            Some(bits) => from.copy_from_slice(bits),
            None => continue,
        }
        if from.iter().all(|&w| w == 0) {
            continue;
        }
        for &node in components.members(c) {
            for edge in graph.edges(node) {
                let Some(to) = components.of(edge.to).filter(|&to| to != c) else {
                    continue;
                };
                if let Some(bits) = reach.get_mut(to * words..(to + 1) * words) {
                    for (b, f) in bits.iter_mut().zip(&from) {
                        *b |= *f;
                    }
                }
            }
        }
    }
    let mut reached = vec![Vec::new(); starts.len()];
    let mut sites: Vec<(&u32, &Vec<usize>)> = node_sites.iter().collect();
    sites.sort_unstable_by_key(|(node, _)| **node);
    for (&node, findings) in sites {
        let Some(c) = components.of(node) else {
            continue;
        };
        let Some(bits) = reach.get(c * words..(c + 1) * words) else {
            continue;
        };
        for (e, entry) in reached.iter_mut().enumerate() {
            if bits.get(e / 64).is_some_and(|w| w >> (e % 64) & 1 == 1) {
                entry.extend(findings);
            }
        }
    }
    reached
}

/// The strongly connected components of the part of a graph some sources reach,
/// numbered by Tarjan's algorithm: a component after every component it reaches.
struct Components {
    count: usize,
    /// For each node: its component ([`NONE`] when no source reaches it).
    component: Vec<u32>,
    /// The nodes, component by component.
    members: Vec<u32>,
    /// Where each component's nodes start in `members` (and where they end).
    starts: Vec<usize>,
}

/// A node's place in Tarjan's search: its number in the order nodes are first
/// seen, the lowest number it reaches among the nodes on the stack, and whether it
/// is on the stack.
#[derive(Clone, Copy)]
struct Mark {
    order: u32,
    low: u32,
    on_stack: bool,
}

impl Mark {
    const UNSEEN: Mark = Mark {
        order: NONE,
        low: NONE,
        on_stack: false,
    };
}

/// The state of Tarjan's search, without recursion.
struct Tarjan {
    marks: Vec<Mark>,
    seen: u32,
    /// The nodes seen whose component is not complete yet.
    stack: Vec<u32>,
    /// The depth-first path: each node with the next of its edges to take.
    path: Vec<(u32, usize)>,
}

impl Tarjan {
    fn visit(&mut self, node: u32) {
        if let Some(mark) = self.marks.get_mut(node as usize) {
            *mark = Mark {
                order: self.seen,
                low: self.seen,
                on_stack: true,
            };
            self.seen += 1;
            self.stack.push(node);
            self.path.push((node, 0));
        }
    }

    fn lower(&mut self, node: u32, low: u32) {
        if let Some(mark) = self.marks.get_mut(node as usize) {
            mark.low = mark.low.min(low);
        }
    }
}

impl Components {
    fn new(graph: &Graph, sources: impl Iterator<Item = u32>) -> Components {
        let nodes = graph.offsets.len().saturating_sub(1);
        let mut search = Tarjan {
            marks: vec![Mark::UNSEEN; nodes],
            seen: 0,
            stack: Vec::new(),
            path: Vec::new(),
        };
        let mut components = Components {
            count: 0,
            component: vec![NONE; nodes],
            members: Vec::new(),
            starts: Vec::new(),
        };
        for source in sources {
            if search
                .marks
                .get(source as usize)
                .is_none_or(|m| m.order != NONE)
            {
                continue;
            }
            search.visit(source);
            while let Some((node, next)) = search.path.last_mut() {
                let node = *node;
                if let Some(edge) = graph.edges(node).get(*next) {
                    *next += 1;
                    let Some(&to) = search.marks.get(edge.to as usize) else {
                        continue;
                    };
                    if to.order == NONE {
                        search.visit(edge.to);
                    } else if to.on_stack {
                        search.lower(node, to.order);
                    }
                    continue;
                }
                search.path.pop();
                let Some(&mark) = search.marks.get(node as usize) else {
                    continue;
                };
                if let Some(&(parent, _)) = search.path.last() {
                    search.lower(parent, mark.low);
                }
                if mark.low != mark.order {
                    continue;
                }
                // `node` is the root of a component: it and what is above it on the stack.
                let c = u32::try_from(components.count).unwrap_or(NONE);
                components.starts.push(components.members.len());
                while let Some(member) = search.stack.pop() {
                    if let Some(m) = search.marks.get_mut(member as usize) {
                        m.on_stack = false;
                    }
                    if let Some(slot) = components.component.get_mut(member as usize) {
                        *slot = c;
                    }
                    components.members.push(member);
                    if member == node {
                        break;
                    }
                }
                components.count += 1;
            }
        }
        components.starts.push(components.members.len());
        components
    }

    fn of(&self, node: u32) -> Option<usize> {
        self.component
            .get(node as usize)
            .filter(|&&c| c != NONE)
            .map(|&c| c as usize)
    }

    fn members(&self, component: usize) -> &[u32] {
        match (self.starts.get(component), self.starts.get(component + 1)) {
            (Some(&a), Some(&b)) => self.members.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// What every entry's search reads.
struct Search<'s, 'a> {
    index: &'s Index<'a>,
    graph: &'s Graph,
    node_sites: &'s HashMap<u32, Vec<usize>>,
}

/// The findings that entry `e` reaches, and their chains. `stamp` marks nodes with the entry's number (never reset between entries
/// of one thread), `parent` is where each node was reached from.
fn search(
    s: &Search<'_, '_>,
    (e, start): (usize, &Start),
    stamp: &mut [u32],
    parent: &mut [(u32, Edge)],
    queue: &mut std::collections::VecDeque<u32>,
) -> (Vec<usize>, Vec<PanicPath>) {
    let mark = u32::try_from(e).unwrap_or(u32::MAX);
    let (mut reached, mut paths) = (Vec::new(), Vec::new());
    queue.clear();
    for &(node, kind) in &start.sources {
        if let Some(st) = stamp.get_mut(node as usize) {
            if *st == mark {
                continue;
            }
            *st = mark;
            if let Some(p) = parent.get_mut(node as usize) {
                *p = (
                    u32::MAX,
                    Edge {
                        to: node,
                        kind,
                        line: 0,
                        over: false,
                    },
                );
            }
            queue.push_back(node);
        }
    }
    while let Some(node) = queue.pop_front() {
        if let Some(sites) = s.node_sites.get(&node) {
            for &finding in sites {
                reached.push(finding);
                paths.push(PanicPath {
                    entry: e,
                    chain: chain(s.index, parent, node),
                    finding,
                    takes_down: start.entry.takes_down,
                });
            }
        }
        for edge in s.graph.edges(node) {
            let Some(st) = stamp.get_mut(edge.to as usize) else {
                continue;
            };
            if *st == mark {
                continue;
            }
            *st = mark;
            if let Some(p) = parent.get_mut(edge.to as usize) {
                *p = (node, *edge);
            }
            queue.push_back(edge.to);
        }
    }
    (reached, paths)
}

fn chain(index: &Index<'_>, parent: &[(u32, Edge)], end: u32) -> Vec<Hop> {
    let mut hops = Vec::new();
    let mut node = end;
    // A chain is at most as long as the graph has nodes.
    for _ in 0..=parent.len() {
        let Some(&(prev, edge)) = parent.get(node as usize) else {
            break;
        };
        if let Some(n) = index.nodes.get(node as usize) {
            hops.push(Hop {
                function: n.facts.path.to_string(),
                file: FileId(u32::try_from(n.file).unwrap_or(u32::MAX)),
                line: n.facts.line,
                edge: edge.kind,
                call_line: edge.line,
                over_approximate: edge.over,
            });
        }
        if prev == u32::MAX {
            break;
        }
        node = prev;
    }
    hops.reverse();
    hops
}

/// Every entry point of the workspace, sorted: `main`s, routes, tasks and
/// threads, configured entries, public functions of libraries.
fn entries(input: &Input<'_>, index: &Index<'_>) -> Vec<Start> {
    let mut out = Vec::new();
    let target_of = |file: usize| {
        input
            .files
            .get(file)
            .and_then(|w| w.target)
            .and_then(|t| input.targets.get(t))
            .and_then(|t| input.ws.packages.get(t.package)?.targets.get(t.target))
    };
    let file_id = |file: usize| FileId(u32::try_from(file).unwrap_or(u32::MAX));

    // Libraries a workspace binary (or another library) calls into.
    let libs: HashSet<&str> = input
        .ws
        .packages
        .iter()
        .flat_map(|p| p.targets.iter())
        .filter(|t| t.is_lib)
        .map(|t| t.crate_name.as_str())
        .collect();
    let mut used: HashSet<&str> = HashSet::new();
    for (file, w) in input.files.iter().enumerate() {
        let Some(target) = target_of(file) else {
            continue;
        };
        for f in &w.result.calls.fns {
            for call in &f.calls {
                let Some(first) = call.path.first() else {
                    continue;
                };
                let other = target.is_bin || first != &target.crate_name;
                if other && libs.contains(first.as_str()) {
                    used.insert(first.as_str());
                }
            }
        }
        for r in &w.result.calls.routers {
            for item in &r.items {
                if let RouterItem::Route { handlers, .. } = item {
                    for h in handlers {
                        if let Some(first) = h.path.first() {
                            if target.is_bin && libs.contains(first.as_str()) {
                                used.insert(first.as_str());
                            }
                        }
                    }
                }
            }
        }
    }

    let mut public: HashMap<&str, (usize, Vec<u32>)> = HashMap::new();
    for (id, node) in index.nodes.iter().enumerate() {
        let id = u32::try_from(id).unwrap_or(u32::MAX);
        let f = node.facts;
        let Some(target) = target_of(node.file) else {
            continue;
        };
        let start = |entry: Entry| Start {
            entry,
            sources: vec![(id, EdgeKind::Call)],
        };
        // Only for the few nodes that are entries: the path is copied into it.
        let base = || Entry {
            name: String::new(),
            kind: EntryKind::Main,
            route: None,
            function: Some(f.path.to_string()),
            file: Some(file_id(node.file)),
            line: f.line,
            takes_down: TakesDown::Process,
        };
        match f.kind {
            FnKind::Task | FnKind::Thread => {
                let thread = f.kind == FnKind::Thread;
                let outer = f.path.rsplit_once("::").map_or(f.path.as_str(), |(o, _)| o);
                out.push(start(Entry {
                    name: format!("{} in {outer}", if thread { "thread" } else { "task" }),
                    kind: if thread {
                        EntryKind::Thread
                    } else {
                        EntryKind::Task
                    },
                    takes_down: if thread {
                        TakesDown::Process
                    } else {
                        TakesDown::Task
                    },
                    ..base()
                }));
                continue;
            }
            FnKind::Fn => {}
        }
        if target.is_bin && f.name == "main" && f.path == format!("{}::main", target.crate_name) {
            out.push(start(Entry {
                name: format!("main ({})", target.crate_name),
                ..base()
            }));
        }
        for (method, path) in &f.route_attrs {
            out.push(start(Entry {
                name: format!("{method} {path}"),
                kind: EntryKind::Route,
                route: Some(Route {
                    method: method.to_string(),
                    path: path.to_string(),
                }),
                takes_down: TakesDown::Worker,
                ..base()
            }));
        }
        let configured = input
            .config
            .entries
            .iter()
            .any(|pattern| matches(pattern, &f.path));
        if configured {
            out.push(start(Entry {
                name: f.path.to_string(),
                kind: EntryKind::Config,
                takes_down: TakesDown::Caller,
                ..base()
            }));
        } else if target.is_lib
            && f.public
            && f.route_attrs.is_empty()
            && !used.contains(target.crate_name.as_str())
        {
            public
                .entry(target.crate_name.as_str())
                .or_insert_with(|| (node.file, Vec::new()))
                .1
                .push(id);
        }
    }
    // A library's public API is one entry: a search from all its public functions
    // at once (one search per function would cost functions times reach).
    for (krate, (file, ids)) in public {
        out.push(Start {
            entry: Entry {
                name: format!("public API of {krate}"),
                kind: EntryKind::Public,
                route: None,
                function: None,
                file: Some(file_id(file)),
                line: 0,
                takes_down: TakesDown::Caller,
            },
            sources: ids.into_iter().map(|id| (id, EdgeKind::Call)).collect(),
        });
    }
    out.extend(routes(input, index));
    for s in &mut out {
        // Extractors run before the handler, `IntoResponse` impls after it.
        if s.entry.kind != EntryKind::Route {
            continue;
        }
        let Some(&(handler, _)) = s.sources.first() else {
            continue;
        };
        let Some(node) = index.nodes.get(handler as usize) else {
            continue;
        };
        let implicit = implicit_edges(index, node);
        s.sources.extend(implicit);
    }
    out.sort_by(|a, b| {
        let key = |s: &Start| {
            (
                s.entry.kind,
                s.entry
                    .route
                    .as_ref()
                    .map(|r| (r.path.clone(), r.method.clone())),
                s.entry.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out.dedup_by(|a, b| a.entry == b.entry);
    out
}

/// The extractor impls of a handler's parameter types and the `IntoResponse`
/// impls of its return types.
fn implicit_edges(index: &Index<'_>, handler: &Node<'_>) -> Vec<(u32, EdgeKind)> {
    let mut out = Vec::new();
    let f = handler.facts;
    let lookups = [
        (
            &f.params,
            &["from_request", "from_request_parts"][..],
            EdgeKind::Extractor,
        ),
        (&f.returns, &["into_response"][..], EdgeKind::IntoResponse),
    ];
    for (types, methods, kind) in lookups {
        for ty in types {
            let ty = index.followed(handler.file, ty);
            if !ty.in_workspace {
                continue;
            }
            let ty = ty.joined.as_str();
            for method in methods {
                for &id in index
                    .type_methods
                    .get(&format!("{ty}::{method}"))
                    .map_or(&[][..], |&list| index.list(list))
                {
                    let is_impl = index.nodes.get(id as usize).is_some_and(|n| {
                        n.facts
                            .trait_
                            .as_ref()
                            .and_then(|t| t.last())
                            .is_some_and(|t| {
                                matches!(
                                    t.as_str(),
                                    "FromRequest" | "FromRequestParts" | "IntoResponse"
                                )
                            })
                    });
                    if is_impl && !out.contains(&(id, kind)) {
                        out.push((id, kind));
                    }
                }
            }
        }
    }
    out
}

/// A router expression, by file and index.
type RouterId = (usize, usize);

struct RouteFound {
    method: String,
    path: String,
    handler: Option<u32>,
    middleware: Vec<u32>,
    caught: bool,
    actix: bool,
    file: usize,
    line: u32,
}

/// Every route of every root router (one no other router nests, merges or builds on).
fn routes(input: &Input<'_>, index: &Index<'_>) -> Vec<Start> {
    let mut routers: Vec<(RouterId, &RouterFacts)> = Vec::new();
    for (file, w) in input.files.iter().enumerate() {
        for (i, r) in w.result.calls.routers.iter().enumerate() {
            routers.push(((file, i), r));
        }
    }
    let by_id: HashMap<RouterId, &RouterFacts> = routers.iter().copied().collect();
    let mut by_owner: HashMap<&str, Vec<RouterId>> = HashMap::new();
    for (id, r) in &routers {
        by_owner.entry(r.owner.as_str()).or_default().push(*id);
    }
    let resolver = RouterResolver {
        index,
        by_id,
        by_owner,
    };
    let mut referenced: HashSet<RouterId> = HashSet::new();
    for (id, r) in &routers {
        for reference in r
            .base
            .iter()
            .chain(r.items.iter().filter_map(|item| match item {
                RouterItem::Nest { router, .. } | RouterItem::Merge { router } => Some(router),
                _ => None,
            }))
        {
            referenced.extend(resolver.refs(*id, r, reference));
        }
    }
    let mut found = Vec::new();
    for (id, _) in &routers {
        if referenced.contains(id) {
            continue;
        }
        resolver.expand(*id, "", 0, &mut found);
    }
    found
        .into_iter()
        .map(|r| {
            let takes_down = match (r.actix, r.caught) {
                (_, true) => TakesDown::Request,
                (true, false) => TakesDown::Worker,
                (false, false) => TakesDown::Connection,
            };
            let handler_node = r.handler.and_then(|h| index.nodes.get(h as usize));
            let mut sources: Vec<(u32, EdgeKind)> =
                r.handler.into_iter().map(|h| (h, EdgeKind::Call)).collect();
            sources.extend(r.middleware.iter().map(|&m| (m, EdgeKind::Middleware)));
            Start {
                entry: Entry {
                    name: format!("{} {}", r.method, r.path),
                    kind: EntryKind::Route,
                    route: Some(Route {
                        method: r.method,
                        path: r.path,
                    }),
                    function: handler_node.map(|n| n.facts.path.to_string()),
                    file: Some(FileId(
                        u32::try_from(handler_node.map_or(r.file, |n| n.file)).unwrap_or(u32::MAX),
                    )),
                    line: handler_node.map_or(r.line, |n| n.facts.line),
                    takes_down,
                },
                sources,
            }
        })
        .collect()
}

struct RouterResolver<'a, 'b> {
    index: &'b Index<'a>,
    by_id: HashMap<RouterId, &'a RouterFacts>,
    by_owner: HashMap<&'a str, Vec<RouterId>>,
}

impl RouterResolver<'_, '_> {
    /// The routers a reference in router `id` stands for.
    fn refs(&self, id: RouterId, router: &RouterFacts, reference: &RouterRef) -> Vec<RouterId> {
        match reference {
            RouterRef::Inline(i) => vec![(id.0, *i as usize)],
            RouterRef::Local(name) => {
                // The latest binding of that name before this expression.
                let found = self
                    .by_owner
                    .get(router.owner.as_str())
                    .into_iter()
                    .flatten()
                    .filter(|other| **other != id)
                    .filter_map(|other| Some((*other, *self.by_id.get(other)?)))
                    .filter(|(_, r)| r.binding.as_deref() == Some(name) && r.line <= router.line)
                    .max_by_key(|(_, r)| r.line);
                found.map(|(other, _)| other).into_iter().collect()
            }
            RouterRef::Call(path) => {
                let target = self.index.followed(id.0, path);
                let Some(&node) = self.index.by_path.get(target.joined.as_str()) else {
                    return Vec::new();
                };
                let Some(owner) = self.index.nodes.get(node as usize) else {
                    return Vec::new();
                };
                self.returned(owner.facts.path.as_str())
            }
        }
    }

    /// The routers a function returns: those of its body no other of them uses.
    fn returned(&self, owner: &str) -> Vec<RouterId> {
        let all: Vec<RouterId> = self.by_owner.get(owner).cloned().unwrap_or_default();
        let mut used = HashSet::new();
        for id in &all {
            let Some(r) = self.by_id.get(id) else {
                continue;
            };
            for reference in r
                .base
                .iter()
                .chain(r.items.iter().filter_map(|item| match item {
                    RouterItem::Nest { router, .. } | RouterItem::Merge { router } => Some(router),
                    _ => None,
                }))
            {
                if !matches!(reference, RouterRef::Call(_)) {
                    used.extend(self.refs(*id, r, reference));
                }
            }
        }
        all.into_iter().filter(|id| !used.contains(id)).collect()
    }

    /// Appends the routes of router `id` under `prefix`.
    fn expand(&self, id: RouterId, prefix: &str, depth: usize, out: &mut Vec<RouteFound>) {
        if depth > MAX_NEST {
            return;
        }
        let Some(router) = self.by_id.get(&id).copied() else {
            return;
        };
        let (file, _) = id;
        let prefix = match &router.prefix {
            Some(p) => join(prefix, p),
            None => prefix.to_owned(),
        };
        let first = out.len();
        if let Some(base) = &router.base {
            for other in self.refs(id, router, base) {
                self.expand(other, &prefix, depth + 1, out);
            }
        }
        let actix = router.framework == Framework::Actix;
        for item in &router.items {
            match item {
                RouterItem::Route {
                    path,
                    handlers,
                    line,
                } => {
                    for h in handlers {
                        out.push(RouteFound {
                            method: h.method.to_string(),
                            path: join(&prefix, path),
                            handler: self.index.handler(file, h),
                            middleware: Vec::new(),
                            caught: false,
                            actix,
                            file,
                            line: *line,
                        });
                    }
                }
                RouterItem::Fallback {
                    handler,
                    what,
                    line,
                } => out.push(RouteFound {
                    method: "ANY".to_owned(),
                    path: format!("{} ({what})", join(&prefix, "/*")),
                    handler: self.index.handler(file, handler),
                    middleware: Vec::new(),
                    caught: false,
                    actix,
                    file,
                    line: *line,
                }),
                RouterItem::Nest {
                    prefix: p,
                    router: r,
                } => {
                    let inner = join(&prefix, p);
                    for other in self.refs(id, router, r) {
                        self.expand(other, &inner, depth + 1, out);
                    }
                }
                RouterItem::Merge { router: r } => {
                    for other in self.refs(id, router, r) {
                        self.expand(other, &prefix, depth + 1, out);
                    }
                }
                RouterItem::Layer {
                    catches,
                    middleware,
                } => {
                    let functions: Vec<u32> = middleware
                        .iter()
                        .filter_map(|m| self.index.handler(file, m))
                        .collect();
                    // A layer wraps the routes added before it.
                    for route in out.iter_mut().skip(first) {
                        route.caught |= *catches;
                        route.middleware.extend(functions.iter().copied());
                    }
                }
            }
        }
    }
}

/// `/api` + `/users` = `/api/users`; `/api` + `/` = `/api`.
fn join(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return if path.is_empty() {
            "/".to_owned()
        } else {
            path.to_owned()
        };
    }
    if path.is_empty() || path == "/" {
        return prefix.to_owned();
    }
    let prefix = prefix.trim_end_matches('/');
    if path.starts_with('/') {
        format!("{prefix}{path}")
    } else {
        format!("{prefix}/{path}")
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn matches(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(first) = parts.next() else {
        return text.is_empty();
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = rest.get(at + part.len()..).unwrap_or(""),
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Whether a manifest sets `panic = "abort"` in any profile.
fn sets_abort(manifest: &str) -> bool {
    let Ok(table) = manifest.parse::<toml::Table>() else {
        return false;
    };
    table
        .get("profile")
        .and_then(|p| p.as_table())
        .is_some_and(|profiles| {
            profiles.values().any(|p| {
                p.get("panic")
                    .and_then(|v| v.as_str())
                    .is_some_and(|v| v == "abort")
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches("my_crate::jobs::*", "my_crate::jobs::run"));
        assert!(!matches("my_crate::jobs::*", "my_crate::job"));
        assert!(matches("*register*", "POST /users -> register"));
        assert!(matches("GET /users", "GET /users"));
        assert!(!matches("GET /users", "GET /users/{id}"));
    }

    #[test]
    fn prefixes_join() {
        assert_eq!(join("", "/a"), "/a");
        assert_eq!(join("/api", "/"), "/api");
        assert_eq!(join("/api/", "/users"), "/api/users");
        assert_eq!(join("/api", "users"), "/api/users");
    }

    /// On a graph with cycles and more entries than a word has bits, one pass
    /// for all entries reaches what a search from each entry reaches.
    #[test]
    fn one_pass_reaches_what_each_search_reaches() {
        let mut seed = 12_345u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let nodes = 150usize;
        let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); nodes];
        for _ in 0..400 {
            let (from, to) = (next(nodes as u64) as usize, next(nodes as u64) as u32);
            adjacency[from].push(to);
        }
        let mut graph = Graph {
            offsets: Vec::new(),
            edges: Vec::new(),
        };
        for out in &adjacency {
            graph.offsets.push(graph.edges.len());
            graph.edges.extend(out.iter().map(|&to| Edge {
                to,
                kind: EdgeKind::Call,
                line: 1,
                over: false,
            }));
        }
        graph.offsets.push(graph.edges.len());
        let node_sites: HashMap<u32, Vec<usize>> = (0..nodes as u32)
            .step_by(3)
            .map(|n| (n, vec![n as usize * 2, n as usize * 2 + 1]))
            .collect();
        let starts: Vec<Start> = (0..70)
            .map(|e| Start {
                entry: Entry {
                    name: format!("e{e}"),
                    kind: EntryKind::Public,
                    route: None,
                    function: None,
                    file: None,
                    line: 0,
                    takes_down: TakesDown::Caller,
                },
                sources: (0..=next(2))
                    .map(|_| (next(nodes as u64) as u32, EdgeKind::Call))
                    .collect(),
            })
            .collect();
        let all = reached_by_all(&graph, &node_sites, &starts);
        assert!(all.iter().any(|r| !r.is_empty()));
        for (start, mut reached) in starts.iter().zip(all) {
            let mut seen = vec![false; nodes];
            let mut queue: Vec<u32> = start.sources.iter().map(|s| s.0).collect();
            let mut expected: Vec<usize> = Vec::new();
            while let Some(node) = queue.pop() {
                if std::mem::replace(&mut seen[node as usize], true) {
                    continue;
                }
                expected.extend(node_sites.get(&node).into_iter().flatten());
                queue.extend(graph.edges(node).iter().map(|e| e.to));
            }
            expected.sort_unstable();
            reached.sort_unstable();
            assert_eq!(reached, expected, "{}", start.entry.name);
        }
    }

    #[test]
    fn abort_profiles() {
        assert!(sets_abort("[profile.release]\npanic = \"abort\"\n"));
        assert!(!sets_abort("[profile.release]\nlto = true\n"));
    }
}
