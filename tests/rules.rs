//! Every fixture under `fixtures/<rule>/` produces exactly the findings its
//! annotations name (`fail_*.rs`) or none at all (`pass_*.rs`).

mod common;

use std::path::{Path, PathBuf};

use cargo_panicfree::api::RuleKind;
use cargo_panicfree::engine::check_text;
use cargo_panicfree::engine::config::Config;
use cargo_panicfree::engine::source::SourceText;

use common::{annotations, Expected};

fn findings(text: &str) -> Expected {
    let mut found = Expected::new();
    for f in check_text(text, "fixture", &Config::default()) {
        let key = (
            f.span.start.line,
            f.rule.as_str().to_owned(),
            f.justification.is_some(),
        );
        *found.entry(key).or_default() += 1;
    }
    found
}

/// Every fixture file, `fixtures/<rule>/<name>.rs`; it fails on anything misplaced
/// (see [`fixture_files_in`]).
fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    fixture_files_in(&root)
        .unwrap_or_else(|misplaced| panic!("misplaced fixtures:\n{}", misplaced.join("\n")))
}

/// Every fixture file under `root` (`<root>/<rule>/<name>.rs`), or what is misplaced
/// there. Anything else in a rule's folder (a subfolder, a file that is not `.rs`),
/// a rule folder that names no rule, or a loose file would be silently ignored: it
/// is refused instead.
fn fixture_files_in(root: &Path) -> Result<Vec<PathBuf>, Vec<String>> {
    let mut files = Vec::new();
    let mut misplaced = Vec::new();
    for dir in std::fs::read_dir(root).expect("fixtures/ exists") {
        let dir = dir.expect("readable").path();
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !dir.is_dir() {
            if name != "README.md" {
                misplaced.push(format!("fixtures/{name}: a loose file is never checked"));
            }
            continue;
        }
        if dir.join("Cargo.toml").exists() {
            // A fixture workspace, checked by its own tests.
            continue;
        }
        if cargo_panicfree::rules::by_name(name).is_none() {
            misplaced.push(format!(
                "fixtures/{name}/ names no rule: its fixtures would not be what they claim"
            ));
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("readable") {
            let path = file.expect("readable").path();
            if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
                continue;
            }
            let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            misplaced.push(format!(
                "fixtures/{name}/{file}: only `.rs` fixtures belong in a rule folder (subfolders are never checked)"
            ));
        }
    }
    if !misplaced.is_empty() {
        misplaced.sort();
        return Err(misplaced);
    }
    files.sort();
    Ok(files)
}

/// The harness refuses what it would otherwise skip in silence: a fixture in a
/// subfolder, a file that is not `.rs`, a folder named after no rule, a loose file.
#[test]
fn misplaced_fixtures_are_refused() {
    let unwrap = "fn f(o: Option<u8>) { o.unwrap(); } /*~ unwrap */\n";
    let fixtures = || {
        let root = tempfile::tempdir().expect("temp dir");
        common::write(root.path(), "README.md", "fixtures\n");
        common::write(root.path(), "unwrap/fail_here.rs", unwrap);
        common::write(root.path(), "workspace/Cargo.toml", "[workspace]\n");
        common::write(root.path(), "workspace/src/lib.rs", unwrap);
        root
    };
    let root = fixtures();
    let here = root.path().join("unwrap/fail_here.rs");
    assert_eq!(fixture_files_in(root.path()), Ok(vec![here]));
    for (path, refused) in [
        (
            "unwrap/deeper/fail_x.rs",
            "fixtures/unwrap/deeper: only `.rs` fixtures",
        ),
        (
            "unwrap/fail_x.txt",
            "fixtures/unwrap/fail_x.txt: only `.rs` fixtures",
        ),
        (
            "no-such-rule/fail_x.rs",
            "fixtures/no-such-rule/ names no rule",
        ),
        ("fail_loose.rs", "fixtures/fail_loose.rs: a loose file"),
    ] {
        let root = fixtures();
        common::write(root.path(), path, unwrap);
        let misplaced = fixture_files_in(root.path()).expect_err(path);
        assert_eq!(misplaced.len(), 1, "{path}: {misplaced:?}");
        assert!(misplaced[0].starts_with(refused), "{path}: {misplaced:?}");
    }
}

