//! `--statistics`: how many findings of each rule, in each layer and each package,
//! and the files with the most, for a first look at a codebase with hundreds of
//! findings (as ruff's `--statistics`). Every finding counts, justified and
//! baselined ones too, each in its own column.

use std::collections::HashMap;

use crate::api::Severity;
use crate::engine::report::{Finding, Report};

/// How many files the last table lists.
const TOP_FILES: usize = 10;

#[derive(Clone, Copy, Default)]
struct Counts {
    findings: usize,
    blocking: usize,
    warnings: usize,
    justified: usize,
    baselined: usize,
}

impl Counts {
    fn add(&mut self, f: &Finding) {
        self.findings += 1;
        if f.is_blocking() {
            self.blocking += 1;
        }
        if f.justification.is_some() {
            self.justified += 1;
        } else if f.baselined {
            self.baselined += 1;
        } else if f.severity == Severity::Warning {
            self.warnings += 1;
        }
    }

    fn cells(self) -> [usize; 5] {
        [
            self.findings,
            self.blocking,
            self.warnings,
            self.justified,
            self.baselined,
        ]
    }
}

/// The four tables.
pub fn render(report: &Report) -> String {
    let by = |name: &dyn Fn(&Finding) -> String| {
        let mut groups: HashMap<String, Counts> = HashMap::new();
        for f in &report.findings {
            groups.entry(name(f)).or_default().add(f);
        }
        let mut rows: Vec<(String, Counts)> = groups.into_iter().collect();
        rows.sort_by(|a, b| b.1.findings.cmp(&a.1.findings).then_with(|| a.0.cmp(&b.0)));
        rows
    };
    let file = |f: &Finding| report.file(f.file);
    let mut total = Counts::default();
    for f in &report.findings {
        total.add(f);
    }

    let mut out = String::new();
    let rules = by(&|f| f.rule.as_str().to_owned());
    table(&mut out, "rule", &rules, Some(total));
    let layers = by(&|f| f.layer.clone().unwrap_or_else(|| "(no layer)".to_owned()));
    table(&mut out, "layer", &layers, None);
    let packages = by(&|f| {
        file(f)
            .and_then(|f| f.package.clone())
            .unwrap_or_else(|| "(no package)".to_owned())
    });
    table(&mut out, "package", &packages, None);
    let mut files = by(&|f| file(f).map(|f| f.display.clone()).unwrap_or_default());
    let more = files.len().saturating_sub(TOP_FILES);
    files.truncate(TOP_FILES);
    table(&mut out, "file", &files, None);
    if more > 0 {
        out.push_str(&format!("(and {more} more files)\n"));
    }
    out
}

fn table(out: &mut String, title: &str, rows: &[(String, Counts)], total: Option<Counts>) {
    const COLUMNS: [&str; 5] = ["findings", "blocking", "warnings", "justified", "baselined"];
    if !out.is_empty() {
        out.push('\n');
    }
    let total = total.map(|t| ("total".to_owned(), t));
    let all: Vec<&(String, Counts)> = rows.iter().chain(total.as_ref()).collect();
    let width = all
        .iter()
        .map(|(name, _)| name.chars().count())
        .chain([title.chars().count()])
        .max()
        .unwrap_or(0);
    let mut line = format!("{title:width$}");
    for column in COLUMNS {
        line.push_str(&format!("  {column:>9}"));
    }
    out.push_str(&line);
    out.push('\n');
    for (i, (name, counts)) in all.iter().enumerate() {
        if total.is_some() && i + 1 == all.len() {
            out.push_str(&format!("{}\n", "-".repeat(width + COLUMNS.len() * 11)));
        }
        let mut line = format!("{name:width$}");
        for n in counts.cells() {
            line.push_str(&format!("  {n:>9}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
}
