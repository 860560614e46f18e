//! `unvalidated-input`: see `unvalidated_input.md`.

use std::collections::HashSet;

use crate::api::facts;
use crate::api::layers::{Layer, Role};
use crate::api::view::WorkspaceView;
use crate::api::{Level, Rule, RuleId, RuleKind, WorkspaceSink, WorkspaceSite};

/// Layer names that mean the core when a layer gives no `role`.
const CORE_NAMES: &[&str] = &["core", "domain"];

/// A layer whose public functions must take validated types: `role = "core"`, or,
/// without a role, a layer named `core` or `domain`.
fn is_core(layer: &Layer) -> bool {
    match layer.role {
        Some(role) => role == Role::Core,
        None => CORE_NAMES.contains(&layer.name.as_str()),
    }
}

pub struct UnvalidatedInput;

impl Rule for UnvalidatedInput {
    fn id(&self) -> RuleId {
        RuleId::UnvalidatedInput
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a public core function takes a raw `serde::Deserialize` type instead of a validated one"
    }
    fn docs(&self) -> &'static str {
        include_str!("unvalidated_input.md")
    }

    fn workspace(&self, wf: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
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
                let Some(layer) = wf.layers.layer_of(&func.module) else {
                    continue;
                };
                if !is_core(layer) {
                    continue;
                }
                let raw = func.params.iter().filter(|param| {
                    raw_types.contains(&wf.target_of(&func.module, &param.target).join("::"))
                });
                // One parameter is one finding, however many raw types it holds.
                let per_param = facts::merge(raw.map(|p| (Some(p.param), p.span, p)));
                for (span, params) in per_param {
                    let mut written: Vec<String> = Vec::new();
                    for p in &params {
                        let name = format!("`{}`", p.written);
                        if !written.contains(&name) {
                            written.push(name);
                        }
                    }
                    let (types, what) = match written.as_slice() {
                        [one] => (one.clone(), "a raw `Deserialize` input type"),
                        _ => (written.join(" and "), "raw `Deserialize` input types"),
                    };
                    out.push(WorkspaceSite {
                        rule: RuleId::UnvalidatedInput,
                        file: file.file,
                        span,
                        message: format!(
                            "public {} function `{}` takes {types}, {what}",
                            layer.name, func.name
                        ),
                        help: Some(format!(
                            "validate {types} in the input layer and take the validated type instead"
                        )),
                        layer: Some(layer.name.clone()),
                    });
                }
            }
        }
    }
}
