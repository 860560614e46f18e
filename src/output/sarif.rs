//! `--format sarif`: SARIF 2.1.0 for code scanning (GitHub and others).
//!
//! One run; every rule of the registry in `tool.driver.rules`, described from its
//! `.md` docs; one result per finding with its full region (columns in Unicode code
//! points, end exclusive), the URI relative to the workspace root under the
//! `%SRCROOT%` base, the owning item as a logical location, a
//! `primaryLocationLineHash` made of the finding's identity (rule, package, path,
//! item, normalized code; no line number) so an alert survives moved lines, and
//! justified and baselined findings as suppressions.
//!
//! Small serde structs rather than a SARIF crate: we write a dozen of its types,
//! and the test suite validates the output against the official schema.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::api::{Level, Rule, RuleKind, Severity};
use crate::engine::baseline::fingerprint;
use crate::engine::report::{Finding, Report};
use crate::output::docs;
use crate::rules;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    invocations: [Invocation; 1],
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<RuleDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    tags: [&'static str; 1],
    accepts_justification: bool,
}

#[derive(Serialize)]
struct BaseId {
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<&'a str>,
}

/// Renders the report as one SARIF log, pretty-printed, with a trailing newline.
pub fn render(report: &Report) -> String {
    let keys = fingerprint::keys(report);
    let hashes = fingerprint::line_hashes(&keys);
    let results = report
        .findings
        .iter()
        .zip(hashes)
        .map(|(finding, hash)| result(report, finding, hash))
        .collect();
    let sarif = Sarif {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules::ALL.iter().map(|r| descriptor(*r)).collect(),
                },
            },
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                BaseId {
                    description: Text {
                        text: "the root of the checked cargo workspace".to_owned(),
                    },
                },
            )]),
            invocations: [Invocation {
                execution_successful: report.summary().internal_errors == 0,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    // Plain structs of strings and numbers always serialize.
    let mut text = serde_json::to_string_pretty(&sarif).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

fn descriptor(rule: &dyn Rule) -> RuleDescriptor {
    let level = rule.default_level();
    RuleDescriptor {
        id: rule.id().as_str(),
        name: pascal_case(rule.id().as_str()),
        short_description: Text {
            text: rule.summary().to_owned(),
        },
        full_description: Text {
            text: docs::flags(rule),
        },
        help: Help {
            text: docs::body(rule).replace("**", ""),
            markdown: docs::body(rule),
        },
        default_configuration: Configuration {
            enabled: level != Level::Allow,
            level: match level.severity() {
                Some(severity) => level_of(severity),
                None => "none",
            },
        },
        properties: RuleProperties {
            tags: [match rule.kind() {
                RuleKind::Site => "panic",
                RuleKind::Workspace => "architecture",
                RuleKind::Tool => "tool",
            }],
            accepts_justification: rule.accepts_justification(),
        },
    }
}

fn result<'a>(report: &'a Report, finding: &'a Finding, hash: String) -> SarifResult<'a> {
    let file = report.file(finding.file);
    let mut suppressions = Vec::new();
    if let Some(reason) = &finding.justification {
        suppressions.push(Suppression {
            kind: "inSource",
            status: "accepted",
            justification: reason.clone(),
        });
    }
    if finding.baselined {
        suppressions.push(Suppression {
            kind: "external",
            status: "accepted",
            justification: match &report.baseline {
                Some(b) => format!("accepted by the baseline {}", b.file),
                None => "accepted by the baseline".to_owned(),
            },
        });
    }
    let (start, end) = (finding.span.start, finding.span.end);
    // SARIF lines and columns start at 1; a region never ends before it starts.
    let (start_line, start_column) = (start.line.max(1), start.column.max(1));
    let end_line = end.line.max(start_line);
    let end_column = if end_line == start_line {
        end.column.max(start_column)
    } else {
        end.column.max(1)
    };
    SarifResult {
        rule_id: finding.rule.as_str(),
        rule_index: rules::ALL
            .iter()
            .position(|r| r.id() == finding.rule)
            .unwrap_or(0),
        level: level_of(finding.severity),
        message: Text {
            text: finding.message.clone(),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri(file.map_or("", |f| f.display.as_str())),
                    uri_base_id: SRCROOT,
                },
                region: Region {
                    start_line,
                    start_column,
                    end_line,
                    end_column,
                },
            },
            logical_locations: finding
                .item
                .iter()
                .map(|item| LogicalLocation {
                    fully_qualified_name: item,
                })
                .collect(),
        }],
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: hash,
        },
        suppressions,
        properties: ResultProperties {
            help: finding.help.as_deref(),
            package: file.and_then(|f| f.package.as_deref()),
            layer: finding.layer.as_deref(),
        },
    }
}

fn level_of(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `layer-violation` -> `LayerViolation`, SARIF's readable rule name.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect()
}

/// A relative path as a URI reference: every byte outside RFC 3986's unreserved
/// characters and `/` percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{pascal_case, uri};

    #[test]
    fn rule_names_and_uris() {
        assert_eq!(
            pascal_case("panic-abort-defeats-catch"),
            "PanicAbortDefeatsCatch"
        );
        assert_eq!(pascal_case("unwrap"), "Unwrap");
        assert_eq!(uri("src/a b/ü.rs"), "src/a%20b/%C3%BC.rs");
        assert_eq!(uri("src/lib.rs"), "src/lib.rs");
    }
}
