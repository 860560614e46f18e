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
pub mod source;
pub mod tree;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::view::ManifestView;
use crate::api::FileId;
use crate::engine::cache::FileCache;
use crate::engine::config::ConfigError;
use crate::engine::metadata::{MetadataError, Start};
use crate::engine::model::{File, FileKind, Workspace};
use crate::engine::report::{Finding, Report};
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
    let mut warnings = Vec::new();
    let start = Start {
        manifest_path: request.manifest_path.clone(),
        target_dir: request.target_dir.clone(),
    };
    let (ws, warning) = metadata::load(&start, request.use_cache)?;
    warnings.extend(warning);
    let selected = select(&ws, &request.packages)?;
    let config = config::load(&ws.root)?.with_include_tests(request.include_tests);

    // FILES mode follows the module trees of the packages that hold the files
    // (so each file has its true module path) and reports only the files named.
    let wanted = named_files(&request.files)?;
    let packages: Vec<usize> = match &wanted {
        None => selected,
        Some(wanted) => {
            let mut packages: Vec<usize> = wanted.iter().filter_map(|f| ws.package_of(f)).collect();
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
                .map(move |(t, _)| TargetRef {
                    package: p,
                    target: t,
                })
        })
        .collect();

    let cache = if request.use_cache {
        FileCache::open(&ws.target_dir).unwrap_or_else(|e| {
            // The model's cache may have said the same already: one line is enough.
            let warning = e.to_string();
            if !warnings.contains(&warning) {
                warnings.push(warning);
            }
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
    let mut walked = tree::walk_targets(&ws, &targets, &walk)?;
    if let Some(wanted) = &wanted {
        let reached: HashSet<&PathBuf> = walked.iter().map(|f| &f.canonical).collect();
        let mut loose: Vec<PathBuf> = wanted
            .iter()
            .filter(|f| !reached.contains(f))
            .cloned()
            .collect();
        loose.sort();
        walked.extend(tree::walk_loose_files(&ws, &loose, &walk)?);
    }

    let (mut files, mut findings) = file_findings(&ws, &walked, &config);
    // The root manifest is a file of the run too: profile rules report on it.
    let manifest_id = FileId(u32::try_from(files.len()).unwrap_or(u32::MAX));
    let manifest_path = ws.root.join("Cargo.toml");
    let manifest_text: Option<Arc<str>> = match wanted {
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
        ws: &ws,
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
        package: package_name(&ws, ws.package_of(&manifest_path)),
        path: manifest_path,
        text: manifest_text.clone(),
    });
    findings.extend(on_workspace);

    if let Err(e) = cache.save(walked.iter().filter_map(|w| {
        let (key, bytes) = w.cached.as_ref()?;
        Some((w.canonical.as_path(), *key, bytes.as_slice()))
    })) {
        warnings.push(e.to_string());
    }

    // What is reported: files not excluded by `scope.exclude`, and in FILES mode
    // only the files named.
    let reported = |file: &File| match (&file.kind, &wanted) {
        (_, _) if config.is_excluded(&file.display) => false,
        (FileKind::Rust { .. }, Some(wanted)) => walked
            .get(file.id.0 as usize)
            .is_some_and(|w| wanted.contains(&w.canonical)),
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
            ws: &ws,
            targets: &targets,
            files: &walked,
            findings: &sites,
            config: &config,
            manifest: manifest_text.as_deref(),
        },
        &request.paths,
    );
    report.paths = Some(analysis);
    Ok(report)
}

/// The members to check: `-p` names, or every member.
fn select(ws: &Workspace, names: &[String]) -> Result<Vec<usize>, EngineError> {
    if let Some(unknown) = names
        .iter()
        .find(|n| !ws.packages.iter().any(|p| &p.name == *n))
    {
        return Err(EngineError::UnknownPackage(unknown.clone()));
    }
    Ok(ws
        .packages
        .iter()
        .enumerate()
        .filter(|(_, p)| names.is_empty() || names.contains(&p.name))
        .map(|(i, _)| i)
        .collect())
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

/// The `.rs` files named on the command line, canonical; `None` without FILES.
fn named_files(files: &[PathBuf]) -> Result<Option<HashSet<PathBuf>>, EngineError> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut wanted = HashSet::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let canonical = std::fs::canonicalize(file).map_err(|source| EngineError::File {
            path: file.clone(),
            source,
        })?;
        wanted.insert(canonical);
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
