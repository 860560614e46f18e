//! `layer-violation`: see `layer_violation.md`.

use crate::api::facts::{self, Reference};
use crate::api::layers::Layer;
use crate::api::view::WorkspaceView;
use crate::api::{FileId, Level, Rule, RuleId, RuleKind, Span, WorkspaceSink, WorkspaceSite};

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
            let offending = file.facts.references.iter().filter_map(|r| {
                let from = view.layers.layer_of(&r.module)?;
                let followed = view.target_of(&r.module, &r.target);
                let target = followed.join("::");
                let to = view.layers.layer_of(&target)?;
                if to.name == from.name || from.may_use.contains(&to.name) {
                    return None;
                }
                let via = if followed == r.target {
                    Via::Direct
                } else if view.follow(&r.target) != r.target {
                    Via::Reexport
                } else {
                    Via::Alias
                };
                let edge = Edge {
                    from,
                    to,
                    reference: r,
                    target,
                    via,
                };
                Some((r.group, r.span, edge))
            });
            for (span, edges) in facts::merge(offending) {
                if let Some(site) = site(file.file, span, &edges) {
                    out.push(site);
                }
            }
        }
    }
}

/// One path from a layer into a layer it may not use.
struct Edge<'a> {
    from: &'a Layer,
    to: &'a Layer,
    reference: &'a Reference,
    /// Where it leads, re-exports followed.
    target: String,
    via: Via,
}

/// How a path reached its target.
#[derive(PartialEq)]
enum Via {
    Direct,
    /// A `pub use` (or `#[macro_export]`) was followed.
    Reexport,
    /// The first segment is an alias of a crate (`extern crate self as name`).
    Alias,
}

impl Edge<'_> {
    /// ` (through a re-export, it is `target`)`, or nothing when the path was direct.
    fn via(&self) -> String {
        match self.via {
            Via::Direct => String::new(),
            Via::Reexport => format!(" (through a re-export, it is `{}`)", self.target),
            Via::Alias => format!(" (it is `{}`)", self.target),
        }
    }
}

/// One finding for paths that are one (a `use` item, a parameter, a `derive`).
fn site(file: FileId, span: Span, edges: &[Edge<'_>]) -> Option<WorkspaceSite> {
    let first = edges.first()?;
    let from = first.from;
    let mut to: Vec<&str> = Vec::new();
    for edge in edges {
        if !to.contains(&edge.to.name.as_str()) {
            to.push(&edge.to.name);
        }
    }
    let allowed = if from.may_use.is_empty() {
        "nothing".to_owned()
    } else {
        from.may_use.join(", ")
    };
    let may_use = to
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let located = match edges {
        [one] => format!(
            "`{}` is in layer `{}`{}",
            one.reference.written,
            one.to.name,
            one.via()
        ),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|e| format!("`{}`{}", e.reference.written, e.via()))
                .collect();
            let layers: Vec<String> = to.iter().map(|l| format!("`{l}`")).collect();
            match layers.as_slice() {
                [one] => format!("{} are in layer {one}", names.join(", ")),
                _ => format!("{} are in layers {}", names.join(", "), layers.join(", ")),
            }
        }
    };
    Some(WorkspaceSite {
        rule: RuleId::LayerViolation,
        file,
        span,
        message: format!(
            "{} may not use {} ({} may use: {allowed})",
            from.name,
            to.join(" or "),
            from.name
        ),
        help: Some(format!(
            "{located}; depend on an abstraction that `{}` owns, or allow the edge with `may_use = [{may_use}]`",
            from.name,
        )),
        layer: Some(from.name.clone()),
    })
}
