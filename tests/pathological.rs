//! Inputs that once broke a report, generated at test time: every format ends
//! with exit 0 or 1 and no Rust panic, whatever the file holds.

mod common;

use common::{code, package, run_in, stderr, stdout};

const FORMATS: [&str; 2] = ["human", "json"];

fn assert_clean_run(dir: &std::path::Path, expected: i32) -> Vec<String> {
    FORMATS
        .iter()
        .map(|format| {
            let out = run_in(dir, &["--no-cache", "--format", format]);
            let err = stderr(&out);
            assert_eq!(code(&out), expected, "--format {format}: {err}");
            assert!(!err.contains("panicked"), "--format {format}: {err}");
            stdout(&out)
        })
        .collect()
}

#[test]
fn a_finding_past_column_65535_is_reported_with_its_position() {
    let line = format!(
        "pub fn g(o: Option<u8>) -> u8 {{ {}o.unwrap() }}\n",
        " ".repeat(70_000)
    );
    let dir = package(&[("src/lib.rs", &line)]);
    let outputs = assert_clean_run(dir.path(), 1);
    let human = outputs.first().map(String::as_str).unwrap_or("");
    assert!(
        human.contains("src/lib.rs:1:70035 (the line is too long to show)"),
        "{human}"
    );
}

#[test]
fn forty_thousand_findings_in_one_file_render_in_every_format() {
    let mut text = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..40_000 {
        text.push_str("    o.unwrap();\n");
    }
    text.push_str("}\n");
    let dir = package(&[("src/lib.rs", &text)]);
    let outputs = assert_clean_run(dir.path(), 1);
    let human = outputs.first().map(String::as_str).unwrap_or("");
    // Each finding shows its own line number in the gutter, the last one too.
    assert_eq!(human.matches("panicfree::unwrap").count(), 40_000);
    assert!(
        human.contains("40001 │     o.unwrap();"),
        "line numbers are right"
    );
}
