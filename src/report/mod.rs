//! Reports: the findings of a run, and one renderer per format.
//!
//! This is the only code that turns findings into text. A [`Report`] is sorted
//! once (path, line, column, rule) so every format is deterministic.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Finding, Severity};

pub mod human;
pub mod json;

/// A finding and the file it is in.
#[derive(Clone, Debug)]
pub struct Located {
    /// Relative to the workspace root, `/`-separated.
    pub path: String,
    pub package: Option<String>,
    pub finding: Finding,
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Report {
    pub files_checked: usize,
    pub findings: Vec<Located>,
    /// Texts of the files with findings, by path, for renderers that show source.
    pub sources: HashMap<String, Arc<str>>,
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
    pub fn new(
        files_checked: usize,
        mut findings: Vec<Located>,
        sources: HashMap<String, Arc<str>>,
    ) -> Report {
        findings.sort_by(|a, b| {
            let key = |l: &Located| {
                (
                    l.finding.span.start,
                    l.finding.rule,
                    l.finding.span.end,
                    l.finding.message.clone(),
                )
            };
            a.path.cmp(&b.path).then_with(|| key(a).cmp(&key(b)))
        });
        Report {
            files_checked,
            findings,
            sources,
        }
    }

    pub fn summary(&self) -> Summary {
        let count =
            |f: &dyn Fn(&Finding) -> bool| self.findings.iter().filter(|l| f(&l.finding)).count();
        Summary {
            files: self.files_checked,
            findings: self.findings.len(),
            blocking: count(&Finding::is_blocking),
            warnings: count(&|f| f.severity == Severity::Warning),
            justified: count(&|f| f.justification.is_some()),
            parse_errors: count(&|f| f.rule == "parse-error"),
            internal_errors: count(&|f| f.rule == "internal-error"),
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
