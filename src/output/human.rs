//! `--format human`: miette's graphical diagnostics, one per finding, with the
//! source line and the span underlined.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::api::{FileId, Severity};
use crate::engine::report::{Finding, JustifiedBy, Report};
use crate::engine::source::SourceText;

/// How wide diagnostics are wrapped.
const WIDTH: usize = 100;

/// Renders every finding; `color` turns on ANSI colours.
pub fn render(report: &Report, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_urls(false);
    let mut out = String::new();
    let mut texts: HashMap<FileId, SourceText> = HashMap::new();
    for finding in &report.findings {
        let file = report.file(finding.file);
        let path = file.map_or("", |f| f.display.as_str());
        let text = file.and_then(|f| f.text.as_ref());
        let offsets = text.map(|t| {
            texts
                .entry(finding.file)
                .or_insert_with(|| SourceText::new(t.to_string()))
        });
        let span = offsets.map(|t| {
            let start = t.offset(finding.span.start);
            let end = t.offset(finding.span.end).max(start);
            (start, end - start)
        });
        let diag = Diag {
            finding,
            source: text.map(|t| NamedSource::new(path, Arc::clone(t))),
            span,
        };
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &diag);
        if text.is_none() {
            out.push_str(&format!(
                "  at {}:{}:{}\n",
                path, finding.span.start.line, finding.span.start.column
            ));
        }
        out.push('\n');
    }
    out.push_str(&super::paths::check_lines(report));
    out
}

struct Diag<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<str>>>,
    /// Byte offset and length in the source.
    span: Option<(usize, usize)>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(format!("panicfree::{}", self.finding.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        let f = self.finding;
        Some(match (f.severity, &f.justification) {
            (_, Some(_)) => miette::Severity::Advice,
            (Severity::Error, None) => miette::Severity::Error,
            (Severity::Warning, None) => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let f = self.finding;
        match (&f.justification, &f.help) {
            (Some(_), _) => None,
            (None, Some(help)) => Some(Box::new(help.as_str())),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (offset, len) = self.span?;
        let f = self.finding;
        let label = match (&f.justification, &f.layer) {
            (Some(attr), _) if f.justified_by == Some(JustifiedBy::AttributeWithoutReason) => {
                format!("justified by `{attr}` (no reason given)")
            }
            (Some(reason), _) => format!("justified: {reason}"),
            (None, Some(layer)) => format!("here, in layer `{layer}`"),
            (None, None) => "here".to_owned(),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new(
            Some(label),
            offset,
            len,
        ))))
    }
}
