//! `paths` on a real axum service with its own extractors: launchbadge's
//! RealWorld implementation (github.com/launchbadge/realworld-axum-sqlx, commit
//! f1b2565, AGPL-3.0: none of its source is in this repository, only the route
//! names, function names and line numbers below, worked out by hand).
//!
//! The test runs on a checkout named by `REALWORLD_AXUM_SQLX`, or on the
//! snapshot the `fetch` tool leaves in `/work/.mirror` (exported with
//! `git archive`); without either it says so and checks nothing.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{bin, stdout};

const COMMIT: &str = "f1b2565";
const MIRROR: &str = "/work/.mirror/launchbadge+realworld-axum-sqlx/repo";

// The panic sites (all in non-test code) and what leads to them, by hand:
// - AuthUser::from_request (the extractor, extractor.rs:150): expect at 156; it calls
//   AuthUser::from_authorization: `&auth_header[..]` at 72 and expect at 88.
// - MaybeAuthUser::from_request (extractor.rs:170): expect at 176; in a closure it
//   calls AuthUser::from_authorization (72, 88).
// - AuthUser::to_jwt (extractor.rs:45): expect at 47 and 54; called by the handlers
//   create_user, login_user, get_current_user and update_user.
// - update_article (articles/mod.rs:204): unwrap at 288, in a closure.
// - main, GET /api/tags, the two spawn_blocking tasks of hash_password and
//   verify_password, and IntoResponse for Error reach no site. `hash.verify_password(..)`
//   is argon2's method on PasswordHash, not the workspace's `verify_password`.
const AUTH: &[&str] = &["extractor.rs:156", "extractor.rs:72", "extractor.rs:88"];
const MAYBE: &[&str] = &["extractor.rs:176", "extractor.rs:72", "extractor.rs:88"];
const JWT: &[&str] = &["extractor.rs:47", "extractor.rs:54"];

/// (route, the sites it reaches).
fn expected() -> BTreeSet<(String, String)> {
    let table: &[(&str, &[&[&str]])] = &[
        ("POST /api/users", &[JWT]),
        ("POST /api/users/login", &[JWT]),
        ("GET /api/user", &[AUTH, JWT]),
        ("PUT /api/user", &[AUTH, JWT]),
        ("GET /api/profiles/:username", &[MAYBE]),
        ("POST /api/profiles/:username/follow", &[AUTH]),
        ("DELETE /api/profiles/:username/follow", &[AUTH]),
        ("POST /api/articles", &[AUTH]),
        ("GET /api/articles", &[MAYBE]),
        ("GET /api/articles/feed", &[AUTH]),
        ("GET /api/articles/:slug", &[MAYBE]),
        ("PUT /api/articles/:slug", &[AUTH, &["articles/mod.rs:288"]]),
        ("DELETE /api/articles/:slug", &[AUTH]),
        ("POST /api/articles/:slug/favorite", &[AUTH]),
        ("DELETE /api/articles/:slug/favorite", &[AUTH]),
        ("GET /api/articles/:slug/comments", &[MAYBE]),
        ("POST /api/articles/:slug/comments", &[AUTH]),
        ("DELETE /api/articles/:slug/comments/:comment_id", &[AUTH]),
    ];
    let mut out = BTreeSet::new();
    for (route, groups) in table {
        for site in groups.iter().flat_map(|g| g.iter()) {
            out.insert((route.to_string(), format!("src/http/{site}")));
        }
    }
    out
}

/// Every route the service serves, with and without panics.
const ROUTES: usize = 19;

/// A checkout of the service, when one is available.
fn checkout(tmp: &Path) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("REALWORLD_AXUM_SQLX") {
        return Some(PathBuf::from(dir));
    }
    if !Path::new(MIRROR).is_dir() {
        return None;
    }
    let archive = std::process::Command::new("git")
        .args(["--git-dir", MIRROR, "archive", COMMIT])
        .output()
        .ok()?;
    if !archive.status.success() {
        return None;
    }
    let tar = tmp.join("src.tar");
    std::fs::write(&tar, &archive.stdout).ok()?;
    let untar = std::process::Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(tmp)
        .status()
        .ok()?;
    untar.success().then(|| tmp.to_path_buf())
}

#[test]
fn paths_finds_every_hand_found_route_to_a_panic_and_no_other() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(dir) = checkout(tmp.path()) else {
        eprintln!(
            "skipped: no checkout of launchbadge/realworld-axum-sqlx (set REALWORLD_AXUM_SQLX, or fetch it into {MIRROR})"
        );
        return;
    };
    let target = tempfile::tempdir().expect("temp dir");
    let out = bin()
        .args(["panicfree", "paths", "--format", "json", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target.path())
        .output()
        .expect("binary runs");
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let found: BTreeSet<(String, String)> = json["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .filter(|p| p["kind"] == "route")
        .map(|p| {
            (
                p["entry"].as_str().unwrap_or("").to_owned(),
                format!(
                    "{}:{}",
                    p["site"]["path"].as_str().unwrap_or(""),
                    p["site"]["line"]
                ),
            )
        })
        .collect();
    assert_eq!(found, expected());
    // No chain needed a by-name guess.
    assert!(json["paths"]
        .as_array()
        .expect("paths")
        .iter()
        .all(|p| p["over_approximate"] == false));
    let routes: Vec<&str> = json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "route")
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(routes.len(), ROUTES, "{routes:?}");
    // Nothing else reaches a site: not main, not the spawned tasks, not GET /api/tags.
    let others: Vec<&str> = json["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["blocking_sites"] != 0 && e["kind"] != "route")
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(others.is_empty(), "{others:?}");
    assert!(routes.contains(&"GET /api/tags"));
}
