//! The exact output of every format on `fixtures/workspace`, pinned by snapshots.

mod common;

use common::{bin, code, fixture, stdout};

fn report(format: &str) -> (i32, String, String) {
    let manifest = fixture("workspace").join("Cargo.toml");
    let out = bin()
        .args(["panicfree", "--manifest-path"])
        .arg(&manifest)
        .args(["--format", format, "--color", "never"])
        .output()
        .expect("binary runs");
    (code(&out), stdout(&out), common::stderr(&out))
}

#[test]
fn json_report_is_pinned() {
    let (code, out, _) = report("json");
    assert_eq!(code, 1);
    insta::assert_snapshot!("json", out);
}

#[test]
fn human_report_is_pinned() {
    let (code, out, err) = report("human");
    assert_eq!(code, 1);
    insta::assert_snapshot!("human", out);
    assert_eq!(
        err,
        "panicfree: 7 blocking, 2 warnings, 4 justified; 5 files checked; 1 parse error\n"
    );
}

#[test]
fn same_input_gives_the_same_bytes() {
    let (_, first, _) = report("json");
    for _ in 0..3 {
        assert_eq!(report("json").1, first);
    }
}

#[test]
fn json_fields_are_all_present_and_typed() {
    let (_, out, _) = report("json");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "cargo-panicfree");
    assert!(v["baseline"].is_null(), "no --baseline given");
    for key in [
        "files",
        "findings",
        "blocking",
        "warnings",
        "justified",
        "parse_errors",
        "baselined",
    ] {
        assert!(v["summary"][key].is_u64(), "summary.{key}");
    }
    for f in v["findings"].as_array().expect("findings") {
        let obj = f.as_object().expect("object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "rule",
                "severity",
                "message",
                "help",
                "path",
                "line",
                "column",
                "end_line",
                "end_column",
                "package",
                "layer",
                "justification",
                "justified_by",
                "baselined",
                "reachable_from"
            ]
        );
        assert!(f["end_line"].as_u64() >= f["line"].as_u64());
    }
}

#[test]
fn short_report_is_pinned() {
    let (code, out, _) = report("short");
    assert_eq!(code, 1);
    insta::assert_snapshot!("short", out);
    let (_, json, _) = report("json");
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(
        out.lines().count(),
        json["findings"].as_array().expect("findings").len(),
        "one line a finding"
    );
}

/// The github format, run as in a workflow step: paths relative to the checkout
/// (`GITHUB_WORKSPACE`), the table appended to `GITHUB_STEP_SUMMARY`.
#[test]
fn github_annotations_and_step_summary_are_pinned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let out = bin()
        .args(["panicfree", "--manifest-path"])
        .arg(fixture("workspace").join("Cargo.toml"))
        .args(["--format", "github"])
        .env("GITHUB_WORKSPACE", env!("CARGO_MANIFEST_DIR"))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("binary runs");
    assert_eq!(code(&out), 1);
    let annotations = stdout(&out);
    insta::assert_snapshot!("github", annotations);
    let table = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        table.starts_with("earlier step\n### cargo panicfree\n"),
        "appended"
    );
    insta::assert_snapshot!("github_step_summary", table);

    // The worst first: every error before every warning before every notice.
    let kinds: Vec<&str> = annotations
        .lines()
        .map(|l| l.split(' ').next().expect("command"))
        .collect();
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|k| {
        ["::error", "::warning", "::notice"]
            .iter()
            .position(|x| x == k)
    });
    assert_eq!(kinds, sorted);
    assert!(annotations.contains("file=fixtures/workspace/src/core.rs,"));
}

#[test]
fn hide_justified_leaves_justified_sites_out_but_counts_them() {
    let manifest = fixture("workspace").join("Cargo.toml");
    for format in ["human", "short", "github"] {
        let out = bin()
            .args(["panicfree", "--manifest-path"])
            .arg(&manifest)
            .args(["--format", format, "--color", "never", "--hide-justified"])
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .expect("binary runs");
        let text = stdout(&out);
        assert!(!text.contains("justified: "), "{format}:\n{text}");
        assert!(!text.contains("NonZeroU32"), "{format}:\n{text}");
        assert!(text.contains("unwrap"), "{format}: the rest is shown");
        assert!(
            common::stderr(&out).contains("2 warnings, 4 justified"),
            "{format}: still counted"
        );
    }
}

#[test]
fn statistics_are_pinned_and_add_up() {
    let stats = bin()
        .args(["panicfree", "--manifest-path"])
        .arg(fixture("workspace").join("Cargo.toml"))
        .arg("--statistics")
        .output()
        .expect("binary runs");
    assert_eq!(common::code(&stats), 1, "the exit status is the check's");
    let text = stdout(&stats);
    insta::assert_snapshot!("statistics", text);
    let total: Vec<u64> = text
        .lines()
        .find(|l| l.starts_with("total "))
        .expect("a total row")
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().expect("number"))
        .collect();
    // findings = blocking + warnings + justified + baselined
    assert_eq!(total, [13, 7, 2, 4, 0]);
}
