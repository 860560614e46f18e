//! Which code a run checks: packages selected as cargo selects them, FILES checked
//! in the workspace that owns each of them (nested workspaces too), proc-macro
//! crates out of scope.

mod common;

use std::path::Path;

use common::{code, json, package, run_in, sites, stderr, write};

const UNWRAP: &str = "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n";

fn member(name: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n")
}

/// The packages of a run's findings, in report order, each once.
fn packages(out: &std::process::Output) -> Vec<String> {
    let report = json(out);
    let mut names: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["package"].as_str().unwrap_or("-").to_owned())
        .collect();
    names.dedup();
    names
}

/// A virtual workspace of three members, each with one `unwrap`; `a` and `b` are
/// the default members.
fn virtual_workspace(default_members: bool) -> tempfile::TempDir {
    let root = if default_members {
        "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\ndefault-members = [\"a\", \"b\"]\nresolver = \"2\"\n"
    } else {
        "[workspace]\nmembers = [\"a\", \"b\", \"c\"]\nresolver = \"2\"\n"
    };
    let (a, b, c) = (member("a"), member("b"), member("c"));
    package(&[
        ("Cargo.toml", root),
        ("a/Cargo.toml", &a),
        ("a/src/lib.rs", UNWRAP),
        ("b/Cargo.toml", &b),
        ("b/src/lib.rs", UNWRAP),
        ("c/Cargo.toml", &c),
        ("c/src/lib.rs", UNWRAP),
    ])
}

// At a virtual workspace's root the default members are checked; --workspace and --all check every member.
#[test]
fn a_virtual_root_checks_its_default_members() {
    let dir = virtual_workspace(true);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(packages(&out), ["a", "b"]);
    for flag in ["--workspace", "--all"] {
        let out = run_in(dir.path(), &["--format", "json", flag]);
        assert_eq!(packages(&out), ["a", "b", "c"], "{flag}");
    }
    // -p names any member, default or not.
    let out = run_in(dir.path(), &["--format", "json", "-p", "c"]);
    assert_eq!(packages(&out), ["c"]);
}

// Without default-members, a virtual root checks every member.
#[test]
fn a_virtual_root_without_default_members_checks_all() {
    let dir = virtual_workspace(false);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(packages(&out), ["a", "b", "c"]);
}

// Inside a member's directory (or below it), or with --manifest-path to a member, only that member is checked.
#[test]
fn a_member_directory_or_manifest_selects_that_member() {
    let dir = virtual_workspace(true);
    let out = run_in(&dir.path().join("c"), &["--format", "json"]);
    assert_eq!(packages(&out), ["c"], "{}", stderr(&out));
    // Paths stay relative to the workspace root.
    assert_eq!(
        sites(&json(&out)),
        [("c/src/lib.rs".to_owned(), 1, "unwrap".to_owned())]
    );
    let out = run_in(&dir.path().join("b/src"), &["--format", "json"]);
    assert_eq!(packages(&out), ["b"]);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("c/Cargo.toml");
    let manifest = manifest.to_str().expect("UTF-8 path");
    let out = run_in(
        elsewhere.path(),
        &["--format", "json", "--manifest-path", manifest],
    );
    assert_eq!(packages(&out), ["c"]);
    // --workspace from a member's directory checks them all.
    let out = run_in(&dir.path().join("c"), &["--format", "json", "--workspace"]);
    assert_eq!(packages(&out), ["a", "b", "c"]);
}

// The cached model serves every starting directory: selection is made after loading it.
#[test]
fn the_cached_model_selects_by_the_current_directory() {
    let dir = virtual_workspace(true);
    let root = dir.path();
    let runs = [
        (root.to_path_buf(), vec!["a", "b"]),
        (root.join("c"), vec!["c"]),
        (root.to_path_buf(), vec!["a", "b"]),
        (root.join("a"), vec!["a"]),
        (root.join("c"), vec!["c"]),
    ];
    for (cwd, expected) in runs {
        let out = run_in(&cwd, &["--format", "json"]);
        assert_eq!(packages(&out), expected, "in {}", cwd.display());
    }
}

