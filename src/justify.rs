//! `// PANIC: <reason>` comments: which sites they justify, and which justify nothing.
//!
//! A comment block right above a line (attribute lines in between are skipped)
//! targets that line; a trailing comment targets its own line. A site looks for a
//! trailing comment on its own line first, then for a block above its own line,
//! then above each enclosing statement, arm, field or item, innermost first.

use std::collections::HashMap;

use crate::diagnostic::{Finding, Pos, Severity, Span};
use crate::source::{LineKind, Scan};

/// One justification comment.
#[derive(Debug)]
pub struct Justification {
    pub span: Span,
    /// The reason: the text after the marker, with the block's following lines.
    pub reason: String,
    used: bool,
    /// The rule of a site it covered that accepts no justification.
    refused_by: Option<&'static str>,
}

/// The justification comments of one file, indexed by the line they target.
#[derive(Debug, Default)]
pub struct Justifications {
    all: Vec<Justification>,
    above: HashMap<u32, usize>,
    trailing: HashMap<u32, usize>,
}

impl Justifications {
    /// Finds the justification comments in a scanned file.
    pub fn collect(scan: &Scan, markers: &[String]) -> Justifications {
        let mut found = Justifications::default();
        let mut comments = scan.comments.iter().peekable();
        while let Some(comment) = comments.next() {
            let Some(reason) = strip_marker(&comment.text, markers) else {
                continue;
            };
            let mut reason = reason.to_owned();
            let mut last_line = comment.line;
            if comment.trailing {
                let idx = found.push(comment, reason);
                found.trailing.entry(comment.line).or_insert(idx);
                continue;
            }
            // The rest of the block, up to the next marker, continues the reason.
            while let Some(next) = comments.peek() {
                let continues = !next.trailing
                    && next.line == last_line + 1
                    && strip_marker(&next.text, markers).is_none();
                if !continues {
                    break;
                }
                let text = next.text.trim();
                if !text.is_empty() && !reason.is_empty() {
                    reason.push(' ');
                }
                reason.push_str(text);
                last_line = next.line;
                comments.next();
            }
            let idx = found.push(comment, reason);
            if let Some(target) = target_line(scan, last_line) {
                found.above.entry(target).or_insert(idx);
            }
        }
        found
    }

    fn push(&mut self, comment: &crate::source::LineComment, reason: String) -> usize {
        self.all.push(Justification {
            span: Span::new(
                Pos::new(comment.line, comment.column),
                Pos::new(comment.line, comment.end_column),
            ),
            reason,
            used: false,
            refused_by: None,
        });
        self.all.len() - 1
    }

    /// The justification for a site on `line` inside nodes starting on `anchors`
    /// (outermost first). `accepts` says whether the site's rule accepts one; the
    /// reason is returned only then.
    pub fn justify(
        &mut self,
        rule: &'static str,
        line: u32,
        anchors: &[u32],
        accepts: bool,
    ) -> Option<String> {
        let candidates = std::iter::once(self.trailing.get(&line))
            .chain(std::iter::once(self.above.get(&line)))
            .chain(anchors.iter().rev().map(|l| self.above.get(l)));
        let idx = candidates
            .flatten()
            .copied()
            .find(|&i| self.all.get(i).is_some_and(|j| !j.reason.is_empty()))?;
        let j = self.all.get_mut(idx)?;
        if accepts {
            j.used = true;
            Some(j.reason.clone())
        } else {
            j.refused_by.get_or_insert(rule);
            None
        }
    }

    /// `unused-justification` findings for every comment that justified nothing,
    /// except those on lines `skip` says to leave alone (test code out of scope).
    pub fn unused(&self, severity: Severity, skip: impl Fn(u32) -> bool) -> Vec<Finding> {
        self.all
            .iter()
            .filter(|j| !j.used && !skip(j.span.start.line))
            .map(|j| {
                let (message, help) = match (j.reason.is_empty(), j.refused_by) {
                    (true, _) => (
                        "justification comment gives no reason".to_owned(),
                        "write why the site cannot panic after the marker",
                    ),
                    (false, Some(rule)) => (
                        format!("`{rule}` accepts no justification, so this comment justifies nothing"),
                        "handle the failure case instead; `expect` with a justification is the way to state an invariant",
                    ),
                    (false, None) => (
                        "justification comment justifies nothing".to_owned(),
                        "remove it, or put it directly above the statement that holds the panic site",
                    ),
                };
                Finding {
                    rule: "unused-justification",
                    severity,
                    message,
                    help: Some(help.to_owned()),
                    span: j.span,
                    layer: None,
                    justification: None,
                }
            })
            .collect()
    }
}

/// The reason after a marker, when the comment text starts with one.
fn strip_marker<'t>(text: &'t str, markers: &[String]) -> Option<&'t str> {
    let text = text.trim_start();
    markers
        .iter()
        .find_map(|m| text.strip_prefix(m.as_str()))
        .map(str::trim)
}

/// The code line a comment block ending on `last` sits directly above.
fn target_line(scan: &Scan, last: u32) -> Option<u32> {
    let mut line = last + 1;
    loop {
        match scan.line_kind(line) {
            LineKind::Attribute => line += 1,
            LineKind::Code => return Some(line),
            LineKind::Blank | LineKind::Comment => return None,
        }
    }
}
