//! The project's own rules about rules: stable ids, complete docs, a README that
//! shows the same text as `explain` will.

mod common;

use common::Bounded;

use std::path::Path;

use cargo_panicfree::api::RuleId;
use cargo_panicfree::rules::ALL;

/// The ids `../shared/contract.md` promises. They keep their meaning forever.
const CONTRACT_IDS: &[&str] = &[
    "unwrap",
    "expect",
    "indexing",
    "panic",
    "assert",
    "arithmetic",
    "layer-violation",
    "forbidden-crate",
    "unvalidated-input",
    "missing-panic-boundary",
    "panic-abort-defeats-catch",
    "parse-error",
    "unused-justification",
    "internal-error",
];

#[test]
fn rule_ids_are_stable_and_unique() {
    let ids: Vec<&str> = ALL.iter().map(|r| r.id().as_str()).collect();
    for id in CONTRACT_IDS {
        assert!(ids.contains(id), "contract rule `{id}` is missing");
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "duplicate rule ids: {ids:?}");
    for id in ids {
        assert!(
            id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "`{id}` is kebab-case"
        );
    }
}

#[test]
fn the_registry_has_one_rule_per_id_in_id_order_and_serde_spells_ids_as_the_contract() {
    let registry: Vec<RuleId> = ALL.iter().map(|r| r.id()).collect();
    assert_eq!(registry, RuleId::ALL.to_vec());
    for id in RuleId::ALL {
        let json = serde_json::to_string(&id).expect("serializes");
        assert_eq!(json, format!("\"{}\"", id.as_str()));
        assert_eq!(RuleId::parse(id.as_str()), Some(id));
    }
}

#[test]
fn every_rule_is_documented_under_the_same_headings() {
    for rule in ALL {
        let docs = rule.docs();
        assert!(
            docs.starts_with(&format!("# `{}`\n", rule.id())),
            "{}: title",
            rule.id()
        );
        for heading in [
            "**Flags**",
            "**Why.**",
            "**Example",
            "**Fix.**",
            "**Limitations.**",
        ] {
            assert!(
                docs.contains(heading),
                "{}: no {heading} section",
                rule.id()
            );
        }
        assert!(
            !rule.summary().ends_with('.'),
            "{}: summaries have no period",
            rule.id()
        );
    }
}

