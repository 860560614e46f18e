//! What a run found: the files it looked at and the findings, each naming its file
//! by [`FileId`]. Plain data for the renderers in [`crate::output`]; sorted once
//! (path, line, column, rule) so that every format is deterministic.

use std::collections::HashMap;

use crate::api::{FileId, RuleId, Severity, Span};
use crate::engine::baseline::key::Key;
use crate::engine::model::File;
use crate::engine::source::SourceText;

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
    /// An entry of the `--baseline` file accepts it: reported in JSON and SARIF, never blocking.
    pub baselined: bool,
    /// How many entry points (routes, `main`s, tasks, ...) reach the site.
    pub reachable_from: u32,
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
    /// A finding blocks when it is an error that no justification excuses and no
    /// baseline accepts.
    pub fn is_blocking(&self) -> bool {
        self.severity == Severity::Error && self.justification.is_none() && !self.baselined
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
    /// Whether each file of `files` is reported on (not excluded, and named in FILES
    /// mode); empty means every file is.
    pub reported: Vec<bool>,
    /// What `--baseline` did, when one was given.
    pub baseline: Option<BaselineUse>,
    /// The panic paths: entries, chains, and how many entries reach each finding.
    pub paths: Option<crate::engine::paths::Analysis>,
}

/// The baseline a report was compared with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BaselineUse {
    /// The baseline file, as given.
    pub file: String,
    /// Entries that match fewer findings than they count, with how many are gone.
    pub gone: Vec<(Key, u32)>,
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
    /// Findings the baseline accepts.
    pub baselined: usize,
    /// With a baseline, how many of its findings no longer occur.
    pub baseline_gone: Option<usize>,
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
            reported: Vec::new(),
            baseline: None,
            paths: None,
        }
    }

    /// The file a finding names.
    pub fn file(&self, id: FileId) -> Option<&File> {
        self.files.get(id.0 as usize)
    }

    /// Whether the run reports on this file (see [`Report::reported`]).
    pub fn is_reported(&self, id: FileId) -> bool {
        self.reported.is_empty() || self.reported.get(id.0 as usize).copied().unwrap_or(false)
    }

    pub fn summary(&self) -> Summary {
        let count = |f: &dyn Fn(&Finding) -> bool| self.findings.iter().filter(|x| f(x)).count();
        Summary {
            files: self.files_checked,
            findings: self.findings.len(),
            blocking: count(&Finding::is_blocking),
            // Each finding is counted once: blocking, a warning, justified or baselined.
            warnings: count(&|f| {
                f.severity == Severity::Warning && f.justification.is_none() && !f.baselined
            }),
            justified: count(&|f| f.justification.is_some()),
            parse_errors: count(&|f| f.rule == RuleId::ParseError),
            internal_errors: count(&|f| f.rule == RuleId::InternalError),
            baselined: count(&|f| f.baselined && f.justification.is_none()),
            baseline_gone: self
                .baseline
                .as_ref()
                .map(|b| b.gone.iter().map(|(_, n)| *n as usize).sum()),
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
        if let Some(gone) = self.baseline_gone {
            line.push_str(&format!(
                "; {} baselined, {gone} gone from the baseline",
                self.baselined
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

/// The texts of a report's files, each indexed once when first asked for.
pub struct Texts<'a> {
    report: &'a Report,
    built: HashMap<FileId, Option<SourceText>>,
}

impl<'a> Texts<'a> {
    pub fn new(report: &'a Report) -> Texts<'a> {
        Texts {
            report,
            built: HashMap::new(),
        }
    }

    /// The text of a file, when the report kept it (files with findings).
    pub fn get(&mut self, id: FileId) -> Option<&SourceText> {
        let report = self.report;
        self.built
            .entry(id)
            .or_insert_with(|| {
                let text = report.file(id)?.text.as_ref()?;
                Some(SourceText::new(text.to_string()))
            })
            .as_ref()
    }
}
