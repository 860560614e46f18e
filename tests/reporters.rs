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
        "panicfree: 7 blocking, 3 warnings, 4 justified; 5 files checked; 1 parse error\n"
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
    for key in ["files", "findings", "blocking", "justified", "parse_errors"] {
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
                "reachable_from"
            ]
        );
        assert!(f["end_line"].as_u64() >= f["line"].as_u64());
    }
}
