//! `bench/clippy_diff.py` exits 1 when Clippy cannot build a crate of its list (a
//! crate left out would silently shrink the reference), and 0 when every crate
//! builds. The script runs on two throwaway crates made here, one that builds and
//! one that does not, put in its work directory's vendor cache (where it keeps the
//! crates it fetched, so crates.io is never asked), in place of its list of
//! crates.io crates. Needs python3 and `cargo clippy`, as CI has.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{output_within, write, LIMIT};

/// Runs the script's `main` with `CRATES` set to the two throwaway crates.
fn clippy_diff(work: &Path, only: &[&str]) -> Output {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench");
    let driver = "import sys\n\
                  sys.path.insert(0, sys.argv[1])\n\
                  import clippy_diff\n\
                  clippy_diff.CRATES = [('good', '0.1.0', []), ('broken', '0.1.0', [])]\n\
                  sys.argv = ['clippy_diff.py', *sys.argv[2:]]\n\
                  sys.exit(clippy_diff.main())\n";
    let mut cmd = Command::new("python3");
    cmd.arg("-c")
        .arg(driver)
        .arg(&bench)
        .arg("--work")
        .arg(work)
        .arg("--report")
        .arg(work.join("report.md"))
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_cargo-panicfree"))
        .env_remove("CARGO_TARGET_DIR");
    if !only.is_empty() {
        cmd.arg("--only").args(only);
    }
    output_within(&mut cmd, LIMIT)
}

/// A crate as `cargo vendor` would have left it in the script's work directory.
fn vendored(work: &Path, name: &str, lib: &str) {
    let dir = format!("vendor/{name}-0.1.0/vendor/{name}-0.1.0");
    write(
        work,
        &format!("{dir}/Cargo.toml"),
        &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
    );
    write(work, &format!("{dir}/src/lib.rs"), lib);
}

#[test]
fn a_crate_that_clippy_cannot_build_fails_the_differential() {
    let work = tempfile::tempdir().expect("temp dir");
    vendored(
        work.path(),
        "good",
        "pub fn f(o: Option<u8>) -> u8 {\n    o.unwrap()\n}\n",
    );
    vendored(
        work.path(),
        "broken",
        "pub fn f() -> u8 {\n    \"not a number\"\n}\n",
    );
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();

    // Every crate builds: exit 0, and the one unwrap is found by both.
    let out = clippy_diff(work.path(), &["good"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("| good 0.1.0 | unwrap | 1 | 1 | 1 | 100.0% | 100.0% |"),
        "{stdout}\n{stderr}"
    );

    // One does not: exit 1, and it is named.
    let out = clippy_diff(work.path(), &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("clippy could not build: broken 0.1.0 (features: default)"),
        "{stderr}"
    );
    // The crate that builds is still measured.
    assert!(
        stdout.contains("| good 0.1.0 | unwrap | 1 | 1 | 1 |"),
        "{stdout}"
    );
}