// At a non-virtual root, cargo checks the root package only (unless default-members says otherwise).
#[test]
fn a_root_package_is_checked_alone_at_the_root() {
    let root_manifest = format!("{}\n[workspace]\nmembers = [\"m\"]\n", member("outer"));
    let m = member("m");
    let dir = package(&[
        ("Cargo.toml", &root_manifest),
        ("src/lib.rs", UNWRAP),
        ("m/Cargo.toml", &m),
        ("m/src/lib.rs", UNWRAP),
    ]);
    let out = run_in(dir.path(), &["--format", "json"]);
    assert_eq!(packages(&out), ["outer"]);
    let out = run_in(dir.path(), &["--format", "json", "--workspace"]);
    assert_eq!(packages(&out), ["m", "outer"]);
    let out = run_in(&dir.path().join("m"), &["--format", "json"]);
    assert_eq!(packages(&out), ["m"]);
}

/// A repository whose root is a package with its own `[workspace]`, holding a
/// nested workspace `inner/` (its own `[workspace]` and `panicfree.toml`, with a
/// layer), like an `examples/` service.
fn nested() -> tempfile::TempDir {
    let outer = format!("{}\n[workspace]\n", member("outer"));
    let inner = format!("{}\n[workspace]\n", member("inner"));
    package(&[
        ("Cargo.toml", &outer),
        ("src/lib.rs", UNWRAP),
        ("inner/Cargo.toml", &inner),
        (
            "inner/panicfree.toml",
            "[rules]\nindexing = \"warn\"\n\n[[layer]]\nname = \"core\"\nmodules = [\"inner::core\"]\n",
        ),
        ("inner/src/lib.rs", "pub mod core;\n"),
        (
            "inner/src/core.rs",
            "pub fn g(v: &[u8], o: Option<u8>) -> u8 { v[1] + o.unwrap() }\n",
        ),
    ])
}

// A file of a nested workspace, named from the repository root, is checked in its own workspace with its own config.
#[test]
fn files_of_a_nested_workspace_are_checked_in_it() {
    let dir = nested();
    let from_root = run_in(dir.path(), &["--format", "json", "inner/src/core.rs"]);
    assert_eq!(code(&from_root), 1, "{}", stderr(&from_root));
    let inside = run_in(
        &dir.path().join("inner"),
        &["--format", "json", "src/core.rs"],
    );
    let (from_root, inside) = (json(&from_root), json(&inside));
    let mut expected = inside["findings"].clone();
    for finding in expected.as_array_mut().expect("findings") {
        let path = format!("inner/{}", finding["path"].as_str().expect("path"));
        finding["path"] = path.into();
    }
    assert_eq!(from_root["findings"], expected);
    assert_eq!(from_root["summary"], inside["summary"]);
    // Its package, its layer and its own levels (indexing is a warning there).
    let first = &from_root["findings"][0];
    assert_eq!(first["package"], "inner");
    assert_eq!(first["layer"], "core");
    assert_eq!(first["rule"], "indexing");
    assert_eq!(first["severity"], "warning");
}

// Files of two workspaces in one run: each checked in its own, one report, paths from the repository root.
#[test]
fn files_of_two_workspaces_make_one_report() {
    let dir = nested();
    let out = run_in(
        dir.path(),
        &["--format", "json", "src/lib.rs", "inner/src/core.rs"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        sites(&report),
        [
            ("inner/src/core.rs".to_owned(), 1, "indexing".to_owned()),
            ("inner/src/core.rs".to_owned(), 1, "unwrap".to_owned()),
            ("src/lib.rs".to_owned(), 1, "unwrap".to_owned()),
        ]
    );
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["blocking"], 2);
    assert_eq!(report["findings"][2]["package"], "outer");
    assert_eq!(report["findings"][2]["layer"], serde_json::Value::Null);
    // The human report names the same paths.
    let out = run_in(
        dir.path(),
        &["--color", "never", "src/lib.rs", "inner/src/core.rs"],
    );
    let text = common::stdout(&out);
    assert!(text.contains("inner/src/core.rs:1:"), "{text}");
    assert!(text.contains("src/lib.rs:1:"), "{text}");
    insta::assert_snapshot!("two_workspaces_human", text);
    let out = run_in(
        dir.path(),
        &["--format", "json", "src/lib.rs", "inner/src/core.rs"],
    );
    insta::assert_snapshot!("two_workspaces_json", common::stdout(&out));
}

