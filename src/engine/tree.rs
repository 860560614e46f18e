//! The module trees: from each target's root file, `mod` declarations are
//! followed the way rustc does (`foo.rs`, `foo/mod.rs`, `#[path]`, inline modules).
//!
//! Files are read and analyzed as they are discovered, in parallel: a file's
//! result lists its `mod` declarations, and each one found becomes a new job. A
//! file that one target reaches as several modules (`#[path]` from two places) is
//! analyzed as each (up to [`MAX_MODULES`]); the report keeps the shallowest, then
//! the first by module path, so that every run says the same whatever the threads
//! do, and the cache keeps them all.
//! The analysis runs behind a boundary that turns a failure into an
//! `internal-error` site, on threads with a stack deep enough for the deepest
//! file [`analyze`] accepts. Results come from the cache when the file's key
//! matches, so a warm run parses nothing.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::api::{Pos, RuleId, Site, Span};
use crate::engine::analyze::{analyze, tool_site, FileInput, FileResult, ModDecl};
use crate::engine::cache::{self, Encoded, FileCache};
use crate::engine::guard;
use crate::engine::lint_attrs::LintAttr;
use crate::engine::model::{normalize, Package, Workspace};
use crate::engine::source;

/// Stack for each checking thread: the parser and the visitor recurse once per
/// nesting level, and [`crate::engine::analyze::MAX_NESTING`] levels must fit.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// The most modules one file is analyzed as within one target: real code includes a
/// file through a few `#[path]`s; a diamond of them must not multiply the work.
const MAX_MODULES: usize = 16;

#[derive(Debug, thiserror::Error)]
#[error("cannot start the checking threads: {0}")]
pub struct ThreadsError(String);

/// A target whose module tree is walked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetRef {
    pub package: usize,
    pub target: usize,
}

/// One file the walk reached.
#[derive(Debug)]
pub struct Walked {
    /// The path as discovered (absolute).
    pub path: PathBuf,
    /// The real path, to recognise one file reached twice.
    pub canonical: PathBuf,
    pub package: Option<usize>,
    /// The target whose module tree reached it (an index into the walked targets).
    pub target: Option<usize>,
    pub module: String,
    /// How many `mod` declarations lead here from the target's root.
    pub depth: u32,
    /// The text, when it could be read as UTF-8.
    pub text: Option<Arc<String>>,
    pub result: FileResult,
    /// The cache key of `result` and its encoding, kept with or without a cache (a
    /// fresh result is kept only so until the walk ends: [`decode_kept`]); `None`
    /// when it must not be cached (the file could not be read, or the tool failed
    /// on it).
    pub cached: Option<(u128, Encoded)>,
    /// Sites the walk itself found: `mod` declarations whose file is missing, or
    /// is the file of an enclosing module (a `#[path]` or symlink cycle).
    pub missing: Vec<Site>,
    /// The Clippy lint attributes of the parent files around this file's `mod`
    /// declaration, outermost first (the crate's `#![allow(..)]` among them).
    pub inherited: Vec<LintAttr>,
}

/// What every job of one walk shares.
pub struct Walk<'a> {
    pub root: &'a Path,
    pub include_tests: bool,
    pub include_debug: bool,
    pub markers: &'a [String],
    pub cache: &'a FileCache,
}

struct Job {
    path: PathBuf,
    /// Where its `mod x;` children live.
    dir: PathBuf,
    module: String,
    in_test: bool,
    package: Option<usize>,
    /// The crate name of the package's library, if it has one.
    library: Option<String>,
    order: usize,
    /// See [`Walked::inherited`].
    inherited: Vec<LintAttr>,
    /// How many `mod` declarations lead here from the target's root.
    depth: u32,
    /// The real path, when the parent found it already.
    canonical: Option<PathBuf>,
    /// The files of the enclosing modules, nearest first.
    ancestors: Option<Arc<Ancestor>>,
}

