//! Inputs that could break a run, generated at test time in temporary directories:
//! every one ends with exit 0, 1 or 2 as the contract says, with a finding or one
//! clear line on stderr, and no Rust panic message, abort, stack overflow or hang,
//! in every report format. Every child runs under a time limit (a hang fails).
//!
//! Two inputs are smaller here than in `benches/pathological.rs`, which measures the
//! full sizes: 100,000 `.unwrap()` calls instead of 1,000,000 (a debug build takes
//! about 45 s for the full file in one format).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output};
use std::time::Duration;

use common::{bin, output_within, package, wait_within, write};

/// Every report format, and the editors' `--message-format json`.
const FORMATS: [[&str; 2]; 6] = [
    ["--format", "human"],
    ["--format", "json"],
    ["--format", "sarif"],
    ["--format", "github"],
    ["--format", "short"],
    ["--message-format", "json"],
];

/// Generous: the biggest inputs take tens of seconds in a debug build on a busy
/// machine; a hang takes forever.
const LIMIT: Duration = Duration::from_secs(600);

/// One run of the binary in `dir`, hermetic (the cache is the package's own).
fn run(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.current_dir(dir)
        .args(args)
        .env_remove("CARGO_TARGET_DIR");
    output_within(&mut cmd, LIMIT)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The exit status is one the contract names, and stderr shows no Rust failure.
fn assert_sound(out: &Output, expected: i32, what: &str) {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(expected),
        "{what}: status {:?} (a signal is an abort or a stack overflow)\n{err}",
        out.status
    );
    for sign in [
        "panicked",
        "overflow",
        "fatal runtime error",
        "RUST_BACKTRACE",
    ] {
        assert!(!err.contains(sign), "{what}: {sign}\n{err}");
    }
    match expected {
        // A clear line: `error: ...`, and nothing on stdout.
        2 => {
            assert!(err.starts_with("error: "), "{what}: {err}");
        }
        // The summary line, as the last line of stderr.
        _ => {
            let last = err.lines().last().unwrap_or("");
            assert!(last.starts_with("panicfree: "), "{what}: {err}");
        }
    }
}

/// Runs every format in `dir` with `args` and checks each; returns the outputs in
/// [`FORMATS`] order. With `cache`, the first run fills the cache and the others
/// read it (the cache never changes a report), which keeps big inputs quick.
fn every_format(dir: &Path, args: &[&str], expected: i32, cache: bool) -> Vec<Output> {
    FORMATS
        .iter()
        .map(|format| {
            let mut all: Vec<&str> = format.to_vec();
            all.extend_from_slice(args);
            if !cache {
                all.push("--no-cache");
            }
            let out = run(dir, &all);
            assert_sound(&out, expected, &format!("{all:?}"));
            out
        })
        .collect()
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("the JSON report parses")
}

/// The `(path, rule)` of every finding, and the messages of the parse errors.
fn findings(out: &Output) -> Vec<(String, String, String)> {
    let report = json_of(out);
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_owned(),
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
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
    let outputs = every_format(dir.path(), &[], 1, false);
    let human = text(&outputs[0].stdout);
    assert!(
        human.contains("src/lib.rs:1:70035 (the line is too long to show)"),
        "{human}"
    );
}

#[test]
fn forty_thousand_findings_in_one_file_render_in_every_format() {
    let mut source = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..40_000 {
        source.push_str("    o.unwrap();\n");
    }
    source.push_str("}\n");
    let dir = package(&[("src/lib.rs", &source)]);
    let outputs = every_format(dir.path(), &[], 1, true);
    let human = text(&outputs[0].stdout);
    // Each finding shows its own line number in the gutter, the last one too.
    assert_eq!(human.matches("panicfree::unwrap").count(), 40_000);
    assert!(
        human.contains("40001 │     o.unwrap();"),
        "line numbers are right"
    );
}

