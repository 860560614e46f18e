//! `unvalidated-input`: see `unvalidated_input.md`.

use std::collections::HashSet;

use super::{Level, Rule};
use crate::boundary::{Emit, Place, WorkspaceFacts};
use crate::diagnostic::Finding;

/// The layers whose public functions must take validated types.
pub const CORE_LAYERS: &[&str] = &["core", "domain"];

pub struct UnvalidatedInput;

impl Rule for UnvalidatedInput {
    fn id(&self) -> &'static str {
        "unvalidated-input"
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn can_be_justified(&self) -> bool {
        false
    }
    fn summary(&self) -> &'static str {
        "a public core function takes a raw `serde::Deserialize` type instead of a validated one"
    }
    fn docs(&self) -> &'static str {
        include_str!("unvalidated_input.md")
    }

    fn workspace(&self, wf: &WorkspaceFacts<'_>, out: &mut Emit) {
        let Some(severity) = wf.config.severity(self.id()) else {
            return;
        };
        let raw_types: HashSet<String> = wf
            .files
            .iter()
            .flat_map(|f| &f.facts.deserialize_types)
            .map(|t| wf.follow(t).join("::"))
            .collect();
        if raw_types.is_empty() {
            return;
        }
        for file in &wf.files {
            for func in &file.facts.public_fns {
                let Some(layer) = wf.config.layer_of(&func.module) else {
                    continue;
                };
                if !CORE_LAYERS.contains(&layer.name.as_str()) {
                    continue;
                }
                for param in &func.params {
                    let target = wf.follow(&param.target).join("::");
                    if !raw_types.contains(&target) {
                        continue;
                    }
                    out.push(
                        Place::File(file.index),
                        Finding {
                            rule: "unvalidated-input",
                            severity,
                            message: format!(
                                "public {} function `{}` takes `{}`, a raw `Deserialize` input type",
                                layer.name, func.name, param.written
                            ),
                            help: Some(format!(
                                "validate `{}` in the input layer and take the validated type instead",
                                param.written
                            )),
                            span: param.span,
                            layer: Some(layer.name.clone()),
                            justification: None,
                        },
                    );
                }
            }
        }
    }
}