/// A file of an enclosing module: a `mod` that leads back to one of them is a
/// cycle, as rustc says ("circular modules"), and is not followed.
struct Ancestor {
    path: PathBuf,
    canonical: PathBuf,
    parent: Option<Arc<Ancestor>>,
}

struct Shared<'a> {
    walk: &'a Walk<'a>,
    /// Per target and file, the modules it was reached as.
    visited: Mutex<HashMap<(usize, PathBuf), HashSet<String>>>,
    done: Mutex<Vec<Walked>>,
    dirs: RealDirs,
}

/// Walks every given target's module tree and returns one entry per file, sorted
/// by path.
pub fn walk_targets(
    ws: &Workspace,
    targets: &[TargetRef],
    walk: &Walk<'_>,
) -> Result<Vec<Walked>, ThreadsError> {
    let mut roots = Vec::new();
    for tref in targets {
        let Some(package) = ws.packages.get(tref.package) else {
            continue;
        };
        let Some(target) = package.targets.get(tref.target) else {
            continue;
        };
        roots.push(Job {
            dir: target
                .root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default(),
            path: target.root.clone(),
            module: target.crate_name.clone(),
            in_test: target.is_test,
            package: Some(tref.package),
            library: package.library().map(str::to_owned),
            order: roots.len(),
            inherited: Vec::new(),
            depth: 0,
            canonical: None,
            ancestors: None,
        });
    }
    run_jobs(roots, walk, true)
}

/// Analyzes single files outside any module tree (FILES that no target reaches).
pub fn walk_loose_files(
    ws: &Workspace,
    files: &[PathBuf],
    walk: &Walk<'_>,
) -> Result<Vec<Walked>, ThreadsError> {
    let mut jobs = Vec::new();
    for path in files {
        let package = ws.package_of(path);
        let (module, in_test) = match package.and_then(|p| ws.packages.get(p)) {
            Some(p) => guess_module(p, path),
            None => (file_stem(path), false),
        };
        if in_test && !walk.include_tests {
            continue;
        }
        jobs.push(Job {
            dir: child_dir_of(path),
            path: path.clone(),
            module,
            in_test,
            package,
            library: package
                .and_then(|p| ws.packages.get(p))
                .and_then(Package::library)
                .map(str::to_owned),
            order: usize::MAX,
            inherited: Vec::new(),
            depth: 0,
            canonical: None,
            ancestors: None,
        });
    }
    // Loose files are checked alone: their `mod` children are not followed.
    run_jobs(jobs, walk, false)
}

/// The checking threads, started once per process: a process that checks again
/// (an editor's server, a test suite, the benchmark) keeps them, and the memory
/// their allocator holds, instead of starting new ones with fresh stacks.
fn pool() -> Result<&'static rayon::ThreadPool, ThreadsError> {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    if let Some(pool) = POOL.get() {
        return Ok(pool);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("panicfree-{i}"))
        .build()
        .map_err(|e| ThreadsError(e.to_string()))?;
    // Two first checks at once: one pool is kept, the other's threads end.
    Ok(POOL.get_or_init(|| pool))
}

/// Drops walked files on the checking threads: a cold run's results hold over a
/// million allocations, a tenth of a second to free on one thread.
pub fn release(files: Vec<Walked>) {
    use rayon::prelude::*;
    match pool() {
        Ok(pool) => pool.install(|| files.into_par_iter().for_each(drop)),
        Err(_) => drop(files),
    }
}

/// Decodes the fresh results, which the walk kept only encoded, in parallel once
/// every syntax tree is gone: they are allocated together, as a warm run's are.
fn decode_kept(files: &mut [Walked]) {
    use rayon::prelude::*;
    files.par_iter_mut().for_each(|w| {
        if let Some((_, Encoded::Fresh(bytes))) = &w.cached {
            w.result = cache::result_of(bytes).unwrap_or_else(|| {
                FileResult::internal_error(&w.module, "its encoded result did not decode")
            });
        }
    });
}

