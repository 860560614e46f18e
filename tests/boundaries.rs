//! The boundary rules on a layered service that breaks each of them in every
//! spelling (`fixtures/layered`), and on its clean twin (`fixtures/layered-clean`).

mod common;

use common::Bounded;

use common::{bin, code, fixture, json, report_findings, stdout, workspace_annotations};

fn check(name: &str, extra: &[&str]) -> std::process::Output {
    bin()
        .arg("--manifest-path")
        .arg(fixture(name).join("Cargo.toml"))
        .args(["--color", "never"])
        .args(extra)
        .output_bounded()
        .expect("binary runs")
}

#[test]
fn the_layered_service_is_flagged_exactly_as_annotated() {
    let out = check("layered", &["--format", "json"]);
    assert_eq!(code(&out), 1);
    let expected = workspace_annotations(&fixture("layered"));
    let found = report_findings(&json(&out));
    assert_eq!(found, expected);
}

#[test]
fn the_layered_service_reports_are_pinned() {
    let out = check("layered", &["--format", "json"]);
    insta::assert_snapshot!("layered_json", stdout(&out));
    let out = check("layered", &["--format", "human"]);
    insta::assert_snapshot!("layered_human", stdout(&out));
}

#[test]
fn boundary_findings_carry_their_layer_and_explain_the_edge() {
    let report = json(&check("layered", &["--format", "json"]));
    for f in report["findings"].as_array().expect("findings") {
        let rule = f["rule"].as_str().expect("rule");
        if matches!(
            rule,
            "layer-violation" | "forbidden-crate" | "unvalidated-input"
        ) {
            assert!(f["layer"].is_string(), "{f}");
        }
        if rule == "layer-violation" && f["layer"] == "core" {
            assert!(
                f["message"]
                    .as_str()
                    .expect("message")
                    .ends_with("(core may use: nothing)"),
                "{f}"
            );
        }
    }
}

#[test]
fn the_clean_twin_passes() {
    let out = check("layered-clean", &["--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["findings"], 0, "{report:#}");
}

#[test]
fn files_mode_still_resolves_across_files() {
    // Only service.rs is named, but the re-exports in shared.rs are still followed.
    let root = fixture("layered");
    let out = bin()
        .current_dir(&root)
        .args(["--format", "json", "svc/src/core/service.rs"])
        .output_bounded()
        .expect("binary runs");
    assert_eq!(code(&out), 1);
    let found = report_findings(&json(&out));
    let expected = workspace_annotations(&root);
    assert_eq!(
        found.keys().collect::<Vec<_>>(),
        ["svc/src/core/service.rs"]
    );
    assert_eq!(
        found.get("svc/src/core/service.rs"),
        expected.get("svc/src/core/service.rs")
    );
}

#[test]
fn a_layer_naming_a_missing_module_is_a_config_error() {
    let dir = common::package(&[
        (
            "panicfree.toml",
            "[[layer]]\nname = \"core\"\nmodules = [\"demo::cor\"]\n",
        ),
        ("src/lib.rs", "pub mod core;\n"),
        ("src/core.rs", "pub fn f() {}\n"),
    ]);
    let out = common::run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = common::stderr(&out);
    assert!(
        err.contains("`layer[0].modules[0]`: layer `core` names module `demo::cor`, which does not exist, did you mean `demo::core`?"),
        "{err}"
    );
}

#[test]
fn boundary_rules_cannot_be_justified_by_comments() {
    let dir = common::package(&[
        (
            "panicfree.toml",
            "[justification]\nrules = [\"layer-violation\"]\n",
        ),
        ("src/lib.rs", "pub fn f() {}\n"),
    ]);
    let out = common::run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    assert!(common::stderr(&out).contains("cannot be justified"));
}

#[test]
fn a_renamed_dependency_is_its_crate() {
    let report = json(&check("layered", &["--format", "json"]));
    let renamed = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("tokio_postgres"))
        })
        .expect("the renamed tokio-postgres is found");
    assert_eq!(renamed["line"], 9);
    assert!(renamed["message"]
        .as_str()
        .expect("message")
        .contains("renamed in Cargo.toml"));
}