#[test]
fn ten_megabytes_on_one_line() {
    // Code, not a comment or a string: every token is parsed, and findings sit
    // all along the line, most of them past column 65,535.
    let mut line = String::from("pub fn f(o: Option<u8>, a: u32) -> u32 { let mut x = a; ");
    let mut findings = 0;
    while line.len() < 10_000_000 {
        for _ in 0..9_000 {
            line.push_str("x = x + 1; ");
        }
        line.push_str("o.unwrap(); ");
        findings += 1;
    }
    line.push_str("x }");
    let dir = package(&[("src/lib.rs", &line)]);
    let outputs = every_format(dir.path(), &[], 1, true);
    let report = json_of(&outputs[1]);
    assert_eq!(report["summary"]["findings"], findings);
    let human = text(&outputs[0].stdout);
    assert_eq!(
        human.matches("(the line is too long to show)").count(),
        findings
    );
    // The editors' lines do not quote the line either.
    assert!(
        outputs[5].stdout.len() < 10_000 * findings,
        "no line quoted"
    );
}

/// A file nested `n` levels deep in one of the ways the parser recurses.
fn nesting(kind: &str, n: usize) -> String {
    let body = match kind {
        "parens" => format!("{}1{}", "(".repeat(n), ")".repeat(n)),
        "brackets" => format!("{}1{}", "[".repeat(n), "]".repeat(n)),
        "blocks" => format!("{}1{}", "{".repeat(n), "}".repeat(n)),
        "ifs" => format!("{}1{}", "if true { ".repeat(n), " } else { 0 }".repeat(n)),
        "if_conditions" => format!(
            "{}true{}",
            "if ".repeat(n),
            " { true } else { false }".repeat(n)
        ),
        "else_ifs" => format!(
            "if false {{ 0 }} {}else {{ 1 }}",
            "else if false { 0 } ".repeat(n)
        ),
        "returns" => format!("{}1", "return ".repeat(n)),
        "unary" => format!("{}1", "- ".repeat(n)),
        "calls" => format!("x{}", "()".repeat(n)),
        "indexing" => format!("x{}", "[0]".repeat(n)),
        "methods" => format!("o{}", ".unwrap_or(0).into()".repeat(n)),
        _ => format!("{}1{}", "- - { ".repeat(n / 4), " }".repeat(n / 4)),
    };
    format!("pub fn f(x: u32, o: Option<u8>) {{ let _ = {body}; }}\n")
}

/// Every kind of [`nesting`], with how many levels of it come close to the limit
/// (12,000, a bracket counting 2) without passing it.
const NESTINGS: [(&str, usize); 12] = [
    ("parens", 5_850),
    ("brackets", 5_850),
    ("blocks", 5_850),
    ("ifs", 3_900),
    ("if_conditions", 5_800),
    ("else_ifs", 5_800),
    ("returns", 11_700),
    ("unary", 11_700),
    ("calls", 11_700),
    ("indexing", 11_700),
    ("methods", 5_800),
    ("blocks_in_chains", 11_600),
];

/// A package whose `lib.rs` declares one module per file.
fn modules(files: &[(String, String)]) -> tempfile::TempDir {
    let lib: String = files
        .iter()
        .map(|(name, _)| format!("pub mod {name};\n"))
        .collect();
    let dir = package(&[("src/lib.rs", &lib)]);
    for (name, source) in files {
        write(dir.path(), &format!("src/{name}.rs"), source);
    }
    dir
}

#[test]
fn fifty_thousand_levels_of_nesting_are_one_parse_error_each() {
    let files: Vec<(String, String)> = NESTINGS
        .iter()
        .map(|(kind, _)| (kind.to_string(), nesting(kind, 50_000)))
        .collect();
    let dir = modules(&files);
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(found.len(), files.len(), "{found:?}");
    for (path, rule, message) in &found {
        assert_eq!(rule, "parse-error", "{path}");
        assert!(message.contains("nests too deeply"), "{path}: {message}");
    }
}

#[test]
fn nesting_just_under_the_limit_is_checked_without_overflowing() {
    // Each file below the limit parses and its `unwrap` is found, on the checking
    // threads' stack, in a debug build.
    let files: Vec<(String, String)> = NESTINGS
        .iter()
        .map(|(kind, n)| {
            let text = nesting(kind, *n) + "pub fn g(o: Option<u8>) -> u8 { o.unwrap() }\n";
            (kind.to_string(), text)
        })
        .collect();
    let dir = modules(&files);
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert!(found.iter().all(|(_, rule, _)| rule != "parse-error"));
    let unwraps: std::collections::BTreeSet<&str> = found
        .iter()
        .filter(|(_, rule, _)| rule == "unwrap")
        .map(|(path, _, _)| path.as_str())
        .collect();
    assert_eq!(unwraps.len(), files.len(), "{unwraps:?}");
}

