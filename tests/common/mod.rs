//! Helpers shared by the integration tests: run the built binary, make workspaces.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cargo-panicfree"))
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Runs the binary in `dir` with `args`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("binary runs")
}

pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited, not killed")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// The JSON report of a run.
pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}):\n{}\nstderr:\n{}",
            stdout(out),
            stderr(out)
        )
    })
}

/// (path, line, rule) of every finding.
pub fn sites(report: &serde_json::Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_owned(),
                f["line"].as_u64().expect("line"),
                f["rule"].as_str().expect("rule").to_owned(),
            )
        })
        .collect()
}

/// A throwaway package `demo` with the given files (paths relative to its root).
pub fn package(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let has_manifest = files.iter().any(|(p, _)| *p == "Cargo.toml");
    if !has_manifest {
        write(
            dir.path(),
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        );
    }
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(path, text).expect("write file");
}

/// (line, rule, justified) -> how many.
pub type Expected = BTreeMap<(u32, String, bool), usize>;

/// The findings a fixture's `/*~ rule */` annotations expect (see fixtures/README.md).
pub fn annotations(text: &str) -> Expected {
    let mut expected = Expected::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(start) = rest.find("/*~") {
            // Inside a `//` comment an annotation would be part of the comment's text
            // (a justification's reason, say): the fixture would pin the wrong thing.
            assert!(
                !rest[..start].contains("//"),
                "line {}: an annotation inside a line comment: put it before the code",
                i + 1
            );
            let after = &rest[start + 3..];
            let end = after.find("*/").expect("annotation is closed");
            let (next_line, body) = match after[..end].strip_prefix('v') {
                Some(body) => (1, body),
                None => (0, &after[..end]),
            };
            for item in body.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let (rule, justified) = match item.strip_suffix("=justified") {
                    Some(rule) => (rule, true),
                    None => (item, false),
                };
                let key = (i as u32 + 1 + next_line, rule.to_owned(), justified);
                *expected.entry(key).or_default() += 1;
            }
            rest = &after[end..];
        }
    }
    expected
}

/// Annotations of every `.rs` and `Cargo.toml` file under a fixture workspace,
/// by path relative to it (`/`-separated).
pub fn workspace_annotations(root: &Path) -> BTreeMap<String, Expected> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !(name.ends_with(".rs") || name == "Cargo.toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("UTF-8 fixture");
            let expected = annotations(&text);
            if !expected.is_empty() {
                let rel = path.strip_prefix(root).expect("under root");
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                out.insert(rel.join("/"), expected);
            }
        }
    }
    out
}

/// The findings of a JSON report in the same shape as [`workspace_annotations`].
pub fn report_findings(report: &serde_json::Value) -> BTreeMap<String, Expected> {
    let mut out: BTreeMap<String, Expected> = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let key = (
            f["line"].as_u64().expect("line") as u32,
            f["rule"].as_str().expect("rule").to_owned(),
            !f["justification"].is_null(),
        );
        let path = f["path"].as_str().expect("path").to_owned();
        *out.entry(path).or_default().entry(key).or_default() += 1;
    }
    out
}

/// Runs `cmd` to its end with stdout and stderr captured, as `Command::output`
/// does, but kills it and fails the test when it runs longer than `limit`: a hang
/// is a failure that shows what the child printed, never a stuck suite.
pub fn output_within(cmd: &mut Command, limit: std::time::Duration) -> Output {
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let Some(status) = wait_within(&mut child, limit) else {
        // The readers are left behind: a grandchild may still hold the pipes.
        panic!("still running after {limit:?}: killed");
    };
    let collect = |reader: Option<std::thread::JoinHandle<Vec<u8>>>| {
        reader
            .map(|r| r.join().expect("reader thread"))
            .unwrap_or_default()
    };
    Output {
        status,
        stdout: collect(stdout),
        stderr: collect(stderr),
    }
}

/// Waits for `child` at most `limit`; when it is still running then, kills and
/// reaps it and returns `None`.
pub fn wait_within(
    child: &mut std::process::Child,
    limit: std::time::Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Reads a pipe to its end on a thread of its own, so that a child filling one
/// pipe never waits for the test to read the other.
fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
