//! The bundled example service passes the check, and the check notices when it
//! stops passing: an `unwrap()` in the core and a `sqlx::Error` in a core type.

mod common;

use std::path::Path;

use common::{code, json, run_in, stderr};

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-service")
}

/// Copies the example's sources (not its build output or databases).
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

#[test]
fn the_example_service_passes_and_a_copy_with_two_leaks_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("example-service");
    copy_tree(&example(), &copy);

    let clean = run_in(&copy, &["--format", "json"]);
    assert_eq!(
        code(&clean),
        0,
        "{}\n{}",
        common::stdout(&clean),
        stderr(&clean)
    );
    assert_eq!(json(&clean)["summary"]["blocking"], 0);

    let core = copy.join("src/core/mod.rs");
    let mut text = std::fs::read_to_string(&core).expect("the core has a mod.rs");
    text.push_str(
        "\npub fn leaked_unwrap(v: Option<u8>) -> u8 {\n    v.unwrap()\n}\n\npub struct LeakedDbError(pub sqlx::Error);\n",
    );
    std::fs::write(&core, text).expect("write core");

    let broken = run_in(&copy, &["--format", "json"]);
    assert_eq!(code(&broken), 1, "{}", stderr(&broken));
    let report = json(&broken);
    let findings: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error" && f["justification"].is_null())
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["rule"].as_str().expect("rule"),
                f["layer"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("src/core/mod.rs", "unwrap", "core"),
            ("src/core/mod.rs", "forbidden-crate", "core")
        ],
        "{report:#}"
    );
}