fn run_jobs(roots: Vec<Job>, walk: &Walk<'_>, follow: bool) -> Result<Vec<Walked>, ThreadsError> {
    let pool = pool()?;
    let shared = Shared {
        walk,
        visited: Mutex::new(HashMap::new()),
        done: Mutex::new(Vec::new()),
        dirs: RealDirs::default(),
    };
    pool.in_place_scope(|scope| {
        for job in roots {
            let shared = &shared;
            scope.spawn(move |scope| process(scope, job, shared, follow));
        }
    });
    let mut files = shared
        .done
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    // One entry per real file: the first target (in metadata order) owns it, as its
    // shallowest module, then the first by path. The others' results stay in the
    // cache, which they ask for next time.
    files.sort_by(|a, b| {
        (&a.canonical, a.target, a.depth, &a.module).cmp(&(
            &b.canonical,
            b.target,
            b.depth,
            &b.module,
        ))
    });
    files.dedup_by(|later, first| {
        let twice = later.canonical == first.canonical;
        if twice {
            if let Some((key, bytes)) = later.cached.take() {
                walk.cache.keep(later.canonical.clone(), key, bytes);
            }
        }
        twice
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    pool.install(|| decode_kept(&mut files));
    Ok(files)
}

fn process<'s>(scope: &rayon::Scope<'s>, mut job: Job, shared: &'s Shared<'s>, follow: bool) {
    let canonical = job
        .canonical
        .take()
        .unwrap_or_else(|| shared.dirs.real_path(&job.path));
    let first_visit = {
        let mut visited = shared
            .visited
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let modules = visited.entry((job.order, canonical.clone())).or_default();
        modules.len() < MAX_MODULES && modules.insert(job.module.clone())
    };
    if !first_visit {
        // This target has been here before as this module (or as too many).
        return;
    }
    let walk = shared.walk;
    let (text, mut result, cached) = analyze_file(&job, &canonical, walk);
    let mut missing = Vec::new();
    if follow && !result.mods.is_empty() {
        let here = Arc::new(Ancestor {
            path: job.path.clone(),
            canonical: canonical.clone(),
            parent: job.ancestors.clone(),
        });
        for decl in &result.mods {
            if decl.is_test && !walk.include_tests {
                continue;
            }
            let Some(mut child) = resolve(&job, decl) else {
                missing.push(missing_module(&job, decl, walk.root));
                continue;
            };
            let child_canonical = shared.dirs.real_path(&child.path);
            if let Some(cycle) = cycle(&here, &child.path, &child_canonical, walk.root) {
                missing.push(circular_module(&job, decl, &cycle));
                continue;
            }
            child.canonical = Some(child_canonical);
            child.ancestors = Some(Arc::clone(&here));
            scope.spawn(move |scope| process(scope, child, shared, follow));
        }
    }
    // A fresh result is kept only as its encoding until the walk ends: a few
    // blocks where the result is thousands of small ones, which would lie among
    // the blocks of the syntax trees still to come and leave them in memory out
    // of the cache (README, Speed).
    if matches!(cached, Some((_, Encoded::Fresh(_)))) {
        result = FileResult::default();
    }
    shared
        .done
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Walked {
            path: job.path,
            canonical,
            package: job.package,
            target: (job.order != usize::MAX).then_some(job.order),
            depth: job.depth,
            module: job.module,
            text,
            result,
            cached,
            missing,
            inherited: job.inherited,
        });
}

type Analyzed = (Option<Arc<String>>, FileResult, Option<(u128, Encoded)>);

