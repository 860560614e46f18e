//! `layer-violation`: see `layer_violation.md`.

use super::{Level, Rule};
use crate::boundary::{Emit, Place, WorkspaceFacts};
use crate::diagnostic::Finding;

pub struct LayerViolation;

impl Rule for LayerViolation {
    fn id(&self) -> &'static str {
        "layer-violation"
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn can_be_justified(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "a module of one layer uses a module of a layer it may not use"
    }
    fn docs(&self) -> &'static str {
        include_str!("layer_violation.md")
    }

    fn workspace(&self, wf: &WorkspaceFacts<'_>, out: &mut Emit) {
        let Some(severity) = wf.config.severity(self.id()) else {
            return;
        };
        for file in &wf.files {
            for r in &file.facts.references {
                let Some(from) = wf.config.layer_of(&r.module) else {
                    continue;
                };
                let followed = wf.follow(&r.target);
                let target = followed.join("::");
                let Some(to) = wf.config.layer_of(&target) else {
                    continue;
                };
                if to.name == from.name || from.may_use.contains(&to.name) {
                    continue;
                }
                let allowed = if from.may_use.is_empty() {
                    "nothing".to_owned()
                } else {
                    from.may_use.join(", ")
                };
                let via = if followed == r.target {
                    String::new()
                } else {
                    format!(" (through a re-export, it is `{target}`)")
                };
                out.push(
                    Place::File(file.index),
                    Finding {
                        rule: "layer-violation",
                        severity,
                        message: format!(
                            "{} may not use {} ({} may use: {allowed})",
                            from.name, to.name, from.name
                        ),
                        help: Some(format!(
                            "`{}` is in layer `{}`{via}; depend on an abstraction that `{}` owns, or allow the edge with `may_use = [\"{}\"]`",
                            r.written, to.name, from.name, to.name
                        )),
                        span: r.span,
                        layer: Some(from.name.clone()),
                        justification: None,
                    },
                );
            }
        }
    }
}
