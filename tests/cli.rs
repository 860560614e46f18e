//! The command line as users and CI meet it: exit codes, workspace selection,
//! FILES mode, bad input of every kind.

mod common;

use common::Bounded;

use common::{code, fixture, json, package, run_in, sites, stderr, stdout, write};

const CLEAN_LIB: &str = "pub fn add(a: u32, b: u32) -> Option<u32> {\n    a.checked_add(b)\n}\n";

#[test]
fn clean_workspace_exits_zero() {
    let dir = package(&[("src/lib.rs", CLEAN_LIB)]);
    let out = run_in(dir.path(), &["panicfree", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["files"], 1);
    assert_eq!(
        stderr(&out),
        "panicfree: 0 blocking, 0 warnings, 0 justified; 1 file checked\n"
    );
}

#[test]
fn blocking_finding_exits_one_and_warnings_alone_exit_zero() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    assert_eq!(code(&run_in(dir.path(), &[])), 1);
    let dir = package(&[("src/lib.rs", "pub fn f(a: u8, b: u8) -> u8 { a / b }\n")]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["findings"][0]["severity"], "warning");
}

#[test]
fn runs_with_or_without_the_cargo_subcommand_word_and_with_check() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    for args in [&["panicfree"][..], &[], &["panicfree", "check"], &["check"]] {
        let mut args = args.to_vec();
        args.extend(["--format", "json"]);
        let out = run_in(dir.path(), &args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        assert_eq!(json(&out)["summary"]["blocking"], 1, "{args:?}");
    }
}

