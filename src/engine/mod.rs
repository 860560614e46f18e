//! The engine: from a [`Request`] to a [`Report`], the one pipeline that the CLI,
//! the benchmark and the tests all call ([`check_workspace`]).
//!
//! 1. [`metadata`]: the workspace model (cached, or from `cargo metadata`);
//! 2. [`config`]: the configuration at its root;
//! 3. [`tree`]: every selected target's module tree, each file read once and
//!    [`analyze`]d (or taken from the [`cache`]) in parallel;
//! 4. [`apply`]: the configuration applied to each file's result;
//! 5. [`pass`]: the workspace rules over every file's facts;
//! 6. the report, with every finding naming a file of the run's file table.

pub mod analyze;
pub mod apply;
pub mod arrays;
pub mod atomic;
pub mod baseline;
pub mod cache;
pub mod calls;
pub mod config;
pub mod facts;
pub mod guard;
pub mod justify;
pub mod lint_attrs;
pub mod macros;
pub mod metadata;
pub mod model;
pub mod pass;
pub mod paths;
pub mod report;
pub mod select;
pub mod source;
pub mod tree;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::api::view::ManifestView;
use crate::api::FileId;
use crate::engine::cache::FileCache;
use crate::engine::config::ConfigError;
use crate::engine::metadata::{MetadataError, Start};
use crate::engine::model::{File, FileKind, Workspace};
use crate::engine::report::{Finding, Report};
use crate::engine::select::Selection;
use crate::engine::tree::{TargetRef, ThreadsError, Walk, Walked};

/// What to check.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `--manifest-path`; the current directory's workspace without it.
    pub manifest_path: Option<PathBuf>,
    /// `--target-dir`, where the cache lives (else cargo's target directory).
    pub target_dir: Option<PathBuf>,
    /// `-p NAME`: only these members.
    pub packages: Vec<String>,
    /// `--workspace`: every member (without it and `-p`, the packages cargo would
    /// pick from the current directory or `--manifest-path`).
    pub workspace: bool,
    /// Only these files (FILES mode); non-`.rs` paths are ignored.
    pub files: Vec<PathBuf>,
    pub include_tests: bool,
    /// Read and write the cache (`--no-cache` turns it off).
    pub use_cache: bool,
    /// What the panic-path analysis builds (chains for `paths`, counts for `check`).
    pub paths: paths::Query,
}

/// Why the engine could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Metadata(#[from] MetadataError),
    #[error("package `{0}` is not a member of this workspace")]
    UnknownPackage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Threads(#[from] ThreadsError),
}

/// Checks what `request` asks for.
pub fn check_workspace(request: &Request) -> Result<Report, EngineError> {
    let cwd = std::env::current_dir().map_err(|source| EngineError::File {
        path: PathBuf::from("."),
        source,
    })?;
    match named_files(&request.files)? {
        None => {
            let (ws, warning) = metadata::load(
                &start(request, request.manifest_path.clone()),
                request.use_cache,
            )?;
            let selection = Selection {
                manifest_path: request.manifest_path.as_deref(),
                names: &request.packages,
                all: request.workspace,
            };
            let packages = select::packages(&ws, selection, &cwd)
                .map_err(|unknown| EngineError::UnknownPackage(unknown.0))?;
            check_one(&ws, &packages, None, request, warning.into_iter().collect())
        }
        Some(wanted) => check_files(request, &wanted, &cwd),
    }
}

fn start(request: &Request, manifest_path: Option<PathBuf>) -> Start {
    Start {
        manifest_path,
        target_dir: request.target_dir.clone(),
    }
}

/// The files named on the command line (FILES mode), by real path (how the walk
/// knows a file, however it is reached), each with the path where it sits: the
/// real path of its directory and its own name. A named file that is a symlink
/// keeps its name: it belongs to the workspace it sits in and is shown as it sits
/// there (`src/lib.rs`, not `/dev/zero`).
type Named = HashMap<PathBuf, PathBuf>;

/// The named files of one workspace.
struct Group {
    ws: Workspace,
    /// The manifests it owns: a file whose nearest manifest is one of them is its.
    manifests: HashSet<PathBuf>,
    files: Named,
}