/// Reads a file and analyzes it (or takes its result from the cache), behind the
/// panic boundary. Fresh results are encoded for the cache here, in parallel.
fn analyze_file(job: &Job, canonical: &Path, walk: &Walk<'_>) -> Analyzed {
    let bytes = match read_source(&job.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let result = FileResult::parse_error(
                &job.module,
                Span::point(Pos::START),
                source::clip(&format!("cannot read file: {e}"), source::MAX_MESSAGE),
                None,
            );
            return (None, result, None);
        }
    };
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.as_bytes();
            let valid_up_to = e.utf8_error().valid_up_to();
            let valid = bytes
                .get(..valid_up_to)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or("");
            let pos = source::first_bad_byte(valid);
            let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
            let result = FileResult::parse_error(
                &job.module,
                Span::point(pos),
                format!(
                    "file is not valid UTF-8: byte 0x{byte:02X} at line {}, column {} is not part of a UTF-8 character",
                    pos.line, pos.column
                ),
                Some("save the file as UTF-8"),
            );
            return (None, result, None);
        }
    };
    // rustc ignores a leading byte-order mark; so do spans.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    // Shared with the report as read, without a copy.
    let text = Arc::new(text);
    let input = FileInput {
        module_path: &job.module,
        in_test: job.in_test,
        include_tests: walk.include_tests,
        include_debug: walk.include_debug,
        library: job.library.as_deref(),
        markers: walk.markers,
    };
    let key = cache::file_key(&text, &input);
    if let Some((result, bytes)) = walk.cache.take(canonical, key) {
        return (Some(text), result, Some((key, bytes)));
    }
    match guard::boundary(|| {
        inject_fault(&job.path);
        analyze(&text, &input)
    }) {
        Ok(result) => {
            // Encoded with or without a cache: the walk keeps the encoding.
            let cached = cache::result_bytes(&result).map(|bytes| (key, Encoded::Fresh(bytes)));
            (Some(text), result, cached)
        }
        Err(message) => (
            Some(text),
            FileResult::internal_error(&job.module, &message),
            None,
        ),
    }
}

/// A test-only fault: with `PANICFREE_TEST_PANIC_IN=<file name>`, checking that
/// file panics, so that the test suite can prove the boundary holds (an
/// `internal-error` finding, exit 2, the other files checked). Debug builds only.
#[cfg(debug_assertions)]
#[allow(clippy::panic, reason = "the fault the boundary must survive")]
fn inject_fault(path: &Path) {
    let Some(name) = std::env::var_os("PANICFREE_TEST_PANIC_IN") else {
        return;
    };
    if path.file_name() == Some(name.as_os_str()) {
        panic!("a fault injected by PANICFREE_TEST_PANIC_IN");
    }
}

#[cfg(not(debug_assertions))]
fn inject_fault(_: &Path) {}

/// The biggest source file read (generated code runs to tens of megabytes).
const MAX_SOURCE: u64 = 256 << 20;

/// The bytes of a source file, which must be a regular file (a `lib.rs` that is a
/// symlink to `/dev/zero` would never end) of at most [`MAX_SOURCE`] bytes.
fn read_source(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    let too_big = || {
        std::io::Error::other(format!(
            "it is over {} MiB, the most this tool reads",
            MAX_SOURCE >> 20
        ))
    };
    if meta.len() > MAX_SOURCE {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_SOURCE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SOURCE {
        return Err(too_big());
    }
    Ok(bytes)
}

/// The file of a `mod name;` declaration, as rustc finds it.
fn resolve(parent: &Job, decl: &ModDecl) -> Option<Job> {
    let base = inline_dir(parent, decl);
    let mut module = parent.module.clone();
    for inline in &decl.inline {
        module.push_str("::");
        module.push_str(&inline.name);
    }
    module.push_str("::");
    module.push_str(&decl.name);
    let (path, dir) = match &decl.path_attr {
        Some(attr) => {
            let path = path_attr_file(parent, decl, attr, &base);
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (path, dir)
        }
        None => {
            let dir = base.join(&decl.name);
            let flat = base.join(format!("{}.rs", decl.name));
            let nested = dir.join("mod.rs");
            let path = if flat.is_file() { flat } else { nested };
            (path, dir)
        }
    };
    if !path.is_file() {
        return None;
    }
    Some(Job {
        path,
        dir,
        module,
        in_test: parent.in_test || decl.is_test,
        package: parent.package,
        library: parent.library.clone(),
        order: parent.order,
        inherited: parent
            .inherited
            .iter()
            .chain(&decl.attributes)
            .cloned()
            .collect(),
        depth: parent.depth + 1,
        canonical: None,
        ancestors: None,
    })
}

/// The real paths of the directories the walk has seen: a file's real path is its
/// directory's joined with its name, unless the file is a symlink itself, so that
/// each file costs one `lstat` instead of resolving every component of its path.
#[derive(Default)]
struct RealDirs(Mutex<HashMap<PathBuf, PathBuf>>);

impl RealDirs {
    /// The real path of a file (symlinks resolved), or the path itself.
    fn real_path(&self, path: &Path) -> PathBuf {
        let resolved = || std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return resolved();
        };
        match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => return resolved(),
            Ok(_) => {}
            // As `canonicalize` would fail.
            Err(_) => return path.to_path_buf(),
        }
        let known = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(dir)
            .cloned();
        let real_dir = match known {
            Some(real_dir) => real_dir,
            None => {
                let Ok(real_dir) = std::fs::canonicalize(dir) else {
                    return resolved();
                };
                self.0
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(dir.to_path_buf(), real_dir.clone());
                real_dir
            }
        };
        real_dir.join(name)
    }
}

