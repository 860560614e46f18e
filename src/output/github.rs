//! `--format github`: GitHub Actions workflow commands, one annotation a finding
//! (`::error file=..,line=..,endLine=..,col=..,endColumn=..,title=..::message`), and a
//! Markdown table of every finding for `$GITHUB_STEP_SUMMARY`.
//!
//! GitHub shows only ten annotations of each kind per step, so the worst come first:
//! blocking errors, then warnings, then justified sites as notices. Messages escape
//! `%`, CR and LF; properties also escape `:` and `,`.

use std::path::Path;

use crate::api::Severity;
use crate::engine::model::normalize;
use crate::engine::report::{Finding, Report};
use crate::output::short::one_line;
use crate::output::View;

/// The two texts of the format.
#[derive(Debug, PartialEq, Eq)]
pub struct Github {
    /// The workflow commands, for stdout.
    pub annotations: String,
    /// A Markdown summary and table of every finding shown, for `$GITHUB_STEP_SUMMARY`.
    pub summary: String,
}

/// Renders the findings the view shows, worst first. Paths are relative to `base`
/// (the repository checkout, `$GITHUB_WORKSPACE`) when the file is under it, else
/// to the workspace root.
pub fn render(report: &Report, view: View, base: Option<&Path>) -> Github {
    let mut shown: Vec<&Finding> = report.findings.iter().filter(|f| view.shows(f)).collect();
    // A stable sort: within a kind, the report's order (path, line, column, rule).
    shown.sort_by_key(|f| rank(f));
    let mut annotations = String::new();
    let mut table = String::new();
    for finding in &shown {
        let path = path(report, finding, base);
        let (start, end) = (finding.span.start, finding.span.end);
        let title = format!("panicfree::{}", finding.rule);
        let mut message = finding.message.clone();
        match (&finding.justification, &finding.help) {
            (Some(reason), _) => message.push_str(&format!("\njustified: {reason}")),
            (None, Some(help)) => message.push_str(&format!("\nhelp: {help}")),
            (None, None) => {}
        }
        annotations.push_str(&format!(
            "::{} file={},line={},endLine={},col={},endColumn={},title={}::{}\n",
            command(finding),
            property(&path),
            start.line,
            end.line,
            start.column,
            end.column,
            property(&title),
            data(&message),
        ));
        table.push_str(&format!(
            "| {} | `{}` | `{}:{}:{}` | {} |\n",
            command(finding),
            finding.rule,
            cell(&path),
            start.line,
            start.column,
            cell(&match &finding.justification {
                Some(reason) => format!("{} (justified: {reason})", finding.message),
                None => finding.message.clone(),
            }),
        ));
    }
    let mut summary = format!(
        "### cargo panicfree\n\n{}\n",
        report.summary().line().trim_start_matches("panicfree: ")
    );
    if !table.is_empty() {
        summary.push_str("\n| kind | rule | location | message |\n|---|---|---|---|\n");
        summary.push_str(&table);
    }
    Github {
        annotations,
        summary,
    }
}

/// Blocking errors first, then warnings (and errors that do not block), then
/// justified sites.
fn rank(finding: &Finding) -> u8 {
    match (finding.is_blocking(), finding.justification.is_some()) {
        (true, _) => 0,
        (false, false) => 1,
        (false, true) => 2,
    }
}

fn command(finding: &Finding) -> &'static str {
    match (finding.justification.is_some(), finding.severity) {
        (true, _) => "notice",
        (false, Severity::Error) if finding.is_blocking() => "error",
        (false, _) => "warning",
    }
}

fn path(report: &Report, finding: &Finding, base: Option<&Path>) -> String {
    let Some(file) = report.file(finding.file) else {
        return String::new();
    };
    let relative = base.and_then(|base| {
        let path = normalize(&file.path);
        let rel = path.strip_prefix(normalize(base)).ok()?;
        let parts: Vec<_> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        Some(parts.join("/"))
    });
    relative.unwrap_or_else(|| file.display.clone())
}

/// A workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A Markdown table cell: one line, no column breaks.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(data("100% a\r\nb: c, d"), "100%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
