//! The command line on top of everything: arguments in, a report written, and an
//! [`Outcome`] that `main` turns into the exit status.

pub mod args;
mod changes;
mod clippy;
mod gate;
pub mod paths;
mod render;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::api::RuleId;
use crate::engine::baseline::BaselineError;
use crate::engine::config;
use crate::engine::report::{Report, Summary};
use crate::engine::{self, EngineError, Request};
use crate::{output, rules};
pub use args::{CheckArgs, Cli, Color, Command, Format};

/// Why a run could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error(transparent)]
    Changes(#[from] changes::ChangesError),
    #[error("cannot run {cargo} clippy: {source}")]
    Clippy {
        cargo: String,
        source: std::io::Error,
    },
    #[error("unknown rule `{0}`{1} (`cargo panicfree rules` lists them)")]
    UnknownRule(String, String),
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
    /// What a report's summary says.
    pub fn of(summary: &Summary) -> Outcome {
        if summary.internal_errors > 0 {
            Outcome::Incomplete
        } else if summary.blocking > 0 {
            Outcome::Blocking
        } else {
            Outcome::Clean
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Clean => 0,
            Outcome::Blocking => 1,
            Outcome::Incomplete => 2,
        }
    }
}

/// Tells mimalloc (the binary's allocator) never to hand freed memory back to
/// the OS. A check frees a syntax tree per file; by default mimalloc returns
/// freed pages a second later, and later files' trees fault them in again, each
/// one zeroed by the kernel. On the vendored workspace of the benchmark, never
/// returning them cut a cold run's page faults from 75,000 to 12,000 and its CPU
/// time by about 13%, and a parse alone by a fifth, with the same peak memory.
/// The run is one short process: what it frees is reused, not wasted.
///
/// Does nothing when the build could not read the option's number from
/// mimalloc's header (`build.rs`).
pub fn tune_allocator() {
    let option = option_env!("PANICFREE_MI_OPTION_PURGE_DELAY").and_then(|n| n.parse().ok());
    if let Some(option) = option {
        // SAFETY: `mi_option_set` stores the value of a valid option number (read
        // from the header of the mimalloc that is linked); mimalloc reads it when
        // it next considers purging. No memory is touched.
        unsafe { libmimalloc_sys::mi_option_set(option, -1) };
    }
}

/// The engine's request for these arguments.
pub fn request(args: &CheckArgs) -> Request {
    Request {
        manifest_path: args.manifest_path.clone(),
        target_dir: args.target_dir.clone(),
        packages: args.packages.clone(),
        workspace: args.workspace,
        files: args.files.clone(),
        include_tests: args.include_tests,
        use_cache: !args.no_cache,
        paths: engine::paths::Query::default(),
    }
}

/// Runs a command: a check, the panic paths, or the rules' documentation.
pub fn run(command: &Command) -> Result<Outcome, RunError> {
    match command {
        Command::Check(args) => check(args),
        Command::Paths(args) => paths::run(args),
        Command::Rules => {
            write_report(None, &output::rules::list())?;
            Ok(Outcome::Clean)
        }
        Command::Explain(explain) => {
            let rule = rules::by_name(&explain.rule).ok_or_else(|| {
                let ids = RuleId::ALL.iter().map(|r| r.as_str());
                RunError::UnknownRule(explain.rule.clone(), config::suggest(&explain.rule, ids))
            })?;
            write_report(None, rule.docs())?;
            Ok(Outcome::Clean)
        }
    }
}

/// Checks what `args` says, writes the report, and says how it went.
pub fn check(args: &CheckArgs) -> Result<Outcome, RunError> {
    // Clippy works while we check.
    let clippy = match args.report.with_clippy {
        true => Some(clippy::Clippy::spawn(args)?),
        false => None,
    };
    let changes = match &args.report.since {
        Some(rev) => Some(changes::Changes::since(
            rev,
            &git_dir(args),
            args.report.changed_lines,
        )?),
        None => None,
    };
    let mut request = request(args);
    let mut report = match &changes {
        // Nothing changed: nothing to check.
        Some(changes) if changes.files.is_empty() => Report::default(),
        Some(changes) => {
            request.files = changes.files.clone();
            engine::check_workspace(&request)?
        }
        None => engine::check_workspace(&request)?,
    };
    let mut stderr = std::io::stderr();
    // Warnings and the summary are a courtesy: a closed stderr must not fail the run.
    for warning in &report.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    if let Some(path) = &args.report.write_baseline {
        return gate::write_baseline(&report, args, path);
    }
    gate::apply_baseline(&mut report, args)?;
    // After the baseline, which must see every finding of the files checked.
    if let Some(changes) = changes.as_ref().filter(|_| args.report.changed_lines) {
        changes.retain_changed_lines(&mut report);
    }
    let mut rendered = render::render(&report, args);
    let clippy = clippy.map(clippy::Clippy::finish).transpose()?;
    if let Some(clippy) = &clippy {
        rendered.text.push_str(&clippy.stdout);
    }
    write_report(args.output.as_ref(), &rendered.text)?;
    if let Some((path, summary)) = &rendered.step_summary {
        append(path, summary)?;
    }

    let summary = report.summary();
    let _ = writeln!(stderr, "{}", summary.line());
    Ok(match (Outcome::of(&summary), clippy) {
        // Code that Clippy rejects (or that does not compile) is not clean either.
        (Outcome::Clean, Some(clippy)) if !clippy.success => Outcome::Blocking,
        (outcome, _) => outcome,
    })
}

/// Where git looks for the repository: beside `--manifest-path`, else here.
fn git_dir(args: &CheckArgs) -> PathBuf {
    args.manifest_path
        .as_ref()
        .and_then(|m| m.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub(crate) fn write_report(output: Option<&PathBuf>, text: &str) -> Result<(), RunError> {
    match output {
        // Whole or not at all: a CI step never reads half a report, and a failed
        // write leaves the old one.
        Some(path) => {
            engine::atomic::write(path, text.as_bytes()).map_err(|source| RunError::Output {
                path: path.display().to_string(),
                source,
            })
        }
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

/// Appends `text` to the file at `path` (GitHub's step summary), creating it.
fn append(path: &Path, text: &str) -> Result<(), RunError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|source| RunError::Output {
            path: path.display().to_string(),
            source,
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_allocator_is_told_never_to_purge() {
        // The build found the option in mimalloc's header; a mimalloc whose header
        // no longer reads as `build.rs` expects fails here, not silently.
        let option: i32 = option_env!("PANICFREE_MI_OPTION_PURGE_DELAY")
            .and_then(|n| n.parse().ok())
            .expect("build.rs read mi_option_purge_delay from mimalloc.h");
        // SAFETY: reads an option's value.
        let before = unsafe { libmimalloc_sys::mi_option_get(option) };
        // The default of `purge_delay` (10 ms in mimalloc 2, 1,000 in 3), unless a
        // test ran first.
        assert!(matches!(before, 10 | 1000 | -1), "{before}");
        super::tune_allocator();
        // SAFETY: as above.
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(option) }, -1);
    }
}