/// 100 directories of 1,000 module files each, one file in a hundred with a finding.
fn module_tree(root: &Path, dirs: usize, per_dir: usize) -> usize {
    let lib: String = (0..dirs).map(|d| format!("pub mod d{d};\n")).collect();
    write(root, "src/lib.rs", &lib);
    let mut findings = 0;
    for d in 0..dirs {
        let decls: String = (0..per_dir).map(|f| format!("pub mod f{f};\n")).collect();
        write(root, &format!("src/d{d}/mod.rs"), &decls);
        for f in 0..per_dir {
            let source = if f % 100 == 0 {
                findings += 1;
                "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n"
            } else {
                "pub fn f(a: u8) -> u8 { a }\n"
            };
            std::fs::write(root.join(format!("src/d{d}/f{f}.rs")), source).expect("write");
        }
    }
    findings
}

#[test]
fn a_hundred_thousand_module_files() {
    let dir = package(&[]);
    let findings = module_tree(dir.path(), 100, 1_000);
    let outputs = every_format(dir.path(), &[], 1, true);
    let report = json_of(&outputs[1]);
    assert_eq!(report["summary"]["files"], 100_000 + 100 + 1);
    assert_eq!(report["summary"]["findings"], findings);
}

#[test]
fn a_hundred_thousand_unwraps_in_one_file() {
    let mut source = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..100_000 {
        source.push_str("    o.unwrap();\n");
    }
    source.push_str("}\n");
    let dir = package(&[("src/lib.rs", &source)]);
    let outputs = every_format(dir.path(), &[], 1, true);
    assert_eq!(json_of(&outputs[1])["summary"]["findings"], 100_000);
    let human = text(&outputs[0].stdout);
    assert_eq!(human.matches("panicfree::unwrap").count(), 100_000);
    let editor_lines = outputs[5].stdout.split(|&b| b == b'\n');
    assert_eq!(editor_lines.filter(|l| !l.is_empty()).count(), 100_000);
}

/// The first and last finding of a JSON report: (line, column, end_column).
fn first_and_last(report: &serde_json::Value) -> [(u64, u64, u64); 2] {
    let findings = report["findings"].as_array().expect("findings");
    let at = |f: Option<&serde_json::Value>| {
        let f = f.expect("a finding");
        let n = |key: &str| f[key].as_u64().expect(key);
        (n("line"), n("column"), n("end_column"))
    };
    [at(findings.first()), at(findings.last())]
}

/// Regression (issue 11): the call facts read a method chain once per link of it,
/// quadratic in its length (6,000 chained `.unwrap()`s took 6.4 s in a debug build).
#[test]
fn a_method_chain_just_under_the_nesting_limit() {
    let links = 11_900;
    let head = "pub fn f(x: Option<u8>) -> u8 { x";
    // And a router of 5,000 routes, whose chain is read once as a router.
    let source = format!(
        "{head}{} }}\npub fn h() {{}}\npub fn app() {{ let _ = Router::new(){}; }}\n",
        ".unwrap()".repeat(links),
        ".route(\"/\", get(h))".repeat(5_000)
    );
    let dir = package(&[("src/lib.rs", &source)]);
    let outputs = every_format(dir.path(), &[], 1, false);
    let report = json_of(&outputs[1]);
    assert_eq!(report["summary"]["findings"], links);
    // Each finding covers its own `unwrap()`: the first one starts at the first
    // `unwrap` (after `x.`), the last one ends after the last `()`.
    let first = head.len() as u64 + 2;
    let last_end = (head.len() + ".unwrap()".len() * links) as u64 + 1;
    let last = last_end - "unwrap()".len() as u64;
    assert_eq!(
        first_and_last(&report),
        [(1, first, first + 8), (1, last, last_end)]
    );
}

/// Regression (issue 11): the facts of a signature asked each path nested in the
/// return type of another for its end, walking the rest of the type each time,
/// quadratic in its depth (5,000 levels of `impl Fn() -> ` took 6 s in a debug build).
#[test]
fn a_signature_type_nested_five_thousand_deep() {
    let nested = "impl Fn() -> ".repeat(5_000);
    let source = format!(
        "pub fn f(g: {nested}u8) {{}}\nfn r() -> {nested}u8 {{ loop {{}} }}\n\
         pub fn u(o: Option<u8>) -> u8 {{ o.unwrap() }}\n"
    );
    let dir = package(&[("src/lib.rs", &source)]);
    let outputs = every_format(dir.path(), &[], 1, false);
    let report = json_of(&outputs[1]);
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(first_and_last(&report), [(3, 35, 43); 2]);
}

