//! `--message-format json` as rust-analyzer reads it: every line a cargo
//! `compiler-message` that `cargo_metadata::Message` (rust-analyzer's own type)
//! parses, with rustc-shaped positions; `--with-clippy` merges Clippy's stream.

mod common;

use common::Bounded;

use std::io::Cursor;

use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::Message;
use common::{bin, code, fixture, json, package, run_in, stderr, stdout};

fn messages(text: &str) -> Vec<Message> {
    Message::parse_stream(Cursor::new(text.as_bytes()))
        .map(|m| m.expect("readable"))
        .collect()
}

fn fixture_run(args: &[&str]) -> std::process::Output {
    bin()
        .args(["panicfree", "--manifest-path"])
        .arg(fixture("workspace").join("Cargo.toml"))
        .args(args)
        .output_bounded()
        .expect("binary runs")
}

#[test]
fn every_line_is_a_compiler_message_with_the_findings_positions() {
    let out = fixture_run(&["--message-format", "json"]);
    assert_eq!(code(&out), 1, "the exit status is the check's");
    let text = stdout(&out);
    let report = json(&fixture_run(&["--format", "json"]));
    let findings = report["findings"].as_array().expect("findings");
    let parsed = messages(&text);
    assert_eq!(parsed.len(), findings.len(), "one message a finding");
    for (message, finding) in parsed.iter().zip(findings) {
        let Message::CompilerMessage(message) = message else {
            panic!("not a compiler message: {message:?}");
        };
        let d = &message.message;
        let code = d.code.as_ref().expect("a code");
        assert_eq!(
            code.code,
            format!("panicfree::{}", finding["rule"].as_str().expect("rule"))
        );
        let expected = match (
            finding["justification"].is_null(),
            finding["severity"].as_str(),
        ) {
            (false, _) => DiagnosticLevel::Note,
            (true, Some("error")) => DiagnosticLevel::Error,
            _ => DiagnosticLevel::Warning,
        };
        assert_eq!(d.level, expected);
        assert_eq!(d.message, finding["message"].as_str().expect("message"));
        let [span] = d.spans.as_slice() else {
            panic!("one span: {:?}", d.spans);
        };
        assert!(span.is_primary);
        assert_eq!(span.file_name, finding["path"].as_str().expect("path"));
        assert_eq!(
            span.line_start as u64,
            finding["line"].as_u64().expect("line")
        );
        assert_eq!(
            span.column_start as u64,
            finding["column"].as_u64().expect("column")
        );
        assert_eq!(
            span.line_end as u64,
            finding["end_line"].as_u64().expect("end")
        );
        assert_eq!(
            span.column_end as u64,
            finding["end_column"].as_u64().expect("end")
        );
        // Byte offsets point at the same text as the line and columns.
        let source =
            std::fs::read_to_string(fixture("workspace").join(&span.file_name)).expect("source");
        if let Some(line) = span.text.first() {
            let chars: String = line
                .text
                .chars()
                .skip(line.highlight_start - 1)
                .take(line.highlight_end - line.highlight_start)
                .collect();
            let bytes = &source[span.byte_start as usize..span.byte_end as usize];
            assert!(bytes.starts_with(&chars), "{bytes:?} vs {chars:?}");
        }
        assert!(d
            .rendered
            .as_deref()
            .is_some_and(|r| r.contains(&code.code)));
    }
    let root = fixture("workspace").display().to_string();
    insta::assert_snapshot!("message_format_json", text.replace(&root, "[ROOT]"));
}

#[test]
fn with_clippy_passes_clippys_messages_through_after_ours() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>, v: &[u8]) -> u8 {\n    if v.len() == 0 {\n        return 0;\n    }\n    o.unwrap()\n}\n",
    )]);
    let target = dir.path().join("target");
    let out = bin()
        .current_dir(dir.path())
        .args(["panicfree", "--message-format", "json", "--with-clippy"])
        .env("CARGO_TARGET_DIR", &target)
        .output_bounded()
        .expect("binary runs");
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let parsed = messages(&stdout(&out));
    assert!(
        parsed.iter().all(|m| !matches!(m, Message::TextLine(_))),
        "every line parses:\n{}",
        stdout(&out)
    );
    let codes: Vec<String> = parsed
        .iter()
        .filter_map(|m| match m {
            Message::CompilerMessage(m) => m.message.code.as_ref().map(|c| c.code.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        codes.first().map(String::as_str),
        Some("panicfree::unwrap"),
        "{codes:?}"
    );
    assert!(codes.iter().any(|c| c == "clippy::len_zero"), "{codes:?}");
    assert!(
        matches!(parsed.last(), Some(Message::BuildFinished(_))),
        "cargo's last line passes through"
    );
}

#[test]
fn message_format_needs_no_other_format_and_clippy_needs_it() {
    let dir = package(&[("src/lib.rs", "pub fn f() {}\n")]);
    let out = run_in(dir.path(), &["--message-format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "");
    assert_eq!(
        code(&run_in(
            dir.path(),
            &["--message-format", "json", "--format", "json"]
        )),
        2
    );
    assert_eq!(code(&run_in(dir.path(), &["--with-clippy"])), 2);
}
