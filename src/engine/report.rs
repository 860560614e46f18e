//! What a run found: the files it looked at and the findings, each naming its file
//! by [`FileId`]. Plain data for the renderers in [`crate::output`]; sorted once
//! (path, line, column, rule) so that every format is deterministic.

use crate::api::{FileId, RuleId, Severity, Span};
use crate::engine::model::File;

/// One finding, with the configuration applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: FileId,
    pub span: Span,
    /// The architecture layer of the code at the site, when one is configured.
    pub layer: Option<String>,
    /// The function or other item the site sits in, when it is in one.
    pub item: Option<String>,
    /// The reason given by a justification, when the site is justified.
    pub justification: Option<String>,
    /// What justified it.
    pub justified_by: Option<JustifiedBy>,
}

/// What justifies a site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JustifiedBy {
    /// A `// PANIC: <reason>` comment.
    Comment,
    /// `#[allow(clippy::L, reason = "..")]` or `#[expect(..)]`.
    Attribute,
    /// A Clippy lint attribute without a reason: the justification is the
    /// attribute as written.
    AttributeWithoutReason,
}

impl JustifiedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            JustifiedBy::Comment => "comment",
            JustifiedBy::Attribute => "attribute",
            JustifiedBy::AttributeWithoutReason => "attribute-without-reason",
        }
    }
}

impl Finding {
    /// A finding blocks when it is an error that no justification excuses.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.justification.is_none()
    }
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// The files reported on, indexed by [`FileId`] (a file id beyond them names nothing).
    pub files: Vec<File>,
    /// How many Rust files were checked (excluded files and manifests do not count).
    pub files_checked: usize,
    pub findings: Vec<Finding>,
    /// Things the user should know that are not findings (a cache that could not be used).
    pub warnings: Vec<String>,
    /// The panic paths: entries, chains, and how many entries reach each finding.
    pub paths: Option<crate::engine::paths::Analysis>,
}

/// The counts every format shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub blocking: usize,
    pub warnings: usize,
    pub justified: usize,
    pub parse_errors: usize,
    pub internal_errors: usize,
}

impl Report {
    /// A report with its findings in their canonical order.
    pub fn new(files: Vec<File>, files_checked: usize, mut findings: Vec<Finding>) -> Report {
        let path = |f: &Finding| files.get(f.file.0 as usize).map(|f| f.display.as_str());
        findings.sort_by(|a, b| {
            let key = |f: &Finding| (f.span.start, f.rule.as_str(), f.span.end);
            path(a)
                .cmp(&path(b))
                .then_with(|| key(a).cmp(&key(b)))
                .then_with(|| a.message.cmp(&b.message))
        });
        Report {
            files,
            files_checked,
            findings,
            warnings: Vec::new(),
            paths: None,
        }
    }

    /// The file a finding names.
    pub fn file(&self, id: FileId) -> Option<&File> {
        self.files.get(id.0 as usize)
    }

    pub fn summary(&self) -> Summary {
        let count = |f: &dyn Fn(&Finding) -> bool| self.findings.iter().filter(|x| f(x)).count();
        Summary {
            files: self.files_checked,
            findings: self.findings.len(),
            blocking: count(&Finding::is_blocking),
            warnings: count(&|f| f.severity == Severity::Warning),
            justified: count(&|f| f.justification.is_some()),
            parse_errors: count(&|f| f.rule == RuleId::ParseError),
            internal_errors: count(&|f| f.rule == RuleId::InternalError),
        }
    }
}

impl Summary {
    /// The one line that goes to stderr after every run.
    pub fn line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut line = format!(
            "panicfree: {} blocking, {}, {} justified; {} checked",
            self.blocking,
            plural(self.warnings, "warning", "warnings"),
            self.justified,
            plural(self.files, "file", "files"),
        );
        if self.parse_errors > 0 {
            line.push_str(&format!(
                "; {}",
                plural(self.parse_errors, "parse error", "parse errors")
            ));
        }
        if self.internal_errors > 0 {
            line.push_str(&format!(
                "; the tool failed on {} (a bug: please report it)",
                plural(self.internal_errors, "file", "files")
            ));
        }
        line
    }
}
