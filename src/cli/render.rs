//! The report in the format the arguments ask for, and what goes beside it (the
//! step summary of `--format github`). Reads the environment the formats depend on:
//! `NO_COLOR`, `GITHUB_WORKSPACE`, `GITHUB_STEP_SUMMARY`.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::args::{CheckArgs, Color, Format};
use crate::engine::report::Report;
use crate::output::{self, View};

/// What a run writes.
pub struct Rendered {
    /// The report, for stdout or `--output`.
    pub text: String,
    /// A Markdown summary to append to this file (`$GITHUB_STEP_SUMMARY`).
    pub step_summary: Option<(PathBuf, String)>,
}

pub fn render(report: &Report, args: &CheckArgs) -> Rendered {
    let view = View {
        hide_justified: args.report.hide_justified,
    };
    let mut step_summary = None;
    if args.report.message_format.is_some() {
        return Rendered {
            text: output::cargo_json::render(report, view),
            step_summary,
        };
    }
    if args.report.statistics {
        return Rendered {
            text: output::statistics::render(report),
            step_summary,
        };
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
            output::human::render(report, color, view)
        }
        Format::Json => output::json::render(report),
        Format::Sarif => output::sarif::render(report),
        Format::Short => output::short::render(report, view),
        Format::Github => {
            let base = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from);
            let github = output::github::render(report, view, base.as_deref());
            step_summary = std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|path| !path.is_empty())
                .map(|path| (PathBuf::from(path), github.summary));
            github.annotations
        }
    };
    Rendered { text, step_summary }
}
