//! `forbidden-crate`: see `forbidden_crate.md`.

use crate::api::facts::Reference;
use crate::api::layers::Layer;
use crate::api::view::WorkspaceView;
use crate::api::{FileId, Level, Rule, RuleId, RuleKind, WorkspaceSink, WorkspaceSite};

pub struct ForbiddenCrate;

impl Rule for ForbiddenCrate {
    fn id(&self) -> RuleId {
        RuleId::ForbiddenCrate
    }
    fn kind(&self) -> RuleKind {
        RuleKind::Workspace
    }
    fn default_level(&self) -> Level {
        Level::Deny
    }
    fn summary(&self) -> &'static str {
        "a layer's code names a crate that layer must not see"
    }
    fn docs(&self) -> &'static str {
        include_str!("forbidden_crate.md")
    }

    fn workspace(&self, wf: &WorkspaceView<'_>, out: &mut WorkspaceSink) {
        for file in &wf.files {
            for r in &file.facts.references {
                let Some(layer) = wf.layers.layer_of(&r.module) else {
                    continue;
                };
                if layer.forbid_crates.is_empty() {
                    continue;
                }
                let target = wf.follow(&r.target);
                let Some(first) = target.first() else {
                    continue;
                };
                let own_crate = r.module.split("::").next().unwrap_or_default();
                if first == own_crate {
                    continue;
                }
                let krate = wf.crate_of(file.package, first);
                let forbidden = layer
                    .forbid_crates
                    .iter()
                    .any(|c| c.replace('-', "_") == krate);
                if !forbidden {
                    continue;
                }
                out.push(site(file.file, layer, r, &target, &krate));
            }
        }
    }
}

fn site(
    file: FileId,
    layer: &Layer,
    r: &Reference,
    target: &[String],
    krate: &str,
) -> WorkspaceSite {
    let full = target.join("::");
    let first = target.first().map(String::as_str).unwrap_or_default();
    let renamed = if first != krate {
        format!(" (`{first}` is `{krate}`, renamed in Cargo.toml)")
    } else if r.written.trim_start_matches("::") != full {
        format!(" (`{}` is `{full}`)", r.written)
    } else {
        String::new()
    };
    let is_error_type = target.last().is_some_and(|s| s.ends_with("Error"));
    let (message, help) = if is_error_type {
        (
            format!(
                "`{full}` leaks into layer `{}`, which may not name `{krate}`{renamed}",
                layer.name
            ),
            format!(
                "define a domain error type in `{}` and map `{full}` into it at the infrastructure boundary (an `impl From<{full}>` there)",
                layer.name
            ),
        )
    } else {
        (
            format!(
                "layer `{}` may not name crate `{krate}`: `{}`{renamed}",
                layer.name, r.written
            ),
            format!(
                "keep `{krate}` behind a trait that `{}` owns and the infrastructure layer implements",
                layer.name
            ),
        )
    };
    WorkspaceSite {
        rule: RuleId::ForbiddenCrate,
        file,
        span: r.span,
        message,
        help: Some(help),
        layer: Some(layer.name.clone()),
    }
}
