//! The panic paths of a report ([`crate::engine::paths::Analysis`]): for people
//! (one chain per line, grouped by entry), for tools (JSON with a top-level
//! `paths` array) and for Graphviz (`dot`). Also the lines `check` adds to its
//! human report: the routes that can panic.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::api::FileId;
use crate::engine::paths::{Analysis, EdgeKind, Entry, Hop, PanicPath};
use crate::engine::report::{Finding, JustifiedBy, Report};

/// What the renderers show.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Paths to justified sites too.
    pub include_justified: bool,
}

fn file(report: &Report, id: FileId) -> &str {
    report.file(id).map_or("", |f| f.display.as_str())
}

/// The paths shown: to blocking sites, and to justified ones when asked.
fn shown<'a>(
    report: &'a Report,
    analysis: &'a Analysis,
    options: &Options,
) -> impl Iterator<Item = (&'a PanicPath, &'a Finding)> {
    let include = options.include_justified;
    analysis.paths.iter().filter_map(move |p| {
        let f = report.findings.get(p.finding)?;
        (f.is_blocking() || (include && f.justification.is_some())).then_some((p, f))
    })
}

/// `.unwrap()`, `panic!`, ...: the first code snippet of the finding's message.
fn site_label(f: &Finding) -> String {
    match f.rule.as_str() {
        "indexing" => return "indexing".to_owned(),
        "arithmetic" => return "division".to_owned(),
        _ => {}
    }
    let snippet = f
        .message
        .split('`')
        .nth(1)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| f.rule.as_str().to_owned());
    if matches!(f.rule.as_str(), "unwrap" | "expect")
        && !snippet.starts_with('.')
        && snippet.ends_with(')')
    {
        format!(".{snippet}")
    } else {
        snippet
    }
}

fn edge_label(hop: &Hop) -> Option<&'static str> {
    match (hop.edge, hop.over_approximate) {
        (EdgeKind::Call, false) => None,
        (EdgeKind::Call, true) => Some("by name"),
        (EdgeKind::Closure, true) => Some("closure, by name"),
        (EdgeKind::FnValue, true) => Some("fn-value, by name"),
        (kind, _) => Some(kind.as_str()),
    }
}

/// `POST /users -> a::register -[dyn]-> a::Hash::hash -> .unwrap() at src/a.rs:42`
fn chain_line(report: &Report, entry: &Entry, path: &PanicPath, f: &Finding) -> String {
    let mut line = entry.name.clone();
    // A function entry's name is its first hop.
    let skip = usize::from(
        path.chain
            .first()
            .is_some_and(|h| h.function == entry.name && h.edge == EdgeKind::Call),
    );
    for hop in path.chain.iter().skip(skip) {
        match edge_label(hop) {
            Some(label) => {
                let _ = write!(line, " -[{label}]-> {}", hop.function);
            }
            None => {
                let _ = write!(line, " -> {}", hop.function);
            }
        }
    }
    let _ = write!(
        line,
        " -> {} at {}:{}:{}",
        site_label(f),
        file(report, f.file),
        f.span.start.line,
        f.span.start.column
    );
    if let Some(reason) = &f.justification {
        match f.justified_by {
            Some(JustifiedBy::AttributeWithoutReason) => {
                let _ = write!(line, " (justified by `{reason}`, no reason given)");
            }
            _ => {
                let _ = write!(line, " (justified: {reason})");
            }
        }
    }
    line
}

fn takes_down_text(entry: &Entry) -> String {
    let what = entry.takes_down.as_str();
    format!("{}, a panic takes down: {what}", entry.kind.as_str())
}