// A file under a package that no workspace accepts is checked alone, with a warning that says so.
#[test]
fn a_file_whose_workspace_cannot_be_read_is_checked_alone_and_said() {
    let outer = format!("{}\n[workspace]\n", member("outer"));
    // A package inside the outer workspace's directory that is not its member.
    let stray = member("stray");
    let dir = package(&[
        ("Cargo.toml", &outer),
        ("src/lib.rs", "pub fn f() {}\n"),
        ("stray/Cargo.toml", &stray),
        ("stray/src/lib.rs", UNWRAP),
    ]);
    let out = run_in(dir.path(), &["--format", "json", "stray/src/lib.rs"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        sites(&json(&out)),
        [("stray/src/lib.rs".to_owned(), 1, "unwrap".to_owned())]
    );
    let err = stderr(&out);
    assert!(
        err.starts_with("warning: ") && err.contains("checked without its package"),
        "{err}"
    );
}

/// A copy of the bundled example service inside a repository-like root package,
/// with an `unwrap` in its core and its panic boundaries removed (so that a
/// package-level `missing-panic-boundary` finding appears at `src/main.rs`).
fn example_in_a_repository() -> tempfile::TempDir {
    let outer = format!("{}\n[workspace]\n", member("repo"));
    let dir = package(&[("Cargo.toml", &outer), ("src/lib.rs", "pub fn f() {}\n")]);
    let copy = dir.path().join("example-service");
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-service"),
        &copy,
    );
    let edit = |rel: &str, from: &str, to: &str| {
        let path = copy.join(rel);
        let text = std::fs::read_to_string(&path).expect("example file");
        assert!(text.contains(from), "{rel} holds {from}");
        std::fs::write(&path, text.replace(from, to)).expect("write");
    };
    edit("src/runtime/telemetry.rs", "std::panic::set_hook(", "drop(");
    edit(
        "src/runtime/http.rs",
        ".layer(CatchPanicLayer::custom(panic_response))",
        "",
    );
    edit(
        "src/runtime/http.rs",
        "use tower_http::catch_panic::CatchPanicLayer;",
        "",
    );
    let core = copy.join("src/core/mod.rs");
    let mut text = std::fs::read_to_string(&core).expect("core");
    text.push_str("\npub fn leaked(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n");
    write(&copy, "src/core/mod.rs", &text);
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "target" || name.ends_with(".db") || name.contains(".db-") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(&*name));
        } else {
            std::fs::copy(&path, to.join(&*name)).expect("copy file");
        }
    }
}

