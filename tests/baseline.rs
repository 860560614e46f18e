//! `--write-baseline` and `--baseline`: adopting the check on code that already has
//! findings, so that only new ones fail. Entries match by identity, never by line.

mod common;

use common::Bounded;

use std::path::Path;
use std::process::Command;

use common::{code, json, package, run_in, stderr, stdout, write};

/// A small service with one finding of most kinds, in functions, methods, closures
/// and a module file; some sites repeat within a function.
const LIB: &str = r#"pub mod store;

pub fn port(s: &str) -> u16 {
    let n: u16 = s.parse().unwrap();
    let m: u16 = s.trim().parse().unwrap();
    n + m
}

pub fn first(v: &[u32], i: usize) -> u32 {
    v[0] + v[i] + v.iter().map(|x| x / v[1]).sum::<u32>()
}

pub fn pick(kind: u8) -> &'static str {
    match kind { 0 => "a", 1 => "b", _ => panic!("bad kind {} of {}", kind, 2) }
}
"#;

const STORE: &str = r#"pub struct Store { items: Vec<String> }

impl Store {
    pub fn get(&self, i: usize) -> &str { self.items.get(i).map(String::as_str).expect("present") }
    pub fn ratio(&self, n: usize) -> usize { self.items.len() / n }
    pub fn check(&self) { assert!(!self.items.is_empty(), "a store is never empty"); }
}
"#;

fn service() -> tempfile::TempDir {
    package(&[("src/lib.rs", LIB), ("src/store.rs", STORE)])
}

fn check(dir: &Path, args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut all = vec!["--format", "json", "--no-cache"];
    all.extend(args);
    let out = run_in(dir, &all);
    (code(&out), json(&out), stderr(&out))
}

/// The findings of a report that a baseline does not accept.
fn new_findings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["baselined"] == false)
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_owned(),
                f["rule"].as_str().expect("rule").to_owned(),
            )
        })
        .collect()
}

fn lines(report: &serde_json::Value) -> Vec<u64> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["line"].as_u64().expect("line"))
        .collect()
}

/// Ten lines at the top of every Rust file, then rustfmt with a narrow width, so that
/// calls and chains break over lines and gain trailing commas.
fn shift_and_reformat(dir: &Path) {
    for file in ["src/lib.rs", "src/store.rs"] {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        let header: String = (1..=9).map(|i| format!("// inserted line {i}\n")).collect();
        std::fs::write(&path, format!("{header}\n{text}")).expect("write");
    }
    let status = Command::new("rustfmt")
        .args(["--edition", "2021", "--config", "max_width=40"])
        .arg(dir.join("src/lib.rs"))
        .status_bounded()
        .expect("rustfmt runs (rustup component add rustfmt)");
    assert!(status.success());
}

