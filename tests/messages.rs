//! Messages a user can act on: cargo's own words as cargo printed them, a pinned
//! toolchain that is missing, parse errors that point at the problem and stay short,
//! and the JSON summary's counts.

mod common;

use common::Bounded;

use common::{code, json, package, run_in, stderr};

// cargo's error is shown as cargo printed it: every line, indented under ours, never joined into one.
#[test]
fn cargo_errors_keep_their_lines() {
    let dir = package(&[
        ("Cargo.toml", "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = { version = \"1\", path = 3 }\n"),
        ("src/lib.rs", "pub fn f() {}\n"),
    ]);
    let out = run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines.first(),
        Some(&"error: cannot read the workspace:"),
        "{err}"
    );
    assert!(lines.len() > 2, "several lines: {err}");
    assert!(lines[1].starts_with("  error: "), "{err}");
    assert!(
        err.contains("Cargo.toml:7"),
        "cargo's pointer is kept: {err}"
    );
    assert!(
        lines[1..].iter().all(|l| l.starts_with("  ")),
        "indented: {err}"
    );
}

// A workspace that pins a toolchain rustup does not have: said so, with how to run anyway.
#[test]
fn a_missing_pinned_toolchain_is_named_with_a_way_out() {
    let have_rustup = std::process::Command::new("rustup")
        .arg("--version")
        .output_bounded()
        .is_ok_and(|o| o.status.success());
    let dir = package(&[
        (
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"1.31.1-panicfree-test\"\n",
        ),
        ("src/lib.rs", "pub fn f() {}\n"),
    ]);
    let run = |env: &[(&str, &str)]| {
        let mut cmd = common::bin();
        // cargo runs us with CARGO set to its own binary, which bypasses rustup;
        // a pre-commit hook runs `cargo-panicfree` directly, and rustup's `cargo` decides.
        cmd.current_dir(dir.path())
            .args(["--no-cache"])
            .env_remove("CARGO")
            .env_remove("RUSTUP_TOOLCHAIN")
            .env("RUSTUP_AUTO_INSTALL", "0");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output_bounded().expect("binary runs")
    };
    let out = run(&[]);
    if !have_rustup {
        // Without rustup, cargo ignores the pin: nothing to say.
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        return;
    }
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: cannot read the workspace: "),
        "{err}"
    );
    assert!(err.contains("rust-toolchain.toml pins the toolchain `1.31.1-panicfree-test`, which is not installed"), "{err}");
    assert!(
        err.contains("RUSTUP_TOOLCHAIN=stable cargo-panicfree"),
        "{err}"
    );
    assert!(err.contains("cargo +stable panicfree"), "{err}");
    assert!(!err.contains("Stack backtrace"), "{err}");
    // And the way out works.
    let out = run(&[("RUSTUP_TOOLCHAIN", "stable")]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// A crate with a file that is not UTF-8 (a Latin-1 `é` on line 2, after other
/// non-ASCII characters) and a `mod` whose `#[path]` is absurdly long.
fn bad_files() -> tempfile::TempDir {
    let long = "generated/".repeat(40);
    let dir = package(&[(
        "src/lib.rs",
        &format!("mod latin1;\n\n#[path = \"{long}x.rs\"]\nmod far;\n\npub fn f(a: u8, b: u8) -> u8 {{ a / b }}\n"),
    )]);
    std::fs::write(
        dir.path().join("src/latin1.rs"),
        b"// ok\n// \xc3\xa9t\xc3\xa9, caf\xe9\npub fn f() {}\n",
    )
    .expect("write");
    dir
}

// A non-UTF-8 file's parse-error points at the first bad byte; a long message is cut to a few hundred characters.
#[test]
fn parse_errors_point_at_the_bad_byte_and_stay_short() {
    let dir = bad_files();
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    let utf8 = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["path"] == "src/latin1.rs")
        .expect("a finding in latin1.rs");
    assert_eq!(
        (utf8["line"].as_u64(), utf8["column"].as_u64()),
        (Some(2), Some(12))
    );
    for f in report["findings"].as_array().expect("findings") {
        let message = f["message"].as_str().expect("message");
        assert!(message.chars().count() <= 300, "{message}");
    }
    // The JSON summary counts warnings (the `/` here), as the stderr line does.
    assert_eq!(report["summary"]["warnings"], 1);
    assert_eq!(
        stderr(&out),
        "panicfree: 2 blocking, 1 warning, 0 justified; 2 files checked; 2 parse errors\n"
    );
    insta::assert_snapshot!("bad_files_json", common::stdout(&out));
    let out = run_in(dir.path(), &["--color", "never"]);
    insta::assert_snapshot!("bad_files_human", common::stdout(&out));
}
