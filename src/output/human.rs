//! `--format human`: miette's graphical diagnostics, one per finding, with the
//! source line and the span underlined.

use std::collections::HashMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use crate::api::{FileId, Pos, Severity};
use crate::engine::report::{Finding, JustifiedBy, Report};
use crate::engine::source::SourceText;
use crate::output::{View, MAX_LINE, MAX_SPAN_LINES};

/// How wide diagnostics are wrapped.
const WIDTH: usize = 100;

/// Renders every finding the view shows; `color` turns on ANSI colours.
pub fn render(report: &Report, color: bool, view: View) -> String {
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
    for finding in report.findings.iter().filter(|f| view.shows(f)) {
        let file = report.file(finding.file);
        let path = file.map_or("", |f| f.display.as_str());
        let text = file.and_then(|f| f.text.as_ref()).map(|t| {
            &*texts
                .entry(finding.file)
                .or_insert_with(|| SourceText::new(t.to_string()))
        });
        let (first, last) = (finding.span.start.line, finding.span.end.line);
        // A long span is drawn to the end of its first lines.
        let cut = last > first.saturating_add(MAX_SPAN_LINES - 1);
        let last_drawn = if cut {
            first.saturating_add(MAX_SPAN_LINES - 1)
        } else {
            last
        };
        let drawn = text.filter(|t| (first..=last_drawn).all(|l| t.line(l).len() <= MAX_LINE));
        let span = drawn.map(|t| {
            let start = t.offset(finding.span.start);
            let end = match cut {
                true => t.offset(Pos::new(last_drawn, u32::MAX)),
                false => t.offset(finding.span.end),
            };
            let end = end.max(start);
            (start, end - start)
        });
        let diag = Diag {
            finding,
            source: drawn.map(|text| Window { name: path, text }),
            span,
        };
        // Writing into a String cannot fail.
        let _ = handler.render_report(&mut out, &diag);
        if drawn.is_some() && cut {
            out.push_str(&format!(
                "  (the span runs on to {}:{}:{})\n",
                path, last, finding.span.end.column
            ));
        }
        if drawn.is_none() {
            let why = if text.is_some() {
                " (the line is too long to show)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  at {}:{}:{}{why}\n",
                path, finding.span.start.line, finding.span.start.column
            ));
        }
        out.push('\n');
    }
    out.push_str(&super::paths::check_lines(report));
    out
}

/// A file as miette reads it for one finding: the lines around the span, found
/// with the file's line index. (miette's own `SourceCode` for a string counts lines
/// from the top of the file for every finding, which is quadratic in a file with
/// many findings.)
struct Window<'a> {
    name: &'a str,
    text: &'a SourceText,
}

impl SourceCode for Window<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let first = self
            .text
            .line_index(span.offset())
            .saturating_sub(context_lines_before);
        let last = self
            .text
            .line_index(span.offset() + span.len().saturating_sub(1))
            .saturating_add(context_lines_after);
        let range = self.text.lines_range(first, last);
        let lines = self
            .text
            .as_str()
            .get(range.clone())
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(
            span.offset()
                .checked_sub(range.start)
                .ok_or(MietteError::OutOfBounds)?
                .into(),
            span.len(),
        );
        let inner = lines.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + range.start).into(),
                inner.span().len(),
            ),
            inner.line() + first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

struct Diag<'a> {
    finding: &'a Finding,
    source: Option<Window<'a>>,
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
