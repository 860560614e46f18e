//! The whole-workspace pass: the workspace rules over every file's facts.
//!
//! The engine builds a [`WorkspaceView`] from the walked files' results (cached or
//! fresh: nothing is parsed here), checks that the configured layers name real
//! modules, runs every enabled workspace rule in parallel and applies their levels.

use foldhash::HashSet;

use rayon::prelude::*;

use crate::api::view::{ManifestView, WorkspaceView};
use crate::api::{FileId, RuleKind};
use crate::engine::config::{self, Config, ConfigError};
use crate::engine::model::Workspace;
use crate::engine::report::Finding;
use crate::engine::tree;
use crate::engine::tree::{TargetRef, Walked};
use crate::rules;

/// What the pass works on.
pub struct PassInput<'a> {
    pub ws: &'a Workspace,
    /// The walked targets; [`Walked::target`] indexes them.
    pub targets: &'a [TargetRef],
    pub files: Vec<(FileId, &'a Walked)>,
    pub manifests: Vec<ManifestView<'a>>,
    pub config: &'a Config,
}

/// The workspace rules' findings, or a configuration error when a layer names a
/// module that does not exist.
pub fn run(input: PassInput<'_>) -> Result<Vec<Finding>, ConfigError> {
    let PassInput {
        ws,
        targets,
        files,
        manifests,
        config,
    } = input;
    let view = tree::workspace_view(ws, targets, files.into_iter(), manifests, &config.layers);
    check_layer_modules(&view, ws, config)?;
    let enabled: Vec<_> = rules::ALL
        .iter()
        .filter(|r| r.kind() == RuleKind::Workspace)
        .filter_map(|r| Some((*r, config.severity(r.id())?)))
        .collect();
    let per_rule: Vec<Vec<Finding>> = enabled
        .par_iter()
        .map(|(rule, severity)| {
            let mut sink = crate::api::WorkspaceSink::default();
            rule.workspace(&view, &mut sink);
            sink.into_sites()
                .into_iter()
                .map(|site| Finding {
                    rule: site.rule,
                    severity: *severity,
                    message: site.message,
                    help: site.help,
                    file: site.file,
                    span: site.span,
                    layer: site.layer,
                    item: None,
                    justification: None,
                    justified_by: None,
                    baselined: false,
                    reachable_from: 0,
                })
                .collect()
        })
        .collect();
    Ok(per_rule.into_iter().flatten().collect())
}

/// A layer that names a crate that is not in the workspace, or a module of a
/// checked crate that does not exist, is a config error: it would own no code and
/// check nothing. (Modules of workspace crates outside this run, `-p`, cannot be
/// checked, so they are taken on trust.)
fn check_layer_modules(
    view: &WorkspaceView<'_>,
    ws: &Workspace,
    config: &Config,
) -> Result<(), ConfigError> {
    let checked: HashSet<&str> = view.targets.iter().map(|t| t.crate_name).collect();
    let mut workspace: Vec<&str> = ws
        .packages
        .iter()
        .flat_map(|p| &p.targets)
        .map(|t| t.crate_name.as_str())
        .collect();
    workspace.sort_unstable();
    workspace.dedup();
    for (i, layer) in config.layers.iter().enumerate() {
        for (j, module) in layer.modules.iter().enumerate() {
            let (krate, rest) = module.split_once("::").unwrap_or((module, ""));
            if !workspace.contains(&krate) {
                // The nearest crate name, with the rest of the module path kept.
                let nearest = config::nearest(krate, workspace.iter().copied()).map(|c| {
                    if rest.is_empty() {
                        c.to_owned()
                    } else {
                        format!("{c}::{rest}")
                    }
                });
                let suggestion = match nearest {
                    Some(path) => format!(", did you mean `{path}`?"),
                    None => format!(
                        " (the workspace's crates: {})",
                        workspace
                            .iter()
                            .map(|c| format!("`{c}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Err(config.layer_module_error(
                    i,
                    j,
                    format!(
                        "layer `{}` names module `{module}`, but no crate of the workspace is called `{krate}`{suggestion}",
                        layer.name
                    ),
                ));
            }
            if !checked.contains(krate) || view.has_module(module) {
                continue;
            }
            return Err(config.layer_module_error(
                i,
                j,
                format!(
                    "layer `{}` names module `{module}`, which does not exist{}",
                    layer.name,
                    config::suggest(module, view.module_paths())
                ),
            ));
        }
    }
    Ok(())
}