/// The human format: each entry with its chains, then the entries that reach none.
pub fn human(report: &Report, options: &Options) -> String {
    let Some(analysis) = &report.paths else {
        return String::new();
    };
    let mut out = String::new();
    let paths: Vec<(&PanicPath, &Finding)> = shown(report, analysis, options).collect();
    // Entries with chains, worst first (the paths are sorted that way), then the rest.
    let mut by_entry: Vec<Vec<usize>> = vec![Vec::new(); analysis.entries.len()];
    let mut order: Vec<usize> = Vec::new();
    for (i, (p, _)) in paths.iter().enumerate() {
        if let Some(list) = by_entry.get_mut(p.entry) {
            if list.is_empty() {
                order.push(p.entry);
            }
            list.push(i);
        }
    }
    for &e in &order {
        let Some(entry) = analysis.entries.get(e) else {
            continue;
        };
        let _ = writeln!(out, "{}  ({})", entry.name, takes_down_text(entry));
        for &i in by_entry.get(e).into_iter().flatten() {
            if let Some((p, f)) = paths.get(i) {
                let _ = writeln!(out, "  {}", chain_line(report, entry, p, f));
            }
        }
        out.push('\n');
    }
    let mut justified = vec![0usize; analysis.entries.len()];
    for p in &analysis.paths {
        let is_justified = report
            .findings
            .get(p.finding)
            .is_some_and(|f| f.justification.is_some());
        if let (true, Some(n)) = (is_justified, justified.get_mut(p.entry)) {
            *n += 1;
        }
    }
    let quiet: Vec<(usize, &Entry)> = analysis
        .entries
        .iter()
        .enumerate()
        .filter(|(e, _)| by_entry.get(*e).is_some_and(Vec::is_empty))
        .collect();
    if !quiet.is_empty() {
        let _ = writeln!(out, "no blocking panic reachable from:");
        for (e, entry) in quiet {
            let justified = justified.get(e).copied().unwrap_or(0);
            let extra = if justified > 0 && !options.include_justified {
                format!("; {justified} justified (--include-justified shows them)")
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {}  ({}{extra})", entry.name, takes_down_text(entry));
        }
        out.push('\n');
    }
    if paths
        .iter()
        .any(|(p, _)| p.chain.iter().any(|h| h.over_approximate))
    {
        out.push_str(
            "-[by name]->: the receiver's type is not known, so every workspace method of that name and arity is a candidate\n-[dyn]->: a call on `dyn Trait`, `impl Trait` or a generic reaches every workspace impl\n",
        );
    }
    out
}

/// The one line on stderr after `paths`.
pub fn summary_line(report: &Report) -> String {
    let Some(a) = &report.paths else {
        return "panicfree paths: no analysis".to_owned();
    };
    let panicking = (0..a.entries.len()).filter(|&e| a.entry_panics(e)).count();
    let s = &a.stats;
    let mut line = format!(
        "panicfree paths: {panicking} of {} entries reach a blocking panic; {} functions, {} calls: {} exact, {} by name (over-approximate), {} dyn/generic, {} into dependencies, {} unresolved, {} ambiguous (not followed)",
        a.entries.len(),
        s.functions,
        s.calls,
        s.exact,
        s.by_name,
        s.dispatch,
        s.dependency,
        s.unresolved,
        s.ambiguous,
    );
    if !a.unresolved_examples.is_empty() {
        let _ = write!(line, " (e.g. {})", a.unresolved_examples.join(", "));
    }
    if a.abort {
        line.push_str("; a profile sets panic = \"abort\": every panic takes down the process");
    }
    line
}

/// What `check` adds to its human report: the routes that can panic.
pub fn check_lines(report: &Report) -> String {
    let Some(a) = &report.paths else {
        return String::new();
    };
    let routes: Vec<String> = a
        .entries
        .iter()
        .enumerate()
        .filter(|(e, entry)| entry.route.is_some() && a.entry_panics(*e))
        .map(|(_, entry)| format!("{} ({})", entry.name, entry.takes_down.as_str()))
        .collect();
    if routes.is_empty() {
        return String::new();
    }
    format!(
        "routes that can reach a blocking panic: {}; `cargo panicfree paths` shows how\n",
        routes.join(", ")
    )
}

#[derive(Serialize)]
struct JsonOut<'a> {
    schema_version: u32,
    tool: Tool,
    summary: JsonSummary,
    entries: Vec<JsonEntry<'a>>,
    paths: Vec<JsonPath<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    entries: usize,
    entries_that_panic: usize,
    paths: usize,
    functions: usize,
    edges: usize,
    calls: usize,
    exact: usize,
    by_name: usize,
    dispatch: usize,
    dependency: usize,
    unresolved: usize,
    ambiguous: usize,
    panic_abort: bool,
}

#[derive(Serialize)]
struct JsonRoute<'a> {
    method: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    name: &'a str,
    kind: &'static str,
    route: Option<JsonRoute<'a>>,
    function: Option<&'a str>,
    path: Option<&'a str>,
    line: u32,
    takes_down: &'static str,
    blocking_sites: u32,
}

#[derive(Serialize)]
struct JsonHop<'a> {
    function: &'a str,
    path: &'a str,
    line: u32,
    edge: &'static str,
    call_line: u32,
    over_approximate: bool,
}

#[derive(Serialize)]
struct JsonSite<'a> {
    rule: &'a str,
    message: &'a str,
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    justification: Option<&'a str>,
    justified_by: Option<&'a str>,
    reachable_from: u32,
}

#[derive(Serialize)]
struct JsonPath<'a> {
    entry: &'a str,
    route: Option<JsonRoute<'a>>,
    kind: &'static str,
    takes_down: &'static str,
    over_approximate: bool,
    chain: Vec<JsonHop<'a>>,
    site: JsonSite<'a>,
}

fn route(entry: &Entry) -> Option<JsonRoute<'_>> {
    entry.route.as_ref().map(|r| JsonRoute {
        method: &r.method,
        path: &r.path,
    })
}