/// FILES mode: each file is checked as part of the workspace that owns it, each
/// workspace with its own configuration, and the reports are merged into one
/// whose paths are relative to the root of the run's own workspace (the current
/// directory's, or `--manifest-path`'s), so that they read as the user named them
/// from there: `example-service/src/core/mod.rs` for a nested workspace's file.
fn check_files(request: &Request, wanted: &Named, cwd: &Path) -> Result<Report, EngineError> {
    let mut warnings = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    let primary_error = match metadata::load(
        &start(request, request.manifest_path.clone()),
        request.use_cache,
    ) {
        Ok((ws, warning)) => {
            warnings.extend(warning);
            groups.push(Group::new(ws));
            None
        }
        Err(e) => Some(e),
    };
    let has_primary = primary_error.is_none();
    let mut sorted: Vec<(&PathBuf, &PathBuf)> = wanted.iter().collect();
    sorted.sort_by_key(|&(_, file)| file);
    for (canonical, file) in sorted {
        let manifest = file.parent().and_then(select::nearest_manifest);
        let mut index = None;
        if let Some(manifest) = manifest {
            index = groups.iter().position(|g| g.manifests.contains(&manifest));
            if index.is_none() {
                match metadata::load(&start(request, Some(manifest)), request.use_cache) {
                    Ok((ws, warning)) => {
                        push_new(&mut warnings, warning);
                        index = Some(match groups.iter().position(|g| g.ws.root == ws.root) {
                            Some(i) => i,
                            None => {
                                groups.push(Group::new(ws));
                                groups.len().saturating_sub(1)
                            }
                        });
                    }
                    // Checked alone, as a file of the run's own workspace: said, not silent.
                    Err(e) if has_primary => {
                        warnings.push(format!(
                            "{}: checked without its package, because its workspace cannot be read: {e}",
                            file.display()
                        ));
                        index = Some(0);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let Some(index) = index.or(has_primary.then_some(0)) else {
            // Outside every cargo project, and the run has no workspace of its own.
            if let Some(e) = primary_error {
                return Err(e.into());
            }
            continue;
        };
        if let Some(group) = groups.get_mut(index) {
            group.files.insert(canonical.clone(), file.clone());
        }
    }
    let base = match groups.first() {
        Some(primary) if has_primary => primary.ws.root.clone(),
        _ => cwd.to_path_buf(),
    };
    let mut parts = Vec::new();
    for group in groups.iter().filter(|g| !g.files.is_empty()) {
        let report = check_one(&group.ws, &[], Some(&group.files), request, Vec::new())?;
        parts.push((group.ws.root.clone(), report));
    }
    if parts.is_empty() {
        // No `.rs` file named: the run's own workspace, with nothing to report.
        match (primary_error, groups.first()) {
            (Some(e), _) => return Err(e.into()),
            (None, Some(primary)) => {
                let report =
                    check_one(&primary.ws, &[], Some(&primary.files), request, Vec::new())?;
                parts.push((primary.ws.root.clone(), report));
            }
            (None, None) => {}
        }
    }
    let mut report = match parts.len() {
        1 => parts
            .pop()
            .map(|(root, report)| rebase(report, &root, &base))
            .unwrap_or_default(),
        _ => merge(parts, &base),
    };
    for warning in std::mem::take(&mut report.warnings) {
        push_new(&mut warnings, Some(warning));
    }
    report.warnings = warnings;
    Ok(report)
}

impl Group {
    fn new(ws: Workspace) -> Group {
        Group {
            manifests: select::owned_manifests(&ws),
            ws,
            files: Named::new(),
        }
    }
}

fn push_new(warnings: &mut Vec<String>, warning: Option<String>) {
    if let Some(warning) = warning {
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }
}

/// A report whose paths are shown from `base` instead of its workspace's `root`.
fn rebase(mut report: Report, root: &Path, base: &Path) -> Report {
    if root == base {
        return report;
    }
    for file in &mut report.files {
        file.display = model::display_from(base, &file.path);
    }
    let Report {
        files,
        files_checked,
        findings,
        warnings,
        reported,
        baseline,
        paths,
    } = report;
    // Re-sorting moves findings, and the paths analysis names findings by index:
    // only the findings keep what it said (`reachable_from`).
    let _ = paths;
    let mut report = Report::new(files, files_checked, findings);
    report.warnings = warnings;
    report.reported = reported;
    report.baseline = baseline;
    report
}

/// One report of several workspaces' reports, paths shown from `base`.
fn merge(parts: Vec<(PathBuf, Report)>, base: &Path) -> Report {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let mut files_checked = 0;
    let mut warnings = Vec::new();
    let mut reported = Vec::new();
    for (_, part) in parts {
        // An empty `reported` means every file of the part is reported.
        if part.reported.is_empty() {
            reported.resize(files.len() + part.files.len(), true);
        } else {
            reported.resize(files.len(), true);
            reported.extend(&part.reported);
        }
        let offset = u32::try_from(files.len()).unwrap_or(u32::MAX);
        let shift = |id: FileId| FileId(id.0.saturating_add(offset));
        files.extend(part.files.into_iter().map(|mut file| {
            file.id = shift(file.id);
            file.display = model::display_from(base, &file.path);
            file
        }));
        findings.extend(part.findings.into_iter().map(|mut finding| {
            finding.file = shift(finding.file);
            finding
        }));
        files_checked += part.files_checked;
        for warning in part.warnings {
            push_new(&mut warnings, Some(warning));
        }
    }
    let mut report = Report::new(files, files_checked, findings);
    report.warnings = warnings;
    report.reported = reported;
    report
}

/// Checks the `packages` of one workspace, or (FILES mode) the packages that hold
/// the `wanted` files, reporting only those files.
fn check_one(
    ws: &Workspace,
    packages: &[usize],
    wanted: Option<&Named>,
    request: &Request,
    mut warnings: Vec<String>,
) -> Result<Report, EngineError> {
    let config = config::load(ws)?.with_include_tests(request.include_tests);

    // FILES mode follows the module trees of the packages that hold the files
    // (so each file has its true module path) and reports only the files named.
    let packages: Vec<usize> = match wanted {
        None => packages.to_vec(),
        Some(wanted) => {
            let mut packages: Vec<usize> =
                wanted.values().filter_map(|f| ws.package_of(f)).collect();
            packages.sort_unstable();
            packages.dedup();
            packages
        }
    };
    let targets: Vec<TargetRef> = packages
        .iter()
        .filter_map(|&p| Some((p, ws.packages.get(p)?)))
        .flat_map(|(p, package)| {
            package
                .targets
                .iter()
                .enumerate()
                .filter(|(_, t)| !t.is_test || config.include_tests)
                .filter(|(_, t)| !t.is_proc_macro || config.include_proc_macros)
                .map(move |(t, _)| TargetRef {
                    package: p,
                    target: t,
                })
        })
        .collect();

    let cache = if request.use_cache {
        FileCache::open(&ws.target_dir).unwrap_or_else(|e| {
            // The model's cache may have said the same already: one line is enough.
            push_new(&mut warnings, Some(e.to_string()));
            FileCache::disabled()
        })
    } else {
        FileCache::disabled()
    };
    let walk = Walk {
        root: &ws.root,
        include_tests: config.include_tests,
        include_debug: config.include_debug,
        markers: &config.markers,
        cache: &cache,
    };
    let mut walked = tree::walk_targets(ws, &targets, &walk)?;
    if let Some(wanted) = wanted {
        let reached: HashSet<&PathBuf> = walked.iter().map(|f| &f.canonical).collect();
        // A file no walked target reaches, in a proc-macro package, is the
        // proc-macro's code (out of scope unless configured).
        let in_proc_macro = |f: &PathBuf| {
            ws.package_of(f)
                .and_then(|p| ws.packages.get(p))
                .is_some_and(|p| p.is_proc_macro())
        };
        let mut loose: Vec<PathBuf> = wanted
            .iter()
            .filter(|(canonical, _)| !reached.contains(canonical))
            .map(|(_, file)| file)
            .filter(|f| config.include_proc_macros || !in_proc_macro(f))
            .cloned()
            .collect();
        loose.sort();
        walked.extend(tree::walk_loose_files(ws, &loose, &walk)?);
    }

    let (mut files, mut findings) = file_findings(ws, &walked, &config);
    // The root manifest is a file of the run too: profile rules report on it.
    let manifest_id = FileId(u32::try_from(files.len()).unwrap_or(u32::MAX));
    let manifest_path = ws.root.join("Cargo.toml");
    let manifest_text: Option<Arc<String>> = match wanted {
        None => std::fs::read_to_string(&manifest_path).ok().map(Arc::from),
        Some(_) => None,
    };
    let manifests = manifest_text
        .iter()
        .map(|text| ManifestView {
            file: manifest_id,
            text,
        })
        .collect();
    let on_workspace = pass::run(pass::PassInput {
        ws,
        targets: &targets,
        files: walked
            .iter()
            .enumerate()
            .map(|(i, w)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), w))
            .collect(),
        manifests,
        config: &config,
    })?;
    files.push(File {
        id: manifest_id,
        kind: FileKind::Manifest,
        display: ws.display_path(&manifest_path),
        package: package_name(ws, ws.package_of(&manifest_path)),
        path: manifest_path,
        text: manifest_text.clone(),
    });
    findings.extend(on_workspace);

    // The cache is written on a thread of its own while the report and the panic
    // paths are built: on a cold run it is tens of megabytes.
    let report = std::thread::scope(|scope| {
        let saving = scope.spawn(|| {
            cache.save(walked.iter().filter_map(|w| {
                let (key, encoded) = w.cached.as_ref()?;
                Some((w.canonical.as_path(), *key, encoded))
            }))
        });
        // What is reported: files not excluded by `scope.exclude`, and in FILES mode
        // only the files named.
        let reported = |file: &File| match (&file.kind, wanted) {
            (_, _) if config.is_excluded(&file.display) => false,
            (FileKind::Rust { .. }, Some(wanted)) => walked
                .get(file.id.0 as usize)
                .is_some_and(|w| wanted.contains_key(&w.canonical)),
            (FileKind::Manifest, Some(_)) => false,
            _ => true,
        };
        let shown: Vec<bool> = files.iter().map(reported).collect();
        let files_checked = files
            .iter()
            .zip(&shown)
            .filter(|(f, shown)| **shown && matches!(f.kind, FileKind::Rust { .. }))
            .count();
        findings.retain(|f| shown.get(f.file.0 as usize).copied().unwrap_or(false));
        // Only the files with findings keep their text.
        let with_findings: HashSet<FileId> = findings.iter().map(|f| f.file).collect();
        for file in &mut files {
            if !with_findings.contains(&file.id) {
                file.text = None;
            }
        }
        let mut report = Report::new(files, files_checked, findings);
        report.warnings = warnings;
        report.reported = shown;
        let sites: Vec<paths::SiteRef<'_>> = report
            .findings
            .iter()
            .map(|f| paths::SiteRef {
                item: f.item.as_deref(),
                error: f.severity == crate::api::Severity::Error,
                blocking: f.is_blocking(),
                file: f.file,
                start: f.span.start,
            })
            .collect();
        let analysis = paths::analyze(
            &paths::Input {
                ws,
                targets: &targets,
                files: &walked,
                findings: &sites,
                config: &config,
                manifest: manifest_text.as_deref().map(String::as_str),
            },
            &request.paths,
        );
        for (finding, &n) in report.findings.iter_mut().zip(&analysis.reachable_from) {
            finding.reachable_from = n;
        }
        report.paths = Some(analysis);
        let saved = saving.join();
        match saved {
            Ok(Ok(())) => {}
            Ok(Err(e)) => report.warnings.push(e.to_string()),
            Err(_) => report.warnings.push(
                "the cache could not be written (an internal error); it will be rebuilt".to_owned(),
            ),
        }
        report
    });
    tree::release(walked);
    Ok(report)
}

/// The file table of the walked files (in walk order, so `FileId(i)` is
/// `walked[i]`) and their findings under `config`.
fn file_findings(
    ws: &Workspace,
    walked: &[Walked],
    config: &config::Config,
) -> (Vec<File>, Vec<Finding>) {
    let mut files = Vec::with_capacity(walked.len() + 1);
    let mut findings = Vec::new();
    for (i, w) in walked.iter().enumerate() {
        let id = FileId(u32::try_from(i).unwrap_or(u32::MAX));
        findings.extend(apply::apply(
            &w.result,
            &apply::Around {
                sites: &w.missing,
                attributes: &w.inherited,
            },
            id,
            &w.module,
            config,
        ));
        files.push(File {
            id,
            kind: FileKind::Rust {
                module: w.module.clone(),
                target: w.target,
            },
            path: w.path.clone(),
            display: ws.display_path(&w.path),
            package: package_name(ws, w.package),
            text: w.text.clone(),
        });
    }
    (files, findings)
}

fn package_name(ws: &Workspace, package: Option<usize>) -> Option<String> {
    package
        .and_then(|p| ws.packages.get(p))
        .map(|p| p.name.clone())
}

/// The `.rs` files named on the command line (see [`Named`]); `None` without FILES.
fn named_files(files: &[PathBuf]) -> Result<Option<Named>, EngineError> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut wanted = Named::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let real = |path: &Path| {
            std::fs::canonicalize(path).map_err(|source| EngineError::File {
                path: file.clone(),
                source,
            })
        };
        let canonical = real(file)?;
        let sits = match (file.parent(), file.file_name()) {
            (Some(dir), Some(name)) if dir.as_os_str().is_empty() => {
                real(Path::new("."))?.join(name)
            }
            (Some(dir), Some(name)) => real(dir)?.join(name),
            _ => canonical.clone(),
        };
        wanted.insert(canonical, sits);
    }
    Ok(Some(wanted))
}

/// The findings of one text as non-test code of module `module` under `config`:
/// [`analyze`](analyze::analyze) then [`apply`](apply::apply), as a run does for
/// each file (the workspace rules aside). For tests, fuzzing and editors.
pub fn check_text(text: &str, module: &str, config: &config::Config) -> Vec<Finding> {
    let input = analyze::FileInput {
        module_path: module,
        in_test: false,
        include_tests: config.include_tests,
        include_debug: config.include_debug,
        library: None,
        markers: &config.markers,
    };
    let result = analyze::analyze(text, &input);
    apply::apply(
        &result,
        &apply::Around::default(),
        FileId(0),
        module,
        config,
    )
}