/// When `canonical` is the file of `here` or of a module around it, the files of
/// the cycle as shown: from that module's file down to `path`.
fn cycle(here: &Arc<Ancestor>, path: &Path, canonical: &Path, root: &Path) -> Option<String> {
    let mut chain = vec![path];
    let mut at = Some(here);
    while let Some(ancestor) = at {
        chain.push(&ancestor.path);
        if ancestor.canonical == canonical {
            let shown: Vec<String> = chain.iter().rev().map(|p| shown(p, root)).collect();
            return Some(shown.join(" -> "));
        }
        at = ancestor.parent.as_ref();
    }
    None
}

/// A path relative to the workspace root, in backticks.
fn shown(path: &Path, root: &Path) -> String {
    let path = normalize(path);
    let rel = path.strip_prefix(root).unwrap_or(&path);
    format!("`{}`", rel.display())
}

fn circular_module(parent: &Job, decl: &ModDecl, cycle: &str) -> Site {
    tool_site(
        RuleId::ParseError,
        &parent.module,
        decl.span,
        source::clip(
            &format!("circular modules: {cycle}"),
            source::MAX_MESSAGE,
        ),
        Some("remove the `mod` declaration, or the `#[path]` or symlink that leads back to the file of an enclosing module"),
    )
}

fn missing_module(parent: &Job, decl: &ModDecl, root: &Path) -> Site {
    let dir = inline_dir(parent, decl);
    let expected = match &decl.path_attr {
        Some(attr) => {
            let path = path_attr_file(parent, decl, attr, &dir);
            // `#[path]` must name a file; rustc cannot read a directory either.
            match path.is_dir() {
                true => format!("{} is a directory", shown(&path, root)),
                false => format!("expected {}", shown(&path, root)),
            }
        }
        None => format!(
            "expected {} or {}",
            shown(&dir.join(format!("{}.rs", decl.name)), root),
            shown(&dir.join(&decl.name).join("mod.rs"), root)
        ),
    };
    tool_site(
        RuleId::ParseError,
        &parent.module,
        decl.span,
        source::clip(
            &format!("file not found for module `{}`: {expected}", decl.name),
            source::MAX_MESSAGE,
        ),
        Some("create the file, or remove the `mod` declaration"),
    )
}

/// The directory of the inline modules a `mod name;` declaration sits in.
fn inline_dir(parent: &Job, decl: &ModDecl) -> PathBuf {
    let mut dir = parent.dir.clone();
    for inline in &decl.inline {
        dir.push(inline.path_attr.as_deref().unwrap_or(&inline.name));
    }
    dir
}

/// The file a `#[path = attr]` names: relative to the declaring file's own
/// directory, or to the inline modules' one (`inline_dir`).
fn path_attr_file(parent: &Job, decl: &ModDecl, attr: &str, inline_dir: &Path) -> PathBuf {
    if decl.inline.is_empty() {
        parent
            .path
            .parent()
            .map(|d| d.join(attr))
            .unwrap_or_else(|| PathBuf::from(attr))
    } else {
        inline_dir.join(attr)
    }
}

