//! `cargo panicfree paths`: for each entry point that reaches a blocking panic
//! site, the shortest chain of calls to each one, and what a panic there takes down.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::{write_report, Outcome, RunError};
use crate::engine::{self, paths::Query, Request};
use crate::output;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct PathsArgs {
    /// Path to Cargo.toml of the workspace
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Only this workspace member (repeatable)
    #[arg(short = 'p', long = "package", value_name = "NAME")]
    pub packages: Vec<String>,
    /// Every workspace member (default: the packages cargo would pick here)
    #[arg(long, alias = "all")]
    pub workspace: bool,
    /// Only entries whose name or function matches PATTERN (`*` matches anything):
    /// `"POST /users"`, `"GET /api/*"`, `"my_crate::jobs::*"`
    #[arg(long, value_name = "PATTERN")]
    pub entry: Option<String>,
    /// Show paths to justified sites too, with their reasons
    #[arg(long)]
    pub include_justified: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = PathsFormat::Human)]
    pub format: PathsFormat,
    /// Write the output to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Analyze test code too
    #[arg(long)]
    pub include_tests: bool,
    /// Neither read nor write the cache under the target directory
    #[arg(long)]
    pub no_cache: bool,
    /// Directory for the cache (default: cargo's target directory)
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum PathsFormat {
    /// One chain per line, grouped by entry
    #[default]
    Human,
    /// A top-level `paths` array (and the entries and graph figures)
    Json,
    /// Graphviz, the union of the chains shown
    Dot,
}

/// Analyzes the workspace, writes the paths, and says how it went: blocking when
/// an entry reaches a blocking site.
pub fn run(args: &PathsArgs) -> Result<Outcome, RunError> {
    let request = Request {
        manifest_path: args.manifest_path.clone(),
        target_dir: args.target_dir.clone(),
        packages: args.packages.clone(),
        workspace: args.workspace,
        files: Vec::new(),
        include_tests: args.include_tests,
        use_cache: !args.no_cache,
        paths: Query {
            chains: true,
            entry: args.entry.clone(),
        },
    };
    let report = engine::check_workspace(&request)?;
    let mut stderr = std::io::stderr();
    for warning in &report.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    let options = output::paths::Options {
        include_justified: args.include_justified,
    };
    let text = match args.format {
        PathsFormat::Human => output::paths::human(&report, &options),
        PathsFormat::Json => output::paths::json(&report, &options),
        PathsFormat::Dot => output::paths::dot(&report, &options),
    };
    write_report(args.output.as_ref(), &text)?;
    let _ = writeln!(stderr, "{}", output::paths::summary_line(&report));
    let summary = report.summary();
    let panics = report
        .paths
        .as_ref()
        .is_some_and(|a| (0..a.entries.len()).any(|e| a.entry_panics(e)));
    Ok(if summary.internal_errors > 0 {
        Outcome::Incomplete
    } else if panics {
        Outcome::Blocking
    } else {
        Outcome::Clean
    })
}
