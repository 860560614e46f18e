//! `layer-violation`: see `layer_violation.md`.

use crate::api::view::WorkspaceView;
use crate::api::{Level, Rule, RuleId, RuleKind, WorkspaceSink, WorkspaceSite};

pub struct LayerViolation;

impl Rule for LayerViolation {
    fn id(&self) -> RuleId {
        RuleId::LayerViolation
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a module of one layer uses a module of a layer it may not use"
    }
    fn docs(&self) -> &'static str {
        include_str!("layer_violation.md")
    }

    fn workspace(&self, view: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
        for file in &view.files {
            for r in &file.facts.references {
                let Some(from) = view.layers.layer_of(&r.module) else {
                    continue;
                };
                let followed = view.follow(&r.target);
                let target = followed.join("::");
                let Some(to) = view.layers.layer_of(&target) else {
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
                out.push(WorkspaceSite {
                    rule: RuleId::LayerViolation,
                    file: file.file,
                    span: r.span,
                    message: format!(
                        "{} may not use {} ({} may use: {allowed})",
                        from.name, to.name, from.name
                    ),
                    help: Some(format!(
                        "`{}` is in layer `{}`{via}; depend on an abstraction that `{}` owns, or allow the edge with `may_use = [\"{}\"]`",
                        r.written, to.name, from.name, to.name
                    )),
                    layer: Some(from.name.clone()),
                });
            }
        }
    }
}