#[test]
fn two_hundred_levels_of_inline_and_file_modules() {
    let unwrap = "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }";
    let lib = format!(
        "pub mod m;\n{}{unwrap}{}\n",
        "pub mod i { ".repeat(200),
        " }".repeat(200)
    );
    let dir = package(&[("src/lib.rs", &lib)]);
    let mut path = PathBuf::from("src");
    for level in 0..200 {
        let child = if level < 199 { "pub mod m;\n" } else { "" };
        write(
            dir.path(),
            &format!("{}/m.rs", path.display()),
            &format!("{child}{unwrap}\n"),
        );
        path.push("m");
    }
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(found.len(), 201);
    let deepest = format!("src/{}m.rs", "m/".repeat(199));
    assert!(found.iter().any(|(p, _, _)| *p == deepest), "{deepest}");
}

#[test]
fn a_mod_cycle_through_path_is_a_parse_error() {
    let dir = package(&[
        ("src/lib.rs", "#[path = \"b.rs\"]\npub mod b;\n"),
        (
            "src/b.rs",
            "#[path = \"lib.rs\"]\npub mod a;\npub fn f() {}\n",
        ),
    ]);
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(
        found,
        [(
            "src/b.rs".to_owned(),
            "parse-error".to_owned(),
            "circular modules: `src/lib.rs` -> `src/b.rs` -> `src/lib.rs`".to_owned()
        )]
    );
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_inside_src() {
    let dir = package(&[
        ("src/lib.rs", "pub mod a;\n"),
        ("src/a/mod.rs", "pub mod a;\npub fn f() {}\n"),
    ]);
    let src = dir.path().join("src");
    std::os::unix::fs::symlink(src.join("a"), src.join("a/a")).expect("symlink");
    // And a loop that no `mod` reaches.
    std::os::unix::fs::symlink(&src, src.join("again")).expect("symlink");
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].2,
        "circular modules: `src/a/mod.rs` -> `src/a/a/mod.rs`"
    );
}

/// Regression (issue 11): in FILES mode a named file that is a symlink out of the
/// workspace was shown by its target, `//dev/zero`, and checked without its
/// package; it is shown as it sits in the workspace, like every other path.
#[cfg(unix)]
#[test]
fn a_named_file_that_links_out_of_the_workspace_is_shown_where_it_sits() {
    let dir = package(&[]);
    std::fs::create_dir_all(dir.path().join("src")).expect("src");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("src/lib.rs")).expect("symlink");
    for out in every_format(dir.path(), &["src/lib.rs"], 1, false) {
        let shown = text(&out.stdout);
        assert!(!shown.contains("dev/zero"), "{shown}");
    }
    let outputs = every_format(dir.path(), &["./src/lib.rs"], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str()),
        ("src/lib.rs", "parse-error")
    );
    assert!(found[0].2.contains("not a regular file"), "{found:?}");
    assert!(text(&outputs[4].stdout).starts_with("src/lib.rs:1:1: parse-error"));

    // A module file that links to a file outside every workspace is the package's
    // module all the same.
    let outside = tempfile::tempdir().expect("temp dir");
    write(
        outside.path(),
        "shared.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    );
    let dir = package(&[("src/lib.rs", "pub mod ext;\n")]);
    std::os::unix::fs::symlink(
        outside.path().join("shared.rs"),
        dir.path().join("src/ext.rs"),
    )
    .expect("symlink");
    let elsewhere = outside.path().to_str().expect("UTF-8");
    let outputs = every_format(dir.path(), &["src/ext.rs"], 1, false);
    for out in &outputs {
        let shown = text(&out.stdout);
        assert!(!shown.contains(elsewhere), "{shown}");
    }
    let report = json_of(&outputs[1]);
    let finding = &report["findings"][0];
    assert_eq!(report["summary"]["findings"], 1);
    assert_eq!(
        (&finding["path"], &finding["package"], &finding["rule"]),
        (&"src/ext.rs".into(), &"demo".into(), &"unwrap".into())
    );
}

