//! One run: find the workspace, load the configuration, check, report.
//!
//! [`run`] returns what the exit status should be; only `main` exits.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;

use crate::cli::{CheckArgs, Color, Format};
use crate::config::{self, ConfigError};
use crate::report::{self, Located, Report};
use crate::workspace::{self, CheckedFile, Workspace, WorkspaceError};

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

    let checked = if args.files.is_empty() {
        let all: Vec<usize> = (0..ws.packages.len()).collect();
        workspace::check_packages(&ws, &all, &config)?
    } else {
        check_files(&ws, &args.files, &config)?
    };
    let report = build_report(&ws, &config, checked);

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

/// FILES mode: the module trees of the packages that hold the files are
/// followed (so each file has its true module path), and only the files named
/// are reported. Files no target reaches are checked on their own.
fn check_files(
    ws: &Workspace,
    files: &[PathBuf],
    config: &config::Config,
) -> Result<Vec<CheckedFile>, RunError> {
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
    let mut packages: Vec<usize> = wanted.iter().filter_map(|f| ws.package_of(f)).collect();
    packages.sort_unstable();
    packages.dedup();
    let mut checked: Vec<CheckedFile> = workspace::check_packages(ws, &packages, config)?
        .into_iter()
        .filter(|f| wanted.contains(&f.canonical))
        .collect();
    let reached: HashSet<PathBuf> = checked.iter().map(|f| f.canonical.clone()).collect();
    let mut loose: Vec<PathBuf> = wanted.difference(&reached).cloned().collect();
    loose.sort();
    checked.extend(workspace::check_loose_files(ws, &loose, config)?);
    Ok(checked)
}

fn build_report(ws: &Workspace, config: &config::Config, checked: Vec<CheckedFile>) -> Report {
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
        if let Some(text) = file.text {
            sources.insert(path.clone(), text);
        }
        findings.extend(file.findings.into_iter().map(|finding| Located {
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
