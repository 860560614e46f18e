//! Every input the fuzzers (`fuzz/`) ever found a crash with, replayed through the
//! same pipeline on stable Rust: `fuzz/regressions/<target>-<what>` files.

#[path = "../fuzz/pipeline.rs"]
mod pipeline;

#[test]
fn every_regression_input_runs_clean() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .expect("fuzz/regressions exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    inputs.sort();
    for input in &inputs {
        let bytes = std::fs::read(input).expect("readable");
        let name = input.display().to_string();
        let outcome = std::panic::catch_unwind(|| pipeline::run(&bytes));
        assert!(outcome.is_ok(), "{name} crashes the pipeline again");
    }
}

#[test]
fn the_pipeline_runs_on_awkward_inputs() {
    for input in [
        &b""[..],
        b"\xef\xbb\xbf",
        b"\0",
        b"fn f() { x.unwrap() }",
        b"\xff\xfe not UTF-8",
        b"#![cfg(test)] fn f() { x.unwrap() }",
        b"//! a\n/// b\nfn f() { let s = \"///\"; let c = '\"'; /** c */ x.unwrap() }",
        b"/// a doc comment that documents nothing",
        b"/** an unterminated doc comment",
        b"/// a bare \r in a doc comment\nfn f() {}",
        b"fn f() { r#\"//! \"# }",
    ] {
        pipeline::run(input);
    }
}

#[test]
fn the_parser_loses_only_docs_test_bodies_and_tables_in_real_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<_> = ["api", "engine", "rules", "output", "cli"]
        .iter()
        .map(|d| root.join("src").join(d))
        .collect();
    dirs.extend(
        std::fs::read_dir(root.join("fixtures"))
            .expect("fixtures/")
            .map(|e| e.expect("readable").path()),
    );
    let (mut with_docs, mut test_bodies, mut tables, mut doc_attributes) = (0, 0, 0, 0);
    for dir in dirs {
        for file in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if let Ok(text) = std::fs::read_to_string(file.path()) {
                with_docs += usize::from(pipeline::doc_comments_only_lose_their_tokens(&text));
                let (bodies, data, docs) = pipeline::blanking_keeps_every_other_token(&text);
                test_bodies += bodies;
                tables += data;
                doc_attributes += docs;
            }
        }
    }
    // This crate's own sources are documented, and many have unit tests.
    assert!(with_docs > 50, "{with_docs}");
    assert!(test_bodies > 10, "{test_bodies}");
    // The data-table fixtures of `indexing`, one with doc attributes.
    assert!(tables >= 4, "{tables}");
    assert!(doc_attributes >= 2, "{doc_attributes}");
}