#[test]
fn moved_and_reformatted_code_reports_nothing_new_and_one_added_unwrap_is_one_finding() {
    let dir = service();
    let (status, before, _) = check(dir.path(), &[]);
    assert_eq!(status, 1);
    let total = before["findings"].as_array().expect("findings").len();
    assert!(total >= 10, "{before}");

    let out = run_in(dir.path(), &["--write-baseline", "panicfree-baseline.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "writing a baseline prints no report");
    assert!(
        stderr(&out).starts_with(&format!(
            "panicfree: wrote panicfree-baseline.toml: {total} findings in "
        )),
        "{}",
        stderr(&out)
    );
    let baseline_text =
        std::fs::read_to_string(dir.path().join("panicfree-baseline.toml")).expect("written");
    assert!(!baseline_text.contains("line ="), "no line numbers");

    let baseline = ["--baseline", "panicfree-baseline.toml"];
    let (status, report, err) = check(dir.path(), &baseline);
    assert_eq!(status, 0, "{err}");
    assert_eq!(new_findings(&report), []);
    assert_eq!(report["summary"]["baselined"], total);
    assert_eq!(report["summary"]["blocking"], 0);
    assert!(
        err.ends_with(&format!("; {total} baselined, 0 gone from the baseline\n")),
        "{err}"
    );

    shift_and_reformat(dir.path());
    let reformatted = std::fs::read_to_string(dir.path().join("src/lib.rs")).expect("read");
    assert!(
        reformatted.contains("panic!(\n"),
        "rustfmt broke the panic! call:\n{reformatted}"
    );
    let (status, report, err) = check(dir.path(), &baseline);
    assert_ne!(lines(&report), lines(&before), "the sites moved");
    assert_eq!(new_findings(&report), [], "{err}");
    assert_eq!(status, 0, "{err}");
    assert!(err.ends_with(", 0 gone from the baseline\n"), "{err}");

    // One more unwrap in a function that already has two: exactly one new finding.
    let edited = reformatted.replacen("    n + m\n", "    n + m + s.parse::<u16>().unwrap()\n", 1);
    assert_ne!(edited, reformatted);
    write(dir.path(), "src/lib.rs", &edited);
    let (status, report, _) = check(dir.path(), &baseline);
    assert_eq!(status, 1);
    assert_eq!(
        new_findings(&report),
        [("src/lib.rs".to_owned(), "unwrap".to_owned())]
    );
    assert_eq!(report["summary"]["blocking"], 1);
    let out = run_in(
        dir.path(),
        &["--baseline", "panicfree-baseline.toml", "--format", "short"],
    );
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
}

#[test]
fn a_removed_site_is_reported_gone_and_a_rewrite_drops_it_without_adding_new_ones() {
    let dir = service();
    let out = run_in(dir.path(), &["--write-baseline", "b.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let written = std::fs::read_to_string(dir.path().join("b.toml")).expect("written");

    // The assert goes, an unwrap arrives elsewhere.
    let store = STORE.replace(
        "assert!(!self.items.is_empty(), \"a store is never empty\");",
        "let _ = self.items.first().unwrap();",
    );
    write(dir.path(), "src/store.rs", &store);
    let (status, report, err) = check(dir.path(), &["--baseline", "b.toml"]);
    assert_eq!(status, 1);
    assert_eq!(
        new_findings(&report),
        [("src/store.rs".to_owned(), "unwrap".to_owned())]
    );
    let gone = report["baseline"]["gone"].as_array().expect("gone");
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0]["rule"], "assert");
    assert_eq!(gone[0]["item"], "demo::store::Store::check");
    assert_eq!(gone[0]["count"], 1);
    assert_eq!(report["baseline"]["file"], "b.toml");
    assert!(
        err.contains("baseline: gone: 1 `assert` in `demo::store::Store::check` (src/store.rs)"),
        "{err}"
    );
    assert!(err.ends_with(", 1 gone from the baseline\n"), "{err}");

    // Rewriting shrinks: the assert's entry goes, the new unwrap is not added.
    let out = run_in(dir.path(), &["--write-baseline", "b.toml"]);
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("; 1 gone, 0 added; 1 new finding not added"),
        "{}",
        stderr(&out)
    );
    let shrunk = std::fs::read_to_string(dir.path().join("b.toml")).expect("written");
    assert_eq!(shrunk.lines().count() + 1, written.lines().count());
    assert!(!shrunk.contains("rule = \"assert\""));
    assert!(!shrunk.contains("demo::store::Store::check"));
    let (status, _, _) = check(dir.path(), &["--baseline", "b.toml"]);
    assert_eq!(status, 1, "the new unwrap still blocks");

    // Unless asked.
    let out = run_in(dir.path(), &["--write-baseline", "b.toml", "--accept-new"]);
    assert!(
        stderr(&out).contains("; 0 gone, 1 added"),
        "{}",
        stderr(&out)
    );
    let (status, report, _) = check(dir.path(), &["--baseline", "b.toml"]);
    assert_eq!(status, 0);
    assert_eq!(new_findings(&report), []);
}

#[test]
fn checking_some_files_reports_no_entry_of_the_others_as_gone() {
    let dir = service();
    run_in(dir.path(), &["--write-baseline", "b.toml"]);
    let (status, report, err) = check(dir.path(), &["--baseline", "b.toml", "src/store.rs"]);
    assert_eq!(status, 0, "{err}");
    assert_eq!(report["baseline"]["gone"], serde_json::json!([]));
    // And a rewrite from some files keeps the entries of the others.
    let before = std::fs::read_to_string(dir.path().join("b.toml")).expect("written");
    run_in(dir.path(), &["--write-baseline", "b.toml", "src/store.rs"]);
    let after = std::fs::read_to_string(dir.path().join("b.toml")).expect("written");
    assert_eq!(before, after);
}

#[test]
fn baselined_findings_are_external_suppressions_in_sarif_and_absent_from_human_reports() {
    let dir = service();
    run_in(dir.path(), &["--write-baseline", "b.toml"]);
    let out = run_in(dir.path(), &["--baseline", "b.toml", "--format", "sarif"]);
    assert_eq!(code(&out), 0);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    for result in sarif["runs"][0]["results"].as_array().expect("results") {
        assert_eq!(
            result["suppressions"],
            serde_json::json!([{ "kind": "external", "status": "accepted", "justification": "accepted by the baseline b.toml" }])
        );
    }
    for format in ["human", "short", "github"] {
        let out = run_in(dir.path(), &["--baseline", "b.toml", "--format", format]);
        assert_eq!(code(&out), 0);
        assert_eq!(stdout(&out), "", "{format}");
    }
}

#[test]
fn bad_baselines_exit_two_with_one_line() {
    let dir = service();
    for (text, says) in [
        (
            "version = 1\nentries = [{ rule = \"unwrap\" }]\n",
            "is not a cargo-panicfree baseline",
        ),
        ("version = 7\n", "is a baseline of version 7"),
        ("not toml", "is not a cargo-panicfree baseline"),
    ] {
        write(dir.path(), "b.toml", text);
        let out = run_in(dir.path(), &["--baseline", "b.toml"]);
        assert_eq!(code(&out), 2, "{text}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.starts_with("error: b.toml ") && err.contains(says),
            "{err}"
        );
    }
    let out = run_in(dir.path(), &["--baseline", "missing.toml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: cannot read the baseline missing.toml: "));
    let out = run_in(dir.path(), &["--accept-new"]);
    assert_eq!(code(&out), 2, "--accept-new needs --write-baseline");
}

#[test]
fn statistics_count_baselined_findings_in_their_own_column() {
    let dir = service();
    run_in(dir.path(), &["--write-baseline", "b.toml"]);
    let out = run_in(dir.path(), &["--baseline", "b.toml", "--statistics"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let total = text
        .lines()
        .find(|l| l.starts_with("total "))
        .expect("total");
    let cells: Vec<&str> = total.split_whitespace().collect();
    assert_eq!(cells[2..], ["0", "0", "0", cells[1]], "{text}");
    assert!(text.contains("\npackage "), "{text}");
    assert!(text.contains("\nsrc/lib.rs "), "{text}");
}
