//! The configuration applied to one file's result: which sites are reported and at
//! what severity, which are justified, which layer each is in, and which
//! justification comments justified nothing.

use crate::api::{FileId, RuleId, Site};
use crate::engine::analyze::FileResult;
use crate::engine::config::Config;
use crate::engine::justify::Usage;
use crate::engine::report::Finding;

/// The findings of `file`, whose analysis is `result` and whose module is `module`;
/// `extra` are sites the engine found around the file (a missing module file).
pub fn apply(
    result: &FileResult,
    extra: &[Site],
    file: FileId,
    module: &str,
    config: &Config,
) -> Vec<Finding> {
    let mut usage = Usage::new(result.justifications.len());
    let mut findings = Vec::new();
    for site in result.sites.iter().chain(extra) {
        let Some(severity) = config.severity(site.rule) else {
            continue;
        };
        let justification = site.justification.and_then(|idx| {
            let accepts = config.accepts_justification(site.rule);
            usage
                .justify(&result.justifications, idx, site.rule, accepts)
                .map(str::to_owned)
        });
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
            baselined: false,
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
                    baselined: false,
                }),
        );
    }
    findings
}

fn layer(config: &Config, module: &str) -> Option<String> {
    config.layer_of(module).map(|l| l.name.clone())
}