/// The JSON format: `entries` and a top-level `paths` array.
pub fn json(report: &Report, options: &Options) -> String {
    let empty = Analysis::default();
    let a = report.paths.as_ref().unwrap_or(&empty);
    let paths: Vec<JsonPath<'_>> = shown(report, a, options)
        .filter_map(|(p, f)| {
            let entry = a.entries.get(p.entry)?;
            Some(JsonPath {
                entry: &entry.name,
                route: route(entry),
                kind: entry.kind.as_str(),
                takes_down: p.takes_down.as_str(),
                over_approximate: p.chain.iter().any(|h| h.over_approximate),
                chain: p
                    .chain
                    .iter()
                    .map(|h| JsonHop {
                        function: &h.function,
                        path: file(report, h.file),
                        line: h.line,
                        edge: h.edge.as_str(),
                        call_line: h.call_line,
                        over_approximate: h.over_approximate,
                    })
                    .collect(),
                site: JsonSite {
                    rule: f.rule.as_str(),
                    message: &f.message,
                    path: file(report, f.file),
                    line: f.span.start.line,
                    column: f.span.start.column,
                    end_line: f.span.end.line,
                    end_column: f.span.end.column,
                    justification: f.justification.as_deref(),
                    justified_by: f.justified_by.map(JustifiedBy::as_str),
                    reachable_from: a.reachable_from.get(p.finding).copied().unwrap_or(0),
                },
            })
        })
        .collect();
    let s = &a.stats;
    let out = JsonOut {
        schema_version: crate::output::json::SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: JsonSummary {
            entries: a.entries.len(),
            entries_that_panic: (0..a.entries.len()).filter(|&e| a.entry_panics(e)).count(),
            paths: paths.len(),
            functions: s.functions,
            edges: s.edges,
            calls: s.calls,
            exact: s.exact,
            by_name: s.by_name,
            dispatch: s.dispatch,
            dependency: s.dependency,
            unresolved: s.unresolved,
            ambiguous: s.ambiguous,
            panic_abort: a.abort,
        },
        entries: a
            .entries
            .iter()
            .enumerate()
            .map(|(e, entry)| JsonEntry {
                name: &entry.name,
                kind: entry.kind.as_str(),
                route: route(entry),
                function: entry.function.as_deref(),
                path: entry.file.map(|f| file(report, f)),
                line: entry.line,
                takes_down: entry.takes_down.as_str(),
                blocking_sites: a.blocking.get(e).copied().unwrap_or(0),
            })
            .collect(),
        paths,
    };
    // Plain structs of strings and numbers always serialize.
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_owned());
    text.push('\n');
    text
}

fn quote(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// Graphviz: the entries, functions and sites of the chains shown, and their edges.
pub fn dot(report: &Report, options: &Options) -> String {
    let empty = Analysis::default();
    let a = report.paths.as_ref().unwrap_or(&empty);
    let mut nodes: BTreeSet<String> = BTreeSet::new();
    let mut edges: BTreeSet<String> = BTreeSet::new();
    for (p, f) in shown(report, a, options) {
        let Some(entry) = a.entries.get(p.entry) else {
            continue;
        };
        let entry_id = quote(&format!("entry {}", entry.name));
        nodes.insert(format!(
            "  {entry_id} [shape=oval, label={}];",
            quote(&format!("{}\n{}", entry.name, takes_down_text(entry)))
        ));
        let mut prev = entry_id;
        for hop in &p.chain {
            let id = quote(&hop.function);
            nodes.insert(format!(
                "  {id} [label={}];",
                quote(&format!(
                    "{}\n{}:{}",
                    hop.function,
                    file(report, hop.file),
                    hop.line
                ))
            ));
            let style = if hop.over_approximate {
                ", style=dashed"
            } else {
                ""
            };
            edges.insert(format!(
                "  {prev} -> {id} [label={}{style}];",
                quote(hop.edge.as_str())
            ));
            prev = id;
        }
        let site = format!(
            "{}:{}:{}",
            file(report, f.file),
            f.span.start.line,
            f.span.start.column
        );
        let site_id = quote(&format!("site {site}"));
        let color = if f.is_blocking() { "red" } else { "gray" };
        nodes.insert(format!(
            "  {site_id} [shape=octagon, color={color}, label={}];",
            quote(&format!("{}\n{site}", site_label(f)))
        ));
        edges.insert(format!("  {prev} -> {site_id};"));
    }
    let mut out = String::from(
        "digraph panic_paths {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n",
    );
    for n in nodes {
        out.push_str(&n);
        out.push('\n');
    }
    for e in edges {
        out.push_str(&e);
        out.push('\n');
    }
    out.push_str("}\n");
    out
}
