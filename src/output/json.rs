//! `--format json`: the stable report of `../shared/contract.md`, schema version 1.

use serde::Serialize;

use crate::engine::report::{JustifiedBy, Report};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    /// The `--baseline` the report was compared with, or null.
    baseline: Option<JsonBaseline<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    findings: usize,
    blocking: usize,
    /// Findings of severity `warning` (what the stderr summary line counts).
    warnings: usize,
    justified: usize,
    parse_errors: usize,
    baselined: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    package: Option<&'a str>,
    layer: Option<&'a str>,
    justification: Option<&'a str>,
    /// `comment`, `attribute` or `attribute-without-reason` when justified.
    justified_by: Option<&'a str>,
    baselined: bool,
    /// How many entry points (routes, `main`s, tasks, ...) reach the site.
    reachable_from: u32,
}

#[derive(Serialize)]
struct JsonBaseline<'a> {
    file: &'a str,
    /// Entries that match fewer findings than they count.
    gone: Vec<JsonGone<'a>>,
}

#[derive(Serialize)]
struct JsonGone<'a> {
    package: &'a str,
    path: &'a str,
    item: &'a str,
    rule: &'a str,
    code: &'a str,
    count: u32,
}

/// Renders the report as pretty-printed JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let summary = report.summary();
    let json = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: JsonSummary {
            files: summary.files,
            findings: summary.findings,
            blocking: summary.blocking,
            warnings: summary.warnings,
            justified: summary.justified,
            parse_errors: summary.parse_errors,
            baselined: summary.baselined,
        },
        findings: report
            .findings
            .iter()
            .map(|f| {
                let file = report.file(f.file);
                JsonFinding {
                    rule: f.rule.as_str(),
                    severity: f.severity.as_str(),
                    message: &f.message,
                    help: f.help.as_deref(),
                    path: file.map_or("", |file| file.display.as_str()),
                    line: f.span.start.line,
                    column: f.span.start.column,
                    end_line: f.span.end.line,
                    end_column: f.span.end.column,
                    package: file.and_then(|file| file.package.as_deref()),
                    layer: f.layer.as_deref(),
                    justification: f.justification.as_deref(),
                    justified_by: f.justified_by.map(JustifiedBy::as_str),
                    baselined: f.baselined,
                    reachable_from: f.reachable_from,
                }
            })
            .collect(),
        baseline: report.baseline.as_ref().map(|b| JsonBaseline {
            file: &b.file,
            gone: b
                .gone
                .iter()
                .map(|(key, count)| JsonGone {
                    package: &key.package,
                    path: &key.path,
                    item: &key.item,
                    rule: key.rule.as_str(),
                    code: &key.code,
                    count: *count,
                })
                .collect(),
        }),
    };
    // Serialising plain structs of strings and numbers cannot fail; an empty
    // object would still be valid JSON if it ever did.
    let mut text = serde_json::to_string_pretty(&json).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}
