//! `forbidden-crate`: see `forbidden_crate.md`.

use crate::api::facts::{self, Reference};
use crate::api::layers::Layer;
use crate::api::view::WorkspaceView;
use crate::api::{FileId, Level, Name, Rule, RuleId, RuleKind, Span, WorkspaceSink, WorkspaceSite};

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
            let offending = file.facts.references.iter().filter_map(|r| {
                let layer = wf.layers.layer_of(&r.module)?;
                if layer.forbid_crates.is_empty() {
                    return None;
                }
                let target = wf.target_of(&r.module, &r.target);
                let first = target.first()?;
                let own_crate = r.module.split("::").next().unwrap_or_default();
                if first == own_crate {
                    return None;
                }
                let krate = wf.crate_of(file.package, first);
                let forbidden = layer
                    .forbid_crates
                    .iter()
                    .any(|c| c.replace('-', "_") == krate);
                forbidden.then(|| {
                    let offense = Offense {
                        layer,
                        reference: r,
                        target,
                        krate,
                    };
                    (r.group, r.span, offense)
                })
            });
            for (span, offenses) in facts::merge(offending) {
                if let Some(site) = site(file.file, span, &offenses) {
                    out.push(site);
                }
            }
        }
    }
}

/// One path that names a forbidden crate.
struct Offense<'a> {
    layer: &'a Layer,
    reference: &'a Reference,
    /// Where the path leads, re-exports followed.
    target: Vec<Name>,
    /// The crate it names, renames undone.
    krate: Name,
}

impl Offense<'_> {
    fn full(&self) -> String {
        self.target.join("::")
    }

    fn is_error_type(&self) -> bool {
        self.target.last().is_some_and(|s| s.ends_with("Error"))
    }

    /// How the written path relates to the crate: renamed, or re-exported.
    fn note(&self) -> String {
        let full = self.full();
        let first = self.target.first().map(Name::as_str).unwrap_or_default();
        let written = self.reference.written.trim_start_matches("::");
        if first != self.krate {
            format!(" (`{first}` is `{}`, renamed in Cargo.toml)", self.krate)
        } else if written != full && !written.starts_with("extern crate ") {
            format!(" (`{}` is `{full}`)", self.reference.written)
        } else {
            String::new()
        }
    }
}

/// One finding for paths that are one (a `use` item, a parameter, a `derive`).
fn site(file: FileId, span: Span, offenses: &[Offense<'_>]) -> Option<WorkspaceSite> {
    let first = offenses.first()?;
    let layer = first.layer;
    let (message, help) = match offenses {
        [one] if one.is_error_type() => {
            let full = one.full();
            (
                format!(
                    "`{full}` leaks into layer `{}`, which may not name `{}`{}",
                    layer.name,
                    one.krate,
                    one.note()
                ),
                error_help(layer, &full),
            )
        }
        [one] => (
            format!(
                "layer `{}` may not name crate `{}`: `{}`{}",
                layer.name,
                one.krate,
                one.reference.written,
                one.note()
            ),
            trait_help(layer, &one.krate),
        ),
        many => {
            let mut crates: Vec<&str> = Vec::new();
            for o in many {
                if !crates.contains(&o.krate.as_str()) {
                    crates.push(&o.krate);
                }
            }
            let names: Vec<String> = many
                .iter()
                .map(|o| format!("`{}`{}", o.reference.written, o.note()))
                .collect();
            let message = format!(
                "layer `{}` may not name {} {}: {}",
                layer.name,
                if crates.len() == 1 { "crate" } else { "crates" },
                quoted(&crates),
                names.join(", ")
            );
            let help = match many.iter().find(|o| o.is_error_type()) {
                Some(error) => error_help(layer, &error.full()),
                None => trait_help(layer, &crates.join("`, `")),
            };
            (message, help)
        }
    };
    Some(WorkspaceSite {
        rule: RuleId::ForbiddenCrate,
        file,
        span,
        message,
        help: Some(help),
        layer: Some(layer.name.clone()),
    })
}

fn error_help(layer: &Layer, full: &str) -> String {
    format!(
        "define a domain error type in `{}` and map `{full}` into it at the infrastructure boundary (an `impl From<{full}>` there)",
        layer.name
    )
}

fn trait_help(layer: &Layer, krate: &str) -> String {
    format!(
        "keep `{krate}` behind a trait that `{}` owns and the infrastructure layer implements",
        layer.name
    )
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
