//! The command line on top of everything: arguments in, a report written, and an
//! [`Outcome`] that `main` turns into the exit status.

pub mod args;
pub mod paths;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::engine::{self, EngineError, Request};
use crate::output;
pub use args::{CheckArgs, Cli, Color, Format, Invocation};

/// Why a run could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Engine(#[from] EngineError),
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

/// The engine's request for these arguments.
pub fn request(args: &CheckArgs) -> Request {
    Request {
        manifest_path: args.manifest_path.clone(),
        target_dir: args.target_dir.clone(),
        packages: args.packages.clone(),
        files: args.files.clone(),
        include_tests: args.include_tests,
        use_cache: !args.no_cache,
        paths: engine::paths::Query::default(),
    }
}

/// Runs what the command line asks for.
pub fn dispatch(invocation: &Invocation) -> Result<Outcome, RunError> {
    match invocation {
        Invocation::Check(args) => run(args),
        Invocation::Paths(args) => paths::run(args),
    }
}

/// Checks what `args` says, writes the report, and says how it went.
pub fn run(args: &CheckArgs) -> Result<Outcome, RunError> {
    let report = engine::check_workspace(&request(args))?;
    let mut stderr = std::io::stderr();
    // Warnings and the summary are a courtesy: a closed stderr must not fail the run.
    for warning in &report.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
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
            output::human::render(&report, color)
        }
        Format::Json => output::json::render(&report),
    };
    write_report(args.output.as_ref(), &text)?;

    let summary = report.summary();
    let _ = writeln!(stderr, "{}", summary.line());
    Ok(if summary.internal_errors > 0 {
        Outcome::Incomplete
    } else if summary.blocking > 0 {
        Outcome::Blocking
    } else {
        Outcome::Clean
    })
}

pub(crate) fn write_report(output: Option<&PathBuf>, text: &str) -> Result<(), RunError> {
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
