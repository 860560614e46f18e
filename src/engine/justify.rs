//! `// PANIC: <reason>` comments and the sites each one covers.
//!
//! A comment block right above a line (attribute lines in between are skipped)
//! targets that line; a trailing comment targets its own line. A site looks for a
//! trailing comment on its own line first, then for a block above its own line,
//! then above each enclosing statement, arm, field or item, innermost first.

use foldhash::HashMap;

use serde::{Deserialize, Serialize};

use crate::api::{Pos, Span};
use crate::engine::source::{LineComment, LineKind, Scan};

/// One justification comment of a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Justification {
    pub span: Span,
    /// The reason: the text after the marker, with the block's following lines.
    /// Empty when none was given (such a comment justifies nothing).
    pub reason: String,
    /// It sits in test code that was not checked: never reported as unused.
    pub in_skipped_code: bool,
}

/// The justification comments of one file, indexed by the line they target.
#[derive(Debug, Default)]
pub struct Justifications {
    all: Vec<Justification>,
    above: HashMap<u32, u32>,
    trailing: HashMap<u32, u32>,
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

    fn push(&mut self, comment: &LineComment, reason: String) -> u32 {
        self.all.push(Justification {
            span: Span::new(
                Pos::new(comment.line, comment.column),
                Pos::new(comment.line, comment.end_column),
            ),
            reason,
            in_skipped_code: false,
        });
        u32::try_from(self.all.len() - 1).unwrap_or(u32::MAX)
    }

    /// The comment that covers a site on `line` inside nodes starting on `anchors`
    /// (outermost first): a trailing comment on the line, then a block above the
    /// line, then above each enclosing node, innermost first. Comments without a
    /// reason cover nothing.
    pub fn covering(&self, line: u32, anchors: &[u32]) -> Option<u32> {
        let candidates = std::iter::once(self.trailing.get(&line))
            .chain(std::iter::once(self.above.get(&line)))
            .chain(anchors.iter().rev().map(|l| self.above.get(l)));
        candidates.flatten().copied().find(|&i| {
            self.all
                .get(i as usize)
                .is_some_and(|j| !j.reason.is_empty())
        })
    }

    /// The comments, in file order, for the file's result; `skipped` says which
    /// lines are test code that was not checked.
    pub fn into_comments(mut self, skipped: impl Fn(u32) -> bool) -> Vec<Justification> {
        for j in &mut self.all {
            j.in_skipped_code = skipped(j.span.start.line);
        }
        self.all
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

/// What applying the configuration made of a file's justification comments.
#[derive(Debug)]
pub struct Usage {
    used: Vec<bool>,
    refused_by: Vec<Option<crate::api::RuleId>>,
}

impl Usage {
    pub fn new(comments: usize) -> Usage {
        Usage {
            used: vec![false; comments],
            refused_by: vec![None; comments],
        }
    }

    /// A site of `rule` covered by comment `idx`: the reason when the rule accepts
    /// a justification, else the comment is remembered as refused.
    pub fn justify<'c>(
        &mut self,
        comments: &'c [Justification],
        idx: u32,
        rule: crate::api::RuleId,
        accepts: bool,
    ) -> Option<&'c str> {
        let i = idx as usize;
        let comment = comments.get(i)?;
        if accepts {
            if let Some(used) = self.used.get_mut(i) {
                *used = true;
            }
            Some(&comment.reason)
        } else {
            if let Some(refused) = self.refused_by.get_mut(i) {
                refused.get_or_insert(rule);
            }
            None
        }
    }

    /// Every comment that justified nothing, with the message and help that say why.
    pub fn unused<'s, 'c: 's>(
        &'s self,
        comments: &'c [Justification],
    ) -> impl Iterator<Item = (&'c Justification, String, &'static str)> + 's {
        comments
            .iter()
            .zip(self.used.iter().zip(&self.refused_by))
            .filter(|(j, (used, _))| !**used && !j.in_skipped_code)
            .map(|(j, (_, refused))| {
                let (message, help) = match (j.reason.is_empty(), refused) {
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
                (j, message, help)
            })
    }
}
