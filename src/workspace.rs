//! The workspace: members and targets from `cargo metadata`, then the module
//! tree of each target, followed from its root file the way rustc does
//! (`foo.rs`, `foo/mod.rs`, `#[path]`, inline modules).
//!
//! Files are read and checked as they are discovered, in parallel: a file's
//! summary lists its `mod` declarations, and each one found becomes a new job.
//! The per-file work runs behind a boundary that turns a failure into an
//! `internal-error` finding, on threads with a stack deep enough for the
//! deepest file [`check`] accepts.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use crate::check::{self, FileContext, FileSummary, ModDecl};
use crate::config::Config;
use crate::diagnostic::{Finding, Pos, Span};
use crate::facts::Facts;
use crate::rules::{InternalError, ParseError};
use crate::source::SourceText;

/// Stack for each checking thread: the parser and the visitor recurse once per
/// nesting level, and [`check::MAX_DEPTH`] levels must fit.
const STACK_SIZE: usize = 256 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error("cannot read the workspace: {0}")]
    Metadata(String),
    #[error("package `{0}` is not a member of this workspace")]
    UnknownPackage(String),
    #[error("cannot read {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot start the checking threads: {0}")]
    Threads(String),
}

/// A workspace member.
#[derive(Clone, Debug)]
pub struct Package {
    pub name: String,
    pub manifest_dir: PathBuf,
    pub targets: Vec<Target>,
    /// Renamed dependencies: the name code uses -> the crate's real name
    /// (`db = { package = "sqlx" }` gives `db` -> `sqlx`), `-` written as `_`.
    pub renames: std::collections::HashMap<String, String>,
}

impl Package {
    /// The crate name of its library target, if it has one.
    pub fn library(&self) -> Option<&str> {
        self.targets
            .iter()
            .find(|t| t.is_lib)
            .map(|t| t.crate_name.as_str())
    }
}

#[derive(Clone, Debug)]
pub struct Target {
    /// The crate name (`my_service`), the first segment of its module paths.
    pub crate_name: String,
    pub root: PathBuf,
    /// Test, bench and example targets and build scripts: test code.
    pub is_test: bool,
    pub is_bin: bool,
    pub is_lib: bool,
}

#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub packages: Vec<Package>,
}

impl Workspace {
    /// Asks `cargo metadata --no-deps` for the workspace of `manifest_path`
    /// (or of the current directory).
    pub fn load(manifest_path: Option<&Path>) -> Result<Workspace, WorkspaceError> {
        let mut cmd = cargo_metadata::MetadataCommand::new();
        cmd.no_deps();
        if let Some(path) = manifest_path {
            cmd.manifest_path(path);
        }
        let metadata = cmd
            .exec()
            .map_err(|e| WorkspaceError::Metadata(metadata_error(&e)))?;
        let packages = metadata
            .workspace_packages()
            .into_iter()
            .map(|p| Package {
                name: p.name.to_string(),
                manifest_dir: p
                    .manifest_path
                    .parent()
                    .map(|d| d.as_std_path().to_path_buf())
                    .unwrap_or_default(),
                targets: p
                    .targets
                    .iter()
                    .map(|t| Target {
                        crate_name: t.name.replace('-', "_"),
                        root: t.src_path.as_std_path().to_path_buf(),
                        is_test: t.is_test()
                            || t.is_bench()
                            || t.is_example()
                            || t.is_custom_build(),
                        is_bin: t.is_bin(),
                        is_lib: t.is_lib()
                            || t.is_rlib()
                            || t.is_proc_macro()
                            || t.is_dylib()
                            || t.is_cdylib()
                            || t.is_staticlib(),
                    })
                    .collect(),
                renames: p
                    .dependencies
                    .iter()
                    .filter_map(|d| {
                        let rename = d.rename.as_ref()?;
                        Some((rename.replace('-', "_"), d.name.replace('-', "_")))
                    })
                    .collect(),
            })
            .collect();
        Ok(Workspace {
            root: metadata.workspace_root.into_std_path_buf(),
            packages,
        })
    }

    /// Keeps only the named packages; an unknown name is an error.
    pub fn select(&mut self, names: &[String]) -> Result<(), WorkspaceError> {
        if names.is_empty() {
            return Ok(());
        }
        if let Some(unknown) = names
            .iter()
            .find(|n| !self.packages.iter().any(|p| &p.name == *n))
        {
            return Err(WorkspaceError::UnknownPackage(unknown.clone()));
        }
        self.packages.retain(|p| names.contains(&p.name));
        Ok(())
    }

