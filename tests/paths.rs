//! `cargo panicfree paths` on `fixtures/paths` (issue 10): the exact chains and
//! `takes_down` verdicts in human, JSON and dot form; justified sites; the
//! example service; `reachable_from` in `check`; a warm run from the cache.

mod common;

use std::path::Path;

use common::{bin, code, fixture, stderr, stdout};

fn paths_in(manifest: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .args(["panicfree", "paths", "--manifest-path"])
        .arg(manifest)
        .arg("--target-dir")
        .arg(target)
        .args(args)
        .output()
        .expect("binary runs")
}

fn fixture_paths(args: &[&str]) -> (i32, String, String) {
    let target = tempfile::tempdir().expect("temp dir");
    let out = paths_in(&fixture("paths").join("Cargo.toml"), target.path(), args);
    (code(&out), stdout(&out), stderr(&out))
}

#[test]
fn human_paths_are_pinned() {
    let (code, out, err) = fixture_paths(&[]);
    assert_eq!(code, 1, "{err}");
    insta::assert_snapshot!("human", out);
    assert!(
        err.contains("8 of 10 entries reach a blocking panic"),
        "{err}"
    );
}

#[test]
fn json_paths_are_pinned() {
    let (_, out, _) = fixture_paths(&["--format", "json"]);
    insta::assert_snapshot!("json", out);
}

#[test]
fn dot_paths_are_pinned() {
    let (_, out, _) = fixture_paths(&["--format", "dot"]);
    insta::assert_snapshot!("dot", out);
}

/// (entry, takes_down, chain of functions and edges, site) of every path.
fn chains(json: &serde_json::Value) -> Vec<String> {
    json["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .map(|p| {
            let chain: Vec<String> = p["chain"]
                .as_array()
                .expect("chain")
                .iter()
                .map(|h| {
                    format!(
                        "{}:{}",
                        h["edge"].as_str().unwrap_or(""),
                        h["function"].as_str().unwrap_or("")
                    )
                })
                .collect();
            format!(
                "{} [{}] {} => {}:{}",
                p["entry"].as_str().unwrap_or(""),
                p["takes_down"].as_str().unwrap_or(""),
                chain.join(" "),
                p["site"]["path"].as_str().unwrap_or(""),
                p["site"]["line"],
            )
        })
        .collect()
}

