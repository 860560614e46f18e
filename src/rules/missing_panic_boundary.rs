//! `missing-panic-boundary`: see `missing_panic_boundary.md`.

use super::{Level, Rule};
use crate::boundary::{Emit, Place, WorkspaceFacts};
use crate::diagnostic::Finding;

pub struct MissingPanicBoundary;

impl Rule for MissingPanicBoundary {
    fn id(&self) -> &'static str {
        "missing-panic-boundary"
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn can_be_justified(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "a binary that serves requests installs no panic hook or catch-panic layer"
    }
    fn docs(&self) -> &'static str {
        include_str!("missing_panic_boundary.md")
    }

    fn workspace(&self, wf: &WorkspaceFacts<'_>, out: &mut Emit) {
        let Some(severity) = wf.config.severity(self.id()) else {
            return;
        };
        for (index, tref) in wf.checked.targets.iter().enumerate() {
            let Some(package) = wf.ws.packages.get(tref.package) else {
                continue;
            };
            let Some(target) = package.targets.get(tref.target) else {
                continue;
            };
            if !target.is_bin {
                continue;
            }
            // The binary's own files, and its package's library when it calls it.
            let calls_library = wf
                .files
                .iter()
                .any(|f| f.target == Some(index) && f.facts.runtime.uses_library);
            let lib = wf
                .checked
                .targets
                .iter()
                .position(|t| {
                    t.package == tref.package
                        && package.targets.get(t.target).is_some_and(|t| t.is_lib)
                })
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
                .find_map(|f| f.facts.runtime.main_fn.map(|span| (f.index, span)));
            let Some((file, span)) = main else {
                continue;
            };
            out.push(
                Place::File(file),
                Finding {
                    rule: "missing-panic-boundary",
                    severity,
                    message: format!(
                        "`{}` serves requests but installs no panic boundary",
                        target.crate_name
                    ),
                    help: Some(
                        "install a panic hook that logs (`std::panic::set_hook`) and a catch-panic layer (`tower_http::catch_panic::CatchPanicLayer`), so a panic becomes a 500 and the server keeps serving"
                            .to_owned(),
                    ),
                    span,
                    layer: wf.config.layer_of(&target.crate_name).map(|l| l.name.clone()),
                    justification: None,
                },
            );
        }
    }
}
