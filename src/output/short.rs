//! `--format short`: one line a finding, `path:line:col: rule: message`, as
//! compilers and `grep -n` print them (editors and terminals make them links).

use crate::engine::report::Report;
use crate::output::View;

/// Renders every finding the view shows, one line each.
pub fn render(report: &Report, view: View) -> String {
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| view.shows(f)) {
        let path = report.file(finding.file).map_or("", |f| f.display.as_str());
        out.push_str(&format!(
            "{path}:{}:{}: {}: {}",
            finding.span.start.line,
            finding.span.start.column,
            finding.rule,
            one_line(&finding.message),
        ));
        if let Some(reason) = &finding.justification {
            out.push_str(&format!(" (justified: {})", one_line(reason)));
        }
        out.push('\n');
    }
    out
}

/// A message on one line: line breaks become spaces.
pub(crate) fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
