//! `panic-abort-defeats-catch`: see `panic_abort_defeats_catch.md`.

use crate::api::view::WorkspaceView;
use crate::api::{Level, Pos, Rule, RuleId, RuleKind, Span, WorkspaceSink, WorkspaceSite};

pub struct PanicAbortDefeatsCatch;

impl Rule for PanicAbortDefeatsCatch {
    fn id(&self) -> RuleId {
        RuleId::PanicAbortDefeatsCatch
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a profile sets `panic = \"abort\"` while the code relies on catching panics"
    }
    fn docs(&self) -> &'static str {
        include_str!("panic_abort_defeats_catch.md")
    }

    fn workspace(&self, wf: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
        let catches = wf.files.iter().any(|f| f.facts.runtime.catches);
        // Rocket 0.5 wraps every handler in `catch_unwind`: a Rocket service relies on it.
        let rocket = wf
            .files
            .iter()
            .any(|f| f.facts.runtime.servers.iter().any(|s| s == "rocket"));
        if !catches && !rocket {
            return;
        }
        let who = if catches {
            "the code catches panics"
        } else {
            "Rocket catches handler panics"
        };
        for manifest in &wf.manifests {
            for (profile, span) in abort_profiles(manifest.text) {
                out.push(WorkspaceSite {
                    rule: RuleId::PanicAbortDefeatsCatch,
                    file: manifest.file,
                    span,
                    message: format!(
                        "profile `{profile}` sets `panic = \"abort\"`, but {who}: with abort, nothing is caught"
                    ),
                    help: Some(
                        "remove `panic = \"abort\"` (unwinding is the default), or stop relying on `catch_unwind`/`CatchPanicLayer`"
                            .to_owned(),
                    ),
                    layer: None,
                });
            }
        }
    }
}

/// `[profile.NAME]` tables that set `panic = "abort"`, with the setting's span.
fn abort_profiles(manifest: &str) -> Vec<(String, Span)> {
    let mut found = Vec::new();
    let mut table = String::new();
    for (i, line) in manifest.lines().enumerate() {
        let code = line.split('#').next().unwrap_or("").trim();
        if let Some(header) = code.strip_prefix('[') {
            table = header.trim_end_matches(']').trim().to_owned();
            continue;
        }
        let Some(profile) = table.strip_prefix("profile.") else {
            continue;
        };
        let Some((key, value)) = code.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        if key.trim() != "panic" || value != "abort" {
            continue;
        }
        let line_no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let indent = line.len() - line.trim_start().len();
        let start =
            u32::try_from(line.get(..indent).unwrap_or("").chars().count()).unwrap_or(0) + 1;
        let width = u32::try_from(code.chars().count()).unwrap_or(0);
        found.push((
            profile.to_owned(),
            Span::new(Pos::new(line_no, start), Pos::new(line_no, start + width)),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::abort_profiles;

    #[test]
    fn finds_abort_in_profiles_only() {
        let manifest = "[package]\npanic = \"abort\"\n\n[profile.release]\nlto = true\n  panic = 'abort' # small\n[profile.dev]\npanic = \"unwind\"\n";
        let found = abort_profiles(manifest);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "release");
        assert_eq!((found[0].1.start.line, found[0].1.start.column), (6, 3));
        assert_eq!(found[0].1.end.column, 18);
    }
}