/// Where the children of a file that is not a `mod.rs`-like root live.
fn child_dir_of(path: &Path) -> PathBuf {
    let parent = path.parent().map(Path::to_path_buf).unwrap_or_default();
    match path.file_name().and_then(|n| n.to_str()) {
        Some("mod.rs" | "lib.rs" | "main.rs") => parent,
        _ => parent.join(file_stem(path)),
    }
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The module path of a file no target reaches, from where it sits:
/// `src/a/b.rs` is `crate::a::b`; files under `tests/`, `benches/`, `examples/`
/// and `build.rs` are test code.
fn guess_module(package: &Package, path: &Path) -> (String, bool) {
    let rel = path.strip_prefix(&package.manifest_dir).unwrap_or(path);
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let in_test = matches!(
        first.as_str(),
        "tests" | "benches" | "examples" | "build.rs"
    );
    let crate_name = package
        .targets
        .iter()
        .find(|t| !t.is_test)
        .map(|t| t.crate_name.clone())
        .unwrap_or_else(|| package.name.replace('-', "_"));
    let under_src = rel.strip_prefix("src").unwrap_or(rel);
    let mut module = crate_name;
    let parts: Vec<String> = under_src
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let count = parts.len();
    for (i, part) in parts.into_iter().enumerate() {
        let last = i + 1 == count;
        if last && matches!(part.as_str(), "mod" | "lib" | "main") {
            break;
        }
        module.push_str("::");
        module.push_str(&part);
    }
    (module, in_test)
}

/// The view workspace passes read of the walked files: their facts, the packages
/// and the walked targets, the manifests, the layers.
pub fn workspace_view<'a>(
    ws: &'a Workspace,
    targets: &[TargetRef],
    files: impl Iterator<Item = (crate::api::FileId, &'a Walked)>,
    manifests: Vec<crate::api::view::ManifestView<'a>>,
    layers: &'a crate::api::layers::Layers,
) -> crate::api::view::WorkspaceView<'a> {
    use crate::api::view::{FileView, PackageView, TargetView, WorkspaceView};
    WorkspaceView::new(
        files
            .map(|(file, w)| FileView {
                file,
                package: w.package,
                target: w.target,
                facts: &w.result.facts,
            })
            .collect(),
        ws.packages
            .iter()
            .map(|p| PackageView {
                name: &p.name,
                renames: &p.renames,
            })
            .collect(),
        targets
            .iter()
            .filter_map(|t| {
                let target = ws.packages.get(t.package)?.targets.get(t.target)?;
                Some(TargetView {
                    package: t.package,
                    crate_name: &target.crate_name,
                    is_bin: target.is_bin,
                    is_lib: target.is_lib,
                })
            })
            .collect(),
        manifests,
        layers,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through a directory's real path and name, the same answer as resolving the
    /// whole path: for a plain file, a file in a symlinked directory, a file that is
    /// a symlink, a path through `..`, and a file that is not there.
    #[cfg(unix)]
    #[test]
    fn real_paths_agree_with_canonicalize() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/real")).expect("directories");
        std::fs::write(root.join("src/real/a.rs"), "").expect("a file");
        std::os::unix::fs::symlink(root.join("src/real"), root.join("src/linked")).expect("link");
        std::os::unix::fs::symlink(root.join("src/real/a.rs"), root.join("src/b.rs"))
            .expect("link");
        let dirs = RealDirs::default();
        for path in [
            "src/real/a.rs",
            "src/linked/a.rs",
            "src/b.rs",
            "src/linked/../real/a.rs",
        ] {
            let path = root.join(path);
            let expected = std::fs::canonicalize(&path).expect("the file exists");
            assert_eq!(dirs.real_path(&path), expected, "{}", path.display());
            // Again, from the directories it has seen.
            assert_eq!(dirs.real_path(&path), expected, "{}", path.display());
        }
        let missing = root.join("src/linked/missing.rs");
        assert_eq!(dirs.real_path(&missing), missing);
    }
}
