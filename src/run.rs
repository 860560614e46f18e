//! One run: find the workspace, load the configuration, check, report.
//!
//! [`run`] returns what the exit status should be; only `main` exits.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use std::sync::Arc;

use crate::boundary::{self, Place, WorkspaceFacts};
use crate::cli::{CheckArgs, Color, Format};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Finding;
use crate::report::{self, Located, Report};
use crate::rules::{self, Rule};
use crate::workspace::{self, Checked, CheckedFile, Workspace, WorkspaceError};

/// Why a run could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the report to {path}: {source}")]
    Output {
        path: String,
        source: std::io::Error,
    },
}

/// What the exit status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing blocks.
    Clean,
    /// At least one blocking finding.
    Blocking,
    /// The tool failed on some file: the result is incomplete.
    Incomplete,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Blocking => 1,
            Outcome::Incomplete => 2,
        }
    }
}

/// Checks what `args` says, writes the report, and says how it went.
pub fn run(args: &CheckArgs) -> Result<Outcome, RunError> {
    let mut ws = Workspace::load(args.manifest_path.as_deref())?;
    ws.select(&args.packages)?;
    let config = config::load(&ws.root)?.with_include_tests(args.include_tests);

    // FILES mode follows the module trees of the packages that hold the files
    // (so each file has its true module path) and reports only the files named.
    let wanted = named_files(&args.files)?;
    let packages: Vec<usize> = match &wanted {
        None => (0..ws.packages.len()).collect(),
        Some(wanted) => {
            let mut packages: Vec<usize> = wanted.iter().filter_map(|f| ws.package_of(f)).collect();
            packages.sort_unstable();
            packages.dedup();
            packages
        }
    };
    let mut checked = workspace::check_packages(&ws, &packages, &config)?;

    let manifest_path = ws.root.join("Cargo.toml");
    let manifest = match wanted {
        None => std::fs::read_to_string(&manifest_path).ok(),
        Some(_) => None,
    };
    let (extra, on_manifest) = workspace_rules(&ws, &checked, &config, manifest.as_deref())?;
    for (index, finding) in extra {
        if let Some(file) = checked.files.get_mut(index) {
            file.findings.push(finding);
        }
    }

    let mut files = checked.files;
    if let Some(wanted) = &wanted {
        files.retain(|f| wanted.contains(&f.canonical));
        let reached: HashSet<&PathBuf> = files.iter().map(|f| &f.canonical).collect();
        let mut loose: Vec<PathBuf> = wanted
            .iter()
            .filter(|f| !reached.contains(f))
            .cloned()
            .collect();
        loose.sort();
        files.extend(workspace::check_loose_files(&ws, &loose, &config)?);
    }
    let on_manifest = ManifestFindings {
        path: &manifest_path,
        text: manifest.as_deref(),
        findings: on_manifest,
    };
    let report = build_report(&ws, &config, files, on_manifest);

    let text = match args.format {
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    args.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none()
                }
            };
            report::human::render(&report, color)
        }
        Format::Json => report::json::render(&report),
    };
    write_report(args.output.as_ref(), &text)?;

    let summary = report.summary();
    // The summary is a courtesy: a closed stderr must not fail the run.
    let _ = writeln!(std::io::stderr(), "{}", summary.line());
    Ok(if summary.internal_errors > 0 {
        Outcome::Incomplete
    } else if summary.blocking > 0 {
        Outcome::Blocking
    } else {
        Outcome::Clean
    })
}

/// The `.rs` files named on the command line, canonical; `None` without FILES.
fn named_files(files: &[PathBuf]) -> Result<Option<HashSet<PathBuf>>, RunError> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut wanted = HashSet::new();
    for file in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let canonical = std::fs::canonicalize(file).map_err(|source| RunError::File {
            path: file.clone(),
            source,
        })?;
        wanted.insert(canonical);
    }
    Ok(Some(wanted))
}

type FileFindings = Vec<(usize, Finding)>;