/// Every finding of every fixture, to the column, with its span's end, message
/// and justification text: one snapshot per rule folder (the annotations pin only
/// lines, rules and whether a site is justified).
#[test]
fn every_fixture_folder_is_pinned_to_the_character() {
    let mut by_folder: std::collections::BTreeMap<String, String> = Default::default();
    for path in fixture_files() {
        let folder = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let text = SourceText::new(std::fs::read_to_string(&path).expect("fixture is UTF-8"));
        let out = by_folder.entry(folder).or_default();
        for f in check_text(text.as_str(), "fixture", &Config::default()) {
            let justified = match (&f.justification, f.justified_by) {
                (Some(reason), Some(by)) => format!(" [justified by {}: {reason}]", by.as_str()),
                _ => String::new(),
            };
            out.push_str(&format!(
                "{name}:{}:{}-{}:{} {}{justified} {}\n",
                f.span.start.line,
                f.span.start.column,
                f.span.end.line,
                f.span.end.column,
                f.rule,
                f.message
            ));
        }
    }
    for (folder, text) in by_folder {
        insta::assert_snapshot!(format!("fixtures_{folder}"), text);
    }
}

#[test]
fn every_fixture_reports_exactly_its_annotations() {
    let mut failures = Vec::new();
    let files = fixture_files();
    assert!(files.len() >= 16, "fixtures are found: {files:?}");
    for path in files {
        let text = SourceText::new(std::fs::read_to_string(&path).expect("fixture is UTF-8"));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let expected = annotations(text.as_str());
        let found = findings(text.as_str());
        if name.starts_with("pass_") {
            // A justified site is reported, but it is not a failure.
            assert!(
                expected.keys().all(|(_, _, justified)| *justified),
                "{name}: pass fixtures annotate only justified sites"
            );
        } else {
            assert!(
                name.starts_with("fail_"),
                "{name}: fixtures are fail_* or pass_*"
            );
            assert!(
                !expected.is_empty(),
                "{name}: fail fixtures annotate their findings"
            );
        }
        if expected != found {
            let missing: Vec<_> = expected
                .iter()
                .filter(|(k, n)| found.get(*k) != Some(n))
                .collect();
            let extra: Vec<_> = found
                .iter()
                .filter(|(k, n)| expected.get(*k) != Some(n))
                .collect();
            failures.push(format!(
                "{}:\n  expected but not found (or count differs): {missing:?}\n  found but not expected (or count differs): {extra:?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_rule_folder_has_fail_and_pass_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for rule in cargo_panicfree::rules::ALL {
        if rule.id() == cargo_panicfree::api::RuleId::InternalError {
            // A bug in the tool cannot be written as a fixture.
            continue;
        }
        if rule.kind() == RuleKind::Workspace && layered_annotations().contains(rule.id().as_str())
        {
            // Workspace rules are exercised by fixtures/layered and fixtures/layered-clean.
            continue;
        }
        let dir = root.join(rule.id().as_str());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("fixtures/{} is missing: {e}", rule.id()))
            .map(|f| {
                f.expect("readable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
        let exempt_from_pass = rule.id() == cargo_panicfree::api::RuleId::ParseError;
        assert!(has("fail_"), "fixtures/{} has no fail_ fixture", rule.id());
        assert!(
            has("pass_") || exempt_from_pass,
            "fixtures/{} has no pass_ fixture",
            rule.id()
        );
    }
}

#[test]
fn columns_count_characters_and_ends_are_exclusive() {
    let text = "fn f(o: Option<u8>) { let _é = \"😀\"; o.unwrap(); }\n";
    let found = check_text(text, "fixture", &Config::default());
    assert_eq!(found.len(), 1);
    let span = found[0].span;
    // `unwrap` starts at the 41st character; `unwrap()` is 8 characters long.
    let col = text
        .chars()
        .take_while(|_| true)
        .collect::<String>()
        .find("unwrap")
        .unwrap();
    let chars_before = text[..col].chars().count() as u32;
    assert_eq!(span.start.column, chars_before + 1);
    assert_eq!(span.end.column, chars_before + 1 + 8);
    assert_eq!((span.start.line, span.end.line), (1, 1));
}

#[test]
fn deeply_nested_expressions_are_checked_or_refused_but_never_overflow() {
    let nested = format!(
        "fn f(o: Option<u8>) -> u8 {{ {}o.unwrap(){} }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let run = move || check_text(&nested, "fixture", &Config::default());
    // The default test thread's stack is small; the tool runs files on big-stack threads.
    let found = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(run)
        .expect("thread starts")
        .join()
        .expect("no overflow, no panic");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule.as_str(), "unwrap");

    let too_deep = format!("fn f() {{ {}1{} }}", "(".repeat(20_000), ")".repeat(20_000));
    let found = check_text(&too_deep, "fixture", &Config::default());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule.as_str(), "parse-error");
    assert!(
        found[0].message.contains("nests too deeply"),
        "{}",
        found[0].message
    );
}

/// Every rule id annotated anywhere in `fixtures/layered`.
fn layered_annotations() -> String {
    let mut all = String::new();
    for (_, expected) in common::workspace_annotations(&common::fixture("layered")) {
        for (_, rule, _) in expected.keys() {
            all.push_str(rule);
            all.push('\n');
        }
    }
    all
}