#[test]
fn a_binary_is_judged_with_the_library_it_calls() {
    // The library serves and installs no boundary: `server` calls it by the
    // library's crate name (not its own), `report` never does.
    let dir = common::package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nname = \"svc_lib\"\n\n[workspace]\n",
        ),
        ("src/lib.rs", "pub fn app() -> axum::Router {\n    axum::Router::new()\n}\n"),
        ("src/bin/server.rs", "fn main() {\n    let _ = svc_lib::app();\n}\n"),
        ("src/bin/report.rs", "fn main() {\n    println!(\"ok\");\n}\n"),
    ]);
    let report = json(&common::run_in(dir.path(), &["--format", "json"]));
    assert_eq!(
        common::sites(&report),
        [(
            "src/bin/server.rs".to_owned(),
            1,
            "missing-panic-boundary".to_owned()
        )]
    );
}

/// A package whose `business` layer takes a raw `Deserialize` type in a public
/// function, with the layers' configuration given.
fn raw_input_package(layers: &str) -> tempfile::TempDir {
    common::package(&[
        (
            "src/lib.rs",
            "pub mod input;\npub mod business;\npub mod core;\n",
        ),
        (
            "src/input.rs",
            "#[derive(serde::Deserialize)]\npub struct SignUp { pub email: String }\n",
        ),
        (
            "src/business.rs",
            "pub fn register(form: crate::input::SignUp) -> String { form.email }\n",
        ),
        (
            "src/core.rs",
            "pub fn register(form: crate::input::SignUp) -> String { form.email }\n",
        ),
        ("panicfree.toml", layers),
    ])
}

#[test]
fn unvalidated_input_follows_the_layer_role_and_falls_back_to_the_name() {
    // `role = "core"` turns the rule on for a layer of any name...
    let dir = raw_input_package(
        "[[layer]]\nname = \"business\"\nrole = \"core\"\nmodules = [\"demo::business\"]\nmay_use = [\"input\"]\n\n[[layer]]\nname = \"input\"\nrole = \"input\"\nmodules = [\"demo::input\"]\n",
    );
    let report = json(&common::run_in(dir.path(), &["--format", "json"]));
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["path"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![("unvalidated-input".to_owned(), "src/business.rs".to_owned())]
    );

    // ...another role turns it off even for a layer named `core`, and a layer named
    // `core` without a role keeps the rule.
    let dir = raw_input_package(
        "[[layer]]\nname = \"core\"\nrole = \"infra\"\nmodules = [\"demo::business\"]\n\n[[layer]]\nname = \"domain\"\nmodules = [\"demo::core\"]\n",
    );
    let report = json(&common::run_in(dir.path(), &["--format", "json"]));
    let rules: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(rules, vec![("unvalidated-input", "src/core.rs")]);
}

#[test]
fn a_layer_naming_a_crate_outside_the_workspace_is_a_config_error_at_its_line() {
    // Issue 8: a misspelt crate name used to make the layer own no files, silently.
    let dir = common::package(&[
        (
            "panicfree.toml",
            "[[layer]]\nname = \"core\"\nmodules = [\n  \"demo::core\",\n  \"dmeo::infra\",\n]\n",
        ),
        ("src/lib.rs", "pub mod core;\npub mod infra;\n"),
        ("src/core.rs", "pub fn f() {}\n"),
        ("src/infra.rs", "pub fn g() {}\n"),
    ]);
    let out = common::run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = common::stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("panicfree.toml:5: `layer[0].modules[1]`: layer `core` names module `dmeo::infra`, but no crate of the workspace is called `dmeo`, did you mean `demo::infra`?"),
        "{err}"
    );
}