// Pre-commit from the repository root on example-service files: the same findings, package-level ones included, as inside it.
#[test]
fn example_service_files_from_the_repository_root_match_a_run_inside_it() {
    let dir = example_in_a_repository();
    let files = ["src/main.rs", "src/core/mod.rs", "src/runtime/http.rs"];
    let inside = run_in(
        &dir.path().join("example-service"),
        &[&["--format", "json"][..], &files].concat(),
    );
    let prefixed: Vec<String> = files
        .iter()
        .map(|f| format!("example-service/{f}"))
        .collect();
    let prefixed: Vec<&str> = prefixed.iter().map(String::as_str).collect();
    let from_root = run_in(dir.path(), &[&["--format", "json"][..], &prefixed].concat());
    assert_eq!(code(&inside), 1, "{}", stderr(&inside));
    assert_eq!(code(&from_root), 1, "{}", stderr(&from_root));
    let (inside, from_root) = (json(&inside), json(&from_root));
    let rules: Vec<(String, String, String)> = from_root["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_owned(),
                f["rule"].as_str().expect("rule").to_owned(),
                f["package"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    assert!(
        rules.contains(&(
            "example-service/src/main.rs".to_owned(),
            "missing-panic-boundary".to_owned(),
            "example-service".to_owned()
        )),
        "{rules:?}"
    );
    assert!(
        rules.contains(&(
            "example-service/src/core/mod.rs".to_owned(),
            "unwrap".to_owned(),
            "example-service".to_owned()
        )),
        "{rules:?}"
    );
    let mut expected = inside["findings"].clone();
    for finding in expected.as_array_mut().expect("findings") {
        let path = format!(
            "example-service/{}",
            finding["path"].as_str().expect("path")
        );
        finding["path"] = path.into();
    }
    assert_eq!(from_root["findings"], expected);
    assert_eq!(from_root["summary"], inside["summary"]);
}

/// A workspace with a proc-macro crate and a library, each with an `unwrap`.
fn with_proc_macro(config: &str) -> tempfile::TempDir {
    let derive = format!("{}\n[lib]\nproc-macro = true\n", member("derive"));
    let lib = member("lib");
    package(&[
        (
            "Cargo.toml",
            "[workspace]\nmembers = [\"derive\", \"lib\"]\nresolver = \"2\"\n",
        ),
        ("panicfree.toml", config),
        ("derive/Cargo.toml", &derive),
        ("derive/src/lib.rs", "mod expand;\npub fn f() {}\n"),
        ("derive/src/expand.rs", UNWRAP),
        ("lib/Cargo.toml", &lib),
        ("lib/src/lib.rs", UNWRAP),
    ])
}

// Proc-macro crates run inside the compiler: out of scope by default, back with scope.include_proc_macros.
#[test]
fn proc_macro_crates_are_out_of_scope_by_default() {
    let dir = with_proc_macro("");
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(
        sites(&report),
        [("lib/src/lib.rs".to_owned(), 1, "unwrap".to_owned())]
    );
    assert_eq!(report["summary"]["files"], 1);
    // Named in FILES mode, a proc-macro file is skipped too.
    let report = json(&run_in(
        dir.path(),
        &["--format", "json", "derive/src/expand.rs", "lib/src/lib.rs"],
    ));
    assert_eq!(
        sites(&report),
        [("lib/src/lib.rs".to_owned(), 1, "unwrap".to_owned())]
    );

    let dir = with_proc_macro("[scope]\ninclude_proc_macros = true\n");
    let report = json(&run_in(dir.path(), &["--format", "json"]));
    assert_eq!(
        sites(&report),
        [
            ("derive/src/expand.rs".to_owned(), 1, "unwrap".to_owned()),
            ("lib/src/lib.rs".to_owned(), 1, "unwrap".to_owned()),
        ]
    );
    let report = json(&run_in(
        dir.path(),
        &["--format", "json", "derive/src/expand.rs"],
    ));
    assert_eq!(
        sites(&report),
        [("derive/src/expand.rs".to_owned(), 1, "unwrap".to_owned())]
    );
}

// From a directory that is no cargo project, FILES of two separate workspaces are checked each in its own, paths from there.
#[test]
fn files_from_outside_any_workspace_are_checked_in_theirs() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["one", "two"] {
        write(
            dir.path(),
            &format!("{name}/Cargo.toml"),
            &format!("{}\n[workspace]\n", member(name)),
        );
        write(dir.path(), &format!("{name}/src/lib.rs"), UNWRAP);
    }
    let out = run_in(
        dir.path(),
        &["--format", "json", "two/src/lib.rs", "one/src/lib.rs"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        sites(&json(&out)),
        [
            ("one/src/lib.rs".to_owned(), 1, "unwrap".to_owned()),
            ("two/src/lib.rs".to_owned(), 1, "unwrap".to_owned()),
        ]
    );
    assert_eq!(packages(&out), ["one", "two"]);
    // Without FILES there is no workspace to check here: exit 2, as before.
    assert_eq!(code(&run_in(dir.path(), &[])), 2);
}
