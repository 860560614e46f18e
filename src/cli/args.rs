//! The command line: `cargo panicfree [check] [OPTIONS] [FILES]...`.
//!
//! cargo runs us as `cargo-panicfree panicfree ARGS`; that word is dropped
//! before parsing, so `cargo-panicfree ARGS` works the same.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cargo-panicfree",
    bin_name = "cargo panicfree",
    version,
    about = "Audit a Rust workspace for every way it can panic, without compiling it",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the workspace, or the given files (the default)
    Check(Box<CheckArgs>),
    /// List every rule with its default level and whether a justification silences it
    Rules,
    /// Print a rule's documentation
    Explain(ExplainArgs),
    /// Which entry points (routes, main, tasks) reach which panic sites, and through which calls
    Paths(Box<super::paths::PathsArgs>),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ExplainArgs {
    /// The rule id, as `cargo panicfree rules` lists it (`unwrap`, `layer-violation`)
    #[arg(value_name = "RULE")]
    pub rule: String,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckArgs {
    /// Path to Cargo.toml of the workspace to check
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Check only this workspace member (repeatable)
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
    /// Check every workspace member (default: the packages cargo would pick here)
    #[arg(long, alias = "all")]
    pub workspace: bool,
    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Check test code too (`#[cfg(test)]`, `#[test]`, test targets)
    #[arg(long)]
    pub include_tests: bool,
    /// When to colour the human report
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Neither read nor write the cache under the target directory
    #[arg(long)]
    pub no_cache: bool,
    /// Directory for the cache (default: cargo's target directory)
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Check only these files (non-`.rs` paths are ignored), as a pre-commit hook does
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rich diagnostics with the source line
    #[default]
    Human,
    /// The stable JSON report (schema version 1)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions annotations (and a table in `$GITHUB_STEP_SUMMARY`)
    Github,
    /// One line a finding: `path:line:col: rule: message`
    Short,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// cargo's line-delimited JSON messages with rustc-shaped diagnostics
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Cli {
    /// Parses the process arguments, dropping cargo's `panicfree` word; no subcommand
    /// is `check`.
    pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, clap::Error> {
        let mut args = args.into_iter();
        let program = args
            .next()
            .unwrap_or_else(|| OsString::from("cargo-panicfree"));
        let mut rest = args.peekable();
        if rest.peek().is_some_and(|a| a == "panicfree") {
            rest.next();
        }
        let cli = Cli::try_parse_from(std::iter::once(program).chain(rest))?;
        Ok(cli
            .command
            .unwrap_or_else(|| Command::Check(Box::new(cli.check))))
    }
}

/// The options of the integrations: what the report leaves out, baselines, changed
/// code, statistics, editors.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReportArgs {
    /// Leave justified findings out of the human, short and github reports (they are still counted)
    #[arg(long)]
    pub hide_justified: bool,
    /// Print counts per rule, layer and package and the files with the most findings, instead of the report
    #[arg(long, conflicts_with = "format")]
    pub statistics: bool,
    /// Print cargo's `compiler-message` JSON lines instead of the report, for editors (rust-analyzer)
    #[arg(long, value_enum, value_name = "FMT", conflicts_with_all = ["format", "statistics"])]
    pub message_format: Option<MessageFormat>,
    /// With --message-format json, also run `cargo clippy --message-format=json` and pass its messages through
    #[arg(long, requires = "message_format")]
    pub with_clippy: bool,
    /// An argument for `cargo clippy` (repeatable): `--clippy-arg=--all-features`
    #[arg(
        long = "clippy-arg",
        value_name = "ARG",
        allow_hyphen_values = true,
        requires = "with_clippy"
    )]
    pub clippy_args: Vec<String>,
    /// Check only the Rust files changed since the merge base of REV and HEAD (and untracked ones)
    #[arg(long, value_name = "REV", conflicts_with = "files")]
    pub since: Option<String>,
    /// With --since, report only findings on added or changed lines
    #[arg(long, requires = "since", conflicts_with = "write_baseline")]
    pub changed_lines: bool,
    /// Report only findings not in this baseline file; its findings never block
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE and exit; over an existing FILE, only drop what is gone
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// With --write-baseline over an existing file, also add the findings it does not count
    #[arg(long, requires = "write_baseline")]
    pub accept_new: bool,
}