#[test]
fn a_path_attribute_that_names_a_directory() {
    let dir = package(&[
        ("src/lib.rs", "#[path = \"sub\"]\npub mod sub;\n"),
        ("src/sub/x.rs", "pub fn f() {}\n"),
    ]);
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].2.ends_with("`src/sub` is a directory"),
        "{found:?}"
    );
}

#[test]
fn bytes_that_are_not_rust_and_files_that_hold_nothing() {
    let dir = package(&[(
        "src/lib.rs",
        "pub mod bad; pub mod nul; pub mod empty; pub mod bom;\n",
    )]);
    let src = dir.path().join("src");
    std::fs::write(
        src.join("bad.rs"),
        b"pub fn f() { let s = \"\xff\xfe\"; }\n",
    )
    .expect("write");
    std::fs::write(src.join("nul.rs"), b"pub fn f() {}\0\n").expect("write");
    std::fs::write(src.join("empty.rs"), b"").expect("write");
    std::fs::write(src.join("bom.rs"), b"\xef\xbb\xbf").expect("write");
    let outputs = every_format(dir.path(), &[], 1, false);
    let found = findings(&outputs[1]);
    let expected = [
        (
            "src/bad.rs",
            "file is not valid UTF-8: byte 0xFF at line 1, column 23",
        ),
        ("src/nul.rs", "(a NUL byte)"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:?}");
    for ((path, rule, message), (want_path, want)) in found.iter().zip(expected) {
        assert_eq!((path.as_str(), rule.as_str()), (want_path, "parse-error"));
        assert!(message.contains(want), "{message}");
    }
    assert_eq!(json_of(&outputs[1])["summary"]["files"], 5);

    // A crate root that is only a byte-order mark, or empty: nothing to report.
    for root in [&b"\xef\xbb\xbf"[..], b""] {
        let dir = package(&[("src/lib.rs", "")]);
        std::fs::write(dir.path().join("src/lib.rs"), root).expect("write");
        every_format(dir.path(), &[], 0, false);
    }
}

#[cfg(unix)]
#[test]
fn file_names_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let unwrap = "fn main() { let o: Option<u8> = None; o.unwrap(); }\n";
    let dir = package(&[("src/lib.rs", "pub fn f() {}\n")]);
    let bin_name = OsStr::from_bytes(b"b\xffd.rs");
    std::fs::create_dir_all(dir.path().join("src/bin")).expect("dir");
    std::fs::write(dir.path().join("src/bin").join(bin_name), unwrap).expect("write");
    std::fs::write(
        dir.path().join("src").join(OsStr::from_bytes(b"\xfe.rs")),
        "x",
    )
    .expect("write");
    // cargo does not make a target of such a file, so it is not checked...
    every_format(dir.path(), &[], 0, false);
    // ...unless it is named.
    let mut cmd = bin();
    cmd.current_dir(dir.path())
        .env_remove("CARGO_TARGET_DIR")
        .args(["--format", "short"])
        .arg(Path::new("src/bin").join(bin_name));
    let out = output_within(&mut cmd, LIMIT);
    assert_sound(&out, 1, "FILES");
    assert!(text(&out.stdout).contains("unwrap"));

    // A workspace whose own path is not UTF-8: cargo cannot read it; one line says so.
    let parent = tempfile::tempdir().expect("temp dir");
    let root = parent.path().join(OsStr::from_bytes(b"ws\xff"));
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[workspace]\n",
    );
    write(&root, "src/lib.rs", "pub fn f() {}\n");
    for out in every_format(&root, &[], 2, false) {
        let err = text(&out.stderr);
        assert!(err.contains("is not UTF-8"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_malformed_manifest_and_a_member_glob_that_matches_nothing() {
    let dir = package(&[
        ("Cargo.toml", "[package\nname = \"demo\"\n"),
        ("src/lib.rs", "pub fn f() {}\n"),
    ]);
    for out in every_format(dir.path(), &[], 2, false) {
        let err = text(&out.stderr);
        assert!(
            err.contains("Cargo.toml:1:9"),
            "cargo's message says where: {err}"
        );
    }
    let dir = package(&[("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n")]);
    for out in every_format(dir.path(), &[], 2, false) {
        let err = text(&out.stderr);
        assert!(err.contains("crates/*"), "{err}");
    }
}

/// Files in `dir` that look like a temporary file of ours.
fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.') && n.ends_with(".tmp"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn output_into_a_missing_directory_or_onto_a_full_device() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    let missing = dir.path().join("no/such/dir/report.txt");
    let missing = missing.to_str().expect("UTF-8");
    for target in [missing, "/dev/full"] {
        for out in every_format(dir.path(), &["--no-cache", "--output", target], 2, true) {
            let err = text(&out.stderr);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.starts_with(&format!("error: cannot write the report to {target}: ")));
            assert!(
                !err.contains(".report.txt."),
                "the error names the target: {err}"
            );
        }
        let out = run(dir.path(), &["--write-baseline", target]);
        assert_sound(&out, 2, "--write-baseline");
    }
    // The device is still a device: it was written, never renamed onto.
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = std::fs::metadata("/dev/full")
            .expect("/dev/full")
            .file_type();
        assert!(kind.is_char_device());
    }
    // /dev/stdout is a device too: the report goes where stdout goes.
    let out = run(
        dir.path(),
        &["--format", "short", "--output", "/dev/stdout"],
    );
    assert_sound(&out, 1, "/dev/stdout");
    assert!(text(&out.stdout).contains("unwrap"));
}