#[test]
fn bad_flag_exits_two() {
    let dir = package(&[("src/lib.rs", CLEAN_LIB)]);
    let out = run_in(dir.path(), &["--no-such-flag"]);
    assert_eq!(code(&out), 2);
    let out = run_in(dir.path(), &["--format", "xml"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn no_manifest_exits_two_with_one_clear_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: cannot read the workspace: "),
        "{err}"
    );
    assert!(err.contains("Cargo.toml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn manifest_path_selects_the_workspace() {
    let dir = package(&[("src/lib.rs", "pub fn f(v: &[u8]) -> u8 { v[0] }\n")]);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("Cargo.toml");
    let out = run_in(
        elsewhere.path(),
        &[
            "--manifest-path",
            manifest.to_str().expect("utf-8 path"),
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        sites(&json(&out)),
        [("src/lib.rs".to_owned(), 1, "indexing".to_owned())]
    );
}

fn two_members() -> tempfile::TempDir {
    package(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n",
        ),
        (
            "a/Cargo.toml",
            "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "a/src/lib.rs",
            "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
        (
            "b/Cargo.toml",
            "[package]\nname = \"b-crate\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("b/src/main.rs", "fn main() { todo!() }\n"),
    ])
}

#[test]
fn package_flag_narrows_to_members() {
    let dir = two_members();
    let all = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(
        sites(&all),
        [
            ("a/src/lib.rs".to_owned(), 1, "unwrap".to_owned()),
            ("b/src/main.rs".to_owned(), 1, "panic".to_owned())
        ]
    );
    assert_eq!(all["findings"][1]["package"], "b-crate");
    let only_b = json(&run_in(dir.path(), &["-p", "b-crate", "--format", "json"]));
    assert_eq!(
        sites(&only_b),
        [("b/src/main.rs".to_owned(), 1, "panic".to_owned())]
    );
    let both = json(&run_in(
        dir.path(),
        &["-p", "a", "--package", "b-crate", "--format", "json"],
    ));
    assert_eq!(both["summary"]["files"], 2);
}

#[test]
fn unknown_package_exits_two() {
    let dir = two_members();
    let out = run_in(dir.path(), &["-p", "c"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        "error: package `c` is not a member of this workspace\n"
    );
}

#[test]
fn files_mode_checks_only_the_named_files_with_their_module_and_layer() {
    let dir = package(&[
        (
            "panicfree.toml",
            "[[layer]]\nname = \"core\"\nmodules = [\"demo::core\"]\n",
        ),
        (
            "src/lib.rs",
            "pub mod core;\npub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
        ("src/core/mod.rs", "pub mod rules;\n"),
        ("src/core/rules.rs", "pub fn g(v: &[u8]) -> u8 { v[1] }\n"),
        ("tests/it.rs", "#[test]\nfn t() { Some(1).unwrap(); }\n"),
        ("README.md", "not rust\n"),
    ]);
    let out = run_in(
        dir.path(),
        &[
            "--format",
            "json",
            "src/core/rules.rs",
            "README.md",
            "tests/it.rs",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        sites(&report),
        [("src/core/rules.rs".to_owned(), 1, "indexing".to_owned())]
    );
    assert_eq!(report["findings"][0]["layer"], "core");
    assert_eq!(report["findings"][0]["package"], "demo");
    assert_eq!(report["summary"]["files"], 1);

    let with_tests = json(&run_in(
        dir.path(),
        &["--format", "json", "--include-tests", "tests/it.rs"],
    ));
    assert_eq!(
        sites(&with_tests),
        [("tests/it.rs".to_owned(), 2, "unwrap".to_owned())]
    );
}

#[test]
fn files_mode_checks_a_file_no_module_reaches() {
    let dir = package(&[
        ("src/lib.rs", CLEAN_LIB),
        (
            "src/orphan.rs",
            "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json", "src/orphan.rs"]));
    assert_eq!(
        sites(&report),
        [("src/orphan.rs".to_owned(), 1, "unwrap".to_owned())]
    );
    // Without FILES, a file that no `mod` reaches is not part of the crate.
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn a_missing_named_file_exits_two() {
    let dir = package(&[("src/lib.rs", CLEAN_LIB)]);
    let out = run_in(dir.path(), &["src/nope.rs"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: src/nope.rs: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_that_does_not_parse_is_a_finding_and_the_rest_is_checked() {
    let dir = package(&[
        ("src/lib.rs", "mod broken;\nmod fine;\n"),
        ("src/broken.rs", "pub fn f( {\n"),
        (
            "src/fine.rs",
            "pub fn g(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let found = sites(&report);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].0, "src/broken.rs");
    assert_eq!(found[0].2, "parse-error");
    assert_eq!(found[1], ("src/fine.rs".to_owned(), 1, "unwrap".to_owned()));
    assert_eq!(report["summary"]["parse_errors"], 1);
}

// The body of a `#[cfg(test)]` module is not parsed when tests are skipped (it is
// blanked first): a syntax error there shows with `--include-tests`, and sites
// after the module are still found where they are.
#[test]
fn a_test_module_is_parsed_only_when_tests_are_checked() {
    let dir = package(&[(
        "src/lib.rs",
        "#[cfg(test)]\nmod tests {\n    fn t() { let = ; }\n}\npub fn g(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(
        sites(&json(&out)),
        [("src/lib.rs".to_owned(), 5, "unwrap".to_owned())]
    );
    let out = run_in(dir.path(), &["--format", "json", "--include-tests"]);
    assert_eq!(
        sites(&json(&out)),
        [("src/lib.rs".to_owned(), 3, "parse-error".to_owned())]
    );
}

#[test]
fn a_file_that_is_not_utf8_is_a_parse_error() {
    let dir = package(&[("src/lib.rs", "mod latin1;\n")]);
    std::fs::write(
        dir.path().join("src/latin1.rs"),
        b"// caf\xe9\npub fn f() {}\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(
        sites(&report),
        [("src/latin1.rs".to_owned(), 1, "parse-error".to_owned())]
    );
    let message = report["findings"][0]["message"].as_str().expect("message");
    assert!(message.contains("not valid UTF-8"), "{message}");
}

#[test]
fn a_missing_module_file_is_reported_at_the_mod_item() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f() {}\n\n#[path = \"x/y.rs\"]\nmod gone;\nmod also_gone;\n",
    )]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let f = &report["findings"];
    assert_eq!(f[0]["line"], 4, "{report}");
    assert_eq!(
        f[0]["message"],
        "file not found for module `gone`: expected `src/x/y.rs`"
    );
    assert_eq!(
        f[1]["message"],
        "file not found for module `also_gone`: expected `src/also_gone.rs` or `src/also_gone/mod.rs`"
    );
}

#[test]
fn module_files_are_found_as_rustc_finds_them() {
    let dir = package(&[
        (
            "src/lib.rs",
            "mod flat;\nmod nested;\n#[path = \"elsewhere/renamed.rs\"]\nmod renamed;\nmod inline {\n    mod deep;\n}\nmod r#type;\n",
        ),
        ("src/flat.rs", "mod child;\n"),
        ("src/flat/child.rs", "pub fn a(o: Option<u8>) -> u8 { o.unwrap() }\n"),
        ("src/nested/mod.rs", "mod child;\n"),
        ("src/nested/child.rs", "pub fn b(o: Option<u8>) -> u8 { o.unwrap() }\n"),
        ("src/elsewhere/renamed.rs", "mod sibling;\n"),
        ("src/elsewhere/sibling.rs", "pub fn c(o: Option<u8>) -> u8 { o.unwrap() }\n"),
        ("src/inline/deep.rs", "pub fn d(o: Option<u8>) -> u8 { o.unwrap() }\n"),
        ("src/type.rs", "pub fn e(o: Option<u8>) -> u8 { o.unwrap() }\n"),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    let paths: Vec<String> = sites(&report).into_iter().map(|s| s.0).collect();
    assert_eq!(
        paths,
        [
            "src/elsewhere/sibling.rs",
            "src/flat/child.rs",
            "src/inline/deep.rs",
            "src/nested/child.rs",
            "src/type.rs"
        ]
    );
}

#[test]
fn cfg_test_modules_are_skipped_unless_tests_are_included() {
    let dir = package(&[
        ("src/lib.rs", "#[cfg(test)]\nmod tests;\npub fn f() {}\n"),
        (
            "src/tests.rs",
            "#[test]\nfn t() { Some(1).unwrap(); assert!(true); }\n",
        ),
        ("build.rs", "fn main() { Some(1).unwrap(); }\n"),
    ]);
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["summary"]["findings"], 0);
    let report = json(&run_in(
        dir.path(),
        &["--format", "json", "--include-tests"],
    ));
    // Asserting is what tests do: `assert!` stays quiet even then.
    assert_eq!(
        sites(&report),
        [
            ("build.rs".to_owned(), 1, "unwrap".to_owned()),
            ("src/tests.rs".to_owned(), 2, "unwrap".to_owned())
        ]
    );
}

#[test]
fn five_thousand_levels_of_nesting_do_not_crash() {
    let body = format!("{}o.unwrap(){}", "(".repeat(5000), ")".repeat(5000));
    let dir = package(&[(
        "src/lib.rs",
        &format!("pub fn f(o: Option<u8>) -> u8 {{ {body} }}\n"),
    )]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        sites(&json(&out)),
        [("src/lib.rs".to_owned(), 1, "unwrap".to_owned())]
    );
}

#[test]
fn absurd_nesting_is_one_parse_error() {
    let body = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
    let dir = package(&[("src/lib.rs", &format!("pub fn f() {{ let _ = {body}; }}\n"))]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        sites(&json(&out)),
        [("src/lib.rs".to_owned(), 1, "parse-error".to_owned())]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_not_a_hang() {
    let dir = package(&[
        ("src/lib.rs", "mod a;\n"),
        (
            "src/a/mod.rs",
            "mod a;\npub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
    ]);
    std::os::unix::fs::symlink(dir.path().join("src/a"), dir.path().join("src/a/a"))
        .expect("symlink");
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    // The unwrap, and the `mod a;` that leads back to its own file, as rustc says.
    let report = json(&out);
    assert_eq!(report["summary"]["findings"], 2);
    assert_eq!(
        report["findings"][0]["message"],
        "circular modules: `src/a/mod.rs` -> `src/a/a/mod.rs`"
    );
}

#[test]
fn output_file_holds_exactly_what_stdout_would() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    for format in ["json", "human"] {
        let stdout_run = run_in(dir.path(), &["--format", format, "--color", "never"]);
        let file = dir.path().join(format!("report.{format}"));
        let file_run = run_in(
            dir.path(),
            &[
                "--format",
                format,
                "--output",
                file.to_str().expect("utf-8"),
                "--color",
                "never",
            ],
        );
        assert_eq!(code(&file_run), 1);
        assert!(file_run.stdout.is_empty());
        assert_eq!(
            std::fs::read_to_string(&file).expect("report written"),
            stdout(&stdout_run)
        );
        assert_eq!(stderr(&file_run), stderr(&stdout_run));
    }
}

#[test]
fn unwritable_output_exits_two() {
    let dir = package(&[("src/lib.rs", CLEAN_LIB)]);
    let out = run_in(dir.path(), &["--output", "no/such/dir/report.json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).starts_with("error: cannot write the report to no/such/dir/report.json"));
}

#[test]
fn the_tool_passes_its_own_check() {
    let manifest = fixture("..").join("Cargo.toml");
    let out = common::bin()
        .args([
            "--manifest-path",
            manifest.to_str().expect("utf-8"),
            "-p",
            "cargo-panicfree",
        ])
        .args(["--format", "json"])
        .output_bounded()
        .expect("binary runs");
    let report = json(&out);
    assert_eq!(report["summary"]["blocking"], 0, "{report:#}");
    assert_eq!(code(&out), 0);
}

#[test]
fn exclude_globs_drop_files() {
    let dir = package(&[
        (
            "panicfree.toml",
            "[scope]\nexclude = [\"src/generated/**\"]\n",
        ),
        ("src/lib.rs", "mod generated;\npub fn f() {}\n"),
        (
            "src/generated/mod.rs",
            "pub fn g(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["summary"]["files"], 1);
    write(dir.path(), "panicfree.toml", "");
    assert_eq!(code(&run_in(dir.path(), &[])), 1);
}

/// The per-file boundary holds: a panic while checking one file (a fault the
/// debug build injects on request) is that file's `internal-error` finding, the
/// run exits 2 without a Rust panic message, and the other files are reported.
#[test]
fn a_panic_in_one_file_is_an_internal_error_and_the_others_are_checked() {
    let dir = common::package(&[
        ("src/lib.rs", "pub mod bad;\npub mod good;\n"),
        ("src/bad.rs", "pub fn f() {}\n"),
        (
            "src/good.rs",
            "pub fn g(o: Option<u8>) -> u8 { o.unwrap() }\n",
        ),
    ]);
    for format in ["json", "human"] {
        let out = common::bin()
            .current_dir(dir.path())
            .args(["panicfree", "--no-cache", "--format", format])
            .env("PANICFREE_TEST_PANIC_IN", "bad.rs")
            .output_bounded()
            .expect("binary runs");
        let err = common::stderr(&out);
        assert_eq!(common::code(&out), 2, "{format}: {err}");
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert!(err.contains("the tool failed on 1 file"), "{format}: {err}");
        if format == "json" {
            let sites = common::sites(&common::json(&out));
            assert!(
                sites.contains(&("src/bad.rs".into(), 1, "internal-error".into())),
                "{sites:?}"
            );
            assert!(
                sites.contains(&("src/good.rs".into(), 1, "unwrap".into())),
                "{sites:?}"
            );
        }
    }
}
