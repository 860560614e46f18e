//! `cargo panicfree rules`: every rule with its default level, whether a
//! justification silences it, and its one-line summary.

use crate::api::{Rule, RuleKind};
use crate::rules;

/// The table, one rule a line, in registry order.
pub fn list() -> String {
    let rows: Vec<[String; 4]> = rules::ALL.iter().map(|r| row(*r)).collect();
    let header = [
        "rule".to_owned(),
        "default".to_owned(),
        "justification".to_owned(),
        "flags".to_owned(),
    ];
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for [id, level, justification, summary] in std::iter::once(&header).chain(&rows) {
        let [w0, w1, w2] = widths;
        let line = format!("{id:w0$}  {level:w1$}  {justification:w2$}  {summary}");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("\n`cargo panicfree explain RULE` prints a rule's documentation.\n");
    out
}

fn row(rule: &dyn Rule) -> [String; 4] {
    let level = match rule.default_level().severity() {
        Some(severity) => severity.as_str(),
        None => "off",
    };
    let justification = match (rule.kind(), rule.accepts_justification()) {
        (RuleKind::Site, true) => "accepted",
        (RuleKind::Site, false) => "not accepted",
        // The fix for an architecture rule is in the code or the configuration.
        (RuleKind::Workspace, _) => "never",
        (RuleKind::Tool, _) => "-",
    };
    [
        rule.id().as_str().to_owned(),
        level.to_owned(),
        justification.to_owned(),
        rule.summary().to_owned(),
    ]
}
