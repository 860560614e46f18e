//! `--message-format json`: cargo's line-delimited `compiler-message` objects, each
//! holding a rustc-shaped diagnostic, so that editors read the findings as they read
//! `cargo check` (rust-analyzer's `check.overrideCommand`).
//!
//! A diagnostic has the level (`error`, `warning`, and `note` for a justified site),
//! the code `panicfree::<rule>`, one primary span (byte offsets, 1-based lines and
//! columns in characters, end exclusive, as rustc's JSON), the help as a child, and
//! the text rustc would print as `rendered`. File names are relative to the
//! workspace root, as cargo's are for its members. Our own serde structs: the
//! `cargo_metadata` types that read them are `#[non_exhaustive]`.

use serde::Serialize;

use crate::api::Severity;
use crate::engine::model::FileKind;
use crate::engine::report::Texts;
use crate::engine::report::{Finding, Report};
use crate::engine::source::SourceText;
use crate::output::short::one_line;
use crate::output::{View, MAX_LINE, MAX_SPAN_LINES};

#[derive(Serialize)]
struct Message<'a> {
    reason: &'static str,
    package_id: String,
    manifest_path: String,
    target: Target,
    message: Diagnostic<'a>,
}

/// The target the file belongs to, as far as the report knows it: the crate of
/// its module path (editors read only the diagnostic).
#[derive(Serialize)]
struct Target {
    kind: [&'static str; 1],
    crate_types: [&'static str; 1],
    name: String,
    src_path: String,
    edition: &'static str,
    doc: bool,
    doctest: bool,
    test: bool,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    #[serde(rename = "$message_type")]
    message_type: &'static str,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<Span<'a>>,
    children: Vec<Diagnostic<'a>>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct Span<'a> {
    file_name: &'a str,
    byte_start: u32,
    byte_end: u32,
    line_start: u32,
    line_end: u32,
    column_start: u32,
    column_end: u32,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<String>,
    expansion: Option<String>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: u32,
    highlight_end: u32,
}

/// One JSON line for each finding the view shows, in the report's order.
pub fn render(report: &Report, view: View) -> String {
    let manifest = report
        .files
        .iter()
        .find(|f| f.kind == FileKind::Manifest)
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    let root = manifest
        .strip_suffix("Cargo.toml")
        .unwrap_or("")
        .trim_end_matches('/');
    let mut texts = Texts::new(report);
    let mut out = String::new();
    for finding in report.findings.iter().filter(|f| view.shows(f)) {
        let message = message(report, finding, texts.get(finding.file), root, &manifest);
        // Plain structs of strings and numbers always serialize.
        if let Ok(line) = serde_json::to_string(&message) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

fn message<'a>(
    report: &'a Report,
    finding: &'a Finding,
    text: Option<&SourceText>,
    root: &str,
    manifest: &str,
) -> Message<'a> {
    let file = report.file(finding.file);
    let path = file.map_or("", |f| f.display.as_str());
    let crate_name = match file.map(|f| &f.kind) {
        Some(FileKind::Rust { module, .. }) => module.split("::").next().unwrap_or(""),
        _ => "",
    };
    let package = file
        .and_then(|f| f.package.as_deref())
        .unwrap_or(crate_name);
    let (start, end) = (finding.span.start, finding.span.end);
    let (byte_start, byte_end, lines) = match text {
        Some(text) => {
            let from = text.offset(start);
            let to = text.offset(end).max(from);
            // The first lines of a long span, and none of a line too long to quote.
            let last = end
                .line
                .max(start.line)
                .min(start.line.saturating_add(MAX_SPAN_LINES - 1));
            let lines = (start.line..=last)
                .filter(|&line| text.line(line).len() <= MAX_LINE)
                .map(|line| {
                    let content = text.line(line);
                    let chars = u32::try_from(content.chars().count()).unwrap_or(u32::MAX);
                    let first = if line == start.line { start.column } else { 1 };
                    let last = if line == end.line {
                        end.column
                    } else {
                        chars.saturating_add(1)
                    };
                    SpanLine {
                        text: content.to_owned(),
                        highlight_start: first,
                        highlight_end: last.max(first),
                    }
                })
                .collect();
            (offset(from), offset(to), lines)
        }
        None => (0, 0, Vec::new()),
    };
    let level = match (&finding.justification, finding.severity) {
        (Some(_), _) => "note",
        (None, Severity::Error) => "error",
        (None, Severity::Warning) => "warning",
    };
    let code = format!("panicfree::{}", finding.rule);
    let label = finding
        .justification
        .as_ref()
        .map(|reason| format!("justified: {reason}"));
    let children: Vec<Diagnostic<'a>> = match (&finding.justification, &finding.help) {
        (None, Some(help)) => vec![child("help", help)],
        _ => Vec::new(),
    };
    let rendered = rendered(level, &code, finding, path, text, label.as_deref());
    Message {
        reason: "compiler-message",
        package_id: format!("path+file://{root}#{package}"),
        manifest_path: manifest.to_owned(),
        target: Target {
            kind: ["lib"],
            crate_types: ["lib"],
            name: crate_name.to_owned(),
            src_path: file
                .map(|f| f.path.display().to_string())
                .unwrap_or_default(),
            edition: "2021",
            doc: false,
            doctest: false,
            test: false,
        },
        message: Diagnostic {
            message_type: "diagnostic",
            message: finding.message.clone(),
            code: Some(Code {
                code,
                explanation: None,
            }),
            level,
            spans: vec![Span {
                file_name: path,
                byte_start,
                byte_end,
                line_start: start.line,
                line_end: end.line.max(start.line),
                column_start: start.column,
                column_end: end.column,
                is_primary: true,
                text: lines,
                label,
                suggested_replacement: None,
                suggestion_applicability: None,
                expansion: None,
            }],
            children,
            rendered: Some(rendered),
        },
    }
}

fn child<'a>(level: &'static str, text: &str) -> Diagnostic<'a> {
    Diagnostic {
        message_type: "diagnostic",
        message: text.to_owned(),
        code: None,
        level,
        spans: Vec::new(),
        children: Vec::new(),
        rendered: None,
    }
}

fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The diagnostic as rustc prints it: header, location, the first line of the span
/// underlined, the help.
fn rendered(
    level: &str,
    code: &str,
    finding: &Finding,
    path: &str,
    text: Option<&SourceText>,
    label: Option<&str>,
) -> String {
    let start = finding.span.start;
    let mut out = format!("{level}[{code}]: {}\n", one_line(&finding.message));
    let number = start.line.to_string();
    let pad = " ".repeat(number.len());
    out.push_str(&format!(
        "{pad}--> {path}:{}:{}\n",
        start.line, start.column
    ));
    let shown = text.filter(|text| text.line(start.line).len() <= MAX_LINE);
    if text.is_some() && shown.is_none() {
        out.push_str(&format!("{pad} = note: the line is too long to show\n"));
    }
    if let Some(text) = shown {
        let line = text.line(start.line);
        let before = start.column.saturating_sub(1) as usize;
        let chars = line.chars().count();
        let end = if finding.span.end.line == start.line {
            (finding.span.end.column.saturating_sub(1) as usize).min(chars)
        } else {
            chars
        };
        let width = end.saturating_sub(before).max(1);
        let indent: String = line
            .chars()
            .take(before)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!(
            "{pad} |\n{number} | {line}\n{pad} | {indent}{}",
            "^".repeat(width)
        ));
        if let Some(label) = label {
            out.push_str(&format!(" {}", one_line(label)));
        }
        out.push('\n');
    }
    if let (None, Some(help)) = (&finding.justification, &finding.help) {
        out.push_str(&format!("{pad} |\n{pad} = help: {}\n", one_line(help)));
    }
    out.push('\n');
    out
}
