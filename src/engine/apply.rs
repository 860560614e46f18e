//! The configuration applied to one file's result: which sites are reported and at
//! what severity, which are justified, which layer each is in, and which
//! justification comments justified nothing.

use crate::api::{FileId, RuleId, Site};
use crate::engine::analyze::FileResult;
use crate::engine::config::Config;
use crate::engine::justify::Usage;
use crate::engine::lint_attrs::LintAttr;
use crate::engine::report::{Finding, JustifiedBy};

/// What the engine knows about a file from around it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Around<'a> {
    /// Sites the engine found around the file (a missing module file).
    pub sites: &'a [Site],
    /// The Clippy lint attributes of the parent files around its `mod`
    /// declaration, outermost first.
    pub attributes: &'a [LintAttr],
}

/// The findings of `file`, whose analysis is `result` and whose module is `module`.
pub fn apply(
    result: &FileResult,
    around: &Around<'_>,
    file: FileId,
    module: &str,
    config: &Config,
) -> Vec<Finding> {
    let mut usage = Usage::new(result.justifications.len());
    let mut findings = Vec::new();
    for site in result.sites.iter().chain(around.sites) {
        let Some(severity) = config.severity(site.rule) else {
            continue;
        };
        let comment = site.justification.and_then(|idx| {
            let accepts = config.accepts_justification(site.rule);
            usage
                .justify(&result.justifications, idx, site.rule, accepts)
                .map(|reason| (reason.to_owned(), JustifiedBy::Comment))
        });
        let (justification, justified_by) = comment
            .or_else(|| lint_attribute(site, result, around, config))
            .unzip();
        findings.push(Finding {
            rule: site.rule,
            severity,
            message: site.message.clone(),
            help: site.help.clone(),
            file,
            span: site.span,
            // Whether a file parses has nothing to do with the architecture.
            layer: match site.rule {
                RuleId::ParseError | RuleId::InternalError => None,
                _ => layer(config, &site.module),
            },
            item: site.item.clone(),
            justification,
            justified_by,
            baselined: false,
            reachable_from: 0,
        });
    }
    if let Some(severity) = config.severity(RuleId::UnusedJustification) {
        let layer = layer(config, module);
        findings.extend(
            usage
                .unused(&result.justifications)
                .map(|(j, message, help)| Finding {
                    rule: RuleId::UnusedJustification,
                    severity,
                    message,
                    help: Some(help.to_owned()),
                    file,
                    span: j.span,
                    layer: layer.clone(),
                    item: None,
                    justification: None,
                    justified_by: None,
                    baselined: false,
                    reachable_from: 0,
                }),
        );
    }
    findings
}

/// The innermost Clippy lint attribute that justifies `site` under `config`: the
/// file's own around the site, then those around the file's `mod` declarations.
fn lint_attribute(
    site: &Site,
    result: &FileResult,
    around: &Around<'_>,
    config: &Config,
) -> Option<(String, JustifiedBy)> {
    if !config.clippy_attributes {
        return None;
    }
    let inside = site
        .attributes
        .iter()
        .filter_map(|&i| result.lint_attrs.get(i as usize));
    let outside = around
        .attributes
        .iter()
        .rev()
        .filter(|a| a.lints.meets(site.lints));
    // The innermost level decides, as for Clippy: a `deny` inside an `allow` wins.
    inside
        .chain(outside)
        .find(|a| !a.allows || a.reason.is_some() || !config.clippy_attributes_need_reason)
        .filter(|a| a.allows)
        .map(|a| {
            let by = match a.reason {
                Some(_) => JustifiedBy::Attribute,
                None => JustifiedBy::AttributeWithoutReason,
            };
            (a.text().to_owned(), by)
        })
}

fn layer(config: &Config, module: &str) -> Option<String> {
    config.layer_of(module).map(|l| l.name.clone())
}