    /// The package whose directory holds `path` (the innermost one).
    pub fn package_of(&self, path: &Path) -> Option<usize> {
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| path.starts_with(&p.manifest_dir))
            .max_by_key(|(_, p)| p.manifest_dir.components().count())
            .map(|(i, _)| i)
    }

    /// A path as reports show it: relative to the workspace root, `/`-separated.
    pub fn display_path(&self, path: &Path) -> String {
        let path = normalize(path);
        let shown = path.strip_prefix(&self.root).unwrap_or(&path);
        let parts: Vec<_> = shown
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        parts.join("/")
    }
}

/// cargo's own message, without the command line cargo_metadata prepends.
fn metadata_error(e: &cargo_metadata::Error) -> String {
    match e {
        cargo_metadata::Error::CargoMetadata { stderr } => stderr
            .lines()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .map(|l| l.strip_prefix("error: ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join(": "),
        other => other.to_string(),
    }
}

/// Removes `.` and resolves `..` lexically (symlinks are not resolved).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// One checked file.
#[derive(Debug)]
pub struct CheckedFile {
    /// The path as discovered (absolute).
    pub path: PathBuf,
    /// The real path, to recognise one file reached twice.
    pub canonical: PathBuf,
    pub package: Option<usize>,
    pub findings: Vec<Finding>,
    /// The text (the human report shows it), when the file could be read.
    pub text: Option<Arc<str>>,
    /// What the whole-workspace rules need from it.
    pub facts: Facts,
    /// The target whose module tree reached it (an index into [`Checked::targets`]).
    pub target: Option<usize>,
}

/// The target a checked file belongs to.
#[derive(Clone, Copy, Debug)]
pub struct TargetRef {
    pub package: usize,
    pub target: usize,
}

/// The result of checking packages: the files, and the targets they came from.
#[derive(Debug, Default)]
pub struct Checked {
    pub files: Vec<CheckedFile>,
    pub targets: Vec<TargetRef>,
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
}

struct Shared<'a> {
    config: &'a Config,
    root: &'a Path,
    visited: Mutex<HashSet<(usize, PathBuf)>>,
    done: Mutex<Vec<CheckedFile>>,
}

/// Checks every target of the selected packages (test targets only when tests
/// are in scope) and returns one entry per file, sorted by path.
pub fn check_packages(
    ws: &Workspace,
    packages: &[usize],
    config: &Config,
) -> Result<Checked, WorkspaceError> {
    let mut roots = Vec::new();
    let mut targets = Vec::new();
    for &pi in packages {
        let Some(package) = ws.packages.get(pi) else {
            continue;
        };
        for (ti, target) in package.targets.iter().enumerate() {
            if target.is_test && !config.include_tests {
                continue;
            }
            targets.push(TargetRef {
                package: pi,
                target: ti,
            });
            roots.push(Job {
                dir: target
                    .root
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                path: target.root.clone(),
                module: target.crate_name.clone(),
                in_test: target.is_test,
                package: Some(pi),
                library: package.library().map(str::to_owned),
                order: roots.len(),
            });
        }
    }
    let files = run_jobs_with(roots, config, &ws.root, true)?;
    Ok(Checked { files, targets })
}

/// Checks single files outside any module tree (FILES that no target reaches).
pub fn check_loose_files(
    ws: &Workspace,
    files: &[PathBuf],
    config: &Config,
) -> Result<Vec<CheckedFile>, WorkspaceError> {
    let mut jobs = Vec::new();
    for path in files {
        let package = ws.package_of(path);
        let (module, in_test) = match package.and_then(|p| ws.packages.get(p)) {
            Some(p) => guess_module(p, path),
            None => (file_stem(path), false),
        };
        if in_test && !config.include_tests {
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
        });
    }
    // Loose files are checked alone: their `mod` children are not followed.
    run_jobs_with(jobs, config, &ws.root, false)
}