#[test]
fn a_crate_with_no_near_name_is_answered_with_the_workspace_crates() {
    let dir = common::package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[workspace.metadata.panicfree]\nlayer = [\n  { name = \"core\", modules = [\"my_service::core\"] },\n]\n",
        ),
        ("src/lib.rs", "pub mod core;\n"),
        ("src/core.rs", "pub fn f() {}\n"),
    ]);
    let out = common::run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = common::stderr(&out);
    assert!(
        err.contains("Cargo.toml:10: `workspace.metadata.panicfree.layer[0].modules[0]`: layer `core` names module `my_service::core`, but no crate of the workspace is called `my_service` (the workspace's crates: `demo`)"),
        "{err}"
    );
}

#[test]
fn a_package_name_with_a_hyphen_is_answered_with_its_crate_name() {
    let dir = common::package(&[
        (
            "panicfree.toml",
            "[[layer]]\nname = \"core\"\nmodules = [\"demo-app::core\"]\n",
        ),
        ("src/lib.rs", "pub mod core;\n"),
        ("src/core.rs", "pub fn f() {}\n"),
    ]);
    let out = common::run_in(dir.path(), &[]);
    assert_eq!(code(&out), 2);
    let err = common::stderr(&out);
    assert!(
        err.contains("panicfree.toml:3: `layer[0].modules[0]`: `demo-app::core` is not a module path like `my_crate::core`, did you mean `demo_app::core`?"),
        "{err}"
    );
}

#[test]
fn a_layer_of_a_workspace_crate_left_out_by_p_is_no_error() {
    // `-p worker` checks the worker only; the layers of `layered_svc` are still valid.
    let out = check("layered", &["--format", "json", "-p", "worker"]);
    assert_eq!(code(&out), 1, "{}", common::stderr(&out));
    assert_eq!(
        common::sites(&json(&out)),
        [(
            "Cargo.toml".to_owned(),
            9,
            "panic-abort-defeats-catch".to_owned()
        )]
    );
}

#[test]
fn rocket_catches_handler_panics_so_abort_defeats_it() {
    // Rocket 0.5 runs handlers under `catch_unwind`: no missing boundary, but with
    // `panic = "abort"` nothing is caught.
    let dir = common::package(&[
        (
            "Cargo.toml",
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[profile.release]\npanic = \"abort\"\n",
        ),
        (
            "src/main.rs",
            "#[rocket::main]\nasync fn main() {\n    let _ = rocket::build().launch().await;\n}\n",
        ),
    ]);
    let report = json(&common::run_in(dir.path(), &["--format", "json"]));
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{report:#}");
    assert_eq!(findings[0]["rule"], "panic-abort-defeats-catch");
    assert!(findings[0]["message"]
        .as_str()
        .expect("message")
        .contains("Rocket catches handler panics"));
}

#[test]
fn the_catch_panic_middleware_of_each_framework_is_a_boundary() {
    // poem's, salvo's and actix-web-lab's `CatchPanic`, tower-http's `CatchPanicLayer`.
    let guarded = [
        "fn main() {\n    let _ = poem::Server::new(());\n    let _ = poem::Route::new().with(poem::middleware::CatchPanic::new());\n}\n",
        "use salvo::prelude::*;\nfn main() {\n    let _ = Router::new().hoop(CatchPanic::new());\n    let _ = salvo::Server::new(());\n}\n",
        "use actix_web_lab::middleware::CatchPanic;\nfn main() {\n    let _ = actix_web::HttpServer::new(|| actix_web::App::new().wrap(CatchPanic::default()));\n}\n",
        "fn main() {\n    let _ = tonic::transport::Server::builder().layer(tower_http::catch_panic::CatchPanicLayer::new());\n}\n",
    ];
    for main in guarded {
        let dir = common::package(&[("src/main.rs", main)]);
        let out = common::run_in(dir.path(), &["--format", "json"]);
        assert_eq!(code(&out), 0, "{main}\n{}", stdout(&out));
    }
}
