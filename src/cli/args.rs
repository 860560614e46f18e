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
    Check(CheckArgs),
    /// Which entry points (routes, main, tasks) reach which panic sites, and through which calls
    Paths(super::paths::PathsArgs),
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Check(CheckArgs),
    Paths(super::paths::PathsArgs),
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckArgs {
    /// Path to Cargo.toml of the workspace to check
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Check only this workspace member (repeatable)
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
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
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    #[default]
    Auto,
    Always,
    Never,
}

impl Cli {
    /// Parses the process arguments, dropping cargo's `panicfree` word.
    pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, clap::Error> {
        let mut args = args.into_iter();
        let program = args
            .next()
            .unwrap_or_else(|| OsString::from("cargo-panicfree"));
        let mut rest = args.peekable();
        if rest.peek().is_some_and(|a| a == "panicfree") {
            rest.next();
        }
        let cli = Cli::try_parse_from(std::iter::once(program).chain(rest))?;
        Ok(match cli.command {
            Some(Command::Check(args)) => Invocation::Check(args),
            Some(Command::Paths(args)) => Invocation::Paths(args),
            None => Invocation::Check(cli.check),
        })
    }
}