fn run_jobs_with(
    roots: Vec<Job>,
    config: &Config,
    root: &Path,
    follow: bool,
) -> Result<Vec<CheckedFile>, WorkspaceError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(STACK_SIZE)
        .thread_name(|i| format!("panicfree-{i}"))
        .build()
        .map_err(|e| WorkspaceError::Threads(e.to_string()))?;
    let shared = Shared {
        config,
        root,
        visited: Mutex::new(HashSet::new()),
        done: Mutex::new(Vec::new()),
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
    // One entry per real file: the first target (in metadata order) owns it.
    files.sort_by(|a, b| (&a.canonical, a.target).cmp(&(&b.canonical, b.target)));
    files.dedup_by(|later, first| later.canonical == first.canonical);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn process<'s>(scope: &rayon::Scope<'s>, job: Job, shared: &'s Shared<'s>, follow: bool) {
    let canonical = std::fs::canonicalize(&job.path).unwrap_or_else(|_| job.path.clone());
    let first_visit = shared
        .visited
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert((job.order, canonical.clone()));
    if !first_visit {
        // A symlink or `#[path]` loop: this target has been here before.
        return;
    }
    let (mut findings, text, summary) = check_file(&job, shared.config);
    if follow {
        for decl in &summary.mods {
            if decl.is_test && !shared.config.include_tests {
                continue;
            }
            match resolve(&job, decl) {
                Some(child) => scope.spawn(move |scope| process(scope, child, shared, follow)),
                None => findings.push(missing_module(&job, decl, shared.root)),
            }
        }
    }
    shared
        .done
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(CheckedFile {
            path: job.path,
            canonical,
            package: job.package,
            findings,
            text,
            facts: summary.facts,
            target: (job.order != usize::MAX).then_some(job.order),
        });
}

/// Reads and checks one file behind the panic boundary.
fn check_file(job: &Job, config: &Config) -> (Vec<Finding>, Option<Arc<str>>, FileSummary) {
    let bytes = match std::fs::read(&job.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let finding = ParseError::finding(
                Span::point(Pos::START),
                format!("cannot read file: {e}"),
                None,
            );
            return (vec![finding], None, FileSummary::default());
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => SourceText::new(text),
        Err(e) => {
            let finding = ParseError::finding(
                Span::point(Pos::START),
                format!("file is not valid UTF-8: {}", e.utf8_error()),
                Some("save the file as UTF-8"),
            );
            return (vec![finding], None, FileSummary::default());
        }
    };
    let cx = FileContext {
        module_path: &job.module,
        in_test: job.in_test,
        library: job.library.as_deref(),
    };
    let outcome = crate::run::boundary(|| check::analyze(text.as_str(), &cx, config));
    // Every span of this file has been turned into a line and column.
    proc_macro2::extra::invalidate_current_thread_spans();
    let text: Arc<str> = Arc::from(text.as_str());
    match outcome {
        Ok(analysis) => (analysis.findings, Some(text), analysis.summary),
        Err(message) => (
            vec![InternalError::finding(&message)],
            Some(text),
            FileSummary::default(),
        ),
    }
}

/// The file of a `mod name;` declaration, as rustc finds it.
fn resolve(parent: &Job, decl: &ModDecl) -> Option<Job> {
    let mut base = parent.dir.clone();
    let mut module = parent.module.clone();
    for inline in &decl.inline {
        base.push(inline.path_attr.as_deref().unwrap_or(&inline.name));
        module.push_str("::");
        module.push_str(&inline.name);
    }
    module.push_str("::");
    module.push_str(&decl.name);
    let (path, dir) = match &decl.path_attr {
        Some(attr) => {
            // Relative to the file's own directory, or to the inline modules' one.
            let path = if decl.inline.is_empty() {
                parent
                    .path
                    .parent()
                    .map(|d| d.join(attr))
                    .unwrap_or_else(|| PathBuf::from(attr))
            } else {
                base.join(attr)
            };
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
    })
}

fn missing_module(parent: &Job, decl: &ModDecl, root: &Path) -> Finding {
    let mut dir = parent.dir.clone();
    for inline in &decl.inline {
        dir.push(inline.path_attr.as_deref().unwrap_or(&inline.name));
    }
    let shown = |path: PathBuf| {
        let path = normalize(&path);
        let rel = path.strip_prefix(root).unwrap_or(&path);
        format!("`{}`", rel.display())
    };
    let expected = match &decl.path_attr {
        Some(attr) if decl.inline.is_empty() => shown(
            parent
                .path
                .parent()
                .map(|d| d.join(attr))
                .unwrap_or_else(|| PathBuf::from(attr)),
        ),
        Some(attr) => shown(dir.join(attr)),
        None => format!(
            "{} or {}",
            shown(dir.join(format!("{}.rs", decl.name))),
            shown(dir.join(&decl.name).join("mod.rs"))
        ),
    };
    ParseError::finding(
        decl.span,
        format!(
            "file not found for module `{}`: expected {expected}",
            decl.name
        ),
        Some("create the file, or remove the `mod` declaration"),
    )
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