/// The command that writes a JSON report of `dir` to `target`, without a cache
/// (whose own write would hit the file size limit first).
#[cfg(unix)]
fn report_to(dir: &Path, target: &Path) -> Command {
    let mut cmd = bin();
    cmd.current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .args(["--no-cache", "--format", "json", "--output"])
        .arg(target);
    cmd
}

/// Limits the files `cmd` may write to `bytes` (`RLIMIT_FSIZE`, which binds root as
/// well); with `ignore`, a write past it fails (`EFBIG`) instead of the signal
/// `SIGXFSZ` killing the process.
#[cfg(unix)]
fn limit_file_size(cmd: &mut Command, bytes: u64, ignore: bool) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec the closure calls only the async-signal-safe
    // setrlimit and signal, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if ignore {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            }
            Ok(())
        });
    }
}

#[cfg(unix)]
#[test]
fn a_report_that_cannot_be_written_whole_leaves_the_old_one() {
    let mut source = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..200 {
        source.push_str("    o.unwrap();\n");
    }
    source.push_str("}\n");
    let dir = package(&[("src/lib.rs", &source)]);
    let target = dir.path().join("report.json");
    let old = "{\"the\": \"old report\"}\n";

    // The write fails after the temporary file is made (it grows past the limit):
    // an error, the old report as it was, and no temporary file left.
    std::fs::write(&target, old).expect("write");
    let mut cmd = report_to(dir.path(), &target);
    limit_file_size(&mut cmd, 4_096, true);
    let out = output_within(&mut cmd, LIMIT);
    assert_sound(&out, 2, "write past the limit");
    assert!(
        text(&out.stderr).contains("File too large"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&target).expect("old report"), old);
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());

    // The process is killed in the middle of the write (SIGXFSZ, as a `kill -9`
    // would): the old report as it was; its temporary file is never read, and the
    // next write of the report removes it.
    let mut cmd = report_to(dir.path(), &target);
    limit_file_size(&mut cmd, 4_096, false);
    let out = output_within(&mut cmd, LIMIT);
    assert_eq!(out.status.code(), None, "killed by SIGXFSZ");
    assert_eq!(std::fs::read_to_string(&target).expect("old report"), old);
    assert_eq!(
        temporaries(dir.path()).len(),
        1,
        "the killed run's temporary file"
    );
    let out = output_within(&mut report_to(dir.path(), &target), LIMIT);
    assert_sound(&out, 1, "the next run");
    assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&target).expect("report")).expect("whole JSON");
    assert_eq!(report["summary"]["findings"], 200);
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("true runs");
    let pid = child.id();
    wait_within(&mut child, LIMIT).expect("true ends");
    pid
}