#[test]
fn the_expected_chains_and_verdicts() {
    let (_, out, _) = fixture_paths(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let mut got = chains(&json);
    got.sort();
    let mut expected = vec![
        // `main`: the whole process.
        "main (app) [process] call:app::main => app/src/main.rs:11",
        // Not under the catch-panic layer; dyn through a renamed import, three calls deep.
        "GET /admin/hash [connection] call:app::routes::hash call:pathlib::digest dyn:pathlib::Fnv::hash call:pathlib::deep::level1 call:pathlib::deep::level2 call:pathlib::deep::level3 => lib/src/deep.rs:10",
        // A handler calling another handler directly: `item`'s extractor does not run.
        "GET /admin/stats [connection] call:app::routes::stats call:app::routes::item call:pathlib::deep::checksum => lib/src/deep.rs:16",
        // A spawned task, through a generic.
        "task in app::main [task] call:app::main::{spawn@8} closure:pathlib::digest_generic dyn:pathlib::Fnv::hash call:pathlib::deep::level1 call:pathlib::deep::level2 call:pathlib::deep::level3 => lib/src/deep.rs:10",
        // Under the catch-panic layer: the request only. A re-export, and the extractor.
        "GET /api/items/{id} [request] call:app::routes::item call:pathlib::deep::checksum => lib/src/deep.rs:16",
        "GET /api/items/{id} [request] extractor:app::auth::AuthUser::from_request_parts => app/src/auth.rs:11",
        // A function passed as a value.
        "GET /api/users [request] call:app::routes::list call:pathlib::titles fn-value:pathlib::text::title => lib/src/text.rs:6",
        // A closure, and the IntoResponse impl of the return type.
        "POST /api/users [request] call:app::routes::register call:pathlib::slugs closure:pathlib::text::slugify => lib/src/text.rs:2",
        "POST /api/users [request] into-response:app::errors::ApiError::into_response => app/src/errors.rs:8",
        // A configured entry through the recursive pair.
        "app::jobs::nightly [caller] call:app::jobs::nightly call:pathlib::even call:pathlib::odd => lib/src/lib.rs:52",
    ];
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn a_handler_reaching_only_justified_sites_is_panic_free_and_listed_with_reasons() {
    let (code, out, _) = fixture_paths(&["--entry", "GET /version"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("no blocking panic reachable from:\n  GET /version"),
        "{out}"
    );
    let (code, out, _) = fixture_paths(&["--entry", "GET /version", "--include-justified"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("GET /version -> app::routes::version -> pathlib::text::shout -> .expect() at lib/src/text.rs:12:56 (justified: `s` is a literal of this crate, checked by its tests to be ASCII)"),
        "{out}"
    );
    let (_, out, _) = fixture_paths(&["--entry", "GET /health"]);
    assert!(
        out.contains("no blocking panic reachable from:\n  GET /health"),
        "{out}"
    );
}

#[test]
fn the_example_service_lists_every_route_and_none_can_panic() {
    let target = tempfile::tempdir().expect("temp dir");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("example-service/Cargo.toml");
    let out = paths_in(&manifest, target.path(), &[]);
    let text = stdout(&out);
    assert_eq!(code(&out), 0, "{text}{}", stderr(&out));
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("no blocking panic reachable from:"),
        "{text}"
    );
    for route in ["POST /users", "GET /users/{id}", "GET /health"] {
        assert!(
            text.contains(&format!("  {route}  (route, a panic takes down: request)")),
            "{route} missing:\n{text}"
        );
    }
    assert!(
        stderr(&out).contains("0 of 7 entries reach a blocking panic"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_counts_reachable_entries_and_names_the_routes_that_can_panic() {
    let target = tempfile::tempdir().expect("temp dir");
    let manifest = fixture("paths").join("Cargo.toml");
    let run = |format: &str| {
        bin()
            .args(["panicfree", "--manifest-path"])
            .arg(&manifest)
            .arg("--target-dir")
            .arg(target.path())
            .args(["--format", format, "--color", "never"])
            .output()
            .expect("binary runs")
    };
    let json = common::json(&run("json"));
    let reach: Vec<(String, u64, u64)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("").to_owned(),
                f["line"].as_u64().unwrap_or(0),
                f["reachable_from"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    // level3's unwrap: GET /admin/hash and the spawned task.
    assert!(
        reach.contains(&("lib/src/deep.rs".to_owned(), 10, 2)),
        "{reach:?}"
    );
    // checksum: GET /api/items/{id} and GET /admin/stats.
    assert!(
        reach.contains(&("lib/src/deep.rs".to_owned(), 16, 2)),
        "{reach:?}"
    );
    let human = stdout(&run("human"));
    assert!(
        human.contains("routes that can reach a blocking panic: GET /admin/hash (connection), GET /admin/stats (connection), GET /api/items/{id} (request), GET /api/users (request), POST /api/users (request)"),
        "{human}"
    );
}

#[test]
fn a_warm_run_builds_the_same_paths_from_the_cache() {
    let target = tempfile::tempdir().expect("temp dir");
    let manifest = fixture("paths").join("Cargo.toml");
    let cold = stdout(&paths_in(&manifest, target.path(), &["--format", "json"]));
    assert!(target.path().join("panicfree/files.bin").is_file());
    let warm = stdout(&paths_in(&manifest, target.path(), &["--format", "json"]));
    assert_eq!(cold, warm);
}

#[test]
fn actix_routes_threads_and_panic_abort() {
    let dir = common::package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[profile.release]\npanic = \"abort\"\n",
        ),
        (
            "src/main.rs",
            r#"use actix_web::{get, web, App, HttpServer};

#[get("/hello")]
async fn hello() -> String {
    std::env::var("NAME").unwrap()
}

async fn resource() -> String {
    let v: Vec<u8> = Vec::new();
    v[0].to_string()
}

fn main() {
    std::thread::spawn(|| worker());
    let _app = App::new()
        .service(hello)
        .service(web::scope("/api").service(web::resource("/r").route(web::get().to(resource))));
}

fn worker() {
    None::<u8>.expect("never");
}
"#,
        ),
    ]);
    let target = tempfile::tempdir().expect("temp dir");
    let out = paths_in(
        &dir.path().join("Cargo.toml"),
        target.path(),
        &["--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let mut got = chains(&json);
    got.sort();
    assert_eq!(
        got,
        [
            "GET /api/r [process] call:demo::resource => src/main.rs:10",
            "GET /hello [process] call:demo::hello => src/main.rs:5",
            "thread in demo::main [process] call:demo::main::{thread@14} closure:demo::worker => src/main.rs:21",
        ]
    );
    assert_eq!(json["summary"]["panic_abort"], true);
}
