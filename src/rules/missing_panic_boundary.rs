//! `missing-panic-boundary`: see `missing_panic_boundary.md`.

use crate::api::view::WorkspaceView;
use crate::api::{Level, Rule, RuleId, RuleKind, WorkspaceSink, WorkspaceSite};

pub struct MissingPanicBoundary;

impl Rule for MissingPanicBoundary {
    fn id(&self) -> RuleId {
        RuleId::MissingPanicBoundary
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a binary that serves requests installs no panic hook or catch-panic layer"
    }
    fn docs(&self) -> &'static str {
        include_str!("missing_panic_boundary.md")
    }

    fn workspace(&self, wf: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
        for (index, target) in wf.targets.iter().enumerate() {
            if !target.is_bin {
                continue;
            }
            // The binary's own files, and its package's library when it calls it.
            let calls_library = wf
                .files
                .iter()
                .any(|f| f.target == Some(index) && f.facts.runtime.uses_library);
            let lib = wf
                .targets
                .iter()
                .position(|t| t.package == target.package && t.is_lib)
                .filter(|_| calls_library);
            let files = || {
                wf.files
                    .iter()
                    .filter(move |f| f.target == Some(index) || (lib.is_some() && f.target == lib))
            };
            let serves = files().any(|f| f.facts.runtime.serves.is_some());
            let guarded = files().any(|f| f.facts.runtime.hook || f.facts.runtime.catches);
            if !serves || guarded {
                continue;
            }
            let main = wf
                .files
                .iter()
                .filter(|f| f.target == Some(index))
                .find_map(|f| f.facts.runtime.main_fn.map(|span| (f.file, span)));
            let Some((file, span)) = main else {
                continue;
            };
            out.push(WorkspaceSite {
                rule: RuleId::MissingPanicBoundary,
                file,
                span,
                message: format!(
                    "`{}` serves requests but installs no panic boundary",
                    target.crate_name
                ),
                help: Some(
                    "install a panic hook that logs (`std::panic::set_hook`) and a catch-panic layer (`tower_http::catch_panic::CatchPanicLayer`), so a panic becomes a 500 and the server keeps serving"
                        .to_owned(),
                ),
                layer: wf.layers.layer_of(target.crate_name).map(|l| l.name.clone()),
            });
        }
    }
}