/// Checks that the layers name real modules, then runs the whole-workspace rules.
fn workspace_rules(
    ws: &Workspace,
    checked: &Checked,
    config: &Config,
    manifest: Option<&str>,
) -> Result<(FileFindings, Vec<Finding>), RunError> {
    let facts = WorkspaceFacts::new(ws, checked, config, manifest);
    check_layer_modules(ws, checked, config, &facts)?;
    let enabled: Vec<&'static dyn Rule> = rules::ALL
        .iter()
        .copied()
        .filter(|r| config.severity(r.id()).is_some())
        .collect();
    let mut on_files = Vec::new();
    let mut on_manifest = Vec::new();
    for (place, finding) in boundary::check(&facts, &enabled) {
        match place {
            Place::File(index) => on_files.push((index, finding)),
            Place::Manifest => on_manifest.push(finding),
        }
    }
    Ok((on_files, on_manifest))
}

/// A layer that names a module of a checked crate that does not exist is a
/// config error (modules of crates outside this run cannot be checked).
fn check_layer_modules(
    ws: &Workspace,
    checked: &Checked,
    config: &Config,
    facts: &WorkspaceFacts<'_>,
) -> Result<(), RunError> {
    let crates: HashSet<&str> = checked
        .targets
        .iter()
        .filter_map(|t| ws.packages.get(t.package)?.targets.get(t.target))
        .map(|t| t.crate_name.as_str())
        .collect();
    let source = config
        .source
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::FILE_NAME));
    for (i, layer) in config.layers.iter().enumerate() {
        for (j, module) in layer.modules.iter().enumerate() {
            let krate = module.split("::").next().unwrap_or_default();
            if !crates.contains(krate) || facts.has_module(module) {
                continue;
            }
            return Err(RunError::Config(ConfigError::key(
                &source,
                &format!("layer[{i}].modules[{j}]"),
                format!(
                    "layer `{}` names module `{module}`, which does not exist{}",
                    layer.name,
                    config::suggest(module, facts.module_paths())
                ),
            )));
        }
    }
    Ok(())
}

/// Findings of the workspace rules on the root `Cargo.toml`, which is not a checked file.
struct ManifestFindings<'a> {
    path: &'a Path,
    text: Option<&'a str>,
    findings: Vec<Finding>,
}

fn build_report(
    ws: &Workspace,
    config: &config::Config,
    checked: Vec<CheckedFile>,
    manifest: ManifestFindings<'_>,
) -> Report {
    let mut files = 0;
    let mut findings = Vec::new();
    let mut sources = HashMap::new();
    for file in checked {
        let path = ws.display_path(&file.path);
        if config.is_excluded(&path) {
            continue;
        }
        files += 1;
        let package = file
            .package
            .and_then(|p| ws.packages.get(p))
            .map(|p| p.name.clone());
        if let Some(text) = file.text.filter(|_| !file.findings.is_empty()) {
            sources.insert(path.clone(), text);
        }
        findings.extend(file.findings.into_iter().map(|finding| Located {
            path: path.clone(),
            package: package.clone(),
            finding,
        }));
    }
    if !manifest.findings.is_empty() {
        let path = ws.display_path(manifest.path);
        let package = ws
            .package_of(manifest.path)
            .and_then(|p| ws.packages.get(p))
            .map(|p| p.name.clone());
        if let Some(text) = manifest.text {
            sources.insert(path.clone(), Arc::from(text));
        }
        findings.extend(manifest.findings.into_iter().map(|finding| Located {
            path: path.clone(),
            package: package.clone(),
            finding,
        }));
    }
    Report::new(files, findings, sources)
}

fn write_report(output: Option<&PathBuf>, text: &str) -> Result<(), RunError> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|source| RunError::Output {
            path: path.display().to_string(),
            source,
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                // A closed pipe (`| head`) is the reader's choice, not our failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|source| RunError::Output {
                    path: "stdout".to_owned(),
                    source,
                }),
            }
        }
    }
}

thread_local! {
    static IN_BOUNDARY: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic inside it into an error message. Nothing is
/// printed for a panic caught here; see [`install_panic_hook`].
pub fn boundary<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = IN_BOUNDARY.with(|b| b.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    IN_BOUNDARY.with(|b| b.set(was));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".to_owned())
    })
}

/// Keeps panics caught by [`boundary`] quiet (they become `internal-error`
/// findings) and words any other one as a tool error rather than a Rust panic.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        if IN_BOUNDARY.with(Cell::get) {
            return;
        }
        let _ = writeln!(
            std::io::stderr(),
            "error: cargo-panicfree failed: {info} (this is a bug; please report it)"
        );
    }));
}