#[test]
fn temporary_files_of_ended_processes_are_removed_and_others_kept() {
    let dir = package(&[(
        "src/lib.rs",
        "pub fn f(o: Option<u8>) -> u8 { o.unwrap() }\n",
    )]);
    let cache = dir.path().join("target/panicfree");
    std::fs::create_dir_all(&cache).expect("cache dir");
    let dead = dead_pid();
    let alive = std::process::id();
    let stale = [
        cache.join(format!(".files.bin.{dead}.Ab12Cd.tmp")),
        dir.path().join(format!(".report.json.{dead}.Ef34Gh.tmp")),
    ];
    let live = [
        cache.join(format!(".files.bin.{alive}.Ij56Kl.tmp")),
        dir.path().join(format!(".report.json.{alive}.Mn78Op.tmp")),
    ];
    for path in stale.iter().chain(&live) {
        std::fs::write(path, "half a file").expect("write");
    }
    let out = run(dir.path(), &["--format", "json", "--output", "report.json"]);
    assert_sound(&out, 1, "run");
    for path in &stale {
        assert!(!path.exists(), "removed: {}", path.display());
    }
    for path in &live {
        assert!(path.exists(), "kept, its process runs: {}", path.display());
    }
}

/// Reads a little of a big report, then closes the pipe, as `| head -1` does.
#[test]
fn a_closed_stdout_ends_quietly_with_the_checks_status() {
    let mut source = String::from("pub fn f(o: Option<u8>) {\n");
    for _ in 0..5_000 {
        source.push_str("    o.unwrap();\n");
    }
    source.push_str("}\n");
    let dir = package(&[("src/lib.rs", &source)]);
    for format in FORMATS {
        let mut child = bin()
            .current_dir(dir.path())
            .env_remove("CARGO_TARGET_DIR")
            .args(format)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("binary starts");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 16];
        std::io::Read::read_exact(&mut stdout, &mut first).expect("the report starts");
        // The report (megabytes) is far bigger than a pipe's buffer: the next
        // write meets a closed pipe.
        drop(stdout);
        let stderr = child.stderr.take().expect("stderr");
        let status: ExitStatus = wait_within(&mut child, LIMIT).expect("it ends");
        let err = text(&std::io::Read::bytes(stderr).flatten().collect::<Vec<u8>>());
        let out = Output {
            status,
            stdout: Vec::new(),
            stderr: err.clone().into_bytes(),
        };
        assert_sound(&out, 1, &format!("{format:?} into a closed pipe"));
        assert!(!err.contains("error"), "{err}");
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_a_cache_that_gives_the_same_report() {
    let dir = package(&[]);
    module_tree(dir.path(), 20, 150);
    let cache = dir.path().join("target/panicfree");
    let reference = run(dir.path(), &["--no-cache", "--format", "json"]);
    assert_sound(&reference, 1, "--no-cache");

    // How long a cold run takes here, to interrupt at moments across it.
    let started = std::time::Instant::now();
    assert_sound(&run(dir.path(), &["--format", "json"]), 1, "cold run");
    let cold = started.elapsed();
    let moments = [0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.98, 1.0, 1.05];
    for fraction in moments {
        let _ = std::fs::remove_dir_all(&cache);
        let mut child = bin()
            .current_dir(dir.path())
            .env_remove("CARGO_TARGET_DIR")
            .args(["--format", "json"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("binary starts");
        std::thread::sleep(cold.mul_f64(fraction));
        // SAFETY: kill(2) with the id of our own child, which has not been reaped.
        unsafe {
            libc::kill(child.id() as libc::pid_t, libc::SIGINT);
        }
        let status = wait_within(&mut child, LIMIT).expect("an interrupted run ends");
        // Killed by the signal (or done before it came): never a Rust failure.
        assert!(
            matches!(status.code(), None | Some(1)),
            "at {fraction}: {status:?}"
        );
        // What is left is whole files and, at most, temporary files nothing reads.
        for name in std::fs::read_dir(&cache).into_iter().flatten().flatten() {
            let name = name.file_name().to_string_lossy().into_owned();
            let whole = name == "files.bin" || name.starts_with("workspace-");
            let temporary = name.starts_with('.') && name.ends_with(".tmp");
            assert!(whole || temporary, "at {fraction}: {name}");
        }
        let next = run(dir.path(), &["--format", "json"]);
        assert_sound(
            &next,
            1,
            &format!("the run after an interruption at {fraction}"),
        );
        assert_eq!(
            text(&next.stdout),
            text(&reference.stdout),
            "at {fraction}: the report is the one without a cache"
        );
        assert_eq!(temporaries(&cache), Vec::<String>::new(), "at {fraction}");
    }
}