/// The README's rule section, generated from the rule docs.
fn rules_section() -> String {
    let mut out = String::new();
    for rule in ALL {
        // One level deeper under the README's "Rules" heading.
        let mut in_code = false;
        for line in rule.docs().lines() {
            in_code ^= line.starts_with("```");
            if line.starts_with('#') && !in_code {
                out.push_str("##");
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

#[test]
fn readme_rules_section_is_the_rule_docs() {
    const START: &str = "<!-- rules:start (generated from src/rules/*.md by tests/meta.rs) -->\n";
    const END: &str = "<!-- rules:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme
        .find(START)
        .expect("README has the rules start marker")
        + START.len();
    let end = readme.find(END).expect("README has the rules end marker");
    let expected = rules_section();
    if readme[start..end] != expected {
        if std::env::var_os("PANICFREE_BLESS").is_some() {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated).expect("README.md written");
        } else {
            panic!(
                "README's rule section is stale: run `PANICFREE_BLESS=1 cargo test --test meta`"
            );
        }
    }
}

/// The ```rust blocks of a section of a rule's docs (`**Example**` or `**Fix.**`).
fn code_blocks(docs: &str, section: &str) -> Vec<String> {
    let Some(start) = docs.find(section) else {
        return Vec::new();
    };
    let rest = &docs[start..];
    let end = rest[section.len()..]
        .find("\n**")
        .map_or(rest.len(), |i| i + section.len());
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in rest[..end].lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```rust") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(current.take()),
            (Some(code), _) => {
                code.push_str(line);
                code.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

/// The rules a snippet triggers; statements are wrapped in a function.
fn rules_triggered(code: &str) -> Vec<&'static str> {
    let config = cargo_panicfree::engine::config::Config::default();
    let text = if syn::parse_file(code).is_ok() {
        code.to_owned()
    } else {
        format!("fn example() {{\n{code}}}\n")
    };
    cargo_panicfree::engine::check_text(&text, "docs", &config)
        .into_iter()
        .filter(|f| f.justification.is_none())
        .map(|f| f.rule.as_str())
        .collect()
}

#[test]
fn site_rule_docs_examples_are_flagged_and_their_fixes_are_not() {
    for rule in ALL.iter().filter(|r| r.can_be_justified()) {
        let examples = code_blocks(rule.docs(), "**Example**");
        let fixes = code_blocks(rule.docs(), "**Fix.**");
        assert!(
            !examples.is_empty() && !fixes.is_empty(),
            "{}: example and fix",
            rule.id()
        );
        for code in examples {
            assert!(
                rules_triggered(&code).contains(&rule.id().as_str()),
                "{}: the example is not flagged:\n{code}",
                rule.id()
            );
        }
        for code in fixes {
            let triggered = rules_triggered(&code);
            assert!(
                !triggered.contains(&rule.id().as_str()),
                "{}: the fix is still flagged:\n{code}",
                rule.id()
            );
        }
    }
}

/// Every ```rust block of every rule's docs parses (as a file, or as the body of a
/// function): a snippet that does not would be a `parse-error`, which the
/// example/fix test above cannot tell from a clean fix.
#[test]
fn every_rust_snippet_in_the_rule_docs_parses() {
    for rule in ALL {
        // Every ```rust block, whatever section it is in.
        let blocks: Vec<String> = rule
            .docs()
            .split("```rust\n")
            .skip(1)
            .filter_map(|rest| rest.split("```").next())
            .map(str::to_owned)
            .collect();
        assert!(
            !blocks.is_empty() || !rule.can_be_justified(),
            "{}: no snippets found",
            rule.id()
        );
        for code in blocks {
            let parses = syn::parse_file(&code).is_ok()
                || syn::parse_file(&format!("fn example() {{\n{code}}}\n")).is_ok();
            assert!(parses, "{}: a snippet does not parse:\n{code}", rule.id());
        }
    }
}

/// The declared `rust-version` is not lower than what the locked dependencies
/// declare they need (`cargo metadata` reads them from the lock file's packages).
#[test]
fn the_declared_rust_version_covers_the_locked_dependencies() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output_bounded()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let version = |v: &str| -> Vec<u32> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    let ours = version(env!("CARGO_PKG_RUST_VERSION"));
    let needed = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| p["name"] != env!("CARGO_PKG_NAME"))
        .filter_map(|p| Some((version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .expect("dependencies declare rust versions");
    assert!(
        ours >= needed.0,
        "rust-version {} is lower than {} needs ({:?})",
        env!("CARGO_PKG_RUST_VERSION"),
        needed.1,
        needed.0
    );
}

/// No test waits for a child process without a limit: commands run through
/// `common::Bounded` (or `common::output_within`), and the only plain `wait` is
/// the reaping of a child just killed.
#[test]
fn no_test_waits_for_a_child_without_a_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .expect("tests/")
        .chain(std::fs::read_dir(root.join("common")).expect("tests/common"))
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    assert!(files.len() > 10);
    // Spelled in pieces, so that this file does not match itself.
    let unbounded = [
        [".out", "put()"].concat(),
        [".sta", "tus()"].concat(),
        [".wait_with_", "output()"].concat(),
    ];
    let wait = [".wa", "it()"].concat();
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let after_kill = i
                .checked_sub(1)
                .and_then(|p| lines.get(p))
                .is_some_and(|prev| prev.contains(".kill()"));
            if unbounded.iter().any(|u| code.contains(u.as_str()))
                || (code.contains(wait.as_str()) && !after_kill)
            {
                found.push(format!("{}:{}: {}", file.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "unbounded waits:\n{}", found.join("\n"));
}
