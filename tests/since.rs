//! `--since REV` and `--changed-lines`: only what changed since a git revision, as a
//! pre-push hook or a pull-request check wants it.

mod common;

use common::Bounded;

use std::path::Path;
use std::process::Command;

use common::{code, json, package, run_in, sites, stderr, write};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@localhost"])
        .args(args)
        .output_bounded()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A committed package with an unwrap in each of two modules.
fn repository() -> tempfile::TempDir {
    let dir = package(&[
        ("src/lib.rs", "pub mod a;\npub mod b;\n"),
        (
            "src/a.rs",
            "pub fn a(o: Option<u8>) -> u8 {\n    o.unwrap()\n}\n",
        ),
        (
            "src/b.rs",
            "pub fn b(o: Option<u8>) -> u8 {\n    o.unwrap()\n}\n",
        ),
    ]);
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

#[test]
fn since_checks_changed_and_untracked_files_and_changed_lines_narrows_to_their_lines() {
    let dir = repository();
    let clean = run_in(dir.path(), &["--since", "HEAD", "--format", "json"]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    assert_eq!(json(&clean)["summary"]["files"], 0, "nothing changed");

    // a.rs gains a second unwrap (its first is old); c.rs is new and untracked.
    write(
        dir.path(),
        "src/a.rs",
        "pub fn a(o: Option<u8>) -> u8 {\n    o.unwrap()\n}\n\npub fn a2(v: &[u8]) -> u8 {\n    v[0]\n}\n",
    );
    write(
        dir.path(),
        "src/lib.rs",
        "pub mod a;\npub mod b;\npub mod c;\n",
    );
    write(dir.path(), "src/c.rs", "pub fn c() {\n    todo!()\n}\n");
    let out = run_in(dir.path(), &["--since", "HEAD", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        sites(&report),
        [
            ("src/a.rs".to_owned(), 2, "unwrap".to_owned()),
            ("src/a.rs".to_owned(), 6, "indexing".to_owned()),
            ("src/c.rs".to_owned(), 2, "panic".to_owned()),
        ],
        "b.rs did not change"
    );
    assert_eq!(report["summary"]["files"], 3);

    let out = run_in(
        dir.path(),
        &["--since", "HEAD", "--changed-lines", "--format", "json"],
    );
    assert_eq!(
        sites(&json(&out)),
        [
            ("src/a.rs".to_owned(), 6, "indexing".to_owned()),
            ("src/c.rs".to_owned(), 2, "panic".to_owned()),
        ],
        "the old unwrap of a.rs is on an unchanged line"
    );

    // Committed on a branch: compared with the merge base, the same.
    git(dir.path(), &["checkout", "-qb", "feature"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "feature"]);
    let out = run_in(
        dir.path(),
        &["--since", "main", "--changed-lines", "--format", "short"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        common::stdout(&out).lines().count(),
        2,
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn since_and_a_baseline_report_no_entry_of_an_unchanged_file_as_gone() {
    let dir = repository();
    assert_eq!(
        code(&run_in(dir.path(), &["--write-baseline", "b.toml"])),
        0
    );
    write(
        dir.path(),
        "src/a.rs",
        "pub fn a(o: Option<u8>) -> u8 {\n    o.unwrap() + o.unwrap()\n}\n",
    );
    let out = run_in(
        dir.path(),
        &[
            "--since",
            "HEAD",
            "--changed-lines",
            "--baseline",
            "b.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["baseline"]["gone"], serde_json::json!([]));
    let new: Vec<_> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["baselined"] == false)
        .collect();
    assert_eq!(new.len(), 1, "one new unwrap: {report}");
}

#[test]
fn a_bad_revision_or_no_repository_exits_two() {
    let dir = repository();
    let out = run_in(dir.path(), &["--since", "no-such-rev"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: `git merge-base no-such-rev HEAD` failed: "),
        "{}",
        stderr(&out)
    );
    let plain = package(&[("src/lib.rs", "")]);
    let out = run_in(plain.path(), &["--since", "HEAD"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert_eq!(
        code(&run_in(dir.path(), &["--changed-lines"])),
        2,
        "needs --since"
    );
}
